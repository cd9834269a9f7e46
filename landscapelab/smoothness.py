"""Cooper (2024), "A theoretical study of the (L0, L1)-smoothness condition in deep learning".

A twice differentiable loss L is *(L0, L1)-smooth* (Zhang, He, Sra and Jadbabaie 2020; Cooper's Definition 1) if
``||H L(rho)|| <= L0 + L1 ||grad L(rho)||`` for every parameter vector rho. Cooper proves that feed-forward
networks with ``l >= 2`` hidden layers violate this for every (L0, L1), with the square loss (Theorem 12) and the
cross-entropy loss (Theorem 14), by following one explicit line in parameter space, the *ray*

    rho(t):  M^i = 0 and b^i = (c, ..., c) for the hidden layers i <= l,   M^{l+1} = t M,   b^{l+1} = 0

(Section 3, eqs. 2-3), where c is a point with sigma(c) = 0 != sigma'(c) (Assumption 1). The network output is
identically 0 on the ray (eq. 16), every derivative of the output is a polynomial of degree <= 1 in t
(Lemmas 9-11), so ``||grad L||`` grows at most linearly while one Gauss-Newton entry of the Hessian grows like
``t^2``. With no hidden layers (``l = 0``) the loss is m-smooth (Theorems 13 and 15).

Conventions (the paper's, see ``book/smoothness.ipynb``):

* ``l`` (``net.depth``) is the number of hidden layers; there are ``l + 1`` affine maps ``(M^i, b^i)`` with
  ``M^i`` of shape ``(c_i, c_{i-1})`` (the paper's prose says ``c_i x c_{i+1}``; its equations need this shape).
* Losses are sums over samples with no 1/n and no 1/2 (eqs. 13-14): ``landscapelab.losses``.
* Cross-entropy labels may be soft; Assumption 2 (each label row sums to 1) is not required by the closed forms,
  which use the row sums ``S_s`` where they matter.

What this module computes:

* :func:`ray`: the flat parameters of rho(t) (the default direction is ``M = Omega``, all ones, for the square
  loss (eq. 27) and the rectangular identity for cross-entropy (eq. 30)).
* :class:`Ray`: exact closed forms of the gradient and Hessian of the loss on the ray, for both losses and any
  depth ``l >= 1``, including the ``sigma''(c) != 0`` terms that the paper's entry formula leaves out. Both are
  polynomials in t, ``grad L = g0 + t g1`` and ``H L = H0 + t H1 + t^2 H2``, assembled entry by entry from the
  derivatives of the output (the book's Proposition; the reading note's section 3.9). From them: gradient norms,
  Frobenius and operator norms, the Gauss-Newton operator norm, named Hessian blocks, the explicit violation
  certificate and the first violating t for given (L0, L1).
  Two extensions beyond the paper are options of :class:`Ray`: ``offset="critical"`` moves the last bias so that
  the gradient vanishes along the whole line (no generalised l-smoothness of any kind can hold), and
  ``absorb=True`` accepts a point c with ``sigma(c) != 0`` (sigmoid, ReLU at c > 0) by moving the last bias to
  ``-t sigma(c) M 1``.
* :func:`l0l1_ratio`, :func:`ell_ratio`, :func:`power_ell`: the ratios ``||H|| / (L0 + L1 ||g||)`` and
  ``||H|| / phi(||g||)`` (generalised l-smoothness of Li, Qian, Tian, Rakhlin and Jadbabaie 2023).
* :func:`min_L1`, :func:`admissible_frontier`, :func:`smallest_cover`: the set of (L0, L1) that cover a sample of
  points ``(||g||, ||H||)``, exactly (it is a convex polygon bounded by the upper concave hull of the points).
* :func:`depth0_hessian`, :func:`depth0_smoothness`: the no-hidden-layer case (Theorems 13 and 15) and its
  smoothness constant m.
* :func:`activation_facts`, :func:`activation_table`: Assumption 1 for every registered activation, computed by a
  root search and one-sided derivatives (nothing is typed in by hand).
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from dataclasses import dataclass

import autograd
import autograd.numpy as anp
import numpy as np

from . import activations as _activations
from ._validate import as_float_array, choice
from .losses import LOSSES, loss_function
from .nets import MLP

__all__ = [
    "LOSS_NAMES", "ActivationFacts", "activation_facts", "activation_table", "format_activation_table",
    "assumption1", "default_direction", "ray", "parameter_index", "Ray", "l0l1_ratio", "ell_ratio", "power_ell",
    "min_L1", "admissible_frontier", "smallest_cover", "depth0_hessian", "depth0_smoothness", "norms_along_ray",
    "Example", "example", "EXAMPLES", "SQUARE_MINUS_ONE", "random_problem",
]

LOSS_NAMES = ("square", "cross_entropy")

#: Interval searched for zeros of an activation by :func:`activation_facts`.
ZERO_SEARCH = (-20.0, 20.0)


# ------------------------------------------------------------------------------------------------ activations
@dataclass(frozen=True)
class ActivationFacts:
    """Whether an activation satisfies Cooper's Assumption 1 (sigma(c) = 0 != sigma'(c), sigma C^2 near c).

    ``c`` is the chosen zero (None if no zero was found), ``value`` is sigma(c) as computed in floating point,
    ``d1`` and ``d2`` are sigma'(c) and sigma''(c) by autograd (NaN where they do not exist), ``ok`` says
    whether Assumption 1 holds at ``c``, and ``reason`` explains a failure (empty when ``ok``).
    """

    name: str
    c: float | None
    value: float
    d1: float
    d2: float
    ok: bool
    reason: str


def _autograd_derivatives(act):
    d1 = autograd.elementwise_grad(act.fn)
    return d1, autograd.elementwise_grad(d1)


def _local_check(act, c: float) -> tuple[float, float, float, str]:
    """sigma(c), sigma'(c), sigma''(c) by autograd and the reason sigma is not C^2 near c ("" if it is).

    Differentiability is decided from one-sided values: sigma' and sigma'' are evaluated by autograd at
    ``c -+ delta`` (delta = 1e-6 max(1, |c|)); a jump larger than 1e-4 means a kink (this is how ReLU, leaky ReLU
    and ELU fail at 0, whatever convention autograd uses exactly at the kink).
    """
    d1, d2 = _autograd_derivatives(act)
    x = np.array([c], dtype=np.float64)
    value = float(act.fn(x)[0])
    delta = 1e-6 * max(1.0, abs(c))
    sides = np.array([c - delta, c + delta])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Output seems independent of input")
        left1, right1 = (float(v) for v in d1(sides))
        left2, right2 = (float(v) for v in d2(sides))
        first, second = float(d1(x)[0]), float(d2(x)[0])
    if not all(map(math.isfinite, (left1, right1, left2, right2))):
        return value, math.nan, math.nan, f"derivatives not finite near c = {c:g}"
    if abs(left1 - right1) > 1e-4:
        return value, math.nan, math.nan, (f"not differentiable at c = {c:g} (one-sided sigma' = {left1:.3g} and "
                                           f"{right1:.3g})")
    if abs(left2 - right2) > 1e-4:
        # autograd's value exactly at a kink of sigma'' is a convention (0.5 for ELU's min); use the sides
        return value, 0.5 * (left1 + right1), math.nan, (f"not twice differentiable at c = {c:g} (one-sided sigma'' = {left2:.3g} "
                                        f"and {right2:.3g})")
    return value, first + 0.0, second + 0.0, ""


def _zero_candidates(act) -> list[float]:
    """Points c with sigma(c) exactly 0, or where a sign change was located to within a few ulps."""
    lo, hi = ZERO_SEARCH
    grid = np.linspace(lo, hi, 161)
    values = np.asarray(act.fn(grid), dtype=np.float64)
    candidates = [float(c) for c in grid[values == 0.0]]
    if act.zero is not None:
        candidates.append(float(act.zero))
    from scipy.optimize import brentq

    for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:]):
        if fa * fb < 0:
            f = lambda u: float(act.fn(np.array([u]))[0])  # noqa: E731
            root = brentq(f, a, b, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
            # look a few ulps around the root for a float where sigma is exactly 0
            near = [root]
            up = down = root
            for _ in range(8):
                up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
                near += [up, down]
            exact = [u for u in near if f(u) == 0.0]
            candidates.append(float(exact[0]) if exact else float(root))
    seen, unique = set(), []
    for c in sorted(candidates, key=lambda u: (abs(u), u)):
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


def activation_facts(activation) -> ActivationFacts:
    """Decide Assumption 1 for one activation (a name or an :class:`~landscapelab.activations.Activation`).

    The zeros of sigma are searched on ``ZERO_SEARCH = [-20, 20]`` (exact zeros on a grid, sign changes refined by
    Brent's method to a few ulps); a zero qualifies if sigma(c) is exactly 0 in floating point (``sin(pi)`` is
    1.2e-16, not 0), sigma'(c) != 0 and sigma is twice differentiable around c (one-sided derivatives agree).
    Among qualifying zeros the activation's registered ``zero`` is preferred, then the smallest ``|c|``.
    """
    act = _activations.get(activation)
    return _activation_facts_cached(act)


@functools.lru_cache(maxsize=None)
def _activation_facts_cached(act) -> ActivationFacts:
    candidates = _zero_candidates(act)
    if not candidates:
        lo, hi = ZERO_SEARCH
        return ActivationFacts(act.name, None, math.nan, math.nan, math.nan, False,
                               f"no zero found on [{lo:g}, {hi:g}]")
    preferred = [act.zero] if act.zero is not None else []
    reasons = []
    for c in preferred + [u for u in candidates if u not in preferred]:
        value, d1, d2, reason = _local_check(act, c)
        if not reason and value != 0.0:
            reason = f"sigma(c) = {value:.2g} is not exactly 0 in floating point at c = {c:.17g}"
        if not reason and d1 == 0.0:
            reason = f"sigma'(c) = 0 at c = {c:g}"
        if not reason:
            return ActivationFacts(act.name, c, value, d1, d2, True, "")
        reasons.append((c, value, d1, d2, reason))
    c, value, d1, d2, first = reasons[0]
    kinds: dict[str, list[str]] = {}
    for *_, reason in reasons[1:]:
        kinds.setdefault(reason.split(" at c")[0], []).append(reason)
    summary = first
    for kind, found in kinds.items():
        example = found[0].split(" at ", 1)[1].split(" (")[0]
        summary += f"; {kind} at {len(found)} other zero(s) found (e.g. {example})"
    return ActivationFacts(act.name, c, value, d1, d2, False, summary)


def activation_table(activations=None) -> list[ActivationFacts]:
    """:func:`activation_facts` for each activation (default: every registered one, in registration order)."""
    if activations is None:
        activations = _activations.names()
    return [activation_facts(a) for a in activations]


def format_activation_table(rows: list[ActivationFacts]) -> str:
    """Plain-text rendering of :func:`activation_table` rows (values rounded to 6 digits)."""
    def num(x):
        return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.6g}"

    cells = [(r.name, num(r.c), num(r.d1), num(r.d2), "yes" if r.ok else "no", r.reason) for r in rows]
    headers = ("activation", "c", "sigma'(c)", "sigma''(c)", "Assumption 1", "why not")
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    line = lambda cols: "  ".join(str(c).ljust(w) for c, w in zip(cols, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(row) for row in cells])


@dataclass(frozen=True)
class _Point:
    """The point c on the ray: sigma(c), sigma'(c), sigma''(c) (the hand-written derivatives of the activation)."""

    c: float
    s0: float
    s1: float
    s2: float


