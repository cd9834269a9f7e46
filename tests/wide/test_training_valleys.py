"""L-BFGS to zero loss (P8) and the bad valley without a critical point (P20)."""

import numpy as np
import pytest
from scipy.optimize import brentq

from landscapelab.wide import training as tr
from landscapelab.wide import valleys as va


def test_P8_quick_wide_and_narrow():
    wide = [tr.lbfgs_trial((10, 40, 1), seed=s)["loss"] for s in range(3)]
    narrow = [tr.lbfgs_trial((10, 3, 1), seed=s)["loss"] for s in range(3)]
    assert max(wide) < 1e-6 and min(narrow) > 1e-3


@pytest.mark.slow
def test_P8_ten_seeds():
    for widths in ((10, 8, 1), (10, 20, 1), (10, 40, 1), (10, 80, 1), (10, 40, 10, 1)):
        assert max(tr.lbfgs_trial(widths, seed=s)["loss"] for s in range(10)) < 1e-6
    for widths in ((10, 2, 1), (10, 3, 1)):
        assert min(tr.lbfgs_trial(widths, seed=s)["loss"] for s in range(10)) > 1e-6


def test_P20_derivative_and_descent():
    x = np.linspace(-4, 30, 301)
    h = 1e-6
    fd = (va.bad_valley(x + h) - va.bad_valley(x - h)) / (2 * h)
    assert np.allclose(va.bad_valley_derivative(x), fd, rtol=1e-6, atol=1e-9)
    xs = va.gradient_descent_1d(4.0, step=1.0, iterations=2000)
    assert np.all(np.diff(xs) > 0) and np.all(va.bad_valley(xs) > 0) and xs[-1] > 10
    x_min = brentq(va.bad_valley_derivative, -0.5, 0.5)
    assert va.gradient_descent_1d(1.0, step=0.2, iterations=500)[-1] == pytest.approx(x_min, abs=1e-9)
    assert va.bad_valley(x_min) < -0.999
