"""Activations with inverses, class margins, the theorems' hypotheses, grid counts, data sets and the training
kernels (against landscapelab's own cross-entropy gradient and the kernels' NumPy twins)."""

import pickle

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.wide import decision_regions as dr
from landscapelab.wide import decision_regions_kernels as kernels


@pytest.mark.parametrize("slope", [0.0, 0.1, 0.5, 1.0])
def test_leaky_relu_values_derivative_and_pickle(slope):
    act = dr.leaky_relu(slope)
    x = np.array([-2.0, -0.5, 0.3, 4.0])
    assert np.array_equal(act(x), np.maximum(x, slope * x))
    grad = autograd.elementwise_grad(lambda t: act(t))(x)
    assert np.array_equal(act.d1(x), grad)
    assert pickle.loads(pickle.dumps(act))(x).tolist() == act(x).tolist()
    assert dr.negative_slope(act) == slope and dr.leaky_relu(slope) is act
    with pytest.raises(ValueError, match="slope"):
        dr.leaky_relu(-0.1)


@pytest.mark.parametrize("name", ["leaky", "identity", "sigmoid", "tanh", "softplus", "elu", "arctan"])
def test_inverse_activation_round_trip(name):
    act = dr.leaky_relu(0.2) if name == "leaky" else ll.activations.get(name)
    inv, lo, hi = dr.inverse_activation(act)
    x = np.linspace(-4, 4, 81)
    y = np.asarray(act(x))
    assert np.all((y > lo) & (y < hi))
    assert np.allclose(inv(y), x, atol=1e-9)
    with pytest.raises(ValueError, match="inverse"):
        dr.inverse_activation("relu")


def test_conditions():
    net = ll.MLP([3, 3, 2, 2], activation=dr.leaky_relu(0.1))
    cond = dr.theorem_conditions(net, net.init(seed=0))
    assert cond.pyramidal and cond.full_rank and cond.theorem_523 and not cond.theorem_524
    layers = net.unflatten(net.init(seed=0))
    M1 = np.array(layers[0][0])
    M1[2] = M1[0] + M1[1]                                  # rank 2 < 3
    w = net.flatten([(M1, layers[0][1]), layers[1], layers[2]])
    cond = dr.theorem_conditions(net, w)
    assert cond.ranks[0] == 2 and not cond.full_rank and not cond.theorem_523
    assert cond.sigma_min[0] < 1e-12
    wide = ll.MLP([2, 3, 2], activation="sigmoid")
    cond = dr.theorem_conditions(wide, wide.init(seed=0))
    assert not cond.pyramidal and cond.strictly_increasing and not cond.bijective_onto_R


def test_margins_and_predict_follow_definition_5_2_1():
    net = ll.MLP([2, 3, 3], activation="tanh")
    w = net.init(seed=1)
    X = np.random.default_rng(0).standard_normal((50, 2))
    out = np.asarray(net(w, X))
    for cls in range(3):
        m = dr.margins(net, w, X, cls)
        assert np.allclose(m, out[:, cls] - np.delete(out, cls, axis=1).max(axis=1))
        assert np.array_equal(m > 0, dr.predict(net, w, X) == cls)
    with pytest.raises(ValueError, match="cls"):
        dr.margins(net, w, X, 3)
    with pytest.raises(TypeError, match="net"):
        dr.layers("not a net", w)


def test_grid_counts_state_window_and_resolution():
    ex = dr.non_pyramidal_example()
    count = dr.grid_components(ex.net, ex.w, 0, (-10, 10, -10, 10), 201)
    assert (count.n_components, count.n_inside) == (2, 0)
    assert count.pixel == pytest.approx((0.1, 0.1)) and count.window == (-10, 10, -10, 10)
    assert "[-10, 10] x [-10, 10]" in str(count) and "201^2" in str(count)
    # a window that misses the bridge sees two pieces; one that contains it sees one
    ex = dr.bridge_example(0.1)
    assert dr.grid_components(ex.net, ex.w, 0, (-3, 3, -3, 3), 121).n_components == 2
    assert dr.grid_components(ex.net, ex.w, 0, (-20, 20, -20, 20), 401).n_components == 1
    # an island is seen as a component off the border
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    net = ll.MLP([2, 3, 2], activation=dr.leaky_relu(0.1))
    w = net.flatten([(np.column_stack([np.cos(angles), np.sin(angles)]), np.zeros(3)),
                     (-np.ones((2, 3)) * np.array([[1], [0]]), np.array([1.0, 0.0]))])
    assert dr.grid_components(net, w, 0, (-4, 4, -4, 4), 161).n_inside == 1
    with pytest.raises(ValueError, match="window"):
        dr.grid_components(net, w, 0, (1, 0, 0, 1))
    with pytest.raises(ValueError, match="resolution"):
        dr.class_image(net, w, (0, 1, 0, 1), 1)


