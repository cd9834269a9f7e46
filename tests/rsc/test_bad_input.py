"""Every public callable of landscapelab.rsc refuses malformed input with a ValueError/TypeError naming the argument.

The mutation machinery (which wrong values are tried for an argument, and what counts as a refusal by name) is the
core's, ``tests/core/test_bad_input.py``, loaded from its file so that there is one copy of it; this file lists one
valid example call for each public object of the chapter package.
"""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

from landscapelab import rsc
from landscapelab.rsc import demos
from landscapelab.rsc import experiments as ex
from landscapelab.sweeps import Table
from landscapelab.testing import public_objects

_spec = importlib.util.spec_from_file_location(
    "core_bad_input", pathlib.Path(__file__).parents[1] / "core" / "test_bad_input.py")
core = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(core)

NET = rsc.network(4, 6, 2, "tanh")
W = rsc.init_params(NET, sigma1=1.0, seed=0)
W1 = W + 0.01
X, Y = rsc.make_data(5, 4, shift=0.5, seed=1)
ONE = rsc.network(4, 6, 1, "tanh")
W_ONE = rsc.init_params(ONE, sigma1=1.0, seed=0)
GBAR = rsc.average_gradient(NET, W, X)
H = np.diag(np.linspace(-1.0, 2.0, NET.n_params))
BOUNDS = rsc.Bounds(depth=2, m=6, sigma1=1.0, activation="tanh", rho=1.0, rho1=1.0, rho2=1.0, y=Y)
#: Stands for a sweep table in the demo calls whose argument is mutated (the wrong value replaces it before use);
#: the valid calls of the demos read the real (cached) sweeps and are slow when the cache is cold.
EMPTY = Table([])


def run():
    return rsc.gradient_descent(NET, X, Y, W, steps=3, gbar_every=1, ball_every=1)


