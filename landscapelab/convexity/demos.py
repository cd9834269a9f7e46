"""Demos and figures of the chapter "Piecewise strong convexity" (Milne 2018).

Slider demos (each a :class:`landscapelab.demos.Demo`; the data are computed once and cached, ``draw`` only plots):

* :func:`determinant_demo`: Milne's matrix A(a, W) as a heat map next to the network and its Leibniz terms, with
  the corner switch between the corrected ``(-1)^H`` and the printed ``(-1)^(H+1)``;
* :func:`qi_demo`: Qi's singular-value intervals for A, C_core, the widened C and a heavy-column matrix, with the
  row-only radius as a toggle;
* :func:`curvature_demo`: the smallest eigenvalue of Hess l_lambda against the training error, with Theorem 4's
  threshold, the sharpened one and the empirical one;
* :func:`slice_demo`: a 2-D plane of weight space coloured by activation region, with the set U, the
  non-convex parts and the inward pull of the weight decay (erratum E12);
* :func:`dropout_demo`: the factor rho under dropout and the threshold against depth.

Static figures: :func:`theorem4_figure`, :func:`e12_figure`, :func:`depth_figure`.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .. import convexity as cv
from .. import kernels as K
from .. import plotting
from ..demos import Demo

LAM, THETA = 0.05, 0.025


# ------------------------------------------------------------------------------------------------ 1 determinant
@lru_cache(maxsize=1)
def _determinant_data():
    data = {}
    for H in (1, 2, 3):
        for seed in (0, 1, 2):
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
    non-zero Leibniz terms; the corner switch shows erratum E1 (det A = -y with the printed corner)."""
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
                                                                   else "   (= y, Lemma 3)"),
                 f"{len(cycles)} non-zero Leibniz terms:"]
        for cyc, sign, _prod, term in cycles[:6]:
            lines.append(f"  ({' '.join(map(str, cyc[0]))})  sign {sign:+.0f}  term {term:+.3g}")
        if len(cycles) > 6:
            lines.append(f"  ... and {len(cycles) - 6} more")
        ax2.set_title("\n".join(lines), fontsize=7, loc="left", family="monospace")
        return fig

    return Demo(draw, {"H": [1, 2, 3], "seed": [0, 1, 2], "corner": ["corrected", "paper"]},
                defaults={"H": 1, "seed": 0}, title="The determinant formula y = det A(a, W)")


# ------------------------------------------------------------------------------------------------ 2 Qi
QI_SCALES = (0.5, 0.8, 0.95, 1.2, 1.5)


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
    beta - 1 = 2; the radius toggle replaces Qi's max(r_i, c_i) by the row sums r_i alone."""
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
                defaults={"matrix": "C_core", "scale": 0.8}, title="Qi's intervals for singular values")


# ------------------------------------------------------------------------------------------------ 3 curvature
@lru_cache(maxsize=8)
def curvature_samples(H: int, beta: float, n: int = 160, seed: int = 0) -> dict:
    """Points ``W* + delta z`` (log-uniform ``delta`` in [1e-5, 1]) around a zero-loss 2-4-...-4-1 teacher with N = 12,
    and at each differentiable one: sqrt(l), lambda_min Hess l, rho_max, membership of U_1 & U_2."""
    t = cv.teacher((2,) + (4,) * H + (1,), 12, beta, seed=seed)
    rng = np.random.default_rng(seed + 1)
    out = {k: [] for k in ("sqrt_loss", "lam_min", "rho_max", "U12")}
    for _ in range(n):
        z = rng.standard_normal(t.w.size)
        w = t.w + np.exp(rng.uniform(np.log(1e-5), 0.0)) * z / np.linalg.norm(z)
        if not cv.is_differentiable(w, t.X, t.dims) or np.any(cv.outputs(t.X, cv.unflatten(w, t.dims)) == 0):
            continue
        value, _, hess = cv.loss_derivatives(w, t.X, t.F, t.dims)
        out["sqrt_loss"].append(np.sqrt(value))
        out["lam_min"].append(np.linalg.eigvalsh(hess)[0])
        out["rho_max"].append(cv.rho_max(w, t.X, t.dims))
        out["U12"].append(cv.in_U1(w, t.dims, beta) and cv.in_U2(w, t.X, t.F, t.dims))
    out = {k: np.array(v) for k, v in out.items()}
    out["teacher"] = t
    out["M"] = cv.M_constant(t.F, beta, H)
    return out


