"""The claims the book demonstrates, as functions that re-derive them numerically.

Each chapter has a module here (``core``, ``smoothness``, ``convexity``, ...) whose check functions are
registered with :func:`claim`. A check function takes no arguments, runs at a small size in well under a few
seconds, and returns a :class:`Result`. The same functions are called by

* ``landscapelab verify`` (:mod:`landscapelab.cli`), which prints one row per claim;
* the tests (``tests/test_checks.py`` runs every registered check and asserts ``passed``);
* the book's chapters, which print the rows of their chapter with :func:`table`.

so the three cannot drift apart.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import asdict, dataclass
from typing import Callable

__all__ = ["CHAPTERS", "Result", "Row", "claim", "registry", "run", "table"]

#: Chapter module names in book order. A chapter's checks live in ``landscapelab.checks.<name>``.
CHAPTERS = ("core", "smoothness", "convexity", "linearity", "wide", "rsc")


@dataclass
class Result:
    """What a check measured, what the theory says, and whether they agree."""

    measured: str
    expected: str
    passed: bool


@dataclass
class Row:
    """One line of ``landscapelab verify``."""

    chapter: str
    claim: str
    measured: str
    expected: str
    passed: bool
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Claim:
    chapter: str
    claim: str
    fn: Callable[[], Result]


_REGISTRY: dict[str, list[_Claim]] = {}


def claim(chapter: str, text: str):
    """Register the decorated zero-argument function as the check of ``text`` in ``chapter``."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter: expected one of {', '.join(CHAPTERS)}, got {chapter!r}")

    def register(fn: Callable[[], Result]):
        entries = _REGISTRY.setdefault(chapter, [])
        entries[:] = [c for c in entries if c.claim != text]
        entries.append(_Claim(chapter, text, fn))
        fn.claim = text
        fn.chapter = chapter
        return fn

    return register


def _load(chapter: str) -> None:
    try:
        importlib.import_module(f"{__name__}.{chapter}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{chapter}":
            raise


def registry(chapter: str | None = None) -> list[_Claim]:
    """All registered claims (of one chapter, if given), in chapter order and then in definition order."""
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(f"chapter: expected one of {', '.join(CHAPTERS)}, got {chapter!r}")
    chapters = CHAPTERS if chapter is None else (chapter,)
    claims = []
    for name in chapters:
        _load(name)
        claims.extend(_REGISTRY.get(name, []))
    return claims


def run_claim(entry: _Claim) -> Row:
    start = time.perf_counter()
    try:
        result = entry.fn()
    except Exception as err:  # a crashing check is a failed claim, reported rather than raised
        result = Result(measured=f"error: {type(err).__name__}: {err}", expected="no error", passed=False)
    return Row(entry.chapter, entry.claim, result.measured, result.expected, bool(result.passed),
               time.perf_counter() - start)


def run(chapter: str | None = None, progress: bool = False) -> list[Row]:
    """Run the checks (of one chapter, if given) and return their rows."""
    claims = registry(chapter)
    if progress:
        from tqdm.auto import tqdm

        claims = tqdm(claims, desc="verify", unit="claim")
    return [run_claim(entry) for entry in claims]


def table(chapter: str | None = None, rows: list[Row] | None = None, seconds: bool = True) -> str:
    """Plain-text table of the rows (running the checks of ``chapter`` if ``rows`` is not given).

    ``seconds=False`` leaves out the timing column, so that the table is identical from run to run (the book
    prints it that way in cells that nbval compares).
    """
    rows = run(chapter) if rows is None else rows
    headers = ("chapter", "claim", "measured", "expected", "result", "s")[: 6 if seconds else 5]
    cells = [(r.chapter, r.claim, r.measured, r.expected, "pass" if r.passed else "FAIL", f"{r.seconds:.2f}")[
        : len(headers)] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda cols: "  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(c) for c in cells])
