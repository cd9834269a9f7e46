"""The cone ``Q^t_kappa`` of Definition 5.2 and the curvature of the loss inside it (Theorem 5.1).

``Q^t_kappa = {theta : |cos(theta - theta_t, gbar_t)| >= kappa}`` is a double cone with apex ``theta_t``
around the average gradient. Theorem 5.1 bounds the loss from below by a quadratic with curvature ``alpha_t``
on the cone; its mechanism is ``delta^T grad^2 L delta >= 2 kappa^2 ||gbar||^2 - ||R||`` for unit ``delta`` in
the cone (Jensen on the Gauss-Newton part, ``R`` the residual part).

The *exact* smallest curvature on the cone, ``mu(kappa) = min {delta^T H delta : ||delta|| = 1,
<delta, ghat>^2 >= kappa^2}``, is a quadratic problem with two quadratic constraints. By the S-lemma (one
strictly feasible constraint, ``kappa < 1``) it equals its dual

    mu(kappa) = max_{t >= 0}  lambda_min(H - t ghat ghat^T) + t kappa^2,

and on the cone's boundary ``<delta, ghat> = c`` the same with ``t`` free in sign. The critical angle, the
smallest ``kappa`` with ``mu(kappa) >= 0``, follows as ``kappa*^2 = max(0, min_{s >= 0} lambda_max(ghat ghat^T
- s H))``. :class:`ConeCurvature` evaluates all of these by Rayleigh-Ritz on the Krylov space ``K_k(H,
ghat)``: one Lanczos run from ``ghat`` (:func:`landscapelab.curvature.lanczos_quadrature`) gives ``T = Q^T H
Q`` with ``Q^T ghat = e_1``, and since ``K_k(H - t ghat ghat^T, ghat) = K_k(H, ghat)`` the rank-one shifts are
exactly ``T - t e_1 e_1^T``. The Ritz values decrease to the true ones as k grows (so ``mu`` is approached
from above). Directions orthogonal to the whole Krylov space (possible only if it becomes invariant, e.g. when
``gbar`` is an exact eigenvector) are not seen; :class:`ConeCurvature` warns when that happens.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from scipy.optimize import brentq
from scipy.sparse.linalg import LinearOperator

from .._validate import as_float_array, positive_int
from ..curvature import lanczos_quadrature

__all__ = ["cosine", "in_cone", "cone_directions", "ConeCurvature", "plugin_kappa"]


def cosine(a, b) -> float:
    """``cos(a, b) = <a, b> / (||a|| ||b||)``.

    Parameters
    ----------
    a, b : array (P,)
        Non-zero vectors.

    Returns
    -------
    float
    """
    a = as_float_array(a, "a", ndim=1)
    b = as_float_array(b, "b", shape=a.shape)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("a, b: the cosine of a zero vector is undefined")
    return float(a @ b / (na * nb))


def _kappa(kappa, allow_zero=False) -> float:
    kappa = float(as_float_array(kappa, "kappa", ndim=0))
    if not (0 <= kappa <= 1) or (kappa == 0 and not allow_zero):
        raise ValueError(f"kappa: expected a value in {'[0' if allow_zero else '(0'}, 1], got {kappa}")
    return kappa


def in_cone(theta, theta_t, gbar, kappa: float) -> bool:
    """Whether ``theta`` lies in ``Q^t_kappa`` (Definition 5.2): ``|cos(theta - theta_t, gbar)| >= kappa``.

    Parameters
    ----------
    theta, theta_t, gbar : array (P,)
        The point, the apex and the average gradient.
    kappa : float
        In (0, 1].

    Returns
    -------
    bool
    """
    theta = as_float_array(theta, "theta", ndim=1)
    theta_t = as_float_array(theta_t, "theta_t", shape=theta.shape)
    gbar = as_float_array(gbar, "gbar", shape=theta.shape)
    if np.linalg.norm(gbar) == 0:
        raise ValueError("gbar: the cone of a zero average gradient is undefined")
    return abs(cosine(theta - theta_t, gbar)) >= _kappa(kappa) - 1e-15


def cone_directions(gbar, kappa: float, count: int = 1, seed: int = 0, cos=None) -> np.ndarray:
    """Unit directions ``delta = c ghat + sqrt(1 - c^2) u`` with ``u`` uniform on the unit sphere orthogonal
    to ``gbar``, so that ``cos(delta, gbar) = c`` exactly.

    Parameters
    ----------
    gbar : array (P,)
        The cone's axis.
    kappa : float
        Default cosine (the cone's boundary), in (0, 1].
    count : int
        Number of directions.
    seed : int
        Seed of ``numpy.random.default_rng``.
    cos : array (count,), optional
        Cosines to use instead of ``kappa`` (each in [-1, 1]; ``|c| >= kappa`` keeps the direction in the
        cone).

    Returns
    -------
    ndarray (count, P)
    """
    gbar = as_float_array(gbar, "gbar", ndim=1)
    norm = np.linalg.norm(gbar)
    if norm == 0:
        raise ValueError("gbar: the cone of a zero average gradient is undefined")
    count = positive_int(count, "count")
    kappa = _kappa(kappa)
    c = np.full(count, kappa) if cos is None else as_float_array(cos, "cos", shape=(count,))
    if np.any(np.abs(c) > 1):
        raise ValueError("cos: cosines must lie in [-1, 1]")
    if gbar.size < 2:
        raise ValueError("gbar: directions off the axis need a space of dimension at least 2")
    ghat = gbar / norm
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((count, gbar.size))
    U -= np.outer(U @ ghat, ghat)
    lengths = np.linalg.norm(U, axis=1)
    while np.any(lengths <= 1e-8):  # a draw (numerically) along the axis: draw it again
        bad = lengths <= 1e-8
        U[bad] = rng.standard_normal((int(bad.sum()), gbar.size))
        U[bad] -= np.outer(U[bad] @ ghat, ghat)
        lengths = np.linalg.norm(U, axis=1)
    U /= lengths[:, None]
    return c[:, None] * ghat[None, :] + np.sqrt(1.0 - c**2)[:, None] * U


def plugin_kappa(gbar_sq: float, r_norm: float) -> float:
    """The cone angle at which Theorem 5.1's mechanism turns positive with the measured ``||R||`` in place of
    its bound: ``sqrt(||R|| / (2 ||gbar||^2))`` (may exceed 1: then no cone qualifies).

    Parameters
    ----------
    gbar_sq : float
        ``||gbar||^2``.
    r_norm : float
        ``||R||_2``, the spectral norm of the residual part of the loss Hessian.

    Returns
    -------
    float
    """
    gbar_sq = float(as_float_array(gbar_sq, "gbar_sq", ndim=0))
    r_norm = float(as_float_array(r_norm, "r_norm", ndim=0))
    if gbar_sq <= 0:
        raise ValueError(f"gbar_sq: expected a number > 0, got {gbar_sq}")
    if r_norm < 0:
        raise ValueError(f"r_norm: expected a norm (>= 0), got {r_norm}")
    return math.sqrt(r_norm / (2.0 * gbar_sq))


class ConeCurvature:
    """Curvature of a symmetric operator ``H`` restricted to directions at a given angle to ``gbar``.

    Parameters
    ----------
    H : operator, array or callable
        A symmetric operator (e.g. :func:`landscapelab.hessian_operator`) or dense symmetric array, or block
        products ``(b, P) -> (b, P)``.
    gbar : array (P,)
        The axis of the cone (need not be normalised).
    steps : int
        Dimension k of the Krylov space ``K_k(H, gbar)``.

    Attributes
    ----------
    nodes, weights : ndarray (k,)
        Ritz values of ``H`` on the Krylov space and the squared first components of their Ritz vectors.
    """

    def __init__(self, H, gbar, steps: int = 30):
        gbar = as_float_array(gbar, "gbar", ndim=1)
        if np.linalg.norm(gbar) == 0:
            raise ValueError("gbar: the cone of a zero average gradient is undefined")
        steps = positive_int(steps, "steps")
        if isinstance(H, (np.ndarray, list, tuple, str, bytes, numbers.Number)):
            H = as_float_array(H, "H", shape=(gbar.size, gbar.size))
        elif not (isinstance(H, LinearOperator) or callable(H)):
            raise TypeError(f"H: expected a symmetric operator, array or block-product function, got "
                            f"{type(H).__name__}")
        elif isinstance(H, LinearOperator) and H.shape != (gbar.size, gbar.size):
            raise ValueError(f"H: expected a ({gbar.size}, {gbar.size}) operator, got shape {H.shape}")
        self.nodes, self.weights = lanczos_quadrature(H, gbar, steps)
        if self.nodes.size < min(steps, gbar.size):
            warnings.warn(
                f"the Krylov space of gbar is invariant after {self.nodes.size} steps: directions "
                "orthogonal to it are not seen, so the cone curvature is only an upper bound",
                RuntimeWarning,
                stacklevel=2,
            )
        self._s = np.sqrt(self.weights)
        self._scale = max(float(np.abs(self.nodes).max()), 1e-300)

    @property
    def steps(self) -> int:
        """Dimension of the Krylov space actually built (smaller than asked if it became invariant)."""
        return self.nodes.size

    @property
    def along(self) -> float:
        """``ghat^T H ghat``, the curvature along the axis (exact)."""
        return float(self.weights @ self.nodes)

    @property
    def lambda_min(self) -> float:
        """Smallest Ritz value (an upper bound on ``lambda_min(H)``)."""
        return float(self.nodes[0])

    @property
    def lambda_max(self) -> float:
        """Largest Ritz value (a lower bound on ``lambda_max(H)``)."""
        return float(self.nodes[-1])

    def _shifted(self, t):
        """Smallest eigenvalue of ``T - t e1 e1^T`` and the squared first component of its eigenvector."""
        vals, vecs = np.linalg.eigh(np.diag(self.nodes) - t * np.outer(self._s, self._s))
        return float(vals[0]), float((self._s @ vecs[:, 0]) ** 2)

    def _dual(self, c2: float, nonnegative: bool) -> float:
        """max over t (t >= 0 if ``nonnegative``) of the concave lambda_min(T - t E) + t c2: its derivative
        c2 - y1(t)^2 (y1 the first component of the bottom eigenvector) decreases in t; Brent's method finds
        the
        zero."""
        if nonnegative and self._shifted(0.0)[1] >= c2:
            return self._shifted(0.0)[0]
        limit = 1e12 * self._scale
        a = 0.0 if nonnegative else -self._scale
        while self._shifted(a)[1] >= c2 and -a < limit:
            a *= 2.0
        b = self._scale
        while self._shifted(b)[1] <= c2 and b < limit:
            b *= 2.0
        t = brentq(lambda u: self._shifted(u)[1] - c2, a, b, xtol=1e-13 * self._scale, rtol=1e-14)
        return self._shifted(t)[0] + t * c2

    def min_curvature(self, kappa: float) -> float:
        """``mu(kappa)``: the smallest ``delta^T H delta`` over unit ``delta`` in the cone ``|cos(delta,
        gbar)| >= kappa`` (the whole cone, boundary and inside).

        Parameters
        ----------
        kappa : float
            In [0, 1]; ``kappa = 0`` gives ``lambda_min``, ``kappa = 1`` the curvature along ``gbar``.

        Returns
        -------
        float
        """
        kappa = _kappa(kappa, allow_zero=True)
        if kappa == 1.0:
            return self.along
        if kappa == 0.0:
            return self.lambda_min
        return self._dual(kappa**2, True)

    def boundary_curvature(self, c: float) -> float:
        """The smallest ``delta^T H delta`` over unit ``delta`` with ``cos(delta, gbar) = c`` exactly.

        Parameters
        ----------
        c : float
            In [-1, 1] (the value depends on ``|c|`` only).

        Returns
        -------
        float
        """
        c = abs(float(as_float_array(c, "c", ndim=0)))
        if c > 1:
            raise ValueError(f"c: expected a cosine in [-1, 1], got {c}")
        if c == 1.0:
            return self.along
        if c == 0.0:
            basis = np.linalg.svd(self._s[None, :])[2][1:]  # orthonormal basis of the complement of e_1
            return float(np.linalg.eigvalsh((basis * self.nodes) @ basis.T)[0]) if basis.size else math.nan
        return self._dual(c**2, False)

    def kappa_star(self) -> float:
        """The critical angle: the smallest ``kappa`` with ``mu(kappa) >= 0``; 0 if ``H`` is positive
        semi-definite on the Krylov space, ``nan`` if even the axis has negative curvature.

        Returns
        -------
        float
        """
        if self.along < 0:
            return math.nan
        if self.lambda_min >= 0:
            return 0.0
        E = np.outer(self._s, self._s)

        def top(s):
            vals, vecs = np.linalg.eigh(E - s * np.diag(self.nodes))
            y = vecs[:, -1]
            return float(vals[-1]), -float(y @ (self.nodes * y))

        b = 1.0 / self._scale
        while top(b)[1] < 0 and b < 1e12 / self._scale:
            b *= 2.0
        s_opt = brentq(lambda u: top(u)[1], 0.0, b, xtol=1e-15 / self._scale, rtol=1e-14)
        return math.sqrt(max(0.0, top(s_opt)[0]))
