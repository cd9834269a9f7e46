"""The measurements behind ``benchmarks/run.py``; run in a child process started by it (see its docstring)."""

from __future__ import annotations

import json
import math
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np

import landscapelab as ll

MODE = "1"          # "1" (one thread, CPU seconds) or "default" (library defaults, wall seconds)
QUICK = False
BOOK = False        # the book's subset (benchmarks/run.py --book): fewer sizes and repeats, fits a page build
BASIS = 1           # index into a (wall, cpu) sample: 1 for CPU seconds, 0 for wall seconds
ROWS: list[dict] = []
T0 = time.perf_counter()


def progress(message: str) -> None:
    label = "1 thread" if MODE == "1" else "default threads"
    print(f"[{label} {time.perf_counter() - T0:6.1f} s] {message}", file=sys.stderr, flush=True)


# ==================================================================================================== timing
def sample(fn, inner: int = 1):
    """(wall, cpu) seconds per call over ``inner`` consecutive calls."""
    w = time.perf_counter()
    c = time.process_time()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - w) / inner, (time.process_time() - c) / inner


def calibrate(fn, target: float, timed: bool = False):
    """Calls per sample so that one sample lasts about ``target`` seconds (a fifth of it in the book's subset);
    with ``timed=True`` also the (wall, cpu) sample of the calibrating call."""
    if BOOK:
        target = target / 5
    first = sample(fn)
    inner = max(1, min(2000, int(target / max(first[BASIS], 1e-7))))
    return (inner, first) if timed else inner


def paired(ours, ref, repeats: int, target: float = 0.05, budget: float | None = None, warm: bool = True):
    """Interleaved samples of two functions (after one warm-up call of each, unless ``warm=False``: both were
    called just before, e.g. to compare their results); returns both sample lists.

    At most ``repeats`` pairs, fewer (but at least 3) when a pair takes longer than ``budget / repeats``. When both
    calls last longer than ``target`` (one call per sample), the calibrating calls (made after the warm-up) are the
    first pair.
    """
    if budget is None:
        budget = 4.0 if QUICK else 20.0
    elif QUICK:
        budget = min(budget, 10.0)
    if BOOK:
        budget, repeats = min(budget, 1.0), min(repeats, 7)      # cheap pairs: 7 repeats; costly: the budget
    if warm:
        ours()
        ref()
    (inner_o, first_o), (inner_r, first_r) = calibrate(ours, target, timed=True), calibrate(ref, target, timed=True)
    so, sr = ([first_o], [first_r]) if inner_o == inner_r == 1 else ([], [])
    spent = time.perf_counter()
    for r in range(len(so), repeats):
        if r % 2:
            b = sample(ref, inner_r)
            a = sample(ours, inner_o)
        else:
            a = sample(ours, inner_o)
            b = sample(ref, inner_r)
        so.append(a)
        sr.append(b)
        if r >= 2 and time.perf_counter() - spent > budget:
            break
    return so, sr


def add_row(task, size, ours_samples, reference, ref_samples, goal=None, goal_text=None, agree=None, note=None,
            section="", reason=None):
    """Append a row to the table; ``reason`` (a callable taking the row, or a string) says what bounds the ratio
    and is printed when the goal is missed."""
    a = np.array([s[BASIS] for s in ours_samples])
    row = {"section": section, "task": task, "size": size, "mode": MODE, "basis": "cpu" if BASIS else "wall",
           "ours": float(np.median(a)), "reference": reference, "repeats": int(a.size),
           "ours_wall": float(np.median([s[0] for s in ours_samples])),
           "ours_cpu": float(np.median([s[1] for s in ours_samples]))}
    if ref_samples is not None:
        b = np.array([s[BASIS] for s in ref_samples])
        ratios = a / b
        row.update(ref=float(np.median(b)), ratio=float(np.median(ratios)), lo=float(ratios.min()),
                   hi=float(ratios.max()), ref_wall=float(np.median([s[0] for s in ref_samples])),
                   ref_cpu=float(np.median([s[1] for s in ref_samples])))
    row["goal"] = goal
    row["goal_text"] = goal_text or ("-" if goal is None else f"<= {goal:g}")
    row["met"] = None if goal is None or ref_samples is None else bool(row["ratio"] <= goal)
    row["agree"] = None if agree is None else float(agree)
    if note:
        row["note"] = note
    if row["met"] is False and reason is not None:
        row["reason"] = reason(row) if callable(reason) else reason
    ROWS.append(row)
    progress(f"{task} {size}: ours {row['ours']:.3g} s, {reference} {row.get('ref', float('nan')):.3g} s, ratio "
             f"{row.get('ratio', float('nan')):.3g}")
    return row


