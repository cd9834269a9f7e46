"""The sweep helper on a Dask cluster (the route for paper-scale widths), on a local cluster the test starts.

Skipped when ``distributed`` is not installed (``pip install -e ".[cluster]"``; the ``test`` extra installs it).
"""

import os

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.testing import noisy_power_law

distributed = pytest.importorskip("distributed")


def worker_functions():
    """Functions defined here reach the workers by value: the test module cannot be imported there, and standard
    pickle cannot name a nested function, so Dask falls back to cloudpickle, which ships the code itself."""

    def sharpness(width, seed):
        # real work in a worker: the top Hessian eigenvalue of a small tanh MLP (exact products, Lanczos)
        rng = np.random.default_rng(seed)
        X, Y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
        net = ll.MLP([3, width, 1])
        f = ll.loss_function(net, X, Y)
        return {"lambda_max": float(ll.eigenvalues(f, net.init(seed=seed), k=1)[0]), "pid": os.getpid()}

    def fails(width, seed):
        raise ArithmeticError(f"width {width} is odd")

    return sharpness, fails


@pytest.fixture(scope="module")
def executor():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as client:
        yield client.get_executor()


def test_dask_sweep_gives_the_serial_numbers(executor):
    grid = {"width": [8, 32, 128]}
    serial = ll.sweep(noisy_power_law, grid, seeds=range(3))
    table = ll.sweep(noisy_power_law, grid, seeds=range(3), executor=executor)
    assert table.columns == serial.columns
    assert [(r["width"], r["seed"]) for r in table] == [(r["width"], r["seed"]) for r in serial]
    assert np.array_equal(table.column("value"), serial.column("value"))
    assert set(table.column("pid")) - {os.getpid()}            # computed in the worker processes


def test_dask_sweep_of_library_work_matches_the_dense_eigenvalues(executor):
    sharpness, _ = worker_functions()
    table = ll.sweep(sharpness, {"width": [4, 9]}, seeds=range(2), executor=executor)
    for row in table:
        rng = np.random.default_rng(row["seed"])
        X, Y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
        net = ll.MLP([3, row["width"], 1])
        H = ll.hessian(ll.loss_function(net, X, Y), net.init(seed=row["seed"]))
        assert row["lambda_max"] == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-10)


def test_a_failing_call_names_its_arguments(executor):
    _, fails = worker_functions()
    with pytest.raises(RuntimeError, match=r"fn failed at \{'width': 3, 'seed': 0\}: ArithmeticError"):
        ll.sweep(fails, {"width": [3]}, seeds=[0], executor=executor)
