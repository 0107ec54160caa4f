#!/usr/bin/python3
"""effai against PyTorch and ONNX Runtime on the CPU, measured in one run.

Models: the bundled digits MLP and CNN (examples/digits) at batch 1 and on
the whole 360-image test split, and torchvision's ResNet-18 (seeded random
weights) at batch 1x3x224x224. Each peer runs the same weights and input;
outputs are checked to agree before timing. Latency is the median of
repeated runs after warm-up:

  effai        effai-compile (--parallel for 2 threads) + effai-run's timer
  PyTorch      Debian python3-torch, torch.no_grad(), torch.set_num_threads
  ONNX Runtime npm onnxruntime-node (CPU), intraOpNumThreads, via node

Prints a Markdown table with effai's speed relative to each peer (>1: effai
is faster). OPENBLAS_CORETYPE is removed from the environment first (it
halves OpenBLAS speed on this machine).
Usage: run_benchmarks.py [--threads 1,2] [--quick] [--pruned-only]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

if "OPENBLAS_CORETYPE" in os.environ:  # before numpy/torch load OpenBLAS
    env = dict(os.environ)
    del env["OPENBLAS_CORETYPE"]
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from harness import (ROOT, ensure_onnxruntime, resnet18,  # noqa: E402
                     run_ort, tool)

DIGITS = os.path.join(ROOT, "examples", "digits")
sys.path.insert(0, DIGITS)

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import train_digits  # noqa: E402


def digits_torch_model(name, onnx_path):
    model = train_digits.MLP() if name == "mlp" else train_digits.CNN()
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
               for t in onnx.load(onnx_path).graph.initializer}
    model.load_state_dict(weights)
    return model.eval()


def time_effai(onnx_path, x, threads, reps, workdir, tag, pipeline=None):
    """effai's median latency and output; with `pipeline`, the imported model
    goes through that effai-opt pass pipeline first."""
    so = os.path.join(workdir, f"{tag}-{threads}.so")
    shape = "x".join(map(str, x.shape))
    model = onnx_path
    if pipeline:
        imported = os.path.join(workdir, f"{tag}.imported.mlir")
        model = os.path.join(workdir, f"{tag}.mlir")
        subprocess.run([tool("effai-translate"), "--import-onnx", onnx_path,
                        f"--input-shape=input={shape}", "-o", imported],
                       check=True)
        subprocess.run([tool("effai-opt"), imported, "-o", model,
                        f"--pass-pipeline=builtin.module({pipeline})"],
                       check=True)
    args = [tool("effai-compile"), model, "-o", so]
    if not pipeline:
        args.append(f"--input-shape=input={shape}")
    if threads > 1:
        args.append("--parallel")
    subprocess.run(args, check=True)
    npy = os.path.join(workdir, f"{tag}-input.npy")
    np.save(npy, x)
    out_dir = os.path.join(workdir, f"{tag}-{threads}-out")
    run = [tool("effai-run"), so, "--input", npy,
           "--repeat", str(reps), "--warmup", "3", "--output-dir", out_dir]
    if threads > 1:
        run += ["--num-threads", str(threads)]
    text = subprocess.run(run, check=True, capture_output=True,
                          text=True).stdout
    median = float(re.search(r"median ([0-9.]+) ms", text).group(1))
    return median, np.load(os.path.join(out_dir, "logits.npy"))


def time_torch(model, x, threads, reps):
    import time
    torch.set_num_threads(threads)
    inp = torch.from_numpy(x)
    with torch.no_grad():
        for _ in range(3):
            out = model(inp)
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            out = model(inp)
            times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times)), out.numpy()


def time_ort(onnx_path, x, threads, reps, workdir, tag):
    return run_ort(onnx_path, x, threads, reps, workdir)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions")
    parser.add_argument("--pruned-only", action="store_true",
                        help="only the table of pruned digits MLPs")
    args = parser.parse_args()
    ensure_onnxruntime()
    workdir = tempfile.mkdtemp(prefix="effai-bench-")
    images = np.load(os.path.join(DIGITS, "test_images.npy"))
    if args.pruned_only:
        print_pruned_table(workdir, images, 20 if args.quick else 200)
        return
    cases = []
    for name in ["mlp", "cnn"]:
        path = os.path.join(DIGITS, f"digits_{name}.onnx")
        model = digits_torch_model(name, path)
        cases.append((f"digits {name.upper()} batch 1", model, path,
                      images[:1], 200 if args.quick else 2000))
        cases.append((f"digits {name.upper()} batch 360", model, path,
                      images, 20 if args.quick else 200))
    model, path, x = resnet18(workdir)
    cases.append(("ResNet-18 1x3x224x224", model, path, x,
                  3 if args.quick else 10))

    rows = []
    for label, model, path, x, reps in cases:
        tag = re.sub(r"[^a-z0-9]+", "-", label.lower())
        for threads in [int(t) for t in args.threads.split(",")]:
            effai_ms, effai_out = time_effai(path, x, threads, reps, workdir,
                                             tag)
            torch_ms, torch_out = time_torch(model, x, threads, reps)
            ort_ms, ort_head = time_ort(path, x, threads, reps, workdir, tag)
            scale = np.abs(torch_out).max()
            assert np.abs(effai_out - torch_out).max() <= 1e-4 * scale, label
            assert np.allclose(ort_head, torch_out.flatten()[:4],
                               atol=1e-4 * scale), label
            rows.append((label, threads, effai_ms, torch_ms, ort_ms))
            print(f"{label}, {threads} thread(s): effai {effai_ms:.3f} ms, "
                  f"PyTorch {torch_ms:.3f} ms, ONNX Runtime {ort_ms:.3f} ms",
                  file=sys.stderr)

    print("| model | threads | effai (ms) | PyTorch (ms) | ONNX Runtime (ms) "
          "| effai speed vs PyTorch | vs ONNX Runtime |")
    print("|---|---|---|---|---|---|---|")
    for label, threads, e, t, o in rows:
        print(f"| {label} | {threads} | {e:.3f} | {t:.3f} | {o:.3f} | "
              f"{t / e:.2f}x | {o / e:.2f}x |")
    print()
    print_pruned_table(workdir, images, 20 if args.quick else 200)


# Compressed variants of the digits MLP against the dense model (effai's and
# the peers'), 1 thread, batch 360.
PRUNED_VARIANTS = [
    ("50% unstructured", "effai-prune{mode=magnitude sparsity=0.5}"),
    # The same weights with the other position formats (the default above
    # is a bitmap at 50%, 5-bit deltas at 90%).
    ("50%, i32 pairs", "effai-prune{mode=magnitude sparsity=0.5 "
                       "index=pairs}"),
    ("50%, 4-bit deltas", "effai-prune{mode=magnitude sparsity=0.5 "
                          "index=delta delta-bits=4}"),
    ("2:4", "effai-prune{mode=nm n=2 m=4}"),
    ("90% unstructured", "effai-prune{mode=magnitude sparsity=0.9}"),
    ("90%, i32 pairs", "effai-prune{mode=magnitude sparsity=0.9 "
                       "index=pairs}"),
    ("90%, bitmap", "effai-prune{mode=magnitude sparsity=0.9 "
                    "index=bitmap}"),
    ("50% + pow2 (no multiply)", "effai-prune{mode=magnitude sparsity=0.5},"
                                 "effai-shift-quantize{terms=2 bits=4}"),
    ("25% channels removed", "effai-prune{mode=channel sparsity=0.25}"),
]


def print_pruned_table(workdir, images, reps):
    path = os.path.join(DIGITS, "digits_mlp.onnx")
    model = digits_torch_model("mlp", path)
    dense, _ = time_effai(path, images, 1, reps, workdir, "mlp-dense")
    torch_ms, _ = time_torch(model, images, 1, reps)
    ort_ms, _ = time_ort(path, images, 1, reps, workdir, "mlp-dense")
    print("Digits MLP, batch 360, 1 thread: pruned effai models against "
          f"dense ones (effai {dense:.3f} ms, PyTorch {torch_ms:.3f} ms, "
          f"ONNX Runtime {ort_ms:.3f} ms).")
    print()
    print("| variant | effai (ms) | vs effai dense | vs PyTorch dense "
          "| vs ONNX Runtime dense |")
    print("|---|---|---|---|---|")
    for label, pipeline in PRUNED_VARIANTS:
        tag = "mlp-" + re.sub(r"[^a-z0-9]+", "-", label.lower())
        ms, _ = time_effai(path, images, 1, reps, workdir, tag, pipeline)
        print(f"| {label} | {ms:.3f} | {dense / ms:.2f}x | {torch_ms / ms:.2f}x"
              f" | {ort_ms / ms:.2f}x |")


if __name__ == "__main__":
    main()
