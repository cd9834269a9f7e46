"""Gradient descent, plain and clipped, against a hand-written loop."""

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.optim import gradient_descent


def test_plain_and_clipped_gradient_descent_match_a_direct_loop():
    rng = np.random.default_rng(0)
    net = ll.MLP([2, 5, 1])
    X, Y = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    f = ll.loss_function(net, X, Y)
    w0 = net.init(seed=0)
    for clip in (None, 0.5, 1e9):
        w, history = gradient_descent(f, w0, lr=0.05, steps=20, clip=clip)
        v = w0.copy()
        for _ in range(20):
            g = f.gradient(v)
            scale = 1.0 if clip is None else min(1.0, clip / np.linalg.norm(g))
            v = v - 0.05 * scale * g
        assert np.allclose(w, v, rtol=0, atol=1e-14)
        assert history["loss"][0] == pytest.approx(f(w0)) and history["loss"].size == 21
    plain, _ = gradient_descent(f, w0, lr=0.05, steps=20)
    huge, _ = gradient_descent(f, w0, lr=0.05, steps=20, clip=1e9)
    assert np.array_equal(plain, huge)                      # a threshold never reached changes nothing


def test_clipped_steps_never_exceed_lr_times_threshold():
    f = lambda w: np.sum(np.exp(w))                         # noqa: E731  gradients far above the threshold
    w = np.full(3, 4.0)
    for _ in range(5):
        w_next, _ = gradient_descent(f, w, lr=0.1, steps=1, clip=2.0)
        assert np.linalg.norm(w_next - w) == pytest.approx(0.2, rel=1e-12)
        w = w_next


def test_clip_must_be_positive():
    with pytest.raises(ValueError, match="clip"):
        gradient_descent(lambda w: np.sum(w**2), np.ones(2), lr=0.1, steps=1, clip=0.0)
    with pytest.raises(TypeError, match="clip"):
        gradient_descent(lambda w: np.sum(w**2), np.ones(2), lr=0.1, steps=1, clip=True)
