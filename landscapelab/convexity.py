"""Milne (2018), "Piecewise Strong Convexity of Neural Networks" (arXiv:1810.12805 v1).

Milne's conventions, used throughout this module:

* a bias-free fully connected ReLU network with a **ReLU'd scalar output** (eq. 1),
  ``y(a, W) = sigma(W_H^T sigma(W_(H-1)^T ... sigma(W_0^T a)))``, with ``H`` hidden layers, widths
  ``dims = (n_0, n_1, ..., n_H, 1)`` and weights ``W_k`` of shape ``(n_k, n_(k+1))`` (the paper's layout: row =
  neuron of layer k, column = neuron of layer k+1);
* the flat weight vector ``w`` concatenates ``W_0, ..., W_H``, each row-major (``m = sum_k n_k n_(k+1)`` entries);
* the switches (eq. 2) ``S_k = diag(1[z_k > 0])``, ``S_0 = I``; a pre-activation that is exactly 0 is off, and the
  ReLU is written ``where(z > 0, z, 0)`` so that autograd differentiates it with the same convention;
* data ``X`` of shape ``(N, n_0)`` (rows are the inputs ``a_i``), targets ``F`` of shape ``(N,)`` (the values
  ``f(a_i) > 0``), the loss ``l(W) = (1/N) sum_i (f(a_i) - y(a_i, W))^2`` and
  ``l_lambda(W) = l(W) + lambda ||W||^2`` (so the decay contributes ``2 lambda I`` to the Hessian); the error is
  ``e_i = y(a_i, W) - f(a_i)``.

What is here: the network and its switches; the gradient and Hessian of ``y`` through ``A(a, W)^{-1}`` (Lemma 5 in
coordinates, with the switch mask that the Hessian needs, erratum E13) and of the loss; the directional
derivatives of Lemmas 5-6; the sets ``U_1, U_2, U_3`` of Lemma 9 and Theorem 4, the threshold
``(lambda - theta)/(2M)`` and the sharpened one; the lower-bound chain of Lemmas 7 and 9 at a point; a zero-loss
teacher and a sampler of points of ``U`` around it; the dropout factor ``rho``; the radial derivative that shows
that ``U`` contains no critical point (erratum E12); a damped Newton minimiser; and the 2-D weight-space slice.
Determinants and singular-value intervals come from :mod:`landscapelab.kernels`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np

from . import kernels
from ._validate import as_float_array, choice, positive_int

__all__ = [
    "check_dims", "n_weights", "flatten", "unflatten", "relu_output", "outputs", "switches", "masked_weights",
    "pre_activations", "is_differentiable", "same_region", "loss", "objective", "backprop_gradient",
    "y_derivatives", "per_example_derivatives", "loss_derivatives", "direction_matrix", "jacobi_derivatives",
    "lemma6_derivatives", "active_paths", "leibniz_cycles", "max_norm_1", "M_constant", "threshold",
    "sharpened_threshold", "in_U1", "in_U2", "in_U3", "Membership", "membership", "Teacher", "teacher",
    "sample_U", "active_edges", "rho", "rho_max", "dropout_rho", "BoundChain", "bound_chain",
    "radial_derivative", "e12_lower_bound", "minimize", "rescaling_directions", "aligned_pairs", "split_family",
    "weight_slice",
]


# ------------------------------------------------------------------------------------------------ shapes
def check_dims(dims) -> tuple:
    """Validate the widths ``(n_0, n_1, ..., n_H, 1)`` (at least one weight matrix, scalar output)."""
    if isinstance(dims, (str, bytes)) or not isinstance(dims, (Sequence, np.ndarray)):
        raise TypeError(f"dims: expected a sequence of positive integers (n_0, ..., n_H, 1), got "
                        f"{type(dims).__name__}")
    dims = tuple(positive_int(d.item() if isinstance(d, np.generic) else d, f"dims[{i}]")
                 for i, d in enumerate(dims))
    if len(dims) < 2 or dims[-1] != 1:
        raise ValueError(f"dims: expected (n_0, ..., n_H, 1) with a scalar output, got {dims}")
    return dims


def n_weights(dims) -> int:
    """``m = sum_k n_k n_(k+1)``, the number of weights."""
    dims = check_dims(dims)
    return int(sum(p * q for p, q in zip(dims[:-1], dims[1:])))


def _dims_of(weights) -> tuple:
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or len(weights) == 0:
        raise TypeError("weights: expected a non-empty list [W_0, ..., W_H] of 2-D arrays in Milne's layout, "
                        f"got {type(weights).__name__}")
    shapes = [np.shape(W) for W in weights]
    for k, s in enumerate(shapes):
        if len(s) != 2:
            raise ValueError(f"weights[{k}]: expected a 2-D array, got shape {s}")
        if k and s[0] != shapes[k - 1][1]:
            raise ValueError(f"weights[{k}]: expected {shapes[k - 1][1]} rows (width of layer {k}), got {s}")
    if shapes[-1][1] != 1:
        raise ValueError(f"weights[{len(shapes) - 1}]: the output is scalar, expected 1 column, got {shapes[-1]}")
    return tuple([shapes[0][0]] + [s[1] for s in shapes])


def flatten(weights) -> np.ndarray:
    """The flat weight vector: ``W_0, ..., W_H`` concatenated, each row-major."""
    _dims_of(weights)
    return np.concatenate([as_float_array(W, f"weights[{k}]", ndim=2).ravel() for k, W in enumerate(weights)])


def unflatten(w, dims) -> list:
    """The list ``[W_0, ..., W_H]`` (``W_k`` of shape ``(n_k, n_(k+1))``) from the flat vector ``w``
    (autograd boxes pass through, so that functions of the flat vector stay differentiable)."""
    dims = check_dims(dims)
    m = n_weights(dims)
    w = as_float_array(w, "w", shape=(m,))
    mats, start = [], 0
    for p, q in zip(dims[:-1], dims[1:]):
        mats.append(anp.reshape(w[start:start + p * q], (p, q)))
        start += p * q
    return mats


def _data(X, F, dims):
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != dims[0] or X.shape[0] == 0:
        raise ValueError(f"X: expected shape (N, {dims[0]}) with N >= 1, got {X.shape}")
    if F is None:
        return X, None
    F = as_float_array(F, "F", shape=(X.shape[0],))
    return X, F


def _nonnegative_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected a non-negative integer, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {value}")
    return int(value)


def _positive_targets(F):
    if np.any(F <= 0):
        raise ValueError(f"F: Milne's theory needs positive targets f(a_i) > 0, got min(F) = {float(F.min())}")


def _real(value, name, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name}: expected a number {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and value >= high:
        raise ValueError(f"{name}: expected a number < {high}, got {value}")
    return value


# ------------------------------------------------------------------------------------------------ network
def _relu(z):
    return anp.where(z > 0, z, 0.0)


def outputs(X, weights):
    """``y(a_i, W)`` for every row ``a_i`` of ``X`` (eq. 1), shape ``(N,)``; autograd-differentiable in the
    weights (the ReLU has derivative 0 at 0, matching the switches of eq. 2)."""
    dims = _dims_of(weights)
    X, _ = _data(X, None, dims)
    h = X
    for W in weights:
        h = _relu(anp.dot(h, W))
    return h[:, 0]


def relu_output(a, weights):
    """Milne's eq. 1 for one input ``a`` of shape ``(n_0,)``: a float (or an autograd box)."""
    a = as_float_array(a, "a", ndim=1)
    return outputs(anp.reshape(a, (1, -1)), weights)[0]


