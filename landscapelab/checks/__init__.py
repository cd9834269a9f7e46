"""The claims the book demonstrates, as functions that re-derive them numerically.

The core's checks are in :mod:`landscapelab.checks.core`; each chapter package ``landscapelab/<topic>/`` has its
own ``checks.py`` (and, for a package holding several chapters or a chapter split by concept, ``checks_*.py``,
loaded after ``checks.py`` in the order of their names), found on disk by :func:`check_modules`, so adding a
chapter needs no edit here. Check functions are registered with :func:`claim`, which may name the labels of the
book's statements that the check reproduces (the ``:label:`` of a ``{prf:theorem}``, lemma, proposition,
corollary or remark block, or the id of a beyond-the-paper observation or of an erratum box). A chapter's check
modules list the statements they deliberately do not check, with the reason, in a module-level
``NOT_CHECKED = {label: reason}`` (collected by :func:`not_checked`); ``tests/core/test_statement_coverage.py``
parses the chapters and asserts that every statement is named by a claim or listed there. A check function takes
no arguments, runs at a small size in well under a few seconds, and returns a :class:`Result`.
The same functions are called by

* ``landscapelab verify`` (:mod:`landscapelab.cli`), which prints one row per claim;
* the tests (``tests/core/test_checks.py`` runs every registered check and asserts ``passed``);
* the book's chapters, which print the rows of their chapter with :func:`table`.

so the three cannot drift apart.
"""

from __future__ import annotations

import importlib
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from collections.abc import Callable

__all__ = ["CHAPTERS", "Result", "Row", "claim", "chapters", "not_checked", "registry", "run", "run_claim",
           "table"]

#: Where a check module sits in the book when it does not say (``POSITION = <int>`` at module level).
DEFAULT_POSITION = 100
_CHAPTER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


@dataclass
class Result:
    """What a check measured, what the theory says, and whether they agree.

    Parameters
    ----------
    measured : str
        The measured value(s), formatted for the table.
    expected : str
        The value or law the theory predicts.
    passed : bool
        Whether the measurement agrees with the prediction.
    """

    measured: str
    expected: str
    passed: bool


