"""Loss-preserving moves of Chapter 3 as algorithms: Lemmas 3.4.10, 3.4.11, 3.4.14 and 3.4.15.

A path is built by a :class:`Walker`, which holds the current parameters of a fully connected net in the thesis's
layout (``[(W_1, b_1), ..., (W_L, b_L)]``, ``W_k`` of shape ``(n_{k-1}, n_k)``) and appends the sampled points of
each move. Every move here keeps the pre-activation of the layer above unchanged, hence the network output and the
loss (in exact arithmetic):

* :func:`absorb` (Lemma 3.4.10): with ``F(:, Ibar) = F(:, I) E``, the curve
  ``V(lambda) = P^T [V(I) + lambda E V(Ibar); (1 - lambda) V(Ibar)]`` keeps ``F V`` and ends with the rows
  ``Ibar`` of ``V`` at zero, after which the columns ``Ibar`` of the layer below are free;
* :func:`make_full_rank` (Lemma 3.4.14): absorb, then move the free columns' weights and biases (Lemma 3.4.11:
  the shifts ``sigma(v + b 1)`` of a vector ``v`` with distinct entries span ``R^N``) until ``rank F = N``;
* :func:`copy_layer` (Lemma 3.4.15, needs ``n >= 2N``): move the layer's weights to any target ``W'`` with
  ``rank sigma(X W') = N``, in three absorb-and-copy rounds.

The bias of the layer is carried as the last row of ``U = [W; b^T]`` acting on ``[X, 1]``, as in the proof of
Theorem 3.4.16.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import qr

from .._validate import sequence, as_float_array, positive_int
from . import activations as acts
from .._validate import checked

__all__ = ["independent_columns", "absorb", "Walker", "make_full_rank", "copy_layer", "shift_span_rank"]

#: Relative threshold on the diagonal of the pivoted QR factor below which a column counts as dependent.
RANK_TOL = 1e-10


@checked(F="matrix", tol="nonnegative")
def independent_columns(F, tol: float = RANK_TOL) -> np.ndarray:
    """A maximal set ``I`` of linearly independent columns of ``F`` (pivoted QR), sorted.

    Parameters
    ----------
    F : ndarray, shape (N, n)
        A matrix whose columns are compared.
    tol : float
        Columns whose pivot is below ``tol`` times the largest pivot are dependent.

    Returns
    -------
    ndarray of int
    """
    _, R, piv = qr(F, pivoting=True, mode="economic")
    d = np.abs(np.diag(R))
    r = int(np.sum(d > tol * d[0])) if d.size and d[0] > 0 else 0
    return np.sort(piv[:r])


@checked(F="matrix")
def absorb(F, V, I):
    """Lemma 3.4.10: the curve ``lambda -> V(lambda)`` with ``F V(lambda) = F V`` that ends with ``V(Ibar) = 0``.

    Parameters
    ----------
    F : ndarray, shape (N, n)
        A matrix whose columns are compared.
    V : ndarray, shape (n, p)
        The matrix multiplied on the right.
    I : array_like of int
        Columns with ``rank F(:, I) = rank F``.

    Returns
    -------
    (callable, float)
        The curve and the residual ``max |F(:, I) E - F(:, Ibar)|`` of the solve for ``E``.
    """
    F = as_float_array(F, "F", ndim=2)
    V = as_float_array(V, "V", shape=(F.shape[1], None))
    I = np.asarray(I)
    if I.ndim != 1 or not np.issubdtype(I.dtype, np.integer) or (I.size and (I.min() < 0 or I.max() >= F.shape[1])):
        raise ValueError(f"I: expected column indices in 0..{F.shape[1] - 1}")
    Ibar = np.setdiff1d(np.arange(F.shape[1]), I)
    E = np.linalg.lstsq(F[:, I], F[:, Ibar], rcond=None)[0]
    residual = float(np.abs(F[:, I] @ E - F[:, Ibar]).max()) if Ibar.size else 0.0
    V0 = np.array(V, dtype=np.float64)
    shift = E @ V0[Ibar]

    def curve(lam):
        out = V0.copy()
        out[I] = V0[I] + lam * shift
        out[Ibar] = (1.0 - lam) * V0[Ibar]
        return out

    return curve, residual


class Walker:
    """The current parameters of a fully connected net and the points visited so far.

    Parameters
    ----------
    layers : list of (W, b)
        Copied.
    steps : int
        Points sampled per move (the curve is evaluated at ``lambda = 1/steps, 2/steps, ..., 1``).
    """

    @checked(steps="count")
    def __init__(self, layers, steps: int = 50):
        sequence(layers, "layers", "a non-empty list of (W, b) pairs")
        self.layers = [(np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)) for W, b in layers]
        self.steps = int(steps)
        self.points = [self._copy()]
        self.kinds = ["start"]
        self.residuals = []

    def _copy(self):
        return [(W.copy(), b.copy()) for W, b in self.layers]

    @checked(curve="function", steps="count?")
    def move(self, curve, kind: str, steps: int | None = None):
        """Follow ``curve(lambda) -> layers`` for ``lambda`` in ``(0, 1]`` and make its end the current point.

        Parameters
        ----------
        curve : callable
            ``lambda -> [(W_1, b_1), ...]``, equal to the current point at ``lambda = 0``.
        kind : str
            Label of the move (recorded with every sampled point).
        steps : int, optional
            Points to sample (default: the walker's ``steps``).

        Returns
        -------
        None
        """
        n = self.steps if steps is None else int(steps)
        for lam in np.arange(1, n + 1) / n:
            self.points.append([(np.array(W, dtype=np.float64), np.array(b, dtype=np.float64))
                                for W, b in curve(lam)])
            self.kinds.append(kind)
        self.layers = [(W.copy(), b.copy()) for W, b in self.points[-1]]

    @checked(W_new="matrix", b_new="vector", cols="vector")
    def set_columns(self, k: int, cols, W_new, b_new, kind: str):
        """Straight move of the columns ``cols`` of ``(W_k, b_k)`` to new values.

        Parameters
        ----------
        k : int
            1-based layer index.
        cols : array_like of int
            Columns (units) to move.
        W_new : ndarray, shape (n_{k-1}, len(cols))
            Their new incoming weights.
        b_new : ndarray, shape (len(cols),)
            Their new biases.
        kind : str
            Label of the move.

        Returns
        -------
        None
        """
        W0, b0 = self.layers[k - 1]
        W1, b1 = W0.copy(), b0.copy()
        W1[:, cols], b1[cols] = W_new, b_new
        rest = self._copy()

        def curve(lam):
            out = [(W.copy(), b.copy()) for W, b in rest]
            out[k - 1] = ((1 - lam) * W0 + lam * W1, (1 - lam) * b0 + lam * b1)
            return out

        self.move(curve, kind)

    @checked(F="matrix")
    def absorb_into(self, k: int, F, I, kind: str = "absorb (Lemma 3.4.10)"):
        """Lemma 3.4.10 on ``(F_k, W_{k+1}, I)``: afterwards layer ``k+1`` ignores the columns outside ``I``.

        Parameters
        ----------
        k : int
            1-based index of the layer whose output ``F`` is.
        F : ndarray, shape (N, n_k)
            The current ``F_k``.
        I : array_like of int
            Columns with ``rank F(:, I) = rank F``.
        kind : str
            Label of the move.

        Returns
        -------
        None
        """
        curve, residual = absorb(F, self.layers[k][0], I)
        self.residuals.append(residual)
        rest = self._copy()

        def moved(lam):
            out = [(W.copy(), b.copy()) for W, b in rest]
            out[k] = (curve(lam), rest[k][1])
            return out

        self.move(moved, kind)


def _features(layers, X, act, k):
    F = X
    for W, b in layers[:k]:
        F = np.asarray(act(F @ W + b))
    return F


@checked(shifts="vector", v="vector")
def shift_span_rank(v, activation, shifts) -> int:
    """Rank of ``[sigma(v + b 1) for b in shifts]`` (Lemma 3.4.11: ``N`` for every sigma satisfying Assumption
    3.4.2 when the entries of ``v`` are distinct and there are enough shifts).

    Parameters
    ----------
    v : array_like, shape (N,)
        A vector with distinct entries.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    shifts : array_like, shape (K,)
        The shifts ``b``.

    Returns
    -------
    int
        Numerical rank (thesis rule) of the ``N x K`` matrix.
    """
    from .features import numerical_rank

    act = acts.get(activation)
    v = np.asarray(v, dtype=np.float64)
    M = np.asarray(act(v[:, None] + np.asarray(shifts, dtype=np.float64)[None, :]))
    return numerical_rank(M)


@checked(walker=Walker, X="matrix", tol="nonnegative", tries="count")
def make_full_rank(walker: Walker, X, activation, k: int = 1, seed: int = 0, tol: float = 1e-8,
                   tries: int = 200) -> int:
    """Lemma 3.4.14 at layer ``k``: a loss-preserving move to ``rank F_k = N`` (needs ``n_k >= N`` and distinct
    rows of ``F_{k-1}``; ``k < L``).

    Steps: absorb the dependent columns into the independent ones (Lemma 3.4.10), then give each freed unit a
    random direction ``w`` and a bias through a data point, accepting it when its column leaves the span of the
    columns kept so far (Lemma 3.4.11 guarantees that some bias does), and move the freed weights there.

    Parameters
    ----------
    walker : Walker
        The current point and the path so far.
    X : ndarray, shape (N, d)
        Inputs, one sample per row.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    k : int
        1-based layer index.
    seed : int
        Seed of ``numpy.random.default_rng``.
    tol : float
        A new column is accepted when its distance to the span, relative to its norm, exceeds ``tol``.
    tries : int
        Random draws per freed unit.

    Returns
    -------
    int
        The rank of ``F_k`` before the move (``N`` if nothing was done).
    """
    act = acts.get(activation)
    k = positive_int(k, "k")
    if k >= len(walker.layers):
        raise ValueError(f"k: expected a hidden layer 1..{len(walker.layers) - 1}, got {k}")
    F_prev = _features(walker.layers, X, act, k - 1)
    W, b = walker.layers[k - 1]
    F = np.asarray(act(F_prev @ W + b))
    N, n = F.shape
    I = independent_columns(F)
    r0 = len(I)
    if r0 == N:
        return r0
    if n < N:
        raise ValueError(f"layer {k}: width {n} < N = {N}; Lemma 3.4.14 needs n_k >= N")
    walker.absorb_into(k, F, I)
    rng = np.random.default_rng(seed)
    kept = [F[:, i] for i in I]
    Q = np.linalg.qr(np.column_stack(kept))[0]
    free = [j for j in range(n) if j not in set(I.tolist())]
    chosen, W_new, b_new = [], [], []
    for j in free:
        if len(kept) == N:
            break
        for _ in range(tries):
            w = rng.standard_normal(F_prev.shape[1])
            v = F_prev @ w
            bias = -v[rng.integers(N)] + 0.1 * rng.standard_normal() * np.std(v)
            col = np.asarray(act(v + bias))
            out = col - Q @ (Q.T @ col)
            if np.linalg.norm(out) > tol * max(np.linalg.norm(col), 1e-300):
                kept.append(col)
                Q = np.linalg.qr(np.column_stack(kept))[0]
                chosen.append(j)
                W_new.append(w)
                b_new.append(bias)
                break
        else:
            raise RuntimeError(f"unit {j}: no bias found that raises the rank (is Assumption 3.4.2 violated?)")
    walker.set_columns(k, chosen, np.column_stack(W_new), np.array(b_new), "free units (Lemma 3.4.14)")
    return r0


@checked(walker=Walker, W_target="matrix", X="matrix", b_target="vector")
def copy_layer(walker: Walker, X, activation, W_target, b_target, k: int = 1):
    """Lemma 3.4.15: a move of layer ``k``'s weights and bias to ``(W', b')`` that keeps ``F_k W_{k+1}``.

    Both ``F_k`` (current) and ``sigma(F_{k-1} W' + 1 b'^T)`` must have rank ``N``, and ``n_k >= 2N``. With ``I``
    and ``I'`` the independent columns of the two: absorb into ``I``; copy ``W'(:, I')`` into the free columns
    (``I' cap Ibar`` in place, ``I' cap I`` into spare free slots); absorb into those copies; copy
    ``W'(:, I' cap I)`` in place; absorb into ``I'``; move the rest.

    Parameters
    ----------
    walker : Walker
        The current point and the path so far.
    X : ndarray, shape (N, d)
        Inputs, one sample per row.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.
    W_target : ndarray
        Target weights.
    b_target : ndarray
        Target bias.
    k : int
        1-based layer index.
    """
    act = acts.get(activation)
    F_prev = _features(walker.layers, X, act, k - 1)
    W, b = walker.layers[k - 1]
    F = np.asarray(act(F_prev @ W + b))
    Fp = np.asarray(act(F_prev @ W_target + b_target))
    N, n = F.shape
    if n < 2 * N:
        raise ValueError(f"layer {k}: width {n} < 2N = {2 * N}; Lemma 3.4.15 needs n_k >= 2N")
    I, Ip = independent_columns(F), independent_columns(Fp)
    if len(I) < N or len(Ip) < N:
        raise ValueError(f"layer {k}: ranks {len(I)} and {len(Ip)}; Lemma 3.4.15 needs both equal to N = {N}")
    Ibar = np.setdiff1d(np.arange(n), I)
    K, J = np.intersect1d(Ip, Ibar), np.intersect1d(Ip, I)
    slots = np.setdiff1d(Ibar, Ip)[:len(J)]
    walker.absorb_into(k, F, I)
    cols = np.concatenate([K, slots])
    src = np.concatenate([K, J])
    walker.set_columns(k, cols, W_target[:, src], b_target[src], "copy (Lemma 3.4.15)")
    F = np.asarray(act(F_prev @ walker.layers[k - 1][0] + walker.layers[k - 1][1]))
    walker.absorb_into(k, F, np.sort(cols))
    walker.set_columns(k, J, W_target[:, J], b_target[J], "copy (Lemma 3.4.15)")
    F = np.asarray(act(F_prev @ walker.layers[k - 1][0] + walker.layers[k - 1][1]))
    walker.absorb_into(k, F, Ip)
    rest = np.setdiff1d(np.arange(n), Ip)
    walker.set_columns(k, rest, W_target[:, rest], b_target[rest], "copy (Lemma 3.4.15)")
