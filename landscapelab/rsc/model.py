"""The network, initialisation, data and balls of Banerjee, Cisneros-Velarde, Zhu and Belkin (Section 3).

The model (Section 3, eq. 1) has ``L`` hidden layers of width ``m`` and one output:

    alpha^(0) = x,   alpha^(l) = phi( W^(l) alpha^(l-1) / sqrt(m_{l-1}) )  (l = 1..L),   f = v^T alpha^(L) /
    sqrt(m)

with ``W^(1)`` of shape ``(m, d)`` (so the first layer is scaled by ``1/sqrt(d)``), ``W^(l)`` of shape ``(m,
m)`` and no biases. This is exactly :class:`landscapelab.MLP` with ``bias=False`` and
``parametrization="ntk"`` (every layer, the output layer included, divides by the square root of its fan-in),
so the core's exact gradient, Hessian-vector and Jacobian passes apply unchanged; the parameter vector stores
``vec(W^(1)), ..., vec(W^(L)), v`` in that order, ``md + (L-1)m^2 + m`` numbers (the paper's "Lm^2 + m"
assumes ``d = m``).

What differs from the core's NTK initialisation is Assumption 2: the hidden weights are ``N(0, sigma_0^2)``
with ``sigma_0 = sigma_1 / (2 (1 + sqrt(log m / (2m))))`` and the last layer ``v_0`` is a random **unit**
vector (not Gaussian entries), and the inputs have ``||x|| = sqrt(d)``. :func:`init_params` draws it. The loss
is the mean square error without 1/2, ``L(theta) = (1/n) sum_i (y_i - f(theta; x_i))^2`` (Section 3),
:func:`loss`.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_float_array, choice, positive_int
from ..losses import LossFunction, loss_function
from ..nets import MLP

__all__ = [
    "sigma0_from_sigma1",
    "sigma1_from_sigma0",
    "network",
    "check_network",
    "init_params",
    "normalise_inputs",
    "make_data",
    "loss",
    "split",
    "spectral_distances",
    "in_spectral_ball",
]


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name}: expected a positive number, got {value!r}")
    value = float(value)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{name}: expected a positive finite number, got {value!r}")
    return value


def _factor(m: int) -> float:
    return 2.0 * (1.0 + math.sqrt(math.log(m) / (2.0 * m)))


def sigma0_from_sigma1(sigma1: float, m: int) -> float:
    """The weight standard deviation of Assumption 2, ``sigma_0 = sigma_1 / (2 (1 + sqrt(log m / (2m))))``.

    Lemma A.1: with this choice ``||W_0^(l)||_2 <= sigma_1 sqrt(m)`` with probability at least ``1 - 2/m``
    (Gordon's bound plus Gaussian concentration, for ``m >= d``), so ``sigma_1`` is the scale of the per-layer
    operator norm divided by ``sqrt(m)``.

    Parameters
    ----------
    sigma1 : float
        The operator-norm scale sigma_1 > 0.
    m : int
        The width.

    Returns
    -------
    float
    """
    return _positive(sigma1, "sigma1") / _factor(positive_int(m, "m"))


def sigma1_from_sigma0(sigma0: float, m: int) -> float:
    """Inverse of :func:`sigma0_from_sigma1`: ``sigma_1 = 2 (1 + sqrt(log m / (2m))) sigma_0``.

    Parameters
    ----------
    sigma0 : float
        The weight standard deviation sigma_0 > 0.
    m : int
        The width.

    Returns
    -------
    float
    """
    return _positive(sigma0, "sigma0") * _factor(positive_int(m, "m"))


def network(d: int, m: int, depth: int, activation="tanh") -> MLP:
    """The paper's network with ``depth`` hidden layers of width ``m`` on inputs of dimension ``d`` (Section
    3).

    Parameters
    ----------
    d : int
        Input dimension.
    m : int
        Width of every hidden layer.
    depth : int
        Number of hidden layers L >= 1.
    activation : str or Activation
        The smooth activation phi (Assumption 1 asks ``|phi'| <= 1`` and ``|phi''| <= beta_phi``).

    Returns
    -------
    MLP
        ``MLP([d, m, ..., m, 1], activation, bias=False, parametrization="ntk")``.
    """
    d, m, depth = positive_int(d, "d"), positive_int(m, "m"), positive_int(depth, "depth")
    return MLP([d] + [m] * depth + [1], activation=activation, bias=False, parametrization="ntk")


def check_network(net) -> MLP:
    """Check that ``net`` is a network of the paper's form (see :func:`network`) and return it.

    Parameters
    ----------
    net : MLP
        The network to check.

    Returns
    -------
    MLP
    """
    if not isinstance(net, MLP):
        raise TypeError(
            f"net: expected a landscapelab.MLP (see landscapelab.rsc.network), got {type(net).__name__}"
        )
    if (
        net.bias
        or net.parametrization != "ntk"
        or net.d_out != 1
        or net.depth < 1
        or net.output_activation is not None
        or len(set(net.widths[1:-1])) != 1
    ):
        raise ValueError(
            f"net: expected the paper's network (no biases, NTK scaling, equal hidden widths, one "
            f"linear output; landscapelab.rsc.network), got {net!r}"
        )
    return net


def init_params(
    net, sigma1: float | None = None, sigma0: float | None = None, seed: int = 0, last_layer: str = "unit"
) -> np.ndarray:
    """Draw theta_0 as in Assumption 2.

    Hidden weights ``w_ij ~ N(0, sigma_0^2)``; ``v_0`` a uniformly random unit vector. Give exactly one of
    ``sigma1`` (then ``sigma_0 = sigma0_from_sigma1(sigma1, m)``) and ``sigma0``.

    Parameters
    ----------
    net : MLP
        A network from :func:`network`.
    sigma1, sigma0 : float, optional
        The scale, either as sigma_1 (the paper's parameter) or directly as sigma_0.
    seed : int
        Seed of ``numpy.random.default_rng``.
    last_layer : {"unit", "gaussian"}
        ``"unit"``: the paper's unit-norm ``v_0``. ``"gaussian"``: ``N(0, 1)`` entries (the usual NTK
        initialisation, for comparison; not the paper's).

    Returns
    -------
    ndarray (P,)
    """
    net = check_network(net)
    m = net.widths[1]
    if (sigma1 is None) == (sigma0 is None):
        raise ValueError("sigma1, sigma0: give exactly one of them")
    s0 = sigma0_from_sigma1(sigma1, m) if sigma0 is None else _positive(sigma0, "sigma0")
    last_layer = choice(last_layer, "last_layer", ("unit", "gaussian"))
    rng = np.random.default_rng(seed)
    w = s0 * rng.standard_normal(net.n_params)
    v = rng.standard_normal(m)
    w[-m:] = v / np.linalg.norm(v) if last_layer == "unit" else v
    return w


def _inputs(net, X, name: str = "X") -> np.ndarray:
    """``net.check_inputs`` that also refuses an empty data set (the loss and ``gbar`` average over it)."""
    X = net.check_inputs(X, name)
    if X.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one input, got shape {X.shape}")
    return X


def _square_loss_data(net, X, y) -> tuple:
    """``(net, X, y)`` checked for the square loss: a network of the paper's form, a non-empty input set and one
    target per input."""
    net = check_network(net)
    X = _inputs(net, X)
    return net, X, as_float_array(y, "y", shape=(X.shape[0],))


def normalise_inputs(X) -> np.ndarray:
    """Rescale every row to Euclidean norm ``sqrt(d)`` (Assumption 2).

    Parameters
    ----------
    X : array (n, d)
        Inputs, one per row, none of them zero.

    Returns
    -------
    ndarray (n, d)
    """
    X = as_float_array(X, "X", ndim=2)
    if X.size == 0:
        raise ValueError(f"X: expected at least one non-empty row, got shape {X.shape}")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("X: a zero row cannot be normalised to norm sqrt(d)")
    return X * (math.sqrt(X.shape[1]) / norms)


def make_data(n: int, d: int, shift: float = 0.0, seed: int = 0):
    """Synthetic data for the chapter: Gaussian inputs, optionally shifted, normalised to ``||x|| = sqrt(d)``,
    and labels ``y = sign(<x, u>)`` for a Gaussian ``u``.

    ``shift = 0`` gives *centred* inputs; ``shift = 1`` adds 1 to every coordinate before normalising (all
    inputs then share a common direction, as raw image pixels do).

    Parameters
    ----------
    n, d : int
        Number of samples and input dimension.
    shift : float
        Added to every coordinate before normalisation.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    (X, y) : ndarray (n, d), ndarray (n,) of +-1
    """
    n, d = positive_int(n, "n"), positive_int(d, "d")
    shift = float(as_float_array(shift, "shift", ndim=0))
    rng = np.random.default_rng(seed)
    X = normalise_inputs(rng.standard_normal((n, d)) + shift)
    y = np.sign(X @ rng.standard_normal(d))
    y[y == 0] = 1.0
    return X, y


def loss(net, X, y) -> LossFunction:
    """The square loss of Section 3, ``L(theta) = (1/n) sum_i (y_i - f(theta; x_i))^2`` (no 1/2).

    Parameters
    ----------
    net : MLP
        A network from :func:`network`.
    X : array (n, d)
        Inputs.
    y : array (n,)
        Targets.

    Returns
    -------
    LossFunction
        With exact ``value``, ``gradient``, ``hvp`` and ``gnvp``.
    """
    net, X, y = _square_loss_data(net, X, y)
    return loss_function(net, X, y[:, None], loss="square", scale=1.0 / X.shape[0])


def split(net, w):
    """The hidden weight matrices ``[W^(1), ..., W^(L)]`` and the last layer ``v`` (views into ``w``).

    Parameters
    ----------
    net : MLP
        A network from :func:`network`.
    w : array (P,)
        Parameters.

    Returns
    -------
    (list of ndarray, ndarray (m,))
    """
    layers = check_network(net).unflatten(w)
    return [M for M, _ in layers[:-1]], layers[-1][0][0]


def spectral_distances(net, w, w0):
    """Distances of Definition 3.1: ``||W^(l) - W_0^(l)||_2`` (operator norms) for each layer and ``||v -
    v_0||_2``.

    Parameters
    ----------
    net : MLP
        A network from :func:`network`.
    w, w0 : array (P,)
        The point and the centre of the ball (usually theta_0).

    Returns
    -------
    (ndarray (L,), float)
    """
    net = check_network(net)
    w = as_float_array(w, "w", shape=(net.n_params,))
    w0 = as_float_array(w0, "w0", shape=(net.n_params,))
    Ws, v = split(net, w)
    W0s, v0 = split(net, w0)
    return (np.array([np.linalg.norm(W - W0, 2) for W, W0 in zip(Ws, W0s)]), float(np.linalg.norm(v - v0)))


def in_spectral_ball(net, w, w0, rho: float, rho1: float) -> bool:
    """Membership of the layerwise spectral-norm ball ``B^Spec_{rho, rho1}(theta_0)`` of Definition 3.1.

    Parameters
    ----------
    net : MLP
        A network from :func:`network`.
    w, w0 : array (P,)
        The point and the centre.
    rho : float
        Radius for every hidden layer (operator norm).
    rho1 : float
        Radius for the last layer (Euclidean norm).

    Returns
    -------
    bool
    """
    rho = float(as_float_array(rho, "rho", ndim=0))
    rho1 = float(as_float_array(rho1, "rho1", ndim=0))
    if rho < 0 or rho1 < 0:
        raise ValueError(f"rho, rho1: expected non-negative radii, got {rho}, {rho1}")
    dW, dv = spectral_distances(net, w, w0)
    return bool(np.all(dW <= rho) and dv <= rho1)
