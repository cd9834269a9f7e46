"""The patch formalism of Section 2.3 against explicit loops, and the CNN predictions P5."""

import numpy as np
import pytest

from landscapelab.wide import convolution as cv
from landscapelab.wide import features as fe


def test_thesis_example_matrix():
    W = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])          # filters (a, b, c) and (d, e, f)
    expected = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 0, 1, 2, 3],
                         [0, 0, 4, 5, 6]], dtype=float)
    assert np.array_equal(cv.conv_matrix(cv.conv1d_patches(5, 3), 5, W).T, expected)


def test_patches_of_a_multichannel_layer():
    P = cv.conv1d_patches(4, 2, stride=2, channels=3)
    assert P.tolist() == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]


def explicit_cnn(X, p1, p2, T1, width, pool):
    """Two conv layers and a max-pool, written with loops over positions and channels."""
    N, d = X.shape
    P0 = d - width + 1
    F1 = np.zeros((N, P0, T1))
    for p in range(P0):
        F1[:, p, :] = np.tanh(X[:, p:p + width] @ p1[0] + p1[1].reshape(P0, T1)[p])
    pooled = np.maximum(F1[:, 0::2, :][:, :P0 // 2], F1[:, 1::2, :][:, :P0 // 2])     # pool pairs of positions
    Q = pooled.shape[1]
    T2 = p2[0].shape[1]
    F2 = np.zeros((N, Q - 1, T2))
    for q in range(Q - 1):
        F2[:, q, :] = pooled[:, q:q + 2, :].reshape(N, -1) @ p2[0] + p2[1]
    return F1.reshape(N, -1), F2.reshape(N, -1)


def test_cnn_forward_with_pooling_matches_loops():
    d, width, T1 = 10, 3, 2
    P0 = d - width + 1
    pool = np.array([[2 * q * T1 + t, (2 * q + 1) * T1 + t] for q in range(P0 // 2) for t in range(T1)])
    layers = [cv.ConvLayer(cv.conv1d_patches(d, width), T1), cv.MaxPool(pool),
              cv.ConvLayer(cv.conv1d_patches(P0 // 2, 2, channels=T1), 3, bias="filter")]
    net = cv.CNN(d, layers, "tanh")
    params = net.init(seed=1)
    X = np.random.default_rng(0).standard_normal((6, d))
    outs = net.forward(params, X)
    F1, F2 = explicit_cnn(X, params[0], params[2], T1, width, pool)
    assert np.allclose(outs[1], F1, atol=1e-14)
    assert np.allclose(outs[3], F2, atol=1e-14)
    assert net.widths == (10, 16, 8, 9)


def test_bad_patches_are_refused():
    with pytest.raises(ValueError, match="identical"):
        cv.conv_matrix(np.array([[0, 1], [0, 1], [1, 2]]), 3, np.ones((2, 1)))
    with pytest.raises(ValueError, match="every neuron"):
        cv.conv_matrix(np.array([[0, 1]]), 3, np.ones((2, 1)))
    with pytest.raises(ValueError, match="filters"):
        cv.conv_matrix(cv.conv1d_patches(5, 3), 5, np.ones((2, 1)))
    with pytest.raises(ValueError, match="output layer"):
        cv.CNN(4, [cv.MaxPool(np.array([[0, 1], [2, 3]]))])


@pytest.mark.parametrize("bias", ["neuron", "filter"])
def test_P5_cnn_rank_is_min_of_N_and_width(bias):
    X = np.random.default_rng(0).standard_normal((56, 16))
    for T in (2, 3, 4, 5, 8):
        net = cv.CNN(16, [cv.ConvLayer(cv.conv1d_patches(16, 3), T, bias), cv.ConvLayer(cv.full_patch(14 * T), 1)],
                     "sigmoid")
        F = net.features(net.init(seed=T, scale=2 * np.sqrt(3)), X, 1)
        assert fe.numerical_rank(F) == min(56, 14 * T)


def test_P5_expressivity_with_few_parameters():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((56, 16)), rng.standard_normal(56)
    net = cv.CNN(16, [cv.ConvLayer(cv.conv1d_patches(16, 3), 5), cv.ConvLayer(cv.full_patch(70), 1)], "sigmoid")
    params = net.init(seed=0, scale=2 * np.sqrt(3))
    F = net.features(params, X, 1)
    lam = F.T @ np.linalg.solve(F @ F.T, y)             # the thesis's lambda = F^T (F F^T)^{-1} y
    assert np.abs(F @ lam - y).max() < 1e-8
    assert net.n_params() == 3 * 5 + 70 + 70 + 1
