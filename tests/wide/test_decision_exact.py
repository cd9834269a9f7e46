"""Exact component counts of planar decision regions, against an independent oracle written here: enumerate every
activation pattern (all 2^H of them, no pruning), decide with a linear program whether the pattern's cell meets the
region, and join two cells when a linear program finds a common point with positive margin. Paths returned by
the exact analysis are verified by evaluating the network along them."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

import landscapelab as ll
from landscapelab.wide import decision_regions as dr


def pattern_cells(mats, slope, d=2):
    """Every sign pattern with its cell {A x <= b} and affine output G x + g (cells may be empty)."""
    n_hidden = sum(M.shape[0] for M, _ in mats[:-1])
    for signs in itertools.product((1.0, -1.0), repeat=n_hidden):
        P, p, A, b, k = np.eye(d), np.zeros(d), [], [], 0
        for M, bias in mats[:-1]:
            Z, z = M @ P, M @ p + bias
            s = np.array(signs[k:k + len(z)])
            k += len(z)
            A.append(-s[:, None] * Z)
            b.append(s * z)
            D = np.where(s > 0, 1.0, slope)
            P, p = D[:, None] * Z, D * z
        M, bias = mats[-1]
        yield np.vstack(A), np.concatenate(b), M @ P, M @ p + bias


def best_margin(A, b, G, g, cls, d=2):
    """max tau s.t. A x <= b and (G_cls - G_k) x + (g_cls - g_k) >= tau, tau <= 1 (-inf if infeasible)."""
    others = [k for k in range(len(g)) if k != cls]
    D, e = G[cls] - G[others], g[cls] - g[others]
    rows = np.vstack([np.hstack([A, np.zeros((len(A), 1))]), np.hstack([-D, np.ones((len(D), 1))])])
    cost = np.zeros(d + 1)
    cost[-1] = -1
    res = linprog(cost, A_ub=rows, b_ub=np.concatenate([b, e]), bounds=[(None, None)] * d + [(None, 1.0)],
                  method="highs")
    return -res.fun if res.status == 0 else -np.inf


def oracle_components(net, w, cls, slope, tol=1e-9):
    mats = [(np.asarray(M), np.asarray(b)) for M, b in net.unflatten(w)]
    cells = [c for c in pattern_cells(mats, slope) if best_margin(*c, cls) > tol]
    parent = list(range(len(cells)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(cells)), 2):
        if find(i) != find(j):
            A = np.vstack([cells[i][0], cells[j][0]])
            b = np.concatenate([cells[i][1], cells[j][1]])
            if best_margin(A, b, cells[i][2], cells[i][3], cls) > tol:
                parent[find(i)] = find(j)
    return len({find(i) for i in range(len(cells))})


def random_net(widths, seed, slope, scale):
    rng = np.random.default_rng(seed)
    act = "relu" if slope == 0 else dr.leaky_relu(slope)
    net = ll.MLP(list(widths), activation=act)
    layers = [(scale * rng.standard_normal((o, i)), scale * rng.standard_normal(o))
              for i, o in zip(widths[:-1], widths[1:])]
    return net, net.flatten(layers)


CASES = [((2, 3, 2), 0.1), ((2, 4, 2), 0.1), ((2, 5, 3), 0.1), ((2, 3, 3, 2), 0.1), ((2, 4, 2), 0.0),
         ((2, 2, 2, 2), 0.0), ((2, 3, 2, 3), 0.3), ((2, 5, 2), 0.5)]


SLOW = pytest.mark.slow


@pytest.mark.parametrize("widths, slope", CASES)
@pytest.mark.parametrize("seed", [0, 1, pytest.param(2, marks=SLOW), pytest.param(3, marks=SLOW)])
def test_exact_count_matches_lp_oracle(widths, slope, seed):
    net, w = random_net(widths, seed, slope, scale=(1.0, 3.0)[seed % 2])
    for cls in range(net.d_out):
        assert dr.exact_components(net, w, cls).n_components == oracle_components(net, w, cls, slope)


def test_oracle_sees_disconnected_cases_too():
    """The comparison above is not only between ones: collect the counts it covered."""
    counts = set()
    for widths, slope in CASES:
        for seed in range(4):
            net, w = random_net(widths, seed, slope, scale=(1.0, 3.0)[seed % 2])
            counts.update(dr.exact_components(net, w, cls).n_components for cls in range(net.d_out))
    assert {0, 1, 2} <= counts


@pytest.mark.parametrize("seed", range(5))
def test_paths_between_points_of_one_component(seed):
    net, w = random_net((2, 6, 2), seed, 0.1, 2.0)
    regions = dr.exact_components(net, w, 0)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 5, (300, 2))
    blue = X[dr.margins(net, w, X, 0) > 0]
    comp = np.array([regions.component_of(x) for x in blue])
    assert np.all(comp >= 0)
    for c in range(regions.n_components):
        members = blue[comp == c]
        if len(members) >= 2:
            path = regions.path(members[0], members[-1])
            assert dr.polyline_margin(net, w, path, 0) > 0
            assert dr.check_path(net, w, path, 0, resolution=np.abs(path).max() / 3000).same_class
    if regions.n_components >= 2:
        a, b = blue[comp == 0][0], blue[comp == 1][0]
        with pytest.raises(ValueError, match="different components"):
            regions.path(a, b)


def _island(alpha=0.1, c=1.0):
    """blue = c - sum_i sigma(a_i . x) with a_i at 120 degrees: concave (sum a_i = 0), so a bounded triangle."""
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    M1 = np.column_stack([np.cos(angles), np.sin(angles)])
    net = ll.MLP([2, 3, 2], activation=dr.leaky_relu(alpha))
    return net, net.flatten([(M1, np.zeros(3)), (np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0]]),
                                                  np.array([c, 0.0]))])


def test_bounded_island_and_unbounded_complement():
    net, w = _island()
    blue, red = dr.exact_components(net, w, 0), dr.exact_components(net, w, 1)
    assert (blue.n_components, blue.bounded) == (1, [True])
    assert (red.n_components, red.bounded) == (1, [False])
    # the triangle: sum_i sigma(a_i x) = (1 - alpha) sum_i relu(a_i x) < 1 exactly inside it
    X = np.random.default_rng(0).uniform(-3, 3, (5000, 2))
    M1 = np.asarray(net.unflatten(w)[0][0])
    inside = 0.9 * np.maximum(X @ M1.T, 0).sum(axis=1) < 1.0
    assert np.array_equal(dr.margins(net, w, X, 0) > 0, inside)


def test_far_bridge_is_found():
    ex = dr.bridge_example(1e-3)
    regions = dr.exact_components(ex.net, ex.w, 0)
    assert regions.n_components == 1 and regions.bounded == [False]
    assert regions.box > 2 * ex.bridge
    path = regions.path(*ex.points)
    assert dr.polyline_margin(ex.net, ex.w, path, 0) > 0


def test_empty_region_and_bad_input():
    printed = dr.low_rank_example(as_printed=True)
    assert dr.exact_components(printed.net, printed.w, 1).n_components == 0
    net = ll.MLP([3, 2, 2], activation=dr.leaky_relu(0.1))
    with pytest.raises(ValueError, match="d_in = 2"):
        dr.exact_components(net, net.init(seed=0), 0)
    net = ll.MLP([2, 2, 2], activation="tanh")
    with pytest.raises(ValueError, match="piecewise-linear"):
        dr.exact_components(net, net.init(seed=0), 0)
    net = ll.MLP([2, 2, 2], activation="relu")
    with pytest.raises(ValueError, match="cls"):
        dr.exact_components(net, net.init(seed=0), 2)
