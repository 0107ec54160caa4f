#!/usr/bin/env python3
"""Runs the GPU kit (prepare_kit.py) on a machine with a GPU and PyTorch:
checks every artifact's outputs against effai's CPU path, then times it
against PyTorch on the same device, and prints one table.

    python3 benchmarks/gpu/run_kit.py [--kit .gpu-kit] [--runs 100]
                                      [--json results.json] [--no-check]

Needs numpy (and torch for the peers); not MLIR: the kit carries the
runtime. Timings, per model, medians over --runs calls after warm-up:
  effai kernels   CUDA events around the model's kernels (effai_run),
  effai call      one effai_run: input copy in, kernels, output copy out,
  torch kernels   CUDA events around the PyTorch module, input on device,
  torch call      input copied in, module, output copied out, synchronized.
A peer's per-call floor is the x+1 model ("floor"). Ratios below 1 mean
effai is faster. With a stand-in driver (EFFAI_CUDA_DRIVER) nothing is
computed, so --no-check skips the comparison and the peers are skipped
when torch sees no GPU.
"""

import argparse
import importlib.util
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

import kit_models  # noqa: E402


def load_runtime(kit):
    """The kit's effai_runtime.py, which loads the libeffai_runtime.so
    beside it."""
    spec = importlib.util.spec_from_file_location(
        "effai_runtime", os.path.join(kit, "effai_runtime.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["effai_runtime"] = module  # dataclasses look it up
    spec.loader.exec_module(module)
    return module


def make_input(spec):
    if spec["kind"] == "digits":
        return np.load(os.path.join(ROOT, "examples", "digits",
                                    "test_images.npy"))[:spec["count"]]
    if spec["kind"] == "resnet18":
        return kit_models.resnet18_input(spec["batch"])
    if spec["kind"] == "linear":
        return kit_models.linear_input(spec["batch"], spec["features"])
    return kit_models.pattern(tuple(spec["shape"]), 1.0, spec["offset"])


def check(got, want, rtol):
    """Max error relative to the largest expected value; whether it is
    within `rtol` (0: bit for bit)."""
    scale = max(float(np.abs(want).max()), 1e-30)
    error = float(np.abs(got.astype(np.float64) - want).max()) / scale
    ok = np.array_equal(got, want) if rtol == 0 else error <= rtol
    return error, bool(ok)


def time_effai(exe, x, runs):
    for _ in range(3):
        exe(x)
    calls, kernels = [], []
    for _ in range(runs):
        start = time.perf_counter()
        exe(x)
        calls.append(time.perf_counter() - start)
        kernels.append(exe.kernel_seconds())
    return float(np.median(kernels)) * 1e3, float(np.median(calls)) * 1e3


def torch_peer(spec):
    """(callable on a device tensor, dtype to feed) for a peer spec, or
    None when it has no PyTorch twin."""
    import torch
    import torch.nn.functional as F
    kind = spec["kind"]
    if kind == "add_one":
        return lambda x: x + 1, torch.float32
    if kind == "resnet18":
        return kit_models.resnet18_torch().cuda(), torch.float32
    if kind in ("digits_mlp", "digits_cnn"):
        sys.path.insert(0, os.path.join(ROOT, "examples", "digits"))
        import train_digits
        cls = train_digits.MLP if kind == "digits_mlp" else train_digits.CNN
        return kit_models.set_pattern_weights(cls().eval()).cuda(), \
            torch.float32
    if kind == "linear" and spec["variant"] == "w8a8":
        # The int8 GEMM alone (cuBLASLt through torch._int_mm; B column-
        # major), fed int8 activations: timing only.
        features = spec["features"]
        weight = torch.randint(-128, 128, (features, features),
                               dtype=torch.int8).cuda().t()
        try:
            torch._int_mm(torch.zeros(spec["batch"], features,
                                      dtype=torch.int8).cuda(), weight)
        except RuntimeError as error:
            print(f"no torch._int_mm peer: {error}")
            return None
        return (lambda x: torch._int_mm(x, weight)), torch.int8
    if kind == "linear":
        features = spec["features"]
        weight = torch.from_numpy(kit_models.pattern(
            (features, features), features ** -0.5)).t().contiguous()
        bias = torch.from_numpy(kit_models.pattern((features,), 0.1, 1))
        dtype = {"fp32": torch.float32, "int8": torch.float16,
                 "pow2": torch.float16, "f16": torch.float16}[spec["variant"]]
        weight, bias = weight.cuda().to(dtype), bias.cuda().to(dtype)
        return (lambda x: F.linear(x, weight, bias)), dtype
    return None


def time_torch(peer, x, runs):
    import torch
    module, dtype = peer
    host = torch.from_numpy(x).to(dtype)
    device = host.cuda()
    with torch.no_grad():
        for _ in range(3):
            module(device)
        torch.cuda.synchronize()
        kernels, calls = [], []
        for _ in range(runs):
            start, stop = (torch.cuda.Event(enable_timing=True),
                           torch.cuda.Event(enable_timing=True))
            start.record()
            module(device)
            stop.record()
            torch.cuda.synchronize()
            kernels.append(start.elapsed_time(stop))
            begin = time.perf_counter()
            module(host.cuda()).cpu()
            calls.append((time.perf_counter() - begin) * 1e3)
        out = module(device).float().cpu().numpy()
    return float(np.median(kernels)), float(np.median(calls)), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", default=os.path.join(ROOT, ".gpu-kit"))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--json")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--only", help="comma-separated name prefixes")
    args = parser.parse_args()

    runtime = load_runtime(args.kit)
    name, chip = runtime.cuda_device()
    print(f"device 0: {name} ({chip}); kit built for "
          f"{json.load(open(os.path.join(args.kit, 'manifest.json')))['chip']}")
    try:
        import torch
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32
        torch.backends.cudnn.allow_tf32 = False
        have_torch = torch.cuda.is_available()
        if have_torch:
            print(f"PyTorch {torch.__version__} on "
                  f"{torch.cuda.get_device_name(0)}")
    except ImportError:
        have_torch = False
    if not have_torch:
        print("PyTorch sees no GPU: no peers")

    with open(os.path.join(args.kit, "manifest.json")) as f:
        manifest = json.load(f)
    scratch = tempfile.mkdtemp(prefix="effai-kit-")
    results, failures = [], 0
    try:
        for entry in manifest["models"]:
            if args.only and not any(entry["name"].startswith(p)
                                     for p in args.only.split(",")):
                continue
            artifact = os.path.join(scratch, entry["name"] + ".so")
            with lzma.open(os.path.join(args.kit, entry["name"] + ".so.xz")) \
                    as source, open(artifact, "wb") as target:
                shutil.copyfileobj(source, target)
            x = make_input(entry["inputs"])
            exe = runtime.load(artifact)
            got = exe(x)
            row = {"name": entry["name"], "batch": int(x.shape[0])}
            want = np.load(os.path.join(args.kit,
                                        entry["name"] + ".expected.npy"))
            row["error"], row["ok"] = check(got, want, entry["check"]["rtol"])
            if args.no_check:
                row["ok"] = None
            elif not row["ok"]:
                failures += 1
            row["effai_kernels_ms"], row["effai_call_ms"] = time_effai(
                exe, x, args.runs)
            exe.close()
            os.remove(artifact)
            peer = torch_peer(entry["peer"]) if have_torch and entry["peer"] \
                else None
            if peer:
                (row["torch_kernels_ms"], row["torch_call_ms"],
                 reference) = time_torch(peer, x, args.runs)
                row["torch_dtype"] = str(peer[1]).replace("torch.", "")
                if entry["peer"]["kind"] in ("resnet18", "add_one") or (
                        entry["peer"]["kind"] == "linear"
                        and entry["peer"]["variant"] in ("fp32", "f16")):
                    row["vs_torch_error"] = check(got, reference, 1e-4)[0]
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print("\n| model | batch | effai kernels (ms) | effai call (ms) | "
          "PyTorch kernels (ms) | PyTorch call (ms) | kernels effai / PyTorch "
          "| check (max error / max) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in results:
        torch_k = row.get("torch_kernels_ms")
        peer = (f"{torch_k:.4f} ({row['torch_dtype']})" if torch_k
                else "-")
        ratio = (f"{row['effai_kernels_ms'] / torch_k:.2f}" if torch_k
                 else "-")
        verdict = {True: "ok", False: "FAILED", None: "unchecked"}[row["ok"]]
        print(f"| {row['name']} | {row['batch']} | "
              f"{row['effai_kernels_ms']:.4f} | {row['effai_call_ms']:.4f} | "
              f"{peer} | {row.get('torch_call_ms', float('nan')):.4f} | "
              f"{ratio} | {verdict} ({row['error']:.1e}) |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": name, "chip": chip, "results": results}, f,
                      indent=1)
    if failures:
        print(f"{failures} model(s) disagree with the CPU path")
        sys.exit(1)


if __name__ == "__main__":
    main()
