"""Named activation functions with their first two derivatives and the facts the chapters need.

Every activation is an :class:`Activation`: ``act(x)`` evaluates sigma with ``autograd.numpy`` (so autograd can
differentiate through it), ``act.d1`` and ``act.d2`` are sigma' and sigma'' written out by hand (the fast
backward and Hessian-vector passes of :mod:`landscapelab.losses` use them, and the tests check them against
autograd and SymPy).

Facts carried by each activation:

* ``zero``: a point c with sigma(c) = 0 exactly in floating point, or ``None`` if sigma has no real zero
  (sigmoid, softplus). Cooper's Assumption 1 asks in addition that sigma'(c) != 0; whether that holds is
  computed by :func:`landscapelab.smoothness.activation_table`, not stored here.
* ``smoothness``: the largest k such that sigma is k times continuously differentiable on the whole line
  (``math.inf`` for analytic functions; 0 for ReLU, 1 for ELU).

Conventions at the kinks: ``relu.d1(0) = 0`` and ``leaky_relu.d1(0) = slope`` (the left derivative);
``elu.d2(0) = 0`` (the right second derivative). autograd uses other conventions at these points (for example
it gives ReLU'(0) = 0.5 through ``np.maximum``); tests avoid exact kinks for that reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Callable

import autograd.numpy as anp
from autograd.extend import defjvp, defvjp, primitive

__all__ = ["Activation", "get", "names", "register"]

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


@dataclass(frozen=True)
class Activation:
    """An elementwise activation sigma with sigma', sigma'' and a few facts.

    Parameters
    ----------
    name : str
        Name under which :func:`get` finds it.
    fn, d1, d2 : callable
        sigma, sigma' and sigma'' as elementwise functions of an array (written with ``autograd.numpy``).
    zero : float or None
        A point c with sigma(c) = 0 exactly, or None when sigma has no real zero.
    smoothness : float
        Number of continuous derivatives on the real line (``math.inf`` when smooth).
    """

    name: str
    fn: Callable
    d1: Callable
    d2: Callable
    zero: float | None
    smoothness: float

    def __call__(self, x):
        return self.fn(x)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _sigmoid(x):
    return 0.5 * (anp.tanh(0.5 * x) + 1.0)


def _sigmoid_d1(x):
    s = _sigmoid(x)
    return s * (1.0 - s)


def _sigmoid_d2(x):
    s = _sigmoid(x)
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def _tanh_d1(x):
    return 1.0 - anp.tanh(x) ** 2


def _tanh_d2(x):
    t = anp.tanh(x)
    return -2.0 * t * (1.0 - t**2)


@primitive
def _erf(x):
    """The error function, differentiable by autograd. SciPy's ``erf`` is imported on first use only:
    ``autograd.scipy.special`` would import ``scipy.stats`` and ``scipy.integrate`` with the package (about 1 s)."""
    from scipy.special import erf

    return erf(x)


def _erf_d1(x):
    return _TWO_OVER_SQRT_PI * anp.exp(-(x**2))


defvjp(_erf, lambda ans, x: lambda g: g * _erf_d1(x))
defjvp(_erf, lambda g, ans, x: g * _erf_d1(x))


def _erf_d2(x):
    return -2.0 * x * _erf_d1(x)


def _normal_cdf(x):
    return 0.5 * (1.0 + _erf(x / _SQRT2))


def _normal_pdf(x):
    return _INV_SQRT_2PI * anp.exp(-0.5 * x**2)


def _gelu(x):
    return x * _normal_cdf(x)


def _gelu_d1(x):
    return _normal_cdf(x) + x * _normal_pdf(x)


def _gelu_d2(x):
    return (2.0 - x**2) * _normal_pdf(x)


def _silu(x):
    return x * _sigmoid(x)


def _silu_d1(x):
    s = _sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _silu_d2(x):
    s = _sigmoid(x)
    return s * (1.0 - s) * (2.0 + x * (1.0 - 2.0 * s))


def _softplus(x):
    return anp.logaddexp(0.0, x)


def _mish(x):
    return x * anp.tanh(_softplus(x))


def _mish_d1(x):
    t = anp.tanh(_softplus(x))
    return t + x * (1.0 - t**2) * _sigmoid(x)


def _mish_d2(x):
    t = anp.tanh(_softplus(x))
    s = _sigmoid(x)
    sech2 = 1.0 - t**2
    return 2.0 * sech2 * s + x * sech2 * s * ((1.0 - s) - 2.0 * t * s)


def _relu(x):
    return anp.maximum(x, 0.0)


def _relu_d1(x):
    return anp.where(x > 0, 1.0, 0.0)


def _zeros_like(x):
    return 0.0 * x


def _leaky_relu(x):
    return anp.where(x > 0, x, LEAKY_SLOPE * x)


def _leaky_relu_d1(x):
    return anp.where(x > 0, 1.0, LEAKY_SLOPE)


def _elu(x):
    return anp.where(x > 0, x, ELU_ALPHA * anp.expm1(anp.minimum(x, 0.0)))


def _elu_d1(x):
    return anp.where(x > 0, 1.0, ELU_ALPHA * anp.exp(anp.minimum(x, 0.0)))


def _elu_d2(x):
    return anp.where(x > 0, 0.0, ELU_ALPHA * anp.exp(anp.minimum(x, 0.0)))


def _arctan_d1(x):
    return 1.0 / (1.0 + x**2)


def _arctan_d2(x):
    return -2.0 * x / (1.0 + x**2) ** 2


def _identity(x):
    return 1.0 * x


def _ones_like(x):
    return 0.0 * x + 1.0


_REGISTRY: dict[str, Activation] = {}


def register(activation: Activation) -> Activation:
    """Add an activation to the registry so that :func:`get` and ``MLP(activation=name)`` find it.

    Parameters
    ----------
    activation : Activation
        The activation; its ``name`` is the key (an existing entry of that name is replaced).

    Returns
    -------
    Activation
        The same object, so that ``register`` can be used as an expression.
    """
    if not isinstance(activation, Activation):
        raise TypeError(f"activation: expected an Activation, got {type(activation).__name__}")
    _REGISTRY[activation.name] = activation
    return activation


for _act in (
    Activation("tanh", anp.tanh, _tanh_d1, _tanh_d2, 0.0, math.inf),
    Activation("sin", anp.sin, anp.cos, lambda x: -anp.sin(x), 0.0, math.inf),
    Activation("arctan", anp.arctan, _arctan_d1, _arctan_d2, 0.0, math.inf),
    Activation("erf", _erf, _erf_d1, _erf_d2, 0.0, math.inf),
    Activation("silu", _silu, _silu_d1, _silu_d2, 0.0, math.inf),
    Activation("gelu", _gelu, _gelu_d1, _gelu_d2, 0.0, math.inf),
    Activation("mish", _mish, _mish_d1, _mish_d2, 0.0, math.inf),
    Activation("sigmoid", _sigmoid, _sigmoid_d1, _sigmoid_d2, None, math.inf),
    Activation("softplus", _softplus, _sigmoid, _sigmoid_d1, None, math.inf),
    Activation("relu", _relu, _relu_d1, _zeros_like, 0.0, 0),
    Activation("leaky_relu", _leaky_relu, _leaky_relu_d1, _zeros_like, 0.0, 0),
    Activation("elu", _elu, _elu_d1, _elu_d2, 0.0, 1),
    Activation("identity", _identity, _ones_like, _zeros_like, 0.0, math.inf),
):
    register(_act)


def names() -> list[str]:
    """Names of all registered activations, in registration order.

    Returns
    -------
    list of str
    """
    return list(_REGISTRY)


def get(name: str | Activation) -> Activation:
    """Look up an activation by name (an :class:`Activation` is returned unchanged).

    Parameters
    ----------
    name : str or Activation
        A registered name (see :func:`names`) or an activation.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If no activation of that name is registered; the message lists the known names.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation: expected a name (str) or an Activation, got {type(name).__name__}")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"activation: unknown name {name!r}; known: {', '.join(_REGISTRY)}") from None
