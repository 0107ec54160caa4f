"""Per-layer arithmetic selection ("hybrid" compression).

Each layer (an ``effai.pack`` weight, numbered in IR order) is compressed
alone with every candidate; the relative error of the model's outputs on
calibration samples measures how sensitive the layer is to it. A greedy
search then picks one candidate per layer to meet either an output-error
budget (smallest model within it) or a size budget (smallest error within
it), and the combined model is measured again.

The sizes, the choice and its application belong to the ``effai-hybrid``
pass (which this module drives with the measured errors); the search here
adds what needs compiled measurements: the back-off when the combined
model misses an error budget. The printed ``effai-hybrid{choices=...}``
reproduces the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

# The effai-hybrid pass's candidates, in the order of its `errors` option.
CANDIDATES = ["fp32", "int8", "pow2", "int4", "2:4+int8"]


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
        names = CANDIDATES
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


def _choose(module, choices: List[str]) -> str:
    """Applies one candidate per layer; returns the pass pipeline used."""
    module.run_pipeline(f"effai-hybrid{{choices={','.join(choices)}}}")
    found = re.search(r'effai.hybrid_pipeline = "([^"]*)"', str(module))
    return found.group(1) if found else ""


def _search(text: str, errors: List[Dict[str, float]], budget: str
            ) -> Tuple[List[str], List[Dict[str, int]]]:
    """effai-hybrid's choice for `budget` ("max-error=E" or "max-bytes=B")
    and the bytes each candidate saves per layer."""
    from . import Module
    flat = [layer[name] for layer in errors for name in CANDIDATES[1:]]
    copy = Module.parse(text)
    copy.run_pipeline(f"effai-hybrid{{{budget} "
                      f"errors={','.join(repr(e) for e in flat)}}}")
    result = str(copy)
    choices = re.findall(r'"([^"]+)"', re.search(
        r"effai.hybrid_choices = \[([^\]]*)\]", result).group(1))
    saved = [int(v) for v in re.search(
        r"effai.hybrid_saved_bytes = array<i64: ([^>]*)>",
        result).group(1).split(",")]
    per_layer = len(CANDIDATES) - 1
    return choices, [
        dict(zip(CANDIDATES, [0] + saved[i * per_layer:(i + 1) * per_layer]))
        for i in range(len(choices))]


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

    def measure(choices: List[str]):
        copy = Module.parse(text)
        pipeline = _choose(copy, choices)
        error = np.linalg.norm(_outputs(copy, samples) - reference) / scale
        return float(error), copy.weight_bytes(), pipeline

    # Sensitivity: each layer compressed alone by each candidate.
    errors: List[Dict[str, float]] = []
    for i in range(count):
        layer_errors = {"fp32": 0.0}
        for name in CANDIDATES[1:]:
            choices = ["fp32"] * count
            choices[i] = name
            layer_errors[name] = measure(choices)[0]
        errors.append(layer_errors)

    budget = (f"max-error={max_error!r}" if max_error is not None
              else f"max-bytes={int(max_bytes)}")
    choices, saved = _search(text, errors, budget)
    error, size, pipeline = measure(choices)
    while max_error is not None and error > max_error:
        # The additive estimate missed: back off where it hurts most.
        worst = max((i for i in range(count) if choices[i] != "fp32"),
                    key=lambda i: errors[i][choices[i]])
        safer = [n for n in CANDIDATES
                 if errors[worst][n] < errors[worst][choices[worst]]]
        choices[worst] = max(safer, key=lambda n: saved[worst][n])
        error, size, pipeline = measure(choices)

    layers = [LayerChoice(index=i, errors=errors[i], saved=saved[i],
                          choice=choices[i]) for i in range(count)]
    _choose(module, choices)
    return HybridReport(layers, f"effai-hybrid{{choices={','.join(choices)}}}"
                        f" = {pipeline or '(nothing)'}", error, size,
                        fp32_total)
