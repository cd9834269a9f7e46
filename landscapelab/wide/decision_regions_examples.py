"""The exact examples of Chapter 5 of Nguyen's thesis, as constructors, with the thesis's closed forms.

Each of Theorem 5.2.3's hypotheses is dropped in turn: the widths stop being pyramidal (eq. 5.3), a weight
matrix loses rank (eq. 5.4), the activation stops being injective (ReLU, eq. 5.5), a hidden layer is one unit
wider than the input (width ``d + 1``, Section 5.3.4, where the thesis only trains a network;
:func:`wider_than_input_example` is an explicit one). Each constructor returns an :class:`Example` with two
points of one decision region and a slab that separates them (verified by
:func:`.decision_regions_slab.separates`), and the region as the thesis writes it (corrected where the printed
formula is wrong; see the book's erratum boxes).

:func:`bridge_example` keeps every hypothesis: the (5.4) data are fitted by a full-rank width-2 network, and
the blue region is connected, through a "bridge" at height ``(1 - alpha) / (2 eps)`` above the data.
:func:`cubic_lift_example` is Lemma 5.2.2's counterexample (5.2) for ``m < n``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np

from .._validate import as_float_array, positive_int, positive_number, probability
from ..nets import MLP
from .decision_regions_nets import leaky_relu

__all__ = ["Example", "non_pyramidal_example", "low_rank_example", "relu_example", "wider_than_input_example",
           "bridge_example", "LiftExample", "cubic_lift_example", "EXAMPLES"]


@dataclass
class Example:
    """A network of Chapter 5 with a decision region whose connectivity is known exactly.

    Attributes
    ----------
    name, reference : str
        Short name, and where the thesis has it.
    net : MLP
    w : ndarray
    cls : int
        The class whose region is discussed.
    hypothesis : str
        Which hypothesis of Theorem 5.2.3 fails ("none" when all hold).
    region : callable or None
        ``region(X) -> bool array``: the thesis's closed form of ``C_cls`` (corrected where needed).
    points : ndarray, shape (2, d)
        Two points of ``C_cls``: in different components, or joined only through the bridge.
    slab : tuple or None
        ``(normal, lo, hi)``: a slab free of ``C_cls`` with ``points`` on opposite sides.
    bridge : float or None
        For :func:`bridge_example`: every path in ``C_cls`` between ``points`` reaches this height ``x_2``.
    """

    name: str
    reference: str
    net: MLP
    w: np.ndarray
    cls: int
    hypothesis: str
    region: Callable | None = field(repr=False)
    points: np.ndarray = field(repr=False)
    slab: tuple | None = field(default=None, repr=False)
    bridge: float | None = None


def _net(widths, activation, pairs):
    net = MLP(widths, activation=activation)
    return net, net.flatten([(np.array(M, float), np.array(b, float)) for M, b in pairs])


def non_pyramidal_example() -> Example:
    """Eq. (5.3), Section 5.3.1: widths 2-1-2-2, ``sigma(t) = max(0.5 t, t)``, all weights of full rank.

    ``C_1 = {x_1 + x_2 > 2} ∪ {x_1 + x_2 < -4}`` (the thesis prints "and", an empty set; the two half-planes
    are joined by "or"). The 1-unit layer followed by a 2-unit layer breaks ``d >= n_1 >= n_2``.

    Returns
    -------
    Example
        Class index 0 is the thesis's class 1.
    """
    net, w = _net([2, 1, 2, 2], leaky_relu(0.5),
                  [([[1, 1]], [0]), ([[1], [-1]], [0, 0]), ([[2, 3], [1, 2]], [0, 1])])
    s = np.array([1.0, 1.0])
    return Example("non-pyramidal 2-1-2-2 (5.3)", "eq. (5.3), Section 5.3.1", net, w, 0, "pyramidal widths",
                   lambda X: (X @ s > 2) | (X @ s < -4), np.array([[2.0, 2.0], [-3.0, -3.0]]),
                   (s, -3.5, 1.5))


def low_rank_example(alpha: float = 0.1, as_printed: bool = False) -> Example:
    """Eq. (5.4), Section 5.3.2: one hidden layer of width 2 with ``W_1`` of rank 1 fits the strips data.

    As printed (``as_printed=True``: ``b_1 = (-1, -1)``, ``b_2 = (0, -2 alpha)``) the red output equals the
    blue output on the whole strip ``|x_1| <= 1``, so under Definition 5.2.1's strict inequalities the red
    region is empty and the red samples are ties. The corrected network (default: ``b_1 = 0``, ``b_2 = (alpha
    - 1, 0)``) has blue region ``{|x_1| > 1}`` and red region ``{|x_1| < 1}``, the Bayes regions.

    Parameters
    ----------
    alpha : float
        Leaky-ReLU slope, ``0 < alpha < 1``.
    as_printed : bool
        Build the network with the biases as printed in the thesis.

    Returns
    -------
    Example
        Class 0 is blue, class 1 red.
    """
    alpha = probability(alpha, "alpha")
    if not isinstance(as_printed, (bool, np.bool_)):
        raise TypeError(f"as_printed: expected True or False, got {as_printed!r}")
    if as_printed:
        pairs = [([[1, 0], [-1, 0]], [-1, -1]), ([[1, 1], [0, 0]], [0, -2 * alpha])]
    else:
        pairs = [([[1, 0], [-1, 0]], [0, 0]), ([[1, 1], [0, 0]], [alpha - 1, 0])]
    net, w = _net([2, 2, 2], leaky_relu(alpha), pairs)
    name = "low rank (5.4), as printed" if as_printed else "low rank (5.4), corrected"
    return Example(name, "eq. (5.4), Section 5.3.2", net, w, 0, "full rank",
                   lambda X: np.abs(X[:, 0]) > 1, np.array([[-1.5, 0.0], [1.5, 0.0]]),
                   (np.array([1.0, 0.0]), -0.5, 0.5))


def relu_example() -> Example:
    """Eq. (5.5), Section 5.3.3: a pyramidal 2-2-2-2 ReLU network with full-rank weights and disconnected
    ``C_1``.

    ``C_1 = {x_1 < 1, x_2 < 1, x_1 + x_2 < 1} ∪ {x_2 > 4, 2 x_1 - x_2 + 4 < 0}``.

    Returns
    -------
    Example
    """
    r = math.sqrt(2.0)
    net, w = _net([2, 2, 2, 2], "relu",
                  [(np.eye(2), [0, 0]), (r / 2 * np.array([[1, 1], [-1, 1]]), np.array([r - 1, -3]) / r),
                   ([[-1, 0], [0, -3]], [1, 0])])

    def region(X):
        x1, x2 = X[:, 0], X[:, 1]
        return ((x1 < 1) & (x2 < 1) & (x1 + x2 < 1)) | ((x2 > 4) & (2 * x1 - x2 + 4 < 0))

    return Example("ReLU 2-2-2-2 (5.5)", "eq. (5.5), Section 5.3.3", net, w, 0, "sigma bijective onto R",
                   region, np.array([[0.0, 0.0], [-1.0, 6.0]]), (np.array([0.0, 1.0]), 1.5, 3.5))


def wider_than_input_example(d: int = 2, alpha: float = 0.1) -> Example:
    """One hidden layer of width ``d + 1`` with ``W_1`` of full rank ``d`` and a disconnected region.

    Units ``sigma(x_1)``, ``sigma(-x_1)``, ``sigma(x_2)``, ..., ``sigma(x_d)``; the blue output is
    ``sigma(x_1) + sigma(-x_1) - (1 - alpha) = (1 - alpha)(|x_1| - 1)``, the red output 0, so the blue region
    is ``{|x_1| > 1}``. Every hypothesis of Theorem 5.2.3 holds except ``n_1 <= d``, which shows that the
    width bound is tight (Section 5.3.4 shows it with a trained network). For ``d = 1`` there are no extra
    units.

    Parameters
    ----------
    d : int
        Input dimension, at least 1.
    alpha : float
        Leaky-ReLU slope, ``0 < alpha < 1``.

    Returns
    -------
    Example
    """
    d = positive_int(d, "d")
    alpha = probability(alpha, "alpha")
    M1 = np.zeros((d + 1, d))
    M1[0, 0], M1[1, 0] = 1.0, -1.0
    M1[2:, 1:] = np.eye(d - 1)
    M2 = np.zeros((2, d + 1))
    M2[0, :2] = 1.0
    net, w = _net([d, d + 1, 2], leaky_relu(alpha), [(M1, np.zeros(d + 1)), (M2, [alpha - 1, 0])])
    e1 = np.eye(d)[0]
    return Example(f"width d + 1 = {d + 1}", "Section 5.3.4 (explicit version)", net, w, 0, "n_1 <= d",
                   lambda X: np.abs(X[:, 0]) > 1, np.vstack([-1.5 * e1, 1.5 * e1]), (e1, -0.5, 0.5))


def bridge_example(eps: float = 0.05, alpha: float = 0.1) -> Example:
    """A full-rank width-2 network classifying the strips (5.4) almost like the low-rank one, with a bridge.

    ``W_1^T = [[1, eps], [-1, eps]]`` (full rank for ``eps != 0``), ``b_1 = 0``; blue output ``sigma(x_1 + eps
    x_2) + sigma(-x_1 + eps x_2) - (1 - alpha)``, red output 0. Theorem 5.2.3 applies, so the blue region is
    connected; on the line ``x_1 = 0`` the blue output is ``2 sigma(eps x_2) - (1 - alpha)``, so every path
    from the left blue strip to the right one crosses ``x_1 = 0`` above ``x_2 = (1 - alpha)/(2 eps)`` (for
    ``eps > 0``): the bridge over the red class that the thesis's Section 5.3.5 describes.

    Parameters
    ----------
    eps : float
        Tilt of the first layer, ``eps > 0``.
    alpha : float
        Leaky-ReLU slope, ``0 < alpha < 1``.

    Returns
    -------
    Example
        ``bridge`` holds the height ``(1 - alpha) / (2 eps)``.
    """
    eps = positive_number(eps, "eps")
    alpha = probability(alpha, "alpha")
    net, w = _net([2, 2, 2], leaky_relu(alpha),
                  [([[1, eps], [-1, eps]], [0, 0]), ([[1, 1], [0, 0]], [alpha - 1, 0])])
    return Example(f"bridge, eps = {eps:g}", "Section 5.3.5 (2-D version)", net, w, 0, "none", None,
                   np.array([[-1.5, 0.0], [1.5, 0.0]]), None, (1 - alpha) / (2 * eps))


@dataclass
class LiftExample:
    """Eq. (5.2): ``f(x) = sigma(W^T x + b)``, R to R^2, ``sigma(t) = t^3``, ``W^T = (-1, 1)^T``, ``b = 0``.

    ``V = {y : |y| > 1}`` is open and connected, but ``f^{-1}(V) = {|x| > 2^(-1/6)}`` is not: Lemma 5.2.2
    fails for ``m = 1 < n = 2``. ``V`` is this book's choice (the thesis's Fig. 5.1, which shows its set, is
    not in the text).

    Attributes
    ----------
    M : ndarray, shape (2, 1)
        The weight ``W^T = (-1, 1)^T``.
    b : ndarray, shape (2,)
        The bias ``b = 0``.
    threshold : float
        ``2^(-1/6)``: ``f^{-1}(V)`` is ``{|x| > threshold}``.
    """

    M: np.ndarray
    b: np.ndarray
    threshold: float

    def f(self, x) -> np.ndarray:
        """``f(x) = (-x^3, x^3)``.

        Parameters
        ----------
        x : array_like
            Inputs (any shape; flattened; at least one).

        Returns
        -------
        ndarray, shape (n, 2)
        """
        x = as_float_array(x, "x").reshape(-1, 1)
        if len(x) == 0:
            raise ValueError("x: expected at least one input, got an empty array")
        return (x @ self.M.T + self.b) ** 3

    @staticmethod
    def in_V(Y) -> np.ndarray:
        """Membership of the rows of ``Y`` in ``V = {|y| > 1}``.

        Parameters
        ----------
        Y : array_like, shape (n, 2)
            Points of the plane.

        Returns
        -------
        ndarray of bool, shape (n,)
        """
        Y = np.atleast_2d(as_float_array(Y, "Y"))
        if Y.ndim != 2 or Y.shape[1] != 2:
            raise ValueError(f"Y: expected points of the plane, shape (n, 2) or (2,), got {Y.shape}")
        return np.linalg.norm(Y, axis=1) > 1.0


def cubic_lift_example() -> LiftExample:
    """The counterexample (5.2) to Lemma 5.2.2 when the layer widens (``m < n``).

    Returns
    -------
    LiftExample
    """
    return LiftExample(M=np.array([[-1.0], [1.0]]), b=np.zeros(2), threshold=2.0 ** (-1.0 / 6.0))


#: The gallery's examples, by name.
EXAMPLES = {
    "non-pyramidal (5.3)": non_pyramidal_example,
    "low rank (5.4), as printed": lambda: low_rank_example(as_printed=True),
    "low rank (5.4), corrected": low_rank_example,
    "ReLU (5.5)": relu_example,
    "width d + 1": wider_than_input_example,
    "bridge, eps = 0.1": lambda: bridge_example(0.1),
    "bridge, eps = 0.02": lambda: bridge_example(0.02),
}
