"""The cone Q_kappa (Definition 5.2) and the exact curvature inside it, against direct minimisation, a dense
grid on the circle (P = 3), weak duality and sampled directions."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize

import landscapelab as ll
from landscapelab import rsc


def random_problem(P, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((P, P))
    return 0.5 * (A + A.T) + shift * np.eye(P), rng.standard_normal(P)


def test_cone_directions_and_membership():
    g = np.random.default_rng(0).standard_normal(50)
    V = rsc.cone_directions(g, 0.3, count=20, seed=1)
    assert np.allclose(np.linalg.norm(V, axis=1), 1.0, atol=1e-14)
    assert np.allclose(V @ g / np.linalg.norm(g), 0.3, atol=1e-14)
    C = rsc.cone_directions(g, 0.3, count=3, seed=1, cos=[-0.9, 0.0, 1.0])
    assert np.allclose(C @ g / np.linalg.norm(g), [-0.9, 0.0, 1.0], atol=1e-14)
    theta_t = np.ones(50)
    assert rsc.in_cone(theta_t + 2.0 * V[0], theta_t, g, 0.3) and rsc.in_cone(theta_t - V[0], theta_t, g, 0.3)
    assert not rsc.in_cone(theta_t + C[1], theta_t, g, 0.3)
    assert rsc.cosine(g, -2 * g) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="kappa"):
        rsc.cone_directions(g, 1.5)
    with pytest.raises(ValueError, match="gbar"):
        rsc.cone_directions(np.zeros(3), 0.5)


def test_circle_grid_exact():
    # P = 3: the directions with cos(delta, g) = c form a circle; a 200001-point grid is exact to ~1e-9
    H, g = random_problem(3, 1)
    ghat = g / np.linalg.norm(g)
    e1, e2 = np.linalg.svd(ghat[None, :])[2][1:]
    phi = np.linspace(0, 2 * np.pi, 200001)
    cone = rsc.ConeCurvature(H, g, steps=3)
    for c in (0.0, 0.25, 0.6, 0.95):
        D = c * ghat + math.sqrt(1 - c * c) * (np.cos(phi)[:, None] * e1 + np.sin(phi)[:, None] * e2)
        q = np.einsum("ij,jk,ik->i", D, H, D)
        assert cone.boundary_curvature(c) == pytest.approx(q.min(), abs=1e-8)
    grid = np.linspace(0, 1, 2001)
    boundary = np.array([cone.boundary_curvature(c) for c in grid])
    for kappa in (0.1, 0.5, 0.8):
        assert cone.min_curvature(kappa) == pytest.approx(boundary[grid >= kappa].min(), abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_against_direct_minimisation(seed):
    P = 12
    H, g = random_problem(P, seed, shift=1.0)
    ghat = g / np.linalg.norm(g)
    basis = np.linalg.svd(ghat[None, :])[2][1:]
    cone = rsc.ConeCurvature(H, g, steps=P)
    rng = np.random.default_rng(seed)
    for c in (0.2, 0.7):
        s = math.sqrt(1 - c * c)

        def fun(u):
            q = u / np.linalg.norm(u)
            d = c * ghat + s * q @ basis
            grad = 2 * s * basis @ (H @ d)
            return d @ H @ d, (grad - q * (q @ grad)) / np.linalg.norm(u)

        best = min(
            minimize(fun, rng.standard_normal(P - 1), jac=True, method="BFGS", options={"gtol": 1e-12}).fun
            for _ in range(8)
        )
        assert cone.boundary_curvature(c) == pytest.approx(best, abs=1e-9)
    k = cone.kappa_star()
    assert cone.min_curvature(k) == pytest.approx(0.0, abs=1e-9)
    if k > 0.01:
        assert cone.min_curvature(k - 0.01) < 0


@given(st.integers(0, 10_000), st.floats(0.05, 0.95), st.integers(4, 15))
def test_weak_duality_and_monotonicity(seed, kappa, P):
    H, g = random_problem(P, seed)
    ghat = g / np.linalg.norm(g)
    cone = rsc.ConeCurvature(H, g, steps=P)
    mu = cone.min_curvature(kappa)
    # weak duality: every t >= 0 gives a lower bound, and mu is their maximum
    for t in (0.0, 0.3, 2.0, 10.0):
        assert np.linalg.eigvalsh(H - t * np.outer(ghat, ghat))[0] + t * kappa**2 <= mu + 1e-9
    # and mu is attained by nothing lower: every sampled direction in the cone has curvature >= mu
    V = rsc.cone_directions(
        g, kappa, count=200, seed=seed, cos=np.random.default_rng(seed).uniform(kappa, 1, 200)
    )
    assert np.einsum("ij,jk,ik->i", V, H, V).min() >= mu - 1e-9
    assert np.linalg.eigvalsh(H)[0] - 1e-9 <= mu <= cone.min_curvature(min(kappa + 0.04, 1.0)) + 1e-9
    assert cone.min_curvature(1.0) == pytest.approx(ghat @ H @ ghat, abs=1e-12)


def test_krylov_space_bounds():
    # Rayleigh-Ritz on K_k(H, g): mu is approached from above as k grows, and is exact at k = P
    H, g = random_problem(40, 7)
    exact = rsc.ConeCurvature(H, g, steps=40)
    values = [rsc.ConeCurvature(H, g, steps=k).min_curvature(0.3) for k in (5, 10, 20, 40)]
    assert all(v >= exact.min_curvature(0.3) - 1e-10 for v in values)
    assert values[-1] == pytest.approx(exact.min_curvature(0.3), abs=1e-10)
    assert exact.lambda_min == pytest.approx(np.linalg.eigvalsh(H)[0], abs=1e-10)


def test_kappa_star_edge_cases():
    H = np.diag([1.0, 2.0, 3.0])
    assert rsc.ConeCurvature(H, np.array([1.0, 1.0, 1.0]), steps=3).kappa_star() == 0.0
    assert math.isnan(rsc.ConeCurvature(-H, np.array([1.0, 1.0, 1.0]), steps=3).kappa_star())
    # 2-D, H = [[0.5, 1.5], [1.5, 0.5]], g = e_1: on the boundary q = 0.5 - 3 c sqrt(1 - c^2), which is >= 0
    # for c >= kappa* with kappa*^2 (1 - kappa*^2) = 1/36, kappa*^2 = (1 + sqrt(8/9)) / 2
    H2 = np.array([[0.5, 1.5], [1.5, 0.5]])
    expected = math.sqrt((1 + math.sqrt(8 / 9)) / 2)
    assert rsc.ConeCurvature(H2, np.array([1.0, 0.0]), steps=2).kappa_star() == pytest.approx(
        expected, rel=1e-10
    )
    # g an exact eigenvector: its Krylov space is invariant at once, the other direction is not seen (warned)
    with pytest.warns(RuntimeWarning, match="invariant"):
        blind = rsc.ConeCurvature(np.diag([2.0, -1.0]), np.array([1.0, 0.0]), steps=2)
    assert blind.kappa_star() == 0.0


def dense_dual(H, g, kappa):
    """max over t >= 0 of lambda_min(H - t ghat ghat^T) + t kappa^2 with dense eigenvalues (golden
    section)."""
    ghat = g / np.linalg.norm(g)
    phi = lambda t: np.linalg.eigvalsh(H - t * np.outer(ghat, ghat))[0] + t * kappa**2  # noqa: E731
    a, b = 0.0, 10.0 * np.abs(H).sum()
    r = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        c, d = b - r * (b - a), a + r * (b - a)
        a, b = (a, d) if phi(c) > phi(d) else (c, b)
    return max(phi(0.0), phi(0.5 * (a + b)))


def test_network_hessian_krylov_against_dense():
    # the loss Hessian of a small network: 30 Krylov steps from gbar against the dense dual, and the mechanism
    # of Theorem 5.1, curvature >= 2 kappa^2 ||gbar||^2 - ||R|| in the cone
    net = rsc.network(6, 10, 2, "softplus")
    w = rsc.init_params(net, sigma1=1.0, seed=0)
    X, y = rsc.make_data(8, 6, seed=1)
    f = rsc.loss(net, X, y)
    H = ll.hessian_operator(f, w).dense()
    r = np.abs(np.linalg.eigvalsh(rsc.residual_operator(net, w, X, y).dense())).max()
    g = rsc.average_gradient(net, w, X)
    cone = rsc.ConeCurvature(ll.hessian_operator(f, w), g, steps=30)
    for kappa in (0.1, 0.4, 0.8):
        exact = dense_dual(H, g, kappa)
        assert cone.min_curvature(kappa) == pytest.approx(exact, abs=1e-6 * np.abs(H).max())
        assert exact >= 2 * kappa**2 * (g @ g) - r - 1e-12
    assert cone.kappa_star() <= rsc.plugin_kappa(g @ g, r) + 1e-12
