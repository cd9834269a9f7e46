"""Cooper's ray rho(t) (Section 3, eqs. 2-3, 27, 30): its parameters, its default direction and the
flat index of every named parameter."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import as_float_array, choice
from ..nets import MLP

from .assumption import assumption1

__all__ = ["LOSS_NAMES", "default_direction", "ray", "parameter_index"]

LOSS_NAMES = ("square", "cross_entropy")


def _check_net(net, min_depth=0) -> MLP:
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if not net.bias:
        raise ValueError("net: Cooper's ray sets the hidden biases to c, so the network needs biases (bias=True)")
    if net.parametrization != "standard":
        raise ValueError(f"net: the ray and its closed forms use Cooper's parametrisation (eqs. 9-10, "
                         f"parametrization='standard'), got {net.parametrization!r}")
    if net.output_activation is not None:
        raise ValueError("net: Cooper's networks have no activation after the last affine map (eq. 7); "
                         f"got output_activation={net.output_activation.name!r}")
    if net.depth < min_depth:
        raise ValueError(f"net: expected at least {min_depth} hidden layer(s), got depth {net.depth}")
    return net


def default_direction(net: MLP, loss: str = "square") -> np.ndarray:
    """Cooper's direction M of the last layer: all ones (Omega, eq. 26) for the square loss, the identity extended
    by zeros (eq. 30) for cross-entropy.

    Parameters
    ----------
    net : MLP
        Standard parametrisation, biases, no output activation.
    loss : {"square", "cross_entropy"}
        The loss whose direction is wanted.

    Returns
    -------
    ndarray, shape (d_out, c_l)
        The direction (for ``l = 0``, ``c_l = d_in``).
    """
    _check_net(net)
    loss = choice(loss, "loss", LOSS_NAMES)
    d, k = net.widths[-1], net.widths[-2]
    return np.ones((d, k)) if loss == "square" else np.eye(d, k)


def _direction(net, loss, M):
    if M is None:
        return default_direction(net, loss)
    d, k = net.widths[-1], net.widths[-2]
    M = as_float_array(M, "M", shape=(d, k))
    return np.array(M, dtype=np.float64)


def _scalar_t(t, name="t") -> float:
    if isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(t):
        raise TypeError(f"{name}: expected a finite real number, got {t!r}")
    return float(t)


def _ts(t, name="t"):
    arr = as_float_array(t, name)
    if arr.ndim > 1:
        raise ValueError(f"{name}: expected a number or a 1-D array, got shape {arr.shape}")
    return arr


def _point_vector(net, t, c, M, last_bias):
    layers = [(np.zeros(shape), np.full(b_len, c)) for shape, b_len in net.layer_shapes[:-1]]
    layers.append((t * M, last_bias))
    return net.flatten(layers)


def ray(net: MLP, t, loss: str = "square", c=None, M=None) -> np.ndarray:
    """The flat parameters of Cooper's ray point rho(t) (Section 3, eqs. 2-3, 27, 30).

    Hidden layers ``i <= l``: ``M^i = 0`` and ``b^i = c 1`` with sigma(c) = 0 != sigma'(c) (Assumption 1; the
    default c is found by :func:`activation_facts`). Last layer: ``M^{l+1} = t M``, ``b^{l+1} = 0``, with
    ``M = Omega`` (all ones) for ``loss="square"`` and the rectangular identity ``np.eye(d_out, c_l)`` for
    ``loss="cross_entropy"`` unless ``M`` is given (shape ``(d_out, c_l)``). The network output is then exactly 0
    for every input (eq. 16).

    With no hidden layer (``l = 0``) the activation is never applied and the ray is ``(t M, 0)``.

    Parameters
    ----------
    net : MLP
        Standard parametrisation, biases, no output activation (Cooper's networks, eqs. 7-10).
    t : float
        The position on the ray.
    loss : {"square", "cross_entropy"}
        Chooses the default direction M.
    c : float, optional
        The point of Assumption 1 (default: found by :func:`activation_facts`; must be None for ``l = 0``).
    M : array_like, shape (d_out, c_l), optional
        The direction of the last layer (default :func:`default_direction`).

    Returns
    -------
    ndarray, shape (P,)
        The flat parameters of rho(t), in the layout of ``net.flatten``.

    Raises
    ------
    ValueError
        If the activation has no zero c with sigma'(c) != 0, if ``sigma(c)`` is not exactly 0 in floating point
        (e.g. ``c = pi`` for sin), if sigma'(c) = 0 (ReLU at c < 0), or if sigma is not twice differentiable at c
        (ReLU, leaky ReLU and ELU at 0).
    """
    _check_net(net)
    loss = choice(loss, "loss", LOSS_NAMES)
    t = _scalar_t(t)
    M = _direction(net, loss, M)
    if net.depth == 0:
        if c is not None:
            raise ValueError("c: a network with no hidden layer has no hidden biases, so c must be None")
        return _point_vector(net, t, 0.0, M, np.zeros(net.d_out))
    point = assumption1(net.activation, c)
    return _point_vector(net, t, point.c, M, np.zeros(net.d_out))


def parameter_index(net: MLP) -> dict[str, np.ndarray]:
    """Flat indices of every parameter by name, in the layout of ``net.flatten`` (layer by layer, M row-major,
    then b).

    Parameters
    ----------
    net : MLP
        The network.

    Returns
    -------
    dict of str to ndarray of int
        ``"M1"`` ... ``"M{l+1}"`` (arrays of shape ``(c_i, c_{i-1})``) and ``"b1"`` ... (shape ``(c_i,)``; absent
        for a network without biases).
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    index, start = {}, 0
    for i, ((rows, cols), b_len) in enumerate(net.layer_shapes, start=1):
        index[f"M{i}"] = start + np.arange(rows * cols).reshape(rows, cols)
        start += rows * cols
        if b_len is not None:
            index[f"b{i}"] = start + np.arange(b_len)
            start += b_len
    return index

