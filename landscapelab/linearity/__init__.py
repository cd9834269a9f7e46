"""Liu, Zhu and Belkin (2020), "On the linearity of large non-linear models: when and why the tangent kernel
is constant" (NeurIPS 2020).

A model ``f(w; x)`` has a constant tangent kernel ``K(w) = J(w) J(w)^T`` exactly when it is linear in ``w``
(Proposition 2.2), and a Hessian of small spectral norm on a ball keeps the kernel nearly constant there
(Proposition 2.3). For wide networks with a linear output layer in the NTK parametrisation ``||H|| =
O~(1/sqrt(m))`` on a ball of any fixed radius while the kernel stays of order one (Theorems 3.1-3.3), because
the Hessian is controlled by the infinity-norms of ``df/dalpha^(l)`` and the kernel by their 2-norms. A
non-linear output (Eqs. 26-29) or a narrow bottleneck (Theorem 4.1) keeps ``||H||`` of order one; gradient
descent can still converge (Theorem 5.1).

Modules (the paper's conventions, equation numbers in the docstrings):

* :mod:`.ball` -- Propositions 2.2 and 2.3: linear feature models, kernels by autograd, the kernel-change
  bound and the linearisation error;
* :mod:`.shallow` -- Eq. (8): the diagonal Hessian, its norm and the kernel, with their width laws;
* :mod:`.two_layer` -- the two-layer network: closed-form Hessians and their width laws, with the quadrature for
  Gaussian output weights (the hidden ``sqrt(log m)``);
* :mod:`.widths` -- Hessian and gradient norms of any model, ``df/dalpha^(l)``, and the width-sweep helpers
  :func:`width_sweep` / :func:`width_law` (any measurement function, any model);
* :mod:`.output` -- non-linear outputs (Eqs. 26-29), swish and the Theorem 5.1 output, softmax kernels;
* :mod:`.bottleneck` -- Eq. (31), Theorem 4.1 (with erratum E3) and the point where its Hessian vanishes;
* :mod:`.training` -- gradient descent recording kernels, loss and distance travelled;
* :mod:`.experiments` -- Figure 1, Figure 2 and Theorem 5.1 protocols at laptop sizes;
* :mod:`.checks` and :mod:`.demos` -- the claims of ``landscapelab verify`` and the chapter's slider demos.
"""

from .ball import feature_models, kernel_change_bound, kernel_matrix, linearisation_error
from .bottleneck import (
    block_limit_cdf,
    block_limit_mean,
    block_limit_quantile,
    block_norm,
    eq31_init,
    eq31_model,
    eq31_parts,
    vanishing_point,
)
from .experiments import (
    eq48_homogeneity,
    figure1_data,
    figure1_net,
    figure1_run,
    figure2_net,
    figure2_run,
    theorem51_data,
    theorem51_run,
)
from .output import (
    OUTPUTS,
    SWISH_BETA,
    derivative_range,
    eq29_terms,
    get_output,
    output_kernel,
    shifted_softplus,
    softmax_jacobians,
    softmax_kernel,
    swish,
    two_layer_output_hessian_norm,
    with_output,
)
from .shallow import (
    eq8_hessian_diagonal,
    eq8_hessian_norm,
    eq8_kernel,
    eq8_model,
    gaussian_max_cdf,
    gaussian_max_quantile,
    kernel_limit,
    local_slope_sqrt_log,
    rademacher_limit,
    rademacher_output,
    relu_eq43_hessian_norm,
    sup_abs,
    two_layer_hessian_norm,
    two_layer_top_eigenvector,
    two_layer_unit_norms,
    unit_block_norm,
)
from .training import Trajectory, relative_change, train
from .widths import fcn, fcn_at_init, gradient_norm, hessian_norm, layer_sensitivities, width_law, width_sweep

__all__ = [
    "feature_models",
    "kernel_change_bound",
    "kernel_matrix",
    "linearisation_error",
    "block_limit_cdf",
    "block_limit_mean",
    "block_limit_quantile",
    "block_norm",
    "eq31_init",
    "eq31_model",
    "eq31_parts",
    "vanishing_point",
    "eq48_homogeneity",
    "figure1_data",
    "figure1_net",
    "figure1_run",
    "figure2_net",
    "figure2_run",
    "theorem51_data",
    "theorem51_run",
    "OUTPUTS",
    "SWISH_BETA",
    "derivative_range",
    "eq29_terms",
    "get_output",
    "output_kernel",
    "shifted_softplus",
    "softmax_jacobians",
    "softmax_kernel",
    "swish",
    "two_layer_output_hessian_norm",
    "with_output",
    "eq8_hessian_diagonal",
    "eq8_hessian_norm",
    "eq8_kernel",
    "eq8_model",
    "gaussian_max_cdf",
    "gaussian_max_quantile",
    "kernel_limit",
    "local_slope_sqrt_log",
    "rademacher_limit",
    "rademacher_output",
    "relu_eq43_hessian_norm",
    "sup_abs",
    "two_layer_hessian_norm",
    "two_layer_top_eigenvector",
    "two_layer_unit_norms",
    "unit_block_norm",
    "Trajectory",
    "relative_change",
    "train",
    "fcn",
    "fcn_at_init",
    "gradient_norm",
    "hessian_norm",
    "layer_sensitivities",
    "width_law",
    "width_sweep",
]
