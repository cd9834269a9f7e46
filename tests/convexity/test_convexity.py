"""landscapelab.convexity: Milne's network, derivatives through A^{-1}, the set U and Theorem 4.

Oracles: autograd (with the ReLU written as where(z > 0, z, 0): derivative 0 at a tie), backpropagation, central
finite differences with unchanged switches (steps that cross no kink), the core library's MLP forward pass, exact
rational arithmetic and closed forms of the hand derivations. Spec numbers label the properties tested.
"""

import autograd
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import convexity as cv
from landscapelab import kernels as K

LAM, THETA = 0.05, 0.025


@pytest.fixture(scope="module")
def t241():
    """A 2-4-1 teacher setting: beta = 3, N = 12."""
    return cv.teacher((2, 4, 1), 12, 3.0, seed=0)


@pytest.fixture(scope="module")
def t231():
    """2-3-1, beta = 3, N = 8."""
    return cv.teacher((2, 3, 1), 8, 3.0, seed=1)


def generic_point(dims, rng, N=6):
    """Random inputs and weights with all outputs positive and a margin on every pre-activation."""
    for _ in range(1000):
        X = rng.standard_normal((N, dims[0]))
        w = rng.standard_normal(cv.n_weights(dims))
        zs = cv.pre_activations(X, cv.unflatten(w, dims))
        if np.all(zs[-1] > 0.1) and all(np.abs(z).min() > 1e-2 for z in zs):
            return X, w
    raise RuntimeError("no admissible draw")


def fd_step_ok(w, v, X, dims, h):
    return cv.same_region(w + h * v, w, X, dims) and cv.same_region(w - h * v, w, X, dims)


# ------------------------------------------------------------------------------------------------ network
def test_relu_output_matches_core_mlp_and_masked_product():
    """Eq. 1 against the core library's MLP (bias-free, ReLU, ReLU'd output) and y = a^T V_0 ... V_H."""
    rng = np.random.default_rng(0)
    for dims in [(3, 4, 1), (2, 3, 3, 1), (4, 2, 5, 2, 1)]:
        net = ll.MLP(list(dims), activation="relu", bias=False, output_activation="relu")
        for _ in range(20):
            a = rng.standard_normal(dims[0])
            weights = cv.unflatten(rng.standard_normal(cv.n_weights(dims)), dims)
            w_mlp = net.flatten([(W.T, None) for W in weights])
            y = cv.relu_output(a, weights)
            assert y == pytest.approx(float(net(w_mlp, a[None, :])[0, 0]), abs=1e-13)
            V = cv.masked_weights(a, weights)
            prod = a
            for Vk in V:
                prod = prod @ Vk
            assert y == pytest.approx(float(prod[0]), abs=1e-13)
            s = cv.switches(a, weights)
            assert len(s) == len(dims) and np.all(s[0] == 1) and set(np.concatenate(s)) <= {0.0, 1.0}


def test_flatten_unflatten_round_trip_and_layout():
    dims = (3, 4, 2, 1)
    w = np.arange(cv.n_weights(dims), dtype=float)
    weights = cv.unflatten(w, dims)
    assert [W.shape for W in weights] == [(3, 4), (4, 2), (2, 1)]
    assert weights[0][1, 2] == 1 * 4 + 2            # row-major, W_k[j, k] = weight from neuron j to neuron k
    np.testing.assert_array_equal(cv.flatten(weights), w)


def test_relu_convention_at_a_tie():
    """A pre-activation exactly 0 is off (switch 0); autograd through where(z > 0, z, 0) agrees, and
    so do the determinant route and backprop."""
    a = np.array([1.0, 1.0])
    weights = [np.array([[1.0, 2.0], [-1.0, 1.0]]), np.array([[5.0], [1.0]])]     # neuron 0 of layer 1: z = 0
    assert cv.switches(a, weights)[1].tolist() == [0.0, 1.0]
    w = cv.flatten(weights)
    g_auto = autograd.grad(lambda v: cv.relu_output(a, cv.unflatten(v, (2, 2, 1))))(w)
    np.testing.assert_array_equal(g_auto, cv.backprop_gradient(a, weights))
    np.testing.assert_allclose(cv.y_derivatives(a, weights)[1], g_auto, atol=1e-14)
    assert g_auto[4] == 0.0          # the weight out of the tied neuron