def pre_activations(X, weights) -> list:
    """The pre-activations ``z_k = W_(k-1)^T h_(k-1)`` of layers ``1..H+1``, each of shape ``(N, n_k)``."""
    dims = _dims_of(weights)
    X, _ = _data(X, None, dims)
    h, zs = X, []
    for W in weights:
        z = h @ np.asarray(W, dtype=float)
        zs.append(z)
        h = np.where(z > 0, z, 0.0)
    return zs


def switches(a, weights) -> list:
    """The switches of eq. 2 as 0/1 vectors ``[s_0, s_1, ..., s_(H+1)]`` (``s_0`` all ones, ``s_(H+1)`` the output
    switch)."""
    a = as_float_array(a, "a", ndim=1)
    zs = pre_activations(a[None, :], weights)
    return [np.ones(a.size)] + [(z[0] > 0).astype(float) for z in zs]


def masked_weights(a, weights) -> list:
    """``V_k = S_k W_k S_(k+1)`` (the paper's ``V_i``, with the order corrected, erratum E3), so that
    ``y = a^T V_0 V_1 ... V_H``."""
    s = switches(a, weights)
    return [s[k][:, None] * np.asarray(W, dtype=float) * s[k + 1][None, :] for k, W in enumerate(weights)]


def is_differentiable(w, X, dims, margin: float = 0.0) -> bool:
    """Whether every pre-activation (hidden and output) on every input has ``|z| > margin``: then the switches are
    locally constant and ``l`` is smooth near ``w`` (the paper's "differentiable point")."""
    dims = check_dims(dims)
    zs = pre_activations(X, unflatten(w, dims))
    return bool(all(np.all(np.abs(z) > margin) for z in zs))


def same_region(w1, w2, X, dims) -> bool:
    """Whether two weight vectors give the same switches on every input (the same piece ``B_i`` of Theorem 4)."""
    dims = check_dims(dims)
    z1 = pre_activations(X, unflatten(w1, dims))
    z2 = pre_activations(X, unflatten(w2, dims))
    return bool(all(np.array_equal(p > 0, q > 0) for p, q in zip(z1, z2)))


