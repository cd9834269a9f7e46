"""Eq. (8) and the two-layer network: closed forms against autograd, limits against calculus and quadrature
against Monte Carlo (P1, P2, the Gaussian-output log factor)."""

import math

import autograd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscapelab as ll
from landscapelab.linearity import shallow
from landscapelab.testing import rel_error


def dense_model_hessian(net, w, x):
    return np.asarray(autograd.hessian(lambda v: net(v, x[None])[0, 0])(w))


def spectral_norm(H):
    return float(np.abs(np.linalg.eigvalsh(H)).max())


@given(m=st.integers(1, 30), x=st.floats(-3, 3), seed=st.integers(0, 10_000),
       activation=st.sampled_from(["tanh", "sigmoid", "gelu"]))
def test_eq8_hessian_is_the_sigma_second_derivative_diagonal(m, x, seed, activation):
    rng = np.random.default_rng(seed)
    v, w = np.sign(rng.standard_normal(m)), rng.standard_normal(m)
    H = np.asarray(autograd.hessian(shallow.eq8_model(v, x, activation))(w))
    diag = shallow.eq8_hessian_diagonal(w, v, x, activation)
    assert np.abs(H - np.diag(diag)).max() <= 1e-14 * max(1.0, np.abs(H).max())
    # sigma'' is written with t = tanh(z) (1 - t^2 for tanh, s(1 - s) for sigmoid): the rounding of t costs a
    # relative error of about eps / (1 - t^2) = eps cosh(z)^2 once |z| is large, which autograd's cosh-based
    # derivative does not have. The tolerance grows with that condition number, nothing else.
    condition = float(np.cosh(np.clip(w * x, -300, 300)).max() ** 2)
    assert shallow.eq8_hessian_norm(w, v, x, activation) == pytest.approx(
        spectral_norm(H), rel=max(1e-13, 4 * np.finfo(float).eps * condition), abs=1e-15)


def test_eq8_kernel_is_the_gradient_inner_product():
    rng = np.random.default_rng(3)
    w, v = rng.standard_normal(40), np.sign(rng.standard_normal(40))
    gx = autograd.grad(shallow.eq8_model(v, 1.2))(w)
    gz = autograd.grad(shallow.eq8_model(v, -0.4))(w)
    # Eq. (10) uses v_i^2 = 1: the kernel does not depend on the signs
    assert shallow.eq8_kernel(w, 1.2, -0.4) == pytest.approx(float(gx @ gz), rel=1e-13)


def test_p1_limit_is_sup_tanh_second_derivative_and_slope_is_minus_half():
    limit = 4.0 / (3.0 * math.sqrt(3.0))       # tanh'' = -2t(1 - t^2), extreme at t = 1/sqrt(3)
    value, where = shallow.sup_abs(ll.activations.get("tanh").d2)
    assert value == pytest.approx(limit, rel=1e-14) and abs(abs(math.tanh(where)) - 1 / math.sqrt(3)) < 1e-7
    assert shallow.sup_abs(ll.activations.get("sigmoid").d2)[0] == pytest.approx(math.sqrt(3) / 18, rel=1e-14)
    ms = np.array([256, 1024, 4096, 16384, 65536])
    norms = []
    for m in ms:
        rng = np.random.default_rng(int(m))
        norms.append(shallow.eq8_hessian_norm(rng.standard_normal(m), np.sign(rng.standard_normal(m)), 1.0))
    assert np.all(np.abs(np.sqrt(ms) * norms - limit) < 5e-3)
    assert ll.fits.loglog_slope(ms, norms)[0] == pytest.approx(-0.5, abs=0.01)


def test_kernel_limit_by_quadrature_matches_a_large_sample():
    x, m = 1.0, 400_000
    w = np.random.default_rng(0).standard_normal(m)
    sample = ll.activations.get("tanh").d1(w * x) ** 2
    z = abs(shallow.eq8_kernel(w, x, x) - shallow.kernel_limit(x)) / (sample.std() / math.sqrt(m))
    assert z < 4
    assert shallow.kernel_limit(1.0) == pytest.approx(0.4644029024, rel=1e-9)   # E sech^4 w (the P1 kernel)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus"])
def test_two_layer_closed_form_equals_the_dense_hessian(bias, activation):
    net = ll.MLP([5, 14, 1], activation=activation, bias=bias, parametrization="ntk")
    for seed in range(3):
        w = net.init(seed=seed)
        x = np.random.default_rng(seed).standard_normal(5)
        H = dense_model_hessian(net, w, x)
        assert shallow.two_layer_hessian_norm(net, w, x) == pytest.approx(spectral_norm(H), rel=1e-12)


def test_two_layer_closed_form_refuses_other_networks():
    with pytest.raises(ValueError, match="net: expected an NTK-parametrised MLP"):
        shallow.two_layer_hessian_norm(ll.MLP([3, 4, 4, 1], parametrization="ntk"), np.zeros(37), np.ones(3))
    with pytest.raises(TypeError, match="net: expected a landscapelab.MLP"):
        shallow.two_layer_unit_norms("net", np.zeros(3), np.ones(3))


