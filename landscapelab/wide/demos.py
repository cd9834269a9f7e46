"""Slider demos of the wide-layers chapter (``book/wide_layers.ipynb``).

Labels are plain text (no mathtext): parsing TeX in every frame costs more than drawing it.

Each function computes everything when the demo is built; the draw functions only index and plot.

* :func:`feature_rank_explorer`: the singular values of a random first layer ``F_1`` (``N = 50`` samples) for
  several activations, input dimensions and widths, with the thesis's rank threshold, and the numerical rank as a
  function of the width over 10 draws.
* :func:`triangular_demo`: Theorem 2.4.4's construction, ``A(alpha)`` as a heat map and its smallest singular value,
  determinant ratio and largest below-diagonal entry as ``alpha`` grows.
"""

from __future__ import annotations

import numpy as np

from ..demos import Demo
from . import activations as acts
from .construction import triangular_layer
from .features import nr_tolerance, numerical_rank, random_layer, singular_values
from .._validate import checked, name_sequence


def _activation_names(activations, allowed=None) -> list:
    """``activations`` as a non-empty list of names the wide package knows (among ``allowed`` when given)."""
    names = name_sequence(activations, "activations", options=allowed)
    for name in names:
        try:
            acts.get(name)
        except (TypeError, ValueError) as err:
            raise type(err)(f"activations: {err}") from None
    return names

__all__ = ["feature_rank_explorer", "triangular_demo", "rank_data", "BETA"]

#: The offset beta of the triangular construction per activation (sigma(beta) != 0 is all the proof needs).
BETA = {"sigmoid": 0.0, "softplus": 1.0, "tanh": 0.5, "relu": 1.0, "leaky_relu(0.1)": 1.0}