# ------------------------------------------------------------------------------------------------ loss
def loss(w, X, F, dims, lam: float = 0.0):
    """``l_lambda(W) = (1/N) sum_i (f(a_i) - y(a_i, W))^2 + lambda ||W||^2`` at the flat weights ``w``
    (autograd-differentiable; ``lam=0`` gives ``l``)."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    lam = _real(lam, "lam", low=0.0)
    e = outputs(X, unflatten(w, dims)) - F
    return anp.mean(e ** 2) + lam * anp.sum(w ** 2)


def objective(X, F, dims, lam: float = 0.0):
    """``w -> l_lambda(w)`` as a function of the flat weights, for :func:`landscapelab.hessian`,
    :func:`landscapelab.eigenvalues` and friends. It carries exact ``.gradient(w)`` and ``.hvp(w, v)`` passes
    through ``A^{-1}`` (:func:`loss_derivatives`), which the curvature functions use instead of autograd."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    lam = _real(lam, "lam", low=0.0)

    def f(w):
        return loss(w, X, F, dims, lam)

    def gradient(w):
        return loss_derivatives(w, X, F, dims, lam)[1]

    def hvp(w, v):
        return np.asarray(v) @ loss_derivatives(w, X, F, dims, lam)[2]

    f.gradient = gradient
    f.hvp = hvp
    f.dims, f.X, f.F, f.lam = dims, X, F, lam
    return f


# ------------------------------------------------------------------------------------------------ derivatives
def _layout(dims):
    """For each flat weight p = (layer l, row j, column k): its row r_p and column c_p in A (0-based), and the
    positions of its two neurons in the concatenated switch vector (layers 0..H+1)."""
    soff = np.concatenate([[0], np.cumsum(dims)])
    r, c, src, dst = [], [], [], []
    for l_ in range(len(dims) - 1):
        j, k = np.divmod(np.arange(dims[l_] * dims[l_ + 1]), dims[l_ + 1])
        src.append(soff[l_] + j)
        dst.append(soff[l_ + 1] + k)
    src, dst = np.concatenate(src), np.concatenate(dst)
    return src + 1, dst + 1, src, dst


def backprop_gradient(a, weights) -> np.ndarray:
    """``dy/dW`` by backpropagation (flat, in the order of :func:`flatten`): ``dy/dW_l[j, k] = h_l[j] delta_(l+1)[k]``.
    An oracle independent of the determinant formula."""
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
    Where y = 0 (dead output: A is singular), y vanishes near the point and both derivatives are 0.
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
        Ainv = np.linalg.inv(A[live])
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


def y_derivatives(a, weights, mask: bool = True):
    """``(y, grad y, Hess y)`` at one input by the determinant route (Lemma 5 in coordinates).

    With ``p = (l, j, k)`` the weight at ``A[r_p, c_p]``: ``dy/dw_p = y (A^{-1})[c_p, r_p]`` (the adjugate; no mask
    needed) and ``d2y/dw_p dw_q = y [(A^{-1})[c_p, r_p] (A^{-1})[c_q, r_q] - (A^{-1})[c_p, r_q] (A^{-1})[c_q, r_p]]
    mask_p mask_q``, where ``mask_p = 1`` when edge p is active. The mask is mandatory (erratum E13);
    ``mask=False`` gives the wrong unmasked formula for comparison. The Hessian's diagonal is exactly 0 (y is
    multi-affine in the weights)."""
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    w = flatten(weights)
    y, g, Hy, _, _ = _batched_quantities(w[None, :], a[None, :], dims, mask=mask)
    return float(y[0, 0]), g[0, 0], Hy[0, 0]


def per_example_derivatives(w, X, dims, mask: bool = True):
    """``(y, G, Hy)`` for every input: ``y`` of shape ``(N,)``, gradients ``(N, m)``, Hessians ``(N, m, m)``."""
    dims = check_dims(dims)
    X, _ = _data(X, None, dims)
    w = as_float_array(w, "w", shape=(n_weights(dims),))
    y, g, Hy, _, _ = _batched_quantities(w[None, :], X, dims, mask=mask)
    return y[0], g[0], Hy[0]


