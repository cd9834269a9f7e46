"""The explicit constants of the paper: Assumption 1, Theorem 4.1 / Remark 4.3, Lemmas 4.1-4.2, Theorems
5.1-5.3.

Notation (Section 4): ``gamma = sigma_1 + rho / sqrt(m)`` bounds ``||W^(l)||_2 / sqrt(m)`` on the spectral
ball (Proposition A.1), and ``h(l) = gamma^(l-1) + |phi(0)| sum_{i=1}^{l-1} gamma^(i-1)`` bounds
``||alpha^(l-1)|| / sqrt(m)`` (Lemma A.2). From them:

* ``c_H`` (Remark 4.3): ``||grad^2_theta f(theta; x)||_2 <= c_H / sqrt(m)`` on ``B^Spec_{rho, rho1}(theta_0)``
  (Theorem 4.1);
* ``varrho`` (Lemma 4.1): ``||grad_theta f|| <= varrho``;
* ``c_{a,b}`` (Lemma 4.2): ``L(theta_0) <= c_{0, sigma_1}`` and ``L(theta) <= c_{rho_1, gamma}`` on the ball;
* ``alpha_t = 2 kappa^2 ||gbar_t||^2 - c_2 / sqrt(m)``, ``c_2 = 2 c_H (2 varrho rho_2 + sqrt(c_{rho1,
  gamma}))`` (Theorem 5.1), ``beta = 2 varrho^2 + 2 c_H sqrt(c_{rho1, gamma}) / sqrt(m)`` (Theorem 5.2), and
  the per-step factor ``1 - (alpha_t omega_t / beta)(1 - gamma_t)(2 - omega_t)`` of Theorem 5.3.

Two corrections, pinned by the tests and shown in the chapter's erratum boxes: Lemma 4.2 prints
``g(a) = a^L + |phi(0)| sum a^i``; its proof (and Lemma A.2) give ``sum a^(i-1)``, used here. Remark 4.3's
first factor ``2L(L^2 gamma^(2L) + L gamma^L + 1)`` is larger than the ``2 C_1 = 2(L^2 gamma^(2L) + L gamma^L
+ L)`` of Theorem 4.2 from which it is derived (so it grows like ``L^6``, not the ``L^5`` of Theorem 4.1, when
``phi(0) != 0``); both are offered (``form=``), the printed one is the default.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_float_array, choice, positive_int
from ._args import _kappa, _nonneg, _real, _targets
from .assumption import ActivationConstants, activation_constants

__all__ = [
    "ActivationConstants",
    "activation_constants",
    "gamma",
    "h",
    "g",
    "c_H",
    "varrho",
    "loss_bound",
    "rsc_alpha",
    "smoothness_beta",
    "contraction",
    "Bounds",
]


def gamma(sigma1: float, rho: float, m: int) -> float:
    """``gamma = sigma_1 + rho / sqrt(m)`` (Theorem 4.1), the bound on ``||W^(l)||_2 / sqrt(m)`` on the ball.

    Parameters
    ----------
    sigma1 : float
        Initialisation scale (Assumption 2).
    rho : float
        Spectral radius of the ball for the hidden layers.
    m : int
        Width.

    Returns
    -------
    float
    """
    return _nonneg(sigma1, "sigma1") + _nonneg(rho, "rho") / math.sqrt(positive_int(m, "m"))


def h(l: int, gam: float, phi0: float) -> float:
    """``h(l) = gamma^(l-1) + |phi(0)| sum_{i=1}^{l-1} gamma^(i-1)`` (Remark 4.3; Lemmas A.2, A.4).

    Parameters
    ----------
    l : int
        Layer index, l >= 1.
    gam : float
        gamma.
    phi0 : float
        phi(0).

    Returns
    -------
    float
    """
    l = positive_int(l, "l")
    gam, phi0 = _nonneg(gam, "gam"), _real(phi0, "phi0")
    return gam ** (l - 1) + abs(phi0) * sum(gam ** (i - 1) for i in range(1, l))


def g(a: float, depth: int, phi0: float) -> float:
    """``g(a) = a^L + |phi(0)| sum_{i=1}^{L} a^(i-1)`` of Lemma 4.2 (corrected exponent ``i - 1``; the
    statement prints ``a^i``): ``|f(theta; x)| <= (1 + rho_1) g(gamma)`` on the ball.

    Parameters
    ----------
    a : float
        sigma_1 at initialisation, gamma on the ball.
    depth : int
        L.
    phi0 : float
        phi(0).

    Returns
    -------
    float
    """
    depth = positive_int(depth, "depth")
    a, phi0 = _nonneg(a, "a"), _real(phi0, "phi0")
    return a**depth + abs(phi0) * sum(a ** (i - 1) for i in range(1, depth + 1))


def c_H(depth: int, gam: float, rho1: float, beta_phi: float, phi0: float, form: str = "remark-4.3") -> float:
    """The constant of Theorem 4.1, ``||grad^2 f(theta; x)||_2 <= c_H / sqrt(m)`` on ``B^Spec_{rho, rho1}``.

    ``form="remark-4.3"`` (default) is the printed exact constant

        c_H = 2L (L^2 gamma^(2L) + L gamma^L + 1)(1 + rho_1) psi_H max_l gamma^(L-l) + 2L gamma^L max_l h(l),

    ``psi_H = max_{l1 < l2} max{ beta_phi h(l1)^2, h(l1)(beta_phi/2 (gamma^2 + h(l2)^2) + 1),
    beta_phi gamma^2 h(l1) h(l2) }``. ``form="theorem-4.2"`` replaces the first factor ``L(L^2 gamma^(2L) + L
    gamma^L + 1)`` by ``C_1 = L^2 gamma^(2L) + L gamma^L + L`` of Theorem 4.2, the bound the proof actually
    gives. For ``L = 1`` the maximum over ``l1 < l2`` is empty; we take ``l1 = l2 = 1`` (a larger, still valid
    choice).

    Parameters
    ----------
    depth : int
        Number of hidden layers L.
    gam : float
        gamma = sigma_1 + rho / sqrt(m).
    rho1 : float
        Last-layer radius.
    beta_phi : float
        ``sup |phi''|``.
    phi0 : float
        phi(0).
    form : {"remark-4.3", "theorem-4.2"}
        Which constant.

    Returns
    -------
    float
    """
    L = positive_int(depth, "depth")
    gam, rho1, beta_phi = _nonneg(gam, "gam"), _nonneg(rho1, "rho1"), _nonneg(beta_phi, "beta_phi")
    phi0 = _real(phi0, "phi0")
    form = choice(form, "form", ("remark-4.3", "theorem-4.2"))
    hs = [h(l, gam, phi0) for l in range(1, L + 1)]
    pairs = [(0, 0)] if L == 1 else [(a, b) for a in range(L) for b in range(a + 1, L)]
    psi = max(
        max(
            beta_phi * hs[a] ** 2,
            hs[a] * (0.5 * beta_phi * (gam**2 + hs[b] ** 2) + 1.0),
            beta_phi * gam**2 * hs[a] * hs[b],
        )
        for a, b in pairs
    )
    if form == "remark-4.3":
        first = L * (L**2 * gam ** (2 * L) + L * gam**L + 1.0)
    else:
        first = L**2 * gam ** (2 * L) + L * gam**L + L
    return 2.0 * first * (1.0 + rho1) * psi * max(
        gam ** (L - l) for l in range(1, L + 1)
    ) + 2.0 * L * gam**L * max(hs)


def varrho(depth: int, gam: float, rho1: float, phi0: float, m: int) -> float:
    """``varrho`` of Lemma 4.1, ``||grad_theta f(theta; x)||_2 <= varrho`` on the ball:
    ``varrho^2 = h(L+1)^2 + (1/m)(1 + rho_1)^2 sum_{l=1}^L h(l)^2 gamma^(2(L-l))``.

    Parameters
    ----------
    depth : int
        L.
    gam : float
        gamma.
    rho1 : float
        Last-layer radius.
    phi0 : float
        phi(0).
    m : int
        Width.

    Returns
    -------
    float
    """
    L, m = positive_int(depth, "depth"), positive_int(m, "m")
    rest = sum(h(l, gam, phi0) ** 2 * gam ** (2 * (L - l)) for l in range(1, L + 1))
    return math.sqrt(h(L + 1, gam, phi0) ** 2 + (1.0 + _nonneg(rho1, "rho1")) ** 2 * rest / m)


def loss_bound(y, a: float, b: float, depth: int, phi0: float) -> float:
    """``c_{a,b} = (2/n) sum_i y_i^2 + 2 (1 + a)^2 g(b)^2`` of Lemma 4.2: ``L(theta_0) <= c_{0, sigma_1}`` and
    ``L(theta) <= c_{rho_1, gamma}`` on the ball (the statement's formula is garbled in print; this is its
    proof).

    Parameters
    ----------
    y : array (n,)
        Targets.
    a : float
        0 at initialisation, rho_1 on the ball.
    b : float
        sigma_1 at initialisation, gamma on the ball.
    depth : int
        L.
    phi0 : float
        phi(0).

    Returns
    -------
    float
    """
    y = _targets(y)
    a, b, phi0 = _nonneg(a, "a"), _nonneg(b, "b"), _real(phi0, "phi0")
    return float(2.0 * np.mean(y**2) + 2.0 * (1.0 + a) ** 2 * g(b, depth, phi0) ** 2)


def rsc_alpha(
    gbar_sq: float, kappa: float, c_h: float, var_rho: float, rho2: float, c_loss: float, m: int
) -> float:
    """The RSC constant of Theorem 5.1, ``alpha_t = c_1 ||gbar_t||^2 - c_2 / sqrt(m)`` with ``c_1 = 2
    kappa^2`` and ``c_2 = 2 c_H (2 varrho rho_2 + sqrt(c_{rho1, gamma}))``.

    Parameters
    ----------
    gbar_sq : float
        ``||gbar_t||^2``.
    kappa : float
        Cone parameter in (0, 1].
    c_h, var_rho, c_loss : float
        ``c_H`` (:func:`c_H`), ``varrho`` (:func:`varrho`), ``c_{rho1, gamma}`` (:func:`loss_bound`).
    rho2 : float
        Radius of the Euclidean ball around theta_t.
    m : int
        Width.

    Returns
    -------
    float
    """
    kappa = _kappa(kappa)
    c_h, var_rho = _nonneg(c_h, "c_h"), _nonneg(var_rho, "var_rho")
    c2 = 2.0 * c_h * (2.0 * var_rho * _nonneg(rho2, "rho2") + math.sqrt(_nonneg(c_loss, "c_loss")))
    return 2.0 * kappa**2 * _nonneg(gbar_sq, "gbar_sq") - c2 / math.sqrt(positive_int(m, "m"))


def smoothness_beta(c_h: float, var_rho: float, c_loss: float, m: int) -> float:
    """The smoothness constant of Theorem 5.2, ``beta = 2 varrho^2 + 2 c_H sqrt(c_{rho1, gamma}) / sqrt(m)``.

    Parameters
    ----------
    c_h, var_rho, c_loss : float
        ``c_H``, ``varrho``, ``c_{rho1, gamma}``.
    m : int
        Width.

    Returns
    -------
    float
    """
    c_h, var_rho = _nonneg(c_h, "c_h"), _nonneg(var_rho, "var_rho")
    return 2.0 * var_rho**2 + 2.0 * c_h * math.sqrt(_nonneg(c_loss, "c_loss")) / math.sqrt(
        positive_int(m, "m")
    )


def contraction(alpha: float, beta: float, omega: float, gamma_t: float = 0.0) -> float:
    """The per-step factor of Theorem 5.3, ``1 - (alpha omega / beta)(1 - gamma_t)(2 - omega)``
    (Lemma 5.2 for ``gamma_t = 0``): ``L(theta_{t+1}) - L* <= factor (L(theta_t) - L*)`` with step ``omega /
    beta``.

    Parameters
    ----------
    alpha : float
        RSC constant alpha_t.
    beta : float
        Smoothness constant, > 0.
    omega : float
        Step size times beta, in (0, 2).
    gamma_t : float
        ``(L(bar theta_{t+1}) - L*) / (L(theta_t) - L*)`` in [0, 1].

    Returns
    -------
    float
    """
    alpha = _real(alpha, "alpha")
    beta = float(as_float_array(beta, "beta", ndim=0))
    if beta <= 0:
        raise ValueError(f"beta: expected a positive smoothness constant, got {beta}")
    omega = float(as_float_array(omega, "omega", ndim=0))
    if not 0 < omega < 2:
        raise ValueError(f"omega: Theorem 5.3 needs omega = eta * beta in (0, 2), got {omega}")
    gamma_t = float(as_float_array(gamma_t, "gamma_t", ndim=0))
    if not 0 <= gamma_t <= 1:
        raise ValueError(f"gamma_t: expected a value in [0, 1], got {gamma_t}")
    return 1.0 - alpha * omega / beta * (1.0 - gamma_t) * (2.0 - omega)


# Bounds gathers the formulas above for one setting; it lives in bounds.py and stays importable from here (the
# package imports this module before bounds.py, so the import below finds the functions it needs defined).
from .bounds import Bounds  # noqa: E402
