"""Kernels of landscapelab.kernels: Milne's determinant formula and Qi's singular-value intervals.

Oracles: the forward pass of landscapelab.MLP (independent code), hand-worked examples (the chapter's worked
example and its C_core matrix), numpy.linalg (det, slogdet, svd, eigvals, real and complex), brute-force
permutation enumeration and the NumPy twins in landscapelab.kernels.reference (hypothesis). Spec numbers label the
properties tested.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import landscapelab as ll
from landscapelab import kernels as K
from landscapelab.kernels import reference as R

A_EX = [1.0, 2.0]
W_EX = [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]          # y = 5
W_EX2 = [np.array([[1.0, 2.0], [-1.0, 1.0]]), np.array([[3.0], [0.5]])]         # one neuron off, y = 2

# 8 shapes: (n_0, hidden widths)
SHAPES = [(1, ()), (3, ()), (2, (2,)), (3, (4,)), (2, (3, 3)), (4, (5, 3, 2)), (3, (6, 6, 6, 6)), (5, (8,) * 7)]


def random_net(n0, hidden, rng, scale=1.0):
    dims = [n0, *hidden, 1]
    weights = [scale * rng.standard_normal((p, q)) for p, q in zip(dims[:-1], dims[1:])]
    return rng.standard_normal(n0), weights


def mlp_output(a, weights):
    """The forward pass of the core library's MLP (bias-free, ReLU, ReLU'd output): an independent oracle."""
    dims = [len(a)] + [W.shape[1] for W in weights]
    net = ll.MLP(dims, activation="relu", bias=False, output_activation="relu")
    w = net.flatten([(W.T, None) for W in weights])          # MLP's M_i is W_i^T
    return float(net(w, np.asarray(a)[None, :])[0, 0])


def in_U1(rng, n0, hidden, beta, fill=0.9):
    """A net with every row/column 1-norm = fill * (beta - 1) at most and an input of 1-norm beta - 1."""
    a, weights = random_net(n0, hidden, rng)
    scaled = []
    for W in weights:
        W = W * fill * (beta - 1) / max(np.abs(W).sum(0).max(), np.abs(W).sum(1).max())
        scaled.append(W)
    return (beta - 1) * a / np.abs(a).sum(), scaled


# ------------------------------------------------------------------------------------------------ spec 1
@pytest.mark.parametrize("n0, hidden", SHAPES)
def test_determinant_formula_and_corner_erratum(n0, hidden):
    """Spec 1 (Lemma 3, erratum E1): det A = y with the corner (-1)^H, det A = -y with the printed (-1)^(H+1)."""
    rng = np.random.default_rng(100 + n0 + 10 * len(hidden))
    worst = worst_paper = worst_structured = 0.0
    positive = 0
    for _ in range(200):
        a, weights = random_net(n0, hidden, rng)
        y = mlp_output(a, weights)
        positive += y > 0
        tol = max(1.0, abs(y))
        worst = max(worst, abs(K.det(K.milne_matrix(a, weights)) - y) / tol)
        worst_paper = max(worst_paper, abs(K.det(K.milne_matrix(a, weights, corner="paper")) + y) / tol)
        worst_structured = max(worst_structured, abs(K.milne_det(a, weights) - y) / tol,
                               abs(K.milne_det(a, weights, corner="paper") + y) / tol)
    assert worst <= 1e-10
    assert worst_paper <= 1e-10
    assert worst_structured <= 1e-13
    assert 40 <= positive <= 160          # the output ReLU is alive for a fraction of the draws


def test_paper_corner_regression_worked_example():
    """Erratum E1 pinned on the worked example: the printed corner +1 (H = 1) gives det A = -5."""
    A = K.milne_matrix(A_EX, W_EX, corner="paper")
    assert A[-1, 0] == 1.0
    assert K.det(A) == pytest.approx(-5.0, abs=1e-13)
    assert K.milne_matrix(A_EX, W_EX)[-1, 0] == -1.0


# ------------------------------------------------------------------------------------------------ spec 2
def test_worked_example_matrix_and_determinants():
    """Spec 2: the worked 6x6 matrix entry by entry, det = 5, and det = 2 for the example with a neuron off."""
    expected = np.array([[0, 1, 2, 0, 0, 0], [0, 1, 0, 1, 3, 0], [0, 0, 1, 1, -1, 0], [0, 0, 0, 1, 0, 1],
                         [0, 0, 0, 0, 1, 2], [-1, 0, 0, 0, 0, 0]], dtype=float)
    A = K.milne_matrix(A_EX, W_EX)
    np.testing.assert_array_equal(A, expected)
    assert K.det(A) == pytest.approx(5.0, abs=1e-13)
    assert K.milne_det(A_EX, W_EX) == pytest.approx(5.0, abs=1e-14)
    A2 = K.milne_matrix(A_EX, W_EX2)
    np.testing.assert_array_equal(A2[1:3, 3:5], [[0.0, 2.0], [0.0, 1.0]])     # V_0 = W_0 S_1, S_1 = diag(0, 1)
    np.testing.assert_array_equal(A2[3:5, 5], [0.0, 0.5])                      # V_1 = S_1 W_1 S_2
    assert K.det(A2) == pytest.approx(2.0, abs=1e-13)
    assert K.milne_det(A_EX, W_EX2) == pytest.approx(2.0, abs=1e-14)


def test_worked_example_leibniz_terms():
    """Spec 2: exactly 4 non-zero Leibniz terms, each a 4-cycle (0 j0 j1 5) of sign (-1)^H = -1, with raw products
    {-1, -6, -2, 4} and signed values {1, 6, 2, -4}; the brute-force twin over all 720 permutations agrees."""
    A = K.milne_matrix(A_EX, W_EX)
    perms, signs, products = K.leibniz_terms(A)
    assert len(perms) == 4
    np.testing.assert_array_equal(signs, -1.0)
    assert sorted(products) == [-6.0, -2.0, -1.0, 4.0]
    assert sorted(signs * products) == [-4.0, 1.0, 2.0, 6.0]
    for perm in perms:
        j0 = perm[0]
        j1 = perm[j0]
        assert j0 in (1, 2) and j1 in (3, 4) and perm[j1] == 5 and perm[5] == 0       # the cycle (0 j0 j1 5)
        assert all(perm[i] == i for i in range(6) if i not in (0, j0, j1, 5))
    bp, bs, bpr = R.leibniz_terms(A)
    np.testing.assert_array_equal(perms, bp)
    np.testing.assert_array_equal(signs, bs)
    np.testing.assert_array_equal(products, bpr)


def count_active_paths(a, weights):
    """Number of input-to-output paths with a_j0 != 0, all weights non-zero and all neurons on (brute force)."""
    s = [np.ones(len(a))]
    h = np.asarray(a, dtype=float)
    for W in weights:
        z = W.T @ h
        s.append(z > 0)
        h = np.where(z > 0, z, 0.0)
    count = 0
    for path in np.ndindex(*[W.shape[0] for W in weights]):
        full = (*path, 0)
        ok = a[path[0]] != 0 and all(s[k + 1][full[k + 1]] and weights[k][full[k], full[k + 1]] != 0
                                     for k in range(len(weights)))
        count += ok
    return count


@pytest.mark.parametrize("n0, hidden", [(2, (2,)), (3, (3,)), (2, (3, 2)), (3, (2, 2, 2))])
def test_leibniz_terms_are_the_active_paths(n0, hidden):
    """Spec 2 (Lemma 4): the non-zero terms are in bijection with the active paths with non-zero weights and
    a_j0 != 0; each is an (H+3)-cycle of sign (-1)^H, and the terms sum to det A = y."""
    rng = np.random.default_rng(7)
    H = len(hidden)
    for _ in range(20):
        a, weights = random_net(n0, hidden, rng)
        a[rng.random(n0) < 0.2] = 0.0                                    # some zero inputs and weights
        weights = [np.where(rng.random(W.shape) < 0.2, 0.0, W) for W in weights]
        A = K.milne_matrix(a, weights)
        perms, signs, products = K.leibniz_terms(A)
        assert len(perms) == count_active_paths(a, weights)
        np.testing.assert_array_equal(signs, (-1.0) ** H)
        for perm in perms:
            moved = np.flatnonzero(perm != np.arange(A.shape[0]))
            assert moved.size == H + 3
        assert np.sum(signs * products) == pytest.approx(mlp_output(a, weights), abs=1e-12)


# ------------------------------------------------------------------------------------------------ det kernels
def test_det_singular_and_pivoting():
    """A zero (1,1) entry needs pivoting; a singular matrix gives exactly 0 and slogdet (0, -inf)."""
    assert K.det([[0.0, 2.0], [3.0, 0.0]]) == -6.0
    assert K.det([[1.0, 2.0], [2.0, 4.0]]) == 0.0
    assert K.slogdet([[1.0, 2.0], [2.0, 4.0]]) == (0.0, -np.inf)
    sign, logabs = K.slogdet(np.diag([-2.0, 3.0, 0.5]))
    assert sign == -1.0 and logabs == pytest.approx(np.log(3.0), abs=1e-15)


def test_det_batched_matches_numpy_for_benchmark_sizes():
    rng = np.random.default_rng(3)
    for n in (1, 6, 17, 32):
        As = rng.standard_normal((50, n, n))
        ref = np.linalg.det(As)
        np.testing.assert_allclose(K.det_batched(As), ref, rtol=1e-11, atol=1e-12 * np.abs(ref).max())


def test_slogdet_of_c_core_beyond_overflow():
    """det C_core carries kappa = beta^(sum (n_k - 1)), which overflows for wide nets; slogdet does not."""
    rng = np.random.default_rng(5)
    beta = 3.0
    a, weights = in_U1(rng, 40, (400, 400), beta)
    weights[-1] = np.abs(weights[-1])
    C = K.c_core_matrix(a, weights, beta)
    y = K.milne_det(a, weights)
    log_kappa = sum(W.shape[0] - 1 for W in weights) * np.log(beta)
    assert log_kappa > np.log(np.finfo(float).max)
    sign, logabs = K.slogdet(C)
    assert sign == 1.0
    assert logabs == pytest.approx(log_kappa + np.log(y + beta ** 4), rel=1e-12)


# ------------------------------------------------------------------------------------------------ specs 9-11
@pytest.mark.parametrize("H", [1, 2, 3, 4])
def test_c_matrix_identity_corrected_and_literal_signs(H):
    """Spec 9 (erratum E5): with corner (-1)^H and gamma = (-1)^(H+1) beta, det C = y + beta^(H+2) for every H; with
    gamma = +beta, det C - y = (-1)^(H+1) beta^(H+2); the paper's literal signs give beta^(H+2) - y for even H."""
    rng = np.random.default_rng(H)
    beta = 3.0
    for _ in range(5):
        a, weights = in_U1(rng, 3, (3,) * H, beta)
        weights[-1] = np.abs(weights[-1])
        y = K.milne_det(a, weights)
        for pad in (1, 4):
            C = K.c_matrix(a, weights, beta, pad)
            assert K.det(C) == pytest.approx(y + beta ** (H + 2), rel=1e-12)
            Cp = K.c_matrix(a, weights, beta, pad, gamma=beta)
            assert K.det(Cp) - y == pytest.approx((-1) ** (H + 1) * beta ** (H + 2), rel=1e-12)
            if H % 2 == 0:
                literal = K.c_matrix(a, weights, beta, pad, corner="paper", gamma=beta)
                assert literal[0, 0] == (-1) ** H                      # eq. 25 as printed
                assert K.det(literal) == pytest.approx(beta ** (H + 2) - y, rel=1e-12)


