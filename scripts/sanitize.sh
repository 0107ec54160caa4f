#!/usr/bin/env bash
# Sanitizer builds (clang-22):
#
#   scripts/sanitize.sh address [LIT ARGS...]
#       Builds everything with ASan + UBSan (and libFuzzer coverage, and
#       LLVM assertions) into $SANITIZE_BUILD_DIR (default build-fuzz/,
#       shared with scripts/fuzz.sh) and runs the lit suite under it, the
#       tools also under LeakSanitizer; LIT ARGS (paths below test/,
#       --filter ...) pick a part. Any report fails its test.
#   scripts/sanitize.sh thread
#       Builds the runtime and effai-runtime-stress with TSan into
#       build-tsan/ and runs the concurrency test's workloads: models
#       compiled by the regular build (build/, built first if missing),
#       run from many threads.
#   scripts/sanitize.sh configure address|thread
#       Only configures the build directory (scripts/fuzz.sh uses this).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

configure() { # MODE DIR
  local sanitizer=("-DEFFAI_SANITIZER=Address;Undefined" -DEFFAI_ENABLE_FUZZERS=ON)
  [ "$1" = thread ] && sanitizer=(-DEFFAI_SANITIZER=Thread)
  # -O1 with line tables: quick to build, readable reports.
  cmake -S "$root" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_C_COMPILER=clang-22 \
    "${sanitizer[@]}" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
}

address_dir="${SANITIZE_BUILD_DIR:-$root/build-fuzz}"
thread_dir="$root/build-tsan"
mode="${1:-}"
shift || true
case "$mode" in
configure)
  [ "${1:-}" = thread ] && configure thread "$thread_dir" ||
    configure address "$address_dir"
  ;;
address)
  "$root/scripts/install-deps.sh"
  configure address "$address_dir"
  cmake --build "$address_dir"
  [ $# -gt 0 ] || set -- "$address_dir/test"
  args=()
  for arg in "$@"; do # paths below test/ run from the build's copy
    case "$arg" in test/*) arg="$address_dir/$arg" ;; esac
    args+=("$arg")
  done
  /usr/lib/llvm-22/bin/lit -sv "${args[@]}"
  ;;
thread)
  "$root/scripts/install-deps.sh"
  [ -x "$root/build/bin/effai-compile" ] || "$root/scripts/build.sh"
  configure thread "$thread_dir"
  cmake --build "$thread_dir" --target effai-runtime-stress
  work="$thread_dir/stress"
  mkdir -p "$work"
  digits="$root/examples/digits"
  "$root/build/bin/effai-compile" "$digits/digits_mlp.onnx" \
    --input-shape input=4x1x8x8 -o "$work/mlp.so"
  "$root/build/bin/effai-compile" "$digits/digits_cnn.onnx" \
    --input-shape input=2x1x8x8 -o "$work/cnn.so"
  export TSAN_OPTIONS="halt_on_error=1:${TSAN_OPTIONS:-}"
  for model in mlp cnn; do
    echo "$model:"
    "$thread_dir/bin/effai-runtime-stress" "$work/$model.so" --threads 8 \
      --runs 25 --load-cycles 50
  done
  ;;
*)
  sed -n '2,16p' "$0" >&2
  exit 2
  ;;
esac
