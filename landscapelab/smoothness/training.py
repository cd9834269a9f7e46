"""Does training come near Cooper's ray? Gradient and Hessian norms along real gradient-descent runs
(beyond the paper; the book's section on training runs).

Cooper's ray lies in the set ``D_c = {M^i = 0, b^i = c 1 for every hidden layer i <= l}`` of networks whose
hidden layers ignore the input: every point of ``D_c`` has a constant output, and the ray (and the critical
lines) are the points of ``D_c`` with ``M^{l+1} = t M``. A training run is near the ray when its distance to
``D_c`` (:func:`dead_set_distance`) is small and its last layer large.

* :func:`regression_data`: the book's small regression problem (inputs uniform in ``[-2, 2]^2``, targets
  ``sin(1.5 x_1) x_2``).
* :func:`training_norms`: gradient descent (optionally clipped) on a depth-2 tanh network for this problem,
  with the loss at every step and, at ``records + 1`` checkpoints, the gradient norm, the operator norm of
  the Hessian (block Lanczos on exact Hessian-vector products), the distance to ``D_0`` and the norm of the
  last layer. A module-level function of plain arguments, so that :func:`landscapelab.sweep` can cache it.
* :func:`training_problem`: the network, data and :class:`~landscapelab.smoothness.Ray` of that problem.
"""

from __future__ import annotations

import numpy as np

from .._validate import positive_int
from ..curvature import eigenvalues
from ..losses import loss_function
from ..nets import MLP
from ..optim import gradient_descent
from .assumption import assumption1
from .closed_form import Ray
from .ray import _check_net, parameter_index

__all__ = ["regression_data", "training_problem", "dead_set_distance", "training_norms"]


def regression_data(n: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The book's regression problem: ``n`` inputs uniform in ``[-2, 2]^2`` and targets ``sin(1.5 x_1) x_2``.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of the inputs.

    Returns
    -------
    X, Y : ndarray
        Shapes ``(n, 2)`` and ``(n, 1)``.
    """
    n = positive_int(n, "n")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, (n, 2))
    return X, np.sin(1.5 * X[:, :1]) * X[:, 1:2]


def training_problem(width: int = 16, n: int = 32, data_seed: int = 0):
    """The network ``MLP([2, width, width, 1], "tanh")``, the data of :func:`regression_data` and the ray.

    Parameters
    ----------
    width : int
        Width of both hidden layers.
    n, data_seed : int
        As in :func:`regression_data`.

    Returns
    -------
    net, X, Y, ray
        The network, the data, and the :class:`~landscapelab.smoothness.Ray` with ``M = Omega`` (square loss).
    """
    net = MLP([2, positive_int(width, "width"), width, 1], activation="tanh")
    X, Y = regression_data(n, data_seed)
    return net, X, Y, Ray(net, X, Y, loss="square")


def dead_set_distance(net: MLP, w, c: float | None = None) -> float:
    """Euclidean distance from ``w`` to ``D_c = {M^i = 0, b^i = c 1 for i <= l}``, the set holding the ray.

    Parameters
    ----------
    net : MLP
        Standard parametrisation with biases (as for :func:`~landscapelab.smoothness.ray`).
    w : array (P,)
        The point.
    c : float, optional
        The point of Assumption 1 (default: the one found for the network's activation).

    Returns
    -------
    float
        ``sqrt(sum_{i <= l} ||M^i||_F^2 + ||b^i - c 1||^2)``; 0 on the ray and on the critical lines.
    """
    _check_net(net)
    w = net.check_params(w)
    if net.depth == 0:
        return 0.0
    c = assumption1(net.activation, c).c
    index = parameter_index(net)
    total = 0.0
    for i in range(1, net.depth + 1):
        total += float(np.sum(w[index[f"M{i}"]] ** 2) + np.sum((w[index[f"b{i}"]] - c) ** 2))
    return float(np.sqrt(total))


def training_norms(lr: float, steps: int = 2000, clip: float | None = None, records: int = 20,
                   width: int = 16, n: int = 32, data_seed: int = 0, seed: int = 0) -> dict[str, np.ndarray]:
    """Gradient descent on the book's training problem, with the norms that (L0, L1)-smoothness compares.

    Parameters
    ----------
    lr : float
        Step size.
    steps : int
        Number of steps.
    clip : float, optional
        Clip the gradient norm at this threshold (``landscapelab.optim.gradient_descent``).
    records : int
        Number of intervals between checkpoints (``records + 1`` checkpoints, the first at step 0).
    width, n, data_seed : int
        The problem (:func:`training_problem`).
    seed : int
        Seed of the initial weights (``net.init(seed)``).

    Returns
    -------
    dict of ndarray
        ``"loss_history"`` (every step), and at the checkpoints ``"step"``, ``"loss"``, ``"gradient"``
        (Euclidean norm), ``"hessian"`` (operator norm, largest absolute eigenvalue by Lanczos),
        ``"distance"`` (to ``D_0``, :func:`dead_set_distance`), ``"last_layer"`` (Frobenius norm of
        ``M^{l+1}``) and ``"weight_norm"`` (``||w||``).
    """
    steps, records = positive_int(steps, "steps"), positive_int(records, "records")
    if records > steps:
        raise ValueError(f"records: expected at most steps = {steps} intervals, got {records}")
    net, X, Y, _ = training_problem(width, n, data_seed)
    f = loss_function(net, X, Y)
    last = parameter_index(net)[f"M{net.depth + 1}"].ravel()
    bounds = np.linspace(0, steps, records + 1).round().astype(int)
    w = net.init(seed=seed)
    keys = ("step", "loss", "gradient", "hessian", "distance", "last_layer", "weight_norm")
    out: dict[str, list] = {key: [] for key in keys}
    history = [float(f(w))]
    for k, (start, stop) in enumerate(zip(bounds, np.append(bounds[1:], bounds[-1]))):
        out["step"].append(int(start))
        out["loss"].append(history[-1])
        out["gradient"].append(float(np.linalg.norm(f.gradient(w))))
        out["hessian"].append(float(abs(eigenvalues(f, w, k=1, which="magnitude")[0])))
        out["distance"].append(dead_set_distance(net, w, 0.0))
        out["last_layer"].append(float(np.linalg.norm(w[last])))
        out["weight_norm"].append(float(np.linalg.norm(w)))
        if k == records:
            break
        w, trace = gradient_descent(f, w, lr, int(stop - start), clip=clip)
        history.extend(trace["loss"][1:].tolist())
    result = {key: np.array(values) for key, values in out.items()}
    result["loss_history"] = np.array(history)
    return result
