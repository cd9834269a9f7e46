"""Claims of the chapter "Decision regions of narrow networks" (Chapter 5 of Nguyen's thesis).

Every claim sets the library against something computed another way: certificate paths are checked by
evaluating the network along them (exactly, edge by edge, and on a grid of points), counterexamples by the
thesis's closed forms on random points and by a separating slab proved free of the region with linear
programs, components by the exact planar analysis and by grids. The measured strings report counts and rounded
O(1) quantities, so the table is the same on every machine.
"""

from __future__ import annotations

import numpy as np

from ..checks import Result, claim
from ..nets import MLP
from ..sweeps import sweep
from . import decision_regions as dr

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 50

CHAPTER = "decision_regions"


def _random_net(rng, widths, activation, scale=1.0):
    net = MLP(list(widths), activation=activation)
    layers = [(scale * rng.standard_normal((o, i)), scale * rng.standard_normal(o))
              for i, o in zip(widths[:-1], widths[1:])]
    return net, net.flatten(layers)


def _same_class_pairs(rng, net, w, n_pairs, box=4.0):
    """Random pairs of points of one decision region (uniform in a cube, classes by Definition 5.2.1)."""
    X = rng.uniform(-box, box, (400, net.d_in))
    labels = dr.predict(net, w, X)
    pairs = []
    for cls in range(net.d_out):
        idx = np.flatnonzero(labels == cls)
        for _ in range(n_pairs if len(idx) >= 2 else 0):
            a, b = rng.choice(idx, 2, replace=False)
            pairs.append((cls, X[a], X[b]))
    return pairs


@claim(CHAPTER, "Theorem 5.2.3: certificate paths of pyramidal leaky-ReLU nets stay in their region",
       statements=("dec-thm-deep", "dec-lem-preimage", "decision_regions-obs-the-proof-is-an-algorithm"))
def certificate_paths() -> Result:
    rng = np.random.default_rng(0)
    act = dr.leaky_relu(0.1)
    shapes = [(2, 2, 3), (2, 2, 2, 3), (3, 3, 2, 3), (5, 3, 3, 2, 4)]
    total = inside = sampled = 0
    worst_end, smallest = 0.0, np.inf
    for k in range(40):
        net, w = _random_net(rng, shapes[k % len(shapes)], act)
        for cls, xa, xb in _same_class_pairs(rng, net, w, 2):
            path = dr.certificate_path(net, w, xa, xb)
            margin = dr.polyline_margin(net, w, path.points, cls)
            grid = dr.check_path(net, w, path.points, cls, resolution=0.05 * max(1.0, path.max_norm) / 10)
            total += 1
            inside += margin > 0
            sampled += grid.same_class
            smallest = min(smallest, margin / max(1.0, np.abs(net(w, np.vstack([xa, xb]))).max()))
            worst_end = max(worst_end, path.endpoint_error / max(1.0, np.abs(np.vstack([xa, xb])).max()))
    ok = inside == total == sampled and worst_end < 1e-9
    return Result(f"{inside}/{total} paths (exact margin), {sampled}/{total} (sampled); end points within "
                  f"1e-9: {worst_end < 1e-9}", "all paths in their region", ok)


@claim(CHAPTER, "Theorem 5.2.3: each non-empty region of pyramidal 2-D leaky-ReLU nets is connected (exact)",
       statements=("dec-thm-deep",))
def exact_connected() -> Result:
    rng = np.random.default_rng(1)
    act = dr.leaky_relu(0.1)
    counts = {}
    for k in range(30):
        net, w = _random_net(rng, [(2, 2, 2), (2, 2, 3), (2, 2, 2, 3), (2, 2, 1, 3)][k % 4], act, scale=2.0)
        for cls in range(net.d_out):
            n = dr.exact_components(net, w, cls).n_components
            counts[n] = counts.get(n, 0) + 1
    shown = ", ".join(f"{n} component(s): {c}" for n, c in sorted(counts.items()))
    return Result(shown, "only 0 (empty region) or 1", set(counts) <= {0, 1} and counts.get(1, 0) > 0)


