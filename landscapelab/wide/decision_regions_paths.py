"""Certificate paths: the proof of Theorem 5.2.3 (and 5.2.4) of Nguyen's thesis run as an algorithm.

Given two points ``x_a, x_b`` of one decision region ``C_j`` of a network with ``d >= n_1 >= ... >= n_{L-1}``,
full-rank hidden weights and an invertible activation, the proof of Theorem 5.2.3 writes ``C_j =
f_{L-1}^{-1}(V_j)`` with ``V_j`` an intersection of open half-spaces (convex), and pulls connected sets back
through each layer with Lemma 5.2.2:

    h_k^{-1}(y) = W_k (W_k^T W_k)^{-1} (y - b_k) + ker(W_k^T).

:func:`certificate_path` makes that constructive. The straight segment ``y(t) = (1 - t) f_{L-1}(x_a) + t
f_{L-1}(x_b)`` lies in the convex ``V_j``; at each layer, going down, ``sigma^{-1}`` is applied, the
particular solution ``pinv(M_k) (u(t) - b_k)`` is taken, and the kernel component is interpolated linearly
between the kernel components of the two end points' own features. The result is a continuous path from
``x_a`` to ``x_b`` whose image under ``f_{L-1}`` is the segment, so every point of it lies in ``C_j``.

For a piecewise-linear activation (leaky ReLU) every step is linear in ``t`` between the parameters where a
coordinate crosses zero, so the path is a polygon and its vertices are computed exactly. For a smooth
activation (one hidden layer, Theorem 5.2.4) the path is a curve, sampled until consecutive points are closer
than a stated resolution.

:func:`check_path` and :func:`polyline_margin` verify a path without using the construction: the first
evaluates the network (``MLP.__call__``) at points spaced at most ``resolution`` apart, the second computes
the exact minimum of the class margin along a polygon for piecewise-linear networks by following the kinks
along each edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._validate import as_float_array, positive_int, positive_number
from ..nets import MLP
from .decision_regions_nets import (_check_class, _check_net, _rows, inverse_activation, layers, margins,
                                    negative_slope, theorem_conditions)

__all__ = ["CertificatePath", "certificate_path", "PathCheck", "check_path", "polyline_margin", "densify"]


@dataclass
class CertificatePath:
    """A path inside one decision region, built by the pull-back of Theorem 5.2.3.

    Attributes
    ----------
    t : ndarray, shape (m,)
        Path parameters in [0, 1] (the segment parameter in the last hidden layer).
    points : ndarray, shape (m, d)
        The path in input space at ``t``. When ``exact`` is True these are the vertices of a polygon that is
        the whole path; otherwise they are samples of a curve.
    hidden : list of ndarray
        ``hidden[k]`` is the path in the output space of hidden layer ``k + 1`` at ``t`` (``hidden[-1]`` is
        the straight segment in ``V_j``).
    cls : int
        The class whose region contains the path.
    exact : bool
        True for piecewise-linear activations (the polygon through ``points`` is the path).
    endpoint_error : float
        Largest coordinate difference between the constructed ends and ``xa``, ``xb`` (rounding only).
    """

    t: np.ndarray
    points: np.ndarray
    hidden: list = field(repr=False)
    cls: int
    exact: bool
    endpoint_error: float = 0.0

    @property
    def length(self) -> float:
        """Euclidean length of the polygon through ``points``."""
        return float(np.linalg.norm(np.diff(self.points, axis=0), axis=1).sum())

    @property
    def max_norm(self) -> float:
        """Largest Euclidean norm of a point of the path (for a polygon, attained at a vertex)."""
        return float(np.linalg.norm(self.points, axis=1).max())


def _insert_crossings(t, Y):
    """Add the parameters where a coordinate of the piecewise-linear path ``Y(t)`` (rows at ``t``) is 0."""
    new_t, new_y = [t[:1]], [Y[:1]]
    for i in range(len(t) - 1):
        y0, y1 = Y[i], Y[i + 1]
        cross = ((y0 < 0) & (y1 > 0)) | ((y0 > 0) & (y1 < 0))
        if cross.any():
            s = np.unique(y0[cross] / (y0[cross] - y1[cross]))
            s = s[(s > 0) & (s < 1)]
            new_t.append(t[i] + s * (t[i + 1] - t[i]))
            pts = y0 + s[:, None] * (y1 - y0)
            pts[np.abs(pts) <= 1e-15 * (np.abs(y0) + np.abs(y1))] = 0.0
            new_y.append(pts)
        new_t.append(t[i + 1:i + 2])
        new_y.append(Y[i + 1:i + 2])
    return np.concatenate(new_t), np.vstack(new_y)


def _interp(t_new, t, Y):
    """Values at ``t_new`` of the path that is linear between the rows of ``Y`` at parameters ``t``."""
    return np.column_stack([np.interp(t_new, t, Y[:, j]) for j in range(Y.shape[1])])


def _pull_back(mats, inverse, ends, t, piecewise):
    """Pull the segment between the rows of ``ends[-1]`` back to input space at parameters ``t``.

    Returns the final parameters (with the kinks added when ``piecewise``) and the path at every layer, input
    space first.
    """
    inv, lo, hi = inverse
    Y = (1.0 - t)[:, None] * ends[-1][0] + t[:, None] * ends[-1][1]
    paths = [(t, Y)]
    for k in range(len(mats) - 1, -1, -1):
        M, b = mats[k]
        if piecewise:
            t, Y = _insert_crossings(t, Y)
        inside = np.all((Y > lo) & (Y < hi), axis=1)
        if not inside.all():
            raise ValueError(f"certificate_path: the pulled-back path leaves sigma(R) = ({lo:g}, {hi:g}) "
                             f"in the output of hidden layer {k + 1} at t = {t[np.argmin(inside)]:.4g}; "
                             "Lemma 5.2.2 needs sigma(R) = R below the last hidden layer (the open case of "
                             "Theorem 5.2.4's discussion)")
        pinv = np.linalg.pinv(M)
        kernel = np.eye(M.shape[1]) - pinv @ M
        za, zb = ends[k]
        Y = (inv(Y) - b) @ pinv.T + np.outer(1.0 - t, kernel @ za) + np.outer(t, kernel @ zb)
        paths.insert(0, (t, Y))
    if piecewise:
        paths = [(t, _interp(t, tk, Yk)) for tk, Yk in paths]
    return t, [Y for _, Y in paths]


def certificate_path(net: MLP, w, xa, xb, resolution: float | None = None, max_points: int = 200_000,
                     check: bool = True) -> CertificatePath:
    """A path from ``xa`` to ``xb`` inside their common decision region (proof of Theorem 5.2.3 / 5.2.4).

    Parameters
    ----------
    net : MLP
        Widths ``d >= n_1 >= ... >= n_{L-1}``, hidden weights of full rank, activation continuous and strictly
        increasing with ``sigma(R) = R`` (leaky ReLU: Theorem 5.2.3) or, with one hidden layer, any continuous
        strictly increasing activation (Theorem 5.2.4).
    w : array_like
        Flat parameter vector.
    xa, xb : array_like, shape (d,)
        Two points of the same decision region ``C_j`` (Definition 5.2.1).
    resolution : float, optional
        For smooth activations: refine the parameter grid until consecutive points are at most this far apart
        in input space (default: 1/200 of the distance between the end points). Ignored for piecewise-linear
        activations, whose path is an exact polygon.
    max_points : int
        Refinement stops (with a ValueError) if more points would be needed.
    check : bool
        Verify the hypotheses with :func:`theorem_conditions` first (ValueError naming the one that fails).

    Returns
    -------
    CertificatePath
    """
    _check_net(net)
    if not isinstance(check, (bool, np.bool_)):
        raise TypeError(f"check: expected True or False, got {check!r} ({type(check).__name__})")
    xa = as_float_array(xa, "xa", shape=(net.d_in,))
    xb = as_float_array(xb, "xb", shape=(net.d_in,))
    mats = layers(net, w)
    if resolution is not None:
        resolution = positive_number(resolution, "resolution")
    max_points = positive_int(max_points, "max_points")
    if net.depth == 0:
        raise ValueError("net: the network has no hidden layer; its decision regions are convex")
    if check:
        cond = theorem_conditions(net, w)
        if not cond.pyramidal:
            raise ValueError(f"net: widths {list(net.widths)} are not pyramidal (d >= n_1 >= ... >= n_(L-1) "
                             "fails), so Lemma 5.2.2 cannot be applied layer by layer")
        if not cond.full_rank:
            raise ValueError(f"w: a hidden weight matrix is rank deficient (ranks {cond.ranks}, widths "
                             f"{list(net.widths)})")
        if not (cond.theorem_523 or cond.theorem_524):
            raise ValueError(f"net: activation {net.activation.name!r} is not covered by Theorem 5.2.3 (it "
                             "needs sigma(R) = R) nor, with several hidden layers, by Theorem 5.2.4")
    inverse = inverse_activation(net.activation)
    X2 = np.vstack([xa, xb])
    out = np.asarray(net(w, X2))
    cls = int(out[0].argmax())
    both = margins(net, w, X2, cls)
    if not np.all(both > 0):
        raise ValueError(f"xa, xb: not in the same decision region (classes {out.argmax(axis=1).tolist()}, "
                         f"margins {both.tolist()})")
    ends = [X2]
    h = X2
    for M, b in mats[:-1]:
        h = np.asarray(net.activation(h @ M.T + b))
        ends.append(h)
    piecewise = negative_slope(net.activation) is not None
    if piecewise:
        t, paths = _pull_back(mats[:-1], inverse, ends, np.array([0.0, 1.0]), True)
    else:
        h_max = (np.linalg.norm(xb - xa) / 200.0 if resolution is None else float(resolution))
        if not h_max > 0:
            raise ValueError(f"resolution: expected a positive number, got {resolution!r}")
        t = np.linspace(0.0, 1.0, 65)
        for _ in range(50):
            t, paths = _pull_back(mats[:-1], inverse, ends, t, False)
            gaps = np.linalg.norm(np.diff(paths[0], axis=0), axis=1)
            extra = np.ceil(gaps / h_max).astype(int) - 1
            if not extra.any():
                break
            if len(t) + extra.sum() > max_points:
                raise ValueError(f"resolution: {h_max:g} needs more than max_points={max_points} points")
            fill = [t[i] + (t[i + 1] - t[i]) * np.arange(1, k + 1) / (k + 1)
                    for i, k in enumerate(extra) if k]
            t = np.sort(np.concatenate([t] + fill))
        else:
            raise ValueError(f"resolution: no parameter grid reached spacing {h_max:g} in 50 refinements")
    error = float(max(np.abs(paths[0][0] - xa).max(), np.abs(paths[0][-1] - xb).max()))
    return CertificatePath(t=t, points=paths[0], hidden=paths[1:], cls=cls, exact=piecewise,
                           endpoint_error=error)


def densify(points, resolution: float) -> np.ndarray:
    """Points on the polygon through ``points``, at most ``resolution`` apart (the vertices are kept).

    Parameters
    ----------
    points : array_like, shape (m, d)
        Vertices of the polygon.
    resolution : float
        Largest allowed distance between consecutive output points.

    Returns
    -------
    ndarray, shape (n, d)
    """
    P = as_float_array(points, "points", ndim=2)
    if P.size == 0:
        raise ValueError(f"points: expected at least one vertex, got shape {P.shape}")
    resolution = positive_number(resolution, "resolution")
    pieces = [P[:1]]
    for p, q in zip(P[:-1], P[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(q - p) / resolution)))
        s = np.arange(1, n + 1) / n
        pieces.append(p + s[:, None] * (q - p))
    return np.vstack(pieces)


@dataclass
class PathCheck:
    """What :func:`check_path` measured along a path.

    Attributes
    ----------
    n_points : int
        Number of points evaluated.
    resolution : float
        Largest distance between consecutive evaluated points.
    min_margin : float
        Smallest class margin ``f_cls - max_{j != cls} f_j`` (Definition 5.2.1) over the points.
    same_class : bool
        Every evaluated point lies in ``C_cls`` (margin > 0).
    max_norm : float
        Largest norm of an evaluated point.
    """

    n_points: int
    resolution: float
    min_margin: float
    same_class: bool
    max_norm: float


def check_path(net: MLP, w, points, cls: int, resolution: float | None = None) -> PathCheck:
    """Evaluate the network along a path and report whether every evaluated point lies in ``C_cls``.

    This uses only ``net(w, X)``, not the construction of the path. With ``resolution`` the polygon through
    ``points`` is sampled so that consecutive points are at most ``resolution`` apart; without it only
    ``points`` are evaluated (for sampled curves). A class change between two evaluated points closer than
    ``resolution`` is not excluded; :func:`polyline_margin` is the exact check for piecewise-linear networks.

    Parameters
    ----------
    net : MLP
        The classifier.
    w : array_like
        Flat parameter vector.
    points : array_like, shape (m, d)
        The path: vertices of a polygon, or samples of a curve.
    cls : int
        The class whose region the path should stay in.
    resolution : float, optional
        Sample the polygon through ``points`` at this spacing (default: evaluate ``points`` only).

    Returns
    -------
    PathCheck
        ``resolution`` is the largest distance between consecutive evaluated points.
    """
    cls = _check_class(net, cls)
    P = _rows(points, "points", net.d_in)
    if resolution is not None:
        P = densify(P, resolution)
    m = margins(net, w, P, cls)
    gaps = np.linalg.norm(np.diff(P, axis=0), axis=1)
    return PathCheck(n_points=len(P), resolution=float(gaps.max()) if len(gaps) else 0.0,
                     min_margin=float(m.min()), same_class=bool(np.all(m > 0)),
                     max_norm=float(np.linalg.norm(P, axis=1).max()))


def polyline_margin(net: MLP, w, points, cls: int) -> float:
    """Exact minimum of the class margin along the polygon through ``points`` (piecewise-linear activations).

    Along an edge ``p + s (q - p)`` every pre-activation is piecewise affine in ``s``; the kinks are found
    layer by layer (where a pre-activation crosses zero) and the margin ``min_k (f_cls - f_k)`` is evaluated
    at all of them and at the ends. Between consecutive kinks every difference ``f_cls - f_k`` is affine in
    ``s``, so the margin (their minimum, a concave function of ``s`` there) attains its minimum at a kink or
    an end.

    Parameters
    ----------
    net : MLP
        Activation ``relu``, ``identity`` or a leaky ReLU.
    w : array_like
        Flat parameter vector.
    points : array_like, shape (m, d)
        Vertices of the polygon (``m >= 1``).
    cls : int
        The class whose margin is minimised.

    Returns
    -------
    float
        Positive iff the whole polygon lies in ``C_cls``.
    """
    cls = _check_class(net, cls)
    slope = negative_slope(net.activation)
    if slope is None:
        raise ValueError("net: polyline_margin needs a piecewise-linear activation, got "
                         f"{net.activation.name!r}")
    P = _rows(points, "points", net.d_in)
    if len(P) == 1:                                  # a one-point polygon: the margin at that point
        P = np.vstack([P, P])
    mats = layers(net, w)
    worst = math.inf
    for p, q in zip(P[:-1], P[1:]):
        s, H = np.array([0.0, 1.0]), np.vstack([p, q])
        for M, b in mats[:-1]:
            s, Z = _insert_crossings(s, H @ M.T + b)
            H = np.where(Z > 0, Z, slope * Z)
        out = H @ mats[-1][0].T + mats[-1][1]
        diff = out[:, [cls]] - np.delete(out, cls, axis=1)
        worst = min(worst, float(diff.min(axis=1).min()))
    return worst
