"""The convexity chapter's demos and figures: grids stay small, frames draw, and the numbers they show are right."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from landscapelab import convexity as cv
from landscapelab import kernels as K
from landscapelab.convexity import demos as dc

DEMOS = [dc.determinant_demo, dc.qi_demo, dc.curvature_demo, dc.slice_demo, dc.dropout_demo]


@pytest.mark.parametrize("make", DEMOS, ids=[m.__name__ for m in DEMOS])
def test_demo_grid_is_small_and_frames_draw(make):
    demo = make()
    assert demo.n_frames <= 60
    fig = demo.frame()
    assert isinstance(fig, plt.Figure)
    assert all(ax.get_xlabel() or not ax.get_xticks().size for ax in fig.axes)


def test_determinant_demo_shows_the_corner_erratum():
    data = dc._determinant_data()
    for (_H, _seed, corner), (_a, _weights, _A, cycles, y, d, _) in data.items():
        assert y > 0
        assert d == pytest.approx(y if corner == "corrected" else -y, rel=1e-12)
        assert sum(c[3] for c in cycles) == pytest.approx(d, rel=1e-12)
    fig = dc.determinant_demo().frame(H=2, corner="paper")
    assert "erratum E1" in fig.axes[1].get_title(loc="left")


def test_qi_demo_rows_only_escape_and_c_core_bound():
    """The heavy-column matrix has a singular value outside every row interval from scale 0.95 on, never outside
    Qi's; C_core's lower ends are >= 1 exactly while n(W) < beta - 1."""
    data, beta = dc._qi_data()
    for s in dc.QI_SCALES:
        M, sv, intervals, _ = data["heavy column", s]
        assert K.in_union(sv, *intervals["max"]).all()
        assert K.in_union(sv, *intervals["rows"]).all() == (s < 0.95)
        M, sv, intervals, _ = data["C_core", s]
        assert K.in_union(sv, *intervals["max"]).all()
        assert (intervals["max"][0].min() >= 1 - 1e-12) == (s * (beta - 1) < beta - 1)


def test_curvature_samples_and_empirical_threshold():
    d = dc.curvature_samples(1, 3.0)
    assert d["sqrt_loss"].size >= 100
    emp = dc.empirical_threshold(d, dc.LAM)
    paper = cv.threshold(d["teacher"].F, 3.0, 1, dc.LAM, dc.THETA)
    assert emp > 10 * paper
    below = d["sqrt_loss"] < emp
    assert np.all(d["lam_min"][below] + 2 * dc.LAM > 0)


def test_theorem4_and_minimiser_data():
    t, pts, deltas, lam_min, sq, radial = dc.theorem4_data()
    assert len(pts) >= 100 and lam_min.min() >= dc.LAM + dc.THETA and radial.min() > 0.99
    for _lam, ratio, lmin, gnorm in dc.minimiser_data():
        assert ratio > 100 and lmin > 0 and gnorm < 1e-10


def test_static_figures_draw():
    for make in (dc.theorem4_figure, dc.e12_figure, dc.depth_figure):
        fig = make()
        assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
