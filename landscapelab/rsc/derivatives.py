"""Derivatives of the paper's model: the Hessian of ``f`` (Theorem 4.1), the average gradient ``gbar``
(Definition 5.2), the NTK, and the split of the loss Hessian into its Gauss-Newton and residual parts (Section
3).

Everything goes through the core's operators, so no per-example gradient is ever stored:

* ``grad^2_theta f(theta; x)`` is :func:`landscapelab.model_hessian_operator` at one input;
* ``gbar = (1/n) sum_i grad f(theta; x_i) = J^T 1 / n`` is one backward pass
  (:func:`landscapelab.jacobian_transpose_operator`);
* the NTK ``K = J J^T`` is :func:`landscapelab.tangent_kernel_operator`, and ``||gbar||^2 = 1^T K 1 / n^2``
  (Remark 5.5);
* ``grad^2 L = (2/n) J^T J + R`` with ``R = (1/n) sum_i l'_i grad^2 f_i``, ``l'_i = 2 (f_i - y_i)``:
  :func:`landscapelab.ggn_operator` and :func:`residual_operator`.

Two closed forms give independent checks: :func:`one_layer_hessian_norm` (the exact spectral norm for ``L =
1``) and :func:`cross_block_norm` (the exact norm of the ``v``-``W^(L)`` block).
"""

from __future__ import annotations

import math

import numpy as np

from ..curvature import (
    eigenvalues,
    jacobian_transpose_operator,
    model_hessian_operator,
    tangent_kernel_operator,
)
from .._validate import as_float_array
from .model import _inputs, _square_loss_data, check_network, split

__all__ = [
    "model_hessian_norm",
    "one_layer_hessian_norm",
    "cross_block_norm",
    "average_gradient",
    "gradient_blocks",
    "residual_operator",
    "residuals",
    "kernel_quadratic_forms",
    "hidden_layer_norms",
]


def _one_input(net, x) -> np.ndarray:
    x = as_float_array(x, "x")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"x: expected one input, shape (d,) or (1, d), got shape {x.shape}")
    return net.check_inputs(x)


def model_hessian_norm(net, w, x, tol: float = 1e-8, seed: int = 0) -> float:
    """``||grad^2_theta f(theta; x)||_2`` for one input, by Lanczos on exact Hessian-vector products.

    The Hessian of ``f`` is indefinite with nearly symmetric pairs ``+-lambda`` (from the ``v``-``W`` blocks),
    so the largest eigenvalue *in magnitude* is asked for.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    x : array (d,) or (1, d)
        One input.
    tol : float
        Relative residual of the Lanczos stop.
    seed : int
        Seed of the Lanczos start block.

    Returns
    -------
    float
    """
    net = check_network(net)
    op = model_hessian_operator(net, w, _one_input(net, x))
    return float(abs(eigenvalues(op, k=1, which="magnitude", tol=tol, seed=seed)[0]))


def one_layer_hessian_norm(net, w, x) -> float:
    """The exact ``||grad^2 f||_2`` of a one-hidden-layer network (``L = 1``), in closed form.

    With ``z_i = w_i^T x / sqrt(d)``, the Hessian is block diagonal over hidden units; unit i contributes the
    ``2 x 2`` matrix ``[[0, B_i], [B_i, A_i]]`` on ``(v_i, w_i / ||w_i||-direction x)`` with
    ``A_i = v_i phi''(z_i) ||x||^2 / (sqrt(m) d)`` and ``B_i = phi'(z_i) ||x|| / sqrt(m d)``, so::

        ||grad^2 f||_2 = max_i (|A_i| + sqrt(A_i^2 + 4 B_i^2)) / 2.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network` with one hidden layer.
    w : array (P,)
        Parameters.
    x : array (d,) or (1, d)
        One input.

    Returns
    -------
    float
    """
    net = check_network(net)
    if net.depth != 1:
        raise ValueError(f"net: the closed form is for one hidden layer, the network has {net.depth}")
    x = _one_input(net, x)[0]
    (W,), v = split(net, w)
    m, d = W.shape
    z = W @ x / math.sqrt(d)
    A = v * net.activation.d2(z) * (x @ x) / (math.sqrt(m) * d)
    B = net.activation.d1(z) * np.linalg.norm(x) / math.sqrt(m * d)
    return float(np.max(0.5 * (np.abs(A) + np.sqrt(A**2 + 4.0 * B**2))))