# ------------------------------------------------------------------------------------------------ spec 3
def test_gradient_through_the_inverse():
    """Spec 3: y (A^{-1})[c_p, r_p] equals backprop (1e-12), autograd, and central differences (1e-8); no mask is
    needed: the unmasked adjugate entries of inactive edges vanish by themselves."""
    rng = np.random.default_rng(3)
    for dims in [(2, 2, 1), (3, 4, 1), (2, 3, 3, 1), (3, 2, 4, 2, 1)]:
        for _ in range(5):
            X, w = generic_point(dims, rng, N=1)
            a, weights = X[0], cv.unflatten(w, dims)
            y, g, _ = cv.y_derivatives(a, weights)
            bp = cv.backprop_gradient(a, weights)
            np.testing.assert_allclose(g, bp, atol=1e-12 * max(1.0, np.abs(bp).max()), rtol=0)
            auto = autograd.grad(lambda v: cv.relu_output(a, cv.unflatten(v, dims)))(w)
            np.testing.assert_allclose(g, auto, atol=1e-12 * max(1.0, np.abs(auto).max()), rtol=0)
            # unmasked: the raw adjugate entries y * Ainv[c_p, r_p]
            A = K.milne_matrix(a, weights)
            r, c = np.nonzero(cv.direction_matrix(a, weights, np.ones(w.size), mask=False))
            adj = y * np.linalg.inv(A)[c, r]
            np.testing.assert_allclose(adj, bp, atol=1e-12 * max(1.0, np.abs(bp).max()), rtol=0)
            inactive = cv.active_edges(w, X, dims)[0] == 0
            assert np.all(np.abs(adj[inactive]) <= 1e-12 * max(1.0, abs(y)))
            h = 1e-6
            assert fd_step_ok(w, np.eye(w.size)[0], X, dims, h)
            fd = np.array([(cv.relu_output(a, cv.unflatten(w + h * e, dims))
                            - cv.relu_output(a, cv.unflatten(w - h * e, dims))) / (2 * h) for e in np.eye(w.size)])
            np.testing.assert_allclose(g, fd, atol=1e-8 * max(1.0, np.abs(fd).max()), rtol=0)


# ------------------------------------------------------------------------------------------------ spec 4
def test_jacobi_derivatives_lemma5_and_polynomial_degree():
    """Spec 4: d/dt det(A + tX) = det A tr M and d2/dt2 = det A (tr^2 M - tr M^2) against central differences
    (relative 1e-6), with A + tX_i = A(a, W + tX) exactly on the region; det(A + tX_i) is a polynomial of degree
    <= H + 1: the elementary symmetric polynomials e_k(M) vanish for k >= H + 2."""
    rng = np.random.default_rng(4)
    for dims in [(2, 3, 1), (3, 3, 2, 1), (2, 2, 3, 2, 1)]:
        H = len(dims) - 2
        for _ in range(5):
            X, w = generic_point(dims, rng, N=1)
            a, weights = X[0], cv.unflatten(w, dims)
            v = rng.standard_normal(w.size)
            A = K.milne_matrix(a, weights)
            Xi = cv.direction_matrix(a, weights, v)
            h = 1e-4
            assert fd_step_ok(w, v, X, dims, h)
            np.testing.assert_allclose(K.milne_matrix(a, cv.unflatten(w + h * v, dims)), A + h * Xi, atol=1e-15)
            d1, d2 = cv.jacobi_derivatives(A, Xi)
            dp, d0, dm = (K.det(A + s * h * Xi) for s in (1, 0, -1))
            assert d1 == pytest.approx((dp - dm) / (2 * h), rel=1e-6)
            assert d2 == pytest.approx((dp - 2 * d0 + dm) / h ** 2, rel=1e-5, abs=1e-6 * max(1.0, abs(d2)))
            M = np.linalg.solve(A, Xi)
            coeffs = np.poly(M)                                   # (-1)^k e_k(M)
            scale = max(1.0, np.abs(coeffs).max())
            assert np.all(np.abs(coeffs[H + 2:]) <= 1e-10 * scale)
            assert abs(coeffs[2]) > 1e-8                          # e_2 = d2 / (2 det A) is not 0 here


# ------------------------------------------------------------------------------------------------ spec 5
def test_hessian_of_y_masked_minors():
    """Spec 5 (erratum E13): the masked 2x2-minor Hessian equals autograd's (1e-12) and central differences of
    backprop (1e-7); its diagonal is exactly 0; the unmasked formula is wrong ."""
    rng = np.random.default_rng(5)
    wrong = 0
    cases = 0
    for dims in [(2, 3, 1), (3, 4, 1), (2, 3, 3, 1), (3, 2, 4, 2, 1)]:
        for _ in range(4):
            X, w = generic_point(dims, rng, N=1)
            a, weights = X[0], cv.unflatten(w, dims)
            _, _, Hy = cv.y_derivatives(a, weights)
            auto = autograd.hessian(lambda v: cv.relu_output(a, cv.unflatten(v, dims)))(w)
            scale = max(1.0, np.abs(auto).max())
            np.testing.assert_allclose(Hy, auto, atol=1e-12 * scale, rtol=0)
            assert np.all(np.diag(Hy) == 0.0)
            h = 1e-6
            assert fd_step_ok(w, np.eye(w.size)[0], X, dims, h)
            fd = np.array([(cv.backprop_gradient(a, cv.unflatten(w + h * e, dims))
                            - cv.backprop_gradient(a, cv.unflatten(w - h * e, dims))) / (2 * h)
                           for e in np.eye(w.size)])
            np.testing.assert_allclose(Hy, fd, atol=1e-7 * scale, rtol=0)
            _, _, unmasked = cv.y_derivatives(a, weights, mask=False)
            cases += 1
            wrong += np.abs(unmasked - auto).max() > 1e-6 * scale
    assert cases == 16 and wrong >= 12


