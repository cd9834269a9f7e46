"""Fused Numba passes for the common case of :func:`landscapelab.loss_function`: an MLP whose hidden activations
are all ``tanh``, without output activation, under the square loss.

On the book's small networks a gradient or a Hessian-vector product is a few dozen small NumPy calls, and the
Python and dispatch cost of those calls exceeds the arithmetic (about 180 us per call against 20 us for jitted
JAX, at any width). Here the whole pass is one compiled call: the forward pass, the back-propagated errors and the
weight gradient (:func:`state_kernel`), and Pearlmutter's R-operator for a block of directions
(:func:`hvp_kernel`). The arithmetic is that of :mod:`landscapelab._backprop`, operation for operation (the same
BLAS products through ``numpy.dot``, the same tanh kernel, the same elementwise formulas
``sigma' = 1 - h^2``, ``sigma'' = -2 h sigma'``), which stays the NumPy twin and the reference: the two agree to
float64 rounding (the order of a few sums can differ), and the tests compare both with autograd.

Layout (from :class:`landscapelab.MLP`): ``slices`` (L, 3) int64 rows ``(start, m_end, b_end)`` of each affine map
in the flat vector, ``widths`` (L + 1,) int64, ``scales`` (L,) float64. Buffers are flat: ``Z`` and ``D`` hold the
pre-activations and errors of layers 1..L, ``Hb`` and ``B`` the hidden outputs ``h_1..h_(L-1)`` and
``back_i = s_i delta_i M_i`` (the same shapes), each layer an ``(n, c_i)`` block in order.

With ``NUMBA_DISABLE_JIT=1`` the library does not take this path (see :func:`enabled`).
"""

from __future__ import annotations

import numpy as np
from numba import config

from ._numba import njit
from .kernels.elementwise import _tanh_kernel

__all__: list[str] = []


def enabled() -> bool:
    """Whether the fused path is used (not with ``NUMBA_DISABLE_JIT=1``, where the NumPy passes are faster)."""
    return not config.DISABLE_JIT


@njit(cache=True)
def _weights(w, slices, widths, i):
    return w[slices[i, 0]:slices[i, 1]].reshape((widths[i + 1], widths[i]))


@njit(cache=True)
def _block(buf, offset, n, c):
    return buf[offset:offset + n * c].reshape((n, c))


@njit(cache=True)
def _finite(x):
    ok = True
    for v in x.ravel():
        ok &= np.isfinite(v)
    return ok


@njit(cache=True)
def _column_sums(d, out):
    """``numpy.add.reduce(d, axis=0, out=out)`` for a C-contiguous (n, c) block, in NumPy's order: row by row for
    c > 1, NumPy's pairwise sum for c == 1."""
    n, c = d.shape
    if c == 1:
        out[0] = _pairwise(d[:, 0])
        return
    for j in range(c):
        out[j] = d[0, j]
    for r in range(1, n):
        for j in range(c):
            out[j] += d[r, j]


@njit(cache=True)
def _pairwise(a):
    """NumPy's pairwise summation (``pairwise_sum`` of its loops, block size 128, 8 accumulators)."""
    n = a.size
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
        r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
        i = 8
        while i < n - n % 8:
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a[:n2]) + _pairwise(a[n2:])


@njit(cache=True)
def _matmul(a, b, out):
    """``numpy.matmul(a, b, out=out)`` for 2-D blocks with NumPy's choice of BLAS routine: ``dot`` for a row times
    a column, ``gemv`` when ``a`` has one row or ``b`` one column, ``gemm`` otherwise."""
    m = a.shape[0]
    p = b.shape[1]
    if m == 1 and p == 1:
        out[0, 0] = np.dot(np.ascontiguousarray(a[0, :]), np.ascontiguousarray(b[:, 0]))
    elif p == 1:
        out[:, 0] = np.dot(a, np.ascontiguousarray(b[:, 0]))
    elif m == 1:
        out[0, :] = np.dot(b.T, np.ascontiguousarray(a[0, :]))
    else:
        np.dot(a, b, out)


