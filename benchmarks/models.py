"""ONNX models the benchmarks time, built with static shapes and seeded
random weights (onnx.helper): a ViT-style encoder stack, GEMM, GEMV, LeNet-5,
a power-of-two/int8 MLP and the one-op model that measures a peer's per-call
floor. Each builder returns (onnx.ModelProto, input array); the input is
named "input" and the first output "logits"."""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _model(nodes, inputs, outputs, weights, name):
    graph = helper.make_graph(nodes, name, inputs, outputs, weights)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model)
    return model


def _value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


class _Builder:
    """Nodes and initializers of one graph, with fresh names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.weights, self.count = [], [], 0

    def fresh(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, array, hint="w"):
        name = self.fresh(hint)
        self.weights.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def random(self, shape, scale, hint="w"):
        return self.const(
            (self.rng.standard_normal(shape) * scale).astype(np.float32), hint)

    def op(self, op_type, inputs, name=None, **attrs):
        out = self.fresh(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out],
                                           name=name or out, **attrs))
        return out

    def linear(self, x, k, n, name):
        y = self.op("MatMul", [x, self.random((k, n), k ** -0.5)],
                    name=f"{name}/MatMul")
        return self.op("Add", [y, self.random(n, 0.1, "b")],
                       name=f"{name}/Add")


def vit_encoder(layers=4, tokens=197, dim=192, heads=3, mlp=768, seed=0):
    """Pre-norm transformer encoder layers (DeiT-tiny sized): LayerNorm,
    multi-head self-attention, LayerNorm, MLP with exact (erf) GELU, two
    residual adds per layer."""
    b = _Builder(seed)
    head = dim // heads
    x = "input"
    split = b.const(np.array([1, tokens, heads, head], np.int64), "shape")
    merge = b.const(np.array([1, tokens, dim], np.int64), "shape")

    def norm(v, name):
        return b.op("LayerNormalization",
                    [v, b.const(np.ones(dim, np.float32), "gamma"),
                     b.const(np.zeros(dim, np.float32), "beta")],
                    name=name, axis=-1, epsilon=1e-5)

    for i in range(layers):
        p = f"layers.{i}"
        h = norm(x, f"{p}/norm1")
        q, k, v = (b.op("Reshape", [b.linear(h, dim, dim, f"{p}/{n}"), split])
                   for n in ("q", "k", "v"))
        q = b.op("Transpose", [q], perm=[0, 2, 1, 3])
        k = b.op("Transpose", [k], perm=[0, 2, 3, 1])
        v = b.op("Transpose", [v], perm=[0, 2, 1, 3])
        s = b.op("MatMul", [q, k], name=f"{p}/attn/scores")
        s = b.op("Mul", [s, b.const(np.float32(head ** -0.5), "scale")])
        a = b.op("Softmax", [s], name=f"{p}/attn/softmax", axis=-1)
        o = b.op("MatMul", [a, v], name=f"{p}/attn/values")
        o = b.op("Reshape", [b.op("Transpose", [o], perm=[0, 2, 1, 3]),
                             merge])
        x = b.op("Add", [x, b.linear(o, dim, dim, f"{p}/out")],
                 name=f"{p}/residual1")
        h = b.linear(norm(x, f"{p}/norm2"), dim, mlp, f"{p}/fc1")
        erf = b.op("Erf", [b.op("Div", [h, b.const(np.float32(2 ** 0.5))])])
        gelu = b.op("Mul", [b.op("Mul", [h, b.op("Add", [
            erf, b.const(np.float32(1))])]), b.const(np.float32(0.5))],
            name=f"{p}/gelu")
        x = b.op("Add", [x, b.linear(gelu, mlp, dim, f"{p}/fc2")],
                 name=f"{p}/residual2")
    b.nodes.append(helper.make_node("Identity", [x], ["logits"]))
    model = _model(b.nodes, [_value("input", (1, tokens, dim))],
                   [_value("logits", (1, tokens, dim))], b.weights, "vit")
    data = b.rng.standard_normal((1, tokens, dim)).astype(np.float32)
    return model, data


def gemm(m, k, n, seed=0):
    """input[m, k] @ W[k, n] (MatMul with a constant right operand)."""
    b = _Builder(seed)
    y = b.op("MatMul", ["input", b.random((k, n), k ** -0.5)], name="matmul")
    b.nodes.append(helper.make_node("Identity", [y], ["logits"]))
    model = _model(b.nodes, [_value("input", (m, k))],
                   [_value("logits", (m, n))], b.weights, "gemm")
    return model, b.rng.standard_normal((m, k)).astype(np.float32)


def lenet5(seed=0):
    """LeNet-5 on 1x1x28x28: conv 5x5 (6, pad 2), tanh-free ReLU, max pool,
    conv 5x5 (16), ReLU, max pool, FC 400-120-84-10."""
    b = _Builder(seed)
    x = "input"
    for i, (cin, cout, pads) in enumerate([(1, 6, 2), (6, 16, 0)]):
        x = b.op("Conv", [x, b.random((cout, cin, 5, 5), (cin * 25) ** -0.5),
                          b.random(cout, 0.1, "b")], name=f"conv{i + 1}",
                 pads=[pads] * 4)
        x = b.op("Relu", [x])
        x = b.op("MaxPool", [x], name=f"pool{i + 1}", kernel_shape=[2, 2],
                 strides=[2, 2])
    x = b.op("Flatten", [x])
    for i, (k, n) in enumerate([(400, 120), (120, 84), (84, 10)]):
        x = b.op("Gemm", [x, b.random((n, k), k ** -0.5),
                          b.random(n, 0.1, "b")], name=f"fc{i + 1}", transB=1)
        if i < 2:
            x = b.op("Relu", [x])
    b.nodes.append(helper.make_node("Identity", [x], ["logits"]))
    model = _model(b.nodes, [_value("input", (1, 1, 28, 28))],
                   [_value("logits", (1, 10))], b.weights, "lenet5")
    return model, b.rng.standard_normal((1, 1, 28, 28)).astype(np.float32)


def mlp(batch=1, sizes=(1024, 4096, 4096, 1000), seed=0):
    """A ReLU MLP (Gemm layers) at `batch`: the model the compressed
    (int8 and int4 weight-only, power-of-two) variants are compared on."""
    b = _Builder(seed)
    x = "input"
    for i, (k, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        x = b.op("Gemm", [x, b.random((n, k), k ** -0.5),
                          b.random(n, 0.1, "b")], name=f"fc{i + 1}", transB=1)
        if i < len(sizes) - 2:
            x = b.op("Relu", [x])
    b.nodes.append(helper.make_node("Identity", [x], ["logits"]))
    model = _model(b.nodes, [_value("input", (batch, sizes[0]))],
                   [_value("logits", (batch, sizes[-1]))], b.weights, "mlp")
    return model, b.rng.standard_normal((batch, sizes[0])).astype(np.float32)


def add_one(n=16):
    """logits = input + 1 on n floats: a peer's per-call floor."""
    b = _Builder(0)
    y = b.op("Add", ["input", b.const(np.float32(1))], name="add")
    b.nodes.append(helper.make_node("Identity", [y], ["logits"]))
    model = _model(b.nodes, [_value("input", (1, n))],
                   [_value("logits", (1, n))], b.weights, "add_one")
    return model, np.zeros((1, n), np.float32)
