"""Derivatives of the paper's model against autograd's dense Hessians and Jacobians of eq. (1), finite
differences and separately derived closed forms (the sanity table d = 5, m = 7, L = 3, n = 4)."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import rsc
from landscapelab.testing import finite_difference_gradient


def setup(activation="tanh", d=5, m=7, depth=3, n=4, sigma1=1.0, shift=0.0, seed=0):
    net = rsc.network(d, m, depth, activation)
    w = rsc.init_params(net, sigma1=sigma1, seed=seed)
    X, y = rsc.make_data(n, d, shift=shift, seed=seed + 1)
    return net, w, X, y


@pytest.mark.parametrize("activation", ["tanh", "softplus"])
def test_sanity_table(forward, activation):
    net, w, X, y = setup(activation)
    f0 = lambda p: forward(net.widths, activation, p, X[:1])[0]  # noqa: E731
    grad = ll.jacobian_transpose_operator(net, w, X[:1]).rows(np.ones(1))
    assert np.abs(grad - finite_difference_gradient(f0, w)).max() < 1e-9
    H = np.asarray(autograd.hessian(f0)(w))
    dense = np.abs(np.linalg.eigvalsh(H)).max()
    assert rsc.model_hessian_norm(net, w, X[0], tol=1e-13) == pytest.approx(dense, rel=1e-11)
    assert np.abs(H[-7:, -7:]).max() == 0.0  # the v-v block
    block = H[-7:, -7 - 49 : -7]  # v against W^(L)
    assert np.linalg.norm(block, 2) == pytest.approx(rsc.cross_block_norm(net, w, X[0]), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_one_layer_closed_form(forward, seed):
    rng = np.random.default_rng(seed)
    activation = ("tanh", "softplus", "gelu", "sigmoid")[seed]
    net = rsc.network(4, 6, 1, activation)
    w = rsc.init_params(net, sigma0=float(rng.uniform(0.3, 2.0)), seed=seed)
    x = 3.0 * rng.standard_normal(4)  # not normalised: the form allows any x
    H = autograd.hessian(lambda p: forward(net.widths, activation, p, x[None, :])[0])(w)
    assert rsc.one_layer_hessian_norm(net, w, x) == pytest.approx(
        np.abs(np.linalg.eigvalsh(H)).max(), rel=1e-12
    )


def test_cross_block_dominates_one_layer():
    # for L = 1 the v-W block carries the norm: ||H|| / ||B_vW|| in [0.98, 1.02] at m >= 128
    for m in (128, 256):
        net = rsc.network(32, m, 1)
        w = rsc.init_params(net, sigma1=1.0, seed=1)
        X, _ = rsc.make_data(1, 32, seed=2)
        ratio = rsc.one_layer_hessian_norm(net, w, X[0]) / rsc.cross_block_norm(net, w, X[0])
        assert 0.98 <= ratio <= 1.02


def test_lanczos_budget_accuracy():
    # the sweeps stop Lanczos after LANCZOS_BUDGET vectors: within 1% (below) of the converged norm
    import warnings

    net = rsc.network(32, 128, 3)
    w = rsc.init_params(net, sigma1=1.0, seed=0)
    X, _ = rsc.make_data(1, 32, seed=1000)
    converged = rsc.model_hessian_norm(net, w, X[0], tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        budget = rsc.experiments.hessian_point("tanh", 3, 128, 1.0, seed=0)["hessian"]
    assert converged * 0.99 <= budget <= converged * (1 + 1e-12)


def test_average_gradient_and_kernel(forward):
    net, w, X, y = setup("softplus", n=6, shift=0.5)
    J = autograd.jacobian(lambda p: forward(net.widths, "softplus", p, X))(w)
    g = rsc.average_gradient(net, w, X)
    assert np.abs(g - J.mean(axis=0)).max() < 1e-14
    K = ll.tangent_kernel_operator(net, w, X).dense()
    assert np.abs(K - J @ J.T).max() < 1e-13
    assert g @ g == pytest.approx(K.sum() / 36, rel=1e-13)  # Remark 5.5
    q = rsc.kernel_quadratic_forms(net, w, X, y)
    loss_grad = autograd.grad(lambda p: anp.mean((forward(net.widths, "softplus", p, X) - y) ** 2))(w)
    assert q["gbar_sq"] == pytest.approx(g @ g, rel=1e-13)
    assert q["grad_sq"] == pytest.approx(loss_grad @ loss_grad, rel=1e-12)
    assert q["inner"] == pytest.approx(g @ loss_grad, rel=1e-12)
    assert q["cos"] == pytest.approx(g @ loss_grad / np.linalg.norm(g) / np.linalg.norm(loss_grad), rel=1e-12)
    gW, gv = rsc.gradient_blocks(net, w, X[0])
    assert math.hypot(gW, gv) == pytest.approx(np.linalg.norm(J[0]), rel=1e-13)
    assert gv == pytest.approx(np.linalg.norm(J[0, -7:]), rel=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "softplus"])
def test_hessian_split(forward, activation):
    net, w, X, y = setup(activation, d=4, m=5, n=3, shift=1.0)
    dense = np.asarray(
        autograd.hessian(lambda p: anp.mean((forward(net.widths, activation, p, X) - y) ** 2))(w)
    )
    J = autograd.jacobian(lambda p: forward(net.widths, activation, p, X))(w)
    f = rsc.loss(net, X, y)
    GN = ll.ggn_operator(f, w).dense()
    R = rsc.residual_operator(net, w, X, y).dense()
    assert np.abs(GN - 2 / 3 * J.T @ J).max() < 1e-13
    assert np.abs(GN + R - dense).max() < 1e-13
    r = rsc.residuals(net, w, X, y)
    Hs = [
        autograd.hessian(lambda p: forward(net.widths, activation, p, X[i : i + 1])[0])(w) for i in range(3)
    ]
    assert np.abs(R - sum(2 * r[i] / 3 * Hs[i] for i in range(3))).max() < 1e-13


def test_lemma_a2_bound():
    for activation in ("tanh", "softplus"):
        for sigma1 in (0.5, 1.0, 2.0):
            net = rsc.network(32, 128, 4, activation)
            w = rsc.init_params(net, sigma1=sigma1, seed=0)
            X, _ = rsc.make_data(1, 32, seed=1)
            phi0 = rsc.activation_constants(activation).phi0
            norms = rsc.hidden_layer_norms(net, w, X[0])
            bounds = [
                sigma1**l + abs(phi0) * sum(sigma1 ** (i - 1) for i in range(1, l + 1)) for l in range(1, 5)
            ]
            assert np.all(norms <= np.array(bounds))


def test_validation():
    net, w, X, y = setup()
    with pytest.raises(ValueError, match="net"):
        rsc.one_layer_hessian_norm(net, w, X[0])
    with pytest.raises(ValueError, match="y"):
        rsc.residual_operator(net, w, X, y[:2])
    with pytest.raises(ValueError, match="X"):
        rsc.average_gradient(net, w, np.ones((3, 4)))
