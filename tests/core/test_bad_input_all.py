"""Bad-input property tests for every public function of every package: kernels, demos, checks, the harness
itself, and every chapter package (found on disk, so a chapter added later is covered without editing this file).

For each public object (from the ``__all__`` of every module), ``landscapelab.testing.example_call`` builds a valid
call from the package's spec (``landscapelab/<package>/_bad_input.py``) and the signature; then every argument,
defaults included, is replaced in turn by wrong values: a fixed list (``wrong_values``) and values drawn by
hypothesis (``wrong_value_strategy``: other ranks, a NaN or infinity at a random place, complex entries, negative
counts; derandomised in normal runs). The call must raise ``ValueError``/``TypeError`` whose message names the
argument: never a number, never an unrelated exception. The core modules are covered the same way, with
hand-written calls, by ``tests/core/test_bad_input.py``.
"""

from __future__ import annotations

import importlib.util
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscapelab.testing import (bad_input_spec, example_call, public_objects, refusal, spec_location,
                                  wrong_value_strategy, wrong_values)

_HERE = pathlib.Path(__file__).with_name("test_bad_input.py")
_spec = importlib.util.spec_from_file_location("_core_bad_input", _HERE)
_core = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_core)

#: Everything not covered by the core file's hand-written calls.
NAMES = [name for name in public_objects() if not name.startswith(_core.COVERED)]
SPECS = {}


def spec_of(name):
    package, key = spec_location(name)
    if package not in SPECS:
        SPECS[package] = bad_input_spec(package)
    return SPECS[package], key


def is_exempt(name):
    spec, key = spec_of(name)
    return key in spec.NOT_CALLED


CALLED = [name for name in NAMES if not is_exempt(name)]


def mutations(name):
    spec, key = spec_of(name)
    fn, arguments, mutable = example_call(name, spec)
    for arg, value in mutable.items():
        allowed = spec.ALLOWED.get((key, arg), set())
        if "wrong rank" in allowed:          # any shape is valid there: a 0-d array (a scalar) is one
            allowed = allowed | {"0-d array"}
        yield fn, arguments, arg, value, allowed


def test_the_harness_reaches_every_package():
    packages = {spec_location(name)[0] for name in NAMES}
    assert {"landscapelab.kernels", "landscapelab.demos", "landscapelab.checks", "landscapelab.smoothness",
            "landscapelab.convexity", "landscapelab.wide"} <= packages
    chapters = {p.parent.name for p in pathlib.Path(_HERE).parents[2].glob("landscapelab/*/checks*.py")}
    assert {f"landscapelab.{c}" for c in chapters} <= packages


def test_every_exemption_names_a_public_object_and_a_reason():
    stale = []
    for package in {spec_location(name)[0] for name in NAMES}:
        spec = bad_input_spec(package)
        keys = {spec_location(name)[1] for name in NAMES if spec_location(name)[0] == package}
        for key, reason in spec.NOT_CALLED.items():
            if key not in keys or not str(reason).strip():
                stale.append(f"{package}: {key}")
    assert stale == []


@pytest.mark.parametrize("name", CALLED)
def test_the_example_call_is_valid(name):
    fn, arguments, mutable = example_call(name, spec_of(name)[0])
    if arguments:                    # calls at the defaults alone are not run (some are whole figures or sweeps)
        fn(**arguments)


@pytest.mark.parametrize("name", CALLED)
def test_fixed_wrong_values_are_refused_by_name(name):
    found = []
    for fn, arguments, arg, value, allowed in mutations(name):
        for kind, wrong in wrong_values(value):
            if kind not in allowed:
                problem = refusal(fn, arguments, arg, wrong)
                if problem:
                    found.append(f"{arg}={wrong!r:.40} ({kind}): {problem:.200}")
    assert found == []


@pytest.mark.parametrize("name", CALLED)
@settings(max_examples=12, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_drawn_wrong_values_are_refused_by_name(name, data):
    cases = [case for case in mutations(name) if wrong_values(case[3])]
    if not cases:
        return
    fn, arguments, arg, value, allowed = data.draw(st.sampled_from(cases), label="argument")
    kind, wrong = data.draw(wrong_value_strategy(value).filter(lambda kw: kw[0] not in allowed), label="wrong")
    assert refusal(fn, arguments, arg, wrong) is None, (arg, kind, wrong)


def test_every_public_module_declares_its_public_names():
    """The harness (and the docstring check) list functions from ``__all__``: a module without one would hide its
    functions from both. Claim modules (``checks*.py`` and the core's ``checks/core.py``: zero-argument
    functions) are the exception."""
    import importlib

    from landscapelab.testing import public_modules

    missing = [name for name in public_modules() if not hasattr(importlib.import_module(name), "__all__")
               and not name.rsplit(".", 1)[-1].startswith("checks") and not name.startswith("landscapelab.checks.")]
    assert missing == []


def test_a_demo_whose_draw_returns_no_figure_is_refused_by_name():
    from landscapelab.demos import Demo

    demo = Demo(lambda a: None, {"a": [1, 2]})
    with pytest.raises(TypeError, match="draw"):
        demo.png(a=1)


@pytest.mark.parametrize("call", [
    lambda: __import__("landscapelab").kernels.c_core_kappa(weights=[5], beta=2.0),
    lambda: __import__("landscapelab.convexity.reference", fromlist=["c_core_kappa"]).c_core_kappa([5], 2.0),
])
def test_c_core_kappa_refuses_numbers_for_weight_matrices(call):
    with pytest.raises((TypeError, ValueError), match="weights"):
        call()


def test_empirical_threshold_refuses_an_empty_sample_dict():
    from landscapelab.convexity.demos import empirical_threshold

    with pytest.raises(ValueError, match="samples"):
        empirical_threshold({}, 0.1)
