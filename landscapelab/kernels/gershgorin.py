"""Gershgorin-type inclusion sets: discs for eigenvalues, Qi's intervals for singular values (Numba kernels).

For a square matrix ``A`` let ``b_i = |a_ii|``, ``r_i = sum_(j != i) |a_ij|`` (off-diagonal row sum) and
``c_i = sum_(j != i) |a_ji|`` (off-diagonal column sum).

* Gershgorin (1931): every eigenvalue lies in the union of the discs ``|z - a_ii| <= r_i``.
* Qi (1984, Linear Algebra Appl. 56, 105-119; Milne's Theorem 3): with ``s_i = max(r_i, c_i)``, every singular
  value lies in the **union** of the intervals ``[(b_i - s_i)_+, b_i + s_i]``. It is a union statement: the i-th
  singular value need not lie in the i-th interval. Hence ``sigma_min >= min_i (b_i - s_i)_+`` and
  ``sigma_max <= max_i (b_i + s_i)``.
* Johnson (1989, Linear Algebra Appl. 112, 1-7): ``sigma_min >= min_i (b_i - (r_i + c_i)/2)``; only a bound on
  ``sigma_min``, not an inclusion set.

Using the row sums alone (the eigenvalue habit, ``radius="rows"``) is **wrong** for singular values: a matrix with
one heavy column has singular values outside every row interval. The chapter shows this with that variant.

Each public function validates its input and calls an ``@njit(cache=True)`` kernel; the NumPy twins with the same
names and signatures are in :mod:`landscapelab.kernels.reference`.
"""

from __future__ import annotations

import numpy as np
from .._numba import njit

from .._validate import as_float_array, choice, positive_int, positive_number
from .determinant import _check_square, _check_square_shape

__all__ = ["off_diagonal_sums", "qi_intervals", "gershgorin_discs", "singular_value_bounds", "johnson_bound",
           "in_union", "violation_counts", "RADII"]

#: Interval radii: Qi's ``max(r_i, c_i)``, the wrong ``r_i`` ("rows") or ``c_i`` ("columns"), and ``(r_i + c_i)/2``
#: ("mean", Johnson's radius, which is a valid sigma_min bound but not a valid inclusion set).
RADII = ("max", "rows", "columns", "mean")


@njit(cache=True, fastmath={"reassoc", "nsz"})
def _sums_kernel(A, b, r, c):
    """One sweep over A: |diagonal|, off-diagonal absolute row sums and column sums.

    Each row is summed whole and its diagonal entry subtracted afterwards (as the NumPy twin does), so the sweep
    over a row is one branch-free loop that vectorises (unsigned indices, reassociated sums). A non-finite entry
    shows up as a non-finite sum.
    """
    n = A.shape[0]
    hi = np.uint64(n)
    for j in range(hi):
        c[j] = 0.0
    for i in range(n):
        row = A[i]
        acc = 0.0
        for j in range(hi):
            v = abs(row[j])
            acc += v
            c[j] += v
        d = abs(row[i])
        b[i] = d
        r[i] = acc - d
    for j in range(hi):
        c[j] -= b[j]


@njit(cache=True)
def _intervals_kernel(b, r, c, rule, lower, upper):
    """Intervals [(b_i - s_i)_+, b_i + s_i] from the sums; rule 0: s = max(r, c), 1: r, 2: c, 3: (r + c)/2."""
    for i in range(b.size):
        if rule == 0:
            s = r[i] if r[i] > c[i] else c[i]
        elif rule == 1:
            s = r[i]
        elif rule == 2:
            s = c[i]
        else:
            s = 0.5 * (r[i] + c[i])
        lo = b[i] - s
        lower[i] = lo if lo > 0.0 else 0.0
        upper[i] = b[i] + s


def _sums(A):
    """``(A, b, r, c)`` for a validated square matrix: the sums come from one sweep, which also serves as the
    finiteness check (a non-finite entry makes a sum non-finite; only then is A searched entry by entry)."""
    A = _check_square_shape(A)
    n = A.shape[0]
    b, r, c = np.empty(n), np.empty(n), np.empty(n)
    _sums_kernel(A, b, r, c)
    if not (np.isfinite(r).all() and np.isfinite(c).all()):
        _check_square(A)          # raises naming the non-finite entries (a finite A can only overflow here)
    return A, b, r, c


def off_diagonal_sums(A):
    """The absolute diagonal, the off-diagonal absolute row sums and column sums of ``A``.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries (complex entries enter through their modulus).

    Returns
    -------
    b, r, c : ndarray (n,)
        ``b_i = |a_ii|``, ``r_i = sum_(j != i) |a_ij|``, ``c_i = sum_(j != i) |a_ji|``.
    """
    _, b, r, c = _sums(A)
    return b, r, c


