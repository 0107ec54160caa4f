# On a GPU: the digits models, dense and compressed, and ResNet-18 run on
# CUDA device 0 and compute what the CPU path computes: integer-only models
# bit for bit, float ones within 1e-5 relative (ResNet-18: 1e-4 of the
# largest logit, Winograd on the CPU against direct on the GPU).
# REQUIRES: cuda-device
# RUN: %python -m pytest -q -p no:cacheprovider %s

import os
import sys

import numpy as np
import pytest

import effai

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from digits_variants import VARIANTS, assert_matches, digit_images, load  # noqa: E402

IMAGES = digit_images()


@pytest.mark.parametrize("name", ["mlp", "cnn"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_gpu_matches_cpu(name, variant):
    module = load(name, variant, len(IMAGES))
    want = effai.compile(module)(IMAGES)
    exe = effai.compile(module, target="gpu")
    assert exe.device == "cuda"
    assert_matches(exe(IMAGES), want, variant)
    assert exe.kernel_seconds() > 0


def test_resnet18_gpu_matches_cpu():
    torch = pytest.importorskip("torch")
    torchvision = pytest.importorskip("torchvision")
    import io
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), buffer,
                      input_names=["input"], output_names=["logits"])
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224),
                                                 dtype=np.float32)
    module = effai.import_onnx(buffer.getvalue())
    want = effai.compile(module)(x)
    got = effai.compile(module, target="gpu")(x)
    assert np.abs(got - want).max() <= 1e-4 * np.abs(want).max()
