"""Dense determinants by LU with partial pivoting (single, batched, log) and the Leibniz expansion (Numba kernels).

Every public function validates its input and then calls an ``@njit(cache=True)`` kernel that loops over plain
arrays and writes into preallocated outputs. :mod:`landscapelab.kernels.reference` has a NumPy twin of each public
function with the same name and signature.
"""

from __future__ import annotations

import math

import numpy as np
from .._numba import njit

from .._validate import as_float_array, positive_int

__all__ = ["det", "det_batched", "slogdet", "leibniz_terms"]


# ------------------------------------------------------------------------------------------------ validation
@njit(cache=True)
def _all_finite(x):
    """Whether every entry of a 1-D array is finite (no early exit, so that the loop vectorises)."""
    ok = True
    for i in range(x.size):
        ok &= math.isfinite(x[i])
    return ok


def _is_complex(value) -> bool:
    """Whether ``value`` holds complex numbers (a complex array, or a nested list with a complex entry)."""
    try:
        return bool(np.iscomplexobj(value))
    except (TypeError, ValueError):
        return False


def _check_matrices(A, name, ndim):
    """``A`` as a contiguous float64 array, or complex128 when it holds complex numbers, of rank ``ndim``."""
    if _is_complex(A):
        try:
            arr = np.asarray(A, dtype=np.complex128)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected an array of numbers, got {type(A).__name__}") from None
        if arr.ndim != ndim:
            raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    else:
        arr = as_float_array(A, name, ndim=ndim, finite=False)
    if arr.shape[-1] != arr.shape[-2] or arr.shape[-1] == 0:
        what = "a non-empty square matrix (n, n)" if ndim == 2 else "a stack of non-empty square matrices (B, n, n)"
        raise ValueError(f"{name}: expected {what}, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _check_square_shape(A, name="A"):
    """A non-empty square matrix, float64 or complex128, C-contiguous (its entries not yet checked for
    finiteness: the callers' kernels find non-finite entries in their own sweep)."""
    return _check_matrices(A, name, 2)


def _check_square(A, name="A"):
    """A non-empty square matrix of finite real (float64) or complex (complex128) numbers.

    Complex input is kept complex (never silently cast to real): Qi's theorem and Gershgorin's are stated for
    complex matrices, and the determinant of a complex matrix is complex.
    """
    A = _check_matrices(A, name, 2)
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name}: contains {int(A.size - np.isfinite(A).sum())} non-finite value(s)")
    return A


@njit(cache=True)
def _lu_inplace(M):
    """LU with partial pivoting, overwriting M with U on and above the diagonal (multipliers are not kept).

    Returns the sign of the row permutation (+1 or -1), or 0.0 when a pivot column is zero (M is singular).
    """
    n = M.shape[0]
    sign = 1.0
    for k in range(n):
        p = k
        big = abs(M[k, k])
        for i in range(k + 1, n):
            v = abs(M[i, k])
            if v > big:
                big = v
                p = i
        if big == 0.0:
            return 0.0
        if p != k:
            for j in range(k, n):
                t = M[k, j]
                M[k, j] = M[p, j]
                M[p, j] = t
            sign = -sign
        piv = M[k, k]
        for i in range(k + 1, n):
            f = M[i, k] / piv
            if f != 0.0:
                for j in range(k + 1, n):
                    M[i, j] -= f * M[k, j]
    return sign


@njit(cache=True)
def _lu_det_inplace(M):
    """Determinant by LU with partial pivoting, overwriting M (row-major, square)."""
    result = _lu_inplace(M)
    for k in range(M.shape[0]):
        result *= M[k, k]
    return result


@njit(cache=True)
def _lu_slogdet_inplace(M):
    """(sign, log|det|) by LU with partial pivoting, overwriting M; (0, -inf) for a singular matrix."""
    sign = _lu_inplace(M)
    if sign == 0.0:
        return 0.0, -np.inf
    logabs = 0.0
    for k in range(M.shape[0]):
        piv = M[k, k]
        if piv < 0.0:
            sign = -sign
        logabs += math.log(abs(piv))
    return sign, logabs


@njit(cache=True)
def _lu_slogdet_complex_inplace(M):
    """(phase, log|det|) of a complex matrix by LU with partial pivoting, overwriting M; the phase is
    ``det / |det|`` (modulus 1), and ``(0, -inf)`` for a singular matrix."""
    sign = _lu_inplace(M)
    if sign == 0.0:
        return 0.0 + 0.0j, -np.inf
    phase = sign + 0.0j
    logabs = 0.0
    for k in range(M.shape[0]):
        piv = M[k, k]
        size = abs(piv)
        phase *= piv / size
        logabs += math.log(size)
    return phase, logabs


