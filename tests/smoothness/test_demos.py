"""The Cooper chapter's demos and verify rows: sizes, speed of the draw callbacks, labelled axes, registry."""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab import checks
from landscapelab import smoothness as sm
from landscapelab.smoothness import demos


@pytest.fixture(scope="module", params=["ray_explorer", "admissible_region", "phi_explorer"])
def demo(request):
    return getattr(demos, request.param)()


def test_demo_grids_are_small_and_frames_have_labelled_axes(demo):
    assert demo.n_frames <= 60
    for values in ({}, {name: values[0] for name, values in demo.params.items()},
                   {name: values[-1] for name, values in demo.params.items()}):
        fig = demo.frame(**values)
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel()


def test_phi_explorer_static_rendering():
    static = demos.phi_explorer(powers=(1.0, 2.0)).static()
    assert static.n_images == 4 and "data:image/png;base64," in static.html


def test_admissible_region_leaves_the_box_for_depth_2_only():
    T2, T7 = sm.example("T2"), sm.example("T7")
    sizes = {}
    for name, case in (("T2", T2), ("T7", T7)):
        norms = sm.norms_along_ray(case.net, case.X, case.Y, np.linspace(0, 100, 401))
        sizes[name] = [sm.smallest_cover(norms["frobenius"][norms["t"] <= T], norms["gradient"][norms["t"] <= T])[0]
                       for T in (1.0, 10.0, 100.0)]
    assert sizes["T2"][-1] > 60 > sizes["T2"][0]                # out of the demo's box [0, 60]^2 at T = 100
    assert sizes["T7"][0] == sizes["T7"][-1] < 60               # depth 0: settled once the smallest gradient is passed


def test_operator_norm_uses_arpack_for_large_supports():
    rng = np.random.default_rng(3)
    net = ll.MLP([3, 24, 24, 3], activation="gelu")
    X, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    r = sm.Ray(net, X, Y)
    assert r.support.size > 600
    for t in (0.3, 30.0):
        dense = np.abs(np.linalg.eigvalsh(r.hessian(t))).max()
        assert r.operator_norm(t) == pytest.approx(dense, rel=1e-10)
        assert r.gauss_newton_norm(t) == pytest.approx(np.linalg.eigvalsh(r.gauss_newton(t))[-1], rel=1e-10)


def test_verify_has_a_row_per_theorem_and_per_observation():
    claims = [c.claim for c in checks.registry("smoothness")]
    for needle in ("Theorem 12", "Theorem 13", "Theorem 14", "Theorem 15", "Lemmas 9-10", "Assumption 1",
                   "depth l = 1", "critical line", "sigmoid", "M != Omega", "The full entry", "Descent lemma",
                   "sublevel set", "frontier is exact"):
        assert any(needle in c for c in claims), needle
    assert sum("Beyond the paper" in c for c in claims) >= 3


@pytest.mark.slow
def test_many_random_problems_against_autograd():
    import autograd

    rng = np.random.default_rng(11)
    for _ in range(200):
        depth = int(rng.integers(1, 5))
        widths = [int(rng.integers(1, 5)) for _ in range(depth + 1)] + [int(rng.integers(2, 5))]
        loss = ("square", "cross_entropy")[int(rng.integers(2))]
        act = ("tanh", "sin", "arctan", "erf", "silu", "gelu", "mish")[int(rng.integers(7))]
        net = ll.MLP(widths, activation=act)
        n = int(rng.integers(1, 6))
        X = rng.standard_normal((n, widths[0]))
        Y = rng.standard_normal((n, widths[-1])) if loss == "square" else rng.dirichlet(np.ones(widths[-1]), size=n)
        options = {"M": rng.standard_normal((widths[-1], widths[-2]))} if rng.random() < 0.5 else {}
        if rng.random() < 0.3:
            options["offset"] = "critical"
        r = sm.Ray(net, X, Y, loss=loss, **options)
        t = float(rng.uniform(-30, 30))
        f = r.loss_function()
        H = np.asarray(autograd.hessian(f.__call__)(r.point(t)))
        assert np.abs(r.hessian(t) - H).max() <= 1e-10 * max(1.0, np.abs(H).max())