CASES = {
    "landscapelab.rsc.cone.cosine": lambda: (rsc.cosine, (W, W1), {}),
    "landscapelab.rsc.cone.in_cone": lambda: (rsc.in_cone, (W1, W, GBAR), dict(kappa=0.5)),
    "landscapelab.rsc.cone.cone_directions": lambda: (rsc.cone_directions, (GBAR,), dict(
        kappa=0.5, count=3, seed=0, cos=[0.6, 0.7, 0.8])),
    "landscapelab.rsc.cone.ConeCurvature": lambda: (rsc.ConeCurvature, (H, GBAR), dict(steps=10)),
    "landscapelab.rsc.cone.ConeCurvature.min_curvature": lambda: (
        rsc.ConeCurvature(H, GBAR, steps=10).min_curvature, (0.5,), {}),
    "landscapelab.rsc.cone.ConeCurvature.boundary_curvature": lambda: (
        rsc.ConeCurvature(H, GBAR, steps=10).boundary_curvature, (0.5,), {}),
    "landscapelab.rsc.cone.plugin_kappa": lambda: (rsc.plugin_kappa, (0.3, 0.1), {}),
    "landscapelab.rsc.constants.ActivationConstants": lambda: (rsc.ActivationConstants, (
        "tanh", 1.0, 0.7698, 0.0, 0.0), {}),
    "landscapelab.rsc.constants.activation_constants": lambda: (rsc.activation_constants, ("tanh",), {}),
    "landscapelab.rsc.constants.gamma": lambda: (rsc.gamma, (1.0, 1.0, 64), {}),
    "landscapelab.rsc.constants.h": lambda: (rsc.h, (2, 1.1, 0.5), {}),
    "landscapelab.rsc.constants.g": lambda: (rsc.g, (1.1, 3, 0.5), {}),
    "landscapelab.rsc.constants.c_H": lambda: (rsc.c_H, (3, 1.0, 1.0, 0.25, 0.69), dict(form="remark-4.3")),
    "landscapelab.rsc.constants.varrho": lambda: (rsc.varrho, (3, 1.0, 1.0, 0.69, 64), {}),
    "landscapelab.rsc.constants.loss_bound": lambda: (rsc.loss_bound, (Y, 1.0, 1.0, 3, 0.69), {}),
    "landscapelab.rsc.constants.rsc_alpha": lambda: (rsc.rsc_alpha, (0.3, 0.5, 10.0, 2.0, 1.0, 1.5, 64), {}),
    "landscapelab.rsc.constants.smoothness_beta": lambda: (rsc.smoothness_beta, (10.0, 2.0, 1.5, 64), {}),
    "landscapelab.rsc.constants.contraction": lambda: (rsc.contraction, (0.1, 1.0, 0.5), dict(gamma_t=0.2)),
    "landscapelab.rsc.constants.Bounds": lambda: (rsc.Bounds, (), dict(
        depth=2, m=6, sigma1=1.0, activation="tanh", rho=1.0, rho1=1.0, rho2=1.0, y=Y, form="remark-4.3")),
    "landscapelab.rsc.constants.Bounds.alpha": lambda: (BOUNDS.alpha, (0.3, 0.5), {}),
    "landscapelab.rsc.constants.Bounds.rsc_width": lambda: (BOUNDS.rsc_width, (0.3, 0.5), {}),
    "landscapelab.rsc.derivatives.model_hessian_norm": lambda: (rsc.model_hessian_norm, (NET, W, X[0]), dict(
        tol=1e-8)),
    "landscapelab.rsc.derivatives.one_layer_hessian_norm": lambda: (rsc.one_layer_hessian_norm, (
        ONE, W_ONE, X[0]), {}),
    "landscapelab.rsc.derivatives.cross_block_norm": lambda: (rsc.cross_block_norm, (NET, W, X[0]), {}),
    "landscapelab.rsc.derivatives.average_gradient": lambda: (rsc.average_gradient, (NET, W, X), {}),
    "landscapelab.rsc.derivatives.gradient_blocks": lambda: (rsc.gradient_blocks, (NET, W, X[0]), {}),
    "landscapelab.rsc.derivatives.residual_operator": lambda: (rsc.residual_operator, (NET, W, X, Y), {}),
    "landscapelab.rsc.derivatives.residuals": lambda: (rsc.residuals, (NET, W, X, Y), {}),
    "landscapelab.rsc.derivatives.kernel_quadratic_forms": lambda: (rsc.kernel_quadratic_forms, (
        NET, W, X, Y), {}),
    "landscapelab.rsc.derivatives.hidden_layer_norms": lambda: (rsc.hidden_layer_norms, (NET, W, X[0]), {}),
    "landscapelab.rsc.experiments.hessian_point": lambda: (ex.hessian_point, ("tanh", 1, 8, 1.0), dict(
        kind="sigma1", last_layer="unit")),
    "landscapelab.rsc.experiments.gbar_point": lambda: (ex.gbar_point, ("tanh", 1, 4, 0.5), dict(
        m=8, sigma=1.0, kind="sigma1")),
    "landscapelab.rsc.experiments.cone_point": lambda: (ex.cone_point, ("tanh", 8, 0.5), dict(
        depth=1, n=4, sigma1=1.0, steps=5, samples=2)),
    "landscapelab.rsc.experiments.gd_point": lambda: (ex.gd_point, ("tanh", 8, 1.0, 0.5, 0.5, 3), dict(
        depth=1, n=4, stop_loss=1e-3, analyse_every=0, gbar_every=1)),
    "landscapelab.rsc.model.sigma0_from_sigma1": lambda: (rsc.sigma0_from_sigma1, (1.0, 64), {}),
    "landscapelab.rsc.model.sigma1_from_sigma0": lambda: (rsc.sigma1_from_sigma0, (0.5, 64), {}),
    "landscapelab.rsc.model.network": lambda: (rsc.network, (4, 6, 2), dict(activation="tanh")),
    "landscapelab.rsc.model.check_network": lambda: (rsc.check_network, (NET,), {}),
    "landscapelab.rsc.model.init_params": lambda: (rsc.init_params, (NET,), dict(
        sigma1=1.0, seed=0, last_layer="unit")),
    "landscapelab.rsc.model.normalise_inputs": lambda: (rsc.normalise_inputs, (X,), {}),
    "landscapelab.rsc.model.make_data": lambda: (rsc.make_data, (5, 4), dict(shift=0.5, seed=1)),
    "landscapelab.rsc.model.loss": lambda: (rsc.loss, (NET, X, Y), {}),
    "landscapelab.rsc.model.split": lambda: (rsc.split, (NET, W), {}),
    "landscapelab.rsc.model.spectral_distances": lambda: (rsc.spectral_distances, (NET, W1, W), {}),
    "landscapelab.rsc.model.in_spectral_ball": lambda: (rsc.in_spectral_ball, (NET, W1, W), dict(
        rho=1.0, rho1=1.0)),
    "landscapelab.rsc.training.GDRun.in_ball": lambda: (run().in_ball, (1.0, 1.0), {}),
    "landscapelab.rsc.training.GDRun.analysis": lambda: (rsc.gradient_descent(
        NET, X, Y, W, steps=2, analyse=[1]).analysis, ("kappa_star",), {}),
    "landscapelab.rsc.training.gradient_descent": lambda: (rsc.gradient_descent, (NET, X, Y, W, 3), dict(
        omega=0.5, stop_loss=1e-6, gbar_every=1, ball_every=1, analyse=[1], rho2_factors=[1.0])),
    "landscapelab.rsc.training.step_analysis": lambda: (rsc.step_analysis, (NET, X, Y, W, 0.1), dict(
        rho2_factors=[1.0], steps=5)),
    "landscapelab.rsc.training.line_restriction": lambda: (rsc.line_restriction, (
        NET, X, Y, W, GBAR, 0.1), dict(points=3)),
}

