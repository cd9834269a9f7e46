"""Claims of the Cooper chapter (``book/smoothness.ipynb``), second part: how far (L0, L1)-smoothness fails.

The explicit violation and its certificate, the cover that grows with the ray, the beyond-the-paper cases (depth
one, critical lines, excluded activations, absorbed bias), cross-entropy with ``M = Omega``, generalised
smoothness and the exact admissible frontier. Oracles as in :mod:`landscapelab.smoothness.checks` (whose helpers
this module uses): autograd, the library's exact passes, hand-derived numbers and rational arithmetic. Loaded
after ``checks.py`` (:func:`landscapelab.checks.check_modules` sorts the file names), so ``landscapelab verify``
prints these rows after the rows of the ray.
"""

from __future__ import annotations

import math
from fractions import Fraction

import autograd
import numpy as np
from scipy.optimize import brentq

from .. import smoothness as sm
from ..checks import Result, claim
from ..curvature import hessian
from ..fits import loglog_slope
from ..nets import MLP
from .checks import FIT_T, _rel, _small, ray_norms

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 10


@claim("smoothness", "No (L0, L1) works: (100, 100) fails on the T2 ray from t = 38.535 (Frobenius); "
                     "certificate t* = 115.948",
       statements=("smoothness-thm-12",))
def explicit_violation() -> Result:
    r = sm.example("T2").ray()
    first = r.first_violation(100.0, 100.0)
    # independent oracle: the hand-derived norms of T2,
    # ||H||_F^2 = 1296 t^4 + 2880 t^2 + 264 and ||g||^2 = 32 + 192 t^2
    def excess(t):
        return math.sqrt(1296 * t**4 + 2880 * t**2 + 264) - 100 - 100 * math.sqrt(32 + 192 * t**2)

    exact = brentq(excess, 1.0, 100.0, xtol=1e-14)
    alpha, beta, gamma = 12.0, 2 * 100 * math.sqrt(48.0), 100 + 2 * 100 * math.sqrt(8.0)   # entry 12 t^2
    cert_hand = (beta + math.sqrt(beta * beta + 4 * alpha * gamma)) / (2 * alpha)
    cert = r.certificate(100.0, 100.0)
    at = ray_norms(r, [first * (1 - 1e-6), first * (1 + 1e-6)])                 # exact passes on either side
    sides = at["frobenius"] - 100 - 100 * at["gradient"]
    ok = abs(first - exact) <= 1e-9 * exact and abs(cert - cert_hand) < 1e-9 * cert_hand
    ok = ok and sides[0] < 0 < sides[1]
    return Result(f"first violation {first:.6f}, t* = {cert:.6f}; excess (exact passes) {sides[0]:.2g} "
                  f"before, {sides[1]:.2g} after", f"{exact:.6f} (root of the hand formula), {cert_hand:.6f}",
                  bool(ok))


@claim("smoothness", "The smallest L0 = L1 covering the T2 ray on [0, T] grows linearly in T (norms from "
                     "exact passes), like 36 / sqrt(192) T")
def cover_grows_linearly() -> Result:
    t = np.concatenate([[0.0], np.geomspace(1e-2, 1e4, 40)])
    norms = ray_norms("T2", t)
    Ts = np.array([1e2, 1e3, 1e4])
    sizes = np.array([sm.smallest_cover(norms["frobenius"][t <= T * (1 + 1e-12)],
                                        norms["gradient"][t <= T * (1 + 1e-12)])[0] for T in Ts])
    slope = loglog_slope(Ts, sizes)[0]
    limit = 36 / math.sqrt(192)
    ok = abs(slope - 1) < 1e-2 and abs(sizes[-1] / Ts[-1] / limit - 1) < 1e-3
    return Result(f"slope {slope:.4f}; s*(1e4) / 1e4 = {sizes[-1] / Ts[-1]:.5f}",
                  f"1; {limit:.5f} (no finite pair covers the whole ray)", bool(ok))


@claim("smoothness", "Beyond the paper: depth l = 1 fails too (T9: ||grad L||^2 = 32 + 408 t^2, "
                     "d2L/(db^1_1)^2 = 12 t^2; exact passes)",
       statements=("smoothness-prop-depth1",))
