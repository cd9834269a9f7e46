"""Valid example calls of the rsc package for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).

A new public function whose required arguments are not named below needs an entry in ``ARGUMENTS`` (a valid value
by argument name) or ``CALLS`` (a whole valid call, keyed ``"module.function"``).
"""

import numpy as np

from . import cone, constants, derivatives, model, training


def _net(d_out_layers=2):
    return model.network(5, 6, d_out_layers, "tanh")


def _w(net=None):
    return model.init_params(net or _net(), sigma1=1.0, seed=0)


def _data():
    return model.make_data(5, 5, shift=0.5, seed=1)


def _x():
    """One input as a (1, d) block: its other ranks are all wrong except (d,), which hypothesis does not draw
    (its arrays have sides of at most 4 and d = 5)."""
    return _data()[0][:1]


def _gbar():
    return derivatives.average_gradient(_net(), _w(), _data()[0])


def _hessian():
    return np.diag(np.linspace(-1.0, 2.0, _net().n_params))


def _problem():
    """``(net, X, y, w)``: a depth-2 tanh network of width 6 on five inputs in R^5."""
    X, y = _data()
    return _net(), X, y, _w()


def _one():
    net = _net(1)
    return net, _w(net)


def _bounds():
    return constants.Bounds(depth=2, m=6, sigma1=1.0, activation="tanh", rho=1.0, rho1=1.0, rho2=1.0, y=_data()[1])


def _run():
    net, X, y, w = _problem()
    return training.gradient_descent(net, X, y, w, steps=2, gbar_every=1, ball_every=1, analyse=[1])