def _figure(ncols: int, width: float, height: float):
    """Side-by-side axes with fixed margins (constrained layout costs more than the drawing itself)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.88, wspace=0.32)
    return fig, axes


def _data(n_samples: int, d: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n_samples, d)) if d <= 2 else rng.standard_normal((n_samples, d)) / np.sqrt(d)


@checked(n_samples="count", widths="vector")
def rank_data(activation, d: int, widths, n_samples: int = 50, seeds: int = 10) -> dict:
    """Numerical rank and ``sigma_N`` of ``F_1 = sigma(X W + 1 b^T)`` for each width, over ``seeds`` draws of
    ``W, b`` (entries ``N(0, 1)``); ``X`` is ``U[-1, 1]^2`` for ``d <= 2`` and ``N(0, I/d)`` otherwise (seed 0).

    Parameters
    ----------
    activation : str
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    d : int
        Input dimension.
    widths : sequence of int
        Layer widths ``[d, n_1, ..., n_L]``.
    n_samples : int
        Number of samples N.
    seeds : int
        Number of draws.

    Returns
    -------
    dict
        ``ranks`` (``len(widths) x seeds``), ``sigma_min`` (same shape), ``spectra`` (the singular values of
        draw 0 per width) and ``tol`` (the thesis threshold of draw 0 per width).
    """
    X = _data(n_samples, d)
    act = acts.get(activation)
    ranks = np.zeros((len(widths), seeds), dtype=int)
    smin = np.zeros((len(widths), seeds))
    spectra, tols = [], []
    for i, width in enumerate(widths):
        for s in range(seeds):
            W, b = random_layer(X, width, 1.0, "gaussian", seed=1000 * s + width)
            F = np.asarray(act(X @ W + b))
            sv = singular_values(F)
            ranks[i, s] = int(np.sum(sv > nr_tolerance(F, sv)))
            smin[i, s] = sv[-1]
            if s == 0:
                spectra.append(sv)
                tols.append(nr_tolerance(F, sv))
    return {"ranks": ranks, "sigma_min": smin, "spectra": spectra, "tol": np.array(tols)}


@checked(dims="vector", n_samples="count", ratios="vector")
def feature_rank_explorer(activations=("sigmoid", "tanh", "relu", "leaky_relu(0.1)"), dims=(2, 10),
                          ratios=(0.5, 1.0, 2.0), n_samples: int = 50, seeds: int = 10) -> Demo:
    """Singular values of a random first layer and its numerical rank against the width (Theorem 2.4.5 and the
    cases it excludes: ReLU-type and polynomial activations).

    Parameters
    ----------
    activations : tuple of str
        Activation names (``"leaky_relu(0.1)"`` gives the slope).
    dims : tuple of int
        Input dimensions d.
    ratios : tuple of float
        Widths as multiples of N shown by the slider.
    n_samples : int
        N, the number of samples.
    seeds : int
        Draws per setting.

    Returns
    -------
    Demo
    """
    activations = _activation_names(activations)
    N = n_samples
    sweep = np.unique(np.concatenate([np.arange(5, 4 * N + 1, 5), (np.array(ratios) * N).astype(int)]))
    data = {(a, d): rank_data(a, d, sweep, N, seeds) for a in activations for d in dims}

    def draw(activation, d, width_over_N):
        D = data[activation, d]
        i = int(np.nonzero(sweep == int(width_over_N * N))[0][0])
        fig, (ax, bx) = _figure(2, width=4.3, height=3.2)
        sv = D["spectra"][i]
        ax.plot(np.arange(1, sv.size + 1), np.log10(np.maximum(sv, 1e-300)), ".", color="C0",
                label="singular values")
        ax.axhline(np.log10(D["tol"][i]), color="C3", ls="--", label="thesis threshold")
        ax.set_title(f"{activation}, d = {d}, n1 = {int(width_over_N * N)}: rank {D['ranks'][i, 0]} of "
                     f"{min(N, sv.size)}, sigma_min {sv[-1]:.1e}", fontsize=8)
        ax.set_xlabel("index")
        ax.set_ylabel("log10 singular value of F1")
        ax.set_ylim(-20, None)
        ax.legend(fontsize=7, loc="lower left")
        ranks = D["ranks"]
        bx.fill_between(sweep, ranks.min(axis=1), ranks.max(axis=1), color="C0", alpha=0.25,
                        label=f"min-max over {ranks.shape[1]} draws")
        bx.plot(sweep, np.median(ranks, axis=1), color="C0", label="median")
        bx.plot(sweep, np.minimum(sweep, N), ":", color="grey", label="min(n1, N)")
        bx.axvline(int(width_over_N * N), color="C3", lw=0.8)
        bx.set_xlabel("width n1")
        bx.set_ylabel("numerical rank")
        bx.set_ylim(0, N + 3)
        bx.legend(fontsize=7, loc="lower right")
        return fig

    return Demo(draw, {"activation": list(activations), "d": list(dims), "width_over_N": list(ratios)},
                defaults={"activation": "sigmoid", "d": 2, "width_over_N": 1.0},
                title="Feature-rank explorer: a random first layer on N = 50 samples",
                labels={"activation": "activation σ", "d": "input dimension d", "width_over_N": "width n₁ / N"},
                alt="Left: the singular values of one random feature matrix F₁ in decreasing order on a log10 axis, "
                    "with the thesis's rank threshold as a horizontal line. Right: the numerical rank against the "
                    "width n₁ over 10 draws (band from the smallest to the largest, line at the median), with "
                    "min(n₁, N) dotted.")


@checked(log_alphas="vector", n_samples="count")
def triangular_demo(activations=("sigmoid", "relu", "leaky_relu(0.1)"), log_alphas=(1, 2, 4, 6),
                    n_samples: int = 40) -> Demo:
    """Theorem 2.4.4's construction on ``N`` samples in ``[-1, 1]^2`` with one direction per neuron (the thesis's
    choice: the weight matrix has full rank) or one shared direction (samples sorted along one line).

    Parameters
    ----------
    activations : tuple of str
        Activation names.
    log_alphas : tuple of float
        ``log10 alpha`` of the construction's scale, one slider position each.
    n_samples : int
        N, the number of samples.

    Returns
    -------
    Demo
    """
    activations = _activation_names(activations, allowed=tuple(BETA))
    X = _data(n_samples, 2)
    fine = np.linspace(0, 6, 61)
    data = {}
    for a in activations:
        act = acts.get(a)
        beta = BETA[a]
        log_sb = n_samples * np.log(abs(float(act(np.array(beta)))))
        for shared in (False, True):
            filters = np.random.default_rng(1).standard_normal((2, n_samples))
            if shared:
                filters[:] = filters[:, :1]
            curves = {"smin": [], "det": [], "lower": [], "rank": []}
            mats = {}
            for la in fine:
                t = triangular_layer(X, act, 10.0**la, beta, n_filters=n_samples, filters=filters)
                sign, logdet = np.linalg.slogdet(t.A)
                curves["smin"].append(singular_values(t.A)[-1])
                curves["det"].append(sign * np.exp(np.clip(logdet - log_sb, -700, 700)))
                curves["lower"].append(np.abs(np.tril(t.A, -1)).max())
                curves["rank"].append(numerical_rank(t.A))
                if np.isclose(la, np.round(la)):
                    mats[int(round(la))] = t.A
            data[a, shared] = ({k: np.array(v) for k, v in curves.items()}, mats)

    def draw(activation, log10_alpha, directions):
        curves, mats = data[activation, directions == "one shared"]
        fig, (ax, bx) = _figure(2, width=4.3, height=3.4)
        A = mats[log10_alpha]
        im = ax.imshow(np.log10(np.abs(A) + 1e-18), cmap="viridis", vmin=-18, vmax=max(1.0, np.log10(np.abs(A).max())))
        fig.colorbar(im, ax=ax, shrink=0.8, label="log10 |A_ij|")
        i = int(np.argmin(np.abs(fine - log10_alpha)))
        ax.set_title(f"{activation}, alpha = 1e{log10_alpha}: rank {curves['rank'][i]} of {n_samples}", fontsize=8)
        ax.set_xlabel("neuron j")
        ax.set_ylabel("sample (sorted)")
        lg = lambda v: np.log10(np.maximum(np.abs(v), 1e-20))  # noqa: E731
        bx.plot(fine, lg(curves["smin"]), color="C0", label="σ_min(A)")
        bx.plot(fine, lg(curves["det"]), color="C1", label="|det A| / |σ(β)|^N")
        bx.plot(fine, lg(curves["lower"]), color="C2", label="largest below-diagonal entry")
        bx.axhline(0.0, color="grey", lw=0.6, ls=":")
        bx.axvline(log10_alpha, color="C3", lw=0.8)
        bx.set_xlabel("log10 of the scale α")
        bx.set_ylabel("log10 of the quantity")
        bx.set_ylim(-20, 8)
        bx.legend(fontsize=7, loc="lower left")
        return fig

    return Demo(draw, {"activation": list(activations), "log10_alpha": list(log_alphas),
                       "directions": ["one per neuron", "one shared"]},
                defaults={"activation": "sigmoid", "log10_alpha": 4, "directions": "one per neuron"},
                title="The thesis's Theorem 2.4.4: the triangular construction",
                labels={"activation": "activation σ", "log10_alpha": "log₁₀ α", "directions": "directions"},
                alt="Left: heat map of log10 |A_ij| of the matrix A(α), samples sorted along the rows and neurons "
                    "along the columns. Right: against log10 of the scale α, the smallest singular value, the "
                    "determinant ratio and the largest entry below the diagonal, on a log10 axis, with the current "
                    "α marked.")