@njit(cache=True)
def _offsets(widths, n):
    """Offsets of each layer's ``(n, c_i)`` block in the flat buffers: ``dofs`` (L + 1,) into ``Z``/``D``
    (layers 1..L, and the end), ``hofs`` (L,) into ``Hb``/``B`` (hidden layers 1..L-1)."""
    L = widths.size - 1
    dofs = np.empty(L + 1, dtype=np.int64)
    hofs = np.empty(L, dtype=np.int64)
    dofs[0] = 0
    hofs[0] = 0
    for i in range(L):
        dofs[i + 1] = dofs[i] + n * widths[i + 1]
        if i + 1 < L:
            hofs[i + 1] = hofs[i] + n * widths[i + 1]
    return dofs, hofs


@njit(cache=True)
def state_kernel(w, X, Y, scale, slices, widths, scales, Z, Hb, D, B, grad):
    """Forward pass, errors and (unless ``grad`` is empty) the weight gradient at ``w``, written into ``grad``
    (P,). Returns 0, or ``i > 0`` when the
    pre-activation of layer i is not finite (then nothing else is computed), or ``-i`` when the error of layer i
    counted from the output is not finite."""
    n = X.shape[0]
    L = widths.size - 1
    zo = 0
    ho = 0
    hprev = X
    for i in range(L):
        c = widths[i + 1]
        z = _block(Z, zo, n, c)
        _matmul(hprev, _weights(w, slices, widths, i).T, z)
        if scales[i] != 1.0:
            z *= scales[i]
        if slices[i, 2] > slices[i, 1]:
            z += w[slices[i, 1]:slices[i, 2]]
        if i < L - 1:
            _tanh_kernel(Z[zo:zo + n * c], Hb[ho:ho + n * c])
            hprev = _block(Hb, ho, n, c)
            ho += n * c
        zo += n * c
    zo = 0
    for i in range(L):
        if not _finite(Z[zo:zo + n * widths[i + 1]]):
            return i + 1
        zo += n * widths[i + 1]
    # errors, from the output: delta_L = scale * 2 (out - Y), delta_(i-1) = (s_i delta_i M_i) * (1 - h_i^2)
    dofs, hofs = _offsets(widths, n)
    c = widths[L]
    out = _block(Z, dofs[L - 1], n, c)
    dl = _block(D, dofs[L - 1], n, c)
    dl[:] = scale * (2.0 * (out - Y))
    for i in range(L - 1, 0, -1):
        d = _block(D, dofs[i], n, widths[i + 1])
        back = _block(B, hofs[i - 1], n, widths[i])
        _matmul(d, _weights(w, slices, widths, i), back)
        if scales[i] != 1.0:
            back *= scales[i]
        h = _block(Hb, hofs[i - 1], n, widths[i])
        _block(D, dofs[i - 1], n, widths[i])[:] = back * (1.0 - h * h)
    for i in range(L - 1, -1, -1):
        if not _finite(D[dofs[i]:dofs[i + 1]]):
            return -(L - i)
    if grad.size:
        gradient_kernel(X, slices, widths, scales, Hb, D, grad)
    return 0


@njit(cache=True)
def gradient_kernel(X, slices, widths, scales, Hb, D, grad):
    """The weight gradient ``dL/dM_i = s_i delta_i^T h_(i-1)``, ``dL/db_i = sum delta_i`` from the buffers of
    :func:`state_kernel`, written into ``grad`` (P,)."""
    n = X.shape[0]
    L = widths.size - 1
    do = 0
    ho = 0
    for i in range(L):
        c = widths[i + 1]
        d = _block(D, do, n, c)
        gM = _weights(grad, slices, widths, i)
        if i == 0:
            _matmul(d.T, X, gM)
        else:
            _matmul(d.T, _block(Hb, ho, n, widths[i]), gM)
            ho += n * widths[i]
        if scales[i] != 1.0:
            gM *= scales[i]
        if slices[i, 2] > slices[i, 1]:
            _column_sums(d, grad[slices[i, 1]:slices[i, 2]])
        do += n * c