def test_data_sets():
    X, y = dr.strips_data(400, seed=3)
    assert X.shape == (400, 2) and np.bincount(y).tolist() == [200, 200]
    assert np.all((np.abs(X[y == 0, 0]) >= 1) & (np.abs(X[y == 0, 0]) <= 2)) and np.all(np.abs(X[:, 1]) <= 0.5)
    assert np.all(np.abs(X[y == 1, 0]) <= 1)
    X2, y2 = dr.strips_data(400, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X, y = dr.two_disks_data(300, seed=1)
    inside = (np.hypot(X[:, 0] - 2, X[:, 1]) < 1.5) | (np.hypot(X[:, 0] + 2, X[:, 1]) < 1.5)
    assert np.array_equal(inside, y == 0) and np.abs(X).max() <= 4
    X, y = dr.xor_data(300, seed=1)
    assert np.array_equal(y == 0, X[:, 0] * X[:, 1] > 0) and np.abs(X).min(axis=1).min() > 0.1


@pytest.mark.parametrize("n1, m, slope", [(2, 2, 0.1), (5, 3, 0.3), (7, 2, 0.0)])
def test_kernel_gradient_matches_loss_function(n1, m, slope):
    rng = np.random.default_rng(n1)
    X = rng.standard_normal((60, 3))
    y = rng.integers(0, m, 60)
    net = ll.MLP([3, n1, m], activation=dr.leaky_relu(slope))
    w = net.init(seed=2)
    f = ll.loss_function(net, X, y, loss="cross_entropy", scale=1 / 60)
    loss, g = kernels.gradient(f.X, f.Y, w, n1, slope)
    assert loss == pytest.approx(float(f(w)), rel=1e-13)
    assert np.abs(g - f.gradient(w)).max() <= 1e-13 * max(1.0, np.abs(g).max())
    auto = autograd.grad(lambda v: -anp.sum(f.Y * (net(v, X) - anp.log(anp.sum(anp.exp(net(v, X)), axis=1,
                                                                                      keepdims=True)))) / 60)(w)
    assert np.abs(g - auto).max() <= 1e-12
    twin = np.empty_like(w)
    assert kernels.gradient_reference(f.X, f.Y, w, n1, slope, twin) == pytest.approx(loss, rel=1e-13)
    assert np.abs(twin - g).max() <= 1e-14


def test_adam_kernel_matches_twin_and_trains():
    X, y = dr.strips_data(200, seed=0)
    Y = np.eye(2)[y]
    net = ll.MLP([2, 4, 2], activation=dr.leaky_relu(0.1))
    w0 = net.init(seed=1)
    w, loss = kernels.adam(X, Y, w0, 4, 0.1, 200, 0.01)
    twin = np.empty_like(w0)
    loss_twin = kernels.adam_reference(X, Y, w0, 4, 0.1, 200, 0.01, twin)
    assert np.abs(w - twin).max() <= 1e-9 and loss == pytest.approx(loss_twin, rel=1e-9)
    assert loss < kernels.gradient(X, Y, w0, 4, 0.1)[0]


def test_train_classifier_both_paths():
    X, y = dr.strips_data(200, seed=0)
    net = ll.MLP([2, 3, 2], activation=dr.leaky_relu(0.1))
    w = dr.train_classifier(net, X, y, seed=0, steps=1500, lr=0.02)
    assert np.sum(dr.predict(net, w, X) != y) <= 10
    deep = ll.MLP([2, 2, 2, 2], activation=dr.leaky_relu(0.1))
    f = ll.loss_function(deep, X, y, loss="cross_entropy", scale=1 / 200)
    w = dr.train_classifier(deep, X, y, seed=0, steps=150, lr=0.01)
    assert f(w) < f(deep.init(seed=0))
    with pytest.raises(ValueError, match="lr"):
        dr.train_classifier(net, X, y, lr=0.0)
    result = dr.trained_classifier("xor", (2, 4, 2), seed=0, steps=50)
    assert set(result) == {"w", "errors"} and result["w"].shape == (ll.MLP([2, 4, 2]).n_params,)
    with pytest.raises(ValueError, match="dataset"):
        dr.trained_classifier("moons", (2, 2, 2), seed=0)
