"""Milne's determinant formula: the matrix A(a, W), its determinant and its relatives (Numba kernels).

Milne (2018, arXiv:1810.12805 v1), section 3.2, writes the output of a bias-free ReLU network with a ReLU'd scalar
output (his eq. 1) as a determinant. Layers ``0..H+1`` have widths ``n_0, ..., n_H, 1``; the weights are given in
the paper's layout, ``weights[k]`` of shape ``(n_k, n_{k+1})`` (row = neuron of layer k, column = neuron of layer
k+1), so ``y(a, W) = sigma(W_H^T sigma(... sigma(W_0^T a)))``.

Index layout of the ``n x n`` matrix (``n = n_0 + ... + n_H + 2``; 0-based here, 1-based in the paper): index 0 is
an auxiliary row/column, then the blocks ``J_0, ..., J_H`` of the layers, and the last index ``n - 1`` is the
output. The non-zero entries of ``A(a, W)`` (eq. 7, corrected) are

* ``A[0, J_0] = a``;
* ``A[J_k, J_k] = I`` (``k = 0..H``);
* ``A[J_k, J_{k+1}] = V_k = S_k W_k S_{k+1}`` (``J_{H+1} = {n-1}``), with the switches ``S_k`` of eq. 2
  (``S_0 = I``, ``S_k = diag(1[z_k > 0])``; the output switch ``S_{H+1}`` is included since the output is ReLU'd).
  The paper prints ``V_i = S_{i+1} W_i S_i``, which does not conform (the book's erratum E3);
* the corner ``A[n-1, 0] = (-1)^H``. **The paper prints (-1)^(H+1)** (erratum E1), which gives ``det A = -y``;
  ``corner="paper"`` builds that matrix so that the error can be shown.

Then ``det A(a, W) = y(a, W)`` (Lemma 3). The non-zero Leibniz terms are the input-to-output paths; each path
permutation is the ``(H+3)``-cycle ``(0 j_0 j_1 ... j_H n-1)`` of sign ``(-1)^H`` (erratum E2: the paper counts
``H+1`` transpositions instead of ``H+2``).

Sections 3.4-3.5: the matrices ``C`` with the identity blocks replaced by diagonal blocks ``D_k`` and the two zero
diagonal entries removed, with the corrected signs (erratum E5): top-left ``-c = (-1)^(H+1)``, bottom-right
``gamma = (-1)^(H+1) beta``, so that ``det C = y + beta^(H+2)`` for every H.

Every public function validates its input and then calls an ``@njit(cache=True)`` kernel that loops over plain
arrays and writes into preallocated outputs. :mod:`landscapelab.convexity.reference` has a NumPy twin of each
public function with the same name and signature.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from .._numba import njit

from ..kernels.determinant import _all_finite, _is_complex
from .._validate import as_float_array, choice, positive_int

__all__ = ["milne_matrix", "milne_det", "c_matrix", "c_core_matrix", "c_core_kappa", "CORNERS"]

#: ``"corrected"``: corner ``(-1)^H`` (det A = y); ``"paper"``: the printed ``(-1)^(H+1)`` (det A = -y).
CORNERS = ("corrected", "paper")




def _real_only(value, name):
    """Refuse complex numbers: the ReLU switches compare pre-activations with 0, which needs real numbers."""
    if _is_complex(value):
        raise TypeError(f"{name}: expected real numbers (the ReLU switches need an order), got complex values")


def _as_matrix(W, name):
    """Light-weight conversion (no finiteness check; the caller checks all weights at once)."""
    _real_only(W, name)
    return as_float_array(W, name, ndim=2, finite=False)


def _check_input(a):
    """Validate one input vector ``a`` (real, finite, 1-D, non-empty); return it as a contiguous float64 array."""
    _real_only(a, "a")
    a = as_float_array(a, "a", ndim=1)
    if a.size == 0:
        raise ValueError("a: expected a non-empty input vector, got shape (0,)")
    return np.ascontiguousarray(a, dtype=np.float64)


def _check_weights(weights, rows=None):
    """Validate ``weights`` in Milne's layout (``rows``: the input width, None to take it from ``W_0``); return
    (flat weights, dims) with dims = (n_0, ..., n_H, 1)."""
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or len(weights) == 0:
        raise TypeError("weights: expected a non-empty list [W_0, ..., W_H] of 2-D arrays, W_k of shape "
                        f"(n_k, n_(k+1)) and W_H of shape (n_H, 1); got {type(weights).__name__}")
    mats = [_as_matrix(W, f"weights[{k}]") for k, W in enumerate(weights)]
    if rows is None:
        rows = mats[0].shape[0]
        if rows == 0:
            raise ValueError(f"weights[0]: expected at least one row (the input width), got {mats[0].shape}")
    n0 = rows
    for k, W in enumerate(mats):
        if W.shape[0] != rows or W.shape[1] == 0:
            want = f"({rows}, n_{k + 1})" if k < len(mats) - 1 else f"({rows}, 1)"
            raise ValueError(f"weights[{k}]: expected shape {want} (rows = width of layer {k}), got {W.shape}")
        rows = W.shape[1]
    if rows != 1:
        raise ValueError(f"weights[{len(mats) - 1}]: the output is scalar, expected 1 column, got "
                         f"{mats[-1].shape}")
    dims = np.array([n0] + [W.shape[1] for W in mats], dtype=np.int64)
    flat = np.concatenate([W.ravel() for W in mats])
    if not _all_finite(flat):
        k = next(k for k, W in enumerate(mats) if not np.isfinite(W).all())
        raise ValueError(f"weights[{k}]: contains {int(mats[k].size - np.isfinite(mats[k]).sum())} non-finite "
                         "value(s)")
    return flat, dims


def _check_network(a, weights):
    """Validate (a, weights) in Milne's layout; return (a, flat weights, dims) with dims = (n_0, ..., n_H, 1)."""
    a = _check_input(a)
    flat, dims = _check_weights(weights, a.size)
    return a, flat, dims