def loss_derivatives(w, X, F, dims, lam: float = 0.0):
    """``(l_lambda, gradient, Hessian)`` at ``w`` through ``A^{-1}``:
    ``grad = (2/N) sum_i e_i grad y_i + 2 lambda w`` and
    ``Hess = (2/N) sum_i (grad y_i grad y_i^T + e_i Hess y_i) + 2 lambda I``."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    lam = _real(lam, "lam", low=0.0)
    w = as_float_array(w, "w", shape=(n_weights(dims),))
    y, g, Hy = per_example_derivatives(w, X, dims)
    e = y - F
    N = X.shape[0]
    value = float(np.mean(e ** 2) + lam * w @ w)
    grad = 2.0 / N * e @ g + 2.0 * lam * w
    hess = 2.0 / N * (g.T @ g + np.einsum("i,ipq->pq", e, Hy)) + 2.0 * lam * np.eye(w.size)
    return value, grad, hess


def direction_matrix(a, weights, direction, mask: bool = True) -> np.ndarray:
    """The matrix ``X_i`` with ``A(a_i, W + tX) = A(a_i, W) + t X_i`` for small t (section 3.2): the blocks
    ``S_k X_k S_(k+1)`` in the positions of ``V_k``. ``direction`` is a flat weight vector. With ``mask=False`` the
    unmasked blocks ``X_k`` (not the derivative of A, erratum E13)."""
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    r, c, src, dst = _layout(dims)
    s = np.concatenate(switches(a, weights))
    n = sum(dims) + 1
    M = np.zeros((n, n))
    M[r, c] = v * (s[src] * s[dst] if mask else 1.0)
    return M


def jacobi_derivatives(A, Xm):
    """Lemma 5: ``(d/dt, d2/dt2) det(A + t X)`` at ``t = 0`` for invertible ``A``, i.e.
    ``(det A tr M, det A (tr(M)^2 - tr(M^2)))`` with ``M = A^{-1} X`` (Jacobi's formula and its derivative)."""
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
    ``(2/N) sum det(A_i)^2 tr(M_i)^2 + (2/N) sum e_i det A_i (tr(M_i)^2 - tr(M_i^2))``. Needs ``y_i != 0``."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    weights = unflatten(w, dims)
    d1 = d2 = 0.0
    for a, f in zip(X, F):
        A = kernels.milne_matrix(a, weights)
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


# ------------------------------------------------------------------------------------------------ paths
def active_paths(a, weights):
    """The input-to-output paths ``(j_0, ..., j_H)`` whose term ``a_(j_0) prod_k (V_k)[j_k, j_(k+1)]`` is non-zero,
    with those terms (eq. 8), by brute force over all ``n_0 n_1 ... n_H`` paths."""
    V = masked_weights(a, weights)
    a = np.asarray(a, dtype=float)
    paths, terms = [], []
    for path in np.ndindex(*[Vk.shape[0] for Vk in V]):
        term = a[path[0]]
        for k, j in enumerate(path):
            term *= V[k][j, path[k + 1] if k + 1 < len(path) else 0]
        if term != 0.0:
            paths.append(tuple(int(j) for j in path))
            terms.append(float(term))
    return paths, np.array(terms)


def leibniz_cycles(A):
    """The non-zero Leibniz terms of ``det A`` as cycle notation (1-based, as in the paper), with sign, raw product
    and signed term: a list of ``(cycles, sign, product, term)``; fixed points are left out of ``cycles``."""
    perms, signs, products = kernels.leibniz_terms(A)
    out = []
    for perm, sign, prod in zip(perms, signs, products):
        seen, cycles = set(), []
        for i in range(perm.size):
            if i in seen or perm[i] == i:
                continue
            cyc, j = [], i
            while j not in seen:
                seen.add(j)
                cyc.append(j + 1)
                j = int(perm[j])
            cycles.append(tuple(cyc))
        out.append((cycles, float(sign), float(prod), float(sign * prod)))
    return out


# ------------------------------------------------------------------------------------------------ the set U
def max_norm_1(weights) -> float:
    """``n(W)``: the largest 1-norm of any row or column of any ``W_k`` (Theorem 1; the set U_1 of eq. 26)."""
    _dims_of(weights)
    return float(max(max(np.abs(W).sum(axis=0).max(), np.abs(W).sum(axis=1).max()) for W in
                     (np.asarray(W, dtype=float) for W in weights)))


def M_constant(F, beta, H) -> float:
    """``M(f, beta, H) = (3/2) max_i f(a_i) + beta^(H+2)`` (Lemma 9)."""
    F = as_float_array(F, "F", ndim=1)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    H = _nonnegative_int(H, "H")
    return float(1.5 * F.max() + beta ** (H + 2))


def threshold(F, beta, H, lam, theta) -> float:
    """Theorem 4's bound on ``sqrt(l)``: ``(lambda - theta) / (2 M)`` (the set U_3)."""
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=lam)
    return (lam - theta) / (2.0 * M_constant(F, beta, H))


def sharpened_threshold(F, beta, H, lam, theta, rho_max: float = 1.0) -> float:
    """The bound on ``sqrt(l)`` that follows from Lemma 9 with the correct ``2 lambda`` (erratum E6) and the
    pointwise ``rho_max``: ``(2 lambda - theta) / (2 M rho_max)``; then ``lambda_min Hess l_lambda >= theta``."""
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=2 * lam)
    rho_max = _real(rho_max, "rho_max", low=0.0, low_open=True)
    return (2 * lam - theta) / (2.0 * M_constant(F, beta, H) * rho_max)


def in_U1(w, dims, beta) -> bool:
    """Eq. 26: every row and column of every ``W_k`` has 1-norm ``< beta - 1`` (strict)."""
    dims = check_dims(dims)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    return max_norm_1(unflatten(w, dims)) < beta - 1


