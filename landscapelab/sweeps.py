"""One sweep helper for the whole book: a function evaluated over a grid of settings and seeds, as a tidy table.

``sweep(fn, grid, seeds)`` calls ``fn(**setting, seed=seed)`` for every point of the Cartesian product of the
grid's values and every seed, serially or on any :class:`concurrent.futures.Executor` (a process pool for one
machine; ``distributed.Client(...).get_executor()`` for a Dask cluster at paper-scale widths), with a progress bar,
and returns a :class:`Table` with one row per call: the setting, the seed and what ``fn`` returned.

With ``cache=True`` each result is stored on disk under a key made of ``fn``'s qualified name and source code, the
arguments, and the source code of the whole ``landscapelab`` package, so a second run (the book build after the
tests, a slider's precomputation) reads instead of recomputing, and any change to the library or to ``fn``
invalidates the entry. Functions that ``fn`` calls outside the library are not part of the key: pass
``cache_key=`` (any string) to version them. The cache lives in ``$LANDSCAPELAB_CACHE`` (default
``~/.cache/landscapelab``); :func:`clear_cache` empties it.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import math
import numbers
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["sweep", "Table", "cache_dir", "clear_cache"]


# ---------------------------------------------------------------------------------------------------- table
class Table:
    """Rows of equal keys (a tidy table): one row per call of a sweep.

    Parameters
    ----------
    rows : iterable of dict
        The rows; every row has the same keys.
    """

    def __init__(self, rows: Iterable[Mapping]):
        self.rows = [dict(row) for row in rows]
        keys = list(self.rows[0]) if self.rows else []
        for i, row in enumerate(self.rows):
            if set(row) != set(keys):
                raise ValueError(f"rows: row {i} has keys {sorted(row)}, expected {sorted(keys)}")
        self.columns = keys

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __repr__(self) -> str:
        shown = self.rows[:12]
        cells = [[_fmt(row[c]) for c in self.columns] for row in shown]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
        if len(self.rows) > len(shown):
            lines.append(f"... ({len(self.rows)} rows)")
        return "\n".join(lines)

    def column(self, name: str) -> np.ndarray:
        """The values of one column, in row order.

        Parameters
        ----------
        name : str
            A column name.

        Returns
        -------
        ndarray
        """
        if name not in self.columns:
            raise KeyError(f"name: no column {name!r}; columns: {', '.join(self.columns)}")
        return np.array([row[name] for row in self.rows])

    def where(self, **equal) -> Table:
        """The rows whose columns equal the given values.

        Parameters
        ----------
        **equal
            ``column=value`` pairs.

        Returns
        -------
        Table
        """
        for name in equal:
            if name not in self.columns:
                raise KeyError(f"{name}: no such column; columns: {', '.join(self.columns)}")
        return Table(row for row in self.rows if all(row[k] == v for k, v in equal.items()))

    def mean(self, value: str, by: Sequence[str] = ()) -> Table:
        """Mean, standard deviation (ddof=1) and count of ``value`` over the rows of each group.

        Parameters
        ----------
        value : str
            A numeric column.
        by : sequence of str
            The grouping columns (in first-appearance order of their values).

        Returns
        -------
        Table
            Columns ``*by, value, value + "_std", "count"``.
        """
        by = (by,) if isinstance(by, str) else tuple(by)
        groups: dict[tuple, list[float]] = {}
        for row in self.rows:
            groups.setdefault(tuple(row[b] for b in by), []).append(float(row[value]))
        out = []
        for key, values in groups.items():
            arr = np.array(values)
            std = float(arr.std(ddof=1)) if arr.size > 1 else math.nan
            out.append({**dict(zip(by, key)), value: float(arr.mean()), f"{value}_std": std, "count": arr.size})
        return Table(out)

    def to_pandas(self):
        """The table as a :class:`pandas.DataFrame` (needs pandas).

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# ---------------------------------------------------------------------------------------------------- cache
def cache_dir() -> Path:
    """Where cached sweep results live: ``$LANDSCAPELAB_CACHE/sweeps`` (default ``~/.cache/landscapelab/sweeps``).

    Returns
    -------
    pathlib.Path
    """
    base = os.environ.get("LANDSCAPELAB_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "landscapelab")
    return Path(base) / "sweeps"


def clear_cache() -> int:
    """Delete every cached sweep result.

    Returns
    -------
    int
        Number of entries removed.
    """
    folder = cache_dir()
    removed = 0
    if folder.is_dir():
        for entry in folder.glob("*.pkl"):
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


@lru_cache(maxsize=1)
def _library_digest() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _function_identity(fn) -> str | None:
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return None
    name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    return name + "\n" + source


def _canonical(value):
    """A JSON-able, order-stable form of an argument (numbers by value, arrays by their bytes)."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        return {"array": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(), "shape": value.shape,
                "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return repr(value)


def _key(identity: str, kwargs: dict, extra: str) -> str:
    payload = json.dumps({"fn": identity, "args": _canonical(kwargs), "extra": extra, "lib": _library_digest(),
                          "python": sys.version_info[:2]}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return True, pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return False, None


def _write(path: Path, result) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full cache location only costs recomputation


# ---------------------------------------------------------------------------------------------------- sweep
def _as_row(result, setting: dict) -> dict:
    if isinstance(result, Mapping):
        clash = set(result) & set(setting)
        if clash:
            raise ValueError(f"fn: returned keys {sorted(clash)} that are also argument names")
        return {**setting, **result}
    return {**setting, "value": result}


def sweep(fn: Callable, grid: Mapping[str, Sequence], seeds: Iterable[int] | None = (0,),
          executor: Executor | None = None, cache: bool = False, progress: bool | None = None,
          desc: str | None = None, cache_key: str = "") -> Table:
    """Evaluate ``fn(**setting, seed=seed)`` over the grid and the seeds.

    Parameters
    ----------
    fn : callable
        Returns a dict of results (or one value, stored as column ``"value"``). For an executor that runs in other
        processes, a module-level function (picklable) with picklable results.
    grid : mapping of str to sequence
        The values of each argument; every combination is evaluated (in row-major order of the mapping).
    seeds : iterable of int or None
        Seeds passed as ``seed=`` (``None``: ``fn`` takes no seed).
    executor : concurrent.futures.Executor, optional
        Where to run (default: serially in this process).
    cache : bool
        Read and store results on disk (see the module docstring for the key).
    progress : bool, optional
        Show a progress bar on stderr (default: when more than one call must be computed).
    desc : str, optional
        Label of the progress bar.
    cache_key : str
        Extra text added to the cache key (to version code that ``fn`` calls outside the library).

    Returns
    -------
    Table
        One row per call, in grid order then seed order: the arguments and the results.
    """
    if not callable(fn):
        raise TypeError(f"fn: expected a function, got {type(fn).__name__}")
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid: expected a mapping of argument name to a sequence of values, got {type(grid).__name__}")
    names = list(grid)
    values = []
    for name in names:
        options = grid[name]
        if isinstance(options, (str, bytes)) or not isinstance(options, (Sequence, np.ndarray, range)):
            raise TypeError(f"grid[{name!r}]: expected a sequence of values, got {type(options).__name__}")
        if len(options) == 0:
            raise ValueError(f"grid[{name!r}]: expected at least one value")
        values.append(list(options.tolist() if isinstance(options, np.ndarray) else options))
    seed_list = [None] if seeds is None else list(seeds)
    if seeds is not None:
        if not seed_list:
            raise ValueError("seeds: expected at least one seed (or None for a function without a seed)")
        for s in seed_list:
            if isinstance(s, bool) or not isinstance(s, numbers.Integral):
                raise TypeError(f"seeds: expected integers, got {s!r}")
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"executor: expected a concurrent.futures.Executor, got {type(executor).__name__}")
    calls = []
    for combo in itertools.product(*values):
        for s in seed_list:
            kwargs = dict(zip(names, combo))
            if s is not None:
                kwargs["seed"] = int(s)
            calls.append(kwargs)

    identity = _function_identity(fn) if cache else None
    paths = [cache_dir() / f"{_key(identity, kw, cache_key)}.pkl" if identity else None for kw in calls]
    results: list = [None] * len(calls)
    todo = []
    for i, path in enumerate(paths):
        hit, value = _read(path) if path is not None and path.is_file() else (False, None)
        if hit:
            results[i] = value
        else:
            todo.append(i)

    show = len(todo) > 1 if progress is None else bool(progress)
    bar = None
    if show and todo:
        from tqdm import tqdm   # plain text on stderr (the book removes stderr; a notebook widget would stay)

        bar = tqdm(total=len(todo), desc=desc or getattr(fn, "__name__", "sweep"), unit="call", file=sys.stderr,
                   mininterval=1.0, leave=False)
    try:
        if executor is None:
            for i in todo:
                results[i] = _call(fn, calls[i])
                if paths[i] is not None:
                    _write(paths[i], results[i])
                if bar is not None:
                    bar.update()
        else:
            futures = {executor.submit(fn, **calls[i]): i for i in todo}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as err:
                    raise RuntimeError(f"sweep: fn failed at {calls[i]}: {type(err).__name__}: {err}") from err
                if paths[i] is not None:
                    _write(paths[i], results[i])
                if bar is not None:
                    bar.update()
    finally:
        if bar is not None:
            bar.close()
    return Table(_as_row(result, kwargs) for result, kwargs in zip(results, calls))


def _call(fn, kwargs):
    try:
        return fn(**kwargs)
    except Exception as err:
        raise RuntimeError(f"sweep: fn failed at {kwargs}: {type(err).__name__}: {err}") from err