@dataclass
class Row:
    """One line of ``landscapelab verify``.

    Parameters
    ----------
    chapter : str
        The chapter key.
    claim : str
        The claim.
    measured, expected : str
        As in :class:`Result`.
    passed : bool
        Whether the claim held.
    seconds : float
        Time the check took.
    statements : tuple of str
        The labels of the book's statements the claim checks (see :func:`claim`); empty if it names none.
    """

    chapter: str
    claim: str
    measured: str
    expected: str
    passed: bool
    seconds: float
    statements: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The row as a plain dict with the keys of ``landscapelab verify --json``.

        Returns
        -------
        dict
            ``chapter``, ``claim``, ``measured``, ``expected``, ``passed``, ``seconds`` and ``statements`` (a list).
        """
        row = asdict(self)
        row["statements"] = list(self.statements)
        return row


@dataclass
class _Claim:
    chapter: str
    claim: str
    fn: Callable[[], Result]
    position: int
    statements: tuple[str, ...] = ()


_REGISTRY: dict[str, list[_Claim]] = {}


def claim(chapter: str, text: str, statements=()):
    """Register the decorated zero-argument function as the check of ``text`` in ``chapter``.

    Parameters
    ----------
    chapter : str
        The chapter key (``"core"``, ``"smoothness"``, ...): lower-case letters, digits and underscores. A chapter
        package usually uses its own name; a package holding several chapters uses one key per chapter.
    text : str
        The claim as printed by ``landscapelab verify``. Registering the same text again replaces the check.
    statements : str or sequence of str, optional
        The labels of the chapter's statements this check reproduces: the ``:label:`` of a ``{prf:theorem}``,
        ``{prf:lemma}``, ``{prf:proposition}``, ``{prf:corollary}`` or ``{prf:remark}`` block (``"rsc-thm-rsc"``),
        or the id ``<notebook>-obs-<words>`` of a beyond-the-paper observation or ``<notebook>-err-<words>`` of an
        erratum box (see
        ``tests/core/test_statement_coverage.py``). The test of that name asserts that each label exists in the
        chapter, and that every statement of the chapter is named by a claim or listed in ``NOT_CHECKED``.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged (with ``.claim``, ``.chapter`` and ``.statements``
        attributes).
    """
    if not isinstance(chapter, str) or not _CHAPTER_NAME.match(chapter):
        raise ValueError(f"chapter: expected a lower-case identifier such as 'smoothness', got {chapter!r}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text: expected a non-empty description of the claim, got {text!r}")
    labels = (statements,) if isinstance(statements, str) else statements
    if not isinstance(labels, (tuple, list)):
        raise TypeError(f"statements: expected a label or a tuple of labels, got {type(statements).__name__}")
    for label in labels:
        if not isinstance(label, str) or not _LABEL.match(label):
            raise ValueError(f"statements: expected labels such as 'rsc-thm-rsc' (letters, digits, '-', '_', "
                             f"'.', ':'), got {label!r}")
    labels = tuple(dict.fromkeys(labels))

    def register(fn: Callable[[], Result]):
        if not callable(fn):
            raise TypeError(f"claim: expected a zero-argument function, got {type(fn).__name__}")
        module = sys.modules.get(getattr(fn, "__module__", ""), None)
        position = int(getattr(module, "POSITION", DEFAULT_POSITION))
        entries = _REGISTRY.setdefault(chapter, [])
        entries[:] = [c for c in entries if c.claim != text]
        entries.append(_Claim(chapter, text, fn, position, labels))
        fn.claim = text
        fn.chapter = chapter
        fn.statements = labels
        return fn

    return register


def check_modules() -> list[str]:
    """Dotted names of every module that registers claims: :mod:`landscapelab.checks.core` and, in each chapter
    package ``landscapelab/<topic>/``, its ``checks.py`` and any ``checks_*.py`` (found on disk, not listed)."""
    root = Path(__file__).resolve().parent.parent
    found = [f"{__name__}.core"]
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name != "checks"):
        for module in sorted(package.glob("checks*.py")):
            if module.stem == "checks" or module.stem.startswith("checks_"):
                found.append(f"landscapelab.{package.name}.{module.stem}")
    return found


def _load_all() -> None:
    for name in check_modules():
        importlib.import_module(name)


def chapters() -> tuple[str, ...]:
    """Chapter keys that have claims, in book order (``core`` first).

    Returns
    -------
    tuple of str
    """
    _load_all()
    order = {chapter: min(c.position for c in entries) if chapter != "core" else -1
             for chapter, entries in _REGISTRY.items() if entries}
    return tuple(sorted(order, key=lambda chapter: (order[chapter], chapter)))


def not_checked(chapter: str) -> dict[str, str]:
    """The statements of a chapter that no claim checks, with the reason, from the chapter's check modules.

    A check module (one holding claims of ``chapter``) may define ``NOT_CHECKED = {label: reason}`` at module
    level: a definition-like lemma used only inside a proof, or a statement the chapter says it does not reproduce.

    Parameters
    ----------
    chapter : str
        A chapter key with claims (see :func:`chapters`).

    Returns
    -------
    dict
        Label -> reason, merged over the chapter's check modules (in the order of :func:`check_modules`).
    """
    entries = registry(chapter)
    modules = {entry.fn.__module__ for entry in entries}
    found: dict[str, str] = {}
    for name in check_modules():
        if name in modules:
            found.update(getattr(sys.modules[name], "NOT_CHECKED", {}))
    return found


def __getattr__(name):
    if name == "CHAPTERS":
        return chapters()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def registry(chapter: str | None = None) -> list[_Claim]:
    """All registered claims (of one chapter, if given), in book order and then in definition order.

    Parameters
    ----------
    chapter : str, optional
        A chapter key; ``ValueError`` if no claims are registered under it.

    Returns
    -------
    list
        Entries with the attributes ``chapter``, ``claim`` and ``fn``.
    """
    known = chapters()
    if chapter is not None and chapter not in known:
        raise ValueError(f"chapter: expected one of {', '.join(known)}, got {chapter!r}")
    return [entry for name in (known if chapter is None else (chapter,)) for entry in _REGISTRY[name]]


def run_claim(entry: _Claim) -> Row:
    """Run one registered check and time it; a check that raises is a failed claim, reported, not raised.

    Parameters
    ----------
    entry : registry entry
        An element of :func:`registry`.

    Returns
    -------
    Row
    """
    start = time.perf_counter()
    try:
        result = entry.fn()
    except Exception as err:  # a crashing check is a failed claim, reported rather than raised
        result = Result(measured=f"error: {type(err).__name__}: {err}", expected="no error", passed=False)
    return Row(entry.chapter, entry.claim, result.measured, result.expected, bool(result.passed),
               time.perf_counter() - start, entry.statements)


def run(chapter: str | None = None, progress: bool = False) -> list[Row]:
    """Run the checks (of one chapter, if given) and return their rows.

    Parameters
    ----------
    chapter : str, optional
        A chapter key (default: every chapter).
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of Row
    """
    claims = registry(chapter)
    if progress:
        from tqdm import tqdm

        claims = tqdm(claims, desc="verify", unit="claim")
    return [run_claim(entry) for entry in claims]


def table(chapter: str | None = None, rows: list[Row] | None = None, seconds: bool = True,
          width: int | None = None) -> str:
    """Plain-text table of the rows (running the checks of ``chapter`` if ``rows`` is not given).

    Parameters
    ----------
    chapter : str, optional
        Run the checks of this chapter (when ``rows`` is not given).
    rows : list of Row, optional
        Rows already run (``run(chapter)``).
    seconds : bool
        ``False`` leaves out the timing column, so that the table is identical from run to run (the book prints
        it that way in cells that nbval compares).
    width : int, optional
        Fit the table in this many columns (the book uses 88): the chapter column is left out when every row has
        the same chapter, and the claim (then the measured and expected texts) wrap onto continuation lines.
        ``None`` (the default) prints every row on one line.

    Returns
    -------
    str
        A header line, a rule, and one row (or, with ``width``, one group of lines) per claim.
    """
    from .._validate import boolean, positive_int

    boolean(seconds, "seconds")
    if width is not None:
        positive_int(width, "width")
    if rows is not None and (not isinstance(rows, (list, tuple)) or not all(isinstance(r, Row) for r in rows)):
        raise TypeError(f"rows: expected a list of Row (from run), got {rows!r:.80}")
    rows = run(chapter) if rows is None else rows
    headers = ("chapter", "claim", "measured", "expected", "result", "s")[: 6 if seconds else 5]
    cells = [(r.chapter, r.claim, r.measured, r.expected, "pass" if r.passed else "FAIL", f"{r.seconds:.2f}")[
        : len(headers)] for r in rows]
    if width is not None:
        if not isinstance(width, int) or isinstance(width, bool) or width < 40:
            raise ValueError(f"width: expected an int of at least 40 columns, got {width!r}")
        return _wrapped_table(headers, cells, width)
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda cols: "  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(c) for c in cells])


def _wrapped_table(headers: tuple, cells: list[tuple], width: int) -> str:
    """The table of :func:`table` in at most ``width`` columns, wrapping claim, measured and expected texts."""
    import textwrap

    if len({c[0] for c in cells}) <= 1:                       # one chapter: its name is in every row
        headers, cells = headers[1:], [c[1:] for c in cells]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    wrappable = [headers.index(h) for h in ("claim", "measured", "expected") if h in headers]
    floor = {i: max(12, len(headers[i])) for i in wrappable}
    while sum(widths) + 2 * (len(widths) - 1) > width:       # narrow the widest text column, one column at a time
        i = max((i for i in wrappable if widths[i] > floor[i]), key=lambda i: widths[i], default=None)
        if i is None:
            break
        widths[i] -= 1
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    wrapped = [[textwrap.wrap(text, w, break_on_hyphens=False) or [""] for text, w in zip(row, widths)]
               for row in cells]
    spaced = any(len(p) > 1 for parts in wrapped for p in parts)   # a blank line between rows that wrap
    for n, parts in enumerate(wrapped):
        if spaced and n:
            lines.append("")
        for k in range(max(map(len, parts))):
            lines.append("  ".join((p[k] if k < len(p) else "").ljust(w) for p, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)
