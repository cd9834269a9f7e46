"""Every public function refuses malformed input with a ValueError/TypeError that names the argument.

Each public function or class (found from the ``__all__`` of every module, so a new one is covered or the
completeness test fails) has one valid example call below. Every argument of that call is then replaced, one at a
time, by values that are wrong for its kind (a string for a number or an array, NaN, infinity, a complex array, an
array with an extra axis, an unknown option name, a negative count, a number for a function or an object), and the
call must raise ``TypeError`` or ``ValueError`` whose message contains the argument's name. A wrong value must never
produce a number, and never an unrelated exception from deep inside NumPy.
"""

from __future__ import annotations

import inspect
import math

import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.testing import public_objects, random_problem


P = random_problem((3, 5, 2), n=6, seed=0)
SQUARE = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
OP = None


def op():
    global OP
    if OP is None:
        OP = ll.hessian_operator(P.f, P.w)
    return OP


def quad(w):
    return anp.sum(w ** 2)


def power(width, seed):
    return {"value": float(width) ** -0.5 + 0 * seed}


# name -> (callable, args, kwargs) of a valid call; arguments listed in SKIP are not mutated, with the reason.
CASES = {
    "landscapelab.activations.get": lambda: (ll.activations.get, ("tanh",), {}),
    "landscapelab.activations.names": lambda: (ll.activations.names, (), {}),
    "landscapelab.activations.register": lambda: (ll.activations.register, (ll.activations.get("tanh"),), {}),
    "landscapelab.nets.MLP": lambda: (ll.MLP, ([3, 4, 2],), dict(activation="tanh", bias=True,
                                                                  parametrization="standard")),
    "landscapelab.nets.MLP.init": lambda: (P.net.init, (), dict(seed=0, weight_std=1.0, bias_std=1.0)),
    "landscapelab.nets.MLP.check_params": lambda: (P.net.check_params, (P.w,), {}),
    "landscapelab.nets.MLP.check_inputs": lambda: (P.net.check_inputs, (P.X,), {}),
    "landscapelab.nets.MLP.unflatten": lambda: (P.net.unflatten, (P.w,), {}),
    "landscapelab.nets.MLP.flatten": lambda: (P.net.flatten, (P.net.unflatten(P.w),), {}),
    "landscapelab.nets.MLP.features": lambda: (P.net.features, (P.w, P.X), dict(layer=1)),
    "landscapelab.losses.square": lambda: (ll.losses.square, (P.net(P.w, P.X), P.Y), {}),
    "landscapelab.losses.cross_entropy": lambda: (ll.losses.cross_entropy, (P.net(P.w, P.X), np.abs(P.Y)), {}),
    "landscapelab.losses.loss_function": lambda: (ll.loss_function, (P.net, P.X, P.Y), dict(loss="square",
                                                                                            scale=1.0)),
    "landscapelab.losses.LossFunction": lambda: (ll.losses.LossFunction, (P.net, P.X, P.Y), dict(loss="square")),
    "landscapelab.losses.LossFunction.value": lambda: (P.f.value, (P.w,), {}),
    "landscapelab.losses.LossFunction.gradient": lambda: (P.f.gradient, (P.w,), {}),
    "landscapelab.losses.LossFunction.hvp": lambda: (P.f.hvp, (P.w, P.w), {}),
    "landscapelab.losses.LossFunction.gnvp": lambda: (P.f.gnvp, (P.w, P.w), {}),
    "landscapelab.curvature.gradient": lambda: (ll.gradient, (P.f, P.w), {}),
    "landscapelab.curvature.hvp": lambda: (ll.hvp, (P.f, P.w, P.w), {}),
    "landscapelab.curvature.hessian": lambda: (ll.hessian, (P.f, P.w), dict(chunk=8, max_memory=1e9)),
    "landscapelab.curvature.estimators.eigenvalues": lambda: (ll.eigenvalues, (P.f, P.w), dict(
        k=2, which="largest", method="lanczos", tol=1e-8, max_iter=30, max_memory=1e9)),
    "landscapelab.curvature.estimators.hessian_trace": lambda: (ll.hessian_trace, (P.f, P.w), dict(
        samples=10, method="hutchinson", max_memory=1e8)),
    "landscapelab.curvature.estimators.spectral_density": lambda: (ll.spectral_density, (P.f, P.w), dict(
        grid=np.linspace(-1, 1, 5), n_vectors=2, steps=5, sigma=0.1)),
    "landscapelab.curvature.estimators.lanczos_quadrature": lambda: (ll.curvature.lanczos_quadrature,
                                                                     (op(), np.ones(P.net.n_params), 4), {}),
    "landscapelab.curvature.estimators.symmetric_operator": lambda: (ll.curvature.symmetric_operator, (SQUARE,), {}),
    "landscapelab.curvature.krylov.lanczos": lambda: (ll.curvature.lanczos, (lambda V: V @ SQUARE, 3), dict(
        k=1, which="largest", tol=1e-8, max_vectors=3)),
    "landscapelab.curvature.krylov.subspace_iteration": lambda: (
        ll.curvature.krylov.subspace_iteration, (lambda V: V @ SQUARE, 3, 1, "largest", 1e-8, 200, 0), {}),
    "landscapelab.curvature.krylov.check_tol": lambda: (ll.curvature.krylov.check_tol, (1e-8,), {}),
    "landscapelab.curvature.operators.as_operator": lambda: (ll.as_operator, (SQUARE,), {}),
    "landscapelab.curvature.operators.hessian_operator": lambda: (ll.hessian_operator, (P.f, P.w), {}),
    "landscapelab.curvature.operators.ggn_operator": lambda: (ll.ggn_operator, (P.f, P.w), {}),
    "landscapelab.curvature.operators.jacobian_operator": lambda: (ll.jacobian_operator, (P.net, P.w, P.X), {}),
    "landscapelab.curvature.operators.jacobian_transpose_operator": lambda: (
        ll.jacobian_transpose_operator, (P.net, P.w, P.X), {}),
    "landscapelab.curvature.operators.tangent_kernel_operator": lambda: (
        ll.tangent_kernel_operator, (P.net, P.w, P.X), {}),
    "landscapelab.curvature.operators.model_hessian_operator": lambda: (
        ll.model_hessian_operator, (P.net, P.w, P.X), dict(weights=np.ones((6, 2)))),
    "landscapelab.curvature.operators.jacobian": lambda: (ll.jacobian, (P.net, P.w, P.X), dict(chunk=4)),
    "landscapelab.curvature.operators.tangent_kernel": lambda: (ll.tangent_kernel, (P.net, P.w, P.X), {}),
    "landscapelab.curvature.operators.CurvatureOperator.rows": lambda: (op().rows, (P.w,), {}),
    "landscapelab.curvature.operators.CurvatureOperator.adjoint_rows": lambda: (op().adjoint_rows, (P.w,), {}),
    "landscapelab.curvature.operators.CurvatureOperator.dense": lambda: (op().dense, (), dict(chunk=8)),
    "landscapelab.fits.loglog_slope": lambda: (ll.fits.loglog_slope, ([1.0, 2.0, 4.0], [1.0, 0.7, 0.5]), {}),
    "landscapelab.fits.slope_interval": lambda: (ll.fits.slope_interval, (
        [1.0, 2.0, 4.0], [[1.0, 0.7, 0.5], [1.1, 0.8, 0.5]]), dict(level=0.9, n_boot=50)),
    "landscapelab.sweeps.sweep": lambda: (ll.sweep, (power, {"width": [1, 2]}), dict(seeds=[0, 1])),
    "landscapelab.testing.random_problem": lambda: (ll.testing.random_problem, ((3, 4, 2),), dict(
        loss="square", n=4)),
    "landscapelab.testing.rel_error": lambda: (ll.testing.rel_error, (np.ones(3), np.ones(3)), {}),
    "landscapelab.testing.finite_difference_gradient": lambda: (
        ll.testing.finite_difference_gradient, (quad, np.ones(3)), dict(step=1e-6)),
    "landscapelab.testing.check_gradient": lambda: (ll.testing.check_gradient, (P.f, P.w), {}),
    "landscapelab.testing.check_hvp": lambda: (ll.testing.check_hvp, (P.f, P.w), dict(directions=2)),
    "landscapelab.testing.check_operator": lambda: (ll.testing.check_operator, (op(), op().dense()), dict(
        directions=2)),
    "landscapelab.testing.noisy_power_law": lambda: (ll.testing.noisy_power_law, (8, 0), {}),
    "landscapelab.testing.public_modules": lambda: (ll.testing.public_modules, (), {}),
    "landscapelab.testing.public_objects": lambda: (ll.testing.public_objects, (("landscapelab.fits",),), {}),
    "landscapelab.adapters.autograd_function": lambda: (ll.adapters.autograd_function, (quad,), {}),
    "landscapelab.adapters.AutogradFunction": lambda: (ll.adapters.AutogradFunction, (quad,), {}),
    "landscapelab.adapters.AutogradFunction.gradient": lambda: (ll.adapters.autograd_function(quad).gradient,
                                                                (np.ones(3),), {}),
    "landscapelab.adapters.AutogradFunction.hvp": lambda: (ll.adapters.autograd_function(quad).hvp,
                                                           (np.ones(3), np.ones(3)), {}),
    "landscapelab.slices.filter_normalized_direction": lambda: (ll.slices.filter_normalized_direction,
                                                                (P.net, P.w), {}),
    "landscapelab.slices.slice_2d": lambda: (ll.slices.slice_2d, (P.f, P.w, P.w, P.w), dict(extent=0.5, n=3)),
    "landscapelab.optim.gradient_descent": lambda: (ll.optim.gradient_descent, (P.f, P.w), dict(
        lr=1e-3, steps=3, record_every=1)),
}