def empirical_threshold(samples: dict, lam: float) -> float:
    """The largest sqrt(l) below which every sampled Hess l_lambda is positive definite."""
    bad = samples["sqrt_loss"][samples["lam_min"] + 2 * lam <= 0]
    return float(bad.min()) if bad.size else float(samples["sqrt_loss"].max())


def curvature_demo() -> Demo:
    """Slider demo: lambda_min of Hess l_lambda (= lambda_min Hess l + 2 lambda) against sqrt(l) at points around a
    zero-loss teacher, coloured by membership of U_1 & U_2, with Theorem 4's threshold (lambda - theta)/(2M), the
    sharpened (2 lambda - theta)/(2M), the empirical threshold and the pointwise Lemma 9 bound."""
    lams = (0.005, 0.05, 0.5)
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
        ax.scatter(x[u], bound[u], s=4, color="C3", label="Lemma 9 bound 2 lambda - 2 M rho_max sqrt(l)")
        paper = (lam - theta) / (2 * d["M"])
        sharp = (2 * lam - theta) / (2 * d["M"])
        emp = empirical_threshold(d, lam)
        ax.axvline(paper, color="k", ls="--", lw=1, label=f"Theorem 4: (lambda - theta)/(2M) = {paper:.2g}")
        ax.axvline(sharp, color="k", ls=":", lw=1, label=f"sharpened: (2 lambda - theta)/(2M) = {sharp:.2g}")
        ax.axvline(emp, color="C2", lw=1.5, label=f"empirical: PD up to {emp:.2g}")
        ax.axhline(lam + theta, color="C1", lw=1, label=f"lambda + theta = {lam + theta:g}")
        ax.axhline(0, color="0.3", lw=0.5)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_ylim(-10, 10)
        ax.set_xlabel("sqrt(l(W)) (root mean square training error)")
        ax.set_ylabel("smallest eigenvalue of Hess l_lambda")
        ax.set_title(f"H = {H}, beta = {beta:g}, lambda = {lam:g}, theta = lambda/2: empirical / Theorem 4 "
                     f"= {emp / paper:.0f}x", fontsize=9)
        ax.legend(fontsize=6.5, loc="lower left")
        return fig

    return Demo(draw, {"H": [1, 2], "beta": [2.0, 3.0], "lam": list(lams)}, defaults={"beta": 3.0, "lam": 0.05},
                title="Curvature against training error")


# ------------------------------------------------------------------------------------------------ 4 slice
SLICE_EXTENTS = (0.003, 0.03, 0.3, 1.0)


@lru_cache(maxsize=1)
def _slice_data(grid: int = 41):
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    return t, {e: cv.weight_slice(t, e, grid=grid, lam=LAM, theta=THETA, seed=1) for e in SLICE_EXTENTS}


def slice_demo() -> Demo:
    """Slider demo: the plane W* + s D_1 + u D_2 through a zero-loss teacher, coloured by activation region (the
    pieces B_i of Theorem 4), hatched where Hess l_lambda is not positive definite, with the set U outlined, level
    sets of l_lambda and arrows of -grad l_lambda (pointing inward: erratum E12). lambda = 0 removes the decay."""
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
        # weight_slice stored -grad l_lambda for lambda = LAM; the decay part is 2 lambda <W, D_k>
        gs = d["grad_s"] + 2 * (LAM - lam) * _project(t, d, 0)
        gu = d["grad_u"] + 2 * (LAM - lam) * _project(t, d, 1)
        ax.quiver(d["s"][::step, ::step], d["u"][::step, ::step], gs[::step, ::step], gu[::step, ::step],
                  color="C3", width=0.004)
        ax.plot(0, 0, "k*", ms=10)
        n_regions = len(np.unique(labels))
        pd_share = float(np.mean(lam_min > 0))
        ax.set_title(f"extent {extent:g}: {n_regions} activation regions, Hess l_lambda PD on {100 * pd_share:.0f}%,"
                     f"\n{int(d['in_U'].sum()) if lam > 0 else 0} of {labels.size} grid points in U (lambda = {lam:g})",
                     fontsize=9)
        ax.set_xlabel("s: distance along D_1 from the teacher W* (weight units)")
        ax.set_ylabel("u: distance along D_2")
        ax.set_aspect("equal")
        return fig

    return Demo(draw, {"extent": list(SLICE_EXTENTS), "lam": [0.0, LAM]}, defaults={"extent": 0.3, "lam": LAM},
                title="A 2-D slice of weight space, coloured by activation region")


