"""Claims of the Cooper chapter (``book/smoothness.ipynb``): (L0, L1)-smoothness fails for deep networks.

One check per theorem (12-15), per lemma the closed forms rest on, per erratum, and per observation the book makes
beyond the paper. The worked cases (T1-T11) are :func:`landscapelab.smoothness.example`; the expected values are
the hand-derived numbers of the book , the oracle for the derivatives is
autograd.
"""

from __future__ import annotations

import math

import autograd
import numpy as np
from scipy.optimize import brentq

from .. import smoothness as sm
from ..fits import loglog_slope
from ..nets import MLP
from ..checks import Result, claim

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 10

#: t values on which growth exponents are fitted (the asymptotic regime; see the chapter).
FIT_T = np.geomspace(1e2, 1e4, 20)


def _rel(a, b) -> float:
    """Largest entry error relative to the largest entry of the reference ``b`` (absolute when that is below 1)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1.0))


def _small(err: float, bound: float = 1e-12) -> str:
    """An error as text that does not change from machine to machine when it is tiny (the chapter pins it)."""
    return f"< {bound:.0e}" if err < bound else f"{err:.1e}"


def _autograd(case, w):
    f = case.loss_function()
    return np.asarray(autograd.grad(f.__call__)(w)), np.asarray(autograd.hessian(f.__call__)(w))


def _slopes(r):
    return (loglog_slope(FIT_T, r.gradient_norm(FIT_T))[0], loglog_slope(FIT_T, r.frobenius_norm(FIT_T))[0],
            loglog_slope(FIT_T, r.operator_norm(FIT_T))[0])


def _slope_claim(names) -> Result:
    """Fitted growth of ||grad L||, ||H||_F and ||H||_op on the rays of the named examples: 1, 2, 2."""
    slopes = [_slopes(sm.example(name).ray()) for name in names]
    ok = all(abs(g - 1) < 1e-2 and abs(f - 2) < 1e-2 and abs(o - 2) < 1e-2 for g, f, o in slopes)
    text = "; ".join(f"{name}: {g:.3f}, {f:.3f}, {o:.3f}" for name, (g, f, o) in zip(names, slopes))
    return Result(f"slopes (grad, H_F, H_op) {text}", "1, 2, 2 (t in [1e2, 1e4])", ok)


@claim("smoothness", "Assumption 1, computed: a zero c with sigma'(c) != 0 exists for tanh, sin, arctan, erf, silu, "
                     "gelu, mish, identity, not for sigmoid, softplus, relu, leaky_relu, elu")
def assumption1_table() -> Result:
    facts = {r.name: r for r in sm.activation_table()}
    good = ("tanh", "sin", "arctan", "erf", "silu", "gelu", "mish", "identity")
    bad = ("sigmoid", "softplus", "relu", "leaky_relu", "elu")
    holds = [n for n in good + bad if n in facts and facts[n].ok]
    ok = holds == [n for n in good if n in facts] and not any(facts[n].ok for n in bad if n in facts)
    gelu = facts["gelu"]
    return Result(f"holds for {', '.join(holds)}; gelu: sigma'(0) = {gelu.d1:.6f}, sigma''(0) = {gelu.d2:.6f}",
                  "the 8 listed; gelu 0.5, sqrt(2/pi) = 0.797885", ok and abs(gelu.d2 - math.sqrt(2 / math.pi)) < 1e-12)


@claim("smoothness", "Lemmas 9-10: on the ray the output is 0 and its Jacobian is I (b^{l+1}), t sigma'(c) M (b^l), "
                     "0 elsewhere (l = 2, 3)")
def jacobian_on_ray() -> Result:
    worst, output = 0.0, 0.0
    for name, t in (("T2", 3.7), ("T5", -2.2), ("T4", 5.0)):
        case = sm.example(name)
        r = case.ray()
        w = r.point(t)
        out = case.net(w, case.X)
        output = max(output, float(np.abs(out).max()))
        J = np.asarray(autograd.jacobian(lambda v: case.net(v, case.X))(w))       # (n, d, P)
        expected = np.zeros_like(J)
        index = sm.parameter_index(case.net)
        l = case.net.depth
        expected[:, :, index[f"b{l + 1}"]] = np.eye(case.net.d_out)
        expected[:, :, index[f"b{l}"]] = t * r.point_c.s1 * r.M
        worst = max(worst, _rel(J, expected))
    ok = output == 0.0 and worst <= 1e-12
    return Result(f"max |f| = {output:g}, Jacobian rel. error {_small(worst)}", "f == 0 exactly, error <= 1e-12", ok)


@claim("smoothness", "Closed-form gradient and Hessian on the ray (with the sigma''(c) terms) equal autograd: "
                     "both losses, l = 1, 2, 3, random M")
def closed_form_matches_autograd() -> Result:
    rng = np.random.default_rng(0)
    worst = 0.0
    cases = ["T2", "T3", "T4", "T5", "T6", "T9", "T9-ce", "T10-ce"]
    for i, name in enumerate(cases):
        case = sm.example(name)
        options = dict(case.options)
        if i % 2:                                                       # every other case with a random direction
            options["M"] = rng.standard_normal((case.net.d_out, case.net.widths[-2]))
        r = sm.Ray(case.net, case.X, case.Y, loss=case.loss, **options)
        t = float(rng.uniform(-4, 4))
        g, H = _autograd(case, r.point(t))
        worst = max(worst, _rel(r.hessian(t), H), _rel(r.gradient(t), g))
    return Result(f"max rel. error {_small(worst)} over {len(cases)} cases", "<= 1e-10", worst <= 1e-10)


@claim("smoothness", "Theorem 12 (square loss, l = 2 tanh and l = 3 gelu): ||grad L|| ~ t, ||H L|| ~ t^2 on the ray")
def theorem12_slopes() -> Result:
    return _slope_claim(("T2", "T5"))


@claim("smoothness", "Theorem 14 (cross-entropy, l = 2 tanh and gelu): ||grad L|| ~ t, ||H L|| ~ t^2 on the ray")
def theorem14_slopes() -> Result:
    return _slope_claim(("T3", "T4"))


@claim("smoothness", "Corrected entry: d2L/(db^l_1)^2 = 2n sigma'^2 ||M e_1||^2 t^2 - 2 sigma'' (M^T Y)_1 t "
                     "(T5 at t = 1)")
def corrected_entry() -> Result:
    case = sm.example("T5")
    r = case.ray()
    _, H = _autograd(case, r.point(1.0))
    i = sm.parameter_index(case.net)["b3"][0]
    formula = 3.0 - 8.0 * math.sqrt(2.0 / math.pi)                       # n = 3, d = 2, sigma' = 1/2, S = 4
    closed = r.entry(1.0, ("b", 3, 0), ("b", 3, 0))
    ok = abs(H[i, i] - formula) <= 1e-12 and abs(closed - formula) <= 1e-12
    return Result(f"autograd {H[i, i]:.6f}, closed form {closed:.6f}", f"3 - 8 sqrt(2/pi) = {formula:.6f} "
                  "(the paper's t^2 term alone: 3)", ok)


@claim("smoothness", "Theorem 13 (l = 0, square): the Hessian is constant and m = 2 lambda_max(Z^T Z) (T7)")
def theorem13_constant_hessian() -> Result:
    case = sm.example("T7")
    f = case.loss_function()
    rng = np.random.default_rng(1)
    H_ref = np.asarray(autograd.hessian(f.__call__)(np.zeros(case.net.n_params)))
    deviation = max(_rel(np.asarray(autograd.hessian(f.__call__)(s * rng.standard_normal(case.net.n_params))), H_ref)
                    for s in (1.0, 10.0, 100.0, 1000.0))
    m = sm.depth0_smoothness(case.net, case.X)
    op = float(np.abs(np.linalg.eigvalsh(H_ref)).max())
    ok = deviation == 0.0 and abs(m - (6 + 4 * math.sqrt(2))) < 1e-12 and abs(op - m) < 1e-12
    return Result(f"max deviation {deviation:g}; ||H||_op = {op:.6f}, m = {m:.6f}", "0; 6 + 4 sqrt(2) = 11.656854",
                  ok)


@claim("smoothness", "Theorem 15 (l = 0, cross-entropy): ||H||_op <= m = lambda_max(Z^T Z)/2 at every point (T8)")
def theorem15_bounded_hessian() -> Result:
    case = sm.example("T8")
    m = sm.depth0_smoothness(case.net, case.X, case.Y, loss="cross_entropy")
    rng = np.random.default_rng(2)
    worst = 0.0
    for s in (0.1, 0.3, 1.0, 3.0, 10.0, 100.0):
        for _ in range(50):
            w = s * rng.standard_normal(case.net.n_params)
            H = sm.depth0_hessian(case.net, case.X, case.Y, w, loss="cross_entropy")
            worst = max(worst, float(np.abs(np.linalg.eigvalsh(H)).max()))
    H0 = sm.depth0_hessian(case.net, case.X, case.Y, np.zeros(9), "cross_entropy")
    at0 = float(np.abs(np.linalg.eigvalsh(H0)).max())
    ok = worst <= m and abs(m - 0.5 * (3 + 2 * math.sqrt(2))) < 1e-12 and abs(at0 - (3 + 2 * math.sqrt(2)) / 3) < 1e-12
    return Result(f"max over 300 points {worst:.4f}, at 0 {at0:.6f}; m = {m:.6f}",
                  "<= (3 + 2 sqrt 2)/2 = 2.914214; (3 + 2 sqrt 2)/3 at 0", ok)


@claim("smoothness", "No (L0, L1) works: (100, 100) fails on the T2 ray from t = 38.535 (Frobenius); "
                     "certificate t* = 115.948")
def explicit_violation() -> Result:
    r = sm.example("T2").ray()
    first = r.first_violation(100.0, 100.0)
    # independent oracle: the hand-derived norms of T2, ||H||_F^2 = 1296 t^4 + 2880 t^2 + 264, ||g||^2 = 32 + 192 t^2
    excess = lambda t: math.sqrt(1296 * t**4 + 2880 * t**2 + 264) - 100 - 100 * math.sqrt(32 + 192 * t**2)  # noqa
    exact = brentq(excess, 1.0, 100.0, xtol=1e-14)
    cert = r.certificate(100.0, 100.0)
    ok = abs(first - exact) <= 1e-9 * exact and abs(cert - 115.948489) < 1e-5
    return Result(f"first violation {first:.6f}, t* = {cert:.6f}",
                  f"{exact:.6f} (root of the hand formula), 115.948489", ok)


@claim("smoothness", "The smallest L0 = L1 covering the T2 ray on [0, T] grows linearly in T")
def cover_grows_linearly() -> Result:
    r = sm.example("T2").ray()
    Ts = np.array([1e2, 3e2, 1e3, 3e3, 1e4])
    sizes = []
    for T in Ts:
        t = np.linspace(0.0, T, 2001)
        sizes.append(sm.smallest_cover(r.frobenius_norm(t), r.gradient_norm(t))[0])
    slope = loglog_slope(Ts, np.array(sizes))[0]
    return Result(f"slope {slope:.4f}; s*(1e4) = {sizes[-1]:.1f}", "1 (no finite pair covers the whole ray)",
                  abs(slope - 1) < 1e-2)


@claim("smoothness", "Beyond the paper: depth l = 1 fails too (T9: ||grad L||^2 = 32 + 408 t^2, "
                     "d2L/(db^1_1)^2 = 12 t^2)")
def depth_one_fails() -> Result:
    case = sm.example("T9")
    r = case.ray()
    t = np.array([0.5, 3.0, 40.0])
    err = max(_rel(r.gradient_norm(t) ** 2, 32 + 408 * t**2), _rel(r.entry(t, ("b", 1, 0), ("b", 1, 0)), 12 * t**2))
    g, H = _autograd(case, r.point(3.0))
    err = max(err, _rel(r.hessian(3.0), H), _rel(r.gradient(3.0), g))
    slope_g, slope_f, slope_o = _slopes(r)
    ok = err <= 1e-10 and abs(slope_g - 1) < 1e-2 and abs(slope_o - 2) < 1e-2
    return Result(f"rel. error {_small(err)}; slopes grad {slope_g:.3f}, H_op {slope_o:.3f}", "<= 1e-10; 1, 2", ok)


@claim("smoothness", "Beyond the paper: on the critical line grad L = 0 while ||H||_op = 36 t^2 + 6 (T10), so no "
                     "phi-smoothness holds")
def critical_line() -> Result:
    case = sm.example("T10")
    r = case.ray()
    grads = []
    for t in (1.0, 10.0, 100.0):
        g, _ = _autograd(case, r.point(t))
        grads.append(float(np.linalg.norm(g)))
    t = np.array([1.0, 10.0, 100.0])
    err = _rel(r.operator_norm(t), 36 * t**2 + 6)
    ok = max(grads) <= 1e-10 and err <= 1e-10 and abs(r.loss_value() - 4 / 3) < 1e-12
    return Result(f"max ||grad L|| (autograd) {_small(max(grads), 1e-10)}; ||H||_op rel. error {_small(err)}",
                  "<= 1e-10; 36 t^2 + 6 = 42, 3606, 360006", ok)


@claim("smoothness", "Beyond the paper: sigmoid (c = 0) and ReLU (c = 1) fail too, on the ray with last bias "
                     "-t sigma(c) M 1")
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
        slope_g, _, slope_o = _slopes(r)
        ok &= abs(slope_g - 1) < 1e-2 and abs(slope_o - 2) < 1e-2
        text.append(f"{act}: {slope_g:.3f}, {slope_o:.3f}")
    return Result(f"slopes (grad, H_op) {'; '.join(text)}; closed form vs autograd {_small(worst)}",
                  "1, 2; <= 1e-10", bool(ok and worst <= 1e-10))


@claim("smoothness", "Cross-entropy needs M != Omega: with Omega the gradient and Hessian are constant in t (T11)")
def cross_entropy_omega_is_flat() -> Result:
    r = sm.example("T11").ray()
    t = np.array([0.0, 1.0, 10.0, 1000.0])
    g, h = r.gradient_norm(t), r.frobenius_norm(t)
    ok = _rel(g, np.full(4, math.sqrt(2))) <= 1e-12 and _rel(h, np.full(4, math.sqrt(14))) <= 1e-12
    return Result(f"||grad L|| = {g.min():.6f}..{g.max():.6f}, ||H||_F = {h.min():.6f}..{h.max():.6f}",
                  "sqrt 2 = 1.414214, sqrt 14 = 3.741657 for every t", ok)


@claim("smoothness", "Generalised smoothness with phi(u) = 1 + u^p: the worst ratio on the T2 ray grows like "
                     "T^(2-p) for p < 2 and is bounded for p = 2")
def generalised_smoothness() -> Result:
    r = sm.example("T2").ray()
    t = np.geomspace(1e-2, 1e5, 400)
    g, h = r.gradient_norm(t), r.frobenius_norm(t)
    out, ok = [], True
    for p in (1.0, 1.5, 2.0):
        worst = np.maximum.accumulate(sm.ell_ratio(h, g, sm.power_ell(1.0, 1.0, p)))
        slope = loglog_slope(t[t >= 1e3], worst[t >= 1e3])[0]
        out.append(f"p={p:g}: {round(slope, 3) + 0.0:.3f}")
        ok &= abs(slope - (2 - p)) < 2e-2
    bound = float(worst.max())                                      # p = 2: tends to 1296^(1/2)/192 = 0.1875
    ok &= bound < 1.0
    return Result(f"slopes {', '.join(out)}; p=2 max ratio {bound:.4f}", "2 - p; bounded (-> 0.1875)", bool(ok))
