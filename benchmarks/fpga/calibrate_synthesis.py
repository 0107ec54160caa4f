#!/usr/bin/env python3
"""How far effai's FPGA resource estimator is from yosys, per arithmetic.

Synthesizes a grid of single PEs: linear (random int8, power-of-two and
75% pruned weights; arithmetic, pe x simd, weight storage,
requantization) and 3x3 convolutions over 4x4x8 (arithmetic, pe x simd),
with `effai-compile --target=fpga-synth`, and prints each PE's estimated
and synthesized LUT/FF/DSP/BRAM, and the LUT error per arithmetic. This is
the data the estimator's LUT model was calibrated on (about 15 minutes per
part on one core).

    benchmarks/fpga/calibrate_synthesis.py [--part xczu9eg] [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

BIN = os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin")


def weights(kind, o, k, rng):
    if kind == "pow2":
        e = rng.integers(0, 6, (o, k))
        s = rng.choice([-1, 1], (o, k))
        return s * (1 << e)
    w = rng.integers(-127, 128, (o, k))
    if kind == "pruned":
        w[np.abs(w) < np.quantile(np.abs(w), 0.75)] = 0
    return w


def design(op, o, k, kind, arithmetic, pe, simd, storage, requant, seed):
    """A linear PE over k inputs, or a 3x3 conv2d over 4x4x(k / 9)."""
    rng = np.random.default_rng(seed)
    w = weights(kind, o, k, rng)
    skip = "true" if kind == "pruned" else "false"
    acc = int(np.abs(w).sum(1).max() * 255).bit_length() + 2
    out_t = "ui8" if requant else "i32"
    # Per-channel constants, as a trained model has (equal ones would let
    # synthesis fold the requantization's multiplier and shifter away).
    multipliers = rng.integers(1 << 30, 1 << 31, o).tolist()
    shifts = rng.integers(acc + 22, acc + 30, o).tolist()
    rq = (f", requant = #effai_fpga.requant<multipliers = {multipliers}, "
          f"shifts = {shifts}, zero_point = 0, min = 0, max = 255>"
          if requant else "")
    fold = (f"fold = #effai_fpga.fold<pe = {pe}, simd = {simd}, "
            f"arithmetic = \"{arithmetic}\", storage = \"{storage}\", "
            f"acc_bits = {acc}, fifo_depth = 2, skip_zeros = {skip}>")
    attrs = (f"bias = dense<{[1] * o}> : tensor<{o}xi32>, "
             f"input_zero_point = 0{rq}, {fold}")
    if op == "conv2d":
        c = k // 9
        in_shape, out_shape = f"4x4x{c}", f"4x4x{o}"
        body = (f"effai_fpga.conv2d %x {{weights = dense<"
                f"{w.reshape(o, 3, 3, c).tolist()}> : tensor<{o}x3x3x{c}xi8>, "
                f"{attrs}, strides = array<i64: 1, 1>, "
                f"pads = array<i64: 1, 1, 1, 1>}}")
        ports = ([c, 4, 4], [o, 4, 4])
    else:
        in_shape, out_shape = f"{k}", f"{o}"
        body = (f"effai_fpga.linear %x {{weights = dense<{w.tolist()}> : "
                f"tensor<{o}x{k}xi8>, {attrs}}}")
        ports = ([k], [o])
    return f"""effai_fpga.accelerator @pe inputs [#effai_fpga.port<name = "x", shape = {ports[0]}, scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = {ports[1]}, scales = [1.0], zero_point = 0>] {{
^bb0(%x: !effai_fpga.stream<{in_shape}xui8>):
  %l = {body} : !effai_fpga.stream<{in_shape}xui8> -> !effai_fpga.stream<{out_shape}x{out_t}>
  effai_fpga.yield %l : !effai_fpga.stream<{out_shape}x{out_t}>
}}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="xczu9eg")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", help="write each PE's report here")
    args = parser.parse_args()
    ice40 = args.part.startswith("ice40")
    grid = []
    for arithmetic, kind in [("dsp", "int8"), ("dsp-packed", "int8"),
                             ("lut-mul", "int8"), ("shift-add", "pow2"),
                             ("dsp", "pruned"), ("lut-mul", "pruned")]:
        if arithmetic == "dsp-packed" and ice40:
            continue  # two products in one DSP need 27 x 18 bits
        for pe, simd, storage in [(2, 4, "lutram"), (4, 8, "bram"),
                                  (8, 16, "registers")]:
            for requant in [False, True]:
                grid.append(("linear", arithmetic, kind, pe, simd, storage,
                             requant))
    for arithmetic, kind in [("dsp", "int8"), ("dsp-packed", "int8"),
                             ("lut-mul", "int8"), ("shift-add", "pow2")]:
        if arithmetic == "dsp-packed" and ice40:
            continue
        for pe, simd, storage in [(2, 72, "lutram"), (4, 9, "bram")]:
            grid.append(("conv2d", arithmetic, kind, pe, simd, storage, True))
    if args.quick:
        grid = grid[::3]
    rows, errors, records = [], {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (op, arithmetic, kind, pe, simd, storage,
                requant) in enumerate(grid):
            if storage == "lutram" and ice40:
                storage = "bram"  # an iCE40 has no LUTRAM
            o = 8
            k = 72 if op == "conv2d" else 16 if storage == "registers" else 32
            path = os.path.join(tmp, f"pe{i}.mlir")
            subprocess.run([os.path.join(BIN, "effai-opt"),
                            f"--effai-set-target=target={args.part}", "-o",
                            path], check=True, text=True,
                           input=design(op, o, k, kind, arithmetic, pe,
                                        simd, storage, requant, i))
            out = os.path.join(tmp, f"pe{i}")
            subprocess.run([os.path.join(BIN, "effai-compile"), path,
                            "--target=fpga-synth", "-o", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(os.path.join(out, "report.json")) as f:
                pe_report = json.load(f)["accelerators"][0]["pes"][0]
            est, syn = pe_report["resources"], pe_report["synthesized"]
            err = (est["lut"] - syn["lut"]) / max(1, syn["lut"])
            errors.setdefault(f"{op} {arithmetic}", []).append(err)
            records.append({"op": op, "arithmetic": arithmetic, "kind": kind,
                            "pe": pe, "simd": simd, "storage": storage,
                            "seed": i,
                            "requant": requant, "report": pe_report})
            rows.append((f"{op:6} {arithmetic:10} {kind:6} {pe}x{simd:<3} "
                         f"{storage:9} "
                         f"{'rq' if requant else '--'}", est, syn, err))
            print(f"{rows[-1][0]}  lut {est['lut']:6}/{syn['lut']:<6} "
                  f"({100 * err:+4.0f}%)  ff {est['ff']:5}/{syn['ff']:<5} "
                  f"dsp {est['dsp']:3}/{syn['dsp']:<3} "
                  f"bram {est['bram']}/{syn['bram']}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    print("\nLUT error (estimate vs yosys) per arithmetic:")
    for arithmetic, e in errors.items():
        print(f"  {arithmetic:17}  mean {100 * np.mean(e):+5.1f}%  "
              f"worst {100 * max(e, key=abs):+5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