def _project(t, d, axis):
    """The projection of W = W* + s D_1 + u D_2 on D_axis (the decay gradient is 2 lambda W)."""
    D = d["directions"]
    return t.w @ D[axis] + (d["s"] if axis == 0 else d["u"])


# ------------------------------------------------------------------------------------------------ 5 dropout, depth
@lru_cache(maxsize=1)
def _dropout_data():
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    data = {}
    for eta in (0.0, 0.2, 0.5, 0.8):
        for mask in ("example", "batch"):
            data[eta, mask] = cv.dropout_rho(t.w, t.X, t.dims, eta, mask=mask, directions=500, seed=2)
    empirical = {H: empirical_threshold(curvature_samples(H, 3.0), LAM) for H in (1, 2)}
    return data, empirical


def dropout_demo() -> Demo:
    """Slider demo: rho(W, X) of Lemma 9 for random directions under dropout (a 5-20-20-1 net, N = 64), and the
    threshold on sqrt(l) against depth H, enlarged by the factor 1/rho_max that a pointwise reading of Lemma 9
    allows, with the empirical thresholds of the curvature demo."""
    data, empirical = _dropout_data()

    def draw(eta, mask):
        rhos, rmax = data[eta, "example" if mask == "per example" else "batch"]
        fig, (ax, ax2) = plotting.figure(ncols=2, width=3.8, height=3.2)
        ax.hist(rhos, bins=30, range=(0, 1), color="C0")
        ax.axvline(rmax, color="C3", label=f"rho_max = {rmax:.2f}")
        ax.axvline(rhos.mean(), color="k", ls="--", label=f"mean rho = {rhos.mean():.2f}")
        ax.set_xlabel("rho(W, X) for random directions X")
        ax.set_ylabel("count (of 500)")
        ax.set_title(f"dropout {eta:g}, {mask} mask", fontsize=9)
        ax.legend(fontsize=7)
        Hs = np.arange(1, 7)
        for beta, color in ((2.0, "C0"), (3.0, "C1")):
            thr = np.array([cv.threshold([1.0], beta, int(H), LAM, THETA) for H in Hs])
            ax2.semilogy(Hs, thr, "-o", color=color, ms=3, label=f"Theorem 4, beta = {beta:g}")
            ax2.semilogy(Hs, thr / rmax, "--", color=color, lw=1, label=f"divided by rho_max (beta = {beta:g})")
        ax2.semilogy(list(empirical), list(empirical.values()), "k*", ms=9, label="empirical (beta = 3)")
        ax2.set_xlabel("hidden layers H")
        ax2.set_ylabel("threshold on sqrt(l) (max f = 1)")
        ax2.set_title(f"lambda = {LAM:g}, theta = {THETA:g}", fontsize=9)
        ax2.legend(fontsize=6)
        return fig

    return Demo(draw, {"eta": [0.0, 0.2, 0.5, 0.8], "mask": ["per example", "per batch"]},
                title="Dropout, rho and depth")


# ------------------------------------------------------------------------------------------------ static figures
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
    the paper's bound theta and the corrected lambda + theta (erratum E6)."""
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
    (all close to 1, never 0), and where the minimisers of l_lambda are relative to the threshold."""
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


def depth_figure():
    """Consequence 2: Theorem 4's threshold on sqrt(l) against depth (max f = 1, lambda = 0.1, theta = 0.05), a
    geometric decay by the factor beta per hidden layer (the table of the chapter's depth figure)."""
    fig, ax = plotting.figure(width=5.0, height=3.2)
    Hs = np.arange(1, 7)
    for beta in (2.0, 3.0, 5.0):
        ax.semilogy(Hs, [cv.threshold([1.0], beta, int(H), 0.1, 0.05) for H in Hs], "-o", ms=3,
                    label=f"beta = {beta:g}")
    ax.set_xlabel("hidden layers H")
    ax.set_ylabel("threshold on sqrt(l)")
    ax.set_title("(lambda - theta) / (2 (3/2 max f + beta^(H+2)))", fontsize=9)
    ax.legend(fontsize=8)
    return fig
