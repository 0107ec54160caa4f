#!/usr/bin/env bash
# Installs dependencies, builds effai, and runs the main example: a small MLP
# whose layers carry compressed weights (dense fp32, 2:4-pruned int8,
# power-of-two), annotated with each layer's roofline cost.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

example="$root/examples/compressed-mlp.mlir"
echo
echo "== effai-opt --effai-annotate-cost $(basename "$example")"
"$build_dir/bin/effai-opt" "$example" --effai-annotate-cost \
  | grep -E '^#enc|effai\.(linear|conv2d)' | sed -E 's/^ +//'
