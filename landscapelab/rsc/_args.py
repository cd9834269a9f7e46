"""Scalar and target checks shared by the package's constants (0-d arrays and NumPy scalars accepted, as the
constants are often computed from arrays)."""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array


def _nonneg(value, name) -> float:
    value = float(as_float_array(value, name, ndim=0))
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative number, got {value}")
    return value


def _real(value, name) -> float:
    return float(as_float_array(value, name, ndim=0))


def _targets(value) -> np.ndarray:
    y = as_float_array(value, "y", ndim=1)
    if y.size == 0:
        raise ValueError("y: expected at least one target, got an empty array")
    return y


def _kappa(value) -> float:
    kappa = float(as_float_array(value, "kappa", ndim=0))
    if not 0 < kappa <= 1:
        raise ValueError(f"kappa: expected a value in (0, 1], got {kappa}")
    return kappa
