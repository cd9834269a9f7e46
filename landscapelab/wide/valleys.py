"""A one-dimensional function whose only local minimum is global but which still has a bad valley (the situation of
the thesis's Figure 3.1, right; the thesis gives no formula, this one is the book's):

    f(x) = -exp(-x^2) + 1/2 sigmoid(5 (x - 3/2)) exp(-0.3 (x - 3/2)).

Its only local minimum is near ``x = 0`` (``f ~ -1``, the global minimum); a local maximum sits near
``x = 2.145``; to its right ``f`` decreases to ``0^+`` without ever reaching a critical point, so gradient descent
started there runs off to infinity at loss near 0, far above the global minimum: a bad local valley
(Definition 3.3.7) with no critical point in it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bad_valley", "bad_valley_derivative", "gradient_descent_1d"]


def _sigmoid(t):
    return 0.5 * (np.tanh(0.5 * t) + 1.0)


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
