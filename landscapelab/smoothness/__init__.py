"""Cooper (2024), "A theoretical study of the (L0, L1)-smoothness condition in deep learning".

A twice differentiable loss L is *(L0, L1)-smooth* (Zhang, He, Sra and Jadbabaie 2020; Cooper's Definition 1) if
``||H L(rho)|| <= L0 + L1 ||grad L(rho)||`` for every parameter vector rho. Cooper proves that feed-forward
networks with ``l >= 2`` hidden layers violate this for every (L0, L1), with the square loss (Theorem 12) and the
cross-entropy loss (Theorem 14), by following one explicit line in parameter space, the *ray*

    rho(t):  M^i = 0 and b^i = (c, ..., c) for the hidden layers i <= l,   M^{l+1} = t M,   b^{l+1} = 0

(Section 3, eqs. 2-3), where c is a point with sigma(c) = 0 != sigma'(c) (Assumption 1). The network output is
identically 0 on the ray (eq. 16), every derivative of the output is a polynomial of degree <= 1 in t
(Lemmas 9-11), so ``||grad L||`` grows at most linearly while one Gauss-Newton entry of the Hessian grows like
``t^2``. With no hidden layers (``l = 0``) the loss is m-smooth (Theorems 13 and 15).

Conventions (the paper's, see ``book/smoothness.ipynb``):

* ``l`` (``net.depth``) is the number of hidden layers; there are ``l + 1`` affine maps ``(M^i, b^i)`` with
  ``M^i`` of shape ``(c_i, c_{i-1})`` (the paper's prose says ``c_i x c_{i+1}``; its equations need this shape).
* Losses are sums over samples with no 1/n and no 1/2 (eqs. 13-14): ``landscapelab.losses``.
* Cross-entropy labels may be soft; Assumption 2 (each label row sums to 1) is not required by the closed forms,
  which use the row sums ``S_s`` where they matter.

What this module computes:

* :func:`ray`: the flat parameters of rho(t) (the default direction is ``M = Omega``, all ones, for the square
  loss (eq. 27) and the rectangular identity for cross-entropy (eq. 30)).
* :class:`Ray`: exact closed forms of the gradient and Hessian of the loss on the ray, for both losses and any
  depth ``l >= 1``, including the ``sigma''(c) != 0`` terms that the paper's entry formula leaves out. Both are
  polynomials in t, ``grad L = g0 + t g1`` and ``H L = H0 + t H1 + t^2 H2``, assembled entry by entry from the
  derivatives of the output (the book's Proposition on the derivatives along the ray). From them: gradient norms,
  Frobenius and operator norms, the Gauss-Newton operator norm, named Hessian blocks, the explicit violation
  certificate and the first violating t for given (L0, L1).
  Two extensions beyond the paper are options of :class:`Ray`: ``offset="critical"`` moves the last bias so that
  the gradient vanishes along the whole line (no generalised l-smoothness of any kind can hold), and
  ``absorb=True`` accepts a point c with ``sigma(c) != 0`` (sigmoid, ReLU at c > 0) by moving the last bias to
  ``-t sigma(c) M 1``.
* :func:`l0l1_ratio`, :func:`ell_ratio`, :func:`power_ell`: the ratios ``||H|| / (L0 + L1 ||g||)`` and
  ``||H|| / phi(||g||)`` (generalised l-smoothness of Li, Qian, Tian, Rakhlin and Jadbabaie 2023).
* :func:`min_L1`, :func:`admissible_frontier`, :func:`smallest_cover`: the set of (L0, L1) that cover a sample of
  points ``(||g||, ||H||)``, exactly (it is a convex polygon bounded by the upper concave hull of the points).
* :func:`depth0_hessian`, :func:`depth0_smoothness`: the no-hidden-layer case (Theorems 13 and 15) and its
  smoothness constant m.
* :func:`activation_facts`, :func:`activation_table`: Assumption 1 for every registered activation, computed by a
  root search and one-sided derivatives (nothing is typed in by hand).
* :func:`descent_bound`, :func:`safe_step`, :func:`guaranteed_decrease`, :func:`cosh_race` (module ``clipping``):
  why the condition matters, the descent lemma it gives and the clipped step ``1 / (L0 + L1 ||g||)``, against
  fixed steps on ``cosh``.
* :func:`training_norms`, :func:`dead_set_distance` (module ``training``): gradient and Hessian norms along real
  gradient-descent runs, and their distance from the set that holds the ray (beyond the paper).
"""


from .assumption import ActivationFacts, activation_facts, activation_table, assumption1, format_activation_table
from .clipping import (DESCENT_CONSTANT, cosh_race, descent_bound, guaranteed_decrease, iterations_to_tolerance,
                       remainder_factor, safe_step)
from .closed_form import Ray, norms_along_ray
from .depth0 import depth0_hessian, depth0_smoothness
from .examples import EXAMPLES, SQUARE_MINUS_ONE, Example, example, random_problem
from .ratios import admissible_frontier, ell_ratio, l0l1_ratio, min_L1, power_ell, smallest_cover
from .ray import LOSS_NAMES, default_direction, parameter_index, ray
from .training import dead_set_distance, regression_data, training_norms, training_problem

__all__ = [
    "LOSS_NAMES", "ActivationFacts", "activation_facts", "activation_table", "format_activation_table",
    "assumption1", "default_direction", "ray", "parameter_index", "Ray", "l0l1_ratio", "ell_ratio", "power_ell",
    "min_L1", "admissible_frontier", "smallest_cover", "depth0_hessian", "depth0_smoothness", "norms_along_ray",
    "Example", "example", "EXAMPLES", "SQUARE_MINUS_ONE", "random_problem",
    "DESCENT_CONSTANT", "remainder_factor", "descent_bound", "safe_step", "guaranteed_decrease",
    "iterations_to_tolerance", "cosh_race",
    "regression_data", "training_problem", "dead_set_distance", "training_norms",
]
