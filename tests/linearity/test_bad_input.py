"""Every public function of landscapelab.linearity refuses malformed input with a ValueError/TypeError that names
the argument: the core survey's mutations (``tests/core/test_bad_input.py``) applied to one valid call of each
function of the chapter package (a new public function without an example call fails the completeness test)."""

from __future__ import annotations

import importlib.util
import inspect
import pathlib

import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import linearity as lin
from landscapelab.linearity import demos, experiments
from landscapelab.testing import public_objects

_spec = importlib.util.spec_from_file_location(
    "core_bad_input", pathlib.Path(__file__).parents[1] / "core" / "test_bad_input.py")
core = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(core)

NET = ll.MLP([10, 6, 1], activation="tanh", bias=False, parametrization="ntk")
W = NET.init(seed=0)
X = np.ones(10)
W31 = lin.eq31_init(6, seed=0)
K3 = np.eye(3) + 0.1


def phi(x):
    return anp.array([1.0, x, x * x])


def model(w, x):
    return anp.dot(w, phi(x))


def quad(w):
    return anp.sum(w ** 2)


def tiny_table():
    return lin.width_sweep(lin.fcn_at_init, [4, 8], seeds=range(2), cache=False, depth=1)


def tiny_runs():
    return ll.sweep(experiments.figure1_run, {"width": [4], "target": [0.5], "every": [5], "max_steps": [10],
                                              "trace": [True]}, seeds=[0], cache=False)


def tiny_bottleneck():
    at_init = ll.sweep(lin.fcn_at_init, {"width": [6], "depth": [3], "bottleneck": [2, 3]}, seeds=[0],
                       cache=False)
    trained = ll.sweep(experiments.figure2_run, {"width": [6], "bottleneck": [2, 3], "target": [0.5], "every": [5],
                                                 "max_steps": [10]}, seeds=[0], cache=False)
    return at_init, trained


def trajectory():
    loss = ll.loss_function(NET, X[None], np.ones((1, 1)))
    return lin.train(loss, W, 0.1, max_steps=3, targets=(10.0,), every=1)