def _corner_value(corner: str, H: int) -> float:
    choice(corner, "corner", CORNERS)
    return float((-1) ** H if corner == "corrected" else (-1) ** (H + 1))


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta: expected a real number > 1, got {type(beta).__name__}")
    if not (math.isfinite(beta) and beta > 1):
        raise ValueError(f"beta: expected a finite real number > 1, got {beta}")
    return float(beta)


# ------------------------------------------------------------------------------------------------ kernels
@njit(cache=True)
def _forward_kernel(a, w, dims, h, s):
    """Forward pass of eq. 1. Writes h (post-activations) and s (switches, eq. 2) for layers 0..H+1, stored
    consecutively (layer k at offset dims[0] + ... + dims[k-1]); returns y."""
    n0 = dims[0]
    for j in range(n0):
        h[j] = a[j]
        s[j] = 1.0
    off = 0
    woff = 0
    for k in range(dims.size - 1):
        rows = dims[k]
        cols = dims[k + 1]
        nxt = off + rows
        acc = np.zeros(cols)          # a separate accumulator lets LLVM vectorise the row updates
        for j in range(rows):
            hj = h[off + j]
            if hj != 0.0:
                wr = w[woff + j * cols:woff + (j + 1) * cols]
                for c in range(cols):
                    acc[c] += hj * wr[c]
        for c in range(cols):
            if acc[c] > 0.0:
                s[nxt + c] = 1.0
                h[nxt + c] = acc[c]
            else:
                s[nxt + c] = 0.0
                h[nxt + c] = 0.0
        off = nxt
        woff += rows * cols
    return h[off]


