"""Problem factories and independent oracles for tests, claims and coursework (in the spirit of autograd's
``check_grads``).

* :func:`random_problem`: a small network, data and loss function at a random point.
* :func:`rel_error`: the relative error used throughout the book.
* :func:`check_gradient`, :func:`check_hvp`: a function's own ``gradient``/``hvp`` against autograd and against
  central finite differences.
* :func:`check_operator`: an operator's products against a dense matrix computed another way (and its transpose,
  symmetry, and block products against single products).

Each ``check_*`` function raises ``AssertionError`` with the measured error when a comparison fails, and returns
the errors it measured, so a test, a verify row or a student can print them.
"""

from __future__ import annotations

from dataclasses import dataclass

import autograd
import numpy as np

from ._validate import as_float_array, choice, function, positive_int, positive_number
from .losses import LossFunction, loss_function
from .nets import MLP

__all__ = ["Problem", "random_problem", "rel_error", "check_gradient", "check_hvp", "check_operator",
           "noisy_power_law", "public_modules", "public_objects",
           "finite_difference_gradient", "wrong_values", "wrong_value_strategy", "bad_input_spec",
           "example_call", "refusal", "spec_location"]

# The bad-input property-test harness lives in its own module (kept short); its names are part of this one.
from .bad_input import (bad_input_spec, example_call, refusal, spec_location, wrong_value_strategy,  # noqa: E402
                        wrong_values)


@dataclass(frozen=True)
class Problem:
    """A network, its data, the loss function and a point: what most tests start from.

    Parameters
    ----------
    net : MLP
        The network.
    X, Y : ndarray
        Inputs and targets.
    f : LossFunction
        The loss function.
    w : ndarray (P,)
        The point.
    """

    net: MLP
    X: np.ndarray
    Y: np.ndarray
    f: LossFunction
    w: np.ndarray


def random_problem(widths=(3, 8, 8, 2), activation="tanh", loss: str = "square", n: int = 12, seed: int = 0,
                   **net_options) -> Problem:
    """A small random problem: ``MLP(widths)`` at ``net.init(seed + 1)`` with standard normal inputs.

    Parameters
    ----------
    widths : sequence of int
        ``[d_in, ..., d_out]``.
    activation : str
        Hidden activation.
    loss : {"square", "cross_entropy"}
        Square-loss targets are standard normal; cross-entropy targets are soft labels (Dirichlet rows).
    n : int
        Number of samples.
    seed : int
        Seeds the data (``seed``) and the weights (``seed + 1``).
    **net_options
        Passed to :class:`~landscapelab.MLP` (``bias``, ``parametrization``, ``output_activation``).

    Returns
    -------
    Problem
    """
    loss = choice(loss, "loss", ("square", "cross_entropy"))
    n = positive_int(n, "n")
    rng = np.random.default_rng(seed)
    net = MLP(widths, activation=activation, **net_options)
    X = rng.standard_normal((n, net.d_in))
    Y = rng.standard_normal((n, net.d_out)) if loss == "square" else rng.dirichlet(np.ones(net.d_out), n)
    w = net.init(seed=seed + 1)
    return Problem(net, X, Y, loss_function(net, X, Y, loss=loss), w)


def rel_error(a, b) -> float:
    """``||a - b|| / max(||b||, tiny)`` (Frobenius norms); 0 when both are zero.

    Parameters
    ----------
    a : array
        The value under test.
    b : array
        The reference, of the same shape.

    Returns
    -------
    float
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a, b: expected arrays of one shape, got {a.shape} and {b.shape}")
    scale = np.linalg.norm(b)
    diff = np.linalg.norm(a - b)
    return float(diff / scale) if scale > 0 else float(diff)


def finite_difference_gradient(f, w, step: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(w + h e_i) - f(w - h e_i)) / 2h``, an oracle that uses only values.

    Parameters
    ----------
    f : callable
        Scalar function of the flat parameters.
    w : array (P,)
        The point: a flat parameter vector.
    step : float
        The step h, relative to ``max(1, |w_i|)``.

    Returns
    -------
    ndarray (P,)
    """
    function(f, "f")
    step = positive_number(step, "step")
    w = np.array(as_float_array(w, "w", ndim=1), dtype=np.float64)
    g = np.empty(w.size)
    for i in range(w.size):
        h = step * max(1.0, abs(w[i]))
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        g[i] = (float(f(up)) - float(f(down))) / (2 * h)
    return g


