#!/usr/bin/python3
"""Pruned linear layers on the CPU, 1 thread: effai's sparse kernels
(effai-convert-sparse-kernels) against effai's dense kernel on the same
layer, and against PyTorch on the same machine in the same run: dense
F.linear and a CSR sparse matrix of the same size and density
(torch.sparse.mm). Median milliseconds of a Linear(K -> N) with bias on a
[batch, K] input.

  bench_sparse.py [--sizes 1024] [--batches 64,360] [--quick]
                  [--baseline-build DIR]

--baseline-build times another build's effai too (its tools in DIR/bin),
the way a kernel change is compared with the build before it.
"""

import argparse
import os
import re
import sys
import tempfile

if "OPENBLAS_CORETYPE" in os.environ:  # before numpy/torch load OpenBLAS
    env = dict(os.environ)
    del env["OPENBLAS_CORETYPE"]
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

import harness  # noqa: E402
from run_benchmarks import time_effai, time_torch  # noqa: E402

# (label, effai-opt pipeline, kept fraction for the PyTorch CSR peer).
VARIANTS = [
    ("50% unstructured (bitmap)",
     "effai-prune{mode=magnitude sparsity=0.5}", 0.5),
    ("50%, i32 pairs",
     "effai-prune{mode=magnitude sparsity=0.5 index=pairs}", 0.5),
    ("50%, 4-bit deltas",
     "effai-prune{mode=magnitude sparsity=0.5 index=delta delta-bits=4}",
     0.5),
    ("2:4", "effai-prune{mode=nm n=2 m=4}", 0.5),
    ("90% unstructured", "effai-prune{mode=magnitude sparsity=0.9}", 0.1),
    ("90% + int8 codes", "effai-prune{mode=magnitude sparsity=0.9},"
     "effai-quantize{weight-bits=8}", 0.1),
]


def linear_model(path, k, n, batch, rng):
    """An ONNX Gemm input [batch, k] -> logits [batch, n]; its weights."""
    w = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["input", "w", "b"], ["logits"], transB=1)],
        "linear",
        [helper.make_tensor_value_info("input", onnx.TensorProto.FLOAT,
                                       [batch, k])],
        [helper.make_tensor_value_info("logits", onnx.TensorProto.FLOAT,
                                       [batch, n])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("",
                                                                        13)])
    onnx.save(model, path)
    return w, b


def time_torch_csr(w, b, x, kept, reps):
    """torch.sparse.mm with `w` magnitude-pruned to `kept` of its weights."""
    threshold = np.quantile(np.abs(w), 1.0 - kept)
    pruned = torch.from_numpy(np.where(np.abs(w) >= threshold, w, 0.0))
    csr = pruned.to_sparse_csr()
    bias = torch.from_numpy(b)[:, None]

    class Sparse(torch.nn.Module):
        def forward(self, x):
            return (torch.sparse.mm(csr, x.T) + bias).T
    return time_torch(Sparse(), x, 1, reps)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1024",
                        help="K = N of the layer, comma-separated")
    parser.add_argument("--batches", default="64,360")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline-build",
                        help="another build directory to time as well")
    args = parser.parse_args()
    reps = 20 if args.quick else 100
    workdir = tempfile.mkdtemp(prefix="effai-sparse-")
    rng = np.random.default_rng(0)
    builds = [("effai", harness.BUILD)]
    if args.baseline_build:
        builds.append(("baseline", os.path.abspath(args.baseline_build)))

    def effai_ms(build, path, x, tag, pipeline=None):
        harness.BUILD = build
        return time_effai(path, x, 1, reps, workdir, tag, pipeline)

    print(f"Pruned Linear(K -> N) with bias, 1 thread, median ms of {reps} "
          "runs (ratios: dense time / this time, above 1 is faster).")
    print()
    header = "| layer | batch | variant |"
    rule = "|---|---|---|"
    for name, _ in builds:
        header += f" {name} (ms) | {name} vs its dense |"
        rule += "---|---|"
    print(header + " PyTorch CSR (ms) | PyTorch dense (ms) |")
    print(rule + "---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        for batch in [int(s) for s in args.batches.split(",")]:
            path = os.path.join(workdir, f"linear{size}-{batch}.onnx")
            w, b = linear_model(path, size, size, batch, rng)
            x = rng.standard_normal((batch, size)).astype(np.float32)
            layer = torch.nn.Linear(size, size)
            layer.weight.data = torch.from_numpy(w)
            layer.bias.data = torch.from_numpy(b)
            torch_ms, torch_out = time_torch(layer.eval(), x, 1, reps)
            dense = {}
            row = f"| {size}x{size} | {batch} | dense |"
            for name, build in builds:
                tag = f"{name}-{size}-{batch}-dense"
                dense[name], out = effai_ms(build, path, x, tag)
                assert np.abs(out - torch_out).max() <= 1e-4 * np.abs(
                    torch_out).max(), name
                row += f" {dense[name]:.3f} | 1.00x |"
            print(row + f" | {torch_ms:.3f} |", flush=True)
            for label, pipeline, kept in VARIANTS:
                row = f"| {size}x{size} | {batch} | {label} |"
                for name, build in builds:
                    tag = (f"{name}-{size}-{batch}-" +
                           re.sub(r"[^a-z0-9]+", "-", label.lower()))
                    ms, _ = effai_ms(build, path, x, tag, pipeline)
                    row += f" {ms:.3f} | {dense[name] / ms:.2f}x |"
                csr_ms = time_torch_csr(w, b, x, kept, reps)
                print(row + f" {csr_ms:.3f} | {torch_ms:.3f} |", flush=True)


if __name__ == "__main__":
    main()
