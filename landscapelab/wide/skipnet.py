"""Deep narrow networks with and without skip connections to the output (the experiment of the thesis's
Figure 4.3, at toy scale).

The network: ``depth`` fully connected hidden layers of ``width`` units (softplus or sigmoid), a linear output
layer on the last hidden layer, and, for the skip model, ``M`` further hidden units from any layers wired to the
``m`` outputs with their own weights ``V``: ``G = F_depth W_o + 1 b_o^T + Psi V`` (Section 4.2). The loss is the
thesis's cross-entropy with the ``1/N`` of eq. 1.1. Training is full-batch Adam.

Parameters are one flat vector, in the order ``W_1 (d x w), W_2..W_depth (depth-1, w, w), b (depth, w),
W_o (w x m), b_o (m), V (M x m)`` (thesis layout: ``F_l = sigma(F_{l-1} W_l + 1 b_l^T)``); initial weights are
``N(0, 1/fan_in)``, biases and ``V`` zero.

The loss and gradient have a Numba kernel and a NumPy twin with the same signature (:func:`loss_grad_numpy`); the
tests check both against autograd.
"""

from __future__ import annotations

import numpy as np
from numba import config as numba_config
from numba import njit

from .._validate import as_float_array, choice, positive_int
from .._validate import checked

__all__ = ["SkipNet", "loss_grad_numpy", "loss_grad_numba", "skip_training_run", "ACTIVATIONS"]

#: Activations of the hidden units (kernel codes 0 and 1).
ACTIVATIONS = ("softplus", "sigmoid")


