"""Paths inside sublevel sets (thesis Chapter 3): the map ``h`` of Lemma 3.4.6, Lemma 3.4.7, the proof of
Theorem 3.4.9 on a subnetwork, and the two algorithms the book runs:

* :func:`connect` (Theorem 3.4.16): a path between any two parameter points of a net with ``n_1 >= 2N`` and
  ``n_2 > ... > n_L`` along which the loss never exceeds the larger endpoint loss;
* :func:`descent_path` (Theorem 3.4.13): from any point of a net with ``n_k >= N`` and
  ``n_{k+1} > ... > n_L``, a path on which the loss never increases and ends at the loss of a chosen target.

The activation must satisfy Assumption 3.4.1 (strictly monotone and onto: leaky ReLU) and 3.4.2. Layers of the
subnetwork above the wide layer are handled through ``h``: for full-column-rank ``W_2, ..., W_k`` and any
``A``, ``h`` returns first-layer parameters with ``F_k = A``:
``[W_1; b_1^T] = [D, 1]^+ sigma^{-1}(B_1)``, ``B_{l-1} = (sigma^{-1}(B_l) - 1 b_l^T) W_l^+`` from
``B_{k-1} = (A - 1 b_L^T) W_L^+`` (``k = L``) or ``(sigma^{-1}(A) - 1 b_k^T) W_k^+`` (``k < L``), where ``D`` is the
subnetwork's input (of full row rank) and ``+`` the pseudo-inverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validate import sequence, as_float_array, choice, positive_int
from . import activations as acts
from .features import forward
from .paths import Walker, copy_layer, independent_columns, make_full_rank
from .._validate import checked
from ..nets import MLP

__all__ = ["Path", "phi", "h_map", "connect", "descent_path", "straight_line"]


@checked(G="matrix", Y="matrix")
def phi(G, Y, loss: str = "square") -> float:
    """The convex loss on the output (Assumption 1.1.1): ``"square"`` is ``1/2 ||G - Y||_F^2`` (eq. 1.2),
    ``"cross_entropy"`` is ``(1/N) sum_i -log softmax(G_i)_{y_i}`` with ``Y`` one-hot (eq. 1.1).

    Parameters
    ----------
    G : ndarray, shape (N, m)
        Network outputs.
    Y : ndarray, shape (N, m)
        Targets, one row per sample.
    loss : {"square", "cross_entropy"}
        The convex loss on the output.

    Returns
    -------
    float
    """
    if loss == "square":
        return 0.5 * float(np.sum((G - Y) ** 2))
    if loss == "cross_entropy":
        Gs = G - G.max(axis=1, keepdims=True)
        logp = Gs - np.log(np.exp(Gs).sum(axis=1, keepdims=True))
        return float(-np.sum(Y * logp) / G.shape[0])
    raise ValueError(f"loss: expected 'square' or 'cross_entropy', got {loss!r}")


@dataclass
class Path:
    """A sampled path in parameter space with the loss along it.

    Attributes
    ----------
    widths : tuple of int
    activation : Activation
    points : list of list of (W, b)
        The visited parameters (thesis layout), first = start, last = end.
    kinds : list of str
        The move each point belongs to.
    loss : ndarray
        ``phi(F_L)`` at every point.
    residuals : list of float
        The residual of each linear solve behind an absorbing move (Lemma 3.4.10), ``max |F(:, I) E - F(:, Ibar)|``.
    """

    widths: tuple
    activation: object
    points: list
    kinds: list
    loss: np.ndarray
    residuals: list = field(default_factory=list)

    @checked(net=MLP)
    def flat(self, net) -> np.ndarray:
        """The points as rows of flat parameter vectors of the core ``net`` (``M_k = W_k^T``).

        Parameters
        ----------
        net : landscapelab.MLP
            A network with the path's widths (and biases).

        Returns
        -------
        ndarray, shape (len(points), net.n_params)
        """
        return np.array([net.flatten([(W.T, b) for W, b in layers]) for layers in self.points])

    @property
    def max_loss(self) -> float:
        """The largest loss along the path."""
        return float(self.loss.max())

    @property
    def endpoint_max(self) -> float:
        """The larger of the two end losses (Theorem 3.4.16 bounds :attr:`max_loss` by it)."""
        return float(max(self.loss[0], self.loss[-1]))


def _evaluate(points, X, Y, act, loss):
    return np.array([phi(forward(layers, X, act)[-1], Y, loss) for layers in points])


def _inv(act, A, linear):
    return A if linear else acts.inverse(act, A)


@checked(D="matrix", act=acts.core.Activation)
def h_map(D, sub_layers, A, act, level: int) -> tuple:
    """Lemma 3.4.6's ``h``: first-layer parameters of a subnetwork on input ``D`` with ``F_level = A``.

    Parameters
    ----------
    D : ndarray, shape (N, n_0)
        The subnetwork's input, ``rank [D, 1] = N``.
    sub_layers : list of (W, b)
        The subnetwork's layers; ``W_2 .. W_level`` must have full column rank.
    A : ndarray, shape (N, n_level)
        The output to realise at layer ``level``.
    act : Activation
        The activation.
    level : int
        ``1 <= level <= len(sub_layers)``; the last layer is linear.

    Returns
    -------
    (ndarray, ndarray)
        ``(W_1, b_1)``.
    """
    sequence(sub_layers, "sub_layers", "a non-empty list of (W, b) pairs")
    D = as_float_array(D, "D", ndim=2)
    Ls = len(sub_layers)
    level = positive_int(level, "level")
    if level > Ls:
        raise ValueError(f"level: expected 1..{Ls} (the subnetwork's layers), got {level}")
    B = as_float_array(A, "A", shape=(D.shape[0], sub_layers[level - 1][0].shape[1]))
    for l in range(level, 1, -1):
        W, b = sub_layers[l - 1]
        B = (_inv(act, B, l == Ls) - b) @ np.linalg.pinv(W)
    D1 = np.hstack([D, np.ones((D.shape[0], 1))])
    U = np.linalg.pinv(D1) @ _inv(act, B, level == 1 and Ls == 1)
    return U[:-1], U[-1]


def _outputs(D, sub_layers, act):
    return forward(sub_layers, D, act)


def _canonical(walker, s0, D, act, level, kind="to h-form (Lemma 3.4.6)"):
    """Constant-output move of the subnetwork (starting at layer s0 of the walker) to ``h(..., F_level)``."""
    sub = walker.layers[s0 - 1:]
    Ls = len(sub)
    F = _outputs(D, sub, act)
    D1 = np.hstack([D, np.ones((D.shape[0], 1))])
    D1p = np.linalg.pinv(D1)
    kernels = {}
    target = F[level]
    B = target
    for l in range(level, 1, -1):
        W, b = sub[l - 1]
        Bh = (_inv(act, B, l == Ls) - b) @ np.linalg.pinv(W)
        kernels[l - 1] = F[l - 1] - Bh
        B = F[l - 1]
    U_cur = np.vstack([sub[0][0], sub[0][1][None, :]])
    U_h = D1p @ _inv(act, F[1], Ls == 1)
    K0 = U_cur - U_h
    rest = walker._copy()

    def curve(lam):
        Bl = target
        for l in range(level, 1, -1):
            W, b = sub[l - 1]
            Bl = (_inv(act, Bl, l == Ls) - b) @ np.linalg.pinv(W) + (1 - lam) * kernels[l - 1]
        U = D1p @ _inv(act, Bl, Ls == 1) + (1 - lam) * K0
        out = [(W.copy(), b.copy()) for W, b in rest]
        out[s0 - 1] = (U[:-1], U[-1])
        return out

    walker.move(curve, kind)


def _full_rank_rows(walker, s0, D, act, seed):
    """Lemma 3.4.7: make ``W_2, ..., W_L`` of the subnetwork full (column) rank, one layer at a time."""
    rng = np.random.default_rng(seed)
    Ls = len(walker.layers) - s0 + 1
    for s in range(2, Ls + 1):
        W = walker.layers[s0 + s - 2][0]
        rows = independent_columns(W.T)
        if len(rows) == W.shape[1]:
            continue
        _canonical(walker, s0, D, act, s - 1)
        sub = walker.layers[s0 - 1:]
        F = _outputs(D, sub, act)[s - 1]
        bar = np.setdiff1d(np.arange(W.shape[0]), rows)
        E = np.linalg.lstsq(W[rows].T, W[bar].T, rcond=None)[0].T          # W[bar] = E W[rows]
        rest = walker._copy()
        sub0 = [(a.copy(), c.copy()) for a, c in sub]

        def curve(lam, F=F, rows=rows, bar=bar, E=E, rest=rest, sub0=sub0, s=s):
            A = F.copy()
            A[:, rows] = F[:, rows] + lam * F[:, bar] @ E
            A[:, bar] = (1 - lam) * F[:, bar]
            out = [(a.copy(), c.copy()) for a, c in rest]
            out[s0 - 1] = h_map(D, sub0, A, act, s - 1)
            return out

        walker.move(curve, "full rank W (Lemma 3.4.7)")
        W_new = walker.layers[s0 + s - 2][0].copy()
        W_new[bar] = rng.standard_normal((len(bar), W.shape[1])) * np.std(W)
        layer = s0 + s - 1
        W0, b0 = walker.layers[layer - 1]
        rest = walker._copy()

        def rows_curve(lam, W0=W0, W_new=W_new, b0=b0, rest=rest, layer=layer):
            out = [(a.copy(), c.copy()) for a, c in rest]
            out[layer - 1] = ((1 - lam) * W0 + lam * W_new, b0)
            return out

        walker.move(rows_curve, "full rank W (Lemma 3.4.7)")


def _full_rank_segment(W0, W1, rng, samples=64, tries=20):
    """A piecewise-linear path of full-column-rank matrices from W0 to W1 (Proposition 3.4.8, Evard and Jafari:
    for more rows than columns these matrices form a connected set). Returns the via point."""
    scale = max(np.std(W0), np.std(W1), 1e-12)
    for _ in range(tries):
        R = rng.standard_normal(W0.shape) * scale
        ok = True
        for A, B in ((W0, R), (R, W1)):
            for lam in np.linspace(0, 1, samples):
                s = np.linalg.svd((1 - lam) * A + lam * B, compute_uv=False)
                if s[-1] < 1e-6 * s[0]:
                    ok = False
        if ok:
            return R
    raise RuntimeError("no full-rank via point found")


def _subnet_to(walker, s0, D, act, target_sub, seed, kind="full-rank path (Prop. 3.4.8)"):
    """Move layers s0+1..L to ``target_sub[1:]`` through full-rank matrices, with layer s0 = h(., F_L)."""
    rng = np.random.default_rng(seed)
    sub = walker.layers[s0 - 1:]
    Ls = len(sub)
    A = _outputs(D, sub, act)[-1]
    vias = [_full_rank_segment(sub[l][0], target_sub[l][0], rng) for l in range(1, Ls)]
    rest = walker._copy()

    def curve(lam):
        layers = [sub[0]]
        for l in range(1, Ls):
            W0, W1, R = sub[l][0], target_sub[l][0], vias[l - 1]
            W = (1 - 2 * lam) * W0 + 2 * lam * R if lam <= 0.5 else (2 - 2 * lam) * R + (2 * lam - 1) * W1
            layers.append((W, (1 - lam) * sub[l][1] + lam * target_sub[l][1]))
        layers[0] = h_map(D, layers, A, act, Ls)
        out = [(a.copy(), c.copy()) for a, c in rest]
        out[s0 - 1:] = layers
        return out

    walker.move(curve, kind, steps=2 * walker.steps)


def _to_target(walker, s0, D, act, Yhat):
    """The convex move ``F_L(lambda) = (1 - lambda) F_L + lambda Yhat`` through ``h`` (proof of Theorem 3.4.9)."""
    sub = walker.layers[s0 - 1:]
    Ls = len(sub)
    A0 = _outputs(D, sub, act)[-1]
    rest = walker._copy()
    if Ls == 1:
        D1 = np.hstack([D, np.ones((D.shape[0], 1))])
        U0 = np.vstack([sub[0][0], sub[0][1][None, :]])
        U1 = np.linalg.lstsq(D1, Yhat, rcond=None)[0]

        def curve(lam):
            out = [(a.copy(), c.copy()) for a, c in rest]
            U = (1 - lam) * U0 + lam * U1
            out[s0 - 1] = (U[:-1], U[-1])
            return out
    else:
        def curve(lam):
            out = [(a.copy(), c.copy()) for a, c in rest]
            out[s0 - 1] = h_map(D, sub, (1 - lam) * A0 + lam * Yhat, act, Ls)
            return out

    walker.move(curve, "convex step (Thm 3.4.9)")


def _check_net(layers, X, Y, activation):
    X = as_float_array(X, "X", ndim=2)
    act = acts.get(activation)
    try:
        acts.inverse(act, np.zeros(1))
        acts.inverse(act, -np.ones(1))
    except ValueError:
        raise ValueError(f"activation: {act.name} is not onto R (Assumption 3.4.1 needs e.g. leaky ReLU)") from None
    widths = (X.shape[1],) + tuple(W.shape[1] for W, _ in layers)
    Y = as_float_array(Y, "Y", shape=(X.shape[0], widths[-1]))
    return X, Y, act, widths


def _target(Y, loss, bound, Yhat):
    if Yhat is not None:
        return np.asarray(Yhat, dtype=np.float64)
    if loss == "square":
        return Y.copy()
    scale = 1.0
    while phi(scale * (2 * Y - 1), Y, loss) > bound and scale < 1e6:
        scale *= 2
    return scale * (2 * Y - 1)


@checked(X="matrix", Y="matrix", steps="count")
def connect(layers_a, layers_b, X, Y, activation, loss: str = "square", Yhat=None, steps: int = 40,
            seed: int = 0) -> Path:
    """Theorem 3.4.16's path between two parameter points (one hidden layer of width ``n_1 >= 2N`` first, then
    ``n_2 > ... > n_L``), with the loss at every sampled point.

    Moves, in order: Lemma 3.4.14 at both ends (rank ``F_1 = N``), Lemma 3.4.15 (first layer of ``a`` copied to that
    of ``b``); then, on the subnetwork above (input ``F_1``): Lemma 3.4.7 at both ends, the move to ``h``-form,
    full-rank paths from ``a``'s upper layers to ``b``'s (Proposition 3.4.8), and the convex steps of Theorem
    3.4.9 from both ends to the common output ``Yhat`` (for ``L = 2``: one straight segment of the output layer).
    The moves from ``b`` are reversed and appended.

    Parameters
    ----------
    layers_a : list of (W, b)
        Start point (thesis layout).
    layers_b : list of (W, b)
        End point (thesis layout).
    X : ndarray, shape (N, d), distinct rows
        Inputs, one sample per row.
    Y : ndarray, shape (N, m)
        Targets, one row per sample.
    activation : str or Activation
        Satisfying Assumptions 3.4.1 and 3.4.2 (leaky ReLU).
    loss : {"square", "cross_entropy"}
        The convex loss on the output.
    Yhat : ndarray, optional
        Common output reached by both halves (default: ``Y`` for the square loss; for cross-entropy a scaled
        one-hot code with loss below both endpoint losses).
    steps : int
        Points per move.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    Path
    """
    sequence(layers_a, "layers_a", "a non-empty list of (W, b) pairs")
    sequence(layers_b, "layers_b", "a non-empty list of (W, b) pairs")
    choice(loss, "loss", ("square", "cross_entropy"))
    X, Y, act, widths = _check_net(layers_a, X, Y, activation)
    N = X.shape[0]
    if widths[1] < 2 * N:
        raise ValueError(f"widths: n_1 = {widths[1]} < 2N = {2 * N} (Theorem 3.4.16)")
    if any(a <= b for a, b in zip(widths[2:-1], widths[3:])):
        raise ValueError(f"widths: Theorem 3.4.16 needs n_2 > ... > n_L, got {widths[2:]}")
    steps = positive_int(steps, "steps")
    wa, wb = Walker(layers_a, steps), Walker(layers_b, steps)
    make_full_rank(wa, X, act, 1, seed)
    make_full_rank(wb, X, act, 1, seed + 1)
    copy_layer(wa, X, act, *wb.layers[0], k=1)
    L = len(widths) - 1
    D = np.asarray(act(X @ wb.layers[0][0] + wb.layers[0][1]))
    bound = min(phi(forward(layers_a, X, act)[-1], Y, loss), phi(forward(layers_b, X, act)[-1], Y, loss))
    Yhat = _target(Y, loss, bound, Yhat)
    if L == 2:
        Wt, bt = wb.layers[1]
        W0, b0 = wa.layers[1]
        first = wa.layers[0]
        wa.move(lambda lam: [first, ((1 - lam) * W0 + lam * Wt, (1 - lam) * b0 + lam * bt)],
                "convex step (output layer)")
    else:
        for w, s in ((wa, seed + 2), (wb, seed + 3)):
            _full_rank_rows(w, 2, D, act, s)
            _canonical(w, 2, D, act, L - 1)
        _subnet_to(wa, 2, D, act, wb.layers[1:], seed + 4)
        _to_target(wa, 2, D, act, Yhat)
        _to_target(wb, 2, D, act, Yhat)
    points = wa.points + wb.points[::-1][1:]
    kinds = wa.kinds + wb.kinds[::-1][1:]
    return Path(widths, act, points, kinds, _evaluate(points, X, Y, act, loss), wa.residuals + wb.residuals)


@checked(X="matrix")
def descent_path(layers, X, Y, activation, k: int, loss: str = "square", Yhat=None, steps: int = 40,
                 seed: int = 0) -> Path:
    """Theorem 3.4.13's path: from any point, the loss never increases and ends at ``phi(Yhat)``.

    Needs ``n_k >= N``, ``n_{k+1} > ... > n_L`` and distinct rows of ``F_{k-1}`` (true for almost all parameters).
    Moves: Lemma 3.4.14 at layer k (rank ``F_k = N``), then on the subnetwork above: Lemma 3.4.7, the ``h``-form, and
    the convex step to ``Yhat``.

    Parameters
    ----------
    layers : list of (W, b)
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    X : ndarray
        Inputs, one sample per row.
    Y : ndarray
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    k : int
        The wide layer, ``1 <= k <= L-1``.
    loss : {"square", "cross_entropy"}
        The convex loss on the output.
    Yhat : ndarray, optional
        Default: ``Y`` (square loss).
    steps : int
        Points sampled per move.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    Path
    """
    sequence(layers, "layers", "a non-empty list of (W, b) pairs")
    choice(loss, "loss", ("square", "cross_entropy"))
    X, Y, act, widths = _check_net(layers, X, Y, activation)
    k = positive_int(k, "k")
    L = len(widths) - 1
    if k >= L or widths[k] < X.shape[0]:
        raise ValueError(f"k: expected a hidden layer with n_k >= N = {X.shape[0]}, got k = {k}, widths {widths}")
    if any(a <= b for a, b in zip(widths[k + 1:-1], widths[k + 2:])):
        raise ValueError(f"widths: Theorem 3.4.13 needs n_(k+1) > ... > n_L, got {widths[k + 1:]}")
    w = Walker(layers, positive_int(steps, "steps"))
    make_full_rank(w, X, act, k, seed)
    D = forward(w.layers, X, act, upto=k)[-1]
    Yhat = _target(Y, loss, phi(forward(layers, X, act)[-1], Y, loss), Yhat)
    if k < L - 1:
        _full_rank_rows(w, k + 1, D, act, seed + 1)
        _canonical(w, k + 1, D, act, L - k)
    _to_target(w, k + 1, D, act, Yhat)
    return Path(widths, act, w.points, w.kinds, _evaluate(w.points, X, Y, act, loss), w.residuals)


@checked(X="matrix", Y="matrix")
def straight_line(layers_a, layers_b, X, Y, activation, loss: str = "square", n: int = 201):
    """The loss on the straight segment ``(1 - t) theta_a + t theta_b``.

    Parameters
    ----------
    layers_a : list of (W, b)
        Start point (thesis layout).
    layers_b : list of (W, b)
        End point (thesis layout).
    X : ndarray
        Inputs, one sample per row.
    Y : ndarray
        Targets, one row per sample.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    loss : {"square", "cross_entropy"}
        The convex loss on the output.
    n : int
        Number of points (endpoints included).

    Returns
    -------
    (ndarray, ndarray)
        ``t`` and the losses.
    """
    sequence(layers_a, "layers_a", "a non-empty list of (W, b) pairs")
    sequence(layers_b, "layers_b", "a non-empty list of (W, b) pairs")
    act = acts.get(activation)
    t = np.linspace(0.0, 1.0, positive_int(n, "n"))
    pts = [[((1 - s) * Wa + s * Wb, (1 - s) * ba + s * bb) for (Wa, ba), (Wb, bb) in zip(layers_a, layers_b)]
           for s in t]
    return t, _evaluate(pts, np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64), act, loss)
