"""Slider demos of the Cooper chapter (``book/smoothness.ipynb``): (L0, L1)-smoothness fails along the ray.

Each function returns a :class:`landscapelab.demos.Demo`. Everything is computed once when the demo is built, from
the closed forms of :mod:`landscapelab.smoothness` (plus a few exact Hessians from the library's R-operator
passes as an independent check); the draw functions only plot.

* :func:`ray_explorer`: depth, activation, loss and t range -> gradient and Hessian norms along the ray, with
  fitted log-log slopes, and the Hessian norm against the gradient norm.
* :func:`admissible_region`: the set of (L0, L1) that cover the ray up to length T, shrinking out of any fixed
  box as T grows (depth 2), but not for a network with no hidden layer.
* :func:`phi_explorer`: generalised smoothness ``||H|| <= 1 + ||g||^p``: the worst ratio along the ray up to T,
  on Cooper's ray and on the critical line (beyond the paper).
"""

from __future__ import annotations

import numpy as np

from .. import smoothness as sm
from ..curvature import hessian
from ..fits import loglog_slope
from ..losses import loss_function
from ..plotting import figure
from ..demos import Demo
from .._validate import name_sequence, number_sequence, positive_int, positive_number

__all__ = ["ray_explorer", "admissible_region", "phi_explorer"]

LOSS_LABELS = {"square": "square loss", "cross_entropy": "cross-entropy"}


def _top_decade_slope(t, y):
    keep = t >= t[-1] / 10
    return loglog_slope(t[keep], y[keep])[0]


