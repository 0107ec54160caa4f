#!/usr/bin/python3
"""Runs ONNX's node tests end to end: import, AOT-compile, run, compare.

For each test folder under /usr/share/libonnx-testdata/data/node: import
model.onnx with the Python API (static shapes from the test's inputs;
integer inputs that must be constants — axes, starts, pads — are frozen to
the test's values), compile it to a shared object with effai.compile, run
every test_data_set_* through the runtime and compare with output_*.pb under
ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7 for floats; integers and
booleans exact).

Outcomes: passed, failed (numerics or a compile error after a successful
import), unsupported (refused at import with a diagnostic, or test data that
is not a tensor) and crashed (the worker process died). Tests run in worker
processes, so a crash costs one test, not the run.

With --downgrade-to N, each model is first converted down to opset N with
ONNX's version converter (tests it cannot convert are unsupported), so
effai's upgrade of old opsets is tested on the same data.

With --every-opset, each test that passes at its own opset runs again at
every older opset where one of its ops has another version in ONNX 1.12
(named TEST@N: the model converted down to opset N, which keeps the test's
semantics; tests the converter cannot take there are unsupported), and
--coverage prints, for every op effai imports (effai.onnx_ops()), which of
its versions a passing test exercised.

Usage: run_node_tests.py [--list F | --all | NAMES...] [--expect F]...
                         [--table] [--parallel] [--downgrade-to N]
                         [--every-opset [--coverage]]
With --expect, every test listed there must pass (exit 1 otherwise).
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys

NODE_DIR = "/usr/share/libonnx-testdata/data/node"
CHUNK = 16


def load_tensor(path):
    import onnx
    from onnx import numpy_helper
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    array = numpy_helper.to_array(tensor)
    if tensor.data_type == onnx.TensorProto.BFLOAT16:
        return array.astype("<u2")  # raw bits, as the runtime exchanges them
    return array


def bf16_to_float(bits):
    import numpy as np
    return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def compare(actual, expected, is_bf16):
    """None if `actual` matches, else what differs."""
    import numpy as np
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, want {expected.shape}"
    if is_bf16:
        actual, expected = bf16_to_float(actual), bf16_to_float(expected)
    if expected.dtype.kind in "iub" and not is_bf16:
        close = actual == expected
    else:
        close = np.isclose(actual.astype(np.float64),
                           expected.astype(np.float64), rtol=1e-3, atol=1e-7,
                           equal_nan=True)
    if close.all():
        return None
    worst = int(np.argmin(close.flatten()))  # the first mismatch
    return (f"element {worst} is {actual.flatten()[worst]}, "
            f"want {expected.flatten()[worst]}")


PARALLEL = os.environ.get("EFFAI_NODE_TESTS_PARALLEL") == "1"
# A GPU chip: the kernels of the GPU path, run as host loops.
EMULATE_GPU = os.environ.get("EFFAI_NODE_TESTS_EMULATE_GPU") or None
# An old opset to convert each model down to first.
DOWNGRADE_TO = int(os.environ.get("EFFAI_NODE_TESTS_DOWNGRADE_TO") or 0)


# Version changes ONNX's schemas do not show (the same inputs, outputs and
# attributes, another meaning): op -> the versions that made them.
SILENT_CHANGES = {
    "Gather": {11},                   # negative indices
    "Softmax": {13}, "LogSoftmax": {13},  # no 2-D coercion
    "Resize": {11, 13},               # coordinate modes
}
# Broadcasting came in these versions: older ones mean the same when the
# node's operands need none.
BROADCAST_SINCE = {"PRelu": 7, "Sum": 8, "Max": 8, "Min": 8, "Mean": 8}
# Attributes older versions had and later ones dropped, harmless when left
# out: an optimization hint; per-channel batch norm (spatial=1, the only
# later meaning); legacy broadcasting (`broadcast`, `axis`: off by default;
# on, with B's shape a suffix of A's, where the test broadcasts).
DROPPED_ATTRIBUTES = {"consumed_inputs", "spatial", "broadcast", "axis"}
# Axes may be negative from opset 11 on.
AXIS_ATTRIBUTES = ("axis", "axes")


def _ints(array):
    return [int(v) for v in array.flatten()]


def _floats(array):
    return [float(v) for v in array.flatten()]


# Inputs that older versions took as attributes: op -> (the version that
# made them inputs, [(input index, attribute name, value -> attribute)]).
INPUTS_WERE_ATTRIBUTES = {
    "Clip": (11, [(1, "min", float), (2, "max", float)]),
    "Pad": (11, [(1, "pads", _ints), (2, "value", float)]),
    "Split": (13, [(1, "split", _ints)]),
    "Squeeze": (13, [(1, "axes", _ints)]),
    "Unsqueeze": (13, [(1, "axes", _ints)]),
    "ReduceSum": (13, [(1, "axes", _ints)]),
    "Slice": (10, [(1, "starts", _ints), (2, "ends", _ints),
                   (3, "axes", _ints)]),
    "Reshape": (5, [(1, "shape", _ints)]),
    "Upsample": (9, [(1, "scales", _floats)]),
}


def restamp(model, opset, inputs):
    """`model` with its default-domain opset renumbered to `opset`, when
    every node means the same under that opset's versions of its ops; for
    version pairs ONNX's converter has no adapter for (most: ONNX 1.12
    converts down only some ops). Inputs that older versions took as
    attributes (INPUTS_WERE_ATTRIBUTES) move there, their values from the
    initializers or `inputs` (the first data set: those graph inputs become
    initializers). Attributes a node leaves out must default the same (or
    be DROPPED_ATTRIBUTES), no silent change may lie in between
    (SILENT_CHANGES; broadcasting, BROADCAST_SINCE, only where the shapes
    need none; negative axes before 11), and ONNX's checker must accept
    the node's inputs, outputs, attributes and types there. Returns (model,
    {frozen input: value}); raises ValueError saying why not."""
    import numpy as np
    import onnx
    from onnx import defs, helper, numpy_helper, shape_inference
    current = default_opset(model)
    model_copy = onnx.ModelProto()
    model_copy.CopyFrom(model)
    model = model_copy
    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inferred = shape_inference.infer_shapes(model).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(inferred.input) + list(inferred.output) +
              list(inferred.value_info)}
    frozen = {}

    def value_of(name, freeze=True):
        if name in constants:
            return constants[name]
        if name in inputs:
            if freeze:
                frozen[name] = inputs[name]
            return inputs[name]
        raise ValueError(f"input '{name}' is not a constant")

    def needs_broadcast(node):
        out = shapes.get(node.output[0])
        operands = [n for n in node.input if n]
        if node.op_type == "Gemm":
            operands = operands[2:]
        return any(shapes.get(n) != out for n in operands)

    for node in graph.node:
        new = defs.get_schema(node.op_type, current, node.domain)
        try:
            old = defs.get_schema(node.op_type, opset, node.domain)
        except Exception:
            raise ValueError(f"{node.op_type} does not exist at opset {opset}")
        if old.since_version == new.since_version:
            continue
        what = f"{node.op_type}-{new.since_version} to -{old.since_version}"
        between = lambda v: old.since_version < v <= new.since_version
        if any(between(v) for v in SILENT_CHANGES.get(node.op_type, ())):
            axis = next((a.i for a in node.attribute if a.name == "axis"),
                        None)
            rank = len(shapes.get(node.input[0], []))
            same = (node.op_type == "Gather" and
                    (value_of(node.input[1], freeze=False) >= 0).all()) or (
                node.op_type in ("Softmax", "LogSoftmax") and
                axis is not None and axis % max(rank, 1) == rank - 1)
            if not same:  # (a softmax over the last axis is one either way)
                raise ValueError(f"{what}: the meaning changed in between")
        if (between(BROADCAST_SINCE.get(node.op_type, 0)) and
                needs_broadcast(node)):
            raise ValueError(f"{what}: broadcasting came in between")
        if opset < 11 and any(a.name in AXIS_ATTRIBUTES and
                              (a.i < 0 or any(v < 0 for v in a.ints))
                              for a in node.attribute):
            raise ValueError(f"{what}: negative axes need opset 11")
        since, moved = INPUTS_WERE_ATTRIBUTES.get(node.op_type, (0, []))
        if between(since):
            if node.op_type == "Slice" and len(node.input) > 4 and any(
                    v != 1 for v in _ints(value_of(node.input[4]))):
                raise ValueError(f"{what}: steps other than 1")
            for index, attribute, convert in moved:
                if index < len(node.input) and node.input[index]:
                    node.attribute.append(helper.make_attribute(
                        attribute, convert(value_of(node.input[index]))))
            del node.input[1:]
        for attribute in node.attribute:  # renamed or retyped since
            if node.op_type == "Pad" and old.since_version < 2 and (
                    attribute.name == "pads"):
                attribute.name = "paddings"
            if (node.op_type == "Cast" and old.since_version < 6 and
                    attribute.name == "to"):
                attribute.CopyFrom(helper.make_attribute(
                    "to", onnx.TensorProto.DataType.Name(attribute.i)))
        if (node.op_type == "BatchNormalization" and "is_test" in
                old.attributes):  # inference, what later versions default to
            node.attribute.append(helper.make_attribute("is_test", 1))
        given = {a.name for a in node.attribute}
        given |= {attribute for _, attribute, _ in moved}
        for name, attr in old.attributes.items():
            if name in given:
                continue
            later = new.attributes.get(name)
            if later is None and name in DROPPED_ATTRIBUTES:
                if name == "broadcast" and needs_broadcast(node):
                    # Legacy broadcasting: B's shape a suffix of A's.
                    a, b = (shapes.get(n) for n in node.input[:2])
                    if (node.op_type == "Gemm" or len(node.input) != 2 or
                            a != shapes.get(node.output[0]) or
                            a[len(a) - len(b):] != b):
                        raise ValueError(f"{what}: not a legacy broadcast")
                    node.attribute.append(helper.make_attribute(name, 1))
                continue
            if later is None or (attr.default_value.SerializeToString() !=
                                 later.default_value.SerializeToString()):
                raise ValueError(f"{what}: attribute '{name}' defaults "
                                 f"differently")
    for name, value in frozen.items():
        graph.initializer.append(numpy_helper.from_array(value, name))
    kept = [v for v in graph.input if v.name not in frozen]
    del graph.input[:]
    graph.input.extend(kept)
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            entry.version = opset
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:
        raise ValueError(str(e).splitlines()[0][-150:])
    return model, frozen


def downgrade(path, opset, inputs=None):
    """(`path`'s model converted down to `opset` (a temporary file; `path`
    itself when the test is at `opset` or older) by ONNX's version
    converter, else re-stamped (restamp(), with `inputs`), {the inputs it
    froze}), or raises ValueError saying why neither can. The conversion
    runs in a forked child: ONNX 1.12's converter segfaults on some models
    (Split-13 to 12)."""
    import tempfile
    import onnx
    from onnx import version_converter
    original = onnx.load(path)
    current = next(o.version for o in original.opset_import
                   if o.domain in ("", "ai.onnx"))
    if current <= opset:
        return path, {}
    handle, out = tempfile.mkstemp(suffix=".onnx")
    os.close(handle)
    why_path = out + ".why"
    pid = os.fork()
    if pid == 0:
        try:
            converted = version_converter.convert_version(original, opset)
            onnx.checker.check_model(converted)
            onnx.save(converted, out)
            os._exit(0)
        except Exception as e:
            with open(why_path, "w") as f:
                f.write(str(e).splitlines()[0][-150:])
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        why = f"ONNX's converter crashed (signal {os.WTERMSIG(status)})"
    elif os.WEXITSTATUS(status) != 0:
        with open(why_path) as f:
            why = f.read()
    else:
        return out, {}
    try:
        restamped, frozen = restamp(original, opset, inputs or {})
    except ValueError as e:
        raise ValueError(f"downgrade: {why}; re-stamp: {e}")
    onnx.save(restamped, out)
    return out, frozen


def default_opset(model):
    return next((o.version for o in model.opset_import
                 if o.domain in ("", "ai.onnx")), 0)


def op_versions(model, opset):
    """{(op, since_version)} of `model`'s default-domain nodes at `opset`
    (ONNX 1.12's schemas), or None when an op does not exist there."""
    from onnx import defs
    ops = {n.op_type for n in model.graph.node if n.domain in ("", "ai.onnx")}
    try:
        return frozenset((op, defs.get_schema(op, opset, "").since_version)
                         for op in ops)
    except Exception:  # SchemaError: no such op at `opset`
        return None


def older_opsets(name):
    """The opsets below `name`'s own, newest first, at which one of its ops
    has a different version than at the opset above: one run per distinct
    set of op versions."""
    import onnx
    model = onnx.load(os.path.join(NODE_DIR, name, "model.onnx"),
                      load_external_data=False)
    current = default_opset(model)
    previous, opsets = op_versions(model, current), []
    for opset in range(current - 1, 0, -1):
        versions = op_versions(model, opset)
        if versions is None:
            break
        if versions != previous:
            opsets.append(opset)
            previous = versions
    return opsets


def run_one(name):
    """(outcome, detail) of one node test (TEST@N: converted to opset N)."""
    import effai
    import numpy as np
    import onnx
    name, _, opset = name.partition("@")
    folder = os.path.join(NODE_DIR, name)
    path = os.path.join(folder, "model.onnx")
    graph = onnx.load(path, load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    runtime_inputs = [v for v in graph.input if v.name not in initializers]
    sets = sorted(glob.glob(os.path.join(folder, "test_data_set_*")))
    data = []
    for folder_set in sets:
        ins = [load_tensor(p) for p in
               sorted(glob.glob(os.path.join(folder_set, "input_*.pb")))]
        outs = [load_tensor(p) for p in
                sorted(glob.glob(os.path.join(folder_set, "output_*.pb")))]
        data.append((ins, outs))
    if not data:
        return "unsupported", "no test data"
    first = data[0][0]
    shapes = {v.name: list(a.shape) for v, a in zip(runtime_inputs, first)}
    frozen = {}
    if opset or DOWNGRADE_TO:
        try:
            path, frozen = downgrade(
                path, int(opset or DOWNGRADE_TO),
                {v.name: a for v, a in zip(runtime_inputs, first)})
        except ValueError as e:
            return "unsupported", str(e)
        shapes = {k: v for k, v in shapes.items() if k not in frozen}
    try:
        module = effai.import_onnx(path, input_shapes=shapes)
    except effai.CompileError as e:
        if not any(m in str(e) for m in ("must be a constant",
                                         "must be constants")):
            return "unsupported", str(e).splitlines()[-1].strip()
        # Axes, starts, pads, Range's bounds... fed as inputs: freeze the
        # integer and scalar inputs to the test's values (what a user does
        # with constants=).
        constants = {v.name: a for v, a in zip(runtime_inputs, first)
                     if (a.dtype.kind in "iu" or a.ndim == 0) and
                     v.name not in frozen}
        frozen = {**frozen, **constants}
        try:
            module = effai.import_onnx(
                path, constants=constants,
                input_shapes={k: v for k, v in shapes.items()
                              if k not in frozen})
        except effai.CompileError as e2:
            return "unsupported", str(e2).splitlines()[-1].strip()
    try:
        exe = effai.compile(module, parallel=PARALLEL, emulate_gpu=EMULATE_GPU)
    except effai.CompileError as e:
        return "failed", "compile: " + " | ".join(str(e).splitlines())[:300]
    bf16_outputs = [v.type.tensor_type.elem_type == onnx.TensorProto.BFLOAT16
                    for v in graph.output]
    for index, (ins, outs) in enumerate(data):
        feeds = [a for v, a in zip(runtime_inputs, ins) if v.name not in frozen]
        if any(not np.array_equal(a, frozen[v.name])
               for v, a in zip(runtime_inputs, ins) if v.name in frozen):
            continue  # this data set needs other constants
        try:
            results = exe(*feeds)
        except effai.ExecutionError as e:
            return "failed", f"data set {index}: {e}"
        if not isinstance(results, tuple):
            results = (results,)
        if len(results) != len(outs):
            return "failed", f"{len(results)} outputs, want {len(outs)}"
        for i, (actual, expected) in enumerate(zip(results, outs)):
            why = compare(actual, expected, bf16_outputs[i])
            if why:
                return "failed", f"data set {index} output {i}: {why}"
    exe.close()
    return "passed", ""


def worker(names):
    """Runs `names` in this process, one JSON line per finished test."""
    for name in names:
        try:
            outcome, detail = run_one(name)
        except Exception as e:  # e.g. test data that is not a tensor
            outcome, detail = "unsupported", f"harness: {type(e).__name__}: {e}"
        print(json.dumps([name, outcome, detail]), flush=True)


def run_chunk(names):
    """Runs `names` in worker processes; a worker that dies marks the test
    it was running as crashed and the rest go to a new worker."""
    results = {}
    pending = list(names)
    while pending:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker"] + pending, capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            name, outcome, detail = json.loads(line)
            results[name] = (outcome, detail)
        pending = [n for n in pending if n not in results]
        if pending and proc.returncode != 0:
            signal = -proc.returncode if proc.returncode < 0 else None
            why = (f"signal {signal}" if signal else
                   f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}")
            results[pending[0]] = ("crashed", why)
            pending = pending[1:]
    return results


def op_of(name):
    import onnx
    name = name.partition("@")[0]
    graph = onnx.load(os.path.join(NODE_DIR, name, "model.onnx"),
                      load_external_data=False).graph
    return graph.node[0].op_type if len(graph.node) == 1 else (
        "(expanded) " + name.split("_expanded")[0][5:]
        if name.endswith("_expanded") else
        ",".join(sorted({n.op_type for n in graph.node})))


def print_table(results):
    per_op = collections.defaultdict(collections.Counter)
    for name, (outcome, _) in results.items():
        per_op[op_of(name)][outcome] += 1
    print(f"{'op':40} {'passed':>7} {'failed':>7} {'unsupp.':>7} {'crashed':>7}")
    total = collections.Counter()
    for op in sorted(per_op):
        c = per_op[op]
        total.update(c)
        print(f"{op[:40]:40} {c['passed']:7} {c['failed']:7} "
              f"{c['unsupported']:7} {c['crashed']:7}")
    print(f"{'TOTAL':40} {total['passed']:7} {total['failed']:7} "
          f"{total['unsupported']:7} {total['crashed']:7}")


def print_coverage(results):
    """For each op effai imports, its versions in ONNX 1.12 and those a
    passing test ran at; the uncovered ones are listed."""
    import effai
    import onnx
    from onnx import defs
    covered = set()
    for name, (outcome, _) in results.items():
        if outcome != "passed":
            continue
        base, _, opset = name.partition("@")
        model = onnx.load(os.path.join(NODE_DIR, base, "model.onnx"),
                          load_external_data=False)
        covered |= op_versions(model, int(opset or default_opset(model)))
    print(f"{'op':28} {'versions (ONNX 1.12)':26} not run")
    total = run = 0
    for op in sorted(effai.onnx_ops()):
        versions = sorted(
            {v for opset in range(1, defs.onnx_opset_version() + 1)
             if (v := _live_version(op, opset))})
        missing = [v for v in versions if (op, v) not in covered]
        total += len(versions)
        run += len(versions) - len(missing)
        print(f"{op:28} {' '.join(map(str, versions)):26} "
              f"{' '.join(map(str, missing)) or '-'}")
    print(f"op versions run: {run} of {total}")


def _live_version(op, opset):
    """The version of `op` ONNX 1.12 defines at `opset`; None when there is
    none or it is deprecated."""
    from onnx import defs
    try:
        schema = defs.get_schema(op, opset, "")
    except Exception:  # SchemaError: no such op at `opset`
        return None
    return None if schema.deprecated else schema.since_version


def run_all(names, jobs):
    chunks = [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
    import concurrent.futures
    results = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for chunk_results in pool.map(run_chunk, chunks):
            results.update(chunk_results)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*")
    parser.add_argument("--list", help="file with one test name per line")
    parser.add_argument("--all", action="store_true", help="every node test")
    parser.add_argument("--expect", action="append", default=[],
                        help="tests that must pass (repeatable)")
    parser.add_argument("--table", action="store_true",
                        help="print pass/fail counts per op")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parallel", action="store_true",
                        help="compile with OpenMP threading")
    parser.add_argument("--emulate-gpu", metavar="CHIP",
                        help="compile through the GPU path for CHIP (sm_80, "
                             "sm_90) with its kernels run as host loops")
    parser.add_argument("--downgrade-to", type=int, metavar="OPSET",
                        help="convert each model down to OPSET first")
    parser.add_argument("--every-opset", action="store_true",
                        help="rerun each passing test at every older opset "
                             "where its ops have other versions")
    parser.add_argument("--coverage", action="store_true",
                        help="print the op versions passing tests ran at")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.worker:
        worker(args.names)
        return 0

    if args.parallel:  # the workers read it from their environment
        os.environ["EFFAI_NODE_TESTS_PARALLEL"] = "1"
    if args.emulate_gpu:
        os.environ["EFFAI_NODE_TESTS_EMULATE_GPU"] = args.emulate_gpu
    if args.downgrade_to:
        os.environ["EFFAI_NODE_TESTS_DOWNGRADE_TO"] = str(args.downgrade_to)

    def read_list(path):
        with open(path) as f:
            return [l.split(":")[0].strip() for l in f
                    if l.strip() and not l.startswith("#")]
    names = list(args.names)
    if args.list:
        names += read_list(args.list)
    if args.all:
        names += sorted(os.listdir(NODE_DIR))
    results = run_all(names, args.j)
    if args.every_opset:
        older = [f"{name}@{opset}" for name in names
                 if results[name][0] == "passed"
                 for opset in older_opsets(name)]
        results.update(run_all(older, args.j))
        names += older
    counts = collections.Counter()
    for name in names:
        outcome, detail = results[name]
        counts[outcome] += 1
        print(f"{outcome.upper():11} {name} {detail}".rstrip())
    if args.table:
        print_table(results)
    if args.coverage:
        print_coverage(results)
    print(f"{counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['unsupported']} unsupported, {counts['crashed']} crashed")
    status = 0
    if args.expect:
        regressions = [n for path in args.expect for n in read_list(path)
                       if results.get(n, ("missing",))[0] != "passed"]
        for name in regressions:
            print(f"REGRESSION  {name}: expected to pass, "
                  f"{results.get(name, ('not run', ''))[0]}")
        status = 1 if regressions else 0
    return 1 if counts["crashed"] else status


if __name__ == "__main__":
    sys.exit(main())
