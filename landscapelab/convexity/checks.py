"""Claims of the chapter "Piecewise strong convexity" (Milne 2018, arXiv:1810.12805 v1).

Each check runs at a small size in well under two seconds. The measured strings report counts and rounded O(1)
quantities (not last-digit rounding errors), so that the table the chapter prints is the same on every machine.
"""

from __future__ import annotations

import autograd
import numpy as np

from .. import convexity as cv
from .. import kernels as K
from ..checks import Result, claim

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 20

LAM, THETA = 0.05, 0.025


def _random_net(rng, n0, hidden):
    dims = [n0, *hidden, 1]
    return rng.standard_normal(n0), [rng.standard_normal((p, q)) for p, q in zip(dims[:-1], dims[1:])]


def _random_nets(seed, per_shape):
    """``per_shape`` random nets of every shape in SHAPES, with their outputs y (eq. 1): ``(a, weights, y)``."""
    rng = np.random.default_rng(seed)
    for n0, hidden in SHAPES:
        for _ in range(per_shape):
            a, weights = _random_net(rng, n0, hidden)
            yield a, weights, float(cv.relu_output(a, weights))


SHAPES = [(2, (2,)), (3, (4,)), (2, (3, 3)), (4, (5, 3, 2)), (3, (6, 6, 6, 6))]


@claim("convexity", "Lemma 3: det A(a, W) = y(a, W) with the corner (-1)^H")
def determinant_formula() -> Result:
    ok = total = 0
    for a, weights, y in _random_nets(0, 40):
        ok += abs(K.det(cv.milne_matrix(a, weights)) - y) <= 1e-10 * max(1.0, abs(y))
        total += 1
    return Result(f"{ok}/{total} random nets within 1e-10", "all", ok == total)


@claim("convexity", "Erratum E1: the printed corner (-1)^(H+1) gives det A = -y")
def corner_erratum() -> Result:
    ok = total = nonzero = 0
    for a, weights, y in _random_nets(1, 40):
        ok += abs(K.det(cv.milne_matrix(a, weights, corner="paper")) + y) <= 1e-10 * max(1.0, abs(y))
        nonzero += y > 0
        total += 1
    return Result(f"det A = -y in {ok}/{total} nets ({nonzero} with y > 0)", "all", ok == total and nonzero > 0)


@claim("convexity", "Lemma 4: Leibniz terms = active paths, (H+3)-cycles of sign (-1)^H")
def leibniz_paths() -> Result:
    rng = np.random.default_rng(2)
    ok = total = 0
    for n0, hidden in [(2, (2,)), (2, (3, 2)), (3, (2, 2, 2))]:
        H = len(hidden)
        for _ in range(10):
            a, weights = _random_net(rng, n0, hidden)
            A = cv.milne_matrix(a, weights)
            perms, signs, products = K.leibniz_terms(A)
            paths, terms = cv.active_paths(a, weights)
            moved = [(p != np.arange(A.shape[0])).sum() for p in perms]
            ok += (len(perms) == len(paths) and np.all(signs == (-1.0) ** H) and all(m == H + 3 for m in moved)
                   and np.allclose(np.sort(signs * products), np.sort(terms), rtol=1e-14, atol=0))
            total += 1
    return Result(f"{ok}/{total} nets", "all", ok == total)


@claim("convexity", "Structured det in O(m) equals dense LU and the forward pass")
def structured_determinant() -> Result:
    ok = total = 0
    for a, weights, y in _random_nets(3, 20):
        d = cv.milne_det(a, weights)
        ok += abs(d - y) <= 1e-13 * max(1.0, abs(y)) and abs(d - K.det(cv.milne_matrix(a, weights))) <= \
            1e-10 * max(1.0, abs(y))
        total += 1
    return Result(f"{ok}/{total} nets within 1e-13 (forward) and 1e-10 (LU)", "all", ok == total)


@claim("convexity", "Lemma 5: Jacobi's first and second derivatives of det(A + tX)")
def jacobi() -> Result:
    t = cv.teacher((2, 3, 3, 1), 1, 3.0, seed=4)
    rng = np.random.default_rng(4)
    worst = 0.0
    for _ in range(10):
        w = t.w + 0.02 * rng.standard_normal(t.w.size)
        v = rng.standard_normal(t.w.size)
        a, weights = t.X[0], cv.unflatten(w, t.dims)
        A, Xi = cv.milne_matrix(a, weights), cv.direction_matrix(a, weights, v)
        d1, d2 = cv.jacobi_derivatives(A, Xi)
        h = 1e-4
        dp, d0, dm = (K.det(A + s * h * Xi) for s in (1, 0, -1))
        worst = max(worst, abs(d1 - (dp - dm) / (2 * h)) / abs(d1), abs(d2 - (dp - 2 * d0 + dm) / h ** 2) / abs(d2))
    return Result("finite differences agree to 1e-6" if worst <= 1e-6 else f"rel. error {worst:.1e}",
                  "relative error <= 1e-6", worst <= 1e-6)


