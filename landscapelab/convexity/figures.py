"""Static figures of the chapter "Piecewise strong convexity" (Milne 2018), with the data they draw.

* :func:`theorem4_figure`: lambda_min of Hess l_lambda at sampled points of U (Theorem 4, erratum E6);
* :func:`e12_figure`: the radial derivative on U and where the minimisers of l_lambda lie (erratum E12);
* :func:`depth_figure`: Theorem 4's threshold against depth, and for the same teachers the empirical one;
* :func:`kink_figure`: a segment of U along which l_lambda has a concave kink;
* :func:`accuracy_figure`: the relative error of y and of dy/dW near y = 0, by route.

The ``*_data`` functions are cached, so the chapter's printed tables and the figures show the same numbers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import convexity as cv
from .. import plotting
from .demos import LAM, THETA
from .sampled_curvature import curvature_samples, empirical_threshold

__all__ = ["theorem4_data", "theorem4_figure", "minimiser_data", "e12_figure", "depth_data", "depth_figure",
           "kink_figure", "accuracy_data", "accuracy_figure"]


# ------------------------------------------------------------------------------------------------ Theorem 4, E12
@lru_cache(maxsize=1)
def theorem4_data(n: int = 300, seed: int = 0):
    """Points of U around the 2-4-1 teacher (beta = 3, N = 12) and lambda_min of Hess l_lambda there."""
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, deltas = cv.sample_U(t, LAM, THETA, n=n, seed=seed)
    lam_min = np.array([np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[2])[0] for w in pts])
    sq = np.array([np.sqrt(float(cv.loss(w, t.X, t.F, t.dims))) for w in pts])
    radial = np.array([cv.radial_derivative(w, t.X, t.F, t.dims, LAM) / (2 * LAM * w @ w) for w in pts])
    return t, pts, deltas, lam_min, sq, radial


def theorem4_figure():
    """Theorem 4 reproduced: lambda_min of Hess l_lambda at sampled points of U against sqrt(l) / threshold, with
    the paper's bound theta and the corrected lambda + theta (erratum E6).

    Returns
    -------
    matplotlib.figure.Figure
    """
    t, pts, _, lam_min, sq, _ = theorem4_data()
    thr = cv.threshold(t.F, t.beta, t.H, LAM, THETA)
    fig, ax = plotting.figure(width=5.6, height=3.4)
    ax.scatter(sq / thr, lam_min, s=10, color="C0", label=f"{len(pts)} sampled points of U")
    ax.axhline(THETA, color="k", ls="--", lw=1, label=f"theta = {THETA:g} (Theorem 4 as printed)")
    ax.axhline(LAM + THETA, color="C3", lw=1, label=f"lambda + theta = {LAM + THETA:g} (with 2 lambda, E6)")
    ratio = np.geomspace(sq.min() / thr, 1.0, 50)
    ax.plot(ratio, 2 * LAM - (LAM - THETA) * ratio, color="C2", lw=1,
            label="Lemma 9 with rho <= 1: 2 lambda - 2 M sqrt(l)")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.1 * max(lam_min.max(), 2 * LAM))
    ax.set_xlabel("sqrt(l(W)) / threshold (lambda - theta)/(2M)")
    ax.set_ylabel("smallest eigenvalue of Hess l_lambda")
    ax.set_title(f"2-4-1 teacher, N = 12, beta = {t.beta:g}, lambda = {LAM:g}, theta = {THETA:g}", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return fig


@lru_cache(maxsize=1)
def minimiser_data():
    """Damped-Newton minimisers of l_lambda from the 2-4-1 teacher for three lambdas: (lambda, sqrt(l)/threshold,
    lambda_min Hess l_lambda, gradient norm)."""
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    rows = []
    for lam in (0.02, 0.005, 0.0005):
        w, gnorm, _ = cv.minimize(t.w, t.X, t.F, t.dims, lam)
        sq = np.sqrt(float(cv.loss(w, t.X, t.F, t.dims)))
        lmin = np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, lam)[2])[0]
        rows.append((lam, sq / cv.threshold(t.F, t.beta, t.H, lam, lam / 2), lmin, gnorm))
    return rows


def e12_figure():
    """Erratum E12: the normalised radial derivative <grad l_lambda, W>/(2 lambda ||W||^2) at the sampled points of U
    (all close to 1, never 0), and where the minimisers of l_lambda are relative to the threshold.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t, pts, _, _, sq, radial = theorem4_data()
    thr = cv.threshold(t.F, t.beta, t.H, LAM, THETA)
    fig, (ax, ax2) = plotting.figure(ncols=2, width=3.8, height=3.2)
    ax.scatter(sq / thr, radial, s=10, color="C0")
    ax.axhline(1, color="0.5", lw=0.5)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.1)
    ax.set_xlabel("sqrt(l) / threshold at points of U")
    ax.set_ylabel("<grad l_lambda, W> / (2 lambda ||W||^2)")
    ax.set_title("radial derivative on U: > 0 everywhere", fontsize=9)
    rows = minimiser_data()
    ax2.bar([f"{lam:g}" for lam, *_ in rows], [r for _, r, *_ in rows], color="C1")
    ax2.axhline(1, color="k", ls="--", lw=1, label="threshold (edge of U_3)")
    ax2.set_yscale("log")
    ax2.set_xlabel("lambda (theta = lambda / 2)")
    ax2.set_ylabel("sqrt(l) / threshold at the minimiser")
    ax2.set_title("minimisers of l_lambda lie outside U", fontsize=9)
    ax2.legend(fontsize=7)
    return fig


