"""MilneNetwork: Milne's structured determinant with the weights prepared once.

Oracles: LAPACK's dense LU determinant of Milne's matrix A(a, W) (``numpy.linalg.det`` of ``milne_matrix``), the
forward pass of the core library's MLP (independent code), and ``milne_det`` (which validates on every call; the
prepared call must give the same float, bit for bit, since it runs the same kernel on the same flat weights).
"""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.convexity import MilneNetwork, milne_det, milne_matrix

SHAPES = [(1, ()), (3, ()), (2, (2,)), (3, (4,)), (2, (3, 3)), (4, (5, 3, 2)), (3, (6, 6, 6, 6)), (5, (8,) * 7)]


def random_net(n0, hidden, rng):
    dims = [n0, *hidden, 1]
    return [rng.standard_normal((p, q)) for p, q in zip(dims[:-1], dims[1:])]


def mlp_output(a, weights):
    dims = [len(a)] + [W.shape[1] for W in weights]
    net = ll.MLP(dims, activation="relu", bias=False, output_activation="relu")
    return float(net(net.flatten([(W.T, None) for W in weights]), np.asarray(a)[None, :])[0, 0])


@pytest.mark.parametrize("n0, hidden", SHAPES)
def test_prepared_det_against_dense_lu_forward_pass_and_milne_det(n0, hidden):
    rng = np.random.default_rng(7 + n0 + 10 * len(hidden))
    for _ in range(4):
        weights = random_net(n0, hidden, rng)
        net = MilneNetwork(weights)
        assert net.dims == (n0, *hidden, 1) and net.H == len(hidden)
        for _ in range(10):
            a = rng.standard_normal(n0)
            for corner, sign in (("corrected", 1.0), ("paper", -1.0)):
                d = net.det(a, corner=corner)
                assert d == milne_det(a, weights, corner=corner)          # same kernel, same flat weights
                dense = float(np.linalg.det(milne_matrix(a, weights, corner=corner)))
                # LU of an n x n matrix: rounding of the order of n eps times the sum of |path terms|, which the
                # product of the column 1-norms bounds
                scale = np.prod([max(1.0, np.abs(W).sum(axis=0).max()) for W in weights]) * max(1.0, np.abs(a).sum())
                assert abs(d - dense) <= 1e-12 * scale
                y = mlp_output(a, weights)
                assert abs(d - sign * y) <= 1e-13 * scale


def test_prepared_det_keeps_its_own_copy_and_accepts_lists():
    weights = [np.array([[1.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [2.0]])]
    net = MilneNetwork(weights)
    weights[1][:] = 0.0                                   # the caller's arrays change; the prepared network not
    assert net.det([1.0, 2.0]) == pytest.approx(5.0, abs=1e-14)
    assert net.det(np.array([1, 2])) == pytest.approx(5.0, abs=1e-14)        # integers, converted
    assert net.det(np.array([1.0, 2.0, 0.0])[:2]) == pytest.approx(5.0, abs=1e-14)
    assert net.det(np.array([1.0, 0.0, 2.0])[::2]) == pytest.approx(5.0, abs=1e-14)   # a strided view


@pytest.mark.parametrize("a, error, match", [
    ([1.0], ValueError, "a: expected shape \\(2,\\)"), ([1.0, np.nan], ValueError, "a"),
    ([[1.0, 2.0]], ValueError, "a"), ([1.0, 2j], TypeError, "a"), ("ab", (TypeError, ValueError), "a")])
def test_bad_inputs_name_the_argument(a, error, match):
    net = MilneNetwork([np.ones((2, 2)), np.ones((2, 1))])
    with pytest.raises(error, match=match):
        net.det(a)


def test_bad_weights_and_corner_name_the_argument():
    with pytest.raises(ValueError, match="weights\\[1\\]"):
        MilneNetwork([np.ones((2, 2)), np.ones((3, 1))])
    with pytest.raises(ValueError, match="weights\\[1\\]"):
        MilneNetwork([np.ones((2, 2)), np.array([[1.0], [np.inf]])])
    with pytest.raises(TypeError, match="weights"):
        MilneNetwork(np.ones((2, 1)))
    with pytest.raises(ValueError, match="corner"):
        MilneNetwork([np.ones((2, 1))]).det([1.0, 2.0], corner="printed")
