"""The exact examples of Chapter 5: the network against the thesis's closed forms (corrected where printed wrong),
and every disconnection proved here by two points of the region and a slab that no point of the region enters. The
slab's emptiness is decided by a linear program per activation pattern written in this file (all 2^H patterns,
independently of the library's search), and compared with the library's value."""

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import linprog

from landscapelab.wide import decision_regions as dr


def slab_sup_margin(net, w, cls, normal, lo, hi, cap=1.0):
    """sup of min_k (f_cls - f_k) over {lo <= normal.x <= hi}, capped at ``cap``: brute force over sign patterns."""
    slope = dr.negative_slope(net.activation)
    mats = [(np.asarray(M), np.asarray(b)) for M, b in net.unflatten(w)]
    d = net.d_in
    n_hidden = sum(M.shape[0] for M, _ in mats[:-1])
    best = -math.inf
    for signs in itertools.product((1.0, -1.0), repeat=n_hidden):
        P, p, k = np.eye(d), np.zeros(d), 0
        A, b = [normal[None], -normal[None]], [np.array([hi]), np.array([-lo])]
        for M, bias in mats[:-1]:
            Z, z = M @ P, M @ p + bias
            s = np.array(signs[k:k + len(z)])
            k += len(z)
            A.append(-s[:, None] * Z)
            b.append(s * z)
            D = np.where(s > 0, 1.0, slope)
            P, p = D[:, None] * Z, D * z
        G, g = mats[-1][0] @ P, mats[-1][0] @ p + mats[-1][1]
        others = [j for j in range(len(g)) if j != cls]
        A, b = np.vstack(A), np.concatenate(b)
        rows = np.vstack([np.hstack([A, np.zeros((len(A), 1))]),
                          np.hstack([-(G[cls] - G[others]), np.ones((len(others), 1))])])
        cost = np.zeros(d + 1)
        cost[-1] = -1
        res = linprog(cost, A_ub=rows, b_ub=np.concatenate([b, g[cls] - g[others]]),
                      bounds=[(None, None)] * d + [(None, cap)], method="highs")
        if res.status == 0:
            best = max(best, -res.fun)
    return best


DISCONNECTED = [dr.non_pyramidal_example, dr.low_rank_example, lambda: dr.low_rank_example(as_printed=True),
                dr.relu_example, dr.wider_than_input_example]


@pytest.mark.parametrize("make", DISCONNECTED)
def test_two_points_and_a_separating_slab(make):
    ex = make()
    normal, lo, hi = ex.slab
    # the two points lie in the region, on opposite sides of the slab
    assert np.all(dr.margins(ex.net, ex.w, ex.points, ex.cls) > 0)
    side = ex.points @ normal
    assert side.min() < lo and side.max() > hi
    # no point of the slab is in the region (a path between the points would have to cross it)
    sup = slab_sup_margin(ex.net, ex.w, ex.cls, normal, lo, hi)
    assert sup <= 1e-12
    assert dr.slab_max_margin(ex.net, ex.w, ex.cls, normal, lo, hi) == pytest.approx(sup, abs=1e-12)
    assert dr.separates(ex.net, ex.w, ex.cls, normal, lo, hi, *ex.points)
    assert dr.exact_components(ex.net, ex.w, ex.cls).n_components == 2


@pytest.mark.parametrize("make", DISCONNECTED)
def test_closed_forms(make):
    ex = make()
    X = np.random.default_rng(0).uniform(-12, 12, (50_000, 2))
    assert np.array_equal(dr.margins(ex.net, ex.w, X, ex.cls) > 0, ex.region(X))


def test_non_pyramidal_values():
    """(5.3): the margin is y1 + y2 - 1 with y = sigma(+-sigma(x1 + x2)); 0.5 t - 1 for t >= 0, -0.25 t - 1 below."""
    ex = dr.non_pyramidal_example()
    t = np.linspace(-10, 10, 2001)
    m = dr.margins(ex.net, ex.w, np.column_stack([t, np.zeros_like(t)]), 0)
    assert np.allclose(m, np.where(t >= 0, 0.5 * t - 1, -0.25 * t - 1), atol=1e-13)
    assert slab_sup_margin(ex.net, ex.w, 0, *ex.slab) == pytest.approx(-0.125, abs=1e-12)
    # the printed "and" would be empty: no t satisfies t > 2 and t < -4; the region is nonempty
    assert (m > 0).any()
    cond = dr.theorem_conditions(ex.net, ex.w)
    assert cond.full_rank and cond.bijective_onto_R and not cond.pyramidal