@njit(cache=True)
def _fill_blocks(a, w, dims, s, diag, out):
    """The rows J_0..J_H shared by A, C and C_core: diagonal entries ``diag`` and V_k = S_k W_k S_{k+1}."""
    off = 1      # 0-based offset of J_k in the matrix
    soff = 0     # offset of layer k in s
    woff = 0
    for k in range(dims.size - 1):
        rows = dims[k]
        cols = dims[k + 1]
        for j in range(rows):
            r = off + j
            out[r, r] = diag[soff + j]
            sj = s[soff + j]
            if sj != 0.0:
                base = woff + j * cols
                for c in range(cols):
                    if s[soff + rows + c] != 0.0:
                        out[r, off + rows + c] = w[base + c]
        off += rows
        soff += rows
        woff += rows * cols


@njit(cache=True)
def _milne_matrix_kernel(a, w, dims, s, diag, corner, out):
    """Eq. 7: A(a, W) with diagonal blocks ``diag`` (ones for A itself) and the given corner."""
    n = out.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.0
    for j in range(dims[0]):
        out[0, 1 + j] = a[j]
    _fill_blocks(a, w, dims, s, diag, out)
    out[n - 1, 0] = corner


@njit(cache=True)
def _c_matrix_kernel(a, w, dims, s, diag, top_left, gamma, out):
    """Eq. 25 with corrected signs: rows 0 and n-1 of A(+gamma e_n) swapped, one of them negated."""
    n = out.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.0
    out[0, 0] = top_left
    _fill_blocks(a, w, dims, s, diag, out)
    for j in range(dims[0]):
        out[n - 1, 1 + j] = a[j]
    out[n - 1, n - 1] = gamma


@njit(cache=True)
def _milne_det_kernel(a, w, dims, corner, h, z):
    """det A(a, W) from the block structure in O(number of weights).

    Expanding along the last row (one non-zero, the corner c at column 0): det A = (-1)^(n+1) c det M, where M
    drops row n-1 and column 0. Moving M's first row (the input row) to the bottom costs (-1)^(n-2) and leaves
    [[U, v], [r^T, 0]] with U unit block-upper-triangular (identity diagonal blocks, V_k = S_k W_k S_(k+1) to
    their right; det U = 1), v = V_H in the last block row and r^T = (a^T, 0, ..., 0). The Schur complement gives
    det = -r^T U^{-1} v; the row vector z^T = r^T U^{-1} comes from block forward substitution,
    z_0 = a, z_(k+1) = -V_k^T z_k, so that altogether det A = (-1)^(n+1) c (-1)^(n-2) (-z_H^T v) = c z_H^T V_H.
    The switches S_(k+1) come from the forward pass (eq. 2), computed in the same sweep over the weights
    (h holds the post-activations, z the substitution vector; both of length n_0 + ... + n_H + 1).
    """
    for j in range(dims[0]):
        h[j] = a[j]
        z[j] = a[j]
    off = 0
    woff = 0
    for k in range(dims.size - 1):
        rows = dims[k]
        cols = dims[k + 1]
        nxt = off + rows
        acc_h = np.zeros(cols)
        acc_z = np.zeros(cols)
        for j in range(rows):
            hj = h[off + j]
            if hj != 0.0:            # h_j > 0 exactly when neuron j is on (S_k = 1); z_j is then used as is
                zj = z[off + j]
                wr = w[woff + j * cols:woff + (j + 1) * cols]
                for c in range(cols):
                    acc_h[c] += hj * wr[c]
                    acc_z[c] -= zj * wr[c]
        for c in range(cols):
            if acc_h[c] > 0.0:       # switch S_(k+1) on
                h[nxt + c] = acc_h[c]
                z[nxt + c] = acc_z[c]
            else:
                h[nxt + c] = 0.0
                z[nxt + c] = 0.0
        off = nxt
        woff += rows * cols
    # the last step produced z_(H+1) = -V_H^T z_H, so det A = c z_H^T V_H = -c z_(H+1)
    return -corner * z[off]