def check_gradient(f, w, rtol: float = 1e-10, fd_rtol: float = 1e-6) -> dict:
    """Compare ``f.gradient(w)`` with autograd (to ``rtol``) and with central finite differences (to ``fd_rtol``).

    Parameters
    ----------
    f : callable
        A scalar function with a ``gradient`` method (e.g. a :func:`~landscapelab.loss_function`).
    w : array (P,)
        The point: a flat parameter vector.
    rtol : float
        Tolerance against autograd (an exact method: rounding only).
    fd_rtol : float
        Tolerance against finite differences (truncation error of order ``h^2``).

    Returns
    -------
    dict
        ``{"autograd": error, "finite_differences": error}``.
    """
    if not callable(getattr(f, "gradient", None)):
        raise TypeError(f"f: expected a function with a gradient method, got {type(f).__name__}")
    w = as_float_array(w, "w", ndim=1)
    mine = np.asarray(f.gradient(w), dtype=np.float64)
    errors = {"autograd": rel_error(mine, autograd.grad(f)(w)),
              "finite_differences": rel_error(mine, finite_difference_gradient(f, w))}
    if errors["autograd"] > rtol or errors["finite_differences"] > fd_rtol:
        raise AssertionError(f"gradient: relative error {errors['autograd']:.3g} against autograd (tol {rtol:g}), "
                             f"{errors['finite_differences']:.3g} against finite differences (tol {fd_rtol:g})")
    return errors


def check_hvp(f, w, directions: int = 3, seed: int = 0, rtol: float = 1e-10, fd_rtol: float = 1e-6) -> dict:
    """Compare ``f.hvp(w, V)`` with autograd's dense Hessian and with central differences of the gradient
    ``(g(w + h v) - g(w - h v)) / 2h``; also one block call against single calls.

    Parameters
    ----------
    f : callable
        A scalar function with ``gradient`` and ``hvp`` methods.
    w : array (P,)
        The point: a flat parameter vector.
    directions : int
        Number of random directions.
    seed : int
        Seed of the random draws.
    rtol, fd_rtol : float
        Tolerances against autograd and against finite differences.

    Returns
    -------
    dict
        ``{"autograd": error, "finite_differences": error, "block_vs_single": error}``.
    """
    if not (callable(getattr(f, "gradient", None)) and callable(getattr(f, "hvp", None))):
        raise TypeError(f"f: expected a function with gradient and hvp methods, got {type(f).__name__}")
    w = np.array(as_float_array(w, "w", ndim=1), dtype=np.float64)
    V = np.random.default_rng(seed).standard_normal((positive_int(directions, "directions"), w.size))
    block = np.asarray(f.hvp(w, V), dtype=np.float64)
    single = np.stack([np.asarray(f.hvp(w, v), dtype=np.float64) for v in V])
    H = np.asarray(autograd.hessian(f)(w), dtype=np.float64).reshape(w.size, w.size)
    h = 1e-5 * max(1.0, float(np.abs(w).max()))
    fd = np.stack([(np.asarray(f.gradient(w + h * v)) - np.asarray(f.gradient(w - h * v))) / (2 * h) for v in V])
    errors = {"autograd": rel_error(block, V @ H.T), "finite_differences": rel_error(block, fd),
              "block_vs_single": rel_error(block, single)}
    if errors["autograd"] > rtol or errors["block_vs_single"] > rtol or errors["finite_differences"] > fd_rtol:
        raise AssertionError(f"hvp: relative errors {errors} (tolerances {rtol:g} exact, {fd_rtol:g} finite "
                             "differences)")
    return errors


