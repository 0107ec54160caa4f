# Shape folding at import: once input shapes are static, the shape
# computations exporters emit (Shape -> Gather -> Unsqueeze -> Concat ->
# Reshape, Slice ends from arithmetic, Expand targets) are evaluated to
# constants and ONNX inference, run again, types everything after them.
# Each case prints the folding remark and the IR; values folded for an op
# show as the constant it reads.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %effai_translate %t | FileCheck %s

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper
import numpy as np

translate, workdir = sys.argv[1], sys.argv[2]


def run(title, m, *args):
    """Imports `m` with the folding report; prints exit code, remarks,
    errors and the IR."""
    path = os.path.join(workdir, title.replace(" ", "_") + ".onnx")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    proc = subprocess.run([translate, "--import-onnx", path,
                           "--onnx-report-folding", *args],
                          capture_output=True, text=True)
    print(f"// ----- {title}")
    print(f"exit {proc.returncode}")
    for line in proc.stderr.splitlines():
        if "remark:" in line or "error:" in line:
            print(line.replace(workdir + "/", ""))
    print(proc.stdout)


def folded_value(title, nodes, shape, initializers=(), opset=17, dtype=I64):
    """A model adding the folded value `v` (made by `nodes`) to an input, so
    the IR shows `v` as the constant the add reads."""
    nodes = nodes + [helper.make_node("Add", ["x", "v"], ["y"])]
    run(title, model(nodes, [value("x", dtype, shape)],
                     [value("y", dtype, shape)], initializers, opset))


# A dynamic batch fixed by --input-shape: the exporter's
# Shape -> Gather -> Unsqueeze -> Concat target becomes dense<[4, 6]>.
# CHECK-LABEL: // ----- reshape target from the batch
# CHECK-NEXT: exit 0
# CHECK-NEXT: remark: shape folding replaced 4 nodes by constants in 1 round: Concat 1, Gather 1, Shape 1, Unsqueeze 1
# CHECK: %[[S:.*]] = arith.constant dense<[4, 6]> : tensor<2xindex>
# CHECK: tensor.reshape %arg0(%[[S]]) : (tensor<4x2x3xf32>, tensor<2xindex>) -> tensor<4x6xf32>
run("reshape target from the batch", model(
    [helper.make_node("Shape", ["x"], ["s"]),
     helper.make_node("Gather", ["s", "zero"], ["b"], axis=0),
     helper.make_node("Unsqueeze", ["b", "axes"], ["b1"]),
     helper.make_node("Concat", ["b1", "minus1"], ["t"], axis=0),
     helper.make_node("Reshape", ["x", "t"], ["y"])],
    [value("x", F32, ["batch", 2, 3])], [value("y", F32, ["batch", 6])],
    [const("zero", np.array(0, np.int64)), const("axes", np.array([0])),
     const("minus1", np.array([-1]))]), "--input-shape", "x=4x2x3")

# MultiheadAttention's in-projection split: Slice ends computed from the
# last dim (E = 12 / 3 * k). Folding the ends types the slices.
# CHECK-LABEL: // ----- slice ends from arithmetic
# CHECK-NEXT: exit 0
# CHECK-NEXT: remark: shape folding replaced 5 nodes by constants in 1 round: Div 1, Gather 1, Mul 2, Shape 1
# CHECK: tensor.extract_slice %arg0[0, 0] [2, 4] [1, 1] : tensor<2x12xf32> to tensor<2x4xf32>
# CHECK: tensor.extract_slice %arg0[0, 4] [2, 4] [1, 1] : tensor<2x12xf32> to tensor<2x4xf32>
slice_model = model(
    [helper.make_node("Shape", ["x"], ["s"]),
     helper.make_node("Gather", ["s", "last"], ["e"], axis=0),
     helper.make_node("Div", ["e", "three"], ["third"]),
     helper.make_node("Mul", ["third", "one"], ["end1"]),
     helper.make_node("Mul", ["third", "two"], ["end2"]),
     helper.make_node("Slice", ["x", "start0", "end1", "axis"], ["a"]),
     helper.make_node("Slice", ["x", "end1", "end2", "axis"], ["b"])],
    [value("x", F32, [2, 12])],
    [value("a", F32, [2, None]), value("b", F32, [2, None])],
    [const("last", np.array([-1])), const("three", np.array([3])),
     const("one", np.array([1])), const("two", np.array([2])),
     const("start0", np.array([0])), const("axis", np.array([-1]))])
run("slice ends from arithmetic", slice_model)

