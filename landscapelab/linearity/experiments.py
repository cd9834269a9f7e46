"""The paper's experiments (Section 6, Appendix B) and the Theorem 5.1 example, at laptop sizes.

Every protocol is a module-level function of ``(width, seed, ...)`` returning a dict of numbers, so that
:func:`landscapelab.sweep` can run it over widths and seeds and cache the results.

* Figure 1 (:func:`figure1_run`): the data of Eq. (42), the ReLU network of Eq. (43) with 3 outputs, trained
  by gradient descent on the mean cross-entropy of its softmax (Eq. 46), so that the linear-output network
  ``f`` and ``softmax(f)`` (Eq. 44) share one trajectory; Delta K of both. Choices the paper leaves open:
  biases N(0, 1), the full ``3N x 3N`` kernel, ``eta = 4 N / lambda_max(K(w_0))``, Delta K evaluated every 25
  steps and at the threshold crossing, a loss target of 1e-2 (the paper's 1e-4 needs 50,000 to 70,000 steps).
* Figure 2 (:func:`figure2_run`): the bottleneck network of Eq. (48) with a first-layer bias (erratum E6:
  without it the network is positively homogeneous in x and cannot fit the data) and ``1/sqrt(m_b)`` before
  ``W_3``.
* Theorem 5.1 (:func:`theorem51_run`): ``N = 20`` points on the sphere of radius ``sqrt(5)`` in R^5 with
  labels uniform in (-1, 1), a one-hidden-layer tanh network, the square loss ``(1/2) sum (phi(f) - y)^2``
  with ``phi(z) = z + softplus(z) - ln 2`` (``|phi'| >= 1``) or without output function, ``eta = 1 /
  lambda_max``.
"""

from __future__ import annotations

import numpy as np

from .._validate import boolean, nonnegative_int, positive_int, positive_number
from ..curvature import tangent_kernel
from ..losses import loss_function
from ..nets import MLP
from .output import get_output, softmax_kernel, with_output
from .training import train

__all__ = [
    "figure1_data",
    "figure1_net",
    "figure1_run",
    "figure2_net",
    "figure2_run",
    "theorem51_data",
    "theorem51_run",
    "eq48_homogeneity",
]


