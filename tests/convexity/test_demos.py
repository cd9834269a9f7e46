"""The convexity chapter's demos and figures: grids stay small, frames draw, and the numbers they show are right."""

import autograd
import matplotlib.pyplot as plt
import numpy as np
import pytest

from landscapelab import convexity as cv
from landscapelab import kernels as K
from landscapelab.convexity import demos as dc
from landscapelab.convexity import figures as fg

DEMOS = [dc.determinant_demo, dc.qi_demo, dc.curvature_demo, dc.slice_demo, dc.dropout_demo]


@pytest.mark.parametrize("make", DEMOS, ids=[m.__name__ for m in DEMOS])
def test_demo_grid_is_small_and_frames_draw(make):
    demo = make()
    assert demo.n_frames <= 24
    fig = demo.frame()
    assert isinstance(fig, plt.Figure)
    assert all(ax.get_xlabel() or not ax.get_xticks().size for ax in fig.axes)
    plt.close("all")


def test_determinant_demo_shows_the_corner_erratum():
    data = dc._determinant_data()
    for (_H, _seed, corner), (_a, _weights, _A, cycles, y, d, _) in data.items():
        assert y > 0
        assert d == pytest.approx(y if corner == "corrected" else -y, rel=1e-12)
        assert sum(c[3] for c in cycles) == pytest.approx(d, rel=1e-12)
    fig = dc.determinant_demo().frame(H=2, corner="paper")
    assert "erratum E1" in fig.axes[1].get_title(loc="left")
    plt.close("all")


def test_qi_demo_rows_only_escape_and_c_core_bound():
    """The heavy-column matrix has a singular value outside every row interval from scale 0.95 on, never outside
    Qi's; C_core's lower ends are >= 1 exactly while n(W) < beta - 1."""
    data, beta = dc._qi_data()
    for s in dc.QI_SCALES:
        M, sv, intervals, _ = data["heavy column", s]
        assert K.in_union(sv, *intervals["max"]).all()
        assert K.in_union(sv, *intervals["rows"]).all() == (s < 0.95)
        M, sv, intervals, _ = data["C_core", s]
        assert np.allclose(sv, np.linalg.svd(M, compute_uv=False))
        assert K.in_union(sv, *intervals["max"]).all()
        assert (intervals["max"][0].min() >= 1 - 1e-12) == (s * (beta - 1) < beta - 1)


def test_curvature_samples_and_empirical_threshold():
    """Every Hessian below the empirical threshold is positive definite, the first one above it is not, and none of
    the slider settings is censored (so the ratio range the chapter quotes is a range of thresholds)."""
    d = dc.curvature_samples(1, 3.0)
    assert d["sqrt_loss"].size >= 100
    t = d["teacher"]
    w = t.w + 0.3 * np.ones(t.w.size) / np.sqrt(t.w.size)
    H = autograd.hessian(lambda v: cv.loss(v, t.X, t.F, t.dims))(w)       # the samples' Hessian route vs autograd
    np.testing.assert_allclose(cv.loss_derivatives(w, t.X, t.F, t.dims)[2], H, atol=1e-12)
    for lam in dc.CURVATURE_LAMS:
        emp, censored = dc.empirical_threshold(d, lam)
        assert not censored
        below = d["sqrt_loss"] < emp
        assert np.all(d["lam_min"][below] + 2 * lam > 0)
        assert np.any((d["sqrt_loss"] == emp) & (d["lam_min"] + 2 * lam <= 0))
    table = dc.curvature_table()
    assert len(table) == 12 and not any(row[5] for row in table)
    ratios = [row[6] for row in table]
    assert min(ratios) > 50 and max(ratios) < 1000
    looseness = [dc.lemma9_looseness(dc.curvature_samples(H, b)) for H in (1, 2) for b in (2.0, 3.0)]
    assert min(looseness) > 5


def test_slice_arrows_point_to_smaller_weights_inside_U():
    """The slice plane contains the ray through W*, so <projected -grad, W> = -<grad, W>: inside U every arrow
    points to smaller ||W|| (erratum E12); at the smallest extent the arrows are parallel; the stored projection is
    autograd's gradient projected on the plane."""
    t, data = dc._slice_data()
    D = data[0.3]["directions"]
    assert D[0] @ t.w == pytest.approx(np.linalg.norm(t.w), rel=1e-14) and abs(D[0] @ D[1]) < 1e-14
    d = data[1.0]
    i, j = 5, 33
    w = t.w + d["s"][i, j] * D[0] + d["u"][i, j] * D[1]
    g = autograd.grad(lambda v: cv.loss(v, t.X, t.F, t.dims, dc.LAM))(w)
    assert d["grad_s"][i, j] == pytest.approx(-g @ D[0], abs=1e-12)
    assert d["grad_u"][i, j] == pytest.approx(-g @ D[1], abs=1e-12)
    rows = {r[0]: r for r in dc.slice_stats(dc.LAM)}
    for _extent, row in rows.items():
        assert row[4] == 1.0                        # inside U: every arrow points to smaller ||W||
    assert rows[0.003][3] == 1.0 and rows[0.003][6] < 1.0
    assert rows[1.0][3] < 0.8 and rows[1.0][6] > 90
    zero = {r[0]: r for r in dc.slice_stats(0.0)}
    grid = data[0.3]["labels"].size
    for extent in (0.003, 0.03, 0.3):                 # lambda = 0: towards the teacher everywhere but at it
        assert zero[extent][5] * grid == pytest.approx(grid - 1)
    assert zero[1.0][5] > 0.97


def test_dropout_data_per_batch_rho_max_can_rise():
    t, data = dc._dropout_data()
    base = cv.rho_max(t.w, t.X, t.dims)
    assert data[0.0, "example"][1] == pytest.approx(base, rel=1e-14)
    ex = [data[eta, "example"][2] for eta in dc.DROPOUT_ETAS]
    assert all(a.max() < b.min() for a, b in zip(ex[1:], ex[:-1]))      # per example: down with eta, every draw
    batch = data[0.2, "batch"][2]
    assert np.sum(batch > base) >= 10 and batch.min() < base


def test_depth_data_is_one_set_up_per_point():
    """Each theory threshold is Theorem 4's for the teacher whose samples give the empirical threshold."""
    for H, seed, theory, emp, censored in fg.depth_data():
        d = dc.curvature_samples(H, 3.0, seed=seed)
        assert theory == pytest.approx(cv.threshold(d["teacher"].F, 3.0, H, dc.LAM, dc.THETA), rel=1e-14)
        assert not censored and emp > 100 * theory


def test_theorem4_and_minimiser_data():
    t, pts, deltas, lam_min, sq, radial = fg.theorem4_data()
    assert len(pts) >= 100 and lam_min.min() >= dc.LAM + dc.THETA and radial.min() > 0.99
    for _lam, ratio, lmin, gnorm in fg.minimiser_data():
        assert ratio > 100 and lmin > 0 and gnorm < 1e-10


def test_static_figures_draw():
    for make in (fg.theorem4_figure, fg.e12_figure, fg.depth_figure, fg.kink_figure, fg.accuracy_figure):
        fig = make()
        assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
        plt.close("all")
