# The FPGA accelerators as Verilog (effai-translate --emit-verilog),
# simulated cycle by cycle by Verilator behind the runtime
# (target="fpga-rtl"): outputs bit-exact with effai's integer CPU path on
# every test digit, the dialect's semantics against numpy, and the clock
# cycles the design takes against the estimator's interval and latency.
# REQUIRES: verilator
# RUN: %python -m pytest -q -p no:cacheprovider %s

import json
import os
import shutil
import sys

import numpy as np
import pytest

import effai

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from digits_variants import (INTEGER_VARIANTS, digit_images,  # noqa: E402
                             load_integer)
from fpga_references import (SIGNED, SIGNED_FOLDS, TINY,  # noqa: E402
                             reference_signed, reference_tiny)

IMAGES = digit_images()
BATCH = len(IMAGES)


@pytest.mark.parametrize("variant", list(INTEGER_VARIANTS))
@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_bit_exact_with_the_cpu_integer_path(name, variant):
    module = load_integer(name, variant, BATCH)
    want = effai.compile(module)(IMAGES)
    # The MLPs on the smaller part: on the xczu9eg the pruned MLP's first
    # layer is fully parallel (8192 lanes), minutes to verilate.
    part = "xc7z020" if name == "mlp" else "xczu9eg"
    exe = effai.compile(module, target="fpga-rtl", part=part)
    assert exe.device == "fpga-rtl"
    np.testing.assert_array_equal(exe(IMAGES), want)
    # The design streams the frames: the first after the latency, the
    # others an interval apart. With FIFOs of a frame each PE runs ahead
    # of its reader, so the slowest PE sets the pace, as estimated.
    report = effai.fpga_report(module, part=part)["accelerators"][0]
    estimated = (report["latency_cycles"]
                 + (BATCH - 1) * report["interval_cycles"])
    measured = exe.layer_cycles()["accelerator"]
    assert abs(measured - estimated) <= 0.02 * estimated, (measured,
                                                          estimated)


def test_dialect_semantics_against_numpy():
    module = effai.Module.parse(open(TINY).read())
    module.run_pipeline("effai-set-target{target=xczu9eg}")
    exe = effai.compile(module, target="fpga-rtl", batch=20)
    codes = np.random.default_rng(0).integers(0, 256, (20, 2, 4, 4))
    got = exe(((codes - 3) * 0.5).astype(np.float32))
    np.testing.assert_array_equal(got, reference_tiny(codes) * 0.25)


@pytest.mark.parametrize("fold", SIGNED_FOLDS)
def test_signed_depthwise_strided_against_numpy(fold):
    module = effai.Module.parse(SIGNED.replace("FOLD", fold))
    module.run_pipeline("effai-set-target{target=xcu250}")
    exe = effai.compile(module, target="fpga-rtl", batch=20)
    codes = np.random.default_rng(1).integers(-128, 128, (20, 2, 5, 5))
    got = exe((codes + 1).astype(np.float32))   # scale 1, zero point -1
    np.testing.assert_array_equal(got, reference_signed(codes))


def test_verilog_project(tmp_path):
    module = effai.Module.parse(open(TINY).read())
    module.run_pipeline("effai-set-target{target=xczu9eg}")
    effai.build(module, tmp_path, target="fpga-verilog")
    assert sorted(os.listdir(tmp_path)) == [
        "conv2d0_biases.mem", "conv2d0_requants.mem", "conv2d0_weights.mem",
        "effai_rtl.v", "linear2_biases.mem", "linear2_requants.mem",
        "linear2_weights.mem", "tiny_top.v"]


@pytest.mark.skipif(shutil.which("yosys") is None, reason="no yosys")
def test_synthesis_report(tmp_path):
    """target="fpga-synth": yosys's primitives next to each PE's estimate
    in report.json; DSPs equal (one per lane of the dsp-packed conv pair,
    plus its requantization)."""
    module = effai.Module.parse(open(TINY).read())
    module.run_pipeline("effai-set-target{target=xczu9eg}")
    effai.build(module, tmp_path, target="fpga-synth")
    with open(tmp_path / "report.json") as f:
        report = json.load(f)
    assert report["synthesis"]["command"].startswith("synth_xilinx")
    accelerator = report["accelerators"][0]
    for pe in accelerator["pes"]:
        assert pe["synthesized"]["dsp"] == pe["resources"]["dsp"], pe["name"]
        assert pe["synthesized"]["bram"] == pe["resources"]["bram"]
    assert accelerator["synthesized_total"]["lut"] > 0
    with pytest.raises(effai.CompileError, match="iCE40"):
        effai.build(module, tmp_path / "ice40", target="fpga-bitstream")
