"""Activations with a parameter, their inverses, and the thesis's assumptions on them.

The core registry (:mod:`landscapelab.activations`) fixes one leaky-ReLU slope (0.01) and the unit softplus. Nguyen's
thesis uses a family: leaky ReLU ``max(alpha t, t)`` for any ``alpha in (0, 1)`` (Chapter 3 needs it invertible,
Assumption 3.4.1), the softplus ``(1/gamma) log(1 + exp(gamma t))`` (Chapter 4 uses ``gamma = 20``), and, as
counterexamples, polynomials and the exponential. This module builds them as core
:class:`~landscapelab.activations.Activation` objects, so that :class:`landscapelab.MLP` accepts them directly, and
adds the inverse on the range of sigma that the constructions of Theorem 2.4.11 and Lemma 3.4.6 need.
"""

from __future__ import annotations

import math
from functools import cache

import autograd.numpy as anp
import numpy as np

from .. import activations as core
from .._validate import checked

__all__ = ["get", "leaky_relu", "softplus", "power", "exponential", "inverse", "THESIS_ACTIVATIONS"]

#: Names accepted by :func:`get` besides the core registry (``leaky_relu(0.2)`` and ``softplus(20)`` carry a parameter).
THESIS_ACTIVATIONS = ("leaky_relu(alpha)", "softplus(gamma)", "square", "cube", "exp")


@cache
def leaky_relu(alpha: float = 0.2) -> core.Activation:
    """Leaky ReLU ``sigma(t) = max(alpha t, t)`` with slope ``alpha in (0, 1)`` on the negative side.

    Parameters
    ----------
    alpha : float
        The negative-side slope, strictly between 0 and 1.

    Returns
    -------
    Activation
        Named ``"leaky_relu(alpha)"``; ``d1(0) = alpha`` (left derivative), ``d2 = 0``.
    """
    alpha = float(alpha)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha: expected a slope strictly between 0 and 1, got {alpha}")
    return core.Activation(f"leaky_relu({alpha:g})", lambda t: anp.where(t > 0, t, alpha * t),
                           lambda t: anp.where(t > 0, 1.0, alpha), lambda t: 0.0 * t, 0.0, 0)


@cache
def softplus(gamma: float = 1.0) -> core.Activation:
    """Softplus ``sigma(t) = (1/gamma) log(1 + exp(gamma t))`` (thesis eq. 4.2; ReLU as ``gamma -> infinity``).

    Parameters
    ----------
    gamma : float
        Sharpness, positive.

    Returns
    -------
    Activation
        Named ``"softplus(gamma)"`` (``"softplus"`` itself is the core's ``gamma = 1``).
    """
    gamma = float(gamma)
    if not gamma > 0:
        raise ValueError(f"gamma: expected a positive sharpness, got {gamma}")

    def sig(t):
        return 0.5 * (anp.tanh(0.5 * gamma * t) + 1.0)

    return core.Activation(f"softplus({gamma:g})", lambda t: anp.logaddexp(0.0, gamma * t) / gamma, sig,
                           lambda t: gamma * sig(t) * (1.0 - sig(t)), None, math.inf)


@cache
def power(p: int) -> core.Activation:
    """The monomial ``sigma(t) = t**p`` (``p = 1`` is the identity): polynomial activations give rank-deficient
    features (the remark after Theorem 2.4.5), and ``t**3`` violates Assumption 3.4.2.

    Parameters
    ----------
    p : int
        Degree, 1 to 5.

    Returns
    -------
    Activation
    """
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 1 <= p <= 5:
        raise ValueError(f"p: expected an integer degree from 1 to 5, got {p!r}")
    p = int(p)
    name = {1: "identity", 2: "square", 3: "cube"}.get(p, f"power({p})")
    d2 = (lambda t: 0.0 * t) if p == 1 else (lambda t: p * (p - 1) * t ** (p - 2))
    return core.Activation(name, lambda t: t**p, lambda t: p * t ** (p - 1), d2, 0.0, math.inf)


@cache
def exponential() -> core.Activation:
    """``sigma(t) = exp(t)``: analytic and strictly increasing, but ``exp(t - a) = exp(-a) exp(t)``, so it violates
    Assumption 3.4.2 (every shift is a multiple of sigma).

    Returns
    -------
    Activation
    """
    return core.Activation("exp", anp.exp, anp.exp, anp.exp, None, math.inf)


def get(name) -> core.Activation:
    """An activation by name: the core registry, ``"leaky_relu(0.2)"``, ``"softplus(20)"``, ``"square"``,
    ``"cube"``, ``"exp"``, or an :class:`Activation` (returned unchanged).

    Parameters
    ----------
    name : str or Activation
        A name or an Activation (returned unchanged).

    Returns
    -------
    Activation
    """
    if isinstance(name, core.Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation: expected a name or an Activation, got {type(name).__name__}")
    for prefix, factory in (("leaky_relu(", leaky_relu), ("softplus(", softplus), ("power(", power)):
        if name.startswith(prefix) and name.endswith(")"):
            arg = name[len(prefix):-1]
            try:
                value = int(arg) if factory is power else float(arg)
            except ValueError:
                raise ValueError(f"activation: cannot read the parameter of {name!r}") from None
            return factory(value)
    if name == "square":
        return power(2)
    if name == "cube":
        return power(3)
    if name == "exp":
        return exponential()
    return core.get(name)


def _leaky_slope(act: core.Activation):
    if act.name == "leaky_relu":
        return core.LEAKY_SLOPE
    if act.name.startswith("leaky_relu("):
        return float(act.name[len("leaky_relu("):-1])
    return None


@checked(y="array")
def inverse(act, y):
    """``sigma^{-1}(y)`` elementwise, for y in the range of sigma.

    Defined for the strictly monotone activations the constructions need: leaky ReLU (any slope; range R,
    Assumption 3.4.1), identity, sigmoid (range (0, 1)), tanh (range (-1, 1)), softplus (range (0, inf)), cube.

    Parameters
    ----------
    act : str or Activation
        The activation.
    y : array_like
        Values in the range of sigma.

    Returns
    -------
    ndarray
        ``t`` with ``sigma(t) = y``.

    Raises
    ------
    ValueError
        If sigma is not invertible (ReLU, square, ...) or some ``y`` lies outside its range.
    """
    act = get(act)
    y = np.asarray(y, dtype=np.float64)
    slope = _leaky_slope(act)
    if slope is not None:
        return np.where(y > 0, y, y / slope)
    name = act.name
    if name == "identity":
        return y.copy()
    if name == "cube":
        return np.cbrt(y)
    if name == "sigmoid":
        if np.any((y <= 0) | (y >= 1)):
            raise ValueError("y: sigmoid^{-1} needs values in (0, 1)")
        return np.log(y) - np.log1p(-y)
    if name == "tanh":
        if np.any(np.abs(y) >= 1):
            raise ValueError("y: tanh^{-1} needs values in (-1, 1)")
        return np.arctanh(y)
    if name == "softplus" or name.startswith("softplus("):
        gamma = 1.0 if name == "softplus" else float(name[len("softplus("):-1])
        if np.any(y <= 0):
            raise ValueError("y: softplus^{-1} needs positive values")
        gy = gamma * y
        return np.where(gy > 30, gy + np.log(-np.expm1(-gy)), np.log(np.expm1(gy))) / gamma
    raise ValueError(f"act: {name!r} is not invertible on its range (need a strictly monotone activation)")
