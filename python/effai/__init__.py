"""effai: an MLIR compiler for pruned, quantized and shift-add networks.

Import an ONNX model, inspect or transform its IR with the same pass
pipelines as ``effai-opt``::

    import effai
    module = effai.import_onnx("model.onnx")
    module.run_pipeline("canonicalize,effai-annotate-cost")
    print(module)

Every failure raises :class:`CompileError`, which carries the compiler's
diagnostics (severity, location, message).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _effai

__all__ = ["CompileError", "Diagnostic", "Module", "import_onnx"]


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

    def save(self, path: Union[str, os.PathLike]) -> None:
        """Writes the textual IR to ``path``."""
        with open(path, "w") as f:
            f.write(str(self))


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