def milne_matrix(a, weights, corner: str = "corrected") -> np.ndarray:
    """Milne's matrix ``A(a, W)`` of eq. 7, with ``det A = y(a, W)`` (Lemma 3).

    Parameters
    ----------
    a : array (n_0,)
        Input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``, ``W_H`` of shape
        ``(n_H, 1)``.
    corner : {"corrected", "paper"}
        ``"corrected"`` puts ``(-1)^H`` in the bottom-left corner; ``"paper"`` the printed ``(-1)^(H+1)``
        (erratum E1: then ``det A = -y``).

    Returns
    -------
    array (n, n), ``n = n_0 + ... + n_H + 2``.

    Examples
    --------
    The book's worked example: input (1, 2), ``W_0 = [[1, 3], [1, -1]]``,
    ``W_1 = [[1], [2]]``, output 5.

    >>> A = milne_matrix([1.0, 2.0], [[[1.0, 3.0], [1.0, -1.0]], [[1.0], [2.0]]])
    >>> round(det(A), 12)
    5.0
    """
    a, w, dims = _check_network(a, weights)
    H = dims.size - 2
    total = int(dims.sum())
    h = np.empty(total)
    s = np.empty(total)
    _forward_kernel(a, w, dims, h, s)
    n = total + 1
    out = np.empty((n, n))
    _milne_matrix_kernel(a, w, dims, s, np.ones(total - 1), _corner_value(corner, H), out)
    return out


def milne_det(a, weights, corner: str = "corrected") -> float:
    """``det A(a, W)`` from the block structure (Laplace expansion, Schur complement, block back-substitution) in
    O(number of weights) instead of O(n^3); equal to the forward pass ``y(a, W)`` (to rounding) with the
    corrected corner, and to ``-y`` with ``corner="paper"``.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    corner : {"corrected", "paper"}
        The corner ``(-1)^H`` (``det A = y``) or the printed ``(-1)^(H+1)`` (``det A = -y``, erratum E1).

    Returns
    -------
    float
        ``det A(a, W)``: ``y`` with the corrected corner, ``-y`` with the printed one.
    """
    a, w, dims = _check_network(a, weights)
    H = dims.size - 2
    total = int(dims.sum())
    return float(_milne_det_kernel(a, w, dims, _corner_value(corner, H), np.empty(total), np.empty(total)))


def _c_parts(a, weights, beta, corner, gamma):
    a, w, dims = _check_network(a, weights)
    H = dims.size - 2
    beta = _check_beta(beta)
    c = _corner_value(corner, H)
    if gamma is None:
        gamma = (-1.0) ** (H + 1) * beta
    elif isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.integer, np.floating)) \
            or not math.isfinite(gamma):
        raise TypeError(f"gamma: expected a finite real number or None, got {gamma!r}")
    return a, w, dims, H, beta, c, float(gamma)


def c_core_matrix(a, weights, beta, corner: str = "corrected", gamma=None) -> np.ndarray:
    """``C_core(a, W; beta)``: eq. 25 without the widening of Lemma 8
    (a simplification of ours, see the book's convexity chapter).

    All diagonal blocks are ``D_k = beta I`` (k = 0..H), the top-left entry is ``-c`` (``c`` the corner of A) and
    the bottom-right entry is ``gamma``, by default ``(-1)^(H+1) beta`` (corrected signs, erratum E5). Then
    ``det C_core = kappa (y + beta^(H+2))`` with ``kappa = beta^(sum_k (n_k - 1))`` (see :func:`c_core_kappa`),
    and on Milne's set U_1 (rows and columns of every W_k of 1-norm < beta - 1, ``||a||_1 <= beta - 1``) every
    Qi interval starts at 1 or above, so ``sigma_min(C_core) >= 1``.

    ``corner="paper"`` with ``gamma=beta`` gives the paper's literal signs, for which ``det C_core / kappa`` is
    ``beta^(H+2) - y`` when H is even.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    corner : {"corrected", "paper"}
        The corner ``(-1)^H`` (``det A = y``) or the printed ``(-1)^(H+1)`` (``det A = -y``, erratum E1).
    gamma : float, optional
        The bottom-right entry; by default ``(-1)^(H+1) beta`` (erratum E5).

    Returns
    -------
    ndarray (n, n)
        ``C_core``.
    """
    a, w, dims, H, beta, c, gamma = _c_parts(a, weights, beta, corner, gamma)
    total = int(dims.sum())
    h = np.empty(total)
    s = np.empty(total)
    _forward_kernel(a, w, dims, h, s)
    out = np.empty((total + 1, total + 1))
    _c_matrix_kernel(a, w, dims, s, np.full(total - 1, beta), -c, gamma, out)
    return out


