"""Piecewise strong convexity is not convexity: a segment inside ``U`` with a concave kink.

Theorem 4 makes ``l_lambda`` agree, on each closed activation region ``B_i``, with a function ``phi_i`` whose
Hessian is ``>= theta I``. It says nothing about how neighbouring pieces meet. Where a segment crosses a boundary
between two regions, ``l_lambda`` along it is locally the *minimum* of the two strongly convex pieces when the
crossing neuron switches on while the residual is negative, and the minimum of two convex functions has a concave
kink. This module builds the smallest example: Milne's network with one input, one hidden layer of width 2 and one
data point, so that the kink can be drawn.

The toy (all quantities in the paper's conventions): input ``a = 1``, target ``f``, weights ``W_0 = (u_1, u_2)``
(1 x 2) and ``W_1 = (v_1, v_2)^T``. At the kink point ``u_2 = 0`` (hidden neuron 2 sits on its switching
boundary, off by eq. 2) and ``u_1 = (f + e_0) / v_1``, so that the output is ``f + e_0`` with a prescribed
error ``e_0 < 0``. The segment is ``W(t) = W(0) + t X`` with ``X`` moving ``u_2`` by 1 and ``v_2`` by
``-e_0 / (2 lambda)``. For ``t <= 0`` neuron 2 is off and ``l_lambda = phi_off(t) = e_0^2 + lambda ||W(t)||^2``;
for ``t > 0`` it is on and ``l_lambda = phi_on(t) = (e_0 + (v_2 + X_v2 t) t)^2 + lambda ||W(t)||^2``. The
one-sided slopes at 0 are ``phi_off'(0) = 2 lambda <W(0), X> = -e_0 v_2 > 0`` and
``phi_on'(0) = phi_off'(0) + 2 e_0 v_2 = e_0 v_2 < 0``: the slope drops across the boundary, so ``t = 0`` is a
strict local maximum of ``l_lambda`` along a segment of ``U``, with a local minimum on either side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array
from .network import _real, loss
from .region import membership, threshold
from .._validate import checked

__all__ = ["KinkSegment", "kink_segment"]


@dataclass
class KinkSegment:
    """The segment ``W(t) = w0 + t direction`` of :func:`kink_segment`, its data and the two pieces.

    Parameters
    ----------
    X : ndarray (1, 1)
        The single input ``a = 1``.
    F : ndarray (1,)
        The target f.
    dims : tuple
        ``(1, 2, 1)``.
    beta, lam, theta : float
        Lemma 9's beta, the weight decay and Theorem 4's theta.
    w0 : ndarray (4,)
        The flat weights ``(u_1, u_2, v_1, v_2)`` at the kink, ``u_2 = 0``.
    direction : ndarray (4,)
        ``(0, 1, 0, -e_0 / (2 lambda))``.
    error : float
        ``e_0 = y - f`` at the kink (negative).
    t_max : float
        The segment ``|t| <= t_max`` lies in U.
    """

    X: np.ndarray          # (1, 1): the single input a = 1
    F: np.ndarray          # (1,): the target f
    dims: tuple            # (1, 2, 1)
    beta: float
    lam: float
    theta: float
    w0: np.ndarray         # flat (u_1, u_2, v_1, v_2) at the kink, u_2 = 0
    direction: np.ndarray  # flat X = (0, 1, 0, -e_0 / (2 lambda))
    error: float           # e_0 = y - f at the kink (< 0)
    t_max: float           # the segment |t| <= t_max lies in U

    @checked(t="real")
    def point(self, t) -> np.ndarray:
        """``W(t)`` as flat weights.

        Parameters
        ----------
        t : float
            Position along the segment.

        Returns
        -------
        ndarray (4,)
        """
        return self.w0 + float(t) * self.direction

    @checked(t="real")
    def loss(self, t) -> float:
        """``l_lambda(W(t))`` through the library's network (:func:`landscapelab.convexity.loss`).

        Parameters
        ----------
        t : float
            Position along the segment.

        Returns
        -------
        float
        """
        return float(loss(self.point(t), self.X, self.F, self.dims, self.lam))

    @checked(t="array")
    def pieces(self, t):
        """``(phi_off(t), phi_on(t))``: the regularised loss with hidden neuron 2 frozen off and frozen on (the
        smooth functions ``phi_i`` of Theorem 4 for the two regions that meet at ``t = 0``).

        Parameters
        ----------
        t : array
            Positions along the segment.

        Returns
        -------
        (ndarray, ndarray)
            Both of the shape of ``t``.
        """
        t = np.asarray(t, dtype=float)
        W = self.w0[None, :] + t.reshape(-1, 1) * self.direction[None, :]
        u1, u2, v1, v2 = W.T
        decay = self.lam * np.sum(W ** 2, axis=1)
        e_off = v1 * u1 - self.F[0]
        e_on = e_off + v2 * u2
        return (e_off ** 2 + decay).reshape(t.shape), (e_on ** 2 + decay).reshape(t.shape)

    def slopes(self):
        """The one-sided slopes ``(phi_off'(0), phi_on'(0)) = (-e_0 v_2, e_0 v_2)`` (closed form).

        Returns
        -------
        (float, float)
        """
        v2 = self.w0[3]
        return -self.error * v2, self.error * v2


def kink_segment(lam: float = 0.1, theta: float = 0.05, beta: float = 2.0, f: float = 0.25, v=(0.5, 0.4),
                 error_fraction: float = 2.0 / 3.0) -> KinkSegment:
    """A segment inside Milne's set ``U`` (eq. 28) along which ``l_lambda`` has a concave kink.

    Parameters
    ----------
    lam, theta : float
        Weight decay ``lambda > 0`` and Theorem 4's ``theta`` in ``(0, lambda)``.
    beta : float
        Lemma 9's ``beta >= 2`` (the input has ``||a||_1 = 1 <= beta - 1``).
    f : float
        The target ``f(a) > 0``.
    v : pair of floats
        The outgoing weights ``(v_1, v_2)``, both ``> 0``, with ``v_1 + v_2 < beta - 1``.
    error_fraction : float
        The error at the kink is ``e_0 = -error_fraction * threshold`` (``0 < error_fraction < 1``), so that
        the kink lies in ``U_3``.

    Returns
    -------
    KinkSegment
        The data, the kink point, the direction and the half-length ``t_max`` of a segment that lies in ``U``
        (checked on 201 points with :func:`landscapelab.convexity.membership`; a ``ValueError`` otherwise).
    """
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=lam)
    beta = _real(beta, "beta", low=2.0)
    f = _real(f, "f", low=0.0, low_open=True)
    v1, v2 = (float(x) for x in as_float_array(v, "v", shape=(2,)))
    if v1 <= 0 or v2 <= 0 or v1 + v2 >= beta - 1:
        raise ValueError(f"v: expected v_1, v_2 > 0 with v_1 + v_2 < beta - 1 = {beta - 1:g}, got ({v1}, {v2})")
    error_fraction = _real(error_fraction, "error_fraction", low=0.0, low_open=True, high=1.0)
    X, F, dims = np.array([[1.0]]), np.array([f]), (1, 2, 1)
    thr = threshold(F, beta, 1, lam, theta)
    e0 = -error_fraction * min(thr, f / 2)
    u1 = (f + e0) / v1
    w0 = np.array([u1, 0.0, v1, v2])
    dv2 = -e0 / (2.0 * lam)
    direction = np.array([0.0, 1.0, 0.0, dv2])
    # on the right the error is e_0 + (v_2 + dv2 t) t; stop at 90% of the t where it reaches the threshold
    bound = min(thr, f / 2)
    t_err = (-v2 + math.sqrt(v2 * v2 + 4.0 * dv2 * (bound - e0))) / (2.0 * dv2)
    t_norm = min(beta - 1 - u1, (beta - 1 - v1 - v2) / dv2)          # |u_1| + |t| and v_1 + v_2 + dv2 t < beta - 1
    seg = KinkSegment(X, F, dims, beta, lam, theta, w0, direction, e0, 0.9 * min(t_err, t_norm))
    for t in np.linspace(-seg.t_max, seg.t_max, 201):
        if not membership(seg.point(t), X, F, dims, beta, lam, theta).U:
            raise ValueError(f"lam, theta, beta, f, v: the segment leaves U at t = {t:.3g}")
    return seg
