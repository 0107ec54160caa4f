#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora (scripts/fuzz.sh calls this).

  onnx-import        ONNX's node-test models and the digits models
  ir-parser          every .mlir file of the lit suite
  weight-codec       each distinct !effai.weight<...> type in the lit
                     suite, a NUL, and payload bytes
  npy                small arrays of every dtype the tools read
  runtime-metadata   metadata records of CPU, CUDA and FPGA artifacts

Usage: fuzz-seeds.py OUTDIR
"""

import glob
import io
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_DIR = "/usr/share/libonnx-testdata/data/node"


def seed_dir(out, target):
    path = os.path.join(out, target)
    os.makedirs(path, exist_ok=True)
    return path


def weight_types(text):
    """Each `!effai.weight<...>` in `text`, with its nested brackets."""
    start = text.find("!effai.weight<")
    while start >= 0:
        depth, end = 0, start + len("!effai.weight")
        while end < len(text):
            depth += {"<": 1, ">": -1}.get(text[end], 0)
            end += 1
            if depth == 0:
                break
        yield text[start:end]
        start = text.find("!effai.weight<", end)


def main():
    out = sys.argv[1]
    rng = random.Random(0)

    onnx_dir = seed_dir(out, "onnx-import")
    models = sorted(glob.glob(os.path.join(NODE_DIR, "*", "model.onnx")))
    models += sorted(glob.glob(os.path.join(ROOT, "examples/digits/*.onnx")))
    for path in models:
        name = os.path.basename(os.path.dirname(path)) + ".onnx"
        if path.startswith(ROOT):
            name = os.path.basename(path)
        shutil.copyfile(path, os.path.join(onnx_dir, name))

    ir_dir = seed_dir(out, "ir-parser")
    types = set()
    for path in sorted(glob.glob(os.path.join(ROOT, "test/**/*.mlir"),
                                 recursive=True)):
        with open(path, errors="replace") as f:
            text = f.read()
        # Test files hold several inputs split at `// -----`.
        for i, part in enumerate(text.split("// -----")):
            name = os.path.relpath(path, ROOT).replace("/", "_")
            with open(os.path.join(ir_dir, f"{name}.{i}"), "w") as f:
                f.write(part)
        types.update(t for t in weight_types(text) if "[[" not in t)

    codec_dir = seed_dir(out, "weight-codec")
    for i, t in enumerate(sorted(types)):
        payload = bytes(rng.randrange(256) for _ in range(256))
        with open(os.path.join(codec_dir, f"type{i}"), "wb") as f:
            f.write(t.encode() + b"\0" + payload)

    import numpy as np
    npy_dir = seed_dir(out, "npy")
    for dtype in ("f4", "f8", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4",
                  "u8", "?"):
        for shape in ((), (3,), (2, 3), (1, 2, 2, 2)):
            buffer = io.BytesIO()
            np.save(buffer, np.zeros(shape, dtype=dtype))
            name = f"{dtype.replace('?', 'b')}_{'x'.join(map(str, shape))}"
            with open(os.path.join(npy_dir, name + ".npy"), "wb") as f:
                f.write(buffer.getvalue())

    metadata_dir = seed_dir(out, "runtime-metadata")
    records = {
        "cpu": "effai-artifact 1\nversion 0.1.0\nthreading openmp\n"
               "workspace 768\ninput input float 4 1 1 8 8\n"
               "output logits float 2 1 10\nprofile /layers/layers.1/Gemm\n",
        "cuda": "effai-artifact 1\nversion 0.1.0\nthreading none\n"
                "workspace 0\ndevice cuda\nchip sm_90\nimage ptx 4096\n"
                "constants 256\nkernel main_kernel_0\n"
                "input x uint8 4 1 3 8 8\noutput y int32 2 1 10\n",
        "fpga": "effai-artifact 1\nversion 0.1.0\nthreading none\n"
                "workspace 64\ndevice fpga-rtl\nclock 100000000\n"
                "input x int8 4 1 1 8 8\noutput y int8 2 1 10\n",
    }
    for name, text in records.items():
        with open(os.path.join(metadata_dir, name), "w") as f:
            f.write(text)
    for target in sorted(os.listdir(out)):
        print(f"{target}: {len(os.listdir(os.path.join(out, target)))} seeds")


if __name__ == "__main__":
    main()
