#!/usr/bin/python3
"""Transformers as PyTorch exports them, through effai.

Exports the models of test/Python/test_transformers.py (MultiheadAttention,
a 6-layer TransformerEncoder, a causal TransformerDecoderLayer, a nanoGPT
block and small BERT- and GPT-style models, the last three with dynamic
batch and sequence axes), imports each with effai-translate
--onnx-report-folding (fixing dynamic axes with --input-shape), compiles it,
compares it with PyTorch and prints what shape folding evaluated, per op.

Usage: PYTHONPATH=build/python_packages /usr/bin/python3 \\
         examples/transformers/import_transformers.py [build/bin/effai-translate]
"""

import collections
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Python"))
import effai  # noqa: E402
import test_transformers as models  # noqa: E402


def cases():
    """(name, model, export args, names, dynamic axes, opset, run args)."""
    x = torch.randn(1, 64, 256)
    yield ("MultiheadAttention 256/4", models.SelfAttention(256, 4), (x,),
           ["x"], None, 13, (x,))
    e = torch.randn(1, 32, 512)
    yield ("TransformerEncoder 6x512/8", models.encoder(512, 8, 6, False,
                                                        "relu"),
           (e,), ["x"], None, 13, (e,))
    d, m = torch.randn(2, 16, 64), torch.randn(2, 20, 64)
    yield ("TransformerDecoderLayer causal", models.CausalDecoderLayer(
        64, 4, False, "gelu"), (d, m), ["x", "memory"], None, 14, (d, m))
    axes = {0: "batch", 1: "sequence"}
    yield ("GPT block, dynamic axes", models.GPTBlock(256, 4), (x,), ["x"],
           {"x": axes}, 13, (torch.randn(4, 40, 256),))
    ids, pad = torch.randint(0, 100, (2, 24)), torch.zeros(2, 24,
                                                          dtype=torch.bool)
    run_ids, run_pad = torch.randint(0, 100, (4, 20)), torch.zeros(
        4, 20, dtype=torch.bool)
    run_pad[-1, 15:] = True
    yield ("BERT-style encoder, dynamic axes", models.TinyBERT(), (ids, pad),
           ["ids", "padding"], {"ids": axes, "padding": axes}, 13,
           (run_ids, run_pad))
    yield ("GPT-style decoder, dynamic axes", models.TinyGPT(),
           (torch.randint(0, 100, (1, 32)),), ["ids"], {"ids": axes}, 13,
           (torch.randint(0, 100, (4, 48)),))


def main():
    translate = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "build", "bin", "effai-translate")
    torch.manual_seed(0)
    table = collections.OrderedDict()
    worst = 0.0
    print(f"{'model':34} {'folded':>6} {'rounds':>6} {'max error':>10}")
    with tempfile.TemporaryDirectory() as work:
        for name, model, args, names, dynamic, opset, run_args in cases():
            onnx_bytes = models.export(model, args, names, dynamic, opset)
            path = os.path.join(work, "model.onnx")
            with open(path, "wb") as f:
                f.write(onnx_bytes)
            shapes = {n: list(a.shape) for n, a in zip(names, run_args)}
            flags = [f"--input-shape={n}=" + "x".join(map(str, s))
                     for n, s in shapes.items()]
            proc = subprocess.run(
                [translate, "--import-onnx", path, "-o", os.devnull,
                 "--onnx-report-folding", *flags],
                capture_output=True, text=True, check=True)
            remark = re.search(r"replaced (\d+) nodes? by constants in (\d+) "
                               r"rounds?(?:: ([^;\n]*))?", proc.stderr)
            folded = dict(
                (op, int(n)) for op, n in
                (part.rsplit(" ", 1) for part in
                 (remark.group(3) or "").split(", ") if part))
            table[name] = folded
            exe = effai.compile(onnx_bytes, input_shapes=shapes)
            with torch.no_grad():
                want = model(*run_args).numpy()
            got = exe(*[a.numpy() for a in run_args])
            err = np.abs(got - want).max() / np.abs(want).max()
            worst = max(worst, err)
            print(f"{name:34} {remark.group(1):>6} {remark.group(2):>6} "
                  f"{err:10.1e}")
    ops = sorted({op for folded in table.values() for op in folded})
    print("\nnodes folded at import, per op type:")
    print(f"{'op':16}" + "".join(f"{n.split(',')[0][:18]:>20}"
                                for n in table))
    for op in ops:
        print(f"{op:16}" + "".join(f"{table[n].get(op, 0):>20}"
                                    for n in table))
    if worst > 1e-4:
        sys.exit(f"a model is off PyTorch by {worst:.1e} of its largest output")
    print("every model matches PyTorch to 1e-4 of its largest output")


if __name__ == "__main__":
    main()
