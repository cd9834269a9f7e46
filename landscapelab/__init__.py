"""landscapelab: the optimisation landscape of neural networks, reproduced numerically.

The core (activations, networks, losses) is imported eagerly. Everything else is imported on first use, so
``import landscapelab`` costs little more than NumPy and autograd: the curvature tools (``ll.eigenvalues``,
``ll.hessian_operator``, ...; they need SciPy), the Numba ``kernels``, the ``demos`` framework, the ``checks`` behind
``landscapelab verify``, the helpers (``sweeps``, ``fits``, ``testing``, ``adapters``, ...), and the chapter packages
``landscapelab/<topic>/`` (one per chapter of the book, e.g. ``ll.smoothness``, ``ll.convexity``), which are found on
disk rather than listed here.
"""

import importlib
from pathlib import Path

from . import activations, losses
from .losses import loss_function
from .nets import MLP

__version__ = "0.2.0"

_HELPERS = ("nets", "curvature", "kernels", "demos", "checks", "plotting", "fits", "slices", "optim", "sweeps",
            "testing", "adapters", "cli")
_CURVATURE = ("gradient", "hessian", "hvp", "eigenvalues", "hessian_trace", "spectral_density", "as_operator",
              "hessian_operator", "ggn_operator", "jacobian_operator", "jacobian_transpose_operator",
              "tangent_kernel_operator", "model_hessian_operator", "jacobian", "tangent_kernel")
# Names loaded from their module on first use (the curvature tools pull in scipy.sparse, about half the import time).
_FUNCTIONS = {"sweep": "sweeps", **{name: "curvature" for name in _CURVATURE}}


def _chapter_packages() -> tuple[str, ...]:
    """Subpackages of landscapelab that hold a chapter (they have a ``checks.py`` or ``checks_*.py``)."""
    here = Path(__file__).resolve().parent
    return tuple(sorted(p.name for p in here.iterdir()
                        if (p / "__init__.py").is_file() and any(p.glob("checks*.py")) and p.name != "checks"))


_LAZY = _HELPERS + _chapter_packages()

__all__ = ["MLP", "activations", "losses", "loss_function", "gradient", "hessian", "hvp", "eigenvalues",
           "hessian_trace", "spectral_density", "as_operator", "hessian_operator", "ggn_operator",
           "jacobian_operator", "jacobian_transpose_operator", "tangent_kernel_operator", "model_hessian_operator",
           "jacobian", "tangent_kernel", "sweep", "__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        value = getattr(importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'landscapelab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