def ray_explorer(depths=(0, 1, 2, 3), activations=("tanh", "gelu"), losses=("square", "cross_entropy"),
                 ranges=((0.1, 10.0), (10.0, 10000.0)), points: int = 60, checks: int = 4,
                 seed: int = 0) -> Demo:
    """Norms along Cooper's ray: ``||grad L||``, ``||H||_F``, ``||H||_op`` and the Gauss-Newton norm against t
    (log-log, with the slope fitted on the top decade of the t range), and ``||H||_op`` against ``||grad L||``.

    Markers: exact Hessians from the R-operator passes (``landscapelab.hessian``, independent of the closed form)
    at ``checks`` values of t per setting. ``depth = 0`` shows the bounded Hessian of Theorems 13 and 15.

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers offered by the slider (0 allowed; the default depth is 2 when offered).
    activations : sequence of str
        Hidden activations (each must satisfy Assumption 1).
    losses : sequence of {"square", "cross_entropy"}
        The losses offered.
    ranges : sequence of (float, float)
        The t ranges ``(lo, hi)``, ``0 < lo < hi``; the last is shown first.
    points : int
        Number of values of t per range (geometric grid), at least 2.
    checks : int
        Number of exact-Hessian markers per setting.
    seed : int
        Seed of the data of :func:`landscapelab.smoothness.random_problem`.

    Returns
    -------
    Demo
        Sliders ``depth``, ``activation``, ``loss`` and ``t_range``.
    """
    depths = number_sequence(depths, "depths", integer=True, low=0)
    activations = name_sequence(activations, "activations")
    for act in activations:
        try:
            sm.assumption1(act)                # an unknown name, or one without Assumption 1
        except (TypeError, ValueError) as err:
            raise type(err)(f"activations: {err}") from None
    losses = name_sequence(losses, "losses", options=tuple(LOSS_LABELS))
    if isinstance(ranges, (str, bytes)) or not hasattr(ranges, "__len__") or getattr(ranges, "ndim", 1) == 0 \
            or not len(ranges):
        raise TypeError(f"ranges: expected a non-empty sequence of (lo, hi) pairs, got {ranges!r}")
    ranges = [tuple(number_sequence(r, "ranges", low=0.0, strict=True, min_size=2)) for r in ranges]
    if any(len(r) != 2 or r[0] >= r[1] for r in ranges):
        raise ValueError(f"ranges: expected pairs (lo, hi) with 0 < lo < hi, got {ranges}")
    points = positive_int(points, "points")
    if points < 2:
        raise ValueError(f"points: expected at least 2 values of t per range, got {points}")
    checks = positive_int(checks, "checks")
    data = {}
    for depth in depths:
        for act in activations:
            for loss in losses:
                net, X, Y = sm.random_problem(depth, act if depth else "tanh", loss, seed=seed)
                for lo, hi in ranges:
                    ts = np.geomspace(lo, hi, points)
                    norms = sm.norms_along_ray(net, X, Y, ts, loss=loss)
                    f = loss_function(net, X, Y, loss=loss)
                    marks = np.geomspace(lo, hi, checks)
                    exact = [np.linalg.norm(hessian(f, sm.ray(net, float(u), loss=loss))) for u in marks]
                    data[depth, act, loss, (lo, hi)] = (norms, marks, np.array(exact))

    def draw(depth, activation, loss, t_range):
        lo, hi = (float(x) for x in t_range.replace("[", "").replace("]", "").split(", "))
        norms, marks, exact = data[depth, activation, loss, (lo, hi)]
        t = norms["t"]
        fig, (ax, bx) = figure(2, width=4.4, height=3.3)
        styles = (("gradient", r"$\|\nabla L\|$", "C0"), ("frobenius", r"$\|H\|_F$", "C1"),
                  ("operator", r"$\|H\|_{op}$", "C2"), ("gauss_newton", r"Gauss-Newton $\|\cdot\|_{op}$", "C3"))
        top = max(float(np.max(norms[key])) for key, *_ in styles)
        floor = 1e-6 * top                 # cross-entropy with no hidden layer: the Hessian decays to 0
        for key, label, color in styles:
            y = np.maximum(norms[key], floor)
            slope = "-> 0" if norms[key][-1] < floor else f"{round(_top_decade_slope(t, y), 2) + 0.0:.2f}"
            ax.loglog(t, y, color=color, ls="--" if key == "gauss_newton" else "-", label=f"{label}: slope {slope}")
        ax.loglog(marks, np.maximum(exact, floor), "o", mfc="none", color="C1", label=r"$\|H\|_F$, exact HVPs")
        ax.set_xlabel("t (position on the ray)")
        ax.set_ylabel("norm")
        ax.legend(fontsize=7, loc="upper left")
        act = activation if depth else "none applied"
        ax.set_title(f"depth {depth}, {act}, {LOSS_LABELS[loss]}", fontsize=9)
        g, h = norms["gradient"], np.maximum(norms["operator"], floor)
        bx.loglog(g, h, color="C2", label="along the ray")
        g0, h0 = g[0], h[0]
        span = np.geomspace(g0, g.max(), 10)
        bx.loglog(span, h0 * (span / g0), ":", color="grey", label="slope 1: (L0, L1) envelope")
        bx.loglog(span, h0 * (span / g0) ** 2, "--", color="grey", label="slope 2")
        bx.set_xlabel(r"$\|\nabla L(\rho(t))\|$")
        bx.set_ylabel(r"$\|H L(\rho(t))\|_{op}$")
        bx.legend(fontsize=7, loc="upper left")
        for axis in (ax, bx):
            axis.minorticks_off()          # log-axis minor ticks double the drawing time
        return fig

    labels = [f"[{lo:g}, {hi:g}]" for lo, hi in ranges]
    return Demo(draw, {"depth": list(depths), "activation": list(activations), "loss": list(losses),
                       "t_range": labels},
                defaults={"t_range": labels[-1], **({"depth": 2} if 2 in depths else {})},
                title="Cooper's ray: gradient and Hessian norms",
                labels={"depth": "depth ℓ", "activation": "activation σ", "t_range": "range of t"},
                alt="Left: log-log plot against the position t on Cooper's ray of the gradient norm, the Frobenius "
                    "and operator norms of the Hessian and the operator norm of its Gauss-Newton part, each with "
                    "the slope fitted on the top decade of t in the legend, and circles for Frobenius norms of "
                    "exact Hessians. Right: the Hessian operator norm against the gradient norm along the ray, with "
                    "grey guide lines of slope 1 and slope 2.")