# ------------------------------------------------------------------------------------------------ spec 6, 7
def test_lemma6_directional_derivatives(t241):
    """Spec 6: Lemma 6's first and second directional derivatives of l against central differences (1e-6 rel.)
    and against the exact gradient and Hessian."""
    rng = np.random.default_rng(6)
    t = t241
    for _ in range(5):
        w = t.w + 0.05 * rng.standard_normal(t.w.size)
        v = rng.standard_normal(t.w.size)
        d1, d2 = cv.lemma6_derivatives(w, t.X, t.F, t.dims, v)
        h = 1e-4
        assert fd_step_ok(w, v, t.X, t.dims, h)
        lp, l0, lm = (float(cv.loss(w + s * h * v, t.X, t.F, t.dims)) for s in (1, 0, -1))
        assert d2 == pytest.approx((lp - 2 * l0 + lm) / h ** 2, rel=1e-6)
        h = 1e-6
        lp, lm = (float(cv.loss(w + s * h * v, t.X, t.F, t.dims)) for s in (1, -1))
        assert d1 == pytest.approx((lp - lm) / (2 * h), rel=1e-6)
        _, grad, hess = cv.loss_derivatives(w, t.X, t.F, t.dims)
        assert d1 == pytest.approx(v @ grad, rel=1e-10)
        assert d2 == pytest.approx(v @ hess @ v, rel=1e-10)


def test_loss_derivatives_match_autograd_and_objective_plugs_into_curvature(t241):
    rng = np.random.default_rng(61)
    t = t241
    w = t.w + 0.1 * rng.standard_normal(t.w.size)
    f = cv.objective(t.X, t.F, t.dims, lam=LAM)
    value, grad, hess = cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)
    assert value == pytest.approx(float(f(w)), rel=1e-14)
    g_auto = autograd.grad(lambda v: cv.loss(v, t.X, t.F, t.dims, LAM))(w)
    H_auto = autograd.hessian(lambda v: cv.loss(v, t.X, t.F, t.dims, LAM))(w)
    np.testing.assert_allclose(grad, g_auto, atol=1e-13)
    np.testing.assert_allclose(hess, H_auto, atol=1e-12)
    np.testing.assert_allclose(ll.hessian(f, w), H_auto, atol=1e-12)
    assert ll.eigenvalues(f, w, k=1, which="smallest")[0] == pytest.approx(np.linalg.eigvalsh(H_auto)[0], abs=1e-9)


def test_lemma2_trace_identity_no_local_maxima():
    """Spec 7 (Lemma 2 / Proposition 1): tr Hess l = (2/N) sum ||grad y_i||^2 (1e-12) because the Hessian of y has a
    zero diagonal; hence Hess l has an eigenvalue >= 0 and Hess l_lambda one > 0 at every differentiable point."""
    rng = np.random.default_rng(7)
    for dims in [(2, 4, 1), (3, 3, 3, 1)]:
        for _ in range(10):
            X, w = generic_point(dims, rng, N=8)
            F = rng.uniform(0.1, 3.0, 8)
            _, g, Hy = cv.per_example_derivatives(w, X, dims)
            _, _, hess = cv.loss_derivatives(w, X, F, dims)
            lhs, rhs = np.trace(hess), 2.0 / 8 * np.sum(g ** 2)
            assert lhs == pytest.approx(rhs, rel=1e-12)
            assert np.all(np.einsum("ipp->ip", Hy) == 0.0)
            assert np.linalg.eigvalsh(hess)[-1] >= 0
            assert np.linalg.eigvalsh(cv.loss_derivatives(w, X, F, dims, LAM)[2])[-1] > 0


# ------------------------------------------------------------------------------------------------ spec 12-14
def points_U1_U2(t, n, rng, radii=(1e-3, 0.3)):
    """Differentiable points of U_1 & U_2 around the teacher (not necessarily in U_3)."""
    pts = []
    for _ in range(20 * n):
        d = np.exp(rng.uniform(*np.log(radii)))
        z = rng.standard_normal(t.w.size)
        w = t.w + d * z / np.linalg.norm(z)
        if cv.in_U1(w, t.dims, t.beta) and cv.in_U2(w, t.X, t.F, t.dims) and cv.is_differentiable(w, t.X, t.dims):
            pts.append(w)
            if len(pts) == n:
                break
    return pts


