# Reductions, normalizations, pools and Resize: reduction generics plus
# broadcasting elementwise, with ONNX's attribute defaults and opset rules.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

# ReduceMean over axis 1 with keepdims: sum, divide by 3, reshape to 2x1x4.
# CHECK-LABEL: // ----- reduce mean keepdims
# CHECK: iterator_types = ["parallel", "reduction", "parallel"]
# CHECK: arith.constant 3.000000e+00 : f32
# CHECK: arith.divf
# CHECK: tensor.reshape {{.*}} -> tensor<2x1x4xf32>
show("reduce mean keepdims", model(
    [helper.make_node("ReduceMean", ["x"], ["y"], axes=[1])],
    [value("x", F32, [2, 3, 4])], [value("y", F32, [2, 1, 4])]))

# ReduceSum takes axes as an input from opset 13; empty axes reduce all.
# CHECK-LABEL: // ----- reduce sum all
# CHECK: iterator_types = ["reduction", "reduction"]
# CHECK: -> tensor<f32>
show("reduce sum all", model(
    [helper.make_node("ReduceSum", ["x"], ["y"], keepdims=0)],
    [value("x", F32, [2, 3])], [value("y", F32, [])]))

# CHECK-LABEL: // ----- argmax select last
# CHECK: linalg.index 1
# CHECK: arith.cmpf ogt
# CHECK: arith.cmpf oeq
# CHECK: -> (tensor<2xf32>, tensor<2xi64>)
show("argmax select last", model(
    [helper.make_node("ArgMax", ["x"], ["y"], axis=1, keepdims=0,
                      select_last_index=1)],
    [value("x", F32, [2, 3])], [value("y", I64, [2])]))

# Per-channel parameters [C] broadcast as [C, 1, 1].
# CHECK-LABEL: // ----- batchnorm
# CHECK-COUNT-4: -> tensor<3x1x1xf32>
# CHECK: math.sqrt
show("batchnorm", model(
    [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"],
                      epsilon=1e-3)],
    [value("x", F32, [2, 3, 4, 4])], [value("y", F32, [2, 3, 4, 4])],
    [const(n, np.ones(3, np.float32)) for n in ["s", "b", "m", "v"]]))

# CHECK-LABEL: // ----- layernorm with mean and inv std outputs
# CHECK: func.func @main({{.*}}) -> (tensor<2x3xf32> {{.*}}, tensor<2x1xf32> {{.*}}, tensor<2x1xf32> {{.*}})
# CHECK: math.rsqrt
show("layernorm with mean and inv std outputs", model(
    [helper.make_node("LayerNormalization", ["x", "s", "b"],
                      ["y", "mean", "inv"])],
    [value("x", F32, [2, 3])],
    [value("y", F32, [2, 3]), value("mean", F32, [2, 1]),
     value("inv", F32, [2, 1])],
    [const("s", np.ones(3, np.float32)), const("b", np.zeros(3, np.float32))]))

# ceil_mode on 5 with kernel 2 and stride 2: 3 outputs, the last window
# overhangs by one, so the input is padded by one -inf column. The window
# loops (d4, d5) are innermost (LLVM unrolls them; the output column d3
# vectorizes). The max propagates NaN (arith.maximumf); signed zeros, which
# ONNX leaves unordered, need not be ordered (nsz: a vmaxps and a NaN
# blend per element instead of several more instructions).
# CHECK-LABEL: // ----- maxpool ceil_mode
# CHECK: affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
# CHECK: tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 1, 1]
# CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
# CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i1, %[[ACC:.*]]: f32):
# CHECK-NEXT: arith.maximumf %[[ACC]], %[[X]] fastmath<nsz> : f32
show("maxpool ceil_mode", model(
    [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2],
                      strides=[2, 2], ceil_mode=1)],
    [value("x", F32, [1, 1, 5, 5])], [value("y", F32, [1, 1, 3, 3])]))

# Divisors per output position are computed at import time: with padding 1
# and count_include_pad = 0, corner windows of a 3x3 kernel see 4 cells,
# edges 6 and the centre 9.
# CHECK-LABEL: // ----- averagepool excluding pads
# CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
# CHECK: arith.divf
show("averagepool excluding pads", model(
    [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                      pads=[1, 1, 1, 1])],
    [value("x", F32, [1, 1, 3, 3])], [value("y", F32, [1, 1, 3, 3])]))

# CHECK-LABEL: // ----- global average pool
# CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
# CHECK: arith.constant 3.000000e+01 : f32
show("global average pool", model(
    [helper.make_node("GlobalAveragePool", ["x"], ["y"])],
    [value("x", F32, [1, 2, 5, 6])], [value("y", F32, [1, 2, 1, 1])]))

# Nearest with asymmetric coordinates and floor: x_in = floor(x_out / 2).
# CHECK-LABEL: // ----- resize nearest
# CHECK: arith.divf
# CHECK: math.floor
# CHECK: tensor.extract %arg0
# CHECK-NOT: arith.mulf
show("resize nearest", model(
    [helper.make_node("Resize", ["x", "", "scales"], ["y"],
                      coordinate_transformation_mode="asymmetric",
                      nearest_mode="floor")],
    [value("x", F32, [1, 1, 2, 2])], [value("y", F32, [1, 1, 4, 4])],
    [const("scales", np.array([1, 1, 2, 2], np.float32))]))

# Linear blends the 4 neighbours of the two resized dimensions.
# CHECK-LABEL: // ----- resize linear
# CHECK-COUNT-4: tensor.extract %arg0
show("resize linear", model(
    [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear")],
    [value("x", F32, [1, 1, 2, 2])], [value("y", F32, [1, 1, 4, 4])],
    [const("scales", np.array([1, 1, 2, 2], np.float32))]))

# CHECK-LABEL: // ----- resize cubic is refused
# CHECK: error: node '<unnamed>' (Resize, opset 17): unsupported: Resize mode 'cubic'
show("resize cubic is refused", model(
    [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="cubic")],
    [value("x", F32, [1, 1, 2, 2])], [value("y", F32, [1, 1, 4, 4])],
    [const("scales", np.array([1, 1, 2, 2], np.float32))]))
