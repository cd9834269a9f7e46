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
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from scipy.optimize import minimize_scalar

from .. import activations
from .._validate import as_float_array, choice, positive_int

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


@dataclass(frozen=True)
class ActivationConstants:
    """Assumption 1 for one activation, computed (:func:`activation_constants` builds it).

    Attributes
    ----------
    name : str
        The activation's name.
    lipschitz : float
        ``sup |phi'|`` (Assumption 1 asks for at most 1).
    beta_phi : float
        ``sup |phi''|``, the smoothness constant ``beta_phi`` of Assumption 1.
    phi0 : float
        ``phi(0)``, which enters ``varrho`` (Lemma 4.1) and ``c_H`` (Theorem 4.1).
    min_slope : float
        ``inf phi'`` (negative for GELU and SiLU).
    """

    name: str
    lipschitz: float
    beta_phi: float
    phi0: float
    min_slope: float

    def __post_init__(self):
        if not isinstance(self.name, str) or self.name not in activations.names():
            raise ValueError(f"name: expected one of {', '.join(map(repr, activations.names()))}; "
                             f"got {self.name!r}")
        for name in ("lipschitz", "beta_phi"):
            object.__setattr__(self, name, _nonneg(getattr(self, name), name))
        for name in ("phi0", "min_slope"):
            object.__setattr__(self, name, _real(getattr(self, name), name))

    @property
    def satisfies_assumption_1(self) -> bool:
        """Whether phi is 1-Lipschitz (to 1e-12), as Assumption 1 asks."""
        return self.lipschitz <= 1.0 + 1e-12


def _sup(fun, lo=-40.0, hi=40.0, n=400001) -> tuple[float, float]:
    """sup and inf of fun on the line: a fine grid, then a bounded scalar refinement around each extreme."""
    x = np.linspace(lo, hi, n)
    y = fun(x)
    out = []
    for sign in (1.0, -1.0):
        i = int(np.argmax(sign * y))
        a, b = x[max(i - 1, 0)], x[min(i + 1, n - 1)]
        if a == b:
            out.append(float(y[i]))
            continue
        res = minimize_scalar(
            lambda t: -sign * float(fun(np.array([t]))[0]),
            bounds=(a, b),
            method="bounded",
            options={"xatol": 1e-13},
        )
        out.append(max(sign * float(y[i]), -float(res.fun)) * sign)
    return out[0], out[1]


def activation_constants(activation) -> ActivationConstants:
    """Compute the constants of Assumption 1 for a smooth activation (grid on [-40, 40] plus refinement).

    Parameters
    ----------
    activation : str or Activation
        A registered activation with at least two continuous derivatives.

    Returns
    -------
    ActivationConstants
    """
    return _activation_constants(activations.get(activation).name)


@cache
def _activation_constants(name: str) -> ActivationConstants:
    act = activations.get(name)
    if act.smoothness < 2:
        raise ValueError(
            f"activation: Assumption 1 needs a twice differentiable activation; {act.name!r} is "
            f"C^{act.smoothness}"
        )
    d1_max, d1_min = _sup(act.d1)
    d2_max, d2_min = _sup(act.d2)
    return ActivationConstants(
        act.name,
        max(abs(d1_max), abs(d1_min)),
        max(abs(d2_max), abs(d2_min)),
        float(act.fn(np.array([0.0]))[0]),
        d1_min,
    )


def _nonneg(value, name) -> float:
    value = float(as_float_array(value, name, ndim=0))
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative number, got {value}")
    return value


def _real(value, name) -> float:
    return float(as_float_array(value, name, ndim=0))


def _targets(value) -> np.ndarray:
    y = as_float_array(value, "y", ndim=1)
    if y.size == 0:
        raise ValueError("y: expected at least one target, got an empty array")
    return y


def _kappa(value) -> float:
    kappa = float(as_float_array(value, "kappa", ndim=0))
    if not 0 < kappa <= 1:
        raise ValueError(f"kappa: expected a value in (0, 1], got {kappa}")
    return kappa


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


