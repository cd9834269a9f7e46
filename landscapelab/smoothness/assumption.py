"""Cooper's Assumption 1 (a zero c of sigma with sigma'(c) != 0, sigma twice differentiable near c),
decided for every registered activation by a root search and one-sided autograd derivatives."""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from dataclasses import dataclass

import autograd
import numpy as np

from .. import activations as _activations
from .._validate import checked

__all__ = ["ActivationFacts", "activation_facts", "activation_table", "format_activation_table", "assumption1"]

#: Interval searched for zeros of an activation by :func:`activation_facts`.
ZERO_SEARCH = (-20.0, 20.0)


@dataclass(frozen=True)
class ActivationFacts:
    """Whether an activation satisfies Cooper's Assumption 1 (sigma(c) = 0 != sigma'(c), sigma C^2 near c).

    Attributes
    ----------
    name : str
        The activation's registered name.
    c : float or None
        The chosen zero (None if no zero was found).
    value : float
        sigma(c) as computed in floating point.
    d1, d2 : float
        sigma'(c) and sigma''(c) by autograd (NaN where they do not exist).
    ok : bool
        Whether Assumption 1 holds at ``c``.
    reason : str
        Why it fails (empty when ``ok``).
    """

    name: str
    c: float | None
    value: float
    d1: float
    d2: float
    ok: bool
    reason: str


def _autograd_derivatives(act):
    d1 = autograd.elementwise_grad(act.fn)
    return d1, autograd.elementwise_grad(d1)


def _local_check(act, c: float) -> tuple[float, float, float, str]:
    """sigma(c), sigma'(c), sigma''(c) by autograd and the reason sigma is not C^2 near c ("" if it is).

    Differentiability is decided from one-sided values: sigma' and sigma'' are evaluated by autograd at
    ``c -+ delta`` (delta = 1e-6 max(1, |c|)); a jump larger than 1e-4 means a kink (this is how ReLU, leaky ReLU
    and ELU fail at 0, whatever convention autograd uses exactly at the kink).
    """
    d1, d2 = _autograd_derivatives(act)
    x = np.array([c], dtype=np.float64)
    value = float(act.fn(x)[0])
    delta = 1e-6 * max(1.0, abs(c))
    sides = np.array([c - delta, c + delta])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Output seems independent of input")
        left1, right1 = (float(v) for v in d1(sides))
        left2, right2 = (float(v) for v in d2(sides))
        first, second = float(d1(x)[0]), float(d2(x)[0])
    if not all(map(math.isfinite, (left1, right1, left2, right2))):
        return value, math.nan, math.nan, f"derivatives not finite near c = {c:g}"
    if abs(left1 - right1) > 1e-4:
        return value, math.nan, math.nan, (f"not differentiable at c = {c:g} (one-sided sigma' = {left1:.3g} and "
                                           f"{right1:.3g})")
    if abs(left2 - right2) > 1e-4:
        # autograd's value exactly at a kink of sigma'' is a convention (0.5 for ELU's min); use the sides
        return value, 0.5 * (left1 + right1), math.nan, (f"not twice differentiable at c = {c:g} "
                                                         f"(one-sided sigma'' = {left2:.3g} and {right2:.3g})")
    return value, first + 0.0, second + 0.0, ""


