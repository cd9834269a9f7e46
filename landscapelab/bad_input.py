"""The bad-input property-test harness: every public function refuses malformed input with a ``ValueError`` or
``TypeError`` whose message names the argument (never a silent result, never an unrelated exception).

A package keeps its valid example calls next to its code, in ``landscapelab/<package>/_bad_input.py`` (see
:func:`bad_input_spec`); ``tests/core/test_bad_input_all.py`` finds every public function of every package from the
``__all__`` of its modules, builds a valid call with :func:`example_call`, replaces one argument at a time by the
values of :func:`wrong_values` and :func:`wrong_value_strategy` (hypothesis), and asks :func:`refusal` what happened.
These names are also importable from :mod:`landscapelab.testing`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["spec_location", "wrong_values", "wrong_value_strategy", "bad_input_spec", "example_call", "refusal"]


def _qualname(value, name: str) -> str:
    """Check a dotted name inside the package (``landscapelab.<...>``) whose modules import."""
    import importlib

    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a dotted name (a string), got {value!r} ({type(value).__name__})")
    parts = value.split(".")
    if parts[0] != "landscapelab" or not all(p.isidentifier() for p in parts):
        raise ValueError(f"{name}: expected a dotted name inside landscapelab, got {value!r}")
    if len(parts) > 1:
        try:
            importlib.import_module(".".join(parts[:2]))
        except ModuleNotFoundError:
            raise ValueError(f"{name}: landscapelab has no module {parts[1]!r} (from {value!r})") from None
    return value


def spec_location(qualname: str) -> tuple:
    """Where the bad-input spec of a public object lives: its package (``landscapelab`` for the top-level
    modules) and its name relative to that package, the key of the spec's tables.

    Parameters
    ----------
    qualname : str
        ``"landscapelab.<package>.<module>.<name>"``, ``"landscapelab.<module>.<name>"`` or a method's name.

    Returns
    -------
    tuple of str
        ``(package, key)``, e.g. ``("landscapelab.smoothness", "ray.ray")``.
    """
    import importlib

    parts = _qualname(qualname, "qualname").split(".")
    if len(parts) > 2 and hasattr(importlib.import_module(".".join(parts[:2])), "__path__"):
        return ".".join(parts[:2]), ".".join(parts[2:])
    return "landscapelab", ".".join(parts[1:])


def wrong_values(value) -> list:
    """Values that are wrong for an argument whose valid value is ``value``: the fixed part of the bad-input
    property tests (a string where a number or array goes, NaN, infinity, a complex or empty array, an extra axis,
    a negative count, an unknown option name, a number where a function or object goes, a 0-d array where a
    sequence or an array of one or more axes goes).

    Parameters
    ----------
    value : object
        A valid value of the argument.

    Returns
    -------
    list of (str, object)
        ``(kind, wrong value)`` pairs; a spec's ``ALLOWED`` table names the kinds that are valid after all.
    """
    kinds = _wrong_values_by_type(value)
    sequence = (isinstance(value, (list, tuple)) and len(value) > 0) or (isinstance(value, np.ndarray) and value.ndim)
    return kinds + [("0-d array", np.array(0.0))] if sequence else kinds


def _wrong_values_by_type(value) -> list:
    import math

    if isinstance(value, bool):
        return [("string", "yes")]
    if isinstance(value, (int, np.integer)):
        return [("negative", -1), ("fraction", 2.5), ("string", "3"), ("nan", math.nan)]
    if isinstance(value, (float, np.floating)):
        return [("nan", math.nan), ("infinite", math.inf), ("string", "2")]
    if isinstance(value, str):
        return [("unknown name", "no such option"), ("number for a name", 3)]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return [("unknown name", type(value)(["no such option"])), ("empty", type(value)())]
    numeric = isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
    numeric = numeric or (isinstance(value, (list, tuple)) and value and all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in np.ravel(
            np.asarray(value, dtype=object) if _rectangular(value) else [None])))
    if numeric:
        arr = np.asarray(value, dtype=float)
        return [("string", "an array"), ("nan", np.full(arr.shape, np.nan)), ("infinite", np.full(arr.shape, np.inf)),
                ("wrong rank", arr[None]), ("complex", arr + 1j), ("empty", np.zeros((0,) + arr.shape[1:]))]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        return [("numbers for arrays", type(value)([5])), ("empty", type(value)())]      # a list of arrays
    if value is None or isinstance(value, (dict, list, tuple, np.ndarray)):
        return []
    return [("number for an object", 3)]


def _rectangular(value) -> bool:
    try:
        np.asarray(value, dtype=float)
        return True
    except (TypeError, ValueError):
        return False


def wrong_value_strategy(value):
    """A hypothesis strategy of ``(kind, wrong value)`` pairs for an argument whose valid value is ``value``:
    besides the fixed values of :func:`wrong_values`, arrays of another rank with random finite entries, one
    non-finite entry at a random place, complex entries with a random imaginary part, any negative count.

    Parameters
    ----------
    value : object
        A valid value of the argument.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
    """
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    fixed = wrong_values(value)
    options = [st.sampled_from(fixed)] if fixed else []
    kinds = {kind for kind, _ in fixed}
    finite = st.floats(-1e3, 1e3, allow_nan=False)
    if "negative" in kinds:
        options.append(st.integers(max_value=-1).map(lambda v: ("negative", v)))
    if "wrong rank" in kinds:
        arr = np.asarray(value, dtype=float)
        ranks = [r for r in range(4) if r != arr.ndim]
        shapes = st.sampled_from(ranks).flatmap(lambda r: hnp.array_shapes(min_dims=r, max_dims=r, min_side=1,
                                                                            max_side=4) if r else st.just(()))
        options.append(shapes.flatmap(lambda s: hnp.arrays(np.float64, s, elements=finite)).map(
            lambda a: ("wrong rank", a)))
        if arr.size:
            def poke(args):
                index, bad = args
                out = arr.copy()
                out.flat[index] = bad
                return ("nan" if np.isnan(bad) else "infinite", out)
            options.append(st.tuples(st.integers(0, arr.size - 1),
                                     st.sampled_from([np.nan, np.inf, -np.inf])).map(poke))
            options.append(st.floats(1e-3, 1e3).map(lambda im: ("complex", arr + 1j * im)))
    if "nan" in kinds and not options[1:] and isinstance(value, (float, np.floating)):
        options.append(st.sampled_from([np.nan, np.inf, -np.inf]).map(
            lambda v: ("nan" if np.isnan(v) else "infinite", v)))
    return st.one_of(options) if options else st.nothing()


def bad_input_spec(package: str):
    """The bad-input spec of a package: its module ``_bad_input`` (``landscapelab/<package>/_bad_input.py``),
    kept next to the functions it describes so that whoever adds a function extends it. Every name is optional:

    * ``ARGUMENTS``: ``{argument name: factory}``, valid values for required arguments, by name;
    * ``CALLS``: ``{name: factory returning (args, kwargs)}``, a whole valid call (names relative to the package,
      ``"module.function"`` or ``"module.Class.method"``);
    * ``INSTANCES``: ``{"module.Class": factory}``, an object whose methods are called;
    * ``NOT_CALLED``: ``{name: reason}``, objects that are not called with arguments of the caller's choosing;
    * ``ALLOWED``: ``{(name, argument): {kind, ...}}``, kinds of "wrong" value that are valid there, with a comment;
    * ``SKIP``: ``{argument name: reason}``, arguments that are not mutated anywhere in the package.

    Parameters
    ----------
    package : str
        Dotted name of the package, e.g. ``"landscapelab.smoothness"``.

    Returns
    -------
    types.SimpleNamespace
        With the six tables (empty where the module does not define them).
    """
    import importlib
    import types

    package = _qualname(package, "package")
    try:
        module = importlib.import_module(f"{package}._bad_input")
    except ModuleNotFoundError as err:
        if err.name != f"{package}._bad_input":
            raise
        module = None
    names = ("ARGUMENTS", "CALLS", "INSTANCES", "NOT_CALLED", "ALLOWED", "SKIP")
    return types.SimpleNamespace(**{n: dict(getattr(module, n, {})) for n in names})


#: Arguments never mutated (nor ``*_seed``): a seed goes to numpy.random.default_rng, which checks it itself;
#: any truthy value shows a progress bar.
_GLOBAL_SKIP = {"seed", "seeds", "rng", "progress", "self"}


def example_call(qualname: str, spec=None):
    """A valid call of a public object, from its package's spec (:func:`bad_input_spec`) and its signature:
    required arguments from ``ARGUMENTS`` by name, the others at their defaults.

    Parameters
    ----------
    qualname : str
        ``"landscapelab.<package>.<module>.<name>"`` (or ``...<Class>.<method>``).
    spec : types.SimpleNamespace, optional
        The package's spec (looked up when omitted).

    Returns
    -------
    tuple
        ``(function, arguments, mutable)``: the callable, a dict of argument values that makes a valid call, and
        the names of the arguments to mutate, each with its valid value (defaults included).

    Raises
    ------
    LookupError
        When the spec gives no valid value for a required argument (the message says what to add where).
    """
    import importlib
    import inspect

    parts = _qualname(qualname, "qualname").split(".")
    for i in range(len(parts), 1, -1):                    # the longest importable prefix is the module
        try:
            module = importlib.import_module(".".join(parts[:i]))
            break
        except ModuleNotFoundError:
            continue
    attrs = parts[i:]
    package, key = spec_location(qualname)
    spec = spec or bad_input_spec(package)
    where = package.replace(".", "/") + "/_bad_input.py"
    obj = module
    for part in attrs:
        obj = getattr(obj, part)
    if len(attrs) == 2:                                   # a method: call it on an instance from the spec
        owner = key.rsplit(".", 1)[0]
        if owner not in spec.INSTANCES:
            raise LookupError(f"{qualname}: no instance of {owner} in INSTANCES of {where}")
        obj = getattr(spec.INSTANCES[owner](), attrs[1])
    signature = inspect.signature(obj)
    if key in spec.CALLS:
        args, kwargs = spec.CALLS[key]()
        arguments = {}
        for name, value in signature.bind(*args, **kwargs).arguments.items():
            kind = signature.parameters[name].kind
            arguments.update(value if kind is inspect.Parameter.VAR_KEYWORD else {name: value})
    else:
        arguments = {}
        for p in signature.parameters.values():
            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                if p.name not in spec.ARGUMENTS:
                    raise LookupError(f"{qualname}: no valid value for the required argument {p.name!r}; add it "
                                      f"to ARGUMENTS (by name) or the whole call to CALLS in {where}")
                arguments[p.name] = spec.ARGUMENTS[p.name]()
    mutable = {}
    for p in signature.parameters.values():
        if (p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY) or p.name in _GLOBAL_SKIP | set(spec.SKIP)
                or p.name.endswith("_seed")):
            continue
        value = arguments.get(p.name, p.default)
        if value is not p.empty:
            mutable[p.name] = value
    mutable.update({name: value for name, value in arguments.items() if name not in signature.parameters})
    return obj, arguments, mutable


def refusal(fn, arguments: dict, name: str, wrong, timeout: float = 10.0):
    """Call ``fn(**arguments)`` with argument ``name`` replaced by ``wrong`` and say what went wrong, if anything.

    Parameters
    ----------
    fn : callable
        The function under test.
    arguments : dict
        A valid call's arguments, by name.
    name : str
        The argument to replace.
    wrong : object
        The wrong value.
    timeout : float
        Seconds after which a call that has not refused counts as accepted (POSIX main thread only).

    Returns
    -------
    str or None
        None when the call raised ``TypeError``/``ValueError`` (or ``MemoryError``) naming ``name``; otherwise a
        description: accepted silently, an error not naming the argument, or an unrelated exception.
    """
    import signal
    import threading

    arguments = {**arguments, name: wrong}

    class _Timeout(BaseException):
        pass

    def _alarm(signum, frame):
        raise _Timeout

    timed = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fn(**arguments)
    except (TypeError, ValueError, MemoryError) as err:
        return None if name in str(err) else f"{type(err).__name__} not naming {name!r}: {err}"
    except _Timeout:
        return f"accepted: still running after {timeout:g} s"
    except Exception as err:                     # noqa: BLE001 (an unrelated exception is what we look for)
        return f"unrelated {type(err).__name__}: {err}"
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return "accepted silently"
