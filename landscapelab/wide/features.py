"""Feature matrices, numerical rank with the thesis's tolerance, and the fully connected net in the thesis's layout.

Conventions (thesis Section 1.1 and eq. 2.4): samples are rows, ``X`` is ``N x d``; layer ``k`` has weights
``W_k`` of shape ``(n_{k-1}, n_k)`` and bias ``b_k`` of length ``n_k``;
``F_k = sigma(F_{k-1} W_k + 1 b_k^T)`` for the hidden layers ``1 <= k <= L-1`` and ``F_L = F_{L-1} W_L + 1 b_L^T``.
A network is the list ``[(W_1, b_1), ..., (W_L, b_L)]``. The core :class:`landscapelab.MLP` stores
``M_k = W_k^T``; :func:`thesis_layers` and :func:`flat_parameters` convert.

Numerical rank follows the rule the thesis uses for Table 2.2 (Press et al., Numerical Recipes, Section 2.6):
singular values above ``tau = 1/2 sqrt(m + n + 1) sigma_max eps`` count. ``numpy.linalg.matrix_rank`` uses
``sigma_max max(m, n) eps`` instead; :func:`numerical_rank` offers both.
"""

from __future__ import annotations

import numpy as np

from .._validate import sequence, as_float_array, choice, positive_int
from . import activations as acts
from .._validate import checked
from ..nets import MLP

__all__ = ["nr_tolerance", "numerical_rank", "singular_values", "smallest_singular_value", "forward",
           "feature_matrix", "thesis_layers", "flat_parameters", "random_layer", "feature_rank_trial"]

EPS = np.finfo(np.float64).eps


@checked(A="matrix")
def singular_values(A) -> np.ndarray:
    """Singular values of a matrix, largest first (LAPACK ``gesdd``).

    Parameters
    ----------
    A : array_like, shape (m, n)
        A matrix.

    Returns
    -------
    ndarray, shape (min(m, n),)
    """
    A = as_float_array(A, "A", ndim=2)
    return np.linalg.svd(A, compute_uv=False)


@checked(A="matrix")
def nr_tolerance(A, s=None) -> float:
    """The thesis's rank threshold ``1/2 sqrt(m + n + 1) sigma_max(A) eps`` (caption of Table 2.2).

    Parameters
    ----------
    A : array_like, shape (m, n)
        A matrix.
    s : ndarray, optional
        Its singular values, if already computed.

    Returns
    -------
    float
    """
    A = as_float_array(A, "A", ndim=2)
    s = singular_values(A) if s is None else s
    m, n = A.shape
    return 0.5 * np.sqrt(m + n + 1.0) * (s[0] if s.size else 0.0) * EPS


@checked(A="matrix")
def numerical_rank(A, rule: str = "thesis") -> int:
    """Number of singular values above the threshold.

    Parameters
    ----------
    A : array_like, shape (m, n)
        A matrix.
    rule : {"thesis", "numpy"}
        ``"thesis"``: ``1/2 sqrt(m+n+1) sigma_max eps`` (Numerical Recipes, used for Table 2.2);
        ``"numpy"``: ``max(m, n) sigma_max eps`` (``numpy.linalg.matrix_rank``).

    Returns
    -------
    int
    """
    choice(rule, "rule", ("thesis", "numpy"))
    A = as_float_array(A, "A", ndim=2)
    s = singular_values(A)
    if s.size == 0:
        return 0
    tol = nr_tolerance(A, s) if rule == "thesis" else max(A.shape) * s[0] * EPS
    return int(np.sum(s > tol))


@checked(A="matrix")
def smallest_singular_value(A) -> float:
    """``sigma_min(A)``: the ``min(m, n)``-th singular value (for ``F_k`` with ``n_k >= N`` the N-th one, the
    quantity of Table 2.2 and of Lemma 2.4.9).

    Parameters
    ----------
    A : array_like, shape (m, n)
        A matrix.

    Returns
    -------
    float
    """
    s = singular_values(A)
    return float(s[-1]) if s.size else 0.0


def _check_layers(layers, X):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError("layers: expected a non-empty list of (W, b) pairs")
    X = as_float_array(X, "X", ndim=2)
    width = X.shape[1]
    out = []
    for k, pair in enumerate(layers, start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"layers[{k - 1}]: expected a pair (W_{k}, b_{k})")
        W = as_float_array(pair[0], f"W_{k}", ndim=2)
        if W.shape[0] != width:
            raise ValueError(f"W_{k}: expected {width} rows (the width of layer {k - 1}), got shape {W.shape}")
        b = as_float_array(pair[1], f"b_{k}", shape=(W.shape[1],))
        out.append((W, b))
        width = W.shape[1]
    return out, X


@checked(X="matrix")
def forward(layers, X, activation, upto: int | None = None) -> list:
    """All layer outputs ``[F_0 = X, F_1, ..., F_upto]`` of the fully connected net (eq. 2.4).

    Parameters
    ----------
    layers : list of (W, b)
        ``W_k`` of shape ``(n_{k-1}, n_k)``.
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    activation : str or Activation
        Hidden activation; the last layer ``L = len(layers)`` is linear.
    upto : int, optional
        Last layer to compute (default ``L``).

    Returns
    -------
    list of ndarray
    """
    layers, X = _check_layers(layers, X)
    act = acts.get(activation)
    L = len(layers)
    upto = L if upto is None else positive_int(upto, "upto")
    if upto > L:
        raise ValueError(f"upto: expected at most L = {L}, got {upto}")
    outs = [X]
    for k in range(1, upto + 1):
        W, b = layers[k - 1]
        G = outs[-1] @ W + b
        outs.append(G if k == L else np.asarray(act(G)))
    return outs