def test_p2_rademacher_limit_and_slope():
    limit, where = shallow.rademacher_limit()
    # independent: the 2 x 2 block [[s'' , s'], [s', 0]] on a fine grid, eigenvalues by numpy
    z = np.linspace(-1, 1, 20001)
    t = np.tanh(z)
    d1, d2 = 1 - t ** 2, -2 * t * (1 - t ** 2)
    grid = max(np.abs(np.linalg.eigvalsh(np.array([[a, b], [b, 0.0]]))).max() for a, b in zip(d2[::50], d1[::50]))
    assert limit == pytest.approx(1.2408064788, rel=1e-9) and abs(abs(where) - 0.41572) < 1e-4
    assert grid <= limit + 1e-12 and grid >= limit - 1e-5
    ms = [64, 256, 1024, 4096, 16384]
    scaled = []
    for m in ms:
        net = ll.MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
        w = shallow.rademacher_output(net, net.init(seed=m), seed=m + 1)
        scaled.append(math.sqrt(m) * shallow.two_layer_hessian_norm(net, w, np.ones(10)))
    assert all(abs(s - limit) < 2e-3 for s in scaled[1:])
    assert ll.fits.loglog_slope(ms, np.array(scaled) / np.sqrt(ms))[0] == pytest.approx(-0.5, abs=2e-3)


def test_rademacher_output_sets_only_the_last_layer_to_signs():
    net = ll.MLP([3, 6, 1], bias=True, parametrization="ntk")
    w = net.init(seed=0)
    r = shallow.rademacher_output(net, w, seed=1)
    (M1, b1), (M2, b2) = net.unflatten(r)
    assert set(np.unique(M2)) <= {-1.0, 1.0}
    assert np.array_equal(M1, net.unflatten(w)[0][0]) and np.array_equal(b2, net.unflatten(w)[1][1])


def test_gaussian_max_cdf_matches_monte_carlo():
    rng = np.random.default_rng(0)
    v, z = rng.standard_normal(1_000_000), rng.standard_normal(1_000_000)
    g = shallow.unit_block_norm(v, z, 1.0)
    for t in (0.8, 1.2, 2.0):
        p = shallow.gaussian_max_cdf(t)
        assert abs(np.mean(g <= t) - p) < 5 * math.sqrt(p * (1 - p) / g.size)
        assert shallow.gaussian_max_cdf(t, tail=True) == pytest.approx(1 - p, rel=1e-9)


def test_gaussian_max_quantile_predicts_the_median_of_sqrt_m_norm():
    m, draws = 256, []
    for seed in range(300):
        net = ll.MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
        draws.append(math.sqrt(m) * shallow.two_layer_hessian_norm(net, net.init(seed=seed), np.ones(10)))
    pred = shallow.gaussian_max_quantile(m)
    # standard error of a median of 300 draws: 1.25 sd / sqrt(300)
    assert abs(np.median(draws) - pred) < 4 * 1.25 * np.std(draws) / math.sqrt(300)
    lo, hi = shallow.gaussian_max_quantile(m, 0.1), shallow.gaussian_max_quantile(m, 0.9)
    assert abs(np.mean((np.array(draws) > lo) & (np.array(draws) < hi)) - 0.8) < 4 * math.sqrt(0.16 / 300)


def test_local_slope_of_sqrt_log_over_sqrt_m():
    m = np.array([64.0, 512.0, 4096.0])
    eps = 1e-6
    f = lambda t: 0.5 * np.log(np.log(t)) - 0.5 * np.log(t)  # noqa: E731
    numeric = (f(m * (1 + eps)) - f(m * (1 - eps))) / (np.log(1 + eps) - np.log(1 - eps))
    assert np.allclose(shallow.local_slope_sqrt_log(m), numeric, rtol=1e-7)
    with pytest.raises(ValueError, match="m: expected widths greater than 1"):
        shallow.local_slope_sqrt_log([1.0])


def test_relu_eq43_norm_matches_autograd():
    from landscapelab.linearity import experiments

    net = experiments.figure1_net(8)
    w = net.init(seed=5)
    for x in (0.3, -4.0):
        H = np.asarray(autograd.hessian(lambda v: net(v, np.array([[x]]))[0, 1])(w))
        assert rel_error(spectral_norm(H), shallow.relu_eq43_hessian_norm(x, 8)) < 1e-13


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="v: expected 3 output weights"):
        shallow.eq8_hessian_diagonal(np.zeros(3), np.zeros(4), 1.0)
    with pytest.raises(TypeError, match="x: expected a finite number"):
        shallow.eq8_model(np.ones(3), "1")
    with pytest.raises(ValueError, match=r"q: expected a number in \(0, 1\)"):
        shallow.gaussian_max_quantile(10, 1.0)
    with pytest.raises(ValueError, match="activation: unknown name"):
        shallow.eq8_hessian_norm(np.zeros(3), np.ones(3), 1.0, "nope")


@pytest.mark.parametrize("bias", [False, True])
def test_top_eigenvector_is_an_eigenvector_of_the_dense_hessian(bias):
    net = ll.MLP([4, 9, 1], activation="tanh", bias=bias, parametrization="ntk")
    w = net.init(seed=3)
    x = np.random.default_rng(1).standard_normal(4)
    H = dense_model_hessian(net, w, x)
    lam, vec = shallow.two_layer_top_eigenvector(net, w, x)
    eigs = np.linalg.eigvalsh(H)
    assert lam == pytest.approx(eigs[np.argmax(np.abs(eigs))], rel=1e-12)
    assert np.abs(H @ vec - lam * vec).max() < 1e-13 and np.linalg.norm(vec) == pytest.approx(1.0)
