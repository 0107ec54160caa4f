# Models with opsets 1-6 (what PyTorch before 1.0 exported) are upgraded to
# opset 7 by ONNX's version converter before import, then compiled and run
# against PyTorch; what the converter cannot upgrade is an error naming the
# node, and opsets newer than Debian's ONNX knows name the opset to use.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %effai_translate %t | FileCheck %s

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import TensorProto, helper
import numpy as np
import torch
import torch.nn.functional as F

import effai

translate, workdir = sys.argv[1], sys.argv[2]
rng = np.random.RandomState(0)


def legacy_model(nodes, inputs, outputs, initializers, opset):
    """An IR version 3 model, as old exporters wrote them: every initializer
    is also a graph input."""
    weights = [value(t.name, t.data_type, list(t.dims)) for t in initializers]
    m = model(nodes, inputs + weights, outputs, initializers, opset=opset)
    m.ir_version = 3
    return m


def import_errors(title, m):
    path = os.path.join(workdir, title.replace(" ", "_") + ".onnx")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    proc = subprocess.run([translate, "--import-onnx", path, "-o", os.devnull],
                          capture_output=True, text=True)
    print(f"// ----- {title}")
    print(f"exit {proc.returncode}")
    for line in proc.stderr.splitlines():
        if "error:" in line:
            print(line.replace(workdir + "/", ""))


# A PyTorch 0.3-style CNN at opset 6: BatchNormalization and Dropout with
# is_test, Gemm and Add with broadcast=1, Softmax's old default axis.
# CHECK-LABEL: // ----- opset 6 CNN
# CHECK-NEXT: imported: effai.conv effai.linear
# CHECK-NEXT: max difference vs PyTorch: {{[0-9.e-]+}} ok
w = rng.randn(4, 1, 3, 3).astype(np.float32)
b = rng.randn(4).astype(np.float32)
gamma = (rng.rand(4) + 0.5).astype(np.float32)
beta = rng.randn(4).astype(np.float32)
mean = rng.randn(4).astype(np.float32)
var = (rng.rand(4) + 0.5).astype(np.float32)
gw = rng.randn(10, 64).astype(np.float32)
gb = rng.randn(10).astype(np.float32)
shift = rng.randn(10).astype(np.float32)
cnn = legacy_model(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3],
                      pads=[1, 1, 1, 1]),
     helper.make_node("BatchNormalization", ["c", "g", "bt", "m", "v"],
                      ["bn"], is_test=1, epsilon=1e-5),
     helper.make_node("Relu", ["bn"], ["r"]),
     helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2],
                      strides=[2, 2]),
     helper.make_node("Dropout", ["p"], ["d"], is_test=1, ratio=0.5),
     helper.make_node("Flatten", ["d"], ["f"]),
     helper.make_node("Gemm", ["f", "gw", "gb"], ["mm"], transB=1,
                      broadcast=1),
     helper.make_node("Add", ["mm", "s"], ["a"], broadcast=1),
     helper.make_node("Softmax", ["a"], ["y"])],
    [value("x", F32, [2, 1, 8, 8])], [value("y", F32, [2, 10])],
    [const("w", w), const("b", b), const("g", gamma), const("bt", beta),
     const("m", mean), const("v", var), const("gw", gw), const("gb", gb),
     const("s", shift)], opset=6)
ir = str(effai.import_onnx(cnn))
print("// ----- opset 6 CNN")
print("imported:", " ".join(op for op in ("effai.conv", "effai.linear")
                            if op in ir))
x = rng.randn(2, 1, 8, 8).astype(np.float32)
got = effai.compile(cnn)(x)
t = lambda a: torch.from_numpy(a)
want = F.conv2d(t(x), t(w), t(b), padding=1)
want = F.batch_norm(want, t(mean), t(var), t(gamma), t(beta), eps=1e-5)
want = F.max_pool2d(F.relu(want), 2).flatten(1) @ t(gw).T + t(gb) + t(shift)
want = F.softmax(want, dim=1).numpy()
diff = float(np.abs(got - want).max())
print(f"max difference vs PyTorch: {diff:.1e}", "ok" if diff < 1e-5 else "BAD")

