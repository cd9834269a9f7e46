"""Exact connected components of a decision region of a piecewise-linear network on the plane (d = 2).

A network with ReLU, leaky-ReLU or identity units is affine on each activation cell (the set of inputs with a
given sign pattern of all pre-activations); the cells are convex polygons that cover the plane. On a cell
``S`` the region ``K_S = C_j ∩ S = S ∩ {f_j - f_k > 0 for all k != j}`` is convex, so the components of
``C_j`` are the components of the graph on the non-empty ``K_S`` with an edge when ``K_S ∩ K_T`` is non-empty
(each ``K_S`` is closed in ``C_j`` and there are finitely many). :func:`exact_components` builds the cells by
splitting polygons layer by layer, tests every piece and pair with clipped polygons, and returns the
components, a point of each, whether each is bounded, and a polygonal path inside the region between any two
of its points.

The plane is replaced by a box ``[-R, R]^2`` chosen so that every vertex of the cell complex refined by the
zero lines of the class margins lies in ``[-R/2, R/2]^2``, and every line in a cell comes within it: outside
the box the picture is then a union of sectors between rays, each of which meets the box in one arc, so
components inside the box and in the plane are the same, and a component is bounded iff it stays off the box's
boundary. R is enlarged until this holds. This replaces grid-based counts, which see only a window at one
resolution (see :mod:`.decision_regions_grid`).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .._validate import as_float_array, positive_number
from ..nets import MLP
from .decision_regions_nets import _check_class, _check_net, layers, negative_slope

__all__ = ["ExactRegions", "exact_components"]


def _clip(P, a, c, eps=0.0):
    """The convex polygon ``P`` (vertices in order) intersected with ``{x : a.x <= c + eps}``."""
    if len(P) == 0:
        return P
    v = P @ a - c
    inside = v <= eps
    if inside.all():
        return P
    if not inside.any():
        return P[:0]
    out = []
    nxt = np.roll(np.arange(len(P)), -1)
    for i, j in enumerate(nxt):
        if inside[i]:
            out.append(P[i])
        if inside[i] != inside[j]:
            out.append(P[i] + v[i] / (v[i] - v[j]) * (P[j] - P[i]))
    return np.array(out)


def _area(P):
    if len(P) < 3:
        return 0.0
    x, y = P[:, 0], P[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _line_extent(a, c, A, b):
    """Largest sup-norm of the finite end points, and of the point nearest the origin, of the part of the line
    ``a.x = c`` inside ``{A x <= b}`` (0 when that part is empty or ``a = 0``)."""
    norm2 = float(a @ a)
    if norm2 == 0.0:
        return 0.0
    x0 = a * (c / norm2)
    u = np.array([-a[1], a[0]]) / math.sqrt(norm2)
    lo, hi = -math.inf, math.inf
    if len(A):
        au, r = A @ u, b - A @ x0
        tiny = 1e-14 * (np.abs(A).max(axis=1) + 1e-300)
        if np.any((np.abs(au) <= tiny) & (r < 0)):
            return 0.0
        pos, neg = au > tiny, au < -tiny
        if pos.any():
            hi = float(np.min(r[pos] / au[pos]))
        if neg.any():
            lo = float(np.max(r[neg] / au[neg]))
    if lo > hi:
        return 0.0
    ends = [s for s in (lo, hi) if math.isfinite(s)] + [min(max(0.0, lo), hi)]
    return max(float(np.abs(x0 + s * u).max()) for s in ends)


def _vertex_extent(lines, A, b):
    """Largest sup-norm of the pairwise intersections of ``lines = (a_i, c_i)`` that satisfy ``A x <= b``."""
    a, c = lines
    if len(c) < 2:
        return 0.0
    i, j = np.triu_indices(len(c), 1)
    det = a[i, 0] * a[j, 1] - a[i, 1] * a[j, 0]
    ok = np.abs(det) > 1e-13 * np.linalg.norm(a[i], axis=1) * np.linalg.norm(a[j], axis=1)
    if not ok.any():
        return 0.0
    i, j, det = i[ok], j[ok], det[ok]
    x = np.column_stack([(c[i] * a[j, 1] - c[j] * a[i, 1]) / det, (a[i, 0] * c[j] - a[j, 0] * c[i]) / det])
    if len(A):
        x = x[np.all(x @ A.T <= b + 1e-9 * (1.0 + np.abs(b)), axis=1)]
    return float(np.abs(x).max()) if len(x) else 0.0


def _extent(a, c, A, b):
    """How far out (sup-norm) the lines ``a_i . x = c_i`` meet each other or the cell ``A x <= b``."""
    far = _vertex_extent((a, c), A, b)
    for ai, ci in zip(a, c):
        far = max(far, _line_extent(ai, ci, A, b))
    return far


def _cells(mats, slope, R, cls):
    """Split the box ``[-R, R]^2`` into activation cells; return them and how far out the vertices lie."""
    box = np.array([[-R, -R], [R, -R], [R, R], [-R, R]], dtype=float)
    cells = [dict(poly=box, A=np.zeros((0, 2)), b=np.zeros(0), P=np.eye(2), p=np.zeros(2))]
    far = 0.0
    for M, bias in mats[:-1]:
        new = []
        for cell in cells:
            Zp, zp = M @ cell["P"], M @ cell["p"] + bias
            far = max(far, _extent(Zp, -zp, cell["A"], cell["b"]))
            pieces = [(cell["poly"], [])]
            for i in range(len(zp)):
                split = []
                for poly, signs in pieces:
                    vals = poly @ Zp[i] + zp[i]
                    tol = 1e-12 * (np.abs(Zp[i]).sum() * R + abs(zp[i]))
                    pos, neg = vals.max() > tol, vals.min() < -tol
                    if not (pos or neg):
                        pos = True   # the unit vanishes on the polygon: both branches give the same map
                    for s, keep in ((1, pos), (-1, neg)):
                        if not keep:
                            continue
                        q = _clip(poly, -s * Zp[i], s * zp[i]) if (pos and neg) else poly
                        if len(q) >= 3 and _area(q) > 1e-14 * R * R:
                            split.append((q, signs + [s]))
                pieces = split
            for poly, signs in pieces:
                s = np.array(signs, dtype=float)
                D = np.where(s > 0, 1.0, slope)
                new.append(dict(poly=poly, A=np.vstack([cell["A"], -s[:, None] * Zp]),
                                b=np.concatenate([cell["b"], s * zp]), P=D[:, None] * Zp, p=D * zp))
        cells = new
    M, bias = mats[-1]
    others = [k for k in range(len(bias)) if k != cls]
    for cell in cells:
        G, g = M @ cell["P"], M @ cell["p"] + bias
        cell["D"], cell["e"] = G[cls] - G[others], g[cls] - g[others]
        far = max(far, _extent(cell["D"], -cell["e"], cell["A"], cell["b"]))
    return cells, far


def _best_point(q, cell, tol):
    """A point of the polygon ``q`` where every ``f_cls - f_k`` is positive, or None.

    The candidates are the vertices of ``q ∩ {f_cls >= f_k for all k}``, their mean and the midpoints of its
    edges (the margin is concave there, so it is positive at some candidate iff it is positive somewhere);
    among those with a clearly positive margin the one nearest the origin is returned (paths stay short).
    """
    for D, e in zip(cell["D"], cell["e"]):
        q = _clip(q, -D, e)
        if len(q) == 0:
            return None
    pts = np.vstack([q, q.mean(axis=0, keepdims=True), 0.5 * (q + np.roll(q, -1, axis=0))])
    m = (pts @ cell["D"].T + cell["e"]).min(axis=1)
    if m.max() <= tol:
        return None
    good = np.flatnonzero(m > max(tol, 1e-3 * m.max()))
    return pts[good[np.argmin(np.abs(pts[good]).max(axis=1))]]


@dataclass
class ExactRegions:
    """The connected components of one decision region ``C_cls`` of a piecewise-linear network on the plane.

    Attributes
    ----------
    cls : int
        The class whose region is analysed.
    n_components : int
        Number of connected components of ``C_cls`` in the whole plane (0 if the region is empty).
    components : list of list of int
        Piece indices (into ``polygons``) of each component.
    bounded : list of bool
        Whether each component is bounded.
    points : ndarray, shape (n_components, 2)
        One point of each component.
    polygons : list of list of ndarray
        ``polygons[c]``: the closures of the pieces ``K_S`` of component ``c``, clipped to the box.
    box : float
        ``R``: every vertex lies in ``[-R/2, R/2]^2``.
    n_cells : int
        Number of activation cells.
    _cells : list of dict
        Internal: the inequalities of every activation cell (used by :meth:`component_of` and :meth:`path`).
    _edges : dict
        Internal: a point on the common edge of each pair of adjacent pieces of the region.
    _tol : float
        Internal: the margin a point needs to count as inside the region.
    """

    cls: int
    n_components: int
    components: list
    bounded: list
    points: np.ndarray
    polygons: list = field(repr=False)
    box: float = 0.0
    n_cells: int = 0
    _cells: list = field(default_factory=list, repr=False)
    _edges: dict = field(default_factory=dict, repr=False)
    _tol: float = 1e-9

    def component_of(self, x) -> int:
        """Index of the component containing the point ``x``, or -1 if ``x`` is not in ``C_cls``.

        Parameters
        ----------
        x : array_like, shape (2,)
            A point of the plane.

        Returns
        -------
        int
        """
        piece = self._piece_of(as_float_array(x, "x", shape=(2,)))
        return next((c for c, members in enumerate(self.components) if piece in members), -1)

    def path(self, xa, xb) -> np.ndarray:
        """A polygon from ``xa`` to ``xb`` inside ``C_cls`` (both must lie in one component).

        Consecutive vertices lie in one convex piece ``K_S``, so every segment stays in the region. Verify it
        independently with :func:`.decision_regions_paths.polyline_margin`.

        Parameters
        ----------
        xa : array_like, shape (2,)
            Start, a point of the region.
        xb : array_like, shape (2,)
            End, a point of the same component.

        Returns
        -------
        ndarray, shape (m, 2)
        """
        ends = []
        for name, x in (("xa", xa), ("xb", xb)):
            x = as_float_array(x, name, shape=(2,))
            piece = self._piece_of(x)
            if piece < 0:
                raise ValueError(f"{name}: {x.tolist()} is not in the decision region C_{self.cls}")
            ends.append((x, piece))
        (xa, start), (xb, goal) = ends
        previous = {start: None}
        queue = deque([start])
        while queue:
            i = queue.popleft()
            if i == goal:
                break
            for j in self._neighbours(i):
                if j not in previous:
                    previous[j] = i
                    queue.append(j)
        if goal not in previous:
            raise ValueError("xa, xb: the points lie in different components of the decision region")
        chain = [goal]
        while previous[chain[-1]] is not None:
            chain.append(previous[chain[-1]])
        chain.reverse()
        joints = [self._edges[(min(i, j), max(i, j))] for i, j in zip(chain[:-1], chain[1:])]
        return np.vstack([xa] + joints + [xb])

    def _piece_of(self, x):
        for members in self.components:
            for i in members:
                cell = self._cells[i]
                if np.all(cell["A"] @ x <= cell["b"] + 1e-12 * (1 + np.abs(cell["b"]))) and \
                        np.min(cell["D"] @ x + cell["e"]) > self._tol:
                    return i
        return -1

    def _neighbours(self, i):
        return [b if a == i else a for (a, b) in self._edges if i in (a, b)]


def exact_components(net: MLP, w, cls: int, tol: float = 1e-9, box: float = 8.0) -> ExactRegions:
    """Connected components of the decision region ``C_cls`` of a 2-input piecewise-linear network, exactly.

    Parameters
    ----------
    net : MLP
        ``d_in = 2``, activation ``relu``, ``identity`` or a leaky ReLU
        (:func:`.decision_regions_nets.leaky_relu`), any depth.
    w : array_like
        Flat parameter vector.
    cls : int
        The class whose decision region is analysed.
    tol : float
        A piece counts as part of the region where its margin exceeds ``tol`` (ties, margin 0, belong to no
        region by Definition 5.2.1).
    box : float
        Starting half-width of the box; it is enlarged until it contains every vertex twice over.

    Returns
    -------
    ExactRegions
    """
    _check_net(net)
    tol = positive_number(tol, "tol", allow_zero=True)
    box = positive_number(box, "box")
    if net.d_in != 2:
        raise ValueError(f"net: exact_components works on the plane (d_in = 2), got d_in = {net.d_in}")
    slope = negative_slope(net.activation)
    if slope is None:
        raise ValueError("net: exact_components needs a piecewise-linear activation, got "
                         f"{net.activation.name!r}")
    cls = _check_class(net, cls)
    mats = layers(net, w)
    R = float(box)
    for _ in range(60):
        cells, far = _cells(mats, slope, R, cls)
        if far <= R / 2:
            break
        R = 4.0 * far
    else:
        raise ValueError("w: could not find a box containing every vertex of the cell complex")
    witness = {}
    for i, cell in enumerate(cells):
        x = _best_point(cell["poly"], cell, tol)
        if x is not None:
            witness[i] = x
    pieces = list(witness)
    parent = {i: i for i in pieces}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    eps = 1e-10 * R
    lo = {i: cells[i]["poly"].min(axis=0) - eps for i in pieces}
    hi = {i: cells[i]["poly"].max(axis=0) + eps for i in pieces}
    edges = {}
    for n, i in enumerate(pieces):
        for j in pieces[n + 1:]:
            if np.any(lo[i] > hi[j]) or np.any(lo[j] > hi[i]):
                continue
            q = cells[i]["poly"]
            for a, c in zip(cells[j]["A"], cells[j]["b"]):
                q = _clip(q, a, c, eps * (np.abs(a).sum() + 1.0))
                if len(q) == 0:
                    break
            x = _best_point(q, cells[i], tol) if len(q) else None
            if x is not None:
                edges[(i, j)] = x
                parent[find(i)] = find(j)
    roots = {}
    for i in pieces:
        roots.setdefault(find(i), []).append(i)
    components = list(roots.values())
    polygons = []
    for members in components:
        closed = []
        for i in members:
            q = cells[i]["poly"]
            for D, e in zip(cells[i]["D"], cells[i]["e"]):
                q = _clip(q, -D, e)
            closed.append(q)
        polygons.append(closed)
    edge = 0.999999 * R
    bounded = [not any(len(q) and np.abs(q).max() >= edge for q in closed) for closed in polygons]
    points = np.array([witness[members[0]] for members in components]).reshape(-1, 2)
    return ExactRegions(cls=cls, n_components=len(components), components=components, bounded=bounded,
                        points=points, polygons=polygons, box=R, n_cells=len(cells), _cells=cells,
                        _edges=edges, _tol=tol)