def test_c_core_worked_example():
    """Spec 10 on the worked example (beta = 6): the matrix, det = 7956 = 36 (5 + 216), the Qi lower ends
    (1, 2, 4, 4, 2, 3) and the singular values (1, 4.26, 5.27, 5.91, 7.21, 8.32)."""
    C = K.c_core_matrix(A_EX, W_EX, 6.0)
    expected = np.array([[1, 0, 0, 0, 0, 0], [0, 6, 0, 1, 3, 0], [0, 0, 6, 1, -1, 0], [0, 0, 0, 6, 0, 1],
                         [0, 0, 0, 0, 6, 2], [0, 1, 2, 0, 0, 6]], dtype=float)
    np.testing.assert_array_equal(C, expected)
    assert K.det(C) == pytest.approx(7956.0, rel=1e-14)
    assert K.c_core_kappa(W_EX, 6.0) == 36.0
    lower, _ = K.qi_intervals(C)
    np.testing.assert_array_equal(lower, [1, 2, 4, 4, 2, 3])
    sv = np.sort(np.linalg.svd(C, compute_uv=False))
    np.testing.assert_allclose(sv, [1, 4.26, 5.27, 5.91, 7.21, 8.32], atol=5e-3)
    # the plain A: every Qi lower end is 0 and sigma_min = 0.180
    lower_A, _ = K.qi_intervals(K.milne_matrix(A_EX, W_EX))
    np.testing.assert_array_equal(lower_A, 0.0)
    assert np.linalg.svd(K.milne_matrix(A_EX, W_EX), compute_uv=False).min() == pytest.approx(0.180, abs=5e-4)


