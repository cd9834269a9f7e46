"""The admissible set of (L0, L1) for sampled points, against exact rational arithmetic.

The vertices of :func:`landscapelab.smoothness.admissible_frontier` are floating-point numbers; the oracle evaluates
the covering condition ``H_i <= L0 + L1 g_i`` for them exactly (``fractions.Fraction`` holds every float exactly).
Tolerances are rounding-error bounds, stated where they are used:

* backward error: a vertex ``(L0, L1)`` is computed from one hull edge through two points ``a, b`` as
  ``L1 = (H_b - H_a) / (g_b - g_a)`` and ``L0 = H_a - L1 g_a``; each of the four operations is correctly rounded, so
  the exact residual ``max_i (H_i - L0 - L1 g_i)`` is at most a few units of ``eps * max_i (H_i + L0 + L1 g_i)``
  from 0 (we allow 8);
* forward error: between vertices the frontier is linear and the exact ``min_L1(L0) = max_i (H_i - L0) / g_i`` has
  slope ``-1 / g_b`` for the binding point ``b``, so a backward error ``r`` moves ``L1`` by ``r / g_b``; the bound
  is ``16 eps scale / g_b`` (twice the backward bound, for the interpolation) plus the rounding of ``L1`` itself.

With ``g = (7, 1e-5)`` and ``H = (587, 567)`` the previous implementation re-evaluated ``min_L1`` at the vertex
``L0 = 566.99997...`` and divided ``567 - L0`` by ``1e-5``, an error of ``eps * 567 / 1e-5 ~ 1e-8`` in ``L1``; the
example pins that input.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from landscapelab import smoothness as sm

EPS = np.finfo(float).eps


def exact_min_L1(H, g, L0):
    """``max(0, max_i (H_i - L0) / g_i)`` over ``g_i > 0`` exactly, and the ``g`` of the binding point."""
    best, binding = Fraction(0), 1.0
    for h, x in zip(H, g):
        if x > 0:
            value = (Fraction(float(h)) - L0) / Fraction(float(x))
            if value > best:
                best, binding = value, float(x)
    return best, binding


def scale_of(H, g, L0, L1):
    return max(float(h) + abs(float(L0)) + abs(float(L1)) * float(x) for h, x in zip(H, g))


POINTS = st.lists(st.tuples(st.one_of(st.just(0.0), st.floats(1e-6, 100)),
                            st.one_of(st.just(0.0), st.floats(1e-6, 1000))), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(POINTS)
@example([(7.0, 587.0), (1e-5, 567.0)])
@example([(0.0, 3.0), (1.0, 2.0), (2.0, 10.0)])
@example([(0.0, 0.0)])
def test_admissible_frontier_is_exact(points):
    g = np.array([p[0] for p in points])
    H = np.array([p[1] for p in points])
    L0s, L1s = sm.admissible_frontier(H, g)
    assert np.all(np.diff(L0s) > 0) and np.all(np.diff(L1s) < 0)
    assert L1s[-1] == 0.0 and L0s[-1] == H.max()
    floor = H[g == 0].max() if np.any(g == 0) else 0.0
    assert L0s[0] == floor                                    # the first vertex is at the smallest admissible L0
    for a, b in zip(L0s, L1s):                                # every vertex covers all points, tightly
        residual = max(Fraction(float(h)) - Fraction(float(a)) - Fraction(float(b)) * Fraction(float(x))
                       for h, x in zip(H, g))
        assert abs(residual) <= 8 * EPS * scale_of(H, g, a, b)
    # between the vertices the frontier is the exact min_L1, to the forward error its conditioning allows
    lo, hi = Fraction(float(L0s[0])), Fraction(float(L0s[-1]))
    for k in range(50):
        L0 = float(lo + (hi - lo) * k / 49)
        L1 = float(np.interp(L0, L0s, L1s))
        exact, binding = exact_min_L1(H, g, Fraction(L0))
        tol = 16 * EPS * scale_of(H, g, L0, L1) / binding + 4 * EPS * float(exact)
        assert abs(Fraction(L1) - exact) <= tol, (L0, L1, float(exact), tol)


def test_pinned_cancellation_example_is_accurate_to_rounding():
    L0s, L1s = sm.admissible_frontier(np.array([587.0, 567.0]), np.array([7.0, 1e-5]))
    assert L0s.size == 3 and L0s[0] == 0.0 and L1s[0] == 567.0 / 1e-5
    # the middle vertex is the line through both points: L1 = 20 / 6.99999, L0 = 567 - L1 * 1e-5
    L1_exact = Fraction(20) / (Fraction(7) - Fraction(1e-5))
    L0_exact = Fraction(567) - L1_exact * Fraction(1e-5)
    assert abs(Fraction(float(L1s[1])) - L1_exact) <= 2 * EPS * L1_exact
    assert abs(Fraction(float(L0s[1])) - L0_exact) <= 2 * EPS * L0_exact
    # the previous implementation's detour through min_L1 at the vertex loses ~1e-8 here
    assert abs(sm.min_L1(np.array([587.0, 567.0]), np.array([7.0, 1e-5]), L0s[1]) - float(L1_exact)) > 1e-9


def test_smallest_cover_is_tight():
    rng = np.random.default_rng(0)
    for _ in range(50):
        g, H = rng.uniform(0, 10, 8), rng.uniform(0, 100, 8)
        s, s1 = sm.smallest_cover(H, g)
        assert s == s1
        exact = max(Fraction(float(h)) / (1 + Fraction(float(x))) for h, x in zip(H, g))
        assert abs(Fraction(s) - exact) <= 2 * EPS * exact
        L0s, L1s = sm.admissible_frontier(H, g)
        # the diagonal point lies on the frontier: min_L1(s) = s, up to rounding
        assert sm.min_L1(H, g, s) == pytest.approx(s, rel=1e-12)
        assert np.interp(s, L0s, L1s) == pytest.approx(s, rel=1e-9, abs=1e-9)
