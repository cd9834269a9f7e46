"""NumPy twins of the Numba kernels, with the same names and signatures.

They are written independently of the kernels (dense NumPy/LAPACK calls, block assignments, brute-force
enumeration) and serve as the oracles the kernels are tested against. They validate input the same way.
"""

from __future__ import annotations

import itertools

import numpy as np

from .._validate import as_float_array, choice, positive_int
from .determinant import _c_parts, _check_beta, _check_network, _check_square, _corner_value
from .gershgorin import RADII, in_union

__all__ = ["det", "det_batched", "slogdet", "milne_matrix", "milne_det", "c_matrix", "c_core_matrix",
           "c_core_kappa", "leibniz_terms", "off_diagonal_sums", "qi_intervals", "gershgorin_discs",
           "singular_value_bounds", "johnson_bound", "in_union"]


# ------------------------------------------------------------------------------------------------ determinants
def det(A) -> float:
    return float(np.linalg.det(_check_square(A)))


def slogdet(A) -> tuple[float, float]:
    sign, logabs = np.linalg.slogdet(_check_square(A))
    return float(sign), float(logabs)


def det_batched(As) -> np.ndarray:
    As = as_float_array(As, "As", ndim=3, finite=False)
    if As.shape[1] != As.shape[2] or As.shape[1] == 0:
        raise ValueError(f"As: expected a stack of non-empty square matrices (B, n, n), got shape {As.shape}")
    finite = np.isfinite(As).all(axis=(1, 2))
    if not finite.all():
        raise ValueError(f"As: matrix {int(np.argmin(finite))} contains non-finite values")
    return np.linalg.det(As)


def _layers(a, weights):
    """Validated input, list of W_k (paper layout), switches s_0..s_(H+1) and the forward output y."""
    a, w, dims = _check_network(a, weights)
    mats, start = [], 0
    for k in range(dims.size - 1):
        size = int(dims[k] * dims[k + 1])
        mats.append(w[start:start + size].reshape(dims[k], dims[k + 1]))
        start += size
    h, switches = a, [np.ones(a.size)]
    for W in mats:
        z = W.T @ h
        switches.append((z > 0).astype(float))
        h = np.where(z > 0, z, 0.0)
    return a, mats, switches, float(h[0])


def _assemble(a, mats, switches, diag_blocks):
    """Rows J_0..J_H of Milne's matrix: diagonal blocks and V_k = S_k W_k S_(k+1)."""
    widths = [W.shape[0] for W in mats] + [1]
    off = np.concatenate([[1], 1 + np.cumsum(widths)])
    n = int(off[-1])
    M = np.zeros((n, n))
    for k, W in enumerate(mats):
        rows = slice(off[k], off[k + 1])
        M[rows, rows] = np.diag(diag_blocks[k])
        M[rows, off[k + 1]:off[k + 2]] = switches[k][:, None] * W * switches[k + 1][None, :]
    return M


def milne_matrix(a, weights, corner: str = "corrected") -> np.ndarray:
    a, mats, switches, _ = _layers(a, weights)
    M = _assemble(a, mats, switches, [np.ones(W.shape[0]) for W in mats])
    M[0, 1:1 + a.size] = a
    M[-1, 0] = _corner_value(corner, len(mats) - 1)
    return M


def milne_det(a, weights, corner: str = "corrected") -> float:
    """The forward pass times the corner's sign relative to the corrected one: ``y`` or ``-y``."""
    a, mats, switches, y = _layers(a, weights)
    H = len(mats) - 1
    return _corner_value(corner, H) * (-1.0) ** H * y


def _c_from(a, mats, switches, diag_blocks, top_left, gamma):
    M = _assemble(a, mats, switches, diag_blocks)
    M[0, 0] = top_left
    M[-1, 1:1 + a.size] = a
    M[-1, -1] = gamma
    return M


def c_core_matrix(a, weights, beta, corner: str = "corrected", gamma=None) -> np.ndarray:
    _, _, _, H, beta, c, gamma = _c_parts(a, weights, beta, corner, gamma)
    a, mats, switches, _ = _layers(a, weights)
    return _c_from(a, mats, switches, [np.full(W.shape[0], beta) for W in mats], -c, gamma)


def c_core_kappa(weights, beta) -> float:
    beta = _check_beta(beta)
    return float(np.prod([beta ** (np.shape(W)[0] - 1) for W in weights]))


def c_matrix(a, weights, beta, pad: int, corner: str = "corrected", gamma=None) -> np.ndarray:
    _, _, _, H, beta, c, gamma = _c_parts(a, weights, beta, corner, gamma)
    pad = positive_int(pad, "pad")
    a, mats, _, _ = _layers(a, weights)
    wide = []
    for k, W in enumerate(mats):
        Wt = np.zeros((W.shape[0] + pad, W.shape[1] + (pad if k < H else 0)))
        Wt[:W.shape[0], :W.shape[1]] = W
        wide.append(Wt)
    a_t = np.concatenate([a, np.zeros(pad)])
    a_t, wide, switches, _ = _layers(a_t, wide)
    diags = [np.concatenate([np.full(W.shape[0], beta), np.full(pad, beta ** ((1.0 - W.shape[0]) / pad))])
             for W in mats]
    return _c_from(a_t, wide, switches, diags, -c, gamma)


def leibniz_terms(A, max_terms: int = 100_000):
    """Brute force over all n! permutations (n <= 9 only); a term counts when all its n entries are non-zero."""
    A = _check_square(A)
    max_terms = positive_int(max_terms, "max_terms")
    n = A.shape[0]
    if n > 9:
        raise ValueError(f"A: the brute-force twin enumerates n! permutations and accepts n <= 9, got n = {n}")
    perms, signs, products = [], [], []
    for perm in itertools.permutations(range(n)):
        entries = A[np.arange(n), perm]
        if np.all(entries != 0.0):                 # structurally non-zero (the product itself may underflow)
            p = float(np.prod(entries))
            perms.append(perm)
            inversions = sum(perm[i] > perm[j] for i in range(n) for j in range(i + 1, n))
            signs.append(-1.0 if inversions % 2 else 1.0)
            products.append(p)
    if len(perms) > max_terms:
        raise ValueError(f"A: has {len(perms)} non-zero Leibniz terms, more than max_terms={max_terms}")
    return (np.array(perms, dtype=np.int64).reshape(len(perms), n), np.array(signs), np.array(products))


# ------------------------------------------------------------------------------------------------ Gershgorin / Qi
def off_diagonal_sums(A):
    A = _check_square(A)
    absA = np.abs(A)
    b = np.diag(absA).copy()
    return b, absA.sum(axis=1) - b, absA.sum(axis=0) - b


def qi_intervals(A, radius: str = "max"):
    choice(radius, "radius", RADII)
    b, r, c = off_diagonal_sums(A)
    s = {"max": np.maximum(r, c), "rows": r, "columns": c, "mean": 0.5 * (r + c)}[radius]
    return np.maximum(b - s, 0.0), b + s


def gershgorin_discs(A):
    A = _check_square(A)
    b, r, _ = off_diagonal_sums(A)
    return np.diag(A).copy(), r


def singular_value_bounds(A, radius: str = "max"):
    lower, upper = qi_intervals(A, radius)
    return float(lower.min()), float(upper.max())


def johnson_bound(A) -> float:
    b, r, c = off_diagonal_sums(A)
    return float(np.min(b - 0.5 * (r + c)))


in_union = in_union