# Without folding ONNX inference (even with data propagation, which stops
# at Div) leaves the ends, and so the slices' shapes, unknown.
# CHECK-LABEL: // ----- the same without folding
# CHECK-NEXT: exit 1
# CHECK: error: node '<unnamed>' (Slice, opset 17): 'a' has dynamic dimension 1; input 2 ('end1') is only known at run time (from node 'Mul#3' (Mul))
run("the same without folding", slice_model, "--onnx-fold-shapes=false")

# PyTorch's expand: Where(Equal(shape, -1), ones, shape) is the target.
# CHECK-LABEL: // ----- expand target
# CHECK-NEXT: exit 0
# CHECK-NEXT: remark: shape folding replaced 4 nodes by constants in 1 round: ConstantOfShape 1, Equal 1, Mul 1, Where 1
# CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<1x4xf32>) outs(%{{.*}} : tensor<3x4xf32>)
run("expand target", model(
    [helper.make_node("ConstantOfShape", ["two"], ["ones"],
                      value=helper.make_tensor("", I64, [1], [1])),
     helper.make_node("Mul", ["ones", "minus1"], ["neg"]),
     helper.make_node("Equal", ["target", "neg"], ["is_neg"]),
     helper.make_node("Where", ["is_neg", "ones", "target"], ["t"]),
     helper.make_node("Expand", ["x", "t"], ["y"])],
    [value("x", F32, [1, 4])], [value("y", F32, [3, 4])],
    [const("two", np.array([2])), const("minus1", np.array(-1)),
     const("target", np.array([3, -1]))]))

# Two rounds: the first folds the slice ends; only inference after it
# gives the slice the shape the second Shape reads.
# CHECK-LABEL: // ----- chains need rounds
# CHECK-NEXT: exit 0
# CHECK-NEXT: remark: shape folding replaced 5 nodes by constants in 2 rounds: Div 2, Gather 1, Shape 2
# CHECK: tensor.reshape %arg1(%{{.*}}) : (tensor<8xf32>, tensor<2xindex>) -> tensor<2x4xf32>
run("chains need rounds", model(
    [helper.make_node("Shape", ["x"], ["s"]),
     helper.make_node("Gather", ["s", "last"], ["e"], axis=0),
     helper.make_node("Div", ["e", "three"], ["end"]),
     helper.make_node("Slice", ["x", "start0", "end", "axis"], ["a"]),
     helper.make_node("Shape", ["a"], ["sa"]),
     helper.make_node("Div", ["sa", "one"], ["t"]),
     helper.make_node("Reshape", ["z", "t"], ["y"])],
    [value("x", F32, [2, 12]), value("z", F32, [8])],
    [value("a", F32, [2, None]), value("y", F32, [None, None])],
    [const("last", np.array([-1])), const("three", np.array([3])),
     const("start0", np.array([0])), const("axis", np.array([-1])),
     const("one", np.array([1]))]))

# The evaluator's semantics, each value shown as the constant an add reads.
# CHECK-LABEL: // ----- integer division truncates, Mod follows the divisor
# CHECK: arith.constant dense<[-2, 2, 2, 1]> : tensor<4xi64>
folded_value("integer division truncates, Mod follows the divisor", [
    helper.make_node("Div", ["a", "b"], ["q"]),
    helper.make_node("Mod", ["a", "b"], ["m"]),
    helper.make_node("Concat", ["q", "m"], ["v"], axis=0)], [4],
    [const("a", np.array([-7, 7])), const("b", np.array([3, 3]))])

# CHECK-LABEL: // ----- slice backwards, gather, squeeze
# CHECK: arith.constant dense<[40, 20, 30]> : tensor<3xi64>
folded_value("slice backwards, gather, squeeze", [
    helper.make_node("Slice", ["s", "st", "en", "ax", "sp"], ["rev"]),
    helper.make_node("Gather", ["s", "idx"], ["g"], axis=0),
    helper.make_node("Squeeze", ["g"], ["g0"]),
    helper.make_node("Unsqueeze", ["g0", "ax"], ["g1"]),
    helper.make_node("Concat", ["rev", "g1"], ["v"], axis=0)], [3],
    [const("s", np.array([10, 20, 30, 40])), const("st", np.array([-1])),
     const("en", np.array([0])), const("ax", np.array([0])),
     const("sp", np.array([-2])), const("idx", np.array([[2]]))])