def test_lemma7_and_lemma9_chain(t231, t241):
    """Specs 12-13: for random directions at differentiable points of U_1 & U_2, X^T Hess l X >= the Lemma 7 bound
    (with sigma_min(A_i)) and >= each step of the Lemma 9 chain, each step below the previous one; pointwise,
    lambda_min Hess l >= -2 M rho_max sqrt(l) ."""
    rng = np.random.default_rng(12)
    loosest = 0.0
    for t in (t231, t241):
        pts = points_U1_U2(t, 40, rng)
        assert len(pts) == 40
        M = cv.M_constant(t.F, t.beta, t.H)
        for w in pts:
            v = rng.standard_normal(t.w.size)
            chain = cv.bound_chain(w, t.X, t.F, t.dims, t.beta, v)
            assert chain.exact >= chain.lemma7_A
            values = chain.as_list()
            assert all(x >= y - 1e-12 * abs(y) for x, y in zip(values, values[1:]))
            assert chain.sigma_min_C == pytest.approx(1.0, abs=1e-12)       # Qi on U_1: exactly 1 (index 1)
            hess = cv.loss_derivatives(w, t.X, t.F, t.dims)[2]
            bound = -2 * M * cv.rho_max(w, t.X, t.dims) * np.sqrt(float(cv.loss(w, t.X, t.F, t.dims)))
            lam_min = np.linalg.eigvalsh(hess)[0]
            assert lam_min >= bound
            if lam_min < 0:
                loosest = max(loosest, lam_min / bound)
    assert loosest < 0.2          # the bound is loose


def test_theorem4_on_sampled_points_of_U(t241):
    """Spec 14 (Theorem 4, with erratum E6): at sampled points of U around a zero-loss teacher, lambda_min of
    Hess l_lambda >= theta (the paper's claim) and in fact >= lambda + theta."""
    t = t241
    pts, deltas = cv.sample_U(t, LAM, THETA, n=150, seed=14)
    assert len(pts) >= 50 and deltas.min() >= 1e-6 and deltas.max() <= 1e-2
    lam_min = np.array([np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[2])[0] for w in pts])
    assert lam_min.min() >= LAM + THETA
    # autograd on a few of them (independent of the determinant route)
    for w in pts[:5]:
        H = autograd.hessian(lambda v: cv.loss(v, t.X, t.F, t.dims, LAM))(w)
        assert np.linalg.eigvalsh(H)[0] >= LAM + THETA


def test_sampled_points_are_in_U(t241):
    t = t241
    pts, _ = cv.sample_U(t, LAM, THETA, n=40, seed=1)
    for w in pts:
        mem = cv.membership(w, t.X, t.F, t.dims, t.beta, LAM, THETA)
        assert mem.U and mem.differentiable and mem.n_W < t.beta - 1 and mem.max_relative_error < 0.5
    mem = cv.membership(t.w, t.X, t.F, t.dims, t.beta, LAM, THETA)
    assert mem.U and mem.sqrt_loss == 0.0 and mem.n_W == pytest.approx(0.8 * (t.beta - 1))


# ------------------------------------------------------------------------------------------------ spec 15
def test_threshold_values_from_the_note():
    """Spec 15: M and the thresholds for tiny examples, and the depth table."""
    assert cv.M_constant([5.0], 6.0, 1) == 223.5
    assert cv.threshold([5.0], 6.0, 1, 0.1, 0.05) == pytest.approx(1.119e-4, rel=5e-4)
    assert cv.threshold([5.0], 6.0, 1, 0.1, 0.05) ** 2 == pytest.approx(1.25e-8, rel=5e-3)
    F = np.array([0.025, 0.027, 0.029])
    assert cv.M_constant(F, 2.0, 1) == pytest.approx(8.0435)
    for lam, theta, expected in [(0.1, 0.05, 3.108e-3), (0.01, 0.005, 3.108e-4), (1.0, 0.5, 3.108e-2)]:
        assert cv.threshold(F, 2.0, 1, lam, theta) == pytest.approx(expected, rel=5e-4)
    assert cv.sharpened_threshold(F, 2.0, 1, 0.1, 0.05) == pytest.approx(9.325e-3, rel=5e-4)
    assert cv.threshold([0.21, 1.14], 3.0, 1, 0.05, 0.025) == pytest.approx(4.354e-4, rel=5e-4)
    table = {2.0: [2.63e-3, 1.43e-3, 7.46e-4, 3.82e-4, 1.93e-4, 9.71e-5],
             3.0: [8.77e-4, 3.03e-4, 1.02e-4, 3.42e-5, 1.14e-5, 3.81e-6]}
    for beta, row in table.items():
        for H, expected in enumerate(row, start=1):
            assert cv.threshold([1.0], beta, H, 0.1, 0.05) == pytest.approx(expected, rel=5e-3)


def test_worked_example_membership():
    """The worked example as a one-point data set: n(W) = 4, ||a||_1 = 3, so beta = 6 is the smallest integer
    choice; the point itself is a zero-loss point of U."""
    weights = [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]
    assert cv.max_norm_1(weights) == 4.0
    mem = cv.membership(cv.flatten(weights), [[1.0, 2.0]], [5.0], (2, 2, 1), 6.0, 0.1, 0.05)
    assert mem.U and mem.threshold == pytest.approx(1.119e-4, rel=5e-4)
    assert not cv.in_U1(cv.flatten(weights), (2, 2, 1), 5.0)           # 4 < 5 - 1 fails: strict inequality


