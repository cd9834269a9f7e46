"""The vectorised kernels added for speed: tanh against 40-digit mpmath and its NumPy twin; the column-elimination
determinant of det_batched against LAPACK, for real and complex stacks."""

import mpmath
import numpy as np
import pytest

import landscapelab as ll
from landscapelab import kernels as K
from landscapelab.kernels import determinant
from landscapelab.kernels import reference as R


def sample_points():
    rng = np.random.default_rng(0)
    magnitudes = np.concatenate([10.0 ** rng.uniform(-300, -8, 300), 10.0 ** rng.uniform(-8, 0, 1500),
                                 rng.uniform(0.0, 1.5, 1500), rng.uniform(1.5, 25.0, 1500),
                                 0.625 + np.arange(-40, 41) * np.spacing(0.625),      # the branch boundary
                                 20.0 + np.arange(-40, 41) * np.spacing(20.0)])       # where the cap starts
    signs = np.where(rng.random(magnitudes.size) < 0.5, -1.0, 1.0)
    return signs * magnitudes


def test_tanh_is_as_accurate_as_numpy():
    """Error in units in the last place of the exact value (40-digit mpmath): at most 1.25 for both functions on
    the sample (1.13 for each: the kernel on the exp branch, numpy.tanh below 0.625)."""
    mpmath.mp.dps = 40
    x = sample_points()
    ours, twin = K.tanh(x), R.tanh(x)
    worst = {"ours": 0.0, "numpy": 0.0}
    for xi, a, b in zip(x, ours, twin):
        exact = mpmath.tanh(mpmath.mpf(float(xi)))
        ulp = np.spacing(abs(float(exact)))
        worst["ours"] = max(worst["ours"], float(abs(mpmath.mpf(float(a)) - exact) / ulp))
        worst["numpy"] = max(worst["numpy"], float(abs(mpmath.mpf(float(b)) - exact) / ulp))
    assert worst["ours"] <= 1.25 and worst["numpy"] <= 1.25
    assert np.max(np.abs(ours - twin) / np.spacing(np.abs(twin))) <= 2.0


def test_tanh_special_values_shapes_and_out():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e300, -1e300])
    y = K.tanh(x)
    np.testing.assert_array_equal(y[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(y[1]) and not np.signbit(y[0])
    assert np.isnan(y[4])
    np.testing.assert_array_equal(y[5:], [5e-324, -5e-324, 1.0, -1.0])
    Z = np.random.default_rng(1).standard_normal((3, 4, 5))
    out = np.empty_like(Z)
    assert K.tanh(Z, out=out) is out
    np.testing.assert_allclose(out, np.tanh(Z), rtol=3e-16, atol=0)
    np.testing.assert_allclose(K.tanh(Z[:, ::2].T), np.tanh(Z[:, ::2].T), rtol=3e-16, atol=0)   # non-contiguous
    with pytest.raises(ValueError, match="out: expected a C-contiguous float64 array of shape"):
        K.tanh(Z, out=np.empty((3, 4)))
    with pytest.raises(TypeError, match="x: expected an array of numbers"):
        K.tanh("tanh")


def test_network_forward_pass_uses_the_kernel_and_keeps_autograd_agreement():
    p = ll.testing.random_problem(widths=(3, 40, 30, 2), n=20, seed=4)
    hidden = p.net.features(p.w, p.X, layer=1)            # autograd path: numpy.tanh
    from landscapelab import _backprop

    trace = _backprop.forward(p.net, p.w, p.X)
    np.testing.assert_array_equal(trace.h[1], K.tanh(trace.z[0]))
    assert np.max(np.abs(trace.h[1] - hidden) / np.spacing(np.abs(hidden))) <= 2.0
    assert p.f.value(p.w) == pytest.approx(float(p.f(p.w)), rel=1e-14)


@pytest.mark.parametrize("n", [1, 2, 5, 16, 33])
def test_column_elimination_determinants_match_lapack(n):
    rng = np.random.default_rng(n)
    As = rng.standard_normal((40, n, n))
    As[3] = 0.0                                             # singular: a zero pivot column
    if n > 1:
        As[4, :, 1] = As[4, :, 0]                           # singular: two equal columns
    ref = np.linalg.det(As)
    ours = K.det_batched(As)
    assert ours[3] == 0.0
    np.testing.assert_allclose(ours, ref, rtol=1e-11, atol=1e-12 * np.abs(ref).max())
    # the kernel is generic over the dtype: complex stacks against LAPACK
    Ac = As + 1j * rng.standard_normal((40, n, n))
    out = np.empty(40, dtype=np.complex128)
    assert determinant._det_columns_kernel(np.ascontiguousarray(Ac), out) == -1
    refc = np.linalg.det(Ac)
    np.testing.assert_allclose(out, refc, rtol=1e-11, atol=1e-12 * np.abs(refc).max())
