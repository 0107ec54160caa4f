# Integer-only layers on the register-blocked kernels: ONNX ConvInteger and
# MatMulInteger with constant int8 weights (uint8 activations with a zero
# point) give i32 accumulators, which effai's kernels compute exactly: u8
# activations and i8 weights read as stored (the zero point corrected with
# the weights' sums), on AVX-512 VNNI hosts as vpdpbusd dot products over
# four filter columns or k values, elsewhere (and for 1x1 windows) widened
# to i32 vectors. Odd sizes: row tiles with remainders, output channels
# that are not a multiple of the vector tile, strides, 1x1, 3x3, 5x5 and
# 7x7 windows, zero points 0 and not; one and two threads; the host and an
# AVX2 machine without VNNI. Compared exactly with NumPy's int64
# arithmetic.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

# A kernel that falls back to plain loops is a failure here.
pytestmark = pytest.mark.filterwarnings("error::effai.CompileWarning")
from onnx import TensorProto, helper, numpy_helper

import effai


def model(nodes, inputs, outputs, inits):
    graph = helper.make_graph(nodes, "integer", inputs, outputs,
                              [numpy_helper.from_array(v, k)
                               for k, v in inits.items()])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 13)])


def conv_reference(x, w, zp, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x.astype(np.int64) - zp,
                ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, o, oh, ow), np.int64)
    for i in range(kh):
        for j in range(kw):
            window = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,oc->nohw", window,
                             w[:, :, i, j].astype(np.int64))
    return out


def dot_tiles(exe):
    """The `dot` of every contraction in the executable's report."""
    return [op["tiles"]["dot"] for layer in exe.report()["layers"]
            for op in layer["ops_detail"] if "tiles" in op]


@pytest.mark.parametrize("c,o,h,w,k,stride,pad,zero,parallel,machine", [
    (5, 37, 9, 11, 3, 1, 1, False, False, None),  # 37 channels: masked
    (16, 64, 14, 14, 3, 2, 1, False, True, None),  # stride 2, two threads
    (24, 40, 7, 13, 1, 1, 0, False, False, None),  # 1x1: no groups of 4
    (3, 64, 30, 30, 7, 2, 3, False, True, None),   # a stem-like 7x7 stride 2
    (4, 20, 12, 13, 5, 1, 2, True, False, None),   # 5x5, zero point 0
    (8, 32, 10, 9, 3, 1, 0, False, False, None),   # unpadded: slack only
    (5, 37, 9, 11, 3, 1, 1, False, False, "x86-avx2"),  # no VNNI
    (3, 64, 30, 30, 7, 2, 3, True, True, "x86-avx2"),
])
def test_conv_integer(c, o, h, w, k, stride, pad, zero, parallel, machine):
    rng = np.random.default_rng(c * 100 + o)
    weights = rng.integers(-127, 128, (o, c, k, k)).astype(np.int8)
    zp = np.uint8(0 if zero else rng.integers(1, 256))
    oh = (h + 2 * pad - k) // stride + 1
    ow = (w + 2 * pad - k) // stride + 1
    m = model([helper.make_node("ConvInteger", ["x", "w", "zp"], ["y"],
                                pads=[pad] * 4, strides=[stride] * 2)],
              [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                             [1, c, h, w])],
              [helper.make_tensor_value_info("y", TensorProto.INT32,
                                             [1, o, oh, ow])],
              {"w": weights, "zp": np.array(zp, np.uint8)})
    exe = effai.compile(m, parallel=parallel, machine=machine)
    x = rng.integers(0, 256, (1, c, h, w)).astype(np.uint8)
    np.testing.assert_array_equal(exe(x),
                                  conv_reference(x, weights, int(zp), stride,
                                                 pad))
    # Dot products where the target has VNNI and the filter is wider than 1.
    vnni = machine is None and "avx512vnni" in exe.report()["machine"][
        "features"]
    assert dot_tiles(exe) == [4 if vnni and k > 1 else 1]


@pytest.mark.parametrize("m,k,n,parallel,machine", [
    (7, 45, 33, False, None),     # k not a multiple of 4: multiply-adds
    (1, 300, 70, False, None),
    (64, 64, 96, True, None),
    (64, 64, 96, True, "x86-avx2"),
])
def test_matmul_integer(m, k, n, parallel, machine):
    rng = np.random.default_rng(m + k + n)
    weights = rng.integers(-127, 128, (k, n)).astype(np.int8)
    zp = np.uint8(rng.integers(0, 256))
    mod = model([helper.make_node("MatMulInteger", ["x", "w", "zp"], ["y"])],
                [helper.make_tensor_value_info("x", TensorProto.UINT8, [m, k])],
                [helper.make_tensor_value_info("y", TensorProto.INT32, [m, n])],
                {"w": weights, "zp": np.array(zp, np.uint8)})
    exe = effai.compile(mod, parallel=parallel, machine=machine)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    want = (x.astype(np.int64) - int(zp)) @ weights.astype(np.int64)
    np.testing.assert_array_equal(exe(x), want)
    vnni = machine is None and "avx512vnni" in exe.report()["machine"][
        "features"]
    assert dot_tiles(exe) == [4 if vnni and k % 4 == 0 else 1]


