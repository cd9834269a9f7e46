"""Curvature operators against dense matrices built by autograd, and the estimators through old and new calls."""

import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator, aslinearoperator, eigsh

import landscapelab as ll
from landscapelab.curvature import ConvergenceWarning
from landscapelab.testing import check_operator, random_problem, rel_error

CASES = [dict(widths=(3, 6, 5, 2), loss="square"), dict(widths=(2, 5, 3), loss="cross_entropy"),
         dict(widths=(3, 4, 4, 1), loss="square", parametrization="ntk"),
         dict(widths=(2, 4, 2), loss="square", output_activation="tanh", bias=False),
         dict(widths=(2, 5, 2, 5, 3), loss="cross_entropy", activation=["relu", "identity", "tanh"],
              bias=[True, False, True, False], parametrization="ntk")]


def dense_jacobian(p):
    return np.asarray(autograd.jacobian(lambda u: p.net(u, p.X).ravel())(p.w))


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c))
def test_operators_match_autograd(case):
    p = random_problem(n=7, seed=3, **case)
    H = np.asarray(autograd.hessian(p.f)(p.w))
    J = dense_jacobian(p)
    out = p.net(p.w, p.X)
    H_out = np.asarray(autograd.hessian(lambda o: p.f.scale * p.f.loss.value(o.reshape(out.shape), p.f.Y))(out.ravel()))
    check_operator(ll.hessian_operator(p.f, p.w), H, rtol=1e-11)
    check_operator(ll.ggn_operator(p.f, p.w), J.T @ H_out.reshape(out.size, out.size) @ J, rtol=1e-11)
    check_operator(ll.jacobian_operator(p.net, p.w, p.X), J, rtol=1e-12)
    check_operator(ll.jacobian_transpose_operator(p.net, p.w, p.X), J.T, rtol=1e-12)
    check_operator(ll.tangent_kernel_operator(p.net, p.w, p.X), J @ J.T, rtol=1e-12)
    assert rel_error(ll.jacobian(p.net, p.w, p.X), J) <= 1e-13
    assert rel_error(ll.tangent_kernel(p.net, p.w, p.X), J @ J.T) <= 1e-13
    u = np.random.default_rng(0).standard_normal(out.shape)
    H_model = np.asarray(autograd.hessian(lambda v: anp.sum(u * p.net(v, p.X)))(p.w))
    check_operator(ll.model_hessian_operator(p.net, p.w, p.X, weights=u), H_model, rtol=1e-11)


def test_model_hessian_default_weights_are_ones_and_of_a_single_input():
    p = random_problem((3, 8, 8, 1), n=1, seed=5)
    H = np.asarray(autograd.hessian(lambda v: p.net(v, p.X)[0, 0])(p.w))
    check_operator(ll.model_hessian_operator(p.net, p.w, p.X), H, rtol=1e-11)


def test_operators_copy_the_point_and_the_data():
    p = random_problem(seed=1)
    w, X = p.w.copy(), p.X.copy()
    ops = [ll.hessian_operator(p.f, w), ll.tangent_kernel_operator(p.net, w, X)]
    V = np.random.default_rng(1).standard_normal((2, p.net.n_params))
    U = np.random.default_rng(2).standard_normal((2, X.shape[0] * p.net.d_out))
    before = [ops[0].rows(V), ops[1].rows(U)]
    w += 0.5
    X *= 2.0
    assert np.array_equal(ops[0].rows(V), before[0]) and np.array_equal(ops[1].rows(U), before[1])


def test_loss_function_cache_does_not_alias_the_callers_array():
    """A gradient-descent loop updates w in place: products at an old copy must not see the new values."""
    p = random_problem(seed=2)
    w = p.w.copy()
    old = w.copy()
    v = np.random.default_rng(3).standard_normal(w.size)
    expected = np.asarray(autograd.hessian(p.f)(old)) @ v
    p.f.gradient(w)
    w += 0.5                                  # in place, as `w -= lr * g` does
    assert rel_error(p.f.hvp(old, v), expected) <= 1e-12
    top_old = ll.eigenvalues(p.f, old, k=1)[0]
    assert top_old == pytest.approx(np.linalg.eigvalsh(np.asarray(autograd.hessian(p.f)(old)))[-1], rel=1e-10)


@pytest.mark.parametrize("which", ["largest", "smallest", "magnitude"])
def test_estimators_give_identical_numbers_through_old_and_new_calls(which):
    p = random_problem((4, 10, 10, 3), n=15, seed=4)
    op = ll.hessian_operator(p.f, p.w)
    assert np.array_equal(ll.eigenvalues(p.f, p.w, k=3, which=which), ll.eigenvalues(op, k=3, which=which))
    for method in ("hutchinson", "hutch++"):
        assert ll.hessian_trace(p.f, p.w, samples=60, method=method) == ll.hessian_trace(op, samples=60,
                                                                                         method=method)
    g1, d1 = ll.spectral_density(p.f, p.w, n_vectors=3, steps=20)
    g2, d2 = ll.spectral_density(op, n_vectors=3, steps=20)
    assert np.array_equal(g1, g2) and np.array_equal(d1, d2)


