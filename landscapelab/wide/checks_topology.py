"""Claims of the chapter "The topology of the loss" (``book/loss_topology.ipynb``; thesis Chapters 3 and 4),
chapter key ``"loss_topology"``.

The loss along every constructed path is re-evaluated by the core :class:`landscapelab.MLP` and
:func:`landscapelab.loss_function` (a different forward pass from the one that built the path), ranks with SciPy's
``gesvd``, gradients with autograd.
"""

from __future__ import annotations

import functools

import autograd
import autograd.numpy as anp
import numpy as np
from scipy.linalg import svd as scipy_svd

from ..checks import Result, claim
from ..losses import loss_function
from ..nets import MLP
from . import activations as acts
from . import paths as pa
from . import skip as sk
from . import skipnet as sn
from . import sublevel as sl
from .features import thesis_layers
from .training import regression_problem, train_minimum
from .valleys import bad_valley, gradient_descent_1d

#: Place of the chapter in ``landscapelab verify`` (book order: right after the wide-layers chapter).
POSITION = 41

EPS = np.finfo(np.float64).eps
LEAKY = acts.leaky_relu(0.2)


def _rank(F) -> int:
    s = scipy_svd(F, compute_uv=False, lapack_driver="gesvd")
    return int(np.sum(s > 0.5 * np.sqrt(sum(F.shape) + 1.0) * s[0] * EPS))


def _dense_losses(path, X, Y):
    """The loss at every point of the path, by the core network and loss (independent forward pass)."""
    net = MLP(list(path.widths), activation=LEAKY)
    f = loss_function(net, X, Y, loss="square", scale=0.5)
    return np.array([f(w) for w in path.flat(net)])


@claim("loss_topology", "Lemma 3.4.10: F c(lambda) = F W along the curve; F c(1) ignores the columns outside I",
       statements=("topo-lem-absorb",))
def absorb_curve() -> Result:
    rng = np.random.default_rng(0)
    F = rng.standard_normal((8, 5)) @ rng.standard_normal((5, 12))
    W = rng.standard_normal((12, 3))
    I = pa.independent_columns(F)
    curve, _ = pa.absorb(F, W, I)
    drift = max(np.abs(F @ curve(lam) - F @ W).max() for lam in np.linspace(0, 1, 11)) / np.abs(F @ W).max()
    rest = np.setdiff1d(np.arange(12), I)
    G = F.copy()
    G[:, rest] = rng.standard_normal((8, len(rest)))
    ignored = np.abs(G @ curve(1.0) - F @ W).max() / np.abs(F @ W).max()
    ok = len(I) == 5 and drift < 1e-12 and ignored < 1e-12
    return Result(f"|I| = {len(I)}; relative drift {'< 1e-12' if drift < 1e-12 else f'{drift:.0e}'}; "
                  f"changing F(:, Ibar) changes F c(1) by {'< 1e-12' if ignored < 1e-12 else f'{ignored:.0e}'}",
                  "5; < 1e-12; < 1e-12", ok)


@claim("loss_topology", "Lemma 3.4.11 / Assumption 3.4.2: rank of the shifts sigma(v + b 1), 20 entries",
       statements=("loss_topology-obs-assumption-3-4-2-is-easy",))
def shift_spans() -> Result:
    v = np.random.default_rng(0).uniform(-3, 3, 20)
    b = np.linspace(-6, 6, 400)
    ref = {"leaky_relu(0.2)": lambda t: np.maximum(0.2 * t, t), "relu": lambda t: np.maximum(t, 0),
           "elu": lambda t: np.where(t > 0, t, np.expm1(np.minimum(t, 0))), "exp": np.exp,
           "cube": lambda t: t**3, "identity": lambda t: t}
    expect = {"leaky_relu(0.2)": 20, "relu": 20, "elu": 20, "exp": 1, "cube": 4, "identity": 2}
    got = {name: _rank(fn(v[:, None] + b[None, :])) for name, fn in ref.items()}
    lib = {name: pa.shift_span_rank(v, name, b) for name in ref}
    ok = got == expect == lib
    return Result(", ".join(f"{k.split('(')[0]} {got[k]}" for k in ref), "20, 20, 20, 1, 4, 2", ok)


