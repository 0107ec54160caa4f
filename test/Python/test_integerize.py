# effai-integerize on the calibrated w8a8 digits models
# (effai.quantize(..., integer_only=True)): integer codes flow from layer to
# layer (the only qcast left quantizes the model's input, no float max), the
# accuracy on the held-out digits is what the float-glue model scores, the
# logits agree within one code's worth, and the GPU path's kernels
# (emulated) reproduce the CPU's integer results bit for bit.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os

import numpy as np
import pytest

import effai

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                      "digits")
IMAGES = np.load(os.path.join(DIGITS, "test_images.npy"))
LABELS = np.load(os.path.join(DIGITS, "test_labels.npy"))
CALIBRATION = np.resize(
    np.load(os.path.join(DIGITS, "calibration_images.npy"))[:64],
    IMAGES.shape)


def quantized(name, integer_only):
    module = effai.import_onnx(os.path.join(DIGITS, f"digits_{name}.onnx"),
                               input_shapes={"input": list(IMAGES.shape)})
    return effai.quantize(module, [CALIBRATION], integer_only=integer_only)


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_integer_from_layer_to_layer(name):
    glue = quantized(name, integer_only=False)
    integer = quantized(name, integer_only=True)
    text = str(integer)
    assert text.count("quant.qcast") == 1  # the model's input
    assert "arith.maximumf" not in text
    want = effai.compile(glue)(IMAGES)
    got = effai.compile(integer)(IMAGES)
    assert (got.argmax(1) == LABELS).mean() == \
        pytest.approx((want.argmax(1) == LABELS).mean(), abs=0.005)
    assert np.abs(got - want).max() <= 0.02 * np.abs(want).max()
    np.testing.assert_array_equal(
        effai.compile(integer, emulate_gpu="sm_90")(IMAGES), got)