def test_estimators_on_the_ggn_and_the_tangent_kernel_match_dense():
    p = random_problem((3, 12, 12, 2), n=9, seed=6)
    J = dense_jacobian(p)
    K = J @ J.T
    G = 2.0 * J.T @ J                                              # square loss: H_out = 2 I
    eig_K, eig_G = np.linalg.eigvalsh(K), np.linalg.eigvalsh(G)
    top = ll.eigenvalues(ll.tangent_kernel_operator(p.net, p.w, p.X), k=3)
    assert np.abs(top - eig_K[::-1][:3]).max() <= 1e-10 * eig_K[-1]
    assert ll.eigenvalues(ll.ggn_operator(p.f, p.w), k=1)[0] == pytest.approx(eig_G[-1], rel=1e-10)
    bottom_K = ll.eigenvalues(K, k=1, which="smallest")[0]             # dense arrays are accepted too
    assert bottom_K == pytest.approx(eig_K[0], rel=1e-8, abs=1e-10 * eig_K[-1])
    est, se = ll.hessian_trace(ll.tangent_kernel_operator(p.net, p.w, p.X), samples=400, seed=1)
    assert abs(est - np.trace(K)) <= 4 * se
    est, _ = ll.hessian_trace(ll.ggn_operator(p.f, p.w), samples=3 * G.shape[0], method="hutch++")
    assert est == pytest.approx(np.trace(G), rel=1e-9)          # a full sketch makes Hutch++ exact
    grid, density = ll.spectral_density(K, n_vectors=4, steps=K.shape[0])
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)


def test_foreign_linear_operators_and_scipy_agree():
    p = random_problem((3, 10, 10, 1), n=12, seed=7)
    op = ll.hessian_operator(p.f, p.w)
    ours = ll.eigenvalues(op, k=2, which="magnitude")
    theirs = eigsh(op, k=2, which="LM", tol=1e-12, return_eigenvectors=False)
    assert np.allclose(np.sort(np.abs(ours)), np.sort(np.abs(theirs)), rtol=1e-9)
    wrapped = aslinearoperator(op.dense())
    assert np.allclose(ll.eigenvalues(wrapped, k=2, which="magnitude"), ours, rtol=1e-10)
    assert isinstance(op, LinearOperator) and op.shape == (p.net.n_params,) * 2


def test_operator_input_errors_name_the_argument():
    p = random_problem(seed=0)
    op = ll.hessian_operator(p.f, p.w)
    with pytest.raises(ValueError, match=r"V: expected shape"):
        op.rows(np.ones(3))
    with pytest.raises(TypeError, match="pass k= by keyword"):
        ll.eigenvalues(op, 3)
    with pytest.raises(TypeError, match="w: f is a function"):
        ll.eigenvalues(p.f)
    with pytest.raises(ValueError, match="f: expected a symmetric"):
        ll.eigenvalues(np.arange(9.0).reshape(3, 3))
    with pytest.raises(ValueError, match="w: expected a parameter vector of length"):
        ll.eigenvalues(p.f, p.w[:-1])
    with pytest.raises(ValueError, match="w: expected a parameter vector of length"):
        ll.hvp(p.f, p.w[:-1], p.w[:-1])
    with pytest.raises(TypeError, match="net: expected a landscapelab.MLP"):
        ll.tangent_kernel_operator(p.f, p.w, p.X)
    with pytest.raises(TypeError, match="f: the Gauss-Newton matrix needs"):
        ll.ggn_operator(lambda w: anp.sum(w ** 2), p.w)


def test_iteration_limits_warn_and_report_the_residual():
    p = random_problem((4, 16, 16, 3), n=20, seed=8)
    with pytest.warns(ConvergenceWarning, match="residual"):
        values = ll.eigenvalues(p.f, p.w, k=1, max_iter=3)
    assert not values.converged and values.residuals[0] > 0
    with pytest.warns(ConvergenceWarning, match="power iteration"):
        ll.eigenvalues(p.f, p.w, method="power", max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = ll.eigenvalues(p.f, p.w, k=1)
        budget = ll.eigenvalues(p.f, p.w, k=1, max_iter=3, tol=0)        # a fixed budget asked for: no warning
    assert ok.converged and ok.residuals[0] <= 1e-10 * abs(ok[0]) and budget.n_vectors == 3
    for tol in (0, -1, float("nan"), 10, 1.0):
        with pytest.raises(ValueError, match="tol: expected a relative tolerance"):
            ll.eigenvalues(p.f, p.w, tol=tol)


def test_memory_budgets():
    p = random_problem((3, 30, 30, 2), n=10, seed=9)
    with pytest.raises(MemoryError, match="needs .* GiB, above max_memory"):
        ll.hessian(p.f, p.w, max_memory=1000.0)
    with pytest.raises(MemoryError, match="max_memory"):
        ll.eigenvalues(p.f, p.w, max_memory=8.0 * p.net.n_params)
    small = ll.hessian_trace(p.f, p.w, samples=50, max_memory=24.0 * p.net.n_params)   # blocks of one sample
    assert small == ll.hessian_trace(p.f, p.w, samples=50)
    H = ll.hessian(p.f, p.w, chunk=7)
    assert np.array_equal(H, H.T)
    assert rel_error(H, np.asarray(autograd.hessian(p.f)(p.w))) <= 1e-12


def test_convexity_objective_follows_the_protocol():
    from landscapelab import convexity as cv
    from landscapelab.curvature import SupportsHVP

    rng = np.random.default_rng(0)
    dims = (2, 3, 1)
    X = rng.standard_normal((5, 2))
    F = np.abs(rng.standard_normal(5)) + 0.5
    f = cv.objective(X, F, dims, lam=0.1)
    w = np.abs(rng.standard_normal(cv.n_weights(dims)))
    assert isinstance(f, SupportsHVP)
    assert rel_error(ll.hessian(f, w), np.asarray(autograd.hessian(f)(w))) <= 1e-10
