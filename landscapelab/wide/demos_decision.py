"""Demos and figures of the chapter "Decision regions of narrow networks" (Chapter 5 of Nguyen's thesis).

Slider demos (each a :class:`landscapelab.demos.Demo`; networks are trained and analysed once, ``draw`` only
plots):

* :func:`explorer`: trained one-hidden-layer networks on the strips (5.4) and two-disk data as the width moves
  across ``d = 2``: the decision regions near the data and far out, the certificate path of Theorem 5.2.3 for
  ``n_1 <= 2``, the exact component count (and a path from the exact analysis when the region is connected),
  and the grid count in the data window;
* :func:`gallery`: the exact examples of Chapter 5 (each hypothesis of Theorem 5.2.3 dropped in turn, width
  ``d + 1``, bridges) at two zooms, with their witness points and separating slabs.

Static figures: :func:`certificate_figure`, :func:`examples_figure`, :func:`bridge_figure`,
:func:`window_figure`. Tables: :func:`random_net_counts`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.patches import Polygon, Rectangle

from .. import plotting
from .._validate import number_sequence, positive_int, positive_number, real
from ..demos import Demo
from ..nets import MLP
from ..sweeps import sweep
from . import decision_regions as dr

__all__ = ["trained_nets", "explorer", "gallery_data", "gallery", "certificate_figure", "examples_figure",
           "bridge_data", "bridge_figure", "window_figure", "random_net_counts", "REGION_CMAP", "POINT_COLOURS",
           "WIDTHS", "DATASETS", "SEED"]

#: Region colours: ties (-1), class 0 (blue), class 1 (red), class 2.
REGION_CMAP = ListedColormap(["0.8", "#b9d3f0", "#f4c2bd", "#cfe8c4"])
POINT_COLOURS = ("#1f5fa8", "#b8332a", "#3a7d2c")
WIDTHS = (1, 2, 3, 4, 6, 10)
DATASETS = ("strips (5.4)", "two disks")
SEED = 1


def _draw_regions(ax, net, w, window, resolution=201):
    """Colour the decision regions of a 2-input network on ``window`` (ties grey); returns the image."""
    xs, ys, labels = dr.class_image(net, w, window, resolution)
    image = ax.imshow(labels + 1, origin="lower", extent=window, cmap=REGION_CMAP, vmin=0, vmax=3,
                      interpolation="nearest", aspect="auto")
    ax.set_xlim(window[0], window[1])
    ax.set_ylim(window[2], window[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return image


def _draw_exact(ax, regions, window):
    """Draw the exact polygons of a region (:func:`.decision_regions_exact.exact_components`) in its class
    colour over the colour of class 1, with dark edges: no pixels, so thin wedges far out stay visible."""
    ax.set_facecolor(REGION_CMAP.colors[2])
    for closed in regions.polygons:
        for q in closed:
            if len(q) >= 3:
                ax.add_patch(Polygon(q, closed=True, facecolor=REGION_CMAP.colors[regions.cls + 1],
                                     edgecolor=POINT_COLOURS[regions.cls], lw=0.8))
    ax.set_xlim(window[0], window[1])
    ax.set_ylim(window[2], window[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def _draw_data(ax, X, y, size=6):
    """Scatter the samples coloured by class."""
    for cls in np.unique(y):
        ax.scatter(*X[y == cls].T, s=size, color=POINT_COLOURS[cls], linewidths=0, zorder=3)


def _square(r):
    return (-r, r, -r, r)


# -------------------------------------------------------------------------------------------- trained nets
@lru_cache(maxsize=1)
def trained_nets() -> dict:
    """Trained ``[2, n_1, 2]`` leaky-ReLU (0.1) networks on :data:`DATASETS` for :data:`WIDTHS` (seed 1), with
    their analysis: ``{(dataset, n_1): dict(net, w, errors, regions, grid, path, path_kind, X, y)}``.

    Returns
    -------
    dict
    """
    table = sweep(dr.trained_classifier, {"dataset": list(DATASETS), "widths": [(2, n, 2) for n in WIDTHS]},
                  seeds=[SEED], cache=True, desc="training")
    out = {}
    for row in table:
        X, y = dr.DATASETS[row["dataset"]](400, 0)
        n1 = row["widths"][1]
        net = MLP(list(row["widths"]), activation=dr.leaky_relu(0.1))
        w = row["w"]
        out[row["dataset"], n1] = _analyse(net, w, X, y, row["errors"])
    return out


def _analyse(net, w, X, y, errors):
    regions = dr.exact_components(net, w, 0)
    window = _square(1.25 * np.abs(X).max())
    grid = dr.grid_components(net, w, 0, window, 201)
    blue = X[(y == 0) & (dr.predict(net, w, X) == 0)]
    left, right = blue[blue[:, 0] < 0], blue[blue[:, 0] > 0]
    path, kind = None, None
    if len(left) and len(right):
        a, b = left[np.argmin(left[:, 0])], right[np.argmax(right[:, 0])]
        if dr.theorem_conditions(net, w).theorem_523:
            path, kind = dr.certificate_path(net, w, a, b).points, "certificate path (thesis Thm 5.2.3)"
        elif regions.component_of(a) == regions.component_of(b) >= 0:
            path, kind = regions.path(a, b), "path from the exact analysis"
    return dict(net=net, w=w, errors=errors, regions=regions, grid=grid, path=path, path_kind=kind, X=X, y=y,
                window=window)


def explorer() -> Demo:
    """Decision regions of trained one-hidden-layer networks as the width moves across ``d = 2``.

    Returns
    -------
    Demo
        Parameters ``dataset`` and ``width``.
    """
    data = trained_nets()

    def draw(dataset, width):
        item = data[dataset, width]
        fig, (near, far) = plotting.figure(2, width=3.55, height=3.7)
        _draw_regions(near, item["net"], item["w"], item["window"], 161)
        _draw_data(near, item["X"], item["y"], 4)
        path = item["path"]
        extent = max(item["regions"].box, 1.2 * np.abs(path).max() if path is not None else 0.0)
        _draw_exact(far, item["regions"], _square(extent))
        r = item["window"][1]
        far.add_patch(Rectangle((-r, -r), 2 * r, 2 * r, fill=False, lw=1, color="k"))
        if path is not None:
            for ax in (near, far):
                ax.plot(*path.T, color="k", lw=1.5, label=item["path_kind"])
            near.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
        else:
            far.scatter(*item["regions"].points.T, marker="x", color="k", zorder=4,
                        label="one point per component")
            far.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
        n = item["regions"].n_components
        near.set_title(f"$n_1$ = {width} ($d$ = 2), {item['errors']} training errors\n"
                       f"grid count in this window: {item['grid'].n_components}", fontsize=9)
        far.set_title(f"[−{extent:.3g}, {extent:.3g}]², exact polygons\n"
                      f"exact: blue region has {n} component{'s' if n != 1 else ''}", fontsize=9)
        return fig

    return Demo(draw, {"dataset": list(DATASETS), "width": list(WIDTHS)},
                defaults={"dataset": DATASETS[0], "width": 2}, labels={"dataset": "data", "width": "n₁"},
                alt="Two panels of a trained network's decision regions (blue class 0, red class 1): left, the "
                    "data window with the training points and the grid count; right, a window holding every "
                    "vertex of the network's linear pieces, drawn as exact polygons, with the data window as a "
                    "black square, the path joining the two blue pieces in black, or a cross on each component "
                    "when the blue region is disconnected.",
                title="Decision regions as the width crosses d = 2 (blue: class 0, red: class 1, grey: ties)")


# ------------------------------------------------------------------------------------------------ gallery
@lru_cache(maxsize=1)
def gallery_data() -> dict:
    """The examples of :data:`.decision_regions_examples.EXAMPLES` with their exact counts and paths.

    Returns
    -------
    dict
    """
    out = {}
    for name, make in dr.EXAMPLES.items():
        ex = make()
        regions = dr.exact_components(ex.net, ex.w, ex.cls)
        path = dr.certificate_path(ex.net, ex.w, *ex.points).points if ex.bridge else None
        out[name] = (ex, regions, path)
    return out


def gallery() -> Demo:
    """The exact examples of Chapter 5 at two zooms.

    Returns
    -------
    Demo
        Parameters ``example`` and ``zoom`` (the window is ``[-5 zoom, 5 zoom]^2``; grid counts at 161^2).
    """
    data = gallery_data()

    def draw(example, zoom):
        ex, regions, path = data[example]
        fig, ax = plotting.figure(1, width=5.0, height=4.4)
        r = 5.0 * zoom
        _draw_regions(ax, ex.net, ex.w, _square(r), 161)
        if ex.slab is not None:
            normal, lo, hi = ex.slab
            xs = np.linspace(-r, r, 2)
            if abs(normal[1]) > 1e-12:
                for c in (lo, hi):
                    ax.plot(xs, (c - normal[0] * xs) / normal[1], color="k", lw=0.8, ls="--")
            else:
                for c in (lo, hi):
                    ax.axvline(c / normal[0], color="k", lw=0.8, ls="--")
        if path is not None:
            ax.plot(*path.T, color="k", lw=1.5, label="certificate path")
            ax.axhline(ex.bridge, color="k", lw=0.6, ls=":", label="bridge height (1 − α)/(2ε)")
            ax.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
        ax.scatter(*ex.points.T, color="k", s=25, zorder=4)
        grid = dr.grid_components(ex.net, ex.w, ex.cls, _square(r), 161)
        ax.set_title(f"{ex.name}: drops {ex.hypothesis}\nclass {ex.cls}: exact {regions.n_components} "
                     f"component(s), grid here {grid.n_components}", fontsize=9)
        ax.set_xlim(-r, r)
        ax.set_ylim(-r, r)
        return fig

    return Demo(draw, {"example": list(data), "zoom": [1, 10]}, labels={"example": "example", "zoom": "zoom"},
                alt="The decision regions of one of the thesis's exact examples on a square window (class 0 light "
                    "blue, other class light red), with two black points of one region, the dashed lines of a "
                    "slab that the region never enters, and for the bridges the certificate path climbing over "
                    "the red strip; the title gives the exact component count and the grid count.",
                title="Chapter 5's exact examples (dashed: a slab that no point of the region enters)")


# ------------------------------------------------------------------------------------------------ figures
def certificate_figure(item: dict | None = None):
    """The certificate path of a trained width-2 network on the strips (5.4): near the data, all of it, and
    its image in the hidden layer (the straight segment of the proof inside the half-plane ``V_blue``).

    Parameters
    ----------
    item : dict, optional
        An entry of :func:`trained_nets` (default: the strips at width 2).

    Returns
    -------
    matplotlib.figure.Figure
    """
    item = item or trained_nets()["strips (5.4)", 2]
    net, w, X, y, path = item["net"], item["w"], item["X"], item["y"], item["path"]
    fig, (near, far, hidden) = plotting.figure(3, width=2.37, height=2.6)
    _draw_regions(near, net, w, item["window"])
    _draw_data(near, X, y, 4)
    lo, hi = path.min(axis=0), path.max(axis=0)
    span = 1.15 * np.abs(np.vstack([lo, hi])).max(axis=0) + 1.0
    span[0] = max(span[0], 0.2 * span[1])
    _draw_exact(far, item["regions"], (-span[0], span[0], -span[1], span[1]))
    r = item["window"][1]
    far.add_patch(Rectangle((-r, -r), 2 * r, 2 * r, fill=False, lw=1, color="k"))
    for ax in (near, far):
        ax.plot(*path.T, color="k", lw=1.5)
        ax.scatter(*path[[0, -1]].T, color="k", s=20, zorder=4)
    near.set_title("near the data", fontsize=8)
    far.set_title("the whole path (note the axes)", fontsize=8)
    H = np.asarray(net.features(w, X))
    Hp = np.asarray(net.features(w, dr.densify(path, span.max() / 500)))
    (M2, b2) = net.unflatten(w)[1]
    d, e = np.asarray(M2[0] - M2[1]), float(b2[0] - b2[1])
    lo, hi = np.vstack([H, Hp]).min(axis=0), np.vstack([H, Hp]).max(axis=0)
    pad = 0.1 * (hi - lo)
    g1, g2 = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 300),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], 300))
    hidden.contourf(g1, g2, (d[0] * g1 + d[1] * g2 + e > 0).astype(float), levels=[-0.5, 0.5, 1.5],
                    colors=["#f4c2bd", "#b9d3f0"])
    for cls in (0, 1):
        hidden.scatter(*H[y == cls].T, s=4, color=POINT_COLOURS[cls], linewidths=0)
    hidden.plot(*Hp.T, color="k", lw=1.5)
    hidden.set_xlabel("hidden unit 1, $f_1(x)_1$")
    hidden.set_ylabel("hidden unit 2, $f_1(x)_2$")
    hidden.set_title("hidden layer: a straight segment", fontsize=8)
    _small_ticks(near, far, hidden)
    return fig


def _small_ticks(*axes):
    """8-pt tick and axis labels for panels about 2.4 in wide (a three-panel figure in the 7.1 in column)."""
    for ax in axes:
        ax.tick_params(labelsize=8)
        ax.xaxis.label.set_size(8)
        ax.yaxis.label.set_size(8)


def examples_figure():
    """The four counterexamples (5.3), (5.4) corrected, (5.5) and width ``d + 1``, with slabs and points.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = ["non-pyramidal (5.3)", "low rank (5.4), corrected", "ReLU (5.5)", "width d + 1"]
    data = gallery_data()
    fig, axes = plt.subplots(2, 2, figsize=(7.0, 6.4), layout="constrained")
    for ax, name in zip(axes.ravel(), names):
        ex, regions, _ = data[name]
        _draw_regions(ax, ex.net, ex.w, _square(7.0), 201)
        normal, lo, hi = ex.slab
        xs = np.linspace(-7, 7, 2)
        for c in (lo, hi):
            if abs(normal[1]) > 1e-12:
                ax.plot(xs, (c - normal[0] * xs) / normal[1], color="k", lw=0.8, ls="--")
            else:
                ax.axvline(c / normal[0], color="k", lw=0.8, ls="--")
        ax.scatter(*ex.points.T, color="k", s=20, zorder=4)
        dropped = ex.hypothesis.replace("sigma", "σ").replace("n_1", "n₁")
        ax.set_title(f"{name}\nno {dropped}: {regions.n_components} components", fontsize=9)
    return fig


