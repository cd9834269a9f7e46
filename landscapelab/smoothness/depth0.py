"""Networks with no hidden layer (Theorems 13 and 15): the closed-form Hessian and the smoothness constant m."""

from __future__ import annotations


import numpy as np

from .._validate import choice
from ..losses import LOSSES
from ..nets import MLP

from .ray import LOSS_NAMES, _check_net, parameter_index
from .._validate import checked

__all__ = ["depth0_hessian", "depth0_smoothness"]


# ------------------------------------------------------------------------------------------------ depth 0
def _depth0_parts(net, X):
    _check_net(net)
    if net.depth != 0:
        raise ValueError(f"net: expected a network with no hidden layer (depth 0), got depth {net.depth}")
    X = net.check_inputs(X)
    Z = np.hstack([X, np.ones((X.shape[0], 1))])
    index = parameter_index(net)
    flat = np.hstack([index["M1"], index["b1"][:, None]])               # (d, d_in + 1): parameter of (j, z_e)
    return X, Z, flat


@checked(X="matrix")
def depth0_hessian(net: MLP, X, Y, w, loss: str = "square") -> np.ndarray:
    """Closed-form Hessian of the loss of a network with no hidden layer (Theorems 13 and 15), shape ``(P, P)``.

    The output is ``f_j = sum_e M_je z_e`` with ``z = (x, 1)``, linear in the parameters, so
    ``H = sum_s (z_s z_s^T) (x) A_s`` (up to the ordering of the parameters) with ``A_s = 2 I`` (square: constant
    in w) or ``A_s = S_s (diag p_s - p_s p_s^T)``, ``p_s = softmax(f(x_s))`` (cross-entropy).

    Parameters
    ----------
    net : MLP
        A network with no hidden layer (depth 0), standard parametrisation, biases, no output activation.
    X, Y : array_like
        Data, ``(n, d_in)`` and ``(n, d_out)`` (integer class labels are accepted for cross-entropy).
    w : array_like, shape (P,)
        The point (the square loss's Hessian does not depend on it).
    loss : {"square", "cross_entropy"}
        The loss (eqs. 13-14).

    Returns
    -------
    ndarray, shape (P, P)
        The Hessian of the loss at ``w``.
    """
    loss = choice(loss, "loss", LOSS_NAMES)
    X, Z, flat = _depth0_parts(net, X)
    n, d = X.shape[0], net.d_out
    Y = np.asarray(LOSSES[loss].check_targets(Y, n, d), dtype=np.float64)
    w = net.check_params(w)
    if loss == "square":
        A = np.broadcast_to(2.0 * np.eye(d), (n, d, d))
    else:
        out = net(w, X)
        p = np.exp(out - out.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        A = Y.sum(axis=1)[:, None, None] * (np.einsum("sj,jk->sjk", p, np.eye(d)) - np.einsum("sj,sk->sjk", p, p))
    block = np.einsum("sjk,se,sf->jekf", A, Z, Z)
    H = np.zeros((net.n_params,) * 2)
    H[np.ix_(flat.ravel(), flat.ravel())] = block.reshape(flat.size, flat.size)
    return H


@checked(X="matrix", Y="matrix?")
def depth0_smoothness(net: MLP, X, Y=None, loss: str = "square") -> float:
    """The constant m of Theorems 13 and 15 for a network with no hidden layer: ``sup_w ||H L(w)||_op``.

    Square loss: the Hessian is the constant ``2 (Z^T Z) (x) I`` (``Z`` has rows ``(x_s, 1)``), so
    ``m = 2 lambda_max(Z^T Z)`` exactly. Cross-entropy: ``v^T (diag p - p p^T) v = Var_p(v) <= ||v||^2 / 2``, so
    ``H <= (1/2) (Z^T diag(S) Z) (x) I`` and ``m = lambda_max(Z^T diag(S) Z) / 2`` with ``S_s`` the label sums
    (all 1 under Assumption 2; ``Y=None`` means that). This bound is the supremum: it is attained at ``w = 0``
    when ``d_out = 2`` and approached when two classes share all the probability for every sample when
    ``d_out > 2``.

    Parameters
    ----------
    net : MLP
        A network with no hidden layer (depth 0), standard parametrisation, biases, no output activation.
    X : array_like, shape (n, d_in)
        The inputs.
    Y : array_like, optional
        Cross-entropy labels ``(n, d_out)`` (or integer classes), whose row sums ``S_s`` enter m; ignored for the
        square loss. None means every row sums to 1 (Assumption 2).
    loss : {"square", "cross_entropy"}
        The loss (eqs. 13-14).

    Returns
    -------
    float
        The smoothness constant m.
    """
    loss = choice(loss, "loss", LOSS_NAMES)
    X, Z, _ = _depth0_parts(net, X)
    if loss == "square":
        return float(2.0 * np.linalg.eigvalsh(Z.T @ Z)[-1])
    if Y is None:
        S = np.ones(X.shape[0])
    else:
        S = np.asarray(LOSSES[loss].check_targets(Y, X.shape[0], net.d_out), dtype=np.float64).sum(axis=1)
    return float(0.5 * np.linalg.eigvalsh(Z.T @ (S[:, None] * Z))[-1])