@claim(CHAPTER, "Theorem 5.2.4: certificate curves of one-hidden-layer sigmoid/tanh/softplus nets, n_1 <= d",
       statements=("dec-thm-shallow",))
def smooth_certificates() -> Result:
    rng = np.random.default_rng(2)
    total = ok = 0
    for k, act in enumerate(["sigmoid", "tanh", "softplus"] * 3):
        net, w = _random_net(rng, [(2, 2, 3), (3, 2, 3), (3, 3, 2)][k % 3], act)
        for cls, xa, xb in _same_class_pairs(rng, net, w, 1, box=3.0):
            path = dr.certificate_path(net, w, xa, xb, resolution=0.02)
            total += 1
            ok += dr.check_path(net, w, path.points, cls).same_class
    return Result(f"{ok}/{total} curves in their region at resolution 0.02", "all", ok == total > 0)


@claim(CHAPTER, "Lemma 5.2.2 fails for m < n (eq. 5.2): V = {|y| > 1} connected, pre-image {|x| > 2^(-1/6)}",
       statements=("dec-lem-preimage",))
def cubic_lift() -> Result:
    ex = dr.cubic_lift_example()
    x = np.linspace(-2, 2, 400_001)
    inside = ex.in_V(ex.f(x))
    edges = x[1:][inside[1:] != inside[:-1]]
    arc = np.sqrt(2.0) * np.column_stack([np.cos(np.linspace(-np.pi / 4, 3 * np.pi / 4, 1001)),
                                          np.sin(np.linspace(-np.pi / 4, 3 * np.pi / 4, 1001))])
    connected = bool(ex.in_V(arc).all()) and np.allclose(arc[[0, -1]], ex.f([-1.0, 1.0]))
    ok = (not ex.in_V(ex.f([0.0]))[0]) and connected and len(edges) == 2 and \
        np.allclose(np.abs(edges), ex.threshold, atol=2e-5)
    return Result(f"pre-image changes at x = {edges.round(4).tolist()}; f(0) not in V; f(-1), f(1) joined "
                  "in V", f"+-2^(-1/6) = +-{ex.threshold:.4f}", ok)


def _closed_form(ex, n=20_000, seed=3):
    X = np.random.default_rng(seed).uniform(-10, 10, (n, 2))
    return int(np.sum((dr.margins(ex.net, ex.w, X, ex.cls) > 0) != ex.region(X)))


def _separated(ex):
    return dr.separates(ex.net, ex.w, ex.cls, *ex.slab, *ex.points)


@claim(CHAPTER, "Eq. (5.3), non-pyramidal 2-1-2-2: C_1 = {x1+x2 > 2} or {x1+x2 < -4} (printed 'and')",
       statements=("decision_regions-obs-two-printed-formulas-are-wrong", "decision_regions-err-eq-5-3-is-a-union"))
def non_pyramidal() -> Result:
    ex = dr.non_pyramidal_example()
    cond = dr.theorem_conditions(ex.net, ex.w)
    bad = _closed_form(ex)
    n = dr.exact_components(ex.net, ex.w, ex.cls).n_components
    slab = dr.slab_max_margin(ex.net, ex.w, ex.cls, *ex.slab)
    return Result(f"{bad} mismatches in 20000 points, {n} components, max margin on -3.5 <= x1+x2 <= 1.5: "
                  f"{slab:.3f}", "0 mismatches, 2 components, margin < 0",
                  bad == 0 and n == 2 and slab < 0 and _separated(ex) and cond.full_rank
                  and not cond.pyramidal)


@claim(CHAPTER, "Eq. (5.4), rank-1 W_1: as printed the red region is empty; corrected, blue = {|x1| > 1}",
       statements=("decision_regions-obs-two-printed-formulas-are-wrong", "decision_regions-err-the-network-of-eq-5-4"))
