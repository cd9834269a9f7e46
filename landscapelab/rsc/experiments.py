"""The chapter's measurements, one module-level function per kind, for :func:`landscapelab.sweep`.

Each function builds its own problem from its arguments and a seed (so it can run in another process and its
result can be cached on disk) and returns a dict. The settings follow the chapter:

* :func:`hessian_point`: ``||grad^2 f(theta_0; x)||`` at one input against the bounds of Theorem 4.1 and
  Lemma 4.1 (width sweeps, depth sweeps);
* :func:`gbar_point`: ``||gbar||^2`` at initialisation for centred or shifted data (Definition 5.2, Remark
  5.5);
* :func:`cone_point`: the loss Hessian at initialisation split into Gauss-Newton and residual parts, its
  curvature inside the cone and the critical angle (Theorem 5.1);
* :func:`gd_point`: a gradient-descent run with :func:`~landscapelab.rsc.training.step_analysis` along the way
  (Theorems 5.1-5.3, Assumption 4).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._validate import positive_int
from ..curvature import hessian_operator, model_hessian_operator, eigenvalues
from ..curvature import ConvergenceWarning
from .cone import ConeCurvature, cone_directions, plugin_kappa
from .constants import Bounds, c_H
from .derivatives import (
    average_gradient,
    cross_block_norm,
    gradient_blocks,
    hidden_layer_norms,
    residual_operator,
)
from .model import init_params, loss, make_data, network, sigma1_from_sigma0
from .training import gradient_descent

__all__ = [
    "D",
    "LANCZOS_BUDGET",
    "R_BUDGET",
    "COS_GRID",
    "KAPPAS",
    "hessian_point",
    "gbar_point",
    "cone_point",
    "gd_point",
    "width_sweep",
    "depth_sweep",
    "gbar_sweep",
    "gbar_width_sweep",
    "cone_sweep",
    "gd_sweep",
    "caution_sweep",
]

#: Input dimension of every experiment of the chapter.
D = 32
#: Krylov vectors for ``||grad^2 f||`` (the values are then within 1% of converged ones; see the tests).
LANCZOS_BUDGET = 20
#: Krylov vectors for ``||R||``, the residual part of the loss Hessian (relative accuracy about 1e-4 at
#: m = 512).
R_BUDGET = 40
#: Cosines at which :func:`cone_point` records the boundary curvature.
COS_GRID = tuple(np.round(np.linspace(0.0, 1.0, 41), 6).tolist())
#: Cone angles at which :func:`cone_point` records the smallest curvature in the cone, mu(kappa).
KAPPAS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.9)


def _init(net, sigma: float, kind: str, seed: int, last_layer: str = "unit"):
    if kind == "sigma1":
        return init_params(net, sigma1=sigma, seed=seed, last_layer=last_layer)
    if kind == "sigma0":
        return init_params(net, sigma0=sigma, seed=seed, last_layer=last_layer)
    raise ValueError(f"kind: expected 'sigma1' or 'sigma0', got {kind!r}")


def _sigma1(net, sigma: float, kind: str) -> float:
    return sigma if kind == "sigma1" else sigma1_from_sigma0(sigma, net.widths[1])


def hessian_point(
    activation: str,
    depth: int,
    m: int,
    sigma: float,
    kind: str = "sigma1",
    seed: int = 0,
    last_layer: str = "unit",
) -> dict:
    """``||grad^2 f(theta_0; x)||_2`` for one input with ``||x|| = sqrt(d)``, and the bounds it is set
    against.

    Parameters
    ----------
    activation : str
        Activation.
    depth, m : int
        Hidden layers and width.
    sigma : float
        The initialisation scale, as sigma_1 or sigma_0 (``kind``).
    kind : {"sigma1", "sigma0"}
        Which scale ``sigma`` is.
    seed : int
        Seeds the weights (``seed``) and the input (``seed + 1000``).
    last_layer : {"unit", "gaussian"}
        The paper's unit-norm ``v_0`` or Gaussian entries.

    Returns
    -------
    dict
        ``hessian``, ``sqrt_m_hessian``, ``cross_block`` (the ``v``-``W^(L)`` block), ``grad_W``, ``grad_v``,
        ``c_H`` (Remark 4.3 at ``rho = rho_1 = 0``), ``c_H_thm42``, ``varrho``, ``sigma1``, ``max_hidden``
        (``max_l ||alpha^(l)|| / sqrt(m)``).
    """
    net = network(D, m, depth, activation)
    w = _init(net, sigma, kind, seed, last_layer)
    X, _ = make_data(1, D, seed=seed + 1000)
    op = model_hessian_operator(net, w, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        value = float(abs(eigenvalues(op, k=1, which="magnitude", tol=1e-7, max_iter=LANCZOS_BUDGET)[0]))
    gW, gv = gradient_blocks(net, w, X)
    s1 = _sigma1(net, sigma, kind)
    bounds = Bounds(depth, m, s1, activation, 0.0, 0.0, 0.0, (0.0,))
    return {
        "hessian": value,
        "sqrt_m_hessian": value * math.sqrt(m),
        "cross_block": cross_block_norm(net, w, X),
        "grad_W": gW,
        "grad_v": gv,
        "grad": math.hypot(gW, gv),
        "c_H": bounds.c_H,
        "c_H_thm42": c_H(depth, s1, 0.0, bounds.act.beta_phi, bounds.act.phi0, form="theorem-4.2"),
        "varrho": bounds.varrho,
        "sigma1": s1,
        "max_hidden": float(hidden_layer_norms(net, w, X).max()),
    }


def gbar_point(
    activation: str,
    depth: int,
    n: int,
    shift: float,
    seed: int = 0,
    m: int = 256,
    sigma: float = 1.0,
    kind: str = "sigma1",
) -> dict:
    """``||gbar||^2`` at theta_0 (Definition 5.2) for n inputs, centred (``shift = 0``) or shifted.

    Parameters
    ----------
    activation : str
        Activation.
    depth, n : int
        Hidden layers and number of samples.
    shift : float
        Data shift (see :func:`landscapelab.rsc.make_data`).
    seed : int
        Seeds the weights (``seed``) and the data (``seed + 1000``).
    m : int
        Width.
    sigma : float
        Initialisation scale, as sigma_1 or sigma_0 (``kind``).
    kind : {"sigma1", "sigma0"}
        Which scale ``sigma`` is.

    Returns
    -------
    dict
        ``gbar_sq``.
    """
    net = network(D, m, depth, activation)
    w = _init(net, sigma, kind, seed)
    X, _ = make_data(n, D, shift=shift, seed=seed + 1000)
    g = average_gradient(net, w, X)
    return {"gbar_sq": float(g @ g)}


def cone_point(
    activation: str,
    m: int,
    shift: float,
    seed: int = 0,
    depth: int = 2,
    n: int = 32,
    sigma1: float = 1.0,
    steps: int = 30,
    samples: int = 8,
) -> dict:
    """The loss Hessian at theta_0 inside and outside the cone (Theorem 5.1).

    Parameters
    ----------
    activation : str
        Activation.
    m : int
        Width.
    shift : float
        Data shift.
    seed : int
        Seeds the weights (``seed``) and the data (``seed + 1000``).
    depth, n : int
        Hidden layers and samples.
    sigma1 : float
        Initialisation scale.
    steps : int
        Krylov dimension of :class:`~landscapelab.rsc.cone.ConeCurvature`.
    samples : int
        Random directions on the cone's boundary at each of kappa = 0.1, 0.3, 0.5, 1 (for the Jensen check).

    Returns
    -------
    dict
        ``gbar_sq``, ``r_norm``, ``lambda_min``, ``lambda_max``, ``along``, ``kappa_star``, ``plugin``,
        ``boundary`` (the boundary curvature on :data:`COS_GRID`), ``mu`` (``mu(kappa)`` on :data:`KAPPAS`),
        ``sampled`` (``{kappa: min sampled curvature}``) and ``jensen`` (``{kappa: 2 kappa^2 ||gbar||^2 -
        ||R||}``).
    """
    net = network(D, m, depth, activation)
    w = init_params(net, sigma1=sigma1, seed=seed)
    X, y = make_data(n, D, shift=shift, seed=seed + 1000)
    samples = positive_int(samples, "samples")
    f = loss(net, X, y)
    H = hessian_operator(f, w)
    g = average_gradient(net, w, X)
    cone = ConeCurvature(H, g, steps=steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r_norm = float(
            abs(
                eigenvalues(
                    residual_operator(net, w, X, y), k=1, which="magnitude", tol=1e-9, max_iter=R_BUDGET
                )[0]
            )
        )
    gbar_sq = float(g @ g)
    sampled, jensen = {}, {}
    for j, kappa in enumerate((0.1, 0.3, 0.5, 1.0)):
        V = cone_directions(g, kappa, count=samples if kappa < 1 else 1, seed=seed + 10 * j)
        sampled[kappa] = float(np.min(np.einsum("ij,ij->i", V, H.rows(V))))
        jensen[kappa] = 2.0 * kappa**2 * gbar_sq - r_norm
    return {
        "gbar_sq": gbar_sq,
        "r_norm": r_norm,
        "lambda_min": cone.lambda_min,
        "lambda_max": cone.lambda_max,
        "along": cone.along,
        "kappa_star": cone.kappa_star(),
        "plugin": plugin_kappa(gbar_sq, r_norm),
        "boundary": np.array([cone.boundary_curvature(c) for c in COS_GRID]),
        "mu": np.array([cone.min_curvature(c) for c in KAPPAS]),
        "sampled": sampled,
        "jensen": jensen,
        "loss": f.value(w),
    }


def gd_point(
    activation: str,
    m: int,
    sigma0: float,
    shift: float,
    omega: float,
    steps: int,
    seed: int = 0,
    depth: int = 3,
    n: int = 64,
    stop_loss: float | None = 1e-3,
    analyse_every: int = 0,
    full=(),
    gbar_every: int = 5,
    rho2_factors=(1.0, 10.0),
) -> dict:
    """A gradient-descent run from Assumption 2's initialisation with ``eta = omega / lambda_max(grad^2
    L(theta_0))``.

    Parameters
    ----------
    activation : str
        Activation.
    m : int
        Width.
    sigma0 : float
        Weight standard deviation.
    shift : float
        Data shift.
    omega : float
        Step size times the initial sharpness.
    steps : int
        Step budget.
    seed : int
        Seeds the weights (``seed``) and the data (``seed + 1000``).
    depth, n : int
        Hidden layers and samples.
    stop_loss : float, optional
        Stop below this loss.
    analyse_every : int
        Run the light :func:`~landscapelab.rsc.training.step_analysis` every so many steps (0: never).
    full : sequence of int
        Steps with the full analysis.
    gbar_every : int
        Record ``||gbar_t||`` every so many steps.
    rho2_factors : sequence of float
        Radii of ``B_t`` in step lengths.

    Returns
    -------
    dict
        The :class:`~landscapelab.rsc.training.GDRun` fields as arrays (``analyses`` as a list of dicts), plus
        ``sigma1``, ``n_params``, ``sqrt_m``.
    """
    net = network(D, m, depth, activation)
    w0 = init_params(net, sigma0=sigma0, seed=seed)
    X, y = make_data(n, D, shift=shift, seed=seed + 1000)
    steps = positive_int(steps, "steps")
    if not (analyse_every == 0 and not isinstance(analyse_every, (bool, str))):
        analyse_every = positive_int(analyse_every, "analyse_every")
    analyse = range(0, steps + 1, analyse_every) if analyse_every else ()
    run = gradient_descent(
        net,
        X,
        y,
        w0,
        steps,
        omega=omega,
        stop_loss=stop_loss,
        gbar_every=gbar_every,
        ball_every=50,
        analyse=analyse,
        full=full,
        rho2_factors=rho2_factors,
    )
    out = {
        k: getattr(run, k)
        for k in (
            "lr",
            "beta0",
            "step",
            "loss",
            "grad_norm",
            "gbar_step",
            "gbar_norm",
            "ball_step",
            "dW",
            "dv",
            "analyses",
        )
    }
    out.update({"sigma1": sigma1_from_sigma0(sigma0, m), "n_params": net.n_params, "sqrt_m": math.sqrt(m)})
    return out


# ------------------------------------------------------------------------------------ the chapter's sweeps
#: Widths of the width sweeps.
WIDTHS = (64, 128, 256, 512)
#: Depths of the depth sweeps (at width DEPTH_WIDTH).
DEPTHS = (1, 2, 4, 8)
#: Width of the depth sweeps.
DEPTH_WIDTH = 128
#: The two data/activation settings of the cone sweeps: (activation, data shift, label).
CONE_SETTINGS = (("softplus", 0.0, "softplus, centred"), ("tanh", 1.0, "tanh, shifted"))
#: Widths of the gradient-descent runs.
GD_WIDTHS = (32, 64, 128)
#: Steps of the full analysis in the m = 128 run.
GD_FULL = (0, 50, 150, 400)


def _sweep(fn, grid, seeds, desc):
    from ..sweeps import sweep

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return sweep(fn, grid, seeds=seeds, cache=True, desc=desc)


def _table(*tables):
    from ..sweeps import Table

    return Table([row for table in tables for row in table.rows])


def width_sweep():
    """``||grad^2 f(theta_0; x)||`` against the width (tanh and softplus, L = 1 and 2, sigma_1 = 1, 2 seeds).

    Returns
    -------
    Table
        Rows of :func:`hessian_point`.
    """
    grid = {"activation": ["tanh", "softplus"], "depth": [1, 2], "m": list(WIDTHS), "sigma": [1.0]}
    return _sweep(hessian_point, grid, range(2), "Hessian against width")


def depth_sweep():
    """``||grad^2 f||`` and the bounds against the depth at m = :data:`DEPTH_WIDTH`: sigma_1 = 1 (tanh,
    softplus) and sigma_0 = 1, 2 (tanh).

    Returns
    -------
    Table
        Rows of :func:`hessian_point` (column ``kind`` says how ``sigma`` is meant).
    """
    base = {"depth": list(DEPTHS), "m": [DEPTH_WIDTH]}
    good = _sweep(hessian_point, {"activation": ["tanh", "softplus"], **base, "sigma": [1.0],
                                  "kind": ["sigma1"]}, [0], "Hessian against depth")
    large = _sweep(hessian_point, {"activation": ["tanh"], **base, "sigma": [1.0, 2.0], "kind": ["sigma0"]},
                   [0], "Hessian against depth, large sigma_0")
    return _table(good, large)


def gbar_sweep():
    """``||gbar||^2`` at theta_0 against n for centred and shifted data (m = 256, sigma_1 = 1, 3 seeds).

    Returns
    -------
    Table
        Rows of :func:`gbar_point`.
    """
    grid = {"activation": ["tanh", "softplus"], "depth": [1, 3], "n": [8, 64, 512], "shift": [0.0, 1.0]}
    return _sweep(gbar_point, grid, range(3), "average gradient")


def gbar_width_sweep():
    """``||gbar_0||`` against the width in the setting of :func:`gd_sweep` (tanh, L = 3, sigma_0 = 1, shifted
    data, n = 64), 5 seeds: the quantity behind the paper's Figure 1(b)-(d) when the minimum over t is at
    t = 0.

    Returns
    -------
    Table
        Rows of :func:`gbar_point`.
    """
    grid = {"activation": ["tanh"], "depth": [3], "n": [64], "shift": [1.0],
            "m": [32, 64, 128, 256, 512, 1024], "sigma": [1.0], "kind": ["sigma0"]}
    return _sweep(gbar_point, grid, range(5), "average gradient against width")


def cone_sweep():
    """:func:`cone_point` for both :data:`CONE_SETTINGS` and every width of :data:`WIDTHS` (2 seeds for
    softplus, 1 for tanh).

    Returns
    -------
    Table
        Rows of :func:`cone_point`.
    """
    return _table(*[_sweep(cone_point, {"activation": [act], "m": list(WIDTHS), "shift": [shift]},
                           range(2) if act == "softplus" else [0], f"cone curvature, {act}")
                    for act, shift, _ in CONE_SETTINGS])


def gd_sweep():
    """The gradient-descent runs of the chapter: tanh, L = 3, sigma_0 = 1, shifted data, n = 64, omega = 0.5,
    for every width of :data:`GD_WIDTHS`, analysed every 50 steps (fully at :data:`GD_FULL` for m = 128).

    Returns
    -------
    Table
        Rows of :func:`gd_point`.
    """
    base = {"activation": ["tanh"], "sigma0": [1.0], "shift": [1.0], "omega": [0.5], "steps": [1500],
            "analyse_every": [50]}
    return _table(*[_sweep(gd_point, {**base, "m": [m], "full": [list(GD_FULL)] if m == 128 else [[]]}, [0],
                           f"gradient descent, m = {m}") for m in GD_WIDTHS])


def caution_sweep():
    """The two cautionary runs: softplus, sigma_0 = 0.45, centred data, 300 steps (comfortable RSC, slow
    descent), and the m = 128 tanh run of :func:`gd_sweep` with the smaller step omega = 0.25.

    Returns
    -------
    Table
        Rows of :func:`gd_point` (column ``activation`` tells them apart).
    """
    slow = _sweep(gd_point, {"activation": ["softplus"], "m": [128], "sigma0": [0.45], "shift": [0.0],
                             "omega": [0.5], "steps": [300], "analyse_every": [0], "full": [[0, 300]]},
                  [0], "softplus, centred data")
    small = _sweep(gd_point, {"activation": ["tanh"], "m": [128], "sigma0": [1.0], "shift": [1.0],
                              "omega": [0.25], "steps": [400], "analyse_every": [100], "full": [[]]},
                   [0], "tanh, omega = 0.25")
    return _table(slow, small)
