"""Fully connected networks on one flat parameter vector.

The network with widths ``(c_0, c_1, ..., c_l, c_{l+1}) = (d_in, ..., d_out)`` has ``l`` hidden layers and ``l + 1``
affine maps (Cooper's eq. 7 and 9-10, Liu-Zhu-Belkin's eq. 22):

    z_i = s_i * h_{i-1} M_i^T + b_i,     h_i = sigma(z_i)  (i <= l),     output = z_{l+1}  (or sigma_out(z_{l+1}))

with ``h_0 = X`` (samples are rows), ``M_i`` of shape ``(c_i, c_{i-1})``, ``b_i`` of length ``c_i`` and
``s_i = 1`` ("standard") or ``s_i = 1 / sqrt(c_{i-1})`` ("ntk", the neural-tangent parametrisation; the bias is
added after the scaling). The flat parameter vector stores the layers in order, each ``M_i`` row-major followed
by ``b_i``.

The forward pass is written with ``autograd.numpy`` so that autograd can differentiate it; the hand-written
backward and Hessian-vector (Pearlmutter R-operator) passes used by :func:`landscapelab.loss_function` live in
:mod:`landscapelab._backprop` and are tested against autograd.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import autograd.numpy as anp
import numpy as np

from . import activations
from ._validate import as_float_array, choice, positive_int

__all__ = ["MLP"]

PARAMETRIZATIONS = ("standard", "ntk")


def _all_entries_finite(x: np.ndarray) -> bool:
    """Whether every entry of a float64 array is finite, without a temporary array for large ones: a finite sum
    means finite entries; only a non-finite sum (a non-finite entry, or finite ones that overflow) is looked at
    entry by entry.

    Parameters
    ----------
    x : ndarray of float64
        Any shape.

    Returns
    -------
    bool
    """
    if x.size < 1 << 16:
        return bool(np.isfinite(x).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return math.isfinite(np.add.reduce(x, axis=None)) or bool(np.isfinite(x).all())


class MLP:
    """A multilayer perceptron on a flat float64 parameter vector.

    Parameters
    ----------
    widths : sequence of int
        ``[d_in, c_1, ..., c_l, d_out]``; at least two entries, all positive integers.
    activation : str, Activation, or a sequence of them
        Hidden activation (see :func:`landscapelab.activations.names`); a sequence gives one per hidden layer (for
        example a linear bottleneck, ``["relu", "identity", "relu"]``).
    bias : bool or sequence of bool
        Whether every affine map has a bias; a sequence gives one flag per affine map (``depth + 1`` of them).
    parametrization : {"standard", "ntk"}
        ``"ntk"`` divides each layer's weight product by ``sqrt(fan_in)`` (Jacot et al.; Liu-Zhu-Belkin eq. 22).
    output_activation : str, Activation or None
        Applied after the last affine map (None: the output is linear in the last layer).

    Examples
    --------
    >>> net = MLP([2, 3, 1], activation="tanh")
    >>> net.n_params
    13
    >>> w = net.init(seed=0)
    >>> net(w, np.ones((4, 2))).shape
    (4, 1)
    """

    def __init__(self, widths: Sequence[int], activation="tanh", bias=True,
                 parametrization: str = "standard", output_activation=None):
        if isinstance(widths, (str, bytes)) or not isinstance(widths, (Sequence, np.ndarray)):
            raise TypeError(f"widths: expected a sequence of positive integers, got {type(widths).__name__}")
        if isinstance(widths, np.ndarray) and widths.ndim != 1:
            raise ValueError(f"widths: expected a 1-D sequence of positive integers, got shape {widths.shape}")
        if len(widths) < 2:
            raise ValueError(f"widths: expected at least [d_in, d_out] (2 entries), got {list(widths)}")
        self.widths = tuple(positive_int(c.item() if isinstance(c, np.generic) else c, f"widths[{i}]")
                            for i, c in enumerate(widths))
        n_maps = len(self.widths) - 1
        if isinstance(bias, (bool, np.bool_)):
            self.biases = (bool(bias),) * n_maps
        elif isinstance(bias, (Sequence, np.ndarray)) and not isinstance(bias, (str, bytes)):
            if len(bias) != n_maps or not all(isinstance(b, (bool, np.bool_)) for b in bias):
                raise ValueError(f"bias: expected True, False or {n_maps} booleans (one per affine map), got {bias!r}")
            self.biases = tuple(bool(b) for b in bias)
        else:
            raise TypeError(f"bias: expected True or False (or one boolean per affine map), got {bias!r}")
        #: True/False when every affine map has/has not a bias, None when they differ (see ``biases``).
        self.bias = self.biases[0] if len(set(self.biases)) == 1 else None
        depth = len(self.widths) - 2
        if isinstance(activation, (list, tuple)):
            if len(activation) != depth or depth == 0:
                raise ValueError(f"activation: expected one activation per hidden layer ({depth}), "
                                 f"got {len(activation)}")
            self.activations = tuple(activations.get(a) for a in activation)
            #: The hidden activation when all hidden layers share it, None when they differ (see ``activations``).
            self.activation = self.activations[0] if len(set(self.activations)) == 1 else None
        else:
            self.activation = activations.get(activation)
            self.activations = (self.activation,) * depth
        self.output_activation = None if output_activation is None else activations.get(output_activation)
        self.parametrization = choice(parametrization, "parametrization", PARAMETRIZATIONS)
        self.scales = tuple(1.0 / math.sqrt(c) if self.parametrization == "ntk" else 1.0 for c in self.widths[:-1])
        self._slices = []
        start = 0
        for fan_in, fan_out, has_bias in zip(self.widths[:-1], self.widths[1:], self.biases):
            m_end = start + fan_out * fan_in
            b_end = m_end + (fan_out if has_bias else 0)
            self._slices.append((start, m_end, b_end))
            start = b_end
        self.n_params = start

    @property
    def depth(self) -> int:
        """Number of hidden layers l (the number of times the hidden activation is applied)."""
        return len(self.widths) - 2

    @property
    def d_in(self) -> int:
        return self.widths[0]

    @property
    def d_out(self) -> int:
        return self.widths[-1]

    @property
    def layer_shapes(self) -> list[tuple[tuple[int, int], int | None]]:
        """``[((c_i, c_{i-1}), c_i or None), ...]``: the shape of each ``M_i`` and the length of each ``b_i``."""
        return [((o, i), o if b else None) for i, o, b in zip(self.widths[:-1], self.widths[1:], self.biases)]

    def __repr__(self) -> str:
        out = "" if self.output_activation is None else f", output_activation={self.output_activation.name!r}"
        act = (repr(self.activation.name) if self.activation is not None
               else repr([a.name for a in self.activations]))
        bias = self.bias if self.bias is not None else list(self.biases)
        return (f"MLP({list(self.widths)}, activation={act}, bias={bias}, "
                f"parametrization={self.parametrization!r}{out})")

    # ------------------------------------------------------------------ parameters
    def init(self, seed: int | None = 0, rng: np.random.Generator | None = None,
             weight_std: float = 1.0, bias_std: float = 1.0) -> np.ndarray:
        """Draw a parameter vector.

        Standard parametrisation: ``M_i`` and ``b_i`` entries are N(0, weight_std^2 / c_{i-1}) and
        N(0, bias_std^2 / c_{i-1}) (LeCun). NTK parametrisation: N(0, weight_std^2) and N(0, bias_std^2), the scaling
        being in the forward pass.

        Parameters
        ----------
        seed : int, optional
            Seed of ``numpy.random.default_rng`` (ignored when ``rng`` is given).
        rng : numpy.random.Generator, optional
            An explicit generator.
        weight_std, bias_std : float
            Finite, non-negative scale factors of the weight and bias draws.

        Returns
        -------
        ndarray (P,)
        """
        for name, value in (("weight_std", weight_std), ("bias_std", bias_std)):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
        if rng is None:
            rng = np.random.default_rng(seed)
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
        w = np.empty(self.n_params)
        for (start, m_end, b_end), fan_in in zip(self._slices, self.widths[:-1]):
            std = 1.0 if self.parametrization == "ntk" else 1.0 / math.sqrt(fan_in)
            w[start:m_end] = weight_std * std * rng.standard_normal(m_end - start)
            w[m_end:b_end] = bias_std * std * rng.standard_normal(b_end - m_end)
        return w

    def check_params(self, w, name: str = "w"):
        """Validate a flat parameter vector (1-D, length ``n_params``, finite) and return it as an array.

        Parameters
        ----------
        w : array (P,)
            The parameters.
        name : str
            The argument's name in error messages.

        Returns
        -------
        ndarray (P,) (autograd boxes pass through)
        """
        if type(w) is np.ndarray and w.dtype == np.float64 and w.shape == (self.n_params,) and _all_entries_finite(w):
            return w
        return as_float_array(w, name, shape=(self.n_params,))

    def check_inputs(self, X, name: str = "X"):
        """Validate inputs (2-D, ``(n, d_in)``, finite) and return them as an array.

        Parameters
        ----------
        X : array (n, d_in)
            Inputs, one sample per row.
        name : str
            The argument's name in error messages.

        Returns
        -------
        ndarray (n, d_in)
        """
        return as_float_array(X, name, shape=(None, self.d_in))

    def unflatten(self, w) -> list[tuple]:
        """Split a flat vector into its layers.

        Parameters
        ----------
        w : array (P,)
            The parameters.

        Returns
        -------
        list of (M_i, b_i)
            Views of ``w``: ``M_i`` of shape ``(c_i, c_{i-1})``, ``b_i`` of length ``c_i`` (None without bias).
        """
        w = self.check_params(w)
        return self._unflatten(w)

    def _unflatten(self, w):
        layers = []
        for (start, m_end, b_end), (m_shape, _) in zip(self._slices, self.layer_shapes):
            layers.append((w[start:m_end].reshape(m_shape), w[m_end:b_end] if b_end > m_end else None))
        return layers

    def _unflatten_batch(self, V):
        """Unflatten the rows of a (k, P) array: layers of shapes (k, c_i, c_{i-1}) and (k, c_i)."""
        k = V.shape[0]
        layers = []
        for (start, m_end, b_end), (m_shape, _) in zip(self._slices, self.layer_shapes):
            layers.append((V[:, start:m_end].reshape((k,) + m_shape), V[:, m_end:b_end] if b_end > m_end else None))
        return layers

    def flatten(self, layers) -> np.ndarray:
        """Inverse of :meth:`unflatten`: concatenate ``[(M_i, b_i), ...]`` into one flat vector.

        Parameters
        ----------
        layers : list of (M_i, b_i)
            One pair per affine map, with the shapes of :attr:`layer_shapes`.

        Returns
        -------
        ndarray (P,)
        """
        if not isinstance(layers, (list, tuple)) or len(layers) != len(self._slices):
            raise ValueError(f"layers: expected a list of {len(self._slices)} (M, b) pairs, got "
                             f"{len(layers) if isinstance(layers, (list, tuple)) else type(layers).__name__}")
        parts = []
        for i, (layer, (m_shape, b_len)) in enumerate(zip(layers, self.layer_shapes), start=1):
            if not isinstance(layer, (list, tuple)) or len(layer) != 2:
                raise ValueError(f"layers[{i - 1}]: expected a pair (M_{i}, b_{i})")
            M, b = layer
            parts.append(anp.ravel(as_float_array(M, f"M_{i}", shape=m_shape)))
            if b_len is None:
                if b is not None:
                    raise ValueError(f"b_{i}: the network has no biases (bias=False), so b_{i} must be None")
            else:
                parts.append(as_float_array(b, f"b_{i}", shape=(b_len,)))
        return anp.concatenate(parts)

    # ------------------------------------------------------------------ forward
    def _affine(self, i, h, M, b):
        z = anp.dot(h, M.T)
        if self.scales[i] != 1.0:
            z = self.scales[i] * z
        return z if b is None else z + b

    def __call__(self, w, X):
        """Network outputs, shape ``(n, d_out)``; differentiable in ``w`` (and ``X``) by autograd."""
        w = self.check_params(w)
        h = self.check_inputs(X)
        layers = self._unflatten(w)
        for i, (M, b) in enumerate(layers[:-1]):
            h = self.activations[i](self._affine(i, h, M, b))
        out = self._affine(len(layers) - 1, h, *layers[-1])
        return out if self.output_activation is None else self.output_activation(out)

    def features(self, w, X, layer: int | None = None):
        """Post-activation outputs of one hidden layer.

        Parameters
        ----------
        w : array (P,)
            The parameters.
        X : array (n, d_in)
            Inputs, one sample per row.
        layer : int, optional
            Hidden layer k (1-based; default: the last hidden layer).

        Returns
        -------
        ndarray (n, c_k)
        """
        if self.depth == 0:
            raise ValueError("features: the network has no hidden layer (widths has only d_in and d_out)")
        layer = self.depth if layer is None else positive_int(layer, "layer")
        if layer > self.depth:
            raise ValueError(f"layer: expected 1..{self.depth} (the hidden layers), got {layer}")
        w = self.check_params(w)
        h = self.check_inputs(X)
        for i, (M, b) in enumerate(self._unflatten(w)[:layer]):
            h = self.activations[i](self._affine(i, h, M, b))
        return h
