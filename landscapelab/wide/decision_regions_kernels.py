"""Numba kernels (with NumPy twins) for training one-hidden-layer leaky-ReLU classifiers by full-batch Adam.

The chapter trains a few dozen small networks (two inputs, a few hidden units, two outputs, 400 samples) for a
few thousand steps each; through the general :func:`landscapelab.loss_function` a step costs about a
millisecond of Python overhead, in a fused loop about twenty microseconds. The kernels compute exactly the
gradient of ``loss_function(net, X, Y, loss="cross_entropy", scale=1/n)`` for ``net = MLP([d, n_1, m],
leaky_relu(slope))`` (the tests compare them with it), on the same flat parameter layout ``[M_1, b_1, M_2,
b_2]`` (rows of ``M_k`` contiguous). ``gradient`` and ``adam`` pick the twin when Numba's JIT is disabled
(``NUMBA_DISABLE_JIT=1``), where the loops would run in the interpreter.
"""

from __future__ import annotations

import numbers

import numpy as np
from numba import config, njit

from .._validate import as_float_array, positive_int, positive_number

__all__ = ["gradient", "adam", "gradient_reference", "adam_reference"]


@njit(cache=True)
def _gradient_kernel(X, Y, w, n1, slope, g):
    """Gradient of the mean cross-entropy of a [d, n1, m] leaky-ReLU network into ``g``; returns the loss."""
    n, d = X.shape
    m = Y.shape[1]
    o1 = n1 * d
    o2 = o1 + n1
    o3 = o2 + m * n1
    for k in range(g.size):
        g[k] = 0.0
    z = np.empty(n1)
    h = np.empty(n1)
    out = np.empty(m)
    dout = np.empty(m)
    loss = 0.0
    for i in range(n):
        for j in range(n1):
            acc = w[o1 + j]
            for c in range(d):
                acc += w[j * d + c] * X[i, c]
            z[j] = acc
            h[j] = acc if acc > 0.0 else slope * acc
        top = -np.inf
        for k in range(m):
            acc = w[o3 + k]
            for j in range(n1):
                acc += w[o2 + k * n1 + j] * h[j]
            out[k] = acc
            if acc > top:
                top = acc
        total = 0.0
        for k in range(m):
            dout[k] = np.exp(out[k] - top)
            total += dout[k]
        ysum = 0.0
        for k in range(m):
            ysum += Y[i, k]
            loss -= Y[i, k] * (out[k] - top - np.log(total))
        for k in range(m):
            dout[k] = (ysum * dout[k] / total - Y[i, k]) / n
            g[o3 + k] += dout[k]
            for j in range(n1):
                g[o2 + k * n1 + j] += dout[k] * h[j]
        for j in range(n1):
            back = 0.0
            for k in range(m):
                back += dout[k] * w[o2 + k * n1 + j]
            if z[j] <= 0.0:
                back *= slope
            g[o1 + j] += back
            for c in range(d):
                g[j * d + c] += back * X[i, c]
    return loss / n


@njit(cache=True)
def _adam_kernel(X, Y, w0, n1, slope, steps, lr, w):
    """``steps`` Adam steps (decays 0.9, 0.999, eps 1e-8) from ``w0`` into ``w``; returns the final loss."""
    for k in range(w.size):
        w[k] = w0[k]
    mom = np.zeros(w.size)
    var = np.zeros(w.size)
    g = np.empty(w.size)
    for t in range(1, steps + 1):
        _gradient_kernel(X, Y, w, n1, slope, g)
        c1 = 1.0 - 0.9 ** t
        c2 = 1.0 - 0.999 ** t
        for k in range(w.size):
            mom[k] = 0.9 * mom[k] + 0.1 * g[k]
            var[k] = 0.999 * var[k] + 0.001 * g[k] * g[k]
            w[k] -= lr * (mom[k] / c1) / (np.sqrt(var[k] / c2) + 1e-8)
    return _gradient_kernel(X, Y, w, n1, slope, g)


def gradient_reference(X, Y, w, n1, slope, g):
    """NumPy twin of the gradient kernel: fills ``g`` with the gradient, returns the mean cross-entropy.

    Parameters
    ----------
    X, Y, w, n1, slope
        As in :func:`gradient`.
    g : ndarray
        Output array, the shape of ``w``.

    Returns
    -------
    float
    """
    X, Y, w_checked, n1, slope = _arrays(X, Y, w, n1, slope)
    if not (isinstance(g, np.ndarray) and g.shape == w_checked.shape and g.dtype == np.float64):
        raise TypeError(f"g: expected a float64 array of shape {w_checked.shape} to write into")
    return _gradient_numpy(X, Y, w_checked, n1, slope, g)


