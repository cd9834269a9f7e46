"""Low-dimensional slices of a loss surface: ``(a, b) -> f(w + a d_1 + b d_2)``.

Random directions are filter-normalised as in Li, Xu, Taylor, Studer and Goldstein (2018): each row of each
weight matrix of the direction is rescaled to the norm of the same row of ``w``, and bias entries are zero, so
that slices of networks with different scales are comparable.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, function, positive_int, positive_number
from .nets import MLP

__all__ = ["filter_normalized_direction", "slice_2d"]


def filter_normalized_direction(net: MLP, w, seed: int = 0) -> np.ndarray:
    """A Gaussian direction with every weight row rescaled to the norm of the matching row of ``w`` (biases 0):
    the filter normalisation of Li, Xu, Taylor, Studer and Goldstein (2018) for loss-surface plots.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point whose row norms set the scale.
    seed : int
        Seed of the Gaussian direction.

    Returns
    -------
    ndarray (P,)
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    w = net.check_params(w)
    d = np.random.default_rng(seed).standard_normal(net.n_params)
    layers = []
    for (M, _), (D, b) in zip(net.unflatten(w), net.unflatten(d)):
        norms = np.linalg.norm(M, axis=1, keepdims=True) / np.maximum(np.linalg.norm(D, axis=1, keepdims=True),
                                                                       1e-300)
        layers.append((D * norms, None if b is None else np.zeros_like(b)))
    return net.flatten(layers)


def slice_2d(f, w, d1, d2, extent: float = 1.0, n: int = 41):
    """Values of ``f`` on the square ``[-extent, extent]^2`` of the plane ``w + a d1 + b d2``.

    Parameters
    ----------
    f : callable
        A scalar function of the flat parameters (a fast ``f.value`` is used if present).
    w : array (P,)
        The centre.
    d1, d2 : array (P,)
        The two directions.
    extent : float
        Half-width of the square, positive.
    n : int
        Grid points per side.

    Returns
    -------
    (a, b, values)
        ``values[i, j] = f(w + a[j] d1 + b[i] d2)`` (rows follow ``b``, as ``matplotlib.contour(a, b, values)``
        expects).
    """
    w = as_float_array(w, "w", ndim=1)
    d1 = as_float_array(d1, "d1", shape=w.shape)
    d2 = as_float_array(d2, "d2", shape=w.shape)
    n = positive_int(n, "n")
    function(f, "f")
    extent = positive_number(extent, "extent")
    value = getattr(f, "value", f)
    a = np.linspace(-extent, extent, n)
    b = np.linspace(-extent, extent, n)
    values = np.array([[float(value(w + ai * d1 + bi * d2)) for ai in a] for bi in b])
    return a, b, values
