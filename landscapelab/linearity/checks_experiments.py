"""Claims of the transition-to-linearity chapter about the paper's experiments and errata (Section 5, Section
6, Appendices A and B): gradient-descent runs whose losses come from the forward pass, autograd Hessians, and
the derivatives of the output functions. The theory claims are in :mod:`landscapelab.linearity.checks`.
"""

from __future__ import annotations

import math
from functools import cache

import autograd
import numpy as np

from ..checks import Result, claim
from ..fits import loglog_slope
from ..nets import MLP
from . import experiments, output, shallow
from .checks import CH, _norm, _small

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 30


@claim(CH, "Erratum E6: Eq. (48) as printed (no bias) is positively homogeneous, f(2x) = 2 f(x) for x > 0",
       statements=("linearity-obs-eq-48-cannot-be-trained-as", "linearity-err-e6-appendix-b-eq-48"))
def eq48() -> Result:
    ratios = [experiments.eq48_homogeneity(seed=s, x=x) for s, x in ((0, 1.7), (1, 0.3), (2, 9.0))]
    err = max(abs(r - 2.0) for r in ratios)
    return Result(f"max |f(2x)/f(x) - 2| = {_small(err, 1e-12)}", "< 1e-12", err < 1e-12)


@claim(CH, "Erratum E7: each output of the ReLU net of Eq. (43) has ||H|| = sqrt(x^2 + 1) / sqrt(m) exactly")
def eq43_relu() -> Result:
    m, worst = 10, 0.0
    net = experiments.figure1_net(m)
    w = net.init(seed=3)
    for x in (0.7, -2.5):
        for c in range(3):
            H = np.asarray(autograd.hessian(lambda v: net(v, np.array([[x]]))[0, c])(w))
            worst = max(worst, abs(_norm(H) - shallow.relu_eq43_hessian_norm(x, m)))
    return Result(f"max difference {_small(worst)}", "< 1e-12", worst < 1e-12)


@cache
def _theorem51(width, output_name):
    return experiments.theorem51_run(width, 0, output=output_name, steps=500)


@claim(
    CH,
    "Thm. 5.1: with |phi'| >= 1 gradient descent converges at the linear model's rate while the kernel of "
    "phi(f) moves by order 1 (m = 300, 500 steps)",
    statements=("lin-thm-51", "linearity-obs-linearity-is-not-needed-and-neither"),
)
def theorem51() -> Result:
    lin, non = _theorem51(300, None), _theorem51(300, "shifted_softplus")
    ok = (
        0.5 < non["rate"] / lin["rate"] < 2.0
        and non["dK_out"] > 0.08
        and non["dK_f"] < 0.1
        and non["loss"] <= non["bound"]
        and lin["loss"] <= lin["bound"]
    )
    return Result(
        f"rates {lin['rate']:.4f} (f), {non['rate']:.4f} (phi(f)); Delta K: phi(f) {non['dK_out']:.3f}, "
        f"f on that path {non['dK_f']:.3f}; L_T <= (1 - eta lambda_min)^T L_0: "
        f"{non['loss'] <= non['bound'] and lin['loss'] <= lin['bound']}",
        "rate ratio in (0.5, 2); > 0.08; < 0.1; True",
        ok,
    )


@cache
def _figure1(width, seed):
    return experiments.figure1_run(width, seed, target=1e-1, every=25)


@claim(
    CH,
    "Fig. 1 (to loss 0.1): Delta K of the linear-output net falls with width (faster than m^-1/2); "
    "softmax's stays near 1",
    statements=("linearity-obs-the-trained-kernel-changes-less-than",),
)
def figure1() -> Result:
    ms = [30, 100, 300]
    runs = [[_figure1(m, s) for s in range(2)] for m in ms]
    dk = [np.mean([r["dK_f"] for r in rs]) for rs in runs]
    soft = min(r["dK_softmax"] for rs in runs for r in rs)
    slope = loglog_slope(ms, dk)[0]
    ok = bool(np.all(np.diff(dk) < 0)) and slope < -0.45 and soft > 0.9
    return Result(
        f"Delta K(f) = {', '.join(f'{v:.3f}' for v in dk)} (m = 30, 100, 300), slope {slope:.2f}; "
        f"Delta K(softmax) >= {soft:.2f}",
        "decreasing, slope < -0.45; > 0.9",
        ok,
    )