@checked(X="matrix")
def feature_matrix(layers, X, activation, layer: int) -> np.ndarray:
    """``F_k``, the ``N x n_k`` output of hidden layer ``k`` (eq. 2.4).

    Parameters
    ----------
    layers : list of (W, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    layer : int
        ``1 <= k <= L - 1``.

    Returns
    -------
    ndarray, shape (N, n_k)
    """
    sequence(layers, "layers", "a non-empty list of (W, b) pairs")
    k = positive_int(layer, "layer")
    if k >= len(layers):
        raise ValueError(f"layer: expected a hidden layer 1..{len(layers) - 1}, got {k}")
    return forward(layers, X, activation, upto=k)[-1]


@checked(net=MLP)
def thesis_layers(net, w) -> list:
    """The core MLP's parameters as ``[(W_1, b_1), ...]`` with ``W_k = M_k^T`` (copies).

    Parameters
    ----------
    net : landscapelab.MLP
        Standard parametrisation with biases.
    w : array_like
        Flat parameter vector.

    Returns
    -------
    list of (ndarray, ndarray)
    """
    if not net.bias or net.parametrization != "standard":
        raise ValueError("net: expected a standard-parametrisation MLP with biases")
    return [(M.T.copy(), b.copy()) for M, b in net.unflatten(w)]


@checked(net=MLP)
def flat_parameters(net, layers) -> np.ndarray:
    """Inverse of :func:`thesis_layers`: the flat vector of ``net`` holding ``[(W_k, b_k)]``.

    Parameters
    ----------
    net : landscapelab.MLP
        The core network.
    layers : list of (W, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.

    Returns
    -------
    ndarray
    """
    sequence(layers, "layers", "a non-empty list of (W, b) pairs")
    return net.flatten([(np.asarray(W).T, np.asarray(b)) for W, b in layers])


@checked(X="matrix")
def random_layer(X, width: int, weight_scale: float = 1.0, bias: str = "gaussian", seed: int = 0):
    """One random layer ``(W, b)`` on data ``X``: ``W`` entries ``N(0, weight_scale^2)`` and

    * ``bias="gaussian"``: ``b`` entries ``N(0, weight_scale^2)``;
    * ``bias="data"``: hyperplanes through data points, ``b_j = -<w_j, x_{pi(j)}> + 0.01`` for a random
      assignment ``pi`` of units to samples (every unit then changes regime inside the data);
    * ``bias="large"``: ``b_j = 50`` for every unit (for ReLU-type activations every unit is linear on data in
      ``[-1, 1]^d``: an open set of parameters with rank at most ``d + 1``).

    Parameters
    ----------
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    width : int
        Number of units.
    weight_scale : float
        Standard deviation of the weights.
    bias : {"gaussian", "data", "large"}
        How biases are drawn.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    (ndarray, ndarray)
        ``W`` of shape ``(d, width)`` and ``b`` of length ``width``.
    """
    X = as_float_array(X, "X", ndim=2)
    width = positive_int(width, "width")
    choice(bias, "bias", ("gaussian", "data", "large"))
    rng = np.random.default_rng(seed)
    W = weight_scale * rng.standard_normal((X.shape[1], width))
    if bias == "gaussian":
        b = weight_scale * rng.standard_normal(width)
    elif bias == "data":
        picks = rng.permutation(np.resize(np.arange(X.shape[0]), width))
        b = -np.einsum("ij,ji->i", X[picks], W) + 0.01
    else:
        b = np.full(width, 50.0)
    return W, b


def feature_rank_trial(n_samples: int = 50, d: int = 2, width: int = 50, activation: str = "sigmoid",
                       weight_scale: float = 1.0, bias: str = "gaussian", data: str = "uniform", seed: int = 0):
    """One draw of the single-layer experiment behind Theorem 2.4.5: random data and a random layer.

    Data: ``"uniform"`` draws ``X`` from ``U[-1, 1]^d``, ``"gaussian"`` from ``N(0, I/d)`` (the data use seed
    ``seed`` and the weights ``seed + 10_000``, so sweeps over seeds vary both).

    Parameters
    ----------
    n_samples : int
        Number of samples N.
    d : int
        Input dimension.
    width : int
        Number of units.
    activation : str
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    weight_scale : float
        Standard deviation of the weights.
    bias : {"gaussian", "data", "large"}
        How biases are drawn.
    data : {"uniform", "gaussian"}
        Input distribution.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``rank`` (thesis rule), ``rank_numpy``, ``sigma_min`` (the ``min(N, width)``-th singular value),
        ``sigma_max``.
    """
    choice(data, "data", ("uniform", "gaussian"))
    rng = np.random.default_rng(seed)
    n_samples, d = positive_int(n_samples, "n_samples"), positive_int(d, "d")
    X = rng.uniform(-1, 1, (n_samples, d)) if data == "uniform" else rng.standard_normal((n_samples, d)) / np.sqrt(d)
    W, b = random_layer(X, width, weight_scale, bias, seed + 10_000)
    F = np.asarray(acts.get(activation)(X @ W + b))
    s = singular_values(F)
    return {"rank": int(np.sum(s > nr_tolerance(F, s))), "rank_numpy": numerical_rank(F, "numpy"),
            "sigma_min": float(s[-1]), "sigma_max": float(s[0])}
