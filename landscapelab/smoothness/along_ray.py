"""Gradient and Hessian norms along Cooper's ray for any depth: the closed forms of
:class:`~landscapelab.smoothness.closed_form.Ray` through hidden layers, and for a network without hidden layers
the exact Hessian of :func:`~landscapelab.smoothness.depth0.depth0_hessian` and the network's backward pass."""

from __future__ import annotations

import numpy as np

from .._validate import checked
from ..losses import loss_function
from ..nets import MLP
from .depth0 import depth0_hessian
from .ray import _check_net, _ts, ray

__all__ = ["norms_along_ray"]


@checked(X="matrix", t="vector")
def norms_along_ray(net: MLP, X, Y, t, loss: str = "square", M=None, **ray_options) -> dict[str, np.ndarray]:
    """Gradient and Hessian norms at rho(t) for every t in ``t``, for any depth (closed forms throughout).

    Returns a dict with the arrays ``"t"``, ``"gradient"`` (Euclidean), ``"frobenius"``, ``"operator"`` and
    ``"gauss_newton"`` (operator norm of the Gauss-Newton part). For ``depth >= 1`` this is :class:`Ray` (extra
    keyword arguments go to it); for ``depth = 0`` the ray is ``(t M, 0)``, the Hessian is :func:`depth0_hessian`
    (equal to its Gauss-Newton part, the output being linear) and the gradient is the network's exact backward pass.

    Parameters
    ----------
    net : MLP
        Standard parametrisation, biases, no output activation.
    X, Y : array_like
        Data, ``(n, d_in)`` and ``(n, d_out)``.
    t : float or array_like
        The positions on the ray: a number or a 1-D array.
    loss : {"square", "cross_entropy"}
        The loss (eqs. 13-14).
    M : array_like, shape (d_out, c_l), optional
        The direction of the last layer (default :func:`default_direction`).
    **ray_options
        ``c``, ``offset``, ``absorb``: passed to :class:`Ray` (depth >= 1 only).

    Returns
    -------
    dict of str to ndarray
        The arrays ``"t"``, ``"gradient"``, ``"frobenius"``, ``"operator"`` and ``"gauss_newton"``.
    """
    ts = np.atleast_1d(_ts(t))
    _check_net(net)
    if net.depth >= 1:
        from .closed_form import Ray      # closed_form re-exports this function

        r = Ray(net, X, Y, loss=loss, M=M, **ray_options)
        return {"t": ts, "gradient": r.gradient_norm(ts), "frobenius": r.frobenius_norm(ts),
                "operator": r.operator_norm(ts), "gauss_newton": r.gauss_newton_norm(ts)}
    if ray_options:
        raise ValueError(f"{', '.join(ray_options)}: options of the ray through hidden layers; the network has none")
    f = loss_function(net, X, Y, loss=loss)
    grad, frob, op = [], [], []
    for u in ts:
        w = ray(net, float(u), loss=loss, M=M)
        H = depth0_hessian(net, f.X, f.Y, w, loss=loss)
        grad.append(np.linalg.norm(f.gradient(w)))
        frob.append(np.linalg.norm(H))
        op.append(np.abs(np.linalg.eigvalsh(H)).max())
    op = np.array(op)
    return {"t": ts, "gradient": np.array(grad), "frobenius": np.array(frob), "operator": op, "gauss_newton": op}