# Opset 1: Reshape's shape is an attribute; opset 5: Reshape's shape is an
# input, Mul broadcasts B at an axis (ONNX 1.12's own adapter would
# broadcast k along axis 0 here; effai aligns it first).
# CHECK-LABEL: // ----- opset 1 and 5
# CHECK-NEXT: opset 1 matches numpy: True
# CHECK-NEXT: opset 5 matches numpy: True
x = rng.randn(2, 6).astype(np.float32)
scale = rng.randn(2).astype(np.float32)
opset1 = legacy_model(
    [helper.make_node("Reshape", ["x"], ["r"], shape=[2, 2, 3]),
     helper.make_node("Sum", ["r", "r"], ["y"])],
    [value("x", F32, [2, 6])], [value("y", F32, [2, 2, 3])], [], opset=1)
opset5 = legacy_model(
    [helper.make_node("Reshape", ["x", "shape"], ["r"]),
     helper.make_node("Mul", ["r", "k"], ["y"], broadcast=1, axis=1)],
    [value("x", F32, [2, 6])], [value("y", F32, [2, 2, 3])],
    [const("shape", np.array([2, 2, 3], np.int64)), const("k", scale)],
    opset=5)
print("// ----- opset 1 and 5")
r = x.reshape(2, 2, 3)
print("opset 1 matches numpy:",
      np.allclose(effai.compile(opset1)(x), r + r, rtol=1e-6))
print("opset 5 matches numpy:", np.allclose(
    effai.compile(opset5)(x), r * scale[None, :, None], rtol=1e-6))

# Upgrades ONNX 1.12's converter lacks, which effai adds: the logical and
# comparison ops' legacy broadcasting (as Add's), Pad-1's `paddings`,
# Cast-1's type names, Split-1's sizes as an attribute.
# CHECK-LABEL: // ----- upgrades ONNX 1.12 lacks
# CHECK-NEXT: opset 6 Greater/Less/And/Or/Xor/Equal match numpy: True
# CHECK-NEXT: opset 1 Pad/Cast/Split match numpy: True
a = rng.randn(2, 3, 4).astype(np.float32)
limit = rng.randn(4).astype(np.float32)
compare = legacy_model(
    [helper.make_node("Greater", ["a", "limit"], ["g"], broadcast=1),
     helper.make_node("Less", ["a", "zero"], ["l"], broadcast=1, axis=0),
     helper.make_node("And", ["g", "l"], ["both"]),
     helper.make_node("Or", ["g", "l"], ["either"]),
     helper.make_node("Xor", ["both", "either"], ["one"]),
     helper.make_node("Equal", ["one", "g"], ["y"])],
    [value("a", F32, [2, 3, 4])], [value("y", BOOL, [2, 3, 4])],
    [const("limit", limit), const("zero", np.zeros(2, np.float32))],
    opset=6)
g, l = a > limit, a < 0
print("// ----- upgrades ONNX 1.12 lacks")
print("opset 6 Greater/Less/And/Or/Xor/Equal match numpy:", np.array_equal(
    effai.compile(compare)(a), ((g & l) ^ (g | l)) == g))
x = rng.randn(2, 6).astype(np.float32)
opset1 = legacy_model(
    [helper.make_node("Pad", ["x"], ["p"], paddings=[0, 1, 0, 1],
                      value=0.5),
     helper.make_node("Cast", ["p"], ["c"], to="DOUBLE"),
     helper.make_node("Split", ["x"], ["s1", "s2"], axis=1, split=[2, 4])],
    [value("x", F32, [2, 6])],
    [value("c", TensorProto.DOUBLE, [2, 8]), value("s1", F32, [2, 2]),
     value("s2", F32, [2, 4])], [], opset=1)
c, s1, s2 = effai.compile(opset1)(x)
print("opset 1 Pad/Cast/Split match numpy:",
      c.dtype == np.float64 and np.array_equal(
          c, np.pad(x, [(0, 0), (1, 1)], constant_values=0.5)) and
      np.array_equal(s1, x[:, :2]) and np.array_equal(s2, x[:, 2:]))

