import math

import autograd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapelab as ll

widths_strategy = st.lists(st.integers(1, 6), min_size=2, max_size=5)


def forward_loop(net, w, X):
    """Independent twin of the forward pass: one sample at a time, explicit sums, unflattening by hand."""
    out = []
    for x in X:
        h = list(x)
        pos = 0
        for i, (fan_in, fan_out) in enumerate(zip(net.widths[:-1], net.widths[1:])):
            M = [[w[pos + r * fan_in + c] for c in range(fan_in)] for r in range(fan_out)]
            pos += fan_in * fan_out
            b = [0.0] * fan_out
            if net.bias:
                b = list(w[pos:pos + fan_out])
                pos += fan_out
            scale = 1 / math.sqrt(fan_in) if net.parametrization == "ntk" else 1.0
            z = [scale * sum(M[r][c] * h[c] for c in range(fan_in)) + b[r] for r in range(fan_out)]
            last = i == len(net.widths) - 2
            if not last:
                h = [float(net.activation(np.array(v))) for v in z]
            elif net.output_activation is not None:
                h = [float(net.output_activation(np.array(v))) for v in z]
            else:
                h = z
        out.append(h)
    return np.array(out)


@given(widths=widths_strategy, bias=st.booleans())
@settings(max_examples=60, deadline=None)
def test_n_params_and_flatten_round_trip(widths, bias):
    net = ll.MLP(widths, bias=bias)
    expected = sum(o * (i + (1 if bias else 0)) for i, o in zip(widths[:-1], widths[1:]))
    assert net.n_params == expected
    assert net.depth == len(widths) - 2
    w = net.init(seed=len(widths))
    assert w.shape == (expected,) and w.dtype == np.float64
    layers = net.unflatten(w)
    for (M, b), (fan_in, fan_out) in zip(layers, zip(widths[:-1], widths[1:])):
        assert M.shape == (fan_out, fan_in)
        assert (b is None) == (not bias) and (b is None or b.shape == (fan_out,))
    assert np.array_equal(net.flatten(layers), w)
    rebuilt = net.unflatten(net.flatten([(M.copy(), None if b is None else b.copy()) for M, b in layers]))
    assert all(np.array_equal(M1, M2) for (M1, _), (M2, _) in zip(rebuilt, layers))


def test_flat_order_is_layer_by_layer_rows_then_bias():
    net = ll.MLP([2, 2, 1])
    w = np.arange(net.n_params, dtype=float)
    (M1, b1), (M2, b2) = net.unflatten(w)
    np.testing.assert_array_equal(M1, [[0, 1], [2, 3]])
    np.testing.assert_array_equal(b1, [4, 5])
    np.testing.assert_array_equal(M2, [[6, 7]])
    np.testing.assert_array_equal(b2, [8])


@pytest.mark.parametrize("parametrization", ["standard", "ntk"])
@pytest.mark.parametrize("output_activation", [None, "sigmoid"])
@pytest.mark.parametrize("bias", [True, False])
def test_forward_matches_an_explicit_loop(parametrization, output_activation, bias):
    rng = np.random.default_rng(0)
    net = ll.MLP([3, 4, 5, 2], activation="gelu", bias=bias, parametrization=parametrization,
                 output_activation=output_activation)
    w = net.init(seed=1)
    X = rng.standard_normal((5, 3))
    np.testing.assert_allclose(net(w, X), forward_loop(net, w, X), rtol=1e-13, atol=1e-14)


def test_ntk_parametrisation_scales_by_fan_in():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 9))
    std = ll.MLP([9, 16, 1], activation="identity", bias=False)
    ntk = ll.MLP([9, 16, 1], activation="identity", bias=False, parametrization="ntk")
    w = rng.standard_normal(std.n_params)
    np.testing.assert_allclose(ntk(w, X), std(w, X) / (3 * 4), rtol=1e-14)


def test_init_laws_and_seeds():
    net = ll.MLP([400, 300, 1])
    w = net.init(seed=5)
    np.testing.assert_array_equal(w, net.init(seed=5))
    assert not np.array_equal(w, net.init(seed=6))
    np.testing.assert_array_equal(w, net.init(rng=np.random.default_rng(5)))
    M1, b1 = net.unflatten(w)[0]
    # 120000 N(0, 1/400) draws: the sample variance is 1/400 within a few relative standard errors sqrt(2/N)
    assert abs(M1.var() * 400 - 1) < 5 * math.sqrt(2 / M1.size)
    ntk = ll.MLP([400, 300, 1], parametrization="ntk")
    M1, _ = ntk.unflatten(ntk.init(seed=5))[0]
    assert abs(M1.var() - 1) < 5 * math.sqrt(2 / M1.size)


def test_features_are_the_hidden_post_activations():
    rng = np.random.default_rng(1)
    net = ll.MLP([2, 3, 4, 1], activation="tanh")
    w = net.init(seed=0)
    X = rng.standard_normal((6, 2))
    (M1, b1), (M2, b2), _ = net.unflatten(w)
    h1 = np.tanh(X @ M1.T + b1)
    np.testing.assert_allclose(net.features(w, X, layer=1), h1, rtol=1e-14)
    np.testing.assert_allclose(net.features(w, X, layer=2), np.tanh(h1 @ M2.T + b2), rtol=1e-14)
    np.testing.assert_allclose(net.features(w, X), net.features(w, X, layer=2))


