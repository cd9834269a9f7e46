"""Demos and figures of the chapter "Restricted strong convexity of deep models" (Banerjee et al.).

Slider demos (each a :class:`landscapelab.demos.Demo`; the data come from the cached sweeps of
:mod:`landscapelab.rsc.experiments`, ``draw`` only plots):

* :func:`cone_demo`: the curvature of the loss at theta_0 inside and outside the cone ``Q_kappa`` as kappa and
  the width move (Theorem 5.1), for centred data with softplus and shifted data with tanh side by side;
* :func:`rate_demo`: gradient descent with Theorem 5.3's per-step factor (measured constants) against the
  observed per-step ratio, with the cosine of the descent direction to ``gbar`` against kappa*.

Static figures: :func:`kappa_figure`, :func:`width_figure`, :func:`depth_figure`, :func:`gbar_figure`,
:func:`training_figure`. Labels are plain text and layouts fixed (no mathtext, no constrained layout): every
frame of a slider is drawn once for the static book, and that keeps a frame well under a second.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from ..demos import Demo
from ..fits import slope_interval
from ..sweeps import Table
from . import experiments as ex

__all__ = ["cone_demo", "rate_demo", "kappa_figure", "width_figure", "depth_figure", "gbar_figure",
           "training_figure"]


def _table(table, sweep):
    """The sweep's table if ``table`` is None, else ``table`` checked to be a non-empty Table."""
    if table is None:
        return sweep()
    if not isinstance(table, Table):
        raise TypeError(f"table: expected a Table from experiments.{sweep.__name__}(), got {type(table).__name__}")
    if len(table) == 0:
        raise ValueError(f"table: expected the rows of experiments.{sweep.__name__}(), got an empty table")
    return table


def _rows(table, **equal):
    return [r for r in table.rows if all(r[k] == v for k, v in equal.items())]


def _panels(n: int, width: float = 4.0, height: float = 3.2):
    """``n`` axes side by side with a fixed layout."""
    fig, axes = plt.subplots(1, n, figsize=(width * n, height))
    fig.subplots_adjust(left=0.3 / n + 0.04, right=0.98, bottom=0.16, top=0.86, wspace=0.42)
    return fig, list(np.atleast_1d(axes))


# ------------------------------------------------------------------------------------------------ cone demo
def _cone_panel(ax, row, kappa: float, label: str) -> None:
    grid = np.array(ex.COS_GRID)
    scale = row["lambda_max"]
    curve = row["boundary"] / scale
    jensen = (2 * grid ** 2 * row["gbar_sq"] - row["r_norm"]) / scale
    inside = grid >= kappa
    ax.axvspan(kappa, 1.0, color="C2", alpha=0.12, lw=0)
    ax.axvspan(0.0, kappa, color="C3", alpha=0.08, lw=0)
    ax.plot(grid, curve, color="k", lw=1.6, label="smallest curvature at cos = c")
    ax.plot(grid, jensen, "--", color="C0", lw=1.2, label="Jensen bound 2c²‖ḡ‖² − ‖R‖")
    ax.axhline(0.0, color="0.5", lw=0.8)
    mu_in = float(row["mu"][ex.KAPPAS.index(kappa)])
    k_in = int(np.argmin(np.where(inside, curve, np.inf)))
    ax.plot([grid[k_in]], [mu_in / scale], "o", color="C2", label=f"min inside the cone: {mu_in:+.2e}")
    if np.any(~inside):
        k = int(np.argmin(np.where(inside, np.inf, curve)))
        ax.plot([grid[k]], [curve[k]], "o", color="C3", label=f"min outside: {curve[k] * scale:+.2e}")
    if math.isfinite(row["kappa_star"]):
        ax.axvline(row["kappa_star"], color="C1", lw=1.0, ls=":", label=f"κ* = {row['kappa_star']:.3f}")
    low = min(curve.min(), jensen.min())
    ax.set_ylim(1.15 * low - 0.02, 0.3 if curve[inside].min() < 0.25 else 1.05)
    ax.set_xlim(0, 1)
    ax.set_xlabel("c = cos(δ, ḡ)")
    ax.set_ylabel("δᵀ ∇²L δ / λmax   (unit δ)")
    ax.set_title(f"{label}, m = {row['m']}", fontsize=9)
    ax.legend(fontsize=7.5, loc="upper left")


