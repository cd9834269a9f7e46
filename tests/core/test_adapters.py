"""Bring-your-own-model adapters: autograd and JAX functions through the curvature tools, against dense oracles."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import landscapelab as ll
from landscapelab.adapters import autograd_function, jax_function
from landscapelab.curvature import SupportsHVP
from landscapelab.testing import check_gradient, check_hvp, rel_error


def rosenbrock(w):
    return anp.sum(100.0 * (w[1:] - w[:-1] ** 2) ** 2 + (1.0 - w[:-1]) ** 2)


W = np.linspace(-1.2, 1.4, 9)


def test_autograd_adapter():
    f = autograd_function(rosenbrock)
    assert isinstance(f, SupportsHVP)
    check_gradient(f, W)
    check_hvp(f, W)
    H = np.asarray(autograd.hessian(rosenbrock)(W))
    assert rel_error(ll.eigenvalues(f, W, k=2), np.linalg.eigvalsh(H)[::-1][:2]) <= 1e-10


def test_jax_adapter_matches_autograd():
    pytest.importorskip("jax")
    import jax.numpy as jnp

    def jax_rosenbrock(w):
        return jnp.sum(100.0 * (w[1:] - w[:-1] ** 2) ** 2 + (1.0 - w[:-1]) ** 2)

    f = jax_function(jax_rosenbrock)
    H = np.asarray(autograd.hessian(rosenbrock)(W))
    V = np.random.default_rng(0).standard_normal((4, W.size))
    assert f(W) == pytest.approx(float(rosenbrock(W)), rel=1e-14)
    assert rel_error(f.gradient(W), autograd.grad(rosenbrock)(W)) <= 1e-13
    assert rel_error(f.hvp(W, V), V @ H) <= 1e-13 and rel_error(f.hvp(W, V[0]), H @ V[0]) <= 1e-13
    assert rel_error(ll.hessian(f, W), H) <= 1e-13
    assert ll.eigenvalues(f, W, k=1)[0] == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-10)