# CHECK-LABEL: // ----- range, cast, size, reduce
# CHECK: arith.constant dense<[0, 3, 6, 6, 2]> : tensor<5xi64>
folded_value("range, cast, size, reduce", [
    helper.make_node("Range", ["r0", "r1", "r2"], ["r"]),
    helper.make_node("Cast", ["r"], ["ri"], to=I64),
    helper.make_node("Size", ["m"], ["n"]),
    helper.make_node("ReduceProd", ["shape"], ["p"], keepdims=1),
    helper.make_node("Reshape", ["n", "one"], ["n1"]),
    helper.make_node("Concat", ["ri", "n1", "p"], ["v"], axis=0)], [5],
    [const("r0", np.array(0.0, np.float32)), const("r1", np.array(7.5, np.float32)),
     const("r2", np.array(3.0, np.float32)), const("m", np.zeros((2, 3), np.float32)),
     const("shape", np.array([1, 2])), const("one", np.array([1]))])

# CHECK-LABEL: // ----- tile and expand
# CHECK: arith.constant dense<{{\[}}[1, 2, 1, 2], [1, 2, 1, 2]]> : tensor<2x4xi64>
folded_value("tile and expand", [
    helper.make_node("Tile", ["a", "reps"], ["t"]),
    helper.make_node("Expand", ["t", "shape"], ["v"])], [2, 4],
    [const("a", np.array([[1, 2]])), const("reps", np.array([1, 2])),
     const("shape", np.array([2, 1]))])

# Unsqueeze and Squeeze took their axes as attributes before opset 13.
# CHECK-LABEL: // ----- opset 11 attributes
# CHECK: arith.constant dense<{{\[}}[5], [6]]> : tensor<2x1xi64>
folded_value("opset 11 attributes", [
    helper.make_node("Unsqueeze", ["a"], ["u"], axes=[0, 2]),
    helper.make_node("Squeeze", ["u"], ["v"], axes=[0])], [2, 1],
    [const("a", np.array([5, 6]))], opset=11)

# ONNX infers only the rank of an Einsum result; folding gives the shape.
# CHECK-LABEL: // ----- einsum result shape
# CHECK-NEXT: exit 0
# CHECK-NEXT: remark: shape folding replaced 0 nodes by constants in 1 round; gave 1 Einsum result a static shape
# CHECK: -> tensor<2x3x5xf32>
run("einsum result shape", model(
    [helper.make_node("Einsum", ["a", "b"], ["y"], equation="bij,bjk->bik")],
    [value("a", F32, [2, 3, 4]), value("b", F32, [2, 4, 5])],
    [value("y", F32, [None, None, None])]))

# What stays dynamic is named: a Reshape target from a graph input...
# CHECK-LABEL: // ----- target from a graph input
# CHECK-NEXT: exit 1
# CHECK: error: node 'r' (Reshape, opset 17): 'y' has dynamic dimension 0 ('a'); input 1 ('s') is only known at run time (from graph input 's'); freeze it with --constant-input s=TENSOR.pb
run("target from a graph input", model(
    [helper.make_node("Reshape", ["x", "s"], ["y"], name="r")],
    [value("x", F32, [2, 6]), value("s", I64, [2])],
    [value("y", F32, ["a", "b"])]))

# ... or from a node the evaluator refuses (an integer division by zero).
# CHECK-LABEL: // ----- target from a division by zero
# CHECK-NEXT: exit 1
# CHECK: error: node 'r' (Reshape, opset 17): {{.*}}input 1 ('t') is only known at run time (from node 'div' (Div))
run("target from a division by zero", model(
    [helper.make_node("Div", ["s", "zero"], ["t"], name="div"),
     helper.make_node("Reshape", ["x", "t"], ["y"], name="r")],
    [value("x", F32, [2, 6])], [value("y", F32, ["a", "b"])],
    [const("s", np.array([3, 4])), const("zero", np.array([0, 0]))]))

# A folded value that only a subgraph reads stays defined (as an
# initializer): the model stays valid and If is refused as control flow.
# CHECK-LABEL: // ----- folded value read by a subgraph
# CHECK-NEXT: exit 1
# CHECK-NEXT: remark: shape folding replaced 2 nodes by constants in 1 round: ReduceProd 1, Shape 1
# CHECK-NEXT: error: node '<unnamed>' (If, opset 13): unsupported: control flow (subgraph attribute 'else_branch')
branch = lambda out: helper.make_graph(
    [helper.make_node("Reshape", ["x", "t"], [out])], out, [],
    [value(out, F32, [6])])
run("folded value read by a subgraph", model(
    [helper.make_node("Shape", ["x"], ["s"]),
     helper.make_node("ReduceProd", ["s"], ["t"], keepdims=1),
     helper.make_node("If", ["c"], ["y"], then_branch=branch("o1"),
                      else_branch=branch("o2"))],
    [value("x", F32, [2, 3]), value("c", BOOL, [])], [value("y", F32, [6])],
    opset=13))