@pytest.mark.parametrize("machine", [None, "x86-avx2"])
def test_conv_integer_dequantized_epilogue(machine):
    # ConvInteger, then Cast to float and a scale: the dequantization runs
    # on the kernel's register tile (a fused epilogue) and only floats are
    # stored. Sums below 2^24 convert exactly; the scale is a power of two.
    rng = np.random.default_rng(7)
    c, o, h, w = 8, 48, 12, 12
    weights = rng.integers(-127, 128, (o, c, 3, 3)).astype(np.int8)
    zp = np.uint8(9)
    m = model([helper.make_node("ConvInteger", ["x", "w", "zp"], ["acc"],
                                pads=[1] * 4),
               helper.make_node("Cast", ["acc"], ["real"],
                                to=TensorProto.FLOAT),
               helper.make_node("Mul", ["real", "scale"], ["y"])],
              [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                             [1, c, h, w])],
              [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                             [1, o, h, w])],
              {"w": weights, "zp": np.array(zp, np.uint8),
               "scale": np.array(0.125, np.float32)})
    exe = effai.compile(m, machine=machine)
    x = rng.integers(0, 256, (1, c, h, w)).astype(np.uint8)
    want = conv_reference(x, weights, int(zp), 1, 1).astype(np.float32) * 0.125
    np.testing.assert_array_equal(exe(x), want)
    fused = [op["tiles"]["epilogue"] for layer in exe.report()["layers"]
             for op in layer["ops_detail"] if "tiles" in op]
    assert fused == [True]


def test_depthwise_conv_integer():
    # Grouped (depthwise) layers read the u8 activations as stored too, on
    # the plain-loop path (no kernel groups a 1-channel filter by four).
    rng = np.random.default_rng(3)
    c, h, w = 12, 9, 10
    weights = rng.integers(-127, 128, (c, 1, 3, 3)).astype(np.int8)
    zp = np.uint8(30)
    m = model([helper.make_node("ConvInteger", ["x", "w", "zp"], ["y"],
                                pads=[1] * 4, group=c)],
              [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                             [1, c, h, w])],
              [helper.make_tensor_value_info("y", TensorProto.INT32,
                                             [1, c, h, w])],
              {"w": weights, "zp": np.array(zp, np.uint8)})
    exe = effai.compile(m)
    x = rng.integers(0, 256, (1, c, h, w)).astype(np.uint8)
    xp = np.pad(x.astype(np.int64) - int(zp), ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.zeros((1, c, h, w), np.int64)
    for i in range(3):
        for j in range(3):
            want += xp[:, :, i:i + h, j:j + w] * weights[None, :, 0, i, j,
                                                         None, None]
    np.testing.assert_array_equal(exe(x), want)


def test_matmul_integer_runtime_weights():
    # Both operands at run time: no compile-time packing, so no dot
    # products; the i32 kernel reads B in place (and says nothing).
    rng = np.random.default_rng(5)
    m_, k, n = 6, 32, 48
    mod = model([helper.make_node("MatMulInteger", ["a", "b"], ["y"])],
                [helper.make_tensor_value_info("a", TensorProto.UINT8, [m_, k]),
                 helper.make_tensor_value_info("b", TensorProto.INT8, [k, n])],
                [helper.make_tensor_value_info("y", TensorProto.INT32, [m_, n])],
                {})
    exe = effai.compile(mod)
    a = rng.integers(0, 256, (m_, k)).astype(np.uint8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    np.testing.assert_array_equal(exe(a, b),
                                  a.astype(np.int64) @ b.astype(np.int64))
    assert all(d == 1 for d in dot_tiles(exe))


@pytest.mark.parametrize("storage", [np.uint8, np.int8])
@pytest.mark.parametrize("opt_level", [0, 3])
def test_quantize_linear_rounds_and_saturates(storage, opt_level):
    # Constant scale and zero point: the importer emits quant.qcast, which
    # effai-lower-quantize-casts lowers with ONNX's rounding (half to even)
    # and saturation, at every optimization level (out-of-range values once
    # converted to poison, which -O3 folded to anything).
    zero = storage(3 if storage == np.uint8 else -2)
    tensor_type = TensorProto.UINT8 if storage == np.uint8 else TensorProto.INT8
    onnx_model = model(
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 12])],
        [helper.make_tensor_value_info("y", tensor_type, [1, 12])],
        {"s": np.float32(0.5), "z": zero})
    x = np.array([[-1000, -64.5, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75, 63.5,
                   64.25, 1e9, np.inf]], np.float32)
    got = effai.compile(onnx_model, opt_level=opt_level)(x)
    info = np.iinfo(storage)
    want = np.clip(np.round(x / np.float32(0.5)) + zero, info.min,
                   info.max).astype(storage)
    np.testing.assert_array_equal(got, want)
