#!/usr/bin/python3
"""The digits CNN as a streaming FPGA accelerator: quantized integer-only
(int8 weights, uint8 activations), folded for two parts (a Zynq-7020 as
on a PYNQ-Z2 board, and a Zynq UltraScale+ ZU9EG), emitted as Vitis HLS
C++ and as Verilog, and run in the C simulation and (with Verilator)
cycle by cycle against effai's integer CPU path. (Yosys's resources and
the iCE40 flow: benchmarks/fpga/digits_hardware.py.)

Prints, per part, the per-layer report (precision, arithmetic, folding,
resources, cycles) and the frames per second at the part's clock; each
simulation's accuracy and its agreement with the CPU path, image for
image; the RTL's measured cycles per frame against the estimate; and the
HLS C++ of the first conv PE.

Usage: fpga.py [--check] [--project DIR]
With --check, exits 1 unless every simulation's logits equal the CPU
path's bit for bit and each C-simulated PE counted the cycles the
estimator predicts.
With --project, writes the xczu9eg HLS project into DIR.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

import numpy as np

import effai

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = ("xc7z020", "xczu9eg")


def conv_pe_source(project):
    """The first conv PE: its config, weights and its call in the top."""
    with open(os.path.join(project, "parameters.h")) as f:
        config = re.search(r"/// [^\n]*conv2d[^\n]*\nstruct conv2d0_config "
                           r"\{.*?\n\};\n", f.read(), re.S).group(0)
    with open(os.path.join(project, "weights", "conv2d0.h")) as f:
        weights = [line for line in f if "conv2d0_weights" in line
                   or line.startswith("    {")][:3]
    with open(os.path.join(project, "main_top.cpp")) as f:
        call = [line for line in f if "conv2d0" in line]
    return config + "".join(weights) + "    ...\n" + "".join(call)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--project")
    args = parser.parse_args()
    images = np.load(os.path.join(HERE, "test_images.npy"))
    labels = np.load(os.path.join(HERE, "test_labels.npy"))
    calibration = np.resize(
        np.load(os.path.join(HERE, "calibration_images.npy"))[:64],
        images.shape)

    model = effai.import_onnx(os.path.join(HERE, "digits_cnn.onnx"),
                              input_shapes={"input": list(images.shape)})
    effai.quantize(model, [calibration], integer_only=True)
    cpu = effai.compile(model)(images)
    print(f"CPU integer path: accuracy {(cpu.argmax(1) == labels).mean():.4f}"
          f" on {len(images)} held-out digits")

    ok = True
    for part in PARTS:
        report = effai.fpga_report(model, part=part)
        print()
        print(effai.format_fpga_report(report), end="")
        simulation = effai.compile(model, target="fpga-csim", part=part)
        got = simulation(images)
        same = np.array_equal(got, cpu)
        agree = int((got.argmax(1) == cpu.argmax(1)).sum())
        predicted = {pe["name"]: pe["cycles"]
                     for pe in report["accelerators"][0]["pes"]}
        counted = {name: cycles // len(images)
                   for name, cycles in simulation.layer_cycles().items()}
        print(f"C simulation: accuracy {(got.argmax(1) == labels).mean():.4f}"
              f"; {agree}/{len(images)} predictions and "
              f"{'all' if same else 'NOT all'} logits bit-identical to the "
              f"CPU path; cycles per frame counted = estimated: "
              f"{counted == predicted}")
        ok &= same and counted == predicted
        if not shutil.which("verilator"):
            print("RTL simulation: skipped (no verilator)")
            continue
        rtl = effai.compile(model, target="fpga-rtl", part=part)
        got = rtl(images)
        same = np.array_equal(got, cpu)
        accelerator = report["accelerators"][0]
        cycles = rtl.layer_cycles()["accelerator"]
        estimated = (accelerator["latency_cycles"]
                     + (len(images) - 1) * accelerator["interval_cycles"])
        print(f"RTL simulation (Verilator): accuracy "
              f"{(got.argmax(1) == labels).mean():.4f}; "
              f"{'all' if same else 'NOT all'} logits bit-identical to the "
              f"CPU path; {cycles / len(images):.1f} cycles per frame "
              f"measured, {estimated / len(images):.1f} estimated "
              f"({cycles} and {estimated} for all {len(images)})")
        ok &= same

    project = args.project or tempfile.mkdtemp(prefix="effai-hls-")
    effai.build(model, project, target="fpga-hls", part="xczu9eg")
    print(f"\nHLS project for xczu9eg in {project}; the first conv PE:\n")
    print(conv_pe_source(project))
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