# ------------------------------------------------------------------------------------------------ depth
DEPTHS = (1, 2, 3)
DEPTH_SEEDS = (0, 1, 2)


@lru_cache(maxsize=1)
def depth_data(beta: float = 3.0) -> list:
    """For 2-4-...-4-1 teachers (N = 12) of depth H = 1, 2, 3 and seeds 0, 1, 2 (lambda = 0.05, theta = 0.025):
    rows ``(H, seed, Theorem 4 threshold for this teacher, empirical threshold, censored)``; both thresholds refer
    to the same teacher and the same samples."""
    rows = []
    for H in DEPTHS:
        for seed in DEPTH_SEEDS:
            d = curvature_samples(H, beta, seed=seed)
            emp, censored = empirical_threshold(d, LAM)
            rows.append((H, seed, (LAM - THETA) / (2 * d["M"]), emp, censored))
    return rows


def depth_figure():
    """Consequence 2 of Theorem 4. Left: the threshold (lambda - theta)/(2M) against depth for max f = 1, a
    geometric decay by the factor beta per hidden layer. Right: for three teachers per depth (beta = 3), Theorem 4's
    threshold and the sampled one of the same teacher.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax, ax2) = plotting.figure(ncols=2, width=3.9, height=3.3)
    Hs = np.arange(1, 7)
    for beta in (2.0, 3.0, 5.0):
        ax.semilogy(Hs, [cv.threshold([1.0], beta, int(H), 0.1, 0.05) for H in Hs], "-o", ms=3,
                    label=f"beta = {beta:g}")
    ax.set_xlabel("hidden layers H")
    ax.set_ylabel("threshold on sqrt(l)")
    ax.set_title("Theorem 4, max f = 1, lambda = 0.1, theta = 0.05", fontsize=8)
    ax.legend(fontsize=7)
    rows = depth_data()
    jitter = {s: 0.12 * (k - 1) for k, s in enumerate(DEPTH_SEEDS)}
    for H, seed, theory, emp, censored in rows:
        x = H + jitter[seed]
        ax2.semilogy([x, x], [theory, emp], color="0.7", lw=0.8)
        ax2.semilogy(x, theory, "o", color="k", ms=4)
        ax2.semilogy(x, emp, "^" if censored else "s", color="C2", ms=5, mfc="none" if censored else "C2")
    ax2.semilogy([], [], "o", color="k", ms=4, label="Theorem 4 (this teacher)")
    ax2.semilogy([], [], "s", color="C2", ms=5, label="sampled: PD below")
    if any(r[4] for r in rows):
        ax2.semilogy([], [], "^", color="C2", mfc="none", ms=5, label="every sample PD (lower bound)")
    ax2.set_xticks(list(DEPTHS))
    ax2.set_xlabel("hidden layers H (three teachers each)")
    ax2.set_ylabel("threshold on sqrt(l)")
    ax2.set_title("same teachers, beta = 3, lambda = 0.05", fontsize=8)
    ax2.legend(fontsize=6.5, loc="center right")
    return fig


# ------------------------------------------------------------------------------------------------ kink
def kink_figure(seg=None):
    """Piecewise strong convexity is not convexity: l_lambda along a segment of U (left, relative to its value at
    the kink, with the two strongly convex pieces phi_off and phi_on continued as dashed curves) and its slope
    (right; central differences of the library's loss away from the kink).

    Parameters
    ----------
    seg : KinkSegment, optional
        The segment (default :func:`landscapelab.convexity.kink_segment` with its defaults).

    Returns
    -------
    matplotlib.figure.Figure
    """
    seg = cv.kink_segment() if seg is None else seg
    T = seg.t_max
    ts = np.linspace(-T, T, 201)
    base = seg.loss(0.0)
    vals = np.array([seg.loss(t) for t in ts]) - base
    off, on = seg.pieces(ts)
    fig, (ax, ax2) = plotting.figure(ncols=2, width=3.9, height=3.3)
    ax.plot(ts, off - base, "--", color="C0", lw=1, label="phi_off (neuron 2 frozen off)")
    ax.plot(ts, on - base, "--", color="C1", lw=1, label="phi_on (neuron 2 frozen on)")
    ax.plot(ts, vals, color="k", lw=2, label="l_lambda along the segment")
    left, right = ts < 0, ts > 0
    for side in (left, right):
        k = np.argmin(vals[side])
        ax.plot(ts[side][k], vals[side][k], "o", color="C3", ms=5)
    ax.plot(0, 0, "v", color="C3", ms=7)
    lo = min(vals.min(), 0.0)
    ax.set_ylim(lo - 0.3 * abs(lo), 0.6 * abs(lo))
    ax.set_xlabel("t (position on the segment W(0) + tX)")
    ax.set_ylabel("l_lambda(W(t)) - l_lambda(W(0))")
    ax.set_title("two local minima and a local maximum in U", fontsize=8)
    ax.legend(fontsize=6.5, loc="lower left")
    h = 1e-7
    mids = ts[::2][np.abs(ts[::2]) > 2 * h]
    slope = np.array([(seg.loss(t + h) - seg.loss(t - h)) / (2 * h) for t in mids])
    ax2.plot(mids[mids < 0], slope[mids < 0], color="C0", lw=2, label="neuron 2 off (t < 0)")
    ax2.plot(mids[mids > 0], slope[mids > 0], color="C1", lw=2, label="neuron 2 on (t > 0)")
    ax2.axhline(0, color="0.5", lw=0.5)
    s_left, s_right = seg.slopes()
    ax2.annotate("", xy=(0, s_right), xytext=(0, s_left), arrowprops={"arrowstyle": "->", "color": "C3"})
    ax2.set_xlabel("t")
    ax2.set_ylabel("d/dt l_lambda(W(t))")
    ax2.set_title(f"slope drops from {s_left:+.1e} to {s_right:+.1e}", fontsize=8)
    ax2.legend(fontsize=6.5, loc="upper left")
    return fig


# ------------------------------------------------------------------------------------------------ accuracy
@lru_cache(maxsize=1)
def accuracy_data(count: int = 60, seed: int = 0):
    """:func:`landscapelab.convexity.accuracy_table` for ``count`` nets with outputs from 1 down to 1e-17."""
    return cv.accuracy_table(np.geomspace(1.0, 1e-17, count), seed=seed)


def accuracy_figure():
    """The relative error of y (LU determinant, forward pass) and of dy/dW (through y A^{-1}, by backpropagation)
    against exact rational references, for nets whose paths cancel down to a small output y.

    Returns
    -------
    matplotlib.figure.Figure
    """
    T = accuracy_data()
    y = T["y"]
    eps = np.finfo(float).eps
    fig, ax = plotting.figure(width=6.4, height=3.6)
    floor = eps / 8                                      # exact results drawn at the floor of the log axis
    routes = (("det_lu", "s", "y = det A by LU"), ("forward", "x", "y by the forward pass"),
              ("grad_inverse", "o", "dy/dW as y A^{-1}"), ("grad_backprop", "^", "dy/dW by backpropagation"))
    for k, (key, style, label) in enumerate(routes):
        if style == "x":
            ax.scatter(y, np.maximum(T[key], floor), marker=style, s=14, color=f"C{k}", label=label)
        else:
            ax.scatter(y, np.maximum(T[key], floor), marker=style, s=14, facecolors="none", edgecolors=f"C{k}",
                       label=label)
    grid = np.geomspace(y.min(), y.max(), 50)
    paths = float(np.median(T["paths"]))
    ax.plot(grid, eps * paths / grid, color="k", lw=1, label=f"eps * {paths:.1f} / y (median sum|path terms|)")
    neg = T["det_value"] < 0
    if neg.any():
        ax.scatter(y[neg], np.maximum(T["det_lu"][neg], floor), s=80, facecolors="none", edgecolors="C3",
                   label="det A < 0 (a ReLU output cannot be)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(floor / 2, 10)
    ax.set_xlabel("exact output y (path terms of order 1)")
    ax.set_ylabel("relative error (exact result drawn at 2.8e-17)")
    ax.legend(fontsize=6.5, loc="upper right")
    return fig
