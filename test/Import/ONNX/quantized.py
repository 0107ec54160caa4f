# Quantized ONNX in both exported formats. With constant scales and zero
# points (QDQ from ONNX Runtime's quantizer, QOperator ops with initializer
# weights), activations get !quant.uniform types and the compressible ops run
# integer-only with affine weights. With run-time parameters, exact integer
# arithmetic is built instead.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

# Scales are ONNX float32 values, printed exactly (0.1f = 0.10000000149...).
# CHECK-LABEL: // ----- QDQ activation round trip
# The storage round trip between them (quant.scast there and back) folds;
# the rounding quantize/dequantize pair itself is kept.
# CHECK: %[[Q:.*]] = quant.qcast %arg0 : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.10000000149011612:128>>
# CHECK-NEXT: quant.dcast %[[Q]] : tensor<4x!quant.uniform<u8:f32, 0.10000000149011612:128>> to tensor<4xf32>
show("QDQ activation round trip", model(
    [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
     helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
    [value("x", F32, [4])], [value("y", F32, [4])],
    [const("s", np.float32(0.1)), const("z", np.uint8(128))]))

# Per-channel int8 weights (axis 0), as the quantizer exports them.
# CHECK-LABEL: // ----- per-axis dequantize of a weight
# CHECK: quant.scast %{{.*}} : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
# CHECK: quant.dcast
show("per-axis dequantize of a weight", model(
    [helper.make_node("DequantizeLinear", ["w", "s", "z"], ["y"], axis=0)],
    [], [value("y", F32, [2, 3])],
    [const("w", np.array([[1, 2, 3], [4, 5, 6]], np.int8)),
     const("s", np.array([0.5, 0.25], np.float32)),
     const("z", np.array([0, 0], np.int8))]))

# QLinearConv: uint8 activations, per-channel int8 weights, int32 bias with
# scale x_scale * w_scale; effai.conv2d runs integer-only.
# CHECK-LABEL: // ----- QLinearConv with constant parameters
# CHECK: effai.pack %{{.*}} : tensor<2x1x2x2xi8> -> !effai.weight<2x1x2x2xf32, #enc>
# CHECK: quant.scast %{{.*}} : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.020000000596046452,0.010000000298023226}>>
# CHECK: quant.scast %arg0 : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<u8:f32, 0.10000000149011612:10>>
# CHECK: effai.conv2d {{.*}} : (tensor<1x1x3x3x!quant.uniform<u8:f32, 0.10000000149011612:10>>, !effai.weight<2x1x2x2xf32, #enc>, tensor<2x!quant.uniform<i32:f32:0, {0.020000000596046452,0.010000000298023226}>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.05000000074505806:3>>
# CHECK: quant.scast %{{.*}} to tensor<1x2x2x2xi8>
show("QLinearConv with constant parameters", model(
    [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys",
                                      "yz", "b"], ["y"])],
    [value("x", U8, [1, 1, 3, 3])], [value("y", U8, [1, 2, 2, 2])],
    [const("xs", np.float32(0.1)), const("xz", np.uint8(10)),
     const("w", np.array([1, -2, 3, -4, 5, 6, -7, 8], np.int8).reshape(2, 1, 2, 2)),
     const("ws", np.array([0.2, 0.1], np.float32)),
     const("wz", np.array([0, 0], np.int8)),
     const("ys", np.float32(0.05)), const("yz", np.uint8(3)),
     const("b", np.array([100, -50], np.int32))]))

# QLinearMatMul with a constant B [K=3, N=2]: the weight is stored [2, 3].
# CHECK-LABEL: // ----- QLinearMatMul with constant parameters
# CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
# CHECK: effai.pack %[[W]] : tensor<2x3xi8> -> !effai.weight<2x3xf32, #enc>
# CHECK: effai.linear {{.*}} : (tensor<4x3x!quant.uniform<i8:f32, 0.20000000298023224:-1>>, !effai.weight<2x3xf32, #enc>) -> tensor<4x2x!quant.uniform<i8:f32, 5.000000e-01>>
show("QLinearMatMul with constant parameters", model(
    [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys",
                                        "yz"], ["y"])],
    [value("a", I8, [4, 3])], [value("y", I8, [4, 2])],
    [const("as", np.float32(0.2)), const("az", np.int8(-1)),
     const("b", np.array([[1, 2], [3, 4], [5, 6]], np.int8)),
     const("bs", np.float32(0.1)), const("bz", np.int8(0)),
     const("ys", np.float32(0.5)), const("yz", np.int8(0))]))

