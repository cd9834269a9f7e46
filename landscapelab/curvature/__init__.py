"""Gradients, Hessians and their spectra: curvature matrices as operators, and estimators that take any of them.

* :mod:`.operators`: the Hessian, the generalised Gauss-Newton matrix, the Jacobian and its transpose, the tangent
  kernel ``J J^T`` and the model Hessian as :class:`scipy.sparse.linalg.LinearOperator` objects built at a point,
  with exact products (Pearlmutter's R-operator and hand-written backward passes for an
  :class:`~landscapelab.MLP`, autograd for any other function); :func:`as_operator` wraps arrays and foreign
  operators.
* :mod:`.estimators`: :func:`eigenvalues`, :func:`hessian_trace`, :func:`spectral_density`, each taking an
  operator or ``(f, w)`` (the Hessian of ``f`` at ``w``).
* :mod:`.lanczos`: block Lanczos and subspace iteration on block products, :class:`ConvergenceWarning`.

And three functions of a scalar function ``f`` at a point ``w``: :func:`gradient`, :func:`hvp`, :func:`hessian`.
"""

from __future__ import annotations

import autograd
import numpy as np

from .._validate import as_float_array, positive_int, positive_number
from .estimators import eigenvalues, hessian_trace, lanczos_quadrature, spectral_density, symmetric_operator
from .krylov import ConvergenceWarning, LanczosResult, lanczos
from .operators import (CurvatureOperator, SupportsHVP, as_operator, ggn_operator, hessian_operator, jacobian,
                        jacobian_operator, jacobian_transpose_operator, model_hessian_operator, tangent_kernel,
                        tangent_kernel_operator)

__all__ = ["gradient", "hessian", "hvp", "eigenvalues", "lanczos", "lanczos_quadrature", "hessian_trace",
           "spectral_density", "CurvatureOperator", "SupportsHVP", "as_operator", "hessian_operator", "ggn_operator",
           "jacobian_operator", "jacobian_transpose_operator", "tangent_kernel_operator", "model_hessian_operator",
           "jacobian", "tangent_kernel", "symmetric_operator", "ConvergenceWarning", "LanczosResult",
           "DENSE_HESSIAN_BUDGET"]

#: Largest dense Hessian :func:`hessian` builds unless told otherwise, in bytes (4 GiB: P of about 23,000).
DENSE_HESSIAN_BUDGET = 4 * 1024 ** 3


def _function_and_point(f, w):
    if not callable(f):
        raise TypeError(f"f: expected a scalar function of a flat parameter vector, got {type(f).__name__}")
    w = as_float_array(w, "w", ndim=1)
    n_params = getattr(f, "n_params", None)
    if n_params is not None and w.size != n_params:
        raise ValueError(f"w: expected a parameter vector of length {n_params}, got {w.size}")
    return w


def gradient(f, w) -> np.ndarray:
    """Gradient of ``f`` at ``w``.

    Parameters
    ----------
    f : callable
        A scalar function of the flat parameters; its own ``f.gradient`` is used if it has one
        (:class:`~landscapelab.curvature.operators.SupportsHVP`), autograd otherwise.
    w : array (P,)
        The point: a flat parameter vector.

    Returns
    -------
    ndarray (P,)
    """
    w = _function_and_point(f, w)
    g = f.gradient(w) if isinstance(f, SupportsHVP) else autograd.grad(f)(w)
    return np.asarray(g, dtype=np.float64)


def hvp(f, w, v) -> np.ndarray:
    """Hessian-vector product ``H(w) v`` without forming ``H``.

    Parameters
    ----------
    f : callable
        A scalar function of the flat parameters.
    w : array (P,)
        The point: a flat parameter vector.
    v : array (P,) or (k, P)
        One direction or a block of k directions (rows).

    Returns
    -------
    ndarray, the shape of ``v``
    """
    w = _function_and_point(f, w)
    v = as_float_array(v, "v")
    if v.ndim not in (1, 2) or v.shape[-1] != w.size:
        raise ValueError(f"v: expected shape ({w.size},) or (k, {w.size}), got {v.shape}")
    return hessian_operator(f, w).rows(v)


def hessian(f, w, chunk: int = 256, max_memory: float = DENSE_HESSIAN_BUDGET) -> np.ndarray:
    """Dense Hessian ``(P, P)``, symmetrised, built from exact products in blocks of ``chunk`` columns.

    Memory: the result's ``8 P^2`` bytes plus one block (``16 P chunk``); the symmetrisation is done in place.
    Above ``max_memory`` it refuses: use :func:`eigenvalues`, :func:`hessian_trace` or the operator instead.

    Parameters
    ----------
    f : callable
        A scalar function of the flat parameters.
    w : array (P,)
        The point: a flat parameter vector.
    chunk : int
        Columns per block of products.
    max_memory : float
        Largest Hessian to build, in bytes (default :data:`DENSE_HESSIAN_BUDGET`, 4 GiB).

    Returns
    -------
    ndarray (P, P)
    """
    w = _function_and_point(f, w)
    chunk = positive_int(chunk, "chunk")
    P = w.size
    need = 8.0 * P * P
    max_memory = positive_number(max_memory, "max_memory")
    if need > max_memory:
        raise MemoryError(f"hessian: a dense {P} x {P} Hessian needs {need / 1024 ** 3:.3g} GiB, above max_memory = "
                          f"{max_memory / 1024 ** 3:.3g} GiB; use eigenvalues/hessian_trace/hessian_operator, or "
                          "raise max_memory")
    H = hessian_operator(f, w).dense(chunk)
    for start in range(0, P, chunk):
        stop = min(P, start + chunk)
        block = 0.5 * (H[start:stop, start:] + H[start:, start:stop].T)
        H[start:stop, start:] = block
        H[start:, start:stop] = block.T
    return H