def assumption1(activation, c=None, absorb: bool = False) -> _Point:
    """Check Assumption 1 at ``c`` (default: the zero found by :func:`activation_facts`) and return
    ``(c, sigma(c), sigma'(c), sigma''(c))``.

    Raises ``ValueError`` when the activation has no zero c with sigma'(c) != 0, when sigma(c) is not exactly 0
    in floating point, when sigma'(c) = 0, or when sigma is not twice differentiable around c. With
    ``absorb=True`` (an extension beyond the paper, see :class:`Ray`) sigma(c) need not vanish.
    """
    act = _activations.get(activation)
    if c is None:
        facts = activation_facts(act)
        if facts.ok:
            c = facts.c
        elif absorb:
            raise ValueError(f"c: activation {act.name!r} has no zero c with sigma'(c) != 0 ({facts.reason}); "
                             "with absorb=True pass a point c where sigma is twice differentiable and sigma'(c) != 0 "
                             "(for example c=0 for sigmoid, c=1 for relu)")
        else:
            raise ValueError(f"activation {act.name!r} does not satisfy Assumption 1 (a zero c with "
                             f"sigma'(c) != 0): {facts.reason}")
    if isinstance(c, bool) or not isinstance(c, numbers.Real) or not math.isfinite(c):
        raise TypeError(f"c: expected a finite real number, got {c!r}")
    c = float(c)
    _, _, _, reason = _local_check(act, c)
    if reason:
        raise ValueError(f"c: activation {act.name!r} is {reason}; Cooper's ray needs sigma twice differentiable "
                         "at c (Assumption 1)")
    x = np.array([c])
    s0, s1, s2 = (float(np.asarray(g(x), dtype=np.float64).ravel()[0]) for g in (act.fn, act.d1, act.d2))
    if s0 != 0.0 and not absorb:
        raise ValueError(f"c: sigma(c) = {s0:.3g} for {act.name!r} at c = {c!r}, not exactly 0 in floating point; "
                         "on the ray the output would be t sigma(c) M 1, growing with t (use a c with sigma(c) == 0, "
                         "e.g. c=0 for sin, or absorb=True to move the last bias instead)")
    if s1 == 0.0:
        raise ValueError(f"c: sigma'(c) = 0 for {act.name!r} at c = {c!r}; Assumption 1 needs sigma'(c) != 0")
    return _Point(c, s0, s1, s2)


# ------------------------------------------------------------------------------------------------ the ray
def _check_net(net, min_depth=0) -> MLP:
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if not net.bias:
        raise ValueError("net: Cooper's ray sets the hidden biases to c, so the network needs biases (bias=True)")
    if net.parametrization != "standard":
        raise ValueError(f"net: the ray and its closed forms use Cooper's parametrisation (eqs. 9-10, "
                         f"parametrization='standard'), got {net.parametrization!r}")
    if net.output_activation is not None:
        raise ValueError("net: Cooper's networks have no activation after the last affine map (eq. 7); "
                         f"got output_activation={net.output_activation.name!r}")
    if net.depth < min_depth:
        raise ValueError(f"net: expected at least {min_depth} hidden layer(s), got depth {net.depth}")
    return net


