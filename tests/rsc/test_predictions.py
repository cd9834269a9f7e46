"""The chapter's predictions at the sizes of the book (the cached sweeps of landscapelab.rsc.experiments; slow
when the cache is cold). Margins follow the seed-to-seed spread seen at these sizes."""

import numpy as np
import pytest

from landscapelab.fits import slope_interval
from landscapelab.rsc import experiments as ex


def rows(table, **equal):
    return [r for r in table.rows if all(r[k] == v for k, v in equal.items())]


@pytest.mark.slow
def test_hessian_width_slopes():
    table = ex.width_sweep()
    ws = np.array(ex.WIDTHS)
    for act in ("tanh", "softplus"):
        for depth in (1, 2):
            Y = np.array([[rows(table, activation=act, depth=depth, m=int(m), seed=s)[0]["hessian"]
                           for m in ws] for s in (0, 1)])
            fit = slope_interval(ws, Y)
            assert -0.6 <= fit.slope <= -0.35, (act, depth, fit)
    # one hidden layer, tanh: sqrt(m) ||H|| -> max |phi'| ~ 1
    assert all(abs(r["sqrt_m_hessian"] - 1) < 0.03 for r in rows(table, activation="tanh", depth=1))


@pytest.mark.slow
def test_bounds_and_depth_growth():
    table = ex.depth_sweep()
    for r in table.rows:
        assert r["sqrt_m_hessian"] <= r["c_H"] and r["grad"] <= r["varrho"]

    def ratio(act, sigma, kind):
        h4 = rows(table, activation=act, sigma=sigma, kind=kind, depth=4)[0]["hessian"]
        h8 = rows(table, activation=act, sigma=sigma, kind=kind, depth=8)[0]["hessian"]
        return h8 / h4

    assert ratio("tanh", 2.0, "sigma0") > 2.0
    assert ratio("tanh", 1.0, "sigma1") < 0.5
    assert 0.8 <= ratio("softplus", 1.0, "sigma1") <= 1.25


@pytest.mark.slow
def test_gbar_and_data_centring():
    table = ex.gbar_sweep()
    for act, depth in (("tanh", 1), ("tanh", 3)):
        def mean(n, shift):
            return np.mean([r["gbar_sq"] for r in rows(table, activation=act, depth=depth, n=n, shift=shift)])

        centred = np.array([mean(n, 0.0) for n in (8, 64, 512)])
        shifted = np.array([mean(n, 1.0) for n in (8, 64, 512)])
        scaled = centred * np.array([8, 64, 512])
        assert scaled.max() / scaled.min() < 2.0
        assert shifted.max() / shifted.min() < 1.2


@pytest.mark.slow
def test_cone_curvature_and_critical_angle():
    table = ex.cone_sweep()
    for r in table.rows:
        assert r["lambda_min"] < 0 and abs(-r["lambda_min"] / r["r_norm"] - 1) < 0.1
        for kappa, bound in r["jensen"].items():
            mu = r["mu"][ex.KAPPAS.index(kappa)] if kappa in ex.KAPPAS else None
            assert r["sampled"][kappa] >= bound
            if mu is not None:
                assert mu >= bound - 1e-5 * r["lambda_max"]
    soft = {m: np.mean([r["kappa_star"] for r in rows(table, activation="softplus", m=m)]) for m in ex.WIDTHS}
    assert soft[512] < 0.7 * soft[64]
    assert all(abs(r["plugin"] - r["kappa_star"]) < 0.02 for r in rows(table, activation="softplus"))
    assert all(r["plugin"] > 1 for r in rows(table, activation="tanh"))
