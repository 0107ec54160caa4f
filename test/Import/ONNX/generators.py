# Tensors computed from their indices (Trilu, Range, EyeLike) and Einsum:
# one generic each. Trilu compares column - row with the diagonal k; Range
# and EyeLike read linalg.index; Einsum's labels become indexing maps, the
# output's parallel loops first.
# RUN: %python %s | FileCheck %s

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

# CHECK-LABEL: // ----- trilu upper above the diagonal
# CHECK: %[[K:.*]] = arith.constant 1 : i64
# CHECK: linalg.generic
# CHECK: %[[ROW:.*]] = linalg.index 0 : index
# CHECK: %[[R:.*]] = arith.index_cast %[[ROW]]
# CHECK: %[[COL:.*]] = linalg.index 1 : index
# CHECK: %[[C:.*]] = arith.index_cast %[[COL]]
# CHECK: %[[OFF:.*]] = arith.subi %[[C]], %[[R]] : i64
# CHECK: %[[KEEP:.*]] = arith.cmpi sge, %[[OFF]], %[[K]] : i64
# CHECK: arith.select %[[KEEP]], %{{.*}}, %{{.*}} : f32
show("trilu upper above the diagonal", model(
    [helper.make_node("Trilu", ["x", "k"], ["y"])],
    [value("x", F32, [4, 5])], [value("y", F32, [4, 5])],
    [const("k", np.array(1))]))

# Batched: the last two dims are the matrix.
# CHECK-LABEL: // ----- trilu lower batched
# CHECK: linalg.index 1 : index
# CHECK: linalg.index 2 : index
# CHECK: arith.cmpi sle
show("trilu lower batched", model(
    [helper.make_node("Trilu", ["x"], ["y"], upper=0)],
    [value("x", F32, [2, 3, 3])], [value("y", F32, [2, 3, 3])]))

# A diagonal given at run time is read once, before the generic.
# CHECK-LABEL: // ----- trilu with a run-time diagonal
# CHECK: %[[K:.*]] = tensor.extract %arg1[] : tensor<i64>
# CHECK: linalg.generic
# CHECK: arith.cmpi sge, %{{.*}}, %[[K]] : i64
show("trilu with a run-time diagonal", model(
    [helper.make_node("Trilu", ["x", "k"], ["y"])],
    [value("x", F32, [4, 5]), value("k", I64, [])],
    [value("y", F32, [4, 5])]))

# CHECK-LABEL: // ----- trilu of a vector
# CHECK: error: shape inference failed: {{.*}}(op_type:Trilu, node name: t): [ShapeInferenceError] Input rank must be >= 2.
show("trilu of a vector", model(
    [helper.make_node("Trilu", ["x"], ["y"], name="t")],
    [value("x", F32, [4])], [value("y", F32, [4])]))

# Small Ranges fold at import; a large one is a generic. (A run-time start
# or delta is read like Trilu's k; the limit must be known for the shape.)
# CHECK-LABEL: // ----- range too large to fold
# CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<100000xi64>)
# CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : index to i64
# CHECK: %[[STEP:.*]] = arith.muli %[[I]], %c2_i64 : i64
# CHECK: arith.addi %c5_i64, %[[STEP]] : i64
show("range too large to fold", model(
    [helper.make_node("Range", ["start", "limit", "delta"], ["y"])],
    [], [value("y", I64, [100000])],
    [const("start", np.array(5)), const("limit", np.array(200005)),
     const("delta", np.array(2))]))

# CHECK-LABEL: // ----- eye-like off the diagonal
# CHECK: arith.cmpi eq
# CHECK: -> tensor<3x4xf32>
show("eye-like off the diagonal", model(
    [helper.make_node("EyeLike", ["x"], ["y"], k=1)],
    [value("x", F32, [3, 4])], [value("y", F32, [3, 4])]))

# Attention scores: b, h, i, j are parallel, d is summed.
# CHECK-LABEL: // ----- einsum attention scores
# CHECK-DAG: #[[Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
# CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
# CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
# CHECK: linalg.generic {indexing_maps = [#[[Q]], #[[K]], #[[S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
show("einsum attention scores", model(
    [helper.make_node("Einsum", ["q", "k"], ["s"], equation="bhid,bhjd->bhij")],
    [value("q", F32, [2, 4, 8, 16]), value("k", F32, [2, 4, 6, 16])],
    [value("s", F32, [2, 4, 8, 6])]))

# Without "->" the output is the letters seen once, sorted; "..." aligns
# broadcast dims from the right.
# CHECK-LABEL: // ----- einsum implicit output and ellipsis
# CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
# CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
# CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
# CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]]
show("einsum implicit output and ellipsis", model(
    [helper.make_node("Einsum", ["a", "b"], ["c"], equation="...j,jk")],
    [value("a", F32, [2, 3, 5]), value("b", F32, [5, 7])],
    [value("c", F32, [2, 3, 7])]))

# One operand: a diagonal read (the same loop twice), summed.
# CHECK-LABEL: // ----- einsum trace
# CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0) -> (d0, d0)>
# CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
# CHECK: linalg.generic {indexing_maps = [#[[DIAG]], #[[SCALAR]]], iterator_types = ["reduction"]}
# CHECK: arith.addf
show("einsum trace", model(
    [helper.make_node("Einsum", ["a"], ["t"], equation="ii->")],
    [value("a", F32, [3, 3])], [value("t", F32, [])]))

# CHECK-LABEL: // ----- einsum sizes disagree
# CHECK: error: node 'e' (Einsum, opset 17): a label has sizes 5 and 4 (broadcasting within Einsum is not supported)
show("einsum sizes disagree", model(
    [helper.make_node("Einsum", ["a", "b"], ["c"], name="e",
                      equation="ij,jk->ik")],
    [value("a", F32, [2, 5]), value("b", F32, [4, 3])],
    [value("c", F32, [2, 3])]))

# CHECK-LABEL: // ----- einsum of three operands
# CHECK: error: node 'e' (Einsum, opset 17): unsupported: Einsum of 3 operands (effai imports one or two)
show("einsum of three operands", model(
    [helper.make_node("Einsum", ["a", "b", "c"], ["d"], name="e",
                      equation="ij,jk,kl->il")],
    [value("a", F32, [2, 2]), value("b", F32, [2, 2]), value("c", F32, [2, 2])],
    [value("d", F32, [2, 2])]))

# CHECK-LABEL: // ----- einsum term of the wrong rank
# CHECK: error: shape inference failed: {{.*}}(op_type:Einsum, node name: e): [ShapeInferenceError] Rank of input 0 does not match the equation indices.
show("einsum term of the wrong rank", model(
    [helper.make_node("Einsum", ["a"], ["c"], name="e", equation="ijk->i")],
    [value("a", F32, [2, 2])], [value("c", F32, [2])]))