@claim("loss_topology", "Lemma 3.4.6: h realises any output (N = 8 <= d = 10, widths 5 > 2, leaky ReLU)",
       statements=("topo-lem-h",))
def h_map_realises() -> Result:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 10))
    net = MLP([10, 5, 2], activation=LEAKY)
    layers = thesis_layers(net, net.init(seed=1))
    A = 10 * rng.standard_normal((8, 2))
    layers[0] = sl.h_map(X, layers, A, LEAKY, 2)
    err = np.abs(net(net.flatten([(W.T, b) for W, b in layers]), X) - A).max() / np.abs(A).max()
    return Result(f"relative error {'< 1e-12' if err < 1e-12 else f'{err:.0e}'}", "< 1e-12", err < 1e-12)


@claim("loss_topology", "Theorem 3.4.9: with rank X = N, the path F_L = (1-t) A + t Y through h never climbs",
       statements=("topo-lem-h",))
def independent_data_descent() -> Result:
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((8, 10)), rng.standard_normal((8, 2))
    net = MLP([10, 6, 4, 2], activation=LEAKY)
    layers = thesis_layers(net, net.init(seed=2))
    f = loss_function(net, X, Y, loss="square", scale=0.5)
    A = net(net.flatten([(W.T, b) for W, b in layers]), X)
    losses = []
    for t in np.linspace(0, 1, 51):
        layers[0] = sl.h_map(X, layers, (1 - t) * A + t * Y, LEAKY, 3)
        losses.append(f(net.flatten([(W.T, b) for W, b in layers])))
    losses = np.array(losses)
    rise = float(np.max(np.diff(losses)) / losses[0])
    ok = rise < 1e-12 and losses[-1] < 1e-20
    return Result(f"loss {losses[0]:.1f} -> {'< 1e-20' if losses[-1] < 1e-20 else f'{losses[-1]:.0e}'}, largest rise "
                  f"{'< 1e-12' if rise < 1e-12 else f'{rise:.0e}'}", "-> 0, never rising", ok)


@claim("loss_topology", "Lemma 3.4.14: constant-output path from rank F_1 <= d+1 (all biases +50) to rank N",
       statements=("topo-lem-moves", "loss_topology-obs-rank-deficient-points-are-harmless-here"))
def rank_repair() -> Result:
    X, Y = regression_problem(20, 10, 1, seed=0)
    net = MLP([10, 40, 1], activation=LEAKY)
    layers = thesis_layers(net, net.init(seed=3))
    layers[0] = (layers[0][0], np.full(40, 50.0))
    before = _rank(np.asarray(LEAKY(X @ layers[0][0] + layers[0][1])))
    walker = pa.Walker(layers, steps=20)
    pa.make_full_rank(walker, X, LEAKY, 1, seed=0)
    flat = [net.flatten([(W.T, b) for W, b in p]) for p in walker.points]
    out0 = net(flat[0], X)
    drift = max(np.abs(net(w, X) - out0).max() for w in flat) / np.abs(out0).max()
    W1, b1 = walker.layers[0]
    after = _rank(np.asarray(LEAKY(X @ W1 + b1)))
    ok = before <= 11 and after == 20 and drift < 1e-9
    return Result(f"rank {before} -> {after}; output drift {'< 1e-9' if drift < 1e-9 else f'{drift:.0e}'}",
                  "<= 11 -> 20; < 1e-9", ok)


@claim("loss_topology", "Lemma 3.4.15: moving layer 1 to a copy W' (n_1 = 2N = 40) keeps output and loss",
       statements=("topo-lem-moves",))