def low_rank() -> Result:
    printed = dr.low_rank_example(as_printed=True)
    fixed = dr.low_rank_example()
    X = np.random.default_rng(4).uniform(-3, 3, (20_000, 2))
    red_printed = int(np.sum(dr.margins(printed.net, printed.w, X, 1) > 0))
    red_max = dr.slab_max_margin(printed.net, printed.w, 1, np.array([1.0, 0.0]), -100.0, 100.0)
    bad = _closed_form(fixed)
    n = dr.exact_components(fixed.net, fixed.w, 0).n_components
    rank = dr.theorem_conditions(fixed.net, fixed.w).ranks[0]
    return Result(f"printed: {red_printed} red points, sup(f_red - f_blue) = {abs(red_max):.1f}; corrected: "
                  f"{bad} "
                  f"mismatches, {n} blue components, rank W_1 = {rank}", "0 red; 0 mismatches, 2 components",
                  red_printed == 0 and red_max <= 1e-12 and bad == 0 and n == 2 and rank == 1
                  and _separated(fixed))


@claim(CHAPTER, "Eq. (5.5), ReLU 2-2-2-2, pyramidal and full rank: C_1 is the printed union of two pieces")
def relu_counterexample() -> Result:
    ex = dr.relu_example()
    cond = dr.theorem_conditions(ex.net, ex.w)
    bad = _closed_form(ex)
    n = dr.exact_components(ex.net, ex.w, ex.cls).n_components
    return Result(f"{bad} mismatches in 20000 points, {n} components, slab 1.5 <= x2 <= 3.5 separates: "
                  f"{_separated(ex)}", "0 mismatches, 2 components, True",
                  bad == 0 and n == 2 and _separated(ex) and cond.pyramidal and cond.full_rank)


@claim(CHAPTER, "Width d + 1 already disconnects (explicit full-rank examples, d = 1, 2, 3)",
       statements=("decision_regions-obs-width-d-1-is-tight-with",))
def width_d_plus_one() -> Result:
    found = []
    for d in (1, 2, 3):
        ex = dr.wider_than_input_example(d)
        cond = dr.theorem_conditions(ex.net, ex.w)
        found.append(_separated(ex) and cond.full_rank and ex.net.widths[1] == d + 1)
    n = dr.exact_components(*(lambda e: (e.net, e.w, e.cls))(dr.wider_than_input_example(2))).n_components
    return Result(f"separating slab proved for d = 1, 2, 3: {found}; exact count at d = 2: {n}",
                  "[True, True, True]; 2", all(found) and n == 2)


@claim(CHAPTER, "Bridges: paths between the blue strips cross x1 = 0 above (1 - alpha)/(2 eps)",
       statements=("decision_regions-obs-bridges-go-to-infinity-only-in",))
def bridges() -> Result:
    heights, ok = [], True
    for eps in (0.1, 0.01, 0.001):
        ex = dr.bridge_example(eps)
        path = dr.certificate_path(ex.net, ex.w, *ex.points)
        crossing = _crossing_height(path.points)
        regions = dr.exact_components(ex.net, ex.w, 0)
        ok &= dr.polyline_margin(ex.net, ex.w, path.points, 0) > 0 and regions.n_components == 1
        grid = dr.grid_components(ex.net, ex.w, 0, (-3, 3, -3, 3), 121)
        ok &= crossing > ex.bridge and grid.n_components == 2
        heights.append(f"{crossing / ex.bridge:.2f}")
    return Result(f"crossing height / bound = {', '.join(heights)}; exact: 1 component; grid on [-3, 3]^2: 2",
                  "> 1", ok)


def _crossing_height(points):
    """Largest x_2 at which the polygon crosses the line x_1 = 0."""
    best = -np.inf
    for p, q in zip(points[:-1], points[1:]):
        if (p[0] <= 0) != (q[0] <= 0):
            s = p[0] / (p[0] - q[0])
            best = max(best, p[1] + s * (q[1] - p[1]))
    return best


