#!/usr/bin/python3
"""Builds the GPU kit on this machine (which has LLVM/MLIR and no GPU) for
run_kit.py to run on a GPU machine (which has a GPU, PyTorch and no
MLIR): GPU artifacts of the models to measure, the effai runtime that runs
them, and the CPU path's outputs to check them against.

    /usr/bin/python3 benchmarks/gpu/prepare_kit.py [--kit .gpu-kit] [--quick]
                                                   [--chip sm_90]

The kit (git-ignored) holds:
  libeffai_runtime.so, effai_runtime.py   the runtime and its ctypes layer
  NAME.so.xz                              each artifact, xz-compressed
  NAME.expected.npy                       effai's CPU outputs on the inputs
  manifest.json                           models, inputs, checks, peers
Inputs are regenerated on the GPU side (kit_models.pattern, or the digits
test split that travels with the repository). --quick builds only the
small models (the lit test of the kit uses it).
"""

import argparse
import json
import lzma
import os
import shutil
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
# $PYTHONPATH first (lit sets it), else this checkout's build.
sys.path.append(os.path.join(ROOT, "build", "python_packages"))

import effai  # noqa: E402
import kit_models  # noqa: E402

DIGITS = os.path.join(ROOT, "examples", "digits")
DIGIT_VARIANTS = {
    "fp32": None,
    "int8": "effai-quantize{weight-bits=8}",
    "pow2": "effai-shift-quantize{terms=2 bits=4}",
    "2of4": "effai-prune{mode=nm n=2 m=4}",
    "int8wa": "calibrate",
}
LINEAR_VARIANTS = {
    "fp32": None,
    "int8": "effai-quantize{weight-bits=8}",
    "pow2": "effai-shift-quantize{terms=1 bits=4}",
    # Integer from layer to layer (u8 x s8 -> s32): tensor cores (mma.sync)
    # once the batch is a multiple of 16.
    "w8a8": "integer",
    # f16 weights and activations summed in f32: tensor cores (mma.sync
    # m16n8k16) once the batch is a multiple of 16.
    "f16": "half",
}
#: Checks against the CPU path: bit for bit for integers, within f16
#: rounding (sums added in another order) for f16.
LINEAR_RTOL = {"w8a8": 0, "f16": 2e-3}


def digits_module(name, variant, batch):
    module = effai.import_onnx(os.path.join(DIGITS, f"digits_{name}.onnx"),
                               input_shapes={"input": [batch, 1, 8, 8]})
    how = DIGIT_VARIANTS[variant]
    if how == "calibrate":
        # One batch of the model's size, from the first 64 calibration images.
        calibration = np.load(os.path.join(DIGITS, "calibration_images.npy"))
        effai.quantize(module, [np.resize(calibration[:64], (batch, 1, 8, 8))],
                       weight_bits=8)
    elif how:
        module.run_pipeline(how)
    return module


def resnet18_module(batch):
    import io
    import torch
    model = kit_models.resnet18_torch()
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.zeros(batch, 3, 224, 224), buffer,
                      input_names=["input"], output_names=["logits"],
                      opset_version=13)
    return effai.import_onnx(buffer.getvalue())


def linear_module(batch, features, variant):
    module = effai.import_onnx(kit_models.linear_onnx(
        batch, features, half=variant == "f16"))
    if variant == "w8a8":
        effai.quantize(module, [kit_models.linear_input(batch, features)],
                       weight_bits=8, integer_only=True)
    elif LINEAR_VARIANTS[variant] not in (None, "half"):
        module.run_pipeline(LINEAR_VARIANTS[variant])
    return module


def linear_entry(batch, features, variant):
    return (f"linear{features}_{variant}_b{batch}",
            lambda: linear_module(batch, features, variant),
            {"kind": "linear", "batch": batch, "features": features},
            {"rtol": LINEAR_RTOL.get(variant, 1e-5)},
            {"kind": "linear", "batch": batch, "features": features,
             "variant": variant})


