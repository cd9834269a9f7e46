"""landscapelab: the optimisation landscape of neural networks, reproduced numerically.

The core (activations, networks, losses, curvature) is imported eagerly; the chapter modules
(``smoothness``, ``convexity``, ``linearity``, ``wide``, ``rsc``), the Numba ``kernels``, the ``demos`` and the
``checks`` behind ``landscapelab verify`` are imported on first use, so ``import landscapelab`` stays fast.
"""

import importlib

from . import activations, losses
from .curvature import eigenvalues, gradient, hessian, hessian_trace, hvp, spectral_density
from .losses import loss_function
from .nets import MLP

__version__ = "0.1.0"

_LAZY = ("nets", "curvature", "kernels", "demos", "checks", "plotting", "fits", "slices", "optim", "smoothness", "convexity", "linearity",
         "wide", "rsc")

__all__ = ["MLP", "activations", "losses", "loss_function", "gradient", "hessian", "hvp", "eigenvalues",
           "hessian_trace", "spectral_density", "__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'landscapelab' has no attribute {name!r}")
