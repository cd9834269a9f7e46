"""Gradient descent on the paper's model, with the quantities of Section 5 recorded along the way.

:func:`gradient_descent` runs ``theta_{t+1} = theta_t - eta grad L(theta_t)`` with ``eta = omega / beta_0``
(``beta_0`` the sharpness ``lambda_max(grad^2 L(theta_0))``, or a given ``lr``) and records the loss,
``||grad L||``, ``||gbar_t||`` and the distances of Definition 3.1 that decide whether the iterates stay in
the spectral ball of Assumption 4 (A4.2). At chosen steps :func:`step_analysis` measures what Theorems 5.1-5.3
are about:

* the curvature of the loss along ``gbar`` and inside the cone
  (:class:`~landscapelab.rsc.cone.ConeCurvature`): the critical angle ``kappa*_t``, the residual part
  ``||R_t||`` and the plug-in RSC constant ``2 ||gbar||^2 - ||R||`` (Theorem 5.1's mechanism with measured
  numbers);
* the sharpness ``lambda_max(grad^2 L)`` (a lower bound on any smoothness constant beta valid near theta_t)
  and the extreme eigenvalues of the NTK;
* ``cos(gbar_t, grad L(theta_t))``: whether the descent direction lies in a cone ``Q_kappa`` at all;
* Theorem 5.3's per-step factor for ``kappa = 1``, the one member of the family whose restricted minimum is
  computable: ``B_t`` is then the segment ``theta_t + s ghat``, ``|s| <= rho_2``, so ``L(bar theta_{t+1})`` is
  a one-dimensional minimum and ``gamma_t = L(bar theta_{t+1}) / L(theta_t)`` (with ``L* = 0``, which gradient
  descent itself certifies by reaching a loss near 0); the RSC constant on the segment is measured from loss
  values (Definition 5.1), ``beta_t`` is the sharpness and ``omega_t = eta beta_t``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar

from .._validate import as_float_array, boolean, positive_int, positive_number
from ..curvature import eigenvalues, hessian_operator, tangent_kernel_operator
from ..curvature import ConvergenceWarning
from .cone import ConeCurvature
from .constants import contraction
from .derivatives import average_gradient, residual_operator
from .model import check_network, loss, spectral_distances

__all__ = ["GDRun", "gradient_descent", "step_analysis", "line_restriction"]


@dataclass
class GDRun:
    """What :func:`gradient_descent` recorded.

    Attributes
    ----------
    lr : float
        Step size.
    beta0 : float
        The sharpness at theta_0 the step size was derived from.
    step : ndarray
        Every step index (``step[-1]`` is the last iterate).
    loss : ndarray
        ``L(theta_t)`` at every step.
    grad_norm : ndarray
        ``||grad L(theta_t)||`` at every step.
    gbar_step : ndarray
        The steps at which ``gbar_norm`` was recorded (every ``gbar_every``-th).
    gbar_norm : ndarray
        ``||gbar_t||`` (Theorem 5.1) at those steps.
    ball_step : ndarray
        The steps at which ``dW`` and ``dv`` were recorded (every ``ball_every``-th and the last).
    dW : ndarray
        ``max_l ||W^(l)_t - W^(l)_0||_2`` (Assumption 4's spectral ball).
    dv : ndarray
        ``||v_t - v_0||``.
    analyses : list of dict
        :func:`step_analysis` at the requested steps.
    w : ndarray
        The last iterate.
    """

    lr: float
    beta0: float
    step: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    gbar_step: np.ndarray
    gbar_norm: np.ndarray
    ball_step: np.ndarray
    dW: np.ndarray
    dv: np.ndarray
    analyses: list = field(default_factory=list)
    w: np.ndarray | None = None

    def in_ball(self, rho: float, rho1: float) -> np.ndarray:
        """Whether each recorded iterate lies in ``B^Spec_{rho, rho1}(theta_0)`` (Assumption 4, A4.2).

        Parameters
        ----------
        rho, rho1 : float
            Radii of Definition 3.1.

        Returns
        -------
        ndarray of bool, one per ``ball_step``
        """
        rho = positive_number(rho, "rho", allow_zero=True)
        rho1 = positive_number(rho1, "rho1", allow_zero=True)
        return (self.dW <= rho) & (self.dv <= rho1)

    def analysis(self, name: str) -> np.ndarray:
        """One quantity of :func:`step_analysis` across the analysed steps.

        Parameters
        ----------
        name : str
            A key of the analysis dicts (e.g. ``"kappa_star"``).

        Returns
        -------
        ndarray
        """
        if not self.analyses or name not in self.analyses[0]:
            raise ValueError(f"name: no recorded quantity {name!r}")
        return np.array([a[name] for a in self.analyses])


def _step_list(value, name) -> list:
    """Step indices (non-negative integers) as a list."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name}: expected a sequence of step indices, got {type(value).__name__}")
    arr = as_float_array(np.asarray(list(value)) if not isinstance(value, np.ndarray) else value, name, ndim=1)
    if np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name}: expected non-negative integer steps, got {arr.tolist()}")
    return [int(t) for t in arr]


