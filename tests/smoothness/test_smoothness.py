"""Cooper's (L0, L1)-smoothness chapter: the ray, its closed forms, the hand-checked cases T1-T12, the generic
properties P1-P7 and the pitfalls (the book's sections).

Oracles: autograd Hessians and Jacobians (which share no code with the closed forms or the hand-written backward
passes), the hand-derived numbers of the cases, and an independent NumPy oracle written from the entry formulas.
"""

import math

import autograd
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landscapelab as ll
from landscapelab import smoothness as sm
from landscapelab.activations import Activation

X3 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
RTOL = 1e-10
GOOD = ("tanh", "sin", "arctan", "erf", "silu", "gelu", "mish", "identity")


def rel(a, b):
    """Largest entry error relative to the largest entry of the reference (absolute below 1)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1.0))


def autograd_derivatives(net, X, Y, loss, w):
    f = ll.loss_function(net, X, Y, loss=loss)
    return np.asarray(autograd.grad(f.__call__)(w)), np.asarray(autograd.hessian(f.__call__)(w)), f(w)


# ---------------------------------------------------------------------------------------------- independent oracle
def note_oracle(widths, s1, s2, t, M, X, Y, loss):
    """An independent NumPy oracle for l >= 2 (its own flattening: per layer, M row-major, then b)."""
    ell = len(widths) - 2
    d, k, n = widths[-1], widths[ell], len(X)
    idx, pos = {}, 0
    for i in range(1, len(widths)):
        r, c = widths[i], widths[i - 1]
        for a in range(r):
            for q in range(c):
                idx[("M", i, a, q)] = pos
                pos += 1
        for a in range(r):
            idx[("b", i, a)] = pos
            pos += 1
    P = pos
    if loss == "square":
        W, A = -2 * Y, 2 * n * np.eye(d)
    else:
        u = np.ones(d) / d
        W, A = u[None, :] - Y, n * (np.eye(d) / d - np.outer(u, u))
    r, G = W.sum(0), W.T @ X
    bl = [idx[("b", ell, a)] for a in range(k)]
    bo = [idx[("b", ell + 1, j)] for j in range(d)]
    J = np.zeros((d, P))
    J[:, bo] = np.eye(d)
    J[:, bl] = s1 * t * M
    g, H = J.T @ r, J.T @ A @ J

    def put(p, q, v):
        H[p, q] += v
        if p != q:
            H[q, p] += v

    MTr, MTG = M.T @ r, M.T @ G
    for a in range(k):
        put(bl[a], bl[a], s2 * t * MTr[a])
        for j in range(d):
            put(idx[("M", ell + 1, j, a)], bl[a], s1 * r[j])
        for q in range(widths[ell - 1]):
            put(idx[("M", ell, a, q)], idx[("b", ell - 1, q)], s1**2 * t * MTr[a])
            if ell == 2:
                for e in range(widths[0]):
                    put(idx[("M", 2, a, q)], idx[("M", 1, q, e)], s1**2 * t * MTG[a, e])
    return g, H


# ---------------------------------------------------------------------------------------------- T1 .. T12
def test_T1_scalar_tower_by_hand():
    case = sm.example("T1")
    r = case.ray()
    for t in (0.0, 1.0, 2.0, -3.5, 10.0):
        w = r.point(t)
        assert np.array_equal(w, [0, 0, 0, 0, t, 0]) and np.array_equal(w, sm.ray(case.net, t))
        g = np.array([0, 0, 0, -2 * t, 0, -2])
        H = np.array([[0, 0, -2 * t, 0, 0, 0], [0, 0, -2 * t, 0, 0, 0], [-2 * t, -2 * t, 0, 0, 0, 0],
                      [0, 0, 0, 4 * t**2, -2, 4 * t], [0, 0, 0, -2, 0, 0], [0, 0, 0, 4 * t, 0, 4]])
        ga, Ha, value = autograd_derivatives(case.net, case.X, case.Y, "square", w)
        assert rel(r.gradient(t), g) <= RTOL and rel(ga, g) <= RTOL
        assert rel(r.hessian(t), H) <= RTOL and rel(Ha, H) <= RTOL
        assert value == 1.0 == r.loss_value()
        assert r.gradient_norm(t) == pytest.approx(2 * math.sqrt(1 + t * t), rel=RTOL)
        assert r.frobenius_norm(t) ** 2 == pytest.approx(16 * t**4 + 48 * t**2 + 24, rel=RTOL)
    printed = {0.0: 4.0, 1.0: 8.249771, 2.0: 20.159051, 10.0: 404.009803}
    for t, value in printed.items():
        assert r.operator_norm(t) == pytest.approx(value, abs=5e-7)


@pytest.fixture(scope="module")
def t2():
    return sm.example("T2").ray()


def test_T2_square_tanh_depth2(t2):
    index = sm.parameter_index(t2.net)
    for t in (0.0, 1.0, 2.5, 10.0):
        g = t2.gradient(t)
        expected = np.zeros(29)
        expected[index["b3"]] = -4.0
        expected[index["b2"]] = -8.0 * t
        assert rel(g, expected) <= RTOL
        assert t2.entry(t, ("b", 2, 0), ("b", 2, 0)) == pytest.approx(12 * t * t, rel=RTOL, abs=RTOL)
    ts = np.array([0.0, 1.0, 2.0, 10.0, 100.0])
    assert rel(t2.gradient_norm(ts), np.sqrt(32 + 192 * ts**2)) <= RTOL
    assert rel(t2.frobenius_norm(ts) ** 2, 1296 * ts**4 + 2880 * ts**2 + 264) <= RTOL
    assert np.allclose(t2.frobenius_norm(ts), [16.248077, 66.633325, 180.333025, 3639.816479, 360039.998145],
                       atol=5e-7, rtol=0)
    assert np.allclose(t2.operator_norm(ts), [6, 42.644808, 150.204533, 3606.008859, 360006.000089],
                       atol=5e-7, rtol=0)
    assert t2.loss_value() == 4.0
    # ||H||_F / ||grad L|| -> n |sigma'| sqrt(k) d / |S| t = 36 / sqrt(192) t
    assert t2.frobenius_norm(1e6) / t2.gradient_norm(1e6) / 1e6 == pytest.approx(36 / math.sqrt(192), rel=1e-9)


def test_T2_local_loglog_slope(t2):
    def local_slope(t):                       # d log ||H||_F / d log ||grad L||, from the exact polynomials
        dH = (4 * 1296 * t**3 + 2 * 2880 * t) / (2 * (1296 * t**4 + 2880 * t**2 + 264))
        dg = (2 * 192 * t) / (2 * (32 + 192 * t**2))
        return dH / dg

    # a hand computation rounded to 1.439 at t = 1; the exact value is (10944/8880) / (384/448) = 1.437838
    assert local_slope(1.0) == pytest.approx(10944 / 8880 / (384 / 448), rel=1e-15)
    assert local_slope(1.0) == pytest.approx(1.437838, abs=5e-7)
    for t, printed in ((10.0, 1.982), (100.0, 1.99981)):
        assert local_slope(t) == pytest.approx(printed, abs=5e-4 if t < 100 else 5e-6)
    for t in (1.0, 10.0, 100.0):
        h = 1e-5 * t
        num = (math.log(t2.frobenius_norm(t + h)) - math.log(t2.frobenius_norm(t - h))) / (
            math.log(t2.gradient_norm(t + h)) - math.log(t2.gradient_norm(t - h)))
        assert num == pytest.approx(local_slope(t), rel=1e-6)


def test_T3_cross_entropy_and_balanced_labels():
    r = sm.example("T3").ray()
    ts = np.array([1.0, 10.0, 100.0])
    assert r.loss_value() == pytest.approx(3 * math.log(3), rel=1e-15)
    assert rel(r.gradient_norm(ts), np.sqrt(2 * (1 + ts**2))) <= RTOL
    assert rel(r.entry(ts, ("b", 2, 0), ("b", 2, 0)), 2 / 3 * ts**2) <= RTOL
    assert rel(r.frobenius_norm(ts) ** 2, 2 * ts**4 + 24 * ts**2 + 14) <= RTOL
    assert np.allclose(r.frobenius_norm(ts[:2]), [6.3246, 149.7131], atol=5e-5, rtol=0)
    assert np.allclose(r.operator_norm(ts), [2.4812, 101.0196, 10001.0002], atol=5e-5, rtol=0)
    balanced = sm.example("T3-balanced")
    rb = balanced.ray()
    for t in ts:
        g, H, _ = autograd_derivatives(balanced.net, balanced.X, balanced.Y, "cross_entropy", rb.point(t))
        assert np.abs(g).max() <= 1e-12 and rb.gradient_norm(t) <= 1e-12
        assert rel(rb.hessian(t), H) <= RTOL
    assert rel(rb.operator_norm(ts), ts**2 + 1) <= RTOL


def test_T4_cross_entropy_gelu_soft_labels():
    case = sm.example("T4")
    r = case.ray()
    a = math.sqrt(2 / math.pi)
    ts = np.array([1.0, 10.0])
    expected = 3 / 16 * ts**2 + a * ts * (1.5 - 2.3)
    assert rel(r.entry(ts, ("b", 2, 0), ("b", 2, 0)), expected) <= RTOL
    assert np.allclose(expected, [-0.450808, 12.366924], atol=5e-7)
    assert r.leading_entry()[2] == pytest.approx(3 / 16, rel=RTOL)
    assert np.allclose(r.gradient_norm(ts), [1.264911, 5.768882], atol=5e-7, rtol=0)
    g, H, _ = autograd_derivatives(case.net, case.X, case.Y, "cross_entropy", r.point(10.0))
    assert rel(r.hessian(10.0), H) <= RTOL and rel(r.gradient(10.0), g) <= RTOL


def test_T5_square_gelu_depth3_corrected_entry():
    case = sm.example("T5")
    r = case.ray()
    ts = np.array([1.0, 10.0])
    expected = 3 * ts**2 - 8 * math.sqrt(2 / math.pi) * ts
    assert rel(r.entry(ts, ("b", 3, 0), ("b", 3, 0)), expected) <= RTOL
    assert np.allclose(expected, [-3.383076, 236.169235], atol=5e-7)
    assert rel(r.gradient_norm(ts), 2 * np.sqrt(8 + 16 * ts**2)) <= RTOL
    _, H, _ = autograd_derivatives(case.net, case.X, case.Y, "square", r.point(1.0))
    i = sm.parameter_index(case.net)["b3"][0]
    assert H[i, i] == pytest.approx(expected[0], rel=RTOL)
    assert H[i, i] < 0 < 3.0               # the paper's entry 2 n sigma'^2 d t^2 = 3 alone has the wrong sign here


def test_T6_square_minus_one_affine_ray():
    case = sm.example("T6")
    r = case.ray()
    assert np.array_equal(r.point(2.0), [0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, 0])
    assert np.array_equal(sm.ray(case.net, 2.0, c=1.0), r.point(2.0))
    ts = np.array([1.0, 10.0])
    assert rel(r.entry(ts, ("b", 2, 0), ("b", 2, 0)), 16 * ts**2 - 16 * ts) <= RTOL
    assert abs(r.entry(1.0, ("b", 2, 0), ("b", 2, 0))) <= 1e-13         # the entry vanishes at t = 1
    assert rel(r.gradient_norm(ts), np.sqrt(64 + 512 * ts**2)) <= RTOL
    assert np.allclose(r.gradient_norm(ts), [24, 226.415547], atol=5e-7, rtol=0)
    g, H, _ = autograd_derivatives(case.net, case.X, case.Y, "square", r.point(-1.7))
    assert rel(r.hessian(-1.7), H) <= RTOL and rel(r.gradient(-1.7), g) <= RTOL
    facts = sm.activation_facts(sm.SQUARE_MINUS_ONE)
    assert facts.ok and abs(facts.c) == 1.0 and abs(facts.d1) == 2.0 and facts.d2 == 2.0


def test_T7_depth0_square_hessian_is_constant():
    case = sm.example("T7")
    f = case.loss_function()
    rng = np.random.default_rng(0)
    H0 = np.asarray(autograd.hessian(f.__call__)(np.zeros(6)))
    for scale in (1.0, 10.0, 100.0, 1000.0):
        w = scale * rng.standard_normal(6)
        H = np.asarray(autograd.hessian(f.__call__)(w))
        assert np.array_equal(H, H0)
        assert np.array_equal(sm.depth0_hessian(case.net, case.X, case.Y, w), H0)
    eig = np.sort(np.linalg.eigvalsh(H0))
    s2 = math.sqrt(2)
    assert rel(eig, [2 * (3 - 2 * s2)] * 2 + [2, 2] + [2 * (3 + 2 * s2)] * 2) <= RTOL
    assert sm.depth0_smoothness(case.net, case.X) == pytest.approx(6 + 4 * s2, rel=1e-15)
    assert np.linalg.norm(H0) == pytest.approx(2 * math.sqrt(70), rel=1e-15)


def test_T8_depth0_cross_entropy_hessian_is_bounded():
    case = sm.example("T8")
    f = case.loss_function()
    m = sm.depth0_smoothness(case.net, case.X, case.Y, loss="cross_entropy")
    assert m == pytest.approx((3 + 2 * math.sqrt(2)) / 2, rel=1e-15)
    H0 = sm.depth0_hessian(case.net, case.X, case.Y, np.zeros(9), loss="cross_entropy")
    assert np.abs(np.linalg.eigvalsh(H0)).max() == pytest.approx((3 + 2 * math.sqrt(2)) / 3, rel=1e-14)
    rng = np.random.default_rng(1)
    worst = 0.0
    for scale in (0.1, 1.0, 10.0, 100.0):
        for _ in range(25):
            w = scale * rng.standard_normal(9)
            H = sm.depth0_hessian(case.net, case.X, case.Y, w, loss="cross_entropy")
            worst = max(worst, np.abs(np.linalg.eigvalsh(H)).max())
            if _ == 0:
                assert rel(H, np.asarray(autograd.hessian(f.__call__)(w))) <= RTOL
    assert worst <= m
    # the bound is the supremum: two classes sharing all the probability for every sample approach it
    w = np.zeros(9)
    w[-1] = -60.0                                   # b_3 -> -inf: p = (1/2, 1/2, 0)
    H = sm.depth0_hessian(case.net, case.X, case.Y, w, loss="cross_entropy")
    assert np.abs(np.linalg.eigvalsh(H)).max() == pytest.approx(m, rel=1e-12)


def test_T9_depth_one_fails_too():
    case = sm.example("T9")
    r = case.ray()
    ts = np.array([0.0, 1.0, 10.0])
    assert rel(r.gradient_norm(ts) ** 2, 32 + 408 * ts**2) <= RTOL
    assert r.gradient_norm(10.0) == pytest.approx(202.069295, abs=5e-7)
    assert rel(r.entry(ts, ("b", 1, 0), ("b", 1, 0)), 12 * ts**2) <= RTOL
    g, H, _ = autograd_derivatives(case.net, case.X, case.Y, "square", r.point(10.0))
    assert rel(r.hessian(10.0), H) <= RTOL and rel(r.gradient(10.0), g) <= RTOL
    # Lemma 9 fails for l = 1: the first-layer weights have a nonzero gradient
    assert np.abs(g[sm.parameter_index(case.net)["M1"]]).max() > 1.0
    assert r.gradient_norm(1e7) / 1e7 == pytest.approx(20.199, abs=5e-4)
    ce = sm.example("T9-ce")
    rc = ce.ray()
    assert rel(rc.entry(ts, ("b", 1, 0), ("b", 1, 0)), 2 / 3 * ts**2) <= RTOL
    assert rc.gradient_norm(1e7) / 1e7 == pytest.approx(math.sqrt(10 / 3), rel=1e-9)      # not 1.8258 (rounding)
    g, H, _ = autograd_derivatives(ce.net, ce.X, ce.Y, "cross_entropy", rc.point(3.0))
    assert rel(rc.hessian(3.0), H) <= RTOL


def test_T10_critical_lines():
    case = sm.example("T10")
    r = case.ray()
    assert np.allclose(r.offset, [2 / 3, 2 / 3]) and r.loss_value() == pytest.approx(4 / 3, rel=1e-15)
    ts = np.array([1.0, 10.0, 100.0])
    for t in ts:
        g, H, value = autograd_derivatives(case.net, case.X, case.Y, "square", r.point(t))
        assert np.linalg.norm(g) <= 1e-12 * max(1.0, t) and value == pytest.approx(4 / 3, rel=1e-14)
        assert rel(r.hessian(t), H) <= RTOL
    assert rel(r.operator_norm(ts), 36 * ts**2 + 6) <= RTOL
    ce = sm.example("T10-ce")
    rc = ce.ray()
    assert np.allclose(rc.offset, np.log([0.5, 0.25, 0.25]), rtol=0, atol=1e-15)
    for t in ts:
        g, H, _ = autograd_derivatives(ce.net, ce.X, ce.Y, "cross_entropy", rc.point(t))
        assert np.linalg.norm(g) <= 1e-12 * max(1.0, t)
        assert rel(rc.hessian(t), H) <= RTOL
    assert rel(rc.entry(ts, ("b", 2, 0), ("b", 2, 0)), ts**2) <= RTOL
    assert rel(rc.operator_norm(ts), 1.5 * (ts**2 + 1)) <= RTOL
    # no phi at all: the ratio ||H|| / phi(0) grows like t^2 for every phi
    ratio = sm.ell_ratio(r.operator_norm(ts), np.zeros(3), sm.power_ell(1.0, 1e6, 7.0))
    assert rel(ratio, 36 * ts**2 + 6) <= RTOL


def test_T11_cross_entropy_with_omega_is_flat():
    r = sm.example("T11").ray()
    ts = np.array([0.0, 1.0, 10.0, 1e3, -50.0])
    assert rel(r.gradient_norm(ts), np.full(5, math.sqrt(2))) <= 1e-14
    assert rel(r.frobenius_norm(ts), np.full(5, math.sqrt(14))) <= 1e-14
    assert np.abs(r.H2).max() <= 1e-15 and np.abs(r.g1).max() <= 1e-15
    with pytest.raises(ValueError, match="t\\^2 coefficient"):
        r.certificate(1.0, 1.0)


def test_T12_explicit_violation(t2):
    L0 = L1 = 100.0
    cert = t2.certificate(L0, L1)
    assert cert == pytest.approx(115.948, abs=5e-4)
    # the formula: alpha = 2 n sigma'^2 ||M e_1||^2, beta = 2 L1 |sigma'| ||M^T Y||, gamma = L0 + 2 L1 ||Y||
    alpha, beta, gamma = 12.0, 2 * L1 * math.sqrt(48.0), L0 + 2 * L1 * math.sqrt(8.0)
    assert cert == pytest.approx((beta + math.sqrt(beta**2 + 4 * alpha * gamma)) / (2 * alpha), rel=1e-14)
    t = np.linspace(cert, 50 * cert, 400)
    assert np.all(np.abs(t2.entry(t, ("b", 2, 0), ("b", 2, 0))) > L0 + L1 * t2.gradient_norm(t))

    def first(L0, L1):                   # root of the hand formulas (Frobenius)
        excess = lambda t: math.sqrt(1296 * t**4 + 2880 * t**2 + 264) - L0 - L1 * math.sqrt(32 + 192 * t**2)  # noqa
        from scipy.optimize import brentq
        return brentq(excess, 1e-3, 1e5, xtol=1e-13)

    cases = (((100, 100), 38.536, 1e-3), ((10, 10), 3.655, 1e-3), ((1e3, 1e3), 385.0, 0.05),
             ((0, 1e4), 3849.0015, 1e-4))
    for (a, b), printed, tol in cases:
        found = t2.first_violation(a, b)
        assert found == pytest.approx(first(a, b), rel=1e-10)
        assert found == pytest.approx(printed, abs=tol)
    assert t2.first_violation(100, 100, norm="operator") > t2.first_violation(100, 100)
    # the smallest L1 that covers [0, T] , and the exact frontier of the admissible set
    ts = np.linspace(0, 1000, 20001)
    h, g = t2.frobenius_norm(ts), t2.gradient_norm(ts)
    table = {1: (4.452, 0.0), 10: (26.246, 25.525), 100: (259.834, 259.762), 1000: (2598.079, 2598.072)}
    for T, (at0, at100) in table.items():
        keep = ts <= T
        assert sm.min_L1(h[keep], g[keep], 0.0) == pytest.approx(at0, abs=1e-3)
        assert sm.min_L1(h[keep], g[keep], 100.0) == pytest.approx(at100, abs=1e-3)


# ---------------------------------------------------------------------------------------------- P1-P7 (hypothesis)
ACTS = ("tanh", "sin", "arctan", "erf", "silu", "gelu", "mish")


@st.composite
def problems(draw, depths=(2, 3)):
    depth = draw(st.sampled_from(depths))
    widths = [draw(st.integers(1, 3))] + [draw(st.integers(1, 3)) for _ in range(depth)]
    loss = draw(st.sampled_from(("square", "cross_entropy")))
    widths.append(draw(st.integers(2 if loss == "cross_entropy" else 1, 3)))
    act = draw(st.sampled_from(ACTS))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 4))
    X = rng.standard_normal((n, widths[0]))
    Y = rng.standard_normal((n, widths[-1])) if loss == "square" else rng.dirichlet(np.ones(widths[-1]), size=n)
    M = rng.standard_normal((widths[-1], widths[-2])) if draw(st.booleans()) else None
    t = draw(st.floats(-20, 20, allow_nan=False))
    return ll.MLP(widths, activation=act), X, Y, loss, M, t


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_P1_P5_output_is_zero_and_loss_is_constant(problem):
    net, X, Y, loss, M, t = problem
    r = sm.Ray(net, X, Y, loss=loss, M=M)
    w = r.point(t)
    assert np.array_equal(w, sm.ray(net, t, loss=loss, M=M))
    assert np.all(net(w, X) == 0.0)
    f = ll.loss_function(net, X, Y, loss=loss)
    expected = np.sum(Y**2) if loss == "square" else X.shape[0] * math.log(net.d_out)
    assert f(w) == pytest.approx(expected, rel=1e-13) and r.loss_value() == pytest.approx(expected, rel=1e-13)


@FAST
@given(problems())
def test_P2_jacobian_lemmas_9_10(problem):
    net, X, Y, loss, M, t = problem
    r = sm.Ray(net, X, Y, loss=loss, M=M)
    J = np.asarray(autograd.jacobian(lambda v: net(v, X))(r.point(t)))
    index = sm.parameter_index(net)
    l = net.depth
    expected = np.zeros_like(J)
    expected[:, :, index[f"b{l + 1}"]] = np.eye(net.d_out)
    expected[:, :, index[f"b{l}"]] = t * r.point_c.s1 * r.M
    assert rel(J, expected) <= 1e-14
    weights = np.concatenate([index[f"M{i}"].ravel() for i in range(1, l + 2)])
    assert np.all(J[:, :, weights] == 0.0)                                      # Lemma 9


@settings(max_examples=10, deadline=None)
@given(problems())
def test_P3_output_hessian_lemma_11_table(problem):
    """The entrywise table of second derivatives of f_j (Lemma 11, including the sigma''(c) terms)."""
    net, X, Y, loss, M, t = problem
    r = sm.Ray(net, X, Y, loss=loss, M=M)
    w = r.point(t)
    l, d, k = net.depth, net.d_out, net.widths[-2]
    s1, s2, M = r.point_c.s1, r.point_c.s2, r.M
    index = sm.parameter_index(net)
    for s in range(X.shape[0]):
        for j in range(d):
            H = np.asarray(autograd.hessian(lambda v: net(v, X[s:s + 1])[0, j])(w))
            E = np.zeros_like(H)

            def put(p, q, v):
                E[p, q] += v
                if p != q:
                    E[q, p] += v

            for a in range(k):
                put(index[f"b{l}"][a], index[f"b{l}"][a], s2 * t * M[j, a])
                put(index[f"M{l + 1}"][j, a], index[f"b{l}"][a], s1)
                for q in range(net.widths[l - 1]):
                    put(index[f"M{l}"][a, q], index[f"b{l - 1}"][q], s1**2 * t * M[j, a])
                    if l == 2:
                        for e in range(net.d_in):
                            put(index["M2"][a, q], index["M1"][q, e], s1**2 * t * M[j, a] * X[s, e])
            assert rel(H, E) <= 1e-13


@FAST
@given(problems(depths=(1, 2, 3)))
def test_P4_closed_form_equals_autograd(problem):
    net, X, Y, loss, M, t = problem
    r = sm.Ray(net, X, Y, loss=loss, M=M)
    g, H, _ = autograd_derivatives(net, X, Y, loss, r.point(t))
    assert rel(r.gradient(t), g) <= RTOL
    assert rel(r.hessian(t), H) <= RTOL
    assert rel(r.gauss_newton(t), ll.ggn_operator(ll.loss_function(net, X, Y, loss=loss), r.point(t)).dense()) <= RTOL
    if net.depth >= 2 and (loss == "square" or np.allclose(Y.sum(axis=1), 1.0)):
        act = net.activation
        c = sm.activation_facts(act).c
        gn, Hn = note_oracle(list(net.widths), float(act.d1(np.array([c]))[0]), float(act.d2(np.array([c]))[0]), t,
                             r.M, X, Y, loss)
        assert rel(r.gradient(t), gn) <= RTOL and rel(r.hessian(t), Hn) <= RTOL


@FAST
@given(problems(depths=(1, 2, 3)))
def test_P6_polynomials_in_t(problem):
    """||grad L||^2 and d2L/(db^l_1)^2, computed by autograd at four t, are quadratics in t (three values determine
    the fourth) whose t^2 coefficients are the paper's Gauss-Newton entry and the closed form's."""
    net, X, Y, loss, M, _ = problem
    r = sm.Ray(net, X, Y, loss=loss, M=M)
    i = sm.parameter_index(net)[f"b{net.depth}"][0]
    ts = np.array([-1.5, 0.5, 2.0, 3.7])
    sq, entry = [], []
    for t in ts:
        g, H, _ = autograd_derivatives(net, X, Y, loss, r.point(t))
        sq.append(g @ g)
        entry.append(H[i, i])
    sq, entry = np.array(sq), np.array(entry)
    for values in (sq, entry):
        coeff = np.polyfit(ts[:3], values[:3], 2)
        assert abs(np.polyval(coeff, ts[3]) - values[3]) <= 1e-9 * max(1.0, np.abs(values).max())
    # the t^2 coefficient of the entry (Lagrange interpolation of the autograd values at the first three t)
    t0, t1, t2 = ts[:3]
    lead = (entry[0] / ((t0 - t1) * (t0 - t2)) + entry[1] / ((t1 - t0) * (t1 - t2))
            + entry[2] / ((t2 - t0) * (t2 - t1)))
    a = r.M[:, 0]
    s1 = float(net.activation.d1(np.array([r.c]))[0])
    if loss == "square":                                     # Theorem 12's entry 2 n sigma'^2 ||M e_1||^2
        paper = 2 * X.shape[0] * s1**2 * (a @ a)
    else:                                                    # Theorem 14's bracket, with the label sums S_s
        d = net.d_out
        paper = s1**2 * Y.sum() * ((a @ a) / d - a.sum() ** 2 / d**2)
    scale = 1e-9 * max(1.0, np.abs(entry[:3]).max())
    assert abs(lead - paper) <= scale
    assert abs(r.leading_entry()[2] - paper) <= 1e-12 * max(1.0, abs(paper))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(0, 2**32 - 1),
       st.sampled_from(("square", "cross_entropy")))
def test_P7_depth0(d_in, d_out, n, seed, loss):
    if loss == "cross_entropy":
        d_out += 1
    rng = np.random.default_rng(seed)
    net = ll.MLP([d_in, d_out])
    X = rng.standard_normal((n, d_in))
    Y = rng.standard_normal((n, d_out)) if loss == "square" else rng.dirichlet(np.ones(d_out), size=n)
    f = ll.loss_function(net, X, Y, loss=loss)
    m = sm.depth0_smoothness(net, X, Y, loss=loss)
    for scale in (0.1, 10.0):
        w = scale * rng.standard_normal(net.n_params)
        H = np.asarray(autograd.hessian(f.__call__)(w))
        assert rel(sm.depth0_hessian(net, X, Y, w, loss=loss), H) <= RTOL
        assert np.abs(np.linalg.eigvalsh(H)).max() <= m * (1 + 1e-12)


# ---------------------------------------------------------------------------------------------- pitfalls (section 7)
def test_relu_is_refused_and_autograd_relu_prime_zero_is_a_trap():
    base = sm.example("T2")
    relu = ll.MLP([2, 3, 3, 2], activation="relu")
    with pytest.raises(ValueError, match="not differentiable at c = 0"):
        sm.ray(relu, 1.0)
    with pytest.raises(ValueError, match="sigma'\\(c\\) = 0"):
        sm.ray(relu, 1.0, c=-1.0)
    # the tanh ray has the same numbers as a ReLU "ray" at c = 0; autograd's np.maximum gives ReLU'(0) = 1/2 and so
    # fakes the construction with a t^2 entry 2 n d (1/2)^2 t^2 = 3 t^2 at a point where the loss is not C^2
    f = ll.loss_function(relu, base.X, base.Y)
    i = sm.parameter_index(relu)["b2"][0]
    for t in (1.0, 10.0):
        w = sm.ray(base.net, t)
        assert np.asarray(autograd.hessian(f.__call__)(w))[i, i] == pytest.approx(3 * t * t, rel=1e-12)
        assert ll.hessian(f, w)[i, i] == 0.0                    # the library's convention ReLU'(0) = 0
    # one-sided: b^2_1 = +eps gives curvature 2 n d t^2 = 12 t^2, b^2_1 = -eps gives 0
    w = sm.ray(base.net, 10.0)
    for eps, expected in ((1e-9, 1200.0), (-1e-9, 0.0)):
        v = w.copy()
        v[i] = eps
        assert ll.hessian(f, v)[i, i] == pytest.approx(expected, abs=1e-6)


def test_sin_at_pi_is_not_a_zero_in_floating_point():
    net = ll.MLP([2, 3, 3, 2], activation="sin")
    with pytest.raises(ValueError, match="not exactly 0 in floating point"):
        sm.ray(net, 1.0, c=math.pi)
    assert np.sin(math.pi) == pytest.approx(1.2246e-16, rel=1e-4)
    # built by hand anyway, the output grows with t instead of staying 0
    w = sm.ray(ll.MLP([2, 3, 3, 2], activation="tanh"), 1e12)
    index = sm.parameter_index(net)
    w[np.concatenate([index["b1"], index["b2"]])] = math.pi
    out = net(w, X3)
    assert np.all(np.abs(out - 3.67e-4) < 1e-6)
    assert sm.ray(net, 1e12)[index["b1"]].tolist() == [0.0] * 3       # the default c for sin is 0


def test_other_activations_without_assumption1():
    X, Y = X3, np.ones((3, 2))
    for name, message in (("sigmoid", "no zero found"), ("softplus", "no zero found"),
                          ("leaky_relu", "not differentiable"), ("elu", "not twice differentiable")):
        with pytest.raises(ValueError, match=message):
            sm.ray(ll.MLP([2, 3, 3, 2], activation=name), 1.0)
        with pytest.raises(ValueError, match=message):
            sm.Ray(ll.MLP([2, 3, 3, 2], activation=name), X, Y)
    cube = Activation("cube", lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x, 0.0, math.inf)
    with pytest.raises(ValueError, match="sigma'\\(c\\) = 0"):
        sm.ray(ll.MLP([2, 3, 3, 2], activation=cube), 1.0)
    facts = sm.activation_facts(cube)
    assert not facts.ok and "sigma'(c) = 0" in facts.reason


def test_activation_table_is_computed():
    rows = {r.name: r for r in sm.activation_table()}
    assert set(rows) == set(ll.activations.names())
    expected = {"tanh": (1.0, 0.0), "sin": (1.0, 0.0), "arctan": (1.0, 0.0), "erf": (2 / math.sqrt(math.pi), 0.0),
                "silu": (0.5, 0.5), "gelu": (0.5, math.sqrt(2 / math.pi)), "mish": (0.6, 0.64),
                "identity": (1.0, 0.0)}
    for name, row in rows.items():
        assert row.ok == (name in expected), (name, row.reason)
        if row.ok:
            act = ll.activations.get(name)
            assert row.c == 0.0 and row.value == 0.0 and row.reason == ""
            assert (row.d1, row.d2) == pytest.approx(expected[name], rel=1e-12, abs=1e-15)
            # autograd values agree with the hand-written derivatives of the activation module
            assert row.d1 == pytest.approx(float(act.d1(np.array([0.0]))[0]), rel=1e-14)
            assert row.d2 == pytest.approx(float(act.d2(np.array([0.0]))[0]), rel=1e-14, abs=1e-15)
        else:
            assert row.reason
    assert "other zero" in rows["relu"].reason and rows["elu"].d1 == pytest.approx(1.0, abs=1e-6)
    text = sm.format_activation_table(list(rows.values()))
    assert text.count("\n") == len(rows) + 1 and "gelu" in text


def test_absorbed_bias_makes_sigmoid_and_relu_fail_too():
    base = sm.example("T2")
    for name, c in (("sigmoid", 0.0), ("relu", 1.0), ("softplus", -0.5)):
        net = ll.MLP([2, 3, 3, 2], activation=name)
        r = sm.Ray(net, base.X, base.Y, c=c, absorb=True)
        for t in (0.5, 20.0):
            w = r.point(t)
            assert np.abs(net(w, base.X)).max() <= 1e-12 * t
            g, H, _ = autograd_derivatives(net, base.X, base.Y, "square", w)
            assert rel(r.gradient(t), g) <= RTOL and rel(r.hessian(t), H) <= RTOL
        s1 = r.point_c.s1
        assert r.leading_entry()[2] == pytest.approx(2 * 3 * s1**2 * 2, rel=1e-12)
    with pytest.raises(ValueError, match="absorb=True pass a point c"):
        sm.Ray(ll.MLP([2, 3, 3, 2], activation="sigmoid"), base.X, base.Y, absorb=True)


@pytest.mark.parametrize("loss", ["square", "cross_entropy"])
def test_absorbed_line_at_depth_3_has_the_M_l_M_l_minus_1_term(loss):
    """With sigma(c) != 0 the block (M^l, M^{l-1}) of d2f_j is t sigma'(c)^2 M_ja sigma(c) delta_qq' also for
    l >= 3 (Lemma 11 has it only for l = 2, where sigma(c) = 0 makes it vanish otherwise)."""
    rng = np.random.default_rng(5)
    net = ll.MLP([2, 3, 2, 3, 2], activation="sigmoid")
    X = rng.standard_normal((4, 2))
    Y = rng.standard_normal((4, 2)) if loss == "square" else rng.dirichlet(np.ones(2), size=4)
    r = sm.Ray(net, X, Y, loss=loss, c=0.3, absorb=True, M=rng.standard_normal((2, 3)))
    s0, s1 = (float(g(np.array([0.3]))[0]) for g in (net.activation.fn, net.activation.d1))
    index = sm.parameter_index(net)
    for t in (-1.5, 0.8, 6.0):
        w = r.point(t)
        g, H, _ = autograd_derivatives(net, X, Y, loss, w)
        assert rel(r.gradient(t), g) <= RTOL and rel(r.hessian(t), H) <= RTOL
        H_f = np.asarray(autograd.hessian(lambda v: net(v, X[:1])[0, 1])(w))
        block = H_f[np.ix_(index["M3"].ravel(), index["M2"].ravel())].reshape(3, 2, 2, 3)   # (a, q, q', e)
        expected = t * s1**2 * r.M[1][:, None, None, None] * np.eye(2)[None, :, :, None] * s0
        assert np.abs(block - expected).max() <= 1e-13 * max(1.0, abs(t))
        assert np.abs(expected).max() > 0.01


# ---------------------------------------------------------------------------------------------- ratios and regions
def test_ratios():
    h, g = np.array([4.0, 0.0, 3.0]), np.array([1.0, 0.0, 0.0])
    assert np.array_equal(sm.l0l1_ratio(h, g, 0.0, 2.0), [2.0, 0.0, np.inf])
    assert np.array_equal(sm.l0l1_ratio(h, g, 1.0, 3.0), [1.0, 0.0, 3.0])
    phi = sm.power_ell(1.0, 2.0, 2.0)
    assert phi(3.0) == 19.0
    assert np.array_equal(sm.ell_ratio(h, g, phi), [4 / 3, 0.0, 3.0])
    assert sm.min_L1(h, g, 3.0) == 1.0 and sm.min_L1(h, g, 2.0) == np.inf
    with pytest.raises(ValueError, match="L0"):
        sm.l0l1_ratio(h, g, -1.0, 1.0)
    with pytest.raises(ValueError, match="equal length"):
        sm.l0l1_ratio(h, g[:2], 1.0, 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        sm.min_L1(-h, g, 1.0)
    with pytest.raises(TypeError, match="ell"):
        sm.ell_ratio(h, g, 3.0)


# ---------------------------------------------------------------------------------------------- other API
def test_default_directions_and_depth0_ray():
    net = ll.MLP([2, 4, 3, 2])
    assert np.array_equal(sm.default_direction(net, "square"), np.ones((2, 3)))
    assert np.array_equal(sm.default_direction(net, "cross_entropy"), np.eye(2, 3))
    net0 = ll.MLP([3, 2], activation="relu")                      # no activation is ever applied
    assert np.array_equal(sm.ray(net0, 2.0, loss="cross_entropy"), [2, 0, 0, 0, 2, 0, 0, 0])
    with pytest.raises(ValueError, match="no hidden biases"):
        sm.ray(net0, 1.0, c=0.0)
    norms = sm.norms_along_ray(net0, X3[:, :1].repeat(3, axis=1), np.eye(2)[[0, 1, 0]], [0.0, 1.0],
                               loss="cross_entropy")
    assert set(norms) == {"t", "gradient", "frobenius", "operator", "gauss_newton"}


def test_blocks_follow_the_closed_form_table(t2):
    t = 2.0
    blocks = t2.blocks(t)
    assert set(blocks) == {("b2", "b2"), ("b2", "b3"), ("b3", "b3"), ("M3", "b2"), ("M2", "b1"), ("M2", "M1")}
    A = 2 * 3 * np.eye(2)
    assert rel(blocks["b2", "b2"], t * t * np.ones((3, 2)) @ A @ np.ones((2, 3))) <= RTOL
    assert rel(blocks["b2", "b3"], t * np.ones((3, 2)) @ A) <= RTOL
    assert rel(blocks["b3", "b3"], A) <= RTOL
    r_vec = -2 * np.array([2.0, 2.0])
    expected = np.einsum("j,ab->jab", r_vec, np.eye(3))
    assert rel(blocks["M3", "b2"], expected) <= RTOL
    assert rel(blocks["M2", "b1"], t * np.einsum("a,qr->aqr", np.full(3, -8.0), np.eye(3))) <= RTOL
    G = -2 * base_G()
    assert rel(blocks["M2", "M1"], t * np.einsum("ae,qr->aqre", np.ones((2, 3)).T @ G, np.eye(3))) <= RTOL
    assert rel(t2.gauss_newton_norm(np.array([1.0, 10.0])), 2 * 3 * (6 * np.array([1.0, 100.0]) + 1)) <= RTOL


def base_G():
    Y = sm.example("T2").Y
    return Y.T @ X3


def test_bad_input_names_the_argument():
    X, Y = X3, np.ones((3, 2))
    net = ll.MLP([2, 3, 3, 2])
    with pytest.raises(ValueError, match="bias=True"):
        sm.ray(ll.MLP([2, 3, 3, 2], bias=False), 1.0)
    with pytest.raises(ValueError, match="parametrization='standard'"):
        sm.Ray(ll.MLP([2, 3, 3, 2], parametrization="ntk"), X, Y)
    with pytest.raises(ValueError, match="output_activation"):
        sm.ray(ll.MLP([2, 3, 3, 2], output_activation="tanh"), 1.0)
    with pytest.raises(ValueError, match="at least 1 hidden layer"):
        sm.Ray(ll.MLP([2, 2]), X, Y)
    with pytest.raises(ValueError, match="M: expected shape \\(2, 3\\)"):
        sm.ray(net, 1.0, M=np.ones((3, 2)))
    with pytest.raises(ValueError, match="loss: expected one of"):
        sm.ray(net, 1.0, loss="hinge")
    with pytest.raises(TypeError, match="t: expected a finite real number"):
        sm.ray(net, float("nan"))
    with pytest.raises(TypeError, match="t: expected a finite real number"):
        sm.Ray(net, X, Y).point("1")
    with pytest.raises(ValueError, match="Y: expected shape"):
        sm.Ray(net, X, np.ones((3, 3)))
    with pytest.raises(ValueError, match="offset='critical': class"):
        sm.Ray(ll.MLP([2, 3, 3, 3]), X, np.eye(3)[[0, 0, 1]], loss="cross_entropy", offset="critical")
    with pytest.raises(ValueError, match="offset: expected one of"):
        sm.Ray(net, X, Y, offset="middle")
    with pytest.raises(TypeError, match="absorb"):
        sm.Ray(net, X, Y, absorb="yes")
    with pytest.raises(TypeError, match="c: expected a finite real number"):
        sm.ray(net, 1.0, c="0")
    with pytest.raises(ValueError, match="net: expected a network with no hidden layer"):
        sm.depth0_smoothness(net, X)
    with pytest.raises(ValueError, match="norm: expected one of"):
        sm.Ray(net, X, Y).hessian_norm(1.0, norm="nuclear")
    with pytest.raises(ValueError, match="name: expected one of"):
        sm.example("T13")
