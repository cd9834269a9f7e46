"""Milne's determinant for many inputs through one network: the weights validated and flattened once.

:func:`~landscapelab.convexity.determinant.milne_det` checks and concatenates all the weights on every call: for a
network with 5 hidden layers of width 100 (50,100 weights) that takes about three times as long as the
O(number of weights) kernel itself. :class:`MilneNetwork` does that work once, when it is built; its
:meth:`~MilneNetwork.det` then checks only the input ``a`` (a few microseconds) and calls the same kernel, so
``MilneNetwork(weights).det(a)`` equals ``milne_det(a, weights)`` bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..kernels.determinant import _all_finite
from .determinant import CORNERS, _check_input, _check_weights, _corner_value, _milne_det_kernel
from .._validate import choice

__all__ = ["MilneNetwork"]


class MilneNetwork:
    """A bias-free ReLU network with a ReLU'd scalar output (Milne's eq. 1), prepared for :meth:`det`.

    The weights are validated (real, finite, chained shapes, scalar output) and copied into one flat vector when
    the object is built; later changes to the caller's arrays do not reach it.

    Parameters
    ----------
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout, ``W_k`` of shape ``(n_k, n_(k+1))``, ``W_H`` of shape
        ``(n_H, 1)``.

    Attributes
    ----------
    dims : tuple of int
        The widths ``(n_0, ..., n_H, 1)``.
    H : int
        The number of hidden layers.

    Examples
    --------
    The book's worked example (input (1, 2), output 5):

    >>> net = MilneNetwork([[[1.0, 3.0], [1.0, -1.0]], [[1.0], [2.0]]])
    >>> net.det([1.0, 2.0])
    5.0
    """

    def __init__(self, weights):
        flat, dims = _check_weights(weights)
        self._w = flat                     # a fresh array (np.concatenate), so the caller's weights may change
        self._dims = dims
        self.dims = tuple(int(d) for d in dims)
        self.H = len(self.dims) - 2
        self._corners = {c: _corner_value(c, self.H) for c in CORNERS}
        self._total = int(dims.sum())

    def __repr__(self) -> str:
        return f"MilneNetwork(dims={self.dims})"

    def det(self, a, corner: str = "corrected") -> float:
        """``det A(a, W)`` by the O(number of weights) block back-substitution of :func:`milne_det` (Lemma 3:
        ``y(a, W)`` with the corrected corner, ``-y`` with the printed one, erratum E1).

        Only ``a`` is checked here (the weights were checked when the object was built).

        Parameters
        ----------
        a : array_like (n_0,)
            One input.
        corner : {"corrected", "paper"}
            The corner ``(-1)^H`` (``det A = y``) or the printed ``(-1)^(H+1)`` (``det A = -y``, erratum E1).

        Returns
        -------
        float
            ``det A(a, W)``, equal to ``milne_det(a, weights, corner)``.
        """
        c = self._corners.get(corner) if type(corner) is str else None
        if c is None:
            c = _corner_value(choice(corner, "corner", CORNERS), self.H)
        n0 = self.dims[0]
        if not (type(a) is np.ndarray and a.dtype == np.float64 and a.shape == (n0,) and a.flags.c_contiguous
                and _all_finite(a)):
            a = _check_input(a)
            if a.size != n0:
                raise ValueError(f"a: expected shape ({n0},) (the input width n_0 of the network), got {a.shape}")
        return float(_milne_det_kernel(a, self._w, self._dims, c, np.empty(self._total), np.empty(self._total)))
