#!/usr/bin/python3
"""ResNet-18 end to end: export torchvision's resnet18 (seeded random
weights, no download) to ONNX, compile and run it with effai-run, and
compare the logits with PyTorch's.

Usage: resnet18_check.py EFFAI_RUN WORKDIR [--parallel]
Prints the error and 'resnet18: PASS' when max|effai - torch| <= 1e-4 *
max|torch| and every logit is within rtol 1e-4 / atol 1e-5.
"""

import os
import subprocess
import sys

import numpy as np
import torch
import torchvision


def main():
    effai_run, workdir = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    os.makedirs(workdir, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(
        np.float32)
    onnx_path = os.path.join(workdir, "resnet18.onnx")
    torch.onnx.export(model, torch.from_numpy(x), onnx_path,
                      input_names=["input"], output_names=["logits"],
                      opset_version=13)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    np.save(os.path.join(workdir, "input.npy"), x)
    out_dir = os.path.join(workdir, "out")
    run = subprocess.run(
        [effai_run, onnx_path, "--input", os.path.join(workdir, "input.npy"),
         "--output-dir", out_dir, "--cache-dir",
         os.path.join(workdir, "cache")] + extra,
        capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.stdout.write(run.stderr)
        return 1
    got = np.load(os.path.join(out_dir, "logits.npy"))
    error = float(np.abs(got - want).max() / np.abs(want).max())
    close = np.allclose(got, want, rtol=1e-4, atol=1e-5)
    print(f"resnet18: logits {got.shape}, top-1 effai {int(got.argmax())} "
          f"torch {int(want.argmax())}, max|effai - torch| / max|torch| = "
          f"{error:.2e}, allclose(rtol=1e-4, atol=1e-5) = {close}")
    ok = error <= 1e-4 and close and got.argmax() == want.argmax()
    print("resnet18: PASS" if ok else "resnet18: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
