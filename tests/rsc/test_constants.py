"""The constants of Assumption 1, Theorem 4.1 / Remark 4.3, Lemmas 4.1-4.2 and Theorems 5.1-5.3, against hand
derivations, separately derived closed forms and measurements."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from landscapelab import rsc

TANH_BETA = 4 / (3 * math.sqrt(3))


def test_activation_constants():
    t = rsc.activation_constants("tanh")
    assert t.lipschitz == pytest.approx(1.0, abs=1e-15) and t.beta_phi == pytest.approx(TANH_BETA, rel=1e-12)
    assert t.phi0 == 0.0 and t.satisfies_assumption_1
    s = rsc.activation_constants("softplus")
    assert s.beta_phi == pytest.approx(0.25, rel=1e-12) and s.phi0 == pytest.approx(math.log(2), rel=1e-15)
    sig = rsc.activation_constants("sigmoid")
    assert sig.lipschitz == pytest.approx(0.25, rel=1e-12)
    assert sig.beta_phi == pytest.approx(1 / (6 * math.sqrt(3)), rel=1e-10)
    # GELU: phi'' = (2 - x^2) pdf(x) vanishes at +-sqrt 2
    r2 = math.sqrt(2)
    g = rsc.activation_constants("gelu")
    assert g.lipschitz == pytest.approx(norm.cdf(r2) + r2 * norm.pdf(r2), rel=1e-10)
    assert g.min_slope == pytest.approx(norm.cdf(-r2) - r2 * norm.pdf(r2), rel=1e-9)
    assert not g.satisfies_assumption_1
    # SiLU: phi'' = s(1-s)(2 + x(1 - 2s)) vanishes where 2 + x(1 - 2 s(x)) = 0
    sigm = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    x = brentq(lambda x: 2 + x * (1 - 2 * sigm(x)), 1.0, 5.0, xtol=1e-15)
    assert rsc.activation_constants("silu").lipschitz == pytest.approx(
        sigm(x) * (1 + x * (1 - sigm(x))), rel=1e-10
    )
    with pytest.raises(ValueError, match="activation"):
        rsc.activation_constants("relu")


def test_h_g_by_hand():
    assert rsc.h(1, 0.7, 0.5) == 1.0
    assert rsc.h(3, 0.5, math.log(2)) == pytest.approx(0.25 + math.log(2) * 1.5, rel=1e-15)
    # Lemma 4.2 with the corrected exponent i - 1
    assert rsc.g(0.5, 3, math.log(2)) == pytest.approx(0.125 + math.log(2) * 1.75, rel=1e-15)


def test_c_H_by_hand():
    b = TANH_BETA
    # L = 1, gamma = 1, phi(0) = 0: h = 1, psi_H = 1 + beta, c_H = 2 (1 + 1 + 1)(1 + beta) + 2
    assert rsc.c_H(1, 1.0, 0.0, b, 0.0) == pytest.approx(6 * (1 + b) + 2, rel=1e-14)
    # L = 2: the first factor 2 L (L^2 + L + 1) = 28 printed, 2 (L^2 + L + L) = 16 from Theorem 4.2
    assert rsc.c_H(2, 1.0, 0.0, b, 0.0) == pytest.approx(28 * (1 + b) + 4, rel=1e-14)
    assert rsc.c_H(2, 1.0, 0.0, b, 0.0, form="theorem-4.2") == pytest.approx(16 * (1 + b) + 4, rel=1e-14)
    # rho_1 multiplies the first term only
    assert rsc.c_H(2, 1.0, 1.0, b, 0.0) == pytest.approx(56 * (1 + b) + 4, rel=1e-14)


@pytest.mark.parametrize(
    "activation,depths,values",
    [
        ("softplus", (1, 2, 3, 4, 6, 8, 12), (9.5, 48, 257, 951, 7.1e3, 3.3e4, 3.1e5)),
        ("tanh", (1, 2, 3, 4, 6, 8, 12), (12.6, 54, 144, 305, 925, 2.1e3, 6.7e3)),
    ],
)
def test_c_H_independent_table(activation, depths, values):
    # c_H of Remark 4.3 at sigma_1 = 1, rho = rho_1 = 0 from a separate implementation, rounded to 2-3 digits
    a = rsc.activation_constants(activation)
    for L, v in zip(depths, values):
        assert rsc.c_H(L, 1.0, 0.0, a.beta_phi, a.phi0) == pytest.approx(v, rel=0.03)


def test_remark_43_grows_faster_than_theorem_41():
    # with phi(0) != 0 the printed constant grows like L^6 at gamma = 1, Theorem 4.2's like L^5
    a = rsc.activation_constants("softplus")
    L = np.array([64, 128, 256])
    printed = [rsc.c_H(int(k), 1.0, 0.0, a.beta_phi, a.phi0) for k in L]
    proved = [rsc.c_H(int(k), 1.0, 0.0, a.beta_phi, a.phi0, form="theorem-4.2") for k in L]
    assert np.polyfit(np.log(L), np.log(printed), 1)[0] == pytest.approx(6, abs=0.05)
    assert np.polyfit(np.log(L), np.log(proved), 1)[0] == pytest.approx(5, abs=0.05)


def test_varrho():
    # tanh at gamma = 1: h = 1, so varrho^2 = 1 + L / m
    for L, m in ((1, 10), (3, 64)):
        assert rsc.varrho(L, 1.0, 0.0, 0.0, m) == pytest.approx(math.sqrt(1 + L / m), rel=1e-14)


def test_lemma_41_and_42_hold_at_init(forward):
    import autograd

    for activation in ("tanh", "softplus"):
        net = rsc.network(16, 64, 3, activation)
        w = rsc.init_params(net, sigma1=1.0, seed=2)
        X, y = rsc.make_data(20, 16, seed=3)
        b = rsc.Bounds(3, 64, 1.0, activation, 0.0, 0.0, 0.0, y)
        grads = [
            autograd.grad(lambda p: forward(net.widths, activation, p, X[i : i + 1])[0])(w) for i in range(3)
        ]
        assert max(np.linalg.norm(g) for g in grads) <= b.varrho
        assert rsc.loss(net, X, y).value(w) <= b.c_loss_init
        assert rsc.hidden_layer_norms(net, w, X[0]).max() <= rsc.g(1.0, 3, b.act.phi0)


def test_lemma_42_printed_form_fails(forward):
    # softplus, L = 1, sigma_1 = 0.1, rho = 0, rho_1 = 1: move v along the mean feature direction
    net = rsc.network(8, 64, 1, "softplus")
    w0 = rsc.init_params(net, sigma1=0.1, seed=0)
    X, _ = rsc.make_data(16, 8, seed=1)
    assert np.linalg.svd(rsc.split(net, w0)[0][0], compute_uv=False)[0] <= 0.1 * 8  # Lemma A.1 holds here
    u = net.features(w0, X).mean(axis=0)
    w = w0.copy()
    w[-64:] += u / np.linalg.norm(u)
    assert rsc.in_spectral_ball(net, w, w0, 0.0, 1.0)
    value = np.mean(forward(net.widths, "softplus", w, X) ** 2)
    printed = 2 * 4 * (0.1 + math.log(2) * 0.1) ** 2
    assert value > 1.5 * printed
    assert value <= rsc.loss_bound(np.zeros(16), 1.0, 0.1, 1, math.log(2))


def test_theorem_51_52_formulas():
    # alpha_t = 2 kappa^2 g^2 - 2 c_H (2 varrho rho_2 + sqrt(c)) / sqrt(m); beta = 2 varrho^2 + 2 c_H sqrt(c)
    # / sqrt(m)
    assert rsc.rsc_alpha(0.3, 0.5, 10.0, 1.2, 0.1, 4.0, 100) == pytest.approx(
        2 * 0.25 * 0.3 - 2 * 10 * (0.24 + 2) / 10
    )
    assert rsc.smoothness_beta(10.0, 1.2, 4.0, 100) == pytest.approx(2 * 1.44 + 2 * 10 * 2 / 10)
    assert rsc.contraction(0.2, 1.0, 0.5, 0.25) == pytest.approx(1 - 0.2 * 0.5 * 0.75 * 1.5)
    with pytest.raises(ValueError, match="omega"):
        rsc.contraction(0.2, 1.0, 2.0)
    with pytest.raises(ValueError, match="kappa"):
        rsc.rsc_alpha(0.3, 0.0, 1.0, 1.0, 0.0, 1.0, 10)
    with pytest.raises(ValueError, match="beta"):
        rsc.contraction(0.2, 0.0, 1.0)


def test_bounds_remark_52_and_width():
    net = rsc.network(16, 64, 2, "softplus")
    w = rsc.init_params(net, sigma1=1.0, seed=0)
    X, y = rsc.make_data(32, 16, seed=1)
    gsq = float(rsc.average_gradient(net, w, X) @ rsc.average_gradient(net, w, X))
    b = rsc.Bounds(2, 64, 1.0, "softplus", 1.0, 0.5, 0.1, y)
    assert gsq <= b.varrho**2  # Jensen and Lemma 4.1
    for kappa in (0.3, 1.0):
        assert b.alpha(gsq, kappa) < b.beta  # Remark 5.2
        m_star = b.rsc_width(gsq, kappa)
        assert 2 * kappa**2 * gsq - b.c2 / math.sqrt(m_star) == pytest.approx(0.0, abs=1e-12)
    assert b.gamma == pytest.approx(1.0 + 1.0 / 8)
    assert b.alpha(gsq, 1.0) < 0  # the theorem's constant is vacuous at this width