def _gradient_numpy(X, Y, w, n1, slope, g):
    n, d = X.shape
    m = Y.shape[1]
    o1, o2 = n1 * d, n1 * d + n1
    o3 = o2 + m * n1
    M1, b1 = w[:o1].reshape(n1, d), w[o1:o2]
    M2, b2 = w[o2:o3].reshape(m, n1), w[o3:]
    z = X @ M1.T + b1
    h = np.where(z > 0, z, slope * z)
    out = h @ M2.T + b2
    shifted = out - out.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dout = (Y.sum(axis=1, keepdims=True) * np.exp(log_p) - Y) / n
    back = (dout @ M2) * np.where(z > 0, 1.0, slope)
    g[:o1] = (back.T @ X).ravel()
    g[o1:o2] = back.sum(axis=0)
    g[o2:o3] = (dout.T @ h).ravel()
    g[o3:] = dout.sum(axis=0)
    return float(-(Y * log_p).sum() / n)


def adam_reference(X, Y, w0, n1, slope, steps, lr, w):
    """NumPy twin of the Adam kernel: fills ``w`` with the parameters after ``steps`` steps, returns the loss.

    Parameters
    ----------
    X, Y, w0, n1, slope, steps, lr
        As in :func:`adam`.
    w : ndarray
        Output array, the shape of ``w0``.

    Returns
    -------
    float
    """
    X, Y, w0, n1, slope = _arrays(X, Y, w0, n1, slope, "w0")
    steps, lr = positive_int(steps, "steps"), positive_number(lr, "lr")
    if not (isinstance(w, np.ndarray) and w.shape == w0.shape and w.dtype == np.float64):
        raise TypeError(f"w: expected a float64 array of shape {w0.shape} to write into")
    return _adam_numpy(X, Y, w0, n1, slope, steps, lr, w)


def _adam_numpy(X, Y, w0, n1, slope, steps, lr, w):
    w[:] = w0
    mom, var, g = np.zeros(w.size), np.zeros(w.size), np.empty(w.size)
    for t in range(1, steps + 1):
        _gradient_numpy(X, Y, w, n1, slope, g)
        mom = 0.9 * mom + 0.1 * g
        var = 0.999 * var + 0.001 * g * g
        w -= lr * (mom / (1.0 - 0.9 ** t)) / (np.sqrt(var / (1.0 - 0.999 ** t)) + 1e-8)
    return _gradient_numpy(X, Y, w, n1, slope, g)


def _arrays(X, Y, w, n1, slope, w_name="w"):
    """Checked, contiguous float64 copies (the kernels index ``w`` by the layout, so its length must match)."""
    X = as_float_array(X, "X", ndim=2)
    if X.size == 0:
        raise ValueError(f"X: expected at least one sample with at least one input, got shape {X.shape}")
    Y = as_float_array(Y, "Y", shape=(X.shape[0], None))
    n1 = positive_int(n1, "n1")
    if isinstance(slope, (bool, str, bytes)) or not isinstance(slope, numbers.Real) or not np.isfinite(slope):
        raise TypeError(f"slope: expected a finite real number, got {slope!r}")
    (n, d), m = X.shape, Y.shape[1]
    w = as_float_array(w, w_name, shape=(n1 * (d + 1) + m * (n1 + 1),))
    if n == 0 or m == 0:
        raise ValueError(f"X, Y: expected at least one sample and one class, got shapes {X.shape} and {Y.shape}")
    return (np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(Y, dtype=np.float64),
            np.ascontiguousarray(w, dtype=np.float64), n1, float(slope))


def gradient(X, Y, w, n1: int, slope: float) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and its gradient for a ``[d, n1, m]`` leaky-ReLU network (soft labels ``Y``).

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Inputs, one per row.
    Y : ndarray, shape (n, m)
        One-hot (or soft) targets.
    w : ndarray
        Flat parameters ``[M_1, b_1, M_2, b_2]`` of length ``n1 (d + 1) + m (n1 + 1)``.
    n1 : int
        Width of the hidden layer.
    slope : float
        Leaky-ReLU slope.

    Returns
    -------
    (float, ndarray)
    """
    X, Y, w, n1, slope = _arrays(X, Y, w, n1, slope)
    g = np.empty_like(w)
    fn = _gradient_numpy if config.DISABLE_JIT else _gradient_kernel
    return float(fn(X, Y, w, n1, slope, g)), g


def adam(X, Y, w0, n1: int, slope: float, steps: int, lr: float) -> tuple[np.ndarray, float]:
    """Full-batch Adam on the mean cross-entropy of a ``[d, n1, m]`` leaky-ReLU network.

    Parameters
    ----------
    X, Y, n1, slope
        As in :func:`gradient`.
    w0 : ndarray
        Starting parameters.
    steps : int
        Number of Adam steps.
    lr : float
        Step size (moment decays 0.9 and 0.999, eps 1e-8).

    Returns
    -------
    (ndarray, float)
        Final parameters and loss.
    """
    X, Y, w0, n1, slope = _arrays(X, Y, w0, n1, slope, "w0")
    steps, lr = positive_int(steps, "steps"), positive_number(lr, "lr")
    w = np.empty_like(w0)
    fn = _adam_numpy if config.DISABLE_JIT else _adam_kernel
    loss = fn(X, Y, w0, n1, slope, steps, lr, w)
    return w, float(loss)