def bridge_data(eps_values=(0.3, 0.1, 0.03, 0.01, 0.003, 0.001)):
    """For :func:`.decision_regions_examples.bridge_example`: the bound ``(1 - alpha)/(2 eps)`` and the height
    at which the certificate path crosses ``x_1 = 0``.

    Parameters
    ----------
    eps_values : sequence of float
        The tilts.

    Returns
    -------
    list of tuple
        ``(eps, bound, crossing height, exact components)``.
    """
    eps_values = number_sequence(eps_values, "eps_values", low=0.0, strict=True)
    rows = []
    for eps in eps_values:
        ex = dr.bridge_example(eps)
        path = dr.certificate_path(ex.net, ex.w, *ex.points).points
        crossing = max(p[1] + p[0] / (p[0] - q[0]) * (q[1] - p[1])
                       for p, q in zip(path[:-1], path[1:]) if (p[0] <= 0) != (q[0] <= 0))
        rows.append((eps, ex.bridge, crossing, dr.exact_components(ex.net, ex.w, 0).n_components))
    return rows


def bridge_figure():
    """Bridges: the regions and certificate path for ``eps = 0.1``, and the bridge height against ``eps``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ex = dr.bridge_example(0.1)
    path = dr.certificate_path(ex.net, ex.w, *ex.points).points
    fig, (ax, curve) = plotting.figure(2, width=3.55, height=3.3)
    _draw_regions(ax, ex.net, ex.w, (-8, 8, -3, 9), 241)
    ax.plot(*path.T, color="k", lw=1.5, label="certificate path")
    ax.axhline(ex.bridge, color="k", lw=0.7, ls=":", label="bound (1 − α)/(2ε)")
    ax.add_patch(Rectangle((-2, -0.5), 4, 1, fill=False, lw=0.8, color="0.3"))
    ax.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
    ax.set_title("ε = 0.1: blue joins above the red strip", fontsize=9)
    rows = bridge_data()
    eps = np.array([r[0] for r in rows])
    curve.loglog(eps, [r[1] for r in rows], "o-", label="lower bound (1 − α)/(2ε)")
    curve.loglog(eps, [r[2] for r in rows], "s--", label="certificate path crosses $x_1$ = 0 at")
    curve.set_xlabel("tilt ε of the first layer")
    curve.set_ylabel("height $x_2$ of the bridge")
    curve.legend(fontsize=7.5)
    curve.set_title("the bridge moves out like 1/ε but stays", fontsize=9)
    return fig


def window_figure(item: dict | None = None, extents=(3.0, 30.0, 300.0)):
    """One trained network seen through windows of growing size: grid counts against the exact count.

    Parameters
    ----------
    item : dict, optional
        An entry of :func:`trained_nets` (default: the strips at width 10).
    extents : sequence of float
        Half-widths of the windows.

    Returns
    -------
    matplotlib.figure.Figure
    """
    extents = number_sequence(extents, "extents", low=0.0, strict=True)
    item = item or trained_nets()["strips (5.4)", 10]
    net, w = item["net"], item["w"]
    fig, axes = plotting.figure(len(extents), width=7.1 / len(extents), height=2.6)
    axes = np.atleast_1d(axes)                       # one extent: a single Axes
    for ax, r in zip(axes, extents):
        _draw_regions(ax, net, w, _square(r), 201)
        if item["path"] is not None:
            ax.plot(*item["path"].T, color="k", lw=1.2)
        grid = dr.grid_components(net, w, 0, _square(r), 201)
        ax.set_title(f"[−{r:g}, {r:g}]²: grid count {grid.n_components}", fontsize=8)
    _small_ticks(*axes)
    return fig


def random_net_counts(widths: tuple, seed: int, n_nets: int = 30, alpha: float = 0.1,
                      scale: float = 2.0) -> dict:
    """Exact component statistics of the blue region (class 0) of random leaky-ReLU networks on the plane.

    Weights and biases are ``N(0, scale^2)``. A module-level function of plain arguments, for
    :func:`landscapelab.sweep` (``fn(widths=..., seed=...)``).

    Parameters
    ----------
    widths : tuple of int
        ``(2, n_1, ..., 2)``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    n_nets : int
        Number of networks.
    alpha : float
        Leaky-ReLU slope.
    scale : float
        Standard deviation of weights and biases.

    Returns
    -------
    dict
        ``nets``, ``empty`` (blue region empty), ``disconnected`` (two or more components), ``bounded`` (some
        component bounded).
    """
    widths = number_sequence(widths, "widths", integer=True, low=1, min_size=2)
    if widths[0] != 2 or widths[-1] < 2:
        raise ValueError(f"widths: expected (2, n_1, ..., m) with m >= 2 outputs, got {tuple(widths)}")
    n_nets = positive_int(n_nets, "n_nets")
    if not 0.0 <= real(alpha, "alpha") <= 1.0:
        raise ValueError(f"alpha: expected a leaky-ReLU slope in [0, 1], got {alpha!r}")
    scale = positive_number(scale, "scale")
    rng = np.random.default_rng(seed)
    net = MLP(list(widths), activation=dr.leaky_relu(alpha))
    empty = disconnected = bounded = 0
    for _ in range(n_nets):
        w = net.flatten([(scale * rng.standard_normal((o, i)), scale * rng.standard_normal(o))
                         for i, o in zip(widths[:-1], widths[1:])])
        regions = dr.exact_components(net, w, 0)
        empty += regions.n_components == 0
        disconnected += regions.n_components > 1
        bounded += any(regions.bounded)
    return {"nets": n_nets, "empty": empty, "disconnected": disconnected, "bounded": bounded}
