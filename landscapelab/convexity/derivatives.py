"""Derivatives of the output and the loss through A(a, W)^{-1} (Lemma 5 in coordinates, with the switch
mask of erratum E13) and the directional derivatives of Lemma 6. The input-to-output paths are in
:mod:`~landscapelab.convexity.paths`, the loss as a function object in
:mod:`~landscapelab.convexity.regularised_loss` (both importable from here)."""

from __future__ import annotations

import numpy as np

from .. import kernels
from .._validate import as_float_array
from .determinant import milne_matrix
from .network import _arguments, _data, _dims_of, check_dims, flatten, n_weights, switches, unflatten
from .._validate import checked

__all__ = ["backprop_gradient", "y_derivatives", "per_example_derivatives", "loss_derivatives", "Objective",
           "objective", "direction_matrix", "jacobi_derivatives", "lemma6_derivatives", "active_paths",
           "leibniz_cycles"]


# ------------------------------------------------------------------------------------------------ derivatives
def _layout(dims):
    """For each flat weight p = (layer l, row j, column k): its row r_p and column c_p in A (0-based), and the
    positions of its two neurons in the concatenated switch vector (layers 0..H+1)."""
    soff = np.concatenate([[0], np.cumsum(dims)])
    src, dst = [], []
    for l_ in range(len(dims) - 1):
        j, k = np.divmod(np.arange(dims[l_] * dims[l_ + 1]), dims[l_ + 1])
        src.append(soff[l_] + j)
        dst.append(soff[l_ + 1] + k)
    src, dst = np.concatenate(src), np.concatenate(dst)
    return src + 1, dst + 1, src, dst


def backprop_gradient(a, weights) -> np.ndarray:
    """``dy/dW`` by backpropagation (flat, in the order of :func:`flatten`): ``dy/dW_l[j, k] = h_l[j] delta_(l+1)[k]``.
    An oracle independent of the determinant formula.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    ndarray (m,)
        ``dy/dW`` in the order of :func:`flatten`.
    """
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    hs, ss = [a], []
    for W in weights:
        z = np.asarray(W, dtype=float).T @ hs[-1]
        ss.append((z > 0).astype(float))
        hs.append(np.where(z > 0, z, 0.0))
    delta = ss[-1]                                   # dy/dz_(H+1)
    grads = []
    for l_ in range(len(weights) - 1, -1, -1):
        grads.append(np.outer(hs[l_], delta))
        if l_:
            delta = (np.asarray(weights[l_], dtype=float) @ delta) * ss[l_ - 1]
    return np.concatenate([g.ravel() for g in grads[::-1]])


def _batched_switches(Wb, X, dims):
    """Forward pass for a batch of weight vectors Wb (G, m): outputs y (G, N), the active-edge masks (G, N, m) and
    the switches of layers 0..H+1 (G, N, sum(dims))."""
    G, N = Wb.shape[0], X.shape[0]
    _, _, src, dst = _layout(dims)
    s_all = [np.ones((G, N, dims[0]))]
    h = np.broadcast_to(X, (G, N, dims[0]))
    start = 0
    for l_ in range(len(dims) - 1):
        size = dims[l_] * dims[l_ + 1]
        W = Wb[:, start:start + size].reshape(G, dims[l_], dims[l_ + 1])
        start += size
        z = h @ W
        s_all.append((z > 0).astype(float))
        h = np.where(z > 0, z, 0.0)
    s = np.concatenate(s_all, axis=2)
    return h[..., 0], s[..., src] * s[..., dst], s