#: Arguments that are not mutated, with the reason.
SKIP = {
    "seed": "passed to numpy.random.default_rng, which accepts any int or sequence of ints and says so itself",
    "rng": "checked to be a numpy Generator where accepted",
    "progress": "any truthy value shows a progress bar",
    "return_vectors": "any truthy value asks for the vectors",
}

#: Objects whose valid call is not a function call of their own (classes used through a factory, protocols, ...).
NOT_CALLED = {
    "landscapelab.activations.Activation", "landscapelab.curvature.operators.SupportsHVP",
    "landscapelab.curvature.operators.SupportsHVP.gradient", "landscapelab.curvature.operators.SupportsHVP.hvp",
    "landscapelab.curvature.operators.CurvatureOperator", "landscapelab.curvature.krylov.LanczosResult",
    "landscapelab.curvature.krylov.ConvergenceWarning", "landscapelab.fits.SlopeFit", "landscapelab.testing.Problem",
    "landscapelab.sweeps.Table", "landscapelab.sweeps.Table.column", "landscapelab.sweeps.Table.where",
    "landscapelab.sweeps.Table.mean", "landscapelab.sweeps.Table.to_pandas", "landscapelab.sweeps.cache_dir",
    "landscapelab.sweeps.clear_cache", "landscapelab.adapters.jax_function", "landscapelab.adapters.JaxFunction",
    "landscapelab.adapters.JaxFunction.gradient", "landscapelab.adapters.JaxFunction.hvp",
    "landscapelab.plotting.figure", "landscapelab.cli.main",
}

