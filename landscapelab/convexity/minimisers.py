"""Beyond the paper: the radial derivative showing that U holds no critical point (erratum E12), a damped
Newton minimiser, and the flat directions of the minimisers it finds (rescalings, aligned neurons)."""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_float_array, positive_int
from .derivatives import loss_derivatives
from .network import _arguments, _data, check_dims, flatten, loss, n_weights, outputs, unflatten
from .region import M_constant
from .._validate import checked

__all__ = ["radial_derivative", "e12_lower_bound", "minimize", "rescaling_directions", "aligned_pairs", "split_family"]


# ------------------------------------------------------------------------------------------------ E12, minimisers
def radial_derivative(w, X, F, dims, lam) -> float:
    """``d/dt l_lambda((1 + t) W)`` at 0, i.e. ``<grad l_lambda, W>``. The network is positively homogeneous of
    degree ``H + 1``, so this equals ``(2 (H+1)/N) sum_i e_i y_i + 2 lambda ||W||^2`` at every point.

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
    float
        ``<grad l_lambda(W), W>``.
    """
    dims, X, F, w, lam = _arguments(dims, X, F, w=w, lam=lam)
    y = outputs(X, unflatten(w, dims))
    H = len(dims) - 2
    return float(2.0 * (H + 1) * np.mean((y - F) * y) + 2.0 * lam * w @ w)


@checked(F="vector", beta="real")
def e12_lower_bound(w, F, dims, beta, lam) -> float:
    """A bound derived in the book (erratum E12): on ``U``, the radial derivative is at least
    ``2 lambda ||W||^2 (1 - (H+1)(beta-1)^H / (4M))``, which is positive for every ``H >= 1``; so ``U`` holds no
    critical point of ``l_lambda`` (erratum E12).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    lam : float
        Weight decay ``lambda``.

    Returns
    -------
    float
        The lower bound.
    """
    dims, _, _, w, lam = _arguments(dims, w=w, lam=lam)
    F = as_float_array(F, "F", ndim=1)
    H = len(dims) - 2
    return float(2.0 * lam * (w @ w) * (1.0 - (H + 1) * (beta - 1) ** H / (4.0 * M_constant(F, beta, H))))


@checked(max_steps="count", tol="nonnegative")
def minimize(w0, X, F, dims, lam, tol: float = 1e-12, max_steps: int = 200):
    """Damped Newton for ``l_lambda`` from ``w0`` (Levenberg-style damping plus backtracking), within the
    activation region structure of the ReLU net. Returns ``(w, gradient norm, steps)``.

    Parameters
    ----------
    w0 : array_like (m,)
        Starting point (flat weights).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    lam : float
        Weight decay ``lambda``.
    tol : float
        Stop when the gradient norm is at most this.
    max_steps : int
        Largest number of Newton steps.

    Returns
    -------
    w : ndarray (m,)
    gradient_norm : float
    steps : int
    """
    dims, X, F, w, lam = _arguments(dims, X, F, w=w0, lam=lam, w_name="w0")
    w = w.copy()
    value, grad, hess = loss_derivatives(w, X, F, dims, lam)
    damping = 1e-3
    steps = 0
    for steps in range(1, max_steps + 1):  # noqa: B007 (steps is returned)
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
    ``(W_(l-1)[:, j], -W_l[j, :])`` in flat coordinates; ``y`` is constant along it. Shape ``(#hidden, m)``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    ndarray (number of hidden neurons, m)
    """
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


@checked(tol="nonnegative")
def aligned_pairs(w, X, dims, tol: float = 1e-9) -> list:
    """Pairs ``(j, k)`` of hidden neurons of a one-hidden-layer net with the same activation pattern on the data
    and parallel incoming weights (cosine > 1 - tol). Such a pair computes ``(v_j ||u_j|| + v_k ||u_k||)
    relu(d . a)`` on the data, so only the sum of their contributions matters (see :func:`split_family`).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    tol : float
        Tolerance on ``1 - cosine``.

    Returns
    -------
    list of tuple
        Pairs ``(j, k)``, ``j < k``.
    """
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


@checked()
def split_family(w, dims, j: int, k: int, count: int = 9, span=None) -> np.ndarray:
    """Weight vectors that redistribute the contributions ``q = v ||u||`` of two aligned hidden neurons ``j, k``
    (one hidden layer, same sign of the outgoing weights) while keeping each neuron balanced (``||u|| = |v|``):
    ``q_j = Q cos^2 phi``, ``q_k = Q sin^2 phi``. Along the family the outputs on the data (the neurons share their
    activation pattern) and ``||W||^2 = 2 (|q_j| + |q_k|) + rest`` are constant, so ``l_lambda`` is constant. ``phi``
    runs over ``[0.1, pi/2 - 0.1]`` or, with ``span``, over ``phi_0 +- span`` around the given point.
    Returns ``(count, m)``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    j, k : int
        The two aligned hidden neurons (:func:`aligned_pairs`).
    count : int
        Number of members.
    span : float, optional
        Half-width in ``phi`` around the given point (default: the whole range).

    Returns
    -------
    ndarray (count, m)
    """
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


