"""Every public function of the decision-regions modules refuses malformed input with a ValueError/TypeError
that names the argument (the method of ``tests/core/test_bad_input.py``: one valid example call per function,
found from the modules' ``__all__``; each argument replaced in turn by values wrong for its kind)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.testing import public_objects
from landscapelab.wide import decision_regions as dr
from landscapelab.wide import decision_regions_kernels as kernels

ACT = dr.leaky_relu(0.1)
NET = ll.MLP([2, 2, 2], activation=ACT)
W = NET.flatten([(np.array([[1.0, 0.3], [-0.2, 1.0]]), np.array([0.5, -0.5])),
                 (np.array([[1.0, -1.0], [0.5, 0.5]]), np.array([0.0, 0.1]))])
X = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]])
Y = np.eye(2)[[0, 1, 0]]
EX = dr.low_rank_example()                        # blue region {|x_1| > 1}, slab |x_1| <= 0.5 between (-+1.5, 0)
REGIONS = dr.exact_components(EX.net, EX.w, 0)
LEFT, RIGHT = np.array([-1.5, 0.0]), np.array([1.5, 0.0])
A, B = np.array([-1.5, 0.2]), np.array([-1.8, -0.3])      # two points of the left blue component
SLAB = (np.array([1.0, 0.0]), -0.5, 0.5)
G = np.empty(W.size)
BR = dr.bridge_example(0.1)                       # full rank, pyramidal: certificate paths exist

# name -> (callable, args, kwargs) of a valid call
CASES = {
    "exact.ExactRegions.component_of": lambda: (REGIONS.component_of, (A,), {}),
    "exact.ExactRegions.path": lambda: (REGIONS.path, (A, B), {}),
    "exact.exact_components": lambda: (dr.exact_components, (NET, W, 0), dict(tol=1e-9, box=8.0)),
    "examples.non_pyramidal_example": lambda: (dr.non_pyramidal_example, (), {}),
    "examples.low_rank_example": lambda: (dr.low_rank_example, (), dict(alpha=0.1, as_printed=False)),
    "examples.relu_example": lambda: (dr.relu_example, (), {}),
    "examples.wider_than_input_example": lambda: (dr.wider_than_input_example, (), dict(d=2, alpha=0.1)),
    "examples.bridge_example": lambda: (dr.bridge_example, (), dict(eps=0.05, alpha=0.1)),
    "examples.LiftExample.f": lambda: (dr.cubic_lift_example().f, (np.array([0.5, 1.0]),), {}),
    "examples.LiftExample.in_V": lambda: (dr.LiftExample.in_V, (np.array([[0.5, 1.0]]),), {}),
    "examples.cubic_lift_example": lambda: (dr.cubic_lift_example, (), {}),
    "grid.class_image": lambda: (dr.class_image, (NET, W, (-2.0, 2.0, -2.0, 2.0)), dict(resolution=11)),
    "grid.grid_components": lambda: (dr.grid_components, (NET, W, 0, (-2.0, 2.0, -2.0, 2.0)),
                                     dict(resolution=11, min_pixels=1)),
    "kernels.gradient": lambda: (kernels.gradient, (X, Y, W, 2, 0.1), {}),
    "kernels.adam": lambda: (kernels.adam, (X, Y, W, 2, 0.1, 3, 0.01), {}),
    "kernels.gradient_reference": lambda: (kernels.gradient_reference, (X, Y, W, 2, 0.1, G), {}),
    "kernels.adam_reference": lambda: (kernels.adam_reference, (X, Y, W, 2, 0.1, 3, 0.01, np.empty(W.size)),
                                       {}),
    "nets.leaky_relu": lambda: (dr.leaky_relu, (0.1,), {}),
    "nets.inverse_activation": lambda: (dr.inverse_activation, ("tanh",), {}),
    "nets.negative_slope": lambda: (dr.negative_slope, ("relu",), {}),
    "nets.layers": lambda: (dr.layers, (NET, W), {}),
    "nets.margins": lambda: (dr.margins, (NET, W, X, 0), {}),
    "nets.predict": lambda: (dr.predict, (NET, W, X), {}),
    "nets.theorem_conditions": lambda: (dr.theorem_conditions, (NET, W), dict(rtol=1e-10)),
    "paths.certificate_path": lambda: (dr.certificate_path, (BR.net, BR.w, *BR.points),
                                       dict(resolution=None, max_points=20000)),
    "paths.check_path": lambda: (dr.check_path, (BR.net, BR.w, BR.points, 0), dict(resolution=0.5)),
    "paths.polyline_margin": lambda: (dr.polyline_margin, (BR.net, BR.w, BR.points, 0), {}),
    "paths.densify": lambda: (dr.densify, (np.array([A, B]), 0.1), {}),
    "slab.slab_max_margin": lambda: (dr.slab_max_margin, (EX.net, EX.w, 0, *SLAB), dict(cap=1.0)),
    "slab.separates": lambda: (dr.separates, (EX.net, EX.w, 0, *SLAB, LEFT, RIGHT), dict(tol=1e-9)),
    "train.strips_data": lambda: (dr.strips_data, (), dict(n=10)),
    "train.two_disks_data": lambda: (dr.two_disks_data, (), dict(n=10)),
    "train.xor_data": lambda: (dr.xor_data, (), dict(n=10, gap=0.1)),
    "train.train_classifier": lambda: (dr.train_classifier, (NET, X, np.array([0, 1, 0])),
                                       dict(steps=3, lr=0.01)),
    "train.trained_classifier": lambda: (dr.trained_classifier, ("strips (5.4)", (2, 2, 2), 0),
                                         dict(alpha=0.1, n=20, steps=3)),
}

SKIP = {"seed": "passed to numpy.random.default_rng, which checks it itself"}

#: Classes built by the library's own functions (their methods are covered above).
NOT_CALLED = {"ExactRegions", "Example", "LiftExample", "GridCount", "Conditions", "CertificatePath",
              "PathCheck"}

#: (case, argument) -> kinds of "wrong" value that are valid there, with the reason.
ALLOWED = {
    ("examples.LiftExample.f", "x"): {"extra axis"},         # any shape, flattened (documented)
    ("kernels.adam_reference", "w"): {"nan"},                 # an output array: its values are overwritten
    ("kernels.gradient_reference", "g"): {"nan"},
}


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


def mutations(name):
    fn, args, kwargs = CASES[name]()
    signature = inspect.signature(fn)
    bound = signature.bind(*args, **kwargs)
    for arg, value in bound.arguments.items():
        if arg in SKIP:
            continue
        for kind, wrong in wrong_values(value):
            if kind not in ALLOWED.get((name, arg), ()):
                yield fn, bound, arg, kind, wrong


def outcome(fn, bound, arg, wrong):
    arguments = dict(bound.arguments)
    arguments[arg] = wrong
    try:
        fn(**arguments)
    except (TypeError, ValueError) as err:
        return None if arg in str(err) else f"{type(err).__name__} not naming {arg!r}: {err}"
    except Exception as err:                     # noqa: BLE001 (an unrelated exception is what we look for)
        return f"unrelated {type(err).__name__}: {err}"
    return "accepted silently"


def test_every_public_callable_has_an_example_call():
    prefix = "landscapelab.wide.decision_regions_"
    found = {name[len(prefix):] for name in public_objects((prefix,))}
    assert sorted(found - set(CASES) - {f"{m}.{c}" for m in ("exact", "examples", "grid", "nets", "paths")
                                        for c in NOT_CALLED}) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_example_call_is_valid(name):
    fn, args, kwargs = CASES[name]()
    fn(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_arguments_are_refused_by_name(name):
    found = []
    for fn, bound, arg, kind, wrong in mutations(name):
        problem = outcome(fn, bound, arg, wrong)
        if problem:
            found.append(f"{arg} ({kind}): {problem:.200}")
    assert found == []


@pytest.mark.parametrize("call", [
    lambda: dr.margins(NET, W, np.zeros((0, 2)), 0),
    lambda: dr.predict(NET, W, np.zeros((0, 2))),
    lambda: dr.polyline_margin(NET, W, np.zeros((0, 2)), 0),
    lambda: dr.check_path(NET, W, np.zeros((0, 2)), 0),
    lambda: dr.densify(np.zeros((0, 2)), 0.1),
])
def test_an_empty_set_of_points_is_refused_by_name(call):
    with pytest.raises(ValueError, match="X|points"):
        call()


def test_the_margin_along_a_one_point_polygon_is_the_margin_at_the_point():
    # before, the loop over edges found none and returned +inf ("the polygon lies in C_cls") for any point
    for x in (A, LEFT, np.array([0.2, 0.0])):
        expected = dr.margins(EX.net, EX.w, x[None], 0)[0]
        assert dr.polyline_margin(EX.net, EX.w, x[None], 0) == pytest.approx(expected, rel=1e-15, abs=1e-15)


def test_an_empty_sample_is_blamed_on_X_not_on_the_labels():
    with pytest.raises(ValueError, match="^X:"):
        kernels.gradient(np.zeros((0, 2)), Y, W, 2, 0.1)
    with pytest.raises(ValueError, match="^X:"):
        dr.train_classifier(NET, np.zeros((0, 2)), np.array([0, 1, 0]), steps=1)
