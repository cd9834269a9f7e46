"""landscapelab against what its users would otherwise use: JAX, autograd, NumPy/LAPACK, SciPy (issue 15).

    python benchmarks/run.py [--quick | --book] [--json FILE] [--threads both|1|default] [--only SECTION[,...]]

Every pair (ours, reference) is measured in the same process, interleaved (ours, reference, reference, ours, ...)
so that a change of load on the machine hits both sides alike; times are medians over repeats and the ratio is the
median of the per-repeat ratios ours / reference, printed with its range over the repeats. Points are cold where a
cache could flatter either side: each call of a gradient or Hessian-vector product gets a different parameter
vector (our loss function caches the forward pass of the last point; JAX caches nothing but compiled code, which is
compiled before timing).

The suite runs twice, each time in a fresh child process:

* ``1`` thread: the child is pinned to one CPU (``os.sched_setaffinity``) before NumPy, OpenBLAS or XLA start, and
  ``OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1`` and ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false
  intra_op_parallelism_threads=1`` are set. (XLA 0.10 still starts a pool as wide as the CPUs it may use and ignores
  those flags; the affinity is what makes it single-threaded, which the child checks by counting the threads that
  received CPU time during the JAX timings.) Times are CPU seconds of the process (``time.process_time``): on a
  shared machine they do not count the time other processes hold the CPU.
* ``default``: the libraries' own thread counts (the thread variables removed from the environment); times are
  wall-clock seconds, which is what parallel speed means, and which swing with the load of the machine.

``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` are removed from the children's environment (only theirs). The BLAS
and thread counts in use are printed with the results.

Sections (``--only``): ``mlp`` (gradient, HVP, block of 16 HVPs against jitted JAX), ``lanczos`` (top Hessian
eigenvalue at about 10^6 parameters: our Lanczos, the same Lanczos on JAX products, SciPy ``eigsh`` on our
operator), ``hessian`` (dense Hessian at 2,000 parameters against ``autograd.hessian`` and ``jax.hessian``),
``kernels`` (Numba kernels against NumPy/LAPACK, ``milne_det`` against the dense determinant), ``scaling`` (time and
peak memory of gradient, HVP and 30-step Lanczos against P, one thread only), ``demos`` (live slider latency of
every chapter demo, default threads only), ``dask`` (a sweep on a local Dask cluster, 2 workers against 1, default
threads only; needs ``pip install -e ".[cluster]"``).

``--quick`` (a few minutes) has fewer repeats and sizes, runs ``lanczos`` and ``hessian`` with one thread only, and
draws only the demo frames that the slider sweep visits (the full suite draws every frame, as ``demo.show()`` does).
``--book`` is the subset the book's performance appendix runs at build time (about a minute of CPU time): ``mlp``,
``kernels`` and ``scaling`` (up to 10^6 parameters) with one thread, three quick-to-build ``demos`` and ``dask``
(4 calls) at the default threads, with fewer and shorter repeats.

Benchmarks are never timed assertions in tests: this script reports, it does not fail on a missed goal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTIONS = ("mlp", "lanczos", "hessian", "kernels", "scaling", "demos", "dask")
BOOK_SECTIONS = ("mlp", "kernels", "scaling", "demos", "dask")
ONE_THREAD_ONLY = ("scaling",)
ONE_THREAD_IN_QUICK = ("lanczos", "hessian")      # the quick suite runs these with one thread only
DEFAULT_ONLY = ("demos", "dask")
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
ONE_THREAD_XLA = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


# ==================================================================================================== parent
def child_environment(mode: str) -> dict:
    env = dict(os.environ)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    for name in THREAD_VARIABLES:
        env.pop(name, None)
    env.pop("XLA_FLAGS", None)
    if mode == "1":
        for name in THREAD_VARIABLES:
            env[name] = "1"
        env["XLA_FLAGS"] = ONE_THREAD_XLA
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def machine() -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "cpu": platform.processor() or platform.machine()}
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fh:
            info["memory_gib"] = round(int(fh.readline().split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def run_children(args) -> dict:
    modes = {"both": ["1", "default"], "1": ["1"], "default": ["default"]}[args.threads]
    only = args.only.split(",") if args.only else list(BOOK_SECTIONS if args.book else SECTIONS)
    unknown = set(only) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {sorted(unknown)}; known: {', '.join(SECTIONS)}")
    results = {"machine": machine(), "quick": args.quick, "book": args.book,
               "started": time.strftime("%Y-%m-%d %H:%M:%S"),
               "modes": {}, "rows": [], "scaling": None, "demos": None, "dask": None}
    start = time.perf_counter()
    for mode in modes:
        sections = [s for s in only if not (mode == "1" and s in DEFAULT_ONLY)
                    and not (mode == "default" and s in ONE_THREAD_ONLY)
                    and not (mode == "default" and args.book and s not in DEFAULT_ONLY)
                    and not (mode == "default" and args.quick and s in ONE_THREAD_IN_QUICK)]
        if not sections:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            command = [sys.executable, __file__, "--child", mode, "--result", str(out), "--only", ",".join(sections)]
            if args.quick:
                command.append("--quick")
            if args.book:
                command.append("--book")
            print(f"[{mode_label(mode)}] starting: {', '.join(sections)}", file=sys.stderr, flush=True)
            proc = subprocess.run(command, env=child_environment(mode))
            if proc.returncode != 0 or not out.exists():
                raise SystemExit(f"the {mode_label(mode)} run failed (exit status {proc.returncode})")
            child = json.loads(out.read_text())
        results["modes"][mode] = child["info"]
        results["rows"].extend(child["rows"])
        for key in ("scaling", "demos", "dask"):
            if child.get(key) is not None:
                results[key] = child[key]
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["machine"]["load_average_end"] = machine().get("load_average")
    return results


def mode_label(mode: str) -> str:
    return "1 thread" if mode == "1" else "default threads"


def fmt_time(t) -> str:
    if t is None:
        return "-"
    if t >= 1.0:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    return f"{t * 1e6:.0f} us"


def fmt_ratio(row) -> str:
    if row.get("ratio") is None:
        return "-"
    return f"{row['ratio']:.3g} [{row['lo']:.3g}, {row['hi']:.3g}]"


def report(results: dict) -> str:
    lines = []
    m = results["machine"]
    kind = "book" if results.get("book") else "quick" if results["quick"] else "full"
    lines.append(f"landscapelab benchmarks ({kind} suite), {results['started']}")
    lines.append(f"machine: {m.get('cpu')}, {m.get('cpus')} CPUs, {m.get('memory_gib', '?')} GiB, "
                 f"{m.get('platform')}, Python {m.get('python')}; load average {m.get('load_average')} at start, "
                 f"{m.get('load_average_end')} at end; {results.get('seconds')} s in all")
    for mode, info in results["modes"].items():
        lines.append(f"[{mode_label(mode)}] timing basis: {info['basis']}; CPUs usable: {info['cpus_usable']}; "
                     f"BLAS: {info['blas']}; XLA: {info['xla']}; numpy {info['numpy']}, numba {info['numba']}, "
                     f"jax {info['jax']}, scipy {info['scipy']}")
    header = (f"{'task':<34} {'size':<18} {'threads':<8} {'ours':>10}  {'reference':<24} {'ref':>10}  "
              f"{'ours/ref [range]':<26} {'goal':<14} {'met':<4} agreement")
    lines.append("")
    lines.append(header)
    lines.append("-" * len(header))
    for row in results["rows"]:
        met = {True: "yes", False: "NO", None: "-"}[row.get("met")]
        agree = "-" if row.get("agree") is None else f"{row['agree']:.1e}"
        lines.append(f"{row['task']:<34} {row['size']:<18} {('1' if row['mode'] == '1' else 'default'):<8} "
                     f"{fmt_time(row.get('ours')):>10}  {row.get('reference', '-'):<24} "
                     f"{fmt_time(row.get('ref')):>10}  "
                     f"{fmt_ratio(row):<26} {row.get('goal_text', '-'):<14} {met:<4} {agree}")
        if row.get("note"):
            lines.append(f"{'':<34} {row['note']}")
    scaling = results.get("scaling")
    if scaling:
        lines.append("")
        lines.append("cost against size (1 thread, CPU seconds; peak memory by tracemalloc, as a multiple of the 8P "
                     "bytes of one parameter vector)")
        lines.append(f"{'P':>10} " + " ".join(f"{name + ' s':>14} {name + ' mem':>12}" for name in scaling["tasks"]))
        for i, P in enumerate(scaling["P"]):
            cells = []
            for name in scaling["tasks"]:
                cells.append(f"{fmt_time(scaling['time'][name][i]):>14} "
                             f"{scaling['memory'][name][i] / (8 * P):>11.1f}x")
            lines.append(f"{P:>10d} " + " ".join(cells))
        for name in scaling["tasks"]:
            fit = scaling["slopes"][name]
            lines.append(f"  {name}: time slope {fit['time']:.2f} over all P ({fit['time_top']:.2f} over the top "
                         f"decade), memory slope {fit['memory']:.2f}; goal <= 1.1: "
                         f"{'met' if fit['time'] <= 1.1 and fit['memory'] <= 1.1 else 'NOT met'}")
    demos = results.get("demos")
    if demos:
        lines.append("")
        lines.append(f"live slider latency after demo.show() drew the frames, every control of every demo through "
                     f"all its values ({demos['moves']} moves): p95 {fmt_time(demos['p95'])}, median "
                     f"{fmt_time(demos['median'])}, max {fmt_time(demos['max'])}; goal p95 <= 50 ms per demo")
        lines.append(f"  {'demo':<38} {'drawn':>9} {'build':>9} {'draw/frame':>10} {'moves':>5} {'p95':>9} "
                     f"{'max':>9} {'draws/setting':>13} met")
        for d in demos["per_demo"]:
            drawn = f"{d.get('settings_drawn', d['frames'])}/{d['frames']}"
            lines.append(f"  {d['name']:<38} {drawn:>9} {fmt_time(d['build']):>9} "
                         f"{fmt_time(d.get('per_frame')):>10} {d['moves']:>5} {fmt_time(d['p95']):>9} "
                         f"{fmt_time(d['max']):>9} {d.get('most_draws', '-'):>13} "
                         f"{'yes' if d['p95'] <= 0.05 else 'NO'}")
        lines.append("  (drawn: settings drawn before the moves / frames of the static version; draw/frame: what a "
                     "move to a setting not drawn before costs; draws/setting: the most times one setting was drawn)")
    dask = results.get("dask")
    if dask:
        lines.append("")
        if dask.get("skipped"):
            lines.append(f"Dask sweep: skipped ({dask['skipped']})")
        else:
            lines.append(f"Dask sweep of {dask['tasks']} calls ({dask['work']}): 1 worker "
                         f"{fmt_time(dask['seconds'][0])}, 2 workers {fmt_time(dask['seconds'][1])}, speed-up "
                         f"{dask['speedup']:.2f} (wall clock, load average {dask.get('load_average')}); worker "
                         f"processes used {dask['pids']}; largest relative difference to the serial sweep "
                         f"{dask['max_rel_diff_to_serial']:.1e} (BLAS summation order)")
    goals = [r for r in results["rows"] if r.get("met") is not None]
    missed = [r for r in goals if not r["met"]]
    lines.append("")
    lines.append(f"goals met: {len(goals) - len(missed)} of {len(goals)} pairs")
    if scaling:
        bad = [n for n, f in scaling["slopes"].items() if not (f["time"] <= 1.1 and f["memory"] <= 1.1)]
        lines.append(f"cost against size: slopes <= 1.1 for {len(scaling['tasks']) - len(bad)} of "
                     f"{len(scaling['tasks'])} tasks" + (f" (not: {', '.join(bad)})" if bad else ""))
    if demos:
        slow = [d for d in demos["per_demo"] if d["p95"] > 0.05]
        lines.append(f"sliders: p95 <= 50 ms for {len(demos['per_demo']) - len(slow)} of {len(demos['per_demo'])} "
                     "demos" + "".join(f"\n  not met: {d['name']} p95 {fmt_time(d['p95'])}" for d in slow))
    if dask and not dask.get("skipped"):
        lines.append(f"Dask: 2 workers against 1, speed-up {dask['speedup']:.2f} (at most 2 on two cores)")
        load = (dask.get("load_average") or [None])[0]
        if dask["speedup"] < 1.5 and load is not None:
            lines.append(f"  why: load average {load:.1f} on {results['machine'].get('cpus')} CPUs while it ran: the "
                         f"workers shared the cores with other processes; {dask['seconds'][0] / dask['tasks']:.2f} s "
                         "per call with one worker")
    for r in missed:
        lines.append(f"  not met: {r['task']} {r['size']} ({mode_label(r['mode'])}): {r['ratio']:.3g} against "
                     f"{r['goal_text']}")
        if r.get("reason"):
            lines.append(f"    why: {r['reason']}")
    return "\n".join(lines)


def narrow_table(results: dict, width: int = 88) -> str:
    """The pairs of :func:`report` in at most ``width`` columns (the book's code cells): grouped by reference, one
    line per pair (threads, ours, reference, ratio, goal, met), and the reason under each missed goal."""
    import textwrap

    lines = [f"{'task':<17} {'size':<18} {'thr':>3} {'ours':>9} {'ref':>9} {'ratio':>6} {'goal':>7} met",
             "-" * 77]
    groups: dict = {}
    for row in results["rows"]:
        groups.setdefault(row["reference"], []).append(row)
    for reference, rows in groups.items():
        lines.append(f"against {reference}:")
        for row in rows:
            met = {True: "yes", False: "NO", None: "-"}[row.get("met")]
            ratio = "-" if row.get("ratio") is None else f"{row['ratio']:.3g}"
            goal = "-" if row.get("goal") is None else f"<={row['goal']:g}"
            lines.append(f"{row['task'][:17]:<17} {row['size'][:18]:<18} "
                         f"{('1' if row['mode'] == '1' else 'def'):>3} {fmt_time(row.get('ours')):>9} "
                         f"{fmt_time(row.get('ref')):>9} {ratio:>6} {goal:>7} {met}")
            if row.get("reason"):
                lines.extend(textwrap.wrap("why: " + row["reason"], width, initial_indent="  ",
                                           subsequent_indent="    "))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes (a few minutes)")
    parser.add_argument("--book", action="store_true", help="the book appendix's subset (about a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--threads", choices=("both", "1", "default"), default="both")
    parser.add_argument("--only", metavar="SECTIONS", help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--child", choices=("1", "default"), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child == "1" and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _suite import run_child

        run_child(args.child, args.quick, args.only.split(","), args.result, book=args.book)
        return None
    results = run_children(args)
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
