#!/usr/bin/env bash
# Installs dependencies, builds effai, and runs every test: the lit suite
# (through ctest), then the reliability checks: each libFuzzer target for
# 60 s, the runtime's concurrency test under ThreadSanitizer, and the
# dialect, transform, conversion, importer (with its Python tests), runtime
# and fuzz-regression tests under ASan + UBSan + LeakSanitizer.
# This is the command CI runs (about 40 minutes on 2 cores).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
(cd "$build_dir" && ctest --output-on-failure --verbose)

"$root/scripts/fuzz.sh" 60
"$root/scripts/sanitize.sh" thread
"$root/scripts/sanitize.sh" address test/Dialect test/Transforms \
  test/Conversion test/Import test/Runtime test/Fuzz
