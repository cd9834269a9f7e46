"""Banerjee, Cisneros-Velarde, Zhu and Belkin (ICLR 2023), "Restricted strong convexity of deep learning
models with smooth activations".

The paper bounds the Hessian of a deep network with smooth activations by ``c_H / sqrt(m)`` on a layerwise
spectral-norm ball around the initialisation (Theorem 4.1), with ``c_H`` polynomial in the depth when
``gamma = sigma_1 + rho / sqrt(m) <= 1``, and shows that the square loss is then *restricted strongly convex*
(Theorem 5.1): strongly convex along the directions that make an angle of cosine at least ``kappa`` with the
average gradient ``gbar_t`` of the model, as long as ``||gbar_t||^2`` exceeds ``c_2 / (2 kappa^2 sqrt(m))``.
With local smoothness (Theorem 5.2) this gives a per-step geometric decrease of the loss (Theorem 5.3).

Modules (the paper's conventions; equation numbers in the docstrings):

* :mod:`~landscapelab.rsc.model`: the network (``MLP`` with NTK scaling and no biases), Assumption 2's
  initialisation with a unit-norm last layer, the sigma_0 <-> sigma_1 map, data, the loss, the balls.
* :mod:`~landscapelab.rsc.assumption`: Assumption 1 computed for an activation.
* :mod:`~landscapelab.rsc.constants`: ``gamma``, ``h``, ``c_H`` (Remark 4.3), ``varrho`` (Lemma 4.1),
  ``c_{a,b}`` (Lemma 4.2), ``alpha_t``, ``beta`` and the contraction factor (Theorems 5.1-5.3).
* :mod:`~landscapelab.rsc.bounds`: all of them for one setting (:class:`~landscapelab.rsc.Bounds`).
* :mod:`~landscapelab.rsc.derivatives`: ``||grad^2 f||`` through the core's model-Hessian operator and two
  closed forms, ``gbar``, the NTK quadratic forms, the residual part of the loss Hessian.
* :mod:`~landscapelab.rsc.cone`: the cone ``Q_kappa``, directions in it, the exact curvature inside it and the
  critical angle ``kappa*`` (S-lemma dual on a Krylov space).
* :mod:`~landscapelab.rsc.training`: gradient descent recording ``alpha_t``, ``beta``, ``||gbar_t||``, the
  loss and the spectral-ball distances, and Theorem 5.3's factor against the observed one.
* :mod:`~landscapelab.rsc.experiments`: the chapter's sweeps, one module-level function per measurement.
"""

from . import experiments
from .cone import ConeCurvature, cone_directions, cosine, in_cone, plugin_kappa
from .constants import (
    ActivationConstants,
    Bounds,
    activation_constants,
    c_H,
    contraction,
    g,
    gamma,
    h,
    loss_bound,
    rsc_alpha,
    smoothness_beta,
    varrho,
)
from .derivatives import (
    average_gradient,
    cross_block_norm,
    gradient_blocks,
    hidden_layer_norms,
    kernel_quadratic_forms,
    model_hessian_norm,
    one_layer_hessian_norm,
    residual_operator,
    residuals,
)
from .model import (
    check_network,
    in_spectral_ball,
    init_params,
    loss,
    make_data,
    network,
    normalise_inputs,
    sigma0_from_sigma1,
    sigma1_from_sigma0,
    spectral_distances,
    split,
)
from .training import GDRun, gradient_descent, line_restriction, step_analysis

__all__ = [
    "ConeCurvature",
    "cone_directions",
    "cosine",
    "in_cone",
    "plugin_kappa",
    "ActivationConstants",
    "Bounds",
    "activation_constants",
    "c_H",
    "contraction",
    "g",
    "gamma",
    "h",
    "loss_bound",
    "rsc_alpha",
    "smoothness_beta",
    "varrho",
    "average_gradient",
    "cross_block_norm",
    "gradient_blocks",
    "hidden_layer_norms",
    "kernel_quadratic_forms",
    "model_hessian_norm",
    "one_layer_hessian_norm",
    "residual_operator",
    "residuals",
    "check_network",
    "in_spectral_ball",
    "init_params",
    "loss",
    "make_data",
    "network",
    "normalise_inputs",
    "sigma0_from_sigma1",
    "sigma1_from_sigma0",
    "spectral_distances",
    "split",
    "GDRun",
    "gradient_descent",
    "line_restriction",
    "step_analysis",
    "experiments",
]