@claim("convexity", "Erratum E13: masked minors give Hess y; unmasked ones do not")
def masked_hessian() -> Result:
    rng = np.random.default_rng(5)
    masked_ok = unmasked_wrong = 0
    dims = (3, 4, 3, 1)
    t = cv.teacher(dims, 16, 3.0, seed=5)
    for a in t.X:
        w = t.w + 0.05 * rng.standard_normal(t.w.size)
        weights = cv.unflatten(w, dims)
        auto = autograd.hessian(lambda v: cv.relu_output(a, cv.unflatten(v, dims)))(w)
        scale = max(1.0, np.abs(auto).max())
        masked_ok += np.abs(cv.y_derivatives(a, weights)[2] - auto).max() <= 1e-12 * scale
        unmasked_wrong += np.abs(cv.y_derivatives(a, weights, mask=False)[2] - auto).max() > 1e-6 * scale
    return Result(f"masked = autograd in {masked_ok}/16; unmasked wrong in {unmasked_wrong}/16",
                  "masked 16/16, unmasked wrong in most", masked_ok == 16 and unmasked_wrong >= 8)


@claim("convexity", "Lemma 2: tr Hess l = (2/N) sum ||grad y_i||^2 >= 0 (no local maxima)")
def trace_identity() -> Result:
    rng = np.random.default_rng(6)
    t = cv.teacher((2, 4, 3, 1), 10, 3.0, seed=6)
    ok = 0
    for _ in range(10):
        w = t.w + 0.3 * rng.standard_normal(t.w.size)
        F = rng.uniform(0.1, 1.0, 10)
        _, g, _ = cv.per_example_derivatives(w, t.X, t.dims)
        tr = np.trace(cv.loss_derivatives(w, t.X, F, t.dims)[2])
        ok += abs(tr - 2.0 / 10 * np.sum(g ** 2)) <= 1e-12 * max(1.0, tr)
    return Result(f"{ok}/10 random points within 1e-12", "all", ok == 10)


@claim("convexity", "Theorem 3 (Qi): singular values lie in the union of the intervals")
def qi_theorem() -> Result:
    count = 1000
    counts = K.violation_counts(count, seed=7)
    qi_bad, rows_bad = counts["max"][0], counts["rows"][0]
    return Result(f"Qi: {qi_bad}/{count} violations; rows only: {rows_bad}/{count}",
                  "Qi: 0 (rows only may fail)", qi_bad == 0 and rows_bad > 0)


@claim("convexity", "Erratum E5: det C = y + beta^(H+2) for H = 1..4 with corrected signs")
def c_identity() -> Result:
    rng = np.random.default_rng(8)
    beta = 3.0
    got = []
    for H in range(1, 5):
        t = cv.teacher((3,) + (3,) * H + (1,), 1, beta, seed=int(rng.integers(1000)))
        y = float(t.F[0])
        got.append(K.det(cv.c_matrix(t.X[0], t.weights, beta, 2)) - y)
    expected = [beta ** (H + 2) for H in range(1, 5)]
    ok = np.allclose(got, expected, rtol=1e-12)
    return Result("det C - y = " + ", ".join(f"{g:.0f}" for g in got), "27, 81, 243, 729", bool(ok))


@claim("convexity", "C_core on U_1: all Qi lower ends >= 1, so sigma_min >= 1")
def c_core_sigma() -> Result:
    rng = np.random.default_rng(9)
    ok = 0
    for k in range(30):
        beta = (2.0, 3.0, 5.0)[k % 3]
        t = cv.teacher((3, 4, 3, 1), 1, beta, seed=int(rng.integers(10_000)), scale=rng.uniform(0.5, 0.99))
        C = cv.c_core_matrix(t.X[0], t.weights, beta)
        lower, _ = K.qi_intervals(C)
        ok += lower.min() >= 1 - 1e-12 and np.linalg.svd(C, compute_uv=False).min() >= 1 - 1e-12
    return Result(f"{ok}/30 points of U_1", "all", ok == 30)


@claim("convexity", "Lemma 8: sigma_min of the widened C equals beta^((1 - n_max)/d)")
def widened_c() -> Result:
    a, W = [1.0, 2.0], [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]
    got = [float(np.linalg.svd(cv.c_matrix(a, W, 6.0, d), compute_uv=False).min()) for d in (1, 10, 100)]
    want = [6.0 ** (-1.0 / d) for d in (1, 10, 100)]
    return Result(", ".join(f"{g:.4f}" for g in got), ", ".join(f"{x:.4f}" for x in want),
                  bool(np.allclose(got, want, rtol=1e-10)))


