# Data-movement ops: reshapes take their static shape from ONNX inference,
# slices and gathers index the source, constants stay on the host until used.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

# A shape computed from Shape is known at import time; no shape ops remain.
# CHECK-LABEL: // ----- reshape to a computed shape
# CHECK: %[[S:.*]] = arith.constant dense<[6, 4]> : tensor<2xindex>
# CHECK: tensor.reshape %arg0(%[[S]]) : (tensor<2x3x4xf32>, tensor<2xindex>) -> tensor<6x4xf32>
# CHECK-NOT: Shape
show("reshape to a computed shape", model(
    [helper.make_node("Flatten", ["x"], ["y"], axis=2)],
    [value("x", F32, [2, 3, 4])], [value("y", F32, [6, 4])]))

# CHECK-LABEL: // ----- transpose default reverses
# CHECK: linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x3x2xf32>) permutation = [2, 1, 0]
show("transpose default reverses", model(
    [helper.make_node("Transpose", ["x"], ["y"])],
    [value("x", F32, [2, 3, 4])], [value("y", F32, [4, 3, 2])]))

# CHECK-LABEL: // ----- concat and split
# CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x5xf32>
# CHECK: tensor.insert_slice %arg1 into %{{.*}}[0, 3] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<2x5xf32>
# CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 1] [1, 1] : tensor<2x5xf32> to tensor<2x1xf32>
# CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 4] [1, 1] : tensor<2x5xf32> to tensor<2x4xf32>
show("concat and split", model(
    [helper.make_node("Concat", ["a", "b"], ["c"], axis=1),
     helper.make_node("Split", ["c", "sizes"], ["y", "z"], axis=1)],
    [value("a", F32, [2, 3]), value("b", F32, [2, 2])],
    [value("y", F32, [2, 1]), value("z", F32, [2, 4])],
    [const("sizes", np.array([1, 4], np.int64))]))

# Positive steps are a strided extract_slice; ends past the end are clamped.
# CHECK-LABEL: // ----- slice with steps
# CHECK: tensor.extract_slice %arg0[1, 0] [2, 3] [2, 2] : tensor<5x6xf32> to tensor<2x3xf32>
show("slice with steps", model(
    [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
    [value("x", F32, [5, 6])], [value("y", F32, [2, 3])],
    [const("st", np.array([1, 0], np.int64)),
     const("en", np.array([100, 6], np.int64)),
     const("ax", np.array([0, 1], np.int64)),
     const("sp", np.array([2, 2], np.int64))]))

# A negative step walks backwards from the (clamped) start: a gather.
# CHECK-LABEL: // ----- slice reversed
# CHECK: %[[I:.*]] = linalg.index 0
# CHECK: %[[START:.*]] = arith.constant 4 : index
# CHECK: %[[STEP:.*]] = arith.constant -1 : index
# CHECK: %[[WALKED:.*]] = arith.muli %[[I]], %[[STEP]]
# CHECK: %[[SRC:.*]] = arith.addi %[[START]], %[[WALKED]]
# CHECK: tensor.extract %arg0[%[[SRC]]]
show("slice reversed", model(
    [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
    [value("x", F32, [5])], [value("y", F32, [5])],
    [const("st", np.array([-1], np.int64)),
     const("en", np.array([-100], np.int64)),
     const("ax", np.array([0], np.int64)),
     const("sp", np.array([-1], np.int64))]))

# CHECK-LABEL: // ----- slice with run-time starts is refused
# CHECK: error: node '<unnamed>' (Slice, opset 17): unsupported: starts (input 1) computed at run time; it must be a constant
show("slice with run-time starts is refused", model(
    [helper.make_node("Slice", ["x", "st", "en"], ["y"])],
    [value("x", F32, [5]), value("st", I64, [1])], [value("y", F32, [2])],
    [const("en", np.array([2], np.int64))]))

# Negative indices count from the end of the gathered axis.
# CHECK-LABEL: // ----- gather
# CHECK: arith.index_cast %{{.*}} : i64 to index
# CHECK: arith.cmpi slt
# CHECK: arith.constant 4 : index
# CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}] : tensor<3x4xf32>
# CHECK: -> tensor<3x2x2xf32>
show("gather", model(
    [helper.make_node("Gather", ["x", "i"], ["y"], axis=1)],
    [value("x", F32, [3, 4]), value("i", I64, [2, 2])],
    [value("y", F32, [3, 2, 2])]))

# CHECK-LABEL: // ----- pad constant and reflect
# CHECK: tensor.pad %arg0 low[0, 1] high[0, 2]
# CHECK: tensor.yield %{{.*}} : f32
# CHECK: tensor.extract %arg0
show("pad constant and reflect", model(
    [helper.make_node("Pad", ["x", "p", "v"], ["y"]),
     helper.make_node("Pad", ["x", "p"], ["z"], mode="reflect")],
    [value("x", F32, [2, 3])],
    [value("y", F32, [2, 6]), value("z", F32, [2, 6])],
    [const("p", np.array([0, 1, 0, 2], np.int64)),
     const("v", np.float32(7.0))]))

# CHECK-LABEL: // ----- expand and tile
# CHECK: affine_map<(d0, d1) -> (0, d1)>
# CHECK: arith.remui
show("expand and tile", model(
    [helper.make_node("Expand", ["x", "shape"], ["y"]),
     helper.make_node("Tile", ["x", "reps"], ["z"])],
    [value("x", F32, [1, 3])],
    [value("y", F32, [4, 3]), value("z", F32, [2, 6])],
    [const("shape", np.array([4, 3], np.int64)),
     const("reps", np.array([2, 2], np.int64))]))

# Constants used only for shapes never reach the IR; Identity forwards.
# CHECK-LABEL: // ----- constant identity
# CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
# CHECK: return %[[C]]
show("constant identity", model(
    [helper.make_node("Constant", [], ["c"], value_floats=[1.0, 2.0]),
     helper.make_node("Identity", ["c"], ["y"])],
    [], [value("y", F32, [2])]))

# Dropout imports as the identity at inference; training mode is random and
# is refused rather than silently ignored.
# CHECK-LABEL: // ----- dropout in training mode
# CHECK: error: node 'drop' (Dropout, opset 17): unsupported: training-mode Dropout (random; effai imports inference-time Dropout only)
show("dropout in training mode", model(
    [helper.make_node("Dropout", ["x", "r", "t"], ["y"], name="drop")],
    [value("x", F32, [4])], [value("y", F32, [4])],
    [const("r", np.float32(0.5)), const("t", np.array(True))]))
