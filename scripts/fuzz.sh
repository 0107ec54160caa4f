#!/usr/bin/env bash
# Builds effai's libFuzzer targets (clang-22, ASan + UBSan) into
# $FUZZ_BUILD_DIR (default build-fuzz/), writes their seed corpora, and runs
# each target for SECONDS (default 60), printing executions and crashes per
# target. Crash inputs land in $FUZZ_BUILD_DIR/crashes/; exits 1 if any.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Targets: onnx-import ir-parser weight-codec npy runtime-metadata.
# A crash found becomes a regression input (test/Fuzz/regressions/TARGET/)
# with its fix.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(onnx-import ir-parser weight-codec npy runtime-metadata)

"$root/scripts/install-deps.sh"
# The ASan + UBSan build scripts/sanitize.sh address runs the suite in.
SANITIZE_BUILD_DIR="$build_dir" "$root/scripts/sanitize.sh" configure address
cmake --build "$build_dir" --target "${targets[@]/%/-fuzzer}"

seeds="$build_dir/fuzz-seeds"
corpus="$build_dir/fuzz-corpus"
crashes="$build_dir/crashes"
# Inputs that crashed a target once; each run replays them first.
regressions="$root/test/Fuzz/regressions"
rm -rf "$seeds"
/usr/bin/python3 "$root/scripts/fuzz-seeds.py" "$seeds"
mkdir -p "$crashes"

# Leaks would be libonnx's and protobuf's process-lifetime caches.
# verify_asan_link_order=0: the shared ASan runtime (-shared-libasan) comes
# after libstdc++, which does not interpose malloc. allow_user_poisoning=0:
# LLVM's headers poison BumpPtrAllocator slabs in instrumented code that
# Debian's uninstrumented libMLIR then uses legitimately.
export ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0:allow_user_poisoning=0:${ASAN_OPTIONS:-}"
printf '%-18s %8s %12s %8s %8s\n' target seconds executions corpus crashes
status=0
for target in "${targets[@]}"; do
  mkdir -p "$corpus/$target"
  log="$build_dir/fuzz-$target.log"
  rm -f "$crashes/$target-"*
  replay=() # (git keeps no empty folder for a target without regressions)
  [ -d "$regressions/$target" ] && replay=("$regressions/$target")
  # -timeout: an input that takes longer is a hang, reported like a crash.
  "$build_dir/bin/$target-fuzzer" -max_total_time="$seconds" -timeout=30 \
    -rss_limit_mb=4096 -max_len=1048576 -print_final_stats=1 \
    -artifact_prefix="$crashes/$target-" \
    "$corpus/$target" "$seeds/$target" "${replay[@]}" >"$log" 2>&1 || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$crashes" -name "$target-*" | wc -l)
  printf '%-18s %8s %12s %8s %8s\n' "$target" "$seconds" "${runs:-?}" \
    "$(ls "$corpus/$target" | wc -l)" "$found"
  if [ "$found" -ne 0 ] || [ -z "$runs" ]; then
    status=1
    echo "  $target: see $log" >&2
    grep -m3 -E "ERROR|runtime error|SUMMARY" "$log" | sed 's/^/  /' >&2 || true
    # The stack and the input itself: a CI machine's crash files are gone
    # after the run, so the log must carry enough to reproduce it.
    grep -m12 -E "^ +#[0-9]+ " "$log" | sed 's/^/  /' >&2 || true
    for input in "$crashes/$target-"*; do
      [ -f "$input" ] || continue
      if [ "$(stat -c %s "$input")" -le 4096 ]; then
        echo "  $(basename "$input") (base64):" >&2
        base64 -w 76 "$input" | sed 's/^/    /' >&2
      fi
    done
  fi
done
exit $status
