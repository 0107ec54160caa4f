#!/usr/bin/python3
"""The hybrid front on a bundled digits model: per-layer compression
choices (effai.hybrid_front) against every single scheme.

The layers' input Gram matrices are recorded on calibration images
(training split; effai.record_input_grams), so every candidate rounds and
prunes with GPTQ-style error feedback refined by coordinate descent
(--plain: each weight alone). Each
layer's sensitivity to each candidate (int8 down to 2-bit codes, 3-bit
powers of two, focused codes, alone and after 25-90% pruning) is measured on
the same images; effai-hybrid's front mode keeps the combinations
undominated in bytes and summed error; those and every single scheme (one
candidate on all layers) are compiled and scored on the 360 held-out digits.
Prints the single schemes, the measured front, and for each single scheme
the best front accuracy at its size or less.

Usage: pareto.py [mlp|cnn|wide] [--check] [--plain]
With --check, exits 1 unless the front's accuracy at each single scheme's
size is at least that scheme's and a point reaches >= 16x within 1 point
of fp32.
"""

import argparse
import os
import sys

import numpy as np

import effai
from compress import HERE, accuracy, load_test_split, report_failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["mlp", "cnn", "wide"])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--plain", action="store_true",
                        help="round each weight alone (no input Gram "
                        "matrices, so no GPTQ error feedback)")
    args = parser.parse_args()
    images, labels, shapes = load_test_split()
    calibration = np.resize(
        np.load(os.path.join(HERE, "calibration_images.npy")), images.shape)
    path = os.path.join(HERE, f"digits_{args.model}.onnx")
    module = effai.import_onnx(path, input_shapes=shapes)
    fp32_bytes = module.weight_bytes()
    fp32_accuracy = accuracy(module, images, labels)
    if not args.plain:
        effai.record_input_grams(module, [calibration])

    points = effai.hybrid_front(
        module, [calibration], lambda m: accuracy(m, images, labels))
    front = effai.pareto(points)

    def row(point, mark=""):
        return (f"{point.bytes:7d} {fp32_bytes / point.bytes:6.2f}x "
                f"{point.score:8.4f} {(point.score - fp32_accuracy) * 100:+7.2f}"
                f"{mark:2} {','.join(point.choices)}")

    print(f"{args.model}: fp32 {fp32_bytes} bytes, accuracy "
          f"{fp32_accuracy:.4f}; {len(points)} points scored")
    print(f"{'bytes':>7} {'ratio':>7} {'accuracy':>8} {'points':>7}   choices")
    print("single schemes:")
    for point in sorted((p for p in points if p.uniform),
                        key=lambda p: p.bytes):
        print(row(point))
    print("front (mixed choices marked +):")
    for point in front:
        print(row(point, "" if point.uniform else "+"))

    failures = []
    for scheme in (p for p in points if p.uniform):
        best = max(p.score for p in front if p.bytes <= scheme.bytes)
        if best < scheme.score:
            failures.append(f"{scheme.choices[0]}: front {best:.4f} < "
                            f"{scheme.score:.4f} at {scheme.bytes} bytes")
    within = [p for p in front if p.score >= fp32_accuracy - 0.01]
    smallest = min(within, key=lambda p: p.bytes)
    print(f"smallest within 1 point: {fp32_bytes / smallest.bytes:.2f}x, "
          f"{smallest.pipeline}")
    if fp32_bytes / smallest.bytes < 16:
        failures.append("no front point at >= 16x within 1 point")
    return report_failures("pareto.py", failures, args.check)


if __name__ == "__main__":
    sys.exit(main())
