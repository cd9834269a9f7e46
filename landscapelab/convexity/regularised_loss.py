"""The regularised loss ``w -> l_lambda(w)`` as a function object with exact derivatives through ``A^{-1}``, for the
library's curvature estimators (the fast-path protocol of :mod:`landscapelab.curvature`)."""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, checked
from .derivatives import loss_derivatives
from .network import _arguments, loss, n_weights

__all__ = ["Objective", "objective"]


class Objective:
    """``w -> l_lambda(w)`` (eq. 1 with weight decay) as a function of the flat weights, with exact derivatives.

    Calling it runs the autograd-differentiable :func:`loss`. It also follows the library's protocol for fast
    curvature (``gradient(w)`` and ``hvp(w, V)`` for one direction or a ``(k, P)`` block, see
    :mod:`landscapelab.curvature`): both come from :func:`loss_derivatives` through ``A^{-1}``, computed once per
    point and kept for the last point asked for (a copy of it, so updating ``w`` in place is safe).

    Parameters
    ----------
    X : array (N, n_0)
        Inputs, one per row.
    F : array (N,)
        Positive targets ``f(a_i)``.
    dims : sequence of int
        ``(n_0, n_1, ..., n_H, 1)``.
    lam : float
        Weight decay lambda >= 0.
    """

    def __init__(self, X, F, dims, lam: float = 0.0):
        self.dims, self.X, self.F, _, self.lam = _arguments(dims, X, F, lam=lam)
        self._point = None
        self._derivatives = None

    def __call__(self, w):
        return loss(w, self.X, self.F, self.dims, self.lam)

    def __repr__(self) -> str:
        return f"convexity.objective(N={self.X.shape[0]}, dims={self.dims}, lam={self.lam})"

    def derivatives(self, w):
        """``(value, gradient, Hessian)`` at ``w`` (:func:`loss_derivatives`), cached for the last point.

        Parameters
        ----------
        w : array (m,)
            The flat weights.

        Returns
        -------
        (float, ndarray (m,), ndarray (m, m))
        """
        w = as_float_array(w, "w", shape=(n_weights(self.dims),))
        if self._point is None or not np.array_equal(self._point, w):
            self._derivatives = loss_derivatives(w, self.X, self.F, self.dims, self.lam)
            self._point = np.array(w, dtype=np.float64, copy=True)
        return self._derivatives

    def value(self, w) -> float:
        """The loss as a float.

        Parameters
        ----------
        w : array (m,)
            The flat weights.

        Returns
        -------
        float
        """
        return self.derivatives(w)[0]

    def gradient(self, w) -> np.ndarray:
        """Exact gradient.

        Parameters
        ----------
        w : array (m,)
            The flat weights.

        Returns
        -------
        ndarray (m,)
        """
        return self.derivatives(w)[1].copy()

    @checked(v="array")
    def hvp(self, w, v) -> np.ndarray:
        """Exact Hessian products.

        Parameters
        ----------
        w : array (m,)
            The flat weights.
        v : array (m,) or (k, m)
            One direction or a block of directions (rows).

        Returns
        -------
        ndarray, the shape of ``v``
        """
        hess = self.derivatives(w)[2]
        v = as_float_array(v, "v")
        if v.ndim not in (1, 2) or v.shape[-1] != hess.shape[0]:
            raise ValueError(f"v: expected shape ({hess.shape[0]},) or (k, {hess.shape[0]}), got {v.shape}")
        return v @ hess


def objective(X, F, dims, lam: float = 0.0) -> Objective:
    """The regularised loss ``w -> l_lambda(w)`` as an :class:`Objective` (for :func:`landscapelab.hessian`,
    :func:`landscapelab.eigenvalues` and friends).

    Parameters
    ----------
    X : array (N, n_0)
        Inputs, one per row.
    F : array (N,)
        Positive targets.
    dims : sequence of int
        ``(n_0, ..., n_H, 1)``.
    lam : float
        Weight decay lambda >= 0.

    Returns
    -------
    Objective
    """
    return Objective(X, F, dims, lam)
