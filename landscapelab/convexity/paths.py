"""The input-to-output paths of eq. (8) whose terms are non-zero, and the non-zero Leibniz terms of ``det A`` in
cycle notation: the combinatorics behind ``y(a, W) = det A(a, W)`` (erratum E4: ``H + 1`` weights per path)."""

from __future__ import annotations

import numpy as np

from .. import kernels
from .._validate import checked
from .network import masked_weights

__all__ = ["active_paths", "leibniz_cycles"]


def active_paths(a, weights):
    """The input-to-output paths ``(j_0, ..., j_H)`` whose term ``a_(j_0) prod_k (V_k)[j_k, j_(k+1)]`` is non-zero,
    with those terms (eq. 8), by brute force over all ``n_0 n_1 ... n_H`` paths.

    Parameters
    ----------
    a : array_like (n_0,)
        One input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``.

    Returns
    -------
    paths : list of tuple
        The paths ``(j_0, ..., j_H)`` with a non-zero term.
    terms : ndarray
        Their terms ``a_(j_0) prod_(k=0..H) (V_k)[j_k, j_(k+1)]`` (erratum E4: ``H + 1`` weights per path).
    """
    V = masked_weights(a, weights)
    a = np.asarray(a, dtype=float)
    paths, terms = [], []
    for path in np.ndindex(*[Vk.shape[0] for Vk in V]):
        term = a[path[0]]
        for k, j in enumerate(path):
            term *= V[k][j, path[k + 1] if k + 1 < len(path) else 0]
        if term != 0.0:
            paths.append(tuple(int(j) for j in path))
            terms.append(float(term))
    return paths, np.array(terms)


@checked(A="matrix")
def leibniz_cycles(A):
    """The non-zero Leibniz terms of ``det A`` as cycle notation (1-based, as in the paper), with sign, raw product
    and signed term: a list of ``(cycles, sign, product, term)``; fixed points are left out of ``cycles``.

    Parameters
    ----------
    A : array_like (n, n)
        A square matrix.

    Returns
    -------
    list of tuple
        ``(cycles, sign, product, term)`` per non-zero term.
    """
    perms, signs, products = kernels.leibniz_terms(A)
    out = []
    for perm, sign, prod in zip(perms, signs, products):
        seen, cycles = set(), []
        for i in range(perm.size):
            if i in seen or perm[i] == i:
                continue
            cyc, j = [], i
            while j not in seen:
                seen.add(j)
                cyc.append(j + 1)
                j = int(perm[j])
            cycles.append(tuple(cyc))
        out.append((cycles, float(sign), float(prod), float(sign * prod)))
    return out