def depth_one_fails() -> Result:
    case = sm.example("T9")
    r = case.ray()
    f = case.loss_function()
    i = sm.parameter_index(case.net)["b1"][0]
    t = np.array([0.5, 3.0, 40.0])
    norms = ray_norms(r, t)
    entry = np.array([hessian(f, r.point(u))[i, i] for u in t])
    err = max(_rel(norms["gradient"] ** 2, 32 + 408 * t**2), _rel(entry, 12 * t**2))
    growth = ray_norms(r, FIT_T)
    slope_g, slope_o = (loglog_slope(FIT_T, growth[key])[0] for key in ("gradient", "operator"))
    ok = err <= 1e-12 and abs(slope_g - 1) < 1e-2 and abs(slope_o - 2) < 1e-2
    return Result(f"rel. error {_small(err)}; slopes grad {slope_g:.3f}, H_op {slope_o:.3f}",
                  "<= 1e-12; 1, 2", ok)


@claim("smoothness", "Beyond the paper: on the critical line grad L = 0 while ||H||_op = 36 t^2 + 6 and "
                     "lambda_min = -(2 sqrt(6)/3) t (T10, autograd and exact passes): no phi works, strict "
                     "saddles",
       statements=("smoothness-prop-critical",))
def critical_line() -> Result:
    case = sm.example("T10")
    r = case.ray()
    t = np.array([1.0, 10.0, 100.0])
    grads = [float(np.linalg.norm(autograd.grad(r.loss_function().__call__)(r.point(u)))) for u in t]
    spectra = [np.linalg.eigvalsh(hessian(r.loss_function(), r.point(u))) for u in t]
    top = np.array([np.abs(s).max() for s in spectra])
    bottom = np.array([s[0] for s in spectra])
    err = max(_rel(top, 36 * t**2 + 6), _rel(bottom, -2 * math.sqrt(6) / 3 * t))
    ok = max(grads) <= 1e-10 and err <= 1e-12 and abs(r.loss_value() - 4 / 3) < 1e-12
    return Result(f"max ||grad L|| (autograd) {_small(max(grads), 1e-10)}; ||H||_op, lambda_min rel. error "
                  f"{_small(err)}", "<= 1e-10; 36 t^2 + 6 = 42, 3606, 360006; -1.633 t", bool(ok))


@claim("smoothness", "Beyond the paper: sigmoid (c = 0) and ReLU (c = 1) fail too, on the ray with last bias "
                     "-t sigma(c) M 1 (autograd; slopes from exact passes)",
       statements=("smoothness-prop-absorb",))
def excluded_activations_fail_too() -> Result:
    base = sm.example("T2")
    worst, text = 0.0, []
    ok = True
    for act, c in (("sigmoid", 0.0), ("relu", 1.0)):
        net = MLP([2, 3, 3, 2], activation=act)
        r = sm.Ray(net, base.X, base.Y, c=c, absorb=True)
        f = r.loss_function()
        w = r.point(7.0)
        worst = max(worst, _rel(r.hessian(7.0), np.asarray(autograd.hessian(f.__call__)(w))))
        ok &= float(np.abs(net(w, base.X)).max()) <= 1e-12
        growth = ray_norms(r, FIT_T)
        slope_g, slope_o = (loglog_slope(FIT_T, growth[key])[0] for key in ("gradient", "operator"))
        ok &= abs(slope_g - 1) < 1e-2 and abs(slope_o - 2) < 1e-2
        text.append(f"{act}: {slope_g:.3f}, {slope_o:.3f}")
    return Result(f"slopes (grad, H_op) {'; '.join(text)}; closed form vs autograd {_small(worst)}",
                  "1, 2; <= 1e-10", bool(ok and worst <= 1e-10))


@claim("smoothness", "Cross-entropy needs M != Omega: with Omega the gradient and Hessian are constant in t "
                     "(T11, exact passes)",
       statements=("smoothness-thm-14",))
def cross_entropy_omega_is_flat() -> Result:
    t = np.array([0.0, 1.0, 10.0, 1000.0])
    norms = ray_norms("T11", t)
    g, h = norms["gradient"], norms["frobenius"]
    ok = _rel(g, np.full(4, math.sqrt(2))) <= 1e-12 and _rel(h, np.full(4, math.sqrt(14))) <= 1e-12
    return Result(f"||grad L|| = {g.min():.6f}..{g.max():.6f}, ||H||_F = {h.min():.6f}..{h.max():.6f}",
                  "sqrt 2 = 1.414214, sqrt 14 = 3.741657 for every t", ok)


@claim("smoothness", "Generalised smoothness with phi(u) = 1 + u^p: the worst ratio on the T2 ray grows like "
                     "T^(2-p) for p < 2 and is bounded for p = 2 (norms from exact passes)")
