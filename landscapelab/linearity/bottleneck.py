"""The bottleneck network of Section 4 (Eq. 31) and Theorem 4.1.

``f(W; x) = m^{-1/2} sum_j w4_j sigma(w3_j * m^{-1/2} sum_i w2_i sigma(w1_i x))`` with a scalar input, hidden
widths ``m, 1, m`` (the middle unit is the bottleneck, with the identity as activation), ``sigma(z) = z^2 /
2`` on the two wide layers and every parameter N(0, 1) at initialisation. The flat parameter vector is ``(w1,
w2, w3, w4)``, four blocks of length m.

The proof of Theorem 4.1 bounds ``||H||`` below by the norm of the ``w2``-block, which is rank one (Eq. 109):
``||d^2 f / dw2^2|| = m^{-3/2} |sum_j w4_j w3_j^2| ||alpha1||^2`` with ``alpha1_i = (w1_i x)^2 / 2``. Since
``||alpha1||^2 = x^4 sum_i w1_i^4 / 4`` (erratum E3: the paper writes ``x^2 sum_i w1_i^2 / 4``), the block
converges in law to ``(3 sqrt(3) / 4) |Z| x^4`` (:func:`block_limit_quantile`).

Beyond the paper (:func:`vanishing_point`): the model Hessian and gradient are *exactly zero* at the point
where the bottleneck output ``alpha2`` and ``sum_j w4_j w3_j^2`` both vanish, and that point lies at distance
``sqrt(Z1^2 + Z2^2)`` (two standard Gaussians) from the initialisation. So no lower bound on ``||H||`` can
hold at every point of a ball ``B(W0, R)`` of fixed radius, as a uniform reading of Theorem 4.1 would have it.
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import numpy as np
from scipy import special

from .._validate import finite_number, positive_int, probability
from ._args import array as _array

__all__ = [
    "eq31_model",
    "eq31_init",
    "eq31_parts",
    "block_norm",
    "block_limit_quantile",
    "block_limit_mean",
    "block_limit_cdf",
    "vanishing_point",
]


def _x(x) -> float:
    return finite_number(x, "x")


def _split(W):
    W = _array(W, "W", ndim=1)
    if W.shape[0] % 4:
        raise ValueError(
            f"W: expected four blocks (w1, w2, w3, w4) of equal length m, got length {W.shape[0]}"
        )
    m = W.shape[0] // 4
    return m, W[:m], W[m : 2 * m], W[2 * m : 3 * m], W[3 * m :]


def eq31_model(x):
    """The bottleneck network of Eq. (31) at the scalar input ``x``, as a function of ``W = (w1, w2, w3,
    w4)``.

    Parameters
    ----------
    x : float
        The scalar input.

    Returns
    -------
    callable
        ``f(W)``, written with ``autograd.numpy``.
    """
    x = _x(x)

    def f(W):
        m, w1, w2, w3, w4 = _split(W)
        a1 = 0.5 * (w1 * x) ** 2
        a2 = anp.dot(w2, a1) / anp.sqrt(m)
        a3 = 0.5 * (w3 * a2) ** 2
        return anp.dot(w4, a3) / anp.sqrt(m)

    return f


def eq31_init(m: int, seed: int = 0) -> np.ndarray:
    """Initial parameters of Eq. (31): ``4 m`` independent N(0, 1) numbers.

    Parameters
    ----------
    m : int
        The wide layers' width.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ndarray (4 m,)
    """
    return np.random.default_rng(seed).standard_normal(4 * positive_int(m, "m"))


def eq31_parts(W, x) -> dict:
    """The layer values of Eq. (31): ``alpha1`` (m,), the bottleneck ``alpha2`` (a number), ``alpha3`` (m,)
    and ``f``.

    Parameters
    ----------
    W : array (4 m,)
        Parameters ``(w1, w2, w3, w4)`` of Eq. (31).
    x : float
        The scalar input.

    Returns
    -------
    dict
    """
    m, w1, w2, w3, w4 = _split(W)
    x = _x(x)
    a1 = 0.5 * (w1 * x) ** 2
    a2 = float(w2 @ a1) / math.sqrt(m)
    a3 = 0.5 * (w3 * a2) ** 2
    return {"alpha1": a1, "alpha2": a2, "alpha3": a3, "f": float(w4 @ a3) / math.sqrt(m)}


def block_norm(W, x) -> float:
    """The norm of the ``w2``-block of the Hessian of Eq. (31), ``m^{-3/2} |sum_j w4_j w3_j^2| ||alpha1||^2``
    (Eq. 109), a lower bound on ``||H(W)||``.

    Parameters
    ----------
    W : array (4 m,)
        Parameters ``(w1, w2, w3, w4)`` of Eq. (31).
    x : float
        The scalar input.

    Returns
    -------
    float
    """
    m, w1, _, w3, w4 = _split(W)
    a1 = 0.5 * (w1 * _x(x)) ** 2
    return abs(float(w4 @ (w3 * w3))) * float(a1 @ a1) / m**1.5


_LIMIT = 3.0 * math.sqrt(3.0) / 4.0


def block_limit_cdf(t, x: float = 1.0):
    """``P(B <= t)`` for the width-infinity law of the block, ``B = (3 sqrt(3) / 4) |Z| x^4`` (Z ~ N(0, 1)):
    ``sum_j w4_j w3_j^2`` has mean 0 and variance ``3 m``, and ``||alpha1||^2 / m -> 3 x^4 / 4``.

    Parameters
    ----------
    t : float or array
        Where to evaluate the distribution function.
    x : float
        The scalar input.

    Returns
    -------
    float or ndarray
    """
    scale = _LIMIT * _x(x) ** 4
    t = np.asarray(_array(t, "t"), dtype=np.float64)
    return special.erf(t / (scale * math.sqrt(2.0)))


def block_limit_quantile(q, x: float = 1.0) -> float:
    """The q-quantile of the limit law ``(3 sqrt(3) / 4) |Z| x^4`` (the median is ``0.876 x^4``).

    Parameters
    ----------
    q : float
        In (0, 1).
    x : float
        The scalar input (the law scales as x^4).

    Returns
    -------
    float
    """
    q = probability(q, "q")
    return float(_LIMIT * _x(x) ** 4 * math.sqrt(2.0) * special.erfinv(q))


def block_limit_mean(x: float = 1.0) -> float:
    """The mean of the limit law, ``(3 sqrt(3) / 4) sqrt(2 / pi) x^4 = 1.0365 x^4``.

    Parameters
    ----------
    x : float
        The scalar input.

    Returns
    -------
    float
    """
    return _LIMIT * math.sqrt(2.0 / math.pi) * _x(x) ** 4


def vanishing_point(W, x) -> tuple[np.ndarray, float]:
    """The nearest point to ``W`` that moves only ``w2`` and ``w4`` and makes the model Hessian and gradient
    of Eq. (31) vanish (beyond the paper).

    ``w2`` is moved along ``alpha1`` until the bottleneck output ``alpha2 = m^{-1/2} w2 . alpha1`` is 0, and
    ``w4`` along ``w3^2`` until ``sum_j w4_j w3_j^2 = 0``. With ``alpha2 = 0`` every pre-activation of the
    third layer is 0, so ``sigma'`` vanishes there and every Hessian entry except the ``w1``/``w2`` ones
    drops; those all carry the factor ``sum_j w4_j w3_j^2``. The two moves have lengths ``|alpha2| sqrt(m) /
    ||alpha1||`` and ``|sum_j w4_j w3_j^2| / ||w3^2||``, each distributed as ``|N(0, 1)|`` at initialisation.

    Parameters
    ----------
    W : array (4 m,)
        Parameters ``(w1, w2, w3, w4)`` of Eq. (31).
    x : float
        The scalar input.

    Returns
    -------
    (W_star, distance) : tuple
    """
    m, w1, w2, w3, w4 = (np.array(part, dtype=np.float64) if i else part for i, part in enumerate(_split(W)))
    a1 = 0.5 * (w1 * _x(x)) ** 2
    if not np.any(a1):
        raise ValueError("W: alpha1 = 0 (all first-layer weights or x are zero); alpha2 is already 0")
    w2 = w2 - (w2 @ a1) / (a1 @ a1) * a1
    u = w3 * w3
    if np.any(u):
        w4 = w4 - (w4 @ u) / (u @ u) * u
    star = np.concatenate([w1, w2, w3, w4])
    return star, float(np.linalg.norm(star - np.asarray(W, dtype=np.float64)))
