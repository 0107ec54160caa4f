"""Load and run compiled effai models.

A thin ctypes layer over ``libeffai_runtime`` (the C runtime that ships in
this package): the same library C and C++ programs link, so Python sees the
same checks and errors. NumPy arrays in, NumPy arrays out::

    exe = effai.load("model.so")
    (logits,) = exe.run({"input": x}).values()
    logits = exe(x)
"""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

__all__ = ["ExecutionError", "Executable", "TensorInfo", "load"]


class ExecutionError(Exception):
    """Raised when loading or running a compiled model fails (bad artifact,
    wrong input count, dtype or shape)."""


# effai_dtype, in enum order (see runtime/include/effai/runtime.h). NumPy has
# no bfloat16: such tensors are exchanged as their raw uint16 bits.
_DTYPES = [np.float32, np.float64, np.float16, np.uint16, np.int8, np.int16,
           np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
           np.bool_]
_BFLOAT16 = 3


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class _CudaDevice(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int), ("name", ctypes.c_char * 256),
                ("major", ctypes.c_int), ("minor", ctypes.c_int),
                ("driver_version", ctypes.c_int)]


def _load_library() -> ctypes.CDLL:
    lib = ctypes.CDLL(os.path.join(os.path.dirname(__file__),
                                   "libeffai_runtime.so"))
    model_p = ctypes.c_void_p
    signatures = {
        "effai_load": (ctypes.c_int, [ctypes.c_char_p,
                                      ctypes.POINTER(model_p)]),
        "effai_unload": (None, [model_p]),
        "effai_last_error": (ctypes.c_char_p, []),
        "effai_num_inputs": (ctypes.c_size_t, [model_p]),
        "effai_num_outputs": (ctypes.c_size_t, [model_p]),
        "effai_input_info": (ctypes.c_int, [model_p, ctypes.c_size_t,
                                            ctypes.POINTER(ctypes.c_char_p),
                                            ctypes.POINTER(_Tensor)]),
        "effai_output_info": (ctypes.c_int, [model_p, ctypes.c_size_t,
                                             ctypes.POINTER(ctypes.c_char_p),
                                             ctypes.POINTER(_Tensor)]),
        "effai_model_version": (ctypes.c_char_p, [model_p]),
        "effai_workspace_bytes": (ctypes.c_size_t, [model_p]),
        "effai_is_threaded": (ctypes.c_int, [model_p]),
        "effai_set_num_threads": (ctypes.c_int, [model_p, ctypes.c_int32]),
        "effai_run": (ctypes.c_int, [model_p, ctypes.POINTER(_Tensor),
                                     ctypes.c_size_t, ctypes.POINTER(_Tensor),
                                     ctypes.c_size_t]),
        "effai_profile_count": (ctypes.c_size_t, [model_p]),
        "effai_profile_layer": (ctypes.c_int, [model_p, ctypes.c_size_t,
                                               ctypes.POINTER(ctypes.c_char_p),
                                               ctypes.POINTER(ctypes.c_double)]),
        "effai_profile_reset": (None, [model_p]),
        "effai_profile_layer_cycles": (ctypes.c_int, [
            model_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint64)]),
        "effai_model_device": (ctypes.c_char_p, [model_p]),
        "effai_kernel_seconds": (ctypes.c_int, [model_p,
                                                ctypes.POINTER(ctypes.c_double)]),
        "effai_cuda_probe": (ctypes.c_int, [ctypes.POINTER(_CudaDevice)]),
    }
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


_lib = _load_library()


def _check(status: int) -> None:
    if status != 0:
        raise ExecutionError(_lib.effai_last_error().decode())


@dataclass(frozen=True)
class TensorInfo:
    """An input or output of a compiled model."""

    name: str
    dtype: str  # ONNX's name: "float", "uint8", ...
    shape: Tuple[int, ...]

    @property
    def numpy_dtype(self) -> np.dtype:
        return np.dtype(_DTYPES[_DTYPE_CODES[self.dtype]])


_DTYPE_CODES = {"float": 0, "double": 1, "float16": 2, "bfloat16": 3,
                "int8": 4, "int16": 5, "int32": 6, "int64": 7, "uint8": 8,
                "uint16": 9, "uint32": 10, "uint64": 11, "bool": 12}
_DTYPE_NAMES = {code: name for name, code in _DTYPE_CODES.items()}


