"""Non-linear output layers (Section 4, Eqs. 26-29) and the output functions of Sections 5 and 6.

With ``f~ = phi(f)`` on top of a network ``f`` with linear output:

* Eq. (27): ``grad f~ = phi'(f) grad f``, so the kernel is ``K~ = D K D`` with ``D = diag(phi'(f(x_i)))``;
* Eq. (28): ``H~ = phi''(f) grad f grad f^T + phi'(f) H``;
* Eq. (29): ``||H~|| >= |phi''(f)| ||grad f||^2 - |phi'(f)| ||H||``: the rank-one term is of the order of the
  *squared 2-norm* of ``df/dalpha`` (Remark 4.1), so it does not shrink with width while ``||H||`` does.

The output functions (``phi``) are :class:`~landscapelab.activations.Activation` objects, usable as ``MLP(...,
output_activation=phi)`` (then :func:`landscapelab.model_hessian_operator` is the Hessian of ``phi(f)``): the
paper's swish with beta = 0.1 (Appendix B, Eq. 45), and the output of the Theorem 5.1 example, ``phi(z) = z +
softplus(z) - ln 2``, with ``1 < phi' < 2`` (so ``|phi'| >= rho = 1``) and ``phi(0) = 0``. Swish with beta =
0.1 does *not* satisfy Theorem 5.1's hypothesis (erratum E14): its derivative vanishes at ``z = -12.78``
(:func:`derivative_range`).
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import numpy as np
from scipy import optimize

from .. import activations
from .._validate import finite_number, positive_int, positive_number
from ..activations import Activation
from ..nets import MLP
from ._args import array as _array

__all__ = [
    "SWISH_BETA",
    "two_layer_output_hessian_norm",
    "swish",
    "shifted_softplus",
    "OUTPUTS",
    "get_output",
    "with_output",
    "output_kernel",
    "softmax_jacobians",
    "softmax_kernel",
    "derivative_range",
    "eq29_terms",
]

#: The paper's swish parameter (Appendix B, Eq. 45): ``Swish(z) = z / (1 + exp(-0.1 z))``.
SWISH_BETA = 0.1


def _sigmoid(z):
    return 0.5 * (anp.tanh(0.5 * z) + 1.0)


def _swish(z):
    return z * _sigmoid(SWISH_BETA * z)


def _swish_d1(z):
    s = _sigmoid(SWISH_BETA * z)
    return s + SWISH_BETA * z * s * (1.0 - s)


def _swish_d2(z):
    s = _sigmoid(SWISH_BETA * z)
    ds = SWISH_BETA * s * (1.0 - s)
    return 2.0 * ds + z * SWISH_BETA * ds * (1.0 - 2.0 * s)


def _softplus(z):
    return anp.logaddexp(0.0, z)


def _shifted_softplus(z):
    return z + _softplus(z) - math.log(2.0)


def _shifted_softplus_d1(z):
    return 1.0 + _sigmoid(z)


def _shifted_softplus_d2(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


#: ``Swish(z) = z sigmoid(0.1 z)``, the paper's non-linear output of Figure 1 (Eq. 45).
swish = Activation("swish0.1", _swish, _swish_d1, _swish_d2, 0.0, math.inf)

#: ``phi(z) = z + softplus(z) - ln 2``: ``phi' = 1 + sigmoid`` lies in (1, 2), ``phi''(0) = 1/4``.
shifted_softplus = Activation(
    "shifted_softplus", _shifted_softplus, _shifted_softplus_d1, _shifted_softplus_d2, 0.0, math.inf
)

#: The output functions the chapter uses, by name.
OUTPUTS = {
    "swish0.1": swish,
    "shifted_softplus": shifted_softplus,
    "softplus": activations.get("softplus"),
    "tanh": activations.get("tanh"),
}


def get_output(phi) -> Activation:
    """An output function by name (``"swish0.1"``, ``"shifted_softplus"``, ``"softplus"``, ``"tanh"``) or any
    :class:`~landscapelab.activations.Activation`.

    Parameters
    ----------
    phi : str or Activation
        The output function (a name of :data:`OUTPUTS` or an Activation).

    Returns
    -------
    Activation
    """
    if isinstance(phi, Activation):
        return phi
    if isinstance(phi, str) and phi in OUTPUTS:
        return OUTPUTS[phi]
    if isinstance(phi, str):
        raise ValueError(f"phi: unknown output {phi!r}; known: {', '.join(OUTPUTS)}")
    raise TypeError(f"phi: expected a name or an Activation, got {type(phi).__name__}")


def with_output(net, phi) -> MLP:
    """The network ``phi(f)``: the same widths, activation, biases and parametrisation as ``net`` (so the same
    parameter vector), with the output function ``phi``.

    Parameters
    ----------
    net : MLP
        With a linear output.
    phi : str or Activation
        The output function (a name of :data:`OUTPUTS` or an Activation).

    Returns
    -------
    MLP
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if net.output_activation is not None:
        raise ValueError(f"net: expected a network with a linear output, got {net!r}")
    return MLP(
        list(net.widths),
        activation=net.activation if net.activation is not None else list(net.activations),
        bias=list(net.biases),
        parametrization=net.parametrization,
        output_activation=get_output(phi),
    )


