"""Milne's network (eq. 1): shapes, the flat weight vector, outputs, switches (eq. 2), the loss and the
objective with weight decay."""

from __future__ import annotations

from collections.abc import Sequence

import autograd.numpy as anp
import numpy as np

from .._validate import as_float_array, checked, positive_int, real

__all__ = ["check_dims", "n_weights", "flatten", "unflatten", "relu_output", "outputs", "switches",
           "masked_weights", "pre_activations", "is_differentiable", "same_region", "loss"]


# ------------------------------------------------------------------------------------------------ shapes
def check_dims(dims) -> tuple:
    """Validate the widths ``(n_0, n_1, ..., n_H, 1)`` (at least one weight matrix, scalar output).

    Parameters
    ----------
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    tuple of int
        The validated widths.
    """
    if isinstance(dims, (str, bytes)) or not isinstance(dims, (Sequence, np.ndarray)) or getattr(dims, "ndim", 1) == 0:
        raise TypeError(f"dims: expected a sequence of positive integers (n_0, ..., n_H, 1), got "
                        f"{type(dims).__name__}")
    dims = tuple(positive_int(d.item() if isinstance(d, np.generic) else d, f"dims[{i}]")
                 for i, d in enumerate(dims))
    if len(dims) < 2 or dims[-1] != 1:
        raise ValueError(f"dims: expected (n_0, ..., n_H, 1) with a scalar output, got {dims}")
    return dims


def n_weights(dims) -> int:
    """``m = sum_k n_k n_(k+1)``, the number of weights.

    Parameters
    ----------
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    int
        ``m = sum_k n_k n_(k+1)``.
    """
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
    """The flat weight vector: ``W_0, ..., W_H`` concatenated, each row-major.

    Parameters
    ----------
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    ndarray (m,)
        The flat weight vector.
    """
    _dims_of(weights)
    return np.concatenate([as_float_array(W, f"weights[{k}]", ndim=2).ravel() for k, W in enumerate(weights)])


def unflatten(w, dims) -> list:
    """The list ``[W_0, ..., W_H]`` (``W_k`` of shape ``(n_k, n_(k+1))``) from the flat vector ``w``
    (autograd boxes pass through, so that functions of the flat vector stay differentiable).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    list of arrays
        ``[W_0, ..., W_H]`` (views of ``w``; autograd boxes pass through).
    """
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


def _positive_targets(F):
    if np.any(F <= 0):
        raise ValueError(f"F: Milne's theory needs positive targets f(a_i) > 0, got min(F) = {float(F.min())}")


def _real(value, name, low=None, high=None, low_open=False):
    """A finite real number within the paper's bounds (an upper bound is always strict here)."""
    return real(value, name, low=low, high=high, low_open=low_open, high_open=True)


_GIVEN_OR_NOT = object()     # marks an argument the caller does not have (None is a wrong value, refused by name)


def _arguments(dims, X=_GIVEN_OR_NOT, F=None, w=_GIVEN_OR_NOT, lam=_GIVEN_OR_NOT, positive=False, w_name="w"):
    """The arguments most functions of the package share, checked in one order and refused by name: the widths
    ``dims``, the inputs ``X`` with the targets ``F`` (positive, as Milne's theory needs, with ``positive=True``),
    the weight decay ``lam >= 0`` and the flat weights (named ``w_name``). Returns ``(dims, X, F, w, lam)``, the
    ones not passed as given."""
    dims = check_dims(dims)
    if X is not _GIVEN_OR_NOT:
        X, F = _data(X, F, dims)
        if positive:
            _positive_targets(F)
    if lam is not _GIVEN_OR_NOT:
        lam = _real(lam, "lam", low=0.0)
    if w is not _GIVEN_OR_NOT:
        w = as_float_array(w, w_name, shape=(n_weights(dims),))
    return dims, X, F, w, lam


# ------------------------------------------------------------------------------------------------ network
def _relu(z):
    return anp.where(z > 0, z, 0.0)


