"""Quynh Nguyen, "Optimization Landscape of Deep Neural Networks" (PhD thesis, Saarland University, 2019).

This package holds the three book chapters built on the thesis:

* ``book/wide_layers.ipynb`` (thesis Chapter 2 and Lemma 4.3.2; ``landscapelab verify`` chapter key ``"wide"``,
  claims in :mod:`landscapelab.wide.checks`): a hidden layer with at least N neurons makes the N training samples
  linearly independent in feature space, so the network can fit any targets and every critical point in the set
  ``S_k`` is a global minimum;
* ``book/loss_topology.ipynb`` (thesis Chapters 3 and 4; chapter key ``"loss_topology"``, claims in
  :mod:`landscapelab.wide.checks_topology`): no bad local valleys, connected sublevel sets and the explicit
  loss-preserving paths behind them, and skip connections to the output;
* ``book/decision_regions.ipynb`` (thesis Chapter 5; its own modules ``decision_regions*``).

Conventions follow the thesis: samples are rows, ``W_k`` has shape ``(n_{k-1}, n_k)``,
``F_k = sigma(F_{k-1} W_k + 1 b_k^T)`` (eq. 2.4), a network is the list ``[(W_1, b_1), ..., (W_L, b_L)]``
(:func:`thesis_layers` and :func:`flat_parameters` convert from and to the core :class:`landscapelab.MLP`).

Submodules are imported on first use (``ll.wide.sublevel``, ``ll.wide.decision_regions``, ...); the names below are
re-exported from them.
"""

import importlib

_EXPORTS = {
    "activations": ("leaky_relu", "softplus", "power", "exponential", "inverse"),
    "features": ("nr_tolerance", "numerical_rank", "singular_values", "smallest_singular_value", "forward",
                 "feature_matrix", "thesis_layers", "flat_parameters", "random_layer", "feature_rank_trial"),
    "convolution": ("conv1d_patches", "full_patch", "conv_matrix", "ConvLayer", "MaxPool", "CNN"),
    "construction": ("TriangularLayer", "triangular_layer", "distinct_layer", "entries_distinct",
                     "linearly_independent_net", "zero_loss_point"),
    "critical": ("backprop", "sandwich", "in_S_k", "squared_loss"),
    "skip": ("skip_units", "skip_matrix", "random_feature_fit", "psi_rank_trial"),
    "skipnet": ("SkipNet", "skip_training_run"),
    "paths": ("independent_columns", "absorb", "Walker", "make_full_rank", "copy_layer", "shift_span_rank"),
    "sublevel": ("Path", "phi", "h_map", "connect", "descent_path", "straight_line"),
    "training": ("lbfgs", "train_minimum", "lbfgs_trial", "regression_problem"),
    "valleys": ("bad_valley", "bad_valley_derivative", "gradient_descent_1d"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | set(__all__))