def qi_intervals(A, radius: str = "max"):
    """Qi's singular-value intervals ``(lower, upper)``, each of shape ``(n,)``.

    ``lower[i] = (|a_ii| - s_i)_+`` and ``upper[i] = |a_ii| + s_i`` with ``s_i = max(r_i, c_i)`` (Qi 1984; Milne's
    Theorem 3). Every singular value of ``A`` lies in the union of these intervals. Qi's theorem is stated for
    complex matrices, and complex input is supported (entries enter through their modulus).

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries.
    radius : {"max", "rows", "columns", "mean"}
        The interval radius ``s_i``: Qi's ``max(r_i, c_i)``, or for teaching the row sums, the column sums or their
        mean (see :data:`RADII`); only ``"max"`` gives a valid inclusion set.

    Returns
    -------
    lower, upper : ndarray (n,)
        The interval ends.

    >>> lower, upper = qi_intervals([[3.0, 1.0], [0.0, 2.0]])
    >>> lower.tolist(), upper.tolist()
    ([2.0, 1.0], [4.0, 3.0])
    """
    rule = RADII.index(choice(radius, "radius", RADII))
    _, b, r, c = _sums(A)
    lower, upper = np.empty(b.size), np.empty(b.size)
    _intervals_kernel(b, r, c, rule, lower, upper)
    return lower, upper


def gershgorin_discs(A):
    """Gershgorin discs for the eigenvalues.

    Every eigenvalue of ``A`` lies in the union of the discs ``|z - a_ii| <= r_i`` of the complex plane, with
    ``r_i`` the off-diagonal absolute row sum.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries.

    Returns
    -------
    centres : ndarray (n,)
        The diagonal ``a_ii`` (complex for a complex ``A``).
    radii : ndarray (n,)
        The off-diagonal absolute row sums ``r_i``.
    """
    A, _, r, _ = _sums(A)
    return np.diag(A).copy(), r


def singular_value_bounds(A, radius: str = "max"):
    """Bounds on the extreme singular values from the intervals of :func:`qi_intervals`.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries.
    radius : {"max", "rows", "columns", "mean"}
        As in :func:`qi_intervals`.

    Returns
    -------
    lower : float
        ``min_i (b_i - s_i)_+ <= sigma_min(A)``.
    upper : float
        ``max_i (b_i + s_i) >= sigma_max(A)``.
    """
    lower, upper = qi_intervals(A, radius)
    return float(lower.min()), float(upper.max())


def johnson_bound(A) -> float:
    """Johnson's (1989) lower bound on the smallest singular value.

    Parameters
    ----------
    A : array_like (n, n)
        Finite real or complex entries.

    Returns
    -------
    float
        ``min_i (|a_ii| - (r_i + c_i)/2) <= sigma_min(A)`` (when negative it says nothing).
    """
    _, b, r, c = _sums(A)
    return float(np.min(b - 0.5 * (r + c)))


def in_union(values, lower, upper, rtol: float = 1e-12) -> np.ndarray:
    """For each value, whether it lies in the union of the intervals ``[lower_i, upper_i]`` (with a relative
    tolerance ``rtol`` times the largest interval end, for rounding).

    Parameters
    ----------
    values : array_like (k,)
        Real numbers, e.g. singular values.
    lower, upper : array_like (n,)
        The interval ends.
    rtol : float
        Slack relative to the largest interval end.

    Returns
    -------
    ndarray of bool (k,)
    """
    values = as_float_array(values, "values", ndim=1)
    lower = as_float_array(lower, "lower", ndim=1)
    upper = as_float_array(upper, "upper", ndim=1)
    if lower.shape != upper.shape:
        raise ValueError(f"lower, upper: expected the ends of the same intervals (one shape), got {lower.shape} and "
                         f"{upper.shape}")
    rtol = positive_number(rtol, "rtol", allow_zero=True)
    slack = rtol * max(1.0, float(np.abs(upper).max(initial=0.0)))
    return ((values[:, None] >= lower[None, :] - slack) & (values[:, None] <= upper[None, :] + slack)).any(axis=1)


def violation_counts(count: int = 5000, seed: int = 0) -> dict:
    """The inclusion experiment of the chapter: ``count`` random Gaussian matrices of sizes 2..8 (every other one with
    a column inflated 3-10x), checked against the intervals of every radius rule.

    Returns ``{radius: (union_violations, sigma_min_violations)}``: how many matrices have a singular value outside
    the union of the intervals, and how many have ``sigma_min`` below the smallest lower end.

    Parameters
    ----------
    count : int
        Number of random matrices.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict
        ``{radius: (union_violations, sigma_min_violations)}``.
    """
    rng = np.random.default_rng(seed)
    count = positive_int(count, "count")
    counts = {radius: [0, 0] for radius in RADII}
    for k in range(count):
        n = 2 + k % 7
        A = rng.standard_normal((n, n))
        if k % 2:
            A[:, rng.integers(n)] *= rng.uniform(3, 10)
        sv = np.linalg.svd(A, compute_uv=False)
        for radius in RADII:
            lower, upper = qi_intervals(A, radius=radius)
            counts[radius][0] += not in_union(sv, lower, upper).all()
            counts[radius][1] += sv.min() < lower.min() - 1e-12
    return {radius: tuple(c) for radius, c in counts.items()}
