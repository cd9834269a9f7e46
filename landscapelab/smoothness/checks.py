"""Claims of the Cooper chapter (``book/smoothness.ipynb``): (L0, L1)-smoothness fails for deep networks.

One check per theorem (12-15), per lemma the closed forms rest on, per correction, and per observation the
book makes beyond the paper. Every check sets the library against a computation that shares no code with it:

* autograd applied to the network's forward pass (for the derivatives on the ray);
* the library's exact backward and Hessian-vector passes (``LossFunction.gradient``, ``landscapelab.hessian``,
  Pearlmutter's R-operator), which know nothing of the closed forms of :class:`~landscapelab.smoothness.Ray`;
  growth exponents are fitted to norms computed this way, never to the closed-form polynomials;
* numbers derived by hand in the book (the worked cases T1-T11 of :func:`landscapelab.smoothness.example`),
  exact rational arithmetic, and the closed-form bounds of the descent lemma.
"""

from __future__ import annotations

import math
from fractions import Fraction

import autograd
import autograd.numpy as anp
import numpy as np
from scipy.optimize import brentq

from .. import smoothness as sm
from ..activations import Activation
from ..checks import Result, claim
from ..curvature import hessian
from ..fits import loglog_slope
from ..nets import MLP

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 10

#: t values on which growth exponents are fitted (the asymptotic regime; see the chapter).
FIT_T = np.geomspace(1e2, 1e4, 6)
#: t values at which the closed forms are compared with autograd (three: both sides are quadratics in t).
THREE_T = (-2.5, 0.7, 13.0)