def default_direction(net: MLP, loss: str = "square") -> np.ndarray:
    """Cooper's direction M of the last layer, shape ``(d_out, c_l)``: all ones (Omega, eq. 26) for the square loss,
    the identity extended by zeros (eq. 30) for cross-entropy. (For ``l = 0``, ``c_l = d_in``.)"""
    _check_net(net)
    loss = choice(loss, "loss", LOSS_NAMES)
    d, k = net.widths[-1], net.widths[-2]
    return np.ones((d, k)) if loss == "square" else np.eye(d, k)


def _direction(net, loss, M):
    if M is None:
        return default_direction(net, loss)
    d, k = net.widths[-1], net.widths[-2]
    M = as_float_array(M, "M", shape=(d, k))
    return np.array(M, dtype=np.float64)


def _scalar_t(t, name="t") -> float:
    if isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(t):
        raise TypeError(f"{name}: expected a finite real number, got {t!r}")
    return float(t)


def _ts(t, name="t"):
    arr = as_float_array(t, name)
    if arr.ndim > 1:
        raise ValueError(f"{name}: expected a number or a 1-D array, got shape {arr.shape}")
    return arr


def _point_vector(net, t, c, M, last_bias):
    layers = [(np.zeros(shape), np.full(b_len, c)) for shape, b_len in net.layer_shapes[:-1]]
    layers.append((t * M, last_bias))
    return net.flatten(layers)


def ray(net: MLP, t, loss: str = "square", c=None, M=None) -> np.ndarray:
    """The flat parameters of Cooper's ray point rho(t) (Section 3, eqs. 2-3, 27, 30).

    Hidden layers ``i <= l``: ``M^i = 0`` and ``b^i = c 1`` with sigma(c) = 0 != sigma'(c) (Assumption 1; the
    default c is found by :func:`activation_facts`). Last layer: ``M^{l+1} = t M``, ``b^{l+1} = 0``, with
    ``M = Omega`` (all ones) for ``loss="square"`` and the rectangular identity ``np.eye(d_out, c_l)`` for
    ``loss="cross_entropy"`` unless ``M`` is given (shape ``(d_out, c_l)``). The network output is then exactly 0
    for every input (eq. 16).

    With no hidden layer (``l = 0``) the activation is never applied and the ray is ``(t M, 0)``.

    Raises ``ValueError`` if the activation has no zero c with sigma'(c) != 0, if ``sigma(c)`` is not exactly 0
    in floating point (e.g. ``c = pi`` for sin), if sigma'(c) = 0 (ReLU at c < 0), or if sigma is not twice
    differentiable at c (ReLU, leaky ReLU and ELU at 0).
    """
    _check_net(net)
    loss = choice(loss, "loss", LOSS_NAMES)
    t = _scalar_t(t)
    M = _direction(net, loss, M)
    if net.depth == 0:
        if c is not None:
            raise ValueError("c: a network with no hidden layer has no hidden biases, so c must be None")
        return _point_vector(net, t, 0.0, M, np.zeros(net.d_out))
    point = assumption1(net.activation, c)
    return _point_vector(net, t, point.c, M, np.zeros(net.d_out))


def parameter_index(net: MLP) -> dict[str, np.ndarray]:
    """Flat indices of every parameter by name: ``"M1"`` ... ``"M{l+1}"`` (arrays of shape ``(c_i, c_{i-1})``) and
    ``"b1"`` ... (shape ``(c_i,)``), in the layout of ``net.flatten`` (layer by layer, M row-major, then b)."""
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    index, start = {}, 0
    for i, ((rows, cols), b_len) in enumerate(net.layer_shapes, start=1):
        index[f"M{i}"] = start + np.arange(rows * cols).reshape(rows, cols)
        start += rows * cols
        if b_len is not None:
            index[f"b{i}"] = start + np.arange(b_len)
            start += b_len
    return index


def _output_derivatives(loss, Y, beta):
    """Per-sample output gradient w_s and output Hessian A_s of the loss at the constant output ``beta``."""
    n, d = Y.shape
    if loss == "square":
        return 2.0 * (beta[None, :] - Y), np.broadcast_to(2.0 * np.eye(d), (n, d, d))
    p = np.exp(beta - beta.max())
    p /= p.sum()
    S = Y.sum(axis=1)
    W = S[:, None] * p[None, :] - Y
    A = S[:, None, None] * (np.diag(p) - np.outer(p, p))[None]
    return W, A


