"""Milne (2018), "Piecewise Strong Convexity of Neural Networks" (arXiv:1810.12805 v1).

Milne's conventions, used throughout this module:

* a bias-free fully connected ReLU network with a **ReLU'd scalar output** (eq. 1),
  ``y(a, W) = sigma(W_H^T sigma(W_(H-1)^T ... sigma(W_0^T a)))``, with ``H`` hidden layers, widths
  ``dims = (n_0, n_1, ..., n_H, 1)`` and weights ``W_k`` of shape ``(n_k, n_(k+1))`` (the paper's layout: row =
  neuron of layer k, column = neuron of layer k+1);
* the flat weight vector ``w`` concatenates ``W_0, ..., W_H``, each row-major (``m = sum_k n_k n_(k+1)`` entries);
* the switches (eq. 2) ``S_k = diag(1[z_k > 0])``, ``S_0 = I``; a pre-activation that is exactly 0 is off, and the
  ReLU is written ``where(z > 0, z, 0)`` so that autograd differentiates it with the same convention;
* data ``X`` of shape ``(N, n_0)`` (rows are the inputs ``a_i``), targets ``F`` of shape ``(N,)`` (the values
  ``f(a_i) > 0``), the loss ``l(W) = (1/N) sum_i (f(a_i) - y(a_i, W))^2`` and
  ``l_lambda(W) = l(W) + lambda ||W||^2`` (so the decay contributes ``2 lambda I`` to the Hessian); the error is
  ``e_i = y(a_i, W) - f(a_i)``.

What is here: the network and its switches; the gradient and Hessian of ``y`` through ``A(a, W)^{-1}`` (Lemma 5 in
coordinates, with the switch mask that the Hessian needs, erratum E13) and of the loss; the directional
derivatives of Lemmas 5-6; the sets ``U_1, U_2, U_3`` of Lemma 9 and Theorem 4, the threshold
``(lambda - theta)/(2M)`` and the sharpened one; the lower-bound chain of Lemmas 7 and 9 at a point; a zero-loss
teacher and a sampler of points of ``U`` around it; the dropout factor ``rho``; the radial derivative that shows
that ``U`` contains no critical point (erratum E12); a damped Newton minimiser; the 2-D weight-space slice; a
segment of ``U`` with a concave kink (piecewise strong convexity is not convexity); and exact rational references
for the accuracy of the determinant route near ``y = 0``.
Determinants and singular-value intervals come from :mod:`landscapelab.kernels`.
"""


from . import (accuracy, bounds, derivatives, determinant, kink, landscape_slice, milne_network,  # noqa: F401
               minimisers, network, reference, region)
from .accuracy import *  # noqa: F403
from .bounds import *  # noqa: F403
from .derivatives import *  # noqa: F403
from .determinant import *  # noqa: F403
from .milne_network import *  # noqa: F403
from .minimisers import *  # noqa: F403
from .network import *  # noqa: F403
from .region import *  # noqa: F403
from .landscape_slice import *  # noqa: F403
from .kink import *  # noqa: F403

__all__ = [name for module in (network, derivatives, region, bounds, minimisers, landscape_slice, determinant,
                               milne_network, kink, accuracy)
           for name in module.__all__]
