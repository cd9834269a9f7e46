"""``njit`` as the library uses it: compiled once and cached on disk when a cache location is writable, compiled in
memory otherwise (a system-wide or container install where neither the package folder nor the user's cache
directory can be written), instead of failing at import with Numba's "no locator available"."""

from __future__ import annotations

import numba

__all__ = ["njit"]


def njit(fn=None, *, cache: bool = True, **options):
    """Decorate ``fn`` with :func:`numba.njit`, with an on-disk cache when one can be written.

    Parameters
    ----------
    fn : callable, optional
        The function (``@njit`` or ``@njit(...)`` both work).
    cache : bool
        Try to cache the compiled code on disk (default True).
    **options
        Further options of :func:`numba.njit`.

    Returns
    -------
    numba dispatcher, or a decorator when ``fn`` is None
    """
    def decorate(func):
        if cache:
            try:
                return numba.njit(cache=True, **options)(func)
            except RuntimeError as err:
                if "no locator available" not in str(err):
                    raise
        return numba.njit(**options)(func)

    return decorate if fn is None else decorate(fn)
