"""Two-class data sets on the plane and the small classifiers the chapter trains on them.

``strips_data`` samples the distribution (5.4) of Nguyen's thesis (Section 5.3.2): blue on ``[-2, -1] ∪ [1, 2]
x [-1/2, 1/2]``, red on ``[-1, 1] x [-1/2, 1/2]``; its Bayes blue region is disconnected. ``two_disks_data``
(blue: two disks in ``[-4, 4]^2``, as in Section 5.3.4, whose generator the thesis does not give) and
``xor_data`` (quadrants) are the other two. ``train_classifier`` fits a one-hidden-layer (or deeper) network
by full-batch Adam on the cross-entropy, the setting of Section 5.3.4 with Adam in place of SGD.
"""

from __future__ import annotations

import numpy as np

from ..losses import loss_function
from ..nets import MLP
from .._validate import as_float_array, positive_int, positive_ints, positive_number
from . import decision_regions_kernels as kernels
from .decision_regions_nets import leaky_relu, negative_slope, predict

__all__ = ["strips_data", "two_disks_data", "xor_data", "DATASETS", "train_classifier", "trained_classifier"]


def strips_data(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of (5.4), half blue (class 0) and half red (class 1).

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)
    """
    n = positive_int(n, "n")
    rng = np.random.default_rng(seed)
    nb = n // 2
    blue = np.column_stack([rng.uniform(1, 2, nb) * rng.choice([-1.0, 1.0], nb), rng.uniform(-0.5, 0.5, nb)])
    red = np.column_stack([rng.uniform(-1, 1, n - nb), rng.uniform(-0.5, 0.5, n - nb)])
    return np.vstack([blue, red]), np.repeat([0, 1], [nb, n - nb])


def two_disks_data(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of ``[-4, 4]^2``, half blue (class 0: inside one of the disks of radius 1.5 centred at
    ``(+-2, 0)``) and half red (outside both).

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)
    """
    n = positive_int(n, "n")
    rng = np.random.default_rng(seed)
    nb = n // 2
    radius = 1.5 * np.sqrt(rng.uniform(0, 1, nb))
    angle = rng.uniform(0, 2 * np.pi, nb)
    blue = np.column_stack([rng.choice([-2.0, 2.0], nb) + radius * np.cos(angle), radius * np.sin(angle)])
    red = np.empty((0, 2))
    while len(red) < n - nb:
        cand = rng.uniform(-4, 4, (2 * n, 2))
        far = (np.hypot(cand[:, 0] - 2, cand[:, 1]) > 1.5) & (np.hypot(cand[:, 0] + 2, cand[:, 1]) > 1.5)
        red = np.vstack([red, cand[far]])
    return np.vstack([blue, red[: n - nb]]), np.repeat([0, 1], [nb, n - nb])


def xor_data(n: int = 400, seed: int = 0, gap: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of ``[-1, 1]^2`` farther than ``gap`` from both axes; class 0 (blue) in the first and
    third quadrants, class 1 (red) in the others.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of ``numpy.random.default_rng``.
    gap : float
        Half-width of the empty band along each axis.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)
    """
    n = positive_int(n, "n")
    gap = positive_number(gap, "gap", allow_zero=True)
    if not gap < 1:
        raise ValueError(f"gap: expected 0 <= gap < 1, got {gap!r}")
    rng = np.random.default_rng(seed)
    X = np.empty((0, 2))
    while len(X) < n:
        cand = rng.uniform(-1, 1, (2 * n, 2))
        X = np.vstack([X, cand[np.abs(cand).min(axis=1) > gap]])
    X = X[:n]
    return X, np.where(X[:, 0] * X[:, 1] > 0, 0, 1)


#: Data sets by name.
DATASETS = {"strips (5.4)": strips_data, "two disks": two_disks_data, "xor": xor_data}


def train_classifier(net: MLP, X, y, seed: int = 0, steps: int = 3000, lr: float = 0.01) -> np.ndarray:
    """Fit ``net`` to labels ``y`` by full-batch Adam on the mean cross-entropy, from ``net.init(seed=seed)``.

    One-hidden-layer leaky-ReLU networks run in the fused kernel of :mod:`.decision_regions_kernels`; any
    other network uses the gradient of :func:`landscapelab.loss_function`. Both follow the same Adam
    recursion.

    Parameters
    ----------
    net : MLP
        The classifier (biases, standard parametrisation, linear output).
    X : array_like, shape (n, d)
        Inputs, one per row.
    y : array_like of int, shape (n,)
        Class labels.
    seed : int
        Seed of the initialisation ``net.init(seed=seed)``.
    steps : int
        Number of Adam steps.
    lr : float
        Adam step size (moment decays 0.9 and 0.999, eps 1e-8).

    Returns
    -------
    ndarray
        The trained flat parameter vector.
    """
    steps = positive_int(steps, "steps")
    lr = positive_number(lr, "lr")
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    X = as_float_array(X, "X", shape=(None, net.d_in))
    if len(X) == 0:
        raise ValueError(f"X: expected at least one sample, got shape {X.shape}")
    labels = as_float_array(y, "y", shape=(len(X),))
    if not (np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() < net.d_out):
        raise ValueError(f"y: expected class indices in 0..{net.d_out - 1}")
    y = labels.astype(int)
    f = loss_function(net, X, y, loss="cross_entropy", scale=1.0 / len(y))
    w = net.init(seed=seed)
    slope = negative_slope(net.activation)
    if net.depth == 1 and slope is not None and net.bias and net.parametrization == "standard" \
            and net.output_activation is None:
        return kernels.adam(f.X, f.Y, w, net.widths[1], slope, steps, lr)[0]
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = f.gradient(w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def trained_classifier(dataset: str, widths: tuple, seed: int, alpha: float = 0.1, n: int = 400,
                       steps: int = 3000) -> dict:
    """Train a leaky-ReLU network on one of :data:`DATASETS` (data seed 0, initialisation seed ``seed``).

    A module-level function of plain arguments, so that :func:`landscapelab.sweep` can cache it.

    Parameters
    ----------
    dataset : str
        A key of :data:`DATASETS`.
    widths : tuple of int
        ``(2, n_1, ..., 2)``.
    seed : int
        Seed of the initialisation.
    alpha : float
        Leaky-ReLU slope.
    n : int
        Number of samples.
    steps : int
        Adam steps.

    Returns
    -------
    dict
        ``w`` (parameters), ``errors`` (misclassified training points, ties counted as errors).
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset: expected one of {sorted(DATASETS)}, got {dataset!r}")
    alpha = positive_number(alpha, "alpha", allow_zero=True)
    if alpha > 1:
        raise ValueError(f"alpha: expected a leaky-ReLU slope in [0, 1], got {alpha!r}")
    widths = positive_ints(widths, "widths")
    if len(widths) < 2 or widths[0] != 2 or widths[-1] != 2:
        raise ValueError(f"widths: expected (2, n_1, ..., 2) (two inputs, two classes), got {tuple(widths)}")
    X, y = DATASETS[dataset](n, 0)
    net = MLP(widths, activation=leaky_relu(alpha))
    w = train_classifier(net, X, y, seed=seed, steps=steps)
    return {"w": w, "errors": int(np.sum(predict(net, w, X) != y))}
