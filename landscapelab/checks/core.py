"""Claims of the preliminaries chapter: the curvature tools are exact where they should be."""

from __future__ import annotations

import autograd
import numpy as np

from ..curvature import eigenvalues, hessian, hessian_trace
from ..losses import loss_function
from ..nets import MLP
from . import Result, claim


def small_problem(widths=(3, 8, 8, 2), activation="tanh", loss="square", n=12, seed=0):
    """A small net, data and loss function used by the core checks (and by the preliminaries chapter)."""
    rng = np.random.default_rng(seed)
    net = MLP(list(widths), activation=activation)
    X = rng.standard_normal((n, widths[0]))
    Y = rng.standard_normal((n, widths[-1])) if loss == "square" else rng.dirichlet(np.ones(widths[-1]), size=n)
    f = loss_function(net, X, Y, loss=loss)
    return net, f, net.init(seed=seed + 1)


@claim("core", "R-operator HVP equals the autograd Hessian times v")
def hvp_matches_dense() -> Result:
    worst = 0.0
    for loss in ("square", "cross_entropy"):
        net, f, w = small_problem(loss=loss)
        H = np.asarray(autograd.hessian(f)(w))
        V = np.random.default_rng(2).standard_normal((4, net.n_params))
        worst = max(worst, float(np.abs(f.hvp(w, V) - V @ H).max() / np.abs(V @ H).max()))
    return Result(f"max rel. error {worst:.1e}", "<= 1e-10", worst <= 1e-10)


@claim("core", "Block Lanczos top/bottom eigenvalues equal numpy.linalg.eigh")
def lanczos_matches_eigh() -> Result:
    net, f, w = small_problem(widths=(4, 16, 16, 3), n=20)
    exact = np.linalg.eigvalsh(hessian(f, w))
    scale = np.abs(exact).max()
    top = eigenvalues(f, w, k=3, which="largest")
    bottom = eigenvalues(f, w, k=3, which="smallest")
    err = max(np.abs(top - exact[::-1][:3]).max(), np.abs(bottom - exact[:3]).max()) / scale
    return Result(f"max rel. error {err:.1e} (P={net.n_params})", "<= 1e-8", err <= 1e-8)


@claim("core", "Hutchinson trace estimate agrees with the exact trace")
def trace_estimate() -> Result:
    net, f, w = small_problem()
    exact = float(np.trace(hessian(f, w)))
    estimate, stderr = hessian_trace(f, w, samples=400, seed=0)
    z = abs(estimate - exact) / stderr
    return Result(f"{estimate:.2f} +- {stderr:.2f} (z = {z:.2f})", f"{exact:.2f} within 4 standard errors", z <= 4)


@claim("core", "flatten(unflatten(w)) == w and the layer shapes follow DESIGN")
def flatten_round_trip() -> Result:
    ok = True
    for widths, bias in (((3, 5, 2), True), ((2, 4, 4, 4, 1), False), ((6, 1), True)):
        net = MLP(list(widths), bias=bias)
        w = net.init(seed=3)
        layers = net.unflatten(w)
        ok &= np.array_equal(net.flatten(layers), w)
        ok &= all(M.shape == (o, i) and (b is None) != bias
                  for (M, b), i, o in zip(layers, widths[:-1], widths[1:]))
    return Result("round trip exact" if ok else "mismatch", "exact", bool(ok))