def copy_layer_path() -> Result:
    X, Y = regression_problem(20, 10, 1, seed=0)
    net = MLP([10, 40, 1], activation=LEAKY)
    Wt, bt = thesis_layers(net, net.init(seed=4))[0]
    walker = pa.Walker(thesis_layers(net, net.init(seed=3)), steps=20)
    pa.copy_layer(walker, X, LEAKY, Wt, bt, 1)
    f = loss_function(net, X, Y, loss="square", scale=0.5)
    flat = [net.flatten([(W.T, b) for W, b in p]) for p in walker.points]
    out0 = net(flat[0], X)
    drift = max(np.abs(net(w, X) - out0).max() for w in flat) / np.abs(out0).max()
    losses = np.array([f(w) for w in flat])
    (W1, b1), (V, c) = walker.layers
    Z = X @ Wt + bt
    end = np.maximum(0.2 * Z, Z) @ V + c             # the copied network written out, not through the library
    end_err = max(np.abs(end - out0).max() / np.abs(out0).max(),
                  abs(0.5 * np.sum((end - Y) ** 2) - losses[0]) / losses[0])
    spread = (losses.max() - losses.min()) / losses[0]
    narrow = MLP([10, 39, 1], activation=LEAKY)
    try:
        Wn, bn = thesis_layers(narrow, narrow.init(seed=4))[0]
        pa.copy_layer(pa.Walker(thesis_layers(narrow, narrow.init(seed=3))), X, LEAKY, Wn, bn, 1)
        refused = False
    except ValueError:
        refused = True
    exact = np.array_equal(W1, Wt) and np.array_equal(b1, bt)
    worst = max(drift, end_err, spread)
    ok = exact and worst < 1e-12 and refused
    drift_text = "< 1e-12" if worst < 1e-12 else f"{worst:.0e}"
    return Result(f"W_1(1) {'= W' if exact else '!= W'}'; output, loss drift {drift_text}; "
                  f"n_1 = 39 {'refused' if refused else 'run'}",
                  "= W'; < 1e-12; refused", ok)


@functools.lru_cache(maxsize=1)
def _minima_paths():
    """Two L-BFGS minima (seeds 1, 2) of [10, 40, 1] and of [10, 40, 4, 1] on one data set, and Theorem 3.4.16's
    path between them (computed once for the two claims that look at it; nothing mutates them)."""
    X, Y = regression_problem(20, 10, 1, seed=0)
    runs = []
    for widths in ([10, 40, 1], [10, 40, 4, 1]):
        a, la = train_minimum(widths, X, Y, LEAKY, seed=1)
        b, lb = train_minimum(widths, X, Y, LEAKY, seed=2)
        runs.append((a, b, la, lb, sl.connect(a, b, X, Y, LEAKY, steps=20)))
    return X, Y, runs


@claim("loss_topology", "Theorem 3.4.16: path between two L-BFGS minima stays below the larger end loss",
       statements=("topo-thm-main", "loss_topology-obs-the-paths-are-real"))
def path_between_minima() -> Result:
    X, Y, runs = _minima_paths()
    rows = []
    for a, b, la, lb, path in runs:
        dense = _dense_losses(path, X, Y)
        _, straight = sl.straight_line(a, b, X, Y, LEAKY, n=101)
        rows.append((dense.max() <= max(la, lb) + 1e-9, max(la, lb), straight.max()))
    ok = all(r[0] for r in rows) and all(r[1] < 1e-9 for r in rows) and all(r[2] > 1.0 for r in rows)
    return Result("max on path <= max(ends) + 1e-9 for L = 2 and L = 3; straight-line maxima "
                  f"{rows[0][2]:.1f}, {rows[1][2]:.1f}", "path flat at ~0, straight line > 1", ok)


@claim("loss_topology", "The paths are long: Theorem 3.4.16's paths (L = 2, 3) are several times as long as the "
                        "distance of their ends and pass far from both (polyline through the sampled points, a lower "
                        "bound on the length)", statements=("loss_topology-obs-the-paths-are-long",))
