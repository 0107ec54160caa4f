"""Per-layer arithmetic selection ("hybrid" compression).

Each layer (an ``effai.pack`` weight, numbered in IR order) is compressed
alone with every candidate; the relative error of the model's outputs on
calibration samples measures how sensitive the layer is to it. A greedy
search then picks one candidate per layer to meet either an output-error
budget (smallest model within it) or a size budget (smallest error within
it), and the combined model is measured again.

The choice is applied with the compression passes' ``layers=`` option, so
the result is reproducible from the printed pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np

# Candidate name -> pass pipeline for the layers in {layers}.
CANDIDATES: Dict[str, Optional[str]] = {
    "fp32": None,
    "int8": "effai-quantize{{weight-bits=8 layers={layers}}}",
    "pow2": "effai-shift-quantize{{terms=2 bits=4 layers={layers}}}",
    "int4": "effai-quantize{{weight-bits=4 layers={layers}}}",
    "2:4+int8": ("effai-prune{{mode=nm n=2 m=4 layers={layers}}},"
                 "effai-quantize{{weight-bits=8 layers={layers}}}"),
}


@dataclass
class LayerChoice:
    """What the search measured and chose for one layer."""

    index: int
    # Relative output error and weight bytes saved with only this layer
    # compressed by each candidate.
    errors: Dict[str, float] = field(default_factory=dict)
    saved: Dict[str, int] = field(default_factory=dict)
    choice: str = "fp32"


@dataclass
class HybridReport:
    layers: List[LayerChoice]
    pipeline: str
    error: float  # relative output error of the combined model
    bytes: int
    fp32_bytes: int

    def __str__(self) -> str:
        names = list(CANDIDATES)
        head = (f"{'layer':>5} " +
                " ".join(f"{n + ' err':>13}" for n in names[1:]) +
                f" {'choice':>9} {'saved B':>8}")
        lines = [head]
        for layer in self.layers:
            errs = " ".join(f"{layer.errors[n]:13.2e}" for n in names[1:])
            lines.append(f"{layer.index:5d} {errs} {layer.choice:>9} "
                         f"{layer.saved[layer.choice]:8d}")
        lines.append(f"model: {self.bytes} of {self.fp32_bytes} weight bytes "
                     f"({self.bytes / self.fp32_bytes:.1%}), relative output "
                     f"error {self.error:.2e}")
        lines.append(f"pipeline: {self.pipeline or '(none)'}")
        return "\n".join(lines)


def _outputs(module, samples) -> np.ndarray:
    from . import compile as compile_module
    exe = compile_module(module)
    flat = []
    for sample in samples:
        args = sample if isinstance(sample, (tuple, list)) else (sample,)
        out = exe(*args)
        for value in (out if isinstance(out, tuple) else (out,)):
            flat.append(np.asarray(value, np.float64).ravel())
    return np.concatenate(flat)


def _pipeline(choices: Dict[int, str]) -> str:
    steps = []
    for name, template in CANDIDATES.items():
        layers = sorted(i for i, c in choices.items() if c == name)
        if template and layers:
            steps.append(template.format(layers=",".join(map(str, layers))))
    return ",".join(steps)


def hybrid(module, samples: Sequence[object],
           max_error: Optional[float] = None,
           max_bytes: Optional[int] = None) -> HybridReport:
    """Chooses a compression per layer of ``module`` (rewritten in place)
    and returns the per-layer report. Give exactly one budget:
    ``max_error`` (relative L2 error of all outputs on ``samples`` vs the
    fp32 model) or ``max_bytes`` (packed weight bytes)."""
    from . import Module
    if (max_error is None) == (max_bytes is None):
        raise ValueError("give exactly one of max_error and max_bytes")
    text = str(module)
    reference = _outputs(module, samples)
    scale = max(np.linalg.norm(reference), 1e-30)
    fp32_total = module.weight_bytes()
    count = text.count("effai.pack ")

    def measure(choices: Dict[int, str]):
        copy = Module.parse(text)
        pipeline = _pipeline(choices)
        if pipeline:
            copy.run_pipeline(pipeline)
        error = np.linalg.norm(_outputs(copy, samples) - reference) / scale
        return float(error), copy.weight_bytes(), pipeline

    layers = []
    for i in range(count):
        layer = LayerChoice(index=i)
        for name in CANDIDATES:
            error, size, _ = measure({i: name})
            layer.errors[name] = error
            layer.saved[name] = fp32_total - size
        layers.append(layer)

    choices = {layer.index: "fp32" for layer in layers}
    if max_error is not None:
        share = max_error / max(1, count)
        for layer in layers:  # largest saving whose error fits the share
            fitting = [n for n in CANDIDATES if layer.errors[n] <= share]
            choices[layer.index] = max(fitting, key=lambda n: layer.saved[n])
        error, size, pipeline = measure(choices)
        while error > max_error:  # back off where it hurts most
            worst = max((l for l in layers if choices[l.index] != "fp32"),
                        key=lambda l: l.errors[choices[l.index]])
            safer = [n for n in CANDIDATES
                     if worst.errors[n] < worst.errors[choices[worst.index]]]
            choices[worst.index] = max(safer, key=lambda n: worst.saved[n])
            error, size, pipeline = measure(choices)
    else:
        error, size, pipeline = measure(choices)
        while size > max_bytes:  # cheapest error per byte saved next
            best = None
            for layer in layers:
                current = choices[layer.index]
                for name in CANDIDATES:
                    extra = layer.saved[name] - layer.saved[current]
                    if extra <= 0:
                        continue
                    cost = (layer.errors[name] - layer.errors[current]) / extra
                    if best is None or cost < best[0]:
                        best = (cost, layer.index, name)
            if best is None:
                break
            choices[best[1]] = best[2]
            error, size, pipeline = measure(choices)

    for layer in layers:
        layer.choice = choices[layer.index]
    if pipeline:
        module.run_pipeline(pipeline)
    return HybridReport(layers, pipeline, error, size, fp32_total)
