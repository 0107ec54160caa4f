#!/usr/bin/python3
"""Per-layer compression choice (effai.hybrid) for a bundled digits model:
each layer's sensitivity to int8 / power-of-two / int4 / 2:4+int8 weights
is measured alone on calibration images (relative output error vs fp32),
then one choice per layer meets the budget: an output error, a size, or a
latency predicted by the roofline of a target (--target: host, the default,
or a preset such as x86-avx2) for the layers with weights. Prints the
per-layer report and the held-out accuracy of the result.

Usage: hybrid.py [mlp|cnn] (--max-error E | --max-bytes-fraction F |
                            --max-latency-fraction F [--target T])
Exits 1 if the chosen model misses its budget.
"""

import argparse
import os
import sys

import numpy as np

import effai

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["mlp", "cnn"])
    budget = parser.add_mutually_exclusive_group(required=True)
    budget.add_argument("--max-error", type=float)
    budget.add_argument("--max-bytes-fraction", type=float)
    budget.add_argument("--max-latency-fraction", type=float)
    parser.add_argument("--target", default="host")
    args = parser.parse_args()
    images = np.load(os.path.join(HERE, "test_images.npy"))
    labels = np.load(os.path.join(HERE, "test_labels.npy"))
    calibration = np.resize(
        np.load(os.path.join(HERE, "calibration_images.npy")), images.shape)
    path = os.path.join(HERE, f"digits_{args.model}.onnx")
    shapes = {"input": list(images.shape)}

    fp32 = effai.import_onnx(path, input_shapes=shapes)
    fp32_accuracy = float((effai.compile(fp32)(images).argmax(1) ==
                           labels).mean())
    module = effai.import_onnx(path, input_shapes=shapes)
    max_bytes = (None if args.max_bytes_fraction is None else
                 int(fp32.weight_bytes() * args.max_bytes_fraction))
    max_latency_us = None
    if args.max_latency_fraction is not None:
        module.run_pipeline(f"effai-set-target{{target={args.target}}}")
        max_latency_us = (effai.roofline_us(module) *
                          args.max_latency_fraction)
    report = effai.hybrid(module, [calibration], max_error=args.max_error,
                          max_bytes=max_bytes, max_latency_us=max_latency_us)
    print(report)
    accuracy = float((effai.compile(module)(images).argmax(1) ==
                      labels).mean())
    print(f"held-out accuracy {accuracy:.4f} (fp32 {fp32_accuracy:.4f}, "
          f"{(accuracy - fp32_accuracy) * 100:+.2f} points)")
    met = (report.error <= args.max_error if args.max_error is not None
           else report.bytes <= max_bytes if max_bytes is not None
           else report.predicted_us <= max_latency_us)
    print("budget met" if met else "budget MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