def test_c_core_identity_and_sigma_min_on_U1():
    """Spec 10: det C_core / kappa = y + beta^(H+2) (rel. 1e-13); on U_1 with ||a||_1 <= beta - 1 every Qi lower
    end is >= 1 and sigma_min(C_core) >= 1 - 1e-12."""
    rng = np.random.default_rng(11)
    for trial in range(60):
        hidden = [(3,), (4, 2), (2, 3, 3)][trial % 3]
        beta = [2.0, 3.0, 5.5][trial % 3]
        a, weights = in_U1(rng, 3, hidden, beta, fill=rng.uniform(0.5, 0.999))
        H = len(hidden)
        C = K.c_core_matrix(a, weights, beta)
        y = K.milne_det(a, weights)
        assert K.det(C) / K.c_core_kappa(weights, beta) == pytest.approx(y + beta ** (H + 2), rel=1e-13)
        lower, _ = K.qi_intervals(C)
        assert lower.min() >= 1.0 - 1e-12
        assert np.linalg.svd(C, compute_uv=False).min() >= 1.0 - 1e-12


def test_widened_c_sigma_min_lemma8():
    """Spec 11 (Lemma 8): the padded rows/columns decouple and sigma_min(C~) = beta^((1 - n_max)/d) exactly;
    worked example with beta = 6, d = 10: 0.8360."""
    C = K.c_matrix(A_EX, W_EX, 6.0, 10)
    assert np.linalg.svd(C, compute_uv=False).min() == pytest.approx(0.8360, abs=5e-5)
    assert np.linalg.svd(C, compute_uv=False).min() == pytest.approx(6.0 ** -0.1, rel=1e-12)
    assert K.det(C) == pytest.approx(5.0 + 6.0 ** 3, rel=1e-12)
    rng = np.random.default_rng(12)
    for d in (1, 5, 50):
        a, weights = in_U1(rng, 2, (3, 2), 2.5)
        n_max = max(W.shape[0] for W in weights)
        C = K.c_matrix(a, weights, 2.5, d)
        assert C.shape[0] == 2 + 3 + 2 + 3 * d + 2
        assert np.linalg.svd(C, compute_uv=False).min() == pytest.approx(2.5 ** ((1 - n_max) / d), rel=1e-10)


