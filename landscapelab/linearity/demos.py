"""Slider demos of the transition-to-linearity chapter (``book/linearity.ipynb``).

Each function returns a :class:`landscapelab.demos.Demo`; everything is computed when the demo is built (heavy
parts through :func:`landscapelab.sweep` with its disk cache, or taken from tables the chapter already
computed) and the draw functions only index and plot.

* :func:`hessian_vs_width` -- ``||H||`` against width for one and two hidden layers, +-1 or Gaussian output
  weights, linear or softplus output (Theorems 3.2-3.3, Eq. 29);
* :func:`linear_in_ball` -- the model along a line through the initialisation: linearisation error and kernel
  change against the bounds of Proposition 2.3;
* :func:`kernel_drift` -- the trained kernel's relative change during training (Figure 1);
* :func:`bottleneck_demo` -- the Hessian at initialisation and the trained kernel change against the
  bottleneck width (Theorem 3.3, Figure 2);
* :func:`block_law` -- the distribution of the ``w2``-block norm of Eq. (31) against its limit (Theorem 4.1).
"""

from __future__ import annotations

import math

import autograd
import numpy as np
from matplotlib.ticker import NullFormatter

from .._validate import finite_number, positive_int, positive_ints, positive_number
from ..demos import Demo
from ..fits import loglog_slope
from ..nets import MLP
from ..plotting import figure
from ..sweeps import Table
from . import bottleneck, output, shallow, widths

__all__ = ["hessian_vs_width", "linear_in_ball", "kernel_drift", "bottleneck_demo", "block_law"]

INIT_LABELS = {"rademacher": "+-1", "gaussian": "Gaussian"}


def _seeds(seeds) -> list:
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds: expected an iterable of integer seeds, got {seeds!r:.60}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds: expected at least one seed")
    return seeds


def _table(table, name: str, columns) -> None:
    if not isinstance(table, Table):
        raise TypeError(f"{name}: expected a landscapelab Table, got {type(table).__name__}")
    missing = [c for c in columns if not len(table) or c not in table.rows[0]]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")


def _two_layer_point(width: int, seed: int, output_init: str, d: int = 10):
    net = MLP([d, width, 1], activation="tanh", bias=False, parametrization="ntk")
    w = net.init(seed=seed)
    if output_init == "rademacher":
        w = shallow.rademacher_output(net, w, seed=seed + 10_000)
    return net, w


def _two_layer_measure(width: int, seed: int, output_init: str, out: str | None):
    """Closed-form ``||H||`` and ``K(x, x)`` of the two-layer network at ``x = (1, ..., 1)``."""
    net, w = _two_layer_point(width, seed, output_init)
    x = np.ones(net.d_in)
    (M1, _), (M2, _) = net.unflatten(w)
    z = M1 @ x / math.sqrt(net.d_in)
    v = M2[0]
    f = float(v @ np.tanh(z)) / math.sqrt(width)
    kernel = float(np.sum(v**2 * (1 - np.tanh(z) ** 2) ** 2 + np.tanh(z) ** 2)) / width
    if out is None:
        return {
            "hessian_norm": shallow.two_layer_hessian_norm(net, w, x),
            "kernel": kernel,
            "rank_one": np.nan,
        }
    phi = output.get_output(out)
    slope = float(phi.d1(np.array(f)))
    return {
        "hessian_norm": output.two_layer_output_hessian_norm(net, w, x, phi),
        "kernel": slope**2 * kernel,
        "rank_one": abs(float(phi.d2(np.array(f)))) * kernel,
    }