class Ray:
    """Closed forms of the loss, gradient and Hessian on Cooper's ray, for both losses and any depth ``l >= 1``.

    On the ray every hidden layer outputs ``sigma(c) 1`` and the network output is the constant ``beta`` (0 on the
    paper's ray), so the output Jacobian is ``J_s(t) = J0_s + t J1_s`` and the output Hessians are affine in t.
    With ``w_s`` and ``A_s`` the gradient and Hessian of the per-sample loss at the output ``beta``
    (square: ``2 (beta - y_s)`` and ``2 I``; cross-entropy: ``S_s p - y_s`` and ``S_s (diag p - p p^T)``,
    ``p = softmax(beta)``, ``S_s`` the label sum), the loss derivatives are exactly

        grad L(rho(t)) = sum_s J_s^T w_s                                    = g0 + t g1
        H L(rho(t))    = sum_s J_s^T A_s J_s + sum_s sum_j (w_s)_j Hess f_j  = H0 + t H1 + t^2 H2.

    Nonzero columns of ``J_s`` (``h`` = the output of hidden layer ``l-1``: ``x_s`` if ``l = 1``, else
    ``sigma(c) 1``; ``M`` the direction): ``b^{l+1}``: ``I``; ``M^{l+1}_{ja}``: ``sigma(c) e_j``; ``b^l_a``:
    ``t sigma'(c) M e_a``; ``M^l_{aq}``: ``t sigma'(c) M e_a h_q`` (Lemmas 9-10 are the case ``sigma(c) = 0``,
    ``l >= 2``). Nonzero second derivatives of ``f_j`` (Lemma 11 and the terms it omits):

    * ``(M^{l+1}_{ja}, b^l_a)``: ``sigma'(c)``;  ``(M^{l+1}_{ja}, M^l_{aq})``: ``sigma'(c) h_q``;
    * ``(b^l_a, b^l_a)``: ``t sigma''(c) M_{ja}``;  ``(b^l_a, M^l_{aq})``: ``t sigma''(c) M_{ja} h_q``;
      ``(M^l_{aq}, M^l_{aq'})``: ``t sigma''(c) M_{ja} h_q h_{q'}``;
    * for ``l >= 2``: ``(M^l_{aq}, b^{l-1}_q)``: ``t sigma'(c)^2 M_{ja}``;  ``(M^l_{aq}, M^{l-1}_{qe})``:
      ``t sigma'(c)^2 M_{ja} h'_e`` with ``h'`` the output of layer ``l-2`` (``x_s`` if ``l = 2``).

    Parameters
    ----------
    net : MLP
        Standard parametrisation, biases, no output activation, ``depth >= 1`` (for ``depth = 0`` see
        :func:`depth0_hessian`).
    X, Y : arrays
        Data, ``(n, d_in)`` and ``(n, d_out)`` (integer class labels are accepted for cross-entropy).
    loss : {"square", "cross_entropy"}
    c : float, optional
        The point of Assumption 1 (default: found by :func:`activation_facts`).
    M : array ``(d_out, c_l)``, optional
        The direction of the last layer (default :func:`default_direction`).
    offset : None, "critical" or array ``(d_out,)``
        Constant part of the last bias, so that the output on the ray is ``beta = offset``. ``"critical"`` (beyond
        the paper) chooses the mean target (square loss) or ``log`` of the mean label (cross-entropy), which makes
        ``sum_s w_s = 0``: for ``l >= 2`` the gradient then vanishes along the whole line while the Hessian still
        grows like ``t^2``.
    absorb : bool
        Beyond the paper: allow ``sigma(c) != 0`` (sigmoid, or ReLU at ``c > 0``) and add ``-t sigma(c) M 1`` to
        the last bias, so that the output stays ``beta``; the growth argument goes through unchanged.
    """

    def __init__(self, net: MLP, X, Y, loss: str = "square", c=None, M=None, offset=None, absorb: bool = False):
        self.net = _check_net(net, min_depth=1)
        self.loss = choice(loss, "loss", LOSS_NAMES)
        self.X = net.check_inputs(X)
        self.Y = np.asarray(LOSSES[self.loss].check_targets(Y, self.X.shape[0], net.d_out), dtype=np.float64)
        if not isinstance(absorb, (bool, np.bool_)):
            raise TypeError(f"absorb: expected True or False, got {absorb!r}")
        self.absorb = bool(absorb)
        self.point_c = assumption1(net.activation, c, absorb=self.absorb)
        self.c = self.point_c.c
        self.M = _direction(net, self.loss, M)
        self.offset = self._offset(offset)
        self._build()

    # -------------------------------------------------------------------------------- setup
    def _offset(self, offset):
        d = self.net.d_out
        if offset is None:
            return np.zeros(d)
        if isinstance(offset, str):
            choice(offset, "offset", ("critical",))
            if self.loss == "square":
                return self.Y.mean(axis=0)
            mean = self.Y.sum(axis=0) / self.Y.sum()
            if np.any(mean <= 0):
                missing = np.flatnonzero(mean <= 0).tolist()
                raise ValueError(f"offset='critical': class(es) {missing} never appear in Y, so no finite last bias "
                                 "makes the gradient vanish")
            return np.log(mean)
        return np.array(as_float_array(offset, "offset", shape=(d,)), dtype=np.float64)

    def _build(self):
        net, X, M = self.net, self.X, self.M
        l, n = net.depth, X.shape[0]
        d, k = net.d_out, net.widths[l]
        s0, s1, s2 = self.point_c.s0, self.point_c.s1, self.point_c.s2
        index = parameter_index(net)
        names = [f"b{l + 1}", f"M{l + 1}", f"b{l}", f"M{l}"] + ([f"b{l - 1}", f"M{l - 1}"] if l >= 2 else [])
        self.support = np.concatenate([index[name].ravel() for name in names])
        local = {int(p): i for i, p in enumerate(self.support)}
        self._local = local
        ix = {name: np.vectorize(local.__getitem__, otypes=[int])(index[name]) for name in names}
        S = self.support.size
        h1 = X if l == 1 else np.full((n, net.widths[l - 1]), s0)           # output of hidden layer l-1
        h2 = None if l == 1 else (X if l == 2 else np.full((n, net.widths[l - 2]), s0))
        W, A = _output_derivatives(self.loss, self.Y, self.offset)
        self._W, self._A = W, A
        r = W.sum(axis=0)
        mW = W @ M                                                          # (n, k): M^T w_s

        J0 = np.zeros((n, d, S))
        J1 = np.zeros((n, d, S))
        J0[:, :, ix[f"b{l + 1}"]] = np.eye(d)
        J0[:, np.arange(d)[:, None], ix[f"M{l + 1}"]] = s0
        J1[:, :, ix[f"b{l}"]] = s1 * M
        J1[:, :, ix[f"M{l}"]] = s1 * M[None, :, :, None] * h1[:, None, None, :]
        self.g0 = np.einsum("sdi,sd->i", J0, W)
        self.g1 = np.einsum("sdi,sd->i", J1, W)
        # Gauss-Newton part sum_s J_s^T A_s J_s through the square roots A_s = L_s L_s^T (A_s is PSD): with the
        # stacked K = [L_s^T J_s]_s of shape (n d, S), GN = K^T K, and its nonzero spectrum is that of K K^T.
        evals, evecs = np.linalg.eigh(A)
        Lsqrt = evecs * np.sqrt(np.maximum(evals, 0.0))[:, None, :]
        K0 = np.einsum("sde,sdi->sei", Lsqrt, J0).reshape(n * d, S)
        K1 = np.einsum("sde,sdi->sei", Lsqrt, J1).reshape(n * d, S)
        G0, G2 = K0.T @ K0, K1.T @ K1
        G1 = K0.T @ K1
        G1 = G1 + G1.T
        self._K = (K0, K1)

        R0 = np.zeros((S, S))
        R1 = np.zeros((S, S))

        def put(R, rows, cols, values):
            R[rows, cols] += values
            R[cols, rows] += values

        Mo, bl, Ml = ix[f"M{l + 1}"], ix[f"b{l}"], ix[f"M{l}"]
        put(R0, Mo, np.broadcast_to(bl, Mo.shape), s1 * r[:, None] * np.ones((1, k)))
        G_h1 = W.T @ h1                                                      # (d, c_{l-1})
        put(R0, np.broadcast_to(Mo[:, :, None], (d, k, h1.shape[1])), np.broadcast_to(Ml[None], (d, k, h1.shape[1])),
            s1 * np.broadcast_to(G_h1[:, None, :], (d, k, h1.shape[1])))
        mu = mW.sum(axis=0)
        R1[bl, bl] += s2 * mu
        put(R1, np.broadcast_to(bl[:, None], Ml.shape), Ml, s2 * (mW.T @ h1))
        T = np.einsum("sa,sq,sr->aqr", mW, h1, h1)
        for a in range(k):
            R1[np.ix_(Ml[a], Ml[a])] += s2 * T[a]
        if l >= 2:
            bp, Mp = ix[f"b{l - 1}"], ix[f"M{l - 1}"]
            c_prev = bp.size
            put(R1, Ml, np.broadcast_to(bp[None, :], Ml.shape), s1 ** 2 * mu[:, None] * np.ones((1, c_prev)))
            K = mW.T @ h2                                                     # (k, c_{l-2})
            put(R1, np.broadcast_to(Ml[:, :, None], (k, c_prev, h2.shape[1])),
                np.broadcast_to(Mp[None], (k, c_prev, h2.shape[1])),
                s1 ** 2 * np.broadcast_to(K[:, None, :], (k, c_prev, h2.shape[1])))
        self._GN = (G0, G1, G2)
        self.H0, self.H1, self.H2 = G0 + R0, G1 + R1, G2
        nonzero = (self.H0 != 0) | (self.H1 != 0) | (self.H2 != 0)
        self._entries = (self.H0[nonzero], self.H1[nonzero], self.H2[nonzero])
        self._bl0 = int(bl[0])                                              # local index of b^l_1

    # -------------------------------------------------------------------------------- points and values
    def __repr__(self) -> str:
        extra = "" if not np.any(self.offset) else ", offset=..."
        return (f"Ray({self.net!r}, n={self.X.shape[0]}, loss={self.loss!r}, c={self.c!r}"
                f"{extra}{', absorb=True' if self.absorb else ''})")

    def point(self, t) -> np.ndarray:
        """Flat parameters rho(t): hidden ``M^i = 0``, ``b^i = c``; ``M^{l+1} = t M``;
        ``b^{l+1} = offset - t sigma(c) M 1`` (0 on the paper's ray)."""
        t = _scalar_t(t)
        bias = self.offset - t * self.point_c.s0 * self.M.sum(axis=1)
        return _point_vector(self.net, t, self.c, self.M, bias)

    def loss_function(self):
        """``landscapelab.loss_function`` for this network, data and loss (for autograd cross-checks)."""
        return loss_function(self.net, self.X, self.Y, loss=self.loss)

    def loss_value(self) -> float:
        """The loss on the ray, the same for every t: ``sum_s ||beta - y_s||^2`` (square; ``sum_s ||y_s||^2`` on the
        paper's ray) or ``sum_s (S_s logsumexp(beta) - y_s . beta)`` (cross-entropy; ``n log d_out`` under
        Assumption 2)."""
        beta, Y = self.offset, self.Y
        if self.loss == "square":
            return float(np.sum((beta[None, :] - Y) ** 2))
        lse = beta.max() + np.log(np.sum(np.exp(beta - beta.max())))
        return float(np.sum(Y.sum(axis=1) * lse - Y @ beta))

    def _expand(self, v):
        out = np.zeros(self.net.n_params)
        out[self.support] = v
        return out

    def gradient(self, t) -> np.ndarray:
        """Closed-form gradient ``g0 + t g1`` at rho(t), shape ``(P,)``."""
        return self._expand(self.g0 + _scalar_t(t) * self.g1)

    def _support_hessian(self, t):
        return self.H0 + t * self.H1 + t * t * self.H2

    def hessian(self, t) -> np.ndarray:
        """Closed-form Hessian ``H0 + t H1 + t^2 H2`` at rho(t), shape ``(P, P)`` (zero outside the support)."""
        t = _scalar_t(t)
        H = np.zeros((self.net.n_params,) * 2)
        H[np.ix_(self.support, self.support)] = self._support_hessian(t)
        return H

    def gauss_newton(self, t) -> np.ndarray:
        """The Gauss-Newton part ``sum_s J_s^T A_s J_s`` at rho(t), shape ``(P, P)``."""
        t = _scalar_t(t)
        G0, G1, G2 = self._GN
        H = np.zeros((self.net.n_params,) * 2)
        H[np.ix_(self.support, self.support)] = G0 + t * G1 + t * t * G2
        return H

    def blocks(self, t) -> dict[tuple[str, str], np.ndarray]:
        """The nonzero Hessian blocks at rho(t), keyed by parameter names (``("b2", "b2")``, ``("M3", "b2")``, ...),
        each shaped ``shape(p) + shape(q)`` (e.g. ``(M3, b2)``: ``(d_out, c_2, c_2)``)."""
        H = self.hessian(t)
        index = parameter_index(self.net)
        l = self.net.depth
        pairs = [(f"b{l}", f"b{l}"), (f"b{l}", f"b{l + 1}"), (f"b{l + 1}", f"b{l + 1}"), (f"M{l + 1}", f"b{l}"),
                 (f"M{l + 1}", f"M{l}"), (f"b{l}", f"M{l}"), (f"M{l}", f"M{l}")]
        if l >= 2:
            pairs += [(f"M{l}", f"b{l - 1}"), (f"M{l}", f"M{l - 1}")]
        out = {}
        for p, q in pairs:
            block = H[np.ix_(index[p].ravel(), index[q].ravel())].reshape(index[p].shape + index[q].shape)
            if np.any(block):
                out[(p, q)] = block
        return out

    def entry(self, t, p, q):
        """Hessian entry between two named parameters, e.g. ``entry(t, ("b", 2, 0), ("b", 2, 0))`` for
        ``d^2 L / (d b^2_1)^2`` (indices 0-based; weights as ``("M", i, row, col)``). ``t`` may be an array."""
        index = parameter_index(self.net)
        flat = []
        for name in (p, q):
            kind, layer, *pos = name
            flat.append(int(index[f"{kind}{layer}"][tuple(pos)]))
        ts = _ts(t)
        if not all(f in self._local for f in flat):
            out = np.zeros_like(ts)
        else:
            i, j = (self._local[f] for f in flat)
            out = self.H0[i, j] + ts * self.H1[i, j] + ts * ts * self.H2[i, j]
        return float(out) if out.ndim == 0 else out

    def leading_entry(self) -> tuple[float, float, float]:
        """Coefficients ``(constant, t, t^2)`` of ``d^2 L / (d b^l_1)^2`` on the ray: the t^2 coefficient is the
        paper's ``2 n sigma'(c)^2 ||M e_1||^2`` (square) or ``n sigma'(c)^2 (1/d - 1/d^2)`` (cross-entropy, M = I); the
        t coefficient is the ``sigma''(c) (M^T sum_s w_s)_1`` correction."""
        i = self._bl0
        return float(self.H0[i, i]), float(self.H1[i, i]), float(self.H2[i, i])

    # -------------------------------------------------------------------------------- norms along the ray
    def gradient_norm(self, t):
        """``||grad L(rho(t))||`` (Euclidean); ``t`` a number or an array."""
        ts = _ts(t)
        out = np.sqrt(np.maximum(self.g0 @ self.g0 + 2 * ts * (self.g0 @ self.g1) + ts ** 2 * (self.g1 @ self.g1), 0))
        return float(out) if out.ndim == 0 else out

    def _per_t(self, t, fn):
        ts = _ts(t)
        out = np.array([fn(float(u)) for u in np.atleast_1d(ts)])
        return float(out[0]) if ts.ndim == 0 else out

    def frobenius_norm(self, t):
        """``||H L(rho(t))||_F`` (Cooper's choice of norm, Remark 2); ``t`` a number or an array.

        Evaluated entry by entry on the nonzero pattern, ``sqrt(sum (h0 + t h1 + t^2 h2)^2)``, so there is no
        cancellation between the coefficients."""
        ts = _ts(t)
        h0, h1, h2 = self._entries
        flat = np.atleast_1d(ts)
        out = np.empty(flat.shape)
        step = max(1, 2_000_000 // max(1, h0.size))
        for start in range(0, flat.size, step):
            u = flat[start:start + step, None]
            out[start:start + step] = np.sqrt(np.sum((h0 + u * h1 + u * u * h2) ** 2, axis=1))
        return float(out[0]) if ts.ndim == 0 else out

    def operator_norm(self, t):
        """``||H L(rho(t))||_op``, the largest absolute eigenvalue (Definition 1's norm); dense ``eigvalsh`` on the
        support (size ``S``) for ``S <= 600``, ARPACK (``scipy.sparse.linalg.eigsh``) beyond."""
        return self._per_t(t, lambda u: _largest_magnitude(self._support_hessian(u)))

    def gauss_newton_norm(self, t):
        """Operator norm of the Gauss-Newton part ``sum_s J_s^T A_s J_s`` (positive semi-definite), computed from the
        smaller of its ``(S, S)`` form and the Gram matrix ``K K^T`` of size ``n d_out``."""
        K0, K1 = self._K
        if K0.shape[0] < K0.shape[1]:
            C00, C01, C11 = K0 @ K0.T, K0 @ K1.T, K1 @ K1.T
            C01 = C01 + C01.T
            return self._per_t(t, lambda u: float(np.linalg.eigvalsh(C00 + u * C01 + u * u * C11)[-1]))
        G0, G1, G2 = self._GN
        return self._per_t(t, lambda u: float(np.linalg.eigvalsh(G0 + u * G1 + u * u * G2)[-1]))

    def hessian_norm(self, t, norm: str = "frobenius"):
        """``||H L(rho(t))||`` in the given norm (``"frobenius"`` or ``"operator"``)."""
        norm = choice(norm, "norm", ("frobenius", "operator"))
        return self.frobenius_norm(t) if norm == "frobenius" else self.operator_norm(t)

    def growth(self, t=None) -> dict[str, float]:
        """Log-log slopes of ``||grad L||``, ``||H||_F`` and ``||H||_op`` against t, fitted on ``t`` (default: 20
        points from 1e2 to 1e4, where the asymptotic exponents 1, 2, 2 of Theorems 12 and 14 are reached)."""
        ts = np.geomspace(1e2, 1e4, 20) if t is None else _ts(t)
        from .fits import loglog_slope

        return {name: loglog_slope(ts, values)[0] for name, values in (
            ("gradient", self.gradient_norm(ts)), ("frobenius", self.frobenius_norm(ts)),
            ("operator", self.operator_norm(ts)))}

    def autograd_error(self, t) -> float:
        """Largest entry error of the closed-form gradient and Hessian at rho(t) against autograd applied to the
        network's forward pass (an oracle that shares no code with the closed forms), relative to
        ``max(1, largest autograd entry)``."""
        t = _scalar_t(t)
        f = self.loss_function()
        w = self.point(t)
        g = np.asarray(autograd.grad(f.__call__)(w))
        H = np.asarray(autograd.hessian(f.__call__)(w))
        return max(float(np.abs(self.gradient(t) - g).max() / max(1.0, np.abs(g).max())),
                   float(np.abs(self.hessian(t) - H).max() / max(1.0, np.abs(H).max())))

    # -------------------------------------------------------------------------------- violations
    def certificate(self, L0: float, L1: float) -> float:
        """A t* beyond which (L0, L1)-smoothness fails on the ray in every norm (the note's T12, any loss).

        With the leading entry ``a t^2 + b t + e`` (``a > 0``), ``|H_ii| <= ||H||`` and
        ``||g(t)|| <= ||g0|| + t ||g1||``, the inequality ``a t^2 - |b| t - |e| > L0 + L1 (||g0|| + t ||g1||)`` holds
        for every ``t > t* = (beta + sqrt(beta^2 + 4 a gamma)) / (2 a)``, ``beta = |b| + L1 ||g1||``,
        ``gamma = L0 + |e| + L1 ||g0||``.
        """
        L0, L1 = _nonnegative(L0, "L0"), _nonnegative(L1, "L1")
        e, b, a = self.leading_entry()
        if a <= 1e-12 * max(1.0, float(np.abs(self.H0).max())):
            raise ValueError("certificate: the t^2 coefficient of the leading entry is 0 for this direction M "
                             "(e.g. M = Omega with cross-entropy), so the ray gives no violation")
        beta = abs(b) + L1 * np.linalg.norm(self.g1)
        gamma = L0 + abs(e) + L1 * np.linalg.norm(self.g0)
        return float((beta + math.sqrt(beta * beta + 4 * a * gamma)) / (2 * a))

    def first_violation(self, L0: float, L1: float, norm: str = "frobenius", t_max: float | None = None,
                        grid: int = 400) -> float:
        """The smallest ``t >= 0`` found with ``||H(rho(t))|| > L0 + L1 ||grad L(rho(t))||`` (``inf`` if none up to
        ``t_max``, default ``2 certificate(L0, L1)``), located on a geometric grid and refined by bisection."""
        L0, L1 = _nonnegative(L0, "L0"), _nonnegative(L1, "L1")
        if t_max is None:
            t_max = 2.0 * self.certificate(L0, L1)
        excess = lambda u: self.hessian_norm(u, norm) - L0 - L1 * self.gradient_norm(u)  # noqa: E731
        ts = np.concatenate([[0.0], np.geomspace(min(1e-3, t_max), t_max, grid)])
        values = np.array([excess(u) for u in ts])
        bad = np.flatnonzero(values > 0)
        if bad.size == 0:
            return math.inf
        j = bad[0]
        if j == 0:
            return 0.0
        lo, hi = ts[j - 1], ts[j]
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            lo, hi = (lo, mid) if excess(mid) > 0 else (mid, hi)
        return float(hi)


def _largest_magnitude(H) -> float:
    if H.shape[0] <= 600:
        return float(np.abs(np.linalg.eigvalsh(H)).max())
    from scipy.sparse.linalg import eigsh

    value = eigsh(H, k=1, which="LM", v0=np.ones(H.shape[0]), tol=1e-13, return_eigenvectors=False)
    return float(abs(value[0]))


def _nonnegative(x, name):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not (x >= 0) or not math.isfinite(x):
        raise ValueError(f"{name}: expected a finite number >= 0, got {x!r}")
    return float(x)


# ------------------------------------------------------------------------------------------------ ratios
def _norm_pair(hess_norm, grad_norm):
    H = np.atleast_1d(as_float_array(hess_norm, "hess_norm"))
    g = np.atleast_1d(as_float_array(grad_norm, "grad_norm"))
    if H.shape != g.shape or H.ndim != 1:
        raise ValueError(f"hess_norm, grad_norm: expected two 1-D arrays of equal length, got {H.shape} and {g.shape}")
    if np.any(H < 0) or np.any(g < 0):
        raise ValueError("hess_norm, grad_norm: norms must be >= 0")
    return H, g


def _safe_ratio(num, den):
    out = np.full(num.shape, np.inf)
    pos = den > 0
    out[pos] = num[pos] / den[pos]
    out[(den <= 0) & (num == 0)] = 0.0
    return out


def l0l1_ratio(hess_norm, grad_norm, L0: float, L1: float) -> np.ndarray:
    """``||H|| / (L0 + L1 ||g||)`` per point (Definition 1 holds at a point iff the ratio is <= 1); ``inf`` where the
    denominator is 0 and ``||H|| > 0``."""
    H, g = _norm_pair(hess_norm, grad_norm)
    return _safe_ratio(H, _nonnegative(L0, "L0") + _nonnegative(L1, "L1") * g)


def power_ell(L0: float, L1: float, p: float):
    """The function ``phi(u) = L0 + L1 u^p`` (``p = 1``: (L0, L1)-smoothness; sub-quadratic iff ``p < 2``)."""
    L0, L1 = _nonnegative(L0, "L0"), _nonnegative(L1, "L1")
    p = _nonnegative(p, "p")

    def phi(u):
        return L0 + L1 * np.asarray(u, dtype=np.float64) ** p

    phi.__doc__ = f"phi(u) = {L0:g} + {L1:g} u^{p:g}"
    return phi


def ell_ratio(hess_norm, grad_norm, ell) -> np.ndarray:
    """``||H|| / phi(||g||)`` per point: generalised l-smoothness (Li, Qian, Tian, Rakhlin and Jadbabaie 2023) with a
    non-decreasing positive ``phi`` holds at a point iff this is <= 1. (The book writes phi for their l, which
    would clash with the depth l.)"""
    H, g = _norm_pair(hess_norm, grad_norm)
    if not callable(ell):
        raise TypeError(f"ell: expected a function of the gradient norm, got {type(ell).__name__}")
    return _safe_ratio(H, np.asarray(ell(g), dtype=np.float64))


def min_L1(hess_norm, grad_norm, L0):
    """The smallest L1 with ``||H_i|| <= L0 + L1 ||g_i||`` at every sampled point: ``max_i (||H_i|| - L0)_+ / ||g_i||``
    (``inf`` if a point with ``g_i = 0`` has ``||H_i|| > L0``). ``L0`` may be an array."""
    H, g = _norm_pair(hess_norm, grad_norm)
    L0s = np.atleast_1d(as_float_array(L0, "L0"))
    if np.any(L0s < 0):
        raise ValueError("L0: expected values >= 0")
    excess = np.maximum(H[None, :] - L0s[:, None], 0.0)
    need = _safe_ratio(excess, np.broadcast_to(g[None, :], excess.shape))
    out = need.max(axis=1) if H.size else np.zeros(L0s.shape)
    return float(out[0]) if np.ndim(L0) == 0 else out


def admissible_frontier(hess_norm, grad_norm) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(L0, L1)`` of the lower-left boundary of the admissible set
    ``{(L0, L1) >= 0 : ||H_i|| <= L0 + L1 ||g_i|| for all i}``, from ``L0 = 0`` to ``L1 = 0``.

    The set is convex: a line ``u -> L0 + L1 u`` covers the points ``(||g_i||, ||H_i||)`` iff it lies above their
    upper concave hull, so the vertices are the (intercept, slope) pairs of the hull's edges with slope >= 0,
    completed by the two axis points. If some point has ``g_i = 0`` the boundary starts at ``L0 = max H_i``
    over those points. The first vertex has ``L0 = 0`` unless such points exist."""
    H, g = _norm_pair(hess_norm, grad_norm)
    if H.size == 0:
        return np.zeros(1), np.zeros(1)
    floor = H[g == 0].max() if np.any(g == 0) else 0.0
    tallest: dict[float, float] = {}
    for x, y in zip(g.tolist(), H.tolist()):          # for equal gradient norms only the largest Hessian norm matters
        tallest[x] = max(y, tallest.get(x, y))
    pts = sorted(tallest.items())
    hull = []                                   # upper hull, from small g to large g
    for p in pts:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) >= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    # the candidate lines are the hull edges (and the lines through the origin / horizontal lines at the ends);
    # evaluate min L1 at the intercepts of the hull edges, which are the kinks of L0 -> min_L1(L0)
    kinks = {floor, float(H.max())}
    for (x1, y1), (x2, y2) in zip(hull[:-1], hull[1:]):
        slope = (y2 - y1) / (x2 - x1)
        if slope > 0:
            kinks.add(max(floor, y1 - slope * x1))
    L0s = np.array(sorted(k for k in kinks if floor <= k <= H.max()))
    L1s = min_L1(H, g, L0s)
    keep = np.concatenate([[True], np.abs(np.diff(L1s)) > 0])
    return L0s[keep], L1s[keep]


def smallest_cover(hess_norm, grad_norm, kappa: float = 1.0) -> tuple[float, float]:
    """The smallest admissible pair on the line ``L1 = kappa L0``: ``L0 = max_i ||H_i|| / (1 + kappa ||g_i||)``.

    With ``kappa = 1`` this is the side of the smallest square ``[0, s]^2`` of the (L0, L1) plane that still
    contains an admissible pair; along Cooper's ray it grows without bound as more of the ray is sampled."""
    H, g = _norm_pair(hess_norm, grad_norm)
    kappa = _nonnegative(kappa, "kappa")
    s = float(_safe_ratio(H, 1.0 + kappa * g).max()) if H.size else 0.0
    return s, kappa * s


# ------------------------------------------------------------------------------------------------ depth 0
def _depth0_parts(net, X):
    _check_net(net)
    if net.depth != 0:
        raise ValueError(f"net: expected a network with no hidden layer (depth 0), got depth {net.depth}")
    X = net.check_inputs(X)
    Z = np.hstack([X, np.ones((X.shape[0], 1))])
    index = parameter_index(net)
    flat = np.hstack([index["M1"], index["b1"][:, None]])               # (d, d_in + 1): parameter of (j, z_e)
    return X, Z, flat


def depth0_hessian(net: MLP, X, Y, w, loss: str = "square") -> np.ndarray:
    """Closed-form Hessian of the loss of a network with no hidden layer (Theorems 13 and 15), shape ``(P, P)``.

    The output is ``f_j = sum_e M_je z_e`` with ``z = (x, 1)``, linear in the parameters, so
    ``H = sum_s (z_s z_s^T) (x) A_s`` (up to the ordering of the parameters) with ``A_s = 2 I`` (square: constant
    in w) or ``A_s = S_s (diag p_s - p_s p_s^T)``, ``p_s = softmax(f(x_s))`` (cross-entropy).
    """
    loss = choice(loss, "loss", LOSS_NAMES)
    X, Z, flat = _depth0_parts(net, X)
    n, d = X.shape[0], net.d_out
    Y = np.asarray(LOSSES[loss].check_targets(Y, n, d), dtype=np.float64)
    w = net.check_params(w)
    if loss == "square":
        A = np.broadcast_to(2.0 * np.eye(d), (n, d, d))
    else:
        out = net(w, X)
        p = np.exp(out - out.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        A = Y.sum(axis=1)[:, None, None] * (np.einsum("sj,jk->sjk", p, np.eye(d)) - np.einsum("sj,sk->sjk", p, p))
    block = np.einsum("sjk,se,sf->jekf", A, Z, Z)
    H = np.zeros((net.n_params,) * 2)
    H[np.ix_(flat.ravel(), flat.ravel())] = block.reshape(flat.size, flat.size)
    return H


def depth0_smoothness(net: MLP, X, Y=None, loss: str = "square") -> float:
    """The constant m of Theorems 13 and 15 for a network with no hidden layer: ``sup_w ||H L(w)||_op``.

    Square loss: the Hessian is the constant ``2 (Z^T Z) (x) I`` (``Z`` has rows ``(x_s, 1)``), so
    ``m = 2 lambda_max(Z^T Z)`` exactly. Cross-entropy: ``v^T (diag p - p p^T) v = Var_p(v) <= ||v||^2 / 2``, so
    ``H <= (1/2) (Z^T diag(S) Z) (x) I`` and ``m = lambda_max(Z^T diag(S) Z) / 2`` with ``S_s`` the label sums
    (all 1 under Assumption 2; ``Y=None`` means that). This bound is the supremum: it is attained at ``w = 0``
    when ``d_out = 2`` and approached when two classes share all the probability for every sample when
    ``d_out > 2``.
    """
    loss = choice(loss, "loss", LOSS_NAMES)
    X, Z, _ = _depth0_parts(net, X)
    if loss == "square":
        return float(2.0 * np.linalg.eigvalsh(Z.T @ Z)[-1])
    if Y is None:
        S = np.ones(X.shape[0])
    else:
        S = np.asarray(LOSSES[loss].check_targets(Y, X.shape[0], net.d_out), dtype=np.float64).sum(axis=1)
    return float(0.5 * np.linalg.eigvalsh(Z.T @ (S[:, None] * Z))[-1])


# ------------------------------------------------------------------------------------------------ along a ray
def norms_along_ray(net: MLP, X, Y, t, loss: str = "square", M=None, **ray_options) -> dict[str, np.ndarray]:
    """Gradient and Hessian norms at rho(t) for every t in ``t``, for any depth (closed forms throughout).

    Returns a dict with the arrays ``"t"``, ``"gradient"`` (Euclidean), ``"frobenius"``, ``"operator"`` and
    ``"gauss_newton"`` (operator norm of the Gauss-Newton part). For ``depth >= 1`` this is :class:`Ray` (extra
    keyword arguments go to it); for ``depth = 0`` the ray is ``(t M, 0)``, the Hessian is :func:`depth0_hessian`
    (equal to its Gauss-Newton part, the output being linear) and the gradient is the network's exact backward pass.
    """
    ts = np.atleast_1d(_ts(t))
    _check_net(net)
    if net.depth >= 1:
        r = Ray(net, X, Y, loss=loss, M=M, **ray_options)
        return {"t": ts, "gradient": r.gradient_norm(ts), "frobenius": r.frobenius_norm(ts),
                "operator": r.operator_norm(ts), "gauss_newton": r.gauss_newton_norm(ts)}
    if ray_options:
        raise ValueError(f"{', '.join(ray_options)}: options of the ray through hidden layers; the network has none")
    f = loss_function(net, X, Y, loss=loss)
    grad, frob, op = [], [], []
    for u in ts:
        w = ray(net, float(u), loss=loss, M=M)
        H = depth0_hessian(net, f.X, f.Y, w, loss=loss)
        grad.append(np.linalg.norm(f.gradient(w)))
        frob.append(np.linalg.norm(H))
        op.append(np.abs(np.linalg.eigvalsh(H)).max())
    op = np.array(op)
    return {"t": ts, "gradient": np.array(grad), "frobenius": np.array(frob), "operator": op, "gauss_newton": op}


# ------------------------------------------------------------------------------------------------ worked cases
def random_problem(depth: int, activation="tanh", loss: str = "square", width: int = 4, d_in: int = 3,
                   d_out: int = 3, n: int = 8, seed: int = 0):
    """A small network and data set: ``widths = [d_in] + [width] * depth + [d_out]``, inputs and square-loss
    targets standard normal, cross-entropy labels one-hot with classes drawn at random (so unbalanced).
    Returns ``(net, X, Y)``."""
    rng = np.random.default_rng(seed)
    net = MLP([d_in] + [width] * depth + [d_out], activation=activation)
    X = rng.standard_normal((n, d_in))
    if choice(loss, "loss", LOSS_NAMES) == "square":
        Y = rng.standard_normal((n, d_out))
    else:
        Y = np.eye(d_out)[rng.integers(0, d_out, size=n)]
    return net, X, Y



def _square_minus_one():
    return _activations.Activation("u^2-1", lambda x: x ** 2 - 1.0, lambda x: 2.0 * x, lambda x: 0.0 * x + 2.0,
                                   1.0, math.inf)


#: sigma(u) = u^2 - 1: zeros at +-1 with sigma'(1) = 2, sigma''(1) = 2 (the book's case T6; not registered).
SQUARE_MINUS_ONE = _square_minus_one()


@dataclass(frozen=True)
class Example:
    """A worked case of the book: network, data, loss and the options of its ray (see :func:`example`)."""

    name: str
    net: MLP
    X: np.ndarray
    Y: np.ndarray
    loss: str
    options: dict

    def ray(self) -> "Ray":
        """The :class:`Ray` of this case (depth >= 1)."""
        return Ray(self.net, self.X, self.Y, loss=self.loss, **self.options)

    def loss_function(self):
        return loss_function(self.net, self.X, self.Y, loss=self.loss)


_X3 = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
_Y2 = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
_CASES = {
    "T1": (("tanh", (1, 1, 1, 1)), ((0.0,), (1.0,)), ((0.0,), (1.0,)), "square", {}),
    "T2": (("tanh", (2, 3, 3, 2)), _X3, _Y2, "square", {}),
    "T3": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {}),
    "T3-balanced": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (0, 1, 0), (0, 0, 1)), "cross_entropy", {}),
    "T4": (("gelu", (2, 4, 3, 2)), _X3, ((1, 0), (1, 0), (0.3, 0.7)), "cross_entropy", {}),
    "T5": (("gelu", (2, 3, 2, 4, 2)), _X3, _Y2, "square", {}),
    "T6": ((SQUARE_MINUS_ONE, (1, 2, 2, 1)), ((0.5,), (-2.0,)), ((1.0,), (3.0,)), "square", {"c": 1.0}),
    "T7": (("tanh", (2, 2)), _X3, _Y2, "square", {}),
    "T8": (("tanh", (2, 3)), _X3, ((1, 0, 0), (0, 1, 0), (0, 0, 1)), "cross_entropy", {}),
    "T9": (("tanh", (2, 3, 2)), _X3, _Y2, "square", {}),
    "T9-ce": (("tanh", (2, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {}),
    "T10": (("tanh", (2, 3, 3, 2)), _X3, _Y2, "square", {"offset": "critical"}),
    "T10-ce": (("tanh", (2, 3, 3, 3)), _X3 + ((2.0, -1.0),), ((1, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)),
               "cross_entropy", {"offset": "critical"}),
    "T11": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {"M": np.ones((3, 3))}),
}

#: Names accepted by :func:`example`.
EXAMPLES = tuple(_CASES)


def example(name: str) -> Example:
    """The hand-checked cases of the book (the reading note's T1-T11): small networks and data whose gradients and
    Hessians on the ray were derived by hand. ``T3-balanced``, ``T9-ce`` and ``T10-ce`` are the variants named in
    the note; ``T7`` and ``T8`` have no hidden layer; ``T10``, ``T10-ce`` use the critical line and ``T11`` the
    cross-entropy direction ``M = Omega`` (the negative control)."""
    (act, widths), X, Y, loss, options = _CASES[choice(name, "name", EXAMPLES)]
    net = MLP(list(widths), activation=act)
    return Example(name, net, np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64), loss, dict(options))