def _rel(a, b) -> float:
    """Largest entry error relative to the largest entry of the reference ``b`` (absolute below 1)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1.0))


def _small(err: float, bound: float = 1e-12) -> str:
    """An error as text that does not change from machine to machine when it is tiny (the chapter pins it)."""
    return f"< {bound:.0e}" if err < bound else f"{err:.1e}"


def _autograd(f, w):
    return np.asarray(autograd.grad(f.__call__)(w)), np.asarray(autograd.hessian(f.__call__)(w))


def exact_norms(f, points) -> dict[str, np.ndarray]:
    """``||grad L||``, ``||H||_F`` and ``||H||_op`` at each point from the exact backward and Hessian-vector
    passes (``f.gradient`` and ``landscapelab.hessian``), independently of the closed forms."""
    g, fro, op = [], [], []
    for w in points:
        H = hessian(f, w)
        g.append(np.linalg.norm(f.gradient(w)))
        fro.append(np.linalg.norm(H))
        op.append(np.abs(np.linalg.eigvalsh(H)).max())
    return {"gradient": np.array(g), "frobenius": np.array(fro), "operator": np.array(op)}


def ray_norms(name_or_ray, t) -> dict[str, np.ndarray]:
    """:func:`exact_norms` at the ray points ``rho(t)`` of a worked case (a name) or of a :class:`Ray`."""
    r = sm.example(name_or_ray).ray() if isinstance(name_or_ray, str) else name_or_ray
    return exact_norms(r.loss_function(), [r.point(float(u)) for u in np.atleast_1d(t)])


def autograd_agreement(name: str) -> float:
    """Largest relative error of a worked case's closed-form gradient and Hessian against autograd at
    ``THREE_T`` (a module-level function of a name, so that the book can cache it with
    ``landscapelab.sweep``)."""
    r = sm.example(name).ray()
    return max(r.autograd_error(t) for t in THREE_T)


#: The asymptotic constants ``lim ||grad L|| / t`` and ``lim ||H||_F / t^2`` on the rays of T2-T5, derived by
#: hand (sigma'(c)^2 ||M^T A M||_F for the Hessian, |sigma'(c)| ||M^T r|| for the gradient; see the chapter).
PREFACTORS = {"T2": (math.sqrt(192.0), 36.0), "T5": (8.0, 12.0), "T3": (math.sqrt(2.0), math.sqrt(2.0)),
              "T4": (math.sqrt(0.32), 0.375)}


def _growth_claim(names) -> Result:
    """Growth of ||grad L||, ||H||_F, ||H||_op on the rays, fitted to exact-pass norms, and the limits of
    ||grad L|| / t and ||H||_F / t^2 against the hand-derived constants."""
    text, ok = [], True
    for name in names:
        norms = ray_norms(name, FIT_T)
        slopes = [loglog_slope(FIT_T, norms[key])[0] for key in ("gradient", "frobenius", "operator")]
        a, b = norms["gradient"][-1] / FIT_T[-1], norms["frobenius"][-1] / FIT_T[-1] ** 2
        ea, eb = PREFACTORS[name]
        ok &= all(abs(s - e) < 1e-2 for s, e in zip(slopes, (1, 2, 2)))
        ok &= abs(a / ea - 1) < 1e-3 and abs(b / eb - 1) < 1e-3
        text.append(f"{name}: {slopes[0]:.3f}, {slopes[1]:.3f}, {slopes[2]:.3f}; {a:.4f} t, {b:.4f} t^2")
    expected = "; ".join(f"{n}: 1, 2, 2; {PREFACTORS[n][0]:.4f} t, {PREFACTORS[n][1]:.4f} t^2" for n in names)
    return Result(f"slopes (grad, H_F, H_op) and limits, exact passes: {'; '.join(text)}", expected, bool(ok))


@claim("smoothness", "Assumption 1, computed: a zero c with sigma'(c) != 0 exists for tanh, sin, arctan, "
                     "erf, silu, gelu, mish, identity, not for sigmoid, softplus, relu, leaky_relu, elu, "
                     "u^2, u^3")
def assumption1_table() -> Result:
    square = Activation("u^2", lambda x: x ** 2, lambda x: 2.0 * x, lambda x: 0.0 * x + 2.0, 0.0, math.inf)
    cube = Activation("u^3", lambda x: x ** 3, lambda x: 3.0 * x ** 2, lambda x: 6.0 * x, 0.0, math.inf)
    facts = {r.name: r for r in sm.activation_table() + sm.activation_table([square, cube])}
    good = ("tanh", "sin", "arctan", "erf", "silu", "gelu", "mish", "identity")
    bad = ("sigmoid", "softplus", "relu", "leaky_relu", "elu", "u^2", "u^3")
    holds = [n for n in good + bad if n in facts and facts[n].ok]
    ok = holds == [n for n in good if n in facts] and not any(facts[n].ok for n in bad if n in facts)
    gelu = facts["gelu"]
    ok = ok and abs(gelu.d2 - math.sqrt(2 / math.pi)) < 1e-12
    return Result(f"holds for {', '.join(holds)}; gelu: sigma'(0) = {gelu.d1:.6f}, "
                  f"sigma''(0) = {gelu.d2:.6f}",
                  "the 8 listed; gelu 0.5, sqrt(2/pi) = 0.797885", ok)


@claim("smoothness", "Lemmas 9-10: on the ray the output is 0 and its Jacobian is I (b^{l+1}), "
                     "t sigma'(c) M (b^l), 0 elsewhere (l = 2, 3; autograd)")
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
        expected[:, :, index[f"b{l}"]] = t * case.net.activation.d1(np.array([r.c]))[0] * r.M
        worst = max(worst, _rel(J, expected))
    ok = output == 0.0 and worst <= 1e-12
    return Result(f"max |f| = {output:g}, Jacobian rel. error {_small(worst)}",
                  "f == 0 exactly, error <= 1e-12", ok)



@claim("smoothness", "Lemma 11: the second derivatives of each output f_j on the ray are exactly the four "
                     "listed kinds (T2, T4, T5 at x = (1, 1); autograd)")
def lemma11_second_derivatives() -> Result:
    derivs = {"tanh": (1.0, 0.0), "gelu": (0.5, math.sqrt(2.0 / math.pi))}     # sigma'(0), sigma''(0) by hand
    worst, count = 0.0, 0
    for name, t in (("T2", 2.3), ("T4", -1.7), ("T5", 4.1)):
        case = sm.example(name)
        net, r = case.net, case.ray()
        d1, d2 = derivs[net.activation.name]
        idx, l, w = sm.parameter_index(net), net.depth, r.point(t)
        for x in np.asarray(case.X)[-1:]:                                  # the input (1, 1)
            for j in range(net.d_out):
                H = np.asarray(autograd.hessian(lambda v: net(v, x[None, :])[0, j])(w))
                E = np.zeros_like(H)

                def put(p, q, value):
                    E[p, q] = E[q, p] = value

                for a in range(net.widths[l]):
                    put(idx[f"M{l + 1}"][j, a], idx[f"b{l}"][a], d1)
                    put(idx[f"b{l}"][a], idx[f"b{l}"][a], t * d2 * r.M[j, a])
                    for q in range(net.widths[l - 1]):
                        put(idx[f"M{l}"][a, q], idx[f"b{l - 1}"][q], t * d1**2 * r.M[j, a])
                        if l == 2:
                            for e in range(net.widths[0]):
                                put(idx["M2"][a, q], idx["M1"][q, e], t * d1**2 * r.M[j, a] * x[e])
                worst = max(worst, _rel(H, E))
                count += 1
    return Result(f"max rel. error {_small(worst)} over {count} outputs", "<= 1e-12", worst <= 1e-12)


@claim("smoothness", "Closed-form gradient and Hessian on the ray equal autograd at three t for T1, T6, T9, "
                     "T9-ce (l = 1, 2; sigma'' != 0; both losses; random M) and the exact passes for all "
                     "cases")
def closed_form_matches_autograd() -> Result:
    rng = np.random.default_rng(0)
    worst_auto = worst_pass = 0.0
    autograd_cases = ("T1", "T6", "T9", "T9-ce")
    for i, name in enumerate(n for n in sm.EXAMPLES if sm.example(n).net.depth >= 1):
        case = sm.example(name)
        options = dict(case.options)
        if i % 2 and "M" not in options:                        # every other case with a random direction
            options["M"] = rng.standard_normal((case.net.d_out, case.net.widths[-2]))
        r = sm.Ray(case.net, case.X, case.Y, loss=case.loss, **options)
        f = r.loss_function()
        for t in THREE_T:
            w = r.point(t)
            worst_pass = max(worst_pass, _rel(r.hessian(t), hessian(f, w)),
                             _rel(r.gradient(t), f.gradient(w)))
            if name in autograd_cases:
                g, H = _autograd(f, w)
                worst_auto = max(worst_auto, _rel(r.hessian(t), H), _rel(r.gradient(t), g))
    ok = worst_auto <= 1e-10 and worst_pass <= 1e-10
    return Result(f"max rel. error {_small(worst_auto)} (autograd), {_small(worst_pass)} (exact passes) at "
                  f"t = {', '.join(map(str, THREE_T))}", "<= 1e-10", ok)


@claim("smoothness", "Theorem 12 (square loss, l = 2 tanh and l = 3 gelu): ||grad L|| ~ t, ||H L|| ~ t^2 on "
                     "the ray (norms from exact passes)")
def theorem12_slopes() -> Result:
    return _growth_claim(("T2", "T5"))


@claim("smoothness", "Theorem 14 (cross-entropy, l = 2 tanh and gelu): ||grad L|| ~ t, ||H L|| ~ t^2 on the "
                     "ray (norms from exact passes)")
def theorem14_slopes() -> Result:
    return _growth_claim(("T3", "T4"))


@claim("smoothness", "The full entry: d2L/(db^l_1)^2 = 2n sigma'^2 ||M e_1||^2 t^2 - 2 sigma'' (M^T Y)_1 t "
                     "(T5, autograd at t = 1, exact passes at t = 1, 2, 10)")
def corrected_entry() -> Result:
    case = sm.example("T5")
    r = case.ray()
    f = case.loss_function()
    i = sm.parameter_index(case.net)["b3"][0]
    formula = lambda t: 3.0 * t * t - 8.0 * math.sqrt(2.0 / math.pi) * t     # noqa: E731  n=3, d=2, S=4
    _, H = _autograd(f, r.point(1.0))
    errors = [abs(H[i, i] - formula(1.0))]
    for t in (1.0, 2.0, 10.0):
        errors.append(abs(hessian(f, r.point(t))[i, i] - formula(t)) / max(1.0, abs(formula(t))))
        errors.append(abs(r.entry(t, ("b", 3, 0), ("b", 3, 0)) - formula(t)) / max(1.0, abs(formula(t))))
    return Result(f"autograd at t = 1: {H[i, i]:.6f}; max rel. error (autograd, passes, closed form) "
                  f"{_small(max(errors))}",
                  f"3 t^2 - 8 sqrt(2/pi) t = {formula(1.0):.6f} at t = 1 (the t^2 term alone: 3)",
                  max(errors) <= 1e-12)


@claim("smoothness", "Theorem 13 (l = 0, square): the Hessian is constant and m = 2 lambda_max(Z^T Z) "
                     "(T7, autograd)")
def theorem13_constant_hessian() -> Result:
    case = sm.example("T7")
    f = case.loss_function()
    rng = np.random.default_rng(1)
    H_ref = np.asarray(autograd.hessian(f.__call__)(np.zeros(case.net.n_params)))
    points = [s * rng.standard_normal(case.net.n_params) for s in (1.0, 10.0, 100.0, 1000.0)]
    deviation = max(_rel(np.asarray(autograd.hessian(f.__call__)(w)), H_ref) for w in points)
    m = sm.depth0_smoothness(case.net, case.X)
    op = float(np.abs(np.linalg.eigvalsh(H_ref)).max())
    ok = deviation == 0.0 and abs(m - (6 + 4 * math.sqrt(2))) < 1e-12 and abs(op - m) < 1e-12
    return Result(f"max deviation {deviation:g}; ||H||_op = {op:.6f}, m = {m:.6f}",
                  "0; 6 + 4 sqrt(2) = 11.656854", ok)


@claim("smoothness", "Theorem 15 (l = 0, cross-entropy): ||H||_op <= m = lambda_max(Z^T Z)/2 at 300 points "
                     "(T8; Hessians from exact passes, closed form = autograd at 5)")
def theorem15_bounded_hessian() -> Result:
    case = sm.example("T8")
    f = case.loss_function()
    m = sm.depth0_smoothness(case.net, case.X, case.Y, loss="cross_entropy")
    rng = np.random.default_rng(2)
    worst, agree = 0.0, 0.0
    for s in (0.1, 0.3, 1.0, 3.0, 10.0, 100.0):
        for j in range(50):
            w = s * rng.standard_normal(case.net.n_params)
            H = hessian(f, w)
            worst = max(worst, float(np.abs(np.linalg.eigvalsh(H)).max()))
            if j == 0 and s < 50:
                agree = max(agree, _rel(sm.depth0_hessian(case.net, case.X, case.Y, w, loss="cross_entropy"),
                                        np.asarray(autograd.hessian(f.__call__)(w))))
    at0 = float(np.abs(np.linalg.eigvalsh(hessian(f, np.zeros(9)))).max())
    ok = (worst <= m and agree <= 1e-12 and abs(m - 0.5 * (3 + 2 * math.sqrt(2))) < 1e-12
          and abs(at0 - (3 + 2 * math.sqrt(2)) / 3) < 1e-12)
    return Result(f"max over 300 points {worst:.4f}, at 0 {at0:.6f}; m = {m:.6f}; closed form vs autograd "
                  f"{_small(agree)}", "<= (3 + 2 sqrt 2)/2 = 2.914214; (3 + 2 sqrt 2)/3 at 0", ok)


@claim("smoothness", "No (L0, L1) works: (100, 100) fails on the T2 ray from t = 38.535 (Frobenius); "
                     "certificate t* = 115.948")
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
                     "d2L/(db^1_1)^2 = 12 t^2; exact passes)")
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
                     "saddles")
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
                     "-t sigma(c) M 1 (autograd; slopes from exact passes)")
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
                     "(T11, exact passes)")
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
                     "d2L/(db^l_1)^2 has t^2 term 2 n d sigma'(c)^2 (sigmoid, softplus, elu; autograd)")
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


@claim("smoothness", "Descent lemma and safe step on L = sum_j cosh(a_j^T w) in R^4, (L0, L1) = "
                     "(||A||^2, ||A||^2 / s_min(A)): bounds hold at 200 points (autograd)")
def descent_lemma_autograd() -> Result:
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 4))
    s = np.linalg.svd(A, compute_uv=False)
    L0, L1 = s[0] ** 2, s[0] ** 2 / s[-1]      # ||H|| <= ||A||^2 max cosh <= L0 + L1 ||A^T sinh(Aw)||

    def loss(w):
        return anp.sum(anp.cosh(anp.dot(A, w)))

    grad, hess = autograd.grad(loss), autograd.hessian(loss)
    smooth = lemma = step = math.inf
    for scale in (0.1, 1.0, 3.0, 6.0):
        for _ in range(50):
            w = scale * rng.standard_normal(4)
            g = np.asarray(grad(w))
            u = float(np.linalg.norm(g))
            K = L0 + L1 * u
            smooth = min(smooth, K - float(np.abs(np.linalg.eigvalsh(np.asarray(hess(w)))).max()))
            d = rng.standard_normal(4)
            d *= rng.uniform(0.0, 1.0 / L1) / np.linalg.norm(d)
            a = L1 * float(np.linalg.norm(d))
            bound = K * float(d @ d) * (math.expm1(a) - a) / a**2           # the lemma, written out
            lemma = min(lemma, (bound - (loss(w + d) - loss(w) - g @ d)) / bound)
            drop = loss(w) - loss(w - sm.safe_step(u, L0, L1) * g)
            if u > 1e-6:
                step = min(step, drop / ((3 - math.e) * u * u / K))
    ok = smooth >= 0 and lemma >= 0 and step >= 1
    return Result(f"min (L0 + L1 |g| - ||H||) = {smooth:.3f}, min lemma slack {lemma:.3f}, "
                  f"min drop / (3 - e) |g|^2 / K = {step:.3f}", ">= 0, >= 0, >= 1", bool(ok))


@claim("smoothness", "Descent lemma: on cosh (L0 = L1 = 1) the safe step 1/(1 + |g|) lowers the loss by at "
                     "least (3 - e) g^2 / (1 + |g|), and fixed steps above 2 x0 / sinh x0 diverge")
def descent_lemma() -> Result:
    x = np.linspace(-12.0, 12.0, 2001)
    g = np.sinh(x)
    step = sm.safe_step(np.abs(g), 1.0, 1.0)
    drop = np.cosh(x) - np.cosh(x - step * g)                  # exact decrease of one safe step
    keep = np.abs(g) > 1e-3                                  # below, the decrease is lost in cosh's rounding
    ratio = float(np.min(drop[keep] / sm.guaranteed_decrease(np.abs(g[keep]), 1.0, 1.0)))
    race = sm.cosh_race(starts=(3.0, 6.0))
    ok = ratio >= 1 and bool(np.all(race["above"] == -1)) and bool(np.all(race["below"] > 0))
    ok &= bool(np.all(race["best_step"] <= race["threshold"]))
    return Result(f"min decrease / bound = {ratio:.4f}; x0 = 3, 6: best fixed steps "
                  f"{race['best_fixed'].tolist()}, safe steps {race['safe'].tolist()}",
                  ">= 1; 1.03 x threshold diverges, 0.97 x converges", ok)


@claim("smoothness", "The ray lies in the initial sublevel set of the book's training runs: "
                     "L(rho(t)) = sum ||y||^2 < L(w0), and gradient descent leaves D_0 far behind "
                     "(distance stays above 5)")
def training_stays_away() -> Result:
    net, X, Y, r = sm.training_problem()
    f = r.loss_function()
    on_ray = [float(f(r.point(t))) for t in (0.5, 5.0, 50.0)]
    initial = [float(f(net.init(seed=s))) for s in (0, 1)]
    run = sm.training_norms(5e-3, steps=200, records=4, seed=0)
    ok = (max(abs(v - float(np.sum(Y ** 2))) for v in on_ray) <= 1e-12 and max(on_ray) < min(initial)
          and float(run["distance"].min()) > 5.0 and run["loss"][-1] < run["loss"][0])
    return Result(f"L(ray) = {on_ray[0]:.4f}, L(w0) = {initial[0]:.4f}, {initial[1]:.4f}; distance to D_0 "
                  f"{run['distance'].min():.2f}..{run['distance'].max():.2f}",
                  f"sum ||y||^2 = {np.sum(Y ** 2):.4f} < L(w0); distance > 5", bool(ok))
