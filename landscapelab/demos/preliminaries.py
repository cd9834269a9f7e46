"""Demos of the preliminaries chapter: a 2-D slice of a loss surface next to the Hessian's spectrum."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import curvature, plotting
from ..losses import loss_function
from ..nets import MLP
from ..optim import gradient_descent
from ..slices import slice_2d
from .._validate import checked
from . import Demo

__all__ = ["toy_regression", "slice_data", "loss_slice_demo"]

RADII = (0.1, 0.3, 1.0, 3.0)


@checked(n="count")
def toy_regression(n: int = 24, seed: int = 0):
    """Inputs uniform on [-2, 2]^2 and targets sin(x_1) cos(x_2): the data set of the preliminaries chapter.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of the draw.

    Returns
    -------
    tuple of ndarray
        ``X`` of shape ``(n, 2)`` and ``Y`` of shape ``(n, 1)``.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    return X, (np.sin(X[:, 0]) * np.cos(X[:, 1]))[:, None]


@checked(width="count", steps="count")
@lru_cache(maxsize=2)
def slice_data(width: int = 8, steps: int = 3000, seed: int = 0):
    """Loss slices and Hessian spectra at initialisation and after gradient descent (computed once).

    Parameters
    ----------
    width : int
        Width of the two hidden layers.
    steps : int
        Gradient-descent steps.
    seed : int
        Seed of the data, the initialisation and the random directions.

    Returns
    -------
    dict
        ``data[point, directions, radius]`` (a slice and the curvatures along its two directions) and
        ``data[point]`` (the Hessian eigenvalues), for point in ("initialisation", "after training").
    """
    X, Y = toy_regression(seed=seed)
    net = MLP([2, width, width, 1], activation="tanh")
    f = loss_function(net, X, Y, scale=1.0 / len(X))
    w0 = net.init(seed=seed)
    w_trained, _ = gradient_descent(f, w0, lr=0.5, steps=steps)
    rng = np.random.default_rng(seed + 1)
    data = {}
    for point, w in (("initialisation", w0), ("after training", w_trained)):
        eigvals, eigvecs = np.linalg.eigh(curvature.hessian(f, w))
        random = rng.standard_normal((2, net.n_params))
        random /= np.linalg.norm(random, axis=1, keepdims=True)
        directions = {"random": random, "top eigenvectors": eigvecs[:, ::-1][:, :2].T}
        for kind, (d1, d2) in directions.items():
            curv = [float(d @ f.hvp(w, d)) for d in (d1, d2)]
            for radius in RADII:
                data[point, kind, radius] = slice_2d(f, w, d1, d2, extent=radius, n=41) + (curv,)
        data[point] = eigvals
    return data


def loss_slice_demo() -> Demo:
    """Slider demo: the loss on a 2-D plane through the parameters, and the full Hessian spectrum beside it.

    Returns
    -------
    Demo
    """
    data = slice_data()

    def draw(point, directions, radius):
        a, b, values, curv = data[point, directions, radius]
        fig, (ax, ax2) = plotting.figure(ncols=2, width=3.55, height=3.2)
        levels = np.linspace(values.min(), values.max(), 25)
        filled = ax.contourf(a, b, values, levels=levels, cmap="viridis")
        ax.plot(0, 0, "w+", ms=10, mew=2)
        fig.colorbar(filled, ax=ax, label="loss (mean square error)")
        ax.set_xlabel("step along $d_1$ (parameter units)")
        ax.set_ylabel("step along $d_2$")
        ax.set_title(f"{point}: {directions} plane", fontsize=9)
        eig = data[point]
        ax2.plot(np.arange(1, eig.size + 1), eig[::-1], ".", ms=3, color="0.3", label="Hessian eigenvalues")
        for c, style, name in zip(curv, ("-", "--"), ("$d_1$", "$d_2$")):
            ax2.axhline(c, color="C3", ls=style, lw=1, label=f"curvature along {name}: {c:.3g}")
        ax2.set_yscale("symlog", linthresh=1e-3)
        ax2.set_xlabel("index (descending)")
        ax2.set_ylabel("eigenvalue")
        ax2.legend(fontsize=7, loc="upper right")
        ax2.set_title("spectrum of the Hessian at the centre", fontsize=9)
        return fig

    return Demo(draw, {"point": ["initialisation", "after training"], "directions": ["random", "top eigenvectors"],
                       "radius": list(RADII)}, defaults={"radius": 1.0}, title="A 2-D slice of a loss surface",
                alt="Left: filled contour plot of the loss on a square of the chosen half-width around the "
                    "current parameters, spanned by two unit directions d1 and d2 (the centre is marked with a "
                    "cross). Right: all Hessian eigenvalues at the centre in descending order on a symmetric-log "
                    "axis, with horizontal lines at the curvatures along d1 and d2.")