# ------------------------------------------------------------------------------------------------ spec 16, 17
def test_rescaling_symmetry_at_the_teacher(t241):
    """Spec 16: with lambda = 0 at a zero-loss teacher, Hess l annihilates the rescaling direction of each hidden
    neuron, so it has at least 4 zero eigenvalues for width 4."""
    t = t241
    _, _, hess = cv.loss_derivatives(t.w, t.X, t.F, t.dims)
    R = cv.rescaling_directions(t.w, t.dims)
    assert R.shape == (4, t.w.size)
    scale = np.abs(hess).max()
    assert np.abs(R @ hess).max() <= 1e-13 * scale
    for v in R:          # y is constant along the rescaling curve
        for c in (0.5, 2.0):
            wc = t.w.copy()
            W = cv.unflatten(wc, t.dims)
            j = np.flatnonzero(v[:8].reshape(2, 4).any(axis=0))[0]
            W[0][:, j] *= c
            W[1][j, :] /= c
            np.testing.assert_allclose(cv.outputs(t.X, W), t.F, rtol=1e-13)
    ev = np.linalg.eigvalsh(hess)
    assert np.sum(np.abs(ev) <= 1e-12 * scale) >= 4


def test_e12_no_critical_point_in_U(t241, t231):
    """Spec 17 (erratum E12): at sampled points of U the radial derivative <grad l_lambda, W> is positive and above
    the bound 2 lambda ||W||^2 (1 - (H+1)(beta-1)^H/(4M)); <grad, W>/(2 lambda ||W||^2) >= 0.99."""
    for t in (t241, t231):
        pts, _ = cv.sample_U(t, LAM, THETA, n=60, seed=17)
        assert len(pts) >= 20
        for w in pts:
            rad = cv.radial_derivative(w, t.X, t.F, t.dims, LAM)
            grad = cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[1]
            assert rad == pytest.approx(grad @ w, rel=1e-12)
            bound = cv.e12_lower_bound(w, t.F, t.dims, t.beta, LAM)
            assert rad >= bound > 0
            assert rad / (2 * LAM * w @ w) >= 0.99


@pytest.mark.parametrize("lam", [0.02, 0.005, 0.0005])
def test_minimisers_are_strict_but_outside_U(t241, lam):
    """Specs 16-17: damped Newton from the teacher reaches a critical point of l_lambda (gradient <= 1e-10) where
    the Euler identity (H+1) mean(e y) = -lambda ||W||^2 holds (7 digits), Hess l_lambda is positive definite, and
    sqrt(l) is far above Theorem 4's threshold : the minimiser is not in U."""
    t = t241
    w, gnorm, _ = cv.minimize(t.w, t.X, t.F, t.dims, lam)
    assert gnorm <= 1e-10
    y = cv.outputs(t.X, cv.unflatten(w, t.dims))
    e = y - t.F
    assert (t.H + 1) * np.mean(e * y) == pytest.approx(-lam * w @ w, rel=1e-7)
    assert np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, lam)[2])[0] > 1e-4
    sq = np.sqrt(np.mean(e ** 2))
    assert sq >= lam * (w @ w) / ((t.H + 1) * np.sqrt(np.mean(y ** 2))) * (1 - 1e-9)
    ratio = sq / cv.threshold(t.F, t.beta, t.H, lam, lam / 2)
    assert ratio > 50
    assert not cv.membership(w, t.X, t.F, t.dims, t.beta, lam, lam / 2).U


def test_aligned_neurons_give_non_isolated_minimisers():
    """Beyond the paper: with lambda > 0 a minimiser can still be non-isolated. Newton from the seed-1 teacher at
    lambda = 0.05 ends with two hidden neurons of the same direction and activation pattern; l_lambda is then
    constant along the one-parameter family that redistributes their (balanced) weights, so Hess l_lambda has a
    zero eigenvalue along it. (The minimiser is far outside U, so Corollary 1 is not contradicted.)"""
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=1)
    lam = 0.05
    w, gnorm, _ = cv.minimize(t.w, t.X, t.F, t.dims, lam)
    assert gnorm <= 1e-10
    pair = cv.aligned_pairs(w, t.X, t.dims)
    assert pair == [(0, 1)]
    values = [float(cv.loss(v, t.X, t.F, t.dims, lam)) for v in cv.split_family(w, t.dims, *pair[0], 9)]
    assert np.ptp(values) <= 1e-14 * values[0]
    hess = cv.loss_derivatives(w, t.X, t.F, t.dims, lam)[2]
    ev, vec = np.linalg.eigh(hess)
    assert abs(ev[0]) <= 1e-12 and ev[1] > 1e-2
    tangent = cv.split_family(w, t.dims, 0, 1, 3, span=1e-6)
    direction = (tangent[2] - tangent[0]) / np.linalg.norm(tangent[2] - tangent[0])
    assert abs(direction @ vec[:, 0]) == pytest.approx(1.0, abs=1e-6)
    assert cv.membership(w, t.X, t.F, t.dims, t.beta, lam, lam / 2).sqrt_loss > 100 * cv.threshold(
        t.F, t.beta, t.H, lam, lam / 2)


