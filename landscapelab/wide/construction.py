"""The explicit constructions of Chapter 2: linearly independent features (Theorem 2.4.4 with Lemma 2.6.1) and a
zero-loss point in the set ``S_k`` (Theorem 2.4.11).

Theorem 2.4.4's proof is an algorithm. Pick filters ``a^t`` whose projections ``<a^t, f^p_{k-1}(x_i)>`` are distinct
over the samples, set ``w^t = -alpha a^t`` and put the bias of neuron ``j = (p, t)`` at a data point,
``(b_k)_j = alpha <a^t, f^p_{k-1}(x_{gamma(j)})> + beta``, where ``gamma`` orders the samples greedily by their
projections. Then ``A(alpha)_{ij} = sigma(alpha <a^t, f^p(x_{gamma(j)}) - f^p(x_{gamma(i)})> + beta)`` (eq. 2.10)
tends, as ``alpha -> infinity``, to a matrix whose entries below the diagonal are ``mu_- = 0`` and whose diagonal is
``sigma(beta)`` (eq. 2.12), so ``det A(alpha)_{1:N,1:N} -> sigma(beta)^N != 0`` (Leibniz, eq. 2.13).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, positive_int
from . import activations as acts
from .convolution import full_patch
from .features import numerical_rank
from .._validate import checked

__all__ = ["TriangularLayer", "triangular_layer", "distinct_layer", "entries_distinct", "linearly_independent_net",
           "zero_loss_point", "range_sample"]


@dataclass
class TriangularLayer:
    """The result of :func:`triangular_layer`.

    Attributes
    ----------
    filters : ndarray, shape (l, T)
        ``W_k = -alpha Q``.
    bias : ndarray, shape (n_k,)
        One bias per neuron (the thesis's convention; the construction needs it).
    order : ndarray of int, shape (N,)
        The permutation ``gamma``: row ``j`` of :attr:`A` is sample ``order[j]``.
    features : ndarray, shape (N, n_k)
        ``F_k`` in the original sample order.
    A : ndarray, shape (N, N)
        ``F_k[order][:, :N]``, the block whose determinant tends to ``sigma(beta)^N``.
    """

    filters: np.ndarray
    bias: np.ndarray
    order: np.ndarray
    features: np.ndarray
    A: np.ndarray


def _projections(F_prev, patches, Q):
    """``proj[i, p T + t] = <a^t, f^p(x_i)>``."""
    return np.einsum("ipl,lt->ipt", F_prev[:, patches], Q).reshape(F_prev.shape[0], -1)


@checked(F_prev="matrix")
def triangular_layer(F_prev, activation, alpha: float, beta: float, n_filters: int | None = None, patches=None,
                     filters=None, seed: int = 0) -> TriangularLayer:
    """Theorem 2.4.4's construction of layer ``k`` on the previous layer's output ``F_{k-1}``.

    Parameters
    ----------
    F_prev : array_like, shape (N, n_{k-1})
        ``F_{k-1}`` (the inputs ``X`` for ``k = 1``); its patches must differ between samples (Assumption 2.4.1).
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    alpha : float
        The scale; the proof lets ``alpha -> +infinity`` (``-infinity`` when ``mu_+ = 0``).
    beta : float
        A point with ``sigma(beta) != 0``.
    n_filters : int, optional
        ``T_k`` (default: ``N`` for a fully connected layer, ``ceil(N / P)`` for a convolutional one).
    patches : array_like of int, shape (P, l), optional
        Patches of layer ``k-1`` (default: one patch of all neurons, a fully connected layer).
    filters : array_like, shape (l, T), optional
        The directions ``Q = [a^1, ..., a^T]`` (default: standard normal, seeded).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    TriangularLayer
    """
    F_prev = as_float_array(F_prev, "F_prev", ndim=2)
    N, n_prev = F_prev.shape
    patches = full_patch(n_prev) if patches is None else np.asarray(patches)
    P, l = patches.shape
    T = (-(-N // P)) if n_filters is None else positive_int(n_filters, "n_filters")
    if P * T < N:
        raise ValueError(f"n_filters: the layer has n_k = P T = {P * T} < N = {N} neurons; "
                         "Theorem 2.4.4 needs n_k >= N")
    if filters is None:
        Q = np.random.default_rng(seed).standard_normal((l, T))
    else:
        Q = as_float_array(filters, "filters", shape=(l, T))
    if alpha == 0:
        raise ValueError("alpha: expected a non-zero scale")
    act = acts.get(activation)
    proj = _projections(F_prev, patches, Q)
    for j in range(N):
        if np.unique(proj[:, j]).size < N:
            raise ValueError(f"filters: neuron {j} gives two samples the same projection (a^t in the set S of the "
                             "proof); draw other filters or perturb the data")
    remaining = np.ones(N, dtype=bool)
    order = np.empty(N, dtype=np.int64)
    for j in range(N):                  # gamma: increasing projections, for either sign of alpha (eq. 2.11)
        scores = np.where(remaining, proj[:, j], np.inf)
        order[j] = int(np.argmin(scores))
        remaining[order[j]] = False
    bias = np.full(P * T, float(beta))
    bias[:N] = alpha * proj[order, np.arange(N)] + beta
    F = np.asarray(act(-alpha * proj + bias))
    return TriangularLayer(-alpha * Q, bias, order, F, F[order][:, :N])


@checked(F="matrix")
def entries_distinct(F) -> bool:
    """Whether every entry of ``F[i]`` differs from every entry of ``F[j]`` for ``i != j`` (eq. 2.9).

    Parameters
    ----------
    F : array_like, shape (N, n)
        A matrix whose columns are compared.

    Returns
    -------
    bool
    """
    F = as_float_array(F, "F", ndim=2)
    values = F.ravel()
    owner = np.repeat(np.arange(F.shape[0]), F.shape[1])
    idx = np.argsort(values, kind="stable")
    v, o = values[idx], owner[idx]
    same = v[1:] == v[:-1]
    return not np.any(same & (o[1:] != o[:-1]))


@checked(F_prev="matrix")
def distinct_layer(F_prev, width: int, activation, alpha: float = 0.1, beta: float = 0.0, seed: int = 0):
    """Lemma 2.6.1's fully connected layer: ``W = alpha Q``, ``b = beta``, chosen so that the entries of different
    samples stay distinct (eq. 2.8).

    For a strictly monotone sigma every ``alpha != 0`` works; for ReLU-type sigma, ``beta`` must lie where sigma is
    injective (``beta > 0``) and ``alpha`` be small enough that all arguments stay there.

    Parameters
    ----------
    F_prev : array_like, shape (N, n)
        Output of the previous layer (the inputs for the first layer).
    width : int
        Number of units.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    alpha : float
        Scale of the weights (small, so that the arguments stay where sigma is injective).
    beta : float
        Common bias.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    (ndarray, ndarray)
        ``(W, b)``.

    Raises
    ------
    ValueError
        If the entries of the output are not distinct across samples.
    """
    F_prev = as_float_array(F_prev, "F_prev", ndim=2)
    W = alpha * np.random.default_rng(seed).standard_normal((F_prev.shape[1], positive_int(width, "width")))
    b = np.full(width, float(beta))
    if not entries_distinct(np.asarray(acts.get(activation)(F_prev @ W + b))):
        raise ValueError("alpha: the layer's outputs coincide between samples; choose alpha, beta where sigma is "
                         "injective on all arguments (Lemma 2.6.1)")
    return W, b


@checked(X="matrix", widths="vector")
def linearly_independent_net(X, widths, activation, alpha: float = 1000.0, beta: float = 0.0,
                             lower_alpha: float = 0.1, lower_beta: float = 0.0, seed: int = 0) -> list:
    """Layers ``1..k`` of a fully connected net with ``rank F_k = N`` (Theorem 2.4.4): Lemma 2.6.1 for layers
    ``1..k-1`` and the triangular layer for layer ``k = len(widths) - 1``.

    Parameters
    ----------
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    widths : sequence of int
        ``[d, n_1, ..., n_k]`` with ``n_k >= N``.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    alpha : float
        Scale of the triangular layer (large).
    beta : float
        Offset of the triangular layer, with ``sigma(beta) != 0``.
    lower_alpha : float
        Scale of the Lemma 2.6.1 layers below (small).
    lower_beta : float
        Offset of the Lemma 2.6.1 layers below.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list of (W, b)
    """
    X = as_float_array(X, "X", ndim=2)
    widths = [positive_int(w, f"widths[{i}]") for i, w in enumerate(widths)]
    if widths[0] != X.shape[1] or len(widths) < 2:
        raise ValueError(f"widths: expected [d = {X.shape[1]}, n_1, ..., n_k], got {widths}")
    act = acts.get(activation)
    layers, F = [], X
    for i, width in enumerate(widths[1:-1]):
        W, b = distinct_layer(F, width, act, lower_alpha, lower_beta, seed + 1 + i)
        layers.append((W, b))
        F = np.asarray(act(F @ W + b))
    tri = triangular_layer(F, act, alpha, beta, n_filters=widths[-1], seed=seed)
    layers.append((tri.filters, tri.bias))
    return layers


@checked(shape="vector")
def range_sample(activation, shape, rng) -> np.ndarray:
    """Random values inside the range of sigma, away from its ends (the matrices ``A`` and ``E`` of Theorem
    2.4.11's proof): ``U(0.1, 0.9)`` for sigmoid, ``U(-0.9, 0.9)`` for tanh, ``U(0.1, 2)`` for softplus, ``U(-2, 2)``
    otherwise (leaky ReLU and other onto activations).

    Parameters
    ----------
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    shape : tuple of int
        Shape of the result.
    rng : numpy.random.Generator
        The random generator.

    Returns
    -------
    ndarray
    """
    name = acts.get(activation).name
    lo, hi = {"sigmoid": (0.1, 0.9), "tanh": (-0.9, 0.9)}.get(name, (-2.0, 2.0))
    if name.startswith("softplus"):
        lo, hi = 0.1, 2.0
    return rng.uniform(lo, hi, shape)


@checked(F_k="matrix", labels="vector", widths="vector")
def zero_loss_point(F_k, labels, widths, activation, Z=None, alpha: float = 1000.0, beta: float = 0.0,
                    seed: int = 0) -> list:
    """Layers ``k+1..L`` with ``F_L = Y`` exactly (proof of Theorem 2.4.11, its three cases).

    Given ``F_k`` of full row rank (``rank F_k = N``), class labels and a class code ``Z`` (``m x m``, full rank;
    ``Y_i = Z[class(i)]``), the fully connected layers above ``k`` are:

    * ``k = L-1``: ``W_L = F_k^T (F_k F_k^T)^{-1} Y``;
    * ``k = L-2``: ``A`` (``m x n_{L-1}``, full row rank, entries in the range of sigma), ``D = A[labels]``,
      ``W_{L-1} = F_k^T (F_k F_k^T)^{-1} sigma^{-1}(D)``, ``W_L = A^T (A A^T)^{-1} Z``;
    * ``k <= L-3``: ``E`` (``m x n_{k+1}``, distinct entries in the range of sigma), ``W_{k+1}`` maps every sample
      of class ``j`` to ``E_j``, the layers ``k+2..L-1`` are Theorem 2.4.4 applied to the ``m`` "samples" ``E``
      (Lemma 2.6.1 and the triangular layer), and ``W_L = A^T (A A^T)^{-1} Z``.

    All new biases are 0 except those of the triangular layer. ``(F F^T)^{-1}`` is applied as a minimum-norm
    least-squares solve.

    Parameters
    ----------
    F_k : array_like, shape (N, n_k)
        The features of the wide layer, of full row rank.
    labels : array_like of int, shape (N,)
        Classes ``0..m-1``.
    widths : sequence of int
        ``[n_k, n_{k+1}, ..., n_L = m]``, non-increasing after ``n_k`` (Assumption 2.4.7).
    activation : str or Activation
        Strictly monotone and invertible on its range (sigmoid, softplus, tanh, leaky ReLU).
    Z : array_like, shape (m, m), optional
        The class code (default: identity).
    alpha : float
        The triangular layer's scale (case ``k <= L-3``).
    beta : float
        The triangular layer's offset (case ``k <= L-3``).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list of (W, b)
        ``L - k`` layers in the thesis's layout.
    """
    F = as_float_array(F_k, "F_k", ndim=2)
    N = F.shape[0]
    widths = [positive_int(w, f"widths[{i}]") for i, w in enumerate(widths)]
    if widths[0] != F.shape[1] or len(widths) < 2:
        raise ValueError(f"widths: expected [n_k = {F.shape[1]}, ..., m], got {widths}")
    if any(a < b for a, b in zip(widths[1:-1], widths[2:])):
        raise ValueError(f"widths: Assumption 2.4.7 needs n_(k+1) >= ... >= n_L, got {widths[1:]}")
    if numerical_rank(F) < N:
        raise ValueError(f"F_k: rank {numerical_rank(F)} < N = {N}; Theorem 2.4.11 starts from linearly "
                         "independent features")
    labels = np.asarray(labels)
    m = widths[-1]
    if labels.shape != (N,) or labels.min() < 0 or labels.max() >= m:
        raise ValueError(f"labels: expected {N} integers in 0..{m - 1}")
    Z = np.eye(m) if Z is None else as_float_array(Z, "Z", shape=(m, m))
    act = acts.get(activation)
    rng = np.random.default_rng(seed)
    depth = len(widths) - 1          # L - k
    if depth == 1:
        W = np.linalg.lstsq(F, Z[labels], rcond=None)[0]
        return [(W, np.zeros(m))]
    if depth == 2:
        A = range_sample(act, (m, widths[1]), rng)
        W1 = np.linalg.lstsq(F, acts.inverse(act, A[labels]), rcond=None)[0]
        return [(W1, np.zeros(widths[1])), (np.linalg.lstsq(A, Z, rcond=None)[0], np.zeros(m))]
    E = range_sample(act, (m, widths[1]), rng)
    W1 = np.linalg.lstsq(F, acts.inverse(act, E[labels]), rcond=None)[0]
    sub = linearly_independent_net(E, widths[1:-1], act, alpha=alpha, beta=beta, seed=seed + 1)
    A = E
    for W, b in sub:
        A = np.asarray(act(A @ W + b))
    return [(W1, np.zeros(widths[1]))] + sub + [(np.linalg.lstsq(A, Z, rcond=None)[0], np.zeros(m))]
