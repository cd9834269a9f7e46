"""Where (L0, L1)-smoothness fails along Cooper's ray: a certified t* and the first violating t found by search.
Methods of :class:`landscapelab.smoothness.closed_form.Ray` (assigned in its body, so they are documented and
checked as its own)."""

from __future__ import annotations

import math

import numpy as np

from .._validate import checked, positive_number


def certificate(self, L0: float, L1: float) -> float:  # noqa: D417 (self: the Ray)
    """A t* beyond which (L0, L1)-smoothness fails on the ray in every norm (the book's case T12, any loss).

    With the leading entry ``a t^2 + b t + e`` (``a > 0``), ``|H_ii| <= ||H||`` and
    ``||g(t)|| <= ||g0|| + t ||g1||``, the inequality ``a t^2 - |b| t - |e| > L0 + L1 (||g0|| + t ||g1||)`` holds
    for every ``t > t* = (beta + sqrt(beta^2 + 4 a gamma)) / (2 a)``, ``beta = |b| + L1 ||g1||``,
    ``gamma = L0 + |e| + L1 ||g0||``.

    Parameters
    ----------
    L0, L1 : float
        The constants of Definition 1, both >= 0.

    Returns
    -------
    float
        t*.

    Raises
    ------
    ValueError
        When the leading entry has no ``t^2`` term for this direction M (no violation along this ray).
    """
    L0, L1 = positive_number(L0, "L0", allow_zero=True), positive_number(L1, "L1", allow_zero=True)
    e, b, a = self.leading_entry()
    if a <= 1e-12 * max(1.0, float(np.abs(self.H0).max())):
        raise ValueError("certificate: the t^2 coefficient of the leading entry is 0 for this direction M "
                         "(e.g. M = Omega with cross-entropy), so the ray gives no violation")
    beta = abs(b) + L1 * np.linalg.norm(self.g1)
    gamma = L0 + abs(e) + L1 * np.linalg.norm(self.g0)
    return float((beta + math.sqrt(beta * beta + 4 * a * gamma)) / (2 * a))

@checked(grid="count")
def first_violation(self, L0: float, L1: float, norm: str = "frobenius",  # noqa: D417 (self: the Ray)
                    t_max: float | None = None, grid: int = 400) -> float:
    """The smallest ``t >= 0`` found with ``||H(rho(t))|| > L0 + L1 ||grad L(rho(t))||`` (``inf`` if none up to
    ``t_max``, default ``2 certificate(L0, L1)``), located on a geometric grid and refined by bisection.

    Parameters
    ----------
    L0, L1 : float
        The constants of Definition 1, both >= 0.
    norm : {"frobenius", "operator"}
        The Hessian norm.
    t_max : float, optional
        The end of the search (> 0; default ``2 certificate(L0, L1)``).
    grid : int
        Number of points of the geometric search grid.

    Returns
    -------
    float
        The first violating t, or ``inf``.
    """
    L0, L1 = positive_number(L0, "L0", allow_zero=True), positive_number(L1, "L1", allow_zero=True)
    if t_max is None:
        t_max = 2.0 * self.certificate(L0, L1)
    excess = lambda u: self.hessian_norm(u, norm) - L0 - L1 * self.gradient_norm(u)  # noqa: E731
    ts = np.concatenate([[0.0], np.geomspace(min(1e-3, t_max), t_max, grid)])
    values = np.array([excess(u) for u in ts])
    bad = np.flatnonzero(values > 0)
    if bad.size == 0:
        return math.inf
    j = bad[0]
    if j == 0:
        return 0.0
    lo, hi = ts[j - 1], ts[j]
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        lo, hi = (lo, mid) if excess(mid) > 0 else (mid, hi)
    return float(hi)
