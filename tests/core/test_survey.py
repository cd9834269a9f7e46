"""The unusual-call survey of the reliability issue, rerun: each call a student might make by mistake ends in an
error that names the argument to fix (or, where the call is meaningful, in the right number computed another way).
The property tests (test_bad_input_all.py) cover every public function generically; these are the concrete calls
that were found giving wrong numbers or unrelated exceptions, plus later finds."""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.convexity.demos import empirical_threshold
from landscapelab.demos import Demo
from landscapelab.smoothness.demos import admissible_region, ray_explorer
from landscapelab.testing import random_problem

P = random_problem((3, 5, 1), n=6, seed=0)

REFUSED = {
    "square: (n, 1) predictions against (n,) targets": (
        lambda: ll.losses.square(P.net(P.w, P.X), P.Y[:, 0]), ValueError, "Y"),
    "hessian: chunk = -1": (lambda: ll.hessian(P.f, P.w, chunk=-1), ValueError, "chunk"),
    "eigenvalues: tol = -1": (lambda: ll.eigenvalues(P.f, P.w, tol=-1), ValueError, "tol"),
    "eigenvalues: tol = nan": (lambda: ll.eigenvalues(P.f, P.w, tol=float("nan")), ValueError, "tol"),
    "eigenvalues: power method, tol = -1": (
        lambda: ll.eigenvalues(P.f, P.w, method="power", tol=-1), ValueError, "tol"),
    "spectral_density: sigma = inf": (
        lambda: ll.spectral_density(P.f, P.w, grid=np.linspace(-1, 1, 5), sigma=np.inf), ValueError, "sigma"),
    "init: weight_std = nan": (lambda: P.net.init(weight_std=np.nan), ValueError, "weight_std"),
    "init: weight_std = -1": (lambda: P.net.init(weight_std=-1), ValueError, "weight_std"),
    "init: bias_std = inf": (lambda: P.net.init(bias_std=np.inf), ValueError, "bias_std"),
    "loss_function: scale = '2'": (lambda: ll.loss_function(P.net, P.X, P.Y, scale="2"), TypeError, "scale"),
    "loss_function: cross-entropy with one output": (
        lambda: ll.loss_function(P.net, P.X, np.ones((6, 1)), loss="cross_entropy"), ValueError, "net"),
    "loss_function: no samples": (lambda: ll.loss_function(P.net, P.X[:0], P.Y[:0]), ValueError, "X"),
    "value: overflow at w * 1e155": (lambda: P.f.value(P.w * 1e155), FloatingPointError, "overflow"),
    "gradient: overflow at w * 1e200": (lambda: P.f.gradient(P.w * 1e200), FloatingPointError, "overflow"),
    "hvp: v of the wrong length": (lambda: P.f.hvp(P.w, P.w[:-1]), ValueError, "v"),
    "hvp: v with NaN": (lambda: P.f.hvp(P.w, P.w * np.nan), ValueError, "v"),
    "c_core_kappa: weights = [5]": (lambda: ll.convexity.c_core_kappa([5], 2.0), ValueError, "weights[0]"),
    "empirical_threshold: an empty dict": (lambda: empirical_threshold({}, 0.1), ValueError, "samples"),
    "admissible_region: a negative length": (lambda: admissible_region(lengths=(-5.0,)), ValueError, "lengths"),
    "admissible_region: points = 0": (lambda: admissible_region(points=0), ValueError, "points"),
    "Demo: a draw function returning None": (
        lambda: Demo(lambda a: None, {"a": [1, 2]}).png(a=1), TypeError, "draw"),
    "MLP: widths as a 0-d array": (lambda: ll.MLP(np.array(3)), ValueError, "widths"),
    "ray_explorer: ranges as a 0-d array": (lambda: ray_explorer(ranges=np.array(0.0)), TypeError, "ranges"),
    "MLP: a float width": (lambda: ll.MLP([3.0, 5, 1]), TypeError, "widths[0]"),
    "eigenvalues: k larger than P": (lambda: ll.eigenvalues(P.f, P.w, k=10**6), ValueError, "k"),
    "sweep: seeds = []": (lambda: ll.sweep(lambda a, seed: {"v": a}, {"a": [1]}, seeds=[]), ValueError, "seeds"),
    "loglog_slope: lengths differ": (lambda: ll.fits.loglog_slope([1, 2, 3], [1, 2]), ValueError, "x, y"),
    "gradient_descent: lr = -1": (lambda: ll.optim.gradient_descent(P.f, P.w, lr=-1, steps=3), ValueError, "lr"),
    "det_batched: one matrix instead of a stack": (lambda: ll.kernels.det_batched(np.eye(3)), ValueError, "As"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_call_is_refused_by_name(case):
    call, error, name = REFUSED[case]
    with pytest.raises(error) as info:
        call()
    assert name in str(info.value)


def test_complex_matrices_are_handled_not_truncated():
    A = np.array([[1j, 2.0], [0.5, 1.0 - 1j]])
    assert ll.kernels.det(A) == pytest.approx(np.linalg.det(A), rel=1e-15)
    lo, hi = ll.kernels.qi_intervals(np.diag([1j, 1.0]))
    singular = np.linalg.svd(np.diag([1j, 1.0]), compute_uv=False)
    assert np.all(lo <= singular.min() + 1e-15) and np.all(hi >= singular.max() - 1e-15)


def test_integer_and_list_parameters_mean_what_they_say():
    w_int = np.ones(P.net.n_params, dtype=int)
    assert np.array_equal(P.f.gradient(w_int), P.f.gradient(w_int.astype(float)))
    assert np.array_equal(P.f.gradient(list(P.w)), P.f.gradient(P.w))
    Y_int = np.ones((6, 1), dtype=int)
    assert ll.loss_function(P.net, P.X, Y_int).value(P.w) == ll.loss_function(P.net, P.X, Y_int * 1.0).value(P.w)


def test_star_import_and_chapter_attributes():
    namespace = {}
    exec("from landscapelab import *", namespace)
    assert "MLP" in namespace and hasattr(ll, "wide")
