"""Gradients, Hessians and their spectra for any scalar function of a flat parameter vector.

``f`` is anything autograd can differentiate. When ``f`` carries its own ``f.gradient(w)`` and ``f.hvp(w, v)``
(as :func:`landscapelab.loss_function` does, with exact hand-written passes) those are used; otherwise autograd
is. Hessian-vector products are exact (Pearlmutter 1994), so the Hessian is never formed unless asked for.

Spectral methods:

* :func:`eigenvalues`: block Lanczos with full reorthogonalisation (Golub and Van Loan, *Matrix Computations*,
  section 10.3), converged on the residual norm of the wanted Ritz pairs; the block size is k, so eigenvalues of
  multiplicity up to k are found. Power (subspace) iteration and dense ``eigh`` are options for comparison.
* :func:`hessian_trace`: Hutchinson's estimator (Hutchinson 1989) or Hutch++ (Meyer, Musco, Musco and Woodruff
  2021), with a standard error.
* :func:`spectral_density`: stochastic Lanczos quadrature (Ubaru, Chen and Saad 2017; Ghorbani, Krishnan and
  Xiao 2019), the density of eigenvalues smoothed by a Gaussian of width ``sigma``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import autograd
import numpy as np

from ._validate import as_float_array, choice, positive_int

__all__ = ["gradient", "hessian", "hvp", "eigenvalues", "lanczos", "lanczos_quadrature", "hessian_trace",
           "spectral_density"]


def _point(f, w):
    if not callable(f):
        raise TypeError(f"f: expected a scalar function of a flat parameter vector, got {type(f).__name__}")
    return as_float_array(w, "w", ndim=1)


def _directions(v, P, name="v"):
    v = as_float_array(v, name)
    if v.ndim not in (1, 2) or v.shape[-1] != P:
        raise ValueError(f"{name}: expected shape ({P},) or (k, {P}), got {v.shape}")
    return v


def gradient(f, w) -> np.ndarray:
    """Gradient of ``f`` at ``w``, shape ``(P,)``."""
    w = _point(f, w)
    g = f.gradient(w) if hasattr(f, "gradient") else autograd.grad(f)(w)
    return np.asarray(g, dtype=np.float64)


def _autograd_hvp(f):
    return autograd.grad(lambda w, v: autograd.numpy.dot(autograd.grad(f)(w), v))


def hvp(f, w, v) -> np.ndarray:
    """Hessian-vector product ``H(w) v`` without forming ``H``; ``v`` may also be a batch ``(k, P)`` of rows."""
    w = _point(f, w)
    v = _directions(v, w.size)
    if hasattr(f, "hvp"):
        return np.asarray(f.hvp(w, v), dtype=np.float64)
    product = _autograd_hvp(f)
    if v.ndim == 1:
        return np.asarray(product(w, v), dtype=np.float64)
    return np.stack([product(w, row) for row in v])


def _block_operator(f, w) -> Callable[[np.ndarray], np.ndarray]:
    """``V (k, P) -> (H V^T)^T``: Hessian products for a block of row vectors."""
    if hasattr(f, "hvp"):
        return lambda V: np.asarray(f.hvp(w, V), dtype=np.float64)
    product = _autograd_hvp(f)
    return lambda V: np.stack([product(w, row) for row in V])


def hessian(f, w, chunk: int = 256) -> np.ndarray:
    """Dense Hessian ``(P, P)``, symmetrised. Built from exact products in chunks of ``chunk`` columns, or by
    autograd when ``f`` has no ``hvp``. Memory is ``8 P^2`` bytes: use :func:`eigenvalues` for large ``P``."""
    w = _point(f, w)
    P = w.size
    if hasattr(f, "hvp"):
        H = np.empty((P, P))
        eye = np.eye(P)
        for start in range(0, P, chunk):
            H[start:start + chunk] = f.hvp(w, eye[start:start + chunk])
    else:
        H = np.asarray(autograd.hessian(f)(w), dtype=np.float64).reshape(P, P)
    return 0.5 * (H + H.T)


# ---------------------------------------------------------------------------------------------------- Lanczos
def _select(theta: np.ndarray, k: int, which: str) -> np.ndarray:
    """Indices of the k wanted values of ``theta`` in the order they are returned."""
    if which == "largest":
        order = np.argsort(-theta, kind="stable")
    elif which == "smallest":
        order = np.argsort(theta, kind="stable")
    else:
        order = np.argsort(-np.abs(theta), kind="stable")
    return order[:k]


def _orthonormalise(W, basis, m, rng, scale):
    """Orthogonalise the rows of W against basis[:m] (twice) and among themselves; replace rows that vanish
    (an invariant subspace was found) by fresh random directions. Returns (Q, R) with W = R^T Q on the kept part."""
    b, P = W.shape
    Q = np.empty_like(W)
    R = np.zeros((b, b))
    for j in range(b):
        x = W[j].copy()
        for _ in range(2):
            if m:
                x -= (basis[:m] @ x) @ basis[:m]
            if j:
                coeff = Q[:j] @ x
                x -= coeff @ Q[:j]
                R[:j, j] += coeff
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


def lanczos(operator: Callable[[np.ndarray], np.ndarray], P: int, k: int = 1, which: str = "largest",
            tol: float = 1e-10, max_vectors: int | None = None, seed: int = 0, return_vectors: bool = False):
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
        returned eigenvalue is at most that residual.
    max_vectors : int, optional
        Size limit of the Krylov basis (default P, where the result is exact).
    seed : int
        Seed of the random starting block.

    Returns
    -------
    values : ndarray (k,)
        Ordered as asked: descending for "largest", ascending for "smallest", by descending |value| for "magnitude".
    vectors : ndarray (P, k), only if ``return_vectors``
    """
    P = positive_int(P, "P")
    k = positive_int(k, "k")
    if k > P:
        raise ValueError(f"k: at most P = {P} eigenvalues exist, asked for {k}")
    which = choice(which, "which", ("largest", "smallest", "magnitude"))
    limit = P if max_vectors is None else min(P, positive_int(max_vectors, "max_vectors"))
    limit = max(limit, k)
    rng = np.random.default_rng(seed)
    basis = np.empty((min(limit, max(8 * k, 32)), P))
    T = np.zeros((basis.shape[0], basis.shape[0]))
    Q, _ = _orthonormalise(rng.standard_normal((k, P)), basis, 0, rng, 1.0)
    m = 0
    scale = 0.0
    next_check = k
    while True:
        b = min(k, limit - m)
        Q = Q[:b]
        if m + b > basis.shape[0]:
            grow = min(limit, 2 * basis.shape[0])
            basis = np.concatenate([basis, np.empty((grow - basis.shape[0], P))])
            T = np.pad(T, ((0, grow - T.shape[0]), (0, grow - T.shape[0])))
        basis[m:m + b] = Q
        AQ = operator(Q)
        coeff = basis[:m + b] @ AQ.T                 # full projection: T[:, new block]
        T[:m + b, m:m + b] = coeff
        T[m:m + b, :m] = coeff[:m].T
        W = AQ - coeff.T @ basis[:m + b]
        m += b
        scale = max(scale, float(np.abs(coeff).max(initial=0.0)))
        if m < limit:
            Q, R = _orthonormalise(W, basis, m, rng, max(scale, 1e-300))
        if m >= limit or m >= next_check:
            Tm = 0.5 * (T[:m, :m] + T[:m, :m].T)
            theta, S = np.linalg.eigh(Tm)
            wanted = _select(theta, k, which)
            if m >= limit:
                break
            residuals = np.linalg.norm(R @ S[m - b:m, wanted], axis=0)
            if np.all(residuals <= tol * max(np.abs(theta).max(), 1e-300)):
                break
            next_check = m + max(k, (m // 10) // k * k)
    values = theta[wanted]
    if not return_vectors:
        return values
    return values, basis[:m].T @ S[:, wanted]


def _power(operator, P, k, which, tol, max_iter, seed):
    """Subspace (power) iteration with Rayleigh-Ritz; shifted by an estimate of ||A|| for largest/smallest."""
    rng = np.random.default_rng(seed)

    def iterate(shifted, sign, shift):
        V = np.linalg.qr(rng.standard_normal((P, k)))[0].T
        previous = None
        for _ in range(max_iter):
            AV = sign * operator(V) + shift * V
            H = V @ AV.T
            theta, S = np.linalg.eigh(0.5 * (H + H.T))
            order = np.argsort(-np.abs(theta) if not shifted else -theta)
            theta, S = theta[order], S[:, order]
            residual = np.linalg.norm(S.T @ AV - theta[:, None] * (S.T @ V), axis=1)
            if np.all(residual <= tol * max(np.abs(theta).max(), 1e-300)):
                return theta
            if previous is not None and np.allclose(previous, theta, rtol=tol * 1e-2, atol=0):
                return theta
            previous = theta
            V = np.linalg.qr(AV.T)[0].T
        return theta

    top = iterate(False, 1.0, 0.0)
    if which == "magnitude":
        return top[:k]
    norm = float(np.abs(top).max())
    sign = 1.0 if which == "largest" else -1.0
    shifted = iterate(True, sign, norm)
    return sign * (shifted[:k] - norm)


def eigenvalues(f, w, k: int = 1, which: str = "largest", method: str = "lanczos", seed: int = 0,
                tol: float = 1e-10, max_iter: int | None = None, return_vectors: bool = False):
    """k extreme eigenvalues of the Hessian of ``f`` at ``w``, from Hessian-vector products only.

    Parameters
    ----------
    f : callable
        Scalar function of a flat vector (see the module docstring).
    w : array (P,)
    k : int
        How many.
    which : {"largest", "smallest", "magnitude"}
        Largest algebraic (the sharpness lambda_max for "largest"), smallest algebraic, or largest absolute value.
    method : {"lanczos", "power", "dense"}
        Block Lanczos (default), subspace power iteration (linear convergence, for comparison), or ``eigh`` of the
        dense Hessian.
    seed : int
        Seed of the random starting vectors.
    tol : float
        Relative residual at which Lanczos/power stop (see :func:`lanczos`).
    max_iter : int, optional
        Lanczos: size limit of the Krylov basis (default P: exact). Power: number of iterations (default 10000).
    return_vectors : bool
        Also return the eigenvectors as the columns of a ``(P, k)`` array (Lanczos and dense only).

    Returns
    -------
    ndarray (k,)
        Descending for "largest" and "magnitude" (by absolute value), ascending for "smallest".
    """
    w = _point(f, w)
    P = w.size
    k = positive_int(k, "k")
    if k > P:
        raise ValueError(f"k: the Hessian has P = {P} eigenvalues, asked for {k}")
    which = choice(which, "which", ("largest", "smallest", "magnitude"))
    method = choice(method, "method", ("lanczos", "power", "dense"))
    if method == "dense":
        theta, S = np.linalg.eigh(hessian(f, w))
        wanted = _select(theta, k, which)
        return (theta[wanted], S[:, wanted]) if return_vectors else theta[wanted]
    operator = _block_operator(f, w)
    if method == "power":
        if return_vectors:
            raise ValueError("return_vectors: not available with method='power'")
        return _power(operator, P, k, which, tol, 10000 if max_iter is None else positive_int(max_iter, "max_iter"),
                      seed)
    return lanczos(operator, P, k=k, which=which, tol=tol, max_vectors=max_iter, seed=seed,
                   return_vectors=return_vectors)


# ---------------------------------------------------------------------------------------------------- trace
def hessian_trace(f, w, samples: int = 100, seed: int = 0, method: str = "hutchinson"):
    """Stochastic estimate of ``tr H(w)`` and its standard error.

    ``method="hutchinson"``: the mean of ``z^T H z`` over ``samples`` Rademacher vectors ``z``; the standard error
    is the sample standard deviation over ``sqrt(samples)``.
    ``method="hutch++"``: a third of the budget sketches the dominant subspace ``Q`` (exact trace of
    ``Q^T H Q``), the rest runs Hutchinson on the deflated ``(I - QQ^T) H (I - QQ^T)``; the standard error is that
    of the Hutchinson part. Same number of products (``samples``), much lower variance when the spectrum decays.

    Returns
    -------
    (estimate, standard_error) : tuple of float
    """
    w = _point(f, w)
    samples = positive_int(samples, "samples")
    method = choice(method, "method", ("hutchinson", "hutch++"))
    P = w.size
    rng = np.random.default_rng(seed)
    operator = _block_operator(f, w)
    if method == "hutchinson" or samples < 3:
        Z = rng.choice((-1.0, 1.0), size=(samples, P))
        quad = np.einsum("ij,ij->i", Z, operator(Z))
        return float(quad.mean()), float(quad.std(ddof=1) / math.sqrt(samples)) if samples > 1 else math.inf
    sketch = min(samples // 3, P)
    S = rng.choice((-1.0, 1.0), size=(sketch, P))
    Q = np.linalg.qr(operator(S).T)[0].T                                # (sketch, P) orthonormal rows
    exact = float(np.trace(Q @ operator(Q).T))
    n_rest = samples - 2 * sketch
    Z = rng.choice((-1.0, 1.0), size=(n_rest, P))
    Z -= (Z @ Q.T) @ Q
    quad = np.einsum("ij,ij->i", Z, operator(Z))
    stderr = float(quad.std(ddof=1) / math.sqrt(n_rest)) if n_rest > 1 else math.inf
    return exact + float(quad.mean()), stderr


# ---------------------------------------------------------------------------------------------------- density
def lanczos_quadrature(operator: Callable[[np.ndarray], np.ndarray], v: np.ndarray, steps: int):
    """Gauss quadrature nodes and weights of the spectral measure of ``v`` (normalised) under the operator.

    Runs ``steps`` Lanczos steps from ``v`` with full reorthogonalisation. For every polynomial ``p`` of degree
    below ``2 * steps``, ``sum(weights * p(nodes)) == v^T p(A) v / v^T v`` (up to rounding).
    """
    v = as_float_array(v, "v", ndim=1)
    P = v.size
    steps = min(positive_int(steps, "steps"), P)
    Q = np.zeros((steps, P))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q = v / np.linalg.norm(v)
    m = 0
    for j in range(steps):
        Q[j] = q
        u = operator(q[None, :])[0]
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


def spectral_density(f, w, grid=None, n_vectors: int = 10, steps: int = 80, sigma: float | None = None,
                     seed: int = 0, progress: bool = False):
    """Density of the Hessian's eigenvalues by stochastic Lanczos quadrature, smoothed by a Gaussian.

    The result approximates ``(1/P) sum_i N(x; lambda_i, sigma^2)``: it integrates to 1 over the real line.

    Parameters
    ----------
    grid : array, optional
        Where to evaluate (default: 400 points spanning the quadrature nodes plus 3 sigma).
    n_vectors : int
        Number of random (Gaussian) starting vectors; the estimate is their average.
    steps : int
        Lanczos steps per vector (quadrature exact for polynomials of degree < 2 steps).
    sigma : float, optional
        Width of the Gaussian kernel (default: 1% of the spectral range).

    Returns
    -------
    (grid, density) : tuple of ndarray
    """
    w = _point(f, w)
    n_vectors = positive_int(n_vectors, "n_vectors")
    rng = np.random.default_rng(seed)
    operator = _block_operator(f, w)
    runs = range(n_vectors)
    if progress:
        from tqdm.auto import tqdm

        runs = tqdm(runs, desc="SLQ", unit="vector")
    quadratures = [lanczos_quadrature(operator, rng.standard_normal(w.size), steps) for _ in runs]
    nodes = np.concatenate([n for n, _ in quadratures])
    weights = np.concatenate([q for _, q in quadratures]) / n_vectors
    lo, hi = float(nodes.min()), float(nodes.max())
    if sigma is None:
        sigma = max(0.01 * (hi - lo), 1e-8 * max(abs(lo), abs(hi), 1.0))
    elif not sigma > 0:
        raise ValueError(f"sigma: expected a positive width, got {sigma!r}")
    grid = np.linspace(lo - 3 * sigma, hi + 3 * sigma, 400) if grid is None else as_float_array(grid, "grid", ndim=1)
    kernel = np.exp(-0.5 * ((grid[:, None] - nodes[None, :]) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    return grid, kernel @ weights
