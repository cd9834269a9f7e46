"""NumPy twins of the Numba kernels, with the same names and signatures.

They are written independently of the kernels (dense NumPy/LAPACK calls, block assignments, brute-force
enumeration) and serve as the oracles the kernels are tested against. They validate input the same way.
"""


from __future__ import annotations

import itertools

import numpy as np

from .._validate import as_float_array, choice, positive_int
from .determinant import _check_matrices, _check_square
from .gershgorin import RADII, in_union

_FROM_CONVEXITY = ("milne_matrix", "milne_det", "c_matrix", "c_core_matrix", "c_core_kappa")

__all__ = ["det", "det_batched", "slogdet", "leibniz_terms", "tanh", "off_diagonal_sums", "qi_intervals",
           "gershgorin_discs", "singular_value_bounds", "johnson_bound", "in_union", *_FROM_CONVEXITY]


# ------------------------------------------------------------------------------------------------ determinants
def det(A):
    A = _check_square(A)
    value = np.linalg.det(A)
    return complex(value) if np.iscomplexobj(A) else float(value)


def slogdet(A):
    A = _check_square(A)
    sign, logabs = np.linalg.slogdet(A)
    return (complex(sign) if np.iscomplexobj(A) else float(sign)), float(logabs)


def det_batched(As) -> np.ndarray:
    As = _check_matrices(As, "As", 3)
    finite = np.isfinite(As).all(axis=(1, 2))
    if not finite.all():
        raise ValueError(f"As: matrix {int(np.argmin(finite))} contains non-finite values")
    return np.linalg.det(As)



def leibniz_terms(A, max_terms: int = 100_000):
    """Brute force over all n! permutations (n <= 9 only); a term counts when all its n entries are non-zero."""
    A = _check_square(A)
    max_terms = positive_int(max_terms, "max_terms")
    n = A.shape[0]
    if n > 9:
        raise ValueError(f"A: the brute-force twin enumerates n! permutations and accepts n <= 9, got n = {n}")
    perms, signs, products = [], [], []
    for perm in itertools.permutations(range(n)):
        entries = A[np.arange(n), perm]
        if np.all(entries != 0.0):                 # structurally non-zero (the product itself may underflow)
            p = np.prod(entries)
            perms.append(perm)
            inversions = sum(perm[i] > perm[j] for i in range(n) for j in range(i + 1, n))
            signs.append(-1.0 if inversions % 2 else 1.0)
            products.append(p)
    if len(perms) > max_terms:
        raise ValueError(f"A: has more than max_terms={max_terms} non-zero Leibniz terms (the search stopped there); "
                         "a dense n x n matrix has n! of them")
    return (np.array(perms, dtype=np.int64).reshape(len(perms), n), np.array(signs),
            np.array(products, dtype=A.dtype))


# ------------------------------------------------------------------------------------------------ elementwise
def tanh(x, out=None) -> np.ndarray:
    """``numpy.tanh`` with the argument checks of :func:`landscapelab.kernels.tanh`.

    Parameters
    ----------
    x : array_like
        Real numbers (any shape).
    out : ndarray, optional
        Where to write the result (float64, the shape of ``x``, C-contiguous).

    Returns
    -------
    ndarray
        ``tanh(x)``, the shape of ``x``.
    """
    x = np.asarray(as_float_array(x, "x", finite=False))
    if out is None:
        return np.tanh(x)
    if not (isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == x.shape
            and out.flags.c_contiguous):
        raise ValueError(f"out: expected a C-contiguous float64 array of shape {x.shape}")
    return np.tanh(x, out=out)


# ------------------------------------------------------------------------------------------------ Gershgorin / Qi
def off_diagonal_sums(A):
    A = _check_square(A)
    absA = np.abs(A)
    b = np.diag(absA).copy()
    return b, absA.sum(axis=1) - b, absA.sum(axis=0) - b


def qi_intervals(A, radius: str = "max"):
    choice(radius, "radius", RADII)
    b, r, c = off_diagonal_sums(A)
    s = {"max": np.maximum(r, c), "rows": r, "columns": c, "mean": 0.5 * (r + c)}[radius]
    return np.maximum(b - s, 0.0), b + s


def gershgorin_discs(A):
    A = _check_square(A)
    b, r, _ = off_diagonal_sums(A)
    return np.diag(A).copy(), r


def singular_value_bounds(A, radius: str = "max"):
    lower, upper = qi_intervals(A, radius)
    return float(lower.min()), float(upper.max())


def johnson_bound(A) -> float:
    b, r, c = off_diagonal_sums(A)
    return float(np.min(b - 0.5 * (r + c)))


in_union = in_union


def document_twins(namespace: dict, kernels, names) -> None:
    """Give each NumPy twin in ``namespace`` the documentation of its kernel (the same parameters and results),
    headed by a line that names the kernel it is the oracle for."""
    for name in names:
        kernel = getattr(kernels, name)
        summary, _, rest = (kernel.__doc__ or "").partition("\n")
        namespace[name].__doc__ = (f"NumPy twin of :func:`{kernel.__module__}.{name}`: {summary.strip()}"
                                   f"\n{rest}")


def __getattr__(name):
    """The twins of Milne's kernels live in :mod:`landscapelab.convexity.reference`; reachable here too."""
    if name in _FROM_CONVEXITY:
        import importlib

        value = getattr(importlib.import_module("landscapelab.convexity.reference"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _twin_docs():
    from . import determinant, gershgorin

    document_twins(globals(), determinant, ("det", "slogdet", "det_batched", "leibniz_terms"))
    document_twins(globals(), gershgorin, ("off_diagonal_sums", "qi_intervals", "gershgorin_discs",
                                           "singular_value_bounds", "johnson_bound"))


_twin_docs()
