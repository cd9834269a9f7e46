"""The loss-preserving moves of Chapter 3 (P10-P12) and the paths of Theorems 3.4.13 and 3.4.16 (P11), with the loss
re-evaluated by the core network (an independent forward pass)."""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.wide import activations as acts
from landscapelab.wide import features as fe
from landscapelab.wide import paths as pa
from landscapelab.wide import sublevel as sl
from landscapelab.wide.training import regression_problem, train_minimum

LEAKY = acts.leaky_relu(0.2)


def dense(path, X, Y, loss="square"):
    net = ll.MLP(list(path.widths), activation=LEAKY)
    f = ll.loss_function(net, X, Y, loss=loss, scale=0.5 if loss == "square" else 1.0 / len(X))
    return np.array([f(w) for w in path.flat(net)])


@pytest.fixture(scope="module")
def problem():
    X, Y = regression_problem(20, 10, 1, seed=0)
    minima = {}
    for widths in ([10, 40, 1], [10, 40, 4, 1]):
        minima[tuple(widths)] = [train_minimum(widths, X, Y, LEAKY, seed=s) for s in (1, 2)]
    return X, Y, minima


def test_absorb_keeps_the_product():
    rng = np.random.default_rng(0)
    F = rng.standard_normal((6, 3)) @ rng.standard_normal((3, 9))
    V = rng.standard_normal((9, 2))
    I = pa.independent_columns(F)
    curve, residual = pa.absorb(F, V, I)
    assert len(I) == 3 and residual < 1e-12
    for lam in np.linspace(0, 1, 7):
        assert np.allclose(F @ curve(lam), F @ V, atol=1e-12)
    assert np.all(curve(1.0)[np.setdiff1d(np.arange(9), I)] == 0) and np.array_equal(curve(0.0), V)


def test_P12_shift_spans():
    v = np.random.default_rng(0).uniform(-3, 3, 20)
    b = np.linspace(-6, 6, 400)
    expected = {"leaky_relu(0.2)": 20, "relu": 20, "elu": 20, "exp": 1, "cube": 4, "identity": 2}
    assert {k: pa.shift_span_rank(v, k, b) for k in expected} == expected


def test_P10_h_map_realises_any_output_and_the_convex_curve_descends():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 10))
    net = ll.MLP([10, 5, 2], activation=LEAKY)
    layers = fe.thesis_layers(net, net.init(seed=1))
    A = 10 * rng.standard_normal((8, 2))
    layers[0] = sl.h_map(X, layers, A, LEAKY, 2)
    assert np.allclose(net(fe.flat_parameters(net, layers), X), A, rtol=0, atol=1e-10)
    Y = rng.standard_normal((8, 2))
    F = net(fe.flat_parameters(net, layers), X)
    losses = []
    for lam in np.linspace(0, 1, 101):
        layers[0] = sl.h_map(X, layers, (1 - lam) * F + lam * Y, LEAKY, 2)
        losses.append(0.5 * np.sum((net(fe.flat_parameters(net, layers), X) - Y) ** 2))
    assert np.all(np.diff(losses) <= 1e-9) and losses[-1] < 1e-20


def test_make_full_rank_from_linear_units():
    X, Y = regression_problem(20, 10, 1, seed=0)
    net = ll.MLP([10, 40, 1], activation=LEAKY)
    layers = fe.thesis_layers(net, net.init(seed=3))
    layers[0] = (layers[0][0], np.full(40, 50.0))
    walker = pa.Walker(layers, steps=10)
    before = pa.make_full_rank(walker, X, LEAKY, 1)
    assert before == 11
    out0 = net(fe.flat_parameters(net, layers), X)
    for p in walker.points:
        assert np.allclose(net(fe.flat_parameters(net, p), X), out0, rtol=1e-10, atol=1e-10)
    assert fe.numerical_rank(fe.feature_matrix(walker.layers, X, LEAKY, 1)) == 20


def test_copy_layer_reaches_the_target(problem):
    X, Y, minima = problem
    (a, _), (b, _) = minima[10, 40, 1]
    walker = pa.Walker(a, steps=5)
    pa.copy_layer(walker, X, LEAKY, *b[0], k=1)
    assert np.array_equal(walker.layers[0][0], b[0][0]) and np.array_equal(walker.layers[0][1], b[0][1])
    net = ll.MLP([10, 40, 1], activation=LEAKY)
    out0 = net(fe.flat_parameters(net, a), X)
    assert max(np.abs(net(fe.flat_parameters(net, p), X) - out0).max() for p in walker.points) < 1e-10