@claim(CH, "Sec. 1.1: the distance travelled ||w* - w0|| stays of order 1 while ||w* - w0||_inf shrinks")
def distance() -> Result:
    ms = [30, 100, 300]
    two = [np.mean([_figure1(m, s)["distance"] for s in range(2)]) for m in ms]
    inf = [np.mean([_figure1(m, s)["distance_inf"] for s in range(2)]) for m in ms]
    ok = max(two) / min(two) < 1.5 and loglog_slope(ms, inf)[0] < -0.2
    return Result(
        f"||dw||_2 = {', '.join(f'{v:.2f}' for v in two)}; ||dw||_inf = {', '.join(f'{v:.2f}' for v in inf)}",
        "2-norm within x1.5; inf-norm slope < -0.2",
        ok,
    )


@claim(
    CH,
    "Erratum E14: swish with beta = 0.1 has phi' in [-0.0998, 1.0998], zero at z = -12.78, so it is not a "
    "Thm. 5.1 output; z + softplus(z) - ln 2 has phi' in (1, 2)",
    statements=("linearity-obs-linearity-is-not-needed-and-neither", "linearity-err-e14-swish-is-not-a-theorem"),
)
def swish_violates() -> Result:
    from scipy.optimize import brentq

    dphi = autograd.elementwise_grad(output.swish.fn)  # autograd, not the hand-written d1
    z = np.linspace(-60.0, 60.0, 120001)
    lo, hi = float(dphi(z).min()), float(dphi(z).max())
    root = brentq(lambda t: float(dphi(np.array(t))), -20.0, -5.0)
    dsp = autograd.elementwise_grad(output.shifted_softplus.fn)(z)
    ok = (
        abs(lo + 0.0998) < 1e-3
        and abs(hi - 1.0998) < 1e-3
        and abs(root + 12.785) < 1e-2
        and 1.0 <= dsp.min() <= dsp.max() <= 2.0
    )
    return Result(
        f"swish': [{lo:.4f}, {hi:.4f}], root {root:.3f}; shifted softplus': [{dsp.min():.4f}, "
        f"{dsp.max():.4f}]",
        "[-0.0998, 1.0998], -12.78; within [1, 2]",
        ok,
    )


@claim(
    CH,
    "Erratum E8: the LeCun parametrisation of the same function changes ||H|| / K(x, x) by an O(1) factor "
    "(H_std = S^-1 H S^-1 checked against autograd)",
    statements=("linearity-obs-parametrisation-e8",),
)
def lecun_ratio() -> Result:
    m, d = 12, 4
    ntk = MLP([d, m, m, 1], activation="tanh", bias=False, parametrization="ntk")
    std = MLP([d, m, m, 1], activation="tanh", bias=False, parametrization="standard")
    w = ntk.init(seed=0)
    scale = np.concatenate([np.full(M.size, 1 / math.sqrt(M.shape[1])) for M, _ in ntk.unflatten(w)])
    x = np.ones((1, d))
    H_ntk = np.asarray(autograd.hessian(lambda v: ntk(v, x)[0, 0])(w))
    H_std = np.asarray(autograd.hessian(lambda v: std(v, x)[0, 0])(scale * w))
    err = float(np.abs(H_std - H_ntk / np.outer(scale, scale)).max() / np.abs(H_std).max())
    ratios = []
    for net, point, H in ((ntk, w, H_ntk), (std, scale * w, H_std)):
        g = np.asarray(autograd.grad(lambda v, net=net: net(v, x)[0, 0])(point))
        ratios.append(_norm(H) / float(g @ g))
    ok = err < 1e-12 and abs(ratios[1] / ratios[0] - 1) > 0.1
    return Result(
        f"identity to {_small(err)}; ||H|| / K: NTK {ratios[0]:.4f}, LeCun {ratios[1]:.4f}",
        "< 1e-12; ratios differ by more than 10%",
        ok,
    )
