"""The paper's network, initialisation, data and balls (Section 3, Assumption 2, Definition 3.1)."""

import math

import numpy as np
import pytest

from landscapelab import rsc


@pytest.mark.parametrize("activation,depth", [("tanh", 1), ("softplus", 2), ("gelu", 3)])
def test_network_is_eq1(forward, activation, depth):
    net = rsc.network(5, 7, depth, activation)
    w = rsc.init_params(net, sigma1=1.3, seed=4)
    X, _ = rsc.make_data(6, 5, shift=0.3, seed=2)
    assert np.abs(np.asarray(net(w, X))[:, 0] - forward(net.widths, activation, w, X)).max() < 1e-14


@pytest.mark.parametrize("d,m,depth", [(3, 8, 1), (32, 64, 3), (10, 5, 2)])
def test_parameter_count(d, m, depth):
    # the paper's "L m^2 + m" holds only for d = m; the count is m d + (L - 1) m^2 + m
    assert rsc.network(d, m, depth).n_params == m * d + (depth - 1) * m * m + m


def test_sigma_maps():
    # Assumption 2 by hand: sigma_0 = sigma_1 / (2 (1 + sqrt(log m / (2 m))))
    assert rsc.sigma0_from_sigma1(1.0, 256) == pytest.approx(
        1 / (2 * (1 + math.sqrt(math.log(256) / 512))), 1e-15
    )
    assert round(rsc.sigma0_from_sigma1(1.0, 256), 4) == 0.4529
    for m in (8, 64, 1024):
        assert rsc.sigma1_from_sigma0(rsc.sigma0_from_sigma1(0.7, m), m) == pytest.approx(0.7, rel=1e-14)


def test_init_statistics():
    net = rsc.network(32, 256, 2)
    w = rsc.init_params(net, sigma0=0.8, seed=1)
    Ws, v = rsc.split(net, w)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-14)
    entries = np.concatenate([W.ravel() for W in Ws])
    # 73728 N(0, 0.64) entries: the sample std has relative standard error 1/sqrt(2 * 73728) = 0.26%
    assert abs(entries.std() / 0.8 - 1) < 0.01
    assert abs(entries.mean()) < 4 * 0.8 / math.sqrt(entries.size)
    g = rsc.init_params(net, sigma0=0.8, seed=1, last_layer="gaussian")
    assert np.linalg.norm(rsc.split(net, g)[1]) > 5  # N(0, 1) entries: norm about sqrt(256) = 16
    assert np.array_equal(rsc.init_params(net, sigma1=1.0, seed=3), rsc.init_params(net, sigma1=1.0, seed=3))


@pytest.mark.parametrize("m", [64, 256, 512])
def test_lemma_a1(m):
    # Lemma A.1: ||W_0|| <= sigma_1 sqrt(m) with probability >= 1 - 2/m (ratios 0.85-0.94 at these widths)
    for seed in range(3):
        W = rsc.sigma0_from_sigma1(1.0, m) * np.random.default_rng(seed).standard_normal((m, m))
        ratio = np.linalg.svd(W, compute_uv=False)[0] / math.sqrt(m)
        assert 0.8 < ratio < 1.0


def test_data():
    X, y = rsc.make_data(50, 7, shift=1.0, seed=0)
    assert np.allclose(np.linalg.norm(X, axis=1), math.sqrt(7), rtol=1e-14)
    assert set(np.unique(y)) <= {-1.0, 1.0}
    Xc, _ = rsc.make_data(2000, 7, seed=0)
    Xs, _ = rsc.make_data(2000, 7, shift=1.0, seed=0)
    assert abs(Xc.mean()) < 0.05 and Xs.mean() > 0.5  # centred against shifted
    Z = rsc.normalise_inputs(np.array([[3.0, 4.0]]))
    assert np.allclose(Z, [[0.6 * math.sqrt(2), 0.8 * math.sqrt(2)]])


def test_loss_is_mean_square(forward):
    net = rsc.network(4, 6, 2, "softplus")
    w = rsc.init_params(net, sigma1=1.0, seed=0)
    X, y = rsc.make_data(9, 4, seed=1)
    f = rsc.loss(net, X, y)
    assert f.value(w) == pytest.approx(np.mean((forward(net.widths, "softplus", w, X) - y) ** 2), rel=1e-14)


def test_spectral_ball():
    net = rsc.network(4, 6, 2)
    w0 = rsc.init_params(net, sigma1=1.0, seed=0)
    w = w0.copy()
    layers = net.unflatten(w)
    D = np.outer(np.arange(1.0, 7.0), np.ones(4))  # rank one: ||D||_2 = ||a|| ||b||
    w[:24] += D.ravel()
    w[-6:] += 0.5
    dW, dv = rsc.spectral_distances(net, w, w0)
    assert dW[0] == pytest.approx(np.linalg.norm(np.arange(1.0, 7.0)) * 2.0, rel=1e-12)
    assert dW[1] == 0.0 and dv == pytest.approx(0.5 * math.sqrt(6), rel=1e-12)
    assert rsc.in_spectral_ball(net, w, w0, 19.2, 1.3) and not rsc.in_spectral_ball(net, w, w0, 18.0, 1.3)
    assert not rsc.in_spectral_ball(net, w, w0, 20.0, 1.2)
    assert len(layers) == 3


def test_validation():
    with pytest.raises(ValueError, match="sigma1, sigma0"):
        rsc.init_params(rsc.network(3, 4, 1), sigma1=1.0, sigma0=1.0)
    with pytest.raises(ValueError, match="sigma1"):
        rsc.sigma0_from_sigma1(-1.0, 10)
    with pytest.raises(TypeError, match="net"):
        rsc.init_params("net", sigma1=1.0)
    import landscapelab as ll

    with pytest.raises(ValueError, match="net"):
        rsc.init_params(ll.MLP([3, 4, 1]), sigma1=1.0)
    with pytest.raises(ValueError, match="last_layer"):
        rsc.init_params(rsc.network(3, 4, 1), sigma1=1.0, last_layer="zeros")
    with pytest.raises(ValueError, match="X"):
        rsc.normalise_inputs(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="y"):
        rsc.loss(rsc.network(3, 4, 1), np.ones((2, 3)), np.ones(3))