def in_U2(w, X, F, dims) -> bool:
    """Eq. 27: ``|e(a_i, W)| < f(a_i)/2`` for every input."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    _positive_targets(F)
    y = outputs(X, unflatten(w, dims))
    return bool(np.all(np.abs(y - F) < F / 2))


def in_U3(w, X, F, dims, beta, lam, theta) -> bool:
    """Theorem 4: ``sqrt(l(W)) < (lambda - theta) / (2 M)``."""
    dims = check_dims(dims)
    return math.sqrt(float(loss(w, X, F, dims))) < threshold(F, beta, len(dims) - 2, lam, theta)


@dataclass
class Membership:
    """Where a weight vector stands with respect to Milne's set ``U = U_1 & U_2 & U_3`` (eq. 28)."""

    n_W: float                 # largest row/column 1-norm (U_1 needs < beta - 1)
    max_relative_error: float  # max_i |e_i| / f_i (U_2 needs < 1/2)
    sqrt_loss: float           # sqrt(l) (U_3 needs < threshold)
    threshold: float           # (lambda - theta) / (2 M)
    U1: bool
    U2: bool
    U3: bool
    differentiable: bool       # all pre-activations non-zero

    @property
    def U(self) -> bool:
        return self.U1 and self.U2 and self.U3


def membership(w, X, F, dims, beta, lam, theta) -> Membership:
    """The quantities behind ``U_1``, ``U_2``, ``U_3`` at ``w`` (also checks that ``||a_i||_1 <= beta - 1``)."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    _positive_targets(F)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    if np.abs(X).sum(axis=1).max() > beta - 1 + 1e-12:
        raise ValueError(f"X: Lemma 9 needs ||a_i||_1 <= beta - 1 = {beta - 1:g}, got "
                         f"{np.abs(X).sum(axis=1).max():g}")
    weights = unflatten(w, dims)
    y = outputs(X, weights)
    rel = float(np.max(np.abs(y - F) / F))
    sq = float(np.sqrt(np.mean((y - F) ** 2)))
    thr = threshold(F, beta, len(dims) - 2, lam, theta)
    nW = max_norm_1(weights)
    return Membership(nW, rel, sq, thr, nW < beta - 1, rel < 0.5, sq < thr, is_differentiable(w, X, dims))


# ------------------------------------------------------------------------------------------------ teacher, sampler
@dataclass
class Teacher:
    """A zero-loss teacher: targets ``F = y(X, W*)`` with ``W*`` in U_1 and every output positive."""

    dims: tuple
    w: np.ndarray        # flat W*
    X: np.ndarray        # (N, n_0), ||a_i||_1 = beta - 1
    F: np.ndarray        # (N,), positive
    beta: float

    @property
    def weights(self) -> list:
        return unflatten(self.w, self.dims)

    @property
    def H(self) -> int:
        return len(self.dims) - 2


def teacher(dims, N: int, beta: float, seed: int = 0, scale: float = 0.8, margin: float = 1e-6,
            max_tries: int = 1000) -> Teacher:
    """Draw a zero-loss teacher for Milne's setting.

    Inputs ``a_i = (beta - 1) u_i / ||u_i||_1`` (Gaussian ``u_i``), so ``||a_i||_1 = beta - 1``. Weights are
    Gaussian with a non-negative last layer (pitfall P14), each ``W_k`` rescaled so that its largest row/column
    1-norm is ``scale (beta - 1)`` (inside U_1). Draws are repeated until every output is positive and every
    pre-activation has ``|z| > margin * max|z|`` (a differentiable point with room around it).
    """
    dims = check_dims(dims)
    N = positive_int(N, "N")
    beta = _real(beta, "beta", low=1.0, low_open=True)
    scale = _real(scale, "scale", low=0.0, low_open=True, high=1.0)
    rng = np.random.default_rng(seed)
    for _ in range(max_tries):
        U = rng.standard_normal((N, dims[0]))
        X = (beta - 1) * U / np.abs(U).sum(axis=1, keepdims=True)
        mats = []
        for k, (p, q) in enumerate(zip(dims[:-1], dims[1:])):
            W = rng.standard_normal((p, q))
            if k == len(dims) - 2:
                W = np.abs(W)
            W *= scale * (beta - 1) / max(np.abs(W).sum(axis=0).max(), np.abs(W).sum(axis=1).max())
            mats.append(W)
        zs = pre_activations(X, mats)
        big = max(np.abs(z).max() for z in zs)
        if np.all(zs[-1] > 0) and all(np.all(np.abs(z) > margin * big) for z in zs):
            w = flatten(mats)
            return Teacher(dims, w, X, outputs(X, mats), beta)
    raise RuntimeError(f"teacher: no admissible draw in {max_tries} tries for dims={dims}, N={N}")


def sample_U(t: Teacher, lam: float, theta: float, n: int = 200, radii=(1e-6, 1e-2), seed: int = 0):
    """Points ``W = W* + delta z`` around the teacher, ``z`` uniform on the unit sphere and ``delta`` log-uniform
    in ``radii``, kept when they lie in ``U`` (eq. 28) and are differentiable points. Returns
    ``(points (K, m), deltas (K,))`` with ``K <= n`` (the draws outside ``U`` are dropped)."""
    if not isinstance(t, Teacher):
        raise TypeError(f"t: expected a Teacher, got {type(t).__name__}")
    n = positive_int(n, "n")
    lo, hi = (_real(r, "radii", low=0.0, low_open=True) for r in radii)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, t.w.size))
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    deltas = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    keep, pts = [], []
    for z, d in zip(Z, deltas):
        w = t.w + d * z
        mem = membership(w, t.X, t.F, t.dims, t.beta, lam, theta)
        if mem.U and mem.differentiable:
            keep.append(d)
            pts.append(w)
    return np.array(pts).reshape(len(pts), t.w.size), np.array(keep)


# ------------------------------------------------------------------------------------------------ rho, dropout
def active_edges(w, X, dims) -> np.ndarray:
    """``P[i, p] = 1`` when weight ``p`` is active on input ``a_i`` (both its neurons on), shape ``(N, m)``; then
    ``||X_i||^2 = sum_p P[i, p] x_p^2``."""
    dims = check_dims(dims)
    X, _ = _data(X, None, dims)
    w = as_float_array(w, "w", shape=(n_weights(dims),))
    return _batched_switches(w[None, :], X, dims)[1][0]


def rho(w, X, dims, direction) -> float:
    """Lemma 9's ``rho(W, X) = N^(-1/2) (sum_i (||X_i|| / ||X||)^4)^(1/2) <= 1``."""
    dims = check_dims(dims)
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    nv = float(v @ v)
    if nv == 0.0:
        raise ValueError("direction: expected a non-zero direction")
    ratio = active_edges(w, X, dims) @ (v ** 2) / nv
    return float(np.sqrt(np.mean(ratio ** 2)))