def cone_demo(table=None) -> Demo:
    """Curvature of ``grad^2 L(theta_0)`` over unit directions at exactly ``cos(delta, gbar) = c``, with the
    cone ``|c| >= kappa`` shaded, for each width; both settings of
    :data:`~landscapelab.rsc.experiments.CONE_SETTINGS` side by side.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.cone_sweep` (computed, or read from the cache, if not given).

    Returns
    -------
    Demo
    """
    table = _table(table, ex.cone_sweep)

    def draw(kappa, width):
        fig, axes = plt.subplots(2, 1, figsize=(7.1, 6.6))
        fig.subplots_adjust(left=0.11, right=0.98, bottom=0.08, top=0.91, hspace=0.42)
        for ax, (act, shift, label) in zip(axes, ex.CONE_SETTINGS):
            _cone_panel(ax, _rows(table, activation=act, m=width, shift=shift, seed=0)[0], kappa, label)
        fig.suptitle(f"the cone |cos(δ, ḡ)| ≥ κ = {kappa} is shaded green", fontsize=9)
        return fig

    return Demo(draw, {"kappa": list(ex.KAPPAS), "width": list(ex.WIDTHS)},
                defaults={"kappa": 0.2, "width": 256}, labels={"kappa": "κ", "width": "width m"},
                title="Curvature of the loss inside (green) and outside (red) an RSC cone at initialisation",
                alt="Two panels, softplus on centred data (top) and tanh on shifted data (bottom): the smallest "
                    "curvature of the loss Hessian over unit directions at cosine c with the average gradient, "
                    "against c from 0 to 1, with the paper's Jensen bound dashed, the cone c ≥ κ shaded green, "
                    "its minimum marked by a dot and the critical angle κ* by a dotted line.")


def kappa_figure(table=None):
    """The critical angle kappa* against the width for both settings (seed means), with the plug-in angle.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.cone_sweep`.

    Returns
    -------
    Figure
    """
    table = _table(table, ex.cone_sweep)
    fig, (ax,) = _panels(1, width=5.6, height=3.5)
    ws = np.array(ex.WIDTHS)
    for (act, shift, label), color in zip(ex.CONE_SETTINGS, ("C0", "C1")):
        rows = [_rows(table, activation=act, m=int(m), shift=shift) for m in ws]
        ax.plot(ws, [np.mean([r["kappa_star"] for r in rs]) for rs in rows], "-o", color=color,
                label=f"κ*, {label}")
        ax.plot(ws, [np.mean([r["plugin"] for r in rs]) for rs in rows], ":", color=color,
                label=f"plug-in √(‖R‖ / 2‖ḡ‖²), {label}")
    first = np.mean([r["kappa_star"] for r in _rows(table, activation="softplus", m=int(ws[0]))])
    ax.plot(ws, first * (ws / ws[0]) ** -0.25, "k--", lw=0.8, label="slope −1/4")
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_ylim(0.07, 4)
    ax.set_xlabel("width m")
    ax.set_ylabel("cone angle (cosine)")
    ax.legend(fontsize=6.5, loc="upper right", ncol=2)
    return fig


