"""(L0, L1)-smoothness and generalised l-smoothness as ratios over sampled points, and the exact set of
admissible (L0, L1) (Definition 1; Li, Qian, Tian, Rakhlin and Jadbabaie 2023)."""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, positive_number

__all__ = ["l0l1_ratio", "power_ell", "ell_ratio", "min_L1", "admissible_frontier", "smallest_cover"]


# ------------------------------------------------------------------------------------------------ ratios
def _norm_pair(hess_norm, grad_norm):
    H = np.atleast_1d(as_float_array(hess_norm, "hess_norm"))
    g = np.atleast_1d(as_float_array(grad_norm, "grad_norm"))
    if H.shape != g.shape or H.ndim != 1:
        raise ValueError(f"hess_norm, grad_norm: expected two 1-D arrays of equal length, got {H.shape} and {g.shape}")
    if np.any(H < 0) or np.any(g < 0):
        raise ValueError("hess_norm, grad_norm: norms must be >= 0")
    return H, g


def _safe_ratio(num, den):
    out = np.full(num.shape, np.inf)
    pos = den > 0
    out[pos] = num[pos] / den[pos]
    out[(den <= 0) & (num == 0)] = 0.0
    return out


def l0l1_ratio(hess_norm, grad_norm, L0: float, L1: float) -> np.ndarray:
    """``||H|| / (L0 + L1 ||g||)`` per point (Definition 1 holds at a point iff the ratio is <= 1); ``inf`` where the
    denominator is 0 and ``||H|| > 0``.

    Parameters
    ----------
    hess_norm, grad_norm : array_like, shape (n,)
        The sampled points ``(||H_i||, ||g_i||)``, all >= 0.
    L0, L1 : float
        The constants of Definition 1, both >= 0.

    Returns
    -------
    ndarray, shape (n,)
        The ratios.
    """
    H, g = _norm_pair(hess_norm, grad_norm)
    L0, L1 = positive_number(L0, "L0", allow_zero=True), positive_number(L1, "L1", allow_zero=True)
    return _safe_ratio(H, L0 + L1 * g)


def power_ell(L0: float, L1: float, p: float):
    """The function ``phi(u) = L0 + L1 u^p`` (``p = 1``: (L0, L1)-smoothness; sub-quadratic iff ``p < 2``).

    Parameters
    ----------
    L0, L1 : float
        The constants, both >= 0.
    p : float
        The power, >= 0.

    Returns
    -------
    callable
        ``phi``, vectorised over NumPy arrays (its docstring states the constants).
    """
    L0, L1 = positive_number(L0, "L0", allow_zero=True), positive_number(L1, "L1", allow_zero=True)
    p = positive_number(p, "p", allow_zero=True)

    def phi(u):
        return L0 + L1 * np.asarray(u, dtype=np.float64) ** p

    phi.__doc__ = f"phi(u) = {L0:g} + {L1:g} u^{p:g}"
    return phi


def ell_ratio(hess_norm, grad_norm, ell) -> np.ndarray:
    """``||H|| / phi(||g||)`` per point: generalised l-smoothness (Li, Qian, Tian, Rakhlin and Jadbabaie 2023) with a
    non-decreasing positive ``phi`` holds at a point iff this is <= 1. (The book writes phi for their l, which
    would clash with the depth l.)

    Parameters
    ----------
    hess_norm, grad_norm : array_like, shape (n,)
        The sampled points ``(||H_i||, ||g_i||)``, all >= 0.
    ell : callable
        ``phi``, vectorised over NumPy arrays (e.g. :func:`power_ell`).

    Returns
    -------
    ndarray, shape (n,)
        The ratios.
    """
    H, g = _norm_pair(hess_norm, grad_norm)
    if not callable(ell):
        raise TypeError(f"ell: expected a function of the gradient norm, got {type(ell).__name__}")
    return _safe_ratio(H, np.asarray(ell(g), dtype=np.float64))


def min_L1(hess_norm, grad_norm, L0):
    """The smallest L1 with ``||H_i|| <= L0 + L1 ||g_i||`` at every sampled point: ``max_i (||H_i|| - L0)_+ / ||g_i||``
    (``inf`` if a point with ``g_i = 0`` has ``||H_i|| > L0``).

    Parameters
    ----------
    hess_norm, grad_norm : array_like, shape (n,)
        The sampled points ``(||H_i||, ||g_i||)``, all >= 0.
    L0 : float or array_like
        One value or a 1-D array of values, all >= 0.

    Returns
    -------
    float or ndarray
        The smallest L1 for each L0 (a float for a scalar ``L0``).
    """
    H, g = _norm_pair(hess_norm, grad_norm)
    L0s = np.atleast_1d(as_float_array(L0, "L0"))
    if np.any(L0s < 0):
        raise ValueError("L0: expected values >= 0")
    excess = np.maximum(H[None, :] - L0s[:, None], 0.0)
    need = _safe_ratio(excess, np.broadcast_to(g[None, :], excess.shape))
    out = need.max(axis=1) if H.size else np.zeros(L0s.shape)
    return float(out[0]) if np.ndim(L0) == 0 else out


