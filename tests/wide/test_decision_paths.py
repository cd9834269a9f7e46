"""Certificate paths (the proof of Theorem 5.2.3 as an algorithm), checked independently of their construction:
the network is evaluated along each path with ``MLP.__call__`` at a stated resolution, the last hidden layer's
image of the path is compared with the straight segment of the proof, and the exact edge-by-edge margin is
compared with dense sampling."""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.wide import decision_regions as dr

SLOPE = 0.1
SHAPES = [(2, 2, 2), (2, 2, 3), (2, 2, 2, 2, 3), (3, 3, 2, 3), (4, 3, 3, 2, 4), (5, 5, 4, 3, 3)]


def random_net(widths, seed, activation=None, scale=1.0):
    rng = np.random.default_rng(seed)
    net = ll.MLP(list(widths), activation=activation or dr.leaky_relu(SLOPE))
    layers = [(scale * rng.standard_normal((o, i)), scale * rng.standard_normal(o))
              for i, o in zip(widths[:-1], widths[1:])]
    return net, net.flatten(layers)


def pairs_in_regions(net, w, seed, box=4.0, per_class=2):
    rng = np.random.default_rng(seed + 1000)
    X = rng.uniform(-box, box, (500, net.d_in))
    out = np.asarray(net(w, X))
    labels = out.argmax(axis=1)
    for cls in range(net.d_out):
        idx = np.flatnonzero(labels == cls)
        for _ in range(per_class if len(idx) > 1 else 0):
            a, b = rng.choice(idx, 2, replace=False)
            yield cls, X[a], X[b]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(6))
def test_leaky_path_stays_in_region_at_resolution(shape, seed):
    net, w = random_net(shape, seed)
    checked = 0
    for cls, xa, xb in pairs_in_regions(net, w, seed):
        path = dr.certificate_path(net, w, xa, xb)
        scale = max(1.0, np.abs(path.points).max())
        assert path.exact and path.cls == cls
        assert np.abs(path.points[0] - xa).max() <= 1e-10 * scale
        assert np.abs(path.points[-1] - xb).max() <= 1e-10 * scale
        # independent check: evaluate the network on points at most h apart along the polygon
        h = scale / 2000
        P = np.vstack([p + np.linspace(0, 1, int(np.ceil(np.linalg.norm(q - p) / h)) + 1)[:, None] * (q - p)
                       for p, q in zip(path.points[:-1], path.points[1:])])
        gaps = np.linalg.norm(np.diff(P, axis=0), axis=1)
        assert gaps.max() <= h * (1 + 1e-9)
        out = np.asarray(net(w, P))
        assert np.all(out.argmax(axis=1) == cls)
        # the proof's object: f_{L-1} maps the path onto the straight segment between the end points' features
        feats = np.asarray(net.features(w, path.points))
        ya, yb = np.asarray(net.features(w, np.vstack([xa, xb])))
        seg = (1 - path.t)[:, None] * ya + path.t[:, None] * yb
        assert np.abs(feats - seg).max() <= 1e-8 * max(1.0, np.abs(seg).max())
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("seed", range(10))
def test_polyline_margin_is_the_minimum_along_the_polygon(seed):
    net, w = random_net(SHAPES[seed % len(SHAPES)], seed, scale=2.0)
    rng = np.random.default_rng(seed)
    V = rng.uniform(-3, 3, (4, net.d_in))
    cls = int(rng.integers(net.d_out))
    exact = dr.polyline_margin(net, w, V, cls)
    P = dr.densify(V, 1e-4)
    sampled = dr.margins(net, w, P, cls)
    lipschitz = np.prod([np.linalg.norm(M, 2) for M, _ in net.unflatten(w)]) * 2
    assert exact <= sampled.min() + 1e-12
    assert sampled.min() - exact <= lipschitz * 1e-4


def test_densify_spacing_and_vertices():
    V = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0], [3.0, 0.0]])
    P = dr.densify(V, 0.3)
    gaps = np.linalg.norm(np.diff(P, axis=0), axis=1)
    assert gaps.max() <= 0.3 + 1e-12
    for v in V:
        assert np.min(np.linalg.norm(P - v, axis=1)) == 0.0
    with pytest.raises(ValueError, match="resolution"):
        dr.densify(V, 0.0)


