# Gemm and MatMul with a constant right-hand side become effai.linear with
# the weight stored [N, K] (transposed on the host); alpha scales the
# weight and beta*C becomes the bias. Two activations: a contraction generic.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

# B is [N=3, K=4] (transB); alpha = 2 doubles it, beta = 0.5 halves C.
# CHECK-LABEL: // ----- gemm transB alpha beta
# CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[5.000000e-01, 1.000000e+00, 1.500000e+00]> : tensor<3xf32>
# CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00, 6.000000e+00], [8.000000e+00, 1.000000e+01, 1.200000e+01, 1.400000e+01], [1.600000e+01, 1.800000e+01, 2.000000e+01, 2.200000e+01]]> : tensor<3x4xf32>
# CHECK: %[[P:.*]] = effai.pack %[[W]] : tensor<3x4xf32> -> !effai.weight<3x4xf32, #enc>
# CHECK: effai.linear %arg0, %[[P]], %[[BIAS]] : (tensor<2x4xf32>, !effai.weight<3x4xf32, #enc>, tensor<3xf32>) -> tensor<2x3xf32>
show("gemm transB alpha beta", model(
    [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transB=1, alpha=2.0,
                      beta=0.5)],
    [value("a", F32, [2, 4])], [value("y", F32, [2, 3])],
    [const("b", np.arange(12, dtype=np.float32).reshape(3, 4)),
     const("c", np.array([1, 2, 3], np.float32))]))

# transA transposes the activation; a 2-D C is added after the linear.
# CHECK-LABEL: // ----- gemm transA matrix bias
# CHECK: linalg.transpose ins(%arg0 : tensor<4x2xf32>) outs(%{{.*}} : tensor<2x4xf32>) permutation = [1, 0]
# CHECK: effai.linear %{{.*}}, %{{.*}} : (tensor<2x4xf32>, !effai.weight<3x4xf32, #enc>) -> tensor<2x3xf32>
# CHECK: linalg.generic
# CHECK: arith.mulf
# CHECK: arith.addf
show("gemm transA matrix bias", model(
    [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transA=1)],
    [value("a", F32, [4, 2]), value("c", F32, [2, 3])],
    [value("y", F32, [2, 3])],
    [const("b", np.ones((4, 3), np.float32))]))

# MatMul by a constant [K=2, N=3]: the weight becomes its transpose [3, 2].
# CHECK-LABEL: // ----- matmul constant rhs batched
# CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 3.000000e+00], [1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00]]> : tensor<3x2xf32>
# CHECK: effai.linear %arg0, %{{.*}} : (tensor<5x4x2xf32>, !effai.weight<3x2xf32, #enc>) -> tensor<5x4x3xf32>
show("matmul constant rhs batched", model(
    [helper.make_node("MatMul", ["a", "b"], ["y"])],
    [value("a", F32, [5, 4, 2])], [value("y", F32, [5, 4, 3])],
    [const("b", np.arange(6, dtype=np.float32).reshape(2, 3))]))

# Two activations with batch broadcasting: [2,1,3,4] x [5,4,6].
# CHECK-LABEL: // ----- matmul of activations
# CHECK: #[[A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
# CHECK: #[[B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
# CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
# CHECK: } -> tensor<2x5x3x6xf32>
show("matmul of activations", model(
    [helper.make_node("MatMul", ["a", "b"], ["y"])],
    [value("a", F32, [2, 1, 3, 4]), value("b", F32, [5, 4, 6])],
    [value("y", F32, [2, 5, 3, 6])]))

# Integer MatMul has no float weight: a generic accumulating in i32.
# CHECK-LABEL: // ----- matmul int32
# CHECK: arith.muli
# CHECK: arith.addi
show("matmul int32", model(
    [helper.make_node("MatMul", ["a", "b"], ["y"])],
    [value("a", I32, [2, 3])], [value("y", I32, [2, 2])],
    [const("b", np.ones((3, 2), np.int32))]))