def admissible_region(lengths=(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0), box=(60.0, 60.0), points: int = 400
                      ) -> Demo:
    """The pairs (L0, L1) with ``||H(rho(t))||_F <= L0 + L1 ||grad L(rho(t))||`` for all t in [0, T]: the region above
    the exact frontier (:func:`landscapelab.smoothness.min_L1`), inside a fixed box of the plane.

    Settings: the book's worked cases T2 (depth 2, square loss), T3 (depth 2, cross-entropy), T7 and T8 (no hidden
    layer). For depth 2 the region leaves every box as T grows; for depth 0 it settles. Right panel: the sampled
    points ``(||grad L||, ||H||_F)`` and the covering line with the smallest ``L0 = L1``
    (:func:`landscapelab.smoothness.smallest_cover`).

    Parameters
    ----------
    lengths : sequence of float
        The lengths T of the ray offered by the slider, all > 0.
    box : (float, float)
        The shown part ``[0, L0_max] x [0, L1_max]`` of the (L0, L1) plane, both > 0.
    points : int
        Number of intervals of the grid of t on ``[0, max(lengths)]``.

    Returns
    -------
    Demo
        Sliders ``T``, ``depth`` and ``loss``.
    """
    lengths = number_sequence(lengths, "lengths", low=0.0, strict=True)
    box = number_sequence(box, "box", low=0.0, strict=True, min_size=2)
    if len(box) != 2:
        raise ValueError(f"box: expected (L0_max, L1_max), got {box}")
    points = positive_int(points, "points")
    cases = {(2, "square"): "T2", (2, "cross_entropy"): "T3", (0, "square"): "T7", (0, "cross_entropy"): "T8"}
    data = {}
    T_max = max(lengths)
    for (depth, loss), name in cases.items():
        case = sm.example(name)
        data[depth, loss] = sm.norms_along_ray(case.net, case.X, case.Y, np.linspace(0.0, T_max, points + 1),
                                               loss=loss)
    depths, losses = (2, 0), ("square", "cross_entropy")
    L0_box, L1_box = box

    def draw(T, depth, loss):
        norms = data[depth, loss]
        keep = norms["t"] <= T + 1e-12
        g, h = norms["gradient"][keep], norms["frobenius"][keep]
        fig, (ax, bx) = figure(2, width=4.2, height=3.3)
        L0s = np.linspace(0.0, L0_box, 200)
        need = sm.min_L1(h, g, L0s)
        ax.fill_between(L0s, np.minimum(need, 2 * L1_box), 2 * L1_box, color="C2", alpha=0.35,
                        label="admissible (L0, L1)")
        ax.plot(L0s, need, color="C2")
        s, _ = sm.smallest_cover(h, g)
        ax.plot([s], [s], "o", color="k", label=f"smallest L0 = L1 = {s:.3g}")
        ax.set_xlim(0, L0_box)
        ax.set_ylim(0, L1_box)
        ax.set_xlabel("$L_0$")
        ax.set_ylabel("$L_1$")
        ax.set_title(f"{cases[depth, loss]}: depth {depth}, {LOSS_LABELS[loss]}, ray up to T = {T:g}", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
        bx.plot(g, h, ".", ms=3, color="C0", label=r"$(\|\nabla L\|, \|H\|_F)$ on the ray")
        u = np.linspace(0.0, g.max() * 1.05, 50)
        bx.plot(u, s + s * u, color="k", lw=1, label=f"{s:.3g} + {s:.3g} u")
        bx.set_xlabel(r"$\|\nabla L(\rho(t))\|$")
        bx.set_ylabel(r"$\|H L(\rho(t))\|_F$")
        bx.legend(fontsize=7, loc="upper left")
        return fig

    return Demo(draw, {"T": list(lengths), "depth": list(depths), "loss": list(losses)},
                defaults={"T": lengths[len(lengths) // 2], "depth": 2, "loss": "square"},
                title="(L₀, L₁) that cover the ray up to T", labels={"depth": "depth ℓ"},
                alt="Left: the plane of pairs (L₀, L₁) in the box [0, 60] x [0, 60]; the pairs for which "
                    "‖H‖_F ≤ L₀ + L₁ ‖∇L‖ holds on the ray up to T are shaded green above a frontier curve, and a "
                    "black dot marks the smallest pair with L₀ = L₁. Right: the points (‖∇L‖, ‖H‖_F) along the ray "
                    "up to T and the covering line of that pair.")


def phi_explorer(powers=(0.5, 1.0, 1.5, 2.0, 2.5, 3.0), T_max: float = 1e4, points: int = 120) -> Demo:
    """Generalised smoothness ``||H|| <= phi(||grad L||)`` with ``phi(u) = 1 + u^p`` on the book's case T2
    (widths (2, 3, 3, 2), tanh, square loss; T10 for the critical line): the worst ratio
    ``R_p(T) = max_{t <= T} ||H||_F / phi(||grad L||)``.

    On Cooper's ray it grows like ``T^(2-p)`` for ``p < 2`` and stays bounded for ``p >= 2``. On the critical line
    (last bias = mean target, beyond the paper) the gradient is 0, so ``R_p(T)`` grows like ``T^2`` for every p.

    Parameters
    ----------
    powers : sequence of float
        The powers p offered by the slider, all >= 0.
    T_max : float
        The largest length of the ray, > 0.01 (the grid of t starts at 0.01).
    points : int
        Number of values of t (geometric grid), at least 2.

    Returns
    -------
    Demo
        Sliders ``p`` and ``line``.
    """
    powers = number_sequence(powers, "powers", low=0.0)
    T_max = positive_number(T_max, "T_max")
    if T_max <= 1e-2:
        raise ValueError(f"T_max: expected a length > 0.01 (the grid of t starts at 0.01), got {T_max}")
    points = positive_int(points, "points")
    if points < 2:
        raise ValueError(f"points: expected at least 2 values of t, got {points}")
    t = np.geomspace(1e-2, T_max, points)
    lines = {"Cooper's ray": sm.example("T2").ray(), "critical line": sm.example("T10").ray()}
    norms = {}
    for name, r in lines.items():
        g = r.gradient_norm(t)
        norms[name] = (np.where(g < 1e-9 * r.frobenius_norm(t), 0.0, g), r.frobenius_norm(t))

    def draw(p, line):
        g, h = norms[line]
        worst = np.maximum.accumulate(sm.ell_ratio(h, g, sm.power_ell(1.0, 1.0, p)))
        fig, ax = figure(1, width=5.0, height=3.3)
        slope = _top_decade_slope(t, worst)
        ax.loglog(t, worst, color="C0", label=f"$R_p(T)$, p = {p:g}: slope {slope:.2f} over the last decade")
        ax.axhline(1.0, color="grey", ls=":", label="ratio 1: the condition holds up to T iff below")
        ax.set_xlabel("T (length of the ray)")
        ax.set_ylabel(r"$\max_{t\leq T}\|H\|_F\,/\,(1 + \|\nabla L\|^p)$")
        ax.set_title(f"{line}: gradient norm {'0' if line == 'critical line' else '~ t'}", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
        ax.minorticks_off()
        return fig

    return Demo(draw, {"p": list(powers), "line": list(lines)},
                defaults={"line": "Cooper's ray", **({"p": 1.0} if 1.0 in powers else {})},
                title="Generalised smoothness with φ(u) = 1 + uᵖ", labels={"p": "power p"},
                alt="Log-log plot against the length T of the worst ratio R_p(T), the largest ‖H‖_F / (1 + ‖∇L‖ᵖ) "
                    "for t ≤ T along the chosen line, with its slope over the last decade in the legend and a "
                    "dotted horizontal line at ratio 1.")