def test_low_rank_as_printed_has_no_red_region():
    ex = dr.low_rank_example(alpha=0.3, as_printed=True)
    # f_red - f_blue = -2 alpha - (sigma(x1 - 1) + sigma(-x1 - 1)) <= 0 everywhere, = 0 on the strip
    assert slab_sup_margin(ex.net, ex.w, 1, np.array([1.0, 0.0]), -50.0, 50.0) == pytest.approx(0.0, abs=1e-12)
    X = np.column_stack([np.linspace(-0.99, 0.99, 101), np.linspace(-5, 5, 101)])
    out = np.asarray(ex.net(ex.w, X))
    assert np.abs(out[:, 0] - out[:, 1]).max() <= 1e-15      # ties on the red strip: rounding picks the class
    fixed = dr.low_rank_example(alpha=0.3)
    assert np.all(dr.predict(fixed.net, fixed.w, X) == 1)
    assert dr.theorem_conditions(fixed.net, fixed.w).ranks == (1,)


def test_relu_example_is_pyramidal_full_rank():
    ex = dr.relu_example()
    cond = dr.theorem_conditions(ex.net, ex.w)
    assert cond.pyramidal and cond.full_rank and not cond.strictly_increasing


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_width_d_plus_one(d):
    ex = dr.wider_than_input_example(d)
    M1 = np.asarray(ex.net.unflatten(ex.w)[0][0])
    assert M1.shape == (d + 1, d) and np.linalg.matrix_rank(M1) == d
    normal, lo, hi = ex.slab
    assert slab_sup_margin(ex.net, ex.w, 0, normal, lo, hi) <= -0.4
    X = np.random.default_rng(d).uniform(-3, 3, (20_000, d))
    assert np.array_equal(dr.margins(ex.net, ex.w, X, 0) > 0, np.abs(X[:, 0]) > 1)


def test_bridge_keeps_every_hypothesis():
    ex = dr.bridge_example(0.05)
    cond = dr.theorem_conditions(ex.net, ex.w)
    assert cond.theorem_523 and ex.bridge == pytest.approx(0.9 / 0.1)
    # no vertical slab separates: the region meets every slab |x1| <= a, but only above the bridge
    assert slab_sup_margin(ex.net, ex.w, 0, np.array([1.0, 0.0]), -0.5, 0.5) > 0
    assert slab_sup_margin(ex.net, ex.w, 0, np.array([0.0, 1.0]), -50.0, 0.99 * ex.bridge) <= 0 or \
        slab_sup_margin(ex.net, ex.w, 0, np.array([1.0, 0.0]), -1e-3, 1e-3) > 0


def test_cubic_lift():
    ex = dr.cubic_lift_example()
    x = np.array([-1.0, -0.9, -0.89, 0.0, 0.89, 0.9, 1.0])
    assert np.array_equal(ex.in_V(ex.f(x)), np.abs(x) > ex.threshold)
    assert np.allclose(ex.f(x), np.column_stack([-x**3, x**3]))
    assert ex.threshold == pytest.approx(2 ** (-1 / 6), rel=1e-15)
    # V is connected: an arc of radius sqrt 2 joins f(-1) = (1, -1) and f(1) = (-1, 1) inside V
    theta = np.linspace(-np.pi / 4, 3 * np.pi / 4, 1001)
    arc = np.sqrt(2) * np.column_stack([np.cos(theta), np.sin(theta)])
    assert ex.in_V(arc).all() and np.allclose(arc[[0, -1]], ex.f([-1.0, 1.0]))


def test_examples_validate_input():
    with pytest.raises(ValueError, match="alpha"):
        dr.low_rank_example(alpha=1.5)
    with pytest.raises(ValueError, match="eps"):
        dr.bridge_example(0.0)
    with pytest.raises(ValueError, match="d"):
        dr.wider_than_input_example(0)
    for name, make in dr.EXAMPLES.items():
        assert make().name and name
