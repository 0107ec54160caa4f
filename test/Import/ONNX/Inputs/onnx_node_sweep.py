#!/usr/bin/python3
"""Imports every ONNX node-test model and classifies the outcome.

Each model either imports (exit 0, verified IR) or is refused with a
diagnostic (non-zero exit and an `error:` line); anything else (a signal, or
an exit without a diagnostic) is a crash. Prints the import rate per op and
overall. With --expected FILE, fails when a model listed there no longer
imports; --update rewrites that list.

Usage: onnx_node_sweep.py EFFAI_TRANSLATE [--expected F] [--update] [-j N]
"""

import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys

NODE_DIR = "/usr/share/libonnx-testdata/data/node"

# The ops effai's importer covers by design (CNNs, MLPs, ViT/BERT-style
# transformers, quantized models): models built only from these are the
# second rate the sweep reports.
LISTED_OPS = set("""
Conv ConvTranspose Gemm MatMul Add Sub Mul Div Pow Sqrt Exp Log Neg Abs Erf
Relu LeakyRelu Sigmoid Tanh Clip HardSigmoid HardSwish Softmax LogSoftmax
LayerNormalization BatchNormalization InstanceNormalization MaxPool
AveragePool GlobalAveragePool GlobalMaxPool Flatten Reshape Transpose Concat
Split Slice Squeeze Unsqueeze Gather Shape Constant ConstantOfShape Identity
Cast Expand Where Equal Less Greater ReduceMean ReduceSum ReduceMax ReduceMin
Pad Resize Dropout QuantizeLinear DequantizeLinear DynamicQuantizeLinear
QLinearConv QLinearMatMul MatMulInteger ConvInteger BitShift Trilu Einsum Range
Tile
""".split())


def ops_in(name):
    import onnx
    model = onnx.load(os.path.join(NODE_DIR, name, "model.onnx"),
                      load_external_data=False)
    return {node.op_type for node in model.graph.node}


def classify(translate, name):
    model = os.path.join(NODE_DIR, name, "model.onnx")
    try:
        proc = subprocess.run([translate, "--import-onnx", model, "-o",
                               os.devnull], capture_output=True, text=True,
                              timeout=120)
    except subprocess.TimeoutExpired:
        return name, "crashed", "timeout"
    if proc.returncode == 0:
        return name, "imported", ""
    errors = [l for l in proc.stderr.splitlines() if "error:" in l]
    if proc.returncode > 0 and errors:
        return name, "diagnosed", errors[0]
    return name, "crashed", f"exit {proc.returncode}: {proc.stderr[-300:]}"


def op_of(name):
    """The op a node test is about: test_<op>[_variant] (case-insensitive)."""
    return re.sub(r"^test_", "", name).split("_")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("translate")
    parser.add_argument("--expected")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    names = sorted(d for d in os.listdir(NODE_DIR)
                   if os.path.exists(os.path.join(NODE_DIR, d, "model.onnx")))
    with concurrent.futures.ThreadPoolExecutor(args.j) as pool:
        results = list(pool.map(lambda n: classify(args.translate, n), names))

    per_op = collections.defaultdict(collections.Counter)
    for name, outcome, _ in results:
        per_op[op_of(name)][outcome] += 1
    if args.verbose:
        for name, outcome, detail in results:
            print(f"{outcome:9} {name} {detail}")
        print("\nop                          imported/total")
        for op in sorted(per_op):
            c = per_op[op]
            print(f"{op:28} {c['imported']}/{sum(c.values())}")

    totals = collections.Counter(outcome for _, outcome, _ in results)
    imported = {name for name, outcome, _ in results if outcome == "imported"}
    print(f"models: {len(results)}  imported: {totals['imported']} "
          f"({100.0 * totals['imported'] / len(results):.1f}%)  "
          f"diagnosed: {totals['diagnosed']}  crashed: {totals['crashed']}")
    listed = [(n, o) for n, o, _ in results if ops_in(n) <= LISTED_OPS]
    listed_ok = sum(o == "imported" for _, o in listed)
    print(f"models of listed ops: {len(listed)}  imported: {listed_ok} "
          f"({100.0 * listed_ok / max(1, len(listed)):.1f}%)")
    if args.verbose:
        for name, outcome in listed:
            if outcome != "imported":
                print(f"listed-op model not imported: {name}")
    for name, outcome, detail in results:
        if outcome == "crashed":
            print(f"CRASH {name}: {detail}")

    failed = totals["crashed"] > 0
    if args.expected:
        if args.update:
            with open(args.expected, "w") as f:
                f.write("# ONNX node tests that must import (onnx_node_sweep.py"
                        " --update rewrites this list).\n")
                f.writelines(f"{n}\n" for n in sorted(imported))
        else:
            with open(args.expected) as f:
                expected = {l.strip() for l in f
                            if l.strip() and not l.startswith("#")}
            for name in sorted(expected - imported):
                detail = next(d for n, _, d in results if n == name)
                print(f"REGRESSION {name}: {detail}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