@njit(cache=True)
def _slogdet_complex_kernel(A):
    M = A.copy()
    return _lu_slogdet_complex_inplace(M)


@njit(cache=True)
def _det_kernel(A):
    M = A.copy()
    return _lu_det_inplace(M)


@njit(cache=True)
def _slogdet_kernel(A):
    M = A.copy()
    return _lu_slogdet_inplace(M)


@njit(cache=True)
def _lu_det_columns(M, l):
    """Determinant of M by LU with partial pivoting of its transpose, overwriting M (row-major, square).

    ``det M = det M^T``, and the row operations of the elimination on ``M^T`` are column operations on ``M``: the
    pivot is searched along row k of M, and each update ``M[j, k+1:] -= M[j, k] * l[k+1:]`` runs along a
    contiguous row with one multiplier, which vectorises (unsigned loop indices spare the negative-index checks
    that otherwise stop LLVM from vectorising). ``l`` is scratch space of length n.
    """
    n = M.shape[0]
    sign = 1.0
    for k in range(n):
        rowk = M[k]
        p = k
        big = abs(rowk[k])
        for i in range(k + 1, n):
            v = abs(rowk[i])
            if v > big:
                big = v
                p = i
        if big == 0.0:
            return 0.0
        if p != k:
            for j in range(k, n):
                t = M[j, k]
                M[j, k] = M[j, p]
                M[j, p] = t
            sign = -sign
        piv = rowk[k]
        lo = np.uint64(k + 1)
        hi = np.uint64(n)
        for i in range(lo, hi):
            l[i] = rowk[i] / piv
        for j in range(k + 1, n):
            row = M[j]
            s = row[k]
            if s != 0.0:
                for i in range(lo, hi):
                    row[i] -= s * l[i]
    result = sign
    for k in range(n):
        result *= M[k, k]
    return result


@njit(cache=True)
def _det_columns_kernel(As, out):
    """Determinants of a stack (B, n, n) by :func:`_lu_det_columns`; returns the index of the first matrix with a
    non-finite entry, or -1."""
    B = As.shape[0]
    n = As.shape[1]
    M = np.empty((n, n), dtype=As.dtype)
    l = np.empty(n, dtype=As.dtype)
    for b in range(B):
        for i in range(n):
            for j in range(n):
                v = As[b, i, j]
                if not (math.isfinite(v.real) and math.isfinite(v.imag)):
                    return b
                M[i, j] = v
        out[b] = _lu_det_columns(M, l)
    return -1


