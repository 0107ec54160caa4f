# Half-float (f16, bf16) models: products are summed in f32 and rounded
# once, so a 4096-long dot product is within one unit in the last place of
# the exact result (an f16 running sum would be off by tens); on the GPU,
# f16 layers run on tensor cores (mma.sync m16n8k16, f32 accumulators) and
# bf16 ones on CUDA cores, and the emulated kernels match the CPU's within
# a unit or two in the last place (the sums are added in another order).
# RUN: %python -m pytest -q -p no:cacheprovider %s

import re

import numpy as np
import pytest
from onnx import TensorProto, helper

import effai

ONNX_TYPES = {"f16": TensorProto.FLOAT16, "bf16": TensorProto.BFLOAT16}
#: Mantissa bits after the leading one.
MANTISSA = {"f16": 10, "bf16": 7}


def round_to(values, dtype):
    """float32 values rounded to the nearest f16 or bf16 (ties to even),
    returned as float32."""
    values = np.asarray(values, dtype=np.float32)
    if dtype == "f16":
        return values.astype(np.float16).astype(np.float32)
    bits = values.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def ulp(values, dtype):
    """The spacing of f16 or bf16 numbers at each of `values` (normal
    range)."""
    exponent = np.floor(np.log2(np.maximum(np.abs(values), 2.0**-14)))
    return 2.0 ** (exponent - MANTISSA[dtype])


def model(dtype, layers, batch, seed=0):
    """float32 in, float32 out; inside, `dtype` throughout: x -> Cast ->
    MatMul (+ bias, ReLU between layers) -> Cast. `layers` lists the
    widths, input first. Weights are stored in `dtype`, as a half-float
    model's are; returns the model and its weights and biases (rounded,
    as float32)."""
    rng = np.random.default_rng(seed)
    t = ONNX_TYPES[dtype]
    nodes = [helper.make_node("Cast", ["input"], ["h0"], to=t)]
    initializers, params = [], []
    for i, (k, n) in enumerate(zip(layers, layers[1:])):
        w = round_to(rng.standard_normal((k, n)) / np.sqrt(k), dtype)
        b = round_to(rng.standard_normal(n), dtype)
        params.append((w, b))
        initializers += [helper.make_tensor(f"w{i}", t, w.shape, w.ravel()),
                         helper.make_tensor(f"b{i}", t, b.shape, b)]
        nodes += [helper.make_node("MatMul", [f"h{i}", f"w{i}"], [f"p{i}"]),
                  helper.make_node("Add", [f"p{i}", f"b{i}"], [f"a{i}"])]
        last = i == len(layers) - 2
        nodes.append(helper.make_node("Identity" if last else "Relu",
                                      [f"a{i}"], [f"h{i + 1}"]))
    nodes.append(helper.make_node("Cast", [f"h{len(layers) - 1}"], ["out"],
                                  to=TensorProto.FLOAT))
    graph = helper.make_graph(
        nodes, "half",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [batch, layers[0]])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                       [batch, layers[-1]])],
        initializers)
    onnx_model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    return effai.import_onnx(onnx_model.SerializeToString()), params


def gpu_kernels(module, chip):
    tiled = effai.Module.parse(str(module))
    tiled.run_pipeline("effai-lower-to-linalg,"
                       f" effai-set-target{{target={chip}}}, effai-select-tiling")
    return re.findall(r'kernel = "(\w+)"', str(tiled))


@pytest.mark.parametrize("dtype", ["f16", "bf16"])
def test_products_are_summed_in_f32(dtype):
    module, [(w, b)] = model(dtype, [4096, 64], batch=4)
    x = np.random.default_rng(1).standard_normal((4, 4096),
                                                  dtype=np.float32)
    got = effai.compile(module)(x)
    # The exact sum of the rounded operands, then the bias added in dtype.
    exact = round_to(round_to(x, dtype).astype(np.float64) @ w, dtype) + b
    want = round_to(exact, dtype)
    # One rounding of the sum and one of the bias add: within a unit of the
    # result (of 1/16 near zero, where the f32 sum's own error shows); an
    # f16 running sum of 4096 products is off by hundreds of those.
    err = np.abs(got - want) / ulp(np.maximum(np.abs(want), 1 / 16), dtype)
    assert err.max() <= 1.0, f"{err.max():.1f} ulp"


def test_f16_inputs_and_outputs():
    # f16 at the model's boundary: numpy float16 in and out.
    rng = np.random.default_rng(2)
    w = rng.standard_normal((256, 32)).astype(np.float16)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["input", "w"], ["y"])], "f16",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT16, [8, 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [8, 32])],
        [helper.make_tensor("w", TensorProto.FLOAT16, w.shape,
                            w.astype(np.float32).ravel())])
    onnx_model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    run = effai.compile(effai.import_onnx(onnx_model.SerializeToString()))
    x = rng.standard_normal((8, 256)).astype(np.float16)
    got = run(x)
    assert got.dtype == np.float16
    want = (x.astype(np.float64) @ w.astype(np.float64)).astype(np.float16)
    err = np.abs(got.astype(np.float64) - want) / ulp(
        np.maximum(np.abs(want), 1 / 16), "f16")
    assert err.max() <= 1.0


@pytest.mark.parametrize("dtype,tensor_cores", [("f16", True),
                                                ("bf16", False)])
def test_emulated_gpu_matches_cpu(dtype, tensor_cores):
    # Two layers whose shapes are whole m16n8k16 tiles, large enough that
    # the roofline prefers tensor cores for f16.
    module, params = model(dtype, [512, 256, 128], batch=128)
    bias = params[-1][1]
    x = np.random.default_rng(3).standard_normal((128, 512),
                                                 dtype=np.float32)
    want = effai.compile(module)(x)
    for chip in ["sm_80", "sm_90"]:
        kernels = gpu_kernels(module, chip)
        if tensor_cores:
            assert kernels.count("mma") == 2, kernels
        else:
            assert "mma" not in kernels and \
                kernels.count("contraction") == 2, kernels
        got = effai.compile(module, emulate_gpu=chip)(x)
        # A sum rounded the other way is one unit of the sum (before the
        # bias: up to |y| + |b|); a hidden value rounded the other way moves
        # the next layer's sum by about as much again.
        err = np.abs(got - want) / ulp(np.abs(want) + np.abs(bias), dtype)
        assert err.max() <= 2.0, f"{chip}: {err.max():.1f} ulp"


@pytest.mark.parametrize("dtype", ["f16", "bf16"])
def test_emulated_partial_tiles_match_cpu(dtype):
    # Shapes no tile divides (batch 3, 100 -> 60 -> 30): CUDA-core kernels
    # whose edge tiles are partial, each rounding its f32 sums to the
    # layer's type (and adding the bias) as it stores them.
    module, params = model(dtype, [100, 60, 30], batch=3)
    bias = params[-1][1]
    x = np.random.default_rng(4).standard_normal((3, 100), dtype=np.float32)
    want = effai.compile(module)(x)
    for chip in ["sm_80", "sm_90"]:
        assert "mma" not in gpu_kernels(module, chip)
        got = effai.compile(module, emulate_gpu=chip)(x)
        err = np.abs(got - want) / ulp(np.abs(want) + np.abs(bias), dtype)
        assert err.max() <= 2.0, f"{chip}: {err.max():.1f} ulp"
