"""Separating slabs: a linear-programming proof that two points lie in different components of a region.

If a slab ``S = {lo <= a.x <= hi}`` contains no point of ``C_j`` and two points of ``C_j`` lie on opposite
sides of it, every path between them crosses ``S`` (the intermediate value theorem applied to ``a.x``), so
they lie in different components of ``C_j``. For a piecewise-linear network the emptiness of ``S ∩ C_j`` is
decided exactly: enumerate the activation cells meeting ``S`` by depth-first search with a feasibility LP per
branch, and on each cell maximise ``tau`` subject to ``f_j - f_k >= tau`` (an LP, the outputs being affine on
the cell). The slab is free of ``C_j`` iff the largest such ``tau`` is ``<= 0``. Works in any input dimension.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog

from .._validate import as_float_array, positive_number
from ..nets import MLP
from .decision_regions_nets import _check_class, _finite_real, layers, negative_slope

__all__ = ["slab_max_margin", "separates"]


def _feasible(A, b, d):
    if len(b) == 0:
        return True
    res = linprog(np.zeros(d), A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
    return res.status == 0


def _max_tau(A, b, D, e, d, cap):
    """max tau s.t. A x <= b, D x + e >= tau, tau <= cap (returns -inf if infeasible)."""
    rows = np.vstack([np.hstack([A, np.zeros((len(A), 1))]), np.hstack([-D, np.ones((len(D), 1))])])
    rhs = np.concatenate([b, e])
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    res = linprog(cost, A_ub=rows, b_ub=rhs, bounds=[(None, None)] * d + [(None, cap)], method="highs")
    return -res.fun if res.status == 0 else -math.inf


def slab_max_margin(net: MLP, w, cls: int, normal, lo: float, hi: float, cap: float = 1.0) -> float:
    """``min(cap, sup {min_k (f_cls - f_k)(x) : lo <= normal . x <= hi})`` for a piecewise-linear network.

    Parameters
    ----------
    net : MLP
        Activation ``relu``, ``identity`` or a leaky ReLU; any input dimension and depth.
    w : array_like
        Flat parameter vector.
    cls : int
        The class whose region should miss the slab.
    normal : array_like, shape (d,)
        Normal vector of the slab.
    lo, hi : float
        The slab ``{lo <= normal . x <= hi}``, ``lo < hi``.
    cap : float
        Upper bound put on the margin in the LPs (the margin may be unbounded on the slab).

    Returns
    -------
    float
        ``<= 0`` iff the slab contains no point of ``C_cls`` (Definition 5.2.1).
    """
    cls = _check_class(net, cls)
    slope = negative_slope(net.activation)
    if slope is None:
        raise ValueError("net: slab_max_margin needs a piecewise-linear activation, got "
                         f"{net.activation.name!r}")
    d = net.d_in
    normal = as_float_array(normal, "normal", shape=(d,))
    lo, hi = _finite_real(lo, "lo"), _finite_real(hi, "hi")
    cap = positive_number(cap, "cap")
    if not lo < hi:
        raise ValueError(f"lo, hi: expected finite lo < hi, got {lo!r}, {hi!r}")
    mats = layers(net, w)
    best = -math.inf
    others = [k for k in range(net.d_out) if k != cls]

    def leaf(A, b, P, p):
        nonlocal best
        M, bias = mats[-1]
        G, g = M @ P, M @ p + bias
        best = max(best, _max_tau(A, b, G[cls] - G[others], g[cls] - g[others], d, cap))

    def layer(k, A, b, P, p):
        if k == len(mats) - 1:
            leaf(A, b, P, p)
            return
        M, bias = mats[k]
        Zp, zp = M @ P, M @ p + bias

        def unit(i, A, b, signs):
            if i == len(zp):
                D = np.where(np.array(signs) > 0, 1.0, slope)
                layer(k + 1, A, b, D[:, None] * Zp, D * zp)
                return
            for s in (1.0, -1.0):
                A2, b2 = np.vstack([A, -s * Zp[i]]), np.append(b, s * zp[i])
                if _feasible(A2, b2, d):
                    unit(i + 1, A2, b2, signs + [s])

        unit(0, A, b, [])

    layer(0, np.vstack([normal, -normal]), np.array([hi, -lo]), np.eye(d), np.zeros(d))
    return best


def separates(net: MLP, w, cls: int, normal, lo: float, hi: float, xa, xb, tol: float = 1e-9) -> bool:
    """Whether the slab ``{lo <= normal . x <= hi}`` separates ``xa`` from ``xb`` inside ``C_cls``: both in
    ``C_cls``, on opposite sides of the slab, and :func:`slab_max_margin` ``<= tol``.

    Parameters
    ----------
    net, w, cls, normal, lo, hi
        As in :func:`slab_max_margin`.
    xa : array_like, shape (d,)
        A point of ``C_cls`` on one side.
    xb : array_like, shape (d,)
        A point of ``C_cls`` on the other side.
    tol : float
        The slab counts as free of ``C_cls`` when its largest margin is at most ``tol``.

    Returns
    -------
    bool
    """
    cls = _check_class(net, cls)
    tol = positive_number(tol, "tol", allow_zero=True)
    lo, hi = _finite_real(lo, "lo"), _finite_real(hi, "hi")
    normal = as_float_array(normal, "normal", shape=(net.d_in,))
    X = np.vstack([as_float_array(xa, "xa", shape=(net.d_in,)), as_float_array(xb, "xb", shape=(net.d_in,))])
    out = np.asarray(net(w, X))
    inside = np.all(out[:, [cls]] - np.delete(out, cls, axis=1) > 0)
    sides = X @ normal
    opposite = (sides.min() < lo) and (sides.max() > hi)
    return bool(inside and opposite and slab_max_margin(net, w, cls, normal, lo, hi) <= tol)
