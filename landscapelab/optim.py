"""Plain gradient descent, the optimiser the chapters' theorems are about."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, function, positive_int, positive_number
from .curvature import gradient

__all__ = ["gradient_descent"]


def gradient_descent(f, w0, lr: float, steps: int, record_every: int = 1, progress: bool = False,
                     clip: float | None = None):
    """Run ``w <- w - lr * grad f(w)`` for ``steps`` steps, optionally with gradient clipping.

    With ``clip`` (a threshold on the gradient norm) the step is ``lr * min(1, clip / ||grad f(w)||) * grad f(w)``:
    clipped gradient descent (Zhang, He, Sra and Jadbabaie 2020), whose update never exceeds ``lr * clip``.

    Parameters
    ----------
    f : callable
        A scalar function of the flat parameters (a fast ``f.gradient`` and ``f.value`` are used if present).
    w0 : array (P,)
        The starting point (copied).
    lr : float
        The step size, positive.
    steps : int
        Number of steps.
    record_every : int
        Record the loss and gradient norm every this many steps (and at the start and the end).
    progress : bool
        Show a progress bar.
    clip : float, optional
        Threshold on the gradient norm (None: plain gradient descent).

    Returns
    -------
    w : ndarray (P,)
        The final point.
    history : dict of ndarray
        ``"step"``, ``"loss"`` and ``"grad_norm"``.

    Raises
    ------
    FloatingPointError
        If the iterates overflow (the step size is too large), with the step where it happened.
    """
    w = as_float_array(w0, "w0", ndim=1).copy()
    steps = positive_int(steps, "steps")
    record_every = positive_int(record_every, "record_every")
    function(f, "f")
    lr = positive_number(lr, "lr")
    if clip is not None:
        clip = positive_number(clip, "clip")
    value = getattr(f, "value", f)
    history = {"step": [], "loss": [], "grad_norm": []}
    iterator = range(steps + 1)
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, desc="gradient descent", unit="step")
    for step in iterator:
        g = gradient(f, w)
        norm = float(np.linalg.norm(g))
        if step % record_every == 0 or step == steps:
            history["step"].append(step)
            history["loss"].append(float(value(w)))
            history["grad_norm"].append(norm)
        if step == steps:
            break
        w -= (lr if clip is None or norm <= clip else lr * clip / norm) * g
        if not np.all(np.isfinite(w)):
            raise FloatingPointError(f"gradient descent diverged at step {step + 1} (lr={lr}); use a smaller lr")
    return w, {k: np.asarray(v) for k, v in history.items()}
