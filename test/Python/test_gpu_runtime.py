# The GPU runtime path from Python without a GPU: effai.compile(target="gpu")
# builds the artifact, and the runtime drives it through a stand-in CUDA
# driver that checks every call (PTX entries, parameter counts, device
# pointers) but computes nothing. What this shows is the plumbing: device
# buffers, launches, copies, CUDA-event timing and the errors; the numbers
# are checked on a real GPU (test_gpu_execution.py) and, for the kernels,
# by emulation (test_gpu_emulation.py).
# RUN: env EFFAI_CUDA_DRIVER=%fake_cuda_driver %python -m pytest -q -p no:cacheprovider %s

import os

import numpy as np
import pytest

import effai

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                      "digits")
IMAGES = np.load(os.path.join(DIGITS, "test_images.npy"))[:4]


def compile_cnn(**options):
    return effai.compile(os.path.join(DIGITS, "digits_cnn.onnx"),
                         input_shapes={"input": list(IMAGES.shape)},
                         target="gpu", **options)


def test_runs_through_the_driver():
    assert effai.runtime.cuda_device() == ("effai fake CUDA device", "sm_90")
    exe = compile_cnn()
    assert exe.device == "cuda"
    logits = exe(IMAGES)
    # The stand-in computes nothing: device memory starts zeroed.
    assert logits.shape == (4, 10) and logits.dtype == np.float32
    assert exe.kernel_seconds() == pytest.approx(0.25e-3)
    with pytest.raises(effai.ExecutionError,
                       match="input 0 'input' must be float, got double"):
        exe(IMAGES.astype(np.float64))


def test_cpu_models_have_no_kernel_time():
    exe = effai.compile(os.path.join(DIGITS, "digits_mlp.onnx"),
                        input_shapes={"input": [1, 1, 8, 8]})
    assert exe.device == "cpu"
    with pytest.raises(effai.ExecutionError, match="runs on the CPU"):
        exe.kernel_seconds()


def test_chip_follows_the_device(monkeypatch):
    monkeypatch.setenv("EFFAI_FAKE_CUDA_CC", "8.6")
    assert effai.runtime.cuda_device()[1] == "sm_86"
    assert compile_cnn().device == "cuda"  # compiled for sm_80, runs
    with pytest.raises(effai.ExecutionError,
                       match="was compiled for sm_90 and device 0 'effai fake "
                             "CUDA device' is sm_86: compile it with "
                             "--chip=sm_80"):
        compile_cnn(chip="sm_90")


def test_no_device(monkeypatch):
    monkeypatch.setenv("EFFAI_FAKE_CUDA_DEVICES", "0")
    with pytest.raises(effai.ExecutionError, match="no CUDA device"):
        effai.runtime.cuda_device()
    with pytest.raises(effai.ExecutionError,
                       match="runs on a CUDA GPU and there is none"):
        compile_cnn(chip="sm_90")


def test_bad_options():
    with pytest.raises(effai.CompileError, match="embedded as ptx or cubin"):
        compile_cnn(gpu_binary="sass")
    with pytest.raises(effai.CompileError, match="unknown target 'sm_61'"):
        compile_cnn(chip="sm_61")


def test_build_without_loading(tmp_path, monkeypatch):
    # A GPU artifact built where no driver loads, run later elsewhere.
    monkeypatch.setenv("EFFAI_FAKE_CUDA_DEVICES", "0")
    path = tmp_path / "cnn.so"
    effai.build(os.path.join(DIGITS, "digits_cnn.onnx"), path, target="gpu",
                chip="sm_80", input_shapes={"input": list(IMAGES.shape)})
    monkeypatch.setenv("EFFAI_FAKE_CUDA_DEVICES", "1")
    exe = effai.load(path)
    assert exe.device == "cuda" and exe(IMAGES).shape == (4, 10)