# ------------------------------------------------------------------------------------------------ spec 18
def test_rho_and_rho_max():
    """Spec 18: rho(W, X) <= rho_max(W) for random directions, with equality at the basis vector of the most
    frequently active weight; rho <= 1."""
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    rng = np.random.default_rng(18)
    w = t.w
    rmax = cv.rho_max(w, t.X, t.dims)
    for _ in range(50):
        r = cv.rho(w, t.X, t.dims, rng.standard_normal(w.size))
        assert 0 < r <= rmax + 1e-15 and r <= 1
    P = cv.active_edges(w, t.X, t.dims)
    p = int(np.argmax(P.mean(axis=0)))
    assert cv.rho(w, t.X, t.dims, np.eye(w.size)[p]) == pytest.approx(rmax, rel=1e-14)
    rhos, rmax0 = cv.dropout_rho(w, t.X, t.dims, 0.0, directions=20)
    assert rmax0 == pytest.approx(rmax, rel=1e-14)


def test_dropout_lowers_rho():
    """Spec 18: per-example dropout makes the mean rho and rho_max decrease monotonically in eta (as
    5-20-20-1 net with N = 64: mean rho 0.286, 0.201, 0.108, 0.034)."""
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    means, maxes = [], []
    for eta in (0.0, 0.2, 0.5, 0.8):
        rhos, rmax = cv.dropout_rho(t.w, t.X, t.dims, eta, mask="example", directions=200, seed=1)
        means.append(rhos.mean())
        maxes.append(rmax)
    assert all(a > b for a, b in zip(means, means[1:]))
    assert all(a > b for a, b in zip(maxes, maxes[1:]))
    assert means[-1] < 0.25 * means[0]


# ------------------------------------------------------------------------------------------------ slice, teacher
def test_teacher_properties():
    t = cv.teacher((3, 4, 3, 1), 10, 2.5, seed=3)
    assert np.allclose(np.abs(t.X).sum(axis=1), 1.5)
    assert np.all(t.F > 0)
    assert cv.max_norm_1(t.weights) == pytest.approx(0.8 * 1.5)
    assert cv.is_differentiable(t.w, t.X, t.dims)
    assert np.all(t.weights[-1] >= 0)
    np.testing.assert_array_equal(cv.teacher((3, 4, 3, 1), 10, 2.5, seed=3).w, t.w)        # same seed, same draw


def test_weight_slice(t241):
    """The 2-D slice: the centre is the teacher (in U, lambda_min Hess l >= 0); zooming out crosses more activation
    regions; lambda_min of Hess l agrees with the dense Hessian at a grid point."""
    t = t241
    small = cv.weight_slice(t, 0.003, grid=21, lam=LAM, theta=THETA)
    large = cv.weight_slice(t, 1.0, grid=21, lam=LAM, theta=THETA)
    assert small["in_U"][10, 10] and small["loss"][10, 10] == 0.0
    assert small["labels"].max() < large["labels"].max()
    assert large["in_U"].sum() < small["in_U"].sum()
    D = large["directions"]
    w = t.w + large["s"][3, 17] * D[0] + large["u"][3, 17] * D[1]
    expected = np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims)[2])[0]
    assert large["lam_min"][3, 17] == pytest.approx(expected, abs=1e-12)
    grad = cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[1]
    assert large["grad_s"][3, 17] == pytest.approx(-grad @ D[0], abs=1e-12)


# ------------------------------------------------------------------------------------------------ paths
def test_active_paths_and_leibniz_cycles():
    """Eq. 8: the path terms sum to y; leibniz_cycles lists the same terms as 1-based (H+3)-cycles (1 j0 j1 6)."""
    a = [1.0, 2.0]
    weights = [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]
    paths, terms = cv.active_paths(a, weights)
    assert paths == [(0, 0), (0, 1), (1, 0), (1, 1)] and terms.tolist() == [1.0, 6.0, 2.0, -4.0]
    cycles = cv.leibniz_cycles(K.milne_matrix(a, weights))
    assert sorted(c[3] for c in cycles) == sorted(terms.tolist())
    assert all(len(c[0]) == 1 and len(c[0][0]) == 4 and c[0][0][0] == 1 and c[0][0][-1] == 6 for c in cycles)


