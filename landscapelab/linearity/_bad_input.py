"""Valid example calls of the linearity package for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).

A new public function whose required arguments are not named below needs an entry in ``CALLS`` (a whole valid
call, keyed ``"module.function"``): the calls here are small so that every mutation runs in milliseconds.
"""

import numpy as np


def _net():
    from ..nets import MLP

    return MLP([10, 6, 1], activation="tanh", bias=False, parametrization="ntk")


def _w():
    return _net().init(seed=0)


def _phi(x):
    import autograd.numpy as anp

    return anp.array([1.0, x, x * x])


def _model(w, x):
    import autograd.numpy as anp

    return anp.dot(w, _phi(x))


def _quad(w):
    import autograd.numpy as anp

    return anp.sum(w ** 2)


def _w31():
    from .bottleneck import eq31_init

    return eq31_init(6, seed=0)


def _runs():
    from ..sweeps import sweep
    from .experiments import figure1_run

    return sweep(figure1_run, {"width": [4], "target": [0.5], "every": [5], "max_steps": [10], "trace": [True]},
                 seeds=[0], cache=False, progress=False)


def _bottleneck_tables():
    from ..sweeps import sweep
    from .experiments import figure2_run
    from .widths import fcn_at_init

    at_init = sweep(fcn_at_init, {"width": [6], "depth": [3], "bottleneck": [2, 3]}, seeds=[0], cache=False,
                    progress=False)
    trained = sweep(figure2_run, {"width": [6], "bottleneck": [2, 3], "target": [0.5], "every": [5],
                                  "max_steps": [10]}, seeds=[0], cache=False, progress=False)
    return at_init, trained


def _table():
    from .widths import fcn_at_init, width_sweep

    return width_sweep(fcn_at_init, [4, 8], seeds=range(2), cache=False, depth=1)


def _loss():
    from ..losses import loss_function

    return loss_function(_net(), np.ones((1, 10)), np.ones((1, 1)))


def _trajectory():
    from .training import train

    return train(_loss(), _w(), 0.1, max_steps=3, targets=(10.0,), every=1)


