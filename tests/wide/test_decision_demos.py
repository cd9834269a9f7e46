"""The decision-regions chapter's demos and figures: grids stay small, frames draw, and what they show is right."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from landscapelab.wide import decision_regions as dr
from landscapelab.wide import demos_decision as demos


def test_gallery_frames_and_data():
    demo = demos.gallery()
    assert demo.n_frames <= 20
    for name in ("non-pyramidal (5.3)", "bridge, eps = 0.1"):
        fig = demo.frame(example=name, zoom=10)
        assert isinstance(fig, plt.Figure) and fig.axes[0].get_xlabel() == "$x_1$"
    for name, (ex, regions, path) in demos.gallery_data().items():
        assert regions.n_components == (1 if ex.bridge else 2), name
        if path is not None:
            assert dr.polyline_margin(ex.net, ex.w, path, ex.cls) > 0


def test_explorer_paths_are_in_the_region():
    data = demos.trained_nets()
    assert set(data) == {(d, n) for d in demos.DATASETS for n in demos.WIDTHS}
    for (dataset, n1), item in data.items():
        if item["path"] is not None:
            assert dr.polyline_margin(item["net"], item["w"], item["path"], 0) > 0, (dataset, n1)
            assert (item["path_kind"].startswith("certificate")) == (n1 <= 2)
    demo = demos.explorer()
    assert demo.n_frames == len(demos.DATASETS) * len(demos.WIDTHS)
    fig = demo.frame(dataset="two disks", width=10)
    assert "2 components" in fig.axes[1].get_title()


def test_static_figures_draw():
    for make in (demos.certificate_figure, demos.examples_figure, demos.bridge_figure, demos.window_figure):
        assert isinstance(make(), plt.Figure)


def test_bridge_data_matches_the_midpoint_argument():
    """The path crosses x1 = 0 where the hidden segment meets the diagonal: x2 = 0.675 / eps (alpha = 0.1)."""
    for eps, bound, crossing, count in demos.bridge_data((0.2, 0.02)):
        assert bound == pytest.approx(0.45 / eps) and crossing == pytest.approx(0.675 / eps, rel=1e-9)
        assert count == 1


def test_random_net_counts():
    row = demos.random_net_counts((2, 2, 2), seed=0, n_nets=10)
    assert row == {"nets": 10, "empty": row["empty"], "disconnected": 0, "bounded": 0}
    assert np.isfinite(row["empty"])
