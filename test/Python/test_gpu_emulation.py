# The GPU path's kernels run as host loops (effai.compile(emulate_gpu=...)):
# the tiling, block/thread mapping and edge guards chosen for sm_80 and
# sm_90 compute what the CPU pipeline computes on the digits models, dense
# and compressed (int8 weights, int8 weights and activations, power-of-two
# weights, 2:4 sparsity). Integer-only models agree bit for bit; float
# ones within 1e-5 relative (the CPU kernels fuse multiply-adds).
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os
import sys

import pytest

import effai

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from digits_variants import VARIANTS, assert_matches, digit_images, load  # noqa: E402

IMAGES = digit_images(64)


@pytest.mark.parametrize("name", ["mlp", "cnn"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_emulated_gpu_matches_cpu(name, variant):
    module = load(name, variant, len(IMAGES))
    want = effai.compile(module)(IMAGES)
    for chip in ["sm_80", "sm_90"]:
        got = effai.compile(module, emulate_gpu=chip)(IMAGES)
        assert_matches(got, want, variant, err_msg=chip)


def test_emulation_is_not_a_gpu_target():
    with pytest.raises(ValueError, match="emulate_gpu compiles for the CPU"):
        effai.compile(load("mlp", "fp32", 1), target="gpu",
                      emulate_gpu="sm_90")


def test_emulation_rejects_unknown_chips_and_threads():
    module = load("mlp", "fp32", 1)
    with pytest.raises(effai.CompileError, match="unknown target 'sm_61'"):
        effai.compile(module, emulate_gpu="sm_61")
    with pytest.raises(effai.CompileError, match="GPU emulation runs on one "
                                                 "thread"):
        effai.compile(module, emulate_gpu="sm_90", parallel=True)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("compression", [None, "effai-shift-quantize{terms=1 bits=4}",
                                         "effai-shift-quantize{terms=2 bits=4}"])
def test_split_reduction_matches_cpu(batch, compression):
    # A batch-1 linear layer has too few outputs for the GPU: the tiling
    # splits its 4096-long reduction into slices (split_k > 1) that blocks
    # compute separately, and a second kernel sums them (bias added there).
    # Power-of-two layers too: their shift kernels read 4-bit codes two to a
    # byte.
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(batch)
    w = rng.standard_normal((4096, 1024), dtype=np.float32) / 64
    b = rng.standard_normal(1024, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["input", "w"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["logits"])], "linear",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [batch, 4096])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       [batch, 1024])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    module = effai.import_onnx(model.SerializeToString())
    if compression:
        module.run_pipeline(compression)
    tiled = effai.Module.parse(str(module))
    tiled.run_pipeline("effai-convert-shift-kernels, effai-lower-to-linalg,"
                       " effai-set-target{target=sm_90}, effai-select-tiling")
    assert "split_k = " in str(tiled)
    x = rng.standard_normal((batch, 4096), dtype=np.float32)
    want = effai.compile(module)(x)
    got = effai.compile(module, emulate_gpu="sm_90")(x)
    np.testing.assert_allclose(got, want, rtol=1e-5,
                               atol=1e-5 * np.abs(want).max())


MMA_GEMM = """
func.func @gemm(%a: tensor<{m}x{k}xi8>, %b: tensor<{n}x{k}xi8>) -> tensor<{m}x{n}xi32> {{
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<{m}x{n}xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %p = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%a, %b : tensor<{m}x{k}xi8>, tensor<{n}x{k}xi8>) outs(%f : tensor<{m}x{n}xi32>) {{
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %prod = arith.muli %xe, %ye : i32
    %sum = arith.addi %acc, %prod : i32
    linalg.yield %sum : i32
  }} -> tensor<{m}x{n}xi32>
  return %p : tensor<{m}x{n}xi32>
}}
"""


def _tiled_kernels(module, chip):
    tiled = effai.Module.parse(str(module))
    tiled.run_pipeline(f"effai-set-target{{target={chip}}}, effai-select-tiling")
    return str(tiled)


@pytest.mark.parametrize("shape", [(512, 1024, 1024), (512, 96, 40),
                                   (2048, 128, 24)])
