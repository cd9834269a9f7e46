"""One hidden layer: the paper's Eq. (8) and the two-layer network of Section 3, with closed forms.

*Eq. (8)*, the warm-up of Section 3.1: ``f(w; x) = m^{-1/2} sum_i v_i sigma(w_i x)`` with a scalar input
``x``, output weights ``v_i = +-1`` fixed and only ``w`` trained. Its Hessian is diagonal, ``H_ii = m^{-1/2}
v_i sigma''(w_i x) x^2`` (Eq. 9; the paper's Eq. 13 has ``sigma'(w_k x) x`` instead, see the chapter's erratum
E1), so ``||H|| = x^2 m^{-1/2} max_i |sigma''(w_i x)|``, while the kernel ``K(x, x) = m^{-1} sum_i x^2
sigma'(w_i x)^2`` (Eq. 10) stays of order one.

*Two layers, both trained*: the closed forms of Section 3 (block-diagonal Hessian, its norm, the Rademacher and
Gaussian width laws) are in :mod:`~landscapelab.linearity.two_layer`, and importable from here.
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import numpy as np
from scipy import integrate, optimize

from .. import activations
from .._validate import (finite_number, function, positive_int)
from ._args import array as _array

__all__ = [
    "eq8_model",
    "eq8_hessian_diagonal",
    "eq8_hessian_norm",
    "eq8_kernel",
    "sup_abs",
    "kernel_limit",
]   # and, at the end of this module, the names of two_layer


def _activation(activation):
    return activations.get(activation)


def _weights(w, v=None):
    w = np.asarray(_array(w, "w", ndim=1), dtype=np.float64)
    if v is None:
        return w
    v = np.asarray(_array(v, "v", ndim=1), dtype=np.float64)
    if v.shape != w.shape:
        raise ValueError(f"v: expected {w.size} output weights (one per hidden unit), got {v.size}")
    return w, v


def _scalar(x, name="x") -> float:
    return finite_number(x, name)


# ---------------------------------------------------------------------------------------------------- Eq. (8)
def eq8_model(v, x, activation="tanh"):
    """The network of Eq. (8) as a function of the trained weights ``w`` only.

    Parameters
    ----------
    v : array (m,)
        Fixed output weights (the paper takes ``v_i = +-1``).
    x : float
        The scalar input.
    activation : str or Activation
        ``sigma`` (the paper: a smooth one such as tanh or sigmoid).

    Returns
    -------
    callable
        ``f(w) = m^{-1/2} sum_i v_i sigma(w_i x)``, written with ``autograd.numpy`` so autograd differentiates
        it.
    """
    v = np.array(_array(v, "v", ndim=1), dtype=np.float64)
    x = _scalar(x)
    act = _activation(activation)
    m = v.size

    def f(w):
        return anp.dot(v, act(w * x)) / anp.sqrt(m)

    f.n_params = m
    return f


def eq8_hessian_diagonal(w, v, x, activation="tanh") -> np.ndarray:
    """The diagonal of the Hessian of Eq. (8): ``H_ii = m^{-1/2} v_i sigma''(w_i x) x^2`` (Eq. 9, with the
    ``sigma''`` of erratum E1; all off-diagonal entries are zero).

    Parameters
    ----------
    w, v : array (m,)
        Trained and fixed weights.
    x : float
        The scalar input.
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).

    Returns
    -------
    ndarray (m,)
    """
    w, v = _weights(w, v)
    x = _scalar(x)
    return v * _activation(activation).d2(w * x) * x * x / math.sqrt(w.size)


def eq8_hessian_norm(w, v, x, activation="tanh") -> float:
    """``||H|| = x^2 m^{-1/2} max_i |v_i sigma''(w_i x)|`` (Eq. 9).

    Parameters
    ----------
    w : array (m,)
        Trained weights (one per hidden unit).
    v : array (m,)
        Output weights, one per hidden unit.
    x : float
        The scalar input.
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).

    Returns
    -------
    float
    """
    return float(np.abs(eq8_hessian_diagonal(w, v, x, activation)).max())


def eq8_kernel(w, x, z, activation="tanh") -> float:
    """The tangent kernel of Eq. (8), ``K(x, z) = m^{-1} sum_i x z sigma'(w_i x) sigma'(w_i z)`` (Eq. 10 at z
    = x).

    Parameters
    ----------
    w : array (m,)
        Trained weights (one per hidden unit).
    x : float
        First scalar input.
    z : float
        Second scalar input.
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).

    Returns
    -------
    float
    """
    w = _weights(w)
    x, z = _scalar(x), _scalar(z, "z")
    act = _activation(activation)
    return float(np.mean(x * z * act.d1(w * x) * act.d1(w * z)))


def sup_abs(fn, lo: float = -20.0, hi: float = 20.0, points: int = 200001) -> tuple[float, float]:
    """``max |fn(z)|`` over ``[lo, hi]``: the best of a fine grid, refined by a bounded scalar search.

    Parameters
    ----------
    fn : callable
        An elementwise function (for example ``activation.d2``).
    lo, hi : float
        The interval searched.
    points : int
        Grid size.

    Returns
    -------
    (value, argmax) : tuple of float
    """
    function(fn, "fn")
    lo, hi, points = finite_number(lo, "lo"), finite_number(hi, "hi"), positive_int(points, "points")
    if not lo < hi:
        raise ValueError(f"hi: expected hi > lo = {lo}, got {hi}")
    if points < 3:
        raise ValueError(f"points: expected at least 3 grid points, got {points}")
    z = np.linspace(lo, hi, points)
    vals = np.abs(fn(z))
    i = int(np.argmax(vals))
    step = (hi - lo) / (points - 1)
    a, b = max(lo, z[i] - step), min(hi, z[i] + step)
    res = optimize.minimize_scalar(
        lambda t: -abs(float(fn(np.array(t)))), bounds=(a, b), method="bounded", options={"xatol": 1e-13}
    )
    best = (float(-res.fun), float(res.x)) if -res.fun >= vals[i] else (float(vals[i]), float(z[i]))
    return best


def kernel_limit(x, activation="tanh") -> float:
    """The width-infinity kernel of Eq. (8), ``x^2 E_{w ~ N(0,1)} sigma'(w x)^2`` (after Eq. 10), by
    quadrature.

    Parameters
    ----------
    x : float
        The scalar input.
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).

    Returns
    -------
    float
    """
    x = _scalar(x)
    d1 = _activation(activation).d1
    value, _ = integrate.quad(
        lambda t: float(d1(np.array(t * x))) ** 2 * math.exp(-0.5 * t * t),
        -np.inf,
        np.inf,
        epsabs=1e-13,
        epsrel=1e-12,
    )
    return x * x * value / math.sqrt(2.0 * math.pi)


# The two-layer closed forms live in two_layer.py (which uses the helpers above) and stay importable from here;
# the package imports this module first, so two_layer finds them defined.
from . import two_layer as _two_layer  # noqa: E402
from .two_layer import *  # noqa: E402, F403

__all__ += _two_layer.__all__