class SkipNet:
    """A deep narrow fully connected net with ``len(units)`` skip units wired to the output.

    Parameters
    ----------
    d : int
        Input dimension.
    width : int
        Number of units.
    depth : int
        Number of hidden layers.
    n_classes : int
        Number of classes m.
    units : array_like of int, shape (M, 2)
        ``(layer, unit)`` of the skip units, 1-based layers (:func:`landscapelab.wide.skip_units`); ``M = 0`` is
        the plain network.
    activation : {"softplus", "sigmoid"}
        Hidden activation (the unit softplus or the logistic sigmoid).
    """

    def __init__(self, d: int, width: int, depth: int, n_classes: int, units=(), activation: str = "softplus"):
        self.d, self.width = positive_int(d, "d"), positive_int(width, "width")
        self.depth, self.m = positive_int(depth, "depth"), positive_int(n_classes, "n_classes")
        if np.size(units):
            as_float_array(units, "units", ndim=2, shape=(None, 2))
        units = np.asarray(units, dtype=np.int64).reshape(-1, 2)
        if units.size and (units[:, 0].min() < 1 or units[:, 0].max() > depth or units[:, 1].min() < 0
                           or units[:, 1].max() >= width):
            raise ValueError(f"units: expected (layer, unit) pairs with layer in 1..{depth}, unit in 0..{width - 1}")
        self.units = units
        self.activation = choice(activation, "activation", ACTIVATIONS)
        w, m, M = self.width, self.m, len(units)
        self.shapes = [(d, w), (depth - 1, w, w), (depth, w), (w, m), (m,), (M, m)]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.n_params = sum(self.sizes)

    @checked(theta="vector")
    def unflatten(self, theta) -> list:
        """Views ``[W_1, W_rest, b, W_o, b_o, V]`` into a flat vector (writable if ``theta`` is).

        Parameters
        ----------
        theta : ndarray, shape (n_params,)
            Flat parameters.

        Returns
        -------
        list of ndarray
        """
        out, start = [], 0
        for shape, size in zip(self.shapes, self.sizes):
            out.append(theta[start:start + size].reshape(shape))
            start += size
        return out

    def init(self, seed: int = 0) -> np.ndarray:
        """Weights ``N(0, 1/fan_in)``, biases and skip weights zero.

        Parameters
        ----------
        seed : int
            Seed of ``numpy.random.default_rng``.

        Returns
        -------
        ndarray
            Flat parameters.
        """
        rng = np.random.default_rng(seed)
        theta = np.zeros(self.n_params)
        W1, Ws, _, Wo, _, _ = self.unflatten(theta)
        W1[:] = rng.standard_normal(W1.shape) / np.sqrt(self.d)
        Ws[:] = rng.standard_normal(Ws.shape) / np.sqrt(self.width)
        Wo[:] = rng.standard_normal(Wo.shape) / np.sqrt(self.width)
        return theta

    def _args(self, theta, X, y):
        X = as_float_array(X, "X", shape=(None, self.d))
        y = np.asarray(y, dtype=np.int64)
        if y.shape != (X.shape[0],) or y.min() < 0 or y.max() >= self.m:
            raise ValueError(f"y: expected {X.shape[0]} labels in 0..{self.m - 1}")
        theta = as_float_array(theta, "theta", shape=(self.n_params,))
        return X, y, theta

    @checked(X="matrix", y="vector")
    def loss_grad(self, theta, X, y, backend: str = "auto"):
        """Mean cross-entropy, training error and gradient.

        Parameters
        ----------
        theta : ndarray
            Flat parameters.
        X : ndarray, shape (N, d)
            Inputs, one sample per row.
        y : ndarray of int, shape (N,)
            Class labels.
        backend : {"auto", "numba", "numpy"}
            The Numba kernel or its NumPy twin; ``"auto"`` takes the kernel unless ``NUMBA_DISABLE_JIT`` is set
            (then the pure-Python loops would be far slower than the twin).

        Returns
        -------
        (float, float, ndarray)
        """
        X, y, theta = self._args(theta, X, y)
        grad = np.zeros(self.n_params)
        backend = choice(backend, "backend", ("auto", "numba", "numpy"))
        if backend == "auto":
            backend = "numpy" if numba_config.DISABLE_JIT else "numba"
        fn = loss_grad_numba if backend == "numba" else loss_grad_numpy
        loss, err = fn(X, y, *self.unflatten(theta), self.units[:, 0] - 1, self.units[:, 1],
                       ACTIVATIONS.index(self.activation), *self.unflatten(grad))
        return float(loss), float(err), grad

    @checked(X="matrix", theta="vector", y="vector")
    def train(self, theta, X, y, steps: int = 400, lr: float = 0.02, backend: str = "auto"):
        """Full-batch Adam (beta1 = 0.9, beta2 = 0.999, eps = 1e-8).

        Parameters
        ----------
        theta : ndarray
            Initial flat parameters (not modified).
        X : ndarray, shape (N, d)
            Inputs, one sample per row.
        y : ndarray of int, shape (N,)
            Class labels.
        steps : int
            Adam steps.
        lr : float
            Adam's step size.
        backend : {"auto", "numba", "numpy"}
            See :meth:`loss_grad`.

        Returns
        -------
        (ndarray, ndarray, ndarray)
            Final parameters, loss per step and training error per step (before each update).
        """
        theta = np.array(theta, dtype=np.float64)
        mom, vel = np.zeros_like(theta), np.zeros_like(theta)
        steps = positive_int(steps, "steps")
        losses, errors = np.empty(steps), np.empty(steps)
        for t in range(1, steps + 1):
            losses[t - 1], errors[t - 1], g = self.loss_grad(theta, X, y, backend)
            mom = 0.9 * mom + 0.1 * g
            vel = 0.999 * vel + 0.001 * g * g
            theta -= lr * (mom / (1 - 0.9**t)) / (np.sqrt(vel / (1 - 0.999**t)) + 1e-8)
        return theta, losses, errors


def _act_np(Z, kind):
    e = np.exp(-np.abs(Z))
    sig = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if kind == 0:
        return np.maximum(Z, 0.0) + np.log1p(e), sig
    return sig, sig * (1.0 - sig)


