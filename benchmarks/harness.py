"""What the benchmark scripts share: where effai's tools are, ONNX Runtime
(npm onnxruntime-node, timed inside node by ort_bench.js) and the seeded
torchvision ResNet-18 export. Import it after removing OPENBLAS_CORETYPE
from the environment (see the scripts' first lines)."""

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
sys.path.insert(0, os.path.join(BUILD, "python_packages"))


def tool(name):
    return os.path.join(BUILD, "bin", name)


def ensure_onnxruntime():
    package = os.path.join(HERE, ".node", "node_modules", "onnxruntime-node")
    if not os.path.isdir(package):
        # Its install script downloads binaries the package already ships.
        subprocess.run(["npm", "install", "--ignore-scripts", "--prefix",
                        os.path.join(HERE, ".node"), "onnxruntime-node"],
                       check=True, capture_output=True)


def run_ort(onnx_path, x, threads, reps, workdir):
    """ONNX Runtime's median latency (ms) on `x` and its first outputs."""
    raw = os.path.join(workdir, os.path.basename(onnx_path) + ".f32")
    x.astype("<f4").tofile(raw)
    shape = "x".join(map(str, x.shape))
    text = subprocess.run(
        ["node", os.path.join(HERE, "ort_bench.js"), onnx_path, "input", raw,
         shape, str(threads), str(reps)], check=True, capture_output=True,
        text=True).stdout
    result = json.loads(text)
    return result["median_ms"], np.array(result["output"], np.float32)


def resnet18(workdir):
    """torchvision's ResNet-18 with seeded random weights, exported to
    ONNX (opset 13); returns (model, path, input)."""
    import torch
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(
        np.float32)
    path = os.path.join(workdir, "resnet18.onnx")
    torch.onnx.export(model, torch.from_numpy(x), path, input_names=["input"],
                      output_names=["logits"], opset_version=13)
    return model, path, x