def test_check_path_sees_a_path_that_leaves_the_region():
    ex = dr.low_rank_example()
    straight = ex.points                        # crosses the red strip |x1| < 1
    result = dr.check_path(ex.net, ex.w, straight, 0, resolution=0.01)
    assert not result.same_class and result.min_margin < 0 and result.n_points >= 300
    assert result.resolution <= 0.01 * (1 + 1e-12)
    assert dr.polyline_margin(ex.net, ex.w, straight, 0) == pytest.approx(-(1 - 0.1), abs=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "elu", "arctan"])
@pytest.mark.parametrize("seed", range(4))
def test_one_hidden_layer_smooth_curves(activation, seed):
    net, w = random_net([(2, 2, 3), (3, 2, 3), (3, 3, 2), (4, 2, 2)][seed], seed, activation=activation)
    cond = dr.theorem_conditions(net, w)
    assert cond.theorem_524 and not cond.theorem_523
    for cls, xa, xb in pairs_in_regions(net, w, seed, box=3.0, per_class=1):
        path = dr.certificate_path(net, w, xa, xb, resolution=0.01)
        assert not path.exact
        check = dr.check_path(net, w, path.points, cls)
        assert check.same_class and check.resolution <= 0.01 * (1 + 1e-12)
        feats = np.asarray(net.features(w, path.points))
        ya, yb = np.asarray(net.features(w, np.vstack([xa, xb])))
        seg = (1 - path.t)[:, None] * ya + path.t[:, None] * yb
        assert np.abs(feats - seg).max() <= 1e-7


def test_deep_sigmoid_pull_back_can_leave_the_range():
    failures = 0
    for seed in range(20):
        net, w = random_net((2, 2, 2, 3), seed, activation="sigmoid", scale=3.0)
        for _, xa, xb in pairs_in_regions(net, w, seed, per_class=1):
            try:
                dr.certificate_path(net, w, xa, xb, check=False)
            except ValueError as err:
                assert "leaves sigma(R)" in str(err)
                failures += 1
    assert failures > 0


def test_hypotheses_are_enforced():
    with pytest.raises(ValueError, match="pyramidal"):
        ex = dr.non_pyramidal_example()
        dr.certificate_path(ex.net, ex.w, *ex.points)
    with pytest.raises(ValueError, match="rank"):
        ex = dr.low_rank_example()
        dr.certificate_path(ex.net, ex.w, *ex.points)
    with pytest.raises(ValueError, match="not covered|no inverse|constant"):
        ex = dr.relu_example()
        dr.certificate_path(ex.net, ex.w, np.array([0.0, 0.0]), np.array([-0.5, 0.0]))
    net, w = random_net((2, 2, 2, 3), 0, activation="sigmoid")
    with pytest.raises(ValueError, match="not covered"):
        dr.certificate_path(net, w, np.zeros(2), np.ones(2))
    net, w = random_net((2, 2, 2), 3)
    X = np.random.default_rng(0).uniform(-4, 4, (200, 2))
    labels = dr.predict(net, w, X)
    a, b = np.flatnonzero(labels == 0)[0], np.flatnonzero(labels == 1)[0]
    with pytest.raises(ValueError, match="same decision region"):
        dr.certificate_path(net, w, X[a], X[b])
    with pytest.raises(ValueError, match="xa"):
        dr.certificate_path(net, w, np.zeros(3), X[b])
    with pytest.raises(ValueError, match="piecewise-linear"):
        sig, ws = random_net((2, 2, 2), 0, activation="sigmoid")
        dr.polyline_margin(sig, ws, np.zeros((2, 2)), 0)


def test_bridge_path_rises_above_the_bound():
    for eps in (0.1, 0.01, 0.001):
        ex = dr.bridge_example(eps)
        path = dr.certificate_path(ex.net, ex.w, *ex.points)
        # on x1 = 0 the blue margin is 2 sigma(eps x2) - (1 - alpha): positive iff x2 > bridge
        xs = np.linspace(-2 * ex.bridge, 3 * ex.bridge, 2001)
        m = dr.margins(ex.net, ex.w, np.column_stack([np.zeros_like(xs), xs]), 0)
        near = np.abs(xs - ex.bridge) < 1e-9 * ex.bridge
        assert np.all(((m > 0) == (xs > ex.bridge)) | near)
        crossings = [p[1] + p[0] / (p[0] - q[0]) * (q[1] - p[1])
                     for p, q in zip(path.points[:-1], path.points[1:]) if (p[0] <= 0) != (q[0] <= 0)]
        assert len(crossings) >= 1 and max(crossings) > ex.bridge
        assert dr.polyline_margin(ex.net, ex.w, path.points, 0) > 0
