"""NumPy twins of the Numba kernels of :mod:`landscapelab.convexity.determinant`, with the same names and signatures.

They are written independently of the kernels (dense NumPy/LAPACK calls and block assignments) and serve as the
oracles the kernels are tested against. They validate input the same way.
"""

from __future__ import annotations

import numpy as np

from .._validate import positive_int
from ..kernels.determinant import _check_square  # noqa: F401
from .determinant import _c_parts, _check_beta, _check_network, _corner_value

__all__ = ["milne_matrix", "milne_det", "c_matrix", "c_core_matrix", "c_core_kappa"]


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
    from .network import _dims_of

    _dims_of(weights)
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



def _twin_docs():
    from ..kernels.reference import document_twins
    from . import determinant

    document_twins(globals(), determinant, ("milne_matrix", "milne_det", "c_matrix", "c_core_matrix", "c_core_kappa"))


_twin_docs()
