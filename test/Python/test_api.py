# The effai Python API, with pytest (run through lit so one command runs all).
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import effai


def relu_model(shape=(2, 3)):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def qdq_conv_model():
    """What ONNX Runtime's static quantizer exports (QDQ format): int8
    per-channel weights and uint8 activations around a float Conv."""
    w = np.array([[[[1, -2], [3, -4]]], [[[5, 6], [-7, 8]]]], np.int8)
    inits = [
        numpy_helper.from_array(np.float32(0.05), "x_scale"),
        numpy_helper.from_array(np.uint8(128), "x_zp"),
        numpy_helper.from_array(w, "w_q"),
        numpy_helper.from_array(np.array([0.02, 0.01], np.float32), "w_scale"),
        numpy_helper.from_array(np.zeros(2, np.int8), "w_zp"),
        numpy_helper.from_array(np.float32(0.1), "y_scale"),
        numpy_helper.from_array(np.uint8(120), "y_zp"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"]),
        helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zp"], ["wd"],
                         axis=0),
        helper.make_node("Conv", ["xd", "wd"], ["yf"], name="conv"),
        helper.make_node("QuantizeLinear", ["yf", "y_scale", "y_zp"], ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "y_scale", "y_zp"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "qdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])],
        initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def test_import_from_path_bytes_and_proto(tmp_path):
    model = relu_model()
    path = tmp_path / "relu.onnx"
    onnx.save(model, str(path))
    texts = {str(effai.import_onnx(path)), str(effai.import_onnx(str(path))),
             str(effai.import_onnx(model.SerializeToString())),
             str(effai.import_onnx(model))}
    assert len(texts) == 1
    assert "func.func @main" in texts.pop()


def test_input_shape_override():
    model = relu_model(("batch", 3))
    with pytest.raises(effai.CompileError, match="dynamic dimension"):
        effai.import_onnx(model)
    module = effai.import_onnx(model, input_shapes={"x": [5, 3]})
    assert "tensor<5x3xf32>" in str(module)


def test_compile_error_carries_diagnostics():
    with pytest.raises(effai.CompileError) as info:
        effai.import_onnx(b"\x00\x01 definitely not a model")
    diagnostics = info.value.diagnostics
    assert len(diagnostics) == 1
    assert diagnostics[0].severity == "error"
    assert "<bytes>" in diagnostics[0].location
    assert "not a valid ONNX protobuf" in diagnostics[0].message


def test_unsupported_op_names_the_node():
    graph = helper.make_graph(
        [helper.make_node("Hardmax", ["x"], ["y"], name="hm")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(effai.CompileError, match=r"node 'hm' \(Hardmax, opset 17\)"):
        effai.import_onnx(model)


def test_wrong_argument_type():
    with pytest.raises(TypeError):
        effai.import_onnx(42)


def test_parse_print_round_trip_and_verify():
    module = effai.import_onnx(relu_model())
    text = str(module)
    again = effai.Module.parse(text)
    assert str(again) == text
    again.verify()


def test_parse_error_has_location():
    with pytest.raises(effai.CompileError) as info:
        effai.Module.parse("func.func @f() {\n  %0 = arith.constant 1 : i32\n"
                           "  return %0 : i32\n}")
    assert any("<string>" in d.location for d in info.value.diagnostics)


def test_run_pipeline_in_place():
    module = effai.import_onnx(qdq_conv_model())
    assert module.run_pipeline("effai-annotate-cost") is module
    assert "effai.cost" in str(module)
    module.run_pipeline("builtin.module(func.func(canonicalize, cse))")
    module.verify()


def test_invalid_pipeline():
    module = effai.import_onnx(relu_model())
    with pytest.raises(effai.CompileError, match="does not refer to a registered pass"):
        module.run_pipeline("no-such-pass")


def test_quantized_qdq_round_trip(tmp_path):
    module = effai.import_onnx(qdq_conv_model())
    text = str(module)
    # Activations become !quant.uniform via upstream quant casts; the int8
    # weight keeps its per-channel parameters.
    assert "quant.qcast" in text and "quant.dcast" in text
    assert "!quant.uniform<u8:f32, 0.05000000074505806:128>" in text
    assert "!quant.uniform<i8:f32:0, {0.019999999552965164,0.0099999997764825821}>" in text
    # effai-fold-qdq made the conv integer-only: quantized in and out.
    assert ("-> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.10000000149011612:120>>"
            in text)
    path = tmp_path / "qdq.mlir"
    module.save(path)
    reparsed = effai.Module.parse(path.read_text())
    reparsed.verify()
    assert str(reparsed) == text


def test_frozen_inputs_become_constants():
    graph = helper.make_graph(
        [helper.make_node("Slice", ["x", "starts", "ends"], ["y"])], "slice",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5]),
         helper.make_tensor_value_info("starts", TensorProto.INT64, [1]),
         helper.make_tensor_value_info("ends", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(effai.CompileError, match="must be a constant"):
        effai.import_onnx(model)
    module = effai.import_onnx(model, constants={
        "starts": np.array([1], np.int64),
        "ends": numpy_helper.from_array(np.array([3], np.int64))})
    text = str(module)
    assert "func.func @main(%arg0: tensor<5xf32>" in text  # one argument left
    assert "tensor.extract_slice %arg0[1] [2] [1]" in text


def test_kernel_fallback_is_a_compile_warning():
    # A tiling the kernel cannot apply (dot products whose last four-byte
    # read would leave the input) keeps plain loops: the model compiles and
    # computes the right result, and effai.compile says why, as a warning.
    module = effai.Module.parse("""
    func.func @main(%x: tensor<1x1x1x6xi8> {effai.name = "x", effai.dtype = "uint8"})
        -> (tensor<1x16x1x4xi32> {effai.name = "y"}) {
      %w = arith.constant dense<1> : tensor<16x1x1x3xi8>
      %zero = arith.constant 0 : i32
      %e = tensor.empty() : tensor<1x16x1x4xi32>
      %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x16x1x4xi32>)
          -> tensor<1x16x1x4xi32>
      %y = linalg.generic {indexing_maps = [
          affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>,
          affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>,
          affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>],
          iterator_types = ["parallel", "parallel", "parallel", "parallel",
                            "reduction", "reduction", "reduction"]}
          ins(%x, %w : tensor<1x1x1x6xi8>, tensor<16x1x1x3xi8>)
          outs(%f : tensor<1x16x1x4xi32>)
          attrs = {effai.tiling = #effai.tiling<kernel = "contraction",
              lanes = 16, mr = [1, 4], nr = 16, dot = 4, kc = 3, mc = 1,
              nc = 16, pack_b = "compile", intensity = 1.0,
              bound = "compute", predicted_us = 1.0>} {
      ^bb0(%a: i8, %b: i8, %acc: i32):
        %a32 = arith.extui %a : i8 to i32
        %b32 = arith.extsi %b : i8 to i32
        %p = arith.muli %a32, %b32 : i32
        %s = arith.addi %acc, %p : i32
        linalg.yield %s : i32
      } -> tensor<1x16x1x4xi32>
      return %y : tensor<1x16x1x4xi32>
    }""")
    with pytest.warns(effai.CompileWarning, match="keeping loops: dot = 4"):
        exe = effai.compile(module)
    x = np.arange(6, dtype=np.uint8).reshape(1, 1, 1, 6)
    want = np.array([x[0, 0, 0, j:j + 3].astype(np.int32).sum()
                     for j in range(4)])
    np.testing.assert_array_equal(exe(x), np.broadcast_to(want, (1, 16, 1, 4)))


def test_onnx_ops_lists_what_imports():
    """effai.onnx_ops(): every op the importer handles, from the opset ONNX
    defines it at (or the importer's first); an op not listed is refused."""
    ops = effai.onnx_ops()
    assert ops["Conv"] == 1 and ops["Relu"] == 1
    assert ops["LayerNormalization"] == 17  # ONNX defines it from 17
    assert ops["QLinearConv"] == 10 and ops["Upsample"] == 7
    assert list(ops) == sorted(ops)
    assert "LSTM" not in ops
    from onnx import helper
    lstm = helper.make_model(helper.make_graph(
        [helper.make_node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2)],
        "g", [helper.make_tensor_value_info(n, 1, s) for n, s in
              (("x", [1, 1, 2]), ("w", [1, 8, 2]), ("r", [1, 8, 2]))],
        [helper.make_tensor_value_info("y", 1, [1, 1, 1, 2])]),
        opset_imports=[helper.make_opsetid("", 14)])
    with pytest.raises(effai.CompileError, match="LSTM"):
        effai.import_onnx(lstm)