CASES = {
    "ball.feature_models": lambda: (lin.feature_models, (phi,), {}),
    "ball.kernel_matrix": lambda: (lin.kernel_matrix, (model, np.ones(3), [0.5, 1.0]), {}),
    "ball.kernel_change_bound": lambda: (lin.kernel_change_bound, (0.1, 2.0, 1.0, 1.5), {}),
    "ball.linearisation_error": lambda: (lin.linearisation_error, (quad, np.ones(3), np.ones(3),
                                                                   np.array([0.1, 0.2])), {}),
    "bottleneck.eq31_model": lambda: (lin.eq31_model, (1.0,), {}),
    "bottleneck.eq31_init": lambda: (lin.eq31_init, (6,), dict(seed=0)),
    "bottleneck.eq31_parts": lambda: (lin.eq31_parts, (W31, 1.0), {}),
    "bottleneck.block_norm": lambda: (lin.block_norm, (W31, 1.0), {}),
    "bottleneck.block_limit_quantile": lambda: (lin.block_limit_quantile, (0.5,), dict(x=1.0)),
    "bottleneck.block_limit_mean": lambda: (lin.block_limit_mean, (), dict(x=1.0)),
    "bottleneck.block_limit_cdf": lambda: (lin.block_limit_cdf, (0.8,), dict(x=1.0)),
    "bottleneck.vanishing_point": lambda: (lin.vanishing_point, (W31, 1.0), {}),
    "demos.hessian_vs_width": lambda: (demos.hessian_vs_width, (), dict(
        shallow_widths=[16, 64], deep_widths=[4, 8], seeds=range(2))),
    "demos.linear_in_ball": lambda: (demos.linear_in_ball, (), dict(widths_=[8, 16], radius=1.0, points=5)),
    "demos.kernel_drift": lambda: (demos.kernel_drift, (tiny_runs(),), {}),
    "demos.bottleneck_demo": lambda: (demos.bottleneck_demo, tiny_bottleneck(), {}),
    "demos.block_law": lambda: (demos.block_law, (), dict(widths_=[10, 20], draws=20, x=1.0)),
    "experiments.figure1_data": lambda: (experiments.figure1_data, (), dict(seed=0, n=9)),
    "experiments.figure1_net": lambda: (experiments.figure1_net, (4,), {}),
    "experiments.figure1_run": lambda: (experiments.figure1_run, (4, 0), dict(
        target=0.5, data_seed=0, every=5, max_steps=10, trace=True)),
    "experiments.figure2_net": lambda: (experiments.figure2_net, (4, 2), dict(bias=True)),
    "experiments.figure2_run": lambda: (experiments.figure2_run, (4, 0, 2), dict(
        target=0.5, data_seed=0, every=5, max_steps=10)),
    "experiments.theorem51_data": lambda: (experiments.theorem51_data, (), dict(seed=0, n=4, d=3)),
    "experiments.theorem51_run": lambda: (experiments.theorem51_run, (4, 0), dict(
        output="shifted_softplus", steps=10, every=5, data_seed=0, trace=True)),
    "experiments.eq48_homogeneity": lambda: (experiments.eq48_homogeneity, (), dict(
        width=6, bottleneck=2, seed=0, x=1.7)),
    "output.get_output": lambda: (lin.get_output, ("softplus",), {}),
    "output.with_output": lambda: (lin.with_output, (NET, "softplus"), {}),
    "output.output_kernel": lambda: (lin.output_kernel, (K3, np.array([0.1, 0.2, 0.3]), "softplus"), {}),
    "output.softmax_jacobians": lambda: (lin.softmax_jacobians, (np.ones((2, 3)),), {}),
    "output.softmax_kernel": lambda: (lin.softmax_kernel, (np.eye(6) + 0.1, np.ones((2, 3))), {}),
    "output.derivative_range": lambda: (lin.derivative_range, ("softplus",), dict(lo=-5.0, hi=5.0, points=101)),
    "output.eq29_terms": lambda: (lin.eq29_terms, (0.3, 1.0, 0.1, "softplus"), {}),
    "shallow.eq8_model": lambda: (lin.eq8_model, (np.array([1.0, -1.0]), 1.0), dict(activation="tanh")),
    "shallow.eq8_hessian_diagonal": lambda: (lin.eq8_hessian_diagonal, (np.ones(2), np.array([1.0, -1.0]), 1.0),
                                             dict(activation="tanh")),
    "shallow.eq8_hessian_norm": lambda: (lin.eq8_hessian_norm, (np.ones(2), np.array([1.0, -1.0]), 1.0),
                                         dict(activation="tanh")),
    "shallow.eq8_kernel": lambda: (lin.eq8_kernel, (np.ones(2), 1.0, 0.5), dict(activation="tanh")),
    "shallow.sup_abs": lambda: (lin.sup_abs, (np.tanh,), dict(lo=-2.0, hi=2.0, points=101)),
    "shallow.kernel_limit": lambda: (lin.kernel_limit, (1.0,), dict(activation="tanh")),
    "shallow.two_layer_unit_norms": lambda: (lin.two_layer_unit_norms, (NET, W, X), {}),
    "shallow.two_layer_top_eigenvector": lambda: (lin.two_layer_top_eigenvector, (NET, W, X), {}),
    "shallow.two_layer_hessian_norm": lambda: (lin.two_layer_hessian_norm, (NET, W, X), {}),
    "shallow.unit_block_norm": lambda: (lin.unit_block_norm, (np.array([1.0, -1.0]), np.array([0.2, 0.3]), 1.0),
                                        dict(activation="tanh")),
    "shallow.rademacher_limit": lambda: (lin.rademacher_limit, (), dict(activation="tanh", r2=1.0)),
    "shallow.gaussian_max_cdf": lambda: (lin.gaussian_max_cdf, (1.5,), dict(activation="tanh", r2=1.0,
                                                                            tail=False)),
    "shallow.gaussian_max_quantile": lambda: (lin.gaussian_max_quantile, (64,), dict(q=0.5, activation="tanh",
                                                                                     r2=1.0)),
    "shallow.rademacher_output": lambda: (lin.rademacher_output, (NET, W), dict(seed=0)),
    "shallow.relu_eq43_hessian_norm": lambda: (lin.relu_eq43_hessian_norm, (1.0, 16), {}),
    "shallow.local_slope_sqrt_log": lambda: (lin.local_slope_sqrt_log, (np.array([64.0, 512.0]),), {}),
    "training.Trajectory.reached": lambda: (trajectory().reached, (10.0,), {}),
    "training.Trajectory.summary": lambda: (trajectory().summary, (), dict(target=10.0)),
    "training.train": lambda: (lin.train, (ll.loss_function(NET, X[None], np.ones((1, 1))), W, 0.1), dict(
        max_steps=3, targets=(1e-3,), every=1, stop_at_last_target=True)),
    "training.relative_change": lambda: (lin.relative_change, (K3, np.eye(3)), {}),
    "widths.hessian_norm": lambda: (lin.hessian_norm, (NET, W, X[None]), dict(tol=1e-6, max_vectors=20)),
    "widths.gradient_norm": lambda: (lin.gradient_norm, (NET, W, X[None]), {}),
    "widths.layer_sensitivities": lambda: (lin.layer_sensitivities, (NET, W, X), {}),
    "widths.width_sweep": lambda: (lin.width_sweep, (lin.fcn_at_init, [4, 8]), dict(
        seeds=range(2), cache=False, depth=1)),
    "widths.width_law": lambda: (lin.width_law, (tiny_table(),), dict(
        value="hessian_norm", width="width", level=0.9, n_boot=50)),
    "widths.fcn": lambda: (lin.fcn, (8,), dict(depth=3, d=3, activation="tanh", bottleneck=2,
                                               bottleneck_activation="identity", bias=False)),
    "widths.fcn_at_init": lambda: (lin.fcn_at_init, (8, 0), dict(
        depth=1, d=3, activation="tanh", output_init="gaussian", sensitivities=True, hessian=True)),
}
CASES = {f"landscapelab.linearity.{name}": case for name, case in CASES.items()}

#: Objects with no call of their own.
NOT_CALLED = {"landscapelab.linearity.training.Trajectory"}    # a record that train() fills in


def example(name):
    fn, args, kwargs = CASES[name]()
    return fn, inspect.signature(fn).bind(*args, **kwargs)


def test_every_public_callable_has_an_example_call():
    assert sorted(set(public_objects(("landscapelab.linearity",))) - set(CASES) - NOT_CALLED) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_example_call_is_valid(name):
    fn, bound = example(name)
    fn(*bound.args, **bound.kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_arguments_are_refused_by_name(name):
    fn, bound = example(name)
    found = []
    for arg, value in bound.arguments.items():
        if arg in core.SKIP or inspect.signature(fn).parameters[arg].kind is inspect.Parameter.VAR_KEYWORD:
            continue
        for kind, wrong in core.wrong_values(value):
            problem = core.outcome(fn, bound, arg, wrong)
            if problem:
                found.append(f"{arg}={wrong!r:.40} ({kind}): {problem:.200}")
    assert found == []
