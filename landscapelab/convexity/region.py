"""The sets U_1, U_2, U_3 of Lemma 9 and Theorem 4, the thresholds, a zero-loss teacher and a sampler of
points of U around it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, checked, nonnegative_int, positive_int
from .network import (_arguments, _dims_of, _real, check_dims,
                      flatten, is_differentiable, loss, outputs, pre_activations, unflatten)

__all__ = ["max_norm_1", "M_constant", "threshold", "sharpened_threshold", "in_U1", "in_U2", "in_U3", "Membership",
           "membership", "Teacher", "teacher", "sample_U"]


# ------------------------------------------------------------------------------------------------ the set U
def max_norm_1(weights) -> float:
    """``n(W)``: the largest 1-norm of any row or column of any ``W_k`` (Theorem 1; the set U_1 of eq. 26).

    Parameters
    ----------
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    float
        ``n(W)``.
    """
    _dims_of(weights)
    return float(max(max(np.abs(W).sum(axis=0).max(), np.abs(W).sum(axis=1).max()) for W in
                     (np.asarray(W, dtype=float) for W in weights)))


@checked(F="vector")
def M_constant(F, beta, H) -> float:
    """``M(f, beta, H) = (3/2) max_i f(a_i) + beta^(H+2)`` (Lemma 9).

    Parameters
    ----------
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    H : int
        Number of hidden layers.

    Returns
    -------
    float
        ``M``.
    """
    F = as_float_array(F, "F", ndim=1)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    H = nonnegative_int(H, "H")
    return float(1.5 * F.max() + beta ** (H + 2))


@checked(F="vector")
def threshold(F, beta, H, lam, theta) -> float:
    """Theorem 4's bound on ``sqrt(l)``: ``(lambda - theta) / (2 M)`` (the set U_3).

    Parameters
    ----------
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    H : int
        Number of hidden layers.
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.

    Returns
    -------
    float
        The bound on ``sqrt(l)`` that defines ``U_3``.
    """
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=lam)
    return (lam - theta) / (2.0 * M_constant(F, beta, H))


@checked(F="vector")
def sharpened_threshold(F, beta, H, lam, theta, rho_max: float = 1.0) -> float:
    """The bound on ``sqrt(l)`` that follows from Lemma 9 with the correct ``2 lambda`` (erratum E6) and the
    pointwise ``rho_max``: ``(2 lambda - theta) / (2 M rho_max)``; then ``lambda_min Hess l_lambda >= theta``.

    Parameters
    ----------
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    H : int
        Number of hidden layers.
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.
    rho_max : float
        The factor ``rho_max(W) in (0, 1]`` (1 gives Theorem 4's worst case).

    Returns
    -------
    float
        ``(2 lambda - theta) / (2 M rho_max)``.
    """
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=2 * lam)
    rho_max = _real(rho_max, "rho_max", low=0.0, low_open=True)
    return (2 * lam - theta) / (2.0 * M_constant(F, beta, H) * rho_max)


def in_U1(w, dims, beta) -> bool:
    """Eq. 26: every row and column of every ``W_k`` has 1-norm ``< beta - 1`` (strict).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).

    Returns
    -------
    bool
    """
    dims = check_dims(dims)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    return max_norm_1(unflatten(w, dims)) < beta - 1


def in_U2(w, X, F, dims) -> bool:
    """Eq. 27: ``|e(a_i, W)| < f(a_i)/2`` for every input.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.

    Returns
    -------
    bool
    """
    dims, X, F, _, _ = _arguments(dims, X, F, positive=True)
    y = outputs(X, unflatten(w, dims))
    return bool(np.all(np.abs(y - F) < F / 2))


def in_U3(w, X, F, dims, beta, lam, theta) -> bool:
    """Theorem 4: ``sqrt(l(W)) < (lambda - theta) / (2 M)``.

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.

    Returns
    -------
    bool
    """
    dims = check_dims(dims)
    return math.sqrt(float(loss(w, X, F, dims))) < threshold(F, beta, len(dims) - 2, lam, theta)


@dataclass
class Membership:
    """Where a weight vector stands with respect to Milne's set ``U = U_1 & U_2 & U_3`` (eq. 28).

    Parameters
    ----------
    n_W : float
        Largest row/column 1-norm (U_1 needs ``< beta - 1``).
    max_relative_error : float
        ``max_i |e_i| / f_i`` (U_2 needs ``< 1/2``).
    sqrt_loss : float
        ``sqrt(l)`` (U_3 needs ``< threshold``).
    threshold : float
        ``(lambda - theta) / (2 M)``.
    U1, U2, U3 : bool
        Membership of each set.
    differentiable : bool
        Whether every pre-activation is non-zero.
    """

    n_W: float                 # largest row/column 1-norm (U_1 needs < beta - 1)
    max_relative_error: float  # max_i |e_i| / f_i (U_2 needs < 1/2)
    sqrt_loss: float           # sqrt(l) (U_3 needs < threshold)
    threshold: float           # (lambda - theta) / (2 M)
    U1: bool
    U2: bool
    U3: bool
    differentiable: bool       # all pre-activations non-zero

    @property
    def U(self) -> bool:
        return self.U1 and self.U2 and self.U3


def membership(w, X, F, dims, beta, lam, theta) -> Membership:
    """The quantities behind ``U_1``, ``U_2``, ``U_3`` at ``w`` (also checks that ``||a_i||_1 <= beta - 1``).

    Parameters
    ----------
    w : array_like (m,)
        Flat weights (``W_0, ..., W_H`` concatenated, each row-major).
    X : array_like (N, n_0)
        Inputs ``a_i``, one per row.
    F : array_like (N,)
        Targets ``f(a_i) > 0``.
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.

    Returns
    -------
    Membership
        ``n(W)``, the largest relative error, ``sqrt(l)``, the threshold and the three memberships.
    """
    dims, X, F, _, _ = _arguments(dims, X, F, positive=True)
    beta = _real(beta, "beta", low=1.0, low_open=True)
    if np.abs(X).sum(axis=1).max() > beta - 1 + 1e-12:
        raise ValueError(f"X: Lemma 9 needs ||a_i||_1 <= beta - 1 = {beta - 1:g}, got "
                         f"{np.abs(X).sum(axis=1).max():g}")
    weights = unflatten(w, dims)
    y = outputs(X, weights)
    rel = float(np.max(np.abs(y - F) / F))
    sq = float(np.sqrt(np.mean((y - F) ** 2)))
    thr = threshold(F, beta, len(dims) - 2, lam, theta)
    nW = max_norm_1(weights)
    return Membership(nW, rel, sq, thr, nW < beta - 1, rel < 0.5, sq < thr, is_differentiable(w, X, dims))


# ------------------------------------------------------------------------------------------------ teacher, sampler
@dataclass
class Teacher:
    """A zero-loss teacher: targets ``F = y(X, W*)`` with ``W*`` in U_1 and every output positive.

    Parameters
    ----------
    dims : tuple
        ``(n_0, ..., n_H, 1)``.
    w : ndarray (m,)
        The flat teacher weights ``W*``.
    X : ndarray (N, n_0)
        Inputs with ``||a_i||_1 = beta - 1``.
    F : ndarray (N,)
        Positive targets.
    beta : float
        Lemma 9's beta.
    """

    dims: tuple
    w: np.ndarray        # flat W*
    X: np.ndarray        # (N, n_0), ||a_i||_1 = beta - 1
    F: np.ndarray        # (N,), positive
    beta: float

    @property
    def weights(self) -> list:
        return unflatten(self.w, self.dims)

    @property
    def H(self) -> int:
        return len(self.dims) - 2


@checked(margin="nonnegative", max_tries="count")
def teacher(dims, N: int, beta: float, seed: int = 0, scale: float = 0.8, margin: float = 1e-6,
            max_tries: int = 1000) -> Teacher:
    """Draw a zero-loss teacher for Milne's setting.

    Inputs ``a_i = (beta - 1) u_i / ||u_i||_1`` (Gaussian ``u_i``), so ``||a_i||_1 = beta - 1``. Weights are
    Gaussian with a non-negative last layer (so that every output can be positive), each ``W_k`` rescaled so
    that its largest row/column 1-norm is ``scale (beta - 1)`` (inside U_1). Draws are repeated until every output
    is positive and every pre-activation has ``|z| > margin * max|z|`` (a differentiable point with room around
    it).

    Parameters
    ----------
    dims : sequence of int
        Widths ``(n_0, n_1, ..., n_H, 1)``.
    N : int
        Number of inputs.
    beta : float
        Lemma 9's ``beta > 1`` (with ``||a_i||_1 <= beta - 1``).
    seed : int
        Seed of ``numpy.random.default_rng``.
    scale : float
        Largest row/column 1-norm of each ``W_k`` as a fraction of ``beta - 1``, in ``(0, 1)``.
    margin : float
        Required ``|z| / max|z|`` of every pre-activation.
    max_tries : int
        Number of draws before a ``RuntimeError``.

    Returns
    -------
    Teacher
    """
    dims = check_dims(dims)
    N = positive_int(N, "N")
    beta = _real(beta, "beta", low=1.0, low_open=True)
    scale = _real(scale, "scale", low=0.0, low_open=True, high=1.0)
    rng = np.random.default_rng(seed)
    for _ in range(max_tries):
        U = rng.standard_normal((N, dims[0]))
        X = (beta - 1) * U / np.abs(U).sum(axis=1, keepdims=True)
        mats = []
        for k, (p, q) in enumerate(zip(dims[:-1], dims[1:])):
            W = rng.standard_normal((p, q))
            if k == len(dims) - 2:
                W = np.abs(W)
            W *= scale * (beta - 1) / max(np.abs(W).sum(axis=0).max(), np.abs(W).sum(axis=1).max())
            mats.append(W)
        zs = pre_activations(X, mats)
        big = max(np.abs(z).max() for z in zs)
        if np.all(zs[-1] > 0) and all(np.all(np.abs(z) > margin * big) for z in zs):
            w = flatten(mats)
            return Teacher(dims, w, X, outputs(X, mats), beta)
    raise RuntimeError(f"teacher: no admissible draw in {max_tries} tries for dims={dims}, N={N}")


@checked(radii="vector")
def sample_U(t: Teacher, lam: float, theta: float, n: int = 200, radii=(1e-6, 1e-2), seed: int = 0):
    """Points ``W = W* + delta z`` around the teacher, ``z`` uniform on the unit sphere and ``delta`` log-uniform
    in ``radii``, kept when they lie in ``U`` (eq. 28) and are differentiable points.

    Parameters
    ----------
    t : Teacher
        A zero-loss teacher (:func:`teacher`).
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.
    n : int
        Number of draws.
    radii : pair of float
        Range of the log-uniform ``delta``.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    points : ndarray (K, m)
        The draws that lie in ``U`` (``K <= n``).
    deltas : ndarray (K,)
        Their distances from the teacher.
    """
    if not isinstance(t, Teacher):
        raise TypeError(f"t: expected a Teacher, got {type(t).__name__}")
    n = positive_int(n, "n")
    lo, hi = (_real(r, "radii", low=0.0, low_open=True) for r in radii)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, t.w.size))
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    deltas = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    keep, pts = [], []
    for z, d in zip(Z, deltas):
        w = t.w + d * z
        mem = membership(w, t.X, t.F, t.dims, t.beta, lam, theta)
        if mem.U and mem.differentiable:
            keep.append(d)
            pts.append(w)
    return np.array(pts).reshape(len(pts), t.w.size), np.array(keep)


