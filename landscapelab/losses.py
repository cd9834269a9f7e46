"""Square and cross-entropy losses (sums over samples, no 1/n, no 1/2: Cooper's eqs. 13-14) and
:func:`loss_function`, which binds a network, data and a loss into one scalar function of the flat parameters.

The function returned by :func:`loss_function` is differentiable by autograd (the general path, and the oracle
in the tests) and also carries fast hand-written passes: ``f.gradient(w)`` (backpropagation), ``f.hvp(w, v)``
(Pearlmutter's R-operator, exact Hessian-vector products) and ``f.gnvp(w, v)`` (Gauss-Newton products).
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np

from . import _backprop
from . import activations as _activations
from ._validate import as_float_array, choice
from .nets import MLP, _all_entries_finite

__all__ = ["square", "cross_entropy", "loss_function", "LossFunction", "LOSSES"]


def square(pred, Y):
    """Sum over samples and outputs of ``(pred - Y)**2`` (Cooper's eq. 13; no 1/2, no 1/n).

    Parameters
    ----------
    pred : array (n, d_out)
        Network outputs (autograd boxes pass through).
    Y : array (n, d_out)
        Targets, of the same shape: a ``(n,)`` vector against ``(n, 1)`` outputs is refused, not broadcast.

    Returns
    -------
    float (or an autograd box)
    """
    _same_shape(pred, Y)
    return anp.sum((pred - Y) ** 2)


def _same_shape(pred, Y):
    as_float_array(pred, "pred")
    as_float_array(Y, "Y")
    if anp.shape(pred) != anp.shape(Y):
        raise ValueError(f"Y: expected the shape of the predictions {anp.shape(pred)}, got {anp.shape(Y)} "
                         "(reshape the targets; a (n,) vector against (n, 1) outputs would broadcast to (n, n))")


def _logsumexp(x, axis):
    """``log sum exp`` along ``axis`` (kept), shifted by the maximum; autograd-differentiable (the shift's derivative
    cancels exactly, so no sub-gradient of the maximum enters)."""
    m = anp.max(x, axis=axis, keepdims=True)
    return m + anp.log(anp.sum(anp.exp(x - m), axis=axis, keepdims=True))


def cross_entropy(pred, Y):
    """Sum over samples of ``-sum_j Y_j log softmax(pred)_j`` (Cooper's eq. 14).

    Parameters
    ----------
    pred : array (n, d_out)
        Network outputs (logits).
    Y : array (n, d_out)
        Non-negative targets of the same shape: one-hot rows or soft labels.

    Returns
    -------
    float (or an autograd box)
    """
    _same_shape(pred, Y)
    log_softmax = pred - _logsumexp(pred, axis=1)
    return -anp.sum(Y * log_softmax)


class _Square:
    name = "square"
    value = staticmethod(square)
    numpy_value = staticmethod(square)

    @staticmethod
    def grad(pred, Y):
        return 2.0 * (pred - Y)

    @staticmethod
    def hvp(pred, Y, R):
        return 2.0 * R

    @staticmethod
    def check_targets(Y, n, d_out):
        return as_float_array(Y, "Y", shape=(n, d_out))


class _CrossEntropy:
    name = "cross_entropy"
    value = staticmethod(cross_entropy)

    @staticmethod
    def numpy_value(pred, Y):
        """``cross_entropy`` on plain arrays, without autograd's wrapper (the hot path of ``LossFunction.value``)."""
        top = pred.max(axis=1, keepdims=True)
        log_softmax = pred - top - np.log(np.exp(pred - top).sum(axis=1, keepdims=True))
        return -float(np.sum(Y * log_softmax))

    @staticmethod
    def _softmax(pred):
        e = np.exp(pred - pred.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def grad(cls, pred, Y):
        return Y.sum(axis=1, keepdims=True) * cls._softmax(pred) - Y

    @classmethod
    def hvp(cls, pred, Y, R):
        p = cls._softmax(pred)
        return Y.sum(axis=1, keepdims=True) * (p * R - p * (p * R).sum(axis=-1, keepdims=True))

    @staticmethod
    def check_targets(Y, n, d_out):
        if d_out < 2:
            raise ValueError("net: cross-entropy needs at least 2 outputs (with one output the softmax is 1 and the "
                             "loss is identically 0); use d_out = number of classes")
        raw = np.asarray(Y)
        if raw.ndim == 1 and np.issubdtype(raw.dtype, np.integer):
            if raw.shape != (n,) or raw.min(initial=0) < 0 or raw.max(initial=0) >= d_out:
                raise ValueError(f"Y: integer class labels must have shape ({n},) and values in 0..{d_out - 1}")
            return np.eye(d_out)[raw]
        Y = as_float_array(Y, "Y", shape=(n, d_out))
        if np.any(Y < 0):
            raise ValueError("Y: cross-entropy targets must be non-negative (one-hot or soft labels)")
        return Y


LOSSES = {"square": _Square, "cross_entropy": _CrossEntropy}


class LossFunction:
    """``f(w) = scale * loss(net(w, X), Y)``, with fast exact derivatives (see :func:`loss_function`).

    Calling ``f(w)`` runs the autograd-traceable forward pass. ``f.gradient``, ``f.hvp`` and ``f.gnvp`` are
    hand-written passes; ``hvp`` and ``gnvp`` accept one vector ``(P,)`` or a batch ``(k, P)``. The forward and
    backward quantities at the last ``w`` are kept (with a private copy of ``w``), so repeated products at one point
    (Lanczos) cost only the R-operator passes, and updating ``w`` in place between calls is safe.

    Parameters
    ----------
    net : MLP
        The network.
    X : array (n, d_in)
        Inputs, one sample per row.
    Y : array (n, d_out), or integer labels (n,) for cross-entropy
        Targets.
    loss : {"square", "cross_entropy"}
        The loss.
    scale : float
        Multiplies the loss (``1/n`` for a mean, ``0.5`` for the halved square loss).
    """

    def __init__(self, net: MLP, X, Y, loss: str = "square", scale: float = 1.0):
        if not isinstance(net, MLP):
            raise TypeError(f"net: expected a landscapelab.MLP, got {type(net).__name__}")
        self.net = net
        self.loss = LOSSES[choice(loss, "loss", tuple(LOSSES))]
        self.X = net.check_inputs(X)
        if self.X.shape[0] == 0:
            raise ValueError(f"X: expected at least one sample, got shape {self.X.shape} (the loss of no data is not "
                             "defined)")
        self.Y = self.loss.check_targets(Y, self.X.shape[0], net.d_out)
        if isinstance(scale, (bool, str, bytes)) or not isinstance(scale, (int, float, np.integer, np.floating)):
            raise TypeError(f"scale: expected a finite number, got {scale!r} ({type(scale).__name__})")
        self.scale = float(scale)
        if not np.isfinite(self.scale):
            raise ValueError(f"scale: expected a finite number, got {scale!r}")
        self._last = None   # the _PointState of the last point asked for (replaced as a whole: thread-safe)
        self._layout = _fused_layout(self)

    @property
    def n_params(self) -> int:
        """Number of parameters P of the network."""
        return self.net.n_params

    def __repr__(self) -> str:
        return f"loss_function({self.net!r}, n={self.X.shape[0]}, loss={self.loss.name!r}, scale={self.scale})"

    def __call__(self, w):
        return self.scale * self.loss.value(self.net(w, self.X), self.Y)

    def _state_at(self, w) -> _PointState:
        """Forward and backward quantities at ``w``, reused while the same point is asked for again. The state
        holds its own copy of ``w``, so the caller may update ``w`` in place between calls."""
        return self._state_at_checked(self.net.check_params(w))

    def _state_at_checked(self, w, gradient: bool = True) -> _PointState:
        last = self._last
        if last is None or not _same_point(last.w, w):
            last = _PointState(self, w) if self._layout is None else _FusedState(self, w, gradient)
            self._last = last
        return last

    def _check_directions(self, v):
        if type(v) is np.ndarray and v.dtype == np.float64 and v.ndim in (1, 2) \
                and v.shape[-1] == self.n_params and v.size and _all_entries_finite(v):
            return v
        v = as_float_array(v, "v")
        if v.ndim not in (1, 2) or v.shape[-1] != self.n_params:
            raise ValueError(f"v: expected shape ({self.n_params},) or (k, {self.n_params}), got {v.shape}")
        return v

    def value(self, w) -> float:
        """The loss as a float (no autograd tracing).

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.

        Returns
        -------
        float
        """
        state = self._state_at(w)
        return float(self.scale * self.loss.numpy_value(state.trace.out, self.Y))

    def gradient(self, w) -> np.ndarray:
        """Gradient by backpropagation.

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.

        Returns
        -------
        ndarray (P,)
        """
        state = self._state_at(w)
        if isinstance(state, _FusedState):
            return state.grad.copy()
        return _backprop.weight_gradient(self.net, state.trace, state.errors)

    def hvp(self, w, v) -> np.ndarray:
        """Exact Hessian-vector product(s) by the R-operator.

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.
        v : array (P,) or (k, P)
            One direction or a block of k directions (rows), done in one pass.

        Returns
        -------
        ndarray, the shape of ``v``
        """
        w = self.net.check_params(w)
        v = self._check_directions(v)
        H_v = self._state_at_checked(w, gradient=False).hvp_rows(v[None] if v.ndim == 1 else v)
        return H_v[0] if v.ndim == 1 else H_v

    def gnvp(self, w, v) -> np.ndarray:
        """Generalised Gauss-Newton products ``J^T H_out J v`` (the Hessian without the residual terms).

        Parameters
        ----------
        w : array (P,)
            The point: a flat parameter vector.
        v : array (P,) or (k, P)
            One direction or a block of directions (rows).

        Returns
        -------
        ndarray, the shape of ``v``
        """
        w = self.net.check_params(w)
        v = self._check_directions(v)
        G_v = self._state_at_checked(w).gnvp_rows(v[None] if v.ndim == 1 else v)
        return G_v[0] if v.ndim == 1 else G_v


def _same_point(a, b) -> bool:
    """Whether two parameter vectors are equal; a new point is usually told apart by its first or last entry."""
    return a.shape == b.shape and a[0] == b[0] and a[-1] == b[-1] and np.array_equal(a, b)


def _finite(arrays, where, w):
    """Raise FloatingPointError naming the first non-finite array (the parameters themselves are finite)."""
    for i, a in enumerate(arrays, start=1):
        if not _all_entries_finite(a):
            raise FloatingPointError(f"overflow in {where} {i} (max |w| = {np.abs(w).max():.3g}): the parameters are "
                                     "too large for float64; rescale them or lower the step size")


class _PointState:
    """Everything the exact passes need at one point: a private copy of ``w``, the forward trace, the output
    error and the back-propagated errors."""

    __slots__ = ("f", "w", "trace", "g_out", "errors")

    def __init__(self, f: LossFunction, w):
        self.f = f
        self.w = np.array(w, dtype=np.float64, copy=True)
        with np.errstate(over="ignore", invalid="ignore"):
            self.trace = _backprop.forward(f.net, self.w, f.X)
            _finite(self.trace.z, "the forward pass: pre-activation of layer", self.w)
            self.g_out = f.scale * f.loss.grad(self.trace.out, f.Y)
            self.errors = _backprop.deltas(f.net, self.trace, self.g_out)
            _finite(self.errors.d[::-1], "the backward pass: error of layer (counted from the output)", self.w)

    def _out_hvp(self, R_out):
        return self.f.scale * self.f.loss.hvp(self.trace.out, self.f.Y, R_out)

    def hvp_rows(self, V):
        return _backprop.hvp(self.f.net, self.trace, self.errors, self.g_out, V, self._out_hvp)

    def gnvp_rows(self, V):
        return _backprop.gnvp(self.f.net, self.trace, V, self._out_hvp)


_FUSED = None


def _kernels():
    """:mod:`landscapelab._fused`, imported on first use: Numba loads then, not with ``import landscapelab``."""
    global _FUSED
    if _FUSED is None:
        from . import _fused

        _FUSED = _fused
    return _FUSED


def _fused_layout(f: LossFunction):
    """The arrays :mod:`landscapelab._fused` needs, when ``f`` is the case it covers (every hidden activation
    tanh, no output activation, square loss), else None."""
    net = f.net
    if f.loss is not _Square or net.output_activation is not None \
            or any(a.fn is not anp.tanh or a.d1 is not _activations._tanh_d1 for a in net.activations):
        return None
    if not _kernels().enabled():
        return None
    n = f.X.shape[0]
    return {"X": np.ascontiguousarray(f.X), "Y": np.ascontiguousarray(f.Y),
            "slices": np.array(net._slices, dtype=np.int64).reshape(-1, 3),
            "widths": np.array(net.widths, dtype=np.int64), "scales": np.array(net.scales, dtype=np.float64),
            "z": n * sum(net.widths[1:]), "h": n * sum(net.widths[1:-1])}


class _FusedState:
    """The point state of :class:`_PointState` computed by one compiled call (:func:`landscapelab._fused.state_kernel`):
    the gradient, and flat buffers of the pre-activations, hidden outputs, errors and back-propagated errors,
    which the compiled R-operator reads. The NumPy ``trace``/``errors`` views are built on first use (Gauss-Newton
    products, the loss value)."""

    __slots__ = ("f", "w", "_grad", "Z", "Hb", "D", "B", "_views")

    def __init__(self, f: LossFunction, w, gradient: bool = True):
        self.f = f
        self.w = np.array(w, dtype=np.float64, copy=True)
        lay = f._layout
        nz, nh = lay["z"], lay["h"]
        buf = np.empty(2 * (nz + nh))                               # one allocation for the four buffers
        self.Z, self.D, self.Hb, self.B = buf[:nz], buf[nz:2 * nz], buf[2 * nz:2 * nz + nh], buf[2 * nz + nh:]
        self._grad = np.empty(self.w.size if gradient else 0)     # empty: computed on first use (HVP at a point)
        self._views = None
        code = _kernels().state_kernel(self.w, lay["X"], lay["Y"], f.scale, lay["slices"], lay["widths"],
                                   lay["scales"], self.Z, self.Hb, self.D, self.B, self._grad)
        if code > 0:
            raise FloatingPointError(f"overflow in the forward pass: pre-activation of layer {code} (max |w| = "
                                     f"{np.abs(self.w).max():.3g}): the parameters are too large for float64; "
                                     "rescale them or lower the step size")
        if code < 0:
            raise FloatingPointError(f"overflow in the backward pass: error of layer (counted from the output) "
                                     f"{-code} (max |w| = {np.abs(self.w).max():.3g}): the parameters are too large "
                                     "for float64; rescale them or lower the step size")

    @property
    def grad(self) -> np.ndarray:
        """The gradient at the point (computed here if the state was made for products only)."""
        g = self._grad
        if g.size == 0 and self.w.size:
            lay = self.f._layout
            g = np.empty(self.w.size)
            _kernels().gradient_kernel(lay["X"], lay["slices"], lay["widths"], lay["scales"], self.Hb, self.D, g)
            self._grad = g                 # assigned when complete: another thread sees the empty or the full one
        return g

    def _build_views(self):
        net, n = self.f.net, self.f.X.shape[0]
        z, h, d, back = [], [self.f._layout["X"]], [], [None]
        zo = ho = 0
        for i, c in enumerate(net.widths[1:]):
            z.append(self.Z[zo:zo + n * c].reshape(n, c))
            d.append(self.D[zo:zo + n * c].reshape(n, c))
            zo += n * c
            if i < net.depth:
                h.append(self.Hb[ho:ho + n * c].reshape(n, c))
                back.append(self.B[ho:ho + n * c].reshape(n, c))
                ho += n * c
        trace = _backprop.Trace(net._unflatten(self.w), z, h, z[-1], net.activations)
        self._views = (trace, _backprop.Errors(d, back))
        return self._views

    @property
    def trace(self):
        return (self._views or self._build_views())[0]

    @property
    def errors(self):
        return (self._views or self._build_views())[1]

    def _out_hvp(self, R_out):
        return self.f.scale * self.f.loss.hvp(self.trace.out, self.f.Y, R_out)

    def hvp_rows(self, V):
        lay = self.f._layout
        if not V.flags.c_contiguous:
            V = np.ascontiguousarray(V)
        return _kernels().hvp_kernel(self.w, lay["X"], self.f.scale, lay["slices"], lay["widths"], lay["scales"],
                                 self.Z, self.Hb, self.D, self.B, V)

    def gnvp_rows(self, V):
        return _backprop.gnvp(self.f.net, self.trace, V, self._out_hvp)


def loss_function(net: MLP, X, Y, loss: str = "square", scale: float = 1.0) -> LossFunction:
    """Bind ``net``, data ``(X, Y)`` and a loss into ``f: w -> scale * loss(net(w, X), Y)``.

    Parameters
    ----------
    net : MLP
        The network.
    X : array, shape (n, d_in)
        Inputs, one sample per row.
    Y : array, shape (n, d_out)
        Targets; for ``loss="cross_entropy"`` also integer labels of shape (n,).
    loss : {"square", "cross_entropy"}
        Cooper's eq. 13 or 14 (sums over samples).
    scale : float
        Multiplies the loss (e.g. ``1/n`` for a mean, ``0.5`` for the halved square loss).

    Returns
    -------
    LossFunction
    """
    return LossFunction(net, X, Y, loss=loss, scale=scale)
