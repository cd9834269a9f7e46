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

import autograd
import numpy as np

from .. import smoothness as sm
from ..activations import Activation
from ..checks import Result, claim
from ..curvature import hessian
from ..fits import loglog_slope

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 10

#: Statements of the chapter no claim checks, and why (see ``tests/core/test_statement_coverage.py``).
NOT_CHECKED = {
    "smoothness-rem-compact": (
        "an elementary fact of analysis (a continuous Hessian is bounded on a compact set, so (L0, 0) works there "
        "with L0 its largest norm), stated to explain why a counterexample must go to infinity; it has no number to "
        "measure, and the chapter's rows follow the ray off to infinity instead"),
    "smoothness-err-an-experiment-that-is-not-in": (
        "a remark on the paper's text (an experiment its conclusion mentions but does not report); there is no "
        "number in the paper to reproduce"),
    "smoothness-err-the-shape-of-m-i-and": (
        "notation (the shapes the prose gives M^i and b^i, a function's name); the library follows the equations, "
        "and the rows of Lemmas 9-11 check the derivatives in that convention against autograd"),
    "smoothness-err-depth-is-counted-in-two-ways": (
        "terminology (hidden layers against affine maps); the chapter fixes one meaning and nothing is measured"),
    "smoothness-err-the-first-order-term-of-definitions": (
        "a misprint in Definitions 4 and 5, shown by the chapter's worked example for a linear L in a cell; no "
        "claim of the chapter uses those definitions"),
    "smoothness-err-two-typos-in-the-proof-of": (
        "two typos in the proof of Theorem 14 (an index, inner for outer product); the entry itself is checked by "
        "the row 'The full entry'"),
    "smoothness-err-the-proof-of-theorem-15-cites": (
        "a wrong citation in the proof of Theorem 15 (the Hessian on the ray for the general one); the bound is "
        "checked everywhere it is claimed by the row 'Theorem 15'"),
}

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
                     "t sigma'(c) M (b^l), 0 elsewhere (l = 2, 3; autograd)",
       statements=("smoothness-lem-jacobian",))
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
                     "listed kinds (T2, T4, T5 at x = (1, 1); autograd)",
       statements=("smoothness-lem-second",))
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
                     "cases",
       statements=("smoothness-prop-closed",))
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
                     "the ray (norms from exact passes)",
       statements=("smoothness-thm-12",))
def theorem12_slopes() -> Result:
    return _growth_claim(("T2", "T5"))


@claim("smoothness", "Theorem 14 (cross-entropy, l = 2 tanh and gelu): ||grad L|| ~ t, ||H L|| ~ t^2 on the "
                     "ray (norms from exact passes)",
       statements=("smoothness-thm-14",))
def theorem14_slopes() -> Result:
    return _growth_claim(("T3", "T4"))


@claim("smoothness", "The full entry: d2L/(db^l_1)^2 = 2n sigma'^2 ||M e_1||^2 t^2 - 2 sigma'' (M^T Y)_1 t "
                     "(T5, autograd at t = 1, exact passes at t = 1, 2, 10)",
       statements=("smoothness-prop-closed",))
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
                     "(T7, autograd)",
       statements=("smoothness-thm-13",))
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
                     "(T8; Hessians from exact passes, closed form = autograd at 5)",
       statements=("smoothness-thm-15",))
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