def _batched_quantities(Wb, X, dims, mask=True):
    """The determinant-route quantities for a batch of weight vectors Wb (G, m) and inputs X (N, n_0).

    Returns y (G, N), gradients of y (G, N, m), Hessians of y (G, N, m, m), the active-edge masks (G, N, m) and the
    switches (G, N, sum(dims)). ``mask=False`` leaves out the switch mask of the Hessian (wrong, erratum E13).
    Where y = 0 (dead output: A is singular), y vanishes near the point and both derivatives are 0. Where y > 0
    but ``A`` is singular in floating point (y at the rounding level of its path terms), a ``ValueError`` says so:
    derivatives through ``A^{-1}`` carry a relative error of about ``1e-16 * sum|path terms| / y`` (see
    :mod:`landscapelab.convexity.accuracy`), and there they would carry no correct digit.
    """
    G, N = Wb.shape[0], X.shape[0]
    H = len(dims) - 2
    n = sum(dims) + 1
    r, c, _, _ = _layout(dims)
    y, edge, s = _batched_switches(Wb, X, dims)
    A = np.zeros((G, N, n, n))
    A[..., 0, 1:1 + dims[0]] = X
    idx = np.arange(1, n - 1)
    A[..., idx, idx] = 1.0
    A[..., r, c] = Wb[:, None, :] * edge
    A[..., n - 1, 0] = (-1.0) ** H                         # the corrected corner (erratum E1)
    m = Wb.shape[1]
    g = np.zeros((G, N, m))
    Hy = np.zeros((G, N, m, m))
    live = y != 0.0
    if live.any():
        try:
            Ainv = np.linalg.inv(A[live])
        except np.linalg.LinAlgError:
            flat = np.flatnonzero(live.ravel())
            bad = next(k for k in flat if np.linalg.matrix_rank(A.reshape(-1, n, n)[k]) < n)
            point, example = divmod(int(bad), N)
            raise ValueError(f"w: A(a_i, W) is singular in floating point for input {example} (weight vector "
                             f"{point}) although y = {y.ravel()[bad]:.3g} > 0: the output is at the rounding level "
                             "of its path terms, and derivatives through A^{-1} have no correct digit there; "
                             "use backprop_gradient") from None
        P = Ainv[:, c[:, None], r[None, :]]                   # P[p, q] = (A^{-1})[c_p, r_q]
        d = np.einsum("kpp->kp", P)
        yl = y[live]
        g[live] = yl[:, None] * d
        Hl = yl[:, None, None] * (d[:, :, None] * d[:, None, :] - P * np.swapaxes(P, 1, 2))
        if mask:
            e = edge[live]
            Hl = Hl * e[:, :, None] * e[:, None, :]
        Hy[live] = Hl
    return y, g, Hy, edge, s


@checked()
def y_derivatives(a, weights, mask: bool = True):
    """``(y, grad y, Hess y)`` at one input by the determinant route (Lemma 5 in coordinates).

    With ``p = (l, j, k)`` the weight at ``A[r_p, c_p]``: ``dy/dw_p = y (A^{-1})[c_p, r_p]`` (the adjugate; no mask
    needed) and ``d2y/dw_p dw_q = y [(A^{-1})[c_p, r_p] (A^{-1})[c_q, r_q] - (A^{-1})[c_p, r_q] (A^{-1})[c_q, r_p]]
    mask_p mask_q``, where ``mask_p = 1`` when edge p is active. The mask is mandatory (erratum E13);
    ``mask=False`` gives the wrong unmasked formula for comparison. The Hessian's diagonal is exactly 0 (y is
    multi-affine in the weights).

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    mask : bool
        Apply the switch mask (erratum E13); ``False`` gives the wrong unmasked formula, for comparison.

    Returns
    -------
    y : float
    gradient : ndarray (m,)
    hessian : ndarray (m, m)
    """
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    w = flatten(weights)
    y, g, Hy, _, _ = _batched_quantities(w[None, :], a[None, :], dims, mask=mask)
    return float(y[0, 0]), g[0, 0], Hy[0, 0]


@checked()
def per_example_derivatives(w, X, dims, mask: bool = True):
    """``(y, G, Hy)`` for every input: ``y`` of shape ``(N,)``, gradients ``(N, m)``, Hessians ``(N, m, m)``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    mask : bool
        Apply the switch mask (erratum E13); ``False`` gives the wrong unmasked formula, for comparison.

    Returns
    -------
    y : ndarray (N,)
    gradients : ndarray (N, m)
    hessians : ndarray (N, m, m)
    """
    dims, X, _, w, _ = _arguments(dims, X, w=w)
    y, g, Hy, _, _ = _batched_quantities(w[None, :], X, dims, mask=mask)
    return y[0], g[0], Hy[0]


def loss_derivatives(w, X, F, dims, lam: float = 0.0):
    """``(l_lambda, gradient, Hessian)`` at ``w`` through ``A^{-1}``:
    ``grad = (2/N) sum_i e_i grad y_i + 2 lambda w`` and
    ``Hess = (2/N) sum_i (grad y_i grad y_i^T + e_i Hess y_i) + 2 lambda I``.

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
    lam : float
        Weight decay ``lambda``.

    Returns
    -------
    value : float
    gradient : ndarray (m,)
    hessian : ndarray (m, m)
    """
    dims, X, F, w, lam = _arguments(dims, X, F, w=w, lam=lam)
    y, g, Hy = per_example_derivatives(w, X, dims)
    e = y - F
    N = X.shape[0]
    value = float(np.mean(e ** 2) + lam * w @ w)
    grad = 2.0 / N * e @ g + 2.0 * lam * w
    hess = 2.0 / N * (g.T @ g + np.einsum("i,ipq->pq", e, Hy)) + 2.0 * lam * np.eye(w.size)
    return value, grad, hess


