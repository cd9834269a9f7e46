"""Cost of one Hessian-vector product relative to one gradient, on the same net (issue: at most 3 gradients).

Two-hidden-layer tanh MLP [d_in=32, m, m, 1], square loss on 32 samples, widths m = 64 ... 1024. Every timing is the
median of repeated calls in this run. "cold" products get a fresh parameter vector each call, so the forward and
backward pass are redone (the fair comparison with a gradient); "warm" products reuse them, as Lanczos does at one
point. References measured in the same run: autograd's gradient and reverse-over-reverse HVP, and JAX (jit) when
it is installed (`pip install -e ".[bench]"`).

    python benchmarks/bench_hvp.py
"""

from __future__ import annotations

import time

import autograd
import numpy as np

import landscapelab as ll


def median_time(fn, repeat=15):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def jax_timings(widths, X, Y, w0):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    net = ll.MLP(widths)

    def loss(w):
        h = jnp.asarray(X)
        for i, (M, b) in enumerate(net._unflatten(w)):
            h = h @ M.T + b
            if i < net.depth:
                h = jnp.tanh(h)
        return jnp.sum((h - Y) ** 2)

    grad = jax.jit(jax.grad(loss))
    hvp = jax.jit(lambda w, v: jax.jvp(jax.grad(loss), (w,), (v,))[1])
    w = jnp.asarray(w0)
    v = jnp.ones_like(w)
    return (median_time(lambda: grad(w).block_until_ready()),
            median_time(lambda: hvp(w, v).block_until_ready()))


def main():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 32))
    Y = rng.standard_normal((32, 1))
    print(f"{'width':>6} {'P':>9} {'grad ms':>8} {'hvp cold':>9} {'ratio':>6} {'hvp warm':>9} {'ratio':>6} "
          f"{'autograd g':>10} {'autograd hvp':>12} {'jax g':>7} {'jax hvp':>8}")
    for m in (64, 128, 256, 512, 1024):
        widths = [32, m, m, 1]
        net = ll.MLP(widths)
        f = ll.loss_function(net, X, Y)
        points = [net.init(seed=s) for s in range(4)]
        v = rng.standard_normal(net.n_params)
        state = {"i": 0}

        def fresh():
            state["i"] += 1
            return points[state["i"] % len(points)]

        t_grad = median_time(lambda: f.gradient(fresh()))
        t_cold = median_time(lambda: f.hvp(fresh(), v))
        w = points[0]
        t_warm = median_time(lambda: f.hvp(w, v))
        ag_grad = autograd.grad(f)
        ag_hvp = autograd.grad(lambda w, v: autograd.numpy.dot(autograd.grad(f)(w), v))
        t_ag = median_time(lambda: ag_grad(w), repeat=5)
        t_ag_hvp = median_time(lambda: ag_hvp(w, v), repeat=5)
        jax_t = jax_timings(widths, X, Y, w)
        jax_cols = f"{1e3 * jax_t[0]:7.2f} {1e3 * jax_t[1]:8.2f}" if jax_t else f"{'-':>7} {'-':>8}"
        print(f"{m:6d} {net.n_params:9d} {1e3 * t_grad:8.2f} {1e3 * t_cold:9.2f} {t_cold / t_grad:6.2f} "
              f"{1e3 * t_warm:9.2f} {t_warm / t_grad:6.2f} {1e3 * t_ag:10.2f} {1e3 * t_ag_hvp:12.2f} {jax_cols}")
    print("\nratio = HVP time / gradient time on the same net (goal: <= 3 for the cold HVP)")


if __name__ == "__main__":
    main()
