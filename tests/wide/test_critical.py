"""Lemma 2.6.2 (backpropagation), Lemma 2.4.9 (P6) and Theorem 2.4.10, against autograd."""

import autograd
import numpy as np

import landscapelab as ll
from landscapelab.wide import construction as co
from landscapelab.wide import critical as cr
from landscapelab.wide import features as fe


def test_backprop_matches_autograd():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((11, 3)), rng.standard_normal((11, 2))
    net = ll.MLP([3, 8, 5, 2], activation="softplus")
    w = net.init(seed=1)
    auto = net.unflatten(autograd.grad(lambda v: 0.5 * np.sum((net(v, X) - Y) ** 2))(w))
    bp = cr.backprop(fe.thesis_layers(net, w), X, Y, "softplus")
    for l in range(3):
        assert np.allclose(bp["grad_U"][l], auto[l][0].T, rtol=1e-12, atol=1e-13)
        assert np.allclose(bp["grad_b"][l], auto[l][1], rtol=1e-12, atol=1e-13)
    assert np.isclose(cr.squared_loss(fe.thesis_layers(net, w), X, Y, "softplus"),
                      0.5 * np.sum((net(w, X) - Y) ** 2), rtol=1e-14)


def test_P6_sandwich_holds_in_every_draw():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((30, 2)), rng.standard_normal((30, 3))
    net = ll.MLP([2, 40, 10, 5, 3], activation="softplus")
    for s in range(200):
        scale = (0.3, 1.0, 3.0)[s % 3]
        w = net.init(seed=s, weight_std=scale, bias_std=scale)
        r = cr.sandwich(fe.thesis_layers(net, w), X, Y, "softplus", 1)
        auto = autograd.grad(lambda v: 0.5 * np.sum((net(v, X) - Y) ** 2))(w) if s < 5 else None
        if auto is not None:
            assert np.isclose(np.linalg.norm(net.unflatten(auto)[1][0]), r["gradient"], rtol=1e-10)
        assert r["lower"] <= r["gradient"] * (1 + 1e-9) and r["gradient"] <= r["upper"] * (1 + 1e-9)


def test_theorem_2_4_10_at_a_zero_loss_point():
    rng = np.random.default_rng(0)
    X, labels = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    W1, b1 = fe.random_layer(X, 40, 1.0, "gaussian", seed=3)
    F1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    layers = [(W1, b1)] + co.zero_loss_point(F1, labels, [40, 4, 3], "sigmoid", seed=0)
    Y = np.eye(3)[labels]
    r = cr.sandwich(layers, X, Y, "sigmoid", 1)
    assert r["residual"] < 1e-12 and r["gradient"] < 1e-11
    moved = [(W.copy(), b.copy()) for W, b in layers]
    moved[2] = (moved[2][0] * 1.1, moved[2][1])
    r = cr.sandwich(moved, X, Y, "sigmoid", 1)
    assert r["lower"] > 0 and r["gradient"] >= r["lower"]