# ------------------------------------------------------------------------------------------------ spec 8: Qi
def random_matrices(rng, count):
    """Gaussian, diagonally dominant, and sparse Cauchy plus diagonal matrices of sizes 2..11 (3000 in all)."""
    for t in range(count):
        n = 2 + t % 10
        kind = t % 3
        if kind == 0:
            A = rng.standard_normal((n, n))
        elif kind == 1:
            A = rng.standard_normal((n, n)) + np.diag(rng.uniform(n, 3 * n, n) * rng.choice([-1, 1], n))
        else:
            A = np.where(rng.random((n, n)) < 0.3, rng.standard_cauchy((n, n)), 0.0) + np.diag(rng.uniform(1, 5, n))
        yield A


def test_qi_theorem_on_3000_matrices():
    """Spec 8 (Theorem 3, Qi 1984): every singular value lies in the union of the intervals, so sigma_min and
    sigma_max are bounded by the extreme ends; Johnson's sigma_min bound holds too."""
    rng = np.random.default_rng(8)
    checked = 0
    for A in random_matrices(rng, 3000):
        sv = np.linalg.svd(A, compute_uv=False)
        lower, upper = K.qi_intervals(A)
        assert K.in_union(sv, lower, upper, rtol=1e-12).all()
        lo, hi = K.singular_value_bounds(A)
        assert sv.min() >= lo - 1e-12 * hi and sv.max() <= hi * (1 + 1e-12)
        assert sv.min() >= K.johnson_bound(A) - 1e-12 * hi
        checked += sv.size
    assert checked == 19500


