"""effai: an MLIR compiler for pruned, quantized and shift-add networks.

Import an ONNX model, inspect or transform its IR with the same pass
pipelines as ``effai-opt``, compile it and run it::

    import effai
    module = effai.import_onnx("model.onnx")
    module.run_pipeline("canonicalize,effai-annotate-cost")
    print(module)
    exe = effai.compile(module)      # or effai.compile("model.onnx")
    y = exe(x)                       # NumPy in, NumPy out
    exe.save("model.so")             # effai.load("model.so") later

Every failure raises :class:`CompileError`, which carries the compiler's
diagnostics (severity, location, message).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _effai
from . import runtime
from .runtime import ExecutionError, Executable, TensorInfo, load

__all__ = ["CompileError", "CompileWarning", "Diagnostic", "ExecutionError", "Executable",
           "FrontPoint", "HybridReport", "Module", "TensorInfo", "build",
           "calibrate", "compile",
           "hybrid", "hybrid_front", "import_onnx", "load", "onnx_ops",
           "pareto",
           "roofline_us",
           "quantize", "record_input_grams"]


@dataclass(frozen=True)
class Diagnostic:
    """One compiler message."""

    severity: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


class CompileError(Exception):
    """Raised when importing, parsing, verifying or a pipeline fails."""

    def __init__(self, what: str, diagnostics: Sequence[Diagnostic]):
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        lines = [what] + [f"  {d}" for d in self.diagnostics]
        super().__init__("\n".join(lines))


class CompileWarning(UserWarning):
    """A compiler warning on a model that still compiled (e.g. an op the
    tiling chose a kernel for that keeps plain loops, and why)."""


def _diagnostics(records) -> List[Diagnostic]:
    return [Diagnostic(*record) for record in records]


class Module:
    """An MLIR module holding effai IR (one ``func.func`` per model)."""

    def __init__(self, native: "_effai.Module"):
        self._native = native

    @staticmethod
    def parse(text: str) -> "Module":
        """Parses textual IR (what ``str(module)`` or effai-opt print)."""
        native, records = _effai.parse_module(text)
        if native is None:
            raise CompileError("failed to parse IR", _diagnostics(records))
        return Module(native)

    def __str__(self) -> str:
        return str(self._native)

    def verify(self) -> None:
        """Checks every op's invariants; raises CompileError if any fails."""
        records = self._native.verify()
        errors = [d for d in _diagnostics(records) if d.severity == "error"]
        if errors:
            raise CompileError("verification failed", errors)

    def run_pipeline(self, pipeline: str) -> "Module":
        """Runs a pass pipeline in place, with effai-opt's syntax, e.g.
        ``"canonicalize,effai-annotate-cost"`` or
        ``"builtin.module(func.func(canonicalize))"``. Returns ``self``."""
        ok, records = self._native.run_pipeline(pipeline)
        if not ok:
            raise CompileError(f"pipeline '{pipeline}' failed",
                               _diagnostics(records))
        return self

    def weight_bytes(self) -> int:
        """Bytes the model's packed weights take: every ``effai.pack``
        payload at its storage width (values plus sparse indices)."""
        return self._native.weight_payload_bytes()

    def save(self, path: Union[str, os.PathLike]) -> None:
        """Writes the textual IR to ``path``, with its locations: the ONNX
        node names layer reports and profiles of the file are named after
        (``str(module)`` leaves them out)."""
        with open(path, "w") as f:
            f.write(self._native.text(debug_info=True))


ModelLike = Union[str, os.PathLike, bytes, "onnx.ModelProto"]  # noqa: F821


def import_onnx(model: ModelLike,
                input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
                constants: Optional[Mapping[str, object]] = None,
                ) -> Module:
    """Imports an ONNX model: a file path, serialized bytes, or an
    ``onnx.ModelProto``. ``input_shapes`` gives static shapes to graph
    inputs with dynamic dimensions, e.g. ``{"input": [1, 3, 224, 224]}``.
    ``constants`` freezes graph inputs to values (numpy arrays or
    ``onnx.TensorProto``s), e.g. ``{"axes": np.array([1])}``: they become
    initializers, so shapes and constant operands follow from them.
    External-data initializers are read next to the model file."""
    shapes: Dict[str, List[int]] = {
        name: [int(d) for d in dims] for name, dims in (input_shapes or {}).items()
    }
    frozen: Dict[str, bytes] = {}
    for name, value in (constants or {}).items():
        if not hasattr(value, "SerializeToString"):
            from onnx import numpy_helper
            value = numpy_helper.from_array(value, name)
        frozen[name] = value.SerializeToString()
    external_dir = ""
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        with open(path, "rb") as f:
            data = f.read()
        source = path
        external_dir = os.path.dirname(os.path.abspath(path))
    elif isinstance(model, (bytes, bytearray)):
        data, source = bytes(model), "<bytes>"
    elif hasattr(model, "SerializeToString"):
        data, source = model.SerializeToString(), "<ModelProto>"
    else:
        raise TypeError("import_onnx takes a path, bytes or an onnx.ModelProto,"
                        f" not {type(model).__name__}")
    native, records = _effai.import_onnx(data, source, shapes, frozen,
                                         external_dir)
    if native is None:
        raise CompileError(f"failed to import {source}", _diagnostics(records))
    return Module(native)