def cross_block_norm(net, w, x) -> float:
    """``||d^2 f / (dv dW^(L))||_2 = max_i |phi'(z^(L)_i)| ||alpha^(L-1)|| / sqrt(m m_{L-1})``, exactly.

    Row i of the block is ``phi'(z_i) alpha^(L-1) / sqrt(m m_{L-1})`` placed in the i-th row of ``W^(L)``; the
    rows are orthogonal, so the singular values are their norms. (The ``v``-``v`` block is zero.)

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    x : array (d,) or (1, d)
        One input.

    Returns
    -------
    float
    """
    net = check_network(net)
    X = _one_input(net, x)
    prev = X if net.depth == 1 else net.features(w, X, layer=net.depth - 1)
    Ws, _ = split(net, w)
    z = prev @ Ws[-1].T / math.sqrt(prev.shape[1])
    m = Ws[-1].shape[0]
    return float(np.max(np.abs(net.activation.d1(z))) * np.linalg.norm(prev) / math.sqrt(m * prev.shape[1]))


def average_gradient(net, w, X) -> np.ndarray:
    """``gbar = (1/n) sum_i grad_theta f(theta; x_i)`` (Definition 5.2), one backward pass ``J^T 1 / n``.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    X : array (n, d)
        Inputs.

    Returns
    -------
    ndarray (P,)
    """
    net = check_network(net)
    X = _inputs(net, X)
    return jacobian_transpose_operator(net, w, X).rows(np.full(X.shape[0], 1.0 / X.shape[0]))


def gradient_blocks(net, w, x) -> tuple[float, float]:
    """``(||grad_W f||, ||grad_v f||)`` at one input: the hidden-weight and last-layer parts of the gradient.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    x : array (d,) or (1, d)
        One input.

    Returns
    -------
    (float, float)
    """
    net = check_network(net)
    grad = jacobian_transpose_operator(net, w, _one_input(net, x)).rows(np.ones(1))
    m = net.widths[-2]
    return float(np.linalg.norm(grad[:-m])), float(np.linalg.norm(grad[-m:]))


def residuals(net, w, X, y) -> np.ndarray:
    """``r_i = f(theta; x_i) - y_i``; the loss derivative is ``l'_i = 2 r_i``.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    X : array (n, d)
        Inputs.
    y : array (n,)
        Targets.

    Returns
    -------
    ndarray (n,)
    """
    net, X, y = _square_loss_data(net, X, y)
    return np.asarray(net(w, X))[:, 0] - y


def residual_operator(net, w, X, y):
    """``R = (1/n) sum_i l'_i grad^2 f(theta; x_i)`` with ``l'_i = 2 (f_i - y_i)``: the part of the loss
    Hessian that carries the residuals (the "bad" part of Theorem 5.1's proof, bounded by ``2 sqrt(L) c_H /
    sqrt(m)``).

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    X : array (n, d)
        Inputs.
    y : array (n,)
        Targets.

    Returns
    -------
    CurvatureOperator (P, P)
    """
    r = residuals(net, w, X, y)
    return model_hessian_operator(net, w, X, weights=(2.0 * r / r.size)[:, None])


def kernel_quadratic_forms(net, w, X, y) -> dict:
    """The NTK quadratic forms that fix ``gbar`` and ``grad L`` (Remark 5.5), from two kernel products.

    With ``K`` the NTK, ``r = f - y`` and ``1`` the all-ones vector:
    ``||gbar||^2 = 1^T K 1 / n^2``, ``||grad L||^2 = 4 r^T K r / n^2``, ``<gbar, grad L> = 2 * 1^T K r /
    n^2``, so ``cos(gbar, grad L) = 1^T K r / sqrt(1^T K 1 r^T K r)``.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    X : array (n, d)
        Inputs.
    y : array (n,)
        Targets.

    Returns
    -------
    dict
        ``gbar_sq``, ``grad_sq``, ``inner``, ``cos``.
    """
    r = residuals(net, w, X, y)
    n = r.size
    K = tangent_kernel_operator(net, w, X)
    K1, Kr = K.rows(np.vstack([np.ones(n), r]))
    one_K_one, r_K_r, one_K_r = float(K1.sum()), float(r @ Kr), float(K1 @ r)
    return {
        "gbar_sq": one_K_one / n**2,
        "grad_sq": 4.0 * r_K_r / n**2,
        "inner": 2.0 * one_K_r / n**2,
        "cos": one_K_r / math.sqrt(max(one_K_one * r_K_r, 1e-300)),
    }


def hidden_layer_norms(net, w, x) -> np.ndarray:
    """``||alpha^(l)(x)|| / sqrt(m)`` for ``l = 1..L`` (Lemma A.2 bounds it by ``gamma^l + |phi(0)| sum
    gamma^(i-1)``).

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    w : array (P,)
        Parameters.
    x : array (d,) or (1, d)
        One input.

    Returns
    -------
    ndarray (L,)
    """
    net = check_network(net)
    X = _one_input(net, x)
    m = net.widths[1]
    return np.array(
        [np.linalg.norm(net.features(w, X, layer=l)) / math.sqrt(m) for l in range(1, net.depth + 1)]
    )