def test_rows_only_variant_fails_for_a_heavy_column():
    """With row sums only (the eigenvalue habit) a heavy column escapes every interval; Qi's max does
    not. [[1,0,0],[3,1,0],[3,0,1]] has sigma_max >= |column 1| = sqrt(19) > 4 = largest row-interval end."""
    A = np.array([[1.0, 0.0, 0.0], [3.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    sv = np.linalg.svd(A, compute_uv=False)
    lo_r, up_r = K.qi_intervals(A, radius="rows")
    assert up_r.max() == 4.0 and sv.max() > np.sqrt(19) - 1e-12
    assert not K.in_union(sv, lo_r, up_r).all()
    assert K.in_union(sv, *K.qi_intervals(A)).all()


def test_rows_only_violations_in_the_5000_matrix_experiment():
    """The anchors' experiment (section C): 5000 matrices of size 2..8, half with one inflated column. Qi: no
    violation; rows only: many union violations (301 in the original run) and some sigma_min violations (24); the mean
    radius as an interval statement: some union violations (49) but no sigma_min violation (Johnson's bound)."""
    counts = K.violation_counts(5000, seed=2024)
    qi = counts["max"][0]
    (rows_union, rows_min), (mean_union, mean_min) = counts["rows"], counts["mean"]
    assert qi == 0 and mean_min == 0
    assert rows_union >= 100 and rows_min >= 5 and mean_union >= 10


def test_gershgorin_discs_contain_eigenvalues():
    rng = np.random.default_rng(9)
    for _ in range(300):
        n = rng.integers(2, 9)
        A = rng.standard_normal((n, n)) + np.diag(rng.uniform(-5, 5, n))
        centres, radii = K.gershgorin_discs(A)
        ev = np.linalg.eigvals(A)
        dist = np.abs(ev[:, None] - centres[None, :]) <= radii[None, :] * (1 + 1e-12) + 1e-12
        assert dist.any(axis=1).all()


# ------------------------------------------------------------------------------------------------ complex input
def test_complex_determinants_are_not_cast_to_real():
    """det(diag(i, 1)) = i (a silent cast to real would give 0); det, slogdet and det_batched agree with LAPACK on
    random complex matrices, and slogdet's sign is the phase det/|det|."""
    assert K.det(np.diag([1j, 1.0])) == 1j
    assert K.det([[1j, 0.0], [0.0, 1.0]]) == 1j
    assert K.slogdet(np.diag([1j, 1.0])) == (1j, 0.0)
    assert K.det_batched(np.diag([1j, 1.0])[None])[0] == 1j
    rng = np.random.default_rng(31)
    for n in (1, 2, 5, 12):
        A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        ref = np.linalg.det(A)
        assert isinstance(K.det(A), complex)
        assert abs(K.det(A) - ref) <= 1e-12 * abs(ref)
        assert abs(R.det(A) - ref) <= 1e-12 * abs(ref)
        sign, logabs = K.slogdet(A)
        rsign, rlog = np.linalg.slogdet(A)
        assert abs(sign) == pytest.approx(1.0, abs=1e-14)
        assert abs(sign - rsign) <= 1e-12 and logabs == pytest.approx(rlog, abs=1e-12)
        As = rng.standard_normal((4, n, n)) + 1j * rng.standard_normal((4, n, n))
        refs = np.linalg.det(As)
        got = K.det_batched(As)
        assert got.dtype == np.complex128
        assert np.all(np.abs(got - refs) <= 1e-12 * np.abs(refs))
    assert K.slogdet(np.array([[1j, 2j], [1.0, 2.0]])) == (0j, -np.inf)
    with pytest.raises(ValueError, match="As: matrix 0 contains non-finite values"):
        K.det_batched(np.array([[[1.0, complex(np.nan, 1.0)], [0.0, 1.0]]]))


def test_qi_and_gershgorin_on_complex_matrices():
    """Qi's theorem is stated for complex matrices: on 500 random complex matrices every singular value lies in the
    union of the intervals (computed from the moduli, not from the real parts), and every eigenvalue in a
    Gershgorin disc around the complex diagonal entry."""
    rng = np.random.default_rng(32)
    for k in range(500):
        n = 2 + k % 7
        A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)) + np.diag(
            rng.uniform(-4, 4, n) * np.exp(2j * np.pi * rng.random(n)))
        sv = np.linalg.svd(A, compute_uv=False)
        lower, upper = K.qi_intervals(A)
        np.testing.assert_allclose(lower, R.qi_intervals(A)[0], atol=1e-13 * upper.max())
        assert K.in_union(sv, lower, upper).all()
        centres, radii = K.gershgorin_discs(A)
        np.testing.assert_array_equal(centres, np.diag(A))
        ev = np.linalg.eigvals(A)
        assert (np.abs(ev[:, None] - centres[None, :]) <= radii[None, :] * (1 + 1e-12) + 1e-12).any(axis=1).all()
    # the moduli matter: a purely imaginary diagonal has b_i = |a_ii|, not Re a_ii = 0
    lower, upper = K.qi_intervals(np.diag([3j, 2j]))
    assert lower.tolist() == [3.0, 2.0] and upper.tolist() == [3.0, 2.0]
    assert K.johnson_bound(np.diag([3j, 2j])) == 2.0


def test_leibniz_terms_of_a_complex_matrix():
    A = np.array([[1j, 2.0], [3.0, 4j]])
    perms, signs, products = K.leibniz_terms(A)
    assert products.dtype == np.complex128
    assert np.sum(signs * products) == pytest.approx(np.linalg.det(A), abs=1e-14)


def test_milne_matrices_refuse_complex_input():
    """The ReLU switches compare with 0, so the network functions refuse complex numbers instead of casting them."""
    with pytest.raises(TypeError, match="a: expected real numbers"):
        K.milne_matrix([1.0 + 1j, 2.0], W_EX)
    with pytest.raises(TypeError, match=r"weights\[1\]: expected real numbers"):
        K.milne_det(A_EX, [W_EX[0], W_EX[1] * 1j])


# ------------------------------------------------------------------------------------------------ kernels vs twins
finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def square(max_n=9):
    return st.integers(1, max_n).flatmap(lambda n: hnp.arrays(np.float64, (n, n), elements=finite))


@st.composite
def sparse_square(draw, max_n=7):
    n = draw(st.integers(1, max_n))
    values = draw(hnp.arrays(np.float64, (n, n), elements=finite))
    keep = draw(hnp.arrays(np.bool_, (n, n)))
    return np.where(keep, values, 0.0)


@st.composite
def networks(draw):
    n0 = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    dims = [n0, *hidden, 1]
    a = draw(hnp.arrays(np.float64, (n0,), elements=finite))
    weights = [draw(hnp.arrays(np.float64, (p, q), elements=finite)) for p, q in zip(dims[:-1], dims[1:])]
    return a, weights


@settings(max_examples=60, deadline=None)
@given(square())
def test_det_and_slogdet_match_numpy(A):
    ref = np.linalg.det(A)
    scale = np.prod(np.maximum(1.0, np.linalg.norm(A, axis=1)))          # Hadamard's bound: |det| <= scale
    assert abs(K.det(A) - R.det(A)) <= 1e-12 * scale
    s, l = K.slogdet(A)
    rs, rl = R.slogdet(A)
    if abs(ref) > 1e-9 * scale:
        assert s == rs and l == pytest.approx(rl, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: hnp.arrays(np.float64, (5, n, n), elements=finite)))