class Cycle:
    """Hands out the items in turn: a different parameter vector on every call (cold points)."""

    def __init__(self, items):
        self.items = list(items)
        self.i = 0

    def __call__(self):
        self.i = (self.i + 1) % len(self.items)
        return self.items[self.i]


def rel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def thread_cpu_ticks() -> dict:
    """CPU ticks (user + system) of every thread of this process (Linux)."""
    ticks = {}
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ticks[tid] = int(fields[11]) + int(fields[12])
    except OSError:
        pass
    return ticks


# ==================================================================================================== problems
def mlp_problem(m: int, n: int = 32, d_in: int = 10, points: int = 3):
    """Two-hidden-layer tanh MLP [d_in, m, m, 1], square loss on n samples, and parameter vectors to cycle."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d_in))
    Y = rng.standard_normal((n, 1))
    net = ll.MLP([d_in, m, m, 1], activation="tanh")
    return net, X, Y, ll.loss_function(net, X, Y), [net.init(seed=s) for s in range(1, points + 1)]


def jax_or_none():
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def jax_loss(jax, net, X, Y):
    jnp = jax.numpy
    Xj, Yj = jnp.asarray(X), jnp.asarray(Y)

    def loss(w):
        h = Xj
        for i, (M, b) in enumerate(net._unflatten(w)):
            h = h @ M.T + b
            if i < net.depth:
                h = jnp.tanh(h)
        return jnp.sum((h - Yj) ** 2)

    return loss


def jax_threads_used(jax_fn, calls: int = 20) -> int:
    """How many threads of this process received CPU time while ``jax_fn`` ran ``calls`` times."""
    before = thread_cpu_ticks()
    for _ in range(calls):
        jax_fn()
    after = thread_cpu_ticks()
    return sum(1 for tid, t in after.items() if t - before.get(tid, 0) > 0)


# ==================================================================================================== sections
def overhead_rows(jax):
    """Gradient and HVP of a [1, 2, 2, 1] network on one sample: the cost of the calls themselves (Python, NumPy
    and JAX dispatch), with next to no arithmetic."""
    net = ll.MLP([1, 2, 2, 1])
    X, Y = np.ones((1, 1)), np.ones((1, 1))
    f = ll.loss_function(net, X, Y)
    points = [net.init(seed=s) for s in (1, 2, 3)]
    cyc = Cycle(points)
    v = np.ones(net.n_params)
    loss = jax_loss(jax, net, X, Y)
    jgrad = jax.jit(jax.grad(loss))
    jhvp = jax.jit(lambda w, u: jax.jvp(jax.grad(loss), (w,), (u,))[1])
    jcyc = Cycle([jax.numpy.asarray(p) for p in points])
    jv = jax.numpy.asarray(v)
    jvmap = jax.jit(jax.vmap(lambda w, u: jax.jvp(jax.grad(loss), (w,), (u,))[1], in_axes=(None, 0)))
    V16 = np.ones((16, net.n_params))
    jV = jax.numpy.asarray(V16)
    size = f"P={net.n_params} (overhead)"
    so, sr = paired(lambda: f.gradient(cyc()), lambda: jgrad(jcyc()).block_until_ready(), 5 if QUICK else 15)
    row = add_row("gradient", size, so, "jax.jit(grad)", sr, section="mlp",
                  note="[1, 2, 2, 1] on one sample: the per-call cost of each side (Python, NumPy calls, JAX "
                       "dispatch)")
    OVERHEAD["gradient"] = (row["ours"], row["ref"])
    so, sr = paired(lambda: f.hvp(cyc(), v), lambda: jhvp(jcyc(), jv).block_until_ready(), 5 if QUICK else 15)
    row = add_row("HVP", size, so, "jax.jit(jvp of grad)", sr, section="mlp")
    OVERHEAD["HVP"] = (row["ours"], row["ref"])
    so, sr = paired(lambda: f.hvp(cyc(), V16), lambda: jvmap(jcyc(), jV).block_until_ready(), 5 if QUICK else 15)
    row = add_row("block of 16 HVPs", size, so, "jax.jit(vmap(HVP))", sr, section="mlp")
    OVERHEAD["block of 16 HVPs"] = (row["ours"], row["ref"])


#: Per-call cost (ours, JAX) of each task on the [1, 2, 2, 1] network, filled by :func:`overhead_rows`.
OVERHEAD: dict = {}

#: Cost (ours, XLA) of one of the small products of the m = 64 network, filled by :func:`product_row`.
PRODUCT: dict = {}


def product_row(jax, n: int = 32, m: int = 64, chain: int = 8):
    """One ``(n, m) @ (m, m)`` product, the shape of most products in a gradient or HVP of the m = 64 network, on
    each side's BLAS: OpenBLAS through the fused kernels' ``_matmul`` and XLA's dot, each timed as ``chain``
    products in one compiled call (so that neither side's call overhead counts) and divided by ``chain``."""
    from numba import njit

    from landscapelab._fused import _matmul

    @njit(cache=False)
    def ours_chain(a, b, k):
        x = a
        for _ in range(k):
            y = np.empty((x.shape[0], b.shape[1]))
            _matmul(x, b, y)
            x = y
        return x

    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((n, m)), rng.standard_normal((m, m)) / np.sqrt(m)

    def xla_chain(x, y):
        for _ in range(chain):
            x = x @ y
        return x

    jchain = jax.jit(xla_chain)
    ja, jb = jax.numpy.asarray(a), jax.numpy.asarray(b)
    agree = rel(ours_chain(a, b, chain), jchain(ja, jb))
    so, sr = paired(lambda: ours_chain(a, b, chain), lambda: jchain(ja, jb).block_until_ready(), 5 if QUICK else 15)
    so = [tuple(t / chain for t in x) for x in so]
    sr = [tuple(t / chain for t in x) for x in sr]
    row = add_row("matrix product", f"({n},{m}) @ ({m},{m})", so, "XLA dot in jax.jit", sr, agree=agree,
                  section="mlp", note=f"OpenBLAS through the fused kernels against XLA, per product of {chain} "
                                      "chained in one compiled call (no call overhead on either side)")
    PRODUCT["m=64"] = (row["ours"], row["ref"])


def jax_reason(task: str, hvp_in_gradients=None):
    """What bounds a missed ratio against JAX: the per-call overhead measured on the tiny network, and for the HVP
    how many gradients one HVP costs on each side (the same flops would give the same count)."""
    def reason(row):
        parts = []
        gap = row["ours"] - row["ref"]
        if gap <= 0:
            parts.append(f"the median times favour ours ({fmt(row['ours'])} against {fmt(row['ref'])}) while the "
                         f"median of the per-repeat ratios does not: the repeats straddle 1 "
                         f"[{row['lo']:.3g}, {row['hi']:.3g}], the load of the machine rather than either side")
        elif task in OVERHEAD:
            o, j = OVERHEAD[task]
            if o <= j:
                share = "so the gap is not call overhead"
            elif o - j >= gap:
                share = f"alone exceeds the gap {fmt(gap)} at this size"
            else:
                share = f"is {100 * (o - j) / gap:.0f}% of the gap {fmt(gap)} at this size"
            parts.append(f"per-call overhead (the [1, 2, 2, 1] row): ours {fmt(o)}, JAX {fmt(j)}; their difference "
                         f"{fmt(o - j)} {share}")
        if hvp_in_gradients is not None:
            ours, theirs = hvp_in_gradients()
            parts.append(f"one HVP costs {ours:.2f} gradients here (ours) against {theirs:.2f} (JAX): the "
                         f"R-operator's products against XLA's fused jvp-of-grad")
        if task in ("gradient", "HVP") and "m=64" in row["size"] and "m=64" in PRODUCT:
            o, j = PRODUCT["m=64"]
            parts.append(f"the BLAS: one (32 x 64) @ (64 x 64) product, of which a gradient makes 3 and an HVP 8 per "
                         f"hidden layer on both sides, costs {fmt(o)} in OpenBLAS against {fmt(j)} in XLA")
        if MODE != "1":
            parts.append("default threads: wall-clock, both sides share the 2 CPUs with the machine's load")
        return "; ".join(parts) or None

    return reason


def section_mlp(info):
    jax = jax_or_none()
    repeats = 5 if QUICK else 15
    if jax is not None:
        overhead_rows(jax)
        product_row(jax)
    for m in (64, 256, 1024):
        net, X, Y, f, points = mlp_problem(m)
        size = f"m={m}, P={net.n_params}"
        rng = np.random.default_rng(1)
        V16 = rng.standard_normal((16, net.n_params))
        v = V16[0]
        cyc = Cycle(points)
        if jax is None:
            for task, fn in (("gradient", lambda: f.gradient(cyc())), ("HVP", lambda: f.hvp(cyc(), v)),
                             ("block of 16 HVPs", lambda: f.hvp(cyc(), V16))):
                add_row(task, size, [sample(fn) for _ in range(3)], "jax (not installed)", None, section="mlp")
            continue
        jnp = jax.numpy
        loss = jax_loss(jax, net, X, Y)
        jgrad = jax.jit(jax.grad(loss))

        def hvp(w, u):
            return jax.jvp(jax.grad(loss), (w,), (u,))[1]

        jhvp = jax.jit(hvp)
        jvmap = jax.jit(jax.vmap(hvp, in_axes=(None, 0)))
        jpoints = [jnp.asarray(p) for p in points]
        jv, jV = jnp.asarray(v), jnp.asarray(V16)
        jcyc = Cycle(jpoints)
        if m == 64:
            info["jax_threads_with_cpu_time"] = jax_threads_used(lambda: jgrad(jcyc()).block_until_ready(), 200)
        agree = rel(f.gradient(points[0]), jgrad(jpoints[0]))
        so, sr = paired(lambda: f.gradient(cyc()), lambda: jgrad(jcyc()).block_until_ready(), repeats,
                        warm=False)
        grad_row = add_row("gradient", size, so, "jax.jit(grad)", sr, goal=1.0, agree=agree, section="mlp",
                           reason=jax_reason("gradient"))
        agree = rel(f.hvp(points[0], v), jhvp(jpoints[0], jv))
        so, sr = paired(lambda: f.hvp(cyc(), v), lambda: jhvp(jcyc(), jv).block_until_ready(), repeats, warm=False)

        def in_gradients(_so=so, _sr=sr, _g=grad_row):
            hvp_o = float(np.median([x[BASIS] for x in _so]))
            hvp_j = float(np.median([x[BASIS] for x in _sr]))
            return hvp_o / _g["ours"], hvp_j / _g["ref"]

        add_row("HVP", size, so, "jax.jit(jvp of grad)", sr, goal=1.0, agree=agree, section="mlp",
                reason=jax_reason("HVP", in_gradients))
        if BOOK and m > 256:            # about 10 s of the book's minute; the quick suite measures it
            continue
        agree = rel(f.hvp(points[0], V16), jvmap(jpoints[0], jV))
        so, sr = paired(lambda: f.hvp(cyc(), V16), lambda: jvmap(jcyc(), jV).block_until_ready(), repeats,
                        budget=30.0, warm=False)
        add_row("block of 16 HVPs", size, so, "jax.jit(vmap(HVP))", sr, goal=1.0, agree=agree, section="mlp",
                reason=jax_reason("block of 16 HVPs"))

        if MODE != "1" or BOOK:
            continue

        def singles():
            w = cyc()
            for row in V16:
                f.hvp(w, row)

        so2, sr2 = paired(lambda: f.hvp(cyc(), v), lambda: f.gradient(cyc()), repeats, warm=False)
        add_row("HVP", size, so2, "gradient (ours)", sr2, section="mlp",
                note="cost of one Hessian-vector product in gradients, both at cold points")
        so2, sr2 = paired(lambda: f.hvp(cyc(), V16), singles, max(3, repeats // 3), budget=15.0, warm=False)
        add_row("block of 16 HVPs", size, so2, "16 single calls (ours)", sr2, section="mlp",
                note="one call with a (16, P) block against 16 calls at one point (the first cold, then cached)")


def section_lanczos(info):
    from scipy.sparse.linalg import eigsh

    from landscapelab.curvature import lanczos

    jax = jax_or_none()
    repeats = 2 if QUICK else 5
    tol = 1e-10
    net, X, Y, _, points = mlp_problem(1024)
    w = points[0]
    P = net.n_params
    size = f"P={P}"

    def ours():
        return ll.eigenvalues(ll.hessian_operator(ll.loss_function(net, X, Y), w), k=1, tol=tol)

    def scipy_eigsh():
        op = ll.hessian_operator(ll.loss_function(net, X, Y), w)
        return eigsh(op, k=1, which="LA", tol=tol, return_eigenvectors=False)

    value = ours()
    counted = {"n": 0}
    op = ll.hessian_operator(ll.loss_function(net, X, Y), w)
    counting = ll.curvature.CurvatureOperator(op.shape, lambda V: (counted.__setitem__("n", counted["n"] + len(V)),
                                                                   op.rows(V))[1], symmetric=True)
    ref_value = eigsh(counting, k=1, which="LA", tol=tol, return_eigenvectors=False)
    so, sr = paired(ours, scipy_eigsh, repeats, budget=40.0, warm=False)
    per_product = {"ours": float(np.median([x[BASIS] for x in so])) / value.n_vectors,
                   "eigsh": float(np.median([x[BASIS] for x in sr])) / counted["n"]}
    add_row("top Hessian eigenvalue", size, so, "scipy eigsh (our op)", sr, goal=1.0,
            agree=abs(value[0] - ref_value[0]) / abs(ref_value[0]), section="lanczos",
            reason=f"products: {value.n_vectors} (ours, in blocks) against {counted['n']} (eigsh, one at a time); "
                   f"time per product {fmt(per_product['ours'])} against {fmt(per_product['eigsh'])}",
            note=f"lambda_max = {value[0]:.10g}; {value.n_vectors} products (ours, operator built inside the timing), "
                 f"{counted['n']} products (eigsh); tol {tol:g}")
    if jax is None:
        return
    jnp = jax.numpy
    loss = jax_loss(jax, net, X, Y)
    jw = jnp.asarray(w)
    linear = jax.jit(jax.linearize(jax.grad(loss), jw)[1])

    def jax_rows(V):
        return np.stack([np.asarray(linear(jnp.asarray(row))) for row in V])

    jax_rows(np.ones((1, P)))      # compile

    def driven_by_jax():
        return lanczos(jax_rows, P, k=1, tol=tol)

    jax_value = driven_by_jax()
    so, sr = paired(ours, driven_by_jax, repeats, budget=40.0, warm=False)
    add_row("top Hessian eigenvalue", size, so, "our Lanczos, JAX products", sr, goal=1.0,
            agree=abs(value[0] - jax_value[0]) / abs(jax_value[0]), section="lanczos",
            reason=lambda row: (f"the same Lanczos: {value.n_vectors} products (ours) against "
                                f"{jax_value.n_vectors} (JAX); per product "
                                f"{fmt(row['ours'] / value.n_vectors)} against {fmt(row['ref'] / jax_value.n_vectors)}"
                                ", i.e. the HVP rows of the table at m = 1024"),
            note=f"JAX products: jit of jax.linearize(grad) at the point, linearised and compiled before timing; "
                 f"{jax_value.n_vectors} products")


def section_hessian(info):
    import autograd

    jax = jax_or_none()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 10))
    Y = rng.standard_normal((32, 1))
    net = ll.MLP([10, 42, 35, 1], activation="tanh")
    f = ll.loss_function(net, X, Y)
    points = [net.init(seed=s) for s in (1, 2, 3)]
    size = f"P={net.n_params}"
    cyc = Cycle(points)
    ours = ll.hessian(f, points[0])
    auto = np.asarray(autograd.hessian(f)(points[0]))
    so, sr = paired(lambda: ll.hessian(f, cyc()), lambda: autograd.hessian(f)(cyc()), 2 if QUICK else 5,
                    budget=30.0, warm=False)
    add_row("dense Hessian", size, so, "autograd.hessian", sr, goal=0.2, goal_text="<= 0.2 (5x)",
            agree=rel(ours, auto), section="hessian",
            reason=f"ours: P = {net.n_params} Hessian-vector products in blocks of rows; autograd: the same number "
                   "of reverse passes over a traced graph")
    if jax is None:
        return
    jh = jax.jit(jax.hessian(jax_loss(jax, net, X, Y)))
    jcyc = Cycle([jax.numpy.asarray(p) for p in points])
    so, sr = paired(lambda: ll.hessian(f, cyc()), lambda: jh(jcyc()).block_until_ready(), 5 if QUICK else 15)
    add_row("dense Hessian", size, so, "jax.jit(jax.hessian)", sr, agree=rel(ours, jh(jax.numpy.asarray(points[0]))),
            section="hessian")


def section_kernels(info):
    from landscapelab import kernels as K

    rng = np.random.default_rng(0)
    repeats = 5 if QUICK else 11
    stack = 2000 if BOOK else 4000 if QUICK else 10_000
    for n in ((4, 8, 16) if BOOK else (2, 4, 8, 12, 16, 24, 32)):
        As = rng.standard_normal((stack, n, n))
        agree = float(np.max(np.abs(K.det_batched(As) - np.linalg.det(As)) / np.abs(np.linalg.det(As)).max()))
        so, sr = paired(lambda: K.det_batched(As), lambda: np.linalg.det(As), repeats)
        add_row("det_batched", f"{stack} x ({n}, {n})", so, "numpy.linalg.det", sr,
                goal=0.6 if n <= 16 else None, agree=agree, section="kernels",
                reason=lambda row, n=n: (f"both sides do the same LU ({n ** 3 / 3:.0f} multiply-adds per matrix): "
                                         f"{1e9 * row['ours'] / stack / (n ** 3 / 3):.2f} ns per multiply-add "
                                         f"(ours) against {1e9 * row['ref'] / stack / (n ** 3 / 3):.2f} (LAPACK "
                                         "getrf, blocked and vectorised across the row)"))
    B = rng.standard_normal((500, 500))
    sv = np.linalg.svd(B, compute_uv=False)
    inside = bool(K.in_union(sv, *K.qi_intervals(B)).all())
    so, sr = paired(lambda: K.qi_intervals(B), lambda: np.linalg.svd(B, compute_uv=False), repeats)
    add_row("qi_intervals", "n=500", so, "numpy.linalg.svd", sr, goal=0.01, goal_text="<= 0.01 (100x)",
            section="kernels", note=f"every singular value inside the union of the intervals: {inside}",
            reason=lambda row: (f"one sweep over the n^2 = 250000 entries: {1e9 * row['ours'] / 250000:.2f} ns per "
                                "entry (memory bandwidth and the argument checks) against the O(n^3) SVD"))
    milne(rng, repeats)


def milne(rng, repeats):
    """``milne_det`` of a network with 5 hidden layers of width 100 against the dense LU determinant of A: the
    prepared call ``MilneNetwork(weights).det(a)`` (weights validated once), and the split of a one-shot
    ``milne_det(a, weights)`` into argument checks and kernel."""
    from landscapelab.convexity import MilneNetwork
    from landscapelab.convexity import determinant as cd

    dims = [100, 100, 100, 100, 100, 100, 1]
    for _ in range(100):                      # He-scaled weights, non-negative last layer; keep a draw with y > 0
        weights = [rng.standard_normal((p, q)) * np.sqrt(2.0 / p) for p, q in zip(dims[:-1], dims[1:])]
        weights[-1] = np.abs(weights[-1])
        a = rng.standard_normal(dims[0])
        if cd.milne_det(a, weights) > 0:
            break
    A = cd.milne_matrix(a, weights)
    net = MilneNetwork(weights)
    y = net.det(a)
    dense = float(np.linalg.det(A))
    so, sr = paired(lambda: net.det(a), lambda: np.linalg.det(A), repeats)
    note = (f"A is {A.shape[0]} x {A.shape[0]}; ours is the prepared call MilneNetwork(weights).det(a) (the weights "
            f"validated and flattened once, only a checked per call); det {y:.12g}, LAPACK {dense:.12g}")
    t_check = t_kernel = t_once = None
    try:                                       # where the time of a one-shot milne_det(a, weights) goes
        a_, w_, dims_ = cd._check_network(a, weights)
        H = dims_.size - 2
        corner = cd._corner_value("corrected", H)
        total = int(dims_.sum())
        h, z = np.empty(total), np.empty(total)
        check = paired(lambda: cd._check_network(a, weights),
                       lambda: cd._milne_det_kernel(a_, w_, dims_, corner, h, z), repeats)
        t_check = float(np.median([s[BASIS] for s in check[0]]))
        t_kernel = float(np.median([s[BASIS] for s in check[1]]))
        once = lambda: cd.milne_det(a, weights)      # noqa: E731
        inner = calibrate(once, 0.05)
        t_once = float(np.median([sample(once, inner)[BASIS] for _ in range(repeats)]))
        note += (f"; a one-shot milne_det(a, weights) takes {fmt(t_once)}, of which the argument checks "
                 f"(_check_network: finiteness, shapes, concatenating the weights) {fmt(t_check)} and the kernel "
                 f"{fmt(t_kernel)}")
    except (AttributeError, TypeError, ValueError) as err:
        note += f"; split not measured ({type(err).__name__}: {err})"
    add_row("milne_det", "5 x 100 hidden", so, "numpy.linalg.det of A", sr, goal=0.005,
            goal_text="<= 0.005 (200x)", agree=abs(y - dense) / abs(dense), section="kernels", note=note,
            reason=lambda row: (
                f"the prepared call checks only a and runs the O(weights) kernel ({fmt(t_kernel)} alone, "
                f"{row['ref'] / t_kernel:.0f} times faster than LAPACK's O(n^3) LU of the {A.shape[0]} x "
                f"{A.shape[0]} matrix); the {sum(W.size for W in weights)} weights are read once per call"
                if t_kernel else "split not measured"))


def fmt(t: float) -> str:
    return f"{t * 1e6:.1f} us" if t < 1e-3 else f"{t * 1e3:.2f} ms"


def width_for(P: float) -> int:
    """m with P(m) = m^2 + 13 m + 1 (the [10, m, m, 1] MLP) closest to P."""
    return int(round((-13 + math.sqrt(169 + 4 * (P - 1))) / 2))


def peak_bytes(fn) -> int:
    """Peak of the memory traced by tracemalloc (NumPy reports its buffers) during one call, above the start."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return int(peak - base)


def section_scaling(info):
    targets = (1e4, 1e5, 1e6) if BOOK else (1e4, 1e5, 1e6, 4e6) if QUICK else (1e4, 3e4, 1e5, 3e5, 1e6, 2e6, 4e6)
    tasks = ("gradient", "HVP", "Lanczos 30")
    out = {"P": [], "m": [], "tasks": list(tasks), "time": {t: [] for t in tasks}, "memory": {t: [] for t in tasks},
           "spread": {t: [] for t in tasks}}
    for target in targets:
        m = width_for(target)
        net, X, Y, f, points = mlp_problem(m, points=2)
        P = net.n_params
        cyc = Cycle(points)
        v = np.random.default_rng(1).standard_normal(P)

        def lanczos30():
            op = ll.hessian_operator(ll.loss_function(net, X, Y), cyc())
            return ll.eigenvalues(op, k=1, tol=0, max_iter=30)

        calls = {"gradient": lambda: f.gradient(cyc()), "HVP": lambda: f.hvp(cyc(), v), "Lanczos 30": lanczos30}
        out["P"].append(P)
        out["m"].append(m)
        for name, fn in calls.items():
            heavy = name == "Lanczos 30" and P > 5e5
            if heavy and QUICK:        # one call, timed and traced (tracemalloc only books NumPy's buffers)
                start = time.process_time()
                out["memory"][name].append(peak_bytes(fn))
                times = [time.process_time() - start]
            else:
                fn()
                reps = (3 if heavy else 7) if not QUICK else 3
                inner = 1 if heavy else calibrate(fn, 0.05)
                times = [sample(fn, inner)[BASIS] for _ in range(reps)]
                out["memory"][name].append(peak_bytes(fn))
            out["time"][name].append(float(np.median(times)))
            out["spread"][name].append([float(min(times)), float(max(times))])
        progress(f"scaling P={P}: " + ", ".join(f"{t} {out['time'][t][-1]:.3g} s" for t in tasks))
    P = np.array(out["P"], dtype=float)
    top = P >= P.max() / 10
    out["slopes"] = {}
    for name in tasks:
        t = np.array(out["time"][name])
        mem = np.array(out["memory"][name], dtype=float)
        out["slopes"][name] = {"time": ll.fits.loglog_slope(P, t)[0],
                               "time_top": ll.fits.loglog_slope(P[top], t[top])[0] if top.sum() >= 2 else math.nan,
                               "memory": ll.fits.loglog_slope(P, mem)[0]}
    return out


#: The chapters' demo modules, each with the chapter it belongs to.
DEMO_MODULES = (("preliminaries", "landscapelab.demos.preliminaries"), ("smoothness", "landscapelab.smoothness.demos"),
                ("convexity", "landscapelab.convexity.demos"), ("wide_layers", "landscapelab.wide.demos"),
                ("loss_topology", "landscapelab.wide.demos_topology"), ("linearity", "landscapelab.linearity.demos"),
                ("decision_regions", "landscapelab.wide.demos_decision"), ("rsc", "landscapelab.rsc.demos"))


#: The demos the book's subset times (quick to build; the quick and full suites time every demo).
BOOK_DEMOS = ("smoothness.phi_explorer", "convexity.determinant_demo", "convexity.qi_demo")


def demo_functions():
    """Every public function of the chapters' demo modules that returns a Demo and needs no argument."""
    import importlib
    import inspect

    found = []
    for chapter, module_name in DEMO_MODULES:
        module = importlib.import_module(module_name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            sig = inspect.signature(fn)
            returns = sig.return_annotation
            if (returns == "Demo" or getattr(returns, "__name__", "") == "Demo") and all(
                    p.default is not p.empty for p in sig.parameters.values()):
                found.append((f"{chapter}.{name}", fn))
    return found


def controls_of(widget):
    """The selection controls (sliders, buttons, dropdowns) in a widget tree."""
    found = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if hasattr(w, "options") and hasattr(w, "value") and len(getattr(w, "options", ())) > 1:
            found.append(w)
        stack.extend(getattr(w, "children", ()))
    return found[::-1]


def control_values(control):
    options = control.options
    return [v for _, v in options] if isinstance(options[0], tuple) else list(options)


def slider_moves(live):
    """Move every control of a live widget through all its values and back to its default (the others at their
    defaults); returns the seconds of each move (the widget's observers redraw synchronously)."""
    moves = []
    for control in controls_of(live):
        default = control.value
        for value in control_values(control) + [default]:
            if value == control.value:
                continue
            t = time.perf_counter()
            control.value = value
            moves.append(time.perf_counter() - t)
    return moves


def section_demos(info):
    """Every demo of every chapter: build, draw the static frames (what ``demo.show()`` does), then time each live
    slider move over all controls. ``draw`` is wrapped to count how often each setting is drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latencies, per_demo = [], []
    for name, fn in demo_functions():
        if BOOK and name not in BOOK_DEMOS:
            continue
        start = time.perf_counter()
        demo = fn()
        build = time.perf_counter() - start
        draws: dict = {}
        inner = demo.draw

        def counted(_inner=inner, _draws=draws, **settings):
            key = tuple(sorted((k, repr(v)) for k, v in settings.items()))
            _draws[key] = _draws.get(key, 0) + 1
            return _inner(**settings)

        demo.draw = counted
        start = time.perf_counter()
        if QUICK:                          # only the settings the sweep below visits
            for param, values in demo.params.items():
                for value in values:
                    demo.png(**{param: value})
        else:
            demo.static()                  # what demo.show() draws for the book's HTML version
        static = time.perf_counter() - start
        live = demo.live()
        moves = slider_moves(live)
        plt.close("all")
        latencies.extend(moves)
        per_demo.append({"name": name, "frames": demo.n_frames, "build": build, "static": static,
                         "per_frame": static / max(len(draws), 1), "moves": len(moves),
                         "p95": float(np.percentile(moves, 95)) if moves else 0.0,
                         "max": float(max(moves, default=0.0)), "most_draws": max(draws.values(), default=0),
                         "settings_drawn": len(draws)})
        progress(f"demo {name}: {len(moves)} moves, p95 {per_demo[-1]['p95'] * 1e3:.1f} ms, "
                 f"{per_demo[-1]['per_frame'] * 1e3:.0f} ms per frame drawn")
    lat = np.array(latencies)
    return {"moves": int(lat.size), "p95": float(np.percentile(lat, 95)), "median": float(np.median(lat)),
            "max": float(lat.max()), "per_demo": per_demo}


def top_eigenvalue(width: int, seed: int) -> dict:
    """Real work for the Dask sweep: the sharpness of a [10, width, width, 1] tanh MLP on 64 samples."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((64, 10))
    Y = rng.standard_normal((64, 1))
    net = ll.MLP([10, width, width, 1])
    f = ll.loss_function(net, X, Y)
    return {"lambda_max": float(ll.eigenvalues(f, net.init(seed=seed), k=1)[0]), "pid": os.getpid()}


def section_dask(info):
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        return {"skipped": f"distributed not installed ({err}); pip install -e '.[cluster]'"}
    # top_eigenvalue travels by name: the worker processes inherit this process's sys.path, benchmarks/ included
    grid = {"width": [300]}
    seeds = range(4 if BOOK else 8 if QUICK else 16)
    serial = ll.sweep(top_eigenvalue, grid, seeds=seeds, progress=False)
    seconds, tables = [], []
    # one cluster of two worker processes; the 1-worker timing restricts the executor to the first of them
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(2)
        addresses = sorted(client.scheduler_info()["workers"])
        for workers in (1, 2):
            executor = client.get_executor(workers=addresses[:workers])
            ll.sweep(top_eigenvalue, {"width": [20]}, seeds=range(workers), executor=executor, progress=False)
            start = time.perf_counter()
            tables.append(ll.sweep(top_eigenvalue, grid, seeds=seeds, executor=executor, progress=False))
            seconds.append(time.perf_counter() - start)
            progress(f"dask: {workers} worker(s) {seconds[-1]:.2f} s")
    reference = serial.column("lambda_max")
    worst = max(float(np.max(np.abs(t.column("lambda_max") - reference) / np.abs(reference))) for t in tables)
    return {"tasks": len(seeds), "work": "top Hessian eigenvalue of a [10, 300, 300, 1] MLP, 64 samples",
            "seconds": seconds, "speedup": seconds[0] / seconds[1], "max_rel_diff_to_serial": worst,
            "pids": [len(set(t.column("pid"))) for t in tables],
            "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None}


# ==================================================================================================== child
def describe_threads(info):
    import numba
    import scipy

    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        threadpool_info, threadpool_limits = None, None
    if MODE == "1" and threadpool_limits is not None:
        info["_limits"] = threadpool_limits(1)           # keep the limit for the whole run
    if threadpool_info is not None:
        pools = threadpool_info()
        info["blas"] = "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}), "
                                 f"{p.get('num_threads')} thread(s)" for p in pools) or "none found"
    else:
        info["blas"] = "threadpoolctl not installed (pip install threadpoolctl) - thread count unknown"
    jax = jax_or_none()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["cpus_usable"] = cpus
    info["xla"] = ("not installed" if jax is None else
                   f"CPU pool sized to {cpus} usable CPU(s); XLA_FLAGS={os.environ.get('XLA_FLAGS', '(unset)')}")
    info["numpy"], info["numba"], info["scipy"] = np.__version__, numba.__version__, scipy.__version__
    info["jax"] = "not installed" if jax is None else jax.__version__
    info["basis"] = "CPU seconds of the process (pinned to one CPU)" if MODE == "1" else "wall-clock seconds"


def run_child(mode: str, quick: bool, sections, result_path: str, book: bool = False):
    global MODE, QUICK, BASIS, BOOK
    MODE, QUICK, BASIS, BOOK = mode, quick or book, (1 if mode == "1" else 0), book
    warnings.simplefilter("ignore", category=DeprecationWarning)
    info = {"mode": mode}
    describe_threads(info)
    out = {"info": info, "rows": ROWS, "scaling": None, "demos": None, "dask": None}
    functions = {"mlp": section_mlp, "lanczos": section_lanczos, "hessian": section_hessian,
                 "kernels": section_kernels, "scaling": section_scaling, "demos": section_demos,
                 "dask": section_dask}
    for name in sections:
        progress(f"section {name}")
        result = functions[name](info)
        if name in ("scaling", "demos", "dask"):
            out[name] = result
    info.pop("_limits", None)
    info["seconds"] = round(time.perf_counter() - T0, 1)
    info["cpu_seconds"] = round(time.process_time(), 1)
    with open(result_path, "w") as fh:
        json.dump(out, fh)
