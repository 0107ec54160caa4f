#!/usr/bin/python3
"""Runs ONNX node tests end to end on the CPU through the JIT.

For each test: import model.onnx with the Python API, append an @entry
function that feeds test_data_set_0/input_*.pb as constants and prints every
output, lower with effai-cpu-pipeline, run with mlir-runner and compare with
output_*.pb under ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7 for
floats; integers and booleans exact).

Usage: run_node_tests.py EFFAI_OPT MLIR_RUNNER RUNNER_LIBS (--list F | NAMES...)
Prints one line per test and a closing 'N passed, N failed' line.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import effai

NODE_DIR = "/usr/share/libonnx-testdata/data/node"

BF16 = np.dtype([("bf16", "<u2")])  # ONNX bfloat16, raw bits
MLIR_TYPES = {
    BF16: "bf16",
    np.dtype("float32"): "f32", np.dtype("float64"): "f64",
    np.dtype("float16"): "f16", np.dtype("int8"): "i8", np.dtype("uint8"): "i8",
    np.dtype("int16"): "i16", np.dtype("uint16"): "i16",
    np.dtype("int32"): "i32", np.dtype("uint32"): "i32",
    np.dtype("int64"): "i64", np.dtype("uint64"): "i64", np.dtype("bool"): "i1",
}
# The runner's print function per element type. printMemrefI8 prints
# characters, so 8-bit and boolean outputs are widened to i32 first.
PRINTERS = {"bf16": "BF16", "f32": "F32", "f64": "F64", "f16": "F16", "i8": "I32", "i16": "I16",
            "i32": "I32", "i64": "I64", "i1": "I32"}
WIDENED = {"i8", "i1"}
NUMBER = re.compile(r"[-+]?(?:nan|inf|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")


def tensor_type(shape, elt):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elt + ">"


def constant(name, array):
    elt = MLIR_TYPES[array.dtype]
    ttype = tensor_type(array.shape, elt)
    if elt == "i1":
        flat = ", ".join("true" if v else "false" for v in array.flatten())
        body = f"dense<{flat}>" if array.ndim == 0 else f"dense<[{flat}]>"
        if array.ndim > 1:  # rebuild nesting from the flat list
            body = f"dense<{np.array2string(array, separator=', ').lower()}>"
        return f"    %{name} = arith.constant {body} : {ttype}\n"
    return (f"    %{name} = arith.constant dense<\"0x{array.tobytes().hex().upper()}\">"
            f" : {ttype}\n")


def entry_function(inputs, outputs):
    lines = []
    for printer in sorted({PRINTERS[MLIR_TYPES[o.dtype]] for o in outputs}):
        storage = printer.lower()
        lines.append(f"  func.func private @printMemref{printer}"
                     f"(tensor<*x{storage}>) attributes {{llvm.emit_c_interface}}\n")
    lines.append("  func.func @entry() {\n")
    for i, array in enumerate(inputs):
        lines.append(constant(f"in{i}", array))
    arg_types = ", ".join(tensor_type(a.shape, MLIR_TYPES[a.dtype]) for a in inputs)
    res_types = [tensor_type(o.shape, MLIR_TYPES[o.dtype]) for o in outputs]
    args = ", ".join(f"%in{i}" for i in range(len(inputs)))
    results = f"%r:{len(outputs)}" if len(outputs) > 1 else "%r"
    lines.append(f"    {results} = call @main({args}) : ({arg_types}) -> "
                 f"({', '.join(res_types)})\n")
    for i, o in enumerate(outputs):
        elt = MLIR_TYPES[o.dtype]
        value = f"%r#{i}" if len(outputs) > 1 else "%r"
        if elt in WIDENED:
            wide = tensor_type(o.shape, "i32")
            ext = "extsi" if o.dtype.kind == "i" else "extui"
            lines.append(f"    %w{i} = arith.{ext} {value} : {res_types[i]} to {wide}\n")
            value, elt = f"%w{i}", "i32"
        lines.append(f"    %u{i} = tensor.cast {value} : "
                     f"{tensor_type(o.shape, elt)} to tensor<*x{elt}>\n")
        lines.append(f"    call @printMemref{PRINTERS[MLIR_TYPES[o.dtype]]}(%u{i})"
                     f" : (tensor<*x{elt}>) -> ()\n")
    lines.append("    return\n  }\n")
    return "".join(lines)


def splice(module_text, entry):
    """Inserts `entry` before the module's closing brace."""
    resources = module_text.find("\n{-#")
    head = module_text if resources < 0 else module_text[:resources]
    tail = "" if resources < 0 else module_text[resources:]
    close = head.rstrip().rfind("}")
    return head[:close] + entry + head[close:] + tail


