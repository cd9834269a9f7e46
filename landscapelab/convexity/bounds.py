"""The dropout factor rho (section 5) and the lower-bound chain of Lemmas 7 and 9 at a point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, choice, positive_int
from .derivatives import _batched_switches, _layout, per_example_derivatives
from .determinant import c_core_matrix, milne_matrix
from .network import _arguments, _data, _real, check_dims, n_weights, unflatten
from .region import M_constant, in_U1, in_U2

__all__ = ["active_edges", "rho", "rho_max", "dropout_masks", "dropout_rho", "BoundChain", "bound_chain"]


# ------------------------------------------------------------------------------------------------ rho, dropout
def active_edges(w, X, dims) -> np.ndarray:
    """``P[i, p] = 1`` when weight ``p`` is active on input ``a_i`` (both its neurons on), shape ``(N, m)``; then
    ``||X_i||^2 = sum_p P[i, p] x_p^2``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    ndarray (N, m)
        ``P``.
    """
    dims, X, _, w, _ = _arguments(dims, X, w=w)
    return _batched_switches(w[None, :], X, dims)[1][0]


def rho(w, X, dims, direction) -> float:
    """Lemma 9's ``rho(W, X) = N^(-1/2) (sum_i (||X_i|| / ||X||)^4)^(1/2) <= 1``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    direction : array_like (m,)
        A non-zero direction ``X`` in weight space (flat).

    Returns
    -------
    float
        ``rho(W, X)``.
    """
    dims = check_dims(dims)
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    nv = float(v @ v)
    if nv == 0.0:
        raise ValueError("direction: expected a non-zero direction")
    ratio = active_edges(w, X, dims) @ (v ** 2) / nv
    return float(np.sqrt(np.mean(ratio ** 2)))


def rho_max(w, X, dims) -> float:
    """``sup_X rho(W, X) = sqrt(max_p (1/N) #{i: p active on a_i})`` (convex in ``x_p^2 / ||x||^2``, so attained at a
    basis vector).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    float
        ``sup_X rho(W, X)``.
    """
    return float(np.sqrt(active_edges(w, X, dims).mean(axis=0).max()))


def _draw_masks(rng, dims, N, eta, mask):
    keeps = []
    for q in dims[1:-1]:
        shape = (N, q) if mask == "example" else (1, q)
        keeps.append(np.broadcast_to(rng.random(shape) >= eta, (N, q)).astype(float))
    return keeps


def dropout_masks(dims, N: int, eta: float, mask: str = "example", seed: int = 0) -> list:
    """The keep masks of the hidden neurons that :func:`dropout_rho` draws with the same ``seed``.

    Parameters
    ----------
    dims : sequence of int
        ``(n_0, n_1, ..., n_H, 1)``.
    N : int
        Number of inputs.
    eta : float
        Dropout probability in ``[0, 1)``.
    mask : {"example", "batch"}
        An independent mask per input (standard dropout) or one mask for the whole batch.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list of ndarray
        For each hidden layer ``k = 1..H`` an array ``(N, n_k)`` of 0/1 (1 = kept); the rows are equal for
        ``mask="batch"``.
    """
    dims = check_dims(dims)
    N = positive_int(N, "N")
    eta = _real(eta, "eta", low=0.0, high=1.0)
    choice(mask, "mask", ("example", "batch"))
    return _draw_masks(np.random.default_rng(seed), dims, N, eta, mask)


def dropout_rho(w, X, dims, eta: float, mask: str = "example", directions: int = 200, seed: int = 0):
    """``rho(W, X)`` of Lemma 9 under dropout of the hidden neurons with probability ``eta`` (the paper's
    consequence 1 of Theorem 4).

    Dropped neurons output 0, which switches them off (and changes the pre-activations downstream).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights.
    X : array_like (N, n_0)
        Inputs.
    dims : sequence of int
        ``(n_0, ..., n_H, 1)``.
    eta : float
        Dropout probability in ``[0, 1)``.
    mask : {"example", "batch"}
        An independent neuron mask per input (standard dropout) or one mask for the whole batch
        (:func:`dropout_masks` with the same ``seed`` returns the masks).
    directions : int
        Number of random Gaussian directions.
    seed : int
        Seed of ``numpy.random.default_rng`` (masks first, then directions).

    Returns
    -------
    rhos : ndarray (directions,)
        ``rho(W, X)`` for the random directions.
    rho_max : float
        ``sup_X rho(W, X) = sqrt(max_p (1/N) #{i: edge p active on a_i})`` under the masks.
    """
    dims = check_dims(dims)
    X, _ = _data(X, None, dims)
    eta = _real(eta, "eta", low=0.0, high=1.0)
    choice(mask, "mask", ("example", "batch"))
    directions = positive_int(directions, "directions")
    rng = np.random.default_rng(seed)
    weights = unflatten(w, dims)
    N = X.shape[0]
    keeps = _draw_masks(rng, dims, N, eta, mask)
    h, s_all = X, [np.ones_like(X)]
    for k, W in enumerate(weights):
        z = h @ W
        on = (z > 0).astype(float)
        if k < len(keeps):
            on = on * keeps[k]
        s_all.append(on)
        h = np.where(z > 0, z, 0.0) * on
    s = np.concatenate(s_all, axis=1)
    _, _, src, dst = _layout(dims)
    P = s[:, src] * s[:, dst]
    V = rng.standard_normal((directions, w.size)) ** 2
    ratios = (P @ V.T) / V.sum(axis=1)
    return np.sqrt(np.mean(ratios ** 2, axis=0)), float(np.sqrt(P.mean(axis=0).max()))


# ------------------------------------------------------------------------------------------------ bound chain
@dataclass
class BoundChain:
    """The second derivative of ``l`` along a direction and the successive lower bounds of Lemmas 7 and 9.

    Each bound is at most the one above it (``exact >= lemma7_A`` separately, and
    ``exact >= lemma9_C >= sigma_step >= M_step >= rho_step >= rho_max_step >= rho_one_step``). All are for the
    direction's actual norm. ``l_lambda`` adds ``2 lambda ||X||^2`` (erratum E6: the paper writes ``lambda``).

    Parameters
    ----------
    exact : float
        ``X^T Hess(l) X``.
    lemma7_A : float
        ``-(2/N) sum |e_i| y_i ||X_i||^2 / sigma_min(A_i)^2`` (Lemma 7).
    lemma9_C : float
        ``-(2/N) sum |e_i| (y_i + beta^(H+2)) ||X_i||^2 / sigma_min(C_core,i)^2`` (Lemma 7 on C).
    sigma_step : float
        The same with ``sigma_min(C_core,i) >= 1`` (Qi's theorem on U_1).
    M_step : float
        ``-(2/N) M sum |e_i| ||X_i||^2`` (U_2: ``det C <= M``).
    rho_step : float
        ``-2 M rho(W, X) sqrt(l) ||X||^2`` (Cauchy-Schwarz).
    rho_max_step : float
        ``-2 M rho_max(W) sqrt(l) ||X||^2``.
    rho_one_step : float
        ``-2 M sqrt(l) ||X||^2`` (``rho <= 1``).
    norm2 : float
        ``||X||^2``.
    sigma_min_A, sigma_min_C : float
        ``min_i sigma_min(A_i)`` and ``min_i sigma_min(C_core,i)``.
    """

    exact: float         # X^T Hess(l) X
    lemma7_A: float      # -(2/N) sum |e_i| y_i ||X_i||^2 / sigma_min(A_i)^2                      (Lemma 7)
    lemma9_C: float      # -(2/N) sum |e_i| (y_i + beta^(H+2)) ||X_i||^2 / sigma_min(C_core,i)^2  (Lemma 7 on C)
    sigma_step: float    # the same with sigma_min(C_core,i) >= 1                                (Qi, U_1)
    M_step: float        # -(2/N) M sum |e_i| ||X_i||^2                                           (U_2: det C <= M)
    rho_step: float      # -2 M rho(W, X) sqrt(l) ||X||^2                                         (Cauchy-Schwarz)
    rho_max_step: float  # -2 M rho_max(W) sqrt(l) ||X||^2
    rho_one_step: float  # -2 M sqrt(l) ||X||^2                                                   (rho <= 1)
    norm2: float         # ||X||^2
    sigma_min_A: float   # min_i sigma_min(A_i)
    sigma_min_C: float   # min_i sigma_min(C_core,i)

    def as_list(self) -> list:
        """The chain from the exact value down to the crudest bound (without Lemma 7 on A).

        Returns
        -------
        list of float
        """
        return [self.exact, self.lemma9_C, self.sigma_step, self.M_step, self.rho_step, self.rho_max_step,
                self.rho_one_step]


def bound_chain(w, X, F, dims, beta, direction) -> BoundChain:
    """Evaluate the lower-bound chain of Lemmas 7 and 9 at ``w`` along ``direction``; needs ``w`` in
    ``U_1 & U_2`` (so that every ``y_i > f_i/2 > 0``).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    direction : array_like (m,)
        A non-zero direction ``X`` in weight space (flat).

    Returns
    -------
    BoundChain
    """
    dims, X, F, w, _ = _arguments(dims, X, F, w=w, positive=True)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    if not (in_U1(w, dims, beta) and in_U2(w, X, F, dims)):
        raise ValueError("w: the bound chain needs a point of U_1 & U_2 (rows/columns of 1-norm < beta - 1 and "
                         "relative errors < 1/2)")
    H = len(dims) - 2
    weights = unflatten(w, dims)
    y, g, Hy = per_example_derivatives(w, X, dims)
    e = y - F
    N = X.shape[0]
    P = active_edges(w, X, dims)
    Xi2 = P @ (v ** 2)
    hess = 2.0 / N * (g.T @ g + np.einsum("i,ipq->pq", e, Hy))
    sA, sC = [], []
    for a in X:
        sA.append(np.linalg.svd(milne_matrix(a, weights), compute_uv=False)[-1])
        sC.append(np.linalg.svd(c_core_matrix(a, weights, beta), compute_uv=False)[-1])
    sA, sC = np.array(sA), np.array(sC)
    shift = y + beta ** (H + 2)
    M = M_constant(F, beta, H)
    norm2 = float(v @ v)
    sq = float(np.sqrt(np.mean(e ** 2)))
    r = float(np.sqrt(np.mean((Xi2 / norm2) ** 2)))
    return BoundChain(
        exact=float(v @ hess @ v),
        lemma7_A=float(-2.0 / N * np.sum(np.abs(e) * y * Xi2 / sA ** 2)),
        lemma9_C=float(-2.0 / N * np.sum(np.abs(e) * shift * Xi2 / sC ** 2)),
        sigma_step=float(-2.0 / N * np.sum(np.abs(e) * shift * Xi2)),
        M_step=float(-2.0 / N * M * np.sum(np.abs(e) * Xi2)),
        rho_step=-2.0 * M * r * sq * norm2,
        rho_max_step=-2.0 * M * float(np.sqrt(P.mean(axis=0).max())) * sq * norm2,
        rho_one_step=-2.0 * M * sq * norm2,
        norm2=norm2, sigma_min_A=float(sA.min()), sigma_min_C=float(sC.min()))