def _positive_list(value, name) -> list:
    """Positive finite numbers as a list."""
    arr = as_float_array(value, name, ndim=1)
    if arr.size == 0 or np.any(arr <= 0):
        raise ValueError(f"{name}: expected positive numbers, got {arr.tolist()}")
    return [float(a) for a in arr]


def _values(net, X, y, W) -> np.ndarray:
    """The loss (1/n) sum (f - y)^2 at each row of W (forward passes only)."""
    return np.array([float(np.mean((np.asarray(net(w, X))[:, 0] - y) ** 2)) for w in np.atleast_2d(W)])


def line_restriction(net, X, y, w, gbar, radius: float, points: int = 4) -> dict:
    """The loss on the segment ``theta_t + s ghat``, ``|s| <= radius`` (the set ``B_t`` for ``kappa = 1``).

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    X, y : arrays (n, d), (n,)
        Data.
    w : array (P,)
        theta_t.
    gbar : array (P,)
        The axis.
    radius : float
        rho_2.
    points : int
        Grid points on each side of 0 for the RSC constant.

    Returns
    -------
    dict
        ``alpha``: the largest alpha with ``L(theta_t + s ghat) >= L + s <ghat, grad L> + alpha s^2 / 2`` on
        the grid (Definition 5.1 restricted to the segment); ``minimum``: the minimum of the loss on the
        segment (bounded scalar minimisation around the best grid point, compared with the grid and with
        ``L(theta_t)``).
    """
    radius = positive_number(radius, "radius")
    points = positive_int(points, "points")
    f = loss(net, X, y)
    w = as_float_array(w, "w", shape=(net.n_params,))
    gbar = as_float_array(gbar, "gbar", shape=(net.n_params,))
    if not np.linalg.norm(gbar) > 0:
        raise ValueError("gbar: the direction of a zero average gradient is undefined")
    ghat = gbar / np.linalg.norm(gbar)
    L0 = f.value(w)
    slope = float(ghat @ f.gradient(w))
    grid = radius * np.arange(-points, points + 1) / points
    vals = _values(net, X, y, w[None, :] + grid[:, None] * ghat[None, :])
    vals[points] = L0
    nz = grid != 0
    alpha = float(np.min(2.0 * (vals[nz] - L0 - grid[nz] * slope) / grid[nz] ** 2))
    i = int(np.argmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    best = minimize_scalar(
        lambda t: _values(net, X, y, w + t * ghat)[0],
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-6 * radius},
    )
    return {"alpha": alpha, "minimum": float(min(vals.min(), best.fun))}