def c_core_kappa(weights, beta) -> float:
    """``kappa = beta^(sum_(k=0..H) (n_k - 1))``, the factor in ``det C_core = kappa (y + beta^(H+2))``.

    Parameters
    ----------
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).

    Returns
    -------
    float
        ``kappa``.
    """
    from .network import _dims_of

    widths = _dims_of(weights)[:-1]                   # a list [W_0, ..., W_H] of chained 2-D arrays, scalar output
    beta = _check_beta(beta)
    return float(beta ** sum(n - 1 for n in widths))


def c_matrix(a, weights, beta, pad: int, corner: str = "corrected", gamma=None) -> np.ndarray:
    """The matrix ``C`` of eq. 25 for the network widened by ``pad`` zero neurons per layer (Lemma 8).

    The widened network (widths ``n_k + pad`` for k = 0..H, eq. 20) computes the same output. Its diagonal blocks
    have ``beta`` on the original neurons and ``alpha_k = beta^((1 - n_k)/pad)`` on the padded ones, so that
    ``det D_k = beta`` and every path term is unchanged; with the corrected signs (erratum E5) ``det C = y +
    beta^(H+2)`` for every H. The padded rows and columns are decoupled, so the matrix has the singular values
    ``alpha_k`` exactly, and ``sigma_min = beta^((1 - n_max)/pad)`` on U_1
    (derived in the book's convexity chapter): the limit
    ``pad -> infinity`` of the paper's proof of Lemma 9.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    pad : int
        Number ``d >= 1`` of zero neurons added to each layer (Lemma 8).
    corner : {"corrected", "paper"}
        The corner ``(-1)^H`` (``det A = y``) or the printed ``(-1)^(H+1)`` (``det A = -y``, erratum E1).
    gamma : float, optional
        The bottom-right entry; by default ``(-1)^(H+1) beta`` (erratum E5).

    Returns
    -------
    ndarray (n + pad (H + 1), n + pad (H + 1))
        The matrix ``C`` of the widened network.
    """
    a, w, dims, H, beta, c, gamma = _c_parts(a, weights, beta, corner, gamma)
    pad = positive_int(pad, "pad")
    widths = dims[:-1]
    # widened input and weights (zero padding, eq. 20)
    a_t = np.concatenate([a, np.zeros(pad)])
    mats = []
    woff = 0
    for k in range(dims.size - 1):
        rows, cols = int(dims[k]), int(dims[k + 1])
        W = w[woff:woff + rows * cols].reshape(rows, cols)
        woff += rows * cols
        cols_t = cols + pad if k < dims.size - 2 else 1
        Wt = np.zeros((rows + pad, cols_t))
        Wt[:rows, :cols] = W
        mats.append(Wt)
    dims_t = np.array([n + pad for n in widths] + [1], dtype=np.int64)
    w_t = np.concatenate([M.ravel() for M in mats])
    total = int(dims_t.sum())
    h = np.empty(total)
    s = np.empty(total)
    _forward_kernel(a_t, w_t, dims_t, h, s)
    diag = np.concatenate([np.concatenate([np.full(n, beta), np.full(pad, beta ** ((1.0 - n) / pad))])
                           for n in widths])
    out = np.empty((total + 1, total + 1))
    _c_matrix_kernel(a_t, w_t, dims_t, s, diag, -c, gamma, out)
    return out


