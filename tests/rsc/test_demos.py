"""The chapter's demos and figures draw from the cached sweeps (slow when the cache is cold); their one argument,
a sweep table, is refused by name when it is anything else (the bad-input harness, tests/core/test_bad_input_all.py,
cannot call them: a valid call needs a sweep)."""

import numpy as np
import pytest

from landscapelab import rsc
from landscapelab.demos import Demo
from landscapelab.rsc import demos
from landscapelab.rsc import experiments as ex
from landscapelab.sweeps import Table

DEMOS = ("cone_demo", "rate_demo", "kappa_figure", "width_figure", "depth_figure", "gbar_figure",
         "training_figure")


@pytest.mark.parametrize("name", DEMOS)
def test_demos_refuse_a_table_that_is_not_one(name):
    for wrong in (3, "a table", [{"m": 1}]):
        with pytest.raises(TypeError, match="table"):
            getattr(demos, name)(wrong)
    with pytest.raises(ValueError, match="table"):
        getattr(demos, name)(Table([]))


@pytest.mark.slow
def test_cone_demo_frames():
    table = ex.cone_sweep()
    demo = demos.cone_demo(table)
    assert isinstance(demo, Demo) and demo.n_frames == len(ex.KAPPAS) * len(ex.WIDTHS)
    for kappa, width in ((0.05, 64), (0.9, 512)):
        fig = demo.frame(kappa=kappa, width=width)
        for ax, (act, _, _) in zip(fig.axes, ex.CONE_SETTINGS):
            row = [r for r in table.rows if r["activation"] == act and r["m"] == width and r["seed"] == 0][0]
            curve = ax.lines[0].get_ydata()
            assert np.allclose(curve * row["lambda_max"], row["boundary"])
    assert demos.kappa_figure(table).axes


@pytest.mark.slow
def test_rate_demo_and_figures():
    demo = demos.rate_demo()
    assert demo.n_frames == 6
    fig = demo.frame(width=64, rho2=10.0)
    assert len(fig.axes) == 3
    fig, fits = demos.width_figure()
    assert set(fits) == {("tanh", 1), ("tanh", 2), ("softplus", 1), ("softplus", 2)}
    for figure in (demos.depth_figure(), demos.gbar_figure(), demos.training_figure()):
        assert figure.axes
    assert rsc.experiments.D == 32
