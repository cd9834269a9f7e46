"""The chapter's demos: small grids, labelled axes, kernel-free static rendering, and what the text says about them."""

import pytest

import landscapelab as ll
from landscapelab.linearity import demos, experiments, widths


@pytest.fixture(scope="module")
def small_demos(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("LANDSCAPELAB_CACHE", str(cache))
    runs = ll.sweep(experiments.figure1_run, {"width": [20, 40], "target": [0.3], "trace": [True]}, seeds=range(2),
                    progress=False)
    at_init = ll.sweep(widths.fcn_at_init, {"width": [24], "depth": [3], "bottleneck": [2, 4, 8]}, seeds=range(2),
                       progress=False)
    trained = ll.sweep(experiments.figure2_run, {"width": [24], "bottleneck": [2, 4, 8], "target": [0.3]},
                       seeds=range(2), progress=False)
    out = {
        "hessian_vs_width": demos.hessian_vs_width(shallow_widths=(64, 256, 1024), deep_widths=(8, 16), seeds=range(2)),
        "linear_in_ball": demos.linear_in_ball(widths_=(16, 64), points=9),
        "kernel_drift": demos.kernel_drift(runs),
        "bottleneck": demos.bottleneck_demo(at_init, trained),
        "block_law": demos.block_law(widths_=(50, 200), draws=40),
    }
    yield out
    mp.undo()


@pytest.mark.parametrize("name", ["hessian_vs_width", "linear_in_ball", "kernel_drift", "bottleneck", "block_law"])
def test_frames_are_few_and_labelled(small_demos, name):
    demo = small_demos[name]
    assert demo.n_frames <= 12
    for values in ({}, {k: v[0] for k, v in demo.params.items()}, {k: v[-1] for k, v in demo.params.items()}):
        fig = demo.frame(**values)
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel()


def test_static_rendering_is_self_contained(small_demos):
    static = small_demos["block_law"].static()
    assert static.n_images == 2 and "data:image/png;base64," in static.html and "<script" in static.html


def test_hessian_demo_titles_state_the_fitted_slopes(small_demos):
    demo = small_demos["hessian_vs_width"]
    title = demo.frame(output_weights="+-1", depth=1, output_layer="linear").axes[0].get_title()
    assert "-0.50" in title                                   # +-1 output weights: exactly -1/2 (closed form)
    flat = demo.frame(output_weights="+-1", depth=1, output_layer="softplus").axes[0].get_title()
    slope = float(flat.split(":")[1].split("[")[0])
    assert abs(slope) < 0.1                                   # the rank-one term of Eq. (28) does not decay


def test_bottleneck_demo_needs_matching_tables(small_demos):
    demo = small_demos["bottleneck"]
    assert demo.params["bottleneck"] == [2, 4, 8]