def figure1_data(seed: int = 0, n: int = 60):
    """The synthetic data of Eq. (42): labels uniform on {0, 1, 2}, ``x | y ~ N(0, 1), N(10, 1), N(-10, 1)``.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    n : int
        Number of points (the paper: 60).

    Returns
    -------
    (X, Y) : tuple of ndarray
        Inputs ``(n, 1)`` and one-hot labels ``(n, 3)``.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, positive_int(n, "n"))
    x = rng.standard_normal(n) + np.array([0.0, 10.0, -10.0])[y]
    return x[:, None], np.eye(3)[y]


def figure1_net(width: int) -> MLP:
    """Eq. (43): ``f(w, V, b; x) = m^{-1/2} V relu(w x + b)``, 3 outputs, a first-layer bias only.

    Parameters
    ----------
    width : int
        Hidden width m.

    Returns
    -------
    MLP
    """
    return MLP(
        [1, positive_int(width, "width"), 3], activation="relu", bias=[True, False], parametrization="ntk"
    )


def _kernel_scale(K) -> float:
    return float(np.linalg.eigvalsh(K)[-1])


def figure1_run(
    width: int,
    seed: int,
    target: float = 1e-2,
    data_seed: int = 0,
    every: int = 25,
    max_steps: int = 20_000,
    trace: bool = False,
) -> dict:
    """One run of the Figure 1 protocol (cross-entropy, shared trajectory of ``f`` and ``softmax(f)``).

    Parameters
    ----------
    width : int
        Hidden width m.
    seed : int
        Seed of ``numpy.random.default_rng``.
    target : float
        Loss threshold at which the run stops.
    data_seed : int
        Seed of the data set.
    every : int
        Kernel evaluation period (steps).
    max_steps : int
        Most gradient-descent steps.
    trace : bool
        Also return the recorded steps, kernel changes and loss curve (for figures and demos).

    Returns
    -------
    dict
        ``steps`` (to the target, or all steps taken if ``reached`` is False), ``dK_f``, ``dK_softmax``,
        ``distance``, ``distance_inf``, ``reached``, ``eta`` and with ``trace`` the arrays ``t``,
        ``change_f``, ``change_softmax``, ``loss``.
    """
    target = positive_number(target, "target")
    data_seed = nonnegative_int(data_seed, "data_seed")
    every, max_steps = positive_int(every, "every"), positive_int(max_steps, "max_steps")
    trace = boolean(trace, "trace")
    X, Y = figure1_data(data_seed)
    net = figure1_net(width)
    w0 = net.init(seed=seed)
    loss = loss_function(net, X, Y, loss="cross_entropy", scale=1.0 / X.shape[0])

    def k_f(w):
        return tangent_kernel(net, w, X)

    def k_softmax(w):
        return softmax_kernel(tangent_kernel(net, w, X), net(w, X))

    eta = 4.0 * X.shape[0] / _kernel_scale(k_f(w0))
    run = train(
        loss,
        w0,
        eta,
        kernels={"f": k_f, "softmax": k_softmax},
        targets=(target,),
        every=every,
        max_steps=max_steps,
    )
    reached = run.reached(target)
    out = {**run.summary(target if reached else None), "reached": reached, "eta": eta}
    if trace:
        out.update(
            t=run.steps,
            change_f=run.kernel_change["f"],
            change_softmax=run.kernel_change["softmax"],
            loss=run.loss,
        )
    return out


def figure2_net(width: int, bottleneck: int, bias: bool = True) -> MLP:
    """Eq. (48) with the corrections of erratum E6: ``f = m^{-1/2} W4 relu(m_b^{-1/2} W3 m^{-1/2} W2 relu(W1 x
    + b))``, three hidden layers of widths ``m, m_b, m``, a linear bottleneck, 3 outputs.

    Parameters
    ----------
    width : int
        The width m of the wide hidden layers.
    bottleneck : int
        Width m_b of the bottleneck layer.
    bias : bool
        The first-layer bias (False gives Eq. 48 as printed).

    Returns
    -------
    MLP
    """
    m, mb = positive_int(width, "width"), positive_int(bottleneck, "bottleneck")
    return MLP(
        [1, m, mb, m, 3],
        activation=["relu", "identity", "relu"],
        bias=[boolean(bias, "bias"), False, False, False],
        parametrization="ntk",
    )


def figure2_run(
    width: int,
    seed: int,
    bottleneck: int,
    target: float = 1e-2,
    data_seed: int = 0,
    every: int = 25,
    max_steps: int = 20_000,
) -> dict:
    """One run of the Figure 2 protocol: cross-entropy on ``softmax(f)``, Delta K of the logits' kernel.

    Parameters
    ----------
    width : int
        The width m of the wide hidden layers.
    seed : int
        Seed of ``numpy.random.default_rng``.
    bottleneck : int
        Width m_b of the bottleneck layer.
    target : float
        Loss threshold at which the run stops.
    data_seed : int
        Seed of the data set.
    every : int
        Period (in steps) of the kernel evaluations.
    max_steps : int
        Most gradient-descent steps.

    Returns
    -------
    dict
        ``steps``, ``dK_f``, ``distance``, ``distance_inf``, ``reached`` (whether the loss went below
        ``target`` within ``max_steps``; if not, the values are those of the whole run), ``eta``.
    """
    target = positive_number(target, "target")
    data_seed = nonnegative_int(data_seed, "data_seed")
    every, max_steps = positive_int(every, "every"), positive_int(max_steps, "max_steps")
    X, Y = figure1_data(data_seed)
    net = figure2_net(width, bottleneck)
    w0 = net.init(seed=seed)
    loss = loss_function(net, X, Y, loss="cross_entropy", scale=1.0 / X.shape[0])

    def k_f(w):
        return tangent_kernel(net, w, X)

    eta = 4.0 * X.shape[0] / _kernel_scale(k_f(w0))
    run = train(loss, w0, eta, kernels={"f": k_f}, targets=(target,), every=every, max_steps=max_steps)
    reached = run.reached(target)
    return {**run.summary(target if reached else None), "reached": reached, "eta": eta}


def eq48_homogeneity(width: int = 50, bottleneck: int = 5, seed: int = 0, x: float = 1.7) -> float:
    """``f(2x) / f(x)`` for Eq. (48) *as printed* (no bias): 2 for every x > 0 (erratum E6).

    Parameters
    ----------
    width : int
        Width of the wide layers.
    bottleneck : int
        Width m_b of the bottleneck layer.
    seed : int
        Seed of ``numpy.random.default_rng``.
    x : float
        A positive input (> 0).

    Returns
    -------
    float
        The largest ``|f_c(2x) / f_c(x)|`` over the three outputs.
    """
    x = positive_number(x, "x")
    net = figure2_net(width, bottleneck, bias=False)
    w = net.init(seed=seed)
    out = net(w, np.array([[x], [2.0 * x]]))
    return float(np.max(np.abs(out[1] / out[0])))


def theorem51_data(seed: int = 0, n: int = 20, d: int = 5):
    """``n`` points on the sphere of radius ``sqrt(d)`` in R^d and labels uniform in (-1, 1).

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    n : int
        Number of points.
    d : int
        Input dimension.

    Returns
    -------
    (X, y) : tuple of ndarray
        ``(n, d)`` and ``(n, 1)``.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((positive_int(n, "n"), positive_int(d, "d")))
    X *= np.sqrt(d) / np.linalg.norm(X, axis=1, keepdims=True)
    return X, rng.uniform(-1.0, 1.0, (n, 1))