@pytest.mark.parametrize("widths", [(10, 40, 1), (10, 40, 4, 1)])
def test_P11_path_between_minima(problem, widths):
    X, Y, minima = problem
    (a, la), (b, lb) = minima[widths]
    path = sl.connect(a, b, X, Y, LEAKY, steps=20)
    losses = dense(path, X, Y)
    assert np.allclose(losses, path.loss, rtol=1e-6, atol=1e-20)
    assert losses.max() <= max(la, lb) + 1e-8
    assert all(np.array_equal(W, Wa) for (W, _), (Wa, _) in zip(path.points[0], a))
    assert all(np.array_equal(W, Wb) for (W, _), (Wb, _) in zip(path.points[-1], b))
    _, straight = sl.straight_line(a, b, X, Y, LEAKY)
    assert straight.max() > 1.0                       # a clear barrier on the straight segment for this pair


def test_P11_path_from_a_rank_deficient_start(problem):
    X, Y, minima = problem
    (a, _), (b, lb) = minima[10, 40, 1]
    start = [(W.copy(), v.copy()) for W, v in a]
    start[0] = (start[0][0], np.full(40, 50.0))
    assert fe.numerical_rank(fe.feature_matrix(start, X, LEAKY, 1)) == 11
    path = sl.connect(start, b, X, Y, LEAKY, steps=20)
    losses = dense(path, X, Y)
    assert losses.max() <= max(losses[0], lb) * (1 + 1e-12) + 1e-8


def test_connect_with_cross_entropy():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((8, 4))
    Y = np.eye(3)[rng.integers(0, 3, 8)]
    net = ll.MLP([4, 16, 3], activation=LEAKY)
    a, b = (fe.thesis_layers(net, net.init(seed=s)) for s in (1, 2))
    path = sl.connect(a, b, X, Y, LEAKY, loss="cross_entropy", steps=10)
    losses = dense(path, X, Y, "cross_entropy")
    assert np.allclose(losses, path.loss, rtol=1e-9)
    assert losses.max() <= max(losses[0], losses[-1]) + 1e-9


def test_descent_path_never_rises():
    X, Y = regression_problem(20, 10, 1, seed=0)
    for widths, k in (([10, 40, 4, 1], 1), ([10, 30, 25, 3, 1], 2)):
        net = ll.MLP(widths, activation=LEAKY)
        path = sl.descent_path(fe.thesis_layers(net, net.init(seed=5)), X, Y, LEAKY, k, steps=15)
        losses = dense(path, X, Y)
        assert np.all(np.diff(losses) <= 1e-12 * losses[0]) and losses[-1] < 1e-18


def test_conditions_are_enforced():
    X, Y = regression_problem(20, 10, 1, seed=0)
    net = ll.MLP([10, 30, 1], activation=LEAKY)
    a = fe.thesis_layers(net, net.init(seed=1))
    with pytest.raises(ValueError, match="2N"):
        sl.connect(a, a, X, Y, LEAKY)
    net = ll.MLP([10, 40, 4, 4, 1], activation=LEAKY)
    a = fe.thesis_layers(net, net.init(seed=1))
    with pytest.raises(ValueError, match="n_2 > ... > n_L"):
        sl.connect(a, a, X, Y, LEAKY)
    net = ll.MLP([10, 40, 1], activation="tanh")
    a = fe.thesis_layers(net, net.init(seed=1))
    with pytest.raises(ValueError, match="3.4.1"):
        sl.connect(a, a, X, Y, "tanh")


def test_bad_arguments_name_the_argument():
    F = np.ones((3, 4))
    with pytest.raises(ValueError, match="V"):
        pa.absorb(F, np.ones((3, 2)), [0])
    with pytest.raises(ValueError, match="I"):
        pa.absorb(F, np.ones((4, 2)), [7])
    X = np.random.default_rng(0).standard_normal((5, 3))
    layers = [(np.ones((3, 4)), np.zeros(4)), (np.ones((4, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match="level"):
        sl.h_map(X, layers, np.zeros((5, 1)), LEAKY, 3)
    with pytest.raises(ValueError, match="A"):
        sl.h_map(X, layers, np.zeros((4, 1)), LEAKY, 2)
    with pytest.raises(ValueError, match="k"):
        pa.make_full_rank(pa.Walker(layers), X, LEAKY, k=2)