def entries(quick):
    """(name, module builder, input spec, check, peer) per kit model."""
    test_split = {"kind": "digits", "count": 360}
    yield ("floor", lambda: effai.import_onnx(_add_one()),
           {"kind": "pattern", "shape": [1, 16], "offset": 3},
           {"rtol": 0}, {"kind": "add_one"})
    for name in ["mlp", "cnn"]:
        for variant in DIGIT_VARIANTS:
            yield (f"digits_{name}_{variant}",
                   lambda n=name, v=variant: digits_module(n, v, 360),
                   test_split,
                   {"rtol": 0} if variant == "int8wa" else {"rtol": 1e-5},
                   {"kind": f"digits_{name}"} if variant == "fp32" else None)
        yield (f"digits_{name}_fp32_b1",
               lambda n=name: digits_module(n, "fp32", 1),
               {"kind": "digits", "count": 1}, {"rtol": 1e-5},
               {"kind": f"digits_{name}"})
    # Small layers on tensor cores.
    yield linear_entry(64, 1024, "w8a8")
    yield linear_entry(64, 1024, "f16")
    if quick:
        return
    for batch in [1, 32]:
        yield (f"resnet18_b{batch}", lambda b=batch: resnet18_module(b),
               {"kind": "resnet18", "batch": batch}, {"rtol": 1e-4},
               {"kind": "resnet18", "batch": batch})
    for batch in [1, 4, 16]:
        for variant in ["fp32", "int8", "pow2", "f16"]:
            yield linear_entry(batch, 8192, variant)
    for batch in [64, 256]:
        yield linear_entry(batch, 8192, "w8a8")
        yield linear_entry(batch, 8192, "f16")


def _add_one():
    from models import add_one
    return add_one(16)[0]


def make_input(spec):
    """The same inputs run_kit.py builds."""
    if spec["kind"] == "digits":
        return np.load(os.path.join(DIGITS, "test_images.npy"))[:spec["count"]]
    if spec["kind"] == "resnet18":
        return kit_models.resnet18_input(spec["batch"])
    if spec["kind"] == "linear":
        return kit_models.linear_input(spec["batch"], spec["features"])
    return kit_models.pattern(tuple(spec["shape"]), 1.0, spec["offset"])


def copy_runtime(kit):
    """The runtime library and its ctypes layer, as the effai package
    ships them."""
    package = os.path.dirname(effai.runtime.__file__)
    shutil.copyfile(os.path.realpath(os.path.join(package,
                                                  "libeffai_runtime.so")),
                    os.path.join(kit, "libeffai_runtime.so"))
    shutil.copyfile(os.path.join(package, "runtime.py"),
                    os.path.join(kit, "effai_runtime.py"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", default=os.path.join(ROOT, ".gpu-kit"))
    parser.add_argument("--chip", default="sm_90")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.kit, exist_ok=True)
    copy_runtime(args.kit)
    manifest = {"chip": args.chip, "models": []}
    scratch = tempfile.mkdtemp(prefix="effai-kit-")
    try:
        for name, build_module, inputs, check, peer in entries(args.quick):
            start = time.time()
            module = build_module()
            artifact = os.path.join(scratch, name + ".so")
            effai.build(module, artifact, target="gpu", chip=args.chip)
            with open(artifact, "rb") as source, \
                    lzma.open(os.path.join(args.kit, name + ".so.xz"), "wb",
                              preset=1) as target:
                shutil.copyfileobj(source, target)
            expected = effai.compile(module)(make_input(inputs))
            np.save(os.path.join(args.kit, name + ".expected.npy"), expected)
            manifest["models"].append({"name": name, "inputs": inputs,
                                       "check": check, "peer": peer})
            size = os.path.getsize(os.path.join(args.kit, name + ".so.xz"))
            print(f"{name}: {os.path.getsize(artifact) / 1e6:.1f} MB, "
                  f"{size / 1e6:.2f} MB compressed, {time.time() - start:.1f} s",
                  flush=True)
            os.remove(artifact)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with open(os.path.join(args.kit, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(args.kit, f))
                for f in os.listdir(args.kit))
    print(f"kit: {args.kit}, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
