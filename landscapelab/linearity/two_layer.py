"""One hidden layer, both layers trained (Section 3): ``f = m^{-1/2} v^T sigma(W x / sqrt(d) (+ b))``, the
:class:`~landscapelab.MLP` ``[d, m, 1]`` in the NTK parametrisation. The Hessian is block diagonal with one block
per hidden unit, of rank at most two, and its norm has the closed form of :func:`two_layer_hessian_norm`. With
Rademacher output weights ``sqrt(m) ||H||`` tends to a constant (:func:`rademacher_limit`); with Gaussian ones it
grows like the largest of ``m`` Gaussians, ``sqrt(2 ln m)``: the logarithm hidden in the paper's
``O~(1/sqrt(m))`` (Theorem 3.2), which :func:`gaussian_max_quantile` computes by quadrature.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, special

from .._validate import boolean, positive_int, positive_number, probability
from ..nets import MLP
from ._args import array as _array
from .shallow import _activation, _scalar, sup_abs

__all__ = [
    "two_layer_unit_norms",
    "two_layer_top_eigenvector",
    "two_layer_hessian_norm",
    "unit_block_norm",
    "rademacher_limit",
    "gaussian_max_cdf",
    "gaussian_max_quantile",
    "rademacher_output",
    "relu_eq43_hessian_norm",
    "local_slope_sqrt_log",
]


def _two_layer_parts(net, w, x):
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if net.depth != 1 or net.d_out != 1 or net.parametrization != "ntk" or net.output_activation is not None:
        raise ValueError(f"net: expected an NTK-parametrised MLP [d, m, 1] with a linear output, got {net!r}")
    x = np.asarray(_array(x, "x", shape=(net.d_in,)), dtype=np.float64)
    (M1, b1), (M2, _) = net.unflatten(w)
    z = M1 @ x / math.sqrt(net.d_in) + (b1 if b1 is not None else 0.0)
    r2 = float(x @ x) / net.d_in + (1.0 if net.bias else 0.0)
    return z, M2[0], r2


def unit_block_norm(v, z, r2, activation="tanh"):
    """Spectral norm, times ``sqrt(m)``, of one hidden unit's Hessian block: ``g(v, z) = (|v sigma''(z)| r^2 +
    sqrt(v^2 sigma''(z)^2 r^4 + 4 sigma'(z)^2 r^2)) / 2``.

    The block of unit i (its input weights and bias, and its output weight) is ``m^{-1/2} [[v sigma'' u u^T,
    sigma' u], [sigma' u^T, 0]]`` with ``u = dz/d(input weights)``, ``|u|^2 = r^2``; its non-zero eigenvalues
    are the two of the 2 x 2 matrix ``[[v sigma'' r^2, sigma' r], [sigma' r, 0]]``.

    Parameters
    ----------
    v, z : float or array
        Output weight and pre-activation of the unit(s).
    r2 : float
        ``|x|^2 / d`` (plus 1 with a bias).
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).

    Returns
    -------
    float or ndarray
    """
    act = _activation(activation)
    v, z = (np.asarray(_array(a, name), dtype=np.float64) for a, name in ((v, "v"), (z, "z")))
    for arr, name in ((v, "v"), (z, "z")):
        if arr.ndim > 1:
            raise ValueError(f"{name}: expected a number or a 1-D array, got shape {arr.shape}")
    r2 = positive_number(r2, "r2")
    a = np.abs(v * act.d2(z)) * r2
    return 0.5 * (a + np.sqrt(a * a + 4.0 * act.d1(z) ** 2 * r2))


def two_layer_unit_norms(net, w, x) -> np.ndarray:
    """The norms of the m per-unit Hessian blocks of the model ``[d, m, 1]`` at input ``x`` (see
    :func:`unit_block_norm`), divided by ``sqrt(m)``.

    Parameters
    ----------
    net : MLP
        ``[d, m, 1]``, NTK parametrisation, linear output, with or without biases.
    w : array (P,)
        The point: a flat parameter vector.
    x : array (d,)
        One input, shape ``(d,)``.

    Returns
    -------
    ndarray (m,)
    """
    z, v, r2 = _two_layer_parts(net, w, x)
    return unit_block_norm(v, z, r2, net.activation) / math.sqrt(z.size)


def two_layer_hessian_norm(net, w, x) -> float:
    """Exact spectral norm of the model Hessian of the two-layer NTK network at input ``x``: the Hessian is
    block diagonal over hidden units (units share no parameters and the output is linear), so its norm is the
    largest block norm.

    Parameters
    ----------
    net : MLP
        ``[d, m, 1]``, NTK parametrisation, linear output.
    w : array (P,)
        The point: a flat parameter vector.
    x : array (d,)
        One input, shape ``(d,)``.

    Returns
    -------
    float
    """
    return float(two_layer_unit_norms(net, w, x).max())


def rademacher_limit(activation="tanh", r2: float = 1.0) -> tuple[float, float]:
    """``lim sqrt(m) ||H||`` for ``v_i = +-1``: ``sup_z g(1, z)`` of :func:`unit_block_norm` (pre-activations
    are Gaussian, so with m units some come arbitrarily close to the maximiser).

    Parameters
    ----------
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).
    r2 : float
        ``||x||^2 / d`` (plus 1 with a bias): the squared norm of ``dz_i / d(unit i's input weights and
        bias)``.

    Returns
    -------
    (value, argmax z) : tuple of float
    """
    act, r2 = _activation(activation), positive_number(r2, "r2")
    return sup_abs(lambda z: unit_block_norm(1.0, z, r2, act))


def gaussian_max_cdf(t, activation="tanh", r2: float = 1.0, tail: bool = False) -> float:
    """``P(g(v, z) <= t)`` for independent ``v ~ N(0, 1)`` and ``z ~ N(0, r2)`` (``g`` of
    :func:`unit_block_norm`), by quadrature over ``z``: given z, ``g <= t`` iff ``|v| <= (t^2 - sigma'^2 r^2)
    / (t |sigma''| r^2)``.

    Parameters
    ----------
    t : float
        Threshold (> 0).
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).
    r2 : float
        ``||x||^2 / d`` (plus 1 with a bias): the squared norm of ``dz_i / d(unit i's input weights and
        bias)``.
    tail : bool
        Return ``1 - P`` instead (computed directly, without cancellation).

    Returns
    -------
    float
    """
    act = _activation(activation)
    t, r2, tail = positive_number(t, "t"), positive_number(r2, "r2"), boolean(tail, "tail")
    s = math.sqrt(r2)

    def integrand(u):
        z = s * u
        a = abs(float(act.d2(np.array(z)))) * r2
        b2 = float(act.d1(np.array(z))) ** 2 * r2
        if t * t <= b2:
            inside = 0.0
        elif a == 0.0:
            inside = 1.0
        else:
            inside = 1.0 - 2.0 * special.ndtr(-(t * t - b2) / (t * a))
        return (1.0 - inside if tail else inside) * math.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)

    value, _ = integrate.quad(integrand, -12.0, 12.0, epsabs=1e-15, epsrel=1e-11, limit=400, points=[0.0])
    return value


def gaussian_max_quantile(m: int, q: float = 0.5, activation="tanh", r2: float = 1.0) -> float:
    """The q-quantile of ``max_i g(v_i, z_i)`` over m independent units: the prediction for ``sqrt(m) ||H||``
    of the two-layer network with Gaussian output weights (``P(max <= t) = F(t)^m``, ``F`` from
    :func:`gaussian_max_cdf`).

    Parameters
    ----------
    m : int
        Width.
    q : float
        Quantile in (0, 1).
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).
    r2 : float
        ``||x||^2 / d`` (plus 1 with a bias): the squared norm of ``dz_i / d(unit i's input weights and
        bias)``.

    Returns
    -------
    float
    """
    m, q = positive_int(m, "m"), probability(q, "q")
    activation, r2 = _activation(activation), positive_number(r2, "r2")
    target = -math.expm1(math.log(q) / m)  # 1 - q^(1/m), the tail probability of a single unit
    lo, hi = 1e-3, 1.0
    while gaussian_max_cdf(hi, activation, r2, tail=True) > target:
        hi *= 2.0
    return optimize.brentq(
        lambda t: gaussian_max_cdf(t, activation, r2, tail=True) - target, lo, hi, xtol=1e-12
    )


def local_slope_sqrt_log(m) -> np.ndarray:
    """``d log(sqrt(ln m) / sqrt(m)) / d log m = -1/2 + 1 / (2 ln m)``: the log-log slope that a norm growing
    like ``sqrt(ln m) / sqrt(m)`` shows at width m.

    Parameters
    ----------
    m : float or array
        Widths (> 1).

    Returns
    -------
    ndarray
    """
    m = np.asarray(_array(m, "m"), dtype=np.float64)
    if m.ndim > 1:
        raise ValueError(f"m: expected a number or a 1-D array, got shape {m.shape}")
    if np.any(m <= 1):
        raise ValueError("m: expected widths greater than 1")
    return -0.5 + 0.5 / np.log(m)


def rademacher_output(net, w, seed: int = 0) -> np.ndarray:
    """A copy of ``w`` whose last-layer weights are replaced by independent random signs (the paper's ``v_i =
    +-1`` of Section 3.1; Appendix F draws them from N(0, 1) instead).

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        Its parameters.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ndarray (P,)
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    w = np.array(net.check_params(w), dtype=np.float64, copy=True)
    start, m_end, _ = net._slices[-1]
    w[start:m_end] = np.where(np.random.default_rng(seed).random(m_end - start) < 0.5, -1.0, 1.0)
    return w


