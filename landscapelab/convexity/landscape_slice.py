"""A 2-D slice of the regularised loss in weight space around a teacher."""

from __future__ import annotations


import numpy as np

from .._validate import as_float_array, positive_int
from .derivatives import _batched_quantities
from .network import _real, unflatten
from .region import Teacher, max_norm_1, threshold

__all__ = ["weight_slice", "radial_plane"]


def radial_plane(w, seed: int = 0) -> np.ndarray:
    """Two orthonormal directions: ``D_1 = W / ||W||`` (the radial direction) and a random ``D_2`` orthogonal to it.

    The plane ``W + s D_1 + u D_2`` then contains the whole ray from ``W = 0`` through ``W``: every point of it is
    ``(||W|| + s) D_1 + u D_2``, so the projection of a gradient onto the plane has the same inner product with the
    point as the gradient itself, and the radial derivative of erratum E12 can be read off the arrows. The
    activation regions of a bias-free network are cones (``y(a, cW) = c^(H+1) y(a, W)`` with unchanged switches for
    ``c > 0``), so in this plane they are sectors with apex ``W = 0`` (at ``s = -||W||``).

    Parameters
    ----------
    w : array_like (m,)
        A non-zero flat weight vector.
    seed : int
        Seed of ``numpy.random.default_rng`` for ``D_2``.

    Returns
    -------
    ndarray (2, m)
        ``[D_1, D_2]``.
    """
    w = as_float_array(w, "w", ndim=1)
    norm = float(np.linalg.norm(w))
    if norm == 0.0:
        raise ValueError("w: expected a non-zero weight vector")
    d1 = w / norm
    z = np.random.default_rng(seed).standard_normal(w.size)
    z -= (z @ d1) * d1
    return np.array([d1, z / np.linalg.norm(z)])


# ------------------------------------------------------------------------------------------------ 2-D slice
def weight_slice(t: Teacher, extent: float, grid: int = 41, lam: float = 0.05, theta: float = 0.025,
                 seed: int = 0, directions=None) -> dict:
    """The plane ``W* + s D_1 + u D_2`` (``|s|, |u| <= extent``, unit orthogonal random directions) sampled on a
    ``grid x grid`` lattice: activation-region labels, ``l``, ``lambda_min`` of ``Hess l``, membership of ``U``
    and the projected negative gradient of ``l_lambda`` (dictionary of arrays of shape ``(grid, grid)``).
    ``lambda_min Hess l_lambda = lambda_min Hess l + 2 lambda`` for any ``lambda``.

    Parameters
    ----------
    t : Teacher
        A zero-loss teacher (:func:`teacher`).
    extent : float
        Half-width of the square in weight units.
    grid : int
        Points per side.
    lam : float
        Weight decay ``lambda``.
    theta : float
        Theorem 4's ``theta`` in ``(0, lambda)``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    directions : array_like (2, m), optional
        ``D_1, D_2`` (default: random orthonormal, from ``seed``; see :func:`radial_plane`).

    Returns
    -------
    dict
        Arrays of shape ``(grid, grid)`` and the directions, threshold and extent.
    """
    if not isinstance(t, Teacher):
        raise TypeError(f"t: expected a Teacher, got {type(t).__name__}")
    extent = _real(extent, "extent", low=0.0, low_open=True)
    grid = positive_int(grid, "grid")
    lam = _real(lam, "lam", low=0.0, low_open=True)
    theta = _real(theta, "theta", low=0.0, low_open=True, high=lam)
    m = t.w.size
    if directions is None:
        D = np.linalg.qr(np.random.default_rng(seed).standard_normal((m, 2)))[0].T
    else:
        D = as_float_array(directions, "directions", shape=(2, m))
    coords = np.linspace(-extent, extent, grid)
    S, Uc = np.meshgrid(coords, coords, indexing="xy")
    Wb = t.w[None, :] + S.reshape(-1, 1) * D[0][None, :] + Uc.reshape(-1, 1) * D[1][None, :]
    y, g, Hy, _, s = _batched_quantities(Wb, t.X, t.dims)
    e = y - t.F[None, :]
    N = t.X.shape[0]
    hess = 2.0 / N * (np.einsum("gip,giq->gpq", g, g) + np.einsum("gi,gipq->gpq", e, Hy))
    lam_min = np.linalg.eigvalsh(hess)[:, 0]
    ell = np.mean(e ** 2, axis=1)
    grad = 2.0 / N * np.einsum("gi,gip->gp", e, g) + 2.0 * lam * Wb
    hidden = s[:, :, t.dims[0]:]                     # switches of layers 1..H+1 on every input
    _, labels = np.unique(hidden.reshape(hidden.shape[0], -1) > 0, axis=0, return_inverse=True)
    nW = np.array([max_norm_1(unflatten(wv, t.dims)) for wv in Wb])
    thr = threshold(t.F, t.beta, t.H, lam, theta)
    inU = (nW < t.beta - 1) & np.all(np.abs(e) < t.F[None, :] / 2, axis=1) & (np.sqrt(ell) < thr)
    shape = (grid, grid)
    return {"s": S, "u": Uc, "labels": labels.reshape(shape), "loss": ell.reshape(shape),
            "lam_min": lam_min.reshape(shape), "in_U": inU.reshape(shape), "threshold": thr,
            "grad_s": -(grad @ D[0]).reshape(shape), "grad_u": -(grad @ D[1]).reshape(shape),
            "weight_norm2": np.sum(Wb ** 2, axis=1).reshape(shape), "directions": D, "extent": extent}
