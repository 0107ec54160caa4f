#!/usr/bin/env bash
# Installs every system package effai needs on Debian 12 (run as root).
# Idempotent: when everything is present it does nothing, without touching
# the network.
set -euo pipefail

packages=(
  # Toolchain and LLVM/MLIR 22 (FileCheck, not, lit, mlir-opt, mlir-runner).
  cmake ninja-build g++ python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # OpenMP runtime for threaded artifacts (effai-compile --parallel).
  libomp-22-dev
  # ONNX import: protobuf C++ and ONNX's own node tests with reference data.
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  # Python bindings and Python-side tests (Debian's /usr/bin/python3).
  pybind11-dev python3-dev python3-numpy python3-matplotlib python3-onnx python3-pytest
  # Models and references: PyTorch/torchvision (ResNet-18 check, digits
  # training) and scikit-learn (the digits data).
  python3-torch python3-torchvision python3-sklearn
  # The FPGA target's Verilog: simulated cycle by cycle (--target=fpga-rtl;
  # iverilog as a second simulator), synthesized (--target=fpga-synth), and
  # placed, routed and packed for an iCE40 (--target=fpga-bitstream).
  verilator iverilog yosys nextpnr-ice40 fpga-icestorm
  # Reliability builds: libFuzzer targets and sanitizers (scripts/fuzz.sh,
  # scripts/sanitize.sh).
  clang-22 libclang-rt-22-dev
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
