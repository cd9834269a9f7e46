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

from dataclasses import dataclass, field

import autograd.numpy as anp
import numpy as np

from . import activations as _activations


def _tanh_rules(h):
    d1 = 1.0 - h * h                    # the same operations as activations._tanh_d1 on t = tanh(z) = h
    return d1, lambda: -2.0 * h * d1


def _sigmoid_rules(h):
    d1 = h * (1.0 - h)                  # the same operations as activations._sigmoid_d1 on s = sigmoid(z) = h
    return d1, lambda: d1 * (1.0 - 2.0 * h)


# sigma' and sigma'' from the output h = sigma(z), bit for bit what ``d1(z)``/``d2(z)`` return, for activations
# whose derivatives are functions of their value (saves re-evaluating the transcendental function per pass)
_FROM_OUTPUT = {_activations._tanh_d1: _tanh_rules, _activations._sigmoid_d1: _sigmoid_rules}


@dataclass
class Trace:
    layers: list      # [(M_i, b_i)]
    z: list           # pre-activations z_1 .. z_{l+1}
    h: list           # h_0 = X, h_1 .. h_l
    out: np.ndarray   # network output
    activations: tuple = None                        # the hidden activations (for the cached derivatives)
    _d1: dict = field(default_factory=dict, repr=False)
    _d2: dict = field(default_factory=dict, repr=False)

    def sigma1(self, i):
        """sigma'(z_i) of hidden layer i (0-based), computed once per trace."""
        d = self._d1.get(i)
        if d is None:
            rule = _FROM_OUTPUT.get(self.activations[i].d1)
            if rule is None:
                d = self.activations[i].d1(self.z[i])
            else:
                d, d2 = rule(self.h[i + 1])
                self._d2.setdefault(i, d2)
            self._d1[i] = d
        return d

    def sigma2(self, i):
        """sigma''(z_i) of hidden layer i (0-based), computed once per trace."""
        d = self._d2.get(i)
        if d is None:
            self.sigma1(i)                      # may leave a rule from the output h_i
            d = self._d2.get(i)
            if d is None:
                d = self._d2[i] = self.activations[i].d2(self.z[i])
        if callable(d):
            d = self._d2[i] = d()
        return d


def forward(net, w, X) -> Trace:
    layers = net._unflatten(w)
    z, h = [], [X]
    last = len(layers) - 1
    fns = [_raw(a.fn) for a in net.activations]
    for i, (M, b) in enumerate(layers):
        zi = h[-1] @ M.T
        if net.scales[i] != 1.0:
            zi *= net.scales[i]
        if b is not None:
            zi += b
        z.append(zi)
        if i < last:
            h.append(fns[i](zi))
    out = z[-1] if net.output_activation is None else _raw(net.output_activation.fn)(z[-1])
    return Trace(layers, z, h, out, net.activations)


def _raw(fn):
    """The fastest evaluation of an activation's ``fn`` on a plain array.

    ``tanh`` (the default activation) is the vectorised kernel :func:`landscapelab.kernels.tanh` (as accurate as
    ``numpy.tanh``, about one unit in the last place; 2.5 times faster, which matters because the transcendental
    function costs more than the matrix products on small layers). Another autograd primitive is the NumPy function
    behind it (its tracing checks cost more than the function itself on small arrays); other functions are
    unchanged.
    """
    if fn is anp.tanh:
        from .kernels.elementwise import _tanh_array

        return _tanh_array
    return getattr(fn, "fun", fn) if getattr(fn, "_is_autograd_primitive", False) else fn


@dataclass
class Errors:
    d: list      # delta_i = dL/dz_i for i = 1 .. l+1
    back: list   # back[i] = s_i delta_i M_i = dL/dh_{i-1} (back[0] unused)
    _curv: dict = field(default_factory=dict, repr=False)

    def curvature(self, trace: Trace, i):
        """back[i] * sigma''(z_{i-1}): the second-order term of the R-backward pass, once per point."""
        c = self._curv.get(i)
        if c is None:
            c = self._curv[i] = self.back[i] * trace.sigma2(i - 1)
        return c


def _derivative(net, trace: Trace, i):
    return trace.sigma1(i) if isinstance(trace, Trace) and trace.activations is net.activations \
        else net.activations[i].d1(trace.z[i])


