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
        probe = np.asarray(raw)
        if np.iscomplexobj(probe):
            raise TypeError(f"{name}: expected real numbers, got a complex array (take .real or abs() first if "
                            "that is what you mean)")
        arr = np.asarray(probe, dtype=np.float64)
    except (TypeError, ValueError) as err:
        if "complex" in str(err):
            raise
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


def positive_number(value, name: str, allow_zero: bool = False) -> float:
    """Check that ``value`` is a finite real number > 0 (or >= 0 with ``allow_zero``); bools and strings are refused."""
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a finite number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not (np.isfinite(value) and (value >= 0 if allow_zero else value > 0)):
        raise ValueError(f"{name}: expected a finite number {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return value


def probability(value, name: str) -> float:
    """Check that ``value`` is a real number strictly between 0 and 1."""
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number in (0, 1), got {value!r} ({type(value).__name__})")
    if not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name}: expected a number in (0, 1), got {value!r}")
    return float(value)


def function(value, name: str):
    """Check that ``value`` is callable."""
    if not callable(value):
        raise TypeError(f"{name}: expected a function, got {type(value).__name__}")
    return value
