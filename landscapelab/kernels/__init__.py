"""General Numba-compiled linear algebra, each kernel with a pure-NumPy twin of the same name in :mod:`.reference`.

* :mod:`.determinant`: dense LU determinants (single, batched, log) and the Leibniz expansion of any matrix;
* :mod:`.gershgorin`: Gershgorin discs, Qi's singular-value intervals, the sigma_min/sigma_max bounds, Johnson's
  bound and the (invalid) row-only variant;
* :mod:`.elementwise`: a vectorised ``tanh`` (the hidden activation of the core's networks).

Milne's matrix ``A(a, W)`` and its structured determinant belong to the convexity chapter and live in
:mod:`landscapelab.convexity.determinant`; the names ``milne_matrix``, ``milne_det``, ``c_matrix``,
``c_core_matrix``, ``c_core_kappa`` and ``CORNERS`` stay reachable here (``ll.kernels.milne_det``) for code written
against earlier versions, and are loaded from the chapter package on first use.

Setting ``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python.
"""

import importlib

from . import reference
from .determinant import det, det_batched, leibniz_terms, slogdet
from .elementwise import tanh
from .gershgorin import (RADII, gershgorin_discs, in_union, johnson_bound, off_diagonal_sums, qi_intervals,
                         singular_value_bounds, violation_counts)

_FROM_CONVEXITY = ("milne_matrix", "milne_det", "c_matrix", "c_core_matrix", "c_core_kappa", "CORNERS")

__all__ = ["det", "det_batched", "slogdet", "leibniz_terms", "tanh", "qi_intervals", "gershgorin_discs",
           "off_diagonal_sums", "singular_value_bounds", "johnson_bound", "in_union", "violation_counts", "RADII",
           "reference", *_FROM_CONVEXITY]


def __getattr__(name):
    if name in _FROM_CONVEXITY:
        value = getattr(importlib.import_module("landscapelab.convexity.determinant"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'landscapelab.kernels' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FROM_CONVEXITY))
