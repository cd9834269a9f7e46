"""The book's hand-checked worked cases T1-T11 and a small random problem factory."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import activations as _activations
from .._validate import checked, choice
from ..losses import loss_function
from ..nets import MLP

from .closed_form import Ray
from .ray import LOSS_NAMES

__all__ = ["Example", "example", "EXAMPLES", "SQUARE_MINUS_ONE", "random_problem"]


# ------------------------------------------------------------------------------------------------ worked cases
@checked(depth="index", d_in="count", d_out="count", width="count", n="count")
def random_problem(depth: int, activation="tanh", loss: str = "square", width: int = 4, d_in: int = 3,
                   d_out: int = 3, n: int = 8, seed: int = 0):
    """A small network and data set: ``widths = [d_in] + [width] * depth + [d_out]``, inputs and square-loss
    targets standard normal, cross-entropy labels one-hot with classes drawn at random (so unbalanced).

    Parameters
    ----------
    depth : int
        Number of hidden layers l (0 allowed).
    activation : str or Activation
        The hidden activation.
    loss : {"square", "cross_entropy"}
        Chooses the kind of targets.
    width : int
        Width of every hidden layer.
    d_in, d_out : int
        Input and output dimensions.
    n : int
        Number of samples.
    seed : int
        Seed of the data.

    Returns
    -------
    net : MLP
        The network (standard parametrisation, biases).
    X, Y : ndarray
        Inputs ``(n, d_in)`` and targets ``(n, d_out)``.
    """
    rng = np.random.default_rng(seed)
    net = MLP([d_in] + [width] * depth + [d_out], activation=activation)
    X = rng.standard_normal((n, d_in))
    if choice(loss, "loss", LOSS_NAMES) == "square":
        Y = rng.standard_normal((n, d_out))
    else:
        Y = np.eye(d_out)[rng.integers(0, d_out, size=n)]
    return net, X, Y



def _square_minus_one():
    return _activations.Activation("u^2-1", lambda x: x ** 2 - 1.0, lambda x: 2.0 * x, lambda x: 0.0 * x + 2.0,
                                   1.0, math.inf)


#: sigma(u) = u^2 - 1: zeros at +-1 with sigma'(1) = 2, sigma''(1) = 2 (the book's case T6; not registered).
SQUARE_MINUS_ONE = _square_minus_one()


@dataclass(frozen=True)
class Example:
    """A worked case of the book: network, data, loss and the options of its ray (see :func:`example`).

    Attributes
    ----------
    name : str
        The case's name (``"T1"`` ... ``"T11"`` and variants).
    net : MLP
        The network.
    X, Y : ndarray
        Inputs and targets.
    loss : str
        ``"square"`` or ``"cross_entropy"``.
    options : dict
        Keyword arguments of :class:`~landscapelab.smoothness.Ray` (``c``, ``M``, ``offset``).
    """

    name: str
    net: MLP
    X: np.ndarray
    Y: np.ndarray
    loss: str
    options: dict

    def ray(self) -> Ray:
        """The :class:`Ray` of this case (depth >= 1).

        Returns
        -------
        Ray
            The closed forms along the case's ray.
        """
        return Ray(self.net, self.X, self.Y, loss=self.loss, **self.options)

    def loss_function(self):
        """The case's loss as a function of the flat parameters (for autograd and exact-pass cross-checks).

        Returns
        -------
        LossFunction
            ``landscapelab.loss_function(net, X, Y, loss=loss)``.
        """
        return loss_function(self.net, self.X, self.Y, loss=self.loss)


_X3 = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
_Y2 = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
_CASES = {
    "T1": (("tanh", (1, 1, 1, 1)), ((0.0,), (1.0,)), ((0.0,), (1.0,)), "square", {}),
    "T2": (("tanh", (2, 3, 3, 2)), _X3, _Y2, "square", {}),
    "T3": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {}),
    "T3-balanced": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (0, 1, 0), (0, 0, 1)), "cross_entropy", {}),
    "T4": (("gelu", (2, 4, 3, 2)), _X3, ((1, 0), (1, 0), (0.3, 0.7)), "cross_entropy", {}),
    "T5": (("gelu", (2, 3, 2, 4, 2)), _X3, _Y2, "square", {}),
    "T6": ((SQUARE_MINUS_ONE, (1, 2, 2, 1)), ((0.5,), (-2.0,)), ((1.0,), (3.0,)), "square", {"c": 1.0}),
    "T7": (("tanh", (2, 2)), _X3, _Y2, "square", {}),
    "T8": (("tanh", (2, 3)), _X3, ((1, 0, 0), (0, 1, 0), (0, 0, 1)), "cross_entropy", {}),
    "T9": (("tanh", (2, 3, 2)), _X3, _Y2, "square", {}),
    "T9-ce": (("tanh", (2, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {}),
    "T10": (("tanh", (2, 3, 3, 2)), _X3, _Y2, "square", {"offset": "critical"}),
    "T10-ce": (("tanh", (2, 3, 3, 3)), _X3 + ((2.0, -1.0),), ((1, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)),
               "cross_entropy", {"offset": "critical"}),
    "T11": (("tanh", (2, 3, 3, 3)), _X3, ((1, 0, 0), (1, 0, 0), (0, 1, 0)), "cross_entropy", {"M": np.ones((3, 3))}),
}

#: Names accepted by :func:`example`.
EXAMPLES = tuple(_CASES)


def example(name: str) -> Example:
    """The hand-checked cases of the book (T1-T11): small networks and data whose gradients and
    Hessians on the ray were derived by hand. ``T3-balanced``, ``T9-ce`` and ``T10-ce`` are variants of T3, T9 and T10;
    ``T7`` and ``T8`` have no hidden layer; ``T10``, ``T10-ce`` use the critical line and
    ``T11`` the cross-entropy direction ``M = Omega`` (the negative control).

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.

    Returns
    -------
    Example
        The case (a fresh copy of its arrays).
    """
    (act, widths), X, Y, loss, options = _CASES[choice(name, "name", EXAMPLES)]
    net = MLP(list(widths), activation=act)
    return Example(name, net, np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64), loss, dict(options))
