"""Demos and figures of the chapter "Piecewise strong convexity" (Milne 2018).

Slider demos (each a :class:`landscapelab.demos.Demo`; the data are computed once and cached, ``draw`` only plots):

* :func:`determinant_demo`: Milne's matrix A(a, W) as a heat map next to the network and its Leibniz terms, with
  the corner switch between the corrected ``(-1)^H`` and the printed ``(-1)^(H+1)``;
* :func:`qi_demo`: Qi's singular-value intervals for A, C_core, the widened C and a heavy-column matrix, with the
  row-only radius as a toggle;
* :func:`curvature_demo`: the smallest eigenvalue of Hess l_lambda against the training error, with Theorem 4's
  threshold, the sharpened one and the empirical one;
* :func:`slice_demo`: a 2-D plane of weight space through the ray from ``W = 0`` to a teacher, coloured by
  activation region, with the set U, the non-convex parts and the projected negative gradient (erratum E12);
* :func:`dropout_demo`: the factor rho under dropout, for one mask draw and across 20 mask draws.

The static figures are in :mod:`landscapelab.convexity.figures`; the sampled curvature behind
:func:`curvature_demo` is computed in :mod:`landscapelab.convexity.sampled_curvature`.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, NullLocator

from .. import convexity as cv
from .. import kernels as K
from .. import plotting
from .._validate import checked

__all__ = ["determinant_demo", "qi_demo", "curvature_samples", "empirical_threshold", "lemma9_looseness",
           "curvature_table", "curvature_demo", "slice_stats", "slice_demo", "dropout_demo"]
from ..demos import Demo
from .sampled_curvature import (CURVATURE_LAMS, RADII, curvature_samples, curvature_table,  # noqa: F401
                                empirical_threshold, lemma9_looseness)

LAM, THETA = 0.05, 0.025


# ------------------------------------------------------------------------------------------------ 1 determinant
@lru_cache(maxsize=1)
def _determinant_data():
    data = {}
    for H in (1, 2, 3):
        for seed in (0, 1):
            rng = np.random.default_rng(100 * H + seed)
            dims = (2,) + (2,) * H + (1,)
            for _ in range(200):                         # a draw with y > 0 (the output ReLU alive)
                a = np.round(rng.uniform(-2, 2, 2), 1)
                weights = [np.round(rng.uniform(-2, 2, (p, q)), 1) for p, q in zip(dims[:-1], dims[1:])]
                if cv.relu_output(a, weights) > 0.5:
                    break
            for corner in ("corrected", "paper"):
                A = cv.milne_matrix(a, weights, corner)
                data[H, seed, corner] = (a, weights, A, cv.leibniz_cycles(A), float(cv.relu_output(a, weights)),
                                         K.det(A), cv.switches(a, weights))
    return data


def _draw_network(ax, a, weights, switches):
    widths = [len(a)] + [W.shape[1] for W in weights]
    pos = {}
    for layer, n in enumerate(widths):
        for j in range(n):
            pos[layer, j] = (layer, (j - (n - 1) / 2))
    for layer, W in enumerate(weights):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                active = switches[layer][j] and switches[layer + 1][k]
                (x0, y0), (x1, y1) = pos[layer, j], pos[layer + 1, k]
                ax.plot([x0, x1], [y0, y1], color=("C3" if W[j, k] < 0 else "C0") if active else "0.85",
                        lw=0.6 + 1.2 * min(abs(W[j, k]), 2.0) if active else 0.8, zorder=1)
    for (layer, j), (x, y) in pos.items():
        on = switches[layer][j]
        ax.scatter([x], [y], s=160, zorder=2, color="white" if not on else "0.25", edgecolor="0.25")
        label = f"{a[j]:g}" if layer == 0 else ""
        if label:
            ax.text(x - 0.12, y, label, ha="right", va="center", fontsize=8)
    ax.set_xlim(-0.6, len(widths) - 0.5)
    ax.set_xticks(range(len(widths)), ["in"] + [f"h{k}" for k in range(1, len(widths) - 1)] + ["out"])
    ax.set_yticks([])
    ax.set_xlabel("layer (filled: neuron on; grey edges: inactive)")
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def determinant_demo() -> Demo:
    """Slider demo: the matrix A(a, W) of eq. 7, the network (grey: inactive edges and off neurons) and the
    non-zero Leibniz terms; the corner switch shows erratum E1 (det A = -y with the printed corner).

    Returns
    -------
    Demo
    """
    data = _determinant_data()

    def draw(H, seed, corner):
        a, weights, A, cycles, y, d, switches = data[H, seed, corner]
        fig, (ax, ax2) = plotting.figure(ncols=2, width=3.9, height=3.6)
        n = A.shape[0]
        lim = max(1.0, np.abs(A).max())
        ax.imshow(A, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for i in range(n):
            for j in range(n):
                if A[i, j] != 0:
                    ax.text(j, i, f"{A[i, j]:g}", ha="center", va="center", fontsize=6 if n > 8 else 7)
        edges = np.cumsum([1, 2] + [2] * H + [1]) - 0.5
        for e in edges[:-1]:
            ax.axhline(e, color="0.5", lw=0.6)
            ax.axvline(e, color="0.5", lw=0.6)
        ax.add_patch(Rectangle((-0.5, n - 1.5), 1, 1, fill=False, ec="k", lw=2))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("blocks: auxiliary | J_0 | J_1 ... | output")
        ax.set_title(f"A(a, W): n = {n}, corner = {A[-1, 0]:+g}", fontsize=9)
        _draw_network(ax2, a, weights, switches)
        lines = [f"forward pass y = {y:.4g}", f"det A = {d:.4g}" + ("   (= -y: erratum E1)" if corner == "paper"
                                                                   else "   (= y, paper's Lemma 3)"),
                 f"{len(cycles)} non-zero Leibniz terms:"]
        for cyc, sign, _prod, term in cycles[:6]:
            lines.append(f"  ({' '.join(map(str, cyc[0]))})  sign {sign:+.0f}  term {term:+.3g}")
        if len(cycles) > 6:
            lines.append(f"  ... and {len(cycles) - 6} more")
        ax2.set_title("\n".join(lines), fontsize=7, loc="left", family="monospace")
        return fig

    return Demo(draw, {"H": [1, 2, 3], "seed": [0, 1], "corner": ["corrected", "paper"]},
                defaults={"H": 1, "seed": 0}, title="The determinant formula y = det A(a, W)",
                labels={"H": "hidden layers H", "seed": "network (seed)", "corner": "corner of A"},
                alt="Left: the matrix A(a, W) as a red-blue heat map with its non-zero entries written in, the layer "
                    "blocks separated by grey lines and the corner entry boxed. Right: the network, inputs on the "
                    "left and the output on the right, with switched-off neurons hollow and inactive edges grey; "
                    "above it the forward-pass output y, det A and the non-zero Leibniz terms with their signs.")


# ------------------------------------------------------------------------------------------------ 2 Qi
QI_SCALES = (0.5, 0.95, 1.5)


@lru_cache(maxsize=1)
def _qi_data():
    beta = 3.0
    t = cv.teacher((2, 3, 2, 1), 1, beta, seed=3, scale=0.5)
    a = t.X[0]
    rng = np.random.default_rng(1)
    heavy = 2 * np.eye(8) + 0.2 * rng.standard_normal((8, 8))      # diagonally dominant by rows ...
    data = {}
    for s in QI_SCALES:
        weights = [W * s / 0.5 for W in t.weights]           # n(W) = s (beta - 1)
        mats = {"A": cv.milne_matrix(a, weights), "C_core": cv.c_core_matrix(a, weights, beta),
                "widened C (d = 3)": cv.c_matrix(a, weights, beta, 3)}
        H = heavy.copy()
        H[np.arange(8) != 2, 2] = 2 * s                              # ... but with one heavy column
        mats["heavy column"] = H
        for name, M in mats.items():
            data[name, s] = (M, np.linalg.svd(M, compute_uv=False), {r: K.qi_intervals(M, r) for r in
                                                                      ("max", "rows")}, K.johnson_bound(M))
    return data, beta


def qi_demo() -> Demo:
    """Slider demo: Qi's intervals [(b_i - s_i)_+, b_i + s_i] (one bar per index), the singular values (ticks; red
    when outside every interval), the sigma_min bound and Johnson's bound. The weight scale moves n(W) across
    beta - 1 = 2; the radius toggle replaces Qi's max(r_i, c_i) by the row sums r_i alone.

    Returns
    -------
    Demo
    """
    data, beta = _qi_data()

    def draw(matrix, scale, radius):
        M, sv, intervals, johnson = data[matrix, scale]
        key = "max" if radius.startswith("max") else "rows"
        lower, upper = intervals[key]
        inside = K.in_union(sv, lower, upper)
        fig, ax = plotting.figure(width=7.2, height=3.6)
        n = lower.size
        rows = np.arange(n)
        ax.hlines(rows, lower, upper, color="C0", lw=3)
        ax.plot(lower, rows, "|", color="C0", ms=8)
        ax.plot(upper, rows, "|", color="C0", ms=8)
        ax.vlines(sv[inside], -1.7, -0.5, color="k", lw=1.2, label=f"singular values (min {sv.min():.3g})")
        if (~inside).any():
            ax.vlines(sv[~inside], -1.7, -0.5, color="C3", lw=2.5, label="singular value outside every interval")
        ax.axvline(lower.min(), color="C2", ls="--", lw=1, label=f"bound min (b_i - s_i)_+ = {lower.min():.3g}")
        if johnson > 0:
            ax.axvline(johnson, color="C1", ls=":", lw=1.5, label=f"Johnson's bound = {johnson:.3g}")
        ax.set_xlim(-0.05 * upper.max(), 1.05 * max(upper.max(), sv.max()))
        ax.set_ylim(-2, n)
        ticks = list(range(0, n, max(1, n // 10)))
        ax.set_yticks([-1.1] + ticks, ["singular\nvalues"] + [str(i + 1) for i in ticks], fontsize=7)
        ax.set_ylabel("interval of index i")
        ax.set_xlabel("value")
        what = f"n(W) = {scale * (beta - 1):.2g} vs beta - 1 = {beta - 1:g}" if matrix != "heavy column" else \
            f"off-diagonal column 3 = {2 * scale:g}"
        ax.set_title(f"{matrix} ({n} x {n}), {what}, radius {radius}", fontsize=9)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return fig

    return Demo(draw, {"matrix": ["A", "C_core", "widened C (d = 3)", "heavy column"], "scale": list(QI_SCALES),
                       "radius": ["max(r, c) (Qi)", "rows only"]},
                defaults={"matrix": "C_core", "scale": 0.95}, title="Qi's intervals for singular values",
                labels={"scale": "scale of the weights", "radius": "radius"},
                alt="One horizontal blue bar per index i of the matrix, from (b_i - s_i)_+ to b_i + s_i; below them "
                    "the singular values as short vertical ticks (red when a value lies outside every interval), "
                    "and vertical lines at the lower bound min (b_i - s_i)_+ and at Johnson's bound.")


# ------------------------------------------------------------------------------------------------ 3 curvature
def curvature_demo() -> Demo:
    """Slider demo: lambda_min of Hess l_lambda (= lambda_min Hess l + 2 lambda) against sqrt(l) at points around a
    zero-loss teacher, coloured by membership of U_1 & U_2, with Theorem 4's threshold (lambda - theta)/(2M), the
    sharpened (2 lambda - theta)/(2M), the empirical threshold and the pointwise Lemma 9 bound.

    Returns
    -------
    Demo
    """
    for H in (1, 2):
        for beta in (2.0, 3.0):
            curvature_samples(H, beta)

    def draw(H, beta, lam):
        d = curvature_samples(H, beta)
        theta = lam / 2
        x, lm = d["sqrt_loss"], d["lam_min"] + 2 * lam
        fig, ax = plotting.figure(width=7.0, height=3.6)
        u = d["U12"]
        ax.scatter(x[u], lm[u], s=10, color="C0", label="in U_1 and U_2")
        ax.scatter(x[~u], lm[~u], s=10, color="0.6", marker="x", label="outside U_1 and U_2")
        bound = 2 * lam - 2 * d["M"] * d["rho_max"] * x
        ax.scatter(x[u], bound[u], s=4, color="C3", label="paper's Lemma 9 bound 2 lambda - 2 M rho_max sqrt(l)")
        paper = (lam - theta) / (2 * d["M"])
        sharp = (2 * lam - theta) / (2 * d["M"])
        emp, censored = empirical_threshold(d, lam)
        ax.axvline(paper, color="k", ls="--", lw=1, label=f"paper's Theorem 4: (lambda - theta)/(2M) = {paper:.2g}")
        ax.axvline(sharp, color="k", ls=":", lw=1, label=f"sharpened: (2 lambda - theta)/(2M) = {sharp:.2g}")
        ax.axvline(emp, color="C2", lw=1.5, label=(f"every sample PD (largest sqrt(l) {emp:.2g})" if censored
                                                   else f"empirical: PD up to {emp:.2g}"))
        ax.axhline(lam + theta, color="C1", lw=1, label=f"lambda + theta = {lam + theta:g}")
        ax.axhline(0, color="0.3", lw=0.5)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_ylim(-10, 10)
        ax.set_yticks([-10, -0.1, -1e-3, 0, 1e-3, 0.1, 10])          # few ticks: symlog minor ticks are slow to lay out
        ax.yaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_locator(LogLocator(numticks=8))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("sqrt(l(W)) (root mean square training error)")
        ax.set_ylabel("smallest eigenvalue of Hess l_lambda")
        ratio = f"{'>= ' if censored else ''}{emp / paper:.0f}x"
        ax.set_title(f"H = {H}, beta = {beta:g}, lambda = {lam:g}, theta = lambda/2: empirical / paper's Theorem 4 "
                     f"= {ratio}", fontsize=9)
        ax.legend(fontsize=6.5, loc="lower left")
        return fig

    return Demo(draw, {"H": [1, 2], "beta": [2.0, 3.0], "lam": list(CURVATURE_LAMS)},
                defaults={"beta": 3.0, "lam": 0.05}, title="Curvature against training error",
                labels={"beta": "β", "lam": "λ"},
                alt="Scatter plot against the root mean square training error (log axis) of the smallest "
                    "eigenvalue of the Hessian of the regularised loss at sampled points (symmetric-log axis), "
                    "blue inside U_1 and U_2 and grey crosses outside, with red points for the paper's Lemma 9 "
                    "bound; vertical lines mark the paper's Theorem 4 threshold, the sharpened threshold and the "
                    "empirical one, and a horizontal line λ + θ.")


# ------------------------------------------------------------------------------------------------ 4 slice
SLICE_EXTENTS = (0.003, 0.03, 0.3, 1.0)


@lru_cache(maxsize=1)
def _slice_data(grid: int = 41):
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    D = cv.radial_plane(t.w, seed=1)
    return t, {e: cv.weight_slice(t, e, grid=grid, lam=LAM, theta=THETA, directions=D) for e in SLICE_EXTENTS}


def _arrows(t, d, lam):
    """The projected -grad l_lambda on the plane for any lambda (weight_slice stored it for LAM; the decay part
    is -2 lambda W, and W = (||W*|| + s) D_1 + u D_2 lies in the plane)."""
    radius = np.linalg.norm(t.w)
    return (d["grad_s"] + 2 * (LAM - lam) * (radius + d["s"]), d["grad_u"] + 2 * (LAM - lam) * d["u"])


@checked(lam="nonnegative")
def slice_stats(lam: float) -> list:
    """For each extent of the slice demo: ``(extent, regions, points of U, share of the grid where the arrow
    points to smaller ||W|| (<-grad l_lambda, W> < 0), the same share inside U, share where the arrow points
    towards the teacher (<-grad l_lambda, W - W*> < 0), largest angle between an arrow and the mean arrow in
    degrees)``.

    Parameters
    ----------
    lam : float
        The weight decay lambda >= 0.

    Returns
    -------
    list of tuple
    """
    t, data = _slice_data()
    radius = np.linalg.norm(t.w)
    rows = []
    for extent, d in data.items():
        gs, gu = _arrows(t, d, lam)
        radial = gs * (radius + d["s"]) + gu * d["u"]
        toward = gs * d["s"] + gu * d["u"]
        mean = np.array([gs.mean(), gu.mean()])
        cos = (gs * mean[0] + gu * mean[1]) / (np.hypot(gs, gu) * np.linalg.norm(mean))
        inU = d["in_U"] if lam > 0 else np.zeros_like(d["in_U"])
        rows.append((extent, len(np.unique(d["labels"])), int(inU.sum()), float(np.mean(radial < 0)),
                     float(np.mean(radial[inU] < 0)) if inU.any() else float("nan"), float(np.mean(toward < 0)),
                     float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))).max())))
    return rows


def slice_demo() -> Demo:
    """Slider demo: the plane through W = 0 and a zero-loss teacher W* (radial direction D_1 = W*/||W*|| and a
    random D_2), coloured by activation region (the pieces B_i of Theorem 4), hatched where Hess l_lambda is not
    positive definite, with the set U outlined, level sets of l_lambda and arrows of -grad l_lambda projected on
    the plane. lambda = 0 removes the decay.

    Returns
    -------
    Demo
    """
    t, data = _slice_data()
    palette = np.random.default_rng(0).permutation(256)
    cmap = ListedColormap(matplotlib.colormaps["tab20"](np.arange(20)))

    def draw(extent, lam):
        d = data[extent]
        fig, ax = plotting.figure(width=5.6, height=4.4)
        labels = d["labels"]
        ax.pcolormesh(d["s"], d["u"], palette[labels % 256] % 20, cmap=cmap, vmin=0, vmax=19, shading="nearest",
                      alpha=0.55)
        lam_min = d["lam_min"] + 2 * lam
        if (lam_min < 0).any():
            ax.contourf(d["s"], d["u"], (lam_min < 0).astype(float), levels=[0.5, 1.5], colors="none",
                        hatches=["////"])
        ell = d["loss"] + lam * d["weight_norm2"]
        ax.contour(d["s"], d["u"], ell, levels=12, colors="0.2", linewidths=0.5)
        if lam > 0 and d["in_U"].any():
            ax.contour(d["s"], d["u"], d["in_U"].astype(float), levels=[0.5], colors="k", linewidths=2)
        step = max(1, d["s"].shape[0] // 10)
        gs, gu = _arrows(t, d, lam)
        ax.quiver(d["s"][::step, ::step], d["u"][::step, ::step], gs[::step, ::step], gu[::step, ::step],
                  color="C3", width=0.004)
        ax.plot(0, 0, "k*", ms=10)
        n_regions = len(np.unique(labels))
        pd_share = float(np.mean(lam_min > 0))
        ax.set_title(f"extent {extent:g}: {n_regions} activation regions, Hess l_lambda PD on {100 * pd_share:.0f}%,"
                     f"\n{int(d['in_U'].sum()) if lam > 0 else 0} of {labels.size} grid points in U (lambda = {lam:g})",
                     fontsize=9)
        ax.set_xlabel("s: along W*/||W*|| (W = 0 lies at s = -||W*||)")
        ax.set_ylabel("u: along a random D_2 orthogonal to W*")
        ax.set_aspect("equal")
        return fig

    return Demo(draw, {"extent": list(SLICE_EXTENTS), "lam": [0.0, LAM]}, defaults={"extent": 0.3, "lam": LAM},
                title="A 2-D slice of weight space, coloured by activation region",
                labels={"extent": "extent", "lam": "λ"},
                alt="A square slice of weight space around the teacher (star at the centre), coloured by "
                    "activation region, with hatching where the Hessian of the regularised loss has a negative "
                    "eigenvalue, thin level lines of the loss, a thick black curve around the set U when it is "
                    "visible, and red arrows of the negative gradient projected on the plane.")


# ------------------------------------------------------------------------------------------------ 5 dropout
DROPOUT_ETAS = (0.0, 0.2, 0.5, 0.8)
MASK_DRAWS = 20


@lru_cache(maxsize=1)
def _dropout_data():
    """For the 5-20-20-1 teacher (beta = 3, N = 64): per (eta, mask) the rho of 500 random directions under one
    mask draw (seed 2) and rho_max under each of 20 mask draws (seeds 0..19)."""
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    data = {}
    for eta in DROPOUT_ETAS:
        for mask in ("example", "batch"):
            rhos, rmax = cv.dropout_rho(t.w, t.X, t.dims, eta, mask=mask, directions=500, seed=2)
            draws = np.array([cv.dropout_rho(t.w, t.X, t.dims, eta, mask=mask, directions=1, seed=s)[1]
                              for s in range(MASK_DRAWS)])
            data[eta, mask] = (rhos, rmax, draws)
    return t, data


def dropout_demo() -> Demo:
    """Slider demo: rho(W, X) of Lemma 9 for 500 random directions under dropout (a 5-20-20-1 teacher, N = 64), and
    rho_max, the worst direction that Theorem 4 needs, across 20 draws of the masks.

    Returns
    -------
    Demo
    """
    _, data = _dropout_data()
    base = data[0.0, "example"][1]

    def draw(eta, mask):
        rhos, rmax, draws = data[eta, "example" if mask == "per example" else "batch"]
        fig, (ax, ax2) = plotting.figure(ncols=2, width=3.8, height=3.2)
        ax.hist(rhos, bins=30, range=(0, 1), color="C0")
        ax.axvline(rmax, color="C3", label=f"rho_max = {rmax:.2f}")
        ax.axvline(rhos.mean(), color="k", ls="--", label=f"mean rho = {rhos.mean():.2f}")
        ax.set_xlabel("rho(W, X) for random directions X")
        ax.set_ylabel("count (of 500)")
        ax.set_title(f"dropout {eta:g}, {mask} mask (one draw)", fontsize=9)
        ax.legend(fontsize=7)
        ax2.hist(draws, bins=20, range=(0.3, 1.0), color="C1")
        ax2.axvline(base, color="k", ls="--", label=f"no dropout: {base:.3f}")
        ax2.set_xlabel("rho_max = sup over directions")
        ax2.set_ylabel(f"mask draws (of {draws.size})")
        ax2.set_title(f"rho_max from {draws.min():.3f} to {draws.max():.3f}", fontsize=9)
        ax2.legend(fontsize=7)
        return fig

    return Demo(draw, {"eta": list(DROPOUT_ETAS), "mask": ["per example", "per batch"]},
                title="Dropout and the factor ρ of the paper's Lemma 9", labels={"eta": "dropout rate η"},
                alt="Left: histogram of ρ(W, X) over 500 random directions X for one dropout mask, with vertical "
                    "lines at ρ_max and at the mean. Right: histogram of ρ_max over the mask draws, with a dashed "
                    "line at its value without dropout.")
