#!/usr/bin/python3
"""Compiles the bundled digits models with effai and evaluates them on the
held-out split: predictions, accuracy, agreement with PyTorch's logits, and
latency (batch 1 and the whole split) through the runtime.

Usage: evaluate.py [--parallel] [--check]
With --check, exits 1 unless accuracy equals PyTorch's and the logits agree
within 1e-4 (relative to the largest logit).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

import effai

HERE = os.path.dirname(os.path.abspath(__file__))


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    images = np.load(os.path.join(HERE, "test_images.npy"))
    labels = np.load(os.path.join(HERE, "test_labels.npy"))
    with open(os.path.join(HERE, "reference.json")) as f:
        reference = json.load(f)
    ok = True
    for name in ["mlp", "cnn", "wide"]:
        model = os.path.join(HERE, f"digits_{name}.onnx")
        start = time.perf_counter()
        whole = effai.compile(model, parallel=args.parallel,
                              input_shapes={"input": list(images.shape)})
        compile_s = time.perf_counter() - start
        single = effai.compile(model, parallel=args.parallel,
                               input_shapes={"input": [1, 1, 8, 8]})
        logits = whole(images)
        pred = logits.argmax(1)
        accuracy = float((pred == labels).mean())
        torch_logits = np.load(os.path.join(HERE,
                                            f"digits_{name}_test_logits.npy"))
        error = float(np.abs(logits - torch_logits).max() /
                      np.abs(torch_logits).max())
        one = images[:1]
        single(one)  # warm up
        batch1 = median_ms(lambda: single(one), 200)
        batchn = median_ms(lambda: whole(images), 20)
        print(f"digits_{name}.onnx: compiled in {compile_s:.2f} s "
              f"(workspace {whole.workspace_bytes} bytes)")
        print(f"  predictions (first 10): {' '.join(map(str, pred[:10]))}")
        print(f"  labels      (first 10): {' '.join(map(str, labels[:10]))}")
        print(f"  accuracy {accuracy:.4f} on {len(labels)} held-out digits "
              f"(PyTorch fp32: {reference[name]['fp32_accuracy']:.4f}); "
              f"max logit difference vs PyTorch {error:.1e} (relative)")
        print(f"  latency: {batch1:.3f} ms per image (batch 1), "
              f"{batchn:.3f} ms for all {len(labels)} "
              f"({batchn * 1e3 / len(labels):.1f} us/image)")
        if (abs(accuracy - reference[name]["fp32_accuracy"]) > 1e-9
                or error > 1e-4):
            ok = False
    if args.check and not ok:
        print("evaluate.py: effai disagrees with PyTorch", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
