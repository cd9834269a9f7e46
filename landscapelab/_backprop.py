"""Hand-written first- and second-order passes through an :class:`~landscapelab.nets.MLP`.

With ``z_i = s_i h_{i-1} M_i^T + b_i`` and ``h_i = sigma(z_i)`` (see :mod:`landscapelab.nets`), and ``g_out`` the
derivative of the loss with respect to the network output:

* backpropagation: ``delta_{l+1} = g_out * sigma_out'(z_{l+1})``,
  ``delta_{i-1} = s_i (delta_i M_i) * sigma'(z_{i-1})``, ``dL/dM_i = s_i delta_i^T h_{i-1}``, ``dL/db_i = sum delta_i``;
* Hessian-vector products by Pearlmutter's R-operator (Pearlmutter 1994): differentiate every line of the forward
  and backward pass in the direction ``v = (V_i, c_i)``; ``R{.}`` below is that directional derivative.

Directions come in batches ``V`` of shape ``(k, P)``: every R-quantity carries a leading axis of length k, so one
call gives k products (the dense Hessian is ``hvp`` of the identity, block Lanczos uses blocks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Trace:
    layers: list      # [(M_i, b_i)]
    z: list           # pre-activations z_1 .. z_{l+1}
    h: list           # h_0 = X, h_1 .. h_l
    out: np.ndarray   # network output


def forward(net, w, X) -> Trace:
    layers = net._unflatten(w)
    z, h = [], [X]
    for i, (M, b) in enumerate(layers):
        zi = h[-1] @ M.T
        if net.scales[i] != 1.0:
            zi *= net.scales[i]
        if b is not None:
            zi += b
        z.append(zi)
        if i < len(layers) - 1:
            h.append(net.activations[i].fn(zi))
    out = z[-1] if net.output_activation is None else net.output_activation.fn(z[-1])
    return Trace(layers, z, h, out)


@dataclass
class Errors:
    d: list      # delta_i = dL/dz_i for i = 1 .. l+1
    back: list   # back[i] = s_i delta_i M_i = dL/dh_{i-1} (back[0] unused)


def deltas(net, trace: Trace, g_out) -> Errors:
    """Backpropagated errors for the output-layer error ``g_out``."""
    L = len(trace.layers)
    d, back = [None] * L, [None] * L
    d[-1] = g_out if net.output_activation is None else g_out * net.output_activation.d1(trace.z[-1])
    for i in range(L - 1, 0, -1):
        back[i] = d[i] @ trace.layers[i][0]
        if net.scales[i] != 1.0:
            back[i] *= net.scales[i]
        d[i - 1] = back[i] * net.activations[i - 1].d1(trace.z[i - 1])
    return Errors(d, back)


def weight_gradient(net, trace: Trace, errors: Errors) -> np.ndarray:
    d = errors.d
    grad = np.empty(net.n_params)
    for i, (start, m_end, b_end) in enumerate(net._slices):
        gM = grad[start:m_end].reshape(trace.layers[i][0].shape)
        np.matmul(d[i].T, trace.h[i], out=gM)
        if net.scales[i] != 1.0:
            gM *= net.scales[i]
        if b_end > m_end:
            grad[m_end:b_end] = d[i].sum(axis=0)
    return grad


def _r_forward(net, trace: Trace, V):
    """Directional derivatives R{z_i} (k, n, c_i) and R{h_i} of the forward pass in the directions V (k, P)."""
    dirs = net._unflatten_batch(V)
    Rz, Rh = [], [None]
    for i, ((M, _), (VM, Vb)) in enumerate(zip(trace.layers, dirs)):
        Rzi = np.matmul(trace.h[i], VM.transpose(0, 2, 1))
        if Rh[i] is not None:
            Rzi += Rh[i] @ M.T
        if net.scales[i] != 1.0:
            Rzi *= net.scales[i]
        if Vb is not None:
            Rzi += Vb[:, None, :]
        Rz.append(Rzi)
        if i < len(trace.layers) - 1:
            Rh.append(net.activations[i].d1(trace.z[i]) * Rzi)
    R_out = Rz[-1] if net.output_activation is None else net.output_activation.d1(trace.z[-1]) * Rz[-1]
    return dirs, Rz, Rh, R_out


def _backward_batch(net, trace: Trace, d_last, Rh=None, errors: Errors | None = None, dirs=None, Rz=None):
    """Back-propagate a batch of output-layer errors ``d_last`` (k, n, d_out) and return the (k, P) weight gradients.

    With ``Rh, errors, dirs, Rz`` given, this is the R-operator of the backward pass (the second-order terms of the
    Hessian-vector product); without them it is the plain linear back-propagation used by Gauss-Newton products.
    """
    d = None if errors is None else errors.d
    k = d_last.shape[0]
    out = np.empty((k, net.n_params))
    L = len(trace.layers)
    Rd = d_last
    for i in range(L - 1, -1, -1):
        start, m_end, b_end = net._slices[i]
        M = trace.layers[i][0]
        s = net.scales[i]
        gM = out[:, start:m_end].reshape((k,) + M.shape)
        np.matmul(Rd.transpose(0, 2, 1), trace.h[i], out=gM)
        if d is not None and Rh[i] is not None:
            gM += np.matmul(d[i].T, Rh[i])
        if s != 1.0:
            gM *= s
        if b_end > m_end:
            out[:, m_end:b_end] = Rd.sum(axis=1)
        if i == 0:
            break
        back = Rd @ M
        if d is not None:
            back += np.matmul(d[i], dirs[i][0])
        if s != 1.0:
            back *= s
        Rd_next = back * net.activations[i - 1].d1(trace.z[i - 1])
        if d is not None:
            Rd_next += errors.back[i] * net.activations[i - 1].d2(trace.z[i - 1]) * Rz[i - 1]
        Rd = Rd_next
    return out


def hvp(net, trace: Trace, errors: Errors, g_out, V, out_hvp) -> np.ndarray:
    """Exact Hessian-vector products for the batch of directions V (k, P)."""
    dirs, Rz, Rh, R_out = _r_forward(net, trace, V)
    Rg = out_hvp(R_out)
    if net.output_activation is None:
        Rd_last = Rg
    else:
        Rd_last = Rg * net.output_activation.d1(trace.z[-1]) + g_out * net.output_activation.d2(trace.z[-1]) * Rz[-1]
    return _backward_batch(net, trace, Rd_last, Rh=Rh, errors=errors, dirs=dirs, Rz=Rz)


def gnvp(net, trace: Trace, V, out_hvp) -> np.ndarray:
    """Generalised Gauss-Newton products ``J^T H_out J V`` for the batch of directions V (k, P)."""
    _, _, _, R_out = _r_forward(net, trace, V)
    Rg = out_hvp(R_out)
    if net.output_activation is not None:
        Rg = Rg * net.output_activation.d1(trace.z[-1])
    return _backward_batch(net, trace, Rg)