def onnx_ops() -> Dict[str, int]:
    """The ONNX operators (default domain) :func:`import_onnx` handles, each
    with the oldest opset it is imported at; models with opsets 1-6 are
    upgraded to 7 by ONNX's version converter first, so an op imported at
    7 also comes in from older models its converter can upgrade."""
    return dict(_effai.onnx_ops())


def compile(model: Union[Module, ModelLike],  # noqa: A001 (effai.compile)
            target: str = "cpu", **options) -> Executable:
    """Compiles a model ahead of time (see :func:`build` for ``model``,
    ``target`` and the options) and loads it.

    With ``target="gpu"`` the model loads on CUDA device 0 (``chip``
    defaults to the one it runs): calls copy inputs in and outputs out,
    and :meth:`Executable.kernel_seconds` times the kernels. Without a GPU
    the load raises :class:`ExecutionError` saying why.
    With ``target="fpga-csim"`` calls run the C simulation of the FPGA
    accelerator: :meth:`Executable.layer_cycles` gives each PE's counted
    cycles, and a deadlocked dataflow raises :class:`ExecutionError`.
    Raises :class:`CompileError`."""
    directory = tempfile.mkdtemp(prefix="effai-")
    path = os.path.join(directory, "model.so")
    try:
        report = _build(model, path, target, stacklevel=3, **options)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return Executable(path, _owned_dir=directory, _tiling_report=report)


def build(model: Union[Module, ModelLike], path: Union[str, os.PathLike],
          target: str = "cpu", **options) -> None:
    """Compiles a model ahead of time to the shared object at ``path``
    without loading it (``effai.load`` or ``effai_load`` runs it later,
    here or on another machine: a GPU artifact built where there is no
    GPU, say).

    ``model`` is a :class:`Module` (left unchanged), a ``.mlir`` file, or
    anything :func:`import_onnx` takes (``input_shapes`` and ``constants``
    are passed to it). Options:

    - ``machine``: the ``#effai.target`` tiling and code generation are
      for: ``"host"``, a preset (``"x86-avx2"``, ...) or a ``.json`` file
      (default: the module's target, else the host); for a GPU model, the
      CPU its host code runs on.
    - ``cpu``: re-derives the machine's ISA features for an LLVM CPU:
      ``"native"`` (the host and all its features), ``"generic"`` or a CPU
      name. ``opt_level``: LLVM's, 0-3 (3).
    - ``parallel``: ops on OpenMP threads where the tiling model predicts a
      gain. ``profile``: per-layer timers (:meth:`Executable.layer_times`,
      :meth:`Executable.report`). ``kernels=False``: plain loops instead of
      register-blocked CPU kernels (``effai-compile --kernels=false``).
    - ``emulate_gpu`` (``"sm_80"``, ``"sm_90"``): the GPU pipeline with its
      kernels run as host loops, which tests the GPU tiling and mapping on
      a machine without a GPU.
    - ``target="gpu"``: kernels for ``chip`` (``"sm_80"``, ``"sm_90"``;
      default: the one CUDA device 0 runs, else ``"sm_90"``), embedded as
      PTX, or as a cubin with ``gpu_binary="cubin"``.
    - ``target="fpga-hls"``: an integer-only model (``quantize(...,
      integer_only=True)``) as a streaming accelerator folded for ``part``
      (``"xc7z020"``, ``"xczu9eg"``, ``"xcvu9p"``, ``"xcu250"``,
      ``"ice40up5k"``) within
      ``utilization`` of its resources: its Vitis HLS project is written
      into the directory ``path``. ``target="fpga-csim"``: that project's
      C simulation, as a shared object the runtime runs (``batch`` frames
      per call; default: the model's batch, 1 for a module that already
      holds an accelerator). ``target="fpga-verilog"``: the accelerator's
      Verilog design into the directory ``path``; ``target="fpga-rtl"``:
      that design simulated by Verilator, a shared object the runtime runs
      (``Executable.layer_cycles()["accelerator"]``: the clock cycles it
      took). ``target="fpga-synth"``: the design synthesized by yosys for
      the part's family into the directory ``path``, whose
      ``report.json`` is :func:`fpga_report`'s with each PE's
      ``"synthesized"`` LUT/FF/DSP/BRAM next to its estimated
      ``"resources"``; ``target="fpga-bitstream"`` (an iCE40 part): yosys,
      nextpnr-ice40 and icepack, the report's ``"place_and_route"`` giving
      the post-route Fmax and the bitstream's size.

    Raises :class:`CompileError`."""
    _build(model, os.fspath(path), target, stacklevel=3, **options)


