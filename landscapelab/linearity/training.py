"""Gradient descent that records the tangent kernel, the loss and the distance travelled.

:func:`train` runs full-batch gradient descent on a :func:`landscapelab.loss_function` and, every ``every``
steps and at the first step below each loss target, evaluates the kernels it is given (the tangent kernel of
the network ``f``, of ``softmax(f)``, of ``phi(f)``, ...), their relative change ``||K(w_t) - K(w_0)||_F /
||K(w_0)||_F`` (the paper's Delta K of Section 6 is its supremum over t), and the distance from the start in
the 2-norm and the infinity-norm (Section 1.1: the first stays of order one, the second shrinks with width).

The protocols of the chapter are built on it: :mod:`landscapelab.linearity.experiments`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._validate import boolean, function, positive_int, positive_number
from ._args import array as _array

__all__ = ["Trajectory", "train", "relative_change"]


def relative_change(K, K0) -> float:
    """``||K - K0||_F / ||K0||_F``.

    Parameters
    ----------
    K, K0 : array
        Matrices of the same shape (``K0`` not zero).

    Returns
    -------
    float
    """
    K = np.asarray(_array(K, "K"), dtype=np.float64)
    K0 = np.asarray(_array(K0, "K0", shape=K.shape), dtype=np.float64)
    norm = float(np.linalg.norm(K0))
    if norm == 0.0:
        raise ValueError("K0: the initial kernel is zero, its relative change is undefined")
    return float(np.linalg.norm(K - K0)) / norm


@dataclass
class Trajectory:
    """What :func:`train` recorded.

    Attributes
    ----------
    loss : ndarray (T + 1,)
        Loss at every step ``0..T`` (T the last step taken).
    steps : ndarray (r,)
        Steps at which kernels and distances were recorded (0 first).
    kernel_change : dict of str to ndarray (r,)
        Relative kernel change at the recorded steps, per kernel name.
    distance, distance_inf : ndarray (r,)
        ``||w_t - w_0||_2`` and ``||w_t - w_0||_inf`` at the recorded steps.
    crossings : dict of float to int
        For every loss target reached, the first step whose loss is below it.
    eta : float
        Step size.
    w : ndarray (P,)
        The last point.
    """

    loss: np.ndarray
    steps: np.ndarray
    kernel_change: dict
    distance: np.ndarray
    distance_inf: np.ndarray
    crossings: dict
    eta: float
    w: np.ndarray = field(repr=False)

    def reached(self, target: float) -> bool:
        """Whether the loss went below ``target``.

        Parameters
        ----------
        target : float
            A loss threshold (> 0).

        Returns
        -------
        bool
            True if ``target`` was one of :func:`train`'s ``targets`` and the loss went below it.
        """
        return positive_number(target, "target") in self.crossings

    def summary(self, target: float | None = None) -> dict:
        """Delta K (the supremum of the relative change, per kernel) and the distances, up to the first step
        below ``target`` (default: the whole run).

        Parameters
        ----------
        target : float, optional
            A loss target reached by the run (default: the whole run).

        Returns
        -------
        dict
            ``steps`` and, per kernel name ``k``, ``dK_k``; ``distance``, ``distance_inf`` at that step.
        """
        if target is None:
            last = len(self.steps) - 1
            step = int(self.steps[-1])
        else:
            target = positive_number(target, "target")
            if target not in self.crossings:
                raise ValueError(
                    f"target: the loss never went below {target} (final loss {self.loss[-1]:.3g})"
                )
            step = self.crossings[target]
            last = int(np.searchsorted(self.steps, step))
        out = {"steps": step}
        for name, values in self.kernel_change.items():
            out[f"dK_{name}"] = float(np.max(values[: last + 1]))
        out["distance"] = float(self.distance[last])
        out["distance_inf"] = float(self.distance_inf[last])
        return out


def train(
    loss,
    w0,
    eta: float,
    kernels: Mapping[str, Callable] | None = None,
    max_steps: int = 10_000,
    targets: Sequence[float] = (),
    every: int = 25,
    stop_at_last_target: bool = True,
    callback: Callable | None = None,
) -> Trajectory:
    """Full-batch gradient descent ``w <- w - eta grad L(w)`` that records kernels, loss and distance.

    Parameters
    ----------
    loss : callable
        ``loss(w)`` with ``loss.gradient(w)`` (a :func:`landscapelab.loss_function`, or any object with both).
    w0 : array (P,)
        Start (copied).
    eta : float
        Step size (> 0).
    kernels : mapping of str to callable, optional
        ``name -> K(w)``, each returning a matrix; recorded at step 0, every ``every`` steps and at each
        target crossing.
    max_steps : int
        Most steps taken.
    targets : sequence of float
        Loss thresholds; the first step below each is recorded (and kernels evaluated there).
    every : int
        Recording period in steps.
    stop_at_last_target : bool
        Stop at the first step below the smallest target.
    callback : callable, optional
        ``callback(step, w)`` at every recording.

    Returns
    -------
    Trajectory
    """
    if not callable(loss) or not hasattr(loss, "gradient"):
        raise TypeError(
            f"loss: expected a loss function with .gradient (landscapelab.loss_function), "
            f"got {type(loss).__name__}"
        )
    w = np.array(_array(w0, "w0", ndim=1), dtype=np.float64, copy=True)
    start = w.copy()
    eta = positive_number(eta, "eta")
    max_steps = positive_int(max_steps, "max_steps")
    every = positive_int(every, "every")
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__iter__") or getattr(targets, "ndim", 1) == 0:
        raise TypeError(f"targets: expected a sequence of positive loss thresholds, got {targets!r:.60}")
    if np.ndim(np.asarray(targets, dtype=object)) > 1:
        raise ValueError("targets: expected a flat sequence of loss thresholds")
    targets = sorted((positive_number(t, "targets") for t in targets), reverse=True)
    stop_at_last_target = boolean(stop_at_last_target, "stop_at_last_target")
    if callback is not None:
        function(callback, "callback")
    if kernels is not None and not isinstance(kernels, Mapping):
        raise TypeError(f"kernels: expected a mapping name -> K(w), got {type(kernels).__name__}")
    for name, fn in (kernels or {}).items():
        function(fn, f"kernels[{name!r}]")
    kernels = dict(kernels or {})
    K0 = {name: np.asarray(fn(w), dtype=np.float64) for name, fn in kernels.items()}
    changes = {name: [] for name in kernels}
    steps, dist, dist_inf, losses = [], [], [], []
    crossings: dict[float, int] = {}
    pending = list(targets)

    def record(t):
        steps.append(t)
        for name, fn in kernels.items():
            changes[name].append(relative_change(fn(w), K0[name]))
        delta = w - start
        dist.append(float(np.linalg.norm(delta)))
        dist_inf.append(float(np.abs(delta).max()))
        if callback is not None:
            callback(t, w)

    evaluate = loss.value if hasattr(loss, "value") else loss  # the fast path shares the forward pass
    t = 0
    while True:
        with np.errstate(over="ignore", invalid="ignore"):   # a diverging run is reported below, not warned
            value = float(evaluate(w))
        if not math.isfinite(value):
            raise FloatingPointError(f"train: the loss is {value} at step {t} (eta = {eta:.3g} is too large)")
        losses.append(value)
        crossed = False
        while pending and value < pending[0]:
            crossings[pending.pop(0)] = t
            crossed = True
        if t % every == 0 or crossed:
            record(t)
        if (stop_at_last_target and targets and not pending) or t >= max_steps:
            if steps[-1] != t:
                record(t)
            break
        w -= eta * np.asarray(loss.gradient(w), dtype=np.float64)
        t += 1
    return Trajectory(
        np.array(losses),
        np.array(steps),
        {k: np.array(v) for k, v in changes.items()},
        np.array(dist),
        np.array(dist_inf),
        crossings,
        float(eta),
        w,
    )