def output_kernel(K, f_values, phi) -> np.ndarray:
    """The tangent kernel of ``phi(f)`` from that of ``f``: ``D K D`` with ``D = diag(phi'(f))`` (Eq. 27).

    Parameters
    ----------
    K : array (n, n)
        Kernel of ``f`` (outputs flattened in the same order as ``f_values``).
    f_values : array (n,)
        The outputs ``f(x_i)``.
    phi : str or Activation
        The output function (a name of :data:`OUTPUTS` or an Activation).

    Returns
    -------
    ndarray (n, n)
    """
    f_values = np.asarray(_array(f_values, "f_values", ndim=1), dtype=np.float64)
    K = _array(K, "K", shape=(f_values.size, f_values.size))
    d = get_output(phi).d1(f_values)
    return d[:, None] * K * d[None, :]


def softmax_jacobians(logits) -> np.ndarray:
    """Per-sample Jacobians of the softmax, ``diag(p) - p p^T``, shape ``(n, C, C)``.

    Parameters
    ----------
    logits : array (n, C)
        Network outputs before the softmax, one row per sample.

    Returns
    -------
    ndarray (n, C, C)
    """
    logits = _array(logits, "logits", ndim=2)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p[:, :, None] * np.eye(p.shape[1])[None] - p[:, :, None] * p[:, None, :]


def softmax_kernel(K, logits) -> np.ndarray:
    """The tangent kernel of ``softmax(f)``: ``S K S^T`` with ``S`` block-diagonal of the per-sample softmax
    Jacobians (the non-linear output of the paper's Eq. 44).

    Parameters
    ----------
    K : array (n C, n C)
        Kernel of the logits, row ``i C + c`` for output c of sample i.
    logits : array (n, C)
        Network outputs before the softmax, one row per sample.

    Returns
    -------
    ndarray (n C, n C)
    """
    S = softmax_jacobians(logits)
    n, C, _ = S.shape
    K = _array(K, "K", shape=(n * C, n * C)).reshape(n, C, n, C)
    return np.einsum("iac,icjd,jbd->iajb", S, K, S, optimize=True).reshape(n * C, n * C)


def derivative_range(phi, lo: float = -60.0, hi: float = 60.0, points: int = 240001) -> tuple[float, float]:
    """``(min phi', max phi')`` over ``[lo, hi]`` (a fine grid refined by bounded searches): Theorem 5.1 needs
    ``|phi'| >= rho > 0`` everywhere.

    Parameters
    ----------
    phi : str or Activation
        The output function (a name of :data:`OUTPUTS` or an Activation).
    lo : float
        Left end of the interval searched.
    hi : float
        Right end of the interval searched.
    points : int
        Grid size.

    Returns
    -------
    (min, max) : tuple of float
    """
    d1 = get_output(phi).d1
    lo, hi, points = finite_number(lo, "lo"), finite_number(hi, "hi"), positive_int(points, "points")
    if not lo < hi:
        raise ValueError(f"hi: expected hi > lo = {lo}, got {hi}")
    if points < 3:
        raise ValueError(f"points: expected at least 3 grid points, got {points}")
    z = np.linspace(lo, hi, points)
    vals = d1(z)
    out = []
    for sign in (1.0, -1.0):
        i = int(np.argmin(sign * vals))
        step = (hi - lo) / (points - 1)
        res = optimize.minimize_scalar(
            lambda t: sign * float(d1(np.array(t))),
            method="bounded",
            bounds=(max(lo, z[i] - step), min(hi, z[i] + step)),
            options={"xatol": 1e-12},
        )
        out.append(sign * min(sign * vals[i], res.fun))
    return float(out[0]), float(out[1])


