"""Convolutional networks in the thesis's patch formalism (Definitions 2.3.1-2.3.3).

Layer ``k-1`` (``n_{k-1}`` neurons) is covered by ``P_{k-1}`` patches of equal size ``l_{k-1}``, each a list of
neuron indices; no two patches are equal and every neuron lies in one. A convolutional layer with ``T_k`` filters
``W_k = [w^1, ..., w^T]`` (shape ``(l_{k-1}, T_k)``) has ``n_k = T_k P_{k-1}`` neurons; neuron
``h = p T_k + t`` (0-based; the thesis's ``(p-1) T_k + t``) computes
``sigma(<w^t, f^p_{k-1}(x)> + (b_k)_h)`` (eq. 2.1). A fully connected layer is the case of one patch holding the
whole layer (Definition 2.3.2), and a max-pooling layer returns the maximum of every patch (Definition 2.3.3).

The full weight matrix ``U_k = M_k(W_k)`` (shape ``(n_{k-1}, n_k)``) holds ``w^t`` in column ``p T + t`` at the
rows of patch ``p``, so that ``G_k = F_{k-1} U_k + 1 b_k^T`` (eq. 2.4). The thesis's bias is one per **neuron**
(``b_k`` of length ``n_k``); standard CNNs tie it per filter (length ``T_k``), which :class:`ConvLayer` offers with
``bias="filter"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import sequence, as_float_array, choice, positive_int
from . import activations as acts
from .._validate import checked

__all__ = ["conv1d_patches", "full_patch", "conv_matrix", "ConvLayer", "MaxPool", "CNN"]


def conv1d_patches(length: int, width: int, stride: int = 1, channels: int = 1) -> np.ndarray:
    """Patches of a 1-D convolution (no padding) over ``length`` positions with ``channels`` values each.

    Neuron ``q * channels + c`` holds channel ``c`` at position ``q`` (the ordering eq. 2.1 gives a convolutional
    layer's output, with ``channels = T``). Patch ``p`` covers positions ``p stride, ..., p stride + width - 1``,
    every channel.

    Parameters
    ----------
    length : int
        Number of positions.
    width : int
        Positions per patch (the filter length).
    stride : int
        Step between patches.
    channels : int
        Values per position.

    Returns
    -------
    ndarray of int, shape (P, width * channels)
        ``P = (length - width) // stride + 1`` patches.
    """
    length, width = positive_int(length, "length"), positive_int(width, "width")
    stride, channels = positive_int(stride, "stride"), positive_int(channels, "channels")
    if width > length:
        raise ValueError(f"width: a filter of width {width} does not fit {length} positions")
    starts = np.arange(0, length - width + 1, stride)
    pos = starts[:, None] + np.arange(width)[None, :]
    return (pos[:, :, None] * channels + np.arange(channels)[None, None, :]).reshape(len(starts), -1)


def full_patch(n: int) -> np.ndarray:
    """The single patch of a fully connected layer over ``n`` neurons, shape ``(1, n)``.

    Parameters
    ----------
    n : int
        Number of neurons.

    Returns
    -------
    ndarray of int
    """
    return np.arange(positive_int(n, "n"))[None, :]


def _check_patches(patches, n_in: int) -> np.ndarray:
    patches = np.asarray(patches)
    if patches.ndim != 2 or patches.size == 0 or not np.issubdtype(patches.dtype, np.integer):
        raise ValueError("patches: expected a non-empty 2-D integer array (one row of neuron indices per patch)")
    if patches.min() < 0 or patches.max() >= n_in:
        raise ValueError(f"patches: indices must lie in 0..{n_in - 1}")
    if len({tuple(row) for row in patches.tolist()}) != len(patches):
        raise ValueError("patches: two patches are identical (excluded by the definition of a convolutional layer)")
    if np.unique(patches).size != n_in:
        raise ValueError("patches: every neuron of the previous layer must belong to a patch")
    return patches


def conv_matrix(patches, n_in: int, filters) -> np.ndarray:
    """``U = M(W)``: the ``n_in x (P T)`` weight matrix of a convolutional layer (the map ``M_k`` of Section 2.3).

    Parameters
    ----------
    patches : array_like of int, shape (P, l)
        Patches of the previous layer, one row of neuron indices per patch.
    n_in : int
        Width of the previous layer.
    filters : array_like, shape (l, T)
        One filter per column.

    Returns
    -------
    ndarray, shape (n_in, P * T)
        Column ``p T + t`` holds filter ``t`` on the rows of patch ``p``.
    """
    n_in = positive_int(n_in, "n_in")
    patches = _check_patches(patches, n_in)
    filters = as_float_array(filters, "filters", ndim=2)
    P, l = patches.shape
    if filters.shape[0] != l:
        raise ValueError(f"filters: expected {l} rows (the patch size), got shape {filters.shape}")
    T = filters.shape[1]
    U = np.zeros((n_in, P * T))
    for p in range(P):
        U[patches[p], p * T:(p + 1) * T] = filters
    return U


def _patch_array(patches) -> np.ndarray:
    """``patches`` as a non-empty ``(P, l)`` array of neuron indices >= 0."""
    arr = as_float_array(patches, "patches", ndim=2)
    if arr.size == 0 or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"patches: expected a non-empty (P, l) array of neuron indices >= 0, got {arr.tolist()}")
    return arr.astype(np.int64)


@dataclass
class ConvLayer:
    """A convolutional layer (Definition 2.3.1); a fully connected one when ``patches`` is one patch of all neurons.

    Parameters
    ----------
    patches : ndarray of int, shape (P, l)
        Patches of the previous layer, one row of neuron indices per patch.
    n_filters : int
        ``T``.
    bias : {"neuron", "filter"}
        The thesis's one bias per neuron (length ``P T``) or a standard CNN's one per filter (length ``T``).
    """

    patches: np.ndarray
    n_filters: int
    bias: str = "neuron"

    def __post_init__(self):
        self.patches = _patch_array(self.patches)
        self.n_filters = positive_int(self.n_filters, "n_filters")
        choice(self.bias, "bias", ("neuron", "filter"))

    @property
    def n_out(self) -> int:
        """Number of neurons ``P T``."""
        return len(self.patches) * self.n_filters

    def bias_length(self) -> int:
        """Length of the bias vector: ``P T`` (per neuron) or ``T`` (per filter).

        Returns
        -------
        int
        """
        return self.n_out if self.bias == "neuron" else self.n_filters


@dataclass
class MaxPool:
    """A max-pooling layer (Definition 2.3.3): the maximum of each patch; ``n_out = P``, no parameters.

    Parameters
    ----------
    patches : ndarray of int, shape (P, l)
        Patches of the previous layer, one row of neuron indices per patch.
    """

    patches: np.ndarray

    def __post_init__(self):
        self.patches = _patch_array(self.patches)

    @property
    def n_out(self) -> int:
        """Number of neurons ``P``."""
        return len(self.patches)


class CNN:
    """A feed-forward network of convolutional, fully connected and max-pooling layers (Section 2.3).

    Hidden convolutional layers apply ``sigma``; the last layer (the output, a :class:`ConvLayer`) is linear.
    Parameters are a list with one entry per layer: ``(filters, bias)`` for a :class:`ConvLayer` (filters of shape
    ``(l, T)``) and ``None`` for a :class:`MaxPool`.

    Parameters
    ----------
    d_in : int
        Input width ``n_0``.
    layers : list of ConvLayer or MaxPool
        The network in the thesis's layout, ``[(W_1, b_1), ..., (W_L, b_L)]``.
    activation : str or Activation
        Hidden activation: a name (see :func:`landscapelab.wide.activations.get`) or an Activation.

    Examples
    --------
    >>> net = CNN(16, [ConvLayer(conv1d_patches(16, 3), 4), ConvLayer(full_patch(56), 1)], "sigmoid")
    >>> net.widths
    (16, 56, 1)
    """

    def __init__(self, d_in: int, layers, activation="sigmoid"):
        self.d_in = positive_int(d_in, "d_in")
        if not isinstance(layers, (list, tuple)) or not layers:
            raise ValueError("layers: expected a non-empty list of ConvLayer / MaxPool")
        if not isinstance(layers[-1], ConvLayer):
            raise ValueError("layers: the output layer must be a ConvLayer (fully connected or convolutional)")
        widths = [self.d_in]
        for i, layer in enumerate(layers):
            if not isinstance(layer, (ConvLayer, MaxPool)):
                raise TypeError(f"layers[{i}]: expected a ConvLayer or MaxPool, got {type(layer).__name__}")
            _check_patches(layer.patches, widths[-1])
            widths.append(layer.n_out)
        self.layers = list(layers)
        self.widths = tuple(widths)
        self.activation = acts.get(activation)

    @checked()
    def init(self, seed: int = 0, scale: float = 1.0) -> list:
        """Random parameters: filter entries ``N(0, scale^2 / l)``, biases ``N(0, scale^2 / l)``.

        Parameters
        ----------
        seed : int
            Seed of ``numpy.random.default_rng``.
        scale : float
            Standard deviation factor.

        Returns
        -------
        list
        """
        rng = np.random.default_rng(seed)
        params = []
        for layer in self.layers:
            if isinstance(layer, MaxPool):
                params.append(None)
                continue
            l = layer.patches.shape[1]
            std = scale / np.sqrt(l)
            params.append((std * rng.standard_normal((l, layer.n_filters)), std * rng.standard_normal(
                layer.bias_length())))
        return params

    def _check_params(self, params):
        if not isinstance(params, (list, tuple)) or len(params) != len(self.layers):
            raise ValueError(f"params: expected a list of {len(self.layers)} entries (one per layer)")
        for k, (layer, p) in enumerate(zip(self.layers, params), start=1):
            if isinstance(layer, MaxPool):
                if p is not None:
                    raise ValueError(f"params[{k - 1}]: a max-pooling layer has no parameters (None)")
                continue
            filters = as_float_array(p[0], f"filters of layer {k}", shape=(layer.patches.shape[1], layer.n_filters))
            as_float_array(p[1], f"bias of layer {k}", shape=(layer.bias_length(),))
            del filters

    def weight_matrix(self, params, k: int) -> np.ndarray:
        """``U_k = M_k(W_k)``, shape ``(n_{k-1}, n_k)`` (layer ``k`` must be convolutional or fully connected).

        Parameters
        ----------
        params : list
            Parameters, one entry per layer.
        k : int
            1-based layer index.

        Returns
        -------
        ndarray
        """
        sequence(params, "params", "a list with one (W, b) pair or None per layer")
        k = positive_int(k, "k")
        layer = self.layers[k - 1]
        if isinstance(layer, MaxPool):
            raise ValueError(f"k: layer {k} is max-pooling and has no weight matrix")
        return conv_matrix(layer.patches, self.widths[k - 1], params[k - 1][0])

    @checked()
    def full_bias(self, params, k: int) -> np.ndarray:
        """The bias of layer ``k`` per neuron (a tied bias repeated over the patches).

        Parameters
        ----------
        params : list
            Parameters, one entry per layer.
        k : int
            1-based index of a convolutional or fully connected layer.

        Returns
        -------
        ndarray, shape (n_k,)
        """
        sequence(params, "params", "a list with one (W, b) pair or None per layer")
        layer = self.layers[k - 1]
        b = np.asarray(params[k - 1][1], dtype=np.float64)
        return b if layer.bias == "neuron" else np.tile(b, len(layer.patches))

    @checked(X="matrix")
    def forward(self, params, X) -> list:
        """All layer outputs ``[F_0 = X, F_1, ..., F_L]`` (eq. 2.4 with max-pooling as Definition 2.3.3).

        Parameters
        ----------
        params : list
            Parameters, one entry per layer.
        X : array_like, shape (N, d_in)
            Inputs, one sample per row.

        Returns
        -------
        list of ndarray
        """
        self._check_params(params)
        X = as_float_array(X, "X", shape=(None, self.d_in))
        outs = [X]
        L = len(self.layers)
        for k, layer in enumerate(self.layers, start=1):
            F = outs[-1]
            if isinstance(layer, MaxPool):
                outs.append(F[:, layer.patches].max(axis=2))
                continue
            G = F @ self.weight_matrix(params, k) + self.full_bias(params, k)
            outs.append(G if k == L else np.asarray(self.activation(G)))
        return outs

    @checked(X="matrix")
    def features(self, params, X, layer: int) -> np.ndarray:
        """``F_k`` for a hidden layer ``k`` (1-based).

        Parameters
        ----------
        params : list
            Parameters, one entry per layer.
        X : array_like
            Inputs, one sample per row.
        layer : int
            A hidden layer, 1-based.

        Returns
        -------
        ndarray, shape (N, n_k)
        """
        k = positive_int(layer, "layer")
        if k >= len(self.layers):
            raise ValueError(f"layer: expected a hidden layer 1..{len(self.layers) - 1}, got {k}")
        return self.forward(params, X)[k]

    def n_params(self) -> int:
        """Number of trainable parameters (filters and biases).

        Returns
        -------
        int
        """
        return sum(0 if isinstance(layer, MaxPool) else layer.patches.shape[1] * layer.n_filters
                   + layer.bias_length() for layer in self.layers)
