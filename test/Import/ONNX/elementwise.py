# Elementwise ops: numpy broadcasting in the indexing maps, and scalar bodies
# that follow the element type and (ONNX) signedness.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np


def unary(op, dtype=F32, out_dtype=None, opset=17, **attrs):
    return model([helper.make_node(op, ["x"], ["y"], **attrs)],
                 [value("x", dtype, [2, 3])],
                 [value("y", out_dtype or dtype, [2, 3])], opset=opset)


# [3, 1] + [4] -> [3, 4]: size-1 and missing dims read index 0.
# CHECK-LABEL: // ----- add broadcast
# CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1) -> (d0, 0)>
# CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1) -> (d1)>
# CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #{{.*}}]
# CHECK: arith.addf
show("add broadcast", model(
    [helper.make_node("Add", ["a", "b"], ["y"])],
    [value("a", F32, [3, 1]), value("b", F32, [4])],
    [value("y", F32, [3, 4])]))

# CHECK-LABEL: // ----- div signed and unsigned
# CHECK: arith.divsi
# CHECK: arith.divui
show("div signed and unsigned", model(
    [helper.make_node("Div", ["a", "b"], ["y"]),
     helper.make_node("Div", ["c", "d"], ["z"])],
    [value("a", I32, [4]), value("b", I32, [4]), value("c", U8, [4]),
     value("d", U8, [4])],
    [value("y", I32, [4]), value("z", U8, [4])]))

# Python-style integer Mod: the remainder takes the divisor's sign.
# CHECK-LABEL: // ----- mod fmod=0
# CHECK: arith.remsi
# CHECK: arith.xori
# CHECK: arith.select
show("mod fmod=0", model(
    [helper.make_node("Mod", ["a", "b"], ["y"])],
    [value("a", I32, [4]), value("b", I32, [4])], [value("y", I32, [4])]))

# CHECK-LABEL: // ----- cast float to uint8 and bool to float
# CHECK: arith.fptoui %{{.*}} : f32 to i8
# CHECK: arith.uitofp %{{.*}} : i1 to f32
show("cast float to uint8 and bool to float", model(
    [helper.make_node("Cast", ["x"], ["y"], to=U8),
     helper.make_node("Cast", ["b"], ["z"], to=F32)],
    [value("x", F32, [3]), value("b", BOOL, [3])],
    [value("y", U8, [3]), value("z", F32, [3])]))

# CHECK-LABEL: // ----- where and comparisons
# CHECK: arith.cmpf olt
# CHECK: arith.cmpi ugt
# CHECK: arith.select
show("where and comparisons", model(
    [helper.make_node("Less", ["a", "b"], ["c"]),
     helper.make_node("Greater", ["u", "v"], ["d"]),
     helper.make_node("Where", ["c", "a", "b"], ["y"])],
    [value("a", F32, [3]), value("b", F32, [3]), value("u", U8, [3]),
     value("v", U8, [3])],
    [value("y", F32, [3]), value("d", BOOL, [3])]))

# Clip from opset 11 takes min/max as (optional) inputs.
# CHECK-LABEL: // ----- clip with a max input only
# CHECK: ^bb0(%[[X:.*]]: f32, %[[HI:.*]]: f32, %{{.*}}: f32):
# CHECK: %[[LO:.*]] = arith.constant 0xFF800000 : f32
# CHECK: %[[M:.*]] = arith.maximumf %[[X]], %[[LO]]
# CHECK: arith.minimumf %[[M]], %[[HI]]
show("clip with a max input only", model(
    [helper.make_node("Clip", ["x", "", "hi"], ["y"])],
    [value("x", F32, [4])], [value("y", F32, [4])],
    [const("hi", np.float32(6.0))]))

# Opset 6 is upgraded to 7 (old-opsets.py), where Clip still has attributes.
# CHECK-LABEL: // ----- clip opset 6 attributes
# CHECK-DAG: %[[HI:.*]] = arith.constant 1.000000e+00 : f32
# CHECK-DAG: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
# CHECK: %[[M:.*]] = arith.maximumf %{{.*}}, %[[LO]]
# CHECK: arith.minimumf %[[M]], %[[HI]]
show("clip opset 6 attributes", unary("Clip", opset=6, min=-1.0, max=1.0))

# CHECK-LABEL: // ----- leaky relu default alpha
# CHECK: arith.constant 0.00999999977 : f32
# CHECK: arith.select
show("leaky relu default alpha", unary("LeakyRelu"))

# CHECK-LABEL: // ----- erf sqrt exp log tanh
# CHECK: math.erf
# CHECK: math.sqrt
# CHECK: math.exp
# CHECK: math.log
# CHECK: math.tanh
show("erf sqrt exp log tanh", model(
    [helper.make_node("Erf", ["x"], ["a"]), helper.make_node("Sqrt", ["a"], ["b"]),
     helper.make_node("Exp", ["b"], ["c"]), helper.make_node("Log", ["c"], ["d"]),
     helper.make_node("Tanh", ["d"], ["y"])],
    [value("x", F32, [2])], [value("y", F32, [2])]))

# Softmax at opset 13 normalizes one axis; before, all axes from `axis` on.
# CHECK-LABEL: // ----- softmax opset 13
# CHECK: iterator_types = ["parallel", "parallel", "reduction"]
# CHECK: arith.maximumf
# CHECK: math.exp
# CHECK: arith.divf
show("softmax opset 13", model(
    [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
    [value("x", F32, [2, 3, 4])], [value("y", F32, [2, 3, 4])]))
# CHECK-LABEL: // ----- softmax opset 11
# CHECK: iterator_types = ["parallel", "reduction", "reduction"]
show("softmax opset 11", model(
    [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
    [value("x", F32, [2, 3, 4])], [value("y", F32, [2, 3, 4])], opset=11))

# Shifting by the bit width or more gives 0 (ONNX), not poison (LLVM).
# CHECK-LABEL: // ----- bitshift
# CHECK: arith.cmpi ult
# CHECK: arith.shrui
# CHECK: arith.select
show("bitshift", model(
    [helper.make_node("BitShift", ["x", "s"], ["y"], direction="RIGHT")],
    [value("x", U8, [3]), value("s", U8, [3])], [value("y", U8, [3])]))

# CHECK-LABEL: // ----- bitshift bad direction
# CHECK: error: node '<unnamed>' (BitShift, opset 17): attribute 'direction' must be LEFT or RIGHT, got 'UP'
show("bitshift bad direction", model(
    [helper.make_node("BitShift", ["x", "s"], ["y"], direction="UP")],
    [value("x", U8, [3]), value("s", U8, [3])], [value("y", U8, [3])]))