def theorem51_run(
    width: int,
    seed: int,
    output: str | None = "shifted_softplus",
    steps: int = 2000,
    every: int = 50,
    data_seed: int = 0,
    trace: bool = False,
) -> dict:
    """Gradient descent on ``(1/2) sum_i (phi(f(x_i)) - y_i)^2`` for a one-hidden-layer tanh NTK network.

    Parameters
    ----------
    width : int
        Hidden width m.
    seed : int
        Seed of ``numpy.random.default_rng``.
    output : str or None
        ``phi`` (None: the linear output ``f``).
    steps : int
        Gradient-descent steps.
    every : int
        Period (in steps) of the kernel evaluations.
    data_seed : int
        Seed of the data set.
    trace : bool
        Also return the loss curve and the recorded kernel changes.

    Returns
    -------
    dict
        ``dK_f`` (kernel of ``f`` along the path), ``dK_out`` (kernel of the trained model ``phi(f)``),
        ``rate`` (fitted per-step decay of log L), ``loss`` (final), ``bound`` (the right side of Eq. 34 with
        ``mu rho^2`` replaced by the smallest ``lambda_min`` of the trained model's kernel seen on the path),
        ``lambda_min``, ``distance``, ``distance_inf``, ``eta``.
    """
    if output is not None:
        try:
            get_output(output)
        except (TypeError, ValueError) as err:
            raise type(err)(f"output: {err}") from None
    steps, every = positive_int(steps, "steps"), positive_int(every, "every")
    data_seed, trace = nonnegative_int(data_seed, "data_seed"), boolean(trace, "trace")
    X, y = theorem51_data(data_seed)
    net = MLP(
        [X.shape[1], positive_int(width, "width"), 1], activation="tanh", bias=False, parametrization="ntk"
    )
    model = net if output is None else with_output(net, get_output(output))
    w0 = net.init(seed=seed)
    loss = loss_function(model, X, y, loss="square", scale=0.5)
    smallest = []

    def k_f(w):
        return tangent_kernel(net, w, X)

    def k_out(w):
        K = tangent_kernel(model, w, X)
        smallest.append(float(np.linalg.eigvalsh(K)[0]))
        return K

    eta = 1.0 / _kernel_scale(k_out(w0))
    smallest.clear()
    run = train(loss, w0, eta, kernels={"f": k_f, "out": k_out}, max_steps=steps, every=every)
    L = run.loss
    t = np.arange(L.size)
    rate = float(-np.polyfit(t, np.log(L), 1)[0])
    lam = min(smallest)
    out = {
        "dK_f": float(run.kernel_change["f"].max()),
        "dK_out": float(run.kernel_change["out"].max()),
        "rate": rate,
        "loss": float(L[-1]),
        "loss0": float(L[0]),
        "lambda_min": lam,
        "bound": float((1.0 - eta * lam) ** (L.size - 1) * L[0]),
        "distance": float(run.distance[-1]),
        "distance_inf": float(run.distance_inf[-1]),
        "eta": eta,
    }
    if trace:
        out.update(
            t=run.steps, change_f=run.kernel_change["f"], change_out=run.kernel_change["out"], loss_curve=L
        )
    return out