def load(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    array = numpy_helper.to_array(tensor)
    if tensor.data_type == onnx.TensorProto.BFLOAT16:
        return array.astype("<u2").view(BF16)  # keep the bits, typed bf16
    return array


def as_float64(array):
    """Values of an expected output (bf16 bits widened to float)."""
    if array.dtype == BF16:
        bits = array.view("<u2").astype(np.uint32) << 16
        return bits.view(np.float32).astype(np.float64)
    return array.astype(np.float64)


def run_test(name, effai_opt, runner, libs, workdir):
    try:
        return run_one(name, effai_opt, runner, libs, workdir)
    except Exception as e:  # e.g. test data that is not a tensor
        return name, "unsupported", f"harness: {type(e).__name__}: {e}"


def run_one(name, effai_opt, runner, libs, workdir):
    folder = os.path.join(NODE_DIR, name)
    data = os.path.join(folder, "test_data_set_0")
    inputs = [load(p) for p in sorted(glob.glob(os.path.join(data, "input_*.pb")))]
    outputs = [load(p) for p in sorted(glob.glob(os.path.join(data, "output_*.pb")))]
    # Test data may store bfloat16 as uint16: follow the model's types.
    graph = onnx.load(os.path.join(folder, "model.onnx"),
                      load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    runtime_inputs = [v for v in graph.input if v.name not in initializers]
    declared = [v.type.tensor_type.elem_type for v in runtime_inputs]
    # Compile for the shapes the test feeds (static compilation).
    shapes = {v.name: list(a.shape) for v, a in zip(runtime_inputs, inputs)}
    bf16 = onnx.TensorProto.BFLOAT16
    inputs = [a.astype("<u2").view(BF16) if t == bf16 and a.dtype != BF16 else a
              for a, t in zip(inputs, declared)]
    outputs = [a.astype("<u2").view(BF16)
               if v.type.tensor_type.elem_type == bf16 and a.dtype != BF16 else a
               for a, v in zip(outputs, graph.output)]
    path = os.path.join(folder, "model.onnx")
    try:
        module = effai.import_onnx(path, input_shapes=shapes)
    except effai.CompileError as e:
        if "must be a constant" not in str(e):
            return name, "unsupported", str(e).splitlines()[-1].strip()
        # Axes, starts, pads... fed as inputs: freeze the integer inputs to
        # the test's values (what a user does with constants=).
        frozen = {v.name: a for v, a in zip(runtime_inputs, inputs)
                  if a.dtype.kind in "iu"}
        try:
            module = effai.import_onnx(
                path, constants=frozen,
                input_shapes={k: v for k, v in shapes.items() if k not in frozen})
        except effai.CompileError as e2:
            return name, "unsupported", str(e2).splitlines()[-1].strip()
        inputs = [a for v, a in zip(runtime_inputs, inputs)
                  if v.name not in frozen]
    if any(a.dtype not in MLIR_TYPES for a in inputs + outputs):
        return name, "unsupported", "element type"
    source = os.path.join(workdir, name + ".mlir")
    with open(source, "w") as f:
        f.write(splice(str(module), entry_function(inputs, outputs)))
    lowered = subprocess.run([effai_opt, source, "--effai-cpu-pipeline"],
                             capture_output=True, text=True, timeout=300)
    if lowered.returncode != 0:
        return name, "failed", "lowering: " + lowered.stderr.strip()[:300]
    ran = subprocess.run([runner, "-e", "entry", "-entry-point-result=void",
                          f"-shared-libs={libs}"], input=lowered.stdout,
                         capture_output=True, text=True, timeout=300)
    if ran.returncode != 0:
        return name, "failed", f"run: exit {ran.returncode} {ran.stderr[-300:]}"
    blocks = ran.stdout.split("Unranked Memref")[1:]
    if len(blocks) != len(outputs):
        return name, "failed", f"printed {len(blocks)} of {len(outputs)} outputs"
    for i, (block, expected) in enumerate(zip(blocks, outputs)):
        header, data = block.split("data =", 1)
        sizes = re.search(r"sizes = \[([^\]]*)\]", header).group(1)
        count = int(np.prod([int(v) for v in sizes.replace(",", " ").split()]))
        # The runner prints one element even for an empty memref.
        values = NUMBER.findall(data) if count else []
        actual = np.array([float(v) for v in values], dtype=np.float64)
        want = as_float64(expected).flatten()
        if actual.size != want.size:
            return name, "failed", f"output {i}: {actual.size} values, want {want.size}"
        if expected.dtype.kind in "iub" and expected.dtype != BF16:
            if expected.dtype.kind == "u" and expected.dtype.itemsize > 1:
                # Printed as signed (8-bit outputs were zero-extended).
                bits = expected.dtype.itemsize * 8
                actual = np.mod(actual, 2 ** bits)
            ok = np.array_equal(actual, want)
        else:
            ok = np.allclose(actual, want, rtol=1e-3, atol=1e-7, equal_nan=True)
        if not ok:
            close = (actual == want if expected.dtype.kind in "iub" and
                     expected.dtype != BF16 else
                     np.isclose(actual, want, rtol=1e-3, atol=1e-7,
                                equal_nan=True))
            worst = int(np.argmin(close))  # the first mismatch
            return name, "failed", (f"output {i}: element {worst} is "
                                    f"{actual[worst]}, want {want[worst]}")
    return name, "passed", ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("effai_opt")
    parser.add_argument("runner")
    parser.add_argument("libs")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--list")
    parser.add_argument("--workdir", default="/tmp/effai-node-tests")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    names = list(args.names)
    if args.list:
        with open(args.list) as f:
            names += [l.strip() for l in f if l.strip() and not l.startswith("#")]
    os.makedirs(args.workdir, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(args.j) as pool:
        results = list(pool.map(
            lambda n: run_test(n, args.effai_opt, args.runner, args.libs,
                               args.workdir), names))
    counts = {"passed": 0, "failed": 0, "unsupported": 0}
    for name, outcome, detail in results:
        counts[outcome] += 1
        print(f"{outcome.upper():11} {name} {detail}".rstrip())
    print(f"{counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['unsupported']} skipped")
    return 0 if counts["failed"] == 0 and counts["unsupported"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
