"""Theorem 2.4.4's triangular construction (P4) and Theorem 2.4.11's zero-loss point (P7)."""

import numpy as np
import pytest
from scipy.linalg import lu

import landscapelab as ll
from landscapelab.wide import activations as acts
from landscapelab.wide import construction as co
from landscapelab.wide import critical as cr
from landscapelab.wide import features as fe

X2 = np.random.default_rng(0).uniform(-1, 1, (50, 2))


def shared_direction(alpha, beta, name, seed=1):
    """The note's single-direction version: sort by <a, x>, A_ij = sigma(alpha (p_j - p_i) + beta)."""
    a = np.random.default_rng(seed).standard_normal(2)
    p = np.sort(X2 @ a)
    return np.asarray(acts.get(name)(alpha * (p[None, :] - p[:, None]) + beta))


def test_P4_sigmoid_shared_direction():
    A = shared_direction(1000.0, 0.0, "sigmoid")
    s = np.linalg.svd(A, compute_uv=False)
    assert fe.numerical_rank(A) == 50 and s[-1] > 1e-4
    lib = co.triangular_layer(X2, "sigmoid", 1000.0, 0.0, n_filters=50,
                              filters=np.repeat(np.random.default_rng(1).standard_normal((2, 1)), 50, axis=1))
    assert np.allclose(lib.A, A, atol=1e-12)


def test_P4_relu_exactly_triangular_but_numerically_singular():
    p = np.sort(X2 @ np.random.default_rng(1).standard_normal(2))
    alpha = 2.0 / np.diff(p).min()
    A = shared_direction(alpha, 1.0, "relu")
    assert np.all(np.tril(A, -1) == 0) and np.all(np.diag(A) == 1.0)
    P, L, U = lu(A)                                     # det through LU, independent of the triangular structure
    assert abs(np.prod(np.diag(U)) * np.linalg.det(P) - 1.0) < 1e-6
    assert fe.numerical_rank(A) < 50


@pytest.mark.parametrize("name,beta", [("sigmoid", 0.0), ("softplus", 1.0), ("relu", 1.0)])
def test_triangular_limit_per_neuron_directions(name, beta):
    t = co.triangular_layer(X2, name, 1e6, beta, n_filters=50, seed=1)
    Q = -t.filters / 1e6
    proj = X2 @ Q
    ref = np.asarray(acts.get(name)(X2 @ t.filters + t.bias))       # the layer's forward pass
    assert np.allclose(t.features, ref, rtol=1e-9, atol=1e-9)
    assert np.abs(np.tril(t.A, -1)).max() < 1e-10
    assert np.allclose(np.diag(t.A), float(acts.get(name)(np.array(beta))), rtol=1e-12)
    gamma = t.order
    assert all(np.all(proj[gamma[j + 1:], j] > proj[gamma[j], j]) for j in range(49))


def test_triangular_needs_width_and_distinct_projections():
    with pytest.raises(ValueError, match="n_k"):
        co.triangular_layer(X2, "sigmoid", 10.0, 0.0, n_filters=40)
    Xdup = np.vstack([X2[:5], X2[:1]])
    with pytest.raises(ValueError, match="projection"):
        co.triangular_layer(Xdup, "sigmoid", 10.0, 0.0, n_filters=6)


def test_lemma_2_6_1_keeps_entries_distinct():
    F = np.random.default_rng(2).standard_normal((8, 4))
    assert co.entries_distinct(F) and not co.entries_distinct(np.array([[1.0, 2.0], [2.0, 3.0]]))
    W, b = co.distinct_layer(F, 6, "relu", alpha=0.01, beta=1.0, seed=0)
    assert co.entries_distinct(np.maximum(F @ W + b, 0))
    with pytest.raises(ValueError, match="injective"):
        co.distinct_layer(F, 6, "relu", alpha=0.01, beta=-5.0, seed=0)


def test_linearly_independent_deep_construction():
    X = np.random.default_rng(4).standard_normal((12, 3))
    layers = co.linearly_independent_net(X, [3, 5, 4, 12], "sigmoid", alpha=1e4, seed=0)
    F = fe.forward(layers + [(np.zeros((12, 1)), np.zeros(1))], X, "sigmoid", upto=3)[-1]
    assert fe.numerical_rank(F) == 12


@pytest.mark.parametrize("activation", ["sigmoid", "softplus", "tanh", "leaky_relu(0.2)"])
@pytest.mark.parametrize("top", [[40, 3], [40, 4, 3], [40, 10, 6, 3], [40, 12, 8, 6, 3]])
def test_P7_zero_loss_point_in_S_k(activation, top):
    rng = np.random.default_rng(0)
    X, labels = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    W1, b1 = fe.random_layer(X, 40, 1.0, "gaussian", seed=3)
    F1 = np.asarray(acts.get(activation)(X @ W1 + b1))
    layers = [(W1, b1)] + co.zero_loss_point(F1, labels, top, activation, seed=0)
    net = ll.MLP([5] + top, activation=acts.get(activation))
    assert np.abs(net(fe.flat_parameters(net, layers), X) - np.eye(3)[labels]).max() < 1e-9
    assert cr.in_S_k(layers, X, activation, 1)["member"]


def test_zero_loss_point_rejects_rank_deficient_and_widening():
    X = np.random.default_rng(0).standard_normal((10, 3))
    with pytest.raises(ValueError, match="rank"):
        co.zero_loss_point(X @ np.ones((3, 12)), np.zeros(10, int), [12, 2], "sigmoid")
    F = np.random.default_rng(1).standard_normal((10, 12))
    with pytest.raises(ValueError, match="2.4.7"):
        co.zero_loss_point(F, np.zeros(10, int), [12, 3, 5, 2], "sigmoid")


def test_negative_alpha_for_an_activation_vanishing_at_plus_infinity():
    """Case mu_+ = 0 of the proof: alpha -> -infinity with the same ordering."""
    from landscapelab.activations import Activation

    flipped = Activation("flipped_sigmoid", lambda t: 1 / (1 + np.exp(np.clip(t, -700, 700))),
                         lambda t: 0 * t, lambda t: 0 * t, None, np.inf)
    t = co.triangular_layer(X2[:20], flipped, -1e6, 0.0, n_filters=20, seed=1)
    assert np.abs(np.tril(t.A, -1)).max() < 1e-12
    assert np.allclose(np.diag(t.A), 0.5)