def test_forward_is_differentiable_by_autograd():
    rng = np.random.default_rng(2)
    net = ll.MLP([2, 3, 1], activation="sin")
    w = net.init(seed=0)
    X = rng.standard_normal((4, 2))
    f = lambda w: np.sum(net(w, X) ** 2)  # noqa: E731
    grad = autograd.grad(f)(w)
    eps = 1e-6
    fd = np.array([(f(w + eps * e) - f(w - eps * e)) / (2 * eps) for e in np.eye(net.n_params)])
    np.testing.assert_allclose(grad, fd, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("widths, error, match", [
    ([3], ValueError, "widths: expected at least"),
    ([3, 0, 1], ValueError, r"widths\[1\]: expected a positive integer, got 0"),
    ([3, 2.5, 1], TypeError, r"widths\[1\]"),
    ([3, True, 1], TypeError, r"widths\[1\]"),
    ("32", TypeError, "widths"),
    (5, TypeError, "widths"),
])
def test_bad_widths(widths, error, match):
    with pytest.raises(error, match=match):
        ll.MLP(widths)


def test_numpy_integer_widths_are_accepted():
    assert ll.MLP(np.array([2, 3, 1])).widths == (2, 3, 1)


def test_bad_arguments_name_themselves():
    net = ll.MLP([2, 3, 1])
    w = net.init()
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"w: expected shape \(13,\), got \(12,\)"):
        net(w[:-1], X)
    with pytest.raises(ValueError, match=r"X: expected shape \(n, 2\), got \(4, 3\)"):
        net(w, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X: expected shape"):
        net(w, np.ones(2))
    with pytest.raises(ValueError, match="w: contains 1 non-finite"):
        net(np.where(np.arange(13) == 3, np.nan, w), X)
    with pytest.raises(ValueError, match="X: contains 1 non-finite"):
        net(w, np.array([[1.0, np.inf]] + [[0.0, 0.0]] * 3))
    with pytest.raises(ValueError, match="activation: unknown name"):
        ll.MLP([2, 1], activation="swish")
    with pytest.raises(ValueError, match="parametrization: expected one of 'standard', 'ntk'; got 'mup'"):
        ll.MLP([2, 1], parametrization="mup")
    with pytest.raises(TypeError, match="bias"):
        ll.MLP([2, 1], bias="yes")
    with pytest.raises(ValueError, match=r"layer: expected 1..1"):
        net.features(w, X, layer=2)
    with pytest.raises(ValueError, match="features: the network has no hidden layer"):
        ll.MLP([2, 1]).features(np.zeros(3), X)
    with pytest.raises(ValueError, match=r"M_1: expected shape \(3, 2\)"):
        net.flatten([(np.ones((2, 3)), np.ones(3)), (np.ones((1, 3)), np.ones(1))])
    with pytest.raises(ValueError, match="b_1: the network has no biases"):
        ll.MLP([2, 3, 1], bias=False).flatten([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 3)), None)])
    with pytest.raises(TypeError, match="w: expected an array of numbers"):
        net("weights", X)


def test_per_layer_activations_and_biases():
    net = ll.MLP([2, 4, 3, 4, 1], activation=["tanh", "identity", "sin"], bias=[True, False, True, False],
                 parametrization="ntk")
    assert net.activation is None and net.bias is None
    assert [a.name for a in net.activations] == ["tanh", "identity", "sin"]
    assert net.n_params == 2 * 4 + 4 + 4 * 3 + 3 * 4 + 4 + 4 * 1
    w = net.init(seed=2)
    layers = net.unflatten(w)
    assert [b is None for _, b in layers] == [False, True, False, True]
    assert np.array_equal(net.flatten(layers), w)
    X = np.random.default_rng(0).standard_normal((5, 2))
    h = X
    for i, ((M, b), act) in enumerate(zip(layers[:-1], (np.tanh, lambda z: z, np.sin))):
        z = h @ M.T / np.sqrt(net.widths[i])
        h = act(z if b is None else z + b)
    expected = h @ layers[-1][0].T / np.sqrt(4)
    assert np.allclose(net(w, X), expected, rtol=1e-14, atol=1e-14)
    assert np.allclose(net.features(w, X, layer=3), h, rtol=1e-14, atol=1e-14)
    assert "activation=['tanh', 'identity', 'sin']" in repr(net) and "bias=[True, False, True, False]" in repr(net)
    uniform = ll.MLP([2, 3, 3, 1], activation=["tanh", "tanh"], bias=[False, False, False])
    assert uniform.activation.name == "tanh" and uniform.bias is False


def test_per_layer_options_are_checked():
    with pytest.raises(ValueError, match=r"activation: expected one activation per hidden layer \(2\), got 3"):
        ll.MLP([2, 3, 3, 1], activation=["tanh"] * 3)
    with pytest.raises(ValueError, match="activation: expected one activation per hidden layer"):
        ll.MLP([2, 1], activation=[])
    with pytest.raises(ValueError, match=r"bias: expected True, False or 3 booleans"):
        ll.MLP([2, 3, 3, 1], bias=[True, False])
    with pytest.raises(TypeError, match="bias: expected True or False"):
        ll.MLP([2, 3, 1], bias="yes")