@njit(cache=True)
def _leibniz_kernel(A, perms, products, record, limit):
    """Depth-first search over the structurally non-zero permutations of A (row by row).

    A column that no unassigned row can still reach prunes the branch at once, so for Milne's matrix the search
    follows the input-to-output paths instead of exploring dead ends. Returns the number of terms, or ``limit + 1``
    as soon as more than ``limit`` are found (the search stops there); when ``record`` is true their permutations
    and products are written to the outputs.
    """
    n = A.shape[0]
    nz = np.zeros((n, n), dtype=np.bool_)
    avail = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for j in range(n):
            if A[i, j] != 0.0:
                nz[i, j] = True
                avail[j] += 1
    for j in range(n):
        if avail[j] == 0:
            return 0
    used = np.zeros(n, dtype=np.bool_)
    perm = -np.ones(n, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    count = 0
    d = 0
    while True:
        if perm[d] >= 0:                      # undo the previous choice of row d
            used[perm[d]] = False
            for j in range(n):
                if nz[d, j]:
                    avail[j] += 1
            perm[d] = -1
        found = False
        c = start[d]
        while c < n:
            if nz[d, c] and not used[c]:
                used[c] = True
                perm[d] = c
                for j in range(n):
                    if nz[d, j]:
                        avail[j] -= 1
                ok = True
                for j in range(n):
                    if nz[d, j] and not used[j] and avail[j] == 0:
                        ok = False
                        break
                if ok:
                    found = True
                    break
                used[c] = False
                perm[d] = -1
                for j in range(n):
                    if nz[d, j]:
                        avail[j] += 1
            c += 1
        if found:
            start[d] = c + 1
            if d == n - 1:
                if record:
                    p = 1.0
                    for i in range(n):
                        perms[count, i] = perm[i]
                        p *= A[i, perm[i]]
                    products[count] = p
                count += 1
                if count > limit:
                    return count
            else:
                d += 1
                start[d] = 0
                perm[d] = -1
        else:
            if d == 0:
                break
            d -= 1
    return count


def _permutation_sign(perm: np.ndarray) -> float:
    """(-1)^(n - number of cycles)."""
    n = perm.size
    seen = np.zeros(n, dtype=bool)
    cycles = 0
    for i in range(n):
        if not seen[i]:
            cycles += 1
            j = i
            while not seen[j]:
                seen[j] = True
                j = perm[j]
    return float((-1) ** (n - cycles))


# ------------------------------------------------------------------------------------------------ public
def det(A):
    """Determinant of a square real or complex matrix by LU with partial pivoting.

    Pivoting is essential for Milne's matrix: ``A[0, 0] = A[n-1, n-1] = 0``.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries. Complex input is kept complex (it is never cast to real).

    Returns
    -------
    float or complex
        ``det A``: a float for a real matrix, a complex number for a complex one.

    Examples
    --------
    >>> det([[0.0, 1.0], [1.0, 0.0]])
    -1.0
    >>> det([[1j, 0.0], [0.0, 1.0]])
    1j
    """
    A = _check_square(A)
    value = _det_kernel(A)
    return complex(value) if np.iscomplexobj(A) else float(value)


def slogdet(A):
    """``(sign, log|det A|)`` by LU with partial pivoting; ``(0, -inf)`` for a singular matrix.

    Useful for ``C_core``, whose determinant carries ``kappa = beta^(sum_k (n_k - 1))`` and overflows for wide
    networks.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries.

    Returns
    -------
    sign : float or complex
        ``+1.0`` or ``-1.0`` for a real matrix; for a complex matrix the phase ``det A / |det A|`` (modulus 1),
        as :func:`numpy.linalg.slogdet` returns it. ``0`` when ``A`` is singular.
    logabs : float
        ``log |det A|`` (``-inf`` when ``A`` is singular).
    """
    A = _check_square(A)
    if np.iscomplexobj(A):
        phase, logabs = _slogdet_complex_kernel(A)
        return complex(phase), float(logabs)
    sign, logabs = _slogdet_kernel(A)
    return float(sign), float(logabs)


def det_batched(As) -> np.ndarray:
    """Determinants of a stack of square matrices, ``(B, n, n) -> (B,)``.

    Parameters
    ----------
    As : array_like (B, n, n)
        Finite real or complex entries.

    Returns
    -------
    ndarray (B,)
        float64 for a real stack, complex128 for a complex one.
    """
    As = _check_matrices(As, "As", 3)
    out = np.empty(As.shape[0], dtype=As.dtype)
    bad = _det_columns_kernel(As, out)
    if bad >= 0:
        raise ValueError(f"As: matrix {bad} contains non-finite values")
    return out


def leibniz_terms(A, max_terms: int = 100_000):
    """The non-zero terms of the Leibniz expansion ``det A = sum_sigma sgn(sigma) prod_i A[i, sigma(i)]``.

    Found by a depth-first search over the structural non-zeros of ``A`` (row by row, pruning as soon as a column
    can no longer be covered), which for Milne's matrix costs about one step per input-to-output path rather than
    ``n!``.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries; an entry counts as structurally non-zero when it is ``!= 0``.
    max_terms : int
        Refuse (``ValueError``) matrices with more non-zero terms than this.

    Returns
    -------
    perms : int array (K, n)
        ``perms[t, i] = sigma(i)`` (0-based), in lexicographic order.
    signs : float array (K,)
        ``sgn(sigma)``.
    products : float or complex array (K,)
        ``prod_i A[i, sigma(i)]`` (complex for a complex ``A``); the determinant is ``(signs * products).sum()``.
    """
    A = _check_square(A)
    max_terms = positive_int(max_terms, "max_terms")
    n = A.shape[0]
    count = int(_leibniz_kernel(A, np.empty((0, n), dtype=np.int64), np.empty(0, dtype=A.dtype), False, max_terms))
    if count > max_terms:
        raise ValueError(f"A: has more than max_terms={max_terms} non-zero Leibniz terms (the search stopped there); "
                         "a dense n x n matrix has n! of them")
    perms = np.empty((count, n), dtype=np.int64)
    products = np.empty(count, dtype=A.dtype)
    _leibniz_kernel(A, perms, products, True, max_terms)
    signs = np.array([_permutation_sign(p) for p in perms])
    return perms, signs, products