def test_det_batched_matches_twin(As):
    scale = np.prod(np.maximum(1.0, np.linalg.norm(As, axis=2)), axis=1)
    assert np.all(np.abs(K.det_batched(As) - R.det_batched(As)) <= 1e-12 * scale)


@settings(max_examples=60, deadline=None)
@given(networks(), st.sampled_from(["corrected", "paper"]))
def test_milne_matrix_and_det_match_twins(net, corner):
    a, weights = net
    np.testing.assert_array_equal(K.milne_matrix(a, weights, corner), R.milne_matrix(a, weights, corner))
    y = R.milne_det(a, weights, corner)
    scale = np.prod([max(1.0, np.abs(W).sum(axis=0).max()) for W in weights]) * max(1.0, np.abs(a).sum())
    assert abs(K.milne_det(a, weights, corner) - y) <= 1e-13 * scale
    assert abs(K.det(K.milne_matrix(a, weights, corner)) - y) <= 1e-11 * scale


@settings(max_examples=40, deadline=None)
@given(networks(), st.floats(1.5, 8.0), st.integers(1, 3), st.sampled_from(["corrected", "paper"]))
def test_c_matrices_match_twins(net, beta, pad, corner):
    a, weights = net
    np.testing.assert_array_equal(K.c_core_matrix(a, weights, beta, corner),
                                  R.c_core_matrix(a, weights, beta, corner))
    np.testing.assert_allclose(K.c_matrix(a, weights, beta, pad, corner),
                               R.c_matrix(a, weights, beta, pad, corner), rtol=1e-15, atol=0)
    assert K.c_core_kappa(weights, beta) == pytest.approx(R.c_core_kappa(weights, beta), rel=1e-14)


