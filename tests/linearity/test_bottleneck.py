"""The bottleneck network of Eq. (31) and Theorem 4.1: the w2-block (Eq. 109, erratum E3), its limit law (P8), and
the point at distance O(1) where the whole Hessian vanishes."""

import math

import autograd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landscapelab.linearity import bottleneck


@given(m=st.integers(2, 12), seed=st.integers(0, 10_000), x=st.floats(0.2, 2.5))
def test_eq31_block_is_the_dense_w2_block(m, seed, x):
    W = bottleneck.eq31_init(m, seed=seed)
    H = np.asarray(autograd.hessian(bottleneck.eq31_model(x))(W))
    block = H[m:2 * m, m:2 * m]
    norm = float(np.abs(np.linalg.eigvalsh(block)).max())
    assert bottleneck.block_norm(W, x) == pytest.approx(norm, rel=1e-11, abs=1e-300)
    assert np.linalg.matrix_rank(block, tol=1e-10 * max(norm, 1e-300)) <= 1   # rank one (Eq. 108)


def test_erratum_e3_the_block_scales_as_x_to_the_fourth():
    W = bottleneck.eq31_init(20, seed=1)
    blocks = []
    for x in (0.5, 1.0, 3.0):
        H = np.asarray(autograd.hessian(bottleneck.eq31_model(x))(W))
        blocks.append(float(np.abs(np.linalg.eigvalsh(H[20:40, 20:40])).max()))
    assert blocks[2] / blocks[1] == pytest.approx(81.0, rel=1e-12)      # 3^4, where x^2 would give 9
    assert blocks[0] / blocks[1] == pytest.approx(1 / 16, rel=1e-12)
    parts = bottleneck.eq31_parts(W, 1.0)
    w1 = W[:20]
    assert float(parts["alpha1"] @ parts["alpha1"]) == pytest.approx(float(np.sum(w1 ** 4)) / 4, rel=1e-14)


def test_eq31_parts_rebuild_the_output():
    W = bottleneck.eq31_init(7, seed=3)
    parts = bottleneck.eq31_parts(W, 1.7)
    assert parts["f"] == pytest.approx(float(bottleneck.eq31_model(1.7)(W)), rel=1e-14)


def test_limit_law_functions_agree_with_each_other_and_with_a_half_normal():
    assert bottleneck.block_limit_quantile(0.5) == pytest.approx(3 * math.sqrt(3) / 4 * 0.6744897501960817, rel=1e-12)
    assert bottleneck.block_limit_mean() == pytest.approx(1.0364824484, rel=1e-9)
    for q in (0.1, 0.5, 0.94):
        assert bottleneck.block_limit_cdf(bottleneck.block_limit_quantile(q, x=1.3), x=1.3) == pytest.approx(q)
    z = np.abs(np.random.default_rng(0).standard_normal(200_000)) * 3 * math.sqrt(3) / 4
    assert abs(np.mean(z <= 0.5) - bottleneck.block_limit_cdf(0.5)) < 0.005


@pytest.mark.parametrize("m", [100, 1000])
def test_p8_block_median_is_of_order_one(m):
    rng = np.random.default_rng(m)
    draws = np.array([bottleneck.block_norm(rng.standard_normal(4 * m), 1.0) for _ in range(500)])
    assert 0.70 <= np.median(draws) <= 1.05          # limit 0.876; sd of the median of 500 draws is about 0.045
    assert np.mean(draws > 0.1) > 0.85               # the law puts 93.9% above 0.1


@pytest.mark.slow
def test_p8_full_hessian_does_not_decay():
    from landscapelab.linearity import widths

    means = {}
    for m in (100, 10_000):
        vals = []
        for seed in range(6):
            W = bottleneck.eq31_init(m, seed=seed)
            vals.append(widths.hessian_norm(bottleneck.eq31_model(1.0), W, tol=1e-6))
            assert vals[-1] >= bottleneck.block_norm(W, 1.0) * (1 - 1e-6)
        means[m] = np.mean(vals)
    assert means[10_000] > means[100] / 2


@given(m=st.integers(2, 10), seed=st.integers(0, 10_000), x=st.floats(0.3, 2.0))
def test_the_hessian_and_gradient_vanish_at_the_vanishing_point(m, seed, x):
    W = bottleneck.eq31_init(m, seed=seed)
    star, dist = bottleneck.vanishing_point(W, x)
    f = bottleneck.eq31_model(x)
    H0 = np.abs(np.asarray(autograd.hessian(f)(W))).max()
    assert np.abs(np.asarray(autograd.hessian(f)(star))).max() <= 1e-13 * max(1.0, H0)
    assert np.abs(np.asarray(autograd.grad(f)(star))).max() <= 1e-13 * max(1.0, H0)
    assert dist == pytest.approx(float(np.linalg.norm(star - W)), rel=1e-14)


def test_vanishing_point_distance_is_chi_with_two_degrees_of_freedom():
    rng = np.random.default_rng(1)
    d2 = np.array([bottleneck.vanishing_point(rng.standard_normal(4 * 400), 1.0)[1] ** 2 for _ in range(2000)])
    # chi^2_2: mean 2, variance 4; P(d <= 3) = 1 - exp(-9/2)
    assert abs(d2.mean() - 2.0) < 4 * 2.0 / math.sqrt(d2.size)
    assert abs(np.mean(d2 <= 9.0) - (1 - math.exp(-4.5))) < 0.005


def test_bad_arguments():
    with pytest.raises(ValueError, match="W: expected four blocks"):
        bottleneck.block_norm(np.zeros(7), 1.0)
    with pytest.raises(ValueError, match=r"q: expected a number in \(0, 1\)"):
        bottleneck.block_limit_quantile(0.0)
    with pytest.raises(ValueError, match="W: alpha1 = 0"):
        bottleneck.vanishing_point(np.zeros(8), 1.0)
