"""Feature matrices, the thesis's rank rule and Theorem 2.4.5's predictions (P1-P3), against independent SVDs."""

import numpy as np
import pytest
from scipy.linalg import svd as scipy_svd

import landscapelab as ll
from landscapelab.wide import activations as acts
from landscapelab.wide import features as fe

EPS = np.finfo(float).eps


def gesvd_rank(F):
    s = scipy_svd(F, compute_uv=False, lapack_driver="gesvd")
    return int(np.sum(s > 0.5 * np.sqrt(sum(F.shape) + 1) * s[0] * EPS))


def test_tolerance_is_the_numerical_recipes_rule():
    A = np.random.default_rng(0).standard_normal((7, 4))
    s = np.linalg.svd(A, compute_uv=False)
    assert fe.nr_tolerance(A) == pytest.approx(0.5 * np.sqrt(12.0) * s[0] * EPS, rel=1e-15)
    B = np.diag([1.0, 1e-3, 5e-16, 0.0])     # thresholds 3.3e-16 (thesis) and 8.9e-16 (numpy)
    assert fe.numerical_rank(B) == 3 and fe.numerical_rank(B, rule="numpy") == 2 == np.linalg.matrix_rank(B)
    assert fe.smallest_singular_value(np.diag([3.0, 2.0])) == pytest.approx(2.0, rel=1e-15)


def test_feature_matrix_matches_core_mlp():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((9, 3))
    net = ll.MLP([3, 7, 5, 2], activation="tanh")
    w = net.init(seed=2)
    layers = fe.thesis_layers(net, w)
    for k in (1, 2):
        assert np.allclose(fe.feature_matrix(layers, X, "tanh", k), net.features(w, X, layer=k), rtol=0, atol=1e-15)
    assert np.allclose(fe.forward(layers, X, "tanh")[-1], net(w, X), rtol=0, atol=1e-14)
    assert np.array_equal(fe.flat_parameters(net, layers), w)


def test_bad_input_names_the_argument():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="W_2"):
        fe.forward([(np.ones((2, 3)), np.zeros(3)), (np.ones((4, 1)), np.zeros(1))], X, "tanh")
    with pytest.raises(ValueError, match="layer"):
        fe.feature_matrix([(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))], X, "tanh", 2)
    with pytest.raises(ValueError, match="bias"):
        fe.random_layer(X, 3, bias="zero")
    with pytest.raises(ValueError, match="rule"):
        fe.numerical_rank(X, rule="exact")


@pytest.mark.parametrize("d,data", [(2, "uniform"), (10, "gaussian")])
@pytest.mark.parametrize("activation", ["sigmoid", "softplus", "tanh"])
def test_P1_wide_analytic_layer_has_rank_N(d, data, activation):
    for width in (50, 60, 100, 200):
        ranks = [fe.feature_rank_trial(50, d, width, activation, 1.0, "gaussian", data, seed)["rank"]
                 for seed in range(20)]
        assert ranks == [50] * 20


def test_P1_conditioning_improves_with_width_and_dimension():
    med = {(d, w): np.median([fe.feature_rank_trial(50, d, w, "sigmoid", 1.0, "gaussian",
                                                    "uniform" if d == 2 else "gaussian", s)["sigma_min"]
                              for s in range(20)]) for d in (2, 10) for w in (50, 100, 200)}
    for d in (2, 10):
        assert med[d, 50] < med[d, 100] < med[d, 200]
        assert med[2, 50] < 1e-8 < 1e-3 < med[10, 50]


def test_library_rank_agrees_with_gesvd():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (50, 2))
    for seed in range(10):
        W, b = fe.random_layer(X, 50, 1.0, "gaussian", seed)
        for name in ("sigmoid", "relu"):
            F = np.asarray(acts.get(name)(X @ W + b))
            assert fe.numerical_rank(F) == gesvd_rank(F)


def test_P2_polynomial_activations_plateau():
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    for width in (6, 20, 50, 200):
        W, b = fe.random_layer(X, width, 1.0, "gaussian", width)
        assert gesvd_rank(X @ W + b) == 3
        assert gesvd_rank((X @ W + b) ** 2) == 6


def test_P3_relu_rank_deficient_on_open_sets():
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    for ref in (lambda z: np.maximum(z, 0), lambda z: np.maximum(0.1 * z, z)):        # ReLU, leaky ReLU(0.1)
        ranks = [gesvd_rank(ref(X @ W + b)) for W, b in (fe.random_layer(X, 50, 1.0, "gaussian", s)
                                                         for s in range(20))]
        assert np.median(ranks) < 48
        centred = [gesvd_rank(ref(X @ W + b)) for W, b in (fe.random_layer(X, w, 1.0, "data", s)
                                                           for s in range(20) for w in (60, 100))]
        assert min(centred) == 50
        at50 = [gesvd_rank(ref(X @ W + b)) for W, b in (fe.random_layer(X, 50, 1.0, "data", s) for s in range(20))]
        assert min(at50) >= 48
        W, b = fe.random_layer(X, 50, 1.0, "large", 0)
        assert gesvd_rank(ref(X @ W + b)) <= 3
        # the perturbation argument: small changes of W, b keep the rank low (an open set)
        rng = np.random.default_rng(9)
        for _ in range(5):
            assert gesvd_rank(ref(X @ (W + 0.1 * rng.standard_normal(W.shape)) + b + rng.standard_normal(50))) <= 3
