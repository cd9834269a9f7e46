"""Demos and figures of the chapter "Restricted strong convexity of deep models" (Banerjee et al.).

Slider demos (each a :class:`landscapelab.demos.Demo`; the data come from the cached sweeps of
:mod:`landscapelab.rsc.experiments`, ``draw`` only plots):

* :func:`cone_demo`: the curvature of the loss at theta_0 inside and outside the cone ``Q_kappa`` as kappa and
  the width move (Theorem 5.1), next to the critical angle kappa* against the width;
* :func:`rate_demo`: gradient descent with Theorem 5.3's per-step factor (measured constants) against the
  observed per-step ratio, with the cosine of the descent direction to ``gbar`` against kappa*.

Static figures: :func:`width_figure`, :func:`depth_figure`, :func:`gbar_figure`, :func:`training_figure`.
"""

from __future__ import annotations

import math

import numpy as np

from .. import plotting
from ..demos import Demo
from ..fits import slope_interval
from . import experiments as ex

__all__ = ["cone_demo", "rate_demo", "width_figure", "depth_figure", "gbar_figure", "training_figure"]


def _rows(table, **equal):
    return [r for r in table.rows if all(r[k] == v for k, v in equal.items())]


# ------------------------------------------------------------------------------------------------ cone demo
def cone_demo(table=None) -> Demo:
    """Curvature of ``grad^2 L(theta_0)`` at exactly ``cos(delta, gbar) = c``, with the cone ``|c| >= kappa``
    shaded, for each width and both settings of :data:`~landscapelab.rsc.experiments.CONE_SETTINGS`.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.cone_sweep` (computed, or read from the cache, if not given).

    Returns
    -------
    Demo
    """
    table = ex.cone_sweep() if table is None else table
    grid = np.array(ex.COS_GRID)
    labels = {label: (act, shift) for act, shift, label in ex.CONE_SETTINGS}

    def draw(kappa, width, setting):
        act, shift = labels[setting]
        row = _rows(table, activation=act, m=width, shift=shift, seed=0)[0]
        fig, (ax, bx) = plotting.figure(2, width=4.4, height=3.3)
        scale = row["lambda_max"]
        curve = row["boundary"] / scale
        inside = grid >= kappa
        ax.axvspan(kappa, 1.0, color="C2", alpha=0.12, lw=0)
        ax.axvspan(0.0, kappa, color="C3", alpha=0.08, lw=0)
        ax.plot(grid, curve, color="k", lw=1.6, label="smallest curvature at cos = c")
        ax.plot(
            grid,
            (2 * grid**2 * row["gbar_sq"] - row["r_norm"]) / scale,
            "--",
            color="C0",
            lw=1.2,
            label=r"Jensen bound $2c^2\|\bar g\|^2 - \|R\|$",
        )
        ax.axhline(0.0, color="0.5", lw=0.8)
        mu_in = float(row["mu"][ex.KAPPAS.index(kappa)]) / scale
        mu_out = float(curve[~inside].min()) if np.any(~inside) else math.nan
        ax.plot(
            [grid[inside][np.argmin(curve[inside])]],
            [mu_in],
            "o",
            color="C2",
            label=f"min inside the cone: {mu_in * scale:+.2e}",
        )
        if np.any(~inside):
            ax.plot(
                [grid[~inside][np.argmin(curve[~inside])]],
                [mu_out],
                "o",
                color="C3",
                label=f"min outside: {mu_out * scale:+.2e}",
            )
        ks = row["kappa_star"]
        if math.isfinite(ks):
            ax.axvline(ks, color="C1", lw=1.0, ls=":", label=f"kappa* = {ks:.3f}")
        lo = min(curve.min(), ((2 * grid**2 * row["gbar_sq"] - row["r_norm"]) / scale).min())
        ax.set_ylim(1.15 * lo - 0.02, 0.25 if curve[inside].min() < 0.2 else 1.05)
        ax.set_xlim(0, 1)
        ax.set_xlabel(r"$c = \cos(\delta, \bar g)$")
        ax.set_ylabel(r"$\delta^\top \nabla^2 L\, \delta \;/\; \lambda_{\max}$")
        ax.set_title(f"{setting}, m = {width}, kappa = {kappa}", fontsize=9)
        ax.legend(fontsize=6.5, loc="upper left")
        for a_setting, style in zip(labels, ("-o", "-s")):
            a_act, a_shift = labels[a_setting]
            ws = np.array(ex.WIDTHS)
            k = [
                np.mean([r["kappa_star"] for r in _rows(table, activation=a_act, m=int(m), shift=a_shift)])
                for m in ws
            ]
            p = [
                np.mean(
                    [min(r["plugin"], 1.5) for r in _rows(table, activation=a_act, m=int(m), shift=a_shift)]
                )
                for m in ws
            ]
            color = "C0" if a_act == "softplus" else "C1"
            bx.plot(ws, k, style, color=color, label=f"kappa*, {a_setting}")
            bx.plot(ws, p, ":", color=color, label=r"plug-in $\sqrt{\|R\|/2\|\bar g\|^2}$")
        bx.axhline(kappa, color="C2", lw=1.0, label=f"kappa = {kappa}")
        bx.axvline(width, color="0.6", lw=0.8)
        bx.set_xscale("log", base=2)
        bx.set_yscale("log")
        bx.set_ylim(0.04, 2.0)
        bx.set_xlabel("width m")
        bx.set_ylabel("cone angle (cosine)")
        bx.set_title("RSC at theta_0 holds on cones with kappa > kappa*", fontsize=9)
        bx.legend(fontsize=6.5, loc="lower left")
        return fig

    return Demo(
        draw,
        {"kappa": list(ex.KAPPAS), "width": list(ex.WIDTHS), "setting": list(labels)},
        defaults={"kappa": 0.2, "width": 256, "setting": ex.CONE_SETTINGS[0][2]},
        title="Curvature of the loss inside (green) and outside (red) the cone Q_kappa at initialisation",
    )


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
    table = ex.gd_sweep() if table is None else table

    def draw(width, rho2):
        row = _rows(table, m=width)[0]
        key = f"{rho2:g}"
        steps = np.array([a["step"] for a in row["analyses"]])
        get = lambda name: np.array([a[name] for a in row["analyses"]])  # noqa: E731
        fig, (ax, bx, cx) = plotting.figure(3, width=3.5, height=3.1)
        ax.semilogy(row["step"], row["loss"], color="k", lw=1.0)
        ax.semilogy(steps, get("loss"), "o", color="k", ms=3)
        ax.set_xlabel("step t")
        ax.set_ylabel(r"loss $L(\theta_t)$")
        ax.set_title(f"m = {width}, eta = {row['lr']:.2f} = 0.5 / beta_0", fontsize=9)
        obs = get("observed")
        fac, fac0 = get(f"factor[{key}]"), get(f"factor_gamma0[{key}]")
        bx.plot(steps, obs, "o-", color="k", ms=4, label=r"observed $L_{t+1}/L_t$")
        bx.plot(steps, fac, "s", color="C0", ms=5, label=r"Thm 5.3, measured $\gamma_t$")
        bx.plot(steps, fac0, "^", color="C3", ms=5, label=r"same with $\gamma_t = 0$")
        out = ~np.isfinite(fac)
        bx.plot(
            steps[out],
            np.full(out.sum(), 1.25),
            "x",
            color="0.4",
            ms=6,
            label=r"$\omega_t = \eta\lambda_{\max} \geq 2$: no bound",
        )
        bx.set_ylim(-0.05, 1.35)
        bx.set_xlabel("step t")
        bx.set_ylabel("per-step factor")
        bx.set_title(f"rho_2 = {rho2:g} x step length", fontsize=9)
        bx.legend(fontsize=6.5, loc="lower right")
        cx.semilogy(steps, get("cos"), "o-", color="C0", ms=4, label=r"$|\cos(\bar g_t, \nabla L_t)|$")
        cx.semilogy(steps, np.maximum(get("kappa_star"), 1e-4), "s-", color="C1", ms=4, label=r"$\kappa^*_t$")
        cx.set_ylim(1e-4, 2)
        cx.set_xlabel("step t")
        cx.set_ylabel("cosine")
        cx.set_title("descent direction in an RSC cone?", fontsize=9)
        cx.legend(fontsize=6.5, loc="lower left")
        return fig

    return Demo(
        draw,
        {"width": list(ex.GD_WIDTHS), "rho2": [1.0, 10.0]},
        defaults={"width": 128, "rho2": 1.0},
        title="Gradient descent against Theorem 5.3's per-step factor (measured constants, kappa = 1)",
    )


