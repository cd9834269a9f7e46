"""Claims of the chapter "Piecewise strong convexity" (Milne 2018, arXiv:1810.12805 v1).

Every check sets the library against something computed another way: the core library's MLP forward pass (not
the determinant route), LAPACK (``numpy.linalg.det``, ``svd``), autograd, central finite differences,
backpropagation, exact rational arithmetic, or a closed form derived separately. Each runs at a small size in a
second or two. The measured strings report counts and rounded O(1) quantities (not last-digit rounding errors), so
that the table the chapter prints is the same on every machine.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np

from .. import convexity as cv
from .. import kernels as K
from ..checks import Result, claim
from ..nets import MLP

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 20

#: Statements of the chapter no claim checks, and why (see ``tests/core/test_statement_coverage.py``).
NOT_CHECKED = {
    "convexity-err-e10-the-norm-in-theorem-2": (
        "a misprinted norm in the statement of Theorem 2 (max_i ||a||_i for max_i ||a_i||_1); nothing to measure"),
    "convexity-err-e9-isolated-or-only-strict": (
        "a gap in the logic of the proof of Lemma 10 (strict against isolated minima); the chapter notes it has no "
        "consequence for U, which holds no critical point at all (row 'Erratum E12')"),
}

LAM, THETA = 0.05, 0.025

SHAPES = [(2, (2,)), (3, (4,)), (2, (3, 3)), (4, (5, 3, 2)), (3, (6, 6, 6, 6))]


def _random_nets(seed, per_shape):
    """``per_shape`` random Gaussian nets of every shape in SHAPES with their output computed by the core library's
    MLP (bias-free, ReLU, ReLU'd output), an implementation independent of the determinant route:
    ``(a, weights, y)``."""
    rng = np.random.default_rng(seed)
    for n0, hidden in SHAPES:
        dims = [n0, *hidden, 1]
        net = MLP(dims, activation="relu", bias=False, output_activation="relu")
        for _ in range(per_shape):
            a = rng.standard_normal(n0)
            weights = [rng.standard_normal((p, q)) for p, q in zip(dims[:-1], dims[1:])]
            w = net.flatten([(W.T, None) for W in weights])          # the MLP's matrices are the W_k transposed
            yield a, weights, float(net(w, a[None, :])[0, 0])


def _own_outputs(v, X, dims):
    """Eq. 1 written here for a batch of inputs (rows of X), for autograd (ReLU as where(z > 0, z, 0): derivative
    0 at a tie, like the switches of eq. 2)."""
    h, start = X, 0
    for p, q in zip(dims[:-1], dims[1:]):
        h = anp.dot(h, anp.reshape(v[start:start + p * q], (p, q)))
        h = anp.where(h > 0, h, 0.0)
        start += p * q
    return h[..., 0]


def _own_output(v, a, dims):
    return _own_outputs(v, a, dims)


def _own_loss(v, X, F, dims, lam=0.0):
    e = _own_outputs(v, X, dims) - F
    return anp.mean(e ** 2) + lam * anp.sum(v ** 2)


@claim("convexity", "Lemma 3: det A(a, W) = y(a, W) with the corner (-1)^H",
       statements=("cvx-lem-det",))
def determinant_formula() -> Result:
    ok = total = 0
    for a, weights, y in _random_nets(0, 40):
        ok += abs(K.det(cv.milne_matrix(a, weights)) - y) <= 1e-10 * max(1.0, abs(y))
        total += 1
    return Result(f"{ok}/{total} random nets: LU det = MLP forward pass (1e-10)", "all", ok == total)


@claim("convexity", "Erratum E1: the printed corner (-1)^(H+1) gives det A = -y",
       statements=("cvx-lem-det", "convexity-err-e1-e4-the-corner-sign-the"))
def corner_erratum() -> Result:
    ok = total = nonzero = 0
    for a, weights, y in _random_nets(1, 40):
        ok += abs(K.det(cv.milne_matrix(a, weights, corner="paper")) + y) <= 1e-10 * max(1.0, abs(y))
        nonzero += y > 0
        total += 1
    return Result(f"det A = -y in {ok}/{total} nets ({nonzero} with y > 0)", "all", ok == total and nonzero > 0)


@claim("convexity", "Lemma 4, erratum E4: Leibniz terms = paths of H+1 weights, (H+3)-cycles of sign (-1)^H",
       statements=("cvx-lem-det", "convexity-err-e1-e4-the-corner-sign-the"))
def leibniz_paths() -> Result:
    rng = np.random.default_rng(2)
    ok = total = 0
    for n0, hidden in [(2, (2,)), (2, (3, 2)), (3, (2, 2, 2))]:
        H = len(hidden)
        dims = [n0, *hidden, 1]
        for _ in range(10):
            a = rng.standard_normal(n0)
            weights = [rng.standard_normal((p, q)) for p, q in zip(dims[:-1], dims[1:])]
            A = cv.milne_matrix(a, weights)
            perms, signs, products = K.leibniz_terms(A)
            # brute force over all paths j_0 -> ... -> j_H: a_(j_0) times the H + 1 masked weights on the path
            paths, terms = cv.active_paths(a, weights)
            moved = [(p != np.arange(A.shape[0])).sum() for p in perms]
            ok += (len(perms) == len(paths) and all(len(p) == H + 1 for p in paths)
                   and np.all(signs == (-1.0) ** H) and all(m == H + 3 for m in moved)
                   and np.allclose(np.sort(signs * products), np.sort(terms), rtol=1e-14, atol=0))
            total += 1
    return Result(f"{ok}/{total} nets", "all", ok == total)


@claim("convexity", "The structured det in O(m) equals LAPACK's dense LU determinant of A",
       statements=("cvx-lem-det",))
def structured_determinant() -> Result:
    ok = total = 0
    for a, weights, _ in _random_nets(3, 20):
        scale = max(1.0, float(np.abs(cv.active_paths(a, weights)[1]).sum()))       # sum of |path terms|
        dense = float(np.linalg.det(cv.reference.milne_matrix(a, weights)))          # the NumPy twin, LAPACK
        ok += abs(cv.milne_det(a, weights) - dense) <= 1e-12 * scale
        total += 1
    return Result(f"{ok}/{total} nets within 1e-12 x sum|path terms|", "all", ok == total)


@claim("convexity", "Lemma 5: Jacobi's first and second derivatives of det(A + tX)",
       statements=("cvx-lem-jacobi",))
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
        dp, d0, dm = (np.linalg.det(A + s * h * Xi) for s in (1, 0, -1))
        worst = max(worst, abs(d1 - (dp - dm) / (2 * h)) / abs(d1), abs(d2 - (dp - 2 * d0 + dm) / h ** 2) / abs(d2))
    return Result("finite differences agree to 1e-6" if worst <= 1e-6 else f"rel. error {worst:.1e}",
                  "relative error <= 1e-6", worst <= 1e-6)



@claim("convexity", "Lemma 6: d2/dt2 l(W + tX) from A_i, X_i, M_i = X^T (Hess l) X of autograd",
       statements=("cvx-lem-jacobi",))
def lemma6() -> Result:
    rng = np.random.default_rng(13)
    worst, count = 0.0, 0
    for dims, seed in (((2, 3, 3, 1), 4), ((3, 4, 1), 5), ((2, 3, 2, 2, 1), 6)):
        t = cv.teacher(dims, 6, 3.0, seed=seed)
        grad = autograd.grad(_own_loss)
        hvp = autograd.grad(lambda w, v: grad(w, t.X, t.F, t.dims) @ v)      # Hessian-vector product
        for _ in range(4):
            w = t.w + 0.01 * rng.standard_normal(t.w.size)
            while _own_outputs(w, t.X, t.dims).min() <= 0:          # Lemma 6 needs y_i != 0
                w = t.w + 0.01 * rng.standard_normal(t.w.size)
            v = rng.standard_normal(t.w.size)
            d1, d2 = cv.lemma6_derivatives(w, t.X, t.F, t.dims, v)
            g1 = float(grad(w, t.X, t.F, t.dims) @ v)
            g2 = float(v @ np.asarray(hvp(w, v)))
            worst = max(worst, abs(d1 - g1) / abs(g1), abs(d2 - g2) / abs(g2))
            count += 1
    ok = bool(worst <= 1e-9)
    return Result(f"{count} directions agree to 1e-9" if ok else f"rel. error {worst:.1e}",
                  "relative error <= 1e-9", ok)


@claim("convexity", "Erratum E13: masked minors give Hess y; unmasked ones do not",
       statements=("convexity-err-e13-the-hessian-needs-the-switch",))
def masked_hessian() -> Result:
    rng = np.random.default_rng(5)
    masked_ok = unmasked_wrong = 0
    dims = (3, 4, 3, 1)
    t = cv.teacher(dims, 16, 3.0, seed=5)
    for a in t.X:
        w = t.w + 0.05 * rng.standard_normal(t.w.size)
        weights = cv.unflatten(w, dims)
        auto = autograd.hessian(_own_output)(w, a, dims)
        scale = max(1.0, np.abs(auto).max())
        masked_ok += np.abs(cv.y_derivatives(a, weights)[2] - auto).max() <= 1e-12 * scale
        unmasked_wrong += np.abs(cv.y_derivatives(a, weights, mask=False)[2] - auto).max() > 1e-6 * scale
    return Result(f"masked = autograd in {masked_ok}/16; unmasked wrong in {unmasked_wrong}/16",
                  "masked 16/16, unmasked wrong in most", masked_ok == 16 and unmasked_wrong >= 8)


@claim("convexity", "Lemma 2: diag Hess y_i = 0, so tr Hess l = (2/N) sum ||grad y_i||^2 >= 0 (autograd)",
       statements=("cvx-prop-nomax",))
def trace_identity() -> Result:
    rng = np.random.default_rng(6)
    t = cv.teacher((2, 4, 3, 1), 10, 3.0, seed=6)
    ok = 0
    diag = 0.0
    for _ in range(5):
        w = t.w + 0.3 * rng.standard_normal(t.w.size)
        F = rng.uniform(0.1, 1.0, 10)
        hess = autograd.hessian(_own_loss)(w, t.X, F, t.dims)
        grads = np.array([cv.backprop_gradient(a, cv.unflatten(w, t.dims)) for a in t.X])
        for a in t.X[:3]:
            diag = max(diag, float(np.abs(np.diag(autograd.hessian(_own_output)(w, a, t.dims))).max()))
        tr = np.trace(hess)
        ok += abs(tr - 2.0 / 10 * np.sum(grads ** 2)) <= 1e-12 * max(1.0, tr)
    return Result(f"{ok}/5 points within 1e-12; largest |diag Hess y_i| = {diag:g}", "all; 0", ok == 5 and diag == 0)


@claim("convexity", "Theorem 3 (Qi): singular values lie in the union of the intervals (real and complex)",
       statements=("cvx-thm-qi",))
def qi_theorem() -> Result:
    count = 1000
    counts = K.violation_counts(count, seed=7)
    qi_bad, rows_bad = counts["max"][0], counts["rows"][0]
    rng = np.random.default_rng(7)
    complex_bad = 0
    for k in range(200):
        n = 2 + k % 7
        A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        complex_bad += not K.in_union(np.linalg.svd(A, compute_uv=False), *K.qi_intervals(A)).all()
    return Result(f"Qi: {qi_bad}/{count} real, {complex_bad}/200 complex violations; rows only: {rows_bad}/{count}",
                  "Qi: 0 (rows only may fail)", qi_bad == 0 and complex_bad == 0 and rows_bad > 0)


@claim("convexity", "Kernels keep complex input: det diag(i, 1) = i; det, slogdet = LAPACK on complex matrices")
def complex_kernels() -> Result:
    rng = np.random.default_rng(70)
    worst = 0.0
    for n in range(1, 9):
        A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        ref = np.linalg.det(A)
        sign, logabs = K.slogdet(A)
        worst = max(worst, abs(K.det(A) - ref) / abs(ref), abs(sign * np.exp(logabs) - ref) / abs(ref),
                    float(np.max(np.abs(K.det_batched(A[None]) - ref)) / abs(ref)))
    got = K.det(np.diag([1j, 1.0]))
    return Result(f"det diag(i, 1) = {got}; relative error {'<= 1e-12' if worst <= 1e-12 else f'{worst:.1e}'}",
                  "1j; <= 1e-12", got == 1j and worst <= 1e-12)


@claim("convexity", "Erratum E5: det C = y + beta^(H+2) for H = 1..4 with corrected signs",
       statements=("convexity-err-e5-and-e7-e8-the-signs",))
def c_identity() -> Result:
    rng = np.random.default_rng(8)
    beta = 3.0
    got = []
    for H in range(1, 5):
        t = cv.teacher((3,) + (3,) * H + (1,), 1, beta, seed=int(rng.integers(1000)))
        net = MLP(list(t.dims), activation="relu", bias=False, output_activation="relu")
        y = float(net(net.flatten([(W.T, None) for W in t.weights]), t.X)[0, 0])
        got.append(float(np.linalg.det(cv.c_matrix(t.X[0], t.weights, beta, 2))) - y)
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
    return Result(f"{ok}/30 points of U_1 (singular values by LAPACK)", "all", ok == 30)


@claim("convexity", "Lemma 8: sigma_min of the widened C equals beta^((1 - n_max)/d)",
       statements=("convexity-err-e5-and-e7-e8-the-signs",))
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


@claim("convexity", "Lemmas 7 and 9: d2/dt2 l(W + tX) (finite differences) >= each bound of the chain",
       statements=("cvx-lem-7", "cvx-lem-9"))
def lemma_chain() -> Result:
    rng = np.random.default_rng(10)
    t = cv.teacher((2, 3, 1), 8, 3.0, seed=1)
    ok = 0
    worst = 0.0
    pts = _points_U12(t, 60, rng)
    for k, w in enumerate(pts):
        v = rng.standard_normal(t.w.size)
        c = cv.bound_chain(w, t.X, t.F, t.dims, t.beta, v)
        h = 1e-4
        while not (cv.same_region(w + h * v, w, t.X, t.dims) and cv.same_region(w - h * v, w, t.X, t.dims)):
            h /= 4
        fd = (_own_loss(w + h * v, t.X, t.F, t.dims) - 2 * _own_loss(w, t.X, t.F, t.dims)
              + _own_loss(w - h * v, t.X, t.F, t.dims)) / h ** 2
        values = c.as_list()
        ok += (abs(fd - c.exact) <= 1e-5 * max(1.0, abs(c.exact)) and fd >= c.lemma7_A
               and all(x >= y - 1e-12 * abs(y) for x, y in zip(values, values[1:])))
        hess = cv.loss_derivatives(w, t.X, t.F, t.dims)[2]
        if k < 5:                                                    # the exact Hessian against autograd
            ok += np.abs(hess - autograd.hessian(_own_loss)(w, t.X, t.F, t.dims)).max() <= 1e-12
        lam_min = np.linalg.eigvalsh(hess)[0]
        bound = -2 * cv.M_constant(t.F, t.beta, t.H) * cv.rho_max(w, t.X, t.dims) * \
            np.sqrt(float(cv.loss(w, t.X, t.F, t.dims)))
        ok += lam_min >= bound
        if lam_min < 0:
            worst = max(worst, lam_min / bound)
    n_checks = 2 * len(pts) + 5
    return Result(f"{ok}/{n_checks} checks hold; bound loose by > {int(1 / worst)}x" if worst else
                  f"{ok}/{n_checks} checks hold", f"all {n_checks}", ok == n_checks)


@claim("convexity", "Theorem 4: lambda_min Hess l_lambda >= lambda + theta (> theta) on U",
       statements=("cvx-thm-4", "cvx-thm-1", "convexity-err-e6-the-weight-decay-contributes-2"))
def theorem4() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, _ = cv.sample_U(t, LAM, THETA, n=100, seed=11)
    lam_min = min(np.linalg.eigvalsh(cv.loss_derivatives(w, t.X, t.F, t.dims, LAM)[2])[0] for w in pts)
    auto = min(np.linalg.eigvalsh(autograd.hessian(_own_loss)(w, t.X, t.F, t.dims, LAM))[0] for w in pts[:4])
    return Result(f"min over {len(pts)} points of U: {lam_min:.4f} (autograd at 4 of them: {auto:.4f})",
                  f">= lambda + theta = {LAM + THETA:g}", len(pts) >= 30 and min(lam_min, auto) >= LAM + THETA)


@claim("convexity", "Erratum E12: <grad l_lambda, W> > 0 on U (autograd), so U holds no critical point",
       statements=("cvx-prop-e12",))
def e12_radial() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, _ = cv.sample_U(t, LAM, THETA, n=100, seed=12)
    grad = autograd.grad(_own_loss)
    radial = [float(grad(w, t.X, t.F, t.dims, LAM) @ w) for w in pts]
    ratios = [r / (2 * LAM * w @ w) for r, w in zip(radial, pts)]
    bound_ok = all(r >= cv.e12_lower_bound(w, t.F, t.dims, t.beta, LAM) > 0 for r, w in zip(radial, pts))
    return Result(f"min <grad, W>/(2 lambda ||W||^2) = {min(ratios):.3f} over {len(pts)} points",
                  "> 1 - (H+1)(beta-1)^H/(4M) > 0", bound_ok and min(ratios) > 0)


@claim("convexity", "Theorem 2 is vacuous: Hess l_lambda > 0 on U, and the critical points Newton reaches "
                    "from U lie outside U (autograd)",
       statements=("cvx-thm-2",))
def theorem2() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    pts, _ = cv.sample_U(t, LAM, THETA, n=60, seed=14)
    grad, hess = autograd.grad(_own_loss), autograd.hessian(_own_loss)
    thr = cv.threshold(t.F, t.beta, t.H, LAM, THETA)
    on_U, gmax, ratio, zeros = np.inf, 0.0, np.inf, []
    for w0 in pts[:3]:
        on_U = min(on_U, float(np.linalg.eigvalsh(np.asarray(hess(w0, t.X, t.F, t.dims, LAM)))[0]))
        w, _, _ = cv.minimize(w0, t.X, t.F, t.dims, LAM)
        gmax = max(gmax, float(np.linalg.norm(grad(w, t.X, t.F, t.dims, LAM))))
        evals = np.linalg.eigvalsh(np.asarray(hess(w, t.X, t.F, t.dims, LAM)))
        zeros.append(int(np.sum(np.abs(evals) <= 1e-9)))
        sqrt_loss = float(np.sqrt(np.mean((_own_outputs(w, t.X, t.dims) - t.F) ** 2)))
        ratio = min(ratio, sqrt_loss / thr)
    ok = len(pts) >= 3 and on_U >= LAM + THETA and gmax <= 1e-10 and ratio > 1
    return Result(f"on U: lambda_min >= {on_U:.3f}; 3 critical points: sqrt(l)/threshold >= {ratio:.0f}, "
                  f"zero eigenvalues {', '.join(map(str, zeros))}",
                  f">= lambda + theta = {LAM + THETA:g}; > 1 (outside U)", bool(ok))


@claim("convexity", "Minimisers of l_lambda satisfy Euler's identity and lie far outside U")
def minimisers_outside_U() -> Result:
    t = cv.teacher((2, 4, 1), 12, 3.0, seed=0)
    ratios, euler = [], True
    grad = autograd.grad(_own_loss)
    for lam in (0.02, 0.005, 0.0005):
        w, _, _ = cv.minimize(t.w, t.X, t.F, t.dims, lam)
        gnorm = float(np.linalg.norm(grad(w, t.X, t.F, t.dims, lam)))           # stationarity, by autograd
        y = cv.outputs(t.X, cv.unflatten(w, t.dims))
        euler &= gnorm <= 1e-10 and abs(2 * np.mean((y - t.F) * y) + lam * w @ w) <= 1e-7 * lam * (w @ w)
        ratios.append(np.sqrt(np.mean((y - t.F) ** 2)) / cv.threshold(t.F, t.beta, t.H, lam, lam / 2))
    return Result("sqrt(l)/threshold = " + ", ".join(f"{r:.0f}" for r in ratios), "> 1",
                  bool(euler and min(ratios) > 1))


def _own_rho(w, X, dims, keeps, V):
    """rho of Lemma 9 from a forward pass written here (masks applied, dropped neurons output 0): returns the rho
    of the directions V (rows) and rho_max."""
    h, on_all, start = X, [np.ones_like(X)], 0
    for k, (p, q) in enumerate(zip(dims[:-1], dims[1:])):
        z = h @ w[start:start + p * q].reshape(p, q)
        start += p * q
        on = (z > 0) * (keeps[k] if k < len(keeps) else 1.0)
        on_all.append(on)
        h = np.where(on > 0, z, 0.0)
    P = np.concatenate([(a[:, :, None] * b[:, None, :]).reshape(X.shape[0], -1)
                        for a, b in zip(on_all[:-1], on_all[1:])], axis=1)      # edge active: both ends on
    ratios = P @ (V ** 2).T / np.sum(V ** 2, axis=1)
    return np.sqrt(np.mean(ratios ** 2, axis=0)), float(np.sqrt(P.mean(axis=0).max()))


@claim("convexity", "Consequence 1: per-example dropout lowers rho and rho_max; one mask per batch need not")
def dropout() -> Result:
    t = cv.teacher((5, 20, 20, 1), 64, 3.0, seed=18)
    V = np.random.default_rng(1).standard_normal((200, t.w.size))
    means, sups, agree = [], [], True
    for eta in (0.0, 0.2, 0.5, 0.8):
        keeps = cv.dropout_masks(t.dims, 64, eta, "example", seed=1)
        rhos, rmax = _own_rho(t.w, t.X, t.dims, keeps, V)
        agree &= rmax == cv.dropout_rho(t.w, t.X, t.dims, eta, "example", directions=1, seed=1)[1]
        means.append(rhos.mean())
        sups.append(rmax)
    above = sum(_own_rho(t.w, t.X, t.dims, cv.dropout_masks(t.dims, 64, 0.2, "batch", seed=s), V[:1])[1] > sups[0]
                for s in range(20))
    ok = agree and all(a > b for a, b in zip(means, means[1:])) and all(a > b for a, b in zip(sups, sups[1:]))
    return Result("per example: mean rho " + ", ".join(f"{m:.2f}" for m in means) + ", rho_max "
                  + ", ".join(f"{m:.2f}" for m in sups) + f"; per batch (eta 0.2): rho_max up in {above}/20 draws",
                  "decreasing; batch: not always", ok and above > 0)


@claim("convexity", "Piecewise strong convexity is not convexity: a segment of U with a concave kink")
def concave_kink() -> Result:
    seg = cv.kink_segment()
    f = float(seg.F[0])

    def own(t):
        """l_lambda and the error of the 1-2-1 toy on the input a = 1, written out: y = relu(v . relu(u))."""
        u1, u2, v1, v2 = seg.w0 + t * seg.direction
        e = max(v1 * max(u1, 0.0) + v2 * max(u2, 0.0), 0.0) - f
        return e * e + seg.lam * (u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2), e, (u1, u2, v1, v2)

    M = 1.5 * f + seg.beta ** 3                                  # Lemma 9 with H = 1
    thr = (seg.lam - seg.theta) / (2 * M)
    inside = 0
    ts = np.linspace(-seg.t_max, seg.t_max, 201)
    for t in ts:
        _, e, (u1, u2, v1, v2) = own(t)
        norms = (abs(u1) + abs(u2), abs(u1), abs(u2), abs(v1) + abs(v2), abs(v1), abs(v2))
        inside += max(norms) < seg.beta - 1 and abs(e) < f / 2 and abs(e) < thr
    h = 1e-7
    left = (own(0.0)[0] - own(-h)[0]) / h
    right = (own(h)[0] - own(0.0)[0]) / h
    values = np.array([own(t)[0] for t in ts])
    minima = int(np.sum((values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])))
    return Result(f"{inside}/201 points in U; slopes {left:+.1e} | {right:+.1e} at the kink; {minima} local minima",
                  "all in U; + | -; 2", inside == 201 and left > 0 > right and minima == 2)


@claim("convexity", "Accuracy near y = 0: y A^{-1} loses digits like 1e-16 sum|paths| / y; backprop does not")
def accuracy_near_zero() -> Result:
    table = cv.accuracy_table(np.full(8, 1e-12), seed=100)             # exact rational references
    inv = float(np.median(table["grad_inverse"]))
    back = float(np.max(table["grad_backprop"]))
    det = float(np.median(table["det_lu"]))
    scale = float(np.median(np.finfo(float).eps * table["paths"] / table["y"]))
    ok = 1e-8 < inv <= 10 * scale and 1e-8 < det <= 10 * scale and back <= 1e-14
    def order(x):
        return f"1e{int(np.floor(np.log10(x) + 0.5)):+d}"       # the order of magnitude, stable across machines

    return Result(f"y ~ 1e-12: rel. error of det {order(det)}, y A^-1 {order(inv)}, backprop < 1e-14",
                  f"det, y A^-1 ~ eps sum|paths|/y = {order(scale)}; backprop ~ eps", ok)