# ------------------------------------------------------------------------------------------------ bad input
def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"dims: expected \(n_0, \.\.\., n_H, 1\) with a scalar output"):
        cv.n_weights((3, 4, 2))
    with pytest.raises(ValueError, match=r"w: expected shape \(9,\), got \(8,\)"):
        cv.unflatten(np.zeros(8), (2, 3, 1))
    with pytest.raises(ValueError, match=r"X: expected shape \(N, 2\) with N >= 1, got \(4, 3\)"):
        cv.loss(np.zeros(9), np.zeros((4, 3)), np.ones(4), (2, 3, 1))
    with pytest.raises(ValueError, match=r"F: expected shape \(4,\), got \(3,\)"):
        cv.loss(np.zeros(9), np.zeros((4, 2)), np.ones(3), (2, 3, 1))
    with pytest.raises(ValueError, match="lam: expected a number >= 0.0, got -1.0"):
        cv.loss(np.zeros(9), np.zeros((4, 2)), np.ones(4), (2, 3, 1), lam=-1.0)
    with pytest.raises(ValueError, match=r"theta: expected a number < 0.1, got 0.2"):
        cv.threshold([1.0], 2.0, 1, 0.1, 0.2)
    with pytest.raises(ValueError, match="F: Milne's theory needs positive targets"):
        cv.in_U2(np.ones(9), np.ones((2, 2)), [1.0, -1.0], (2, 3, 1))
    with pytest.raises(ValueError, match=r"X: Lemma 9 needs \|\|a_i\|\|_1 <= beta - 1 = 1"):
        cv.membership(np.ones(9), np.ones((2, 2)), [1.0, 1.0], (2, 3, 1), 2.0, 0.1, 0.05)
    with pytest.raises(ValueError, match=r"weights\[1\]: expected 3 rows"):
        cv.relu_output([1.0, 2.0], [np.ones((2, 3)), np.ones((2, 1))])
    with pytest.raises(ValueError, match="w: the bound chain needs a point of U_1 & U_2"):
        cv.bound_chain(np.full(9, 5.0), np.ones((2, 2)) / 2, [1.0, 1.0], (2, 3, 1), 3.0, np.ones(9))
    with pytest.raises(ValueError, match="mask: expected one of 'example', 'batch'"):
        cv.dropout_rho(np.ones(9), np.ones((2, 2)), (2, 3, 1), 0.5, mask="layer")
    with pytest.raises(TypeError, match="t: expected a Teacher"):
        cv.sample_U("teacher", 0.1, 0.05)


# ------------------------------------------------------------------------------------------------ zero eigenvalues
def test_fifth_zero_eigenvalue_at_the_teacher(t241):
    """At the 2-4-1 teacher Hess l (lambda = 0) has 5 zero eigenvalues: the 4 rescalings and one more, because
    hidden neuron 4 is active on the inputs of neuron 3 except a_1. Moving v_3 u_3 by c n and v_4 u_4 by -c n, with
    n orthogonal to a_1, changes no output to first order."""
    t = t241
    hess = cv.loss_derivatives(t.w, t.X, t.F, t.dims)[2]
    scale = np.abs(hess).max()
    ev, vec = np.linalg.eigh(hess)
    null = vec[:, np.abs(ev) <= 1e-12 * scale]
    assert null.shape[1] == 5
    W0, W1 = t.weights
    on = (t.X @ W0) > 0
    assert np.array_equal(np.flatnonzero(on[:, 2] & ~on[:, 3]), [0]) and not np.any(on[:, 3] & ~on[:, 2])
    n = np.array([-t.X[0, 1], t.X[0, 0]])                       # orthogonal to a_1
    d = np.zeros((2, 4))
    d[:, 2] = n / W1[2, 0]
    d[:, 3] = -n / W1[3, 0]
    direction = np.concatenate([d.ravel(), np.zeros(4)])
    J = cv.per_example_derivatives(t.w, t.X, t.dims)[1]
    assert np.abs(J @ direction).max() <= 1e-14 * np.abs(J).max() * np.linalg.norm(direction)
    basis = np.vstack([cv.rescaling_directions(t.w, t.dims), direction]).T
    assert np.linalg.matrix_rank(basis, tol=1e-10) == 5
    residual = null - basis @ np.linalg.lstsq(basis, null, rcond=None)[0]
    assert np.abs(residual).max() <= 1e-8                        # the five span the null space