def step_analysis(
    net, X, y, w, lr: float, rho2_factors=(1.0,), steps: int = 20, full: bool = True, seed: int = 0
) -> dict:
    """Measure the quantities of Theorems 5.1-5.3 at one iterate (see the module docstring).

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    X, y : arrays (n, d), (n,)
        Data.
    w : array (P,)
        theta_t.
    lr : float
        The gradient-descent step eta.
    rho2_factors : sequence of float
        Radii rho_2 of ``B_t``, as multiples of the step length ``eta ||grad L(theta_t)||`` (Remark 5.4 takes
        ``rho_2`` at least the step length).
    steps : int
        Krylov dimension of :class:`ConeCurvature` started at ``gbar`` (its Ritz values also give the
        sharpness and ``lambda_min``); twice it is the Lanczos budget for ``||R||``.
    full : bool
        Also measure ``||R||`` and the NTK spectrum (the costly part).
    seed : int
        Seed of the Lanczos start block for ``||R||``.

    Returns
    -------
    dict
    """
    f = loss(net, X, y)
    w = np.array(as_float_array(w, "w", shape=(net.n_params,)), dtype=np.float64)
    lr = positive_number(lr, "lr")
    rho2_factors = _positive_list(rho2_factors, "rho2_factors")
    steps = positive_int(steps, "steps")
    full = boolean(full, "full")
    L0 = f.value(w)
    grad = f.gradient(w)
    gbar = average_gradient(net, w, X)
    cone = ConeCurvature(hessian_operator(f, w), gbar, steps=steps)
    sharp = cone.lambda_max
    gbar_sq = float(gbar @ gbar)
    grad_norm = float(np.linalg.norm(grad))
    L1 = f.value(w - lr * grad)
    out = {
        "loss": L0,
        "next_loss": L1,
        "observed": L1 / L0,
        "gbar_sq": gbar_sq,
        "grad_norm": grad_norm,
        "cos": float(abs(gbar @ grad) / (math.sqrt(gbar_sq) * grad_norm)),
        "sharpness": sharp,
        "along": cone.along,
        "lambda_min": cone.lambda_min,
        "kappa_star": cone.kappa_star(),
        "omega": lr * sharp,
    }
    if full:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            r_norm = float(
                abs(
                    eigenvalues(
                        residual_operator(net, w, X, y),
                        k=1,
                        which="magnitude",
                        tol=1e-6,
                        max_iter=2 * steps,
                        seed=seed,
                    )[0]
                )
            )
        K = tangent_kernel_operator(net, w, X).dense()
        ntk = np.linalg.eigvalsh(0.5 * (K + K.T))
        out.update(
            {
                "r_norm": r_norm,
                "alpha_plugin": 2.0 * gbar_sq - r_norm,
                "ntk_min": float(ntk[0]),
                "ntk_max": float(ntk[-1]),
                "ntk_mean_form": float(K.sum()) / K.shape[0] ** 2,
            }
        )
    step_length = lr * grad_norm
    for factor in rho2_factors:
        line = line_restriction(net, X, y, w, gbar, factor * step_length)
        gamma_t = line["minimum"] / L0
        alpha = line["alpha"]
        omega = out["omega"]
        valid = 0 < omega < 2 and alpha > 0
        key = f"{factor:g}"
        out[f"alpha_line[{key}]"] = alpha
        out[f"gamma_t[{key}]"] = gamma_t
        out[f"factor[{key}]"] = contraction(alpha, sharp, omega, min(gamma_t, 1.0)) if valid else math.nan
        out[f"factor_gamma0[{key}]"] = contraction(alpha, sharp, omega, 0.0) if valid else math.nan
    return out


