"""The few matplotlib helpers that several chapters share."""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__ = ["figure"]


def figure(ncols: int = 1, width: float = 4.2, height: float = 3.2, **kwargs):
    """A figure with ``ncols`` axes side by side in the book's default size, constrained layout.

    Parameters
    ----------
    ncols : int
        Number of panels.
    width, height : float
        Size of one panel in inches.
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    (fig, axes)
    """
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), layout="constrained", **kwargs)
    return fig, axes
