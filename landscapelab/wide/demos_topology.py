"""Slider demos of the topology chapter (``book/loss_topology.ipynb``).

* :func:`path_demo`: the explicit path of Theorem 3.4.16 between two L-BFGS minima (or from a rank-deficient point)
  against the straight segment, for three architectures, with the move each point belongs to.
* :func:`skip_demo`: training curves of deep narrow networks with ``M`` random hidden units wired to the output
  (the thesis's Figure 4.3 at toy scale), precomputed through :func:`landscapelab.sweep` with ``cache=True``.
"""

from __future__ import annotations

import numpy as np

from ..demos import Demo
from ..sweeps import sweep
from . import activations as acts
from .features import forward
from .skipnet import skip_training_run
from .sublevel import connect, straight_line
from .training import regression_problem, train_minimum
from .._validate import checked, choice

__all__ = ["path_problems", "path_demo", "skip_runs", "skip_demo", "KIND_COLORS"]

LEAKY = acts.leaky_relu(0.2)

#: Colour of each move in the path plots.
KIND_COLORS = {"start": "k", "absorb (Lemma 3.4.10)": "C0", "free units (Lemma 3.4.14)": "C4",
               "copy (Lemma 3.4.15)": "C1", "to h-form (Lemma 3.4.6)": "C5", "full rank W (Lemma 3.4.7)": "C6",
               "full-rank path (Prop. 3.4.8)": "C8", "convex step (Thm 3.4.9)": "C2",
               "convex step (output layer)": "C2"}

ARCHITECTURES = {"[10, 40, 1] (n1 = 2N)": [10, 40, 1], "[10, 60, 1] (n1 = 3N)": [10, 60, 1],
                 "[10, 40, 4, 1] (deep)": [10, 40, 4, 1]}


def _rank_deficient(layers, X, Y):
    """The first point with every first-layer bias at +50 (all leaky units linear on the data, rank F_1 <= d+1)
    and the output layer refitted by least squares."""
    out = [(W.copy(), b.copy()) for W, b in layers]
    out[0] = (out[0][0], np.full(out[0][1].shape, 50.0))
    F = forward(out, X, LEAKY, upto=len(out) - 1)[-1]
    U = np.linalg.lstsq(np.hstack([F, np.ones((len(F), 1))]), Y, rcond=None)[0]
    out[-1] = (U[:-1], U[-1])
    return out


def path_problems(n_samples: int = 20, d: int = 10, steps: int = 30, seed: int = 0) -> dict:
    """For each architecture and start, the constructed path and the straight segment (data: Gaussian ``X``,
    ``Y``; the minima are L-BFGS runs from initialisations ``seed + 1`` and ``seed + 2``).

    Parameters
    ----------
    n_samples : int
        Number of samples N.
    d : int
        Input dimension.
    steps : int
        Points sampled per move.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``(architecture label, start)`` -> ``{"path", "straight", "ends"}``.
    """
    X, Y = regression_problem(n_samples, d, 1, seed=seed)
    out = {}
    for label, widths in ARCHITECTURES.items():
        a, _ = train_minimum(widths, X, Y, LEAKY, seed=seed + 1)
        b, _ = train_minimum(widths, X, Y, LEAKY, seed=seed + 2)
        for start, first in (("trained minimum", a), ("rank-deficient point", _rank_deficient(a, X, Y))):
            path = connect(first, b, X, Y, LEAKY, steps=steps, seed=seed)
            out[label, start] = {"path": path, "straight": straight_line(first, b, X, Y, LEAKY, n=201)}
    return out


