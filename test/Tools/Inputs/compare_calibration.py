"""Prints whether effai-calibrate's ranges (in DIR/{mlp,pctl,entropy}.mlir)
and Gram matrices (DIR/grams.mlir) equal the Python API's on the same model
and data."""
import os
import re
import sys

import numpy as np

import effai

digits, out = sys.argv[1], sys.argv[2]
images = np.load(os.path.join(digits, "calibration_images.npy"))
pattern = re.compile(r"effai\.input_range = array<f64: ([^>]*)>")
for method, name, shape, kwargs in [
        ("minmax", "mlp", [1, 1, 8, 8], {}),
        ("percentile", "pctl", list(images.shape), {"percentile": 99.9}),
        ("entropy", "entropy", list(images.shape), {})]:
    module = effai.import_onnx(os.path.join(digits, "digits_mlp.onnx"),
                               input_shapes={"input": shape})
    samples = list(images[:, None]) if shape[0] == 1 else [images]
    effai.calibrate(module, samples, method=method, **kwargs)
    with open(os.path.join(out, f"{name}.mlir")) as f:
        cli = pattern.findall(f.read())
    python = pattern.findall(str(module))
    assert cli == python and cli, (method, cli, python)
    print(f"{method}: {len(cli)} ranges equal")

# effai-calibrate --input-grams on the digits CNN (DIR/grams.mlir): the same
# Gram matrices as effai.record_input_grams.
gram = re.compile(r"effai\.input_gram = (dense<[^>]*> : tensor<[^>]*>)")
module = effai.import_onnx(os.path.join(digits, "digits_cnn.onnx"),
                           input_shapes={"input": [1, 1, 8, 8]})
effai.record_input_grams(module, list(images[:, None]))
with open(os.path.join(out, "grams.mlir")) as f:
    cli = gram.findall(f.read())
python = gram.findall(str(module))
assert cli == python and cli, "Gram matrices differ"
print(f"input grams: {len(cli)} equal")
