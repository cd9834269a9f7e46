"""Claims of the preliminaries chapter: the curvature tools are exact where they should be, each checked against
autograd (an independent implementation of the derivatives) or a dense matrix built from it."""

from __future__ import annotations

import autograd
import numpy as np

from ..curvature import eigenvalues, ggn_operator, hessian_trace, jacobian_operator, tangent_kernel_operator
from ..nets import MLP
from ..testing import random_problem, rel_error
from . import Result, claim

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 0


def small_problem(widths=(3, 8, 8, 2), activation="tanh", loss="square", n=12, seed=0):
    """``(net, f, w)`` of :func:`landscapelab.testing.random_problem` (kept for the preliminaries chapter)."""
    p = random_problem(widths, activation=activation, loss=loss, n=n, seed=seed)
    return p.net, p.f, p.w


def _autograd_hessian(f, w):
    return np.asarray(autograd.hessian(f)(w)).reshape(w.size, w.size)


@claim("core", "R-operator HVP equals the autograd Hessian times v")
def hvp_matches_dense() -> Result:
    worst = 0.0
    for loss in ("square", "cross_entropy"):
        net, f, w = small_problem(loss=loss)
        H = _autograd_hessian(f, w)
        V = np.random.default_rng(2).standard_normal((4, net.n_params))
        worst = max(worst, rel_error(f.hvp(w, V), V @ H))
    return Result(f"max rel. error {worst:.1e}", "<= 1e-10", worst <= 1e-10)


@claim("core", "Block Lanczos top/bottom eigenvalues equal eigh of the autograd Hessian")
def lanczos_matches_eigh() -> Result:
    net, f, w = small_problem(widths=(4, 16, 16, 3), n=20)
    exact = np.linalg.eigvalsh(_autograd_hessian(f, w))
    scale = np.abs(exact).max()
    top = eigenvalues(f, w, k=3, which="largest")
    bottom = eigenvalues(f, w, k=3, which="smallest")
    err = max(np.abs(top - exact[::-1][:3]).max(), np.abs(bottom - exact[:3]).max()) / scale
    return Result(f"max rel. error {err:.1e} (P={net.n_params})", "<= 1e-8", err <= 1e-8)


@claim("core", "Hutchinson trace estimate agrees with the trace of the autograd Hessian")
def trace_estimate() -> Result:
    net, f, w = small_problem()
    exact = float(np.trace(_autograd_hessian(f, w)))
    estimate, stderr = hessian_trace(f, w, samples=400, seed=0)
    z = abs(estimate - exact) / stderr
    return Result(f"{estimate:.2f} +- {stderr:.2f} (z = {z:.2f})", f"{exact:.2f} within 4 standard errors", z <= 4)


@claim("core", "Gauss-Newton operator equals J^T H_out J from autograd's Jacobian")
def ggn_matches_dense() -> Result:
    worst = 0.0
    for loss in ("square", "cross_entropy"):
        net, f, w = small_problem(loss=loss)
        J = np.asarray(autograd.jacobian(lambda u: net(u, f.X).ravel())(w))
        out = net(w, f.X)
        H_out = np.asarray(autograd.hessian(lambda o: f.scale * f.loss.value(o.reshape(out.shape), f.Y))(out.ravel()))
        dense = J.T @ H_out.reshape(out.size, out.size) @ J
        V = np.random.default_rng(3).standard_normal((3, net.n_params))
        worst = max(worst, rel_error(ggn_operator(f, w).rows(V), V @ dense))
    return Result(f"max rel. error {worst:.1e}", "<= 1e-10", worst <= 1e-10)


@claim("core", "Tangent-kernel operator and Lanczos on it equal J J^T from autograd")
def tangent_kernel_matches_dense() -> Result:
    net, f, w = small_problem(widths=(3, 16, 16, 2), n=10)
    J = np.asarray(autograd.jacobian(lambda u: net(u, f.X).ravel())(w))
    K = J @ J.T
    U = np.random.default_rng(4).standard_normal((3, K.shape[0]))
    V = np.random.default_rng(5).standard_normal((3, net.n_params))
    err_products = max(rel_error(tangent_kernel_operator(net, w, f.X).rows(U), U @ K),
                       rel_error(jacobian_operator(net, w, f.X).rows(V), V @ J.T),
                       rel_error(jacobian_operator(net, w, f.X).T.rows(U), U @ J))
    top = eigenvalues(tangent_kernel_operator(net, w, f.X), k=2)
    err_eig = float(np.abs(top - np.linalg.eigvalsh(K)[::-1][:2]).max() / np.linalg.eigvalsh(K)[-1])
    err = max(err_products, err_eig)
    return Result(f"max rel. error {err:.1e} (n d_out = {K.shape[0]}, P = {net.n_params})", "<= 1e-10", err <= 1e-10)


@claim("core", "flatten(unflatten(w)) == w and M_i has shape (c_i, c_(i-1))")
def flatten_round_trip() -> Result:
    ok = True
    for widths, bias in (((3, 5, 2), True), ((2, 4, 4, 4, 1), False), ((6, 1), True)):
        net = MLP(list(widths), bias=bias)
        w = net.init(seed=3)
        layers = net.unflatten(w)
        ok &= np.array_equal(net.flatten(layers), w)
        ok &= all(M.shape == (o, i) and (b is None) != bias
                  for (M, b), i, o in zip(layers, widths[:-1], widths[1:]))
    return Result("round trip exact" if ok else "mismatch", "exact", bool(ok))


@claim("core", "Ritz values after a few Lanczos steps interlace the autograd Hessian's spectrum, each within its "
               "residual of an eigenvalue",
       statements=("thm-ritz",))
def ritz_values_bracket_the_spectrum() -> Result:
    from ..curvature.krylov import lanczos

    net, f, w = small_problem(widths=(4, 16, 16, 3), n=20)
    H = _autograd_hessian(f, w)
    exact = np.linalg.eigvalsh(H)[::-1]                              # lambda_1 >= ... >= lambda_P
    theta, Y = lanczos(lambda V: V @ H, net.n_params, k=3, tol=0, max_vectors=9, return_vectors=True)
    m = theta.n_vectors
    interlaced = all(exact[net.n_params - m + j] - 1e-9 <= theta[j] <= exact[j] + 1e-9 for j in range(3))
    residuals = np.linalg.norm(H @ Y - Y * np.asarray(theta), axis=0)        # from the dense matrix, not Lanczos
    gaps = np.array([np.abs(exact - t).min() for t in theta])
    ok = interlaced and bool(np.all(gaps <= residuals * (1 + 1e-9)))
    return Result(f"m = {m}: top Ritz {float(theta[0]):.4g} <= lambda_1 {exact[0]:.4g}; "
                  f"max gap / residual {float(np.max(gaps / residuals)):.2f}",
                  "interlacing and gap <= residual", ok)
