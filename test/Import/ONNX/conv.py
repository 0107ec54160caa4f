# Conv and ConvTranspose become effai.conv2d / effai.depthwise_conv2d on a
# dense-float !effai.weight; large initializers are dense_resource blobs.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

w = np.arange(4 * 3 * 3 * 3, dtype=np.float32).reshape(4, 3, 3, 3) / 100
# CHECK-LABEL: // ----- conv with initializer weight and bias
# CHECK: %[[W:.*]] = arith.constant dense_resource<w> : tensor<4x3x3x3xf32>
# CHECK: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
# CHECK: %[[P:.*]] = effai.pack %[[W]] : tensor<4x3x3x3xf32> -> !effai.weight<4x3x3x3xf32, #enc>
# CHECK: effai.conv2d %arg0, %[[P]], %[[B]] {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, !effai.weight<4x3x3x3xf32, #enc>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
# CHECK: dialect_resources
show("conv with initializer weight and bias", model(
    [helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=[2, 2],
                      pads=[1, 1, 1, 1])],
    [value("x", F32, [1, 3, 8, 8])], [value("y", F32, [1, 4, 4, 4])],
    [const("w", w), const("b", np.array([1, 2, 3, 4], np.float32))]))

# SAME_UPPER on 7 with stride 2 and a 3-wide kernel: 4 outputs, padding 1+1.
# CHECK-LABEL: // ----- conv auto_pad SAME_UPPER
# CHECK: effai.conv2d {{.*}}pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>{{.*}} -> tensor<1x4x4x4xf32>
show("conv auto_pad SAME_UPPER", model(
    [helper.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2],
                      auto_pad="SAME_UPPER")],
    [value("x", F32, [1, 3, 7, 7])], [value("y", F32, [1, 4, 4, 4])],
    [const("w", w)]))

# group == channels and one input channel per filter: depthwise.
# CHECK-LABEL: // ----- depthwise conv
# CHECK: effai.depthwise_conv2d %arg0, %{{.*}} : (tensor<1x4x5x5xf32>, !effai.weight<8x1x3x3xf32, #enc>) -> tensor<1x8x3x3xf32>
show("depthwise conv", model(
    [helper.make_node("Conv", ["x", "w"], ["y"], group=4)],
    [value("x", F32, [1, 4, 5, 5])], [value("y", F32, [1, 8, 3, 3])],
    [const("w", np.ones((8, 1, 3, 3), np.float32))]))

# CHECK-LABEL: // ----- grouped conv with a run-time weight
# CHECK: %[[P:.*]] = effai.pack %arg1 : tensor<6x2x1x1xf32>
# CHECK: effai.conv2d %arg0, %[[P]] {groups = 2 : i64}
show("grouped conv with a run-time weight", model(
    [helper.make_node("Conv", ["x", "w"], ["y"], group=2)],
    [value("x", F32, [1, 4, 5, 5]), value("w", F32, [6, 2, 1, 1])],
    [value("y", F32, [1, 6, 5, 5])]))

# 1-D convolution runs as 2-D with a unit height.
# CHECK-LABEL: // ----- conv 1-D
# CHECK: tensor.reshape %arg0{{.*}} -> tensor<1x2x1x10xf32>
# CHECK: effai.conv2d {{.*}}dilations = array<i64: 1, 2>{{.*}} -> tensor<1x3x1x6xf32>
# CHECK: tensor.reshape {{.*}} -> tensor<1x3x6xf32>
show("conv 1-D", model(
    [helper.make_node("Conv", ["x", "w"], ["y"], dilations=[2])],
    [value("x", F32, [1, 2, 10])], [value("y", F32, [1, 3, 6])],
    [const("w", np.ones((3, 2, 3), np.float32))]))

# ConvTranspose with stride 2: the input is spread into a zero tensor with
# stride 2 and padded by kernel-1, then convolved with flipped filters.
# CHECK-LABEL: // ----- conv transpose
# CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0, 2, 2] [1, 1, 3, 3] [1, 1, 2, 2] : tensor<1x1x3x3xf32> into tensor<1x1x9x9xf32>
# CHECK: effai.conv2d {{.*}} -> tensor<1x2x7x7xf32>
show("conv transpose", model(
    [helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])],
    [value("x", F32, [1, 1, 3, 3]), value("w", F32, [1, 2, 3, 3])],
    [value("y", F32, [1, 2, 7, 7])]))

# 3-D convolutions are one generic over (n, o, od, oh, ow | c, kd, kh, kw);
# numerics against PyTorch in test/Python/test_layers.py.
# CHECK-LABEL: // ----- conv 3-D
# CHECK-NOT: effai.conv2d
# CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
# CHECK-SAME: outs(%{{.*}} : tensor<1x1x3x3x3xf32>)
show("conv 3-D", model(
    [helper.make_node("Conv", ["x", "w"], ["y"])],
    [value("x", F32, [1, 1, 4, 4, 4]), value("w", F32, [1, 1, 2, 2, 2])],
    [value("y", F32, [1, 1, 3, 3, 3])]))
