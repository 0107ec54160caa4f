"""Builds small ONNX models inside lit tests and prints what effai makes of
them (the IR, or the CompileError), for FileCheck."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import effai

F32, I8, U8, I32, I64, BOOL = (TensorProto.FLOAT, TensorProto.INT8,
                               TensorProto.UINT8, TensorProto.INT32,
                               TensorProto.INT64, TensorProto.BOOL)


def value(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "test", inputs, outputs,
                              initializer=list(initializers))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def show(title, m, **kwargs):
    """Prints a separator with `title`, then the imported IR or the error."""
    print(f"// ----- {title}")
    try:
        print(effai.import_onnx(m, **kwargs))
    except effai.CompileError as e:
        print(e)
