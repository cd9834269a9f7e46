"""The descent lemma of (L0, L1)-smoothness, the safe step and the fixed-step race on cosh.

Oracles: exact function values of ``exp`` and ``cosh`` (``exp`` attains the descent lemma's bound with equality:
``exp'' = exp = |exp'|``, so it is (0, 1)-smooth with ``||H|| = L1 ||g||`` everywhere), mpmath at 50 digits for the
remainder factor, and the closed-form iteration count of gradient descent on a quadratic.
"""

import math

import mpmath
import numpy as np
import pytest

from landscapelab import smoothness as sm


def test_remainder_factor_against_mpmath():
    mpmath.mp.dps = 50
    for a in (-3.0, -1e-2, -1e-4, 0.0, 1e-8, 1e-4, 9.99e-4, 1e-3, 0.3, 1.0, 2.5, 20.0):
        exact = mpmath.mpf(0.5) if a == 0 else (mpmath.exp(a) - 1 - a) / mpmath.mpf(a) ** 2
        assert sm.remainder_factor(a) == pytest.approx(float(exact), rel=2e-15)
    assert sm.remainder_factor(1.0) == pytest.approx(sm.DESCENT_CONSTANT, rel=1e-15)
    u = np.linspace(0, 1, 101)
    assert np.all(np.diff(sm.remainder_factor(u)) > 0)           # increasing: e - 2 bounds it on [0, 1]


def test_descent_bound_is_attained_by_exp():
    # L = exp is (0, 1)-smooth and its Hessian sits on the Gronwall bound, so the lemma holds with equality
    for x in (-3.0, 0.0, 2.0):
        for d in (1e-3, 0.1, 0.7, 1.0, 2.0):
            remainder = math.exp(x + d) - math.exp(x) - math.exp(x) * d
            assert sm.descent_bound(0.0, 1.0, math.exp(x), d) == pytest.approx(remainder, rel=1e-12)


def test_descent_bound_holds_for_cosh():
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, 2000)
    d = rng.uniform(-1, 1, 2000)                                  # ||d|| <= 1 / L1
    remainder = np.cosh(x + d) - np.cosh(x) - np.sinh(x) * d
    bound = sm.descent_bound(1.0, 1.0, np.abs(np.sinh(x)), np.abs(d))
    assert np.all(remainder <= bound * (1 + 1e-12) + 1e-12)
    assert np.all(bound <= sm.DESCENT_CONSTANT * (1 + np.abs(np.sinh(x))) * d * d * (1 + 1e-12))


def test_safe_step_decreases_cosh_by_the_guaranteed_amount():
    x = np.linspace(-15, 15, 3001)
    g = np.sinh(x)
    eta = sm.safe_step(np.abs(g), 1.0, 1.0)
    assert np.all(eta * np.abs(g) < 1.0)                          # step length below 1 / L1
    drop = np.cosh(x) - np.cosh(x - eta * g)
    need = sm.guaranteed_decrease(np.abs(g), 1.0, 1.0)
    assert np.all(drop >= need - 1e-12 * np.cosh(x))
    assert sm.guaranteed_decrease(2.0, 1.0, 1.0) == pytest.approx((3 - math.e) * 4 / 3, rel=1e-15)


def test_iterations_on_a_quadratic_match_the_closed_form():
    # f = x^2 / 2: x_k = (1 - eta)^k x0, so |f'| <= tol first at k = ceil(log(tol / x0) / log|1 - eta|)
    etas = np.array([0.1, 0.5, 1.5, 1.9])
    counts = sm.iterations_to_tolerance(lambda x: x, 4.0, etas, tol=1e-6)
    expected = [math.ceil(math.log(1e-6 / 4.0) / math.log(abs(1 - e)) - 1e-9) for e in etas]
    assert counts.tolist() == expected
    assert sm.iterations_to_tolerance(lambda x: x, 4.0, np.array([2.5]), tol=1e-6).tolist() == [-1]   # diverges
    assert sm.iterations_to_tolerance(lambda x: x, 4.0, lambda g: 0.5, tol=1e-6) == expected[1]
    first = sm.iterations_to_tolerance(lambda x: x, 4.0, etas, tol=1e-6, first_only=True)
    assert first.tolist() == [-1, expected[1], expected[2], -1]          # |1 - 0.5| = |1 - 1.5|: a tie
    assert sm.iterations_to_tolerance(lambda x: x, 0.0, etas).tolist() == [0, 0, 0, 0]


def test_cosh_race():
    race = sm.cosh_race(starts=(2.0, 4.0, 6.0))
    assert np.allclose(race["M"], np.sinh(race["x0"]))
    assert np.allclose(race["threshold"], 2 * race["x0"] / np.sinh(race["x0"]))
    assert np.all(race["above"] == -1) and np.all(race["below"] > 0)
    assert np.all(race["best_step"] <= race["threshold"])
    # the best fixed step needs of the order of M steps, the safe step about x0 + 5
    assert np.all(race["best_fixed"] >= race["M"]) and np.all(race["best_fixed"] <= 4 * race["M"])
    assert np.all(race["safe"] <= race["x0"] + 6)
    # brute force: every tried step above the threshold fails, from a direct loop
    for x0, threshold in zip(race["x0"], race["threshold"]):
        x = x0
        for _ in range(60):
            x -= 1.01 * threshold * math.sinh(x)
            if abs(x) > 50:
                break
        assert abs(x) > x0


def test_bad_input():
    with pytest.raises(ValueError, match="L0"):
        sm.descent_bound(-1.0, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="step_norm"):
        sm.descent_bound(1.0, 1.0, 1.0, -1.0)
    with pytest.raises(ValueError, match="L0, L1"):
        sm.safe_step(0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="step"):
        sm.iterations_to_tolerance(np.sinh, 1.0, np.array([0.0]))
    with pytest.raises(TypeError, match="grad"):
        sm.iterations_to_tolerance(3.0, 1.0, np.array([0.1]))
    with pytest.raises(ValueError, match="starts"):
        sm.cosh_race(starts=(-1.0,))