@settings(max_examples=60, deadline=None)
@given(sparse_square())
def test_leibniz_dfs_matches_brute_force(A):
    perms, signs, products = K.leibniz_terms(A)
    bp, bs, bpr = R.leibniz_terms(A)
    np.testing.assert_array_equal(perms, bp)
    np.testing.assert_array_equal(signs, bs)
    np.testing.assert_allclose(products, bpr, rtol=1e-14, atol=0)
    scale = np.prod(np.maximum(1.0, np.abs(A).sum(axis=1)))
    assert abs(np.sum(signs * products) - np.linalg.det(A)) <= 1e-11 * scale


@settings(max_examples=40, deadline=None)
@given(square(), square())
def test_complex_det_matches_numpy(re, im):
    n = min(re.shape[0], im.shape[0])
    A = re[:n, :n] + 1j * im[:n, :n]
    scale = np.prod(np.maximum(1.0, np.linalg.norm(A, axis=1)))
    assert abs(K.det(A) - R.det(A)) <= 1e-12 * scale
    assert abs(K.det_batched(A[None])[0] - R.det(A)) <= 1e-12 * scale
    if abs(R.det(A)) > 1e-9 * scale:
        s, l = K.slogdet(A)
        rs, rl = R.slogdet(A)
        assert abs(s - rs) <= 1e-9 and l == pytest.approx(rl, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(square(12), st.sampled_from(["max", "rows", "columns", "mean"]))
def test_gershgorin_kernels_match_twins(A, radius):
    tol = 1e-13 * max(1.0, np.abs(A).sum())
    for k, r in zip(K.off_diagonal_sums(A), R.off_diagonal_sums(A)):
        np.testing.assert_allclose(k, r, atol=tol, rtol=0)
    for k, r in zip(K.qi_intervals(A, radius), R.qi_intervals(A, radius)):
        np.testing.assert_allclose(k, r, atol=tol, rtol=0)
    for k, r in zip(K.gershgorin_discs(A), R.gershgorin_discs(A)):
        np.testing.assert_allclose(k, r, atol=tol, rtol=0)
    np.testing.assert_allclose(K.singular_value_bounds(A, radius), R.singular_value_bounds(A, radius), atol=tol)
    assert K.johnson_bound(A) == pytest.approx(R.johnson_bound(A), abs=tol)


# ------------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("fn", [K.det, K.slogdet, K.qi_intervals, K.gershgorin_discs, K.johnson_bound,
                                K.leibniz_terms, R.det, R.qi_intervals])