def hessian_vs_width(
    shallow_widths=(64, 256, 1024, 4096, 16384), deep_widths=(32, 64, 128), seeds=range(3)
) -> Demo:
    """``||H||`` of the model at initialisation against the width m (log-log), per seed and on average.

    One hidden layer: the exact closed forms (:func:`~landscapelab.linearity.shallow.two_layer_hessian_norm`
    and, with a softplus output, the secular equation of
    :func:`~landscapelab.linearity.output.two_layer_output_hessian_norm`). Two hidden layers: block Lanczos on
    exact Hessian-vector products (:func:`~landscapelab.linearity.widths.fcn_at_init`, cached). The right
    panel shows ``sqrt(m) ||H||`` (linear output; with the quadrature prediction for Gaussian output weights)
    or ``||H(phi(f))|| / (|phi''(f)| ||grad f||^2)`` (softplus output: the rank-one term of Eq. 28).

    Parameters
    ----------
    shallow_widths : sequence of int
        Widths for one hidden layer.
    deep_widths : sequence of int
        Widths for two hidden layers (Lanczos).
    seeds : iterable of int
        Initialisations per width.

    Returns
    -------
    Demo
    """
    shallow_widths = positive_ints(shallow_widths, "shallow_widths")
    deep_widths = positive_ints(deep_widths, "deep_widths")
    if len(shallow_widths) < 2 or len(deep_widths) < 2:
        raise ValueError("shallow_widths, deep_widths: a slope needs at least two widths each")
    seeds = _seeds(seeds)
    data = {}
    for init in ("rademacher", "gaussian"):
        for out in (None, "softplus"):
            rows = [
                {"width": m, "seed": s, **_two_layer_measure(m, s, init, out)}
                for m in shallow_widths
                for s in seeds
            ]
            data[init, 1, out] = Table(rows)
            table = widths.width_sweep(
                widths.fcn_at_init, deep_widths, seeds=seeds, output_init=init, output_activation=out
            )
            # the gradient is that of the model measured (phi(f) with an output function): K = ||grad||^2
            data[init, 2, out] = Table({**row, "kernel": row["gradient_norm"] ** 2} for row in table)
    quad = {m: [shallow.gaussian_max_quantile(m, q) for q in (0.1, 0.5, 0.9)] for m in shallow_widths}
    limit = shallow.rademacher_limit()[0]
    arrays = {}
    for key, table in data.items():
        ms = np.array(sorted(set(table.column("width").tolist())), dtype=float)
        columns = {
            name: np.array([table.where(width=int(m)).column(name) for m in ms])
            for name in ("hessian_norm", "kernel") + (("rank_one",) if key[1] == 1 else ())
        }
        arrays[key] = (ms, columns, widths.width_law(table, n_boot=400))

    def draw(output_weights, depth, output_layer):
        init = {v: k for k, v in INIT_LABELS.items()}[output_weights]
        out = None if output_layer == "linear" else "softplus"
        ms, columns, fit = arrays[init, depth, out]
        H, K = columns["hessian_norm"], columns["kernel"]
        fig, (ax, bx) = figure(2, width=3.55, height=3.1)
        for j in range(H.shape[1]):
            ax.loglog(ms, H[:, j], "o", color="C0", ms=3, alpha=0.5)
        ax.loglog(ms, H.mean(axis=1), "-", color="C0", label="||H|| (seed mean)")
        ax.loglog(ms, H.mean(axis=1)[0] * (ms / ms[0]) ** -0.5, "k--", lw=1, label="slope -1/2")
        ax.loglog(ms, K.mean(axis=1), "-", color="C2", label="K(x, x) = ||grad||^2")
        ax.set_xlabel("width m")
        ax.set_ylabel("norm at initialisation")
        ax.set_title(f"fitted slope of ||H||: {fit.slope:.2f} [{fit.low:.2f}, {fit.high:.2f}]", fontsize=8)
        ax.legend(fontsize=7.5, loc="lower left")
        if out is None:
            bx.semilogx(ms, np.sqrt(ms)[:, None] * H, "o", color="C0", ms=3, alpha=0.5)
            bx.semilogx(ms, np.sqrt(ms) * H.mean(axis=1), "-", color="C0", label="measured")
            if depth == 1 and init == "rademacher":
                bx.axhline(limit, color="k", ls="--", lw=1, label=f"limit {limit:.4f}")
            if depth == 1 and init == "gaussian":
                q = np.array([quad[int(m)] for m in ms])
                bx.fill_between(ms, q[:, 0], q[:, 2], color="C1", alpha=0.25, label="predicted 10-90%")
                bx.semilogx(ms, q[:, 1], "--", color="C1", label="predicted median")
            bx.set_ylabel("sqrt(m) ||H||")
        else:
            if depth == 1:
                R = columns["rank_one"]
                bx.semilogx(ms, H / R, "o", color="C3", ms=3, alpha=0.6)
                bx.semilogx(ms, (H / R).mean(axis=1), "-", color="C3", label="||H(phi(f))|| / rank-one term")
                bx.axhline(1.0, color="k", ls="--", lw=1)
                bx.set_ylabel("ratio to |phi''| ||grad f||^2")
            else:
                bx.semilogx(ms, H.mean(axis=1), "-o", color="C3", ms=3, label="||H(phi(f))||")
                bx.set_ylabel("||H(phi(f))||")
                bx.set_ylim(0, 1.2 * H.max())
        bx.set_xlabel("width m")
        bx.ticklabel_format(axis="y", style="plain", useOffset=False)
        if out is None:
            bx.set_ylim(0.0, 1.3 * float(np.nanmax(np.sqrt(ms)[:, None] * H)))
        bx.legend(fontsize=7.5)
        fig.suptitle(
            f"{depth} hidden layer{'s' if depth > 1 else ''}, {output_weights} output weights, "
            f"{output_layer} output",
            fontsize=10,
        )
        return fig

    return Demo(
        draw,
        {"output_weights": ["+-1", "Gaussian"], "depth": [1, 2], "output_layer": ["linear", "softplus"]},
        defaults={"output_weights": "+-1", "depth": 1, "output_layer": "linear"},
        title="Hessian against width",
        labels={"output_weights": "output weights", "depth": "hidden layers", "output_layer": "output"},
        alt="Left: log-log plot of the model Hessian norm ||H|| at initialisation against the width m, one "
        "dot per draw and the seed mean, with a dashed line of slope -1/2 and the kernel K(x, x) for "
        "comparison. Right: sqrt(m) ||H|| against m (linear output; for Gaussian output weights with the "
        "predicted 10-90% band) or the ratio of ||H(phi(f))|| to the rank-one term of Eq. 28 (softplus "
        "output).",
    )


