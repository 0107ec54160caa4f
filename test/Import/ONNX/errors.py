# Bad input never crashes effai-translate: each case exits 1 with a
# diagnostic naming the model, node, op type, opset and reason.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %effai_translate %t | FileCheck %s

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from onnx_helpers import *
from onnx import helper, numpy_helper
import numpy as np
import onnx

translate, workdir = sys.argv[1], sys.argv[2]


def run(title, data_or_model, *args, folder=workdir):
    """Writes the model, imports it, prints the exit code and the errors."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, title.replace(" ", "_") + ".onnx")
    data = (data_or_model if isinstance(data_or_model, bytes)
            else data_or_model.SerializeToString())
    with open(path, "wb") as f:
        f.write(data)
    proc = subprocess.run([translate, "--import-onnx", path, "-o", os.devnull,
                           *args], capture_output=True, text=True)
    print(f"// ----- {title}")
    print(f"exit {proc.returncode}")
    for line in proc.stderr.splitlines():
        if "error:" in line:
            print(line.replace(workdir + "/", ""))


relu = model([helper.make_node("Relu", ["x"], ["y"], name="act")],
             [value("x", F32, [2, 3])], [value("y", F32, [2, 3])])

# CHECK-LABEL: // ----- valid model
# CHECK-NEXT: exit 0
run("valid model", relu)

# CHECK-LABEL: // ----- truncated protobuf
# CHECK-NEXT: exit 1
# CHECK-NEXT: truncated_protobuf.onnx:0:0: error: not a valid ONNX protobuf (truncated or corrupt ModelProto)
run("truncated protobuf", relu.SerializeToString()[:-7])

# CHECK-LABEL: // ----- not a protobuf
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: not a valid ONNX protobuf
run("not a protobuf", b"\xff\xff\xff\xff garbage")

# CHECK-LABEL: // ----- empty file
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: the ModelProto has no graph
run("empty file", b"")

# CHECK-LABEL: // ----- undefined input
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: invalid model: Nodes in a graph must be topologically sorted, however input 'missing' of node:
run("undefined input", model(
    [helper.make_node("Add", ["x", "missing"], ["y"], name="add")],
    [value("x", F32, [2])], [value("y", F32, [2])]))

# CHECK-LABEL: // ----- unknown domain
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: invalid model: No opset import for domain 'com.example'
run("unknown domain", model(
    [helper.make_node("Custom", ["x"], ["y"], domain="com.example")],
    [value("x", F32, [2])], [value("y", F32, [2])]))

custom = model([helper.make_node("Custom", ["x"], ["y"], domain="com.example",
                                 name="mine")],
               [value("x", F32, [2])], [value("y", F32, [2])])
custom.opset_import.append(helper.make_opsetid("com.example", 1))
# CHECK-LABEL: // ----- imported custom domain
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: node 'mine' (Custom, opset 1): unsupported: operators of domain 'com.example'
run("imported custom domain", custom)

# CHECK-LABEL: // ----- wrong attribute type
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: invalid model: Mismatched attribute type in 'lrelu : alpha'
bad_attr = model([helper.make_node("LeakyRelu", ["x"], ["y"], name="lrelu")],
                 [value("x", F32, [2])], [value("y", F32, [2])])
bad_attr.graph.node[0].attribute.append(helper.make_attribute("alpha", 2))
run("wrong attribute type", bad_attr)

# CHECK-LABEL: // ----- mismatched shapes
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: shape inference failed: {{.*}}(op_type:Add, node name: add): [ShapeInferenceError] Incompatible dimensions
run("mismatched shapes", model(
    [helper.make_node("Add", ["a", "b"], ["y"], name="add")],
    [value("a", F32, [2, 3]), value("b", F32, [4])], [value("y", F32, [2, 3])]))

# CHECK-LABEL: // ----- huge dimension
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: graph input 'x': 'x' has an invalid or huge dimension 1099511627776
run("huge dimension", model(
    [helper.make_node("Relu", ["x"], ["y"])],
    [value("x", F32, [1 << 40, 1 << 20])], [value("y", F32, [1 << 40, 1 << 20])]))

# CHECK-LABEL: // ----- initializer with too few values
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: initializer: tensor 'w' holds 3 values but its shape needs 4
short = helper.make_tensor("w", F32, [2, 2], [1.0, 2.0, 3.0, 4.0])
del short.float_data[3]
run("initializer with too few values", model(
    [helper.make_node("Add", ["x", "w"], ["y"])],
    [value("x", F32, [2, 2])], [value("y", F32, [2, 2])], [short]))

# CHECK-LABEL: // ----- unsupported op
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: node 'hm' (Hardmax, opset 17): unsupported: no importer for op type 'Hardmax'
run("unsupported op", model(
    [helper.make_node("Hardmax", ["x"], ["y"], name="hm")],
    [value("x", F32, [2, 3])], [value("y", F32, [2, 3])]))

# CHECK-LABEL: // ----- control flow
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: node 'branch' (If, opset 17): unsupported: control flow (subgraph attribute 'else_branch')
branch = helper.make_graph([helper.make_node("Identity", ["x"], ["z"])], "b",
                           [], [value("z", F32, [2])])
run("control flow", model(
    [helper.make_node("If", ["c"], ["y"], name="branch", then_branch=branch,
                      else_branch=branch)],
    [value("c", BOOL, []), value("x", F32, [2])], [value("y", F32, [2])]))

dynamic = model([helper.make_node("Relu", ["x"], ["y"])],
                [value("x", F32, ["batch", 3])], [value("y", F32, ["batch", 3])])
# CHECK-LABEL: // ----- dynamic input
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: graph input 'x': 'x' has dynamic dimension 0 ('batch'); give it a static shape with --input-shape x=DxDx...
run("dynamic input", dynamic)
# CHECK-LABEL: // ----- dynamic input with a static override
# CHECK-NEXT: exit 0
run("dynamic input with a static override", dynamic, "--input-shape", "x=4x3")
# CHECK-LABEL: // ----- override of the wrong rank
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --input-shape gives input 'x' rank 1 but the model declares rank 2
run("override of the wrong rank", dynamic, "--input-shape", "x=4")
# CHECK-LABEL: // ----- malformed override
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --input-shape: bad dimension 'y' in 'x=4xy'
run("malformed override", dynamic, "--input-shape", "x=4xy")

# Frozen inputs: a TensorProto file per input.
slice_model = model(
    [helper.make_node("Slice", ["x", "starts", "ends"], ["y"])],
    [value("x", F32, [5]), value("starts", I64, [1]), value("ends", I64, [1])],
    [value("y", F32, [2])])
for tensor_name, array in [("starts", np.array([1], np.int64)),
                           ("ends", np.array([3], np.int64)),
                           ("wrong_type", np.array([1], np.int32)),
                           ("wrong_shape", np.array([1, 2], np.int64))]:
    with open(os.path.join(workdir, tensor_name + ".pb"), "wb") as f:
        f.write(numpy_helper.from_array(array, tensor_name).SerializeToString())
pb = lambda n: os.path.join(workdir, n + ".pb")
# CHECK-LABEL: // ----- frozen inputs
# CHECK-NEXT: exit 0
run("frozen inputs", slice_model, "--constant-input", "starts=" + pb("starts"),
    "--constant-input", "ends=" + pb("ends"))
# CHECK-LABEL: // ----- frozen input of the wrong type
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --constant-input 'starts' has data type 6 but the input is declared 7
run("frozen input of the wrong type", slice_model, "--constant-input",
    "starts=" + pb("wrong_type"))
# CHECK-LABEL: // ----- frozen input of the wrong shape
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --constant-input 'starts' has a shape the input's declared shape does not allow
run("frozen input of the wrong shape", slice_model, "--constant-input",
    "starts=" + pb("wrong_shape"))
# CHECK-LABEL: // ----- frozen input that does not exist
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --constant-input names 'nope', which is not a graph input
run("frozen input that does not exist", slice_model, "--constant-input",
    "nope=" + pb("starts"))
# CHECK-LABEL: // ----- frozen input from a missing file
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: --constant-input: cannot read 'missing.pb': No such file or directory
run("frozen input from a missing file", slice_model, "--constant-input",
    "starts=missing.pb")

# CHECK-LABEL: // ----- opset too new
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: opset 18 is newer than this build's ONNX knows (opsets up to 17); export the model with opset_version <= 17
run("opset too new", model([helper.make_node("Relu", ["x"], ["y"])],
                           [value("x", F32, [2])], [value("y", F32, [2])],
                           opset=18))

# External data lives next to the model; a missing file is an error.
ext = model([helper.make_node("Add", ["x", "w"], ["y"])],
            [value("x", F32, [4])], [value("y", F32, [4])],
            [const("w", np.arange(4, dtype=np.float32))])
onnx.save_model(ext, os.path.join(workdir, "saved_external.onnx"),
                save_as_external_data=True, location="weights.bin",
                size_threshold=0)
ext = onnx.load(os.path.join(workdir, "saved_external.onnx"),
                load_external_data=False)
# CHECK-LABEL: // ----- external data
# CHECK-NEXT: exit 0
run("external data", ext)
os.remove(os.path.join(workdir, "weights.bin"))
# CHECK-LABEL: // ----- missing external data
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: invalid model: Data of TensorProto ( tensor name: w) should be stored in weights.bin, but it doesn't exist or is not accessible.
run("missing external data", ext)

# Even when it exists, data outside the model's folder is not read.
with open(os.path.join(workdir, "escape.bin"), "wb") as f:
    f.write(np.arange(4, dtype=np.float32).tobytes())
ext.graph.initializer[0].external_data[0].value = "../escape.bin"
# CHECK-LABEL: // ----- external data outside the model folder
# CHECK-NEXT: exit 1
# CHECK-NEXT: error: initializer: external data location '../escape.bin' of 'w' must be a relative path inside the model's folder
run("external data outside the model folder", ext,
    folder=os.path.join(workdir, "sub"))

# CHECK-LABEL: // ----- missing file
# CHECK-NEXT: exit 1
# CHECK-NEXT: cannot open input file '{{.*}}does_not_exist.onnx': No such file or directory
proc = subprocess.run([translate, "--import-onnx",
                       os.path.join(workdir, "does_not_exist.onnx")],
                      capture_output=True, text=True)
print("// ----- missing file")
print(f"exit {proc.returncode}")
print(proc.stderr.strip().splitlines()[0])