def test_tensor_core_gemm_matches_numpy(shape):
    # An s8 x s8 -> s32 product whose dimensions are whole m16n8k32 tiles
    # runs on tensor cores (kernel = "mma"): warp-level contractions, here
    # run whole by every lane on the host. Exact against NumPy in int64.
    import numpy as np
    m, k, n = shape
    module = effai.Module.parse(MMA_GEMM.format(m=m, k=k, n=n))
    for chip in ["sm_80", "sm_90"]:
        assert 'kernel = "mma"' in _tiled_kernels(module, chip), chip
    rng = np.random.default_rng(m + k + n)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (n, k), dtype=np.int8)
    want = a.astype(np.int64) @ b.astype(np.int64).T
    for chip in ["sm_80", "sm_90"]:
        got = effai.compile(module, emulate_gpu=chip)(a, b)
        np.testing.assert_array_equal(got, want, err_msg=chip)


@pytest.mark.parametrize("shape", [(256, 512, 256), (256, 1024, 40)])
def test_tensor_core_w8a8_linear_matches_cpu(shape):
    # A w8a8 layer as effai-integerize leaves it: u8 activations (flipped to
    # s8 where they are quantized), constant weights stored [k, n]
    # (transposed for mma.sync), the sum corrected by 128 * sum_k w where
    # it is requantized. Bit for bit the CPU pipeline's u8 outputs.
    import subprocess
    import numpy as np
    generator = os.path.join(os.path.dirname(__file__), "..", "Target", "GPU",
                             "Inputs", "int8_linear.py")
    text = subprocess.run([sys.executable, generator, *map(str, shape)],
                          capture_output=True, text=True, check=True).stdout
    module = effai.Module.parse(text)
    assert 'kernel = "mma"' in _tiled_kernels(module, "sm_90")
    m, k, _ = shape
    x = np.random.default_rng(k).uniform(-200, 2200, (m, k)).astype(np.float32)
    want = effai.compile(module)(x)
    assert len(np.unique(want)) > 50  # not all clamped
    for chip in ["sm_80", "sm_90"]:
        got = effai.compile(module, emulate_gpu=chip)(x)
        np.testing.assert_array_equal(got, want, err_msg=chip)


@pytest.mark.parametrize("compression", [
    "effai-shift-quantize{terms=1 bits=4}",
    "effai-shift-quantize{terms=2 bits=4}",
    "effai-shift-quantize{terms=2 bits=5}"])
@pytest.mark.parametrize("conv", [
    dict(group=1, strides=[1, 1], pads=[1, 1, 1, 1], dilations=[1, 1]),
    dict(group=2, strides=[2, 1], pads=[0, 1, 2, 1], dilations=[1, 2]),
    dict(group=8, strides=[1, 1], pads=[1, 1, 1, 1], dilations=[1, 1])])
def test_shift_convolution_matches_cpu(compression, conv):
    # Power-of-two convolutions are shift kernels on the GPU (exponent adds
    # on codes read as stored: one term's byte, two 4-bit terms' nibbles,
    # wider pairs' i16), grouped, strided, dilated and depthwise alike; the
    # CPU pipeline multiplies decoded weights. Same numbers within float
    # rounding.
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(conv["group"])
    channels_out = 8 if conv["group"] == 8 else 16
    w = rng.standard_normal((channels_out, 8 // conv["group"], 3, 3),
                            dtype=np.float32) / 4
    b = rng.standard_normal(channels_out, dtype=np.float32)
    spatial = [(12 + conv["pads"][i] + conv["pads"][i + 2] -
                conv["dilations"][i] * 2 - 1) // conv["strides"][i] + 1
               for i in range(2)]
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input", "w", "b"], ["y"],
                          kernel_shape=[3, 3], **conv)], "conv",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [2, 8, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [2, channels_out, *spatial])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    module = effai.import_onnx(model.SerializeToString())
    module.run_pipeline(compression)
    lowered = effai.Module.parse(str(module))
    lowered.run_pipeline("effai-convert-shift-kernels{convolutions=1}")
    assert "effai.conv2d" not in str(lowered) and \
        "effai.depthwise_conv2d" not in str(lowered)
    x = rng.standard_normal((2, 8, 12, 12), dtype=np.float32)
    want = effai.compile(module)(x)
    for chip in ["sm_80", "sm_90"]:
        got = effai.compile(module, emulate_gpu=chip)(x)
        np.testing.assert_allclose(got, want, rtol=1e-5,
                                   atol=1e-5 * np.abs(want).max(),
                                   err_msg=chip)