def _build(model: Union[Module, ModelLike], path: str, target: str, *,
           stacklevel: int, machine: Optional[str] = None,
           cpu: Optional[str] = None, opt_level: int = 3,
           parallel: bool = False, profile: bool = False,
           input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
           constants: Optional[Mapping[str, object]] = None,
           emulate_gpu: Optional[str] = None, kernels: bool = True,
           chip: Optional[str] = None, gpu_binary: str = "ptx",
           **fpga) -> Optional[str]:
    """Compiles to `path`; returns the tiling report (JSON)."""
    if target not in ("cpu", "gpu", "fpga-hls", "fpga-csim", "fpga-verilog",
                      "fpga-rtl", "fpga-synth", "fpga-bitstream"):
        raise ValueError(f"target {target!r} is not supported (supported: "
                         "'cpu', 'gpu', 'fpga-hls', 'fpga-csim', "
                         "'fpga-verilog', 'fpga-rtl', 'fpga-synth', "
                         "'fpga-bitstream')")
    if target.startswith("fpga-"):
        _build_for_fpga(_as_module(model, input_shapes, constants), path,
                        target, **fpga)
        return None
    if fpga:
        raise TypeError(f"{', '.join(fpga)}: options of the FPGA targets")
    gpu = ""
    if target == "gpu":
        if emulate_gpu:
            raise ValueError("emulate_gpu compiles for the CPU; drop "
                             "target='gpu'")
        gpu = chip or _default_chip()
    module = _as_module(model, input_shapes, constants)
    ok, error, records, report = module._native.compile_to_shared_object(
        path, machine or "", cpu or "", int(opt_level), bool(parallel),
        bool(profile), emulate_gpu or "", bool(kernels), gpu, gpu_binary)
    if not ok:
        what = f"the GPU ({gpu})" if gpu else "the CPU"
        raise CompileError(f"compiling for {what} failed: {error}",
                           _diagnostics(records))
    for diagnostic in _diagnostics(records):
        if diagnostic.severity == "warning":
            warnings.warn(str(diagnostic), CompileWarning,
                          stacklevel=stacklevel)
    return report


def _as_module(model: Union[Module, ModelLike],
               input_shapes: Optional[Mapping[str, Sequence[int]]],
               constants: Optional[Mapping[str, object]]) -> Module:
    """A Module, a .mlir file or anything import_onnx takes, as a Module."""
    if isinstance(model, Module):
        return model
    if (isinstance(model, (str, os.PathLike))
            and os.fspath(model).endswith(".mlir")):
        with open(model) as f:
            return Module.parse(f.read())
    return import_onnx(model, input_shapes=input_shapes, constants=constants)


def _build_for_fpga(module: Module, path: str, target: str, *,
                    part: str = "xczu9eg", utilization: float = 0.8,
                    batch: int = 0) -> None:
    ok, error, records = module._native.compile_for_fpga(
        path, part, float(utilization), target[len("fpga-"):], int(batch))
    if not ok:
        raise CompileError(f"compiling for the FPGA ({part}) failed: {error}",
                           _diagnostics(records))


def fpga_report(model: Union[Module, ModelLike], part: str = "xczu9eg",
                utilization: float = 0.8) -> dict:
    """The per-PE report of ``model`` (an integer-only model, or one
    holding a folded accelerator) folded for the FPGA ``part``: per PE its
    precision, arithmetic, folding, DSP/LUT/FF/BRAM/URAM and cycles per
    frame, and per accelerator the totals against the part, the frame
    interval, frames per second at the part's clock and the latency (what
    ``effai-translate --fpga-report`` prints). Raises
    :class:`CompileError`."""
    import json
    module = _as_module(model, None, None)
    text, error, records = module._native.fpga_report(part,
                                                      float(utilization))
    if not text:
        raise CompileError(f"no FPGA report for {part}: {error}",
                           _diagnostics(records))
    return json.loads(text)


def format_fpga_report(report: dict) -> str:
    """:func:`fpga_report`'s report as the readable table
    ``effai-translate --fpga-report-table`` prints."""
    import json
    return _effai.format_fpga_report(json.dumps(report))


def _default_chip() -> str:
    """The preset for CUDA device 0 (sm_90 from Hopper on, sm_80 before),
    sm_90 when there is no device."""
    try:
        _, chip = runtime.cuda_device()
    except ExecutionError:
        return "sm_90"
    return "sm_90" if int(chip[3:]) >= 90 else "sm_80"