def _describe(model: ctypes.c_void_p, count: int, info_fn) -> List[TensorInfo]:
    infos = []
    for i in range(count):
        name = ctypes.c_char_p()
        tensor = _Tensor()
        _check(info_fn(model, i, ctypes.byref(name), ctypes.byref(tensor)))
        shape = tuple(tensor.shape[d] for d in range(tensor.rank))
        infos.append(TensorInfo(name.value.decode(),
                                _DTYPE_NAMES[tensor.dtype], shape))
    return infos


class Executable:
    """A compiled model loaded by the runtime. Call it with arrays in input
    order, or ``run`` it with a name -> array mapping."""

    def __init__(self, path: Union[str, os.PathLike],
                 _owned_dir: Optional[str] = None,
                 _tiling_report: Optional[str] = None):
        self._path = os.path.abspath(os.fspath(path))
        self._owned_dir = _owned_dir
        self._tiling_report = _tiling_report
        self._runs_timed = 0
        self._model = ctypes.c_void_p()
        _check(_lib.effai_load(self._path.encode(), ctypes.byref(self._model)))
        self.inputs: List[TensorInfo] = _describe(
            self._model, _lib.effai_num_inputs(self._model),
            _lib.effai_input_info)
        self.outputs: List[TensorInfo] = _describe(
            self._model, _lib.effai_num_outputs(self._model),
            _lib.effai_output_info)
        self.version: str = _lib.effai_model_version(self._model).decode()
        self.workspace_bytes: int = _lib.effai_workspace_bytes(self._model)
        self.threaded: bool = bool(_lib.effai_is_threaded(self._model))
        #: Where the model runs: "cpu", "cuda" (GPU artifacts; inputs and
        #: outputs are copied to and from device 0 on each call) or
        #: "fpga-csim" (the C simulation of an FPGA accelerator).
        self.device: str = _lib.effai_model_device(self._model).decode()

    @property
    def path(self) -> str:
        """The shared object this executable runs."""
        return self._path

    def set_num_threads(self, threads: int) -> None:
        """Threads for models compiled with ``parallel=True``."""
        _check(_lib.effai_set_num_threads(self._model, int(threads)))

    def layer_times(self) -> Dict[str, float]:
        """Seconds each layer took over all runs since loading or
        :meth:`reset_layer_times` (compile with ``profile=True``; empty
        otherwise)."""
        self._check_open()
        times: Dict[str, float] = {}
        name, seconds = ctypes.c_char_p(), ctypes.c_double()
        for index in range(_lib.effai_profile_count(self._model)):
            _check(_lib.effai_profile_layer(self._model, index,
                                            ctypes.byref(name),
                                            ctypes.byref(seconds)))
            times[name.value.decode()] = seconds.value
        return times

    def layer_cycles(self) -> Dict[str, int]:
        """Each layer's raw counter over all runs since loading or
        :meth:`reset_layer_times`: for an FPGA C simulation the cycles its
        PE counted (its II = 1 loop iterations, what the estimator
        predicts per frame times the frames run); CPU cycle counter ticks
        for a profiled CPU model."""
        self._check_open()
        cycles: Dict[str, int] = {}
        name, seconds = ctypes.c_char_p(), ctypes.c_double()
        count = ctypes.c_uint64()
        for index in range(_lib.effai_profile_count(self._model)):
            _check(_lib.effai_profile_layer(self._model, index,
                                            ctypes.byref(name),
                                            ctypes.byref(seconds)))
            _check(_lib.effai_profile_layer_cycles(self._model, index,
                                                   ctypes.byref(count)))
            cycles[name.value.decode()] = count.value
        return cycles

    def kernel_seconds(self) -> float:
        """For a GPU model: seconds its kernels took in the last call,
        between CUDA events (without the host-device copies)."""
        self._check_open()
        seconds = ctypes.c_double()
        _check(_lib.effai_kernel_seconds(self._model, ctypes.byref(seconds)))
        return seconds.value

    def reset_layer_times(self) -> None:
        self._check_open()
        _lib.effai_profile_reset(self._model)
        self._runs_timed = 0

    def report(self) -> dict:
        """The tiling report ``effai-compile --report`` writes: per layer its
        ops, shapes, MACs, bytes, intensity, bound, tiles and predicted time,
        plus, for a profiled model that has run since the last reset, the
        mean measured time and % of roofline. Draw it with
        :func:`effai.roofline.plot`."""
        import json
        if self._tiling_report is None:
            raise ExecutionError("no tiling report: the executable was "
                                 "loaded, not compiled by effai.compile")
        report = self._tiling_report
        times = self.layer_times()
        if times and self._runs_timed:
            from . import _effai
            report = _effai.add_measured_times(report, times,
                                               self._runs_timed)
        return json.loads(report)

    def _check_open(self) -> None:
        if self._model is None:
            raise ExecutionError("the executable is closed")

    def __call__(self, *arrays) -> Union[np.ndarray, Tuple[np.ndarray, ...]]:
        outputs = self._run(list(arrays))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def run(self, feeds: Mapping[str, object]) -> Dict[str, np.ndarray]:
        """Runs with inputs by name; returns outputs by name."""
        names = [info.name for info in self.inputs]
        unknown = sorted(set(feeds) - set(names))
        if unknown:
            raise ExecutionError(f"the model has no input named {unknown[0]!r}"
                                 f" (inputs: {names})")
        missing = [name for name in names if name not in feeds]
        if missing:
            raise ExecutionError(f"missing input {missing[0]!r}")
        outputs = self._run([feeds[name] for name in names])
        return {info.name: out for info, out in zip(self.outputs, outputs)}

    def _run(self, arrays: List[object]) -> List[np.ndarray]:
        self._check_open()
        if len(arrays) != len(self.inputs):
            raise ExecutionError(f"the model takes {len(self.inputs)} inputs,"
                                 f" got {len(arrays)}")
        keep = []
        inputs = (_Tensor * max(1, len(arrays)))()
        for i, (value, info) in enumerate(zip(arrays, self.inputs)):
            if isinstance(value, np.ndarray):
                array = np.asarray(value, order="C")
            else:  # Python scalars and lists take the declared dtype.
                array = np.asarray(value, dtype=info.numpy_dtype, order="C")
            code = _code_of(array.dtype, info)
            keep.append(array)
            inputs[i] = self._tensor(array, code, keep)
        results = [np.empty(info.shape, dtype=info.numpy_dtype)
                   for info in self.outputs]
        outputs = (_Tensor * max(1, len(results)))()
        for i, (array, info) in enumerate(zip(results, self.outputs)):
            outputs[i] = self._tensor(array, _DTYPE_CODES[info.dtype], keep)
        _check(_lib.effai_run(self._model, inputs, len(arrays), outputs,
                              len(results)))
        self._runs_timed += 1
        return results

    @staticmethod
    def _tensor(array: np.ndarray, code: int, keep: list) -> _Tensor:
        shape = (ctypes.c_int64 * max(1, array.ndim))(*array.shape)
        keep.append(shape)
        return _Tensor(array.ctypes.data, code, array.ndim, shape)

    def save(self, path: Union[str, os.PathLike]) -> None:
        """Copies the compiled shared object to ``path`` (load it later
        with :func:`effai.load` or from C with ``effai_load``)."""
        shutil.copyfile(self._path, os.fspath(path))

    def close(self) -> None:
        if self._model:
            _lib.effai_unload(self._model)
            self._model = None
        if self._owned_dir:
            shutil.rmtree(self._owned_dir, ignore_errors=True)
            self._owned_dir = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # Interpreter shutdown: nothing left to free.
            pass

    def __repr__(self) -> str:
        ins = ", ".join(f"{i.name}: {i.dtype}{list(i.shape)}"
                        for i in self.inputs)
        outs = ", ".join(f"{o.name}: {o.dtype}{list(o.shape)}"
                         for o in self.outputs)
        return f"<effai.Executable ({ins}) -> ({outs})>"


def _code_of(dtype: np.dtype, info: TensorInfo) -> int:
    """The runtime code of a NumPy dtype; the runtime rejects mismatches."""
    if info.dtype == "bfloat16" and dtype == np.uint16:
        return _BFLOAT16
    for code, candidate in enumerate(_DTYPES):
        if code != _BFLOAT16 and np.dtype(candidate) == dtype:
            return code
    raise ExecutionError(f"input {info.name!r} must be {info.dtype}, got "
                         f"numpy {dtype}")


def load(path: Union[str, os.PathLike]) -> Executable:
    """Loads a shared object written by effai-compile or
    ``Executable.save``."""
    return Executable(path)


def cuda_device() -> Tuple[str, str]:
    """CUDA device 0 as ``(name, chip)`` (``chip`` like ``"sm_90"``).
    Raises :class:`ExecutionError` saying why there is none (no driver, the
    toolkit's stub driver, no device)."""
    device = _CudaDevice()
    _check(_lib.effai_cuda_probe(ctypes.byref(device)))
    return device.name.decode(), f"sm_{device.major}{device.minor}"
