"""Items of the reliability issues not pinned elsewhere: a parameter vector of the wrong length is blamed on ``w``
by every estimator (never on an internal ``v``, and before any P^2 allocation); cross-entropy with one output is
refused; ``verify`` shows a progress bar on a terminal only."""

import sys

import numpy as np
import pytest

import landscapelab as ll
from landscapelab.testing import random_problem

P = random_problem(seed=0)


@pytest.mark.parametrize("call", [
    lambda w: ll.hvp(P.f, w, P.w),
    lambda w: ll.eigenvalues(P.f, w),
    lambda w: ll.hessian_trace(P.f, w, samples=4),
    lambda w: ll.spectral_density(P.f, w),
    lambda w: ll.hessian(P.f, w),
    lambda w: ll.gradient(P.f, w),
    lambda w: ll.hessian_operator(P.f, w),
], ids=["hvp", "eigenvalues", "hessian_trace", "spectral_density", "hessian", "gradient", "hessian_operator"])
@pytest.mark.parametrize("length", [-1, +1])
def test_a_wrong_length_w_is_blamed_on_w(call, length):
    w = np.resize(P.w, P.w.size + length)
    with pytest.raises(ValueError, match=rf"^w: expected a parameter vector of length {P.w.size}, got {w.size}"):
        call(w)


def test_a_huge_wrong_length_w_is_refused_before_allocating():
    """``hessian`` checks the length before asking for P_wrong^2 doubles (10^6 entries would need 7.3 TiB)."""
    with pytest.raises(ValueError, match="^w: expected a parameter vector"):
        ll.hessian(P.f, np.zeros(10**6))


def test_cross_entropy_with_one_output_is_refused():
    net = ll.MLP([2, 3, 1])
    with pytest.raises(ValueError, match="net: cross-entropy needs at least 2 outputs"):
        ll.loss_function(net, np.ones((4, 2)), np.ones((4, 1)), loss="cross_entropy")


@pytest.mark.parametrize("tty", [True, False])
def test_verify_shows_a_progress_bar_on_a_terminal_only(monkeypatch, capsys, tty):
    from landscapelab import checks, cli

    seen = {}

    def run(chapter=None, progress=False):
        seen["progress"] = progress
        return []

    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    monkeypatch.setattr(checks, "run", run)
    cli.main(["verify", "--chapter", "core"])
    capsys.readouterr()
    assert seen["progress"] is tty