def admissible_frontier(hess_norm, grad_norm) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(L0, L1)`` of the lower-left boundary of the admissible set
    ``{(L0, L1) >= 0 : ||H_i|| <= L0 + L1 ||g_i|| for all i}``, from the smallest admissible ``L0`` to
    ``L1 = 0``.

    The set is convex: a line ``u -> L0 + L1 u`` covers the points ``(||g_i||, ||H_i||)`` iff it lies above
    their upper concave hull. Points with ``g_i = 0`` force ``L0 >= floor = max H_i`` over them (0 if there
    are none), so the hull is taken of the anchor ``(0, floor)`` and the points with ``g_i > 0``; each hull
    edge of positive slope is one vertex, ``(intercept, slope)`` of the line through its two end points, and
    the last vertex is ``(max_i H_i, 0)``. Between two vertices the boundary is the straight segment joining
    them.

    Each vertex is computed from its own edge (slope ``(H_b - H_a) / (g_b - g_a)``, intercept
    ``H_a - slope g_a``) rather than by re-evaluating :func:`min_L1` at the intercept: the latter divides a
    difference of nearly equal Hessian norms by a possibly tiny gradient norm (``(567 - 566.99997) / 1e-5``),
    which loses about ``eps H / g_min`` of absolute accuracy. With the edge formulas every vertex satisfies
    ``max_i (H_i - L0 - L1 g_i) = 0`` up to a few rounding errors of the numbers involved.

    Parameters
    ----------
    hess_norm, grad_norm : array_like, shape (n,)
        The sampled points ``(||H_i||, ||g_i||)``, all >= 0.

    Returns
    -------
    L0s, L1s : ndarray
        The vertices, ``L0s`` strictly increasing and ``L1s`` strictly decreasing to ``L1s[-1] = 0``. With no
        point at all the single vertex ``(0, 0)``.
    """
    H, g = _norm_pair(hess_norm, grad_norm)
    if H.size == 0:
        return np.zeros(1), np.zeros(1)
    top = float(H.max())
    floor = float(H[g == 0].max()) if np.any(g == 0) else 0.0
    tallest = {0.0: floor}                          # for equal gradient norms only the largest Hessian norm matters
    for x, y in zip(g.tolist(), H.tolist()):
        if x > 0 and y > floor:
            tallest[x] = max(y, tallest.get(x, y))
    hull: list[tuple[float, float]] = []            # upper hull, from small g to large g
    for p in sorted(tallest.items()):
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) >= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    L0s: list[float] = []
    L1s: list[float] = []
    for (x1, y1), (x2, y2) in zip(hull[:-1], hull[1:]):
        slope = (y2 - y1) / (x2 - x1)
        if slope <= 0:                              # past the highest point: the rest of the hull descends
            break
        intercept = y1 - slope * x1
        if L0s and not (intercept > L0s[-1] and slope < L1s[-1]):
            continue                                # rounding made two nearly collinear edges swap: keep one
        L0s.append(intercept)
        L1s.append(slope)
    if not L0s or top > L0s[-1]:
        L0s.append(top)
        L1s.append(0.0)
    return np.array(L0s), np.array(L1s)


def smallest_cover(hess_norm, grad_norm, kappa: float = 1.0) -> tuple[float, float]:
    """The smallest admissible pair on the line ``L1 = kappa L0``: ``L0 = max_i ||H_i|| / (1 + kappa ||g_i||)``.

    With ``kappa = 1`` this is the side of the smallest square ``[0, s]^2`` of the (L0, L1) plane that still
    contains an admissible pair; along Cooper's ray it grows without bound as more of the ray is sampled.

    Parameters
    ----------
    hess_norm, grad_norm : array_like, shape (n,)
        The sampled points ``(||H_i||, ||g_i||)``, all >= 0.
    kappa : float
        The slope of the line ``L1 = kappa L0``, >= 0.

    Returns
    -------
    L0, L1 : float
        The smallest admissible pair on the line.
    """
    H, g = _norm_pair(hess_norm, grad_norm)
    kappa = positive_number(kappa, "kappa", allow_zero=True)
    s = float(_safe_ratio(H, 1.0 + kappa * g).max()) if H.size else 0.0
    return s, kappa * s

