"""Valid example calls of the wide package for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).

A new public function whose required arguments are not named below needs an entry in ``ARGUMENTS`` (a valid value
by argument name) or ``CALLS`` (a whole valid call, keyed ``"module.function"``).
"""

import numpy as np

from ..nets import MLP


def _net():
    return MLP([2, 8, 2], activation="sigmoid")


def _layers():
    from .features import thesis_layers

    return thesis_layers(_net(), _net().init(seed=0))


def _X():
    return np.random.default_rng(0).standard_normal((3, 2))


def _Y():
    return np.random.default_rng(1).standard_normal((3, 2))


def _walker():
    from .paths import Walker

    return Walker(_layers(), steps=3)


def _cnn():
    from .convolution import CNN, ConvLayer

    patches = np.array([[0, 1], [2, 3], [4, 5]])
    return CNN(6, [ConvLayer(patches, 2), ConvLayer(patches, 2)])


def _skipnet():
    from .skipnet import SkipNet

    return SkipNet(3, 4, 2, 2, units=((1, 0),))


# ---------------------------------------------------------------- decision regions (Chapter 5 of the thesis)
def _dr():
    from . import decision_regions

    return decision_regions


def _dr_net():
    """A [2, 2, 2] leaky-ReLU (0.1) network and its parameters (the example of tests/wide/test_decision_*)."""
    net = MLP([2, 2, 2], activation=_dr().leaky_relu(0.1))
    return net, net.flatten([(np.array([[1.0, 0.3], [-0.2, 1.0]]), np.array([0.5, -0.5])),
                             (np.array([[1.0, -1.0], [0.5, 0.5]]), np.array([0.0, 0.1]))])


def _dr_regions():
    """The exact components of the blue region {|x_1| > 1} of the corrected low-rank example (5.4)."""
    ex = _dr().low_rank_example()
    return _dr().exact_components(ex.net, ex.w, 0)


def _dr_X():
    return np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]])


def _dr_kernel_args():
    """(X, Y, w, n1, slope) of a valid call of the decision-regions gradient kernels."""
    net, w = _dr_net()
    return _dr_X(), np.eye(2)[[0, 1, 0]], w, 2, 0.1


def _dr_slab_call(*extra, **kwargs):
    ex = _dr().low_rank_example()                # slab |x_1| <= 0.5 between (-1.5, 0) and (1.5, 0)
    return (ex.net, ex.w, 0, np.array([1.0, 0.0]), -0.5, 0.5, *extra), kwargs


def _dr_bridge(*extra, **kwargs):
    ex = _dr().bridge_example(0.1)               # full rank, pyramidal: certificate paths exist
    return (ex.net, ex.w, *extra), kwargs


ARGUMENTS = {
    "net": _net, "w": lambda: _net().init(seed=0), "layers": _layers, "layers_a": _layers,
    "layers_b": lambda: [(1.1 * W, b) for W, b in _layers()], "X": _X, "Y": _Y, "activation": lambda: "sigmoid",
    "act": lambda: "sigmoid", "y": lambda: np.array([0.2, 0.5]), "k": lambda: 1, "layer": lambda: 1,
    "A": lambda: np.array([[2.0, 1.0], [1.0, 3.0], [0.5, 0.5]]), "F": lambda: np.array([[1.0, 0.0], [0.0, 1.0],
                                                                                        [1.0, 1.0]]),
    "F_prev": _X, "alpha": lambda: 10.0, "beta": lambda: 0.0, "width": lambda: 4, "widths": lambda: (2, 8, 2),
    "length": lambda: 6, "n": lambda: 3, "patches": lambda: np.array([[0, 1], [1, 2]]), "n_in": lambda: 3,
    "filters": lambda: np.ones((2, 1)), "d": lambda: 2, "V": lambda: np.ones((2, 1)), "I": lambda: [0],
    "v": lambda: np.array([0.1, 0.5, 0.9]), "shifts": lambda: np.array([0.0, 1.0, 2.0]), "n_skip": lambda: 2,
    "units": lambda: np.array([[1, 0], [1, 1]]), "Psi": lambda: np.eye(3), "G": _Y, "x": lambda: np.array([0.5]),
    "x0": lambda: 0.5, "walker": _walker, "F_k": lambda: np.eye(3), "labels": _Y, "shape": lambda: (2, 2),
    "rng": lambda: np.random.default_rng(0), "W_target": lambda: _layers()[0][0], "b_target": lambda: _layers()[0][1],
    "params": lambda: _cnn().init(seed=0),
    "theta": lambda: _skipnet().init(seed=0),
}

