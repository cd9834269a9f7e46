"""Norms of the model's derivatives against width: the measurements behind Theorems 3.1-3.3, for any model.

The building blocks take a *model* at a point: either an :class:`~landscapelab.MLP` with inputs ``X`` (exact
Hessian-vector products by the R-operator, :func:`landscapelab.model_hessian_operator`) or any scalar function
``f(w)`` that autograd differentiates (:func:`landscapelab.hessian_operator`).

* :func:`hessian_norm` -- ``||H|| = max |eigenvalue|`` of the model Hessian by block Lanczos on exact products
  (the model Hessian has a nearly symmetric +- spectrum, so plain power iteration oscillates; two Ritz values
  of largest magnitude are tracked);
* :func:`gradient_norm` -- ``||grad_w f||``, whose square is the kernel's diagonal ``K(x, x)``;
* :func:`layer_sensitivities` -- the vectors ``df/dalpha^(l)`` of Eqs. (15) and (20) whose infinity-norms
  control the Hessian and whose 2-norms control the kernel;
* :func:`width_sweep` and :func:`width_law` -- any measurement over widths and seeds (through
  :func:`landscapelab.sweep`, cached on disk), and its log-log slope with a bootstrap interval over seeds
  (:func:`landscapelab.fits.slope_interval`).

:func:`fcn_at_init` is the measurement of the chapter (fully connected NTK networks at initialisation,
optionally with a bottleneck or an output function); other chapters pass their own module-level measurement
functions.
"""

from __future__ import annotations

import warnings

import autograd
import numpy as np

from .. import fits
from .. import activations
from .._validate import (
    boolean,
    choice,
    function,
    positive_int,
    positive_ints,
    positive_number,
    probability,
)
from ..curvature import ConvergenceWarning, eigenvalues, hessian_operator, model_hessian_operator
from ..nets import MLP
from ..sweeps import Table, sweep
from ._args import array as _array

__all__ = [
    "hessian_norm",
    "gradient_norm",
    "layer_sensitivities",
    "width_sweep",
    "width_law",
    "fcn",
    "fcn_at_init",
]


def _operator(model, w, X):
    if isinstance(model, MLP):
        if X is None:
            raise TypeError("X: an MLP model needs its input X (shape (1, d_in))")
        X = _array(X, "X", ndim=2)
        if X.shape[0] != 1 or model.d_out != 1:
            raise ValueError(
                f"X: the model Hessian is that of one scalar output; expected one input row and "
                f"d_out = 1, got {X.shape[0]} rows and d_out = {model.d_out}"
            )
        return model_hessian_operator(model, w, X)
    if callable(model):
        return hessian_operator(model, w)
    raise TypeError(
        f"model: expected an MLP or a scalar function of the parameters, got {type(model).__name__}"
    )


