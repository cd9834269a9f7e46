"""Block Lanczos and subspace iteration for a symmetric operator given by block products.

:func:`lanczos` follows Golub and Van Loan, *Matrix Computations*, section 10.3: block Lanczos with full
reorthogonalisation, converged on the residual norm of the wanted Ritz pairs; the block size is k, so eigenvalues
of multiplicity up to k are found. Its memory is the Krylov basis, ``8 P m`` bytes for ``m`` basis vectors, and
``m`` is bounded by ``max_vectors`` and by ``max_memory``: when a bound stops the iteration before the tolerance is
reached, the Ritz values are returned with a :class:`ConvergenceWarning` that states the residual reached.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from .._validate import choice, function, positive_int, positive_number
from ..nets import _all_entries_finite

__all__ = ["ConvergenceWarning", "LanczosResult", "lanczos", "subspace_iteration", "DEFAULT_MAX_MEMORY",
           "check_tol"]

#: Default memory budget of an iterative basis, in bytes (2 GiB).
DEFAULT_MAX_MEMORY = 2 * 1024 ** 3


class ConvergenceWarning(RuntimeWarning):
    """An iterative estimator stopped at a limit before reaching its tolerance; the message gives the residual."""


class LanczosResult(np.ndarray):
    """The eigenvalues (an ndarray) with the convergence facts as attributes.

    Parameters
    ----------
    values : array (k,)
        The Ritz values.
    residuals : array (k,)
        ``||A y_i - theta_i y_i||`` of each returned Ritz pair (a bound on the eigenvalue error).
    converged : bool
        Whether every residual met the tolerance.
    n_vectors : int
        Size of the Krylov basis used (the number of operator products).
    """

    residuals: np.ndarray
    converged: bool
    n_vectors: int

    def __new__(cls, values, residuals, converged, n_vectors):
        obj = np.asarray(values, dtype=np.float64).view(cls)
        obj.residuals = np.asarray(residuals, dtype=np.float64)
        obj.converged = bool(converged)
        obj.n_vectors = int(n_vectors)
        return obj

    def __array_finalize__(self, obj):
        self.residuals = getattr(obj, "residuals", None)
        self.converged = getattr(obj, "converged", True)
        self.n_vectors = getattr(obj, "n_vectors", 0)

    def __reduce__(self):
        return (LanczosResult, (np.asarray(self), self.residuals, self.converged, self.n_vectors))


def check_tol(tol, name: str = "tol", budget: bool = False) -> float:
    """Check a relative tolerance: a finite number in (0, 1); 0 ("run the whole budget") only with a budget.

    Parameters
    ----------
    tol : float
        The tolerance.
    name : str
        The argument's name in error messages.
    budget : bool
        Whether the caller gave an iteration budget (then 0 is accepted).

    Returns
    -------
    float
    """
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number in (0, 1), got {tol!r}")
    if budget and tol == 0:
        return 0.0
    if not (0.0 < float(tol) < 1.0):
        hint = " (tol=0 runs a fixed number of steps, and needs max_vectors/max_iter)" if tol == 0 else ""
        raise ValueError(f"{name}: expected a relative tolerance in (0, 1) such as 1e-10, got {tol!r}{hint}")
    return float(tol)


def _select(theta: np.ndarray, k: int, which: str) -> np.ndarray:
    """Indices of the k wanted values of ``theta`` in the order they are returned."""
    if which == "largest":
        order = np.argsort(-theta, kind="stable")
    elif which == "smallest":
        order = np.argsort(theta, kind="stable")
    else:
        order = np.argsort(-np.abs(theta), kind="stable")
    return order[:k]


#: Reorthogonalise again when a pass leaves less than this fraction of a vector's norm (Daniel, Gragg, Kaufman and
#: Stewart 1976; "twice is enough": one more pass then restores orthogonality to working precision).
_REORTHOGONALISE_BELOW = 0.5 ** 0.5


def _row_norms(W):
    return np.sqrt(np.einsum("ij,ij->i", W, W))


def _orthonormalise(W, basis, m, rng, scale, before=None):
    """Orthogonalise the rows of W (overwritten) against basis[:m] and among themselves; replace rows that vanish (an
    invariant subspace was found) by fresh random directions. Returns (Q, R) with W = R^T Q on the kept part.

    The rows are projected out of the basis as one block (one pass over the basis for the whole block). ``before``
    holds the row norms before an earlier projection (the caller's first Gram-Schmidt pass); a pass is repeated
    while it removes more than 1 - 1/sqrt(2) of a row's norm (the DGKS criterion), at least once when ``before`` is
    not given.
    """
    b, P = W.shape
    if m:
        B = basis[:m]
        norms = _row_norms(W)
        passes = 0
        while passes < 2 and (before is None or np.any(norms < _REORTHOGONALISE_BELOW * before)):
            W -= (B @ W.T).T @ B
            before, norms = norms, _row_norms(W)
            passes += 1
    Q = np.empty_like(W)
    R = np.zeros((b, b))
    for j in range(b):
        x = W[j]
        if j:
            start = np.linalg.norm(x)
            for _ in range(2):
                coeff = Q[:j] @ x
                x -= coeff @ Q[:j]
                R[:j, j] += coeff
            if m and np.linalg.norm(x) < _REORTHOGONALISE_BELOW * start:
                x -= (basis[:m] @ x) @ basis[:m]   # cancellation within the block: back out of the basis
        norm = np.linalg.norm(x)
        if norm > 1e-12 * scale:
            R[j, j] = norm
            Q[j] = x / norm
            continue
        for _ in range(10):  # deflation: continue the basis with a random direction
            x = rng.standard_normal(P)
            for _ in range(2):
                if m:
                    x -= (basis[:m] @ x) @ basis[:m]
                if j:
                    x -= (Q[:j] @ x) @ Q[:j]
            norm = np.linalg.norm(x)
            if norm > 1e-8 * math.sqrt(P):
                break
        Q[j] = x / norm if norm > 0 else 0.0
    return Q, R


def _vector_limit(P, k, max_vectors, max_memory):
    limit = P if max_vectors is None else min(P, positive_int(max_vectors, "max_vectors"))
    if max_memory is not None:
        max_memory = positive_number(max_memory, "max_memory")
        by_memory = int(max_memory // (8 * P))
        if by_memory < 2 * k:
            raise MemoryError(f"max_memory: {max_memory:.3g} bytes hold {by_memory} vectors of length {P}; the block "
                              f"Lanczos basis needs at least {2 * k} (raise max_memory or lower k)")
        limit = min(limit, by_memory)
    return max(limit, k)


def lanczos(operator: Callable[[np.ndarray], np.ndarray], P: int, k: int = 1, which: str = "largest",
            tol: float = 1e-10, max_vectors: int | None = None, seed: int = 0, return_vectors: bool = False,
            max_memory: float | None = DEFAULT_MAX_MEMORY):
    """Block Lanczos for a symmetric linear operator given by block products.

    Parameters
    ----------
    operator : callable
        ``operator(V)`` for ``V`` of shape ``(b, P)`` (rows are vectors) returns the rows of ``A V^T``.
    P : int
        Dimension.
    k : int
        Number of eigenvalues wanted; the block size is k.
    which : {"largest", "smallest", "magnitude"}
        Largest algebraic, smallest algebraic, or largest absolute value.
    tol : float
        Stop when every wanted Ritz pair has residual ``||A y - theta y|| <= tol * max|theta|``. The error of each
        returned eigenvalue is at most that residual. A number in (0, 1); or 0 together with ``max_vectors`` to run
        exactly that many steps (no warning then).
    max_vectors : int, optional
        Size limit of the Krylov basis (default P, where the result is exact in exact arithmetic).
    seed : int
        Seed of the random starting block.
    return_vectors : bool
        Also return the Ritz vectors.
    max_memory : float, optional
        Bytes the basis may use (default 2 GiB; ``None``: no limit). The basis holds ``8 P`` bytes per vector.

    Returns
    -------
    values : LanczosResult (k,)
        Ordered as asked: descending for "largest", ascending for "smallest", by descending absolute value for
        "magnitude"; ``.residuals``, ``.converged`` and ``.n_vectors`` say how far the iteration got.
    vectors : ndarray (P, k), only if ``return_vectors``

    Warns
    -----
    ConvergenceWarning
        When ``max_vectors`` or ``max_memory`` stopped the iteration before ``tol`` was met.
    """
    function(operator, "operator")
    P = positive_int(P, "P")
    k = positive_int(k, "k")
    if k > P:
        raise ValueError(f"k: at most P = {P} eigenvalues exist, asked for {k}")
    which = choice(which, "which", ("largest", "smallest", "magnitude"))
    tol = check_tol(tol, budget=max_vectors is not None)
    limit = _vector_limit(P, k, max_vectors, max_memory)
    rng = np.random.default_rng(seed)
    basis = np.empty((min(limit, max(8 * k, 32)), P))
    T = np.zeros((basis.shape[0], basis.shape[0]))
    Q, _ = _orthonormalise(rng.standard_normal((k, P)), basis, 0, rng, 1.0)
    m = 0
    scale = 0.0
    next_check = k
    residuals = None
    while True:
        b = min(k, limit - m)
        Q = Q[:b]
        if m + b > basis.shape[0]:
            grow = min(limit, 2 * basis.shape[0])
            basis = np.concatenate([basis, np.empty((grow - basis.shape[0], P))])
            T = np.pad(T, ((0, grow - T.shape[0]), (0, grow - T.shape[0])))
        basis[m:m + b] = Q
        AQ = np.asarray(operator(Q), dtype=np.float64)
        if not _all_entries_finite(AQ):
            raise FloatingPointError(f"lanczos: the operator returned non-finite products at basis size {m + b}")
        # T[:, new block] = basis^T A Q: the recurrence's own terms (previous and current block) first, then one
        # classical Gram-Schmidt pass over the whole basis, whose coefficients are what the recurrence leaves
        lo = max(0, m - k)
        near = basis[lo:m + b]
        c_near = near @ AQ.T
        W = AQ - c_near.T @ near
        before = _row_norms(W)
        coeff = basis[:m + b] @ W.T
        W -= coeff.T @ basis[:m + b]
        coeff[lo:] += c_near
        T[:m + b, m:m + b] = coeff
        T[m:m + b, :m] = coeff[:m].T
        m += b
        scale = max(scale, float(np.abs(coeff).max(initial=0.0)))
        if m < limit:
            Q, R = _orthonormalise(W, basis, m, rng, max(scale, 1e-300), before)
        if m >= limit or m >= next_check:
            Tm = 0.5 * (T[:m, :m] + T[:m, :m].T)
            theta, S = np.linalg.eigh(Tm)
            wanted = _select(theta, k, which)
            if m >= P:
                residuals = np.zeros(k)
                break
            if m >= limit:
                residuals = np.linalg.norm(W.T @ S[m - b:m, wanted], axis=0) if m > 0 else np.full(k, np.inf)
                break
            residuals = np.linalg.norm(R @ S[m - b:m, wanted], axis=0)
            if np.all(residuals <= tol * max(np.abs(theta).max(), 1e-300)):
                break
            next_check = m + max(k, (m // 10) // k * k)
    target = tol * max(np.abs(theta).max(), 1e-300)
    converged = bool(np.all(residuals <= target))
    if not converged and tol > 0:
        warnings.warn(f"lanczos stopped at {m} basis vectors (max_vectors/max_memory) with residual "
                      f"{residuals.max():.3g}, above tol * max|theta| = {target:.3g}; the eigenvalues are accurate "
                      f"only to about the residual", ConvergenceWarning, stacklevel=2)
    values = LanczosResult(theta[wanted], residuals, converged, m)
    if not return_vectors:
        return values
    return values, basis[:m].T @ S[:, wanted]


def subspace_iteration(operator, P: int, k: int, which: str, tol: float, max_iter: int, seed: int):
    """Subspace (power) iteration with Rayleigh-Ritz, shifted by an estimate of ``||A||`` for largest/smallest.

    Linear convergence (ratio ``|lambda_{k+1} / lambda_k|``); kept for comparison with :func:`lanczos`.

    Parameters
    ----------
    operator : callable
        Block products as in :func:`lanczos`.
    P, k : int
        Dimension and number of eigenvalues.
    which : {"largest", "smallest", "magnitude"}
        Which end of the spectrum.
    tol : float
        Relative residual at which to stop, in (0, 1); 0 runs all ``max_iter`` iterations.
    max_iter : int
        Iterations per phase.
    seed : int
        Seed of the random draws.

    Returns
    -------
    LanczosResult (k,)

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` iterations did not reach ``tol``.
    """
    function(operator, "operator")
    P = positive_int(P, "P")
    k = positive_int(k, "k")
    if k > P:
        raise ValueError(f"k: at most P = {P} eigenvalues exist, asked for {k}")
    which = choice(which, "which", ("largest", "smallest", "magnitude"))
    tol = check_tol(tol, budget=True)
    max_iter = positive_int(max_iter, "max_iter")
    rng = np.random.default_rng(seed)

    def iterate(shifted, sign, shift):
        V = np.linalg.qr(rng.standard_normal((P, k)))[0].T
        for step in range(1, max_iter + 1):
            AV = sign * np.asarray(operator(V)) + shift * V
            H = V @ AV.T
            theta, S = np.linalg.eigh(0.5 * (H + H.T))
            order = np.argsort(-np.abs(theta) if not shifted else -theta)
            theta, S = theta[order], S[:, order]
            residual = np.linalg.norm(S.T @ AV - theta[:, None] * (S.T @ V), axis=1)
            if np.all(residual <= tol * max(np.abs(theta).max(), 1e-300)):
                return theta, residual, True, step
            V = np.linalg.qr(AV.T)[0].T
        return theta, residual, False, max_iter

    theta, residual, converged, steps = iterate(False, 1.0, 0.0)
    if which != "magnitude":
        norm = float(np.abs(theta).max())
        sign = 1.0 if which == "largest" else -1.0
        shifted, residual, converged, steps = iterate(True, sign, norm)
        theta = sign * (shifted - norm)
    if not converged and tol > 0:
        warnings.warn(f"power iteration stopped after max_iter = {max_iter} iterations with residual "
                      f"{residual.max():.3g}, above tol = {tol:g} times the largest |value|",
                      ConvergenceWarning, stacklevel=3)
    return LanczosResult(theta[:k], residual[:k], converged, steps * k)
