"""Global optimality of critical points (thesis Section 2.4.2): the set ``S_k``, backpropagation in the full
weight matrices (Lemma 2.6.2) and the gradient sandwich of Lemma 2.4.9.

The loss is the thesis's squared loss ``Phi = 1/2 ||F_L - Y||_F^2`` (eq. 2.6). Layers are given by their full
weight matrices ``U_l`` (``n_{l-1} x n_l``) and per-neuron biases, so the same code serves fully connected nets
(``U_l = W_l``) and convolutional ones (``U_l = M_l(W_l)``, :meth:`landscapelab.wide.CNN.weight_matrix`; then
``grad_{U_l} Phi`` is not the gradient in the filters, which follows by the chain rule through ``M_l``).

Erratum in the proof of Lemma 2.4.9: it writes ``grad_{U_{k+1}} Phi = F_L^T Delta_{k+1}``; Lemma 2.6.2 gives
``F_k^T Delta_{k+1}``, which is what the proof then uses and what is implemented here.
"""

from __future__ import annotations

import numpy as np

from .._validate import sequence, as_float_array, positive_int
from . import activations as acts
from .features import forward, numerical_rank, singular_values
from .._validate import checked

__all__ = ["backprop", "sandwich", "in_S_k", "squared_loss"]


@checked(X="matrix")
def squared_loss(layers, X, Y, activation) -> float:
    """``Phi = 1/2 ||F_L - Y||_F^2`` (eq. 2.6).

    Parameters
    ----------
    layers : list of (U, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    X : array_like
        Inputs, one sample per row.
    Y : array_like
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.

    Returns
    -------
    float
    """
    F_L = forward(layers, X, activation)[-1]
    Y = as_float_array(Y, "Y", shape=F_L.shape)
    return 0.5 * float(np.sum((F_L - Y) ** 2))


@checked(X="matrix")
def backprop(layers, X, Y, activation):
    """Lemma 2.6.2: ``Delta_L = F_L - Y``, ``Delta_l = (Delta_{l+1} U_{l+1}^T) o sigma'(G_l)`` and
    ``grad_{U_l} Phi = F_{l-1}^T Delta_l``, ``grad_{b_l} Phi = Delta_l^T 1``.

    Parameters
    ----------
    layers : list of (U, b)
        Full weight matrices ``U_l`` of shape ``(n_{l-1}, n_l)`` and biases.
    X : array_like, shape (N, d)
        Inputs, one sample per row.
    Y : array_like, shape (N, m)
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.

    Returns
    -------
    dict
        ``"F"``: the outputs ``[F_0, ..., F_L]``; ``"G"``: the pre-activations ``[G_1, ..., G_L]``;
        ``"Delta"``: ``[Delta_1, ..., Delta_L]``; ``"grad_U"``, ``"grad_b"``: gradients per layer.
    """
    act = acts.get(activation)
    F = forward(layers, X, act)
    Y = as_float_array(Y, "Y", shape=F[-1].shape)
    G = [F[l - 1] @ U + b for l, (U, b) in enumerate(layers, start=1)]
    L = len(layers)
    Delta = [None] * L
    Delta[L - 1] = F[-1] - Y
    for l in range(L - 1, 0, -1):          # Delta_l for l = L-1 .. 1 (0-based index l-1)
        Delta[l - 1] = (Delta[l] @ layers[l][0].T) * np.asarray(act.d1(G[l - 1]))
    grad_U = [F[l].T @ Delta[l] for l in range(L)]
    grad_b = [D.sum(axis=0) for D in Delta]
    return {"F": F, "G": G, "Delta": Delta, "grad_U": grad_U, "grad_b": grad_b}


@checked(X="matrix")
def sandwich(layers, X, Y, activation, k: int) -> dict:
    """Both sides of Lemma 2.4.9 and the gradient norm between them.

    ``sigma_min(F_k) prod_{l=k+1}^{L-1} sigma_min(U_{l+1}) ||sigma'(G_l)||_min ||F_L - Y||_F
    <= ||grad_{U_{k+1}} Phi||_F <=
    sigma_max(F_k) prod_{l=k+1}^{L-1} sigma_max(U_{l+1}) ||sigma'(G_l)||_max ||F_L - Y||_F``,

    with ``sigma_min`` the ``min(rows, cols)``-th singular value (the N-th for ``F_k`` when ``n_k >= N``) and
    ``||A||_min``, ``||A||_max`` the smallest and largest absolute entry. Assumption 2.4.7 (``n_k >= N`` and
    ``n_{k+1} >= ... >= n_L``) makes the lower bound valid.

    Parameters
    ----------
    layers : list of (U, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    X : array_like
        Inputs, one sample per row.
    Y : array_like
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    k : int
        The wide layer, ``1 <= k <= L-1``.

    Returns
    -------
    dict
        ``lower``, ``gradient`` (``||grad_{U_{k+1}} Phi||_F``), ``upper``, ``residual`` (``||F_L - Y||_F``).
    """
    sequence(layers, "layers", "a non-empty list of (W, b) pairs")
    k = positive_int(k, "k")
    L = len(layers)
    if k >= L:
        raise ValueError(f"k: expected a hidden layer 1..{L - 1}, got {k}")
    act = acts.get(activation)
    bp = backprop(layers, X, Y, act)
    sF = singular_values(bp["F"][k])
    lower, upper = float(sF[-1]), float(sF[0])
    for l in range(k + 1, L):            # l = k+1 .. L-1
        sU = singular_values(layers[l][0])
        d = np.abs(np.asarray(act.d1(bp["G"][l - 1])))
        lower *= float(sU[-1]) * float(d.min())
        upper *= float(sU[0]) * float(d.max())
    r = float(np.linalg.norm(bp["Delta"][-1]))
    return {"lower": lower * r, "gradient": float(np.linalg.norm(bp["grad_U"][k])), "upper": upper * r,
            "residual": r}


@checked(X="matrix")
def in_S_k(layers, X, activation, k: int) -> dict:
    """Membership in ``S_k = {F_k, U_{k+2}, ..., U_L of full rank}`` (Section 2.4.2; ``U_{k+1}`` is free).

    Parameters
    ----------
    layers : list of (U, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    X : array_like
        Inputs, one sample per row.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    k : int
        1-based layer index.

    Returns
    -------
    dict
        ``rank_F`` and ``N``; ``ranks_U`` and ``full_U`` for ``l = k+2..L`` (numerical rank, thesis rule); and
        ``member`` (bool).
    """
    k = positive_int(k, "k")
    F_k = forward(layers, X, activation, upto=k)[-1]
    N = F_k.shape[0]
    rank_F = numerical_rank(F_k)
    ranks = [numerical_rank(layers[l - 1][0]) for l in range(k + 2, len(layers) + 1)]
    full = [min(layers[l - 1][0].shape) for l in range(k + 2, len(layers) + 1)]
    return {"rank_F": rank_F, "N": N, "ranks_U": ranks, "full_U": full,
            "member": rank_F == N and all(r == f for r, f in zip(ranks, full))}