# Split-1 with its sizes as a second input is refused, naming the node.
# CHECK-LABEL: // ----- split sizes as an input
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: cannot upgrade the model from opset 1 to 7 with ONNX's version converter: node #0 (Split): Split-1 with its sizes as an input (not supported)
import_errors("split sizes as an input", legacy_model(
    [helper.make_node("Split", ["x", "sizes"], ["s1", "s2"], axis=1)],
    [value("x", F32, [2, 6])],
    [value("s1", F32, [2, 2]), value("s2", F32, [2, 4])],
    [const("sizes", np.array([2, 4], np.int64))], opset=1))

# Upsample, what PyTorch 1.0-1.3 exported for nn.Upsample: scales as an
# attribute at opsets 7-8, an input at 9; Resize-10's semantics. At opset
# 10 it is deprecated: ONNX's checker says so.
# CHECK-LABEL: // ----- upsample
# CHECK-NEXT: opset 7 nearest matches numpy: True
# CHECK-NEXT: opset 9 linear matches numpy: True
# CHECK-NEXT: // ----- upsample at opset 10
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: invalid model: Op registered for Upsample is deprecated in domain_version of 10
x = rng.randn(1, 2, 3, 4).astype(np.float32)
up7 = model([helper.make_node("Upsample", ["x"], ["y"],
                              scales=[1.0, 1.0, 2.0, 3.0])],
            [value("x", F32, [1, 2, 3, 4])], [value("y", F32, [1, 2, 6, 12])],
            opset=7)
print("// ----- upsample")
print("opset 7 nearest matches numpy:", np.array_equal(
    effai.compile(up7)(x), x.repeat(2, axis=2).repeat(3, axis=3)))
up9 = model([helper.make_node("Upsample", ["x", "scales"], ["y"],
                              mode="linear")],
            [value("x", F32, [1, 2, 3, 4])], [value("y", F32, [1, 2, 3, 8])],
            [const("scales", np.array([1, 1, 1, 2], np.float32))], opset=9)
# Asymmetric coordinates: output column o reads input column o / 2.
src = np.arange(8) / 2
lo = np.floor(src).astype(int)
hi = np.minimum(lo + 1, 3)
want = x[..., lo] * (1 - (src - lo)) + x[..., hi] * (src - lo)
print("opset 9 linear matches numpy:",
      np.allclose(effai.compile(up9)(x), want, atol=1e-6))
import_errors("upsample at opset 10", model(
    [helper.make_node("Upsample", ["x", "scales"], ["y"])],
    [value("x", F32, [1, 2, 3, 4])], [value("y", F32, [1, 2, 6, 8])],
    [const("scales", np.array([1, 1, 2, 2], np.float32))], opset=10))

# When the converter lacks a shape it needs (opset 1's Reshape has no shape
# inference), the error names the node it fails on.
# CHECK-LABEL: // ----- broadcast after an opset 1 reshape
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: cannot upgrade the model from opset 1 to 7 with ONNX's version converter: node #1 (Mul): Shape of input 2 is not available.
import_errors("broadcast after an opset 1 reshape", legacy_model(
    [helper.make_node("Reshape", ["x"], ["r"], shape=[2, 2, 3]),
     helper.make_node("Mul", ["r", "k"], ["y"], broadcast=1, axis=2)],
    [value("x", F32, [2, 6])], [value("y", F32, [2, 2, 3])],
    [const("k", scale)], opset=1))

# An op ONNX removed has no upgrade: the error names the node.
# CHECK-LABEL: // ----- removed op
# CHECK-NEXT: exit 1
# CHECK-NEXT: removed_op.onnx:0:0: error: cannot upgrade the model from opset 6 to 7 with ONNX's version converter: node 'normalize' (ImageScaler): ONNX opset 7 has no ImageScaler (an experimental or removed op)
import_errors("removed op", legacy_model(
    [helper.make_node("Relu", ["x"], ["r"], name="act"),
     helper.make_node("ImageScaler", ["r"], ["y"], name="normalize",
                      scale=2.0)],
    [value("x", F32, [1, 3, 4, 4])], [value("y", F32, [1, 3, 4, 4])], [],
    opset=6))

# Opsets past what Debian's ONNX 1.12 defines.
# CHECK-LABEL: // ----- opset too new
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: opset 18 is newer than this build's ONNX knows (opsets up to 17); export the model with opset_version <= 17
import_errors("opset too new", model(
    [helper.make_node("Relu", ["x"], ["y"])], [value("x", F32, [2])],
    [value("y", F32, [2])], opset=18))