def eq29_terms(f_value: float, grad_norm: float, hessian_norm: float, phi) -> dict:
    """The two terms of Eq. (29) at one input: ``rank_one = |phi''(f)| ||grad f||^2``, ``linear = |phi'(f)|
    ||H||``, and the lower bound ``rank_one - linear`` on ``||H~||``.

    Parameters
    ----------
    f_value : float
        ``f(w; x)``.
    grad_norm : float
        ``||grad_w f(w; x)||``.
    hessian_norm : float
        ``||H(f)||``.
    phi : str or Activation
        The output function (a name of :data:`OUTPUTS` or an Activation).

    Returns
    -------
    dict
        ``rank_one``, ``linear``, ``lower_bound``, ``upper_bound`` (their sum, by the triangle inequality).
    """
    phi = get_output(phi)
    z = np.array(finite_number(f_value, "f_value"))
    grad_norm = positive_number(grad_norm, "grad_norm", allow_zero=True)
    hessian_norm = positive_number(hessian_norm, "hessian_norm", allow_zero=True)
    rank_one = abs(float(phi.d2(z))) * grad_norm ** 2
    linear = abs(float(phi.d1(z))) * hessian_norm
    return {
        "rank_one": rank_one,
        "linear": linear,
        "lower_bound": rank_one - linear,
        "upper_bound": rank_one + linear,
    }


def _rank_one_extremes(d, z, rho) -> tuple[float, float]:
    """Smallest and largest eigenvalue of ``diag(d) + rho z z^T`` for ``rho >= 0`` (secular equation).

    The eigenvalues interlace the ``d_k`` that carry weight (``z_k != 0``): the largest lies in ``(d_max,
    d_max + rho |z|^2]`` and the smallest in ``[d_(1), d_(2)]``; each is the root of ``1 + rho sum_k z_k^2 /
    (d_k - t)`` in that interval. Entries with ``z_k = 0`` are eigenvalues themselves.
    """
    from scipy.optimize import brentq

    d, z = np.asarray(d, dtype=np.float64), np.asarray(z, dtype=np.float64)
    live = z * z > 1e-300
    if rho * float(np.sum(z * z)) <= 1e-14 * max(float(np.abs(d).max()), 1e-300) or not np.any(live):
        return float(d.min()), float(d.max())   # the update moves no eigenvalue by more than rho |z|^2
    dl, z2 = d[live], z[live] ** 2
    order = np.argsort(dl)
    dl, z2 = dl[order], z2[order]
    scale = max(float(np.abs(d).max()), rho * float(z2.sum()), 1e-300)

    def secular(t):
        return 1.0 + rho * float(np.sum(z2 / (dl - t)))

    def root(lo, hi, unbounded=False):
        a, b = lo + 1e-15 * scale, hi
        if not a < hi:                        # the bracket is narrower than the precision asked for
            return 0.5 * (lo + hi)
        while secular(a) > 0 and a < hi:      # the pole at lo: step in until the function is negative
            closer = lo + (a - lo) * 0.5
            if not lo < closer < a:           # no float between the pole and a: the root is at the pole
                return a
            a = closer
        if secular(a) >= 0:
            return a
        if unbounded:                         # rounding of hi - lo can leave the end below the root: widen it
            while secular(b) <= 0:
                b = lo + 2.0 * (b - lo)
        elif secular(b) <= 0:
            return b
        return brentq(secular, a, b, xtol=1e-15 * scale, rtol=1e-15, maxiter=500)

    top = root(dl[-1], dl[-1] + rho * float(z2.sum()) * (1 + 1e-12) + 1e-300, unbounded=True)
    if dl.size == 1:
        bottom = top                          # one weighted direction: its only eigenvalue is the top root
    else:
        # between the two smallest weighted poles (equal poles: that value is an eigenvalue)
        bottom = dl[0] if dl[1] - dl[0] <= 1e-14 * scale else root(dl[0], dl[1] - 1e-15 * scale)
    others = d[~live]
    lo = min(bottom, float(others.min())) if others.size else bottom
    hi = max(top, float(others.max())) if others.size else top
    return float(lo), float(hi)