#: The demos and figures: one argument, a sweep table (the valid calls read the cached sweeps).
DEMOS = {f"landscapelab.rsc.demos.{name}": getattr(demos, name) for name in (
    "cone_demo", "rate_demo", "kappa_figure", "width_figure", "depth_figure", "gbar_figure", "training_figure")}
SWEEP_OF = {"cone_demo": ex.cone_sweep, "kappa_figure": ex.cone_sweep, "rate_demo": ex.gd_sweep,
            "width_figure": ex.width_sweep, "depth_figure": ex.depth_sweep, "gbar_figure": ex.gbar_sweep,
            "training_figure": ex.gd_sweep}

#: Public objects with nothing to mutate: the sweeps take no argument, GDRun is what gradient_descent returns,
#: kappa_star takes none.
NOT_CALLED = {f"landscapelab.rsc.experiments.{name}_sweep" for name in (
    "width", "depth", "gbar", "gbar_width", "cone", "gd", "caution")} | {
    "landscapelab.rsc.training.GDRun", "landscapelab.rsc.cone.ConeCurvature.kappa_star"}

#: (function, argument) -> kinds of "wrong" value that are valid there, with the reason.
ALLOWED = {
    # a single input may be given as (d,) or as a (1, d) block
    **{(f"landscapelab.rsc.derivatives.{name}", "x"): {"extra axis"} for name in (
        "model_hessian_norm", "one_layer_hessian_norm", "cross_block_norm", "gradient_blocks",
        "hidden_layer_norms")},
    # inf phi' is negative for GELU and SiLU
    ("landscapelab.rsc.constants.ActivationConstants", "min_slope"): {"negative"},
}

def mutations(name):
    fn, args, kwargs = CASES[name]()
    yield from core_mutations(name, fn, args, kwargs)


def core_mutations(name, fn, args, kwargs):
    import inspect

    bound = inspect.signature(fn).bind(*args, **kwargs)
    for arg, value in bound.arguments.items():
        if arg in core.SKIP:
            continue
        for kind, wrong in core.wrong_values(value):
            if kind not in ALLOWED.get((name, arg), ()):
                yield fn, bound, arg, wrong


def test_every_public_callable_has_an_example_call():
    missing = sorted(set(public_objects(("landscapelab.rsc",))) - set(CASES) - set(DEMOS) - NOT_CALLED)
    assert missing == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_example_call_is_valid(name):
    fn, args, kwargs = CASES[name]()
    fn(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_arguments_are_refused_by_name(name):
    found = []
    for fn, bound, arg, wrong in mutations(name):
        problem = core.outcome(fn, bound, arg, wrong)
        if problem:
            found.append(f"{arg}={wrong!r:.40}: {problem:.200}")
    assert found == []


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demos_refuse_a_table_that_is_not_one(name):
    for wrong in (3, "a table", [{"m": 1}]):
        with pytest.raises(TypeError, match="table"):
            DEMOS[name](wrong)
    with pytest.raises(ValueError, match="table"):
        DEMOS[name](EMPTY)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demos_accept_their_sweep(name):
    DEMOS[name](SWEEP_OF[name.rsplit(".", 1)[1]]())
