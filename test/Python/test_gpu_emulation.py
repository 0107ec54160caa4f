# The GPU path's kernels run as host loops (effai.compile(emulate_gpu=...)):
# the tiling, block/thread mapping and edge guards chosen for sm_80 and
# sm_90 compute what the CPU pipeline computes on the digits models, dense
# and compressed (int8 weights, int8 weights and activations, power-of-two
# weights, 2:4 sparsity). Integer-only models agree bit for bit; float
# ones within 1e-5 relative (the CPU kernels fuse multiply-adds).
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os

import numpy as np
import pytest

import effai

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                      "digits")
IMAGES = np.load(os.path.join(DIGITS, "test_images.npy"))[:64]
CALIBRATION = np.load(os.path.join(DIGITS, "calibration_images.npy"))[:64]

VARIANTS = {
    "fp32": None,
    "int8 weights": "effai-quantize{weight-bits=8}",
    "pow2 weights": "effai-shift-quantize{terms=2 bits=4}",
    "2:4": "effai-prune{mode=nm n=2 m=4}",
    "int8 w+a": "calibrate",
}


def load(name, how):
    module = effai.import_onnx(os.path.join(DIGITS, f"digits_{name}.onnx"),
                               input_shapes={"input": list(IMAGES.shape)})
    if how == "calibrate":
        effai.quantize(module, [CALIBRATION], weight_bits=8)
    elif how:
        module.run_pipeline(how)
    return module



@pytest.mark.parametrize("name", ["mlp", "cnn"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_emulated_gpu_matches_cpu(name, variant):
    module = load(name, VARIANTS[variant])
    want = effai.compile(module)(IMAGES)
    for chip in ["sm_80", "sm_90"]:
        got = effai.compile(module, emulate_gpu=chip)(IMAGES)
        assert got.shape == want.shape
        if variant == "int8 w+a":
            np.testing.assert_array_equal(got, want, err_msg=chip)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-5,
                                       atol=1e-5 * np.abs(want).max(),
                                       err_msg=chip)


def test_gpu_target_says_what_exists():
    with pytest.raises(ValueError, match="emulate_gpu="):
        effai.compile(load("mlp", None), target="gpu")


def test_emulation_rejects_unknown_chips_and_threads():
    module = load("mlp", None)
    with pytest.raises(effai.CompileError, match="unknown target 'sm_61'"):
        effai.compile(module, emulate_gpu="sm_61")
    with pytest.raises(effai.CompileError, match="GPU emulation runs on one "
                                                 "thread"):
        effai.compile(module, emulate_gpu="sm_90", parallel=True)
