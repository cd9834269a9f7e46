"""Lemma 4.3.2 (P9, P14), the "rand" algorithm of Theorem 4.3.4 and the deep narrow skip network (P13)."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.wide import skip as sk
from landscapelab.wide import skipnet as sn


def test_skip_units_and_matrix():
    units = sk.skip_units([3, 4, 5, 6, 1], 9, seed=0)
    assert len({tuple(u) for u in units}) == 9 and units[:, 0].min() >= 1 and units[:, 0].max() <= 3
    net = ll.MLP([3, 4, 5, 6, 1], activation="sigmoid")
    w = net.init(seed=1)
    X = np.random.default_rng(2).standard_normal((7, 3))
    Psi = sk.skip_matrix(net, w, X, units)
    for q, (l, j) in enumerate(units):
        assert np.array_equal(Psi[:, q], net.features(w, X, layer=int(l))[:, j])
    with pytest.raises(ValueError, match="n_skip"):
        sk.skip_units([3, 4, 1], 5)


@pytest.mark.parametrize("activation", ["sigmoid", "softplus"])
def test_P9_wide_in_total_interpolates(activation):
    out = sk.psi_rank_trial(depth=4, width=100, n_samples=300, d=20, n_skip=300, activation=activation, seed=0)
    assert out["rank"] == 300 and out["rank_last"] == 100 and out["residual"] < 1e-6


def test_fewer_skip_units_than_samples_cannot_interpolate():
    rng = np.random.default_rng(0)
    Psi, Y = rng.standard_normal((20, 19)), rng.standard_normal((20, 1))
    _, residual = sk.random_feature_fit(Psi, Y)
    assert residual > 1e-3


@pytest.mark.parametrize("activation", ["softplus", "sigmoid"])
def test_P14_deep_narrow_psi_is_rank_deficient(activation):
    out = sk.psi_rank_trial(depth=50, width=10, n_samples=200, d=20, n_skip=200, activation=activation, seed=0)
    assert out["rank"] < 100


def reference_loss(net, units, X, y, act):
    depth = net.depth

    def f(t):
        W1, Ws, b, Wo, bo, V = net.unflatten(t)
        H, hs = X, []
        for l in range(depth):
            Z = H @ (W1 if l == 0 else Ws[l - 1]) + b[l]
            H = anp.logaddexp(0, Z) if act == "softplus" else 1 / (1 + anp.exp(-Z))
            hs.append(H)
        G = H @ Wo + bo
        if len(units):
            G = G + anp.stack([hs[l - 1][:, u] for l, u in units], axis=1) @ V
        return anp.mean(anp.log(anp.sum(anp.exp(G), 1)) - G[np.arange(len(y)), y])

    return f


@pytest.mark.parametrize("activation", sn.ACTIVATIONS)
@pytest.mark.parametrize("n_skip", [0, 7])
def test_skipnet_kernels_match_autograd(activation, n_skip):
    rng = np.random.default_rng(0)
    d, w, depth, m, N = 5, 4, 6, 3, 17
    units = sk.skip_units([d] + [w] * depth + [m], n_skip, seed=1) if n_skip else np.zeros((0, 2), int)
    net = sn.SkipNet(d, w, depth, m, units, activation)
    th = net.init(3) + 0.1 * rng.standard_normal(net.n_params)
    X, y = rng.standard_normal((N, d)), rng.integers(0, m, N)
    f = reference_loss(net, units, X, y, activation)
    ga = autograd.grad(f)(th)
    for backend in ("numba", "numpy"):
        loss, err, g = net.loss_grad(th, X, y, backend)
        assert abs(loss - f(th)) < 1e-13 and np.allclose(g, ga, rtol=1e-11, atol=1e-14)
    assert net.loss_grad(th, X, y, "numba")[1] == net.loss_grad(th, X, y, "numpy")[1]


def test_skipnet_refuses_bad_units():
    with pytest.raises(ValueError, match="units"):
        sn.SkipNet(3, 4, 2, 2, [[3, 0]])
    with pytest.raises(ValueError, match="activation"):
        sn.SkipNet(3, 4, 2, 2, [], "relu")


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["softplus", "sigmoid"])
def test_P13_skip_connections_rescue_a_deep_narrow_net(activation):
    for seed in range(3):
        plain = sn.skip_training_run(depth=50, n_samples=200, n_skip=0, activation=activation, steps=1000,
                                     lr=0.01, seed=seed)
        assert abs(plain["final_loss"] - plain["label_entropy"]) < 0.02
        skip = sn.skip_training_run(depth=50, n_samples=200, n_skip=200, activation=activation, steps=1000,
                                    lr=0.01, seed=seed)
        assert skip["final_loss"] < 0.5 and skip["final_error"] < 0.2


def test_auto_backend_follows_the_jit_switch(monkeypatch):
    net = sn.SkipNet(3, 4, 2, 2, [[1, 0]], "sigmoid")
    X, y = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 0, 1, 1])
    th = net.init(1)
    monkeypatch.setattr(sn.numba_config, "DISABLE_JIT", True)
    called = []
    monkeypatch.setattr(sn, "loss_grad_numpy", lambda *a: called.append(1) or sn.loss_grad_numba(*a))
    net.loss_grad(th, X, y)
    assert called == [1]
