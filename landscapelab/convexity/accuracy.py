"""How accurate is the determinant route near ``y = 0``? Exact rational references and the measurement.

The output is a sum over input-to-output paths (eq. 8, with the product over all ``H + 1`` weights of a path,
erratum E4). Any floating-point evaluation of that sum, the forward pass as much as ``det A`` by LU, has an
absolute error of order ``1e-16 * sum_paths |a_(j_0) prod_k w_k|``; when the paths cancel, the *relative* error of
``y`` grows like ``1/y``. The derivatives are where the routes part: backpropagation multiplies activations and
back-propagated signals without cancelling, so ``dy/dw`` keeps full relative accuracy, while the determinant route
divides by ``y``: ``dy/dw_p = y (A^{-1})[c_p, r_p]`` with ``A^{-1} = Adj(A) / y``, and ``A`` has condition number
at least ``||A|| max_p |dy/dw_p| / |y|`` (an adjugate entry divided by the determinant), so the gradient through
``A^{-1}`` inherits the ``1/y`` growth.

The references here evaluate eq. 1 and backpropagation in exact rational arithmetic (:class:`fractions.Fraction`)
on the float64 inputs and weights, so they are exact for the numbers the floating-point routes see.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .._validate import as_float_array, positive_int
from ..kernels import det as lu_det
from .derivatives import active_paths, backprop_gradient, y_derivatives
from .determinant import milne_det, milne_matrix
from .network import _dims_of, _real, relu_output
from .._validate import checked

__all__ = ["exact_output", "exact_gradient", "cancelling_net", "AccuracyTable", "accuracy_table"]


def _exact_layers(a, weights):
    """Post-activations h_0..h_(H+1) and switches of layers 1..H+1 in rational arithmetic."""
    dims = _dims_of(weights)
    a = as_float_array(a, "a", shape=(dims[0],))
    mats = [as_float_array(W, f"weights[{k}]", ndim=2) for k, W in enumerate(weights)]
    hs = [[Fraction(float(x)) for x in a]]
    ss = []
    for W in mats:
        z = [sum((hs[-1][j] * Fraction(float(W[j, k])) for j in range(W.shape[0])), Fraction(0))
             for k in range(W.shape[1])]
        ss.append([v > 0 for v in z])
        hs.append([v if v > 0 else Fraction(0) for v in z])
    return mats, hs, ss


def exact_output(a, weights) -> Fraction:
    """Eq. 1 in exact rational arithmetic on the float64 values of ``a`` and ``weights``.

    Parameters
    ----------
    a : array_like (n_0,)
        Input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout (``W_k`` of shape ``(n_k, n_(k+1))``).

    Returns
    -------
    fractions.Fraction
        The exact output ``y(a, W)`` (with the ReLU'd output, so ``>= 0``).
    """
    return _exact_layers(a, weights)[1][-1][0]


def exact_gradient(a, weights) -> list:
    """``dy/dW`` by backpropagation in exact rational arithmetic (flat, in the order of ``flatten``).

    Parameters
    ----------
    a : array_like (n_0,)
        Input.
    weights : list of arrays
        ``[W_0, ..., W_H]`` in the paper's layout.

    Returns
    -------
    list of fractions.Fraction
        ``dy/dW_l[j, k] = h_l[j] delta_(l+1)[k]`` for every weight (switches as in eq. 2: a tie is off).
    """
    mats, hs, ss = _exact_layers(a, weights)
    delta = [Fraction(int(s)) for s in ss[-1]]
    blocks = []
    for l_ in range(len(mats) - 1, -1, -1):
        W = mats[l_]
        blocks.append([hs[l_][j] * delta[k] for j in range(W.shape[0]) for k in range(W.shape[1])])
        if l_:
            delta = [sum((Fraction(float(W[j, k])) * delta[k] for k in range(W.shape[1])), Fraction(0))
                     * int(ss[l_ - 1][j]) for j in range(W.shape[0])]
    return [g for block in blocks[::-1] for g in block]


def cancelling_net(target: float, seed: int = 0, n0: int = 3, width: int = 3):
    """A one-hidden-layer net whose output is ``target`` (up to rounding) while its path terms are of order 1.

    Inputs are uniform in ``[0.5, 1.5]``, the first two hidden neurons are on, the outgoing weights are uniform in
    ``[0.2, 1]`` except that of hidden neuron 1, which is chosen to cancel the others down to ``target``.

    Parameters
    ----------
    target : float
        The intended output, ``> 0`` (the exact output differs from it by rounding; use :func:`exact_output`).
    seed : int
        Seed of ``numpy.random.default_rng``.
    n0, width : int
        Input dimension and hidden width (both ``>= 2``).

    Returns
    -------
    a : ndarray (n0,)
    weights : list ``[W_0 (n0, width), W_1 (width, 1)]``
    """
    target = _real(target, "target", low=0.0, low_open=True)
    n0, width = positive_int(n0, "n0"), positive_int(width, "width")
    if n0 < 2 or width < 2:
        raise ValueError(f"n0, width: expected at least 2 each, got {n0}, {width}")
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 1.5, n0)
    W0 = rng.uniform(-1.0, 1.0, (n0, width))
    W0[:, :2] = np.abs(W0[:, :2])
    W1 = rng.uniform(0.2, 1.0, (width, 1))
    h = np.maximum(W0.T @ a, 0.0)
    rest = sum(W1[j, 0] * h[j] for j in range(width) if j != 1)
    W1[1, 0] = (target - rest) / h[1]
    return a, [W0, W1]


class AccuracyTable(dict):
    """Columns of :func:`accuracy_table` (a dict of equal-length arrays, one entry per net)."""


def _rel(x, exact):
    return abs(x - exact) / abs(exact)


@checked(targets="vector")
def accuracy_table(targets, seed: int = 0) -> AccuracyTable:
    """Relative errors of the floating-point routes to ``y`` and ``dy/dW`` against exact rational references, for
    :func:`cancelling_net` nets with outputs near each of ``targets``.

    Parameters
    ----------
    targets : array_like (K,)
        Intended outputs (``> 0``); nets whose exact output is not positive are skipped.
    seed : int
        Seed: net ``k`` uses ``seed + k``.

    Returns
    -------
    AccuracyTable
        ``y`` (exact output, as float), ``paths`` (``sum |path terms|``), the relative errors ``det_lu``
        (``landscapelab.kernels.det`` of ``A``), ``det_lapack`` (``numpy.linalg.det``), ``structured``
        (:func:`milne_det`), ``forward`` (eq. 1 in float64), ``grad_inverse`` (``y A^{-1}``, NaN where ``A`` is
        singular in floating point) and ``grad_backprop`` (largest entry error over the largest exact entry), and
        the determinant ``det_value`` itself (it can come out negative).
    """
    targets = as_float_array(targets, "targets", ndim=1)
    cols = {k: [] for k in ("y", "paths", "det_lu", "det_lapack", "structured", "forward", "grad_inverse",
                            "grad_backprop", "det_value")}
    for k, target in enumerate(targets):
        a, weights = cancelling_net(float(target), seed=seed + k)
        exact = exact_output(a, weights)
        if exact <= 0:
            continue
        y = float(exact)
        A = milne_matrix(a, weights)
        g_exact = np.array([float(g) for g in exact_gradient(a, weights)])
        scale = np.abs(g_exact).max()
        try:
            g_inv = y_derivatives(a, weights)[1]
            err_inv = float(np.abs(g_inv - g_exact).max() / scale)
        except ValueError:
            err_inv = np.nan
        d = lu_det(A)
        cols["y"].append(y)
        cols["paths"].append(float(np.abs(active_paths(a, weights)[1]).sum()))
        cols["det_lu"].append(_rel(d, y))
        cols["det_lapack"].append(_rel(float(np.linalg.det(A)), y))
        cols["structured"].append(_rel(milne_det(a, weights), y))
        cols["forward"].append(_rel(float(relu_output(a, weights)), y))
        cols["grad_inverse"].append(err_inv)
        cols["grad_backprop"].append(float(np.abs(backprop_gradient(a, weights) - g_exact).max() / scale))
        cols["det_value"].append(d)
    return AccuracyTable({k: np.array(v) for k, v in cols.items()})
