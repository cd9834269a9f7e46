"""Assumption 1 of the paper computed for a registered activation: ``sup |phi'|``, ``beta_phi = sup |phi''|``,
``phi(0)`` and ``inf phi'`` (a fine grid on [-40, 40] refined by a bounded scalar search around each extreme)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.optimize import minimize_scalar

from .. import activations
from ._args import _nonneg, _real

__all__ = ["ActivationConstants", "activation_constants"]


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
