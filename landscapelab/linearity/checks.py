"""Claims of the transition-to-linearity chapter (``book/linearity.ipynb``; Liu, Zhu and Belkin 2020).

One check per proposition and theorem of the paper, per erratum that changes a number, and per observation the
chapter makes beyond the paper. Oracles: autograd (dense Hessians, Jacobians and gradients of the forward
pass), closed forms derived separately (calculus, quadrature), and gradient-descent runs whose loss comes from
the forward pass. Sizes are small so that each check runs in about a second.
"""

from __future__ import annotations

import itertools
import math

import autograd
import autograd.numpy as anp
import numpy as np

from ..activations import get as get_activation
from ..checks import Result, claim
from ..curvature import eigenvalues, model_hessian_operator
from ..fits import loglog_slope
from ..nets import MLP
from . import ball, shallow

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 30

CH = "linearity"

#: Statements of the chapter no claim checks, and why (see ``tests/core/test_statement_coverage.py``).
NOT_CHECKED = {
    "linearity-err-appendix-c-proof-of-proposition-2": (
        "an algebra slip in the proof of Proposition 2.2 (a missing factor c, a sign); the proposition stands and "
        "is checked by the row 'Prop. 2.2'"),
}


def _dense_model_hessian(net, w, x):
    return np.asarray(autograd.hessian(lambda v: net(v, x[None])[0, 0])(w))


def _norm(H) -> float:
    return float(np.abs(np.linalg.eigvalsh(0.5 * (H + H.T))).max())


def _small(err: float, bound: float = 1e-12) -> str:
    return f"< {bound:.0e}" if err < bound else f"{err:.1e}"


def _norm_221(T):
    """``||T||_{2,2,1}`` of ``T`` (d1 x d2 x K) and the maximising signs, by enumeration: ``sum_k |a^T T_k b|`` is
    the largest ``a^T (sum_k s_k T_k) b`` over signs ``s``, so the sup over unit ``a, b`` is the largest spectral
    norm of ``sum_k s_k T_k`` (``s`` and ``-s`` give the same norm: ``2^(K-1)`` patterns)."""
    best, arg = -1.0, None
    for signs in itertools.product((1.0, -1.0), repeat=T.shape[2] - 1):
        s = np.array((1.0,) + signs)
        value = float(np.linalg.norm(T @ s, 2))
        if value > best:
            best, arg = value, s
    return best, arg


@claim(CH, "Prop. 2.1: ||sum_k v_k T_k|| <= ||T||_221 ||v||_inf (100 random T, v; the norm by its sign patterns, "
           "checked against the definition's sup); Eq. (11) on a tanh layer (autograd)", statements=("lin-prop-21",))
def prop21() -> Result:
    rng = np.random.default_rng(0)
    worst = math.inf
    for _ in range(100):
        T, v = rng.standard_normal((5, 4, 6)), rng.standard_normal(6)
        worst = min(worst, _norm_221(T)[0] * np.abs(v).max() / np.linalg.norm(T @ v, 2))
    T = rng.standard_normal((5, 4, 6))
    exact, s = _norm_221(T)
    u, _, vt = np.linalg.svd(T @ s)
    attained = float(np.abs(np.einsum("i,ijk,j->k", u[:, 0], T, vt[0])).sum()) / exact   # the sup at one (a, b)
    a, b = rng.standard_normal((20000, 5)), rng.standard_normal((20000, 4))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    sampled = float(np.abs(np.einsum("ni,ijk,nj->nk", a, T, b)).sum(1).max()) / exact
    # Eq. (11): f = m^-1/2 v . tanh(W x / sqrt d), H = sum_k (df/dalpha_k) d2 alpha_k / dW2, all from autograd
    m, d = 6, 3
    w, x, out = rng.standard_normal(m * d), rng.standard_normal(d), rng.choice([-1.0, 1.0], m)

    def alpha(w):
        return anp.tanh(anp.dot(anp.reshape(w, (m, d)), x) / math.sqrt(d))

    H = np.asarray(autograd.hessian(lambda w: anp.dot(out, alpha(w)) / math.sqrt(m))(w))
    Tn = np.stack([np.asarray(autograd.hessian(lambda w, k=k: alpha(w)[k])(w)) for k in range(m)], axis=2)
    eq11 = float(np.abs(H - Tn @ (out / math.sqrt(m))).max() / np.abs(H).max())
    layer = float(np.linalg.norm(H, 2)) / (_norm_221(Tn)[0] / math.sqrt(m))
    ok = worst >= 1 and abs(attained - 1) < 1e-12 and sampled <= 1 + 1e-12 and eq11 < 1e-12
    ok = ok and layer <= 1 + 1e-12
    return Result(f"min bound / ||A|| = {worst:.2f}; norm attained ({attained:.6f}), sampled sup {sampled:.3f} of it;"
                  f" Eq. (11) error {_small(eq11)}; layer ||H|| / bound = {layer:.3f}",
                  ">= 1; 1, <= 1; < 1e-12; <= 1 (= 1: disjoint blocks, +-1 output weights)", bool(ok))


@claim(CH, "Prop. 2.2: a linear model's kernel is constant in w; the kernel of (w.phi)^2 is not",
       statements=("lin-prop-22",))
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
    statements=("lin-prop-23", "linearity-obs-eq-48-cannot-be-trained-as"),
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


@claim(CH, "Eq. (9) with erratum E1: the Hessian of Eq. (8) is diag(v_i sigma''(w_i x) x^2) / sqrt(m)",
       statements=("linearity-err-e1-section-3-1-eq-13",))
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


@claim(CH, "P1: sqrt(m) ||H|| of Eq. (8) (tanh, x = 1, v = +-1) -> sup |tanh''| = 4 / (3 sqrt 3); slope -1/2",
       statements=("lin-thm-32",))
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


@claim(CH, "Thm. 3.2, Rademacher output weights: sqrt(m) ||H|| -> 1.24081 and the slope is -1/2 (two layers)",
       statements=("lin-thm-32",))
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
    statements=("lin-thm-32", "linearity-obs-the-logarithm-in-tilde-o-1"),
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
