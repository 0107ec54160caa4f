#!/usr/bin/env bash
# Installs dependencies, builds effai, and runs every test (the lit suite,
# through ctest). This is the command CI runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build_dir"
ctest --output-on-failure --verbose