# ------------------------------------------------------------------------------------------------ kink
def test_kink_segment_lies_in_U_and_has_a_concave_kink():
    """Piecewise strong convexity is not convexity: along the segment l_lambda = min(phi_off, phi_on) for
    |t| <= |e_0| / v_2,
    each piece has second derivative >= 2 lambda ||X||^2 > theta ||X||^2 along it (Theorem 4 with erratum E6), the
    one-sided slopes (central differences of the library's loss) are -e_0 v_2 > 0 and e_0 v_2 < 0, and there is a
    local minimum on each side of a local maximum at the kink."""
    seg = cv.kink_segment()
    ts = np.linspace(-seg.t_max, seg.t_max, 101)
    for t in ts:
        mem = cv.membership(seg.point(t), seg.X, seg.F, seg.dims, seg.beta, seg.lam, seg.theta)
        assert mem.U and mem.differentiable == (t != 0.0)
    off, on = seg.pieces(ts)
    values = np.array([seg.loss(t) for t in ts])
    np.testing.assert_allclose(values, np.where(ts <= 0, off, on), rtol=1e-14)
    near = np.abs(ts) <= abs(seg.error) / seg.w0[3]            # where phi_on - phi_off has the sign of t e_0
    np.testing.assert_allclose(values[near], np.minimum(off, on)[near], rtol=1e-14)
    h = 1e-7
    left = (seg.loss(-h / 2) - seg.loss(-3 * h / 2)) / h
    right = (seg.loss(3 * h / 2) - seg.loss(h / 2)) / h
    s_left, s_right = seg.slopes()
    assert left == pytest.approx(s_left, rel=1e-4) and right == pytest.approx(s_right, rel=1e-4)
    assert s_left > 0 > s_right
    X2 = seg.direction @ seg.direction
    for piece in (0, 1):
        second = (seg.pieces(2e-3)[piece] - 2 * seg.pieces(0.0)[piece] + seg.pieces(-2e-3)[piece]) / 4e-6
        assert second >= 2 * seg.lam * X2 * (1 - 1e-6) > seg.theta * X2
    inner = (values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])
    assert inner.sum() == 2 and (ts[1:-1][inner][0] < 0 < ts[1:-1][inner][1])
    with pytest.raises(ValueError, match="v: expected v_1, v_2 > 0"):
        cv.kink_segment(v=(0.8, 0.4))


# ------------------------------------------------------------------------------------------------ accuracy
def test_exact_references_agree_with_float64_on_exact_examples():
    """The rational references reproduce the worked example (y = 5, gradient (1, 2, 2, 4, 3, 1)) exactly."""
    a = [1.0, 2.0]
    weights = [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]
    assert cv.exact_output(a, weights) == 5
    assert [float(g) for g in cv.exact_gradient(a, weights)] == [1.0, 2.0, 2.0, 4.0, 3.0, 1.0]
    rng = np.random.default_rng(0)
    for _ in range(5):
        a = rng.standard_normal(3)
        weights = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), np.abs(rng.standard_normal((2, 1)))]
        assert float(cv.exact_output(a, weights)) == pytest.approx(cv.relu_output(a, weights), rel=1e-13, abs=1e-15)
        np.testing.assert_allclose([float(g) for g in cv.exact_gradient(a, weights)],
                                   cv.backprop_gradient(a, weights), rtol=1e-13, atol=1e-15)


def test_accuracy_of_the_determinant_route_degrades_like_one_over_y():
    """Relative errors against exact rationals: y by LU and the gradient through y A^{-1} stay within 10 eps
    sum|paths|/y and grow as y shrinks; backprop's gradient stays at rounding level; somewhere near y = 1e-16 the
    LU determinant of a positive output comes out negative."""
    table = cv.accuracy_table(np.geomspace(1e-2, 1e-14, 7), seed=3)
    eps = np.finfo(float).eps
    bound = 10 * eps * table["paths"] / table["y"]
    assert np.all(table["det_lu"] <= bound) and np.all(table["grad_inverse"] <= bound)
    assert np.all(table["grad_backprop"] <= 4 * eps)
    assert table["grad_inverse"][-1] > 1e4 * table["grad_inverse"][0]
    a, weights = cv.cancelling_net(3e-17, seed=155)
    assert cv.exact_output(a, weights) > 0 and K.det(cv.milne_matrix(a, weights)) < 0


def test_singular_A_with_positive_output_is_reported():
    """When y > 0 but A is singular in floating point the determinant route says so instead of a LinAlgError."""
    for seed in range(400):
        a, weights = cv.cancelling_net(1e-17, seed=seed)
        try:
            np.linalg.inv(cv.milne_matrix(a, weights))
        except np.linalg.LinAlgError:
            if cv.relu_output(a, weights) > 0:
                with pytest.raises(ValueError, match="singular in floating point"):
                    cv.y_derivatives(a, weights)
                return
    pytest.fail("no numerically singular A with y > 0 among 400 draws")


# ------------------------------------------------------------------------------------------------ radial plane, masks
def test_radial_plane_and_dropout_masks():
    w = np.array([3.0, 4.0, 0.0])
    D = cv.radial_plane(w, seed=2)
    np.testing.assert_allclose(D @ D.T, np.eye(2), atol=1e-15)
    np.testing.assert_allclose(D[0], w / 5.0)
    with pytest.raises(ValueError, match="w: expected a non-zero weight vector"):
        cv.radial_plane(np.zeros(3))
    dims = (5, 20, 20, 1)
    keeps = cv.dropout_masks(dims, 64, 0.5, "batch", seed=4)
    assert [k.shape for k in keeps] == [(64, 20), (64, 20)] and all(np.all(k == k[0]) for k in keeps)
    keeps = cv.dropout_masks(dims, 64, 0.5, "example", seed=4)
    assert 0.4 < np.mean(keeps[0]) < 0.6 and not np.all(keeps[0] == keeps[0][0])