def hessian_norm(model, w, X=None, tol: float = 1e-6, max_vectors: int | None = 160, seed: int = 0) -> float:
    """Spectral norm of the Hessian of the model output, ``max |lambda|``, by block Lanczos (block size 2).

    Parameters
    ----------
    model : MLP or callable
        An MLP with one output (then ``X`` is one input row) or a scalar function ``f(w)``.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (1, d_in), optional
        The input, for an MLP.
    tol : float
        Relative residual of the Ritz pairs at which Lanczos stops.
    max_vectors : int, optional
        Cap on the Krylov basis (Lanczos returns a lower bound that converges from below; a
        :class:`~landscapelab.curvature.ConvergenceWarning` is turned into the plain value).
    seed : int
        Seed of the starting block.

    Returns
    -------
    float
    """
    tol = positive_number(tol, "tol")
    if max_vectors is not None:
        max_vectors = positive_int(max_vectors, "max_vectors")
    op = _operator(model, w, X)
    k = min(2, op.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        values = eigenvalues(op, k=k, which="magnitude", tol=tol, max_iter=max_vectors, seed=seed)
    return float(np.abs(values).max())


def gradient_norm(model, w, X=None) -> float:
    """``||grad_w f(w; x)||`` (so ``K(x, x)`` is its square).

    Parameters
    ----------
    model : MLP or callable
        An MLP with one output, or a scalar function ``f(w)``.
    w : array (P,)
        The point: a flat parameter vector.
    X : array (1, d_in), optional
        The input, one row (for an MLP).

    Returns
    -------
    float
    """
    w = np.asarray(_array(w, "w", ndim=1), dtype=np.float64)
    if isinstance(model, MLP):
        X = _array(X, "X", ndim=2)
        if X.shape[0] != 1 or model.d_out != 1:
            raise ValueError("X: expected one input row and a network with one output")
        model.check_params(w)
        g = autograd.grad(lambda v: model(v, X)[0, 0])(w)
    elif callable(model):
        g = autograd.grad(model)(w)
    else:
        raise TypeError(
            f"model: expected an MLP or a scalar function of the parameters, got {type(model).__name__}"
        )
    return float(np.linalg.norm(g))


def layer_sensitivities(net, w, x) -> list[np.ndarray]:
    """The vectors ``df/dalpha^(l)`` for every hidden layer l = 1..L (Eqs. 15 and 20), by a backward pass.

    With ``alpha^(l) = sigma(z_l)``, ``z_l = s_l M_l alpha^(l-1) (+ b_l)`` and ``f = s_{L+1} M_{L+1}
    alpha^(L)``: ``df/dalpha^(L) = s_{L+1} M_{L+1}^T`` and ``df/dalpha^(l-1) = s_l M_l^T (sigma'(z_l) *
    df/dalpha^(l))``.

    Parameters
    ----------
    net : MLP
        One output, linear output layer, at least one hidden layer.
    w : array (P,)
        The point: a flat parameter vector.
    x : array (d_in,)
        One input, shape ``(d_in,)``.

    Returns
    -------
    list of ndarray
        ``[df/dalpha^(1), ..., df/dalpha^(L)]``.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
    if net.d_out != 1 or net.output_activation is not None or net.depth < 1:
        raise ValueError(f"net: expected one linear output and at least one hidden layer, got {net!r}")
    x = np.asarray(_array(x, "x", shape=(net.d_in,)), dtype=np.float64)
    layers = net.unflatten(w)
    acts = _hidden_activations(net)
    zs, h = [], x
    for i, (M, b) in enumerate(layers[:-1]):
        z = net.scales[i] * (M @ h) + (0.0 if b is None else b)
        zs.append(z)
        h = acts[i].fn(z)
    sens = [net.scales[-1] * layers[-1][0][0]]
    for i in range(len(layers) - 2, 0, -1):
        sens.append(net.scales[i] * layers[i][0].T @ (acts[i].d1(zs[i]) * sens[-1]))
    return sens[::-1]


def _hidden_activations(net):
    acts = getattr(net, "activations", None)
    return list(acts) if acts is not None else [net.activation] * net.depth


# ---------------------------------------------------------------------------------------------------- sweeps
def width_sweep(
    measure, widths, seeds=range(5), cache: bool = True, executor=None, progress=None, **fixed
) -> Table:
    """Evaluate ``measure(width=..., seed=..., **fixed)`` over widths and seeds (:func:`landscapelab.sweep`).

    Parameters
    ----------
    measure : callable
        A module-level function (so it can be cached and sent to other processes) returning a dict of numbers.
    widths : sequence of int
        Widths m.
    seeds : iterable of int
        Seeds of the initialisations.
    cache : bool
        Store and reuse results on disk.
    executor : concurrent.futures.Executor, optional
        Where to run (default: serially).
    progress : bool, optional
        Progress bar (default: when more than one call must be computed).
    **fixed
        Further keyword arguments of ``measure``, held fixed (they become single-valued grid axes).

    Returns
    -------
    Table
        One row per (width, seed), with the fixed arguments and the measured values as columns.
    """
    function(measure, "measure")
    widths = positive_ints(widths, "widths")
    cache = boolean(cache, "cache")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds: expected an iterable of integer seeds, got {seeds!r:.60}")
    grid = {"width": widths, **{name: [value] for name, value in fixed.items()}}
    try:
        return sweep(
            measure,
            grid,
            seeds=seeds,
            cache=cache,
            executor=executor,
            progress=progress,
            desc=getattr(measure, "__name__", "width sweep"),
        )
    except RuntimeError as err:   # a fixed argument that measure refuses: report measure's own error
        if isinstance(err.__cause__, (TypeError, ValueError)):
            raise err.__cause__ from None
        raise


def width_law(
    table: Table, value: str = "hessian_norm", width: str = "width", level: float = 0.95, n_boot: int = 2000
) -> fits.SlopeFit:
    """The log-log slope of the seed mean of ``value`` against ``width``, with a bootstrap interval over
    seeds.

    Parameters
    ----------
    table : Table
        From :func:`width_sweep` (every width measured for the same seeds).
    value : str
        The column fitted.
    width : str
        The width column.
    level : float
        Coverage of the interval.
    n_boot : int
        Bootstrap resamples.

    Returns
    -------
    landscapelab.fits.SlopeFit
    """
    if not isinstance(table, Table):
        raise TypeError(f"table: expected a landscapelab Table, got {type(table).__name__}")
    for arg, name in ((value, "value"), (width, "width")):
        if not isinstance(arg, str):
            raise TypeError(f"{name}: expected a column name, got {arg!r}")
        if not len(table) or arg not in table.rows[0]:
            raise ValueError(f"{name}: no column {arg!r} in the table")
    level, n_boot = probability(level, "level"), positive_int(n_boot, "n_boot")
    xs = sorted(set(table.column(width).tolist()))
    columns = [table.where(**{width: x}).column(value) for x in xs]
    if len({c.size for c in columns}) != 1:
        raise ValueError("table: every width must have the same number of seeds")
    return fits.slope_interval(
        np.array(xs, dtype=float), np.column_stack(columns), level=level, n_boot=n_boot
    )


def fcn(
    width: int,
    depth: int = 2,
    d: int = 10,
    activation="tanh",
    bottleneck: int | None = None,
    bottleneck_activation="identity",
    bias: bool = False,
    output_activation=None,
) -> MLP:
    """A fully connected NTK network ``[d, m, ..., m, 1]`` (App. F, Eq. 63), optionally with hidden layer 2 of
    width ``bottleneck`` (a narrow layer with its own activation, as in Section 4).

    Parameters
    ----------
    width : int
        m.
    depth : int
        Hidden layers L (>= 3 with a bottleneck, which is the middle one).
    d : int
        Input dimension.
    activation : str or Activation
        The hidden activation ``sigma`` (a name or an Activation).
    bottleneck : int, optional
        Width m_b of the bottleneck layer.
    bottleneck_activation : str or Activation
        Activation of the bottleneck layer.
    bias : bool
        Whether the affine maps have biases.
    output_activation : str or Activation, optional
        An output function ``phi`` (None: linear output).

    Returns
    -------
    MLP
    """
    width, depth, d = positive_int(width, "width"), positive_int(depth, "depth"), positive_int(d, "d")
    bias = boolean(bias, "bias")
    try:
        activations.get(bottleneck_activation)
    except (TypeError, ValueError) as err:
        raise type(err)(f"bottleneck_activation: {err}") from None
    widths = [d] + [width] * depth + [1]
    acts = [activation] * depth
    if bottleneck is not None:
        if depth < 3:
            raise ValueError(f"depth: a bottleneck needs at least 3 hidden layers, got {depth}")
        mid = depth // 2
        widths[1 + mid] = positive_int(bottleneck, "bottleneck")
        acts[mid] = bottleneck_activation
        return MLP(
            widths, activation=acts, bias=bias, parametrization="ntk", output_activation=output_activation
        )
    return MLP(
        widths, activation=activation, bias=bias, parametrization="ntk", output_activation=output_activation
    )


def fcn_at_init(
    width: int,
    seed: int,
    depth: int = 2,
    d: int = 10,
    activation="tanh",
    output_init="gaussian",
    bottleneck: int | None = None,
    output_activation=None,
    sensitivities: bool = False,
    hessian: bool = True,
) -> dict:
    """Measure an NTK network at initialisation, at the input ``x = (1, ..., 1)`` (so ``||x|| = sqrt(d)``).

    Parameters
    ----------
    width : int
        Hidden width m.
    seed : int
        Seed of ``numpy.random.default_rng``.
    depth : int
        Number of hidden layers L.
    d : int
        Input dimension.
    activation : str
        The hidden activation ``sigma`` (a name or an Activation).
    output_init : {"gaussian", "rademacher"}
        Output weights N(0, 1) (App. F) or +-1 (Section 3.1).
    bottleneck : int, optional
        Width of a narrow middle layer (identity activation); needs ``depth >= 3``.
    output_activation : str, optional
        An output function of :mod:`landscapelab.linearity.output` (then the Hessian is that of ``phi(f)``).
    sensitivities : bool
        Also return the infinity- and 2-norms of ``df/dalpha^(l)`` (linear output only).
    hessian : bool
        Measure ``||H||`` (by Lanczos; the expensive part).

    Returns
    -------
    dict
        ``hessian_norm``, ``gradient_norm``, ``f`` and, if asked, ``sens_inf`` and ``sens_2`` (max over layers
        of the infinity-norm; the 2-norm of the last layer's).
    """
    from .output import get_output  # local: output imports nothing from here, but keep the module light

    output_init = choice(output_init, "output_init", ("gaussian", "rademacher"))
    sensitivities, hessian = boolean(sensitivities, "sensitivities"), boolean(hessian, "hessian")
    phi = None if output_activation is None else get_output(output_activation)
    net = fcn(width, depth, d, activation, bottleneck=bottleneck, output_activation=phi)
    w = net.init(seed=seed)
    if output_init == "rademacher":
        from .shallow import rademacher_output

        w = rademacher_output(net, w, seed=seed + 10_000)
    X = np.ones((1, d))
    out = {"gradient_norm": gradient_norm(net, w, X), "f": float(net(w, X)[0, 0])}
    if hessian:
        out["hessian_norm"] = hessian_norm(net, w, X)
    if sensitivities:
        if phi is not None:
            raise ValueError("sensitivities: defined for a linear output only")
        sens = layer_sensitivities(net, w, X[0])
        out["sens_inf"] = float(max(np.abs(s).max() for s in sens))
        out["sens_2"] = float(np.linalg.norm(sens[-1]))
    return out
