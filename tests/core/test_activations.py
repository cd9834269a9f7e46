import math

import numpy as np
import pytest
import sympy as sp
from autograd import elementwise_grad

import landscapelab as ll
from landscapelab.activations import Activation

SMOOTH = [n for n in ll.activations.names() if ll.activations.get(n).smoothness == math.inf]
# Points away from the kinks of relu/leaky_relu/elu (at 0), where one-sided conventions differ.
X = np.concatenate([np.linspace(-6, -0.05, 40), np.linspace(0.05, 6, 40)])

u = sp.Symbol("u", real=True)
SYMPY = {
    "tanh": sp.tanh(u), "sin": sp.sin(u), "arctan": sp.atan(u), "erf": sp.erf(u),
    "silu": u / (1 + sp.exp(-u)), "gelu": u * (1 + sp.erf(u / sp.sqrt(2))) / 2,
    "mish": u * sp.tanh(sp.log(1 + sp.exp(u))), "sigmoid": 1 / (1 + sp.exp(-u)),
    "softplus": sp.log(1 + sp.exp(u)), "identity": u,
}


def test_the_issue_activations_are_registered():
    required = {"tanh", "sin", "arctan", "erf", "silu", "gelu", "mish", "sigmoid", "softplus", "relu",
                "leaky_relu", "elu"}
    assert required <= set(ll.activations.names())


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("name", ll.activations.names())
def test_derivatives_match_autograd(name):
    act = ll.activations.get(name)
    d1 = elementwise_grad(act.fn)(X)
    d2 = elementwise_grad(elementwise_grad(act.fn))(X)
    np.testing.assert_allclose(act.d1(X), d1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(act.d2(X), d2, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name", sorted(SYMPY))
def test_function_and_derivatives_match_sympy(name):
    act = ll.activations.get(name)
    expr = SYMPY[name]
    for order, ours in ((0, act.fn), (1, act.d1), (2, act.d2)):
        exact = sp.lambdify(u, sp.diff(expr, u, order), modules=["mpmath"])
        expected = np.array([float(exact(sp.Float(x, 30))) for x in X[::7]])
        np.testing.assert_allclose(ours(X[::7]), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ll.activations.names())
def test_zero_is_an_exact_root(name):
    act = ll.activations.get(name)
    if act.zero is None:
        assert name in {"sigmoid", "softplus"}
        xs = np.linspace(-30, 30, 1001)
        assert np.all(act(xs) > 0)
    else:
        assert act(np.array([act.zero]))[0] == 0.0


def test_smoothness_facts():
    assert ll.activations.get("relu").smoothness == 0
    assert ll.activations.get("leaky_relu").smoothness == 0
    assert ll.activations.get("elu").smoothness == 1
    # ELU: sigma' is continuous at 0 but sigma'' jumps from 1 to 0
    elu = ll.activations.get("elu")
    assert elu.d1(np.array([-1e-12]))[0] == pytest.approx(1.0)
    assert elu.d2(np.array([-1e-12]))[0] == pytest.approx(1.0) and elu.d2(np.array([1e-12]))[0] == 0.0
    assert all(ll.activations.get(n).smoothness == math.inf for n in SYMPY)


def test_numerically_stable_for_large_inputs():
    big = np.array([-800.0, -50.0, 50.0, 800.0])
    for name in ll.activations.names():
        act = ll.activations.get(name)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = [act(big), act.d1(big), act.d2(big)]
        assert all(np.all(np.isfinite(v)) for v in values), name
    np.testing.assert_allclose(ll.activations.get("softplus")(big), [0.0, np.log1p(np.exp(-50.0)), 50.0, 800.0],
                               rtol=1e-15, atol=1e-300)


def test_get_errors_name_the_argument():
    with pytest.raises(ValueError, match="activation: unknown name 'swish'.*tanh"):
        ll.activations.get("swish")
    with pytest.raises(TypeError, match="activation"):
        ll.activations.get(3)


def test_get_passes_activation_objects_through_and_custom_ones_work_in_a_net():
    square_minus_one = Activation("u2m1", lambda x: x**2 - 1, lambda x: 2 * x, lambda x: 0 * x + 2, 1.0, math.inf)
    assert ll.activations.get(square_minus_one) is square_minus_one
    net = ll.MLP([1, 2, 1], activation=square_minus_one)
    w = net.flatten([(np.array([[1.0], [2.0]]), np.zeros(2)), (np.array([[1.0, 1.0]]), np.zeros(1))])
    np.testing.assert_allclose(net(w, np.array([[3.0]])), [[(9 - 1) + (36 - 1)]])
