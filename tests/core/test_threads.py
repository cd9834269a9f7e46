"""One loss function asked for gradients and Hessian products from several threads at different points (a thread
pool sweeping seeds, a widget callback beside a running cell) returns the serial answers."""

from concurrent.futures import ThreadPoolExecutor

import autograd.numpy as anp
import numpy as np

import landscapelab as ll
from landscapelab.adapters import autograd_function
from landscapelab.testing import random_problem


def serial_and_threaded(f, points, V):
    serial = [(f.gradient(w), f.hvp(w, V)) for w in points]
    tasks = [points[i % len(points)] for i in range(64)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda w: (f.gradient(w), f.hvp(w, V)), tasks))
    return serial, tasks, threaded


def test_loss_function_under_threads():
    p = random_problem((6, 64, 64, 3), n=40, seed=1)
    rng = np.random.default_rng(0)
    points = [p.w + 0.3 * rng.standard_normal(p.w.size) for _ in range(4)]
    V = rng.standard_normal((2, p.w.size))
    serial, tasks, threaded = serial_and_threaded(p.f, points, V)
    for i, (g, hv) in enumerate(threaded):
        g0, hv0 = serial[i % len(points)]
        assert np.array_equal(g, g0) and np.array_equal(hv, hv0)
    ops = [ll.hessian_operator(p.f, w) for w in points]
    with ThreadPoolExecutor(4) as pool:
        rows = list(pool.map(lambda op: op.rows(V), ops * 8))
    for i, r in enumerate(rows):
        assert np.array_equal(r, serial[i % len(points)][1])


def test_autograd_adapter_under_threads():
    f = autograd_function(lambda w: anp.sum(anp.tanh(w) ** 3) + anp.sum(w[:-1] * w[1:]))
    rng = np.random.default_rng(1)
    points = [rng.standard_normal(30) for _ in range(4)]
    V = rng.standard_normal((2, 30))
    serial, tasks, threaded = serial_and_threaded(f, points, V)
    for i, (g, hv) in enumerate(threaded):
        assert np.array_equal(g, serial[i % len(points)][0]) and np.array_equal(hv, serial[i % len(points)][1])
