"""Gradient and Hessian norms along training runs, against an independent re-run of gradient descent with
autograd derivatives and dense Hessians."""

import autograd
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import smoothness as sm


def test_regression_data_and_problem():
    X, Y = sm.regression_data(32, seed=0)
    assert X.shape == (32, 2) and Y.shape == (32, 1) and np.all(np.abs(X) <= 2)
    assert np.allclose(Y[:, 0], np.sin(1.5 * X[:, 0]) * X[:, 1])
    net, X2, Y2, ray = sm.training_problem()
    assert net.widths == (2, 16, 16, 1) and np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert ray.loss_value() == pytest.approx(np.sum(Y**2), rel=1e-15)


def test_dead_set_distance():
    net, X, Y, ray = sm.training_problem(width=4, n=8)
    for t in (0.0, 3.0, -7.5):
        assert sm.dead_set_distance(net, ray.point(t)) == 0.0
    w = net.init(seed=3)
    layers = net.unflatten(w)
    expected = np.sqrt(sum(np.sum(M**2) + np.sum(b**2) for M, b in layers[:-1]))
    assert sm.dead_set_distance(net, w) == pytest.approx(expected, rel=1e-14)
    # with sigma(u) = u^2 - 1 the set D_1 has the hidden biases at 1
    net2 = ll.MLP([1, 2, 2, 1], activation=sm.SQUARE_MINUS_ONE)
    assert sm.dead_set_distance(net2, sm.ray(net2, 5.0, c=1.0), c=1.0) == 0.0
    assert sm.dead_set_distance(ll.MLP([2, 3]), np.ones(9)) == 0.0


@pytest.mark.parametrize("clip", [None, 1.0])
def test_training_norms_against_an_independent_run(clip):
    lr, steps = 5e-3, 12
    run = sm.training_norms(lr, steps=steps, clip=clip, records=3, width=4, n=8, seed=1)
    net, X, Y, _ = sm.training_problem(width=4, n=8)
    loss = lambda w: np.sum((net(w, X) - Y) ** 2)               # noqa: E731  the paper's sum of squares
    grad, hess = autograd.grad(loss), autograd.hessian(loss)
    w = net.init(seed=1)
    last = sm.parameter_index(net)["M3"].ravel()
    assert run["step"].tolist() == [0, 4, 8, 12] and run["loss_history"].size == steps + 1
    k = 0
    for step in range(steps + 1):
        assert run["loss_history"][step] == pytest.approx(loss(w), rel=1e-12)
        g = grad(w)
        if step in run["step"]:
            H = hess(w)
            assert run["gradient"][k] == pytest.approx(np.linalg.norm(g), rel=1e-12)
            assert run["hessian"][k] == pytest.approx(np.abs(np.linalg.eigvalsh(H)).max(), rel=1e-8)
            assert run["last_layer"][k] == pytest.approx(np.linalg.norm(w[last]), rel=1e-14)
            assert run["weight_norm"][k] == pytest.approx(np.linalg.norm(w), rel=1e-14)
            assert run["loss"][k] == run["loss_history"][step]
            k += 1
        norm = np.linalg.norm(g)
        w = w - (lr if clip is None else lr * min(1.0, clip / norm)) * g


def test_training_norms_bad_input():
    with pytest.raises(ValueError, match="records"):
        sm.training_norms(1e-3, steps=5, records=10)
    with pytest.raises(ValueError, match="clip"):
        sm.training_norms(1e-3, steps=5, records=1, clip=-1.0)