CALLS = {
    "convolution.ConvLayer": lambda: ((np.array([[0, 1], [1, 2]]), 2), {}),
    "convolution.MaxPool": lambda: ((np.array([[0, 1], [1, 2]]),), {}),
    "convolution.CNN": lambda: ((6, [__import__("landscapelab.wide.convolution", fromlist=["ConvLayer"]).ConvLayer(
        np.array([[0, 1], [2, 3], [4, 5]]), 2)]), {}),
    "convolution.CNN.forward": lambda: ((ARGUMENTS["params"](), np.ones((2, 6))), {}),
    "convolution.CNN.features": lambda: ((ARGUMENTS["params"](), np.ones((2, 6)), 1), {}),
    "skipnet.SkipNet": lambda: ((3, 4, 2, 2), {"units": ((1, 0),)}),
    "skipnet.SkipNet.loss_grad": lambda: ((_skipnet().init(seed=0), np.ones((4, 3)), np.array([0, 1, 0, 1])), {}),
    "skipnet.SkipNet.train": lambda: ((_skipnet().init(seed=0), np.ones((4, 3)), np.array([0, 1, 0, 1])),
                                      {"steps": 2}),
    "paths.Walker.move": lambda: ((lambda lam: _layers(), "test"), {}),
    "paths.Walker.set_columns": lambda: ((1, [0], _layers()[0][0][:, :1], _layers()[0][1][:1], "test"), {}),
    "paths.Walker.absorb_into": lambda: ((1, np.random.default_rng(0).standard_normal((3, 8)), [0, 1, 2]), {}),
    "activations.get": lambda: (("sigmoid",), {}),
    "construction.linearly_independent_net": lambda: ((_X(), (2, 4, 3), "sigmoid"), {}),
    "sublevel.h_map": lambda: ((_X(), _layers()[:1], np.ones((3, 8)),
                                __import__("landscapelab.wide.activations", fromlist=["get"]).get("sigmoid"), 1), {}),
    "training.lbfgs": lambda: ((_net(), _X(), _Y(), _net().init(seed=0)), {"maxiter": 3}),
    "training.train_minimum": lambda: (((2, 8, 2), _X(), _Y(), "sigmoid"), {"maxiter": 3}),
    "sublevel.connect": lambda: ((_layers(), [(1.1 * W, b) for W, b in _layers()], _X(), _Y(), "leaky_relu(0.1)"),
                                 {"steps": 3}),
    "sublevel.descent_path": lambda: ((_layers(), _X(), _Y(), "leaky_relu(0.1)", 1), {"steps": 3}),
    "demos.rank_data": lambda: (("sigmoid", 2, (2, 4)), {"n_samples": 4, "seeds": 2}),
    "construction.zero_loss_point": lambda: ((np.eye(3), np.array([0, 1, 0]), (3, 4, 2), "sigmoid"), {}),
    # decision regions: whole calls (their nets are piecewise linear with two inputs, unlike ARGUMENTS["net"])
    "decision_regions_exact.ExactRegions.component_of": lambda: ((np.array([-1.5, 0.2]),), {}),
    "decision_regions_exact.ExactRegions.path": lambda: ((np.array([-1.5, 0.2]), np.array([-1.8, -0.3])), {}),
    "decision_regions_exact.exact_components": lambda: ((*_dr_net(), 0), {"tol": 1e-9, "box": 8.0}),
    "decision_regions_examples.LiftExample.f": lambda: ((np.array([0.5, 1.0]),), {}),
    "decision_regions_grid.class_image": lambda: ((*_dr_net(), (-2.0, 2.0, -2.0, 2.0)), {"resolution": 11}),
    "decision_regions_grid.grid_components": lambda: ((*_dr_net(), 0, (-2.0, 2.0, -2.0, 2.0)),
                                                      {"resolution": 11, "min_pixels": 1}),
    "decision_regions_kernels.gradient": lambda: (_dr_kernel_args(), {}),
    "decision_regions_kernels.adam": lambda: ((*_dr_kernel_args(), 3, 0.01), {}),
    "decision_regions_kernels.gradient_reference": lambda: ((*_dr_kernel_args(), np.empty(12)), {}),
    "decision_regions_kernels.adam_reference": lambda: ((*_dr_kernel_args(), 3, 0.01, np.empty(12)), {}),
    "decision_regions_nets.leaky_relu": lambda: ((0.1,), {}),
    "decision_regions_nets.inverse_activation": lambda: (("tanh",), {}),
    "decision_regions_nets.negative_slope": lambda: (("relu",), {}),
    "decision_regions_nets.layers": lambda: (_dr_net(), {}),
    "decision_regions_nets.margins": lambda: ((*_dr_net(), _dr_X(), 0), {}),
    "decision_regions_nets.predict": lambda: ((*_dr_net(), _dr_X()), {}),
    "decision_regions_nets.theorem_conditions": lambda: (_dr_net(), {"rtol": 1e-10}),
    "decision_regions_paths.certificate_path": lambda: _dr_bridge(np.array([-1.5, 0.0]), np.array([1.5, 0.0]),
                                                                 max_points=20000),
    "decision_regions_paths.check_path": lambda: _dr_bridge(np.array([[-1.5, 0.0], [0.0, 6.0], [1.5, 0.0]]), 0,
                                                           resolution=0.5),
    "decision_regions_paths.polyline_margin": lambda: _dr_bridge(np.array([[-1.5, 0.0], [0.0, 6.0], [1.5, 0.0]]),
                                                                0),
    "decision_regions_paths.densify": lambda: ((np.array([[-1.5, 0.2], [-1.8, -0.3]]), 0.1), {}),
    "decision_regions_slab.slab_max_margin": lambda: _dr_slab_call(cap=1.0),
    "decision_regions_slab.separates": lambda: _dr_slab_call(np.array([-1.5, 0.0]), np.array([1.5, 0.0]),
                                                            tol=1e-9),
    "decision_regions_train.train_classifier": lambda: ((_dr_net()[0], _dr_X(), np.array([0, 1, 0])),
                                                        {"steps": 3, "lr": 0.01}),
    "decision_regions_train.trained_classifier": lambda: (("strips (5.4)", (2, 2, 2), 0),
                                                          {"alpha": 0.1, "n": 20, "steps": 3}),
    "demos_decision.random_net_counts": lambda: (((2, 2, 2), 0), {"n_nets": 2}),
}