CALLS = {
    "ball.feature_models": lambda: ((_phi,), {}),
    "ball.kernel_matrix": lambda: ((_model, np.ones(3), [0.5, 1.0]), {}),
    "ball.kernel_change_bound": lambda: ((0.1, 2.0, 1.0, 1.5), {}),
    "ball.linearisation_error": lambda: ((_quad, np.ones(3), np.ones(3), np.array([0.1, 0.2])), {}),
    "bottleneck.eq31_model": lambda: ((1.0,), {}),
    "bottleneck.eq31_init": lambda: ((6,), {"seed": 0}),
    "bottleneck.eq31_parts": lambda: ((_w31(), 1.0), {}),
    "bottleneck.block_norm": lambda: ((_w31(), 1.0), {}),
    "bottleneck.block_limit_quantile": lambda: ((0.5,), {"x": 1.0}),
    "bottleneck.block_limit_mean": lambda: ((), {"x": 1.0}),
    "bottleneck.block_limit_cdf": lambda: ((0.8,), {"x": 1.0}),
    "bottleneck.vanishing_point": lambda: ((_w31(), 1.0), {}),
    "demos.hessian_vs_width": lambda: ((), {"shallow_widths": [16, 64], "deep_widths": [4, 8], "seeds": range(2)}),
    "demos.linear_in_ball": lambda: ((), {"widths_": [8, 16], "radius": 1.0, "points": 5}),
    "demos.kernel_drift": lambda: ((_runs(),), {}),
    "demos.bottleneck_demo": lambda: (_bottleneck_tables(), {}),
    "demos.block_law": lambda: ((), {"widths_": [10, 20], "draws": 20, "x": 1.0}),
    "experiments.figure1_data": lambda: ((), {"seed": 0, "n": 9}),
    "experiments.figure1_net": lambda: ((4,), {}),
    "experiments.figure1_run": lambda: ((4, 0), {"target": 0.5, "data_seed": 0, "every": 5, "max_steps": 10,
                                                 "trace": True}),
    "experiments.figure2_net": lambda: ((4, 2), {"bias": True}),
    "experiments.figure2_run": lambda: ((4, 0, 2), {"target": 0.5, "data_seed": 0, "every": 5, "max_steps": 10}),
    "experiments.theorem51_data": lambda: ((), {"seed": 0, "n": 4, "d": 3}),
    "experiments.theorem51_run": lambda: ((4, 0), {"output": "shifted_softplus", "steps": 10, "every": 5,
                                                   "data_seed": 0, "trace": True}),
    "experiments.eq48_homogeneity": lambda: ((), {"width": 6, "bottleneck": 2, "seed": 0, "x": 1.7}),
    "output.get_output": lambda: (("softplus",), {}),
    "output.with_output": lambda: ((_net(), "softplus"), {}),
    "output.output_kernel": lambda: ((np.eye(3) + 0.1, np.array([0.1, 0.2, 0.3]), "softplus"), {}),
    "output.softmax_jacobians": lambda: ((np.ones((2, 3)),), {}),
    "output.softmax_kernel": lambda: ((np.eye(6) + 0.1, np.ones((2, 3))), {}),
    "output.derivative_range": lambda: (("softplus",), {"lo": -5.0, "hi": 5.0, "points": 101}),
    "output.eq29_terms": lambda: ((0.3, 1.0, 0.1, "softplus"), {}),
    "output.two_layer_output_hessian_norm": lambda: ((_net(), _w(), np.ones(10), "softplus"), {}),
    "shallow.eq8_model": lambda: ((np.array([1.0, -1.0]), 1.0), {"activation": "tanh"}),
    "shallow.eq8_hessian_diagonal": lambda: ((np.ones(2), np.array([1.0, -1.0]), 1.0), {"activation": "tanh"}),
    "shallow.eq8_hessian_norm": lambda: ((np.ones(2), np.array([1.0, -1.0]), 1.0), {"activation": "tanh"}),
    "shallow.eq8_kernel": lambda: ((np.ones(2), 1.0, 0.5), {"activation": "tanh"}),
    "shallow.sup_abs": lambda: ((np.tanh,), {"lo": -2.0, "hi": 2.0, "points": 101}),
    "shallow.kernel_limit": lambda: ((1.0,), {"activation": "tanh"}),
    "two_layer.two_layer_unit_norms": lambda: ((_net(), _w(), np.ones(10)), {}),
    "two_layer.two_layer_top_eigenvector": lambda: ((_net(), _w(), np.ones(10)), {}),
    "two_layer.two_layer_hessian_norm": lambda: ((_net(), _w(), np.ones(10)), {}),
    "two_layer.unit_block_norm": lambda: ((np.array([1.0, -1.0]), np.array([0.2, 0.3]), 1.0), {"activation": "tanh"}),
    "two_layer.rademacher_limit": lambda: ((), {"activation": "tanh", "r2": 1.0}),
    "two_layer.gaussian_max_cdf": lambda: ((1.5,), {"activation": "tanh", "r2": 1.0, "tail": False}),
    "two_layer.gaussian_max_quantile": lambda: ((64,), {"q": 0.5, "activation": "tanh", "r2": 1.0}),
    "two_layer.rademacher_output": lambda: ((_net(), _w()), {"seed": 0}),
    "two_layer.relu_eq43_hessian_norm": lambda: ((1.0, 16), {}),
    "two_layer.local_slope_sqrt_log": lambda: ((np.array([64.0, 512.0]),), {}),
    "training.Trajectory.reached": lambda: ((10.0,), {}),
    "training.Trajectory.summary": lambda: ((), {"target": 10.0}),
    "training.train": lambda: ((_loss(), _w(), 0.1), {"max_steps": 3, "targets": (1e-3,), "every": 1,
                                                       "stop_at_last_target": True}),
    "training.relative_change": lambda: ((np.eye(3) + 0.1, np.eye(3)), {}),
    "widths.hessian_norm": lambda: ((_net(), _w(), np.ones((1, 10))), {"tol": 1e-6, "max_vectors": 20}),
    "widths.gradient_norm": lambda: ((_net(), _w(), np.ones((1, 10))), {}),
    "widths.layer_sensitivities": lambda: ((_net(), _w(), np.ones(10)), {}),
    "widths.width_sweep": lambda: ((__import__("landscapelab.linearity.widths", fromlist=["fcn_at_init"]).fcn_at_init,
                                    [4, 8]), {"seeds": range(2), "cache": False, "depth": 1}),
    "widths.width_law": lambda: ((_table(),), {"value": "hessian_norm", "width": "width", "level": 0.9,
                                               "n_boot": 50}),
    "widths.fcn": lambda: ((8,), {"depth": 3, "d": 3, "activation": "tanh", "bottleneck": 2,
                                  "bottleneck_activation": "identity", "bias": False}),
    "widths.fcn_at_init": lambda: ((8, 0), {"depth": 1, "d": 3, "activation": "tanh", "output_init": "gaussian",
                                            "sensitivities": True, "hessian": True}),
}

INSTANCES = {"training.Trajectory": _trajectory}

NOT_CALLED = {"training.Trajectory": "a record that train() fills in"}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # elementwise over a number or a 1-D array of them
    **{(f"{name}", arg): {"wrong rank"} for name, arg in [
        ("bottleneck.block_limit_cdf", "t"), ("two_layer.unit_block_norm", "v"), ("two_layer.unit_block_norm", "z"),
        ("two_layer.local_slope_sqrt_log", "m"), ("ball.linearisation_error", "t")]},
    ("training.train", "targets"): {"empty"},   # no loss targets: the run takes max_steps steps
}