def loss_grad_numpy(X, y, W1, Ws, bs, Wo, bo, V, skip_layer, skip_unit, kind, gW1, gWs, gbs, gWo, gbo, gV):
    """NumPy twin of :func:`loss_grad_numba`: mean cross-entropy and training error, the gradient written into
    ``gW1 ... gV``.

    Parameters
    ----------
    X : ndarray (N, d)
        Inputs.
    y : ndarray of int (N,)
        Labels.
    W1, Ws, bs : ndarray
        First-layer weights ``(d, w)``, the other hidden weights ``(depth - 1, w, w)`` and the biases ``(depth, w)``.
    Wo, bo : ndarray
        Output weights ``(w, m)`` and biases ``(m,)``.
    V : ndarray (M, m)
        Weights of the skip units to the output.
    skip_layer, skip_unit : ndarray of int (M,)
        Which hidden unit (0-based layer and index) each skip connection comes from.
    kind : int
        Activation code (0 softplus, 1 sigmoid).
    gW1, gWs, gbs, gWo, gbo, gV : ndarray
        Outputs: the gradients, of the shapes of the parameters.

    Returns
    -------
    (float, float)
        The mean cross-entropy and the training error.
    """
    N = X.shape[0]
    depth = bs.shape[0]
    Hs, Ds = [X], []
    for l in range(depth):
        W = W1 if l == 0 else Ws[l - 1]
        H, D = _act_np(Hs[-1] @ W + bs[l], kind)
        Hs.append(H)
        Ds.append(D)
    Psi = np.column_stack([Hs[l + 1][:, u] for l, u in zip(skip_layer, skip_unit)]) if len(V) else np.zeros((N, 0))
    G = Hs[-1] @ Wo + bo + Psi @ V
    Gs = G - G.max(axis=1, keepdims=True)
    P = np.exp(Gs)
    P /= P.sum(axis=1, keepdims=True)
    loss = float(np.mean(-np.log(P[np.arange(N), y])))
    err = float(np.mean(np.argmax(G, axis=1) != y))
    dG = P.copy()
    dG[np.arange(N), y] -= 1.0
    dG /= N
    gWo[:] = Hs[-1].T @ dG
    gbo[:] = dG.sum(axis=0)
    gV[:] = Psi.T @ dG
    dPsi = dG @ V.T
    dH = dG @ Wo.T
    for l in range(depth - 1, -1, -1):
        for q in np.nonzero(skip_layer == l)[0]:
            dH[:, skip_unit[q]] += dPsi[:, q]
        dZ = dH * Ds[l]
        gbs[l] = dZ.sum(axis=0)
        if l == 0:
            gW1[:] = X.T @ dZ
        else:
            gWs[l - 1] = Hs[l].T @ dZ
            dH = dZ @ Ws[l - 1].T
    return loss, err


