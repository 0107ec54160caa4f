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
from typing import Callable, Dict, List, Optional, Sequence, Tuple

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
    # The roofline's time for the layers with weights on one core of the
    # module's effai.target, chosen and fp32 (None without a target).
    predicted_us: Optional[float] = None
    fp32_predicted_us: Optional[float] = None
    candidates: List[str] = field(default_factory=lambda: list(CANDIDATES))

    def __str__(self) -> str:
        names = self.candidates
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
        if (self.predicted_us is not None and
                self.fp32_predicted_us is not None):
            lines.append(f"predicted: {self.predicted_us:.4g} us of "
                         f"{self.fp32_predicted_us:.4g} us for the layers "
                         f"with weights (roofline, one core)")
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


def _predicted_us(module) -> Optional[float]:
    """effai-hybrid's roofline prediction recorded on ``module`` (None
    without a target)."""
    found = re.search(r"effai.hybrid_predicted_us = ([-+0-9.eE]+)",
                      str(module))
    return float(found.group(1)) if found else None


def roofline_us(module) -> Optional[float]:
    """The time the roofline of ``module``'s ``effai.target`` predicts for
    its layers with weights on one core, in µs (what ``hybrid``'s
    ``max_latency_us`` limits); None without a target."""
    from . import Module
    text = str(module)
    if "effai.target = " not in text:
        return None
    count = text.count("effai.pack ")
    if count == 0:
        return 0.0
    copy = Module.parse(text)
    _choose(copy, ["fp32"] * count)
    return _predicted_us(copy)


def _sensitivities(text: str, samples, candidates: Sequence[str],
                   reference: np.ndarray) -> List[Dict[str, float]]:
    """Per layer, the relative output error on `samples` (fp32 outputs
    `reference`) with only that layer compressed by each candidate."""
    from . import Module
    scale = max(np.linalg.norm(reference), 1e-30)
    count = text.count("effai.pack ")
    errors: List[Dict[str, float]] = []
    for i in range(count):
        layer_errors = {candidates[0]: 0.0}
        for name in candidates[1:]:
            copy = Module.parse(text)
            choices = [candidates[0]] * count
            choices[i] = name
            _choose(copy, choices)
            layer_errors[name] = float(
                np.linalg.norm(_outputs(copy, samples) - reference) / scale)
        errors.append(layer_errors)
    return errors


def _search(text: str, errors: List[Dict[str, float]], budget: str,
            candidates: Sequence[str]
            ) -> Tuple[List[str], List[Dict[str, int]]]:
    """effai-hybrid's choice among `candidates` for `budget` ("max-error=E",
    "max-bytes=B" or "max-latency-us=T") and the bytes each candidate saves
    per layer."""
    from . import Module
    flat = [layer[name] for layer in errors for name in candidates[1:]]
    copy = Module.parse(text)
    copy.run_pipeline(f"effai-hybrid{{candidates={','.join(candidates)} "
                      f"{budget} errors={','.join(repr(e) for e in flat)}}}")
    result = str(copy)
    choices = re.findall(r'"([^"]+)"', re.search(
        r"effai.hybrid_choices = \[([^\]]*)\]", result).group(1))
    saved = [int(v) for v in re.search(
        r"effai.hybrid_saved_bytes = array<i64: ([^>]*)>",
        result).group(1).split(",")]
    per_layer = len(candidates) - 1
    return choices, [
        dict(zip(candidates, [0] + saved[i * per_layer:(i + 1) * per_layer]))
        for i in range(len(choices))]


def hybrid(module, samples: Sequence[object],
           max_error: Optional[float] = None,
           max_bytes: Optional[int] = None,
           max_latency_us: Optional[float] = None,
           candidates: Sequence[str] = CANDIDATES) -> HybridReport:
    """Chooses a compression per layer of ``module`` (rewritten in place)
    and returns the per-layer report. Give exactly one budget:
    ``max_error`` (relative L2 error of all outputs on ``samples`` vs the
    fp32 model), ``max_bytes`` (packed weight bytes) or ``max_latency_us``
    (the time of the layers with weights on one core, predicted by the
    roofline of the module's ``effai.target``: run
    ``effai-set-target{target=host}`` or a preset first). ``candidates``
    (fp32 first; effai-hybrid's grammar, e.g. ``["fp32", "int8"]`` for a
    latency budget whose kernels the roofline predicts well) defaults to
    fp32, int8, pow2, int4 and 2:4+int8."""
    from . import Module
    budgets = {"max_error": max_error, "max_bytes": max_bytes,
               "max_latency_us": max_latency_us}
    if sum(v is not None for v in budgets.values()) != 1:
        raise ValueError("give exactly one of max_error, max_bytes and "
                         "max_latency_us")
    text = str(module)
    if max_latency_us is not None and "effai.target = " not in text:
        raise ValueError("max_latency_us needs the module's effai.target: "
                         "run effai-set-target{target=host} (or a preset) "
                         "first")
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
    candidates = list(candidates)
    errors = _sensitivities(text, samples, candidates, reference)

    budget = (f"max-error={max_error!r}" if max_error is not None
              else f"max-bytes={int(max_bytes)}" if max_bytes is not None
              else f"max-latency-us={float(max_latency_us)!r}")
    choices, saved = _search(text, errors, budget, candidates)
    error, size, pipeline = measure(choices)
    while max_error is not None and error > max_error:
        # The additive estimate missed: back off where it hurts most.
        worst = max((i for i in range(count) if choices[i] != "fp32"),
                    key=lambda i: errors[i][choices[i]])
        safer = [n for n in candidates
                 if errors[worst][n] < errors[worst][choices[worst]]]
        choices[worst] = max(safer, key=lambda n: saved[worst][n])
        error, size, pipeline = measure(choices)

    layers = [LayerChoice(index=i, errors=errors[i], saved=saved[i],
                          choice=choices[i]) for i in range(count)]
    fp32_us = roofline_us(module)
    _choose(module, choices)
    return HybridReport(layers, f"effai-hybrid{{choices={','.join(choices)}}}"
                        f" = {pipeline or '(nothing)'}", error, size,
                        fp32_total, _predicted_us(module), fp32_us,
                        candidates)