def linear_in_ball(widths_=(64, 4096), radius: float = 3.0, points: int = 41, seed: int = 0) -> Demo:
    """The two-layer tanh network (Gaussian output weights) along ``w_0 + t u``, ``|t| <= R``.

    Left: the linearisation error ``f(w_0 + t u) - f(w_0) - t grad f(w_0)^T u`` with the envelope ``+- sup
    ||H|| t^2 / 2`` (the supremum over the segment, from the closed form). Right: the relative change of
    ``K(x, x) = ||grad f||^2`` with the bound of Proposition 2.3 at ``z = x``: ``eps t (||grad f(w_0)|| +
    ||grad f(w)||) / K(w_0)``. Directions: the top eigenvector of ``H(w_0)``, the gradient, or a random unit
    vector.

    Parameters
    ----------
    widths_ : sequence of int
        Widths m.
    radius : float
        R.
    points : int
        Values of t in ``[-R, R]``.
    seed : int
        Initialisation (and random direction).

    Returns
    -------
    Demo
    """
    widths_ = positive_ints(widths_, "widths_")
    radius, points = positive_number(radius, "radius"), positive_int(points, "points")
    if points < 3 or points % 2 == 0:
        raise ValueError(f"points: expected an odd number >= 3 (t = 0 in the middle), got {points}")
    ts = np.linspace(-radius, radius, points)
    data = {}
    for m in widths_:
        net, w0 = _two_layer_point(m, seed, "gaussian")
        x = np.ones(net.d_in)
        f = lambda w, net=net: net(w, x[None])[0, 0]  # noqa: E731
        grad = autograd.grad(f)
        g0 = np.asarray(grad(w0))
        u_random = np.random.default_rng(seed + 1).standard_normal(w0.size)
        directions = {
            "top eigenvector": shallow.two_layer_top_eigenvector(net, w0, x)[1],
            "gradient": g0 / np.linalg.norm(g0),
            "random": u_random / np.linalg.norm(u_random),
        }
        for name, u in directions.items():
            err = np.array([float(f(w0 + t * u)) - float(f(w0)) - t * float(g0 @ u) for t in ts])
            gnorm = np.array([float(np.linalg.norm(grad(w0 + t * u))) for t in ts])
            hnorm = np.array([shallow.two_layer_hessian_norm(net, w0 + t * u, x) for t in ts])
            half = points // 2
            sup = np.empty_like(ts)  # sup of ||H|| over the segment [w0, w0 + t u]
            sup[half:] = np.maximum.accumulate(hnorm[half:])
            sup[: half + 1] = np.maximum.accumulate(hnorm[: half + 1][::-1])[::-1]
            data[m, name] = (err, gnorm, sup, hnorm[half])

    def draw(width, direction):
        err, gnorm, sup, h0 = data[width, direction]
        g0 = gnorm[len(ts) // 2]
        fig, (ax, bx) = figure(2, width=3.55, height=3.1)
        ax.fill_between(
            ts, -0.5 * sup * ts**2, 0.5 * sup * ts**2, color="C1", alpha=0.2, label="+- sup||H|| t^2 / 2"
        )
        ax.plot(ts, err, color="C0", label="f - linearisation")
        ax.set_xlabel("t (distance from w0)")
        ax.set_ylabel("linearisation error")
        ax.set_title(
            f"||H(w0)|| R = {h0 * radius:.3f},  ||H(w0)|| R^2/2 = {0.5 * h0 * radius**2:.3f}", fontsize=9
        )
        ax.legend(fontsize=7.5)
        bound = sup * np.abs(ts) * (g0 + gnorm) / g0**2
        bx.fill_between(ts, -bound, bound, color="C1", alpha=0.2, label="Prop. 2.3 bound")
        bx.plot(ts, gnorm**2 / g0**2 - 1.0, color="C2", label="K(w)/K(w0) - 1")
        bx.set_xlabel("t (distance from w0)")
        bx.set_ylabel("relative kernel change")
        bx.legend(fontsize=7.5)
        fig.suptitle(f"two-layer tanh, m = {width}, direction: {direction}", fontsize=10)
        return fig

    return Demo(
        draw,
        {"width": list(widths_), "direction": ["top eigenvector", "gradient", "random"]},
        defaults={"width": widths_[0], "direction": "top eigenvector"},
        title="Linear in a ball of radius R",
        labels={"width": "width m", "direction": "direction u"},
        alt="Left: the linearisation error f(w0 + t u) - f(w0) - t grad f(w0).u against t in [-R, R], inside "
        "the shaded envelope +- sup||H|| t^2 / 2. Right: the relative change of the kernel K(x, x) along the "
        "same line, inside the shaded bound of Proposition 2.3.",
    )


def kernel_drift(runs: Table) -> Demo:
    """Delta K(t) during gradient descent for the network of Eq. (43) and its softmax (Figure 1).

    Parameters
    ----------
    runs : Table
        Rows of :func:`~landscapelab.linearity.experiments.figure1_run` with ``trace=True`` (columns
        ``width``, ``seed``, ``t``, ``change_f``, ``change_softmax``, ``loss``, ``dK_f``, ``dK_softmax``).

    Returns
    -------
    Demo
    """
    _table(runs, "runs", ("width", "seed", "t", "change_f", "change_softmax", "loss", "dK_f", "dK_softmax"))
    ms = sorted(set(runs.column("width").tolist()))
    summary = {
        m: (np.mean(runs.where(width=m).column("dK_f")), np.mean(runs.where(width=m).column("dK_softmax")))
        for m in ms
    }

    def draw(width):
        rows = runs.where(width=width)
        fig, (ax, bx) = figure(2, width=3.55, height=3.0)
        for i, row in enumerate(rows):
            ax.semilogy(row["loss"], color=f"C{i}", lw=1, label=f"seed {row['seed']}")
            bx.semilogy(row["t"][1:], row["change_f"][1:], color=f"C{i}", lw=1)
            bx.semilogy(row["t"][1:], row["change_softmax"][1:], color=f"C{i}", lw=1, ls="--")
        ax.set_xlabel("step")
        ax.set_ylabel("cross-entropy")
        ax.legend(fontsize=7.5)
        bx.set_xlabel("step")
        bx.set_ylabel("||K(t) - K(0)||_F / ||K(0)||_F")
        f_mean, s_mean = summary[width]
        bx.set_title(f"solid: f (Delta K {f_mean:.3f}), dashed: softmax(f) ({s_mean:.2f})", fontsize=8)
        fig.suptitle(f"Figure 1 protocol, m = {width}", fontsize=10)
        return fig

    return Demo(
        draw,
        {"width": ms},
        defaults={"width": ms[-1]},
        title="Kernel drift during training",
        labels={"width": "width m"},
        alt="Left: the cross-entropy against the gradient-descent step, one line per draw, on a log scale. "
        "Right: the relative change of the tangent kernel during training, solid for the network f and "
        "dashed for softmax(f), on a log scale.",
    )


def bottleneck_demo(at_init: Table, trained: Table) -> Demo:
    """``||H||`` at initialisation and the trained Delta K against the bottleneck width ``m_b``.

    Parameters
    ----------
    at_init : Table
        Rows with ``bottleneck`` and ``hessian_norm`` (e.g. :func:`~landscapelab.linearity.widths.fcn_at_init`
        with ``depth=3``).
    trained : Table
        Rows of :func:`~landscapelab.linearity.experiments.figure2_run` (``bottleneck``, ``dK_f``).

    Returns
    -------
    Demo
    """
    _table(at_init, "at_init", ("width", "bottleneck", "hessian_norm"))
    _table(trained, "trained", ("width", "bottleneck", "dK_f"))
    mbs = sorted(set(at_init.column("bottleneck").tolist()) & set(trained.column("bottleneck").tolist()))
    if len(mbs) < 2:
        raise ValueError("trained: at_init and trained share fewer than two bottleneck widths")

    def means(table, value):
        return np.array([np.mean(table.where(bottleneck=b).column(value)) for b in mbs])

    H, dK = means(at_init, "hessian_norm"), means(trained, "dK_f")
    s_h, s_k = loglog_slope(mbs, H)[0], loglog_slope(mbs, dK)[0]
    m_init, m_trained = at_init.column("width")[0], trained.column("width")[0]

    def draw(bottleneck):
        i = mbs.index(bottleneck)
        fig, (ax, bx) = figure(2, width=3.55, height=3.1)
        for axis, y, label, slope, m in (
            (ax, H, "||H|| at initialisation", s_h, m_init),
            (bx, dK, "Delta K after training", s_k, m_trained),
        ):
            axis.loglog(mbs, y, "o-", color="C0", label=f"{label} (slope {slope:.2f})")
            axis.loglog(mbs, y[0] * (np.array(mbs) / mbs[0]) ** -0.5, "k--", lw=1, label="m_b^-1/2")
            axis.loglog([bottleneck], [y[i]], "r*", ms=14)
            axis.set_xticks(mbs, [str(b) for b in mbs])
            axis.xaxis.set_minor_formatter(NullFormatter())
            axis.set_xlabel(f"bottleneck width m_b (m = {m})")
            axis.set_ylabel(label)
            axis.set_title(f"m_b = {bottleneck}: {y[i]:.3f}", fontsize=8)
            axis.legend(fontsize=7.5)
        return fig

    return Demo(
        draw,
        {"bottleneck": mbs},
        defaults={"bottleneck": mbs[0]},
        title="Bottleneck",
        labels={"bottleneck": "bottleneck width"},
        alt="Two log-log panels against the bottleneck width: left the Hessian norm at initialisation, "
        "right the kernel change after training, each with its fitted slope and a dashed line of slope -1/2; "
        "a red star marks the chosen width.",
    )


def block_law(widths_=(100, 1000, 10000), draws: int = 400, x: float = 1.0, seed: int = 0) -> Demo:
    """Histogram of the ``w2``-block norm of Eq. (31) at initialisation against its width-infinity law ``(3
    sqrt(3) / 4) |Z| x^4`` (Theorem 4.1 with erratum E3).

    Parameters
    ----------
    widths_ : sequence of int
        Widths m.
    draws : int
        Initialisations per width.
    x : float
        The scalar input.
    seed : int
        Seed of the draws.

    Returns
    -------
    Demo
    """
    widths_ = positive_ints(widths_, "widths_")
    draws, x = positive_int(draws, "draws"), finite_number(x, "x")
    if x == 0.0:
        raise ValueError("x: the block vanishes at x = 0; expected x != 0")
    rng = np.random.default_rng(seed)
    samples = {
        m: np.array([bottleneck.block_norm(rng.standard_normal(4 * m), x) for _ in range(draws)])
        for m in widths_
    }
    grid = np.linspace(0, 4.5 * x**4, 300)
    density = np.gradient(bottleneck.block_limit_cdf(grid, x), grid)
    median = bottleneck.block_limit_quantile(0.5, x)

    def draw(width):
        s = samples[width]
        fig, ax = figure(1, width=5.0, height=3.1)
        ax.hist(s, bins=40, range=(0, grid[-1]), density=True, color="C0", alpha=0.6, label=f"m = {width}")
        ax.plot(grid, density, "k-", label="limit (3 sqrt 3 / 4) |Z| x^4")
        ax.axvline(np.median(s), color="C0", ls="--", label=f"sample median {np.median(s):.3f}")
        ax.axvline(median, color="k", ls=":", label=f"limit median {median:.3f}")
        ax.set_xlabel("norm of the w2-block of H (Eq. 109)")
        ax.set_ylabel("density")
        ax.legend(fontsize=7.5)
        return fig

    return Demo(
        draw,
        {"width": list(widths_)},
        defaults={"width": widths_[0]},
        title="The block law of the paper's Theorem 4.1",
        labels={"width": "width m"},
        alt="Histogram of the norm of the w2-block of the Hessian of Eq. 31 over random initialisations, "
        "with the density of its width-infinity limit (3 sqrt 3 / 4)|Z| x^4 and the sample and limit "
        "medians as vertical lines.",
    )
