#!/usr/bin/env bash
# Installs dependencies, builds effai, and runs the main example end to end:
# two small models trained on scikit-learn's handwritten digits (bundled in
# examples/digits, ONNX exported from PyTorch) are compiled ahead of time for
# this CPU and run through the runtime on the 360 held-out digits, printing
# predictions, accuracy (vs PyTorch's) and latency. Then the same with the
# command-line tools, and the roofline cost of a compressed MLP's layers.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
python=/usr/bin/python3

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

digits="$root/examples/digits"
echo
echo "== Python: effai.compile + run on the held-out digits"
PYTHONPATH="$build_dir/python_packages" "$python" "$digits/evaluate.py" --check

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo
echo "== effai-compile digits_cnn.onnx -o digits_cnn.so; effai-run on one digit"
"$build_dir/bin/effai-compile" "$digits/digits_cnn.onnx" -o "$work/digits_cnn.so" \
  --input-shape input=1x1x8x8
"$python" -c "import numpy as np, sys; np.save(sys.argv[1], np.load(sys.argv[2])[:1])" \
  "$work/digit.npy" "$digits/test_images.npy"
"$build_dir/bin/effai-run" "$work/digits_cnn.so" --input "$work/digit.npy" \
  --repeat 1000 --print-outputs 10 --output-dir "$work/out"
"$python" -c "import numpy as np, sys; print('predicted digit:', int(np.load(sys.argv[1]).argmax()), '| label:', int(np.load(sys.argv[2])[0]))" \
  "$work/out/logits.npy" "$digits/test_labels.npy"

echo
echo "== FPGA: the digits CNN int8 as a streaming accelerator for two parts (HLS C++, C simulation)"
PYTHONPATH="$build_dir/python_packages" "$python" "$digits/fpga.py" --check

example="$root/examples/compressed-mlp.mlir"
echo
echo "== effai-opt --effai-annotate-cost $(basename "$example")"
"$build_dir/bin/effai-opt" "$example" --effai-annotate-cost \
  | grep -E '^#enc|effai\.(linear|conv2d)' | sed -E 's/^ +//'