def _points_U12(t, n, rng):
    pts = []
    while len(pts) < n:
        d = np.exp(rng.uniform(np.log(1e-3), np.log(0.3)))
        z = rng.standard_normal(t.w.size)
        w = t.w + d * z / np.linalg.norm(z)
        if cv.in_U1(w, t.dims, t.beta) and cv.in_U2(w, t.X, t.F, t.dims) and cv.is_differentiable(w, t.X, t.dims):
            pts.append(w)
    return pts


@claim("convexity", "Lemmas 7 and 9: X^T Hess l X >= each bound of the chain on U_1 & U_2")
def lemma_chain() -> Result:
    rng = np.random.default_rng(10)
    t = cv.teacher((2, 3, 1), 8, 3.0, seed=1)
    ok = 0
    worst = 0.0
    pts = _points_U12(t, 60, rng)
    for w in pts:
        c = cv.bound_chain(w, t.X, t.F, t.dims, t.beta, rng.standard_normal(t.w.size))
        values = c.as_list()
        ok += c.exact >= c.lemma7_A and all(x >= y - 1e-12 * abs(y) for x, y in zip(values, values[1:]))
        lam_min = np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims)[2])[0]
        bound = -2 * cv.M_constant(t.F, t.beta, t.H) * cv.rho_max(w, t.X, t.dims) * \
            np.sqrt(float(cv.loss(w, t.X, t.F, t.dims)))
        ok += lam_min >= bound
        if lam_min < 0:
            worst = max(worst, lam_min / bound)
    return Result(f"{ok}/{2 * len(pts)} checks hold; bound loose by > {int(1 / worst)}x" if worst else
                  f"{ok}/{2 * len(pts)} checks hold", f"all {2 * len(pts)}", ok == 2 * len(pts))


@claim("convexity", "Theorem 4: lambda_min Hess l_lambda >= lambda + theta (> theta) on U")
def theorem4() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, _ = cv.sample_U(t, LAM, THETA, n=100, seed=11)
    lam_min = min(np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[2])[0] for w in pts)
    return Result(f"min over {len(pts)} points of U: {lam_min:.4f}", f">= lambda + theta = {LAM + THETA:g}",
                  len(pts) >= 30 and lam_min >= LAM + THETA)


@claim("convexity", "Erratum E12: <grad l_lambda, W> > 0 on U, so U holds no critical point")
def e12_radial() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, _ = cv.sample_U(t, LAM, THETA, n=100, seed=12)
    ratios = [cv.radial_derivative(w, t.X, t.F, t.dims, LAM) / (2 * LAM * w @ w) for w in pts]
    bound_ok = all(cv.radial_derivative(w, t.X, t.F, t.dims, LAM) >= cv.e12_lower_bound(w, t.F, t.dims, t.beta, LAM)
                   > 0 for w in pts)
    return Result(f"min <grad, W>/(2 lambda ||W||^2) = {min(ratios):.3f} over {len(pts)} points",
                  "> 0 (note: >= 0.994)", bound_ok and min(ratios) > 0)


@claim("convexity", "Minimisers of l_lambda satisfy Euler's identity and lie far outside U")
def minimisers_outside_U() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    ratios, euler = [], True
    for lam in (0.02, 0.005, 0.0005):
        w, gnorm, _ = cv.minimize(t.w, t.X, t.F, t.dims, lam)
        y = cv.outputs(t.X, cv.unflatten(w, t.dims))
        euler &= gnorm <= 1e-10 and abs(2 * np.mean((y - t.F) * y) + lam * w @ w) <= 1e-7 * lam * (w @ w)
        ratios.append(np.sqrt(np.mean((y - t.F) ** 2)) / cv.threshold(t.F, t.beta, t.H, lam, lam / 2))
    return Result("sqrt(l)/threshold = " + ", ".join(f"{r:.0f}" for r in ratios), "> 1",
                  bool(euler and min(ratios) > 1))


@claim("convexity", "Consequence 1: per-example dropout lowers rho (mean and sup)")
def dropout() -> Result:
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    means, sups = [], []
    for eta in (0.0, 0.2, 0.5, 0.8):
        rhos, rmax = cv.dropout_rho(t.w, t.X, t.dims, eta, directions=200, seed=1)
        means.append(rhos.mean())
        sups.append(rmax)
    ok = all(a > b for a, b in zip(means, means[1:])) and all(a > b for a, b in zip(sups, sups[1:]))
    return Result("mean rho " + ", ".join(f"{m:.2f}" for m in means) + " for eta = 0, .2, .5, .8",
                  "decreasing", ok)