def rho_max(w, X, dims) -> float:
    """``sup_X rho(W, X) = sqrt(max_p (1/N) #{i: p active on a_i})`` (convex in ``x_p^2 / ||x||^2``, so attained at a
    basis vector)."""
    return float(np.sqrt(active_edges(w, X, dims).mean(axis=0).max()))


def dropout_rho(w, X, dims, eta: float, mask: str = "example", directions: int = 200, seed: int = 0):
    """``rho(W, X)`` under dropout of the hidden neurons with probability ``eta`` (the paper's consequence 1).

    ``mask="example"`` draws an independent neuron mask per input (standard dropout); ``mask="batch"`` one mask
    for the whole batch. Dropped neurons output 0, which switches them off. Returns ``(rhos, rho_max)``: ``rho``
    for ``directions`` random Gaussian directions, and the supremum over directions.
    """
    dims = check_dims(dims)
    X, _ = _data(X, None, dims)
    eta = _real(eta, "eta", low=0.0, high=1.0)
    choice(mask, "mask", ("example", "batch"))
    directions = positive_int(directions, "directions")
    rng = np.random.default_rng(seed)
    weights = unflatten(w, dims)
    N = X.shape[0]
    keeps = []
    for q in dims[1:-1]:
        shape = (N, q) if mask == "example" else (1, q)
        keeps.append(np.broadcast_to(rng.random(shape) >= eta, (N, q)).astype(float))
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
        return [self.exact, self.lemma9_C, self.sigma_step, self.M_step, self.rho_step, self.rho_max_step,
                self.rho_one_step]


def bound_chain(w, X, F, dims, beta, direction) -> BoundChain:
    """Evaluate the lower-bound chain of Lemmas 7 and 9 at ``w`` along ``direction``; needs ``w`` in
    ``U_1 & U_2`` (so that every ``y_i > f_i/2 > 0``)."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    _positive_targets(F)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    v = as_float_array(direction, "direction", shape=(n_weights(dims),))
    w = as_float_array(w, "w", shape=(n_weights(dims),))
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
        sA.append(np.linalg.svd(kernels.milne_matrix(a, weights), compute_uv=False)[-1])
        sC.append(np.linalg.svd(kernels.c_core_matrix(a, weights, beta), compute_uv=False)[-1])
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


# ------------------------------------------------------------------------------------------------ E12, minimisers
def radial_derivative(w, X, F, dims, lam) -> float:
    """``d/dt l_lambda((1 + t) W)`` at 0, i.e. ``<grad l_lambda, W>``. The network is positively homogeneous of
    degree ``H + 1``, so this equals ``(2 (H+1)/N) sum_i e_i y_i + 2 lambda ||W||^2`` at every point."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    lam = _real(lam, "lam", low=0.0)
    w = as_float_array(w, "w", shape=(n_weights(dims),))
    y = outputs(X, unflatten(w, dims))
    H = len(dims) - 2
    return float(2.0 * (H + 1) * np.mean((y - F) * y) + 2.0 * lam * w @ w)