def gradient_descent(
    net,
    X,
    y,
    w0,
    steps: int,
    omega: float = 0.5,
    lr: float | None = None,
    stop_loss: float | None = None,
    gbar_every: int = 1,
    ball_every: int = 50,
    analyse=(),
    full=(),
    rho2_factors=(1.0,),
    progress: bool = False,
) -> GDRun:
    """Gradient descent on the square loss of Section 3, recording what Assumption 4 and Theorem 5.3 need.

    Parameters
    ----------
    net : MLP
        A network from :func:`landscapelab.rsc.network`.
    X, y : arrays (n, d), (n,)
        Data.
    w0 : array (P,)
        theta_0 (the centre of the spectral ball).
    steps : int
        Largest number of steps.
    omega : float
        ``eta = omega / beta_0`` with ``beta_0 = lambda_max(grad^2 L(theta_0))`` (ignored if ``lr`` is given).
    lr : float, optional
        The step size eta.
    stop_loss : float, optional
        Stop once the loss is below this value.
    gbar_every, ball_every : int
        Record ``||gbar_t||`` (one extra backward pass) and the ball distances (L SVDs) every so many steps.
    analyse : sequence of int
        Steps at which to run :func:`step_analysis` (without its costly part).
    full : sequence of int
        Steps at which to run the full :func:`step_analysis` (also ``||R||`` and the NTK).
    rho2_factors : sequence of float
        Passed to :func:`step_analysis`.
    progress : bool
        Show a progress bar (stderr).

    Returns
    -------
    GDRun
    """
    net = check_network(net)
    f = loss(net, X, y)
    w0 = np.array(as_float_array(w0, "w0", shape=(net.n_params,)), dtype=np.float64)
    steps = positive_int(steps, "steps")
    gbar_every, ball_every = positive_int(gbar_every, "gbar_every"), positive_int(ball_every, "ball_every")
    omega = positive_number(omega, "omega")
    if lr is not None:
        lr = positive_number(lr, "lr")
    if stop_loss is not None:
        stop_loss = positive_number(stop_loss, "stop_loss")
    analyse, full = _step_list(analyse, "analyse"), _step_list(full, "full")
    rho2_factors = _positive_list(rho2_factors, "rho2_factors")
    beta0 = float(eigenvalues(f, w0, k=1, tol=1e-8)[0])     # after every check: a Lanczos run
    lr = omega / beta0 if lr is None else lr
    full = {int(a) for a in full}
    analyse = {int(a) for a in analyse} | full
    rec = {k: [] for k in ("step", "loss", "grad_norm", "gbar_step", "gbar_norm", "ball_step", "dW", "dv")}
    analyses = []
    w = w0.copy()
    iterator = range(steps + 1)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="gradient descent", unit="step", mininterval=1.0, leave=False)
    for t in iterator:
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                value = f.value(w)
                grad = f.gradient(w)
        except FloatingPointError as err:       # the core's passes refuse non-finite intermediate values
            raise FloatingPointError(f"gradient descent diverged by step {t} (lr = {lr:.4g}): {err}") from err
        if not (math.isfinite(value) and np.all(np.isfinite(grad))):
            raise FloatingPointError(f"gradient descent diverged by step {t} (lr = {lr:.4g}): the loss is "
                                     f"{value}")
        last = t == steps or (stop_loss is not None and value < stop_loss)
        rec["step"].append(t)
        rec["loss"].append(value)
        rec["grad_norm"].append(float(np.linalg.norm(grad)))
        if t % gbar_every == 0 or last:
            rec["gbar_step"].append(t)
            rec["gbar_norm"].append(float(np.linalg.norm(average_gradient(net, w, X))))
        if t % ball_every == 0 or last:
            dW, dv = spectral_distances(net, w, w0)
            rec["ball_step"].append(t)
            rec["dW"].append(float(dW.max()))
            rec["dv"].append(dv)
        if t in analyse:
            analyses.append(
                {"step": t, **step_analysis(net, X, y, w, lr, rho2_factors=rho2_factors, full=t in full)}
            )
        if last:
            break
        w = w - lr * grad
        if not np.all(np.isfinite(w)):
            raise FloatingPointError(f"gradient descent diverged at step {t + 1} (lr = {lr:.4g})")
    arrays = {k: np.asarray(v) for k, v in rec.items()}
    return GDRun(lr=lr, beta0=beta0, analyses=analyses, w=w, **arrays)