def _trained(dataset, width, seed):
    """A trained network (cached on disk by :func:`landscapelab.sweep`, shared with the chapter's demos)."""
    X, y = dr.DATASETS[dataset](400, 0)
    net = MLP([2, width, 2], activation=dr.leaky_relu(0.1))
    row = sweep(dr.trained_classifier, {"dataset": [dataset], "widths": [(2, width, 2)]}, seeds=[seed],
                cache=True, progress=False)[0]
    return net, row["w"], X, y


@claim(CHAPTER, "A trained width-2 net fits the strips (5.4); its blue region joins far outside the data",
       statements=("decision_regions-obs-bridges-go-to-infinity-only-in",))
def trained_narrow() -> Result:
    net, w, X, y = _trained("strips (5.4)", 2, 1)
    errors = int(np.sum(dr.predict(net, w, X) != y))
    blue = X[(y == 0) & (dr.predict(net, w, X) == 0)]
    path = dr.certificate_path(net, w, blue[blue[:, 0] < 0][0], blue[blue[:, 0] > 0][0])
    margin = dr.polyline_margin(net, w, path.points, 0)
    out = np.asarray(net(w, dr.densify(path.points, 0.05)))
    p_blue = 1.0 / (1.0 + np.exp(out[:, 1] - out[:, 0]))
    far = np.abs(path.points).max()
    # training amplifies round-off, so the row reports the statements, not the digits of this machine
    return Result(f"<= 2 training errors: {errors <= 2}; path in region: {margin > 0}; path reaches |x| > 10: "
                  f"{far > 10}; p(blue) > 0.9 along it: {p_blue.min() > 0.9}",
                  "connected, path leaves the data window (|x| <= 2)",
                  errors <= 2 and margin > 0 and far > 10)


@claim(CHAPTER, "Grid counts lie: trained width-10 net on the strips, exact 1 component, grid window 2",
       statements=("decision_regions-obs-trained-networks-wider-than-d-need",))
def grid_overcounts() -> Result:
    net, w, X, y = _trained("strips (5.4)", 10, 1)
    errors = int(np.sum(dr.predict(net, w, X) != y))
    regions = dr.exact_components(net, w, 0)
    left, right = X[(y == 0) & (X[:, 0] < 0)][0], X[(y == 0) & (X[:, 0] > 0)][0]
    path = regions.path(left, right)
    grid = dr.grid_components(net, w, 0, (-3, 3, -3, 3), 201)
    ok = regions.n_components == 1 and dr.polyline_margin(net, w, path, 0) > 0 and grid.n_components == 2
    return Result(f"<= 1 training error: {errors <= 1}; exact: {regions.n_components} (path verified); "
                  f"grid on [-3, 3]^2: {grid.n_components}", "exact 1, grid 2", ok)


@claim(CHAPTER, "Wider than d, a trained net separates the two disks: 2 bounded components, LP slab between")
def trained_wide() -> Result:
    net, w, X, y = _trained("two disks", 10, 1)
    errors = int(np.sum(dr.predict(net, w, X) != y))
    regions = dr.exact_components(net, w, 0)
    # the exact analysis proposes a vertical gap between the components; a separate LP computation verifies it
    spans = sorted((min(q[:, 0].min() for q in closed), max(q[:, 0].max() for q in closed))
                   for closed in regions.polygons)
    sep = False
    if len(spans) == 2 and spans[0][1] < spans[1][0]:
        lo, hi = spans[0][1], spans[1][0]
        pad = 0.25 * (hi - lo)
        sep = dr.separates(net, w, 0, np.array([1.0, 0.0]), lo + pad, hi - pad, *regions.points[:2])
    return Result(f"<= 1 training error: {errors <= 1}; exact: {regions.n_components} blue components, bounded: "
                  f"{regions.bounded}; "
                  f"vertical slab between them free of blue (LP): {sep}", "2 bounded components, True",
                  regions.n_components == 2 and all(regions.bounded) and sep)