@dataclass(frozen=True)
class Bounds:
    """All constants of Sections 4-5 for one setting.

    Parameters
    ----------
    depth, m : int
        L and the width.
    sigma1 : float
        Initialisation scale (Assumption 2).
    activation : str
        The activation (its Assumption-1 constants are computed).
    rho, rho1, rho2 : float
        Radii of the spectral ball (hidden layers, last layer) and of the Euclidean ball around theta_t.
    y : array (n,)
        Targets (enter c_{a,b}).
    form : str
        Which c_H (see :func:`c_H`).
    """

    depth: int
    m: int
    sigma1: float
    activation: str
    rho: float
    rho1: float
    rho2: float
    y: tuple
    form: str = "remark-4.3"
    act: ActivationConstants = field(init=False, repr=False)

    def __post_init__(self):
        positive_int(self.depth, "depth"), positive_int(self.m, "m")
        for name in ("sigma1", "rho", "rho1", "rho2"):
            object.__setattr__(self, name, _nonneg(getattr(self, name), name))
        choice(self.form, "form", ("remark-4.3", "theorem-4.2"))
        object.__setattr__(self, "y", tuple(_targets(self.y).tolist()))
        object.__setattr__(self, "act", activation_constants(self.activation))

    @property
    def gamma(self) -> float:
        """sigma_1 + rho / sqrt(m)."""
        return gamma(self.sigma1, self.rho, self.m)

    @property
    def c_H(self) -> float:
        """Theorem 4.1's constant."""
        return c_H(self.depth, self.gamma, self.rho1, self.act.beta_phi, self.act.phi0, form=self.form)

    @property
    def hessian_bound(self) -> float:
        """``c_H / sqrt(m)``, the bound on ``||grad^2 f(theta; x)||_2``."""
        return self.c_H / math.sqrt(self.m)

    @property
    def varrho(self) -> float:
        """Lemma 4.1's gradient bound."""
        return varrho(self.depth, self.gamma, self.rho1, self.act.phi0, self.m)

    @property
    def c_loss(self) -> float:
        """``c_{rho1, gamma}`` of Lemma 4.2."""
        return loss_bound(self.y, self.rho1, self.gamma, self.depth, self.act.phi0)

    @property
    def c_loss_init(self) -> float:
        """``c_{0, sigma_1}`` of Lemma 4.2 (bounds L(theta_0))."""
        return loss_bound(self.y, 0.0, self.sigma1, self.depth, self.act.phi0)

    @property
    def c2(self) -> float:
        """``c_2 = 2 c_H (2 varrho rho_2 + sqrt(c_{rho1, gamma}))`` of Theorem 5.1."""
        return 2.0 * self.c_H * (2.0 * self.varrho * self.rho2 + math.sqrt(self.c_loss))

    def alpha(self, gbar_sq: float, kappa: float) -> float:
        """Theorem 5.1's ``alpha_t`` for the measured ``||gbar_t||^2``.

        Parameters
        ----------
        gbar_sq : float
            ``||gbar_t||^2``, the squared norm of the average gradient of the model (Theorem 5.1).
        kappa : float
            The cone parameter of ``Q_kappa`` (Definition 5.1), in (0, 1].

        Returns
        -------
        float
            ``alpha_t`` (see :func:`rsc_alpha`); negative when the theorem certifies nothing.
        """
        return rsc_alpha(gbar_sq, kappa, self.c_H, self.varrho, self.rho2, self.c_loss, self.m)

    @property
    def beta(self) -> float:
        """Theorem 5.2's smoothness constant."""
        return smoothness_beta(self.c_H, self.varrho, self.c_loss, self.m)

    def rsc_width(self, gbar_sq: float, kappa: float) -> float:
        """The width at which ``alpha_t`` would turn positive with these constants held fixed (Remark 5.1).

        Parameters
        ----------
        gbar_sq : float
            ``||gbar_t||^2`` (Theorem 5.1), > 0.
        kappa : float
            The cone parameter, in (0, 1].

        Returns
        -------
        float
            ``(c_2 / (2 kappa^2 ||gbar||^2))^2``.
        """
        gbar_sq, kappa = _nonneg(gbar_sq, "gbar_sq"), _kappa(kappa)
        if gbar_sq == 0:
            raise ValueError("gbar_sq: expected a number > 0 (alpha_t is never positive at gbar = 0)")
        return (self.c2 / (2.0 * kappa**2 * gbar_sq)) ** 2