def outputs(X, weights):
    """``y(a_i, W)`` for every row ``a_i`` of ``X`` (eq. 1), shape ``(N,)``; autograd-differentiable in the
    weights (the ReLU has derivative 0 at 0, matching the switches of eq. 2).

    Parameters
    ----------
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    ndarray (N,)
        ``y(a_i, W)`` for every row of ``X``.
    """
    dims = _dims_of(weights)
    X, _ = _data(X, None, dims)
    h = X
    for W in weights:
        h = _relu(anp.dot(h, W))
    return h[:, 0]


def relu_output(a, weights):
    """Milne's eq. 1 for one input ``a`` of shape ``(n_0,)``: a float (or an autograd box).

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    float
        ``y(a, W)`` (an autograd box when differentiated).
    """
    a = as_float_array(a, "a", ndim=1)
    return outputs(anp.reshape(a, (1, -1)), weights)[0]


def pre_activations(X, weights) -> list:
    """The pre-activations ``z_k = W_(k-1)^T h_(k-1)`` of layers ``1..H+1``, each of shape ``(N, n_k)``.

    Parameters
    ----------
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    list of ndarray
        ``z_k`` of shape ``(N, n_k)`` for layers ``k = 1..H+1``.
    """
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
    switch).

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    list of ndarray
        The 0/1 switch vectors ``s_0, ..., s_(H+1)``.
    """
    a = as_float_array(a, "a", ndim=1)
    zs = pre_activations(a[None, :], weights)
    return [np.ones(a.size)] + [(z[0] > 0).astype(float) for z in zs]


def masked_weights(a, weights) -> list:
    """``V_k = S_k W_k S_(k+1)`` (the paper's ``V_i``, with the order corrected, erratum E3), so that
    ``y = a^T V_0 V_1 ... V_H``.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    list of ndarray
        ``V_k`` of shape ``(n_k, n_(k+1))``.
    """
    s = switches(a, weights)
    return [s[k][:, None] * np.asarray(W, dtype=float) * s[k + 1][None, :] for k, W in enumerate(weights)]


@checked(margin="nonnegative")
def is_differentiable(w, X, dims, margin: float = 0.0) -> bool:
    """Whether every pre-activation (hidden and output) on every input has ``|z| > margin``: then the switches are
    locally constant and ``l`` is smooth near ``w`` (the paper's "differentiable point").

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    margin : float
        Required ``|z|`` of every pre-activation.

    Returns
    -------
    bool
    """
    dims = check_dims(dims)
    zs = pre_activations(X, unflatten(w, dims))
    return bool(all(np.all(np.abs(z) > margin) for z in zs))


@checked(w1="vector", w2="vector")
def same_region(w1, w2, X, dims) -> bool:
    """Whether two weight vectors give the same switches on every input (the same piece ``B_i`` of Theorem 4).

    Parameters
    ----------
    w1 : array_like (m,)
        Flat weights.
    w2 : array_like (m,)
        Flat weights.
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    bool
    """
    dims = check_dims(dims)
    z1 = pre_activations(X, unflatten(w1, dims))
    z2 = pre_activations(X, unflatten(w2, dims))
    return bool(all(np.array_equal(p > 0, q > 0) for p, q in zip(z1, z2)))


# ------------------------------------------------------------------------------------------------ loss
def loss(w, X, F, dims, lam: float = 0.0):
    """``l_lambda(W) = (1/N) sum_i (f(a_i) - y(a_i, W))^2 + lambda ||W||^2`` at the flat weights ``w``
    (autograd-differentiable; ``lam=0`` gives ``l``).

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
        ``l_lambda(W)`` (an autograd box when differentiated).
    """
    dims, X, F, _, lam = _arguments(dims, X, F, lam=lam)
    e = outputs(X, unflatten(w, dims)) - F
    return anp.mean(e ** 2) + lam * anp.sum(w ** 2)
