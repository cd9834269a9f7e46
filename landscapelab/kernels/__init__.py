"""Numba-compiled kernels, each with a pure-NumPy twin of the same name and signature in :mod:`.reference`.

* :mod:`.determinant`: Milne's matrix ``A(a, W)`` (eq. 7, corrected corner), dense LU determinants (single,
  batched, log), the structured determinant in O(number of weights), the matrices ``C`` and ``C_core`` of
  sections 3.4-3.5 (corrected signs) and the Leibniz path enumeration.
* :mod:`.gershgorin`: Gershgorin discs, Qi's singular-value intervals, the sigma_min/sigma_max bounds, Johnson's
  bound and the (invalid) row-only variant.

Setting ``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python.
"""

from . import reference
from .determinant import (CORNERS, c_core_kappa, c_core_matrix, c_matrix, det, det_batched, leibniz_terms,
                          milne_det, milne_matrix, slogdet)
from .gershgorin import (RADII, gershgorin_discs, in_union, johnson_bound, off_diagonal_sums, qi_intervals,
                         singular_value_bounds, violation_counts)

__all__ = ["det", "det_batched", "slogdet", "milne_matrix", "milne_det", "c_matrix", "c_core_matrix",
           "c_core_kappa", "leibniz_terms", "qi_intervals", "gershgorin_discs", "off_diagonal_sums",
           "singular_value_bounds", "johnson_bound", "in_union", "violation_counts", "CORNERS", "RADII", "reference"]