def paths_are_long() -> Result:
    _, _, runs = _minima_paths()
    ratios, detours = [], []
    for _, _, _, _, path in runs:
        points = np.array(list(path.flat(MLP(list(path.widths), activation=LEAKY))))
        ends = float(np.linalg.norm(points[-1] - points[0]))
        ratios.append(float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum()) / ends)
        nearer = np.minimum(np.linalg.norm(points - points[0], axis=1), np.linalg.norm(points - points[-1], axis=1))
        detours.append(float(nearer.max()) / ends)
    ok = min(ratios) > 1.5 and min(detours) > 0.5
    return Result(f"length / distance of the ends {ratios[0]:.1f}, {ratios[1]:.1f}; farthest point from the nearer "
                  f"end {detours[0]:.1f}, {detours[1]:.1f} x that distance", "> 1.5; > 0.5 (a straight path: 1; 0.5)",
                  bool(ok))


@claim("loss_topology", "Theorem 3.4.13: non-increasing path from a random point to zero loss ([10, 40, 4, 1])",
       statements=("topo-thm-main",))
def descent_to_zero() -> Result:
    X, Y = regression_problem(20, 10, 1, seed=0)
    net = MLP([10, 40, 4, 1], activation=LEAKY)
    layers = thesis_layers(net, net.init(seed=5))
    path = sl.descent_path(layers, X, Y, LEAKY, 1, steps=20)
    dense = _dense_losses(path, X, Y)
    rise = float(np.max(np.diff(dense)) / dense[0])
    ok = rise < 1e-12 and dense[-1] < 1e-20 and dense[0] > 1
    return Result(f"loss {dense[0]:.1f} -> {'< 1e-20' if dense[-1] < 1e-20 else f'{dense[-1]:.0e}'}; largest "
                  f"relative rise {'< 1e-12' if rise < 1e-12 else f'{rise:.0e}'}", "-> 0, never rising", ok)


@claim("loss_topology", "Figure 3.1 (right): only local minimum is global, yet GD from x = 4 stays at f > 0")
def bad_valley_without_minimum() -> Result:
    x = np.linspace(-5, 40, 450_001)
    y = bad_valley(x)
    d = np.diff(y)
    turns = np.nonzero(np.sign(d[1:]) != np.sign(d[:-1]))[0] + 1
    minima = [i for i in turns if d[i - 1] < 0 < d[i]]
    xs = gradient_descent_1d(4.0, step=1.0, iterations=2000)
    ok = (len(minima) == 1 and abs(x[minima[0]]) < 1e-2 and y[minima[0]] < -0.99 and np.all(np.diff(xs) > 0)
          and bad_valley(xs).min() > 0)
    return Result(f"{len(minima)} local minimum (x = {abs(x[minima[0]]):.2f}, f = {y[minima[0]]:.3f}); GD x: 4 -> "
                  f"{xs[-1]:.1f}, min f = {bad_valley(xs).min():.3f}", "1 (global); f > 0 along GD", ok)


@claim("loss_topology", "Theorem 4.3.4 (2): in a skip net (M = N = 40) the straight move of V to Psi V* = Y descends",
       statements=("topo-thm-skip",))
def skip_descent() -> Result:
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((40, 5)), rng.standard_normal((40, 2))
    net = MLP([5, 20, 20, 1], activation="softplus")
    w = net.init(seed=4)
    units = sk.skip_units(net.widths, 40, seed=5)
    Psi = sk.skip_matrix(net, w, X, units)
    V_star, residual = sk.random_feature_fit(Psi, Y)
    V0 = rng.standard_normal(V_star.shape)
    feats = [net.features(w, X, layer=1), net.features(w, X, layer=2)]
    Psi_ref = np.column_stack([feats[l - 1][:, j] for l, j in units])
    losses = np.array([0.5 * np.sum((Psi_ref @ ((1 - t) * V0 + t * V_star) - Y) ** 2) for t in np.linspace(0, 1, 51)])
    ok = np.all(np.diff(losses) <= 1e-12 * losses[0]) and losses[-1] < 1e-16 and _rank(Psi_ref) == 40
    end = "< 1e-16" if losses[-1] < 1e-16 else f"{losses[-1]:.0e}"
    return Result(f"rank Psi {_rank(Psi_ref)}; loss {losses[0]:.0f} -> {end}, never rising", "40; -> 0, never rising",
                  ok)


