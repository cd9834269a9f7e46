import functools
import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.curvature import lanczos, lanczos_quadrature
from landscapelab.curvature.krylov import ConvergenceWarning


def net_problem(widths, loss="square", activation="tanh", n=16, seed=0):
    rng = np.random.default_rng(seed)
    net = ll.MLP(list(widths), activation=activation)
    X = rng.standard_normal((n, widths[0]))
    Y = rng.standard_normal((n, widths[-1])) if loss == "square" else rng.dirichlet(np.ones(widths[-1]), n)
    return ll.loss_function(net, X, Y, loss=loss), net.init(seed=seed + 1)


@functools.cache
def exact_spectrum(widths):
    f, w = net_problem(widths)
    return np.linalg.eigvalsh(ll.hessian(f, w))


def quadratic(eigs, seed=0):
    """f(w) = w^T A w / 2 + sin(w_0) * 0 with a prescribed spectrum (no .hvp: the autograd path)."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((len(eigs), len(eigs))))[0]
    A = (Q * np.asarray(eigs, float)) @ Q.T
    A = 0.5 * (A + A.T)
    return (lambda w: 0.5 * anp.dot(w, anp.dot(A, w))), A


def wanted(exact, k, which):
    if which == "largest":
        return exact[::-1][:k]
    if which == "smallest":
        return exact[:k]
    return exact[np.argsort(-np.abs(exact), kind="stable")][:k]


@pytest.mark.parametrize("loss", ["square", "cross_entropy"])
def test_hvp_agrees_with_dense_hessian(loss):
    f, w = net_problem((4, 12, 12, 3), loss=loss)
    H = np.asarray(autograd.hessian(f)(w))
    v = np.random.default_rng(1).standard_normal(w.size)
    assert np.linalg.norm(ll.hvp(f, w, v) - H @ v) <= 1e-10 * np.linalg.norm(H @ v)
    plain = lambda w: f(w)  # noqa: E731  (no .hvp attribute: autograd reverse-over-reverse)
    assert np.linalg.norm(ll.hvp(plain, w, v) - H @ v) <= 1e-10 * np.linalg.norm(H @ v)
    np.testing.assert_allclose(ll.gradient(plain, w), ll.gradient(f, w), rtol=1e-12, atol=1e-14)


def test_dense_hessian_matches_finite_differences_and_autograd():
    f, w = net_problem((3, 6, 6, 2), activation="silu")
    H = ll.hessian(f, w)
    assert np.array_equal(H, H.T)
    eps = 1e-5
    fd = np.array([(f.gradient(w + eps * e) - f.gradient(w - eps * e)) / (2 * eps) for e in np.eye(w.size)])
    np.testing.assert_allclose(H, fd, atol=1e-6 * np.abs(H).max())
    np.testing.assert_allclose(ll.hessian(lambda w: f(w), w), H, rtol=1e-10, atol=1e-12 * np.abs(H).max())


@pytest.mark.parametrize("widths", [(3, 8, 8, 2), (6, 24, 16, 3), (10, 40, 30, 2)])
@pytest.mark.parametrize("which", ["largest", "smallest", "magnitude"])
@pytest.mark.parametrize("k", [1, 4])
def test_lanczos_matches_eigh_up_to_2000_parameters(widths, which, k):
    f, w = net_problem(widths)
    assert w.size <= 2000
    exact = exact_spectrum(widths)
    got = ll.eigenvalues(f, w, k=k, which=which, seed=3)
    assert got.shape == (k,)
    np.testing.assert_allclose(got, wanted(exact, k, which), rtol=1e-8, atol=1e-8 * np.abs(exact).max())


def test_lanczos_finds_repeated_eigenvalues_up_to_the_block_size():
    eigs = [5.0, 5.0, 5.0, 3.0, 2.0, -1.0, -4.0, -4.0] + list(np.linspace(-0.5, 0.5, 40))
    f, _ = quadratic(eigs)
    w = np.zeros(len(eigs))
    np.testing.assert_allclose(ll.eigenvalues(f, w, k=3), [5.0, 5.0, 5.0], rtol=1e-10)
    np.testing.assert_allclose(ll.eigenvalues(f, w, k=2, which="smallest"), [-4.0, -4.0], rtol=1e-10)
    np.testing.assert_allclose(ll.eigenvalues(f, w, k=4, which="magnitude"), [5.0, 5.0, 5.0, -4.0], rtol=1e-10)


def test_lanczos_vectors_are_eigenvectors():
    f, w = net_problem((4, 10, 10, 2))
    H = ll.hessian(f, w)
    values, vectors = ll.eigenvalues(f, w, k=3, return_vectors=True)
    assert vectors.shape == (w.size, 3)
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(3), atol=1e-10)
    assert np.linalg.norm(H @ vectors - vectors * values) <= 1e-8 * abs(values[0])


def test_lanczos_with_a_small_basis_gives_ritz_values_inside_the_spectrum():
    eigs = np.linspace(-1, 10, 300)
    f, A = quadratic(eigs, seed=2)
    with pytest.warns(ConvergenceWarning, match="stopped at 20 basis vectors"):
        top = lanczos(lambda V: V @ A, 300, k=1, max_vectors=20)
    assert 9.5 < top[0] <= 10.0 + 1e-12  # a Ritz value never exceeds the top eigenvalue, and 20 steps get close


@pytest.mark.parametrize("which", ["largest", "smallest", "magnitude"])
def test_power_iteration_and_dense_agree_with_eigh(which):
    f, w = net_problem((3, 8, 6, 2))
    exact = np.linalg.eigvalsh(ll.hessian(f, w))
    want = wanted(exact, 2, which)
    np.testing.assert_allclose(ll.eigenvalues(f, w, k=2, which=which, method="dense"), want, rtol=1e-12,
                               atol=1e-12 * np.abs(exact).max())
    np.testing.assert_allclose(ll.eigenvalues(f, w, k=2, which=which, method="power", tol=1e-12), want,
                               rtol=1e-6, atol=1e-6 * np.abs(exact).max())


def test_hutchinson_is_unbiased_with_the_predicted_standard_error():
    f, A = quadratic(np.linspace(-2, 6, 60), seed=1)
    w = np.zeros(60)
    # For Rademacher z, Var(z^T A z) = 2 (||A||_F^2 - sum_i A_ii^2)
    sd = math.sqrt(2 * (np.sum(A**2) - np.sum(np.diag(A) ** 2)))
    samples = 50
    z_scores, stderrs = [], []
    for seed in range(40):
        est, se = ll.hessian_trace(f, w, samples=samples, seed=seed)
        z_scores.append((est - np.trace(A)) / (sd / math.sqrt(samples)))
        stderrs.append(se)
    z = np.array(z_scores)
    # 40 independent N(0,1) scores: the mean is within 4/sqrt(40) and the variance within 0.5..1.7 (both ~4 sigma)
    assert abs(z.mean()) < 4 / math.sqrt(40)
    assert 0.5 < z.var(ddof=1) < 1.7
    assert abs(np.mean(stderrs) / (sd / math.sqrt(samples)) - 1) < 0.1


def test_hutchpp_is_exact_on_low_rank_hessians():
    eigs = np.zeros(80)
    eigs[:5] = [9.0, 4.0, -3.0, 2.0, 1.0]
    f, A = quadratic(eigs, seed=4)
    est, se = ll.hessian_trace(f, np.zeros(80), samples=30, method="hutch++", seed=0)
    assert est == pytest.approx(13.0, abs=1e-10)
    assert se < 1e-10


def test_hutchpp_beats_hutchinson_on_a_decaying_spectrum():
    f, w = net_problem((4, 16, 16, 2))
    exact = np.trace(ll.hessian(f, w))
    errs = {m: np.mean([abs(ll.hessian_trace(f, w, samples=60, seed=s, method=m)[0] - exact) for s in range(10)])
            for m in ("hutchinson", "hutch++")}
    assert errs["hutch++"] < errs["hutchinson"]


def test_lanczos_quadrature_is_exact_for_polynomials_below_twice_the_steps():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((50, 50))
    A = (A + A.T) / 10
    v = rng.standard_normal(50)
    steps = 6
    nodes, weights = lanczos_quadrature(lambda V: V @ A, v, steps)
    assert weights.sum() == pytest.approx(1.0, rel=1e-13)
    u = v / np.linalg.norm(v)
    for p in range(2 * steps):
        exact = u @ np.linalg.matrix_power(A, p) @ u
        assert np.sum(weights * nodes**p) == pytest.approx(exact, rel=1e-9, abs=1e-11)


def test_spectral_density_with_full_lanczos_equals_the_dense_smoothed_measure():
    f, w = net_problem((3, 6, 5, 2))
    P = w.size
    sigma = 0.5
    grid, density = ll.spectral_density(f, w, n_vectors=1, steps=P, sigma=sigma, seed=7)
    v = np.random.default_rng(7).standard_normal(P)
    lam, S = np.linalg.eigh(ll.hessian(f, w))
    weight = (S.T @ v) ** 2 / (v @ v)
    gauss = np.exp(-0.5 * ((grid[:, None] - lam) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(density, gauss @ weight, atol=1e-9 * density.max())
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)


def test_bad_input():
    f, w = net_problem((2, 3, 1))
    P = w.size
    with pytest.raises(ValueError, match=f"k: the operator has P = {P} eigenvalues, asked for {P + 1}"):
        ll.eigenvalues(f, w, k=P + 1)
    with pytest.raises(ValueError, match="which: expected one of"):
        ll.eigenvalues(f, w, which="top")
    with pytest.raises(ValueError, match="method: expected one of"):
        ll.eigenvalues(f, w, method="arpack")
    with pytest.raises(TypeError, match="k: expected a positive integer"):
        ll.eigenvalues(f, w, k=1.5)
    with pytest.raises(TypeError, match="f: expected a scalar function"):
        ll.gradient(3.0, w)
    with pytest.raises(ValueError, match="w: expected a 1-D array"):
        ll.hessian(f, w[None, :])
    with pytest.raises(ValueError, match="samples: expected a positive integer"):
        ll.hessian_trace(f, w, samples=0)
    with pytest.raises(ValueError, match="sigma: expected a positive finite width"):
        ll.spectral_density(f, w, sigma=-1.0)
    with pytest.raises(ValueError, match=r"v: expected shape"):
        ll.hvp(f, w, np.ones(P + 2))