def relu_eq43_hessian_norm(x, m: int) -> float:
    """``||H(f_c)|| = sqrt(x^2 + 1) / sqrt(m)`` for each output of the ReLU network of Eq. (43) when at least
    one unit is active at x (erratum E7): every active unit contributes the block ``m^{-1/2} [[0, 0, x], [0,
    0, 1], [x, 1, 0]]`` in (w_i, b_i, V_ci), eigenvalues ``+-sqrt(x^2 + 1) / sqrt(m)``.

    Parameters
    ----------
    x : float
        The scalar input.
    m : int
        Width.

    Returns
    -------
    float
    """
    return math.sqrt(_scalar(x) ** 2 + 1.0) / math.sqrt(positive_int(m, "m"))


def two_layer_top_eigenvector(net, w, x) -> tuple[float, np.ndarray]:
    """The eigenvalue of largest magnitude of the two-layer model Hessian at ``x`` and a unit eigenvector.

    The eigenvector lives in the block of the unit with the largest block norm: in the orthonormal pair
    ``(u_i / r, e_{v_i})`` (``u_i = dz_i / d(w_i, b_i)``) the block is
    ``m^{-1/2} [[v sigma'' r^2, sigma' r], [sigma' r, 0]]`` (see :func:`unit_block_norm`).

    Parameters
    ----------
    net : MLP
        ``[d, m, 1]``, NTK parametrisation, linear output.
    w : array (P,)
        The point: a flat parameter vector.
    x : array (d,)
        One input.

    Returns
    -------
    (eigenvalue, vector) : tuple
        A float and an ndarray (P,) of unit length.
    """
    z, v, r2 = _two_layer_parts(net, w, x)
    act = net.activation
    m, d = z.size, net.d_in
    i = int(np.argmax(unit_block_norm(v, z, r2, act)))
    r = math.sqrt(r2)
    a = float(v[i] * act.d2(z[i:i + 1])[0]) * r2
    b = float(act.d1(z[i:i + 1])[0]) * r
    root = math.sqrt(a * a + 4.0 * b * b)
    lam = (a + root) / 2.0 if a >= 0 else (a - root) / 2.0
    e = np.array([b, lam - a]) if b != 0.0 else np.array([1.0, 0.0])
    e /= np.linalg.norm(e)
    vec = np.zeros(net.n_params)
    xx = np.asarray(x, dtype=np.float64)
    u = np.concatenate([xx / math.sqrt(d), [1.0] if net.bias else []]) / r
    vec[i * d:(i + 1) * d] = e[0] * u[:d]
    if net.bias:
        vec[m * d + i] = e[0] * u[d]
    start_out = net._slices[1][0]
    vec[start_out + i] = e[1]
    return lam / math.sqrt(m), vec
