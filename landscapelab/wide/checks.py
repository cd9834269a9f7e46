"""Claims of the chapter "Wide layers" (``book/wide_layers.ipynb``; thesis Chapter 2 and Lemma 4.3.2), chapter key
``"wide"``. The topology chapter's claims are in :mod:`landscapelab.wide.checks_topology` (key
``"loss_topology"``).

Every check builds its reference independently of the function it tests: feature matrices by explicit loops or
by the core :class:`landscapelab.MLP`, singular values with SciPy's ``gesvd`` driver (the library uses NumPy's
``gesdd``), gradients with autograd, network outputs with the core forward pass.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np
from scipy.linalg import svd as scipy_svd

from ..checks import Result, claim
from ..nets import MLP
from . import activations as acts
from . import construction as co
from . import convolution as cv
from . import critical as cr
from . import features as fe
from . import skip as sk

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 40

#: Statements of the chapter no claim checks, and why (see ``tests/core/test_statement_coverage.py``).
NOT_CHECKED = {
    "wide_layers-obs-the-wide-layer-is-sufficient-not": (
        "an L-BFGS training experiment (31 runs of 2 to 8 s each, a cached sweep whose table of final losses the "
        "chapter prints); one run is too slow for a verify row, and no closed form predicts which runs reach zero"),
}

EPS = np.finfo(np.float64).eps


def _rank_gesvd(F) -> int:
    """Numerical rank with the thesis rule, from SciPy's gesvd (independent of the library's gesdd call)."""
    s = scipy_svd(F, compute_uv=False, lapack_driver="gesvd")
    return int(np.sum(s > 0.5 * np.sqrt(sum(F.shape) + 1.0) * s[0] * EPS))


def _layer(X, W, b, name):
    """sigma(X W + b) written out per activation (not through the library)."""
    Z = X @ W + b
    return {"sigmoid": 1.0 / (1.0 + np.exp(-Z)), "softplus": np.log1p(np.exp(Z)), "tanh": np.tanh(Z),
            "relu": np.maximum(Z, 0.0), "leaky": np.maximum(0.1 * Z, Z), "identity": Z, "square": Z * Z}[name]


@claim("wide", "Theorem 2.4.5: random analytic layer with n_1 >= N has rank N (N = 50)",
       statements=("wide-thm-as",))
def analytic_full_rank() -> Result:
    ok = total = 0
    for d, gen in ((2, "uniform"), (10, "gaussian")):
        for name in ("sigmoid", "softplus", "tanh"):
            for n1 in (50, 100):
                for seed in range(10):
                    rng = np.random.default_rng(seed)
                    X = rng.uniform(-1, 1, (50, d)) if gen == "uniform" else rng.standard_normal((50, d)) / np.sqrt(d)
                    trial = fe.feature_rank_trial(50, d, n1, name, 1.0, "gaussian", gen, seed)
                    W, b = fe.random_layer(X, n1, 1.0, "gaussian", seed + 10_000)
                    ok += trial["rank"] == _rank_gesvd(_layer(X, W, b, name)) == 50
                    total += 1
    return Result(f"{ok}/{total} draws of rank 50 (library and gesvd agree)", "all", ok == total)


@claim("wide", "Remark after Thm 2.4.5: sigma(t) = t gives rank d+1, t^2 gives (d+1)(d+2)/2",
       statements=("wide-thm-as",))
def polynomial_rank() -> Result:
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    got = []
    for name, expect in (("identity", 3), ("square", 6)):
        for n1 in (6, 50, 200):
            W, b = fe.random_layer(X, n1, 1.0, "gaussian", n1)
            got.append((_rank_gesvd(_layer(X, W, b, name)), fe.numerical_rank(
                fe.feature_matrix([(W, b), (np.zeros((n1, 1)), np.zeros(1))], X, name, 1)), expect))
    ok = all(a == b == c for a, b, c in got)
    return Result(f"ranks {sorted({a for a, _, _ in got})} at n_1 = 6, 50, 200", "3 (identity), 6 (square)", ok)


@claim("wide", "Full rank is cheap, conditioning is not: at d = 2, n_1 = N = 50 gesvd counts rank N, yet a vector x "
               "with ||F_1 x|| summed exactly (math.fsum) certifies sigma_min / sigma_max < 1e-9 (sigmoid, softplus; "
               "3 draws each)", statements=("wide_layers-obs-full-rank-is-cheap-conditioning-is",))
def conditioning_is_not_cheap() -> Result:
    full, worst = 0, 0.0
    for name in ("sigmoid", "softplus"):
        for seed in range(3):
            X = np.random.default_rng(seed).uniform(-1, 1, (50, 2))
            F = _layer(X, *fe.random_layer(X, 50, 1.0, "gaussian", seed + 10_000), name)
            full += _rank_gesvd(F) == 50
            x = scipy_svd(F, lapack_driver="gesvd")[2][-1]        # any x gives sigma_min <= ||F x|| / ||x||
            products = F * x
            residual = np.array([math.fsum(row) for row in products])      # exact sums of the rounded products
            rounding = 50 * EPS * np.abs(products).sum(axis=1)              # bound on the products' rounding
            upper = (np.linalg.norm(residual) + np.linalg.norm(rounding)) / np.linalg.norm(x)
            worst = max(worst, upper / np.linalg.norm(F, axis=0).max())     # sigma_max >= largest column norm
    ok = full == 6 and worst < 1e-9
    return Result(f"rank 50 in {full}/6 draws; sigma_min / sigma_max <= {worst:.0e} (certified)", "6/6; < 1e-9",
                  bool(ok))


@claim("wide", "ReLU and leaky ReLU: rank < N on an open set (d = 2, n_1 = N = 50)",
       statements=("wide_layers-obs-relu-features-fail-on-open-sets",))
def relu_rank_deficient() -> Result:
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    medians, centred, large = [], [], []
    for name, lib in (("relu", "relu"), ("leaky", "leaky_relu(0.1)")):
        ranks = []
        for seed in range(20):
            W, b = fe.random_layer(X, 50, 1.0, "gaussian", seed)
            r = _rank_gesvd(_layer(X, W, b, name))
            ranks.append(r)
            assert r == fe.numerical_rank(np.asarray(acts.get(lib)(X @ W + b)))
            Wc, bc = fe.random_layer(X, 60, 1.0, "data", seed)
            centred.append(_rank_gesvd(_layer(X, Wc, bc, name)))
            Wl, bl = fe.random_layer(X, 50, 1.0, "large", seed)
            large.append(_rank_gesvd(_layer(X, Wl, bl, name)))
        medians.append(float(np.median(ranks)))
    ok = max(medians) < 48 and min(centred) == 50 and max(large) <= 3
    return Result(f"median ranks {medians[0]:g} (ReLU), {medians[1]:g} (leaky); data-centred biases, n_1 = 60: "
                  f"{min(centred)}-{max(centred)}; biases +50: <= {max(large)}", "< 48; 50; <= 3", ok)


@claim("wide", "Theorem 2.4.4: A(alpha) -> triangular, det A / sigma(beta)^N -> 1 (sigmoid, N = 50)",
       statements=("wide-thm-exist",))
def triangular_limit() -> Result:
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    out = []
    for alpha in (10.0, 1e4):
        t = co.triangular_layer(X, "sigmoid", alpha, 0.0, n_filters=50, seed=1)
        Q = -t.filters / alpha
        proj = X @ Q
        A = 0.5 * (np.tanh(0.5 * alpha * (proj[t.order, np.arange(50)][None, :] - proj[t.order])) + 1.0)
        sign, logdet = np.linalg.slogdet(A)
        out.append((np.abs(A - t.A).max(), np.abs(np.tril(A, -1)).max(), sign * np.exp(logdet - 50 * np.log(0.5))))
    ok = out[1][0] < 1e-12 and out[1][1] < 1e-10 and abs(out[1][2] - 1) < 1e-8 and abs(out[0][2] - 1) > 0.5
    return Result(f"below-diagonal max {out[0][1]:.2f} -> {out[1][1]:.0e}; det ratio {out[0][2]:.2g} -> "
                  f"{out[1][2]:.6f}", "-> 0; -> 1", ok)


@claim("wide", "Theorem 2.4.4 with ReLU: exactly triangular, det = 1, yet numerical rank < N",
       statements=("wide-thm-exist", "wide_layers-obs-assumption-2-4-2-does-not"))
def triangular_relu() -> Result:
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    t = co.triangular_layer(X, "relu", 1e4, 1.0, n_filters=50, seed=1)
    lower = np.abs(np.tril(t.A, -1)).max()
    diag = np.prod(np.diag(t.A))
    rank = _rank_gesvd(t.A)
    ok = lower == 0.0 and diag == 1.0 and rank < 50
    return Result(f"below diagonal {lower:g}, product of diagonal {diag:g}, numerical rank {rank}",
                  "0, 1, < 50 (conditioning)", ok)


def _conv1d_features(X, filters, bias, width):
    """Explicit loops: neuron p*T + t = sigmoid(<filter t, x[p:p+width]> + bias)."""
    N, d = X.shape
    T = filters.shape[1]
    P = d - width + 1
    F = np.empty((N, P * T))
    for p in range(P):
        for t in range(T):
            F[:, p * T + t] = X[:, p:p + width] @ filters[:, t]
    return 1.0 / (1.0 + np.exp(-(F + bias)))


@claim("wide", "Section 2.3: M_k matches the thesis's 2-filter example; 1-D CNN rank = min(N, 14 T)",
       statements=("wide-thm-as",))
def cnn_rank() -> Result:
    W = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    thesis = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 0, 1, 2, 3],
                       [0, 0, 4, 5, 6]], dtype=float)
    example = np.array_equal(cv.conv_matrix(cv.conv1d_patches(5, 3), 5, W).T, thesis)
    X = np.random.default_rng(0).standard_normal((56, 16))
    ranks, ok = [], example
    for T in (2, 3, 4, 5, 8):
        for bias in ("neuron", "filter"):
            net = cv.CNN(16, [cv.ConvLayer(cv.conv1d_patches(16, 3), T, bias), cv.ConvLayer(cv.full_patch(14 * T), 1)])
            params = net.init(seed=T, scale=2 * np.sqrt(3))
            F = net.features(params, X, 1)
            ref = _conv1d_features(X, params[0][0], net.full_bias(params, 1), 3)
            r = _rank_gesvd(ref)
            ok &= np.abs(F - ref).max() < 1e-14 and r == min(56, 14 * T)
            ranks.append(r)
    return Result(f"example {'matches' if example else 'differs'}; ranks {sorted(set(ranks))}", "28, 42, 56", ok)


@claim("wide", "Corollary 2.4.6: one conv layer with n_1 >= N fits any y (N = 56, 5 filters of length 3)",
       statements=("wide-cor-express",))
def cnn_expressivity() -> Result:
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((56, 16)), rng.standard_normal(56)
    net = cv.CNN(16, [cv.ConvLayer(cv.conv1d_patches(16, 3), 5), cv.ConvLayer(cv.full_patch(70), 1)])
    params = net.init(seed=0, scale=2 * np.sqrt(3))
    F = _conv1d_features(X, params[0][0], params[0][1], 3)
    lam = np.linalg.lstsq(net.features(params, X, 1), y, rcond=None)[0]
    err = np.abs(F @ lam - y).max()
    return Result(f"max |F_1 lambda - y| = {'< 1e-9' if err < 1e-9 else f'{err:.1e}'}; {net.n_params()} parameters "
                  f"(fully connected: {(16 + 2) * 70 + 1})", "< 1e-9", err < 1e-9)


@claim("wide", "Lemma 2.4.9: gradient sandwich (200 draws, 2-40-10-5-3 softplus); Lemma 2.6.2 = autograd",
       statements=("wide-lem-sandwich", "wide_layers-obs-lemma-2-4-9-s-lower",
                   "wide_layers-err-the-gradient-in-the-proof-of"))
def gradient_sandwich() -> Result:
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((30, 2)), rng.standard_normal((30, 3))
    net = MLP([2, 40, 10, 5, 3], activation="softplus")
    inside = 0
    gaps = []
    for s in range(200):
        scale = (0.3, 1.0, 3.0)[s % 3]
        layers = fe.thesis_layers(net, net.init(seed=s, weight_std=scale, bias_std=scale))
        r = cr.sandwich(layers, X, Y, "softplus", 1)
        inside += r["lower"] <= r["gradient"] * (1 + 1e-9) and r["gradient"] <= r["upper"] * (1 + 1e-9)
        gaps.append(r["lower"] / r["gradient"])
    w = net.init(seed=7)
    auto = net.unflatten(autograd.grad(lambda v: 0.5 * np.sum((net(v, X) - Y) ** 2))(w))
    bp = cr.backprop(fe.thesis_layers(net, w), X, Y, "softplus")
    err = max(np.abs(bp["grad_U"][l] - auto[l][0].T).max() / np.abs(auto[l][0]).max() for l in range(4))
    median = float(np.median(np.log10(np.maximum(gaps, 1e-300))))       # the lower bound is vacuous in practice
    ok = inside == 200 and err < 1e-12 and median < -6
    return Result(f"{inside}/200 inside; median lower/||grad|| = 1e{median:.0f};"
                  f" backprop vs autograd {'< 1e-12' if err < 1e-12 else f'{err:.1e}'}",
                  "200/200; < 1e-6 (vacuous); < 1e-12", ok)


def _critical_trial(n1: int):
    """5-n1-10-3 sigmoid net, N = 30: autograd Jacobian J of vec F_L in vec U_2 (SVD by gesvd), a residual R
    (random if n1 >= N, else a left singular vector of J with singular value 0) and targets Y = F_L - R."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    net = MLP([5, n1, 10, 3], activation="sigmoid")
    w = net.init(seed=1)
    layers = fe.thesis_layers(net, w)
    (W1, b1), (U2, b2), (U3, b3) = layers
    F1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
    out = lambda u: (1.0 / (1.0 + anp.exp(-(F1 @ u.reshape(U2.shape) + b2)))) @ U3 + b3
    J = autograd.jacobian(out)(U2.ravel()).reshape(90, -1)
    u, s, _ = scipy_svd(J, lapack_driver="gesvd")
    R = rng.standard_normal((30, 3)) if n1 >= 30 else u[:, -1].reshape(30, 3)
    Y = out(U2.ravel()) - R
    bp = cr.backprop(layers, X, Y, "sigmoid")
    auto = (J.T @ R.ravel()).reshape(U2.shape)
    return {"rank_J": _rank_gesvd(J), "s_min": s[89] if len(s) >= 90 else 0.0, "R": np.linalg.norm(R),
            "grad": np.linalg.norm(bp["grad_U"][1]), "err": np.abs(bp["grad_U"][1] - auto).max(),
            "phi": cr.squared_loss(layers, X, Y, "sigmoid"), "phi_core": 0.5 * np.sum((net(w, X) - Y) ** 2),
            "member": cr.in_S_k(layers, X, "sigmoid", 1)["member"], "rank_F1": _rank_gesvd(F1)}