def generalised_smoothness() -> Result:
    t = np.geomspace(1e-2, 1e5, 50)
    norms = ray_norms("T2", t)
    g, h = norms["gradient"], norms["frobenius"]
    out, ok = [], True
    for p in (1.0, 1.5, 2.0):
        worst = np.maximum.accumulate(sm.ell_ratio(h, g, sm.power_ell(1.0, 1.0, p)))
        slope = loglog_slope(t[t >= 1e3], worst[t >= 1e3])[0]
        out.append(f"p={p:g}: {round(slope, 3) + 0.0:.3f}")
        ok &= abs(slope - (2 - p)) < 2e-2
    bound = float(worst.max())                                      # p = 2: tends to 1296^(1/2)/192 = 0.1875
    ok &= bound < 1.0
    return Result(f"slopes {', '.join(out)}; p=2 max ratio {bound:.4f}", "2 - p; bounded (-> 0.1875)",
                  bool(ok))


@claim("smoothness", "The admissible (L0, L1) frontier is exact: every vertex satisfies "
                     "max_i (H_i - L0 - L1 g_i) = 0 in rational arithmetic to rounding (T2 ray and "
                     "g = (7, 1e-5), H = (587, 567))")
def frontier_is_exact() -> Result:
    t = np.linspace(0.0, 50.0, 201)
    r = sm.example("T2").ray()
    worst = 0.0
    samples = ((r.frobenius_norm(t), r.gradient_norm(t)), (np.array([587.0, 567.0]), np.array([7.0, 1e-5])))
    for h, g in samples:
        L0s, L1s = sm.admissible_frontier(h, g)
        for a, b in zip(L0s, L1s):
            residual = max(Fraction(float(x)) - Fraction(float(a)) - Fraction(float(b)) * Fraction(float(y))
                           for x, y in zip(h, g))
            scale = float(np.max(h + a + b * g))
            worst = max(worst, abs(float(residual)) / (np.finfo(float).eps * scale))
    return Result(f"largest |residual| / (eps * scale) = {worst:.1f}", "<= 8 (a few roundings)", worst <= 8.0)



@claim("smoothness", "Absorbed bias: on the line with b^{l+1} = -t sigma(c) M 1 the output is 0 and "
                     "d2L/(db^l_1)^2 has t^2 term 2 n d sigma'(c)^2 (sigmoid, softplus, elu; autograd)",
       statements=("smoothness-prop-absorb",))
def absorbed_bias() -> Result:
    base = sm.example("T2")
    n, d = base.Y.shape
    # sigma'(c) derived by hand: sigmoid'(0) = 1/4, softplus'(0) = sigmoid(0) = 1/2, elu'(1/2) = 1
    cases = (("sigmoid", 0.0, 0.25), ("softplus", 0.0, 0.5), ("elu", 0.5, 1.0))
    text, output, cubic, ok = [], 0.0, 0.0, True
    for act, c, slope in cases:
        net = MLP([2, 3, 3, 2], activation=act)
        r = sm.Ray(net, base.X, base.Y, c=c, absorb=True)
        f = r.loss_function()
        i = sm.parameter_index(net)[f"b{net.depth}"][0]
        hess, grad = autograd.hessian(f.__call__), autograd.grad(f.__call__)
        entry = [float(np.asarray(hess(r.point(t)))[i, i]) for t in (1.0, 2.0, 3.0)]
        output = max(output, max(float(np.abs(net(r.point(t), base.X)).max()) for t in (1.0, 50.0)))
        # the entry is a t^2 + b t exactly: a from t = 1, 2, then the value at t = 3 must fit
        a = (entry[1] - 2.0 * entry[0]) / 2.0
        b = entry[0] - a
        g2 = [float(np.sum(np.asarray(grad(r.point(t))) ** 2)) for t in (0.0, 1.0, 2.0, 3.0)]
        third = abs(g2[3] - 3 * g2[2] + 3 * g2[1] - g2[0]) / max(g2)        # ||grad L||^2 is quadratic
        cubic = max(cubic, third, abs(9 * a + 3 * b - entry[2]) / abs(entry[2]))
        want = 2 * n * d * slope**2
        ok &= abs(a - want) <= 1e-10 * want
        text.append(f"{act} {a:.6f}")
    ok = ok and output <= 1e-12 and cubic <= 1e-10
    expected = ", ".join(f"{act} {2 * n * d * s**2:.6f}" for act, _, s in cases)
    return Result(f"max |f| = {output:.1g}; t^2 terms {', '.join(text)}; misfit {_small(cubic, 1e-10)}",
                  f"0; {expected}; <= 1e-10", bool(ok))