def test_square_matrix_validation(fn):
    with pytest.raises(ValueError, match=r"A: expected a non-empty square matrix \(n, n\), got shape \(2, 3\)"):
        fn(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="A: contains 1 non-finite"):
        fn(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(TypeError, match="A: expected an array of numbers"):
        fn("matrix")


def test_network_validation_names_the_argument():
    with pytest.raises(ValueError, match=r"weights\[0\]: expected shape \(2, n_1\).*got \(3, 2\)"):
        K.milne_matrix([1.0, 2.0], [np.ones((3, 2)), np.ones((2, 1))])
    with pytest.raises(ValueError, match=r"weights\[1\]: the output is scalar, expected 1 column"):
        K.milne_det([1.0, 2.0], [np.ones((2, 2)), np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"weights\[1\]: contains 1 non-finite"):
        K.milne_det([1.0, 2.0], [np.ones((2, 2)), np.array([[1.0], [np.inf]])])
    with pytest.raises(TypeError, match="weights: expected a non-empty list"):
        K.milne_matrix([1.0], np.ones((1, 1)))
    with pytest.raises(ValueError, match="corner: expected one of 'corrected', 'paper'; got 'printed'"):
        K.milne_matrix(A_EX, W_EX, corner="printed")
    with pytest.raises(ValueError, match="beta: expected a finite real number > 1, got 1.0"):
        K.c_core_matrix(A_EX, W_EX, 1.0)
    with pytest.raises(ValueError, match="pad: expected a positive integer, got 0"):
        K.c_matrix(A_EX, W_EX, 3.0, 0)
    with pytest.raises(ValueError, match=r"As: expected a stack of non-empty square matrices \(B, n, n\)"):
        K.det_batched(np.zeros((3, 2, 4)))
    with pytest.raises(ValueError, match="As: matrix 1 contains non-finite values"):
        K.det_batched(np.stack([np.eye(2), np.full((2, 2), np.nan)]))
    with pytest.raises(ValueError, match="radius: expected one of 'max', 'rows', 'columns', 'mean'"):
        K.qi_intervals(np.eye(2), radius="row")
    with pytest.raises(ValueError, match=r"A: has more than max_terms=3 non-zero Leibniz terms"):
        K.leibniz_terms(K.milne_matrix(A_EX, W_EX), max_terms=3)


@pytest.mark.parametrize("module", ["determinant", "gershgorin"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"landscapelab.kernels.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_leibniz_stops_at_max_terms_on_a_dense_matrix():
    """A dense 12 x 12 matrix has 479,001,600 terms; the search must stop after max_terms + 1 of them (it took 46 s
    to count them all before refusing)."""
    from landscapelab.kernels.determinant import _leibniz_kernel

    A = np.ones((12, 12))
    with pytest.raises(ValueError, match="more than max_terms=1000"):
        K.leibniz_terms(A, max_terms=1000)
    assert _leibniz_kernel(A, np.empty((0, 12), dtype=np.int64), np.empty(0), False, 1000) == 1001
    perms, signs, products = K.leibniz_terms(np.eye(12) + np.eye(12, k=1), max_terms=10)
    assert len(perms) == 1 and signs[0] == 1.0 and products[0] == 1.0