@claim("wide", "Theorem 2.4.10: in S_1, grad_{U_2} Phi = 0 only if Phi = 0 (5-n_1-10-3, N = 30)",
       statements=("wide-thm-critical",))
def critical_iff_zero_loss() -> Result:
    a, b = _critical_trial(40), _critical_trial(4)
    ok = (a["member"] and a["rank_F1"] == 30 and a["rank_J"] == 90
          and a["grad"] >= a["s_min"] * a["R"] * (1 - 1e-9) and not b["member"] and b["rank_J"] < 90
          and b["grad"] < 1e-12 and abs(b["phi"] - 0.5) < 1e-12)
    ok = ok and max(a["err"] / a["grad"], b["err"]) < 1e-12 and abs(a["phi"] - a["phi_core"]) < 1e-12 * a["phi"]
    ok = ok and abs(b["phi"] - b["phi_core"]) < 1e-12
    g = "< 1e-12" if b["grad"] < 1e-12 else f"{b['grad']:.0e}"
    return Result(f"n_1 = 40: rank dF_L/dU_2 {a['rank_J']}, sigma_min {a['s_min']:.0e}; n_1 = 4 (not in S_1): "
                  f"|grad| {g} at Phi = {b['phi']:.2f}", "90, > 0; < 1e-12 at Phi > 0", ok)


