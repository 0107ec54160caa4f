#!/usr/bin/env python3
"""The digits CNN on simulated and synthesized hardware, with open tools.

For the CNN with int8 weights and with power-of-two weights (two terms of
4 bits), integer-only (uint8 activations), and each part: the accelerator
effai folds, its Verilog run by Verilator on the 360 held-out digits
(accuracy against the CPU integer path; clock cycles per frame measured
against the estimator's), and synthesized by yosys (each PE's LUT/FF/DSP/
BRAM next to the estimate). Then the open iCE40 flow (yosys, nextpnr-ice40,
icepack) on the smallest accelerator of the test suite folded for the
UP5K: post-route Fmax and bitstream size.

    benchmarks/fpga/digits_hardware.py [--parts xc7z020 xczu9eg]

Needs verilator, yosys, nextpnr-ice40 and fpga-icestorm (install-deps);
synthesis of the larger designs takes minutes on one core.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "test", "Python", "Inputs"))

import effai  # noqa: E402
from digits_variants import load_integer  # noqa: E402

DIGITS = os.path.join(ROOT, "examples", "digits")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["xc7z020", "xczu9eg"])
    parser.add_argument("--variants", nargs="+", default=["w8a8", "pow2"])
    args = parser.parse_args()
    images = np.load(os.path.join(DIGITS, "test_images.npy"))
    labels = np.load(os.path.join(DIGITS, "test_labels.npy"))
    work = tempfile.mkdtemp(prefix="effai-hw-")
    for variant in args.variants:
        model = load_integer("cnn", variant, len(images))
        cpu = effai.compile(model)(images)
        print(f"\n## digits CNN, {variant}: CPU integer path accuracy "
              f"{(cpu.argmax(1) == labels).mean():.4f}")
        for part in args.parts:
            report = effai.fpga_report(model, part=part)
            acc = report["accelerators"][0]
            rtl = effai.compile(model, target="fpga-rtl", part=part)
            got = rtl(images)
            cycles = rtl.layer_cycles()["accelerator"]
            estimated = (acc["latency_cycles"]
                         + (len(images) - 1) * acc["interval_cycles"])
            print(f"\n### {part}: interval {acc['interval_cycles']} cycles, "
                  f"{acc['frames_per_second']:.0f} frames/s at "
                  f"{report['clock_mhz']:.0f} MHz")
            print(f"Verilator: accuracy {(got.argmax(1) == labels).mean():.4f}"
                  f", logits {'all' if np.array_equal(got, cpu) else 'NOT all'}"
                  f" bit-identical to the CPU path; {cycles / len(images):.1f}"
                  f" cycles per frame measured, {estimated / len(images):.1f}"
                  f" estimated ({100 * (cycles - estimated) / estimated:+.1f}%)")
            out = os.path.join(work, f"{variant}-{part}")
            effai.build(model, out, target="fpga-synth", part=part)
            with open(os.path.join(out, "report.txt")) as f:
                text = f.read()
            print(text[text.index("estimated/synthesized"):], end="")
    # The iCE40 flow on the test suite's TINY accelerator (conv, pool,
    # linear), folded for the UP5K by effai-fpga-fold.
    with open(os.path.join(ROOT, "test", "Target", "FPGA",
                           "emit-hls.mlir")) as f:
        tiny = re.sub(r" fold = #effai_fpga\.fold<[^>]*>,", "", f.read())
    tiny = re.sub(r", fold = #effai_fpga\.fold<[^>]*>", "", tiny)
    module = effai.Module.parse(tiny)
    module.run_pipeline("effai-set-target{target=ice40up5k},effai-fpga-fold")
    out = os.path.join(work, "tiny-ice40")
    effai.build(module, out, target="fpga-bitstream", part="ice40up5k")
    with open(os.path.join(out, "report.json")) as f:
        placed = json.load(f)["place_and_route"]
    print(f"\n## iCE40 UP5K (TINY accelerator): Fmax {placed['fmax_mhz']:.1f}"
          f" MHz (target {placed['target_mhz']:.0f}), "
          f"{placed['logic_cells']} logic cells, {placed['ram']} RAM, "
          f"{placed['dsp']} DSP; bitstream {placed['bitstream_bytes']} bytes"
          f"; {placed['frames_per_second_at_fmax']:.0f} frames/s at Fmax")
    print(f"\n(work files in {work})")


if __name__ == "__main__":
    main()
