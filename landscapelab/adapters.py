"""Bring your own model: wrap a scalar function of a flat parameter vector so that every curvature tool of the
library takes its fast path (the :class:`~landscapelab.curvature.SupportsHVP` protocol: ``f(w)``,
``f.gradient(w)``, ``f.hvp(w, V)`` with ``V`` one direction or a ``(k, P)`` block).

* :func:`autograd_function`: any function written with ``autograd.numpy``. The gradient graph is built once per
  point and reused for every Hessian product at that point (forward pass cached).
* :func:`jax_function`: any JAX function (the optional extra ``pip install "landscapelab[jax]"``). Gradients and
  Hessian-vector products (forward-over-reverse, ``jax.jvp`` of ``jax.grad``) are jitted, and a block of
  directions is one ``jax.vmap`` call. JAX is switched to float64 (``jax_enable_x64``), the library's precision.

Example
-------
>>> import autograd.numpy as anp, numpy as np, landscapelab as ll
>>> from landscapelab.adapters import autograd_function
>>> f = autograd_function(lambda w: anp.sum(anp.sin(w) ** 2))
>>> round(float(ll.eigenvalues(f, np.zeros(3), k=1)[0]), 12)
2.0
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import autograd
import numpy as np

from ._validate import as_float_array

__all__ = ["autograd_function", "jax_function", "AutogradFunction", "JaxFunction"]


def _directions(V, P):
    V = as_float_array(V, "v")
    if V.ndim not in (1, 2) or V.shape[-1] != P:
        raise ValueError(f"v: expected shape ({P},) or (k, {P}), got {V.shape}")
    return V


class AutogradFunction:
    """A scalar autograd function with ``gradient`` and ``hvp`` methods (see :func:`autograd_function`).

    Parameters
    ----------
    fun : callable
        ``fun(w)`` returns a scalar for a flat float64 vector ``w``.
    """

    def __init__(self, fun: Callable):
        if not callable(fun):
            raise TypeError(f"fun: expected a scalar function of a flat vector, got {type(fun).__name__}")
        self.fun = fun
        self._grad = autograd.grad(fun)
        self._last = None
        self._lock = threading.Lock()

    def __call__(self, w):
        return self.fun(w)

    def __repr__(self) -> str:
        return f"autograd_function({getattr(self.fun, '__name__', self.fun)!r})"

    def gradient(self, w) -> np.ndarray:
        """Gradient by autograd.

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.

        Returns
        -------
        ndarray (P,)
        """
        w = as_float_array(w, "w", ndim=1)
        return np.asarray(self._grad(np.array(w, dtype=np.float64)), dtype=np.float64)

    def _hvp_at(self, w):
        with self._lock:
            last = self._last
            if last is None or not np.array_equal(last[0], w):
                point = np.array(w, dtype=np.float64, copy=True)
                last = (point, autograd.make_hvp(self.fun)(point)[0])
                self._last = last
        return last[1]

    def hvp(self, w, v) -> np.ndarray:
        """Hessian products by autograd (reverse over reverse), one graph per point.

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.
        v : array (P,) or (k, P)
            One direction or a block of directions (rows).

        Returns
        -------
        ndarray, the shape of ``v``
        """
        w = as_float_array(w, "w", ndim=1)
        V = _directions(v, w.size)
        product = self._hvp_at(w)
        out = np.stack([np.asarray(product(row), dtype=np.float64) for row in np.atleast_2d(V)])
        return out[0] if V.ndim == 1 else out


def autograd_function(fun: Callable) -> AutogradFunction:
    """Wrap a scalar function written with ``autograd.numpy`` for the library's curvature tools.

    Parameters
    ----------
    fun : callable
        ``fun(w)`` returns a scalar for a flat float64 vector ``w``.

    Returns
    -------
    AutogradFunction
    """
    return AutogradFunction(fun)


class JaxFunction:
    """A scalar JAX function with jitted ``gradient`` and ``hvp`` methods (see :func:`jax_function`).

    Parameters
    ----------
    fun : callable
        ``fun(w)`` returns a scalar for a flat vector ``w`` (written with ``jax.numpy``).
    """

    def __init__(self, fun: Callable):
        try:
            import jax
        except ImportError as err:
            raise ImportError("jax_function needs JAX: pip install \"landscapelab[jax]\" (or jax[cpu])") from err
        if not callable(fun):
            raise TypeError(f"fun: expected a scalar JAX function of a flat vector, got {type(fun).__name__}")
        jax.config.update("jax_enable_x64", True)
        self.fun = fun
        grad = jax.grad(fun)
        self._value = jax.jit(fun)
        self._grad = jax.jit(grad)

        def hvp(w, v):
            return jax.jvp(grad, (w,), (v,))[1]

        self._hvp = jax.jit(hvp)
        self._hvp_block = jax.jit(jax.vmap(hvp, in_axes=(None, 0)))

    def __call__(self, w):
        return float(self._value(np.asarray(w, dtype=np.float64)))

    def __repr__(self) -> str:
        return f"jax_function({getattr(self.fun, '__name__', self.fun)!r})"

    def gradient(self, w) -> np.ndarray:
        """Gradient by ``jax.grad`` (jitted).

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.

        Returns
        -------
        ndarray (P,)
        """
        w = as_float_array(w, "w", ndim=1)
        return np.asarray(self._grad(np.asarray(w, dtype=np.float64)), dtype=np.float64)

    def hvp(self, w, v) -> np.ndarray:
        """Hessian products, forward over reverse; a block is one ``vmap`` call.

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.
        v : array (P,) or (k, P)
            One direction or a block of directions (rows).

        Returns
        -------
        ndarray, the shape of ``v``
        """
        w = np.asarray(as_float_array(w, "w", ndim=1), dtype=np.float64)
        V = np.asarray(_directions(v, w.size), dtype=np.float64)
        out = self._hvp(w, V) if V.ndim == 1 else self._hvp_block(w, V)
        return np.asarray(out, dtype=np.float64)


def jax_function(fun: Callable) -> JaxFunction:
    """Wrap a scalar JAX function for the library's curvature tools (needs the optional ``jax`` extra).

    Parameters
    ----------
    fun : callable
        ``fun(w)`` returns a scalar for a flat vector ``w`` (written with ``jax.numpy``).

    Returns
    -------
    JaxFunction
    """
    return JaxFunction(fun)
