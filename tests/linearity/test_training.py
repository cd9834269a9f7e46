"""Gradient descent with kernel records, and the Figure 1, Figure 2 and Theorem 5.1 protocols against
independent NumPy implementations (closed-form gradients and kernels written here, not the library's passes).
Slow: the width laws of the trained kernel (P12, P13), Theorem 5.1 (P14) and the distance travelled (P15)."""

import autograd
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.linearity import experiments, training


# ------------------------------------------------------------------ independent implementations
def softmax(F):
    E = np.exp(F - F.max(1, keepdims=True))
    return E / E.sum(1, keepdims=True)


def eq43_kernel(w, b, V, x):
    m = w.size
    z = np.outer(x, w) + b
    A, D = np.maximum(z, 0), (z > 0).astype(float)
    n, C = x.size, V.shape[0]
    K = np.zeros((n, C, n, C))
    for c in range(C):
        K[:, c, :, c] += A @ A.T / m
        for c2 in range(C):
            K[:, c, :, c2] += (np.outer(x, x) + 1) * ((D * V[c]) @ (D * V[c2]).T) / m
    return K.reshape(n * C, n * C)


def figure1_reference(m, seed, target, every=25):
    X, Y = experiments.figure1_data(0)
    x, N = X[:, 0], X.shape[0]
    rng = np.random.default_rng(seed)
    w, b, V = rng.standard_normal(m), rng.standard_normal(m), rng.standard_normal((3, m))
    start = np.concatenate([w, b, V.ravel()])
    K0 = eq43_kernel(w, b, V, x)
    eta = 4 * N / np.linalg.eigvalsh(K0)[-1]

    def S_of(p):
        S = np.zeros((3 * N, 3 * N))
        for n in range(N):
            S[3 * n:3 * n + 3, 3 * n:3 * n + 3] = np.diag(p[n]) - np.outer(p[n], p[n])
        return S

    z = np.outer(x, w) + b
    p = softmax(np.maximum(z, 0) @ V.T / np.sqrt(m))
    Kt0 = S_of(p) @ K0 @ S_of(p)
    dK = dKt = 0.0
    t = 0
    while True:
        z = np.outer(x, w) + b
        A = np.maximum(z, 0)
        p = softmax(A @ V.T / np.sqrt(m))
        loss = -np.mean(np.log(p[Y > 0]))
        if t % every == 0 or loss < target:
            K = eq43_kernel(w, b, V, x)
            dK = max(dK, np.linalg.norm(K - K0) / np.linalg.norm(K0))
            dKt = max(dKt, np.linalg.norm(S_of(p) @ K @ S_of(p) - Kt0) / np.linalg.norm(Kt0))
        if loss < target:
            delta = np.concatenate([w, b, V.ravel()]) - start
            return dict(steps=t, dK_f=dK, dK_softmax=dKt, distance=np.linalg.norm(delta),
                        distance_inf=np.abs(delta).max(), eta=eta)
        G = (p - Y) / N
        gV = G.T @ A / np.sqrt(m)
        gA = G @ V / np.sqrt(m) * (z > 0)
        w, b, V = w - eta * (gA.T @ x), b - eta * gA.sum(0), V - eta * gV
        t += 1


def theorem51_reference(m, seed, steps, every):
    X, y = experiments.theorem51_data(0)
    y = y[:, 0]
    N, d = X.shape
    rng = np.random.default_rng(seed)
    W, v = rng.standard_normal((m, d)), rng.standard_normal(m)

    def parts(W, v):
        Z = X @ W.T / np.sqrt(d)
        A = np.tanh(Z)
        f = A @ v / np.sqrt(m)
        JW = ((1 - A ** 2) * v / np.sqrt(m))[:, :, None] * X[:, None, :] / np.sqrt(d)
        return np.concatenate([JW.reshape(N, -1), A / np.sqrt(m)], 1), f

    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    J, f = parts(W, v)
    K0 = J @ J.T
    D0 = 1 + sig(f)
    Kt0 = D0[:, None] * K0 * D0[None]
    eta = 1 / np.linalg.eigvalsh(Kt0)[-1]
    dK = dKt = 0.0
    losses = []
    for t in range(steps + 1):
        J, f = parts(W, v)
        r = f + np.logaddexp(0, f) - np.log(2) - y
        losses.append(0.5 * r @ r)
        if t % every == 0 or t == steps:
            D = 1 + sig(f)
            K = J @ J.T
            dK = max(dK, np.linalg.norm(K - K0) / np.linalg.norm(K0))
            dKt = max(dKt, np.linalg.norm(D[:, None] * K * D[None] - Kt0) / np.linalg.norm(Kt0))
        if t == steps:
            break
        g = J.T @ (r * (1 + sig(f)))
        W, v = W - eta * g[:m * d].reshape(m, d), v - eta * g[m * d:]
    return dict(dK_f=dK, dK_out=dKt, loss=losses[-1], eta=eta)


def test_figure1_protocol_matches_an_independent_implementation():
    for m, seed in ((20, 0), (40, 1)):
        lib = experiments.figure1_run(m, seed, target=0.3)
        ref = figure1_reference(m, seed, 0.3)
        assert lib["steps"] == ref["steps"]
        for key in ("dK_f", "dK_softmax", "distance", "distance_inf", "eta"):
            assert lib[key] == pytest.approx(ref[key], rel=1e-9), key


def test_theorem51_protocol_matches_an_independent_implementation():
    lib = experiments.theorem51_run(25, 0, steps=120, every=30)
    ref = theorem51_reference(25, 0, 120, 30)
    for key in ("dK_f", "dK_out", "loss", "eta"):
        assert lib[key] == pytest.approx(ref[key], rel=1e-9), key