@claim("loss_topology", "Chapter 4 skip net: Numba and NumPy loss/gradient agree with autograd")
def skipnet_gradient() -> Result:
    rng = np.random.default_rng(0)
    d, w, depth, m, N = 5, 4, 6, 3, 17
    units = sk.skip_units([d] + [w] * depth + [m], 7, seed=1)
    worst = 0.0
    for act in sn.ACTIVATIONS:
        net = sn.SkipNet(d, w, depth, m, units, act)
        th = net.init(3) + 0.1 * rng.standard_normal(net.n_params)
        X, y = rng.standard_normal((N, d)), rng.integers(0, m, N)

        def f(t, net=net, X=X, y=y, act=act):
            W1, Ws, b, Wo, bo, V = net.unflatten(t)
            H, hs = X, []
            for l in range(depth):
                Z = H @ (W1 if l == 0 else Ws[l - 1]) + b[l]
                H = anp.logaddexp(0, Z) if act == "softplus" else 1 / (1 + anp.exp(-Z))
                hs.append(H)
            G = H @ Wo + bo + anp.stack([hs[l - 1][:, u] for l, u in units], axis=1) @ V
            return anp.mean(anp.log(anp.sum(anp.exp(G), 1)) - G[np.arange(N), y])

        ga = autograd.grad(f)(th)
        for backend in ("numba", "numpy"):
            loss, _, g = net.loss_grad(th, X, y, backend)
            worst = max(worst, abs(loss - f(th)), np.abs(g - ga).max() / np.abs(ga).max())
    return Result(f"largest relative difference {'< 1e-12' if worst < 1e-12 else f'{worst:.0e}'}", "< 1e-12",
                  worst < 1e-12)


@claim("loss_topology", "Figure 4.3 toy is a plateau: at the initial point of the chapter's plain depth-50 softplus "
                        "net (width 10, N = 100) the first layer's gradient is < 1e-12 (autograd) and the last hidden "
                        "layer has rank <= 2 (gesvd)", statements=("loss_topology-obs-the-toy-figure-4-3-is",))
def plain_deep_plateau() -> Result:
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((100, 20)), rng.integers(0, 10, 100)
    net = sn.SkipNet(20, 10, 50, 10, (), "softplus")     # no skip units: the plain network of the chapter's runs

    def hidden(t):
        W1, Ws, b, _, _, _ = net.unflatten(t)
        H = X
        for layer in range(50):
            H = anp.logaddexp(0, H @ (W1 if layer == 0 else Ws[layer - 1]) + b[layer])
        return H

    def loss(t):
        G = hidden(t) @ net.unflatten(t)[3] + net.unflatten(t)[4]
        return anp.mean(anp.log(anp.sum(anp.exp(G), 1)) - G[np.arange(100), y])

    theta = net.init(2)
    W1, _, _, Wo, _, _ = net.unflatten(np.asarray(autograd.grad(loss)(theta)))
    first, top, rank = float(np.linalg.norm(W1)), float(np.linalg.norm(Wo)), _rank(hidden(theta))
    ok = first < 1e-12 and rank <= 2 and top > 0.1
    return Result(f"||grad W_1|| {'< 1e-12' if first < 1e-12 else f'{first:.1e}'}, output layer {top:.2f}; "
                  f"rank of the last hidden layer {rank} of 10", "< 1e-12; > 0.1; <= 2", bool(ok))
