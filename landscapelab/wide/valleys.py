"""A one-dimensional function whose only local minimum is global but which still has a bad valley (the situation of
the thesis's Figure 3.1, right; the thesis gives no formula, this one is the book's):

    f(x) = -exp(-x^2) + 1/2 sigmoid(5 (x - 3/2)) exp(-0.3 (x - 3/2)).

Its only local minimum is near ``x = 0`` (``f ~ -1``, the global minimum); local maxima sit near ``x = 2.145``
(``f ~ 0.386``) and, far to the left, near ``x = -6.1`` (``f`` of order ``1e-16``); beyond each maximum ``f``
decreases to ``0^+`` without reaching another critical point, so gradient descent started there runs off to
infinity at a loss near 0, far above the global minimum: bad local valleys (Definition 3.3.7) at both infinities
with no critical point in them, as in the thesis's sketch.
"""

from __future__ import annotations

import numpy as np
from .._validate import checked

__all__ = ["bad_valley", "bad_valley_derivative", "gradient_descent_1d"]


def _sigmoid(t):
    """The logistic function with full relative precision in both tails (``0.5 (tanh(t/2) + 1)`` rounds to 0
    below about ``t = -37``, which would hide the left valley)."""
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@checked(x="array")
def bad_valley(x):
    """The function ``f`` above, elementwise.

    Parameters
    ----------
    x : array_like
        Where to evaluate.

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=np.float64)
    return -np.exp(-x**2) + 0.5 * _sigmoid(5 * (x - 1.5)) * np.exp(-0.3 * (x - 1.5))


@checked(x="array")
def bad_valley_derivative(x):
    """``f'(x)`` (written out by hand).

    Parameters
    ----------
    x : array_like
        Where to evaluate.

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=np.float64)
    s = _sigmoid(5 * (x - 1.5))
    e = np.exp(-0.3 * (x - 1.5))
    return 2 * x * np.exp(-x**2) + 0.5 * e * (5 * s * (1 - s) - 0.3 * s)


@checked(iterations="count")
def gradient_descent_1d(x0: float, step: float = 1.0, iterations: int = 2000):
    """Gradient descent on :func:`bad_valley` from ``x0``.

    Parameters
    ----------
    x0 : float
        Start point.
    step : float
        Step size.
    iterations : int
        Number of steps.

    Returns
    -------
    ndarray
        The iterates, ``iterations + 1`` values.
    """
    xs = np.empty(int(iterations) + 1)
    xs[0] = float(x0)
    for i in range(int(iterations)):
        xs[i + 1] = xs[i] - step * bad_valley_derivative(xs[i])
    return xs
