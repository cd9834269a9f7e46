"""Plain gradient descent, the optimiser the chapters' theorems are about."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, positive_int
from .curvature import gradient

__all__ = ["gradient_descent"]


def gradient_descent(f, w0, lr: float, steps: int, record_every: int = 1, progress: bool = False,
                     clip: float | None = None):
    """Run ``w <- w - lr * grad f(w)`` for ``steps`` steps, optionally with gradient clipping.

    Returns ``(w, history)``: the final point and a dict with ``"step"``, ``"loss"`` and ``"grad_norm"``
    arrays recorded every ``record_every`` steps (and at the start and the end). ``f`` may carry a fast
    ``f.gradient``. Stops early with a ``FloatingPointError`` if the iterates overflow (learning rate too
    large).

    With ``clip`` (a threshold on the gradient norm) the step is ``lr * min(1, clip / ||grad f(w)||) * grad
    f(w)``: clipped gradient descent (Zhang, He, Sra and Jadbabaie 2020), whose update never exceeds ``lr *
    clip``.
    """
    w = as_float_array(w0, "w0", ndim=1).copy()
    steps = positive_int(steps, "steps")
    record_every = positive_int(record_every, "record_every")
    if not lr > 0:
        raise ValueError(f"lr: expected a positive learning rate, got {lr!r}")
    if clip is not None and (isinstance(clip, bool) or not isinstance(clip, (int, float)) or not clip > 0):
        raise ValueError(f"clip: expected a positive threshold on the gradient norm or None, got {clip!r}")
    value = getattr(f, "value", f)
    history = {"step": [], "loss": [], "grad_norm": []}
    iterator = range(steps + 1)
    if progress:
        from tqdm.auto import tqdm

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
