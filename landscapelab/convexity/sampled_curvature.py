"""Theorem 4's threshold against the curvature sampled around a zero-loss teacher: points ``W* + delta z`` with
``sqrt(l)``, ``lambda_min Hess l``, ``rho_max`` and membership of ``U_1 & U_2`` at each, the empirical threshold
below which every sampled Hessian of ``l_lambda`` is positive definite, and how loose Lemma 9's pointwise bound is
(the data of :func:`landscapelab.convexity.demos.curvature_demo`)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import convexity as cv
from .._validate import checked, positive_number

__all__ = ["curvature_samples", "empirical_threshold", "lemma9_looseness", "curvature_table"]

CURVATURE_LAMS = (0.005, 0.05, 0.5)
RADII = (1e-5, 10.0)


@checked(H="count", beta="positive", n="count")
@lru_cache(maxsize=16)
def curvature_samples(H: int, beta: float, n: int = 160, seed: int = 0) -> dict:
    """Points ``W* + delta z`` around a zero-loss 2-4-...-4-1 teacher (N = 12), ``z`` uniform on the sphere and
    ``delta`` log-uniform in ``RADII``, and at each differentiable one with every output positive: sqrt(l),
    lambda_min Hess l (through A^{-1}), rho_max and membership of U_1 & U_2.

    Parameters
    ----------
    H : int
        Number of hidden layers of the teacher (each of width 4).
    beta : float
        Milne's beta > 1 (inputs have ``||a_i||_1 = beta - 1``).
    n : int
        Number of sampled points.
    seed : int
        Seed of the teacher (``seed``) and of the samples (``seed + 1``).

    Returns
    -------
    dict
        Arrays ``sqrt_loss``, ``lam_min``, ``rho_max``, ``U12`` (one entry per kept point) and the constant ``M``.
    """
    t = cv.teacher((2,) + (4,) * H + (1,), 12, beta, seed=seed)
    rng = np.random.default_rng(seed + 1)
    out = {k: [] for k in ("sqrt_loss", "lam_min", "rho_max", "U12")}
    for _ in range(n):
        z = rng.standard_normal(t.w.size)
        w = t.w + np.exp(rng.uniform(*np.log(RADII))) * z / np.linalg.norm(z)
        if not cv.is_differentiable(w, t.X, t.dims) or np.any(cv.outputs(t.X, cv.unflatten(w, t.dims)) == 0):
            continue
        value, _, hess = cv.loss_derivatives(w, t.X, t.F, t.dims)
        out["sqrt_loss"].append(np.sqrt(value))
        out["lam_min"].append(np.linalg.eigvalsh(hess)[0])
        out["rho_max"].append(cv.rho_max(w, t.X, t.dims))
        out["U12"].append(cv.in_U1(w, t.dims, beta) and cv.in_U2(w, t.X, t.F, t.dims))
    out = {k: np.array(v) for k, v in out.items()}
    out["teacher"] = t
    out["M"] = cv.M_constant(t.F, beta, H)
    return out


def _check_samples(samples, keys):
    if not isinstance(samples, dict):
        raise TypeError(f"samples: expected the dict of curvature_samples, got {type(samples).__name__}")
    missing = [k for k in keys if k not in samples]
    if missing:
        raise ValueError(f"samples: expected the dict of curvature_samples; missing {', '.join(missing)}")
    if np.size(samples["sqrt_loss"]) == 0:
        raise ValueError("samples: no sampled points")


def empirical_threshold(samples: dict, lam: float):
    """``(value, censored)``: the smallest sqrt(l) among the sampled points where Hess l_lambda is not positive
    definite (every sample below it is PD); when every sample is PD, ``censored`` is True and ``value`` is the
    largest sampled sqrt(l), a lower bound only.

    Parameters
    ----------
    samples : dict
        What :func:`curvature_samples` returns (keys ``sqrt_loss`` and ``lam_min``).
    lam : float
        The weight decay lambda >= 0 of ``l_lambda`` (Theorem 4).

    Returns
    -------
    tuple
        ``(value, censored)``: a float and a bool.
    """
    _check_samples(samples, ("sqrt_loss", "lam_min"))
    lam = positive_number(lam, "lam", allow_zero=True)
    bad = samples["sqrt_loss"][samples["lam_min"] + 2 * lam <= 0]
    if bad.size:
        return float(bad.min()), False
    return float(samples["sqrt_loss"].max()), True


def lemma9_looseness(samples: dict) -> float:
    """The smallest factor by which the pointwise Lemma 9 bound ``-2 M rho_max sqrt(l)`` undershoots
    lambda_min Hess l at the sampled points of U_1 & U_2 where lambda_min < 0 (NaN if there are none).

    Parameters
    ----------
    samples : dict
        What :func:`curvature_samples` returns.

    Returns
    -------
    float
    """
    _check_samples(samples, ("sqrt_loss", "lam_min", "rho_max", "U12", "M"))
    u = samples["U12"] & (samples["lam_min"] < 0)
    if not u.any():
        return float("nan")
    bound = -2 * samples["M"] * samples["rho_max"][u] * samples["sqrt_loss"][u]
    return float(np.min(bound / samples["lam_min"][u]))


def curvature_table() -> list:
    """Every setting of the curvature demo: ``(H, beta, lambda, Theorem 4 threshold, empirical, censored,
    empirical / Theorem 4)`` with ``theta = lambda / 2``.

    Returns
    -------
    list of tuple
    """
    rows = []
    for lam in CURVATURE_LAMS:
        for H in (1, 2):
            for beta in (2.0, 3.0):
                d = curvature_samples(H, beta)
                emp, censored = empirical_threshold(d, lam)
                paper = (lam - lam / 2) / (2 * d["M"])
                rows.append((H, beta, lam, paper, emp, censored, emp / paper))
    return rows