def two_layer_output_hessian_norm(net, w, x, phi) -> float:
    """Exact ``||H(phi(f))||`` for the two-layer NTK network ``f`` (``[d, m, 1]``, linear output) at input
    ``x``.

    By Eq. (28), ``H~ = phi''(f) g g^T + phi'(f) H``. The model Hessian ``H`` is block diagonal with unit
    ``i``'s block ``m^{-1/2} [[v sigma'' r^2, sigma' r], [sigma' r, 0]]`` in the orthonormal pair ``(u_i / r,
    e_{v_i})`` (``u_i = dz_i / d(w_i, b_i)``, see :func:`~landscapelab.linearity.shallow.unit_block_norm`),
    and the gradient lies in the span of these pairs (and of the output bias, if any), with coordinates
    ``m^{-1/2} (v sigma' r, sigma(z))`` (and 1). So ``H~`` is, on a ``2m``-dimensional subspace (plus one),
    ``phi' B + phi'' c c^T`` with ``B`` block diagonal (zero elsewhere): its extreme eigenvalues solve a
    secular equation after the 2 x 2 blocks are diagonalised.

    Parameters
    ----------
    net : MLP
        ``[d, m, 1]``, NTK parametrisation, linear output (with or without biases).
    w : array (P,)
        The point: a flat parameter vector.
    x : array (d,)
        One input.
    phi : str or Activation
        The output function.

    Returns
    -------
    float
    """
    from .two_layer import _two_layer_parts

    phi = get_output(phi)
    z, v, r2 = _two_layer_parts(net, w, x)
    act = net.activation
    m = z.size
    r = math.sqrt(r2)
    a = v * act.d2(z) * r2 / math.sqrt(m)            # block [[a, b], [b, 0]]
    b = act.d1(z) * r / math.sqrt(m)
    c1, c2 = v * act.d1(z) * r / math.sqrt(m), act.fn(z) / math.sqrt(m)
    out_bias = net.unflatten(w)[1][1]
    f = float(np.sum(v * act.fn(z)) / math.sqrt(m)) + (0.0 if out_bias is None else float(out_bias[0]))
    d1, d2 = float(phi.d1(np.array(f))), float(phi.d2(np.array(f)))
    root = np.sqrt(a * a + 4.0 * b * b)
    lam = np.stack([(a + root) / 2.0, (a - root) / 2.0], axis=1)       # eigenvalues of each block
    # eigenvectors (b, lam - a) / norm, or the axes when b = 0
    vecs = []
    for k in range(2):
        e1, e2 = b, lam[:, k] - a
        norm = np.hypot(e1, e2)
        flat = norm == 0.0
        e1 = np.where(flat, 1.0 - k, e1 / np.where(flat, 1.0, norm))
        e2 = np.where(flat, float(k), e2 / np.where(flat, 1.0, norm))
        vecs.append(e1 * c1 + e2 * c2)
    diag = d1 * lam.ravel()
    proj = np.stack(vecs, axis=1).ravel()
    if out_bias is not None:                          # df/db_out = 1, a direction where H vanishes
        diag, proj = np.append(diag, 0.0), np.append(proj, 1.0)
    if d2 >= 0.0:
        lo, hi = _rank_one_extremes(diag, proj, d2)
    else:
        lo, hi = _rank_one_extremes(-diag, proj, -d2)
        lo, hi = -hi, -lo
    return float(max(abs(lo), abs(hi)))   # H~ vanishes on the complement of the subspace
