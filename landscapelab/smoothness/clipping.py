"""Why (L0, L1)-smoothness matters: the descent lemma it gives, the safe step ``1 / (L0 + L1 ||g||)``
(clipped or normalised gradient descent), and the gap to gradient descent with a fixed step (Zhang, He, Sra
and Jadbabaie 2020; the book's section on the descent lemma).

If ``||H L|| <= L0 + L1 ||grad L||`` everywhere, Gronwall's inequality along a segment gives
``||H L(w + s u)|| <= K e^{L1 s}`` with ``K = L0 + L1 ||grad L(w)||`` and ``||u|| = 1``, hence

    L(w + d) <= L(w) + <grad L(w), d> + K ||d||^2 (e^a - 1 - a) / a^2,      a = L1 ||d||,

(:func:`descent_bound`), and for ``a <= 1`` the last factor is at most ``e - 2`` (:data:`DESCENT_CONSTANT`).
The step ``d = -grad L / K`` has ``a <= 1`` and lowers the loss by at least ``(3 - e) ||g||^2 / K``
(:func:`safe_step`, :func:`guaranteed_decrease`).

:func:`iterations_to_tolerance` counts gradient-descent steps on a function of one variable, for many fixed
step sizes at once or for a step rule that depends on the gradient; :func:`cosh_race` is the book's example
``L(x) = cosh x``, which is (1, 1)-smooth (``cosh x = sqrt(1 + sinh^2 x) <= 1 + |sinh x|``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import as_float_array, positive_int
from .._validate import checked

__all__ = ["DESCENT_CONSTANT", "remainder_factor", "descent_bound", "safe_step", "guaranteed_decrease",
           "iterations_to_tolerance", "cosh_race"]

#: ``(e^a - 1 - a) / a^2`` at ``a = 1``: the descent lemma's constant for steps of length at most ``1 / L1``.
DESCENT_CONSTANT = math.e - 2.0


def _constant(x, name, positive=False):
    bad = isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x)
    if bad or x < 0 or (positive and x == 0):
        raise ValueError(f"{name}: expected a finite number {'> 0' if positive else '>= 0'}, got {x!r}")
    return float(x)


def _nonnegative_array(x, name):
    arr = as_float_array(x, name)
    if np.any(arr < 0):
        raise ValueError(f"{name}: expected values >= 0")
    return arr


@checked(a="array")
def remainder_factor(a):
    """``(e^a - 1 - a) / a^2``, the factor of Gronwall's bound on the second-order remainder.

    Parameters
    ----------
    a : float or array_like
        ``L1 ||d||``, any real numbers (the limit 1/2 is returned at 0).

    Returns
    -------
    ndarray or float
        The factor; it increases with ``a`` and equals ``e - 2`` at ``a = 1``. Below ``|a| = 1e-3`` a Taylor
        series replaces the formula, which would cancel.
    """
    arr = as_float_array(a, "a")
    small = np.abs(arr) < 1e-3
    safe = np.where(small, 1.0, arr)
    series = 0.5 + arr / 6 + arr * arr / 24 + arr ** 3 / 120
    out = np.where(small, series, (np.expm1(safe) - safe) / (safe * safe))
    return float(out) if out.ndim == 0 else out


@checked(grad_norm="array", step_norm="array")
def descent_bound(L0: float, L1: float, grad_norm, step_norm):
    """Largest second-order remainder ``L(w + d) - L(w) - <grad L(w), d>`` that (L0, L1)-smoothness allows.

    Parameters
    ----------
    L0, L1 : float
        The constants of Definition 1 (``L1 >= 0``; with ``L1 = 0`` this is the classical ``L0 ||d||^2 / 2``).
    grad_norm : float or array_like
        ``||grad L(w)||`` at the start of the step.
    step_norm : float or array_like
        ``||d||``.

    Returns
    -------
    ndarray or float
        ``(L0 + L1 ||g||) ||d||^2 (e^a - 1 - a) / a^2`` with ``a = L1 ||d||`` (the book's descent lemma).
    """
    L0, L1 = _constant(L0, "L0"), _constant(L1, "L1")
    g = _nonnegative_array(grad_norm, "grad_norm")
    d = _nonnegative_array(step_norm, "step_norm")
    out = (L0 + L1 * g) * d * d * remainder_factor(L1 * d)
    return float(out) if np.ndim(out) == 0 else out


@checked(grad_norm="array")
def safe_step(grad_norm, L0: float, L1: float):
    """The step size ``1 / (L0 + L1 ||g||)`` of the book's corollary to the descent lemma.

    Parameters
    ----------
    grad_norm : float or array_like
        ``||grad L(w)||``.
    L0, L1 : float
        The constants of Definition 1, ``L0 + L1 ||g|| > 0``.

    Returns
    -------
    ndarray or float
        The step size. The step it makes has length ``||g|| / (L0 + L1 ||g||) <= 1 / L1``; up to a factor 2 it
        is gradient descent with step ``1 / L0`` and the update length clipped at ``1 / L1``.
    """
    L0, L1 = _constant(L0, "L0"), _constant(L1, "L1")
    g = _nonnegative_array(grad_norm, "grad_norm")
    den = L0 + L1 * g
    if np.any(den <= 0):
        raise ValueError("L0, L1: L0 + L1 ||g|| must be > 0")
    out = 1.0 / den
    return float(out) if np.ndim(out) == 0 else out


@checked(grad_norm="array")
def guaranteed_decrease(grad_norm, L0: float, L1: float):
    """The decrease ``(3 - e) ||g||^2 / (L0 + L1 ||g||)`` one safe step guarantees on an (L0, L1)-smooth loss.

    Parameters
    ----------
    grad_norm : float or array_like
        ``||grad L(w)||``.
    L0, L1 : float
        The constants of Definition 1, ``L0 + L1 ||g|| > 0``.

    Returns
    -------
    ndarray or float
        ``||g||^2 / K - (e - 2) ||g||^2 / K`` with ``K = L0 + L1 ||g||``: the linear term of the descent lemma
        minus its remainder bound at the step ``-g / K``.
    """
    g = _nonnegative_array(grad_norm, "grad_norm")
    out = (3.0 - math.e) * g * g * safe_step(g, L0, L1)
    return float(out) if np.ndim(out) == 0 else out


@checked()
def iterations_to_tolerance(grad, x0: float, step, tol: float = 1e-8, max_steps: int = 10_000,
                            bound: float = 50.0, first_only: bool = False):
    """Steps of ``x <- x - eta f'(x)`` from ``x0`` until ``|f'(x)| <= tol``, for a function of one variable.

    Parameters
    ----------
    grad : callable
        ``f'``, vectorised over NumPy arrays.
    x0 : float
        Starting point.
    step : array_like or callable
        An array of fixed step sizes (all are run at once), or a function ``eta(|f'(x)|)`` (one run), e.g.
        ``lambda g: safe_step(g, L0, L1)``.
    tol : float
        Stop when ``|f'(x)| <= tol``.
    max_steps : int
        Give up after this many steps.
    bound : float
        Give up (divergence) when ``|x| > bound``.
    first_only : bool
        With an array of step sizes: stop all runs as soon as one reaches ``tol`` (the runs move in lockstep,
        so that one has the fewest steps; the others are reported as -1).

    Returns
    -------
    ndarray of int or int
        The number of steps (0 if ``x0`` already meets ``tol``), ``-1`` where the run gave up.
    """
    x0 = float(as_float_array(x0, "x0", ndim=0))
    tol, bound = _constant(tol, "tol", positive=True), _constant(bound, "bound", positive=True)
    max_steps = positive_int(max_steps, "max_steps")
    if not callable(grad):
        raise TypeError(f"grad: expected a function, got {type(grad).__name__}")
    if callable(step):
        x = x0
        for k in range(max_steps + 1):
            g = float(grad(x))
            if abs(g) <= tol:
                return k
            if k == max_steps or not abs(x) <= bound:
                return -1
            x -= float(step(abs(g))) * g
        return -1                                                    # pragma: no cover (the loop returns)
    etas = as_float_array(step, "step")
    if etas.size == 0:
        raise ValueError("step: expected at least one step size, got an empty array")
    if np.any(etas <= 0):
        raise ValueError("step: fixed step sizes must be > 0")
    x = np.full(etas.shape, x0)
    done = np.full(etas.shape, -1)
    alive = np.ones(etas.shape, dtype=bool)
    for k in range(max_steps + 1):
        g = np.asarray(grad(np.clip(x, -bound, bound)), dtype=np.float64)
        hit = alive & (np.abs(g) <= tol)
        done[hit] = k
        alive &= ~hit & (np.abs(x) <= bound)
        if k == max_steps or not alive.any() or (first_only and hit.any()):
            break
        x = np.where(alive, x - etas * g, x)
    return done


@checked(starts="vector")
def cosh_race(starts=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), steps=None, tol: float = 1e-8,
              max_steps: int = 5000) -> dict[str, np.ndarray]:
    """Fixed-step against safe-step gradient descent on ``L(x) = cosh x`` ((1, 1)-smooth), from each ``x0``.

    Parameters
    ----------
    starts : sequence of float
        Starting points ``x0 > 0``; the gradient norm is at most ``M = sinh x0`` on the sublevel set
        ``[-x0, x0]``.
    steps : array_like, optional
        The fixed step sizes tried (default 400 values from 1e-4 to 2, geometric).
    tol : float
        Stop when ``|f'(x)| <= tol`` (as in :func:`iterations_to_tolerance`).
    max_steps : int
        Give up after this many steps.

    Returns
    -------
    dict of ndarray
        ``"x0"``, ``"M"``; ``"best_fixed"``, the fewest steps over the fixed step sizes, and ``"best_step"``,
        that step size; ``"threshold"``, ``2 x0 / sinh x0``: above it the first step overshoots to
        ``|x1| > x0`` and then ``|x|`` grows at every step (``sinh x / x`` increases); ``"below"`` and
        ``"above"``, the steps taken with the fixed steps 0.97 and 1.03 times the threshold (-1: no
        convergence); ``"safe"``, the steps of the safe step ``1 / (1 + |sinh x|)``.
    """
    x0s = as_float_array(starts, "starts", ndim=1)
    if np.any(x0s <= 0):
        raise ValueError("starts: expected starting points > 0")
    etas = np.geomspace(1e-4, 2.0, 400) if steps is None else as_float_array(steps, "steps", ndim=1)
    keys = ("x0", "M", "best_fixed", "best_step", "threshold", "below", "above", "safe")
    out: dict[str, list] = {key: [] for key in keys}
    for x0 in x0s:
        counts = iterations_to_tolerance(np.sinh, x0, etas, tol=tol, max_steps=max_steps, first_only=True)
        best = int(np.argmax(counts)) if np.any(counts >= 0) else -1
        threshold = 2.0 * x0 / math.sinh(x0)
        edge = iterations_to_tolerance(np.sinh, x0, np.array([0.97, 1.03]) * threshold, tol=tol,
                                       max_steps=max_steps)
        safe = iterations_to_tolerance(np.sinh, x0, lambda g: safe_step(g, 1.0, 1.0), tol=tol,
                                       max_steps=max_steps)
        for key, value in zip(keys, (x0, math.sinh(x0), int(counts[best]) if best >= 0 else -1,
                                     float(etas[best]) if best >= 0 else math.nan, threshold, int(edge[0]),
                                     int(edge[1]), safe)):
            out[key].append(value)
    return {key: np.array(values) for key, values in out.items()}