@checked()
def direction_matrix(a, weights, direction, mask: bool = True) -> np.ndarray:
    """The matrix ``X_i`` with ``A(a_i, W + tX) = A(a_i, W) + t X_i`` for small t (section 3.2): the blocks
    ``S_k X_k S_(k+1)`` in the positions of ``V_k``. ``direction`` is a flat weight vector. With ``mask=False`` the
    unmasked blocks ``X_k`` (not the derivative of A, erratum E13).

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    direction : array_like (m,)
        A non-zero direction ``X`` in weight space (flat).
    mask : bool
        Apply the switch mask (erratum E13); ``False`` gives the wrong unmasked formula, for comparison.

    Returns
    -------
    ndarray (n, n)
        ``X_i``.
    """
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    r, c, src, dst = _layout(dims)
    s = np.concatenate(switches(a, weights))
    n = sum(dims) + 1
    M = np.zeros((n, n))
    M[r, c] = v * (s[src] * s[dst] if mask else 1.0)
    return M


@checked(A="matrix")
def jacobi_derivatives(A, Xm):
    """Lemma 5: ``(d/dt, d2/dt2) det(A + t X)`` at ``t = 0`` for invertible ``A``, i.e.
    ``(det A tr M, det A (tr(M)^2 - tr(M^2)))`` with ``M = A^{-1} X`` (Jacobi's formula and its derivative).

    Parameters
    ----------
    A : array_like (n, n)
        A square matrix.
    Xm : array_like (n, n)
        The perturbation ``X`` of Lemma 5.

    Returns
    -------
    first, second : float
        ``d/dt det(A + tX)`` and ``d2/dt2 det(A + tX)`` at ``t = 0``.
    """
    A = as_float_array(A, "A", ndim=2)
    Xm = as_float_array(Xm, "Xm", shape=A.shape)
    d = kernels.det(A)
    if d == 0.0:
        raise ValueError("A: singular (det A = 0, i.e. y = 0); Lemma 5 needs an invertible A")
    M = np.linalg.solve(A, Xm)
    tr = np.trace(M)
    return d * tr, d * (tr ** 2 - np.trace(M @ M))


def lemma6_derivatives(w, X, F, dims, direction):
    """Lemma 6: the first and second derivatives of ``t -> l(W + tX)`` at 0 from ``A_i``, ``X_i`` and
    ``M_i = A_i^{-1} X_i``: ``(2/N) sum e_i det A_i tr M_i`` and
    ``(2/N) sum det(A_i)^2 tr(M_i)^2 + (2/N) sum e_i det A_i (tr(M_i)^2 - tr(M_i^2))``. Needs ``y_i != 0``.

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
    direction : array_like (m,)
        A non-zero direction ``X`` in weight space (flat).

    Returns
    -------
    first, second : float
        ``d/dt l(W + tX)`` and ``d2/dt2 l(W + tX)`` at ``t = 0``.
    """
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    weights = unflatten(w, dims)
    d1 = d2 = 0.0
    for a, f in zip(X, F):
        A = milne_matrix(a, weights)
        Xi = direction_matrix(a, weights, direction)
        detA = kernels.det(A)
        if detA == 0.0:
            raise ValueError("w: y(a_i, W) = 0 for some input, so A_i is singular; Lemma 6 needs y_i != 0")
        M = np.linalg.solve(A, Xi)
        tr, tr2 = np.trace(M), np.trace(M @ M)
        e = detA - f
        d1 += e * detA * tr
        d2 += detA ** 2 * tr ** 2 + e * detA * (tr ** 2 - tr2)
    N = X.shape[0]
    return 2.0 / N * d1, 2.0 / N * d2


# The paths and the objective live in paths.py and regularised_loss.py and stay importable from here (the package
# imports this module first, so regularised_loss.py finds loss_derivatives defined).
from .regularised_loss import Objective, objective  # noqa: E402
from .paths import active_paths, leibniz_cycles  # noqa: E402
