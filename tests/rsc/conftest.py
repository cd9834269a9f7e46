"""Shared oracles of the rsc tests: eq. (1) of the paper written out with autograd.numpy, independently of the
library's MLP and of its hand-written passes."""

import math

import autograd.numpy as anp
import pytest

from landscapelab import activations


def eq1(widths, activation, w, X):
    """f(theta; x_i) for every row of X: alpha^(l) = phi(W^(l) alpha^(l-1) / sqrt(m_{l-1})), f = v^T alpha /
    sqrt(m)."""
    phi = activations.get(activation).fn
    start, alpha = 0, X.T
    for fan_in, fan_out in zip(widths[:-2], widths[1:-1]):
        W = anp.reshape(w[start : start + fan_in * fan_out], (fan_out, fan_in))
        start += fan_in * fan_out
        alpha = phi(anp.dot(W, alpha) / math.sqrt(fan_in))
    return anp.dot(w[start:], alpha) / math.sqrt(widths[-2])


@pytest.fixture
def forward():
    return eq1