def path_demo(data: dict | None = None) -> Demo:
    """The loss along Theorem 3.4.16's path (coloured by move) and along the straight segment, and the distance of
    each point from the end point.

    Parameters
    ----------
    data : dict, optional
        Precomputed paths from :func:`path_problems` (computed here if omitted).

    Returns
    -------
    Demo
    """
    data = path_problems() if data is None else data

    def draw(architecture, start):
        import matplotlib.pyplot as plt

        entry = data[architecture, start]
        path, (t, straight) = entry["path"], entry["straight"]
        s = np.linspace(0, 1, len(path.loss))
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.0, 3.5))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.28)
        lg = lambda v: np.log10(np.maximum(v, 1e-30))  # noqa: E731
        ax.plot(t, lg(straight), color="grey", lw=1.2, label="straight segment")
        kinds = np.array(path.kinds)
        for kind, color in KIND_COLORS.items():
            sel = kinds == kind
            if sel.any() and kind != "start":
                ax.plot(s[sel], lg(path.loss[sel]), ".", ms=3, color=color, label=kind)
        ax.set_xlabel("position along the path (fraction of points)")
        ax.set_ylabel("log10 loss (floor 1e-30)")
        ax.set_title(f"max on path {path.max_loss:.2g} (ends {path.loss[0]:.2g}, {path.loss[-1]:.2g}); "
                     f"straight {straight.max():.3g}", fontsize=8)
        ax.legend(fontsize=6, loc="center left")
        end = path.points[-1]
        dist = [np.sqrt(sum(np.sum((W - We) ** 2) + np.sum((b - be) ** 2) for (W, b), (We, be) in zip(p, end)))
                for p in path.points]
        bx.plot(s, dist, color="C0", label="constructed path")
        first = path.points[0]
        d0 = np.sqrt(sum(np.sum((W - We) ** 2) + np.sum((b - be) ** 2) for (W, b), (We, be) in zip(first, end)))
        bx.plot(t, (1 - t) * d0, color="grey", label="straight segment")
        bx.set_xlabel("position along the path")
        bx.set_ylabel("distance to the end point")
        bx.legend(fontsize=7)
        return fig

    return Demo(draw, {"architecture": list(ARCHITECTURES), "start": ["trained minimum", "rank-deficient point"]},
                title="The thesis's Theorem 3.4.16: a path between two global minima that never climbs",
                labels={"architecture": "network", "start": "start point"},
                alt="Left: log10 of the loss along the constructed path, coloured by the kind of move, and along "
                    "the straight segment between the same two points (grey), against the position along the "
                    "path. Right: the distance of each point to the end point, along the path and along the "
                    "straight segment.")


@checked(depths="vector", n_samples="count", n_skips="vector", steps="count")
def skip_runs(depths=(10, 30, 50), n_skips=(0, 50, 100), n_samples: int = 100, activation: str = "softplus",
              steps: int = 300, lr: float = 0.02, seeds=(0,)):
    """The training runs behind :func:`skip_demo` (cached on disk by :func:`landscapelab.sweep`).

    Parameters
    ----------
    depths : tuple of int
        Numbers of hidden layers.
    n_skips : tuple of int
        Numbers M of hidden units wired to the output.
    n_samples : int
        N, samples with random labels.
    activation : str
        Hidden activation (``"softplus"`` or ``"sigmoid"``).
    steps : int
        Adam steps.
    lr : float
        Adam's step size.
    seeds : tuple of int
        Seeds of the runs.

    Returns
    -------
    landscapelab.sweeps.Table
    """
    choice(activation, "activation", ("softplus", "sigmoid"))
    return sweep(skip_training_run, {"depth": list(depths), "n_skip": list(n_skips), "n_samples": [n_samples],
                                     "activation": [activation], "steps": [steps], "lr": [lr]},
                 seeds=list(seeds), cache=True, desc="deep narrow nets")


def skip_demo(table=None) -> Demo:
    """Training loss and error of a deep narrow softplus net (width 10, ``N = 100`` random labels, 10 classes)
    with ``M`` random hidden units wired to the output, full-batch Adam.

    Parameters
    ----------
    table : landscapelab.sweeps.Table, optional
        The runs of :func:`skip_runs` (computed here if omitted).

    Returns
    -------
    Demo
    """
    table = skip_runs() if table is None else table
    depths = sorted({row["depth"] for row in table})
    skips = sorted({row["n_skip"] for row in table})
    runs = {(row["depth"], row["n_skip"]): row for row in table if row["seed"] == 0}

    def draw(depth, M):
        import matplotlib.pyplot as plt

        fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.0, 3.3))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88, wspace=0.25)
        for k, m in enumerate(skips):
            row = runs[depth, m]
            style = {"lw": 2.0, "alpha": 1.0} if m == M else {"lw": 0.8, "alpha": 0.5}
            ax.plot(row["loss"], color=f"C{k}", label=f"M = {m}", **style)
            bx.plot(row["error"], color=f"C{k}", label=f"M = {m}", **style)
        ax.axhline(runs[depth, M]["label_entropy"], color="k", ls=":", lw=0.8, label="constant classifier")
        ax.set_xlabel("Adam step")
        ax.set_ylabel("training cross-entropy")
        ax.set_title(f"depth {depth}: final loss {runs[depth, M]['final_loss']:.3f} with M = {M}", fontsize=8)
        ax.legend(fontsize=7)
        bx.set_xlabel("Adam step")
        bx.set_ylabel("training error")
        bx.set_ylim(-0.02, 1.0)
        bx.legend(fontsize=7)
        return fig

    return Demo(draw, {"depth": depths, "M": skips}, defaults={"depth": depths[-1], "M": skips[-1]},
                title="Skip connections to the output (thesis Chapter 4): deep narrow nets on random labels",
                labels={"M": "skip units M"},
                alt="Left: the training cross-entropy against the Adam step for the chosen depth, one curve per "
                    "number M of skip units (the chosen M drawn thick), with the loss of the best constant "
                    "classifier as a dotted horizontal line. "
                    "Right: the training error against the Adam step for the same runs.")