def check_operator(op, dense, rtol: float = 1e-12, directions: int = 4, seed: int = 0) -> dict:
    """Compare an operator's products with a dense matrix computed another way.

    Checks ``op @ v`` and the block product ``op.rows(V)`` against ``dense @ v``, the transpose products against
    ``dense.T``, and, for a symmetric operator, that ``dense`` is symmetric.

    Parameters
    ----------
    op : LinearOperator
        The operator under test (a :class:`~landscapelab.curvature.CurvatureOperator` or any SciPy operator).
    dense : array (m, n)
        The oracle, computed independently (autograd, finite differences, an explicit formula).
    rtol : float
        Tolerance on each relative error.
    directions : int
        Number of random directions.
    seed : int
        Seed of the random draws.

    Returns
    -------
    dict
        ``{"matvec": error, "block": error, "transpose": error}``.
    """
    if not (hasattr(op, "shape") and callable(getattr(op, "matmat", None))):
        raise TypeError(f"op: expected a scipy LinearOperator, got {type(op).__name__}")
    dense = np.asarray(as_float_array(dense, "dense", ndim=2), dtype=np.float64)
    if tuple(op.shape) != dense.shape:
        raise AssertionError(f"operator shape {tuple(op.shape)} differs from the dense oracle's {dense.shape}")
    rng = np.random.default_rng(seed)
    k = positive_int(directions, "directions")
    V = rng.standard_normal((k, dense.shape[1]))
    U = rng.standard_normal((k, dense.shape[0]))
    block = op.rows(V) if hasattr(op, "rows") else np.asarray(op.matmat(V.T)).T
    errors = {"matvec": max(rel_error(op @ v, dense @ v) for v in V), "block": rel_error(block, V @ dense.T),
              "transpose": rel_error(np.asarray(op.T.matmat(U.T)).T, U @ dense)}
    if getattr(op, "symmetric", False):
        errors["symmetry"] = rel_error(dense, dense.T)
    bad = {name: err for name, err in errors.items() if err > rtol}
    if bad:
        raise AssertionError(f"operator {op!r}: relative errors {bad} above rtol = {rtol:g}")
    return errors


def noisy_power_law(width, seed: int, exponent: float = -0.5, noise: float = 0.05) -> dict:
    """``width ** exponent`` times log-normal noise drawn from ``(seed, width)``: a known law for testing sweeps and
    slope intervals (a module-level function, so process pools and Dask workers can run it).

    Parameters
    ----------
    width : int
        The abscissa.
    seed : int
        Seed of the noise, combined with ``width``.
    exponent : float
        The true log-log slope.
    noise : float
        Standard deviation of the log-noise.

    Returns
    -------
    dict
        ``{"value": ..., "pid": ...}``: the sample and the process that computed it.
    """
    import os

    width = positive_number(width, "width")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected an integer >= 0, got {seed!r}")
    rng = np.random.default_rng([int(seed), int(round(width * 1e6))])
    return {"value": float(width) ** exponent * float(np.exp(noise * rng.standard_normal())), "pid": os.getpid()}


def public_modules() -> list[str]:
    """Dotted names of every public module of the package (no part starting with an underscore), found on disk.

    Returns
    -------
    list of str
    """
    import pkgutil

    import landscapelab

    names = ["landscapelab"] + [m.name for m in pkgutil.walk_packages(landscapelab.__path__, "landscapelab.")
                                if not any(part.startswith("_") for part in m.name.split(".")[1:])]
    return [name for name in names if name != "landscapelab.__main__"]


def public_objects(prefixes: tuple = ("landscapelab",)) -> list[str]:
    """Qualified names of the public functions, classes and public methods of those classes, from the ``__all__``
    of every public module whose name starts with one of ``prefixes``: what completeness tests (docstrings, bad
    input) iterate over, so that a new public function is covered without being listed by hand.

    Parameters
    ----------
    prefixes : tuple of str
        Module-name prefixes to include.

    Returns
    -------
    list of str
    """
    import importlib
    import inspect

    found = []
    for module_name in public_modules():
        if not module_name.startswith(tuple(prefixes)):
            continue
        module = importlib.import_module(module_name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != module_name:
                continue
            found.append(f"{module_name}.{attr}")
            if inspect.isclass(obj):
                found += [f"{module_name}.{attr}.{m}" for m, f in vars(obj).items()
                          if not m.startswith("_") and inspect.isfunction(f)]
    return found

