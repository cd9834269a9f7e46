"""Networks as Chapter 5 of Nguyen's thesis writes them: activations with inverses, class margins, and the
conditions of Theorems 5.2.3 and 5.2.4.

The thesis writes a layer as ``f_k(x) = sigma(W_k^T f_{k-1}(x) + b_k)`` with ``W_k`` of shape ``(n_{k-1},
n_k)``; :class:`landscapelab.MLP` stores ``M_k = W_k^T`` of shape ``(n_k, n_{k-1})`` and computes ``h M_k^T +
b_k`` on rows. Everything here works on the pairs ``(M_k, b_k)`` of :meth:`landscapelab.MLP.unflatten`, so
``rank W_k = rank M_k`` and "``W_k`` has full rank" with ``n_{k-1} >= n_k`` means that ``M_k`` has full row
rank ``n_k``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import autograd.numpy as anp
import numpy as np

from .. import activations as _activations
from .._validate import as_float_array, positive_number
from ..activations import Activation
from ..nets import MLP

__all__ = ["leaky_relu", "inverse_activation", "negative_slope", "layers", "margins", "predict", "Conditions",
           "theorem_conditions"]


def _leaky(x, slope):
    return anp.where(x > 0, x, slope * x)


def _leaky_d1(x, slope):
    return anp.where(x > 0, 1.0, slope)


def _zeros(x):
    return 0.0 * x


#: Negative-side slope of each piecewise-linear activation this chapter uses (sigma(t) = t for t > 0).
_SLOPES: dict[str, float] = {"relu": 0.0, "identity": 1.0, "leaky_relu": _activations.LEAKY_SLOPE}


def leaky_relu(slope: float) -> Activation:
    """The leaky ReLU ``sigma(t) = max(t, slope t)`` of a chosen slope, registered as ``leaky_relu_<slope>``.

    Theorem 5.2.3 covers it for ``0 < slope < 1`` (continuous, bijective, ``sigma(R) = R``); the thesis's
    counterexample (5.3) uses ``slope = 0.5`` and its experiments ``slope = 0.1``.

    Parameters
    ----------
    slope : float
        The slope on the negative half-line, ``0 <= slope <= 1`` (0 is ReLU, 1 the identity).

    Returns
    -------
    Activation
        Usable as ``MLP(..., activation=leaky_relu(0.1))``; picklable (it is built from module-level
        functions).
    """
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.floating)) or not 0.0 <= slope <= 1.0:
        raise ValueError(f"slope: expected a number in [0, 1], got {slope!r}")
    slope = float(slope)
    name = f"leaky_relu_{slope:g}"
    try:
        return _activations.get(name)
    except ValueError:
        pass
    act = Activation(name, partial(_leaky, slope=slope), partial(_leaky_d1, slope=slope), _zeros, 0.0, 0)
    _SLOPES[name] = slope
    return _activations.register(act)


def negative_slope(activation) -> float | None:
    """The negative-side slope of a piecewise-linear activation (``relu`` 0, ``identity`` 1, leaky ReLU its
    slope), or None when the activation is not of the form ``max(t, a t)``.

    Parameters
    ----------
    activation : str or Activation
        The activation to inspect.

    Returns
    -------
    float or None
    """
    return _SLOPES.get(_activations.get(activation).name)


def _logit(y):
    return np.log(y) - np.log1p(-y)


def _softplus_inv(y):
    return y + np.log(-np.expm1(-y))


_SMOOTH_INVERSES = {
    # name: (inverse, lower end of the range, upper end of the range); the range is the open interval
    "sigmoid": (_logit, 0.0, 1.0),
    "tanh": (np.arctanh, -1.0, 1.0),
    "arctan": (np.tan, -math.pi / 2, math.pi / 2),
    "softplus": (_softplus_inv, 0.0, math.inf),
    "elu": (lambda y: np.where(y > 0, y, np.log1p(np.minimum(y, 0.0) / _activations.ELU_ALPHA)),
            -_activations.ELU_ALPHA, math.inf),
}


def inverse_activation(activation):
    """``sigma^{-1}`` and the open range ``(lo, hi) = sigma(R)`` of a continuous increasing activation.

    Theorem 5.2.3 needs ``sigma(R) = R`` (``lo = -inf``, ``hi = inf``: leaky ReLU, identity); Theorem 5.2.4
    (one hidden layer) allows any continuous strictly increasing ``sigma`` (sigmoid, tanh, softplus, ELU,
    ...).

    Parameters
    ----------
    activation : str or Activation
        The activation to invert.

    Returns
    -------
    (callable, float, float)
        The elementwise inverse on ``(lo, hi)``, and ``lo``, ``hi``.

    Raises
    ------
    ValueError
        For activations that are not injective (ReLU: the thesis's counterexample (5.5)) or not known here.
    """
    act = _activations.get(activation)
    slope = negative_slope(act)
    if slope is not None:
        if slope <= 0.0:
            raise ValueError(f"activation: {act.name} is constant on t < 0, so it has no inverse "
                             "(Theorem 5.2.3 does not apply; the thesis's example (5.5) is such a network)")
        return partial(_leaky, slope=1.0 / slope), -math.inf, math.inf
    if act.name in _SMOOTH_INVERSES:
        return _SMOOTH_INVERSES[act.name]
    raise ValueError(f"activation: no inverse known for {act.name!r}; known: "
                     f"{', '.join(sorted(set(_SLOPES) | set(_SMOOTH_INVERSES)))}")


def layers(net: MLP, w) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs ``(M_k, b_k)`` of a network with biases, as float64 copies (``M_k = W_k^T`` in the thesis).

    Parameters
    ----------
    net : MLP
        A network built with ``bias=True`` and the standard parametrisation.
    w : array_like
        Flat parameter vector.

    Returns
    -------
    list of (ndarray, ndarray)
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if not net.bias or net.parametrization != "standard" or net.output_activation is not None:
        raise ValueError("net: expected bias=True, parametrization='standard' and a linear output layer")
    return [(np.array(M, dtype=float), np.array(b, dtype=float)) for M, b in net.unflatten(w)]


def margins(net: MLP, w, X, cls: int) -> np.ndarray:
    """``(f_L)_cls(x) - max_{k != cls} (f_L)_k(x)`` for each row of ``X``: positive exactly on the decision
    region ``C_cls`` of Definition 5.2.1 (strict inequalities; ties belong to no region).

    Parameters
    ----------
    net : MLP
        The classifier (at least two outputs).
    w : array_like
        Flat parameter vector.
    X : array_like, shape (n, d)
        Inputs, one per row.
    cls : int
        Class index, ``0 <= cls < d_out``.

    Returns
    -------
    ndarray, shape (n,)
    """
    cls = _check_class(net, cls)
    out = np.asarray(net(w, _rows(X, "X", net.d_in)))
    if out.shape[1] == 1:
        raise ValueError("net: decision regions need at least two outputs")
    others = np.delete(out, cls, axis=1)
    return out[:, cls] - others.max(axis=1)


def predict(net: MLP, w, X) -> np.ndarray:
    """The class of each row of ``X`` by Definition 5.2.1 (the strict maximiser of the outputs), -1 for ties.

    Parameters
    ----------
    net : MLP
        The classifier.
    w : array_like
        Flat parameter vector.
    X : array_like, shape (n, d)
        Inputs, one per row.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    _check_net(net)
    out = np.asarray(net(w, _rows(X, "X", net.d_in)))
    top = out.argmax(axis=1)
    ordered = np.sort(out, axis=1)
    return np.where(ordered[:, -1] > ordered[:, -2], top, -1)


def _rows(X, name: str, d: int) -> np.ndarray:
    """``X`` as a non-empty float64 array of shape (n, d), errors naming ``name``."""
    X = as_float_array(X, name, shape=(None, d))
    if len(X) == 0:
        raise ValueError(f"{name}: expected at least one point (row), got shape {X.shape}")
    return X


def _check_net(net) -> MLP:
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    return net


def _finite_real(value, name: str) -> float:
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a finite real number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite real number, got {value!r}")
    return float(value)


def _check_class(net, cls) -> int:
    _check_net(net)
    if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= cls < net.d_out:
        raise ValueError(f"cls: expected a class index in 0..{net.d_out - 1}, got {cls!r}")
    return int(cls)


@dataclass
class Conditions:
    """Which hypotheses of Theorems 5.2.3 and 5.2.4 a network satisfies.

    ``sigma_min[k]`` is the smallest singular value of ``W_{k+1}`` (the ``min(n_k, n_{k+1})``-th),
    ``ranks[k]`` its numerical rank with the tolerance ``rtol * sigma_max``.

    Attributes
    ----------
    widths : tuple of int
        ``(d, n_1, ..., n_L)``.
    pyramidal : bool
        ``d >= n_1 >= ... >= n_{L-1}`` (the hidden widths never grow and none exceeds the input dimension).
    ranks : tuple of int
        Numerical rank of each hidden ``W_k``.
    sigma_min : tuple of float
        Smallest singular value of each hidden ``W_k``.
    full_rank : bool
        Every hidden ``W_k`` has full rank.
    bijective_onto_R : bool
        The activation is a continuous bijection of ``R`` onto ``R`` (Theorem 5.2.3).
    strictly_increasing : bool
        The activation is continuous and strictly increasing (Theorem 5.2.4).
    theorem_523 : bool
        All hypotheses of Theorem 5.2.3 hold.
    theorem_524 : bool
        All hypotheses of Theorem 5.2.4 hold.
    """

    widths: tuple
    pyramidal: bool
    ranks: tuple
    sigma_min: tuple
    full_rank: bool
    bijective_onto_R: bool
    strictly_increasing: bool
    theorem_523: bool
    theorem_524: bool


def theorem_conditions(net: MLP, w, rtol: float = 1e-10) -> Conditions:
    """Check the hypotheses of Theorem 5.2.3 (``d >= n_1 >= ... >= n_{L-1}``, ``sigma`` continuous, bijective
    with ``sigma(R) = R``, every hidden ``W_k`` of full rank) and of Theorem 5.2.4 (one hidden layer, ``d >=
    n_1``, ``sigma`` continuous and strictly increasing, ``W_1`` of full rank).

    Parameters
    ----------
    net : MLP
        The network.
    w : array_like
        Flat parameter vector.
    rtol : float
        Relative tolerance of the rank test (singular values below ``rtol * sigma_max`` count as zero).

    Returns
    -------
    Conditions
    """
    mats = layers(net, w)[:-1]
    rtol = positive_number(rtol, "rtol")
    widths = net.widths
    pyramidal = all(a >= b for a, b in zip(widths[:-2], widths[1:-1]))
    ranks, smin = [], []
    for M, _ in mats:
        s = np.linalg.svd(M, compute_uv=False)
        ranks.append(int(np.sum(s > rtol * max(s[0], np.finfo(float).tiny))))
        smin.append(float(s[-1]))
    full = all(r == min(M.shape) for r, (M, _) in zip(ranks, mats))
    try:
        _, lo, hi = inverse_activation(net.activation)
        increasing = True
    except ValueError:
        lo, hi, increasing = 0.0, 0.0, False
    onto = increasing and lo == -math.inf and hi == math.inf
    return Conditions(widths=widths, pyramidal=pyramidal, ranks=tuple(ranks), sigma_min=tuple(smin),
                      full_rank=full, bijective_onto_R=onto, strictly_increasing=increasing,
                      theorem_523=pyramidal and full and onto and net.depth >= 1,
                      theorem_524=net.depth == 1 and pyramidal and full and increasing)
