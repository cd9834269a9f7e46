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


def number_sequence(value, name: str, integer: bool = False, low: float | None = None, strict: bool = False,
                    min_size: int = 1) -> list:
    """Check a non-empty sequence of finite real numbers (integers with ``integer``), each ``>= low`` (``> low``
    with ``strict``); return it as a list of Python numbers."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or getattr(value, "ndim", 1) == 0:
        raise TypeError(f"{name}: expected a sequence of numbers, got {value!r} ({type(value).__name__})")
    out = []
    for item in value:
        kind = numbers.Integral if integer else numbers.Real
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, kind):
            raise TypeError(f"{name}: expected a sequence of {'integers' if integer else 'numbers'}, got {item!r} "
                            f"({type(item).__name__}) in it")
        item = int(item) if integer else float(item)
        if not np.isfinite(item) or (low is not None and (item <= low if strict else item < low)):
            bound = "" if low is None else f" {'>' if strict else '>='} {low:g}"
            raise ValueError(f"{name}: expected finite numbers{bound}, got {item!r} in it")
        out.append(item)
    if len(out) < min_size:
        raise ValueError(f"{name}: expected at least {min_size} value(s), got {len(out)}")
    return out


def name_sequence(value, name: str, options=None, min_size: int = 1) -> list:
    """Check a non-empty sequence of strings (each one of ``options`` when given); return it as a list."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or getattr(value, "ndim", 1) == 0:
        raise TypeError(f"{name}: expected a sequence of names, got {value!r} ({type(value).__name__})")
    out = list(value)
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{name}: expected names (strings), got {item!r} ({type(item).__name__}) in it")
        if options is not None and item not in options:
            raise ValueError(f"{name}: expected names among {', '.join(map(repr, options))}; got {item!r}")
    if len(out) < min_size:
        raise ValueError(f"{name}: expected at least {min_size} name(s), got {len(out)}")
    return out


def boolean(value, name: str) -> bool:
    """Check that ``value`` is a bool (``numpy.bool_`` included); truthy strings and numbers are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def finite_number(value, name: str) -> float:
    """Check that ``value`` is a finite real number of any sign; bools, strings and arrays are refused."""
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a finite number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(float(value)):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


def nonnegative_int(value, name: str) -> int:
    """Check that ``value`` is an integer >= 0 (bools and non-integral floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer >= 0, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name}: expected an integer >= 0, got {value}")
    return int(value)


def positive_ints(values, name: str) -> list[int]:
    """Check that ``values`` is a non-empty flat sequence (or 1-D array) of positive integers."""
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of positive integers, got shape {values.shape}")
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
        raise TypeError(f"{name}: expected a non-empty sequence of positive integers, got {values!r:.60}")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name}[{i}]: expected a positive integer, got {v!r:.60} ({type(v).__name__})")
        if v < 1:
            raise ValueError(f"{name}[{i}]: expected a positive integer, got {v}")
        out.append(int(v))
    return out


def integer(value, name: str, low: int | None = 0) -> int:
    """Check that ``value`` is an integer ``>= low`` (bools and non-integral floats are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {value!r} ({type(value).__name__})")
    if low is not None and value < low:
        raise ValueError(f"{name}: expected an integer >= {low}, got {value}")
    return int(value)


def real(value, name: str, low: float | None = None, high: float | None = None, low_open: bool = False,
         high_open: bool = False) -> float:
    """Check that ``value`` is a finite real number (bools and strings are refused), ``>= low`` (``> low`` with
    ``low_open``) and ``<= high`` (``< high`` with ``high_open``) where the bounds are given."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a finite real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(float(value)):
        raise ValueError(f"{name}: expected a finite real number, got {value!r}")
    value = float(value)
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name}: expected a number {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name}: expected a number {'<' if high_open else '<='} {high}, got {value}")
    return value


def sequence(value, name: str, what: str = "a non-empty sequence"):
    """Check that ``value`` is a non-empty sequence (list, tuple or array with an axis): strings, scalars and 0-d
    arrays are refused by name instead of failing later inside ``len()`` or iteration."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or getattr(value, "ndim", 1) == 0 \
            or len(value) == 0:
        shown = f"shape {value.shape}" if isinstance(value, np.ndarray) else f"{value!r:.60}"
        raise TypeError(f"{name}: expected {what}, got {shown} ({type(value).__name__})")
    return value


def _rule(rule: str):
    """The check of one rule name of :func:`checked`."""
    import functools

    table = {
        "count": functools.partial(integer, low=1), "index": integer, "int": functools.partial(integer, low=None),
        "real": real, "positive": positive_number, "nonnegative": functools.partial(positive_number, allow_zero=True),
        "bool": boolean, "function": function, "probability": probability,
        "array": lambda v, n: _nonempty(as_float_array(v, n), n),
        "vector": lambda v, n: _nonempty(as_float_array(v, n, ndim=1), n),
        "matrix": lambda v, n: _nonempty(as_float_array(v, n, ndim=2), n),
        "name": lambda v, n: v if isinstance(v, str) else (_ for _ in ()).throw(
            TypeError(f"{n}: expected a name (a string), got {v!r} ({type(v).__name__})")),
    }
    if isinstance(rule, type):
        def check(value, name):
            if not isinstance(value, rule):
                raise TypeError(f"{name}: expected a {rule.__name__}, got {type(value).__name__}")
            return value
        return check
    optional = rule.endswith("?")
    check = table[rule.rstrip("?")]
    return (lambda v, n: v if v is None else check(v, n)) if optional else check


def _nonempty(arr, name):
    if np.size(getval(arr)) == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {np.shape(getval(arr))}")
    return arr


_ANNOTATED = {"int": "index", "float": "real", "bool": "bool", "str": "name"}


def checked(**rules):
    """Decorator: check arguments on entry, each error naming the argument.

    ``rules`` maps argument names to rule names: ``"count"`` (integer >= 1), ``"index"`` (integer >= 0), ``"int"``,
    ``"real"`` (finite number), ``"positive"``, ``"nonnegative"``, ``"probability"``, ``"bool"``, ``"name"``,
    ``"function"``, ``"array"``, ``"vector"``, ``"matrix"`` (finite, real, non-empty arrays of any rank, rank 1,
    rank 2); a trailing ``"?"`` also accepts None; a class asks for an instance of it. Arguments not named are checked
    from their annotation: ``int`` as ``"index"``, ``float`` as ``"real"``, ``bool``, ``str`` as ``"name"``
    (``X | None`` also accepts None). The function is called with the caller's values unchanged.
    """
    import functools
    import inspect

    def decorate(fn):
        signature = inspect.signature(fn)
        plan = {}
        for p in signature.parameters.values():
            rule = rules.get(p.name, "")
            if p.name not in rules and p.annotation is not p.empty:
                text = p.annotation if isinstance(p.annotation, str) else inspect.formatannotation(p.annotation)
                parts = [a.strip() for a in text.split("|")]
                base = [a for a in parts if a != "None"]
                if len(base) == 1 and base[0] in _ANNOTATED:
                    rule = _ANNOTATED[base[0]] + ("?" if "None" in parts or p.default is None else "")
            if rule:
                plan[p.name] = _rule(rule)
            if p.name in rules and rules[p.name] is None:
                plan.pop(p.name, None)
        unknown = set(rules) - set(signature.parameters)
        if unknown:
            raise TypeError(f"checked: {fn.__name__} has no argument {', '.join(sorted(unknown))}")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for name, value in bound.arguments.items():
                if name in plan:
                    plan[name](value, name)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