def e12_lower_bound(w, F, dims, beta, lam) -> float:
    """The reading note's bound (section 4.8): on ``U``, the radial derivative is at least
    ``2 lambda ||W||^2 (1 - (H+1)(beta-1)^H / (4M))``, which is positive for every ``H >= 1``; so ``U`` holds no
    critical point of ``l_lambda`` (erratum E12)."""
    dims = check_dims(dims)
    w = as_float_array(w, "w", shape=(n_weights(dims),))
    F = as_float_array(F, "F", ndim=1)
    H = len(dims) - 2
    lam = _real(lam, "lam", low=0.0)
    return float(2.0 * lam * (w @ w) * (1.0 - (H + 1) * (beta - 1) ** H / (4.0 * M_constant(F, beta, H))))


def minimize(w0, X, F, dims, lam, tol: float = 1e-12, max_steps: int = 200):
    """Damped Newton for ``l_lambda`` from ``w0`` (Levenberg-style damping plus backtracking), within the
    activation region structure of the ReLU net. Returns ``(w, gradient norm, steps)``."""
    dims = check_dims(dims)
    X, F = _data(X, F, dims)
    lam = _real(lam, "lam", low=0.0)
    w = as_float_array(w0, "w0", shape=(n_weights(dims),)).copy()
    value, grad, hess = loss_derivatives(w, X, F, dims, lam)
    damping = 1e-3
    steps = 0
    for steps in range(1, max_steps + 1):
        if np.linalg.norm(grad) <= tol:
            break
        evals = np.linalg.eigvalsh(hess)
        shift = max(0.0, -evals[0]) + damping * max(1.0, abs(evals[-1]))
        step = -np.linalg.solve(hess + shift * np.eye(w.size), grad)
        t = 1.0
        while t > 1e-12:
            trial = w + t * step
            tv = float(loss(trial, X, F, dims, lam))
            if tv <= value:
                break
            t *= 0.5
        if t <= 1e-12:
            damping *= 10.0
            continue
        w = trial
        value, grad, hess = loss_derivatives(w, X, F, dims, lam)
        damping = max(damping / 10.0, 1e-12)
    return w, float(np.linalg.norm(grad)), steps


def rescaling_directions(w, dims) -> np.ndarray:
    """For each hidden neuron, the tangent of the rescaling ``W_(l-1)[:, j] c, W_l[j, :] / c`` at ``c = 1``:
    ``(W_(l-1)[:, j], -W_l[j, :])`` in flat coordinates; ``y`` is constant along it. Shape ``(#hidden, m)``."""
    dims = check_dims(dims)
    weights = unflatten(as_float_array(w, "w", shape=(n_weights(dims),)), dims)
    offs = np.concatenate([[0], np.cumsum([p * q for p, q in zip(dims[:-1], dims[1:])])])
    rows = []
    for l_ in range(1, len(dims) - 1):
        for j in range(dims[l_]):
            v = np.zeros(offs[-1])
            prev = np.zeros((dims[l_ - 1], dims[l_]))
            prev[:, j] = weights[l_ - 1][:, j]
            nxt = np.zeros((dims[l_], dims[l_ + 1]))
            nxt[j, :] = -weights[l_][j, :]
            v[offs[l_ - 1]:offs[l_]] = prev.ravel()
            v[offs[l_]:offs[l_ + 1]] = nxt.ravel()
            rows.append(v)
    return np.array(rows)


def aligned_pairs(w, X, dims, tol: float = 1e-9) -> list:
    """Pairs ``(j, k)`` of hidden neurons of a one-hidden-layer net with the same activation pattern on the data
    and parallel incoming weights (cosine > 1 - tol). Such a pair computes ``(v_j ||u_j|| + v_k ||u_k||)
    relu(d . a)`` on the data, so only the sum of their contributions matters (see :func:`split_family`)."""
    dims = check_dims(dims)
    if len(dims) != 3:
        raise ValueError(f"dims: aligned_pairs is for one hidden layer (n_0, n_1, 1), got {dims}")
    X, _ = _data(X, None, dims)
    W0, W1 = unflatten(w, dims)
    on = (X @ W0) > 0
    norms = np.linalg.norm(W0, axis=0)
    pairs = []
    for j in range(dims[1]):
        for k in range(j + 1, dims[1]):
            if norms[j] > 0 and norms[k] > 0 and np.array_equal(on[:, j], on[:, k]) and on[:, j].any():
                if W0[:, j] @ W0[:, k] / (norms[j] * norms[k]) > 1 - tol and W1[j, 0] * W1[k, 0] > 0:
                    pairs.append((j, k))
    return pairs