CALLS = {
    "cone.cosine": lambda: ((_w(), _w() + 0.01), {}),
    "cone.in_cone": lambda: ((_w() + 0.01, _w(), _gbar()), {"kappa": 0.5}),
    "cone.cone_directions": lambda: ((_gbar(),), {"kappa": 0.5, "count": 3, "cos": [0.6, 0.7, 0.8]}),
    "cone.ConeCurvature": lambda: ((_hessian(), _gbar()), {"steps": 10}),
    "cone.ConeCurvature.min_curvature": lambda: ((0.5,), {}),
    "cone.ConeCurvature.boundary_curvature": lambda: ((0.5,), {}),
    "cone.plugin_kappa": lambda: ((0.3, 0.1), {}),
    "assumption.ActivationConstants": lambda: (("tanh", 1.0, 0.7698, 0.0, 0.0), {}),
    "assumption.activation_constants": lambda: (("tanh",), {}),
    "constants.gamma": lambda: ((1.0, 1.0, 64), {}),
    "constants.h": lambda: ((2, 1.1, 0.5), {}),
    "constants.g": lambda: ((1.1, 3, 0.5), {}),
    "constants.c_H": lambda: ((3, 1.0, 1.0, 0.25, 0.69), {"form": "remark-4.3"}),
    "constants.varrho": lambda: ((3, 1.0, 1.0, 0.69, 64), {}),
    "constants.loss_bound": lambda: ((_data()[1], 1.0, 1.0, 3, 0.69), {}),
    "constants.rsc_alpha": lambda: ((0.3, 0.5, 10.0, 2.0, 1.0, 1.5, 64), {}),
    "constants.smoothness_beta": lambda: ((10.0, 2.0, 1.5, 64), {}),
    "constants.contraction": lambda: ((0.1, 1.0, 0.5), {"gamma_t": 0.2}),
    "bounds.Bounds": lambda: ((), {"depth": 2, "m": 6, "sigma1": 1.0, "activation": "tanh", "rho": 1.0,
                                      "rho1": 1.0, "rho2": 1.0, "y": _data()[1], "form": "remark-4.3"}),
    "bounds.Bounds.alpha": lambda: ((0.3, 0.5), {}),
    "bounds.Bounds.rsc_width": lambda: ((0.3, 0.5), {}),
    "derivatives.model_hessian_norm": lambda: ((_net(), _w(), _x()), {"tol": 1e-8}),
    "derivatives.one_layer_hessian_norm": lambda: ((*_one(), _x()), {}),
    "derivatives.cross_block_norm": lambda: ((_net(), _w(), _x()), {}),
    "derivatives.average_gradient": lambda: ((_net(), _w(), _data()[0]), {}),
    "derivatives.gradient_blocks": lambda: ((_net(), _w(), _x()), {}),
    "derivatives.residual_operator": lambda: ((_net(), _w(), *_data()), {}),
    "derivatives.residuals": lambda: ((_net(), _w(), *_data()), {}),
    "derivatives.kernel_quadratic_forms": lambda: ((_net(), _w(), *_data()), {}),
    "derivatives.hidden_layer_norms": lambda: ((_net(), _w(), _x()), {}),
    # the experiment points at small sizes (their defaults are the chapter's sweeps)
    "experiments.hessian_point": lambda: (("tanh", 1, 8, 1.0), {"kind": "sigma1", "last_layer": "unit"}),
    "experiments.gbar_point": lambda: (("tanh", 1, 4, 0.5), {"m": 8, "sigma": 1.0, "kind": "sigma1"}),
    "experiments.cone_point": lambda: (("tanh", 8, 0.5), {"depth": 1, "n": 4, "sigma1": 1.0, "steps": 5,
                                                          "samples": 2}),
    "experiments.gd_point": lambda: (("tanh", 8, 1.0, 0.5, 0.5, 3), {
        "depth": 1, "n": 4, "stop_loss": 1e-3, "analyse_every": 0, "gbar_every": 1, "rho2_factors": (1.0, 10.0)}),
    "model.sigma0_from_sigma1": lambda: ((1.0, 64), {}),
    "model.sigma1_from_sigma0": lambda: ((0.5, 64), {}),
    "model.network": lambda: ((4, 6, 2), {"activation": "tanh"}),
    "model.check_network": lambda: ((_net(),), {}),
    "model.init_params": lambda: ((_net(),), {"sigma1": 1.0, "last_layer": "unit"}),
    "model.normalise_inputs": lambda: ((_data()[0],), {}),
    "model.make_data": lambda: ((5, 4), {"shift": 0.5}),
    "model.loss": lambda: ((_net(), *_data()), {}),
    "model.split": lambda: ((_net(), _w()), {}),
    "model.spectral_distances": lambda: ((_net(), _w() + 0.01, _w()), {}),
    "model.in_spectral_ball": lambda: ((_net(), _w() + 0.01, _w()), {"rho": 1.0, "rho1": 1.0}),
    "training.GDRun.in_ball": lambda: ((1.0, 1.0), {}),
    "training.GDRun.analysis": lambda: (("kappa_star",), {}),
    "training.gradient_descent": lambda: ((*_problem(), 3), {
        "omega": 0.5, "stop_loss": 1e-6, "gbar_every": 1, "ball_every": 1, "analyse": [1], "rho2_factors": [1.0]}),
    "training.step_analysis": lambda: ((*_problem(), 0.1), {"rho2_factors": [1.0], "steps": 5}),
    "training.line_restriction": lambda: ((*_problem(), _gbar(), 0.1), {"points": 3}),
}

INSTANCES = {
    "cone.ConeCurvature": lambda: cone.ConeCurvature(_hessian(), _gbar(), steps=10),
    "bounds.Bounds": _bounds,
    "training.GDRun": _run,
}

NOT_CALLED = {
    "training.GDRun": "a record returned by gradient_descent (which checks its arguments)",
    "cone.ConeCurvature.kappa_star": "a method without arguments",
    **{f"experiments.{name}_sweep": "a sweep of the chapter without arguments" for name in (
        "width", "depth", "gbar", "gbar_width", "cone", "gd", "caution")},
    **{f"demos.{name}": "its one argument is a sweep table (None reads the cached sweep); tests/rsc/test_demos.py "
       "checks that anything else is refused by name" for name in (
           "cone_demo", "rate_demo", "kappa_figure", "width_figure", "depth_figure", "gbar_figure",
           "training_figure")},
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # the steps at which to analyse: none is the default (analyse=())
    ("training.gradient_descent", "analyse"): {"empty"},
}
