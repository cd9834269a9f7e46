"""Small fitting helpers shared by the chapters: growth exponents as log-log slopes, with seed intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, positive_int, probability

__all__ = ["loglog_slope", "slope_interval", "SlopeFit"]


def loglog_slope(x, y) -> tuple[float, float]:
    """Least-squares fit of ``log y = slope * log x + intercept``.

    Parameters
    ----------
    x, y : array (m,)
        Positive values of equal length, m >= 2.

    Returns
    -------
    (slope, intercept) : tuple of float
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x, y: expected two 1-D arrays of equal length >= 2, got {x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x, y: a log-log fit needs positive values")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope), float(intercept)


@dataclass(frozen=True)
class SlopeFit:
    """A log-log slope fitted to seed means, with a bootstrap interval over the seeds.

    Parameters
    ----------
    slope, intercept : float
        The fit of ``log mean Y = slope log x + intercept``.
    low, high : float
        The bootstrap interval of the slope.
    level : float
        Its coverage.
    n_seeds : int
        Number of seeds.
    """

    slope: float
    intercept: float
    low: float
    high: float
    level: float
    n_seeds: int

    def __str__(self) -> str:
        return f"{self.slope:.3f} [{self.low:.3f}, {self.high:.3f}] ({100 * self.level:g}% over {self.n_seeds} seeds)"


def slope_interval(x, Y, level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> SlopeFit:
    """Log-log slope of the seed mean of ``Y`` against ``x``, with a percentile bootstrap interval over seeds.

    The slope is fitted to ``log mean_s Y[s, j]`` against ``log x_j``; the interval resamples the seeds (rows of
    ``Y``) with replacement ``n_boot`` times and refits, so it reflects seed-to-seed variation at every ``x``.

    Parameters
    ----------
    x : array (m,)
        Positive abscissae (e.g. widths).
    Y : array (s, m)
        Positive values, one row per seed.
    level : float
        Coverage of the interval, in (0, 1).
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling.

    Returns
    -------
    SlopeFit
    """
    x = as_float_array(x, "x", ndim=1)
    Y = np.atleast_2d(as_float_array(Y, "Y"))
    if Y.ndim != 2 or Y.shape[1] != x.size:
        raise ValueError(f"Y: expected shape (seeds, {x.size}), got {Y.shape}")
    level = probability(level, "level")
    n_boot = positive_int(n_boot, "n_boot")
    slope, intercept = loglog_slope(x, Y.mean(axis=0))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, Y.shape[0], size=(n_boot, Y.shape[0]))
    means = Y[picks].mean(axis=1)                               # (n_boot, m)
    logx = np.log(x) - np.log(x).mean()
    slopes = (np.log(means) - np.log(means).mean(axis=1, keepdims=True)) @ logx / (logx @ logx)
    low, high = np.quantile(slopes, [(1 - level) / 2, (1 + level) / 2])
    return SlopeFit(slope, intercept, float(low), float(high), float(level), int(Y.shape[0]))