@claim("wide", "Theorem 2.4.11: explicit zero-loss point in S_k (k = L-1, L-2, L-3; sigmoid, N = 30)",
       statements=("wide-thm-critical",))
def zero_loss_point() -> Result:
    rng = np.random.default_rng(0)
    X, labels = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    W1, b1 = fe.random_layer(X, 40, 1.0, "gaussian", seed=3)
    F1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
    errs, members = [], []
    for top in ([40, 3], [40, 4, 3], [40, 10, 6, 3]):
        layers = [(W1, b1)] + co.zero_loss_point(F1, labels, top, "sigmoid", seed=0)
        net = MLP([5] + top, activation="sigmoid")
        errs.append(np.abs(net(fe.flat_parameters(net, layers), X) - np.eye(3)[labels]).max())
        members.append(_rank_gesvd(F1) == 30 and all(_rank_gesvd(W) == min(W.shape) for W, _ in layers[2:]))
    ok = max(errs) < 1e-9 and all(members)
    return Result(f"max |F_L - Y| {'< 1e-9' if max(errs) < 1e-9 else f'{max(errs):.1e}'}; in S_1: {sum(members)}/3",
                  "< 1e-9; 3/3", ok)


@claim("wide", "Lemma 4.3.2: Psi of N = 300 skip units has rank N in a 4 x 100 net; rand fit interpolates",
       statements=("wide-lem-psi",))
