"""Decision regions on a pixel grid: pictures, and component counts that state their window and resolution.

A grid count sees only its window at its pixel size. It can report two components where the region is
connected far outside the window (the bridges of :func:`.decision_regions_examples.bridge_example` and of
trained narrow networks), and it can split a region along a channel thinner than a pixel or join two regions
across one. Use it beside :func:`.decision_regions_paths.certificate_path` and
:func:`.decision_regions_exact.exact_components`, never alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .._validate import as_float_array, positive_int
from ..nets import MLP
from .decision_regions_nets import _check_class, _check_net, predict

__all__ = ["class_image", "GridCount", "grid_components"]


def _window(window):
    x0, x1, y0, y1 = (float(v) for v in as_float_array(window, "window", shape=(4,)))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"window: expected x_min < x_max and y_min < y_max, got {window!r}")
    return x0, x1, y0, y1


def class_image(net: MLP, w, window, resolution: int = 301) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classes (Definition 5.2.1, ties -1) of a 2-input network on a ``resolution x resolution`` grid.

    Parameters
    ----------
    net : MLP
        ``d_in = 2``.
    w : array_like
        Flat parameter vector.
    window : (x_min, x_max, y_min, y_max)
        The rectangle shown.
    resolution : int
        Points per axis (pixel centres include the window's edges).

    Returns
    -------
    xs, ys : ndarray
        Grid coordinates.
    labels : ndarray of int, shape (len(ys), len(xs))
        ``labels[i, j]`` is the class at ``(xs[j], ys[i])``.
    """
    if _check_net(net).d_in != 2:
        raise ValueError(f"net: expected d_in = 2, got {net.d_in}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution: expected an integer >= 2, got {resolution!r}")
    x0, x1, y0, y1 = _window(window)
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X = np.column_stack([np.tile(xs, len(ys)), np.repeat(ys, len(xs))])
    return xs, ys, predict(net, w, X).reshape(len(ys), len(xs))


@dataclass
class GridCount:
    """A component count on a grid, with what it depends on.

    Attributes
    ----------
    n_components : int
        Components of the class's pixels (8-connectivity) with at least ``min_pixels`` pixels.
    n_inside : int
        How many of them do not touch the window's border (bounded, up to resolution, only if the window is
        right).
    window : tuple
    pixel : tuple
        Pixel size ``(dx, dy)``.
    resolution : int
    """

    n_components: int
    n_inside: int
    window: tuple
    pixel: tuple
    resolution: int

    def __str__(self) -> str:
        x0, x1, y0, y1 = self.window
        return (f"{self.n_components} component(s) in [{x0:g}, {x1:g}] x [{y0:g}, {y1:g}] "
                f"at {self.resolution}^2 "
                f"(pixel {self.pixel[0]:.3g} x {self.pixel[1]:.3g}), {self.n_inside} off the border")


def grid_components(net: MLP, w, cls: int, window, resolution: int = 401, min_pixels: int = 1) -> GridCount:
    """Count the connected components of ``C_cls`` seen on a pixel grid (evidence, not proof).

    Parameters
    ----------
    net : MLP
        ``d_in = 2``.
    w : array_like
        Flat parameter vector.
    cls : int
        The class whose region is counted.
    window : (x_min, x_max, y_min, y_max)
        The rectangle searched.
    resolution : int
        Points per axis.
    min_pixels : int
        Components with fewer pixels are ignored (isolated pixels on boundaries are ties or rounding).

    Returns
    -------
    GridCount
    """
    cls = _check_class(net, cls)
    min_pixels = positive_int(min_pixels, "min_pixels")
    xs, ys, labels = class_image(net, w, window, resolution)
    lab, n = ndimage.label(labels == cls, structure=np.ones((3, 3), dtype=int))
    sizes = np.bincount(lab.ravel(), minlength=n + 1)[1:]
    keep = np.flatnonzero(sizes >= min_pixels) + 1
    border = set(np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])).tolist())
    inside = sum(1 for k in keep if k not in border)
    return GridCount(n_components=len(keep), n_inside=inside, window=tuple(float(v) for v in _window(window)),
                     pixel=(float(xs[1] - xs[0]), float(ys[1] - ys[0])), resolution=int(resolution))
