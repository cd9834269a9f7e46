"""Curvature matrices as linear operators: known by their products, never formed unless asked for.

A *curvature operator* is a :class:`scipy.sparse.linalg.LinearOperator` (the interchange type of SciPy's solvers
and of curvlinops) whose products come from exact passes through the network. All of them are
:class:`CurvatureOperator` objects and so also offer :meth:`CurvatureOperator.rows`, the product with a block of
``k`` row vectors in **one** pass (``V`` of shape ``(k, n)`` gives the ``(k, m)`` rows of ``(A V^T)^T``); SciPy's
``A @ X`` and ``A.matmat(X)`` (columns) call it too.

An operator is built *at a point*: the constructor copies ``w`` and does the forward (and, where needed, backward)
pass once, so every later product costs only the directional passes, and changing the caller's ``w`` afterwards
does not change the operator.

Constructors (``net`` an :class:`~landscapelab.MLP`, ``f`` a scalar function of the flat parameters):

===================================  ======================  =====================================================
constructor                          shape                   the matrix
===================================  ======================  =====================================================
:func:`hessian_operator`             ``(P, P)``              Hessian of ``f`` (exact R-operator, or autograd)
:func:`ggn_operator`                 ``(P, P)``              generalised Gauss-Newton ``J^T H_out J`` of a loss
:func:`jacobian_operator`            ``(n d_out, P)``        Jacobian of ``net(w, X)`` (row ``i d_out + j``)
:func:`jacobian_transpose_operator`  ``(P, n d_out)``        its transpose
:func:`tangent_kernel_operator`      ``(n d_out, n d_out)``  the neural tangent kernel ``K = J J^T``
:func:`model_hessian_operator`       ``(P, P)``              Hessian of ``sum_ij u_ij net(w, X)_ij`` (the model's)
:func:`as_operator`                  any                     a dense array, a sparse matrix or any LinearOperator
===================================  ======================  =====================================================

The fast path for a user's scalar function is a written protocol, :class:`SupportsHVP`: an object with
``gradient(w)`` and ``hvp(w, V)`` (``V`` one vector or a ``(k, P)`` block). :func:`landscapelab.loss_function`
and :func:`landscapelab.convexity.objective` follow it; any other callable is differentiated by autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import autograd
import numpy as np
from scipy.sparse.linalg import LinearOperator

from .. import _backprop
from .._validate import as_float_array, positive_int
from ..losses import LossFunction
from ..nets import MLP

__all__ = ["SupportsHVP", "CurvatureOperator", "as_operator", "hessian_operator", "ggn_operator",
           "jacobian_operator", "jacobian_transpose_operator", "tangent_kernel_operator", "model_hessian_operator",
           "jacobian", "tangent_kernel"]


@runtime_checkable
class SupportsHVP(Protocol):
    """A scalar function of the flat parameters that supplies its own exact derivatives (a protocol).

    ``f(w)`` is the value; ``f.gradient(w)`` returns the ``(P,)`` gradient; ``f.hvp(w, V)`` returns Hessian
    products, ``(P,)`` for ``V`` of shape ``(P,)`` and ``(k, P)`` for a block of ``k`` directions (rows).
    :func:`landscapelab.loss_function`, :func:`landscapelab.convexity.objective` and the adapters of
    :mod:`landscapelab.adapters` follow it.
    """

    def __call__(self, w): ...

    def gradient(self, w) -> np.ndarray:
        """The gradient at ``w``.

        Parameters
        ----------
        w : array (P,)
            The point.

        Returns
        -------
        ndarray (P,)
        """

    def hvp(self, w, V) -> np.ndarray:
        """Hessian products at ``w``.

        Parameters
        ----------
        w : array (P,)
            The point.
        V : array (P,) or (k, P)
            One direction or a block of directions (rows).

        Returns
        -------
        ndarray, the shape of ``V``
        """


class CurvatureOperator(LinearOperator):
    """A matrix known by its products with blocks of row vectors.

    Parameters
    ----------
    shape : tuple of int
        ``(m, n)``.
    rows : callable
        ``rows(V)`` for ``V`` of shape ``(k, n)`` returns the ``(k, m)`` array whose row i is ``A @ V[i]``.
    adjoint_rows : callable, optional
        The same for ``A^T`` (``(k, m) -> (k, n)``). Not needed when ``symmetric``.
    symmetric : bool
        Whether ``A = A^T`` (the estimators of :mod:`landscapelab.curvature` need a symmetric operator).
    name : str
        What the matrix is, for ``repr``.
    """

    def __init__(self, shape, rows: Callable, adjoint_rows: Callable | None = None, symmetric: bool = False,
                 name: str = "operator"):
        super().__init__(dtype=np.dtype(np.float64), shape=tuple(int(s) for s in shape))
        if symmetric and self.shape[0] != self.shape[1]:
            raise ValueError(f"symmetric: a {self.shape[0]} x {self.shape[1]} operator cannot be symmetric")
        self._rows = rows
        self._adjoint_rows = rows if symmetric else adjoint_rows
        self.symmetric = bool(symmetric)
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.shape[0]}x{self.shape[1]} {self.name}>"

    def rows(self, V, name: str = "V") -> np.ndarray:
        """Products with a block of row vectors: ``V`` of shape ``(k, n)`` (or one vector ``(n,)``) gives
        ``(k, m)`` (or ``(m,)``), in one pass.

        Parameters
        ----------
        V : array (k, n) or (n,)
            Directions, one per row.
        name : str
            The argument's name in error messages.

        Returns
        -------
        ndarray (k, m) or (m,)
        """
        V = as_float_array(V, name)
        if V.ndim not in (1, 2) or V.shape[-1] != self.shape[1]:
            raise ValueError(f"{name}: expected shape ({self.shape[1]},) or (k, {self.shape[1]}), got {V.shape}")
        out = np.asarray(self._rows(np.ascontiguousarray(np.atleast_2d(V))), dtype=np.float64)
        return out[0] if V.ndim == 1 else out

    def adjoint_rows(self, U) -> np.ndarray:
        """Products of the transpose with a block of row vectors, ``(k, m) -> (k, n)``.

        Parameters
        ----------
        U : array (k, m) or (m,)
            Row vectors of length m.

        Returns
        -------
        ndarray (k, n) or (n,)
        """
        return self.T.rows(U, name="U")

    def _matvec(self, x):
        return self.rows(np.ravel(x))

    def _matmat(self, X):
        return self.rows(np.asarray(X).T).T

    def _transpose(self):
        return self._adjoint()

    def _adjoint(self):
        if self.symmetric:
            return self
        if self._adjoint_rows is None:
            raise NotImplementedError(f"{self.name}: no transpose products were given")
        return CurvatureOperator(self.shape[::-1], self._adjoint_rows, self._rows, name=f"transpose of {self.name}")

    def _rmatvec(self, x):
        return self._adjoint().rows(np.ravel(x))

    def _rmatmat(self, X):
        return self._adjoint().rows(np.asarray(X).T).T

    def dense(self, chunk: int = 256) -> np.ndarray:
        """The matrix itself, ``(m, n)``, from products with the identity in blocks of ``chunk`` columns.

        Parameters
        ----------
        chunk : int
            Columns per product block.

        Returns
        -------
        ndarray (m, n)
        """
        chunk = positive_int(chunk, "chunk")
        m, n = self.shape
        out = np.empty((n, m))
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            E = np.zeros((stop - start, n))
            E[np.arange(stop - start), np.arange(start, stop)] = 1.0
            out[start:stop] = self._rows(E)
        return out if self.symmetric else np.ascontiguousarray(out.T)


def as_operator(A, symmetric: bool | None = None) -> CurvatureOperator:
    """Wrap a dense array, a SciPy sparse matrix or any :class:`~scipy.sparse.linalg.LinearOperator`.

    Parameters
    ----------
    A : ndarray (m, n), sparse matrix or LinearOperator
        The matrix. A :class:`CurvatureOperator` is returned unchanged.
    symmetric : bool, optional
        Whether ``A`` is symmetric. Default: checked for dense arrays (to 1e-12 relative), assumed for square
        LinearOperators (which cannot be checked without forming them).

    Returns
    -------
    CurvatureOperator
    """
    if isinstance(A, CurvatureOperator):
        return A
    if isinstance(A, LinearOperator) or hasattr(A, "tocsr"):
        if A.shape is None or len(A.shape) != 2:
            raise ValueError(f"A: expected a 2-D operator, got shape {A.shape}")
        square = A.shape[0] == A.shape[1]
        sym = square if symmetric is None else bool(symmetric)
        op = A if isinstance(A, LinearOperator) else None
        if op is None:
            rows = lambda V: np.asarray(A @ V.T).T  # noqa: E731
            adjoint = lambda U: np.asarray(A.T @ U.T).T  # noqa: E731
        else:
            rows = lambda V: np.asarray(op.matmat(V.T)).T  # noqa: E731
            adjoint = lambda U: np.asarray(op.rmatmat(U.T)).T  # noqa: E731
        return CurvatureOperator(A.shape, rows, adjoint, symmetric=sym, name=type(A).__name__)
    if callable(A):
        raise TypeError("A: a function is not a matrix; for the Hessian of f at w use hessian_operator(f, w) "
                        "or pass (f, w) to the estimator")
    M = as_float_array(A, "A", ndim=2)
    M = np.array(M, dtype=np.float64, copy=True)
    sym = symmetric
    if sym is None:
        sym = M.shape[0] == M.shape[1] and np.allclose(M, M.T, rtol=1e-12, atol=1e-12 * np.abs(M).max(initial=0))
    return CurvatureOperator(M.shape, lambda V: V @ M.T, lambda U: U @ M, symmetric=bool(sym), name="dense matrix")


# ---------------------------------------------------------------------------------------------------- Hessian
def _point(w, size=None) -> np.ndarray:
    w = as_float_array(w, "w", ndim=1)
    if size is not None and w.size != size:
        raise ValueError(f"w: expected a parameter vector of length {size}, got {w.size}")
    return np.array(w, dtype=np.float64, copy=True)


def _autograd_rows(f, w):
    """Block products of the autograd Hessian at w: one forward-and-gradient graph, one VJP per direction."""
    vjp, _ = autograd.make_hvp(f)(w)
    return lambda V: np.stack([np.asarray(vjp(v), dtype=np.float64) for v in V])


def hessian_operator(f, w) -> CurvatureOperator:
    """The Hessian of ``f`` at ``w`` as a symmetric ``(P, P)`` operator.

    Parameters
    ----------
    f : callable
        A :func:`~landscapelab.loss_function` (exact R-operator products from one forward and backward pass
        done here), an object following :class:`SupportsHVP`, or any scalar function autograd can differentiate.
    w : array (P,)
        The point (copied).

    Returns
    -------
    CurvatureOperator
    """
    if not callable(f):
        raise TypeError(f"f: expected a scalar function of a flat parameter vector, got {type(f).__name__}")
    if isinstance(f, LossFunction):
        w = _point(w, f.n_params)
        state = f._state_at(w)
        return CurvatureOperator((w.size, w.size), state.hvp_rows, symmetric=True, name="Hessian of the loss")
    w = _point(w)
    if isinstance(f, SupportsHVP):
        return CurvatureOperator((w.size, w.size), lambda V: np.asarray(f.hvp(w, V), dtype=np.float64),
                                 symmetric=True, name="Hessian")
    return CurvatureOperator((w.size, w.size), _autograd_rows(f, w), symmetric=True, name="Hessian (autograd)")


def ggn_operator(f, w) -> CurvatureOperator:
    """The generalised Gauss-Newton matrix ``J^T H_out J`` of a loss at ``w`` (the Hessian without the terms
    that carry the output residual), symmetric positive semi-definite for convex losses.

    Parameters
    ----------
    f : LossFunction
        From :func:`landscapelab.loss_function`.
    w : array (P,)
        The point (copied).

    Returns
    -------
    CurvatureOperator
    """
    if not isinstance(f, LossFunction):
        raise TypeError(f"f: the Gauss-Newton matrix needs a network and a loss (landscapelab.loss_function), "
                        f"got {type(f).__name__}")
    w = _point(w, f.n_params)
    state = f._state_at(w)
    return CurvatureOperator((w.size, w.size), state.gnvp_rows, symmetric=True, name="Gauss-Newton matrix")


# ---------------------------------------------------------------------------------------------------- Jacobian
class _ModelPoint:
    """The forward pass of ``net`` at ``w`` on ``X``, and the Jacobian products it supports."""

    def __init__(self, net, w, X):
        if not isinstance(net, MLP):
            raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
        self.net = net
        self.w = _point(w, net.n_params)
        self.X = np.array(net.check_inputs(X), dtype=np.float64, copy=True)
        self.trace = _backprop.forward(net, self.w, self.X)
        self.n_out = self.X.shape[0] * net.d_out

    def jvp_rows(self, V):
        """Rows of ``J V^T``: directional derivatives of the flattened outputs, ``(k, P) -> (k, n d_out)``."""
        R_out = _backprop._r_forward(self.net, self.trace, V)[3]
        return R_out.reshape(V.shape[0], self.n_out)

    def vjp_rows(self, U):
        """Rows of ``J^T U^T``: ``(k, n d_out) -> (k, P)`` by one backward pass for the whole block."""
        d_last = U.reshape(U.shape[0], self.X.shape[0], self.net.d_out)
        if self.net.output_activation is not None:
            d_last = d_last * self.net.output_activation.d1(self.trace.z[-1])
        return _backprop._backward_batch(self.net, self.trace, d_last)


def jacobian_operator(net, w, X) -> CurvatureOperator:
    """The Jacobian ``J = d net(w, X) / d w`` as an ``(n d_out, P)`` operator (row ``i d_out + j`` is output j of
    sample i). Products with ``J`` are forward directional passes, with ``J^T`` one backward pass per block.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point (copied).
    X : array (n, d_in)
        Inputs (copied).

    Returns
    -------
    CurvatureOperator
    """
    point = _ModelPoint(net, w, X)
    return CurvatureOperator((point.n_out, net.n_params), point.jvp_rows, point.vjp_rows, name="Jacobian")


def jacobian_transpose_operator(net, w, X) -> CurvatureOperator:
    """``J^T``, the ``(P, n d_out)`` transpose of :func:`jacobian_operator`.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (n, d_in)
        Inputs, one sample per row.

    Returns
    -------
    CurvatureOperator
    """
    return jacobian_operator(net, w, X).T


def tangent_kernel_operator(net, w, X) -> CurvatureOperator:
    """The (empirical) neural tangent kernel ``K = J J^T`` at ``w``, an ``(n d_out, n d_out)`` symmetric positive
    semi-definite operator; ``K[i d_out + j, i' d_out + j'] = <grad_w f_j(x_i), grad_w f_j'(x_i')>``.

    Each product is one backward pass (``J^T``) and one forward directional pass (``J``) for the whole block, so
    ``J`` (``n d_out x P`` numbers) is never stored: this is the form to use at widths where ``J`` is large.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (n, d_in)
        Inputs, one sample per row.

    Returns
    -------
    CurvatureOperator
    """
    point = _ModelPoint(net, w, X)
    return CurvatureOperator((point.n_out, point.n_out), lambda U: point.jvp_rows(point.vjp_rows(U)),
                             symmetric=True, name="tangent kernel")


def model_hessian_operator(net, w, X, weights=None) -> CurvatureOperator:
    """The Hessian with respect to the parameters of the weighted model output ``sum_ij u_ij net(w, X)_ij``.

    With one input and ``d_out = 1`` this is the Hessian of the model ``f(w; x)`` itself, whose spectral norm is
    the quantity of the transition-to-linearity results. The loss Hessian is its ``u = dL/d(output)``-weighted
    sum plus the Gauss-Newton term.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (n, d_in)
        Inputs, one sample per row.
    weights : array (n, d_out), optional
        The weights ``u`` (default all ones).

    Returns
    -------
    CurvatureOperator
    """
    point = _ModelPoint(net, w, X)
    n = point.X.shape[0]
    u = np.ones((n, net.d_out)) if weights is None else np.array(
        as_float_array(weights, "weights", shape=(n, net.d_out)), dtype=np.float64)
    errors = _backprop.deltas(net, point.trace, u)
    zero = lambda R_out: np.zeros_like(R_out)  # noqa: E731

    def rows(V):
        return _backprop.hvp(net, point.trace, errors, u, V, zero)

    return CurvatureOperator((net.n_params, net.n_params), rows, symmetric=True, name="model Hessian")


def jacobian(net, w, X, chunk: int = 256) -> np.ndarray:
    """The dense Jacobian of the outputs, ``(n d_out, P)`` (``8 n d_out P`` bytes).

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (n, d_in)
        Inputs, one sample per row.
    chunk : int
        Rows computed per backward pass.

    Returns
    -------
    ndarray (n d_out, P)
    """
    chunk = positive_int(chunk, "chunk")
    point = _ModelPoint(net, w, X)
    J = np.empty((point.n_out, net.n_params))
    for start in range(0, point.n_out, chunk):
        stop = min(point.n_out, start + chunk)
        E = np.zeros((stop - start, point.n_out))
        E[np.arange(stop - start), np.arange(start, stop)] = 1.0
        J[start:stop] = point.vjp_rows(E)
    return J


def tangent_kernel(net, w, X) -> np.ndarray:
    """The dense tangent kernel ``J J^T``, ``(n d_out, n d_out)``, symmetric.

    Parameters
    ----------
    net : MLP
        The network.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (n, d_in)
        Inputs, one sample per row.

    Returns
    -------
    ndarray (n d_out, n d_out)
    """
    J = jacobian(net, w, X)
    K = J @ J.T
    return 0.5 * (K + K.T)