#: Weight blocks from this many entries get their two R-backward terms as one product (``_backprop._FUSE_FROM``),
#: and in a block of directions their products with each ``V_j`` one direction at a time (see :func:`hvp_kernel`).
FUSE_FROM = 1 << 16


@njit(cache=True)
def _stacked(V, slices, widths, i, side_by_side):
    """The weight blocks ``V_j`` (c_(i+1), c_i) of layer i of every direction, stacked: ``[V_1; ...; V_k]``
    (k c_(i+1), c_i), or side by side, ``[V_1 ... V_k]`` (c_(i+1), k c_i). Both copies read and write rows."""
    k = V.shape[0]
    cin = widths[i]
    c = widths[i + 1]
    if not side_by_side:
        out = np.empty((k * c, cin))
        for j in range(k):
            out[j * c:(j + 1) * c] = _weights(V[j], slices, widths, i)
        return out
    out = np.empty((c, k * cin))
    for j in range(k):
        Vj = _weights(V[j], slices, widths, i)
        for r in range(c):
            out[r, j * cin:(j + 1) * cin] = Vj[r]
    return out


@njit(cache=True)
def _add_rows(T, k, b):
    """``T[r, j*c:(j+1)*c] += b[j]`` for every row r of the sample-major block ``T`` (n, k c); ``b`` (k, c)."""
    c = b.shape[1]
    for r in range(T.shape[0]):
        for j in range(k):
            for q in range(c):
                T[r, j * c + q] += b[j, q]


@njit(cache=True)
def _times_rows(T, k, a):
    """``T[r, j*c:(j+1)*c] *= a[r]`` for every direction j of the sample-major block ``T`` (n, k c); ``a`` (n, c)."""
    c = a.shape[1]
    for r in range(T.shape[0]):
        for j in range(k):
            for q in range(c):
                T[r, j * c + q] *= a[r, q]


@njit(cache=True)
def _curvature_step(back, k, d1, curv, Rz):
    """``back = back * sigma'(z) + curv * Rz`` for each direction of the sample-major blocks ``back`` and ``Rz``
    (n, k c); ``d1`` and ``curv`` (n, c) (the R-operator's step through a tanh layer)."""
    c = d1.shape[1]
    for r in range(back.shape[0]):
        for j in range(k):
            for q in range(c):
                back[r, j * c + q] = back[r, j * c + q] * d1[r, q] + curv[r, q] * Rz[r, j * c + q]