#: Modules covered here; the chapter packages, the kernels and the demo framework have their own files.
COVERED = ("landscapelab.activations", "landscapelab.nets", "landscapelab.losses", "landscapelab.curvature",
           "landscapelab.fits", "landscapelab.sweeps", "landscapelab.testing", "landscapelab.adapters",
           "landscapelab.slices", "landscapelab.optim", "landscapelab.plotting", "landscapelab.cli")


def public_callables():
    return public_objects(COVERED)


def wrong_values(value):
    """(kind, value) pairs that are wrong for an argument whose valid value is ``value``."""
    if isinstance(value, bool):
        return [("string", "yes")]
    if isinstance(value, (int, np.integer)):
        return [("negative", -1), ("fraction", 2.5), ("string", "3"), ("nan", math.nan)]
    if isinstance(value, (float, np.floating)):
        return [("nan", math.nan), ("infinite", math.inf), ("string", "2")]
    if isinstance(value, str):
        return [("unknown name", "no such option")]
    if isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and value
                                          and isinstance(value[0], (int, float, list))):
        arr = np.asarray(value, dtype=float)
        return [("string", "an array"), ("nan", np.full(arr.shape, np.nan)), ("extra axis", arr[None]),
                ("complex", arr + 1j)]
    if value is None or isinstance(value, (dict, list, tuple)):
        return []
    return [("number for an object", 3)]


#: (function, argument) -> kinds of "wrong" value that are in fact valid there, with the reason.
ALLOWED = {
    **{(name, arg): {"extra axis"} for name, arg in [      # one direction or a (k, P) block of them
        ("landscapelab.adapters.AutogradFunction.hvp", "v"), ("landscapelab.curvature.hvp", "v"),
        ("landscapelab.curvature.operators.CurvatureOperator.adjoint_rows", "U"),
        ("landscapelab.curvature.operators.CurvatureOperator.rows", "V"),
        ("landscapelab.losses.LossFunction.gnvp", "v"), ("landscapelab.losses.LossFunction.hvp", "v")]},
    ("landscapelab.testing.noisy_power_law", "width"): {"fraction"},   # any positive abscissa
}


def mutations(name):
    fn, args, kwargs = CASES[name]()
    bound = inspect.signature(fn).bind(*args, **kwargs)
    for arg, value in bound.arguments.items():
        if arg in SKIP or inspect.signature(fn).parameters[arg].kind is inspect.Parameter.VAR_KEYWORD:
            continue
        for kind, wrong in wrong_values(value):
            if kind not in ALLOWED.get((name, arg), ()):
                yield fn, bound, arg, wrong


def outcome(fn, bound, arg, wrong):
    arguments = dict(bound.arguments)
    arguments[arg] = wrong
    positional = [arguments.pop(p.name) for p in inspect.signature(fn).parameters.values()
                  if p.kind is inspect.Parameter.POSITIONAL_ONLY and p.name in arguments]
    try:
        fn(*positional, **arguments)
    except (TypeError, ValueError, MemoryError) as err:
        return None if arg in str(err) else f"{type(err).__name__} not naming {arg!r}: {err}"
    except Exception as err:                     # noqa: BLE001 (an unrelated exception is what we look for)
        return f"unrelated {type(err).__name__}: {err}"
    return "accepted silently"


def test_every_public_callable_has_an_example_call():
    missing = sorted(set(public_callables()) - set(CASES) - NOT_CALLED)
    assert missing == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_example_call_is_valid(name):
    fn, args, kwargs = CASES[name]()
    fn(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_arguments_are_refused_by_name(name):
    found = []
    for fn, bound, arg, wrong in mutations(name):
        problem = outcome(fn, bound, arg, wrong)
        if problem:
            found.append(f"{arg}={wrong!r:.40}: {problem:.200}")
    assert found == []
