"""Skip connections to the output (thesis Chapter 4): the matrix ``Psi`` of Lemma 4.3.2 and the "rand" algorithm
of Theorem 4.3.4.

A network with ``H`` hidden units, ``M`` of which (the units ``p_1, ..., p_M``, from any layers) are wired to the
output with independent weights ``V`` (``M x m``), outputs ``G = Psi(U) V`` on the training set, where
``Psi_{ik} = f_{p_k}(x_i)`` (eq. 4.1). Lemma 4.3.2: under Assumption 4.3.1 (analytic, strictly increasing
activations such as sigmoid and softplus; distinct input patches), ``rank Psi(U) = N`` for almost every ``U`` once
``M >= N``, however narrow each layer is. Then ``Psi(U) V = Y`` is solvable (Theorem 4.3.4, part 1), which is the
"rand" algorithm: draw ``U`` at random and fit ``V`` by least squares.

Here the hidden part is a core :class:`landscapelab.MLP` (its hidden units are indexed ``(layer, unit)``,
1-based layers); ``M`` units are drawn from all of them. The deep narrow networks trained in the book are in
:mod:`landscapelab.wide.skipnet`.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, positive_int
from .features import numerical_rank, smallest_singular_value
from .._validate import checked
from ..nets import MLP

__all__ = ["skip_units", "skip_matrix", "random_feature_fit", "psi_rank_trial"]


@checked(widths="vector")
def skip_units(widths, n_skip: int, seed: int = 0, layers=None) -> np.ndarray:
    """Draw ``n_skip`` distinct hidden units uniformly from the hidden layers (the thesis's "random subset of
    neurons from a pool of all hidden neurons", Section 4.4).

    Parameters
    ----------
    widths : sequence of int
        ``[d, n_1, ..., n_{L-1}, m]``.
    n_skip : int
        ``M``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    layers : sequence of int, optional
        Restrict the pool to these hidden layers (1-based).

    Returns
    -------
    ndarray of int, shape (M, 2)
        Rows ``(layer, unit)``, sorted.
    """
    hidden = list(widths[1:-1])
    layers = list(range(1, len(hidden) + 1)) if layers is None else [positive_int(l, "layers") for l in layers]
    pool = np.array([(l, j) for l in layers for j in range(hidden[l - 1])], dtype=np.int64)
    n_skip = positive_int(n_skip, "n_skip")
    if n_skip > len(pool):
        raise ValueError(f"n_skip: {n_skip} units requested, the pool has {len(pool)}")
    pick = np.sort(np.random.default_rng(seed).choice(len(pool), size=n_skip, replace=False))
    return pool[pick]


@checked(net=MLP, X="matrix", units="matrix")
def skip_matrix(net, w, X, units) -> np.ndarray:
    """``Psi`` (eq. 4.1): the outputs of the skip units on the training inputs.

    Parameters
    ----------
    net : landscapelab.MLP
        The core network.
    w : array_like
        Flat parameters of ``net``.
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    units : array_like of int, shape (M, 2)
        ``(layer, unit)`` pairs, 1-based layers.

    Returns
    -------
    ndarray, shape (N, M)
    """
    units = np.asarray(units)
    if units.ndim != 2 or units.shape[1] != 2:
        raise ValueError("units: expected an (M, 2) array of (layer, unit) pairs")
    X = as_float_array(X, "X", shape=(None, net.d_in))
    w = net.check_params(w)
    h, feats = X, []
    for M, b in net.unflatten(w)[:-1]:
        h = np.asarray(net.activation(h @ M.T + b))
        feats.append(h)
    return np.column_stack([feats[l - 1][:, j] for l, j in units])


@checked(Psi="matrix")
def random_feature_fit(Psi, Y):
    """Theorem 4.3.4, part 1 (the "rand" algorithm): ``V`` with ``Psi V = Y`` (minimum-norm least squares).

    Parameters
    ----------
    Psi : array_like, shape (N, M)
        The skip matrix.
    Y : array_like, shape (N, m)
        Targets, one row per sample.

    Returns
    -------
    (ndarray, float)
        ``V`` and the residual ``max |Psi V - Y|``.
    """
    Psi = as_float_array(Psi, "Psi", ndim=2)
    Y = as_float_array(Y, "Y", shape=(Psi.shape[0], None))
    V = np.linalg.lstsq(Psi, Y, rcond=None)[0]
    return V, float(np.abs(Psi @ V - Y).max())


@checked(n_samples="count")
def psi_rank_trial(depth: int = 4, width: int = 100, n_samples: int = 300, d: int = 20, n_skip: int = 300,
                   activation: str = "sigmoid", seed: int = 0) -> dict:
    """One draw of Lemma 4.3.2's experiment: a random MLP ``[d, width x depth, 1]`` at the core's 1/fan-in
    initialisation, Gaussian inputs, ``n_skip`` random skip units.

    Parameters
    ----------
    depth : int
        Number of hidden layers.
    width : int
        Number of units.
    n_samples : int
        Number of samples N.
    d : int
        Input dimension.
    n_skip : int
        Number of skip units M.
    activation : str
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``rank`` and ``sigma_min`` of ``Psi``; ``rank_last`` of the last hidden layer's features;
        ``residual`` of the "rand" fit to random targets.
    """
    from ..nets import MLP
    from . import activations as acts

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, d))
    Y = rng.standard_normal((n_samples, 1))
    widths = [d] + [width] * depth + [1]
    net = MLP(widths, activation=acts.get(activation))
    w = net.init(seed=seed + 1)
    Psi = skip_matrix(net, w, X, skip_units(widths, n_skip, seed + 2))
    _, residual = random_feature_fit(Psi, Y)
    return {"rank": numerical_rank(Psi), "sigma_min": smallest_singular_value(Psi),
            "rank_last": numerical_rank(net.features(w, X)), "residual": residual}