@njit(cache=True)
def hvp_kernel(w, X, scale, slices, widths, scales, Z, Hb, D, B, V):
    """Exact Hessian-vector products ``(k, P)`` for the directions ``V`` (k, P) at the point whose
    :func:`state_kernel` buffers are given (Pearlmutter's R-operator, as :func:`landscapelab._backprop.hvp`).

    The tangents of the k directions are held sample-major, ``(n, k c)`` (row r holds sample r of every direction;
    the same memory is ``(n k, c)``), so that each product of a layer is one BLAS call for the whole block:
    ``h [V_1; ...; V_k]^T``, ``Rh M^T``, ``Rdelta^T h``, ``delta^T Rh``, ``Rdelta M`` and ``delta [V_1 ... V_k]``.
    For a single direction, and in layers of at least ``FUSE_FROM`` weights, the products that involve ``V_j`` or a
    single direction's tangents are made per direction instead: there a stacked copy of the ``V_j`` is not needed or
    moves more memory than the products save.
    """
    n = X.shape[0]
    L = widths.size - 1
    k = V.shape[0]
    dofs, hofs = _offsets(widths, n)
    # R-forward: Rz_i = s_i (h_(i-1) V_i^T + Rh_(i-1) M_i^T) + Vb_i, Rh_i = sigma'(z_i) Rz_i
    Rzs = []
    Rhs = []
    Rh = np.empty((0, 0))
    for i in range(L):
        cin = widths[i]
        c = widths[i + 1]
        hin = X if i == 0 else _block(Hb, hofs[i - 1], n, cin)
        Rz = np.empty((n, k * c))
        if k == 1 or c * cin >= FUSE_FROM:     # one direction, or a large layer: no stacked copy of V
            part = np.empty((n, c))
            for j in range(k):
                _matmul(hin, _weights(V[j], slices, widths, i).T, part)
                Rz[:, j * c:(j + 1) * c] = part
        else:
            _matmul(hin, _stacked(V, slices, widths, i, False).T, Rz)
        if i > 0:
            tmp = np.empty((n * k, c))
            _matmul(Rh.reshape((n * k, cin)), _weights(w, slices, widths, i).T, tmp)
            Rz += tmp.reshape((n, k * c))
        if scales[i] != 1.0:
            Rz *= scales[i]
        if slices[i, 2] > slices[i, 1]:
            _add_rows(Rz, k, V[:, slices[i, 1]:slices[i, 2]])
        Rzs.append(Rz)
        if i < L - 1:
            h = _block(Hb, hofs[i], n, c)
            Rh = Rz.copy()
            _times_rows(Rh, k, 1.0 - h * h)
            Rhs.append(Rh)
    # R-backward: d(Hv)/dM_i = s_i (Rdelta_i^T h_(i-1) + delta_i^T Rh_(i-1)), d(Hv)/db_i = sum_samples Rdelta_i
    out = np.empty((k, w.size))
    Rd = scale * (2.0 * Rzs[L - 1])
    for i in range(L - 1, -1, -1):
        cin = widths[i]
        c = widths[i + 1]
        d = _block(D, dofs[i], n, c)
        hin = X if i == 0 else _block(Hb, hofs[i - 1], n, cin)
        if i > 0 and c * cin >= FUSE_FROM:
            # a large layer: per direction, the two terms as one product of inner dimension 2n
            left = np.empty((2 * n, c))
            right = np.empty((2 * n, cin))
            left[n:] = d
            right[:n] = hin
            for j in range(k):
                left[:n] = Rd[:, j * c:(j + 1) * c]
                right[n:] = Rhs[i - 1][:, j * cin:(j + 1) * cin]
                _matmul(left.T, right, _weights(out[j], slices, widths, i))
        else:
            first = np.empty((k * c, cin))
            _matmul(Rd.T, hin, first)
            if i > 0:
                second = np.empty((c, k * cin))
                _matmul(d.T, Rhs[i - 1], second)
            for j in range(k):
                gM = _weights(out[j], slices, widths, i)
                gM[:] = first[j * c:(j + 1) * c]
                if i > 0:
                    for r in range(c):
                        gM[r] += second[r, j * cin:(j + 1) * cin]
        if scales[i] != 1.0:
            for j in range(k):
                out[j, slices[i, 0]:slices[i, 1]] *= scales[i]
        if slices[i, 2] > slices[i, 1]:
            sums = np.empty(k * c)
            _column_sums(Rd, sums)
            for j in range(k):
                out[j, slices[i, 1]:slices[i, 2]] = sums[j * c:(j + 1) * c]
        if i == 0:
            break
        back = np.empty((n, k * cin))
        _matmul(Rd.reshape((n * k, c)), _weights(w, slices, widths, i), back.reshape((n * k, cin)))
        if k == 1 or c * cin >= FUSE_FROM:
            part = np.empty((n, cin))
            for j in range(k):
                _matmul(d, _weights(V[j], slices, widths, i), part)
                back[:, j * cin:(j + 1) * cin] += part
        else:
            tmp = np.empty((n, k * cin))
            _matmul(d, _stacked(V, slices, widths, i, True), tmp)
            back += tmp
        if scales[i] != 1.0:
            back *= scales[i]
        h = _block(Hb, hofs[i - 1], n, cin)
        d1 = 1.0 - h * h
        _curvature_step(back, k, d1, _block(B, hofs[i - 1], n, cin) * (-2.0 * h * d1), Rzs[i - 1])
        Rd = back
    return out
