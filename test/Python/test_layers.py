# Common layers imported from ONNX, compiled for the CPU and run against
# PyTorch: 1-D and 3-D Conv, 1-D to 3-D ConvTranspose (output_padding
# too), MaxPool, AveragePool (strides, dilations,
# pads, groups, bias, count_include_pad; 3-D convolutions are plain loop
# nests, 1-D ones are lifted to 2-D), and an Embedding (Gather of int64
# ids) into a GLU (Split, Sigmoid, Mul) as torch.onnx exports them, whose
# out-of-range ids are clamped rather than read out of bounds.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

import effai

rng = np.random.RandomState(0)


def run(node, x, initializers, out_shape):
    graph = helper.make_graph(
        [node], "nd", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       list(out_shape))],
        [numpy_helper.from_array(a, n) for n, a in initializers.items()])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    return effai.compile(model)(x)


@pytest.mark.parametrize("spatial", [1, 3])
@pytest.mark.parametrize("group,stride,dilation,pad,bias", [
    (1, 1, 1, 0, False), (1, 2, 1, 1, True), (2, 1, 2, 2, True),
    (4, 2, 1, 1, False)])
def test_conv(spatial, group, stride, dilation, pad, bias):
    c, o, size, k = 4, 8, 7, 3
    x = rng.randn(2, c, *([size] * spatial)).astype(np.float32)
    w = rng.randn(o, c // group, *([k] * spatial)).astype(np.float32)
    b = rng.randn(o).astype(np.float32)
    conv = {1: F.conv1d, 3: F.conv3d}[spatial]
    want = conv(torch.from_numpy(x), torch.from_numpy(w),
                torch.from_numpy(b) if bias else None, stride=stride,
                padding=pad, dilation=dilation, groups=group).numpy()
    inputs = ["x", "w", "b"] if bias else ["x", "w"]
    node = helper.make_node("Conv", inputs, ["y"], group=group,
                            strides=[stride] * spatial,
                            dilations=[dilation] * spatial,
                            pads=[pad] * 2 * spatial)
    got = run(node, x, {"w": w, "b": b} if bias else {"w": w}, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("spatial", [1, 2, 3])
@pytest.mark.parametrize("group,stride,dilation,pad,output_pad,bias", [
    (1, 1, 1, 0, 0, False), (1, 2, 1, 1, 1, True), (2, 2, 2, 1, 0, True),
    (4, 3, 1, 2, 2, False)])
def test_conv_transpose(spatial, group, stride, dilation, pad, output_pad,
                        bias):
    c, o, size, k = 4, 8, 4, 3
    x = rng.randn(2, c, *([size] * spatial)).astype(np.float32)
    w = rng.randn(c, o // group, *([k] * spatial)).astype(np.float32)
    b = rng.randn(o).astype(np.float32)
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d,
            3: F.conv_transpose3d}[spatial]
    want = conv(torch.from_numpy(x), torch.from_numpy(w),
                torch.from_numpy(b) if bias else None, stride=stride,
                padding=pad, output_padding=output_pad, groups=group,
                dilation=dilation).numpy()
    inputs = ["x", "w", "b"] if bias else ["x", "w"]
    node = helper.make_node("ConvTranspose", inputs, ["y"], group=group,
                            strides=[stride] * spatial,
                            dilations=[dilation] * spatial,
                            pads=[pad] * 2 * spatial,
                            output_padding=[output_pad] * spatial)
    got = run(node, x, {"w": w, "b": b} if bias else {"w": w}, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("spatial", [1, 3])
@pytest.mark.parametrize("op,stride,pad,include_pad", [
    ("MaxPool", 1, 0, 0), ("MaxPool", 2, 1, 0), ("AveragePool", 2, 0, 0),
    ("AveragePool", 1, 1, 0), ("AveragePool", 2, 1, 1)])
def test_pool(spatial, op, stride, pad, include_pad):
    x = rng.randn(2, 3, *([6] * spatial)).astype(np.float32)
    t = torch.from_numpy(x)
    if op == "MaxPool":
        pool = {1: F.max_pool1d, 3: F.max_pool3d}[spatial]
        want = pool(t, 3, stride=stride, padding=pad).numpy()
        attrs = {}
    else:
        pool = {1: F.avg_pool1d, 3: F.avg_pool3d}[spatial]
        want = pool(t, 3, stride=stride, padding=pad,
                    count_include_pad=bool(include_pad)).numpy()
        attrs = {"count_include_pad": include_pad}
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=[3] * spatial,
                            strides=[stride] * spatial,
                            pads=[pad] * 2 * spatial, **attrs)
    np.testing.assert_allclose(run(node, x, {}, want.shape), want,
                               rtol=1e-5, atol=1e-6)


class EmbeddingGLU(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(50, 16)
        self.linear = torch.nn.Linear(16, 32)
        self.glu = torch.nn.GLU(-1)

    def forward(self, ids):
        return self.glu(self.linear(self.embedding(ids)))


def test_embedding_glu():
    import io
    import onnx
    torch.manual_seed(0)
    module = EmbeddingGLU().eval()
    ids = torch.randint(0, 50, (2, 7), dtype=torch.int64)
    buffer = io.BytesIO()
    torch.onnx.export(module, (ids,), buffer, input_names=["ids"],
                      output_names=["y"], opset_version=13)
    model = onnx.load_from_string(buffer.getvalue())
    assert [n.op_type for n in model.graph.node] == [
        "Gather", "MatMul", "Add", "Split", "Sigmoid", "Mul"]
    exe = effai.compile(model)
    with torch.no_grad():
        want = module(ids).numpy()
    np.testing.assert_allclose(exe(ids.numpy()), want, rtol=1e-5, atol=1e-6)
    # Ids past either end read the first or last row, never outside.
    bad = ids.numpy().copy()
    bad[0, 0], bad[1, 1] = 10**9, -10**9
    clamped = ids.clone()
    clamped[0, 0], clamped[1, 1] = 49, 0
    with torch.no_grad():
        want = module(clamped).numpy()
    np.testing.assert_allclose(exe(bad), want, rtol=1e-5, atol=1e-6)