# ------------------------------------------------------------------------------------------------ figures
def width_figure(table=None):
    """``sqrt(m) ||grad^2 f||`` against m (left) and the fitted log-log slopes with seed intervals (in the
    legend).

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.width_sweep`.

    Returns
    -------
    (Figure, dict)
        The figure and ``{(activation, depth): SlopeFit}``.
    """
    table = ex.width_sweep() if table is None else table
    ws = np.array(ex.WIDTHS)
    fig, (ax, bx) = plotting.figure(2, width=4.2, height=3.2)
    fits = {}
    for k, (act, depth) in enumerate([(a, L) for a in ("tanh", "softplus") for L in (1, 2)]):
        Y = np.array(
            [
                [_rows(table, activation=act, depth=depth, m=int(m), seed=s)[0]["hessian"] for m in ws]
                for s in (0, 1)
            ]
        )
        fit = slope_interval(ws, Y)
        fits[act, depth] = fit
        style = "-o" if depth == 1 else "-s"
        ax.loglog(
            ws, Y.mean(axis=0), style, color=f"C{k}", label=f"{act}, L = {depth}: slope {fit.slope:.2f}"
        )
        bx.semilogx(ws, Y.mean(axis=0) * np.sqrt(ws), style, color=f"C{k}", label=f"{act}, L = {depth}")
    ax.loglog(ws, 1.0 / np.sqrt(ws), "k:", label=r"$m^{-1/2}$")
    ax.set_xlabel("width m")
    ax.set_ylabel(r"$\|\nabla^2_\theta f(\theta_0; x)\|_2$")
    ax.legend(fontsize=7)
    bx.set_xlabel("width m")
    bx.set_ylabel(r"$\sqrt{m}\,\|\nabla^2_\theta f\|_2$")
    bx.set_ylim(0, 1.2)
    bx.legend(fontsize=7)
    return fig, fits