@njit(cache=True)
def loss_grad_numba(X, y, W1, Ws, bs, Wo, bo, V, skip_layer, skip_unit, kind, gW1, gWs, gbs, gWo, gbo, gV):
    """Mean cross-entropy and training error; the gradient is written into ``gW1 ... gV`` (Numba kernel)."""
    N, d = X.shape
    depth, w = bs.shape
    m = bo.shape[0]
    M = V.shape[0]
    H = np.empty((depth, N, w))
    Dv = np.empty((depth, N, w))
    for i in range(N):
        for l in range(depth):
            for j in range(w):
                s = bs[l, j]
                if l == 0:
                    for k in range(d):
                        s += X[i, k] * W1[k, j]
                else:
                    for k in range(w):
                        s += H[l - 1, i, k] * Ws[l - 1, k, j]
                e = np.exp(-abs(s))
                sig = 1.0 / (1.0 + e) if s >= 0 else e / (1.0 + e)
                if kind == 0:
                    H[l, i, j] = max(s, 0.0) + np.log1p(e)
                    Dv[l, i, j] = sig
                else:
                    H[l, i, j] = sig
                    Dv[l, i, j] = sig * (1.0 - sig)
    gW1[:] = 0.0
    gWs[:] = 0.0
    gbs[:] = 0.0
    gWo[:] = 0.0
    gbo[:] = 0.0
    gV[:] = 0.0
    loss = 0.0
    err = 0
    G = np.empty(m)
    dH = np.empty((depth, w))
    for i in range(N):
        for c in range(m):
            s = bo[c]
            for k in range(w):
                s += H[depth - 1, i, k] * Wo[k, c]
            for q in range(M):
                s += H[skip_layer[q], i, skip_unit[q]] * V[q, c]
            G[c] = s
        best = 0
        for c in range(1, m):
            if G[c] > G[best]:
                best = c
        if best != y[i]:
            err += 1
        tot = 0.0
        for c in range(m):
            tot += np.exp(G[c] - G[best])
        lse = G[best] + np.log(tot)
        loss += lse - G[y[i]]
        dH[:] = 0.0
        for c in range(m):
            g = np.exp(G[c] - lse) / N
            if c == y[i]:
                g -= 1.0 / N
            gbo[c] += g
            for k in range(w):
                gWo[k, c] += H[depth - 1, i, k] * g
                dH[depth - 1, k] += Wo[k, c] * g
            for q in range(M):
                gV[q, c] += H[skip_layer[q], i, skip_unit[q]] * g
                dH[skip_layer[q], skip_unit[q]] += V[q, c] * g
        for l in range(depth - 1, -1, -1):
            for j in range(w):
                dz = dH[l, j] * Dv[l, i, j]
                gbs[l, j] += dz
                if l == 0:
                    for k in range(d):
                        gW1[k, j] += X[i, k] * dz
                else:
                    for k in range(w):
                        gWs[l - 1, k, j] += H[l - 1, i, k] * dz
                        dH[l - 1, k] += Ws[l - 1, k, j] * dz
    return loss / N, err / N


@checked(n_samples="count", width="count")
def skip_training_run(depth: int = 50, width: int = 10, n_samples: int = 100, d: int = 20, n_classes: int = 10,
                      n_skip: int = 100, activation: str = "softplus", steps: int = 400, lr: float = 0.02,
                      seed: int = 0) -> dict:
    """One training run of the Figure 4.3 analogue: Gaussian inputs, uniformly random labels (seed ``seed``),
    skip units drawn from all hidden units (seed ``seed + 1``), initialisation seed ``seed + 2``.

    Parameters
    ----------
    depth : int
        Number of hidden layers.
    width : int
        Number of units.
    n_samples : int
        Number of samples N.
    d : int
        Input dimension.
    n_classes : int
        Number of classes m.
    n_skip : int
        Number of skip units M (``0``: the plain network).
    activation : {"softplus", "sigmoid"}
        Hidden activation (the unit softplus or the logistic sigmoid).
    steps : int
        Adam steps.
    lr : float
        Adam's step size.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``loss`` and ``error`` per step (lists), ``label_entropy`` (the loss of the best constant classifier),
        ``final_loss``, ``final_error``.
    """
    from .skip import skip_units

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, d))
    y = rng.integers(0, n_classes, n_samples)
    units = skip_units([d] + [width] * depth + [n_classes], n_skip, seed + 1) if n_skip else np.zeros((0, 2))
    net = SkipNet(d, width, depth, n_classes, units, activation)
    _, losses, errors = net.train(net.init(seed + 2), X, y, steps, lr)
    p = np.bincount(y, minlength=n_classes) / n_samples
    p = p[p > 0]
    return {"loss": losses.tolist(), "error": errors.tolist(), "label_entropy": float(-(p * np.log(p)).sum()),
            "final_loss": float(losses[-1]), "final_error": float(errors[-1])}