# MatMulInteger: scale 1 everywhere, so the i32 result is the exact sum of
# (a - a_zero_point) * (b - b_zero_point).
# CHECK-LABEL: // ----- MatMulInteger with a constant weight
# CHECK: effai.linear {{.*}} : (tensor<2x3x!quant.uniform<u8:f32, 1.000000e+00:5>>, !effai.weight<4x3xf32, #enc>) -> tensor<2x4x!quant.uniform<i32:f32, 1.000000e+00>>
# CHECK: quant.scast %{{.*}} to tensor<2x4xi32>
show("MatMulInteger with a constant weight", model(
    [helper.make_node("MatMulInteger", ["a", "b", "az"], ["y"])],
    [value("a", U8, [2, 3])], [value("y", I32, [2, 4])],
    [const("b", np.ones((3, 4), np.int8)), const("az", np.uint8(5))]))

# CHECK-LABEL: // ----- ConvInteger with a constant weight
# CHECK: effai.conv2d {{.*}} -> tensor<1x1x2x2x!quant.uniform<i32:f32, 1.000000e+00>>
show("ConvInteger with a constant weight", model(
    [helper.make_node("ConvInteger", ["x", "w", "xz"], ["y"])],
    [value("x", U8, [1, 1, 3, 3])], [value("y", I32, [1, 1, 2, 2])],
    [const("w", np.ones((1, 1, 2, 2), np.uint8)), const("xz", np.uint8(1))]))

# Run-time parameters: widen, subtract zero points, multiply in i32, then
# requantize with round-half-even and saturation.
# CHECK-LABEL: // ----- QLinearMatMul with run-time parameters
# CHECK: arith.extui
# CHECK: arith.subi
# CHECK: arith.muli
# CHECK: math.roundeven
# CHECK: arith.maxnumf
# CHECK: arith.minnumf
# CHECK: arith.fptoui
show("QLinearMatMul with run-time parameters", model(
    [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys",
                                        "yz"], ["y"])],
    [value("a", U8, [2, 4]), value("as", F32, [1]), value("az", U8, [1]),
     value("b", U8, [4, 3]), value("bs", F32, [1]), value("bz", U8, [1]),
     value("ys", F32, [1]), value("yz", U8, [1])],
    [value("y", U8, [2, 3])], opset=10))

# CHECK-LABEL: // ----- DynamicQuantizeLinear
# CHECK: func.func @main(%arg0: tensor<2x3xf32> {{.*}}) -> (tensor<2x3xi8> {effai.dtype = "uint8", effai.name = "y"}, tensor<f32> {{.*}}, tensor<i8> {effai.dtype = "uint8", effai.name = "zp"})
# The range (including 0), the zero point rounded, then y saturated.
# CHECK: arith.minimumf
# CHECK: arith.maximumf
# CHECK: math.roundeven
# CHECK: math.roundeven
# CHECK: arith.maxnumf
# CHECK: arith.minnumf
# CHECK: arith.fptoui
show("DynamicQuantizeLinear", model(
    [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "zp"])],
    [value("x", F32, [2, 3])],
    [value("y", U8, [2, 3]), value("s", F32, []), value("zp", U8, [])]))

# A run-time weight: an exact int32 grouped-convolution generic over the
# zero-point-centred operands, then float requantization.
# CHECK-LABEL: // ----- QLinearConv with a run-time weight
# CHECK: tensor.reshape {{.*}} -> tensor<1x1x1x3x3xi32>
# CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
# CHECK: arith.muli
# CHECK: arith.addi
# CHECK: math.roundeven
show("QLinearConv with a run-time weight", model(
    [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys",
                                      "yz"], ["y"], name="qconv")],
    [value("x", U8, [1, 1, 3, 3]), value("w", U8, [1, 1, 2, 2])],
    [value("y", U8, [1, 1, 2, 2])],
    [const("xs", np.float32(0.1)), const("xz", np.uint8(0)),
     const("ws", np.float32(0.1)), const("wz", np.uint8(0)),
     const("ys", np.float32(0.1)), const("yz", np.uint8(0))]))
