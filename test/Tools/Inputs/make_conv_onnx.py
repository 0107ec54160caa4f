"""Writes a small CNN (Conv 3x3 + Relu, GlobalAveragePool, Gemm) with random
weights: make_conv_onnx.py OUT."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
weights = [
    numpy_helper.from_array(rng.standard_normal((32, 16, 3, 3), np.float32) * .1, "w"),
    numpy_helper.from_array(rng.standard_normal(32, np.float32), "b"),
    numpy_helper.from_array(rng.standard_normal((10, 32), np.float32), "fc_w"),
    numpy_helper.from_array(rng.standard_normal(10, np.float32), "fc_b"),
]
nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv",
                     pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="relu"),
    helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="fc",
                     transB=1),
]
graph = helper.make_graph(
    nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 28, 28])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], weights)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, sys.argv[1])