def _zero_candidates(act) -> list[float]:
    """Points c with sigma(c) exactly 0, or where a sign change was located to within a few ulps."""
    lo, hi = ZERO_SEARCH
    grid = np.linspace(lo, hi, 161)
    values = np.asarray(act.fn(grid), dtype=np.float64)
    candidates = [float(c) for c in grid[values == 0.0]]
    if act.zero is not None:
        candidates.append(float(act.zero))
    from scipy.optimize import brentq

    for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:]):
        if fa * fb < 0:
            f = lambda u: float(act.fn(np.array([u]))[0])  # noqa: E731
            root = brentq(f, a, b, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
            # look a few ulps around the root for a float where sigma is exactly 0
            near = [root]
            up = down = root
            for _ in range(8):
                up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
                near += [up, down]
            exact = [u for u in near if f(u) == 0.0]
            candidates.append(float(exact[0]) if exact else float(root))
    seen, unique = set(), []
    for c in sorted(candidates, key=lambda u: (abs(u), u)):
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


def activation_facts(activation) -> ActivationFacts:
    """Decide Assumption 1 for one activation (a name or an :class:`~landscapelab.activations.Activation`).

    The zeros of sigma are searched on ``ZERO_SEARCH = [-20, 20]`` (exact zeros on a grid, sign changes refined by
    Brent's method to a few ulps); a zero qualifies if sigma(c) is exactly 0 in floating point (``sin(pi)`` is
    1.2e-16, not 0), sigma'(c) != 0 and sigma is twice differentiable around c (one-sided derivatives agree).
    Among qualifying zeros the activation's registered ``zero`` is preferred, then the smallest ``|c|``.

    Parameters
    ----------
    activation : str or Activation
        A registered activation name or an :class:`~landscapelab.activations.Activation`.

    Returns
    -------
    ActivationFacts
        The chosen zero, sigma and its first two derivatives there, and whether Assumption 1 holds (with the
        reason when it does not).
    """
    act = _activations.get(activation)
    return _activation_facts_cached(act)


@functools.cache
def _activation_facts_cached(act) -> ActivationFacts:
    candidates = _zero_candidates(act)
    if not candidates:
        lo, hi = ZERO_SEARCH
        return ActivationFacts(act.name, None, math.nan, math.nan, math.nan, False,
                               f"no zero found on [{lo:g}, {hi:g}]")
    preferred = [act.zero] if act.zero is not None else []
    reasons = []
    for c in preferred + [u for u in candidates if u not in preferred]:
        value, d1, d2, reason = _local_check(act, c)
        if not reason and value != 0.0:
            reason = f"sigma(c) = {value:.2g} is not exactly 0 in floating point at c = {c:.17g}"
        if not reason and d1 == 0.0:
            reason = f"sigma'(c) = 0 at c = {c:g}"
        if not reason:
            return ActivationFacts(act.name, c, value, d1, d2, True, "")
        reasons.append((c, value, d1, d2, reason))
    c, value, d1, d2, first = reasons[0]
    kinds: dict[str, list[str]] = {}
    for *_, reason in reasons[1:]:
        kinds.setdefault(reason.split(" at c")[0], []).append(reason)
    summary = first
    for kind, found in kinds.items():
        example = found[0].split(" at ", 1)[1].split(" (")[0]
        summary += f"; {kind} at {len(found)} other zero(s) found (e.g. {example})"
    return ActivationFacts(act.name, c, value, d1, d2, False, summary)


def activation_table(activations=None) -> list[ActivationFacts]:
    """:func:`activation_facts` for each activation: Assumption 1 decided for a list of activations.

    Parameters
    ----------
    activations : sequence of str or Activation, optional
        The activations (default: every registered one, in registration order).

    Returns
    -------
    list of ActivationFacts
        One row per activation, in the given order.
    """
    if activations is None:
        activations = _activations.names()
    return [activation_facts(a) for a in activations]


def format_activation_table(rows: list[ActivationFacts]) -> str:
    """Plain-text rendering of :func:`activation_table` rows (values rounded to 6 digits).

    Parameters
    ----------
    rows : sequence of ActivationFacts
        The rows, as returned by :func:`activation_table`.

    Returns
    -------
    str
        A table with the columns activation, c, sigma'(c), sigma''(c), Assumption 1 (yes/no) and the reason.
    """
    def num(x):
        return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.6g}"

    if isinstance(rows, (str, bytes)) or getattr(rows, "ndim", 1) == 0 or not hasattr(rows, "__iter__"):
        raise TypeError(f"rows: expected a sequence of ActivationFacts, got {type(rows).__name__}")
    cells = [(r.name, num(r.c), num(r.d1), num(r.d2), "yes" if r.ok else "no", r.reason) for r in rows]
    headers = ("activation", "c", "sigma'(c)", "sigma''(c)", "Assumption 1", "why not")
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    line = lambda cols: "  ".join(str(c).ljust(w) for c, w in zip(cols, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(row) for row in cells])


@dataclass(frozen=True)
class _Point:
    """The point c on the ray: sigma(c), sigma'(c), sigma''(c) (the hand-written derivatives of the activation)."""

    c: float
    s0: float
    s1: float
    s2: float


@checked()
def assumption1(activation, c=None, absorb: bool = False) -> _Point:
    """Check Cooper's Assumption 1 at ``c`` and return sigma and its first two derivatives there.

    Parameters
    ----------
    activation : str or Activation
        A registered activation name or an :class:`~landscapelab.activations.Activation`.
    c : float, optional
        The point (default: the zero found by :func:`activation_facts`).
    absorb : bool
        An extension beyond the paper (see :class:`~landscapelab.smoothness.Ray`): sigma(c) need not vanish.

    Returns
    -------
    point
        A frozen record with the fields ``c``, ``s0`` = sigma(c), ``s1`` = sigma'(c) and ``s2`` = sigma''(c)
        (the activation's hand-written derivatives).

    Raises
    ------
    ValueError
        When the activation has no zero c with sigma'(c) != 0, when sigma(c) is not exactly 0 in floating point
        (unless ``absorb``), when sigma'(c) = 0, or when sigma is not twice differentiable around c.
    """
    act = _activations.get(activation)
    if c is None:
        facts = activation_facts(act)
        if facts.ok:
            c = facts.c
        elif absorb:
            raise ValueError(f"c: activation {act.name!r} has no zero c with sigma'(c) != 0 ({facts.reason}); "
                             "with absorb=True pass a point c where sigma is twice differentiable and sigma'(c) != 0 "
                             "(for example c=0 for sigmoid, c=1 for relu)")
        else:
            raise ValueError(f"activation {act.name!r} does not satisfy Assumption 1 (a zero c with "
                             f"sigma'(c) != 0): {facts.reason}")
    if isinstance(c, bool) or not isinstance(c, numbers.Real) or not math.isfinite(c):
        raise TypeError(f"c: expected a finite real number, got {c!r}")
    c = float(c)
    _, _, _, reason = _local_check(act, c)
    if reason:
        raise ValueError(f"c: activation {act.name!r} is {reason}; Cooper's ray needs sigma twice differentiable "
                         "at c (Assumption 1)")
    x = np.array([c])
    s0, s1, s2 = (float(np.asarray(g(x), dtype=np.float64).ravel()[0]) for g in (act.fn, act.d1, act.d2))
    if s0 != 0.0 and not absorb:
        raise ValueError(f"c: sigma(c) = {s0:.3g} for {act.name!r} at c = {c!r}, not exactly 0 in floating point; "
                         "on the ray the output would be t sigma(c) M 1, growing with t (use a c with sigma(c) == 0, "
                         "e.g. c=0 for sin, or absorb=True to move the last bias instead)")
    if s1 == 0.0:
        raise ValueError(f"c: sigma'(c) = 0 for {act.name!r} at c = {c!r}; Assumption 1 needs sigma'(c) != 0")
    return _Point(c, s0, s1, s2)

