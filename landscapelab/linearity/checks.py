"""Claims of the transition-to-linearity chapter (``book/linearity.ipynb``; Liu, Zhu and Belkin 2020).

One check per proposition and theorem of the paper, per erratum that changes a number, and per observation the
chapter makes beyond the paper. Oracles: autograd (dense Hessians, Jacobians and gradients of the forward
pass), closed forms derived separately (calculus, quadrature), and gradient-descent runs whose loss comes from
the forward pass. Sizes are small so that each check runs in about a second.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np

from ..activations import get as get_activation
from ..checks import Result, claim
from ..curvature import eigenvalues, model_hessian_operator
from ..fits import loglog_slope
from ..nets import MLP
from . import ball, bottleneck, output, shallow, widths

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 30

CH = "linearity"


def _dense_model_hessian(net, w, x):
    return np.asarray(autograd.hessian(lambda v: net(v, x[None])[0, 0])(w))


def _norm(H) -> float:
    return float(np.abs(np.linalg.eigvalsh(0.5 * (H + H.T))).max())


def _small(err: float, bound: float = 1e-12) -> str:
    return f"< {bound:.0e}" if err < bound else f"{err:.1e}"


@claim(CH, "Prop. 2.2: a linear model's kernel is constant in w; the kernel of (w.phi)^2 is not")
def prop22() -> Result:
    phi = lambda x: anp.array([1.0, x, x * x, anp.cos(x)])  # noqa: E731
    lin, sq = ball.feature_models(phi)
    xs = [-1.0, 0.3, 2.0]
    rng = np.random.default_rng(0)
    ws = rng.standard_normal((3, 4))
    K_lin = [ball.kernel_matrix(lin, w, xs) for w in ws]
    K_sq = [ball.kernel_matrix(sq, w, xs) for w in ws]
    F = np.stack([np.asarray(phi(x)) for x in xs])
    formula = [4.0 * np.outer(F @ w, F @ w) * (F @ F.T) for w in ws]
    lin_change = max(float(np.abs(K - K_lin[0]).max()) for K in K_lin)
    sq_err = max(float(np.abs(K - G).max() / np.abs(G).max()) for K, G in zip(K_sq, formula))
    sq_change = float(np.linalg.norm(K_sq[1] - K_sq[0]) / np.linalg.norm(K_sq[0]))
    ok = lin_change == 0.0 and sq_err < 1e-13 and sq_change > 0.1
    return Result(
        f"linear: max change {lin_change:.0e}; square: change {sq_change:.2f}, "
        f"= 4(w.phi_i)(w.phi_j) phi_i.phi_j to {_small(sq_err, 1e-13)}",
        "0; > 0.1",
        ok,
    )


def _two_layer(m=64, d=10, seed=0):
    net = MLP([d, m, 1], activation="tanh", bias=False, parametrization="ntk")
    rng = np.random.default_rng(seed + 100)
    return net, net.init(seed=seed), rng.standard_normal(d), rng.standard_normal(d)


@claim(
    CH,
    "Prop. 2.3: |K(w) - K(w0)| <= sup||H|| R (||grad f(w0;x)|| + ||grad f(w;z)||) on a segment of "
    "length R = 3",
)
def prop23() -> Result:
    net, w0, x, z = _two_layer()
    u = np.random.default_rng(7).standard_normal(w0.size)
    u /= np.linalg.norm(u)
    R = 3.0
    eps = max(
        shallow.two_layer_hessian_norm(net, w0 + t * u, p) for t in np.linspace(0, R, 61) for p in (x, z)
    )
    grad = lambda w, p: np.asarray(autograd.grad(lambda v: net(v, p[None])[0, 0])(w))  # noqa: E731
    w = w0 + R * u
    change = abs(float(grad(w, x) @ grad(w, z) - grad(w0, x) @ grad(w0, z)))
    bound = ball.kernel_change_bound(eps, R, np.linalg.norm(grad(w0, x)), np.linalg.norm(grad(w, z)))
    return Result(f"|Delta K_xz| = {change:.4f}, bound {bound:.4f}", "change <= bound", change <= bound)


@claim(
    CH,
    "Linearisation error: at most sup||H|| R^2 / 2 on the segment; close to ||H(w0)|| R^2 / 2 along the top "
    "eigenvector for small R, far below it along a random direction (two-layer tanh, m = 256)",
)
def linearisation() -> Result:
    net, w0, x, _ = _two_layer(m=256)
    f = lambda w: net(w, x[None])[0, 0]  # noqa: E731
    vals, vecs = eigenvalues(
        model_hessian_operator(net, w0, x[None]), k=2, which="magnitude", tol=1e-10, return_vectors=True
    )
    top = vecs[:, 0]
    half = 0.5 * float(np.abs(vals).max())
    u = np.random.default_rng(3).standard_normal(w0.size)
    u /= np.linalg.norm(u)
    within, ratios = True, {}
    for R in (0.1, 1.0, 3.0):
        err = abs(float(ball.linearisation_error(f, w0, top, R)[0]))
        sup = max(shallow.two_layer_hessian_norm(net, w0 + t * top, x) for t in np.linspace(0.0, R, 101))
        within &= err <= 0.5 * sup * R * R * 1.001
        ratios[R] = err / (half * R * R)
    along_random = abs(float(ball.linearisation_error(f, w0, u, 1.0)[0])) / half
    ok = within and 0.9 <= ratios[0.1] <= 1.1 and along_random < 0.01
    return Result(
        f"error / (||H(w0)|| R^2 / 2) along the top eigenvector: {ratios[0.1]:.3f}, {ratios[1.0]:.3f}, "
        f"{ratios[3.0]:.3f} (R = 0.1, 1, 3), below the segment bound: {within}; random direction (R = 1): "
        f"{along_random:.1e}",
        "in [0.9, 1.1] at R = 0.1; True; < 0.01",
        ok,
    )


@claim(CH, "Eq. (9) with erratum E1: the Hessian of Eq. (8) is diag(v_i sigma''(w_i x) x^2) / sqrt(m)")
def eq9() -> Result:
    rng = np.random.default_rng(1)
    m, x = 40, 1.7
    v, w = np.sign(rng.standard_normal(m)), rng.standard_normal(m)
    H = np.asarray(autograd.hessian(shallow.eq8_model(v, x))(w))
    err = float(np.abs(H - np.diag(shallow.eq8_hessian_diagonal(w, v, x))).max() / np.abs(H).max())
    wrong = v * get_activation("tanh").d1(w * x) * x / math.sqrt(m)  # the paper's Eq. (13) entry
    wrong_err = float(np.abs(np.diag(H) - wrong).max() / np.abs(H).max())
    return Result(
        f"autograd vs sigma'' x^2 form {_small(err)}; vs Eq. (13)'s sigma' x form {wrong_err:.2f}",
        "< 1e-12; (not small)",
        err < 1e-12 and wrong_err > 0.1,
    )


@claim(CH, "P1: sqrt(m) ||H|| of Eq. (8) (tanh, x = 1, v = +-1) -> sup |tanh''| = 4 / (3 sqrt 3); slope -1/2")
def p1() -> Result:
    limit = 4.0 / (3.0 * math.sqrt(3.0))  # tanh'' = -2 t (1 - t^2) is largest at t = 1/sqrt(3)
    ms = np.array([256, 1024, 4096, 16384])
    norms = []
    for m in ms:
        rng = np.random.default_rng(int(m))
        norms.append(shallow.eq8_hessian_norm(rng.standard_normal(m), np.sign(rng.standard_normal(m)), 1.0))
    scaled = np.sqrt(ms) * np.array(norms)
    slope = loglog_slope(ms, norms)[0]
    ok = np.all(np.abs(scaled - limit) < 5e-3) and abs(slope + 0.5) < 0.01
    return Result(
        f"sqrt(m)||H|| = {', '.join(f'{s:.4f}' for s in scaled)}; slope {slope:.4f}",
        f"{limit:.4f} within 5e-3; -0.5 within 0.01",
        bool(ok),
    )


@claim(CH, "Eq. (10): K(x, x) of Eq. (8) -> x^2 E sigma'(w x)^2 (quadrature), m = 10^5")
def eq10() -> Result:
    x, m = 1.3, 100_000
    w = np.random.default_rng(5).standard_normal(m)
    d1 = get_activation("tanh").d1(w * x) ** 2 * x * x
    K = shallow.eq8_kernel(w, x, x)
    z = abs(K - shallow.kernel_limit(x)) / (d1.std() / math.sqrt(m))
    return Result(
        f"K = {K:.5f}, limit {shallow.kernel_limit(x):.5f} ({z:.1f} standard errors)", "within 4 s.e.", z < 4
    )


@claim(
    CH, "Two-layer closed form: ||H|| = max_i g(v_i, z_i) / sqrt(m) equals the dense autograd Hessian's norm"
)
def two_layer_closed_form() -> Result:
    worst = 0.0
    for bias, seed in ((False, 0), (True, 1)):
        net = MLP([6, 12, 1], activation="tanh", bias=bias, parametrization="ntk")
        w = net.init(seed=seed)
        x = np.random.default_rng(seed).standard_normal(6)
        worst = max(
            worst, abs(shallow.two_layer_hessian_norm(net, w, x) - _norm(_dense_model_hessian(net, w, x)))
        )
    return Result(f"max difference {_small(worst)}", "< 1e-12", worst < 1e-12)


@claim(CH, "Thm. 3.2, Rademacher output weights: sqrt(m) ||H|| -> 1.24081 and the slope is -1/2 (two layers)")
def rademacher_law() -> Result:
    limit, _ = shallow.rademacher_limit()
    ms = np.array([256, 1024, 4096, 16384])
    scaled = []
    for m in ms:
        net = MLP([10, int(m), 1], activation="tanh", bias=False, parametrization="ntk")
        w = shallow.rademacher_output(net, net.init(seed=int(m)), seed=1)
        scaled.append(math.sqrt(m) * shallow.two_layer_hessian_norm(net, w, np.ones(10)))
    slope = loglog_slope(ms, np.array(scaled) / np.sqrt(ms))[0]
    ok = max(abs(s - limit) for s in scaled) < 2e-3 and abs(slope + 0.5) < 0.01
    return Result(
        f"{', '.join(f'{s:.4f}' for s in scaled)}; slope {slope:.4f}",
        f"{limit:.5f} within 2e-3; -0.5 within 0.01",
        ok,
    )


@claim(
    CH,
    "Gaussian output weights: sqrt(m) ||H|| follows the largest of m unit norms (quadrature), so the "
    "fitted slope is about -0.41, not -1/2",
)
def gaussian_law() -> Result:
    ms = (64, 1024)
    lines, ok = [], True
    for m in ms:
        draws = []
        for seed in range(120):
            net = MLP([10, m, 1], activation="tanh", bias=False, parametrization="ntk")
            draws.append(math.sqrt(m) * shallow.two_layer_hessian_norm(net, net.init(seed=seed), np.ones(10)))
        pred = shallow.gaussian_max_quantile(m)
        med = float(np.median(draws))
        ok &= abs(med / pred - 1) < 0.05
        lines.append(f"m = {m}: median {med:.3f}, predicted {pred:.3f}")
    pred_slope = -0.5 + math.log(
        shallow.gaussian_max_quantile(4096) / shallow.gaussian_max_quantile(64)
    ) / math.log(64)
    ok &= -0.44 < pred_slope < -0.38
    return Result(
        "; ".join(lines) + f"; predicted slope 64..4096 {pred_slope:.3f}",
        "within 5%; in (-0.44, -0.38)",
        bool(ok),
    )


@claim(CH, "Thm. 3.1 at one hidden layer: ||H|| <= Q_221 Q_inf + Q_L / sqrt(m) (Eqs. 12, 20-21)")
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
    CH, "Eqs. (15), (20): ||df/dalpha||_inf shrinks with width, ||df/dalpha||_2 does not (two hidden layers)"
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
    CH, "Thm. 3.3: ||H|| is set by the narrowest hidden layer (bottleneck of width m_b in [128, m_b, 128])"
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


@claim(CH, "Eq. (29), Table 1: with a softplus output ||H(phi(f))|| stays of order 1 while ||H(f)|| ~ m^-1/2")
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


@claim(CH, "Thm. 4.1: the w2-block does not shrink with m; its median tends to (3 sqrt 3 / 4) 0.6745 = 0.876")
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