# What effai.hybrid_front searches by default: value formats from int8 down
# to 2 bits and 3-bit powers of two, alone and after 25-90% pruning, focused
# (recentred power-of-two) codes of pruned weights (the grammar of
# effai-hybrid's candidates; channel removal, `cNN+`, is not among the
# defaults: the summed-sensitivity estimate misjudges it, since it also
# shrinks the next layer).
FRONT_CANDIDATES = [
    "fp32", "int8", "int4s", "int3s", "int2s", "int2", "pow2", "pow2x3",
    "s25+int4s", "s50+int8", "s50+int4s", "s50+int3s", "s50+pow2x3",
    "s50+fq3", "s50+int2s", "s60+int3s", "s60+pow2x3", "s60+fq3",
    "s70+int4s", "s70+int3s", "s70+pow2x3", "s70+fq3", "s90+int4s"]


@dataclass
class FrontPoint:
    """A per-layer choice, its size and what it costs."""

    choices: List[str]
    bytes: int
    estimated_error: float  # sum of the layers' measured sensitivities
    score: float  # `evaluate` on the compressed model (higher is better)
    pipeline: str  # the effai-hybrid invocation that reproduces it

    @property
    def uniform(self) -> bool:
        return len(set(self.choices)) == 1


def pareto(points: Sequence[FrontPoint]) -> List[FrontPoint]:
    """The points no other point beats in both bytes and score, smallest
    first."""
    front: List[FrontPoint] = []
    for point in sorted(points, key=lambda p: (p.bytes, -p.score)):
        if not front or point.score > front[-1].score:
            front.append(point)
    return front


def hybrid_front(module, samples: Sequence[object],
                 evaluate: Callable[[object], float],
                 candidates: Sequence[str] = FRONT_CANDIDATES,
                 max_points: int = 48) -> List[FrontPoint]:
    """Searches per-layer compression choices of ``module`` (left as is)
    for the best trade-offs between packed weight bytes and ``evaluate``
    (a score of a compressed module, higher is better: accuracy on
    held-out data the caller holds).

    Each layer's sensitivity to each candidate is measured alone on
    ``samples`` (relative output error vs fp32); effai-hybrid's ``front``
    mode then gives the combinations undominated in bytes and summed
    error. Up to ``max_points`` of them (spread over the front), and every
    single scheme (one candidate on all layers), are compressed and scored.
    Returns every point scored; ``pareto`` of it is the measured front,
    which therefore dominates each single scheme; ``FrontPoint.pipeline``
    reproduces a point."""
    from . import Module
    text = str(module)
    count = text.count("effai.pack ")
    errors = _sensitivities(text, samples, candidates,
                            _outputs(module, samples))
    flat = [layer[name] for layer in errors for name in candidates[1:]]
    copy = Module.parse(text)
    copy.run_pipeline(f"effai-hybrid{{candidates={','.join(candidates)} "
                      f"front errors={','.join(repr(e) for e in flat)}}}")
    listed = re.search(r"effai.hybrid_front = \[([^\]]*)\]", str(copy))
    front = [entry.split(" ") for entry in
             re.findall(r'"([^"]+)"', listed.group(1))]
    if len(front) > max_points:
        step = (len(front) - 1) / (max_points - 1)
        front = [front[round(k * step)] for k in range(max_points)]
    wanted = [choices.split(",") for _, _, choices in front]
    wanted += [[name] * count for name in candidates]
    points: List[FrontPoint] = []
    seen = set()
    for choices in wanted:
        if tuple(choices) in seen:
            continue
        seen.add(tuple(choices))
        compressed = Module.parse(text)
        pipeline = _choose(compressed, choices)
        estimate = sum(errors[i][c] for i, c in enumerate(choices))
        points.append(FrontPoint(
            choices, compressed.weight_bytes(), estimate,
            float(evaluate(compressed)),
            f"effai-hybrid{{choices={','.join(choices)}}} = "
            f"{pipeline or '(nothing)'}"))
    return points
