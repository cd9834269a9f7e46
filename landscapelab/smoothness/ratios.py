"""(L0, L1)-smoothness and generalised l-smoothness as ratios over sampled points, and the exact set of
admissible (L0, L1) (Definition 1; Li, Qian, Tian, Rakhlin and Jadbabaie 2023)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import as_float_array

__all__ = ["l0l1_ratio", "power_ell", "ell_ratio", "min_L1", "admissible_frontier", "smallest_cover"]


def _nonnegative(x, name):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not (x >= 0) or not math.isfinite(x):
        raise ValueError(f"{name}: expected a finite number >= 0, got {x!r}")
    return float(x)



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
    denominator is 0 and ``||H|| > 0``."""
    H, g = _norm_pair(hess_norm, grad_norm)
    return _safe_ratio(H, _nonnegative(L0, "L0") + _nonnegative(L1, "L1") * g)


def power_ell(L0: float, L1: float, p: float):
    """The function ``phi(u) = L0 + L1 u^p`` (``p = 1``: (L0, L1)-smoothness; sub-quadratic iff ``p < 2``)."""
    L0, L1 = _nonnegative(L0, "L0"), _nonnegative(L1, "L1")
    p = _nonnegative(p, "p")

    def phi(u):
        return L0 + L1 * np.asarray(u, dtype=np.float64) ** p

    phi.__doc__ = f"phi(u) = {L0:g} + {L1:g} u^{p:g}"
    return phi


def ell_ratio(hess_norm, grad_norm, ell) -> np.ndarray:
    """``||H|| / phi(||g||)`` per point: generalised l-smoothness (Li, Qian, Tian, Rakhlin and Jadbabaie 2023) with a
    non-decreasing positive ``phi`` holds at a point iff this is <= 1. (The book writes phi for their l, which
    would clash with the depth l.)"""
    H, g = _norm_pair(hess_norm, grad_norm)
    if not callable(ell):
        raise TypeError(f"ell: expected a function of the gradient norm, got {type(ell).__name__}")
    return _safe_ratio(H, np.asarray(ell(g), dtype=np.float64))


def min_L1(hess_norm, grad_norm, L0):
    """The smallest L1 with ``||H_i|| <= L0 + L1 ||g_i||`` at every sampled point: ``max_i (||H_i|| - L0)_+ / ||g_i||``
    (``inf`` if a point with ``g_i = 0`` has ``||H_i|| > L0``). ``L0`` may be an array."""
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
    ``{(L0, L1) >= 0 : ||H_i|| <= L0 + L1 ||g_i|| for all i}``, from ``L0 = 0`` to ``L1 = 0``.

    The set is convex: a line ``u -> L0 + L1 u`` covers the points ``(||g_i||, ||H_i||)`` iff it lies above their
    upper concave hull, so the vertices are the (intercept, slope) pairs of the hull's edges with slope >= 0,
    completed by the two axis points. If some point has ``g_i = 0`` the boundary starts at ``L0 = max H_i``
    over those points. The first vertex has ``L0 = 0`` unless such points exist."""
    H, g = _norm_pair(hess_norm, grad_norm)
    if H.size == 0:
        return np.zeros(1), np.zeros(1)
    floor = H[g == 0].max() if np.any(g == 0) else 0.0
    tallest: dict[float, float] = {}
    for x, y in zip(g.tolist(), H.tolist()):          # for equal gradient norms only the largest Hessian norm matters
        tallest[x] = max(y, tallest.get(x, y))
    pts = sorted(tallest.items())
    hull = []                                   # upper hull, from small g to large g
    for p in pts:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) >= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    # the candidate lines are the hull edges (and the lines through the origin / horizontal lines at the ends);
    # evaluate min L1 at the intercepts of the hull edges, which are the kinks of L0 -> min_L1(L0)
    kinks = {floor, float(H.max())}
    for (x1, y1), (x2, y2) in zip(hull[:-1], hull[1:]):
        slope = (y2 - y1) / (x2 - x1)
        if slope > 0:
            kinks.add(max(floor, y1 - slope * x1))
    L0s = np.array(sorted(k for k in kinks if floor <= k <= H.max()))
    L1s = min_L1(H, g, L0s)
    keep = np.concatenate([[True], np.abs(np.diff(L1s)) > 0])
    return L0s[keep], L1s[keep]


def smallest_cover(hess_norm, grad_norm, kappa: float = 1.0) -> tuple[float, float]:
    """The smallest admissible pair on the line ``L1 = kappa L0``: ``L0 = max_i ||H_i|| / (1 + kappa ||g_i||)``.

    With ``kappa = 1`` this is the side of the smallest square ``[0, s]^2`` of the (L0, L1) plane that still
    contains an admissible pair; along Cooper's ray it grows without bound as more of the ray is sampled."""
    H, g = _norm_pair(hess_norm, grad_norm)
    kappa = _nonnegative(kappa, "kappa")
    s = float(_safe_ratio(H, 1.0 + kappa * g).max()) if H.size else 0.0
    return s, kappa * s

