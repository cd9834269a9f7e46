"""Parametric activations and their inverses."""

import autograd
import numpy as np
import pytest

from landscapelab.wide import activations as acts


@pytest.mark.filterwarnings("ignore:Output seems independent of input")   # the second derivative of leaky ReLU
@pytest.mark.parametrize("name", ["leaky_relu(0.2)", "softplus(20)", "square", "cube", "exp", "power(4)"])
def test_derivatives_match_autograd(name):
    act = acts.get(name)
    x = np.array([-1.7, -0.3, 0.4, 2.1])
    d1 = np.array([autograd.grad(lambda t: act(t))(float(v)) for v in x])
    d2 = np.array([autograd.grad(autograd.grad(lambda t: act(t)))(float(v)) for v in x])
    assert np.allclose(act.d1(x), d1, rtol=1e-12, atol=1e-12)
    assert np.allclose(act.d2(x), d2, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ["leaky_relu(0.2)", "leaky_relu", "identity", "sigmoid", "tanh", "softplus",
                                  "softplus(20)", "cube"])
def test_inverse_round_trip(name):
    act = acts.get(name)
    t = np.linspace(-3, 3, 41)
    assert np.allclose(acts.inverse(act, act(t)), t, rtol=1e-9, atol=1e-9)


def test_inverse_refuses_non_invertible_and_out_of_range():
    with pytest.raises(ValueError, match="not invertible"):
        acts.inverse("relu", [1.0])
    with pytest.raises(ValueError, match="0, 1"):
        acts.inverse("sigmoid", [1.5])
    with pytest.raises(ValueError, match="alpha"):
        acts.leaky_relu(1.5)
    with pytest.raises(ValueError, match="cannot read"):
        acts.get("leaky_relu(x)")
    assert acts.get("leaky_relu(0.2)") is acts.leaky_relu(0.2)
