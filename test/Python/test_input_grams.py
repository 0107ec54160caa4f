# Input Gram matrices (effai.record_input_grams) against numpy, and the
# GPTQ error feedback the quantizers derive from them.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import ast
import os
import re

import numpy as np
import pytest

import effai

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                      "digits")

CONV = """
func.func @main(%x: tensor<1x2x5x6xf32>) -> tensor<1x3x2x3xf32> {
  %v = arith.constant dense<0.5> : tensor<3x2x3x2xf32>
  %w = effai.pack %v : tensor<3x2x3x2xf32> -> !effai.weight<3x2x3x2xf32, #effai.encoding<value = #effai.float>>
  %y = effai.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 2>} : (tensor<1x2x5x6xf32>, !effai.weight<3x2x3x2xf32, #effai.encoding<value = #effai.float>>) -> tensor<1x3x2x3xf32>
  return %y : tensor<1x3x2x3xf32>
}
"""

LINEAR_AND_DEPTHWISE = """
func.func @main(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  %dv = arith.constant dense<0.25> : tensor<3x1x1x1xf32>
  %dw = effai.pack %dv : tensor<3x1x1x1xf32> -> !effai.weight<3x1x1x1xf32, #effai.encoding<value = #effai.float>>
  %d = effai.depthwise_conv2d %x, %dw : (tensor<2x3x4x4xf32>, !effai.weight<3x1x1x1xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3x4x4xf32>
  %lv = arith.constant dense<0.5> : tensor<4x4xf32>
  %lw = effai.pack %lv : tensor<4x4xf32> -> !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>
  %y = effai.linear %d, %lw : (tensor<2x3x4x4xf32>, !effai.weight<4x4xf32, #effai.encoding<value = #effai.float>>) -> tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}
"""


def recorded_grams(module):
    """The effai.input_gram matrices in the module, in walk order."""
    grams = []
    for data, size in re.findall(
            r"effai.input_gram = dense<([^>]*)> : tensor<(\d+)x",
            str(module)):
        size = int(size)
        if data.startswith('"0x'):  # Large: raw little-endian f32 in hex.
            values = np.frombuffer(bytes.fromhex(data[3:-1]), "<f4")
        else:
            values = np.asarray(ast.literal_eval(data), np.float32)
        grams.append(np.broadcast_to(values, (size * size,)).reshape(
            size, size) if values.size == 1 else values.reshape(size, size))
    return grams


def test_conv_gram_is_the_mean_patch_outer_product():
    rng = np.random.default_rng(0)
    samples = [rng.standard_normal((1, 2, 5, 6)).astype(np.float32)
               for _ in range(3)]
    module = effai.record_input_grams(effai.Module.parse(CONV), samples)
    (gram,) = recorded_grams(module)
    # Patches in the weight's [C, KH, KW] order: stride 2, pads top 1 and
    # right 1, dilation 2 along the width.
    patches = []
    for sample in samples:
        padded = np.pad(sample[0], ((0, 0), (1, 0), (0, 1)))
        for oy in range(2):
            for ox in range(3):
                y, x = 2 * oy, 2 * ox
                patches.append(padded[:, y:y + 3, x:x + 3:2].ravel())
    patches = np.array(patches, np.float64)
    expected = patches.T @ patches / len(patches)
    np.testing.assert_allclose(gram, expected, rtol=1e-5, atol=1e-6)


def test_linear_gram_and_depthwise_skipped():
    rng = np.random.default_rng(1)
    samples = [rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
               for _ in range(2)]
    module = effai.record_input_grams(
        effai.Module.parse(LINEAR_AND_DEPTHWISE), samples)
    # The depthwise conv's channels see different inputs: no Gram matrix.
    (gram,) = recorded_grams(module)
    rows = np.concatenate([0.25 * s.reshape(-1, 4) for s in samples])
    np.testing.assert_allclose(gram, rows.T @ rows / len(rows), rtol=1e-5,
                               atol=1e-6)


def relative_output_error(module, reference, samples):
    exe = effai.compile(module)
    outputs = np.concatenate([exe(s).ravel() for s in samples])
    return np.linalg.norm(outputs - reference) / np.linalg.norm(reference)


@pytest.mark.parametrize("pipeline", [
    "effai-quantize{weight-bits=2 scale=search}",
    "effai-quantize{weight-bits=3}",
    "effai-shift-quantize{terms=1 bits=3}",
    "effai-prune{sparsity=0.5},effai-focused-quantize{bits=3}",
    "effai-prune{sparsity=0.7}",
])
def test_error_feedback_lowers_output_error(pipeline):
    images = np.load(os.path.join(DIGITS, "calibration_images.npy"))
    samples = list(images[:64, None])
    fp32 = effai.import_onnx(os.path.join(DIGITS, "digits_cnn.onnx"),
                             input_shapes={"input": [1, 1, 8, 8]})
    exe = effai.compile(fp32)
    reference = np.concatenate([exe(s).ravel() for s in samples])
    alone = effai.Module.parse(str(fp32)).run_pipeline(pipeline)
    calibrated = effai.record_input_grams(effai.Module.parse(str(fp32)),
                                          samples)
    assert len(recorded_grams(calibrated)) == 3
    fed = calibrated.run_pipeline(pipeline)
    assert fed.weight_bytes() == alone.weight_bytes()
    # On the data the Gram matrices came from, the output error shrinks.
    assert (relative_output_error(fed, reference, samples) <
            0.8 * relative_output_error(alone, reference, samples))


def test_wrong_inputs_are_refused():
    module = effai.Module.parse(CONV)
    with pytest.raises(ValueError, match="expected the inputs of 1 "
                       "compressible ops, got 0"):
        module._native.record_input_grams([])
    with pytest.raises(ValueError, match="7 values are not whole inputs of "
                       "60 values"):
        module._native.record_input_grams([np.zeros(7, np.float32)])
    with pytest.raises(ValueError, match="0 values are not whole inputs"):
        module._native.record_input_grams([np.zeros(0, np.float32)])
    with pytest.raises(ValueError, match="at least one sample"):
        effai.record_input_grams(module, [])