def test_figure2_net_is_eq48_with_the_e6_corrections():
    net = experiments.figure2_net(6, 2)
    w = net.init(seed=0)
    (W1, b1), (W2, b2), (W3, b3), (W4, b4) = net.unflatten(w)
    assert b2 is None and b3 is None and b4 is None and b1.shape == (6,)
    x = np.array([[0.7], [-2.0]])
    h1 = np.maximum(x @ W1.T + b1, 0)
    h2 = h1 @ W2.T / np.sqrt(6)                                   # linear bottleneck
    h3 = np.maximum(h2 @ W3.T / np.sqrt(2), 0)                    # 1/sqrt(m_b) before W3 (E6)
    assert np.allclose(net(w, x), h3 @ W4.T / np.sqrt(6), rtol=1e-14)
    assert experiments.eq48_homogeneity(seed=4, x=0.37) == pytest.approx(2.0, rel=1e-13)


def test_figure2_kernel_is_the_autograd_kernel():
    X, _ = experiments.figure1_data(0, n=8)
    net = experiments.figure2_net(7, 3)
    w = net.init(seed=2)
    J = np.asarray(autograd.jacobian(lambda v: net(v, X).ravel())(w))
    assert np.abs(ll.tangent_kernel(net, w, X) - J @ J.T).max() <= 1e-12 * np.abs(J @ J.T).max()


def test_train_records_the_kernel_at_the_points_it_visits():
    p = ll.testing.random_problem((3, 6, 1), n=5, seed=1, parametrization="ntk")
    seen = {}
    kernels = {"f": lambda w: ll.tangent_kernel(p.net, w, p.X)}
    run = training.train(p.f, p.w, 0.05, kernels=kernels, max_steps=40, every=10,
                         callback=lambda t, w: seen.__setitem__(t, w.copy()))
    assert list(run.steps) == [0, 10, 20, 30, 40] and sorted(seen) == [0, 10, 20, 30, 40]
    K0 = (lambda J: J @ J.T)(np.asarray(autograd.jacobian(lambda v: p.net(v, p.X).ravel())(p.w)))
    for t, change in zip(run.steps, run.kernel_change["f"]):
        J = np.asarray(autograd.jacobian(lambda v: p.net(v, p.X).ravel())(seen[t]))
        assert change == pytest.approx(np.linalg.norm(J @ J.T - K0) / np.linalg.norm(K0), rel=1e-10, abs=1e-15)
        assert run.distance[list(run.steps).index(t)] == pytest.approx(np.linalg.norm(seen[t] - p.w), rel=1e-12)
    assert np.all(np.diff(run.loss) < 0) and run.loss.size == 41
    assert run.loss[0] == pytest.approx(float(p.f(p.w)), rel=1e-13)


def test_trajectory_summary_and_errors():
    p = ll.testing.random_problem((2, 8, 1), n=4, seed=2, parametrization="ntk")
    run = training.train(p.f, p.w, 0.1, kernels={}, targets=(0.5 * p.f.value(p.w),), every=7, max_steps=500)
    target = 0.5 * p.f.value(p.w)
    assert run.reached(target) and run.summary(target)["steps"] == run.crossings[target]
    assert run.loss[run.crossings[target]] < target <= run.loss[run.crossings[target] - 1]
    with pytest.raises(ValueError, match="target: the loss never went below"):
        run.summary(1e-30)
    with pytest.raises(ValueError, match="eta: expected a finite number > 0"):
        training.train(p.f, p.w, -1.0)
    with pytest.raises(TypeError, match="loss: expected a loss function with .gradient"):
        training.train(lambda w: 0.0, p.w, 0.1)
    with pytest.raises(FloatingPointError, match="too large"):
        training.train(p.f, p.w, 1e6, max_steps=200)
    with pytest.raises(ValueError, match="K0: the initial kernel is zero"):
        training.relative_change(np.ones((2, 2)), np.zeros((2, 2)))


# ------------------------------------------------------------------ slow: the laws
@pytest.mark.slow
def test_p12_p15_trained_kernel_and_distance_against_width():
    widths = [30, 100, 300, 1000]
    runs = {m: [experiments.figure1_run(m, s, target=1e-2) for s in range(3)] for m in widths}
    dk = np.array([np.mean([r["dK_f"] for r in runs[m]]) for m in widths])
    assert np.all(np.diff(dk) < 0)
    slope = ll.fits.loglog_slope(widths, dk)[0]
    assert -0.95 < slope < -0.45                                  # faster than the Hessian bound's -1/2
    assert min(r["dK_softmax"] for rs in runs.values() for r in rs) > 0.9
    two = [np.mean([r["distance"] for r in runs[m]]) for m in widths]
    inf = [np.mean([r["distance_inf"] for r in runs[m]]) for m in widths]
    assert max(two) / min(two) < 1.5
    assert -0.6 < ll.fits.loglog_slope(widths, inf)[0] < -0.2


@pytest.mark.slow
def test_p14_theorem51_rate_without_linearity():
    out = {}
    for m in (100, 1000):
        out[m] = {name: experiments.theorem51_run(m, 0, output=name, steps=1500) for name in (None, "shifted_softplus")}
    for pair in out.values():
        assert 1 / 1.5 < pair["shifted_softplus"]["rate"] / pair[None]["rate"] < 1.5
        assert pair["shifted_softplus"]["loss"] <= pair["shifted_softplus"]["bound"]
    assert out[1000]["shifted_softplus"]["dK_out"] > 0.08
    assert out[1000]["shifted_softplus"]["dK_f"] < out[100]["shifted_softplus"]["dK_f"] / 3
