"""The digits models (examples/digits), dense and compressed, as the GPU
tests compare them with the CPU path: int8 weights, power-of-two weights,
2:4 sparsity, and int8 weights and activations (integer-only)."""
import os

import numpy as np

import effai

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "..",
                      "examples", "digits")
CALIBRATION = np.load(os.path.join(DIGITS, "calibration_images.npy"))[:64]

VARIANTS = {
    "fp32": None,
    "int8 weights": "effai-quantize{weight-bits=8}",
    "pow2 weights": "effai-shift-quantize{terms=2 bits=4}",
    "2:4": "effai-prune{mode=nm n=2 m=4}",
    "int8 w+a": "calibrate",
}

#: The variant whose outputs must match bit for bit (integer-only).
INTEGER_ONLY = "int8 w+a"


def digit_images(count=None):
    images = np.load(os.path.join(DIGITS, "test_images.npy"))
    return images if count is None else images[:count]


def load(name, variant, batch):
    """digits_{name}.onnx with batch size `batch`, compressed as `variant`."""
    module = effai.import_onnx(os.path.join(DIGITS, f"digits_{name}.onnx"),
                               input_shapes={"input": [batch, 1, 8, 8]})
    how = VARIANTS[variant]
    if how == "calibrate":
        # One calibration batch of the model's size (the first 64 images).
        effai.quantize(module, [np.resize(CALIBRATION, (batch, 1, 8, 8))],
                       weight_bits=8)
    elif how:
        module.run_pipeline(how)
    return module


def assert_matches(got, want, variant, **context):
    """Integer-only models bit for bit; float ones within 1e-5 relative
    (fused multiply-adds round differently)."""
    assert got.shape == want.shape
    if variant == INTEGER_ONLY:
        np.testing.assert_array_equal(got, want, **context)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5,
                                   atol=1e-5 * np.abs(want).max(), **context)


#: Integer-only variants (effai-integerize: codes from layer to layer), what
#: an FPGA accelerator takes: int8 weights, power-of-two weights (two terms
#: of 4 bits: shift-add PEs) and 75% of the weights pruned (by magnitude).
INTEGER_VARIANTS = {
    "w8a8": None,
    "pow2": "effai-shift-quantize{terms=2 bits=4}",
    "pruned": "effai-prune{mode=magnitude sparsity=0.75}",
}


def load_integer(name, variant, batch):
    """digits_{name}.onnx, calibrated and integer-only (uint8 activations,
    i32 accumulators), its weights compressed as INTEGER_VARIANTS says."""
    module = effai.import_onnx(os.path.join(DIGITS, f"digits_{name}.onnx"),
                               input_shapes={"input": [batch, 1, 8, 8]})
    module.run_pipeline("effai-fold-batch-norm")
    calibration = np.resize(CALIBRATION, (batch, 1, 8, 8))
    effai.calibrate(module, [calibration])
    if INTEGER_VARIANTS[variant]:
        module.run_pipeline(INTEGER_VARIANTS[variant])
    # Weights already in integer codes (power-of-two) are kept as they are.
    module.run_pipeline("effai-quantize{weight-bits=8 activations=int8}")
    module.run_pipeline("effai-integerize")
    return module
