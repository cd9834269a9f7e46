"""Small fitting helpers shared by the chapters (growth exponents, envelopes)."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array

__all__ = ["loglog_slope"]


def loglog_slope(x, y) -> tuple[float, float]:
    """Least-squares fit of ``log y = slope * log x + intercept``; returns ``(slope, intercept)``.

    Both arrays must be positive and of equal length (at least 2).
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x, y: expected two 1-D arrays of equal length >= 2, got {x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x, y: a log-log fit needs positive values")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope), float(intercept)
