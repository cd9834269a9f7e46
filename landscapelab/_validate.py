"""Input checks shared by the library: each error names the argument, what was expected and what was given."""

from __future__ import annotations

import numbers

import numpy as np
from autograd.tracer import getval


def as_float_array(value, name: str, ndim: int | None = None, shape: tuple | None = None, finite: bool = True):
    """Return ``value`` as a float64 array after checking its rank, shape and finiteness.

    ``shape`` may contain ``None`` for free axes. autograd boxes pass through unchanged (their values are checked).
    """
    raw = getval(value)
    if isinstance(raw, (str, bytes)) or raw is None:
        raise TypeError(f"{name}: expected an array of numbers, got {type(raw).__name__}")
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected an array of numbers, got {type(raw).__name__}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(f"{name}: expected shape {want}, got {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains {int(np.size(arr) - np.isfinite(arr).sum())} non-finite value(s)")
    return value if value is not raw else arr


def positive_int(value, name: str) -> int:
    """Check that ``value`` is a positive integer (bools and non-integral floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value}")
    return int(value)


def choice(value, name: str, options) -> str:
    """Check that ``value`` is one of the strings in ``options``."""
    if value not in options:
        raise ValueError(f"{name}: expected one of {', '.join(map(repr, options))}; got {value!r}")
    return value