def split_family(w, dims, j: int, k: int, count: int = 9, span=None) -> np.ndarray:
    """Weight vectors that redistribute the contributions ``q = v ||u||`` of two aligned hidden neurons ``j, k``
    (one hidden layer, same sign of the outgoing weights) while keeping each neuron balanced (``||u|| = |v|``):
    ``q_j = Q cos^2 phi``, ``q_k = Q sin^2 phi``. Along the family the outputs on the data (the neurons share their
    activation pattern) and ``||W||^2 = 2 (|q_j| + |q_k|) + rest`` are constant, so ``l_lambda`` is constant. ``phi``
    runs over ``[0.1, pi/2 - 0.1]`` or, with ``span``, over ``phi_0 +- span`` around the given point.
    Returns ``(count, m)``."""
    dims = check_dims(dims)
    if len(dims) != 3:
        raise ValueError(f"dims: split_family is for one hidden layer (n_0, n_1, 1), got {dims}")
    count = positive_int(count, "count")
    W0, W1 = (np.array(M) for M in unflatten(w, dims))
    direction = W0[:, j] / np.linalg.norm(W0[:, j])
    qj, qk = W1[j, 0] * np.linalg.norm(W0[:, j]), W1[k, 0] * np.linalg.norm(W0[:, k])
    if qj * qk <= 0:
        raise ValueError(f"j, k: the outgoing weights of neurons {j} and {k} must have the same sign")
    sign, Q = np.sign(qj), abs(qj) + abs(qk)
    phi0 = math.atan(math.sqrt(abs(qk) / abs(qj)))
    phis = np.linspace(0.1, math.pi / 2 - 0.1, count) if span is None else \
        np.linspace(phi0 - span, phi0 + span, count)
    out = []
    for phi in phis:
        A0, A1 = W0.copy(), W1.copy()
        for neuron, q in ((j, Q * math.cos(phi) ** 2), (k, Q * math.sin(phi) ** 2)):
            A0[:, neuron] = math.sqrt(q) * direction
            A1[neuron, 0] = sign * math.sqrt(q)
        out.append(flatten([A0, A1]))
    return np.array(out)


# ------------------------------------------------------------------------------------------------ 2-D slice
def weight_slice(t: Teacher, extent: float, grid: int = 41, lam: float = 0.05, theta: float = 0.025,
                 seed: int = 0, directions=None) -> dict:
    """The plane ``W* + s D_1 + u D_2`` (``|s|, |u| <= extent``, unit orthogonal random directions) sampled on a
    ``grid x grid`` lattice: activation-region labels, ``l``, ``lambda_min`` of ``Hess l``, membership of ``U``
    and the projected negative gradient of ``l_lambda`` (dictionary of arrays of shape ``(grid, grid)``).
    ``lambda_min Hess l_lambda = lambda_min Hess l + 2 lambda`` for any ``lambda``."""
    if not isinstance(t, Teacher):
        raise TypeError(f"t: expected a Teacher, got {type(t).__name__}")
    extent = _real(extent, "extent", low=0.0, low_open=True)
    grid = positive_int(grid, "grid")
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=lam)
    m = t.w.size
    if directions is None:
        D = np.linalg.qr(np.random.default_rng(seed).standard_normal((m, 2)))[0].T
    else:
        D = as_float_array(directions, "directions", shape=(2, m))
    coords = np.linspace(-extent, extent, grid)
    S, Uc = np.meshgrid(coords, coords, indexing="xy")
    Wb = t.w[None, :] + S.reshape(-1, 1) * D[0][None, :] + Uc.reshape(-1, 1) * D[1][None, :]
    y, g, Hy, _, s = _batched_quantities(Wb, t.X, t.dims)
    e = y - t.F[None, :]
    N = t.X.shape[0]
    hess = 2.0 / N * (np.einsum("gip,giq->gpq", g, g) + np.einsum("gi,gipq->gpq", e, Hy))
    lam_min = np.linalg.eigvalsh(hess)[:, 0]
    ell = np.mean(e ** 2, axis=1)
    grad = 2.0 / N * np.einsum("gi,gip->gp", e, g) + 2.0 * lam * Wb
    hidden = s[:, :, t.dims[0]:]                     # switches of layers 1..H+1 on every input
    _, labels = np.unique(hidden.reshape(hidden.shape[0], -1) > 0, axis=0, return_inverse=True)
    nW = np.array([max_norm_1(unflatten(wv, t.dims)) for wv in Wb])
    thr = threshold(t.F, t.beta, t.H, lam, theta)
    inU = (nW < t.beta - 1) & np.all(np.abs(e) < t.F[None, :] / 2, axis=1) & (np.sqrt(ell) < thr)
    shape = (grid, grid)
    return {"s": S, "u": Uc, "labels": labels.reshape(shape), "loss": ell.reshape(shape),
            "lam_min": lam_min.reshape(shape), "in_U": inU.reshape(shape), "threshold": thr,
            "grad_s": -(grad @ D[0]).reshape(shape), "grad_u": -(grad @ D[1]).reshape(shape),
            "weight_norm2": np.sum(Wb ** 2, axis=1).reshape(shape), "directions": D, "extent": extent}
