import autograd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapelab as ll


def problem(widths=(3, 5, 4, 2), activation="tanh", loss="square", n=7, seed=0, **net_kwargs):
    rng = np.random.default_rng(seed)
    net = ll.MLP(list(widths), activation=activation, **net_kwargs)
    X = rng.standard_normal((n, widths[0]))
    Y = rng.standard_normal((n, widths[-1])) if loss == "square" else rng.dirichlet(np.ones(widths[-1]), n)
    return net, X, Y, ll.loss_function(net, X, Y, loss=loss), net.init(seed=seed + 1)


def test_square_loss_is_the_plain_sum_of_squares():
    pred = np.array([[1.0, 2.0], [0.5, -1.0]])
    Y = np.array([[0.0, 2.0], [1.0, 1.0]])
    assert ll.losses.square(pred, Y) == pytest.approx(1.0 + 0.0 + 0.25 + 4.0, rel=1e-15)


def test_cross_entropy_matches_explicit_logs_and_allows_soft_labels():
    pred = np.array([[1.0, 2.0, 0.5], [-3.0, 0.0, 3.0]])
    Y = np.array([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]])
    p = np.exp(pred) / np.exp(pred).sum(axis=1, keepdims=True)
    assert ll.losses.cross_entropy(pred, Y) == pytest.approx(-(Y * np.log(p)).sum(), rel=1e-14)
    # stable for huge logits
    assert np.isfinite(ll.losses.cross_entropy(1e4 * pred, Y))


def test_cross_entropy_takes_integer_labels():
    net, X, _, _, w = problem(loss="cross_entropy", widths=(3, 4, 3))
    labels = np.array([0, 2, 1, 1, 0, 2, 2])
    f_int = ll.loss_function(net, X, labels, loss="cross_entropy")
    f_hot = ll.loss_function(net, X, np.eye(3)[labels], loss="cross_entropy")
    assert f_int(w) == f_hot(w)


@pytest.mark.parametrize("loss", ["square", "cross_entropy"])
@pytest.mark.parametrize("config", [
    dict(activation="tanh"), dict(activation="gelu", parametrization="ntk"), dict(activation="softplus", bias=False),
    dict(activation="sin", output_activation="tanh"), dict(activation="elu", output_activation="softplus"),
])
def test_gradient_hvp_gnvp_match_autograd(loss, config):
    net, X, Y, f, w = problem(loss=loss, **config)
    H = np.asarray(autograd.hessian(f)(w))
    np.testing.assert_allclose(f.gradient(w), autograd.grad(f)(w), rtol=1e-12, atol=1e-13 * np.abs(H).max())
    V = np.random.default_rng(3).standard_normal((5, net.n_params))
    HV = V @ H
    assert np.abs(f.hvp(w, V) - HV).max() <= 1e-12 * np.abs(HV).max()
    np.testing.assert_allclose(f.hvp(w, V[0]), f.hvp(w, V)[0], rtol=1e-14, atol=1e-14)
    # Gauss-Newton: J^T H_out J with the Jacobian of the outputs and the loss Hessian in output space by autograd
    J = np.asarray(autograd.jacobian(lambda w: net(w, X).ravel())(w))
    out = net(w, X)
    loss_fn = ll.losses.LOSSES[loss].value
    H_out = np.asarray(autograd.hessian(lambda o: loss_fn(o.reshape(out.shape), f.Y))(out.ravel()))
    G = J.T @ H_out @ J
    assert np.abs(f.gnvp(w, V) - V @ G).max() <= 1e-12 * np.abs(V @ G).max()


def test_value_and_scale():
    net, X, Y, f, w = problem()
    half_mean = ll.loss_function(net, X, Y, scale=0.5 / len(X))
    assert half_mean(w) == pytest.approx(f(w) * 0.5 / len(X), rel=1e-15)
    assert f.value(w) == pytest.approx(float(f(w)), rel=1e-15)
    np.testing.assert_allclose(half_mean.gradient(w), f.gradient(w) * 0.5 / len(X), rtol=1e-14)


def test_cache_follows_in_place_changes():
    net, X, Y, f, w = problem()
    g0 = f.gradient(w)
    w2 = w.copy()
    f.gradient(w2)
    w2 += 0.1
    np.testing.assert_allclose(f.gradient(w2), autograd.grad(f)(w2), rtol=1e-12)
    np.testing.assert_array_equal(f.gradient(w), g0)


@given(seed=st.integers(0, 10_000), depth=st.integers(0, 3), width=st.integers(1, 5))
@settings(max_examples=25, deadline=None)
def test_gradient_property_random_architectures(seed, depth, width):
    widths = [2] + [width] * depth + [2]
    net, X, Y, f, w = problem(widths=widths, seed=seed, n=3)
    np.testing.assert_allclose(f.gradient(w), autograd.grad(f)(w), rtol=1e-11, atol=1e-12)


def test_bad_input():
    net, X, Y, f, w = problem()
    with pytest.raises(ValueError, match="loss: expected one of 'square', 'cross_entropy'; got 'hinge'"):
        ll.loss_function(net, X, Y, loss="hinge")
    with pytest.raises(ValueError, match=r"Y: expected shape \(7, 2\), got \(7, 3\)"):
        ll.loss_function(net, X, np.ones((7, 3)))
    Y_bad = Y.copy()
    Y_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Y: contains 1 non-finite"):
        ll.loss_function(net, X, Y_bad)
    with pytest.raises(ValueError, match="non-negative"):
        ll.loss_function(net, X, -np.ones((7, 2)), loss="cross_entropy")
    with pytest.raises(ValueError, match="integer class labels"):
        ll.loss_function(net, X, np.array([0, 1, 2, 0, 1, 0, 1]), loss="cross_entropy")
    with pytest.raises(TypeError, match="net: expected a landscapelab.MLP"):
        ll.loss_function("net", X, Y)
    P = net.n_params
    with pytest.raises(ValueError, match=rf"v: expected shape \({P},\) or \(k, {P}\), got \({P - 1},\)"):
        f.hvp(w, np.ones(P - 1))
    with pytest.raises(ValueError, match="w: expected shape"):
        f.gradient(w[:3])


def test_student_mistakes_end_in_a_message_not_a_number():
    import landscapelab as ll
    from landscapelab.testing import random_problem

    p = random_problem((3, 4, 1), n=5)
    with pytest.raises(ValueError, match=r"Y: expected the shape of the predictions \(5, 1\), got \(5,\)"):
        ll.losses.square(p.net(p.w, p.X), p.Y[:, 0])
    with pytest.raises(TypeError, match="scale: expected a finite number, got '2'"):
        ll.loss_function(p.net, p.X, p.Y, scale="2")
    with pytest.raises(ValueError, match="cross-entropy needs at least 2 outputs"):
        ll.loss_function(p.net, p.X, np.ones((5, 1)), loss="cross_entropy")
    for factor in (1e155, 1e200):
        with pytest.raises(FloatingPointError, match="overflow in the"):
            p.f.gradient(p.w * factor)
        with pytest.raises(FloatingPointError, match="overflow in the"):
            p.f.value(p.w * factor)
    assert np.isfinite(p.f.value(p.w * 1e3))          # large but representable: no error
