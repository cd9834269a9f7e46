"""The sweep helper: grid order, seeds, executors, the on-disk cache and the Table; slope intervals."""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import landscapelab as ll
from landscapelab import sweeps
from landscapelab.fits import loglog_slope, slope_interval
from landscapelab.testing import noisy_power_law

CALLS = []


def power_law(width, seed):
    """Noisy width**-0.5 (module level: picklable for process pools)."""
    CALLS.append((width, seed))
    rng = np.random.default_rng([seed, width])
    return {"norm": width ** -0.5 * float(np.exp(0.05 * rng.standard_normal())), "pid": os.getpid()}


def scalar(a, b):
    return a * 10 + b


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPELAB_CACHE", str(tmp_path))
    return tmp_path


def test_grid_order_seeds_and_table():
    table = ll.sweep(scalar, {"a": [1, 2], "b": np.array([3, 4, 5])}, seeds=None)
    assert [row["value"] for row in table] == [13, 14, 15, 23, 24, 25]
    assert table.columns == ["a", "b", "value"]
    assert list(table.where(a=2).column("value")) == [23, 24, 25]
    means = ll.sweep(power_law, {"width": [16, 64]}, seeds=range(4)).mean("norm", by="width")
    assert list(means.column("width")) == [16, 64] and list(means.column("count")) == [4, 4]


def test_executors_give_the_serial_numbers():
    grid = {"width": [8, 32, 128]}
    serial = ll.sweep(noisy_power_law, grid, seeds=range(3))
    with ThreadPoolExecutor(2) as pool:
        threaded = ll.sweep(noisy_power_law, grid, seeds=range(3), executor=pool)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        processes = ll.sweep(noisy_power_law, grid, seeds=range(3), executor=pool)
    for other in (threaded, processes):
        assert np.array_equal(other.column("value"), serial.column("value"))
    assert set(processes.column("pid")) - {os.getpid()}


def test_cache_reads_instead_of_recomputing(cache):
    CALLS.clear()
    first = ll.sweep(power_law, {"width": [8, 16]}, seeds=range(2), cache=True)
    assert len(CALLS) == 4 and len(list((cache / "sweeps").glob("*.pkl"))) == 4
    second = ll.sweep(power_law, {"width": [8, 16]}, seeds=range(2), cache=True)
    assert len(CALLS) == 4 and np.array_equal(first.column("norm"), second.column("norm"))
    ll.sweep(power_law, {"width": [8, 16]}, seeds=range(2), cache=True, cache_key="v2")
    assert len(CALLS) == 8                               # a different key recomputes
    assert sweeps.clear_cache() == 8


def test_cache_key_changes_with_the_library_source(cache, monkeypatch):
    CALLS.clear()
    ll.sweep(power_law, {"width": [8]}, seeds=[0], cache=True)
    monkeypatch.setattr(sweeps, "_library_digest", lambda: "another library")
    ll.sweep(power_law, {"width": [8]}, seeds=[0], cache=True)
    assert len(CALLS) == 2


def test_bad_input():
    with pytest.raises(TypeError, match="fn: expected a function"):
        ll.sweep(3, {"a": [1]})
    with pytest.raises(ValueError, match=r"grid\['a'\]: expected at least one value"):
        ll.sweep(scalar, {"a": []})
    with pytest.raises(TypeError, match="seeds: expected integers"):
        ll.sweep(power_law, {"width": [1]}, seeds=[0.5])
    with pytest.raises(RuntimeError, match="fn failed at"):
        ll.sweep(scalar, {"a": [1]}, seeds=None)                     # b is missing


def test_slope_interval_covers_the_true_slope():
    widths = np.array([16, 32, 64, 128, 256])
    table = ll.sweep(power_law, {"width": widths.tolist()}, seeds=range(12))
    Y = np.array([table.where(seed=s).column("norm") for s in range(12)])
    fit = slope_interval(widths, Y, seed=0)
    assert fit.low < fit.slope < fit.high and fit.low <= -0.5 <= fit.high
    assert fit.slope == pytest.approx(loglog_slope(widths, Y.mean(axis=0))[0])
    assert fit.high - fit.low < 0.1
    noiseless = slope_interval(widths, np.tile(widths ** -0.5, (5, 1)))
    assert noiseless.low == pytest.approx(-0.5, abs=1e-12) and noiseless.high == pytest.approx(-0.5, abs=1e-12)


def test_progress_bar_does_not_change_results(capsys):
    quiet = ll.sweep(scalar, {"a": [1, 2], "b": [0]}, seeds=None, progress=False)
    loud = ll.sweep(scalar, {"a": [1, 2], "b": [0]}, seeds=None, progress=True)
    assert quiet.rows == loud.rows
    time.sleep(0)