INSTANCES = {
    "convolution.CNN": _cnn,
    "convolution.ConvLayer": lambda: __import__("landscapelab.wide.convolution", fromlist=["ConvLayer"]).ConvLayer(
        np.array([[0, 1], [1, 2]]), 2),
    "paths.Walker": _walker, "skipnet.SkipNet": _skipnet,
    "sublevel.Path": lambda: __import__("landscapelab.wide.sublevel", fromlist=["connect"]).connect(
        _layers(), [(1.1 * W, b) for W, b in _layers()], _X(), _Y(), "leaky_relu(0.1)", steps=3),
    "decision_regions_exact.ExactRegions": _dr_regions,
    "decision_regions_examples.LiftExample": lambda: _dr().cubic_lift_example(),
}

NOT_CALLED = {
    "construction.TriangularLayer": "a record returned by triangular_layer",
    "sublevel.Path": "a record returned by connect and descent_path",
    "skipnet.loss_grad_numpy": "the NumPy twin of a Numba kernel writing into the caller's buffers; its public "
                               "entry point SkipNet.loss_grad checks the arguments",
    "decision_regions_exact.ExactRegions": "a record returned by exact_components",
    "decision_regions_examples.Example": "a record returned by the example constructors",
    "decision_regions_examples.LiftExample": "a record returned by cubic_lift_example",
    "decision_regions_grid.GridCount": "a record returned by grid_components",
    "decision_regions_nets.Conditions": "a record returned by theorem_conditions",
    "decision_regions_paths.CertificatePath": "a record returned by certificate_path",
    "decision_regions_paths.PathCheck": "a record returned by check_path",
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # elementwise over arrays of any shape (a scalar included)
    ("activations.inverse", "y"): {"wrong rank"}, ("valleys.bad_valley", "x"): {"wrong rank"},
    ("valleys.bad_valley_derivative", "x"): {"wrong rank"},
    # a move's label in the walker's record: any text
    **{(f"paths.Walker.{name}", "kind"): {"unknown name"} for name in ("move", "set_columns", "absorb_into")},
    ("skipnet.SkipNet", "units"): {"empty"},                  # no skip connections: the plain deep net
    # any shape, flattened (documented): a point, a row or a column of inputs
    ("decision_regions_examples.LiftExample.f", "x"): {"wrong rank"},
    # output buffers: their values are overwritten (only their shape and dtype are checked)
    ("decision_regions_kernels.gradient_reference", "g"): {"nan", "infinite"},
    ("decision_regions_kernels.adam_reference", "w"): {"nan", "infinite"},
}
