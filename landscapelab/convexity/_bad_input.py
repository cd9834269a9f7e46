"""Valid example calls of the convexity package for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).

A new public function whose required arguments are not named below needs an entry in ``ARGUMENTS`` (a valid value
by argument name) or ``CALLS`` (a whole valid call, keyed ``"module.function"``).
"""

import functools

import numpy as np

from . import kink, milne_network, network, region


@functools.cache
def _teacher():
    return region.teacher((2, 3, 1), 8, 3.0, seed=1)


def _weights():
    t = _teacher()
    return network.unflatten(t.w, t.dims)


def _direction():
    return np.random.default_rng(0).standard_normal(network.n_weights(_teacher().dims))


def _samples():
    from .sampled_curvature import curvature_samples

    return curvature_samples(1, 3.0, n=8)


ARGUMENTS = {
    "w": lambda: _teacher().w.copy(), "w0": lambda: _teacher().w.copy(), "w1": lambda: _teacher().w.copy(),
    "w2": lambda: 1.01 * _teacher().w, "X": lambda: _teacher().X.copy(), "F": lambda: _teacher().F.copy(),
    "dims": lambda: (2, 3, 1), "beta": lambda: 3.0, "lam": lambda: 0.05, "theta": lambda: 0.025,
    "a": lambda: _teacher().X[0].copy(), "weights": _weights, "direction": _direction, "v": _direction, "N": lambda: 8,
    "eta": lambda: 0.5, "H": lambda: 1, "t": _teacher, "extent": lambda: 0.5, "target": lambda: 0.5,
    "targets": lambda: np.array([0.5, 1.5]), "A": lambda: np.array([[2.0, 1.0], [1.0, 3.0]]),
    "samples": _samples,
    "Xm": lambda: np.array([[0.0, 1.0], [1.0, 0.0]]), "pad": lambda: 2, "j": lambda: 0, "k": lambda: 1,
}

CALLS = {
    "sampled_curvature.curvature_samples": lambda: ((1, 3.0), {"n": 8}),
    "kink.KinkSegment.point": lambda: ((0.5,), {}), "kink.KinkSegment.loss": lambda: ((0.5,), {}),
    "kink.KinkSegment.pieces": lambda: ((0.5,), {}),
    "kink.KinkSegment.slopes": lambda: ((), {}),
}

INSTANCES = {
    "regularised_loss.Objective": lambda: __import__("landscapelab.convexity", fromlist=["objective"]).objective(
        _teacher().X, _teacher().F, _teacher().dims, lam=0.05),
    "kink.KinkSegment": lambda: kink.kink_segment(),
    "milne_network.MilneNetwork": lambda: milne_network.MilneNetwork(_weights()),
}

NOT_CALLED = {
    "accuracy.AccuracyTable": "a record returned by accuracy_table",
    "bounds.BoundChain": "a record returned by bound_chain",
    "region.Membership": "a record returned by membership",
    "region.Teacher": "a record returned by teacher (which checks its arguments)",
    "kink.KinkSegment": "a record built by kink_segment (which checks its arguments); its methods are tested",
    "bounds.BoundChain.as_list": "a method of a record without arguments",
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    ("regularised_loss.Objective.hvp", "v"): {"wrong rank"},      # one direction or a (k, m) block of them
    ("kink.KinkSegment.pieces", "t"): {"wrong rank"},        # vectorised over any array of t
}