# ------------------------------------------------------------------------------------------------ rate demo
def rate_demo(table=None) -> Demo:
    """Gradient descent against Theorem 5.3's per-step factor with measured constants (kappa = 1).

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.gd_sweep` (computed, or read from the cache, if not given).

    Returns
    -------
    Demo
    """
    table = _table(table, ex.gd_sweep)

    def draw(width, rho2):
        row = _rows(table, m=width)[0]
        key = f"{rho2:g}"
        steps = np.array([a["step"] for a in row["analyses"]])
        get = lambda name: np.array([a[name] for a in row["analyses"]])  # noqa: E731
        fig = plt.figure(figsize=(7.1, 6.4))
        grid = fig.add_gridspec(2, 2, left=0.1, right=0.98, bottom=0.08, top=0.94, hspace=0.42, wspace=0.32)
        ax, cx, bx = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
        ax.semilogy(row["step"], row["loss"], color="k", lw=1.0)
        ax.semilogy(steps, get("loss"), "o", color="k", ms=3)
        ax.set_xlabel("step t")
        ax.set_ylabel("loss L(θ_t)")
        ax.set_title(f"m = {width}, η = {row['lr']:.2f} = 0.5 / β₀", fontsize=9)
        fac, fac0 = get(f"factor[{key}]"), get(f"factor_gamma0[{key}]")
        bx.plot(steps, get("observed"), "o-", color="k", ms=4, label="observed L(θ_t+1) / L(θ_t)")
        bx.plot(steps, fac, "s", color="C0", ms=5, label="paper's Theorem 5.3, measured γ_t")
        bx.plot(steps, fac0, "^", color="C3", ms=5, label="the same with γ_t = 0")
        out = ~np.isfinite(fac)
        bx.plot(steps[out], np.full(out.sum(), 1.25), "x", color="0.4", ms=6,
                label="ω_t = η λmax ≥ 2: no bound")
        bx.set_ylim(-0.05, 1.35)
        bx.set_xlabel("step t")
        bx.set_ylabel("per-step factor")
        bx.set_title(f"ρ₂ = {rho2:g} × step length", fontsize=9)
        bx.legend(fontsize=7.5, loc="lower right")
        cx.semilogy(steps, get("cos"), "o-", color="C0", ms=4, label="|cos(ḡ_t, ∇L(θ_t))|")
        cx.semilogy(steps, np.maximum(get("kappa_star"), 1e-4), "s-", color="C1", ms=4, label="κ*_t")
        cx.set_ylim(1e-4, 2)
        cx.set_xlabel("step t")
        cx.set_ylabel("cosine")
        cx.set_title("is the descent direction in an RSC cone?", fontsize=9)
        cx.legend(fontsize=7.5, loc="lower left")
        return fig

    return Demo(draw, {"width": list(ex.GD_WIDTHS), "rho2": [1.0, 10.0]},
                defaults={"width": 128, "rho2": 1.0}, labels={"width": "width m", "rho2": "ρ₂ / step length"},
                title="Gradient descent against the per-step factor of the paper's Theorem 5.3 (measured "
                      "constants, κ = 1)",
                alt="Three panels against the step t: the loss on a log scale (top left); the cosine between "
                    "the average gradient and the loss gradient against the critical cone angle κ* (top "
                    "right); the observed ratio of successive losses with the theorem's per-step factor and "
                    "the same factor without 1 − γ_t (bottom).")


# ------------------------------------------------------------------------------------------------ figures
def width_figure(table=None):
    """``||grad^2 f(theta_0; x)||`` and ``sqrt(m) ||grad^2 f||`` against m, with the fitted log-log slopes and
    their seed intervals.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.width_sweep`.

    Returns
    -------
    (Figure, dict)
        The figure and ``{(activation, depth): SlopeFit}``.
    """
    table = _table(table, ex.width_sweep)
    ws = np.array(ex.WIDTHS)
    fig, (ax, bx) = _panels(2, width=3.55, height=3.1)
    fig.subplots_adjust(left=0.12, wspace=0.38)
    fits = {}
    for k, (act, depth) in enumerate([(a, L) for a in ("tanh", "softplus") for L in (1, 2)]):
        Y = np.array([[_rows(table, activation=act, depth=depth, m=int(m), seed=s)[0]["hessian"] for m in ws]
                      for s in (0, 1)])
        fits[act, depth] = fit = slope_interval(ws, Y)
        style = "-o" if depth == 1 else "-s"
        ax.loglog(ws, Y.mean(axis=0), style, color=f"C{k}",
                  label=f"{act}, L = {depth}: slope {fit.slope:.2f}")
        bx.semilogx(ws, Y.mean(axis=0) * np.sqrt(ws), style, color=f"C{k}", label=f"{act}, L = {depth}")
    ax.loglog(ws, 1.0 / np.sqrt(ws), "k:", label="m^(−1/2)")
    for a in (ax, bx):
        a.set_xticks(ws, [str(w) for w in ws])
        a.minorticks_off()
    ax.set_xlabel("width m")
    ax.set_ylabel("‖∇²f(θ₀; x)‖₂")
    ax.legend(fontsize=7)
    bx.set_xlabel("width m")
    bx.set_ylabel("√m ‖∇²f(θ₀; x)‖₂")
    bx.set_ylim(0, 1.2)
    bx.legend(fontsize=7)
    return fig, fits


