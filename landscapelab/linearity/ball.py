"""Propositions 2.2 and 2.3: a constant tangent kernel is linearity, and a small Hessian keeps the kernel
still.

* Proposition 2.2 (Appendix C): the tangent kernel of a differentiable ``f(w; x)`` is constant in ``w`` iff
  ``f`` is linear in ``w``, ``f = w^T phi(x) + f_0(x)``. :func:`feature_models` gives the linear model and its
  square ``(w^T phi(x))^2``, whose kernel ``4 (w^T phi(x)) (w^T phi(z)) phi(x)^T phi(z)`` is not constant.
* Proposition 2.3 (Appendix D): if ``||H(w)|| <= eps`` on the segment from ``w_0`` to ``w`` then ``||grad f(w)
  - grad f(w_0)|| <= eps ||w - w_0||`` (Eq. 57) and ``|K_(x,z)(w) - K_(x,z)(w_0)| <= eps ||w - w_0|| (||grad
  f(w_0; x)|| + ||grad f(w; z)||)`` (:func:`kernel_change_bound`); by the same Taylor step the linearisation
  error is at most ``eps ||w - w_0||^2 / 2`` (:func:`linearisation_error`).
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np

from .._validate import function, positive_number
from ._args import array as _array

__all__ = ["feature_models", "kernel_matrix", "kernel_change_bound", "linearisation_error"]


def feature_models(features):
    """The linear model ``f(w; x) = w^T phi(x)`` and its square, for a feature map ``phi``.

    Parameters
    ----------
    features : callable
        ``phi(x)`` returning a 1-D array (written with ``autograd.numpy`` or plain NumPy).

    Returns
    -------
    (linear, square) : tuple of callable
        Each ``model(w, x)``.
    """
    function(features, "features")

    def linear(w, x):
        return anp.dot(w, features(x))

    def square(w, x):
        return anp.dot(w, features(x)) ** 2

    return linear, square


def kernel_matrix(model, w, inputs) -> np.ndarray:
    """``K_ij = grad_w f(w; x_i)^T grad_w f(w; x_j)`` by autograd, for a scalar ``model(w, x)``.

    Parameters
    ----------
    model : callable
        ``model(w, x)`` returning a scalar.
    w : array (P,)
        The point: a flat parameter vector.
    inputs : sequence of float or array (n,)
        The scalar inputs ``x_i``.

    Returns
    -------
    ndarray (n, n)
    """
    function(model, "model")
    w = np.asarray(_array(w, "w", ndim=1), dtype=np.float64)
    inputs = np.asarray(_array(inputs, "inputs", ndim=1), dtype=np.float64)
    grad = autograd.grad(model)
    J = np.stack([np.asarray(grad(w, x), dtype=np.float64) for x in inputs])
    return J @ J.T


def kernel_change_bound(eps: float, radius: float, grad_x0: float, grad_z: float) -> float:
    """The right side of Proposition 2.3 as proved in Appendix D: ``eps R (||grad f(w_0; x)|| + ||grad f(w;
    z)||)``.

    Parameters
    ----------
    eps : float
        A bound on ``||H||`` along the segment.
    radius : float
        ``||w - w_0||``.
    grad_x0, grad_z : float
        ``||grad f(w_0; x)||`` and ``||grad f(w; z)||``.

    Returns
    -------
    float
    """
    eps = positive_number(eps, "eps", allow_zero=True)
    radius = positive_number(radius, "radius", allow_zero=True)
    grad_x0 = positive_number(grad_x0, "grad_x0", allow_zero=True)
    grad_z = positive_number(grad_z, "grad_z", allow_zero=True)
    return eps * radius * (grad_x0 + grad_z)


def linearisation_error(f, w0, direction, t) -> np.ndarray:
    """``f(w_0 + t u) - f(w_0) - t grad f(w_0)^T u`` for a scalar ``f(w)``, at each ``t``.

    Parameters
    ----------
    f : callable
        ``f(w)`` (autograd-differentiable).
    w0 : array (P,)
        The starting point.
    direction : array (P,)
        ``u`` (used as given; normalise it for ``t`` to be a distance).
    t : float or array
        Step lengths along ``u``.

    Returns
    -------
    ndarray
    """
    function(f, "f")
    w0 = np.asarray(_array(w0, "w0", ndim=1), dtype=np.float64)
    u = np.asarray(_array(direction, "direction", shape=w0.shape), dtype=np.float64)
    ts = np.asarray(_array(t, "t"), dtype=np.float64)
    if ts.ndim > 1:
        raise ValueError(f"t: expected a number or a 1-D array, got shape {ts.shape}")
    ts = np.atleast_1d(ts)
    f0 = float(f(w0))
    slope = float(np.asarray(autograd.grad(f)(w0)) @ u)
    return np.array([float(f(w0 + s * u)) - f0 - s * slope for s in ts])
