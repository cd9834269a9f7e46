"""Hessian, gradient and sensitivity norms of any model, the width-sweep helpers, and the width laws of
Theorems 3.2-3.3 (slow: Lanczos sweeps)."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.linearity import bottleneck, shallow, widths


def dense_norm(fun, w):
    return float(np.abs(np.linalg.eigvalsh(np.asarray(autograd.hessian(fun)(w)))).max())


@pytest.mark.parametrize("widths_, act, bias", [([4, 9, 7, 1], "tanh", False), ([3, 6, 2, 6, 1],
                                                 ["tanh", "identity", "sigmoid"], [True, False, True, False])])
def test_hessian_and_gradient_norms_of_an_mlp_match_autograd(widths_, act, bias):
    net = ll.MLP(widths_, activation=act, bias=bias, parametrization="ntk")
    w = net.init(seed=4)
    X = np.random.default_rng(4).standard_normal((1, widths_[0]))
    fun = lambda v: net(v, X)[0, 0]  # noqa: E731
    assert widths.hessian_norm(net, w, X, tol=1e-11) == pytest.approx(dense_norm(fun, w), rel=1e-9)
    assert widths.gradient_norm(net, w, X) == pytest.approx(float(np.linalg.norm(autograd.grad(fun)(w))), rel=1e-13)


def test_hessian_norm_of_any_callable_model():
    fun = bottleneck.eq31_model(1.2)
    W = bottleneck.eq31_init(9, seed=0)
    assert widths.hessian_norm(fun, W, tol=1e-11) == pytest.approx(dense_norm(fun, W), rel=1e-9)
    with pytest.raises(TypeError, match="model: expected an MLP or a scalar function"):
        widths.hessian_norm(3.0, W)
    with pytest.raises(ValueError, match="X: the model Hessian is that of one scalar output"):
        widths.hessian_norm(ll.MLP([2, 3, 1]), np.zeros(13), np.ones((2, 2)))


def test_layer_sensitivities_match_autograd_through_the_hidden_layers():
    net = ll.MLP([3, 5, 4, 6, 1], activation=["tanh", "sin", "sigmoid"], bias=[True, False, True, False],
                 parametrization="ntk")
    w = net.init(seed=1)
    x = np.random.default_rng(1).standard_normal(3)
    layers = net.unflatten(w)
    acts = [anp.tanh, anp.sin, lambda z: 0.5 * (anp.tanh(0.5 * z) + 1)]

    def tail(alpha, start):
        h = alpha
        for i in range(start, 3):
            M, b = layers[i]
            z = anp.dot(M, h) / math.sqrt(net.widths[i])
            h = acts[i](z if b is None else z + b)
        return anp.dot(layers[3][0][0], h) / math.sqrt(net.widths[3])

    alphas, h = [], x
    for i in range(3):
        M, b = layers[i]
        z = M @ h / math.sqrt(net.widths[i]) + (0 if b is None else b)
        h = [np.tanh, np.sin, lambda t: 1 / (1 + np.exp(-t))][i](z)
        alphas.append(h)
    got = widths.layer_sensitivities(net, w, x)
    for level in range(3):
        ref = autograd.grad(tail)(alphas[level], level + 1)
        assert np.abs(got[level] - ref).max() <= 1e-14 * max(1.0, np.abs(ref).max())


def test_fcn_builds_the_bottleneck_in_the_middle():
    net = widths.fcn(32, depth=3, d=5, bottleneck=4)
    assert net.widths == (5, 32, 4, 32, 1) and [a.name for a in net.activations] == ["tanh", "identity", "tanh"]
    with pytest.raises(ValueError, match="depth: a bottleneck needs at least 3 hidden layers"):
        widths.fcn(8, depth=2, bottleneck=2)


def shallow_measure(width, seed, scale=1.0):
    """A measurement on a model that is not an MLP: Eq. (8) with +-1 output weights, via autograd."""
    rng = np.random.default_rng(seed)
    v = np.sign(rng.standard_normal(width))
    w = rng.standard_normal(width)
    f = shallow.eq8_model(v, scale)
    return {"hessian_norm": widths.hessian_norm(f, w, tol=1e-12, max_vectors=None),
            "closed_form": shallow.eq8_hessian_norm(w, v, scale)}


def test_width_sweep_runs_any_measurement_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPELAB_CACHE", str(tmp_path))
    table = widths.width_sweep(shallow_measure, [16, 64, 256], seeds=range(3), scale=1.0, progress=False)
    assert len(table) == 9 and set(table.columns) == {"width", "scale", "seed", "hessian_norm", "closed_form"}
    assert np.allclose(table.column("hessian_norm"), table.column("closed_form"), rtol=1e-9)
    assert len(list((tmp_path / "sweeps").glob("*.pkl"))) == 9
    again = widths.width_sweep(shallow_measure, [16, 64, 256], seeds=range(3), scale=1.0, progress=False)
    assert again.rows == table.rows
    fit = widths.width_law(table)
    assert -0.7 < fit.slope < -0.3 and fit.low <= fit.slope <= fit.high and fit.n_seeds == 3


def test_width_law_recovers_an_exact_power_law():
    rows = [{"width": m, "seed": s, "y": (2.0 + 0.1 * s) * m ** -0.5} for m in (10, 100, 1000) for s in range(4)]
    fit = widths.width_law(ll.sweeps.Table(rows), value="y")
    assert fit.slope == pytest.approx(-0.5, abs=1e-12) and fit.low == pytest.approx(-0.5, abs=1e-12)
    with pytest.raises(TypeError, match="table: expected a landscapelab Table"):
        widths.width_law(rows)


def test_fcn_at_init_sensitivities_show_the_norm_gap():
    small = widths.fcn_at_init(64, 0, sensitivities=True, hessian=False)
    large = widths.fcn_at_init(1024, 0, sensitivities=True, hessian=False)
    assert large["sens_inf"] < small["sens_inf"] / 2           # ~ sqrt(log m / m): a factor 3 over x16
    assert 0.5 < large["sens_2"] / small["sens_2"] < 2          # of order one


@pytest.mark.slow
@pytest.mark.parametrize("init, band", [("rademacher", (-0.6, -0.4)), ("gaussian", (-0.6, -0.33))])
def test_p3_two_hidden_layers_width_law(init, band):
    table = widths.width_sweep(widths.fcn_at_init, [32, 64, 128, 256], seeds=range(3), cache=False,
                               progress=False, output_init=init)
    fit = widths.width_law(table, n_boot=500)
    assert band[0] < fit.slope < band[1]
    scaled = np.sqrt(table.column("width")) * table.column("hessian_norm")
    assert np.all((scaled > 1.0) & (scaled < 4.0))
    grads = table.column("gradient_norm")
    assert grads.max() / grads.min() < 2.0                        # the kernel K(x, x) = ||grad f||^2 stays put


@pytest.mark.slow
def test_p9_bottleneck_width_sets_the_hessian():
    means = []
    mbs = [1, 4, 16, 64]
    for mb in mbs:
        means.append(np.mean([widths.fcn_at_init(256, s, depth=3, bottleneck=mb)["hessian_norm"]
                              for s in range(3)]))
    assert np.all(np.diff(means) < 0)
    assert -0.6 < ll.fits.loglog_slope(mbs, means)[0] < -0.3
