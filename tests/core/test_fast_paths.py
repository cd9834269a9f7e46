"""The shortcuts taken for speed give the answers of the slow paths: cached points, argument checks, the fused
R-backward product, the Lanczos reorthogonalisation."""

import autograd
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import _backprop
from landscapelab.testing import random_problem, rel_error


def test_in_place_change_anywhere_invalidates_the_cached_point():
    p = random_problem(widths=(3, 6, 5, 2), n=9, seed=2)
    w = p.w.copy()
    grad = autograd.grad(p.f)
    for index in (0, p.net.n_params // 2, p.net.n_params - 1):
        p.f.gradient(w)
        w[index] += 0.25                                  # same array object, one entry changed
        assert rel_error(p.f.gradient(w), grad(w)) < 1e-13
        v = np.random.default_rng(index).standard_normal(w.size)
        H = autograd.hessian(p.f)(w)
        assert rel_error(p.f.hvp(w, v), H @ v) < 1e-12


def test_fast_argument_checks_still_refuse_bad_input():
    p = random_problem(widths=(2, 4, 1), n=5)
    for bad in (np.inf, -np.inf, np.nan):
        w = p.w.copy()
        w[3] = bad
        with pytest.raises(ValueError, match="w: contains 1 non-finite"):
            p.f.gradient(w)
        v = np.ones(p.net.n_params)
        v[2] = bad
        with pytest.raises(ValueError, match="v: contains 1 non-finite"):
            p.f.hvp(p.w, v)
    huge = np.full(p.net.n_params, 1e308)                 # finite entries whose sum overflows: accepted
    assert p.net.check_params(huge) is huge
    with pytest.raises(ValueError, match=r"w: expected shape"):
        p.f.gradient(p.w[:-1])
    np.testing.assert_array_equal(p.f.hvp(list(p.w), list(np.ones(p.net.n_params))),
                                  p.f.hvp(p.w, np.ones(p.net.n_params)))


@pytest.mark.parametrize("config", [dict(activation="tanh"), dict(activation="gelu", parametrization="ntk"),
                                    dict(activation="sigmoid", output_activation="tanh")])
def test_fused_and_separate_weight_products_agree_with_autograd(monkeypatch, config):
    p = random_problem(widths=(3, 7, 6, 2), n=8, seed=5, **config)
    V = np.random.default_rng(1).standard_normal((4, p.net.n_params))
    HV = V @ np.asarray(autograd.hessian(p.f)(p.w))
    for fuse_from in (1, 10 ** 9):                        # every block fused / none fused
        monkeypatch.setattr(_backprop, "_FUSE_FROM", fuse_from)
        f = ll.loss_function(p.net, p.X, p.Y)
        assert np.abs(f.hvp(p.w, V) - HV).max() <= 1e-12 * np.abs(HV).max()


def test_lanczos_keeps_its_basis_orthogonal_on_a_clustered_spectrum():
    rng = np.random.default_rng(0)
    P = 400
    values = np.concatenate([[10.0, 10.0 - 1e-9, 9.9], 1.0 + 1e-3 * rng.standard_normal(P - 3)])
    Q = np.linalg.qr(rng.standard_normal((P, P)))[0]
    A = (Q * values) @ Q.T
    A = 0.5 * (A + A.T)
    top, vectors = ll.eigenvalues(A, k=3, return_vectors=True, tol=1e-12)
    np.testing.assert_allclose(top, np.sort(values)[::-1][:3], rtol=1e-11)
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(3), atol=1e-10)
    residual = np.linalg.norm(A @ vectors - vectors * top, axis=0)
    assert residual.max() <= 1e-8