def depth_figure(table=None):
    """``sqrt(m) ||grad^2 f||`` (solid) and ``c_H`` of Remark 4.3 (dashed) against the depth at m = 256.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.depth_sweep`.

    Returns
    -------
    Figure
    """
    table = ex.depth_sweep() if table is None else table
    depths = np.array(ex.DEPTHS)
    fig, ax = plotting.figure(1, width=5.6, height=3.6)
    cases = [
        ("tanh", 1.0, "sigma1", r"tanh, $\sigma_1 = 1$"),
        ("softplus", 1.0, "sigma1", r"softplus, $\sigma_1 = 1$"),
        ("tanh", 1.0, "sigma0", r"tanh, $\sigma_0 = 1$"),
        ("tanh", 2.0, "sigma0", r"tanh, $\sigma_0 = 2$"),
    ]
    for k, (act, sigma, kind, label) in enumerate(cases):
        rows = [_rows(table, activation=act, sigma=sigma, kind=kind, depth=int(L))[0] for L in depths]
        ax.semilogy(
            depths, [r["sqrt_m_hessian"] for r in rows], "-o", color=f"C{k}", label=f"{label}: measured"
        )
        ax.semilogy(
            depths, [r["c_H"] for r in rows], "--", color=f"C{k}", alpha=0.7, label=r"$c_H$ (Remark 4.3)"
        )
    ax.set_xlabel("depth L")
    ax.set_ylabel(r"$\sqrt{m}\,\|\nabla^2 f\|$ and $c_H$")
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
    table = ex.gbar_sweep() if table is None else table
    ns = np.array([8, 64, 512])
    fig, ax = plotting.figure(1, width=5.0, height=3.4)
    k = 0
    for act in ("tanh", "softplus"):
        for depth in (1, 3):
            for shift, style in ((0.0, "-o"), (1.0, "--s")):
                means = [
                    np.mean(
                        [
                            r["gbar_sq"]
                            for r in _rows(table, activation=act, depth=depth, n=int(n), shift=shift)
                        ]
                    )
                    for n in ns
                ]
                ax.loglog(
                    ns,
                    means,
                    style,
                    color=f"C{k}",
                    label=f"{act}, L = {depth}, {'centred' if shift == 0 else 'shifted'}",
                )
            k += 1
    ax.loglog(ns, 0.1 / ns, "k:", label="1/n")
    ax.set_xlabel("samples n")
    ax.set_ylabel(r"$\|\bar g\|^2 = \mathbf{1}^\top K \mathbf{1} / n^2$")
    ax.legend(fontsize=6.5, ncol=2)
    return fig


def training_figure(table=None):
    """The gradient-descent runs: the loss, ``||gbar_t||`` (the paper's Figure 1a in miniature) and the
    distances of Definition 3.1 against ``sqrt(m)``.

    Parameters
    ----------
    table : Table, optional
        :func:`~landscapelab.rsc.experiments.gd_sweep`.

    Returns
    -------
    Figure
    """
    table = ex.gd_sweep() if table is None else table
    fig, (ax, bx, cx) = plotting.figure(3, width=3.5, height=3.1)
    for k, m in enumerate(ex.GD_WIDTHS):
        row = _rows(table, m=m)[0]
        ax.semilogy(row["step"], row["loss"], color=f"C{k}", lw=1.0, label=f"m = {m}")
        bx.plot(row["gbar_step"], row["gbar_norm"], color=f"C{k}", lw=1.2, label=f"m = {m}")
        cx.plot(
            row["ball_step"],
            row["dW"] / math.sqrt(m),
            "-o",
            color=f"C{k}",
            ms=3,
            label=rf"$\max_l\|\Delta W^{{(l)}}\|_2/\sqrt{{m}}$, m = {m}",
        )
        cx.plot(row["ball_step"], row["dv"], "--", color=f"C{k}", lw=1.0, label=rf"$\|\Delta v\|$, m = {m}")
    ax.axhline(1e-3, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("step t")
    ax.set_ylabel(r"loss $L(\theta_t)$")
    ax.legend(fontsize=7)
    bx.set_xlabel("step t")
    bx.set_ylabel(r"$\|\bar g_t\|_2$")
    bx.set_ylim(0, None)
    bx.legend(fontsize=7)
    cx.set_xlabel("step t")
    cx.set_ylabel("distance from theta_0")
    cx.set_yscale("log")
    cx.legend(fontsize=5.5)
    return fig
