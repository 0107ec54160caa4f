#!/usr/bin/python3
"""effai's CPU path against ONNX Runtime, measured in one run on this machine.

For each model and thread count, effai (effai-compile, timed by effai-run)
and ONNX Runtime (npm onnxruntime-node, timed inside node) run the same
ONNX file on the same input, alternating for --rounds rounds; each side's
latency is the best of its per-round medians (the machines here are shared
and noisy: interleaving and taking the best round compares like with like).
Outputs are checked to agree before any number is printed.

Also printed:
  - each peer's per-call floor (a 16-float x+1 model), so that no speed-up
    that is only harness overhead gets reported;
  - the machine's roofs as effai-probe-target measures them (fp32 FMA peak,
    DRAM read bandwidth on 1 and all cores), GEMM's share of the fp32 peak
    and GEMV's share of the DRAM bandwidth;
  - compressed variants (int8 weight-only, power-of-two weights, int8
    w8a8 ResNet-18) against effai's fp32 and ONNX Runtime's fp32.

Usage: bench_cpu.py [--threads 1,2] [--rounds 3] [--quick] [--only NAME,...]
                    [--json results.json]
OPENBLAS_CORETYPE is removed from the environment (it halves OpenBLAS speed
for the PyTorch export step).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

if "OPENBLAS_CORETYPE" in os.environ:  # before numpy/torch load OpenBLAS
    env = dict(os.environ)
    del env["OPENBLAS_CORETYPE"]
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import numpy as np  # noqa: E402
import onnx  # noqa: E402

import models  # noqa: E402
from harness import ensure_onnxruntime, resnet18, run_ort, tool  # noqa: E402


class Case:
    """One model: its ONNX file (the peers' input), the IR effai compiles
    (the ONNX file itself, or a compressed variant's .mlir) and the
    input."""

    def __init__(self, name, onnx_path, x, effai_model=None, flops=0,
                 weight_bytes=0, compare_to=None, tolerance=1e-4):
        self.name, self.onnx_path, self.x = name, onnx_path, x
        self.effai_model = effai_model or onnx_path
        self.flops, self.weight_bytes = flops, weight_bytes
        self.compare_to = compare_to  # fp32 case a variant is checked against
        self.tolerance = tolerance
        self.reference = None


def compile_effai(case, threads, workdir):
    tag = re.sub(r"[^a-z0-9]+", "-", case.name.lower())
    so = os.path.join(workdir, f"{tag}-{threads}t.so")
    args = [tool("effai-compile"), case.effai_model, "-o", so]
    if threads > 1:
        args.append("--parallel")
    start = time.perf_counter()
    subprocess.run(args, check=True)
    seconds = time.perf_counter() - start
    npy = os.path.join(workdir, f"{tag}-input.npy")
    np.save(npy, case.x)
    return so, npy, seconds


def run_effai(so, npy, threads, reps, workdir):
    out_dir = so + ".out"
    text = subprocess.run(
        [tool("effai-run"), so, "--input", npy, "--repeat", str(reps),
         "--warmup", "3", "--output-dir", out_dir, "--num-threads",
         str(threads)], check=True, capture_output=True, text=True).stdout
    median = float(re.search(r"median ([0-9.]+) ms", text).group(1))
    return median, np.load(os.path.join(out_dir, "logits.npy"))


def check_agree(name, effai_out, ort_head, tolerance):
    scale = max(1e-6, float(np.abs(effai_out).max()))
    error = float(np.abs(effai_out.flatten()[:4] - ort_head).max()) / scale
    if error > tolerance:
        sys.exit(f"{name}: effai and ONNX Runtime disagree (max error "
                 f"{error:.2e} of the output's range)")


def probe_machine(workdir, seconds, working_sets):
    """The measured machine description, and the read bandwidth (GB/s on 1
    core, on all) of each working-set size in `working_sets`: a GEMV's
    weights may sit in a large last-level cache, and are then compared with
    what reading that many bytes costs, not with main memory."""
    path = os.path.join(workdir, "machine.json")
    sizes = sorted({int(b) for b in working_sets})
    log = subprocess.run(
        [tool("effai-probe-target"), "-o", path, f"--seconds={seconds}"] +
        ([f"--read-bytes={','.join(map(str, sizes))}"] if sizes else []),
        check=True, capture_output=True, text=True).stderr
    bandwidth = {}
    for match in re.finditer(r"(\d+) bytes read: +([0-9.]+) GB/s on 1 core, "
                             r"+([0-9.]+) GB/s", log):
        bandwidth[int(match.group(1))] = (float(match.group(2)),
                                          float(match.group(3)))
    with open(path) as f:
        return json.load(f), bandwidth


def save(model, workdir, name):
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    return path


def effai_variant(onnx_path, x, workdir, name, pipeline):
    """The imported model through an effai-opt pipeline, as .mlir."""
    shape = "x".join(map(str, x.shape))
    imported = os.path.join(workdir, f"{name}.imported.mlir")
    out = os.path.join(workdir, f"{name}.mlir")
    subprocess.run([tool("effai-translate"), "--import-onnx", onnx_path,
                    f"--input-shape=input={shape}", "-o", imported],
                   check=True)
    subprocess.run([tool("effai-opt"), imported, "-o", out,
                    f"--pass-pipeline=builtin.module({pipeline})"],
                   check=True)
    return out


def int8_resnet(onnx_path, x, workdir, samples):
    """Calibrated w8a8 (per-channel int8 weights, uint8 activations)."""
    import effai
    module = effai.import_onnx(onnx_path)
    rng = np.random.default_rng(1)
    effai.quantize(module, [rng.standard_normal(x.shape).astype(np.float32)
                            for _ in range(samples)])
    path = os.path.join(workdir, "resnet18-int8.mlir")
    module.save(path)
    return path


def build_cases(workdir, only, quick):
    cases = []

    def want(name):
        return not only or any(o.lower() in name.lower() for o in only)

    if want("ResNet-18"):
        _, path, x = resnet18(workdir)
        fp32 = Case("ResNet-18", path, x, flops=2 * 1.814e9)
        cases.append(fp32)
        if want("ResNet-18 int8"):
            cases.append(Case("ResNet-18 int8 w8a8", path, x,
                              int8_resnet(path, x, workdir,
                                          2 if quick else 8),
                              compare_to=fp32, tolerance=0.5))
    if want("ViT"):
        model, x = models.vit_encoder()
        cases.append(Case("ViT encoder 4x(197x192)",
                          save(model, workdir, "vit"), x))
    for m, k, n in [(1024, 1024, 1024), (256, 256, 256)]:
        if want(f"GEMM {m}"):
            model, x = models.gemm(m, k, n)
            cases.append(Case(f"GEMM {m}x{k}x{n}",
                              save(model, workdir, f"gemm{m}"), x,
                              flops=2 * m * k * n))
    if want("GEMV"):
        model, x = models.gemm(1, 4096, 4096)
        cases.append(Case("GEMV 1x4096x4096", save(model, workdir, "gemv"),
                          x, flops=2 * 4096 * 4096,
                          weight_bytes=4 * 4096 * 4096))
    if want("LeNet"):
        model, x = models.lenet5()
        cases.append(Case("LeNet-5", save(model, workdir, "lenet"), x))
    if want("MLP"):
        model, x = models.mlp()
        path = save(model, workdir, "mlp")
        fp32 = Case("MLP batch 1 fp32", path, x, weight_bytes=4 * 25.2e6)
        cases.append(fp32)
        # (int4 codes are packed two to a byte where the tiling model
        # predicts it pays, as at batch 1; 2-term power-of-two sums need 8.
        # The tolerance is against fp32: int4 steps of max|w| / 7 add ~17%
        # relative noise per layer, 0.30 of the largest logit over three.)
        for label, pipeline, weight_bytes in [
                ("int8 weight-only", "effai-quantize{weight-bits=8}", 25.2e6),
                ("int4 weight-only", "effai-quantize{weight-bits=4}", 12.6e6),
                ("power-of-two", "effai-shift-quantize{terms=2 bits=4}",
                 25.2e6)]:
            tag = "mlp-" + re.sub(r"[^a-z0-9]+", "-", label)
            cases.append(Case(f"MLP batch 1 {label}", path, x,
                              effai_variant(path, x, workdir, tag, pipeline),
                              weight_bytes=weight_bytes, compare_to=fp32,
                              tolerance=0.5 if "int4" in label else 0.1))
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and rounds")
    parser.add_argument("--only", default="",
                        help="comma-separated substrings of case names")
    parser.add_argument("--json", help="also write the numbers here")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    thread_counts = [int(t) for t in args.threads.split(",")]
    ensure_onnxruntime()
    workdir = tempfile.mkdtemp(prefix="effai-bench-")

    floor_model, floor_x = models.add_one()
    floor = Case("x+1 (16 floats): per-call floor",
                 save(floor_model, workdir, "add_one"), floor_x)
    cases = [floor] + build_cases(workdir, [o for o in args.only.split(",")
                                            if o], args.quick)
    machine, read_bandwidth = probe_machine(
        workdir, 0.05 if args.quick else 0.3,
        [c.weight_bytes for c in cases if c.weight_bytes])
    peak = machine["peaks"]["fp32"]
    dram = machine["memory"][-1]
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, measured "
          f"fp32 peak {peak:.0f} GFLOP/s per core, DRAM read "
          f"{dram['bandwidth']:.1f} GB/s on 1 core, "
          f"{dram['shared_bandwidth']:.1f} GB/s on all; " + ", ".join(
              f"{b / 2**20:.0f} MiB working set: {one:.1f} / {all_:.1f} "
              f"GB/s" for b, (one, all_) in sorted(read_bandwidth.items()))
          + ".")
    results = []
    for case in cases:
        for threads in thread_counts:
            so, npy, compile_s = compile_effai(case, threads, workdir)
            # ~0.5 s of work per side and round, within [5, 2000] runs.
            probe_ms, out = run_effai(so, npy, threads, 3, workdir)
            reps = int(min(2000, max(5, 500 / max(probe_ms, 1e-3))))
            if args.quick:
                reps = max(3, reps // 4)
            effai_ms, ort_ms = [], []
            for _ in range(rounds):
                ms, out = run_effai(so, npy, threads, reps, workdir)
                effai_ms.append(ms)
                ms, head = run_ort(case.onnx_path, case.x, threads, reps,
                                   workdir)
                ort_ms.append(ms)
            if case.compare_to is None:
                check_agree(case.name, out, head, case.tolerance)
                case.reference = out
            else:
                ref = case.compare_to.reference
                error = float(np.abs(out - ref).max() / np.abs(ref).max())
                if error > case.tolerance:
                    sys.exit(f"{case.name}: differs from fp32 by {error:.2e}")
            row = {"model": case.name, "threads": threads,
                   "weight_bytes": case.weight_bytes,
                   "effai_ms": min(effai_ms), "ort_ms": min(ort_ms),
                   "compile_s": compile_s}
            if case.flops:
                row["gflops"] = case.flops / (row["effai_ms"] * 1e6)
            if case.weight_bytes:
                row["gbps"] = case.weight_bytes / (row["effai_ms"] * 1e6)
            results.append(row)
            print(f"{case.name}, {threads} thread(s): effai "
                  f"{row['effai_ms']:.3f} ms, ONNX Runtime "
                  f"{row['ort_ms']:.3f} ms", file=sys.stderr)

    floor_rows = {r["threads"]: r for r in results
                  if r["model"] == floor.name}
    print()
    print("Per-call floor (x+1 on 16 floats): " + ", ".join(
        f"{t} thread(s): effai {r['effai_ms'] * 1e3:.1f} us, ONNX Runtime "
        f"{r['ort_ms'] * 1e3:.1f} us" for t, r in floor_rows.items()))
    print()
    print("| model | threads | effai (ms) | ONNX Runtime (ms) | effai / ORT "
          "| effai / (ORT - its floor) | notes |")
    print("|---|---|---|---|---|---|---|")
    fp32_ms = {}
    for row in results:
        if row["model"] == floor.name:
            continue
        notes = []
        t = row["threads"]
        if "gflops" in row:
            notes.append(f"{row['gflops']:.0f} GFLOP/s = "
                         f"{100 * row['gflops'] / (peak * t):.0f}% of the "
                         f"{t}-core fp32 peak")
        if "gbps" in row:
            one, all_ = read_bandwidth.get(int(row["weight_bytes"]),
                                           (dram["bandwidth"],
                                            dram["shared_bandwidth"]))
            bandwidth = one if t == 1 else all_
            notes.append(f"weights at {row['gbps']:.1f} GB/s = "
                         f"{100 * row['gbps'] / bandwidth:.0f}% of the "
                         "measured read bandwidth")
        base = re.sub(r" (int8 w8a8|int[48] weight-only|power-of-two)$",
                      " fp32", row["model"]).replace("ResNet-18 fp32",
                                                     "ResNet-18")
        if base != row["model"] and (base, t) in fp32_ms:
            notes.append(f"{fp32_ms[(base, t)] / row['effai_ms']:.2f}x "
                         "effai fp32's speed")
        fp32_ms[(row["model"], t)] = row["effai_ms"]
        ort = row["ort_ms"]
        ort_net = ort - floor_rows[t]["ort_ms"]
        net = f"{row['effai_ms'] / ort_net:.2f}" if ort_net > 0 else "-"
        print(f"| {row['model']} | {t} | {row['effai_ms']:.3f} | "
              f"{ort:.3f} | {row['effai_ms'] / ort:.2f} | {net} | "
              f"{'; '.join(notes)} |")
    print()
    print("effai / ORT below 1 means effai is faster; ONNX Runtime is fp32 "
          "in every row (compressed rows run effai's variant of its model).")
    compile_times = [r["compile_s"] for r in results
                     if r["model"] == "ResNet-18" and r["threads"] == 1]
    if compile_times:
        print(f"ResNet-18 compile time: {compile_times[0]:.1f} s.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
