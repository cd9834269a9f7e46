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
}

INSTANCES = {
    "convolution.CNN": _cnn,
    "convolution.ConvLayer": lambda: __import__("landscapelab.wide.convolution", fromlist=["ConvLayer"]).ConvLayer(
        np.array([[0, 1], [1, 2]]), 2),
    "paths.Walker": _walker, "skipnet.SkipNet": _skipnet,
    "sublevel.Path": lambda: __import__("landscapelab.wide.sublevel", fromlist=["connect"]).connect(
        _layers(), [(1.1 * W, b) for W, b in _layers()], _X(), _Y(), "leaky_relu(0.1)", steps=3),
}

NOT_CALLED = {
    "construction.TriangularLayer": "a record returned by triangular_layer",
    "sublevel.Path": "a record returned by connect and descent_path",
    "skipnet.loss_grad_numpy": "the NumPy twin of a Numba kernel writing into the caller's buffers; its public "
                               "entry point SkipNet.loss_grad checks the arguments",
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # elementwise over arrays of any shape (a scalar included)
    ("activations.inverse", "y"): {"wrong rank"}, ("valleys.bad_valley", "x"): {"wrong rank"},
    ("valleys.bad_valley_derivative", "x"): {"wrong rank"},
    # a move's label in the walker's record: any text
    **{(f"paths.Walker.{name}", "kind"): {"unknown name"} for name in ("move", "set_columns", "absorb_into")},
    ("skipnet.SkipNet", "units"): {"empty"},                  # no skip connections: the plain deep net
}
