"""Speed of the Numba kernels against their NumPy/LAPACK peers, measured in the same run.

    python benchmarks/bench_kernels.py [--repeat R]

Prints, for each comparison, the best-of-R wall time of both sides, their ratio (peer time / kernel time, so
larger is better for the kernel), the goal from issue 5, and the agreement of the results:

1. ``det_batched`` vs ``numpy.linalg.det`` on stacks of 10^4 Gaussian matrices of sizes 6 to 32 (goal: ratio >= 1);
2. ``milne_det`` vs dense ``numpy.linalg.det`` of the same Milne matrix A (built beforehand, not timed) for a
   network with 5 hidden layers of width 100 (goal: ratio >= 100, relative agreement <= 1e-10);
3. ``qi_intervals`` vs ``numpy.linalg.svd(compute_uv=False)`` at n = 500 (goal: ratio >= 50).

The kernels are compiled (or loaded from the Numba cache) before timing. Times include the public functions'
input validation.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from landscapelab import kernels as K


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(name, peer, kernel, goal, extra=""):
    ratio = peer / kernel
    status = "meets goal" if ratio >= goal else "MISSES goal"
    print(f"{name:<34} peer {peer * 1e3:9.3f} ms   kernel {kernel * 1e3:9.3f} ms   ratio {ratio:8.1f}"
          f"   (goal >= {goal:g}: {status}){extra}")
    return ratio


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="best of this many runs (default 7)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    ratios = {}

    print("1. det_batched vs numpy.linalg.det, stacks of 10^4 matrices")
    for n in (6, 8, 12, 16, 24, 32):
        As = rng.standard_normal((10_000, n, n))
        K.det_batched(As[:2])
        ours = K.det_batched(As)
        ref = np.linalg.det(As)
        err = float(np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300)))
        ratios[f"det_batched n={n}"] = row(f"  n = {n:2d}", best_of(lambda: np.linalg.det(As), args.repeat),
                                           best_of(lambda: K.det_batched(As), args.repeat), 1,
                                           f"   max rel. diff {err:.1e}")

    print("2. milne_det vs dense numpy.linalg.det of A, 5 hidden layers of width 100")
    dims = [100, 100, 100, 100, 100, 100, 1]
    for _attempt in range(100):        # He-scaled weights and a non-negative last layer; keep a draw with y > 0
        weights = [rng.standard_normal((p, q)) * np.sqrt(2.0 / p) for p, q in zip(dims[:-1], dims[1:])]
        weights[-1] = np.abs(weights[-1])
        a = rng.standard_normal(dims[0])
        if K.milne_det(a, weights) > 0:
            break
    A = K.milne_matrix(a, weights)
    y = K.milne_det(a, weights)
    dense = float(np.linalg.det(A))
    rel = abs(y - dense) / abs(dense)
    print(f"  A is {A.shape[0]} x {A.shape[0]}, {sum(W.size for W in weights)} weights; y = {y:.12g}, "
          f"dense det = {dense:.12g}, relative difference {rel:.1e} (goal <= 1e-10: "
          f"{'meets goal' if rel <= 1e-10 else 'MISSES goal'})")
    ratios["milne_det"] = row("  milne_det", best_of(lambda: np.linalg.det(A), max(args.repeat, 20)),
                              best_of(lambda: K.milne_det(a, weights), max(args.repeat, 200)), 100)

    print("3. qi_intervals vs numpy.linalg.svd(compute_uv=False), n = 500")
    B = rng.standard_normal((500, 500))
    K.qi_intervals(B)
    sv = np.linalg.svd(B, compute_uv=False)
    inside = bool(K.in_union(sv, *K.qi_intervals(B)).all())
    ratios["qi_intervals"] = row("  qi_intervals", best_of(lambda: np.linalg.svd(B, compute_uv=False), args.repeat),
                                 best_of(lambda: K.qi_intervals(B), max(args.repeat, 50)), 50,
                                 f"   all singular values in the union: {inside}")
    return ratios


if __name__ == "__main__":
    main()
