"""Roofline plot of an effai compile report.

    effai-compile model.onnx -o model.so --profile --report r.json
    python3 roofline.py r.json plot.png      (what --roofline-plot runs)

One point per layer: its arithmetic intensity (operations per compulsory
byte) against the rate it reached (operations over its measured time, or
its predicted time when the model was not profiled), under the machine's
roofs: the peak rate of each arithmetic the layers use, and one bandwidth
line per memory level, for the threads the layers use.
"""

from __future__ import annotations

import json
import sys

LABELLED = 8


def plot(report: dict, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    machine = report.get("machine", {})
    layers = [l for l in report.get("layers", []) if l.get("ops")]
    threads = max([1] + [op.get("threads", 1) for l in layers
                         for op in l.get("ops_detail", [])])
    points = []
    for layer in layers:
        us = layer.get("measured_us") or layer.get("predicted_us")
        if not us or not layer.get("intensity"):
            continue
        points.append((layer["intensity"], layer["ops"] / (us * 1e3),
                       layer["name"], layer.get("kernel", ""), us))
    fig, ax = plt.subplots(figsize=(9, 6))
    xs = [p[0] for p in points] or [1.0]
    lo, hi = min(xs) / 4, max(xs) * 4
    peaks = machine.get("peaks", {})
    used = {op.get("arithmetic", "fp32") for l in layers
            for op in l.get("ops_detail", [])} or {"fp32"}
    top = 0.0
    for name in sorted(used):
        peak = peaks.get(name, 0.0) * threads
        if peak <= 0:
            continue
        top = max(top, peak)
        ax.plot([lo, hi], [peak, peak], linestyle="--", linewidth=1)
        ax.text(hi, peak, f" {name} peak {peak:.0f} GOP/s", va="bottom",
                ha="right", fontsize=8)
    for level in machine.get("memory", []):
        bandwidth = min(level["bandwidth"] * threads,
                        level["shared_bandwidth"])
        ceiling = top if top > 0 else bandwidth * hi
        knee = ceiling / bandwidth
        ax.plot([lo, min(hi, knee)], [bandwidth * lo,
                                      bandwidth * min(hi, knee)],
                linewidth=1)
        ax.text(lo, bandwidth * lo, f" {level['name']} {bandwidth:.0f} GB/s",
                fontsize=8, va="bottom")
    for kernel, marker in (("contraction", "o"), ("elementwise", "s"),
                           ("reduction", "^"), ("loops", "x")):
        chosen = [p for p in points if p[3] == kernel]
        if chosen:
            ax.scatter([p[0] for p in chosen], [p[1] for p in chosen],
                       marker=marker, label=kernel, zorder=3)
    # Name only the layers that take the most time: the rest would overlap.
    for x, y, name, _, _ in sorted(points, key=lambda p: -p[4])[:LABELLED]:
        ax.annotate(name.strip("/").split(" ")[0], (x, y), fontsize=6,
                    alpha=0.8, xytext=(3, -8), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (ops / byte)")
    ax.set_ylabel("attained (GOP/s)" + (", measured" if any(
        l.get("measured_us") for l in layers) else ", predicted"))
    ax.set_title(f"{machine.get('name', 'machine')} ({machine.get('cpu', '')}"
                 f"), {threads} thread(s)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, which="both", alpha=0.2)
    fig.tight_layout()
    fig.savefig(path, dpi=150)


def main(argv) -> int:
    if len(argv) != 3:
        print("usage: roofline.py REPORT.json PLOT.png", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        report = json.load(f)
    plot(report, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
