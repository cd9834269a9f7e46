"""Local search on the squared loss: L-BFGS from random initialisations (the experiments behind Corollary 2.4.12
and the two "global minima" that Theorem 3.4.16 connects).

The loss is the thesis's ``1/2 ||F_L - Y||_F^2`` (eq. 2.6), with the core's exact gradient
(:func:`landscapelab.loss_function` with ``scale=0.5``) and SciPy's L-BFGS-B.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from .._validate import as_float_array, choice, positive_int
from ..losses import loss_function
from ..nets import MLP
from . import activations as acts
from .features import thesis_layers
from .._validate import checked

__all__ = ["lbfgs", "train_minimum", "lbfgs_trial", "regression_problem"]


@checked(X="matrix", gtol="nonnegative", w0="vector")
def lbfgs(net, X, Y, w0, maxiter: int = 2000, gtol: float = 1e-10):
    """Minimise ``1/2 ||net(w, X) - Y||^2`` with L-BFGS-B from ``w0``.

    Parameters
    ----------
    net : landscapelab.MLP
        The core network.
    X : ndarray
        Inputs, one sample per row.
    Y : ndarray
        Targets, one row per sample.
    w0 : ndarray
        Initial parameters (flat).
    maxiter : int
        Iteration limit.
    gtol : float
        Stop when the largest gradient entry is below this.

    Returns
    -------
    (ndarray, float, int)
        Parameters, final loss, iterations.
    """
    f = loss_function(net, X, Y, loss="square", scale=0.5)
    res = minimize(lambda w: (f(w), f.gradient(w)), np.array(w0, dtype=np.float64), jac=True, method="L-BFGS-B",
                   options={"maxiter": positive_int(maxiter, "maxiter"), "gtol": gtol, "ftol": 0.0,
                            "maxfun": 4 * maxiter, "maxcor": 30})
    return res.x, float(res.fun), int(res.nit)


def regression_problem(n_samples: int = 20, d: int = 10, m: int = 1, data: str = "gaussian", seed: int = 0):
    """Random regression data: ``X`` Gaussian (or ``U[-1, 1]^d`` for ``data="uniform"``), ``Y`` Gaussian.

    Parameters
    ----------
    n_samples : int
        Number of samples N.
    d : int
        Input dimension.
    m : int
        Output dimension.
    data : {"gaussian", "uniform"}
        Input distribution.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    (ndarray, ndarray)
    """
    rng = np.random.default_rng(seed)
    n_samples, d, m = positive_int(n_samples, "n_samples"), positive_int(d, "d"), positive_int(m, "m")
    choice(data, "data", ("gaussian", "uniform"))
    X = rng.standard_normal((n_samples, d)) if data == "gaussian" else rng.uniform(-1, 1, (n_samples, d))
    return X, rng.standard_normal((n_samples, m))


@checked(X="matrix")
def train_minimum(widths, X, Y, activation, seed: int = 0, maxiter: int = 5000):
    """A (near-)global minimum of the squared loss found by L-BFGS from the core's random initialisation.

    Parameters
    ----------
    widths : sequence of int
        Layer widths ``[d, n_1, ..., n_L]``.
    X : ndarray
        Inputs, one sample per row.
    Y : ndarray
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    seed : int
        Initialisation seed.
    maxiter : int
        Iteration limit.

    Returns
    -------
    (list, float)
        The parameters in the thesis's layout and the final loss.
    """
    X = as_float_array(X, "X", ndim=2)
    net = MLP(widths, activation=acts.get(activation))
    w, loss, _ = lbfgs(net, X, Y, net.init(seed=seed), maxiter=maxiter, gtol=1e-12)
    return thesis_layers(net, w), loss


@checked(widths="vector")
def lbfgs_trial(widths=(10, 40, 1), n_samples: int = 40, data: str = "gaussian", activation: str = "softplus",
                maxiter: int = 2000, seed: int = 0) -> dict:
    """One run of the zero-loss experiment: random data (seed 0, the same for all runs) and targets, L-BFGS from
    the initialisation ``seed``.

    Parameters
    ----------
    widths : sequence of int
        ``[d, n_1, ..., 1]``.
    n_samples : int
        Number of samples N.
    data : {"gaussian", "uniform"}
        Input distribution.
    activation : str
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    maxiter : int
        Iteration limit.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``loss``, ``iterations``, ``n_params``.
    """
    X, Y = regression_problem(n_samples, widths[0], widths[-1], data, seed=0)
    net = MLP(widths, activation=acts.get(activation))
    _, loss, nit = lbfgs(net, X, Y, net.init(seed=seed), maxiter=maxiter)
    return {"loss": loss, "iterations": nit, "n_params": net.n_params}