def deltas(net, trace: Trace, g_out) -> Errors:
    """Backpropagated errors for the output-layer error ``g_out``."""
    L = len(trace.layers)
    d, back = [None] * L, [None] * L
    d[-1] = g_out if net.output_activation is None else g_out * net.output_activation.d1(trace.z[-1])
    for i in range(L - 1, 0, -1):
        back[i] = d[i] @ trace.layers[i][0]
        if net.scales[i] != 1.0:
            back[i] *= net.scales[i]
        d[i - 1] = back[i] * _derivative(net, trace, i - 1)
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
            np.add.reduce(d[i], axis=0, out=grad[m_end:b_end])
    return grad


def _rows_times(A, M):
    """``A @ M`` for a batch ``A`` (k, n, p) and a matrix ``M`` (p, q) as one matrix product (k*n rows)."""
    k, n, p = A.shape
    if A.flags.c_contiguous:
        return (A.reshape(k * n, p) @ M).reshape(k, n, M.shape[1])
    return A @ M


def _r_forward(net, trace: Trace, V):
    """Directional derivatives R{z_i} (k, n, c_i) and R{h_i} of the forward pass in the directions V (k, P)."""
    dirs = net._unflatten_batch(V)
    Rz, Rh = [], [None]
    last = len(trace.layers) - 1
    for i, ((M, _), (VM, Vb)) in enumerate(zip(trace.layers, dirs)):
        Rzi = np.matmul(trace.h[i], VM.transpose(0, 2, 1))
        if Rh[i] is not None:
            Rzi += _rows_times(Rh[i], M.T)
        if net.scales[i] != 1.0:
            Rzi *= net.scales[i]
        if Vb is not None:
            Rzi += Vb[:, None, :]
        Rz.append(Rzi)
        if i < last:
            Rh.append(_derivative(net, trace, i) * Rzi)
    R_out = Rz[-1] if net.output_activation is None else net.output_activation.d1(trace.z[-1]) * Rz[-1]
    return dirs, Rz, Rh, R_out


#: Weight blocks from this many entries get their two R-backward terms as one product (one pass over the block);
#: below it the two products and a sum are fewer NumPy calls.
_FUSE_FROM = 1 << 16


def _backward_batch(net, trace: Trace, d_last, Rh=None, errors: Errors | None = None, dirs=None, Rz=None):
    """Back-propagate a batch of output-layer errors ``d_last`` (k, n, d_out) and return the (k, P) weight gradients.

    With ``Rh, errors, dirs, Rz`` given, this is the R-operator of the backward pass (the second-order terms of the
    Hessian-vector product); without them it is the plain linear back-propagation used by Gauss-Newton products.
    For large weight blocks the two weight terms ``R{delta_i}^T h_(i-1) + delta_i^T R{h_(i-1)}`` are one matrix
    product over the samples stacked twice (one pass over the weight block instead of two and a sum).
    """
    d = None if errors is None else errors.d
    k = d_last.shape[0]
    n = trace.h[0].shape[0]
    out = np.empty((k, net.n_params))
    L = len(trace.layers)
    Rd = d_last
    for i in range(L - 1, -1, -1):
        start, m_end, b_end = net._slices[i]
        M = trace.layers[i][0]
        s = net.scales[i]
        gM = out[:, start:m_end].reshape((k,) + M.shape)
        if d is not None and Rh[i] is not None and M.size >= _FUSE_FROM:
            left = np.empty((k, 2 * n, M.shape[0]))
            left[:, :n] = Rd
            left[:, n:] = d[i]
            right = np.empty((k, 2 * n, M.shape[1]))
            right[:, :n] = trace.h[i]
            right[:, n:] = Rh[i]
            np.matmul(left.transpose(0, 2, 1), right, out=gM)
        else:
            np.matmul(Rd.transpose(0, 2, 1), trace.h[i], out=gM)
            if d is not None and Rh[i] is not None:
                gM += np.matmul(d[i].T, Rh[i])
        if s != 1.0:
            gM *= s
        if b_end > m_end:
            np.add.reduce(Rd, axis=1, out=out[:, m_end:b_end])
        if i == 0:
            break
        back = _rows_times(Rd, M)
        if d is not None:
            back += np.matmul(d[i], dirs[i][0])
        if s != 1.0:
            back *= s
        back *= _derivative(net, trace, i - 1)
        if d is not None:
            if isinstance(errors, Errors) and isinstance(trace, Trace) and trace.activations is net.activations:
                back += errors.curvature(trace, i) * Rz[i - 1]
            else:
                back += errors.back[i] * net.activations[i - 1].d2(trace.z[i - 1]) * Rz[i - 1]
        Rd = back
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
