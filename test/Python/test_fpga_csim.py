# The FPGA target end to end: integer-only digits models through
# effai-fpga-pipeline, the emitted HLS C++ built as a C simulation and run
# by the runtime. Its outputs must equal effai's integer CPU path bit for
# bit on every test image, for every variant and every arithmetic a PE can
# be built with; each PE's counted cycles must be what the estimator
# predicts; and a larger part must give a faster design that fits.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os
import re
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
LABELS = np.load(os.path.join(os.path.dirname(__file__), "..", "..",
                              "examples", "digits", "test_labels.npy"))

_cache = {}


def integer_model(name, variant):
    """The model and its CPU outputs on all test images (cached)."""
    if (name, variant) not in _cache:
        module = load_integer(name, variant, BATCH)
        _cache[name, variant] = (module, effai.compile(module)(IMAGES))
    return _cache[name, variant]


def check_cycles(exe, report, frames):
    """Each PE counted, per frame, the cycles the estimator predicts."""
    predicted = {pe["name"]: pe["cycles"]
                 for pe in report["accelerators"][0]["pes"]}
    counted = exe.layer_cycles()
    assert list(counted) == list(predicted)
    for name, cycles in counted.items():
        assert cycles == predicted[name] * frames, name


@pytest.mark.parametrize("variant", list(INTEGER_VARIANTS))
@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_bit_exact_with_the_cpu_integer_path(name, variant):
    module, want = integer_model(name, variant)
    exe = effai.compile(module, target="fpga-csim", part="xczu9eg")
    assert exe.device == "fpga-csim"
    got = exe(IMAGES)
    np.testing.assert_array_equal(got, want)
    assert (got.argmax(1) == LABELS).mean() == (want.argmax(1) == LABELS).mean()
    check_cycles(exe, effai.fpga_report(module, part="xczu9eg"), BATCH)


def with_folds(accelerator_text, arithmetic, pe, simd, skip_zeros):
    """The accelerator with every MAC PE rebuilt as given."""
    def refold(match):
        fold = match.group(0)
        if '"none"' in fold:  # pooling: no products
            return fold
        fold = re.sub(r"pe = \d+, simd = \d+, arithmetic = \"[a-z-]+\", "
                      r"storage = \"[a-z]+\"",
                      f'pe = {pe}, simd = {simd}, arithmetic = "{arithmetic}",'
                      f' storage = "bram"', fold)
        return fold.replace("skip_zeros = false",
                            f"skip_zeros = {str(skip_zeros).lower()}")
    return re.sub(r"#effai_fpga\.fold<[^>]*>", refold, accelerator_text)


# Every arithmetic, dense and skipping pruned weights, on the CNN (its conv
# PEs, 8 and 16 channels, and its linear PE, 10): two channels per cycle,
# three weights each (64 = 21 * 3 + 1: a partial last word).
@pytest.mark.parametrize("variant,arithmetic,skip_zeros", [
    ("w8a8", "dsp", False),
    ("w8a8", "dsp-packed", False),
    ("w8a8", "lut-mul", False),
    ("pruned", "lut-mul", True),
    ("pruned", "dsp", True),
    ("pow2", "shift-add", False),
    ("pow2", "shift-add", True),
])
def test_each_arithmetic_bit_exact(variant, arithmetic, skip_zeros):
    module, want = integer_model("cnn", variant)
    folded = effai.Module.parse(str(module))
    folded.run_pipeline("effai-fpga-pipeline{part=xczu9eg}")
    rebuilt = effai.Module.parse(
        with_folds(str(folded), arithmetic, 2, 3, skip_zeros))
    report = effai.fpga_report(rebuilt)
    assert {pe["arithmetic"] for pe in report["accelerators"][0]["pes"]
            if pe["op"] != "maxpool"} == {arithmetic}
    exe = effai.compile(rebuilt, target="fpga-csim", batch=BATCH)
    np.testing.assert_array_equal(exe(IMAGES), want)
    check_cycles(exe, report, BATCH)


