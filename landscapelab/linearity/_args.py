"""Argument checks shared by the linearity modules (on top of :mod:`landscapelab._validate`)."""

import numpy as np
from autograd.tracer import getval

from .._validate import as_float_array


def array(value, name: str, **checks):
    """:func:`landscapelab._validate.as_float_array` that also refuses an empty array."""
    arr = as_float_array(value, name, **checks)
    if np.size(getval(arr)) == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {np.shape(getval(arr))}")
    return arr