def _observe_inputs(module: Module, samples: Sequence[object], caller: str):
    """The values each compressible op's input took on ``samples``: one
    list of flat float32 arrays (one per sample) per op, in walk order."""
    import numpy as np
    observer = Module.parse(str(module)).run_pipeline(
        "effai-expose-activations")
    exe = compile(observer)
    observed = [i for i, info in enumerate(exe.outputs)
                if info.name.startswith("effai.activation.")]
    seen: List[List[object]] = [[] for _ in observed]
    for sample in samples:
        args = sample if isinstance(sample, (tuple, list)) else (sample,)
        outputs = exe(*args)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        for slot, index in enumerate(observed):
            seen[slot].append(np.asarray(outputs[index], np.float32).ravel())
    if observed and not seen[0]:
        raise ValueError(f"{caller} needs at least one sample")
    return seen


def record_input_grams(module: Module, samples: Sequence[object]) -> Module:
    """Observes the inputs of the compressible ops on ``samples`` (as
    :func:`calibrate` does) and records each linear and conv2d input's Gram
    matrix ``E[x xᵀ]`` over the vectors its weight multiplies (rows, or conv
    patches) as ``effai.input_gram``. The weight quantizers
    (``effai-quantize``, ``-shift-quantize``, ``-focused-quantize``) and
    magnitude pruning then feed each rounding (or pruning) error forward
    onto the weights not yet rounded, as GPTQ/SparseGPT do, which lowers
    the layer's output error on data like ``samples``. Depthwise and
    grouped convolutions get none. Returns ``module``, annotated in place.
    The command-line twin is ``effai-calibrate --input-grams``."""
    import numpy as np
    seen = _observe_inputs(module, samples, "record_input_grams")
    module._native.record_input_grams(
        [np.concatenate(values) for values in seen])
    return module


def calibrate(module: Module, samples: Sequence[object],
              method: str = "minmax", percentile: float = 99.99) -> Module:
    """Observes the inputs of the compressible ops (linear, conv2d,
    depthwise_conv2d) on ``samples`` and records their ranges in the IR as
    ``effai.input_range`` (what ``effai-quantize{activations=int8}`` reads).

    ``samples`` holds calibration inputs: arrays for a one-input model, or
    tuples of arrays, each with the model's static input shapes.
    ``method`` is ``"minmax"`` (the extremes seen), ``"percentile"``
    (``percentile`` and ``100 - percentile`` of the values seen, which
    ignores rare outliers) or ``"entropy"`` (the minimum, and the upper clip
    whose 256-level histogram loses the least information, by KL
    divergence). Returns ``module``, annotated in place. The command-line
    twin is ``effai-calibrate --calibration x.npy``."""
    import numpy as np
    if method not in ("minmax", "percentile", "entropy"):
        raise ValueError(f"method must be 'minmax', 'percentile' or "
                         f"'entropy', not {method!r}")
    seen = _observe_inputs(module, samples, "calibrate")
    ranges: List[float] = []
    for values in seen:
        ranges += _effai.estimate_range(np.concatenate(values), method,
                                        float(percentile))
    text = ",".join(repr(r) for r in ranges)
    module.run_pipeline(f"effai-set-input-ranges{{ranges={text}}}")
    return module


def quantize(module: Module, samples: Sequence[object], weight_bits: int = 8,
             method: str = "minmax", percentile: float = 99.99,
             per_channel: bool = True, integer_only: bool = False) -> Module:
    """Post-training quantization: calibrates activation ranges on
    ``samples`` (see :func:`calibrate`), then quantizes weights to
    ``weight_bits`` (per output channel unless ``per_channel=False``) and
    the compressible ops' inputs to uint8, so they run integer-only.
    BatchNormalization is folded into the conv before it first
    (``effai-fold-batch-norm``), so that the folded weights are the ones
    quantized. With ``integer_only``, ReLU, max pooling and reshapes
    between layers run on the integer codes too and each layer returns the
    next one's codes (``effai-integerize``): only the model's input is
    quantized and its float outputs dequantized, as an accelerator streams
    it. Returns ``module``, rewritten in place."""
    module.run_pipeline("effai-fold-batch-norm")
    calibrate(module, samples, method=method, percentile=percentile)
    module.run_pipeline(
        f"effai-quantize{{weight-bits={int(weight_bits)} "
        f"per-channel={'true' if per_channel else 'false'} activations=int8}}")
    if integer_only:
        module.run_pipeline("effai-integerize")
    return module


from .hybrid import (FrontPoint, HybridReport, hybrid,  # noqa: E402
                     hybrid_front, pareto, roofline_us)  # (uses compile above)