def depth_figure(table=None):
    """``sqrt(m) ||grad^2 f||`` (solid) and ``c_H`` of Remark 4.3 (dashed) against the depth.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.depth_sweep`.

    Returns
    -------
    Figure
    """
    table = _table(table, ex.depth_sweep)
    depths = np.array(ex.DEPTHS)
    fig, (ax,) = _panels(1, width=6.0, height=3.8)
    cases = [("tanh", 1.0, "sigma1", "tanh, σ₁ = 1"), ("softplus", 1.0, "sigma1", "softplus, σ₁ = 1"),
             ("tanh", 1.0, "sigma0", "tanh, σ₀ = 1"), ("tanh", 2.0, "sigma0", "tanh, σ₀ = 2")]
    for k, (act, sigma, kind, label) in enumerate(cases):
        rows = [_rows(table, activation=act, sigma=sigma, kind=kind, depth=int(L))[0] for L in depths]
        ax.semilogy(depths, [r["sqrt_m_hessian"] for r in rows], "-o", color=f"C{k}",
                    label=f"{label}: measured")
        ax.semilogy(depths, [r["c_H"] for r in rows], "--", color=f"C{k}", alpha=0.7,
                    label="c_H (Remark 4.3)")
    ax.set_xlabel("depth L")
    ax.set_ylabel("√m ‖∇²f‖ (solid) and c_H (dashed)")
    ax.legend(fontsize=6.5, ncol=2)
    return fig


def gbar_figure(table=None):
    """``||gbar||^2`` at theta_0 against n for centred and shifted data (seed means).

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.gbar_sweep`.

    Returns
    -------
    Figure
    """
    table = _table(table, ex.gbar_sweep)
    ns = np.array([8, 64, 512])
    fig, (ax,) = _panels(1, width=5.6, height=3.6)
    k = 0
    for act in ("tanh", "softplus"):
        for depth in (1, 3):
            for shift, style in ((0.0, "-o"), (1.0, "--s")):
                means = [np.mean([r["gbar_sq"] for r in _rows(table, activation=act, depth=depth, n=int(n),
                                                                  shift=shift)]) for n in ns]
                ax.loglog(ns, means, style, color=f"C{k}",
                          label=f"{act}, L = {depth}, {'centred' if shift == 0 else 'shifted'}")
            k += 1
    ax.loglog(ns, 0.1 / ns, "k:", label="∝ 1/n")
    ax.set_xlabel("samples n")
    ax.set_ylabel("‖ḡ‖² = 1ᵀK1 / n²")
    ax.legend(fontsize=6.5, ncol=2)
    return fig


def training_figure(table=None):
    """The gradient-descent runs: the loss, ``||gbar_t||`` (the paper's Figure 1a in miniature) and the
    distances of Definition 3.1 from theta_0.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.gd_sweep`.

    Returns
    -------
    Figure
    """
    table = _table(table, ex.gd_sweep)
    fig = plt.figure(figsize=(7.1, 6.2))
    grid = fig.add_gridspec(2, 2, left=0.1, right=0.98, bottom=0.08, top=0.97, hspace=0.32, wspace=0.3)
    ax, bx, cx = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    for k, m in enumerate(ex.GD_WIDTHS):
        row = _rows(table, m=m)[0]
        ax.semilogy(row["step"], row["loss"], color=f"C{k}", lw=1.0, label=f"m = {m}")
        bx.plot(row["gbar_step"], row["gbar_norm"], color=f"C{k}", lw=1.2, label=f"m = {m}")
        moved = row["ball_step"] > 0
        cx.plot(row["ball_step"][moved], row["dW"][moved] / math.sqrt(m), "-o", color=f"C{k}", ms=3,
                label=f"max_l ‖ΔW(l)‖₂ / √m, m = {m}")
        cx.plot(row["ball_step"][moved], row["dv"][moved], "--", color=f"C{k}", lw=1.0,
                label=f"‖Δv‖, m = {m}")
    ax.axhline(1e-3, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("step t")
    ax.set_ylabel("loss L(θ_t)")
    ax.legend(fontsize=7)
    bx.set_xlabel("step t")
    bx.set_ylabel("‖ḡ_t‖₂")
    bx.set_ylim(0, None)
    bx.legend(fontsize=7)
    cx.set_xlabel("step t")
    cx.set_ylabel("distance from θ₀")
    cx.set_yscale("log")
    cx.set_ylim(0.2, 20)
    cx.legend(fontsize=7, loc="center", ncol=3)
    return fig
