"""Exact closed forms of the gradient and Hessian of the loss on Cooper's ray (Lemmas 9-11 and the
entry formula of Theorems 12 and 14, with the sigma'' terms the paper leaves out), for any depth >= 1."""

from __future__ import annotations


import autograd
import numpy as np

from .._validate import as_float_array, checked, choice
from ..losses import LOSSES, loss_function
from ..nets import MLP
from . import _ray_violations
from ._ray_terms import ray_terms
from .assumption import assumption1
from .ray import LOSS_NAMES, _check_net, _direction, _point_vector, _scalar_t, _ts, parameter_index

__all__ = ["Ray", "norms_along_ray"]


class Ray:
    """Closed forms of the loss, gradient and Hessian on Cooper's ray, for both losses and any depth ``l >= 1``.

    On the ray every hidden layer outputs ``sigma(c) 1`` and the network output is the constant ``beta`` (0 on the
    paper's ray), so the output Jacobian is ``J_s(t) = J0_s + t J1_s`` and the output Hessians are affine in t.
    With ``w_s`` and ``A_s`` the gradient and Hessian of the per-sample loss at the output ``beta``
    (square: ``2 (beta - y_s)`` and ``2 I``; cross-entropy: ``S_s p - y_s`` and ``S_s (diag p - p p^T)``,
    ``p = softmax(beta)``, ``S_s`` the label sum), the loss derivatives are exactly

        grad L(rho(t)) = sum_s J_s^T w_s                                    = g0 + t g1
        H L(rho(t))    = sum_s J_s^T A_s J_s + sum_s sum_j (w_s)_j Hess f_j  = H0 + t H1 + t^2 H2.

    Nonzero columns of ``J_s`` (``h`` = the output of hidden layer ``l-1``: ``x_s`` if ``l = 1``, else
    ``sigma(c) 1``; ``M`` the direction): ``b^{l+1}``: ``I``; ``M^{l+1}_{ja}``: ``sigma(c) e_j``; ``b^l_a``:
    ``t sigma'(c) M e_a``; ``M^l_{aq}``: ``t sigma'(c) M e_a h_q`` (Lemmas 9-10 are the case ``sigma(c) = 0``,
    ``l >= 2``). Nonzero second derivatives of ``f_j`` (Lemma 11 and the terms it omits):

    * ``(M^{l+1}_{ja}, b^l_a)``: ``sigma'(c)``;  ``(M^{l+1}_{ja}, M^l_{aq})``: ``sigma'(c) h_q``;
    * ``(b^l_a, b^l_a)``: ``t sigma''(c) M_{ja}``;  ``(b^l_a, M^l_{aq})``: ``t sigma''(c) M_{ja} h_q``;
      ``(M^l_{aq}, M^l_{aq'})``: ``t sigma''(c) M_{ja} h_q h_{q'}``;
    * for ``l >= 2``: ``(M^l_{aq}, b^{l-1}_q)``: ``t sigma'(c)^2 M_{ja}``;  ``(M^l_{aq}, M^{l-1}_{qe})``:
      ``t sigma'(c)^2 M_{ja} h'_e`` with ``h'`` the output of layer ``l-2`` (``x_s`` if ``l = 2``).

    Parameters
    ----------
    net : MLP
        Standard parametrisation, biases, no output activation, ``depth >= 1`` (for ``depth = 0`` see
        :func:`depth0_hessian`).
    X, Y : arrays
        Data, ``(n, d_in)`` and ``(n, d_out)`` (integer class labels are accepted for cross-entropy).
    loss : {"square", "cross_entropy"}
        The loss (eqs. 13-14: sums over samples, no 1/n).
    c : float, optional
        The point of Assumption 1 (default: found by :func:`activation_facts`).
    M : array ``(d_out, c_l)``, optional
        The direction of the last layer (default :func:`default_direction`).
    offset : None, "critical" or array ``(d_out,)``
        Constant part of the last bias, so that the output on the ray is ``beta = offset``. ``"critical"`` (beyond
        the paper) chooses the mean target (square loss) or ``log`` of the mean label (cross-entropy), which makes
        ``sum_s w_s = 0``: for ``l >= 2`` the gradient then vanishes along the whole line while the Hessian still
        grows like ``t^2``.
    absorb : bool
        Beyond the paper: allow ``sigma(c) != 0`` (sigmoid, or ReLU at ``c > 0``) and add ``-t sigma(c) M 1`` to
        the last bias, so that the output stays ``beta``; the growth argument goes through unchanged.
    """

    @checked(X="matrix")
    def __init__(self, net: MLP, X, Y, loss: str = "square", c=None, M=None, offset=None, absorb: bool = False):
        self.net = _check_net(net, min_depth=1)
        self.loss = choice(loss, "loss", LOSS_NAMES)
        self.X = net.check_inputs(X)
        self.Y = np.asarray(LOSSES[self.loss].check_targets(Y, self.X.shape[0], net.d_out), dtype=np.float64)
        if not isinstance(absorb, (bool, np.bool_)):
            raise TypeError(f"absorb: expected True or False, got {absorb!r}")
        self.absorb = bool(absorb)
        self.point_c = assumption1(net.activation, c, absorb=self.absorb)
        self.c = self.point_c.c
        self.M = _direction(net, self.loss, M)
        self.offset = self._offset(offset)
        self._build()

    # -------------------------------------------------------------------------------- setup
    def _offset(self, offset):
        d = self.net.d_out
        if offset is None:
            return np.zeros(d)
        if isinstance(offset, str):
            choice(offset, "offset", ("critical",))
            if self.loss == "square":
                return self.Y.mean(axis=0)
            mean = self.Y.sum(axis=0) / self.Y.sum()
            if np.any(mean <= 0):
                missing = np.flatnonzero(mean <= 0).tolist()
                raise ValueError(f"offset='critical': class(es) {missing} never appear in Y, so no finite last bias "
                                 "makes the gradient vanish")
            return np.log(mean)
        return np.array(as_float_array(offset, "offset", shape=(d,)), dtype=np.float64)

    def _build(self):
        terms = ray_terms(self.net, self.X, self.Y, self.loss, self.M, self.offset, self.point_c)
        self.support, self._local = terms.support, terms.local
        self._W, self._A = terms.W, terms.A
        self.g0, self.g1 = terms.g0, terms.g1
        self._K, self._GN = terms.K, terms.GN
        self.H0, self.H1, self.H2 = terms.H0, terms.H1, terms.H2
        nonzero = (self.H0 != 0) | (self.H1 != 0) | (self.H2 != 0)
        self._entries = (self.H0[nonzero], self.H1[nonzero], self.H2[nonzero])
        self._bl0 = terms.bl0                                               # local index of b^l_1

    # -------------------------------------------------------------------------------- points and values
    def __repr__(self) -> str:
        extra = "" if not np.any(self.offset) else ", offset=..."
        return (f"Ray({self.net!r}, n={self.X.shape[0]}, loss={self.loss!r}, c={self.c!r}"
                f"{extra}{', absorb=True' if self.absorb else ''})")

    def point(self, t) -> np.ndarray:
        """Flat parameters rho(t): hidden ``M^i = 0``, ``b^i = c``; ``M^{l+1} = t M``;
        ``b^{l+1} = offset - t sigma(c) M 1`` (0 on the paper's ray).

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        ndarray, shape (P,)
            The flat parameters.
        """
        t = _scalar_t(t)
        bias = self.offset - t * self.point_c.s0 * self.M.sum(axis=1)
        return _point_vector(self.net, t, self.c, self.M, bias)

    def loss_function(self):
        """``landscapelab.loss_function`` for this network, data and loss (for autograd cross-checks).

        Returns
        -------
        LossFunction
            The loss as a function of the flat parameters (sum over samples, eqs. 13-14).
        """
        return loss_function(self.net, self.X, self.Y, loss=self.loss)

    def loss_value(self) -> float:
        """The loss on the ray, the same for every t: ``sum_s ||beta - y_s||^2`` (square; ``sum_s ||y_s||^2`` on the
        paper's ray) or ``sum_s (S_s logsumexp(beta) - y_s . beta)`` (cross-entropy; ``n log d_out`` under
        Assumption 2).

        Returns
        -------
        float
            The constant loss value.
        """
        beta, Y = self.offset, self.Y
        if self.loss == "square":
            return float(np.sum((beta[None, :] - Y) ** 2))
        lse = beta.max() + np.log(np.sum(np.exp(beta - beta.max())))
        return float(np.sum(Y.sum(axis=1) * lse - Y @ beta))

    def _expand(self, v):
        out = np.zeros(self.net.n_params)
        out[self.support] = v
        return out

    def gradient(self, t) -> np.ndarray:
        """Closed-form gradient ``g0 + t g1`` at rho(t) (Lemmas 9-10).

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        ndarray, shape (P,)
            The gradient (zero outside the support).
        """
        return self._expand(self.g0 + _scalar_t(t) * self.g1)

    def _support_hessian(self, t):
        return _quadratic(self.H0, self.H1, self.H2, t)

    def hessian(self, t) -> np.ndarray:
        """Closed-form Hessian ``H0 + t H1 + t^2 H2`` at rho(t) (Lemma 11 with the sigma'' terms it omits).

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        ndarray, shape (P, P)
            The Hessian (zero outside the support).
        """
        t = _scalar_t(t)
        H = np.zeros((self.net.n_params,) * 2)
        H[np.ix_(self.support, self.support)] = self._support_hessian(t)
        return H

    def gauss_newton(self, t) -> np.ndarray:
        """The Gauss-Newton part ``sum_s J_s^T A_s J_s`` of the Hessian at rho(t).

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        ndarray, shape (P, P)
            The positive semi-definite Gauss-Newton matrix (zero outside the support).
        """
        t = _scalar_t(t)
        G0, G1, G2 = self._GN
        H = np.zeros((self.net.n_params,) * 2)
        H[np.ix_(self.support, self.support)] = _quadratic(G0, G1, G2, t)
        return H

    def blocks(self, t) -> dict[tuple[str, str], np.ndarray]:
        """The nonzero Hessian blocks at rho(t), keyed by parameter names (``("b2", "b2")``, ``("M3", "b2")``, ...),
        each shaped ``shape(p) + shape(q)`` (e.g. ``(M3, b2)``: ``(d_out, c_2, c_2)``).

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        dict of (str, str) to ndarray
            The blocks that are not identically zero at this t.
        """
        H = self.hessian(t)
        index = parameter_index(self.net)
        l = self.net.depth
        pairs = [(f"b{l}", f"b{l}"), (f"b{l}", f"b{l + 1}"), (f"b{l + 1}", f"b{l + 1}"), (f"M{l + 1}", f"b{l}"),
                 (f"M{l + 1}", f"M{l}"), (f"b{l}", f"M{l}"), (f"M{l}", f"M{l}")]
        if l >= 2:
            pairs += [(f"M{l}", f"b{l - 1}"), (f"M{l}", f"M{l - 1}")]
        out = {}
        for p, q in pairs:
            block = H[np.ix_(index[p].ravel(), index[q].ravel())].reshape(index[p].shape + index[q].shape)
            if np.any(block):
                out[(p, q)] = block
        return out

    def entry(self, t, p, q):
        """Hessian entry between two named parameters, e.g. ``entry(t, ("b", 2, 0), ("b", 2, 0))`` for
        ``d^2 L / (d b^2_1)^2`` (indices 0-based; weights as ``("M", i, row, col)``).

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.
        p, q : tuple
            The two parameters: ``("b", layer, index)`` or ``("M", layer, row, col)`` (layers 1-based as in the
            paper, indices 0-based).

        Returns
        -------
        float or ndarray
            The entry, of the shape of ``t``.
        """
        index = parameter_index(self.net)
        flat = []
        for label, name in (("p", p), ("q", q)):
            if not isinstance(name, tuple) or len(name) < 3:
                raise TypeError(f"{label}: expected a parameter such as ('M', 2, 0, 1) or ('b', 1, 0), got "
                                f"{name!r:.60}")
            kind, layer, *pos = name
            flat.append(int(index[f"{kind}{layer}"][tuple(pos)]))
        ts = _ts(t)
        if not all(f in self._local for f in flat):
            out = np.zeros_like(ts)
        else:
            i, j = (self._local[f] for f in flat)
            out = _quadratic(self.H0[i, j], self.H1[i, j], self.H2[i, j], ts)
        return _shaped(out, ts)

    def leading_entry(self) -> tuple[float, float, float]:
        """Coefficients ``(constant, t, t^2)`` of ``d^2 L / (d b^l_1)^2`` on the ray: the t^2 coefficient is the
        paper's ``2 n sigma'(c)^2 ||M e_1||^2`` (square) or ``n sigma'(c)^2 (1/d - 1/d^2)`` (cross-entropy, M = I); the
        t coefficient is the ``sigma''(c) (M^T sum_s w_s)_1`` correction.

        Returns
        -------
        tuple of float
            ``(constant, t, t^2)`` coefficients.
        """
        i = self._bl0
        return float(self.H0[i, i]), float(self.H1[i, i]), float(self.H2[i, i])

    # -------------------------------------------------------------------------------- norms along the ray
    def gradient_norm(self, t):
        """``||grad L(rho(t))||`` (Euclidean).

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.

        Returns
        -------
        float or ndarray
            The norm, of the shape of ``t``.
        """
        ts = _ts(t)
        out = np.sqrt(np.maximum(_quadratic(self.g0 @ self.g0, 2 * (self.g0 @ self.g1), self.g1 @ self.g1, ts), 0))
        return _shaped(out, ts)

    def _per_t(self, t, fn):
        ts = _ts(t)
        out = np.array([fn(float(u)) for u in np.atleast_1d(ts)])
        return _shaped(out.reshape(ts.shape), ts)

    def frobenius_norm(self, t):
        """``||H L(rho(t))||_F`` (Cooper's choice of norm, Remark 2).

        Evaluated entry by entry on the nonzero pattern, ``sqrt(sum (h0 + t h1 + t^2 h2)^2)``, so there is no
        cancellation between the coefficients.

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.

        Returns
        -------
        float or ndarray
            The norm, of the shape of ``t``.
        """
        ts = _ts(t)
        h0, h1, h2 = self._entries
        flat = np.atleast_1d(ts)
        out = np.empty(flat.shape)
        step = max(1, 2_000_000 // max(1, h0.size))
        for start in range(0, flat.size, step):
            u = flat[start:start + step, None]
            out[start:start + step] = np.sqrt(np.sum(_quadratic(h0, h1, h2, u) ** 2, axis=1))
        return _shaped(out.reshape(ts.shape), ts)

    def operator_norm(self, t):
        """``||H L(rho(t))||_op``, the largest absolute eigenvalue (Definition 1's norm); dense ``eigvalsh`` on the
        support (size ``S``) for ``S <= 600``, ARPACK (``scipy.sparse.linalg.eigsh``) beyond.

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.

        Returns
        -------
        float or ndarray
            The norm, of the shape of ``t``.
        """
        return self._per_t(t, lambda u: _largest_magnitude(self._support_hessian(u)))

    def gauss_newton_norm(self, t):
        """Operator norm of the Gauss-Newton part ``sum_s J_s^T A_s J_s`` (positive semi-definite), computed from the
        smaller of its ``(S, S)`` form and the Gram matrix ``K K^T`` of size ``n d_out``.

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.

        Returns
        -------
        float or ndarray
            The norm, of the shape of ``t``.
        """
        K0, K1 = self._K
        if K0.shape[0] < K0.shape[1]:
            C00, C01, C11 = K0 @ K0.T, K0 @ K1.T, K1 @ K1.T
            C01 = C01 + C01.T
            return self._per_t(t, lambda u: float(np.linalg.eigvalsh(_quadratic(C00, C01, C11, u))[-1]))
        G0, G1, G2 = self._GN
        return self._per_t(t, lambda u: float(np.linalg.eigvalsh(_quadratic(G0, G1, G2, u))[-1]))

    def hessian_norm(self, t, norm: str = "frobenius"):
        """``||H L(rho(t))||`` in the given norm.

        Parameters
        ----------
        t : float or array_like
            The position(s) on the ray: a number or a 1-D array.
        norm : {"frobenius", "operator"}
            :meth:`frobenius_norm` or :meth:`operator_norm`.

        Returns
        -------
        float or ndarray
            The norm, of the shape of ``t``.
        """
        norm = choice(norm, "norm", ("frobenius", "operator"))
        return self.frobenius_norm(t) if norm == "frobenius" else self.operator_norm(t)

    def growth(self, t=None) -> dict[str, float]:
        """Log-log slopes of ``||grad L||``, ``||H||_F`` and ``||H||_op`` against t, fitted on ``t`` (default: 20
        points from 1e2 to 1e4, where the asymptotic exponents 1, 2, 2 of Theorems 12 and 14 are reached).

        Parameters
        ----------
        t : array_like, optional
            The positions on the ray used for the fit (at least two, all > 0).

        Returns
        -------
        dict of str to float
            The slopes under the keys ``"gradient"``, ``"frobenius"`` and ``"operator"``.
        """
        ts = np.geomspace(1e2, 1e4, 20) if t is None else _ts(t)
        from ..fits import loglog_slope

        return {name: loglog_slope(ts, values)[0] for name, values in (
            ("gradient", self.gradient_norm(ts)), ("frobenius", self.frobenius_norm(ts)),
            ("operator", self.operator_norm(ts)))}

    def autograd_error(self, t) -> float:
        """Largest entry error of the closed-form gradient and Hessian at rho(t) against autograd applied to the
        network's forward pass (an oracle that shares no code with the closed forms), relative to
        ``max(1, largest autograd entry)``.

        Parameters
        ----------
        t : float
            The position on the ray.

        Returns
        -------
        float
            The larger of the gradient's and the Hessian's relative entry errors.
        """
        t = _scalar_t(t)
        f = self.loss_function()
        w = self.point(t)
        g = np.asarray(autograd.grad(f.__call__)(w))
        H = np.asarray(autograd.hessian(f.__call__)(w))
        return max(float(np.abs(self.gradient(t) - g).max() / max(1.0, np.abs(g).max())),
                   float(np.abs(self.hessian(t) - H).max() / max(1.0, np.abs(H).max())))

    # -------------------------------------------------------------------------------- violations
    # Where (L0, L1)-smoothness fails along the ray: written in _ray_violations.py, methods of this class.
    certificate = _ray_violations.certificate
    first_violation = _ray_violations.first_violation


def _largest_magnitude(H) -> float:
    if H.shape[0] <= 600:
        return float(np.abs(np.linalg.eigvalsh(H)).max())
    from scipy.sparse.linalg import eigsh

    value = eigsh(H, k=1, which="LM", v0=np.ones(H.shape[0]), tol=1e-13, return_eigenvectors=False)
    return float(abs(value[0]))


def _quadratic(c0, c1, c2, t):
    """``c0 + t c1 + t^2 c2``: every closed form on the ray is a polynomial of degree <= 2 in t."""
    return c0 + t * c1 + t * t * c2


def _shaped(out, ts):
    """``out`` as a float when the positions ``ts`` were one number, else as an array of their shape."""
    return float(out) if ts.ndim == 0 else out


# norms_along_ray (any depth, the Ray above for depth >= 1) lives in along_ray.py and stays importable from here.
from .along_ray import norms_along_ray  # noqa: E402
