"""The coefficients of the closed forms on Cooper's ray (Lemmas 9-11 with the sigma'' terms the paper leaves out):
the gradient ``g0 + t g1`` and the Hessian ``H0 + t H1 + t^2 H2`` restricted to the parameters they touch, built
once for :class:`landscapelab.smoothness.closed_form.Ray` (whose docstring lists the entries)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .ray import parameter_index


class RayTerms(NamedTuple):
    """What :func:`ray_terms` computes (``S`` the number of parameters the closed forms touch)."""

    support: np.ndarray       # (S,) flat indices of those parameters
    local: dict               # flat index -> position in the support
    W: np.ndarray             # (n, d) per-sample output gradients w_s
    A: np.ndarray             # (n, d, d) per-sample output Hessians A_s
    g0: np.ndarray            # gradient g0 + t g1 on the support
    g1: np.ndarray
    K: tuple                  # (K0, K1): the stacked L_s^T J_s, Gauss-Newton part = (K0 + t K1)^T (K0 + t K1)
    GN: tuple                 # (G0, G1, G2): the Gauss-Newton part's coefficients
    H0: np.ndarray            # Hessian H0 + t H1 + t^2 H2 on the support
    H1: np.ndarray
    H2: np.ndarray
    bl0: int                  # position of b^l_1 in the support


def _output_derivatives(loss, Y, beta):
    """Per-sample output gradient w_s and output Hessian A_s of the loss at the constant output ``beta``."""
    n, d = Y.shape
    if loss == "square":
        return 2.0 * (beta[None, :] - Y), np.broadcast_to(2.0 * np.eye(d), (n, d, d))
    p = np.exp(beta - beta.max())
    p /= p.sum()
    S = Y.sum(axis=1)
    W = S[:, None] * p[None, :] - Y
    A = S[:, None, None] * (np.diag(p) - np.outer(p, p))[None]
    return W, A


def ray_terms(net, X, Y, loss, M, offset, point_c) -> RayTerms:
    """The coefficients of the gradient and Hessian on the ray for a checked network, data, loss, direction ``M``,
    output ``offset`` and point ``point_c`` of Assumption 1 (see
    :class:`~landscapelab.smoothness.closed_form.Ray`)."""
    l, n = net.depth, X.shape[0]
    d, k = net.d_out, net.widths[l]
    s0, s1, s2 = point_c.s0, point_c.s1, point_c.s2
    index = parameter_index(net)
    names = [f"b{l + 1}", f"M{l + 1}", f"b{l}", f"M{l}"] + ([f"b{l - 1}", f"M{l - 1}"] if l >= 2 else [])
    support = np.concatenate([index[name].ravel() for name in names])
    local = {int(p): i for i, p in enumerate(support)}
    ix = {name: np.vectorize(local.__getitem__, otypes=[int])(index[name]) for name in names}
    S = support.size
    h1 = X if l == 1 else np.full((n, net.widths[l - 1]), s0)           # output of hidden layer l-1
    h2 = None if l == 1 else (X if l == 2 else np.full((n, net.widths[l - 2]), s0))
    W, A = _output_derivatives(loss, Y, offset)
    r = W.sum(axis=0)
    mW = W @ M                                                          # (n, k): M^T w_s

    J0 = np.zeros((n, d, S))
    J1 = np.zeros((n, d, S))
    J0[:, :, ix[f"b{l + 1}"]] = np.eye(d)
    J0[:, np.arange(d)[:, None], ix[f"M{l + 1}"]] = s0
    J1[:, :, ix[f"b{l}"]] = s1 * M
    J1[:, :, ix[f"M{l}"]] = s1 * M[None, :, :, None] * h1[:, None, None, :]
    g0 = np.einsum("sdi,sd->i", J0, W)
    g1 = np.einsum("sdi,sd->i", J1, W)
    # Gauss-Newton part sum_s J_s^T A_s J_s through the square roots A_s = L_s L_s^T (A_s is PSD): with the
    # stacked K = [L_s^T J_s]_s of shape (n d, S), GN = K^T K, and its nonzero spectrum is that of K K^T.
    evals, evecs = np.linalg.eigh(A)
    Lsqrt = evecs * np.sqrt(np.maximum(evals, 0.0))[:, None, :]
    K0 = np.einsum("sde,sdi->sei", Lsqrt, J0).reshape(n * d, S)
    K1 = np.einsum("sde,sdi->sei", Lsqrt, J1).reshape(n * d, S)
    G0, G2 = K0.T @ K0, K1.T @ K1
    G1 = K0.T @ K1
    G1 = G1 + G1.T

    R0 = np.zeros((S, S))
    R1 = np.zeros((S, S))

    def put(R, rows, cols, values):
        R[rows, cols] += values
        R[cols, rows] += values

    Mo, bl, Ml = ix[f"M{l + 1}"], ix[f"b{l}"], ix[f"M{l}"]
    put(R0, Mo, np.broadcast_to(bl, Mo.shape), s1 * r[:, None] * np.ones((1, k)))
    G_h1 = W.T @ h1                                                      # (d, c_{l-1})
    put(R0, np.broadcast_to(Mo[:, :, None], (d, k, h1.shape[1])), np.broadcast_to(Ml[None], (d, k, h1.shape[1])),
        s1 * np.broadcast_to(G_h1[:, None, :], (d, k, h1.shape[1])))
    mu = mW.sum(axis=0)
    R1[bl, bl] += s2 * mu
    put(R1, np.broadcast_to(bl[:, None], Ml.shape), Ml, s2 * (mW.T @ h1))
    T = np.einsum("sa,sq,sr->aqr", mW, h1, h1)
    for a in range(k):
        R1[np.ix_(Ml[a], Ml[a])] += s2 * T[a]
    if l >= 2:
        bp, Mp = ix[f"b{l - 1}"], ix[f"M{l - 1}"]
        c_prev = bp.size
        put(R1, Ml, np.broadcast_to(bp[None, :], Ml.shape), s1 ** 2 * mu[:, None] * np.ones((1, c_prev)))
        K = mW.T @ h2                                                     # (k, c_{l-2})
        put(R1, np.broadcast_to(Ml[:, :, None], (k, c_prev, h2.shape[1])),
            np.broadcast_to(Mp[None], (k, c_prev, h2.shape[1])),
            s1 ** 2 * np.broadcast_to(K[:, None, :], (k, c_prev, h2.shape[1])))
    H0, H1, H2 = G0 + R0, G1 + R1, G2
    return RayTerms(support=support, local=local, W=W, A=A, g0=g0, g1=g1, K=(K0, K1), GN=(G0, G1, G2),
                    H0=H0, H1=H1, H2=H2, bl0=int(bl[0]))
