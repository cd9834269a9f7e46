"""Non-linear outputs (Eqs. 26-29): the output functions, the kernels of phi(f) and softmax(f), and the exact
Hessian norm of phi(f), all against autograd."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscapelab as ll
from landscapelab.linearity import output, shallow, widths
from landscapelab.linearity.output import _rank_one_extremes


@pytest.mark.parametrize("name", list(output.OUTPUTS))
def test_output_functions_carry_their_derivatives(name):
    phi = output.get_output(name)
    z = np.linspace(-30, 30, 61)
    d1 = np.array([autograd.grad(phi.fn)(t) for t in z])
    d2 = np.array([autograd.grad(autograd.grad(phi.fn))(t) for t in z])
    assert np.allclose(phi.d1(z), d1, rtol=1e-12, atol=1e-14)
    assert np.allclose(phi.d2(z), d2, rtol=1e-10, atol=1e-14)


def test_swish_violates_theorem_51_and_the_shifted_softplus_does_not():
    lo, hi = output.derivative_range("swish0.1")
    assert lo == pytest.approx(-0.0998393, abs=1e-6) and hi == pytest.approx(1.0998393, abs=1e-6)
    root = __import__("scipy.optimize", fromlist=["brentq"]).brentq(output.swish.d1, -20, -5)
    assert root == pytest.approx(-12.785, abs=1e-3)
    lo, hi = output.derivative_range("shifted_softplus")
    assert 1.0 <= lo < 1.0 + 1e-12 and 2.0 - 1e-12 < hi <= 2.0
    assert output.shifted_softplus.fn(0.0) == 0.0 and output.shifted_softplus.d2(0.0) == 0.25


def test_with_output_shares_the_parameters():
    net = ll.MLP([3, 4, 2], activation="tanh", bias=[True, False], parametrization="ntk")
    phi_net = output.with_output(net, "swish0.1")
    w = net.init(seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    assert np.allclose(phi_net(w, X), output.swish.fn(net(w, X)), rtol=1e-15)
    with pytest.raises(ValueError, match="net: expected a network with a linear output"):
        output.with_output(phi_net, "tanh")
    with pytest.raises(ValueError, match="phi: unknown output"):
        output.get_output("relu6")


def test_eq27_output_kernel_equals_the_kernel_of_phi_f():
    net = ll.MLP([4, 9, 9, 1], activation="tanh", bias=True, parametrization="ntk")
    w = net.init(seed=1)
    X = np.random.default_rng(1).standard_normal((6, 4))
    for name in output.OUTPUTS:
        phi_net = output.with_output(net, name)
        J = np.asarray(autograd.jacobian(lambda v, pn=phi_net: pn(v, X).ravel())(w))
        K = output.output_kernel(ll.tangent_kernel(net, w, X), net(w, X).ravel(), name)
        assert np.abs(K - J @ J.T).max() <= 1e-13 * np.abs(J @ J.T).max()


def test_softmax_kernel_equals_the_kernel_of_softmax_f():
    net = ll.MLP([2, 7, 3], activation="relu", bias=[True, False], parametrization="ntk")
    w = net.init(seed=2)
    X = np.random.default_rng(2).standard_normal((5, 2))

    def probabilities(v):
        out = net(v, X)
        e = anp.exp(out - anp.max(out, axis=1, keepdims=True))
        return (e / anp.sum(e, axis=1, keepdims=True)).ravel()

    J = np.asarray(autograd.jacobian(probabilities)(w))
    K = output.softmax_kernel(ll.tangent_kernel(net, w, X), net(w, X))
    assert np.abs(K - J @ J.T).max() <= 1e-13 * np.abs(J @ J.T).max()
    S = output.softmax_jacobians(net(w, X))
    assert np.allclose(S.sum(axis=2), 0.0, atol=1e-15)          # rows of diag(p) - p p^T sum to zero


@given(n=st.integers(1, 12), seed=st.integers(0, 10_000), rho=st.floats(0.0, 5.0),
       zeros=st.integers(0, 3), ties=st.booleans())
def test_rank_one_extremes_match_eigvalsh(n, seed, rho, zeros, ties):
    rng = np.random.default_rng(seed)
    d, z = rng.standard_normal(n), rng.standard_normal(n)
    z[: min(zeros, n)] = 0.0
    if ties and n > 1:
        d[1] = d[0]
    exact = np.linalg.eigvalsh(np.diag(d) + rho * np.outer(z, z))
    lo, hi = _rank_one_extremes(d, z, rho)
    scale = max(1.0, np.abs(exact).max())
    assert abs(lo - exact[0]) <= 1e-11 * scale and abs(hi - exact[-1]) <= 1e-11 * scale


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("name", list(output.OUTPUTS))
def test_secular_closed_form_equals_the_dense_hessian_of_phi_f(bias, name):
    net = ll.MLP([4, 11, 1], activation="tanh", bias=bias, parametrization="ntk")
    for seed in range(2):
        w = net.init(seed=seed)
        x = np.random.default_rng(seed + 7).standard_normal(4)
        phi_net = output.with_output(net, name)
        H = np.asarray(autograd.hessian(lambda v, pn=phi_net: pn(v, x[None])[0, 0])(w))
        exact = float(np.abs(np.linalg.eigvalsh(H)).max())
        assert output.two_layer_output_hessian_norm(net, w, x, name) == pytest.approx(exact, rel=1e-12)


def test_secular_closed_form_equals_lanczos_at_width_2048():
    net = ll.MLP([10, 2048, 1], activation="tanh", bias=False, parametrization="ntk")
    w = shallow.rademacher_output(net, net.init(seed=0), seed=1)
    X = np.ones((1, 10))
    for name in ("softplus", "swish0.1"):
        exact = output.two_layer_output_hessian_norm(net, w, X[0], name)
        by_lanczos = widths.hessian_norm(output.with_output(net, name), w, X, tol=1e-11)
        assert by_lanczos == pytest.approx(exact, rel=1e-9)


def test_eq29_terms_bracket_the_norm_and_the_rank_one_term_stays():
    X = np.ones((1, 10))
    for m in (256, 4096):
        net = ll.MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
        w = shallow.rademacher_output(net, net.init(seed=m), seed=2)
        g = np.asarray(autograd.grad(lambda v, net=net: net(v, X)[0, 0])(w))
        H = shallow.two_layer_hessian_norm(net, w, X[0])
        terms = output.eq29_terms(float(net(w, X)[0, 0]), float(np.linalg.norm(g)), H, "softplus")
        tilde = output.two_layer_output_hessian_norm(net, w, X[0], "softplus")
        assert terms["lower_bound"] <= tilde <= terms["upper_bound"]
        assert terms["rank_one"] > 0.05 and terms["linear"] < 0.3 / math.sqrt(m) * 10