def test_a_larger_part_gives_a_faster_design_that_fits():
    module, want = integer_model("cnn", "w8a8")
    reports = {part: effai.fpga_report(module, part=part)["accelerators"][0]
               for part in ("xc7z020", "xczu9eg")}
    for report in reports.values():
        assert max(report["utilization_pct"].values()) <= 80.0
    # Both may reach the design's floor (the first conv's input loop: 164
    # cycles); the larger part's clock is faster, its design no slower.
    assert (reports["xczu9eg"]["interval_cycles"]
            <= reports["xc7z020"]["interval_cycles"])
    assert (reports["xczu9eg"]["frames_per_second"]
            > reports["xc7z020"]["frames_per_second"])
    exe = effai.compile(module, target="fpga-csim", part="xc7z020")
    np.testing.assert_array_equal(exe(IMAGES), want)
    check_cycles(exe, effai.fpga_report(module, part="xc7z020"), BATCH)


# The dialect's semantics checked directly (not against the CPU path): an
# input zero point that padding reads, two products per DSP, requantization
# rounding half to even, max pooling, and pruned power-of-two weights
# (TINY); signed streams, a depthwise strided conv with asymmetric padding,
# a clamp PE and partial SIMD words (SIGNED).
def check_tiny(text, frames, seed):
    """The C simulation of TINY's accelerator (as `text`) against numpy;
    returns the executable."""
    module = effai.Module.parse(text)
    module.run_pipeline("effai-set-target{target=xczu9eg}")
    exe = effai.compile(module, target="fpga-csim", batch=frames)
    codes = np.random.default_rng(seed).integers(0, 256, (frames, 2, 4, 4))
    # Inputs the host quantizes back to exactly these codes (scale 0.5,
    # zero point 3); outputs are accumulators times 0.25.
    got = exe(((codes - 3) * 0.5).astype(np.float32))
    np.testing.assert_array_equal(got, reference_tiny(codes) * 0.25)
    return exe


def test_dialect_semantics_against_numpy():
    check_tiny(open(TINY).read(), 50, 0)


def test_hls_project(tmp_path):
    module, _ = integer_model("cnn", "w8a8")
    effai.build(module, tmp_path, target="fpga-hls", part="xczu9eg")
    files = sorted(str(p.relative_to(tmp_path))
                   for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["build.tcl", "effai_hls.h", "effai_layers.h",
                     "main_top.cpp", "main_top.h", "parameters.h",
                     "weights/conv2d0.h", "weights/conv2d2.h",
                     "weights/linear4.h"]
    top = (tmp_path / "main_top.cpp").read_text()
    assert "#pragma HLS DATAFLOW" in top
    assert "#pragma HLS INTERFACE mode = axis port = input" in top


def test_refused_models():
    float_model = effai.import_onnx(
        os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                     "digits", "digits_cnn.onnx"),
        input_shapes={"input": [1, 1, 8, 8]})
    with pytest.raises(effai.CompileError) as error:
        effai.compile(float_model, target="fpga-csim")
    assert "cannot map to the FPGA target" in str(error.value.diagnostics)
    module, _ = integer_model("mlp", "w8a8")
    with pytest.raises(effai.CompileError) as error:
        effai.fpga_report(module, part="ice40up5k")
    assert "does not fit" in str(error.value.diagnostics)
    with pytest.raises(ValueError, match="not supported"):
        effai.compile(module, target="fpga")


@pytest.mark.parametrize("fold", SIGNED_FOLDS)
def test_signed_depthwise_strided_against_numpy(fold):
    module = effai.Module.parse(SIGNED.replace("FOLD", fold))
    module.run_pipeline("effai-set-target{target=xcu250}")
    exe = effai.compile(module, target="fpga-csim", batch=40)
    codes = np.random.default_rng(1).integers(-128, 128, (40, 2, 5, 5))
    got = exe((codes + 1).astype(np.float32))   # scale 1, zero point -1
    np.testing.assert_array_equal(got, reference_signed(codes))
    check_cycles(exe, effai.fpga_report(module), 40)


def test_port_names_that_clash_with_the_project():
    """Ports named like C++ keywords, the project's namespaces and its FIFOs
    get variables of their own."""
    text = open(TINY).read().replace('name = "image"', 'name = "hls"')
    text = text.replace('name = "scores"', 'name = "conv2d0_out"')
    exe = check_tiny(text, 3, 2)
    assert [t.name for t in exe.inputs] == ["hls"]
