import os

import matplotlib
import pytest
from hypothesis import settings

# Same examples on every run and machine: a CI failure can be reproduced, and no run is flaky by chance.
settings.register_profile("landscapelab", derandomize=True, deadline=None, print_blob=True)
# Fixed examples never explore: .ci/run also runs the property tests once with LANDSCAPELAB_HYPOTHESIS=fresh and a
# random --hypothesis-seed that it prints, so a failure found there can be replayed with the same seed.
settings.register_profile("fresh", derandomize=False, deadline=None, print_blob=True)
settings.load_profile("fresh" if os.environ.get("LANDSCAPELAB_HYPOTHESIS") == "fresh" else "landscapelab")

matplotlib.use("Agg")


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow sweep: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


os.environ.setdefault("MPLBACKEND", "Agg")
