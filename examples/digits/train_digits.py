#!/usr/bin/python3
"""Trains the bundled digits models and exports them to ONNX.

scikit-learn's digits (1797 8x8 handwritten digits, shipped with Debian's
python3-sklearn) split 80/20 with a fixed seed; two PyTorch models (Debian's
python3-torch), seeded, trained on the CPU in seconds:

  digits_mlp.onnx  64 -> 128 -> 64 -> 10 (Gemm + ReLU)
  digits_cnn.onnx  Conv 1->8 3x3 pad 1, ReLU, MaxPool 2, Conv 8->16 3x3
                   pad 1, ReLU, MaxPool 2, Flatten, Gemm 64 -> 10
  digits_wide.onnx (62k weights, for compression studies) Conv 1->32,
                   Conv 32->32, MaxPool 2, Conv 32->64, MaxPool 2 (3x3,
                   pad 1, ReLU), Flatten, Gemm 256 -> 128, ReLU, Gemm
                   128 -> 10

Writes them next to this script with the held-out split (test_images.npy,
float32 Nx1x8x8 scaled to [0, 1]; test_labels.npy, int64), 128 training
images for quantization calibration (calibration_images.npy), and
reference.json (fp32 test accuracy of each model measured by PyTorch) and
digits_*_test_logits.npy (PyTorch's logits on the test split).
The batch dimension is dynamic: compile with --input-shape input=Bx1x8x8.
Usage: train_digits.py [OUTPUT_DIR] [--models mlp,cnn,wide]
(the data files are the same for any selection; reference.json keeps the
entries of models not retrained).
"""

import json
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

SEED = 0


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64),
            nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.layers(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64, 10))

    def forward(self, x):
        return self.layers(x)


class WideCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.layers(x)


MODELS = {"mlp": (MLP, 40, 1e-2), "cnn": (CNN, 40, 1e-2),
          "wide": (WideCNN, 40, 1e-3)}


def train(model, x, y, epochs, lr=1e-2):
    torch.manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 64):
            batch = perm[i:i + 64]
            opt.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            opt.step()
    return model.eval()


def main():
    args = sys.argv[1:]
    selected = list(MODELS)
    if "--models" in args:
        at = args.index("--models")
        selected = args[at + 1].split(",")
        del args[at:at + 2]
    out = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(SEED)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]  # Nx1x8x8
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=0.2,
        random_state=SEED, stratify=digits.target)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    reference_path = os.path.join(out, "reference.json")
    reference = {}
    if os.path.exists(reference_path):
        with open(reference_path) as f:
            reference = json.load(f)
    for name in selected:
        make, epochs, lr = MODELS[name]
        torch.manual_seed(SEED)
        model = train(make(), xt, yt, epochs, lr)
        with torch.no_grad():
            logits = model(torch.from_numpy(x_test)).numpy()
        pred = logits.argmax(1)
        np.save(os.path.join(out, f"digits_{name}_test_logits.npy"), logits)
        reference[name] = {"fp32_accuracy": float((pred == y_test).mean())}
        torch.onnx.export(
            model, torch.from_numpy(x_test[:1]),
            os.path.join(out, f"digits_{name}.onnx"), input_names=["input"],
            output_names=["logits"], opset_version=13,
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        print(f"digits_{name}: fp32 test accuracy "
              f"{reference[name]['fp32_accuracy']:.4f}")
    np.save(os.path.join(out, "test_images.npy"), x_test)
    # Quantization calibrates on training images, never on the test split.
    np.save(os.path.join(out, "calibration_images.npy"), x_train[:128])
    np.save(os.path.join(out, "test_labels.npy"), y_test)
    with open(reference_path, "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
