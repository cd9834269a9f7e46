"""Spectral estimators that take any symmetric curvature operator: extreme eigenvalues, the trace, the density.

Every estimator accepts either an operator (a :class:`~landscapelab.curvature.operators.CurvatureOperator`, any
:class:`scipy.sparse.linalg.LinearOperator`, a sparse matrix or a dense symmetric array) or, as in earlier versions,
a scalar function and a point ``(f, w)``, which means the Hessian of ``f`` at ``w``
(:func:`~landscapelab.curvature.operators.hessian_operator`). The two calls give identical results.

* :func:`eigenvalues`: block Lanczos (:func:`~landscapelab.curvature.krylov.lanczos`), subspace iteration or
  dense ``eigh``.
* :func:`hessian_trace`: Hutchinson's estimator (Hutchinson 1989) or Hutch++ (Meyer, Musco, Musco and Woodruff
  2021), with a standard error; samples are drawn and multiplied in blocks, so memory stays at ``8 P b`` bytes
  for a block of ``b`` samples whatever the number of samples.
* :func:`spectral_density`: stochastic Lanczos quadrature (Ubaru, Chen and Saad 2017; Ghorbani, Krishnan and
  Xiao 2019), the eigenvalue density smoothed by a Gaussian of width ``sigma``.

Memory, in bytes, for ``P`` parameters (float64; the operator's own forward pass comes on top):

* ``eigenvalues`` (Lanczos): ``8 P m`` for the ``m`` basis vectors kept for full reorthogonalisation, ``m`` at most
  ``min(P, max_iter)`` (``k`` vectors per block step) and at most ``max_memory / (8 P)``; a cap that stops it before
  ``tol`` raises a ``ConvergenceWarning`` with the residual. Subspace iteration: ``8 P k`` a few times (the
  block, its products, the next block); dense:
  ``8 P^2`` for the matrix (built by :func:`~landscapelab.curvature.operators.CurvatureOperator.dense`).
* ``hessian_trace``: about ``24 P b`` for a block of ``b`` samples, ``b`` chosen so that this stays within
  ``max_memory`` whatever ``samples`` is; Hutch++ adds its sketch, ``8 P samples / 3``.
* ``spectral_density``: ``8 P steps`` for one Lanczos basis (the ``n_vectors`` runs are done one after the other)
  plus ``8 len(grid) n_vectors steps`` for the smoothing kernel of the output.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .._validate import as_float_array, choice, function, positive_int, positive_number
from .krylov import DEFAULT_MAX_MEMORY, ConvergenceWarning, check_tol, lanczos, subspace_iteration
from .operators import CurvatureOperator, as_operator, hessian_operator

__all__ = ["eigenvalues", "hessian_trace", "lanczos_quadrature", "spectral_density", "symmetric_operator",
           "ConvergenceWarning"]


def _is_matrix(A) -> bool:
    return isinstance(A, (LinearOperator, np.ndarray)) or hasattr(A, "tocsr")


def symmetric_operator(A, w=None, name: str = "A") -> CurvatureOperator:
    """The symmetric operator an estimator works on: ``A`` itself, or the Hessian of ``A`` at ``w``.

    Parameters
    ----------
    A : operator, array or callable
        A square symmetric operator or array; or a scalar function, with ``w``.
    w : array (P,), optional
        The point, when ``A`` is a function.
    name : str
        The argument's name in error messages.

    Returns
    -------
    CurvatureOperator
    """
    if _is_matrix(A):
        if w is not None:
            hint = " (pass k= by keyword)" if isinstance(w, numbers.Integral) else ""
            raise TypeError(f"w: {name} is already a matrix or operator, so no point w is needed{hint}")
        op = as_operator(A)
        if op.shape[0] != op.shape[1]:
            raise ValueError(f"{name}: expected a square operator, got shape {op.shape}")
        if not op.symmetric:
            raise ValueError(f"{name}: expected a symmetric matrix (the estimators need real eigenvalues)")
        return op
    if not callable(A):
        raise TypeError(f"{name}: expected a symmetric operator or array, or a scalar function f with a point w; "
                        f"got {type(A).__name__}")
    if w is None:
        raise TypeError(f"w: {name} is a function; pass the point w at which to take its Hessian")
    return hessian_operator(A, w)


# ---------------------------------------------------------------------------------------------------- eigenvalues
def eigenvalues(f, w=None, k: int = 1, which: str = "largest", method: str = "lanczos", seed: int = 0,
                tol: float = 1e-10, max_iter: int | None = None, return_vectors: bool = False,
                max_memory: float | None = DEFAULT_MAX_MEMORY):
    """k extreme eigenvalues of a symmetric operator, or of the Hessian of ``f`` at ``w``, from products only.

    Parameters
    ----------
    f : operator, array or callable
        A symmetric operator (e.g. :func:`~landscapelab.ggn_operator`, :func:`~landscapelab.tangent_kernel_operator`)
        or dense symmetric array; or a scalar function of the flat parameters, with ``w``.
    w : array (P,), optional
        The point, when ``f`` is a function.
    k : int
        How many.
    which : {"largest", "smallest", "magnitude"}
        Largest algebraic (the sharpness lambda_max for "largest"), smallest algebraic, or largest absolute value.
    method : {"lanczos", "power", "dense"}
        Block Lanczos (default), subspace power iteration (linear convergence, for comparison), or ``eigh`` of the
        dense matrix.
    seed : int
        Seed of the random starting vectors.
    tol : float
        Relative residual at which Lanczos/power stop, in (0, 1) (see :func:`~landscapelab.curvature.krylov.lanczos`);
        0 with ``max_iter`` runs exactly that budget.
    max_iter : int, optional
        Lanczos: size limit of the Krylov basis (default: the dimension). Power: iterations (default 10000).
    return_vectors : bool
        Also return the eigenvectors as the columns of a ``(P, k)`` array (Lanczos and dense only).
    max_memory : float, optional
        Lanczos: bytes the Krylov basis may use (default 2 GiB).

    Returns
    -------
    ndarray (k,)
        Descending for "largest" and "magnitude" (by absolute value), ascending for "smallest". For Lanczos and
        power a :class:`~landscapelab.curvature.krylov.LanczosResult` with ``.residuals`` and ``.converged``.

    Warns
    -----
    ConvergenceWarning
        When an iteration limit stopped Lanczos or power iteration before ``tol``.
    """
    op = symmetric_operator(f, w, "f")
    P = op.shape[0]
    k = positive_int(k, "k")
    if k > P:
        raise ValueError(f"k: the operator has P = {P} eigenvalues, asked for {k}")
    which = choice(which, "which", ("largest", "smallest", "magnitude"))
    method = choice(method, "method", ("lanczos", "power", "dense"))
    if max_iter is not None:
        max_iter = positive_int(max_iter, "max_iter")
    if max_memory is not None:
        max_memory = positive_number(max_memory, "max_memory")
    tol = check_tol(tol, budget=max_iter is not None)
    if method == "dense":
        from .krylov import _select

        theta, S = np.linalg.eigh(op.dense())
        wanted = _select(theta, k, which)
        return (theta[wanted], S[:, wanted]) if return_vectors else theta[wanted]
    if method == "power":
        if return_vectors:
            raise ValueError("return_vectors: not available with method='power'")
        return subspace_iteration(op.rows, P, k, which, tol, 10000 if max_iter is None else max_iter, seed)
    return lanczos(op.rows, P, k=k, which=which, tol=tol, max_vectors=max_iter, seed=seed,
                   return_vectors=return_vectors, max_memory=max_memory)


# ---------------------------------------------------------------------------------------------------- trace
def _block_size(P: int, samples: int, max_memory: float) -> int:
    """Samples per block so that a block, its products and the work arrays stay within ``max_memory``."""
    return max(1, min(samples, int(max_memory // (3 * 8 * P))))


def _quadratic_forms(op, rng, count, P, block, Q=None):
    """``z^T A z`` for ``count`` Rademacher vectors (projected off the rows of ``Q`` if given), drawn in blocks."""
    out = np.empty(count)
    for start in range(0, count, block):
        stop = min(count, start + block)
        Z = rng.choice((-1.0, 1.0), size=(stop - start, P))
        if Q is not None:
            Z -= (Z @ Q.T) @ Q
        out[start:stop] = np.einsum("ij,ij->i", Z, op.rows(Z))
    return out


def hessian_trace(f, w=None, samples: int = 100, seed: int = 0, method: str = "hutchinson",
                  max_memory: float = 256 * 1024 ** 2):
    """Stochastic estimate of the trace of a symmetric operator (or of the Hessian of ``f`` at ``w``) and its
    standard error.

    ``method="hutchinson"``: the mean of ``z^T A z`` over ``samples`` Rademacher vectors ``z``; the standard error
    is the sample standard deviation over ``sqrt(samples)``.
    ``method="hutch++"``: a third of the budget sketches the dominant subspace ``Q`` (exact trace of
    ``Q^T A Q``), the rest runs Hutchinson on the deflated ``(I - QQ^T) A (I - QQ^T)``; the standard error is that
    of the Hutchinson part. Same number of products (``samples``), much lower variance when the spectrum decays.

    Parameters
    ----------
    f : operator, array or callable
        A symmetric operator or array; or a scalar function, with ``w``.
    w : array (P,), optional
        The point, when ``f`` is a function.
    samples : int
        Number of operator products.
    seed : int
        Seed of the random draws.
    method : {"hutchinson", "hutch++"}
        The estimator.
    max_memory : float
        Bytes for one block of samples (default 256 MiB): memory is about ``24 P b`` bytes for blocks of ``b``
        samples, plus ``8 P samples / 3`` for the Hutch++ sketch.

    Returns
    -------
    (estimate, standard_error) : tuple of float
    """
    op = symmetric_operator(f, w, "f")
    samples = positive_int(samples, "samples")
    method = choice(method, "method", ("hutchinson", "hutch++"))
    max_memory = positive_number(max_memory, "max_memory")
    P = op.shape[0]
    rng = np.random.default_rng(seed)
    block = _block_size(P, samples, max_memory)
    if method == "hutchinson" or samples < 3:
        quad = _quadratic_forms(op, rng, samples, P, block)
        return float(quad.mean()), float(quad.std(ddof=1) / math.sqrt(samples)) if samples > 1 else math.inf
    sketch = min(samples // 3, P)
    S = rng.choice((-1.0, 1.0), size=(sketch, P))
    Q = np.linalg.qr(op.rows(S).T)[0].T                                  # (sketch, P) orthonormal rows
    exact = float(np.einsum("ij,ij->", Q, op.rows(Q)))
    n_rest = samples - 2 * sketch
    quad = _quadratic_forms(op, rng, n_rest, P, block, Q=Q)
    stderr = float(quad.std(ddof=1) / math.sqrt(n_rest)) if n_rest > 1 else math.inf
    return exact + float(quad.mean()), stderr


# ---------------------------------------------------------------------------------------------------- density
def lanczos_quadrature(operator, v: np.ndarray, steps: int):
    """Gauss quadrature nodes and weights of the spectral measure of ``v`` (normalised) under the operator.

    Runs ``steps`` Lanczos steps from ``v`` with full reorthogonalisation. For every polynomial ``p`` of degree
    below ``2 * steps``, ``sum(weights * p(nodes)) == v^T p(A) v / v^T v`` (up to rounding).

    Parameters
    ----------
    operator : callable or operator
        Block products ``(b, P) -> (b, P)`` of a symmetric matrix, or a symmetric operator/array.
    v : array (P,)
        Starting vector (not zero).
    steps : int
        Number of Lanczos steps (capped at P).

    Returns
    -------
    (nodes, weights) : tuple of ndarray
    """
    if _is_matrix(operator):
        operator = symmetric_operator(operator, name="operator").rows
    function(operator, "operator")
    v = as_float_array(v, "v", ndim=1)
    norm_v = np.linalg.norm(v)
    if norm_v == 0:
        raise ValueError("v: the starting vector must not be zero")
    P = v.size
    steps = min(positive_int(steps, "steps"), P)
    Q = np.zeros((steps, P))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q = v / norm_v
    m = 0
    for j in range(steps):
        Q[j] = q
        u = np.asarray(operator(q[None, :]))[0]
        alpha[j] = q @ u
        u -= alpha[j] * q + (beta[j - 1] * Q[j - 1] if j else 0.0)
        for _ in range(2):
            u -= (Q[:j + 1] @ u) @ Q[:j + 1]
        m = j + 1
        b = np.linalg.norm(u)
        if b <= 1e-12 * max(abs(alpha[:m]).max(), 1e-300) or m == steps:
            break
        beta[j] = b
        q = u / b
    T = np.diag(alpha[:m]) + np.diag(beta[:m - 1], 1) + np.diag(beta[:m - 1], -1)
    nodes, vecs = np.linalg.eigh(T)
    return nodes, vecs[0] ** 2


def spectral_density(f, w=None, grid=None, n_vectors: int = 10, steps: int = 80, sigma: float | None = None,
                     seed: int = 0, progress: bool = False):
    """Density of the eigenvalues of a symmetric operator (or of the Hessian of ``f`` at ``w``) by stochastic
    Lanczos quadrature, smoothed by a Gaussian.

    The result approximates ``(1/P) sum_i N(x; lambda_i, sigma^2)``: it integrates to 1 over the real line.

    Parameters
    ----------
    f : operator, array or callable
        A symmetric operator or array; or a scalar function, with ``w``.
    w : array (P,), optional
        The point, when ``f`` is a function.
    grid : array, optional
        Where to evaluate (default: 400 points spanning the quadrature nodes plus 3 sigma).
    n_vectors : int
        Number of random (Gaussian) starting vectors; the estimate is their average.
    steps : int
        Lanczos steps per vector (quadrature exact for polynomials of degree < 2 steps).
    sigma : float, optional
        Width of the Gaussian kernel, positive and finite (default: 1% of the spectral range).
    seed : int
        Seed of the random draws.
    progress : bool
        Show a progress bar over the starting vectors.

    Returns
    -------
    (grid, density) : tuple of ndarray
    """
    op = symmetric_operator(f, w, "f")
    n_vectors = positive_int(n_vectors, "n_vectors")
    if sigma is not None and (isinstance(sigma, bool) or not isinstance(sigma, numbers.Real)
                              or not (math.isfinite(sigma) and sigma > 0)):
        raise ValueError(f"sigma: expected a positive finite width, got {sigma!r}")
    rng = np.random.default_rng(seed)
    runs = range(n_vectors)
    if progress:
        from tqdm import tqdm

        runs = tqdm(runs, desc="SLQ", unit="vector")
    quadratures = [lanczos_quadrature(op.rows, rng.standard_normal(op.shape[0]), steps) for _ in runs]
    nodes = np.concatenate([n for n, _ in quadratures])
    weights = np.concatenate([q for _, q in quadratures]) / n_vectors
    lo, hi = float(nodes.min()), float(nodes.max())
    if sigma is None:
        sigma = max(0.01 * (hi - lo), 1e-8 * max(abs(lo), abs(hi), 1.0))
    grid = np.linspace(lo - 3 * sigma, hi + 3 * sigma, 400) if grid is None else as_float_array(grid, "grid", ndim=1)
    kernel = np.exp(-0.5 * ((grid[:, None] - nodes[None, :]) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    return grid, kernel @ weights