def psi_full_rank() -> Result:
    out = sk.psi_rank_trial(depth=4, width=100, n_samples=300, d=20, n_skip=300, activation="sigmoid", seed=0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 20))
    net = MLP([20] + [100] * 4 + [1], activation="sigmoid")
    w = net.init(seed=1)
    units = sk.skip_units(net.widths, 300, 2)
    Psi = np.column_stack([net.features(w, X, layer=int(l))[:, j] for l, j in units])
    ok = out["rank"] == _rank_gesvd(Psi) == 300 and out["rank_last"] == 100 and out["residual"] < 1e-6
    res = "< 1e-6" if out["residual"] < 1e-6 else f"{out['residual']:.0e}"
    return Result(f"rank Psi {out['rank']}, last layer {out['rank_last']}, "
                  f"rand residual {res}", "300, 100, < 1e-6", ok)


@claim("wide", "Deep narrow nets: Psi rank-deficient at init (50 x 10 softplus, N = 200)")
def psi_deep_narrow() -> Result:
    out = sk.psi_rank_trial(depth=50, width=10, n_samples=200, d=20, n_skip=200, activation="softplus", seed=0)
    return Result(f"rank Psi {out['rank']} of 200; last layer rank {out['rank_last']}", "< 100", out["rank"] < 100)
