"""Claims of the transition-to-linearity chapter (``book/linearity.ipynb``), second part: deep networks (Theorems
3.1-3.3), non-linear outputs (Section 4, Theorem 4.1) and the Hessian on the ball.

Oracles as in :mod:`landscapelab.linearity.checks` (whose helpers this module uses): autograd, closed forms derived
separately, Lanczos on exact products. Loaded after ``checks.py`` and before ``checks_experiments.py``
(:func:`landscapelab.checks.check_modules` sorts the file names), so the rows keep the chapter's order.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np

from ..activations import get as get_activation
from ..checks import Result, claim
from ..fits import loglog_slope
from ..nets import MLP
from . import bottleneck, output, shallow, widths
from .checks import CH, _dense_model_hessian, _norm, _small

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 30


@claim(CH, "Thm. 3.1 at one hidden layer: ||H|| <= Q_221 Q_inf + Q_L / sqrt(m) (Eqs. 12, 20-21)",
       statements=("lin-thm-31",))
def theorem31() -> Result:
    worst_ratio, ok = math.inf, True
    for m, seed in ((8, 0), (16, 1), (32, 2)):
        net = MLP([5, m, 1], activation="tanh", bias=False, parametrization="ntk")
        w = net.init(seed=seed)
        x = np.random.default_rng(seed).standard_normal(5)
        (M1, _), (M2, _) = net.unflatten(w)
        zz = M1 @ x / math.sqrt(5)
        r2 = float(x @ x) / 5
        act = get_activation("tanh")
        q221 = float(np.abs(act.d2(zz)).max()) * r2  # (2,2,1)-norm of d^2 alpha / dW^2 (one unit at a time)
        q_inf = float(np.abs(M2).max()) / math.sqrt(m)  # ||df/dalpha||_inf
        q_l = float(np.abs(act.d1(zz)).max()) * math.sqrt(r2)  # ||d alpha / dW||
        bound = q221 * q_inf + q_l / math.sqrt(m)
        exact = _norm(_dense_model_hessian(net, w, x))
        ok &= exact <= bound * (1 + 1e-12)
        worst_ratio = min(worst_ratio, bound / exact)
    return Result(f"bound / ||H|| >= {worst_ratio:.3f} (m = 8, 16, 32)", ">= 1", bool(ok))


@claim(
    CH, "Eqs. (15), (20): ||df/dalpha||_inf shrinks with width, ||df/dalpha||_2 does not (two hidden layers)",
    statements=("lin-thm-32",),
)
def sensitivities() -> Result:
    net = MLP([10, 16, 16, 1], activation="tanh", bias=False, parametrization="ntk")
    w = net.init(seed=0)
    x = np.ones(10)
    got = widths.layer_sensitivities(net, w, x)
    (M1, _), (M2, _), (M3, _) = net.unflatten(w)
    a1 = np.tanh(M1 @ x / math.sqrt(10))
    ref2 = autograd.grad(lambda a: anp.dot(M3[0], anp.tanh(anp.dot(M2, a) / 4.0)) / 4.0)(
        a1
    )  # autograd w.r.t. alpha^(1)
    err = float(np.abs(got[0] - ref2).max())
    ms = np.array([64, 128, 256, 512])
    inf, two = [], []
    for m in ms:
        vals = [widths.fcn_at_init(int(m), s, sensitivities=True, hessian=False) for s in range(2)]
        inf.append(np.mean([v["sens_inf"] for v in vals]))
        two.append(np.mean([v["sens_2"] for v in vals]))
    s_inf, s_two = loglog_slope(ms, inf)[0], loglog_slope(ms, two)[0]
    ok = err < 1e-12 and -0.6 < s_inf < -0.3 and abs(s_two) < 0.1
    return Result(
        f"slopes: inf-norm {s_inf:.3f}, 2-norm {s_two:.3f}; backward pass = autograd to {_small(err)}",
        "in (-0.6, -0.3); |.| < 0.1",
        ok,
    )


@claim(
    CH,
    "Thm. 3.2 at two hidden layers (Lanczos on exact products): slope -1/2 with +-1 output weights, "
    "shallower with Gaussian ones",
    statements=("lin-thm-32",),
)
def deep_law() -> Result:
    ms = [16, 32, 64]
    fits = {}
    for init in ("rademacher", "gaussian"):
        table = widths.width_sweep(
            widths.fcn_at_init, ms, seeds=range(3), cache=False, progress=False, output_init=init
        )
        fits[init] = widths.width_law(table, n_boot=400)
    rad, gau = fits["rademacher"].slope, fits["gaussian"].slope
    ok = -0.62 < rad < -0.4 and gau > rad - 0.05
    return Result(
        f"slopes: +-1 {rad:.3f}, Gaussian {gau:.3f} (m = 16, 32, 64; 3 seeds)", "+-1 in (-0.62, -0.4)", ok
    )


@claim(
    CH, "Thm. 3.3: ||H|| is set by the narrowest hidden layer (bottleneck of width m_b in [128, m_b, 128])",
    statements=("lin-thm-33",),
)
def narrowest_layer() -> Result:
    mbs = [1, 2, 4, 8, 16]
    means = []
    for mb in mbs:
        means.append(
            np.mean([widths.fcn_at_init(128, s, depth=3, bottleneck=mb)["hessian_norm"] for s in range(3)])
        )
    slope = loglog_slope(mbs, means)[0]
    return Result(
        f"||H|| = {', '.join(f'{v:.3f}' for v in means)} for m_b = 1..16; slope {slope:.3f}",
        "decreasing, slope in (-0.7, -0.25)",
        bool(np.all(np.diff(means) < 0) and -0.7 < slope < -0.25),
    )


@claim(
    CH,
    "Eq. (28): the Hessian of phi(f) is phi''(f) grad f grad f^T + phi'(f) H (swish, softplus, tanh, "
    "shifted softplus)",
    statements=("lin-prop-output",),
)
def eq28() -> Result:
    net = MLP([3, 5, 5, 1], activation="tanh", bias=True, parametrization="ntk")
    w = net.init(seed=2)
    x = np.random.default_rng(2).standard_normal(3)
    H = _dense_model_hessian(net, w, x)
    g = np.asarray(autograd.grad(lambda v: net(v, x[None])[0, 0])(w))
    f = float(net(w, x[None])[0, 0])
    worst = 0.0
    for name in output.OUTPUTS:
        phi = output.get_output(name)
        dense = np.asarray(autograd.hessian(lambda v: phi(net(v, x[None])[0, 0]))(w))
        formula = float(phi.d2(np.array(f))) * np.outer(g, g) + float(phi.d1(np.array(f))) * H
        worst = max(worst, float(np.abs(dense - formula).max() / np.abs(dense).max()))
    return Result(f"max relative error {_small(worst)}", "< 1e-12", worst < 1e-12)


@claim(CH, "Eq. (29), Table 1: with a softplus output ||H(phi(f))|| stays of order 1 while ||H(f)|| ~ m^-1/2",
       statements=("lin-prop-output",))
def nonlinear_output() -> Result:
    X = np.ones((1, 10))
    lanczos_err = 0.0
    ms = [256, 1024, 4096, 16384, 65536]
    lin, non, ratio, weyl = [], [], [], []
    for m in ms:
        net = MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
        w = shallow.rademacher_output(net, net.init(seed=m), seed=3)
        lin.append(shallow.two_layer_hessian_norm(net, w, X[0]))
        non.append(output.two_layer_output_hessian_norm(net, w, X[0], "softplus"))
        if m == 256:
            by_lanczos = widths.hessian_norm(output.with_output(net, "softplus"), w, X, tol=1e-10)
            lanczos_err = abs(by_lanczos - non[-1]) / non[-1]
        g = np.asarray(autograd.grad(lambda v, net=net: net(v, X)[0, 0])(w))
        terms = output.eq29_terms(float(net(w, X)[0, 0]), float(np.linalg.norm(g)), lin[-1], "softplus")
        ratio.append(non[-1] / terms["rank_one"])
        weyl.append(terms["linear"] / terms["rank_one"])
    s_lin, s_non = loglog_slope(ms, lin)[0], loglog_slope(ms, non)[0]
    inside = all(abs(r - 1.0) <= wb * (1 + 1e-9) for r, wb in zip(ratio, weyl))
    s_dev = loglog_slope(ms, np.abs(np.array(ratio) - 1.0))[0]
    ok = abs(s_lin + 0.5) < 0.02 and abs(s_non) < 0.1 and inside and lanczos_err < 1e-8 and s_dev < -0.75
    return Result(
        f"slopes {s_lin:.3f} (f), {s_non:.3f} (softplus(f)) for m = 256..65536; "
        f"||H~|| / (|phi''| ||grad f||^2) "
        f"= {ratio[0]:.4f} .. {ratio[-1]:.5f} (deviation slope {s_dev:.2f}); secular equation = Lanczos to "
        f"{_small(lanczos_err, 1e-12)}",
        "-0.5; about 0; within 1 +- |phi'| ||H|| / (|phi''| ||g||^2), deviation like 1/m (< -0.75); < 1e-8",
        ok,
    )


@claim(
    CH,
    "Thm. 4.1, Eq. (109) with erratum E3: the w2-block of Eq. (31) is m^-3/2 |sum w4 w3^2| x^4 sum w1^4 / 4",
    statements=("lin-thm-41", "linearity-err-e3-appendix-h-proof-of-theorem"),
)
def eq109() -> Result:
    m = 15
    W = bottleneck.eq31_init(m, seed=4)
    worst, ratios = 0.0, []
    for x in (1.0, 2.0):
        H = np.asarray(autograd.hessian(bottleneck.eq31_model(x))(W))
        block = _norm(H[m : 2 * m, m : 2 * m])
        worst = max(worst, abs(block - bottleneck.block_norm(W, x)) / block)
        ratios.append(block)
    scale = ratios[1] / ratios[0]
    ok = worst < 1e-12 and abs(scale - 16.0) < 1e-9
    return Result(
        f"autograd block vs formula {_small(worst)}; block(x = 2) / block(x = 1) = {scale:.6f}",
        "< 1e-12; 16 = 2^4 (the paper's x^2 would give 4)",
        ok,
    )


@claim(CH, "Thm. 4.1: the w2-block does not shrink with m; its median tends to (3 sqrt 3 / 4) 0.6745 = 0.876",
       statements=("lin-thm-41",))
def block_law() -> Result:
    limit = bottleneck.block_limit_quantile(0.5)
    meds = []
    for m in (100, 1000):
        rng = np.random.default_rng(m)
        meds.append(
            float(np.median([bottleneck.block_norm(rng.standard_normal(4 * m), 1.0) for _ in range(400)]))
        )
    ok = all(0.70 <= v <= 1.05 for v in meds)
    return Result(
        f"medians over 400 draws: {meds[0]:.3f} (m = 100), {meds[1]:.3f} (m = 1000)",
        f"in [0.70, 1.05] (limit {limit:.4f})",
        ok,
    )


@claim(
    CH,
    "Beyond the paper: the Hessian of Eq. (31) vanishes at a point at distance sqrt(Z1^2 + Z2^2) from W0, "
    "so Thm. 4.1 cannot hold uniformly on a ball",
    statements=("lin-thm-41", "linearity-obs-theorem-4-1-holds-for-a",
                "linearity-err-beyond-the-paper-the-lower-bound"),
)
def vanishing() -> Result:
    worst, dists, init = 0.0, [], []
    for seed in range(3):
        W = bottleneck.eq31_init(15, seed=seed)
        star, dist = bottleneck.vanishing_point(W, 1.3)
        f = bottleneck.eq31_model(1.3)
        worst = max(worst, float(np.abs(np.asarray(autograd.hessian(f)(star))).max()))
        init.append(_norm(np.asarray(autograd.hessian(f)(W))))
        dists.append(dist)
    ok = worst < 1e-12 and min(init) > 0.5
    return Result(
        f"max |H(W*)| entry {_small(worst)}; ||W* - W0|| = {', '.join(f'{d:.2f}' for d in dists)}; "
        f"||H(W0)|| >= {min(init):.2f}",
        "< 1e-12 (autograd); ||H(W0)|| of order 1",
        ok,
    )


@claim(
    CH,
    "Thm. 3.2 on the ball: at 10 random points at distance R = 10 from W0, ||H|| stays within x1.5 of "
    "||H(W0)|| and both fall with width (two-layer closed form)",
    statements=("lin-thm-32",),
)
def on_the_ball() -> Result:
    x = np.ones(10)
    at0, far = [], []
    for m in (64, 1024, 16384):
        net = MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
        w0 = net.init(seed=1)
        rng = np.random.default_rng(m)
        points = [w0 + 10.0 * u / np.linalg.norm(u) for u in rng.standard_normal((10, w0.size))]
        at0.append(shallow.two_layer_hessian_norm(net, w0, x))
        far.append(max(shallow.two_layer_hessian_norm(net, p, x) for p in points))
    ratios = [b / a for a, b in zip(at0, far)]
    ok = max(ratios) < 1.5 and loglog_slope([64, 1024, 16384], far)[0] < -0.4
    return Result(
        f"max ||H|| at distance 10 / ||H(W0)|| = {', '.join(f'{r:.3f}' for r in ratios)} (m = 64, 1024, "
        f"16384); slope of the max {loglog_slope([64, 1024, 16384], far)[0]:.3f}",
        "< 1.5; < -0.4",
        ok,
    )
