"""The fused Numba path of loss_function (tanh hidden layers, no output activation, square loss).

Oracles: autograd (gradient, and the Hessian-vector product as the gradient of <grad f, v>), and the NumPy passes of
landscapelab._backprop (the same arithmetic operation for operation; they agree to float64 rounding, and bit for
bit where both sides call the same BLAS routine in the same order, which this test does not require).
"""

import autograd
import autograd.numpy as anp
import numba
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import _fused, losses

CASES = [([3, 5, 1], 7, True, "standard"), ([10, 64, 64, 1], 32, True, "standard"),
         ([2, 4, 3, 2], 1, False, "ntk"), ([4, 1, 6, 1], 5, [True, False, True], "standard"),
         ([5, 40, 33, 3], 20, True, "ntk"), ([3, 2], 4, True, "standard"), ([1, 2, 2, 1], 1, True, "standard"),
         ([6, 8, 1, 4], 9, True, "ntk"), ([2, 260, 260, 1], 3, True, "standard")]


def problem(widths, n, bias, par, seed=0):
    rng = np.random.default_rng(seed)
    net = ll.MLP(widths, bias=bias, parametrization=par)
    X, Y = rng.standard_normal((n, widths[0])), rng.standard_normal((n, widths[-1]))
    return net, ll.loss_function(net, X, Y, scale=0.7), rng


def rel(a, b):
    return float(np.abs(np.asarray(a) - b).max() / max(np.abs(b).max(), 1e-300))


def test_the_fused_path_is_taken_only_for_its_case():
    X, Y = np.ones((3, 2)), np.ones((3, 1))
    assert ll.loss_function(ll.MLP([2, 3, 1]), X, Y)._layout is not None
    assert ll.loss_function(ll.MLP([2, 3, 1], activation="relu"), X, Y)._layout is None
    assert ll.loss_function(ll.MLP([2, 3, 1], output_activation="tanh"), X, Y)._layout is None
    assert ll.loss_function(ll.MLP([2, 3, 2]), X, np.eye(2)[[0, 1, 0]], loss="cross_entropy")._layout is None
    assert _fused.enabled() == (not numba.config.DISABLE_JIT)      # NUMBA_DISABLE_JIT=1: the NumPy passes


@pytest.mark.parametrize("widths, n, bias, par", CASES)
def test_gradient_and_hvp_against_autograd_and_the_numpy_passes(widths, n, bias, par):
    net, f, rng = problem(widths, n, bias, par)
    for seed in range(2):
        w = net.init(seed=seed)
        V = rng.standard_normal((3, net.n_params))
        g = f.gradient(w)
        H = f.hvp(w, V)
        h1 = f.hvp(w, V[1])
        g_auto = autograd.grad(f)(w)
        H_auto = np.stack([autograd.grad(lambda u, v=v: anp.dot(autograd.grad(f)(u), v))(w) for v in V])
        # a few layers of float64 products and sums: rounding of a few units of 1e-16 relative to the largest entry
        assert rel(g, g_auto) <= 1e-13
        assert rel(H, H_auto) <= 1e-13
        assert rel(h1, H_auto[1]) <= 1e-13
        ref = losses._PointState(f, w)                 # the NumPy twin, same point
        assert rel(g, ll._backprop.weight_gradient(net, ref.trace, ref.errors)) <= 1e-14
        assert rel(H, ref.hvp_rows(V)) <= 1e-14
        assert rel(f.gnvp(w, V), ref.gnvp_rows(V)) <= 1e-14
        assert f.value(w) == pytest.approx(float(f(w)), rel=1e-14)


def test_gradient_after_a_product_at_the_same_point():
    net, f, rng = problem([4, 9, 7, 2], 6, True, "standard")
    w = net.init(seed=3)
    v = rng.standard_normal(net.n_params)
    first = f.hvp(w, v)                          # state made for products: the gradient comes on first use
    g = f.gradient(w)
    fresh = ll.loss_function(net, f.X, f.Y, scale=0.7)
    np.testing.assert_array_equal(g, fresh.gradient(w))
    np.testing.assert_array_equal(first, fresh.hvp(w, v))
    g[:] = 0.0                                    # the caller's copy, not the cached gradient
    np.testing.assert_array_equal(f.gradient(w), fresh.gradient(w))


@pytest.mark.parametrize("factor", [1e155, 1e200, 1e300])
def test_overflow_messages_match_the_numpy_passes(factor):
    net, f, _ = problem([3, 5, 4, 1], 4, True, "standard")
    w = net.init(seed=0) * factor
    with pytest.raises(FloatingPointError) as fused:
        f.gradient(w)
    with pytest.raises(FloatingPointError) as numpy_path:
        losses._PointState(f, w)
    assert str(fused.value) == str(numpy_path.value)
