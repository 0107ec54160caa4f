#!/usr/bin/env python3
"""How far effai's FPGA resource estimator is from yosys, per arithmetic.

Synthesizes a grid of single linear PEs (random int8, power-of-two and 75%
pruned weights; arithmetic, pe x simd, weight storage, requantization)
with `effai-compile --target=fpga-synth` and prints each PE's estimated
and synthesized LUT/FF/DSP/BRAM, and the LUT error per arithmetic. This is
the data the estimator's LUT model was calibrated on (a minute or two per
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


def design(o, k, kind, arithmetic, pe, simd, storage, requant, seed):
    rng = np.random.default_rng(seed)
    w = weights(kind, o, k, rng)
    skip = "true" if kind == "pruned" else "false"
    acc = int(np.abs(w).sum(1).max() * 255).bit_length() + 2
    out_t = "ui8" if requant else "i32"
    rq = (", requant = #effai_fpga.requant<multipliers = [1073741824], "
          "shifts = [40], zero_point = 0, min = 0, max = 255>"
          if requant else "")
    return f"""effai_fpga.accelerator @pe inputs [#effai_fpga.port<name = "x", shape = [{k}], scales = [1.0], zero_point = 0>] outputs [#effai_fpga.port<name = "y", shape = [{o}], scales = [1.0], zero_point = 0>] {{
^bb0(%x: !effai_fpga.stream<{k}xui8>):
  %l = effai_fpga.linear %x {{weights = dense<{w.tolist()}> : tensor<{o}x{k}xi8>, bias = dense<{[1] * o}> : tensor<{o}xi32>, input_zero_point = 0{rq}, fold = #effai_fpga.fold<pe = {pe}, simd = {simd}, arithmetic = "{arithmetic}", storage = "{storage}", acc_bits = {acc}, fifo_depth = 2, skip_zeros = {skip}>}} : !effai_fpga.stream<{k}xui8> -> !effai_fpga.stream<{o}x{out_t}>
  effai_fpga.yield %l : !effai_fpga.stream<{o}x{out_t}>
}}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="xczu9eg")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", help="write each PE's report here")
    args = parser.parse_args()
    grid = []
    for arithmetic, kind in [("dsp", "int8"), ("lut-mul", "int8"),
                             ("shift-add", "pow2"), ("dsp", "pruned"),
                             ("lut-mul", "pruned")]:
        for pe, simd, storage in [(2, 4, "lutram"), (4, 8, "bram"),
                                  (1, 16, "registers")]:
            for requant in [False, True]:
                grid.append((arithmetic, kind, pe, simd, storage, requant))
    if args.quick:
        grid = grid[::3]
    rows, errors, records = [], {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (arithmetic, kind, pe, simd, storage, requant) in enumerate(grid):
            if storage == "lutram" and args.part.startswith("ice40"):
                storage = "bram"  # an iCE40 has no LUTRAM
            o, k = 8, 16 if storage == "registers" else 32
            path = os.path.join(tmp, f"pe{i}.mlir")
            subprocess.run([os.path.join(BIN, "effai-opt"),
                            f"--effai-set-target=target={args.part}", "-o",
                            path], check=True, text=True,
                           input=design(o, k, kind, arithmetic, pe, simd,
                                        storage, requant, i))
            out = os.path.join(tmp, f"pe{i}")
            subprocess.run([os.path.join(BIN, "effai-compile"), path,
                            "--target=fpga-synth", "-o", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(os.path.join(out, "report.json")) as f:
                pe_report = json.load(f)["accelerators"][0]["pes"][0]
            est, syn = pe_report["resources"], pe_report["synthesized"]
            err = (est["lut"] - syn["lut"]) / max(1, syn["lut"])
            errors.setdefault(arithmetic, []).append(err)
            records.append({"arithmetic": arithmetic, "kind": kind,
                            "pe": pe, "simd": simd, "storage": storage,
                            "requant": requant, "report": pe_report})
            rows.append((f"{arithmetic:9} {kind:6} {pe}x{simd:<3} {storage:9} "
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
        print(f"  {arithmetic:9}  mean {100 * np.mean(e):+5.1f}%  "
              f"worst {100 * max(e, key=abs):+5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
