# Range estimation shared by effai.calibrate and effai-calibrate: min-max,
# numpy-compatible percentiles, and entropy (KL) clipping.
# RUN: %python -m pytest -q -p no:cacheprovider %s

import numpy as np
import pytest

from effai import _effai


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 12345])
@pytest.mark.parametrize("percentile", [99.99, 99.9, 90.0, 100.0])
def test_percentile_matches_numpy(size, percentile):
    values = np.random.default_rng(size).standard_normal(size).astype(
        np.float32)
    lo, hi = _effai.estimate_range(values, "percentile", percentile)
    wide = values.astype(np.float64)
    assert lo == np.percentile(wide, 100.0 - percentile)
    assert hi == np.percentile(wide, percentile)


def test_minmax():
    values = np.array([[3.0, -2.5], [7.25, 0.0]], np.float32)
    assert _effai.estimate_range(values, "minmax", 0.0) == (-2.5, 7.25)


def test_entropy_clips_outliers_and_keeps_dense_ranges():
    rng = np.random.default_rng(0)
    # ReLU-like activations with a few huge outliers: the clip drops them
    # (down to the smallest candidate, 256 of the 2048 bins over [0, 100]).
    relu = np.maximum(rng.standard_normal(100000), 0).astype(np.float32)
    relu[:5] = 100.0
    lo, hi = _effai.estimate_range(relu, "entropy", 0.0)
    assert lo == 0.0 and 12.5 <= hi < 13.0
    # Uniform values carry information everywhere: no clipping to speak of.
    uniform = rng.uniform(0, 1, 100000).astype(np.float32)
    lo, hi = _effai.estimate_range(uniform, "entropy", 0.0)
    assert hi > 0.95
    # A constant has nothing to clip.
    assert _effai.estimate_range(np.full(10, 2.0, np.float32), "entropy",
                                 0.0) == (2.0, 2.0)


def test_errors():
    with pytest.raises(ValueError, match="method must be"):
        _effai.estimate_range(np.ones(3, np.float32), "kl", 0.0)
    with pytest.raises(ValueError, match="no values"):
        _effai.estimate_range(np.ones(0, np.float32), "minmax", 0.0)
