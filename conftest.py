"""Root pytest configuration, seen by the tests and by nbval's notebook items alike."""


def pytest_collection_modifyitems(items):
    """nbval compares what cells print on stdout and return; stderr carries tqdm progress bars, whose text depends
    on timing and on whether a sweep came from the cache, so it is left out of the comparison."""
    for item in items:
        notebook = getattr(item, "parent", None)
        if hasattr(notebook, "skip_compare") and "stderr" not in notebook.skip_compare:
            notebook.skip_compare = tuple(notebook.skip_compare) + ("stderr",)


def pytest_configure(config):
    """Under pytest-xdist (``pytest -n auto``, the README's test command) each worker keeps to one BLAS thread, and
    so do the notebook kernels nbval starts from it: two workers on two cores with two BLAS threads each wait on each
    other (timings then swing 10-100x on a busy 2-core machine). Printed numbers do not depend on it: nbval-pinned
    outputs are checked to be stable across thread counts."""
    import os

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)
