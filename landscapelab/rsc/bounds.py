"""All constants of Sections 4-5 for one setting (depth, width, initialisation scale, activation, radii,
targets), each a property computed by the formulas of :mod:`landscapelab.rsc.constants`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .._validate import choice, positive_int
from ._args import _kappa, _nonneg, _targets
from .assumption import ActivationConstants, activation_constants
from .constants import c_H, gamma, loss_bound, rsc_alpha, smoothness_beta, varrho

__all__ = ["Bounds"]


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
