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

Usage: run_node_tests.py [--list F | --all | NAMES...] [--expect F] [--table]
                         [--parallel] [--downgrade-to N]
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


def downgrade(path, opset):
    """`path`'s model converted down to `opset` (a temporary file; `path`
    itself when the test is at `opset` or older), or raises ValueError
    saying why ONNX cannot. The conversion runs in a forked child: ONNX
    1.12's converter segfaults on some models (Split-13 to 12)."""
    import tempfile
    import onnx
    from onnx import version_converter
    original = onnx.load(path)
    current = next(o.version for o in original.opset_import
                   if o.domain in ("", "ai.onnx"))
    if current <= opset:
        return path
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
        raise ValueError(f"downgrade: ONNX's converter crashed (signal "
                         f"{os.WTERMSIG(status)})")
    if os.WEXITSTATUS(status) != 0:
        with open(why_path) as f:
            raise ValueError("downgrade: " + f.read())
    return out


def run_one(name):
    """(outcome, detail) of one node test."""
    import effai
    import numpy as np
    import onnx
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
    if DOWNGRADE_TO:
        try:
            path = downgrade(path, DOWNGRADE_TO)
        except ValueError as e:
            return "unsupported", str(e)
    try:
        module = effai.import_onnx(path, input_shapes=shapes)
    except effai.CompileError as e:
        if "must be a constant" not in str(e):
            return "unsupported", str(e).splitlines()[-1].strip()
        # Axes, starts, pads... fed as inputs: freeze the integer inputs to
        # the test's values (what a user does with constants=).
        frozen = {v.name: a for v, a in zip(runtime_inputs, first)
                  if a.dtype.kind in "iu"}
        try:
            module = effai.import_onnx(
                path, constants=frozen,
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*")
    parser.add_argument("--list", help="file with one test name per line")
    parser.add_argument("--all", action="store_true", help="every node test")
    parser.add_argument("--expect", help="tests that must pass")
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
    chunks = [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
    import concurrent.futures
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.j) as pool:
        for chunk_results in pool.map(run_chunk, chunks):
            results.update(chunk_results)
    counts = collections.Counter()
    for name in names:
        outcome, detail = results[name]
        counts[outcome] += 1
        print(f"{outcome.upper():11} {name} {detail}".rstrip())
    if args.table:
        print_table(results)
    print(f"{counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['unsupported']} unsupported, {counts['crashed']} crashed")
    status = 0
    if args.expect:
        regressions = [n for n in read_list(args.expect)
                       if results.get(n, ("missing",))[0] != "passed"]
        for name in regressions:
            print(f"REGRESSION  {name}: expected to pass, "
                  f"{results.get(name, ('not run', ''))[0]}")
        status = 1 if regressions else 0
    return 1 if counts["crashed"] else status


if __name__ == "__main__":
    sys.exit(main())
