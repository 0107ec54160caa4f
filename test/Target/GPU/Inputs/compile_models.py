"""Compiles models with effai-compile --target=gpu --emit=cubin for sm_80
and sm_90 and prints ptxas's verdict per model: kernels, the most
registers one uses, spilled bytes, shared memory.

Usage: compile_models.py EFFAI_COMPILE WORKDIR [--resnet18]
The digits models come dense and compressed (int8 weights, int8 weights
and activations, power-of-two weights, 2:4 and 50% unstructured
sparsity); with --resnet18,
torchvision's ResNet-18 (random weights) too.
"""
import os
import re
import subprocess
import sys

import numpy as np

import effai

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "..", "..", "examples", "digits")
VARIANTS = {
    "fp32": None,
    "int8": "effai-quantize{weight-bits=8}",
    "int8-wa": "calibrate",
    "pow2": "effai-shift-quantize{terms=2 bits=4}",
    "2of4": "effai-prune{mode=nm n=2 m=4}",
    # 50% unstructured: a bitmap, walked from set bit to set bit.
    "bitmap": "effai-prune{mode=magnitude sparsity=0.5}",
}


def digits_models(workdir):
    calibration = np.load(os.path.join(DIGITS, "calibration_images.npy"))[:1]
    for name in ["mlp", "cnn"]:
        for variant, how in VARIANTS.items():
            module = effai.import_onnx(
                os.path.join(DIGITS, f"digits_{name}.onnx"),
                input_shapes={"input": [1, 1, 8, 8]})
            if how == "calibrate":
                effai.quantize(module, [calibration], weight_bits=8)
            elif how:
                module.run_pipeline(how)
            path = os.path.join(workdir, f"digits_{name}_{variant}.mlir")
            with open(path, "w") as f:
                f.write(str(module))
            yield f"digits-{name}-{variant}", path


def resnet18(workdir):
    import torch
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    path = os.path.join(workdir, "resnet18.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path,
                      input_names=["input"], output_names=["logits"],
                      opset_version=13)
    yield "resnet18", path


def main():
    effai_compile, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    models = (resnet18(workdir) if "--resnet18" in sys.argv
              else digits_models(workdir))
    status = 0
    for name, path in models:
        for chip in ["sm_80", "sm_90"]:
            run = subprocess.run(
                [effai_compile, path, "--target=gpu", f"--chip={chip}",
                 "--emit=cubin", "-o", os.path.join(workdir, "out.cubin")],
                capture_output=True, text=True)
            if run.returncode != 0:
                # stdout feeds FileCheck; stderr is what lit shows on failure.
                print(f"{name} {chip}: FAILED (exit {run.returncode})")
                print(f"{name} {chip}: effai-compile failed with exit "
                      f"{run.returncode}:\n{run.stderr}\n{run.stdout}",
                      file=sys.stderr)
                status = 1
                continue
            report = run.stdout
            kernels = len(re.findall(r"Compiling entry function", report))
            registers = max(map(int, re.findall(r"Used (\d+) registers",
                                                report)), default=0)
            spills = sum(map(int, re.findall(r"(\d+) bytes spill", report)))
            smem = max(map(int, re.findall(r"(\d+) bytes smem", report)),
                       default=0)
            print(f"{name} {chip}: {kernels} kernels, at most {registers} "
                  f"registers, {spills} bytes spilled, {smem} bytes shared")
    return status


if __name__ == "__main__":
    sys.exit(main())
