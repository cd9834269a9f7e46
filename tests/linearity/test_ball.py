"""Propositions 2.2 and 2.3 against autograd (P16, P5, P6)."""

import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscapelab as ll
from landscapelab.linearity import ball, shallow


def features(x):
    return anp.array([1.0, x, anp.sin(x), x ** 3])


def test_p16_linear_kernel_constant_square_kernel_formula():
    lin, sq = ball.feature_models(features)
    xs = [0.2, -1.1, 2.3]
    F = np.stack([np.asarray(features(x)) for x in xs])
    rng = np.random.default_rng(0)
    K_lin = [ball.kernel_matrix(lin, rng.standard_normal(4), xs) for _ in range(4)]
    assert all(np.array_equal(K, F @ F.T) for K in K_lin)           # exactly phi phi^T, for every w
    for _ in range(4):
        w = rng.standard_normal(4)
        expected = 4 * np.outer(F @ w, F @ w) * (F @ F.T)
        assert np.allclose(ball.kernel_matrix(sq, w, xs), expected, rtol=1e-13)
    with pytest.raises(TypeError, match="features: expected a function"):
        ball.feature_models(3)


@given(seed=st.integers(0, 10_000), radius=st.floats(0.1, 8.0))
def test_prop23_bound_holds_on_random_segments(seed, radius):
    net = ll.MLP([3, 24, 1], activation="tanh", bias=True, parametrization="ntk")
    rng = np.random.default_rng(seed)
    w0, u = net.init(seed=seed), rng.standard_normal(net.n_params)
    u *= radius / np.linalg.norm(u)
    x, z = rng.standard_normal(3), rng.standard_normal(3)
    ts = np.linspace(0.0, 1.0, 201)
    eps = max(shallow.two_layer_hessian_norm(net, w0 + t * u, p) for t in ts for p in (x, z))
    grad = lambda w, p: np.asarray(__import__("autograd").grad(lambda v: net(v, p[None])[0, 0])(w))  # noqa: E731
    w = w0 + u
    change = abs(float(grad(w, x) @ grad(w, z) - grad(w0, x) @ grad(w0, z)))
    # Eq. (57) first, then the kernel bound; the sampled supremum is padded by its variation between samples
    pad = 1.02
    assert np.linalg.norm(grad(w, x) - grad(w0, x)) <= pad * eps * radius
    bound = ball.kernel_change_bound(pad * eps, radius, np.linalg.norm(grad(w0, x)), np.linalg.norm(grad(w, z)))
    assert change <= bound


def test_p6_linearisation_error_along_the_top_eigenvector():
    net = ll.MLP([10, 256, 1], activation="tanh", bias=False, parametrization="ntk")
    w0 = net.init(seed=0)
    x = np.ones(10)
    f = lambda w: net(w, x[None])[0, 0]  # noqa: E731
    vals, vecs = ll.eigenvalues(ll.model_hessian_operator(net, w0, x[None]), k=2, which="magnitude",
                                return_vectors=True)
    norm = float(np.abs(vals).max())
    assert norm == pytest.approx(shallow.two_layer_hessian_norm(net, w0, x), rel=1e-8)
    for R in (0.5, 1.0, 3.0):
        err = abs(ball.linearisation_error(f, w0, vecs[:, 0], R)[0])
        sup = max(shallow.two_layer_hessian_norm(net, w0 + t * vecs[:, 0], x) for t in np.linspace(0, R, 101))
        assert err <= 0.5 * sup * R ** 2 * 1.001
    small = abs(ball.linearisation_error(f, w0, vecs[:, 0], 0.05)[0]) / (0.5 * norm * 0.05 ** 2)
    assert 0.9 <= small <= 1.1                      # second-order Taylor term dominates for small R
    u = np.random.default_rng(1).standard_normal(w0.size)
    assert abs(ball.linearisation_error(f, w0, u / np.linalg.norm(u), 1.0)[0]) < 0.01 * 0.5 * norm
