"""Valid example calls of the kernels for the bad-input property tests (``tests/core/test_bad_input_all.py``; the
tables are described in :func:`landscapelab.testing.bad_input_spec`)."""

import numpy as np

ARGUMENTS = {
    "A": lambda: np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]),
    "As": lambda: np.stack([np.eye(3), 2.0 * np.eye(3)]),
    "values": lambda: np.array([1.0, 2.5]), "lower": lambda: np.array([0.5, 2.0]),
    "upper": lambda: np.array([1.5, 3.0]),
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # complex matrices are supported (kept complex, never cast): Qi's and Gershgorin's theorems and the
    # determinant hold over the complex numbers; tests/kernels checks them against NumPy.
    **{(f"{module}.{function}", "A"): {"complex"} for module in ("determinant", "gershgorin", "reference")
       for function in ("det", "slogdet", "leibniz_terms", "off_diagonal_sums", "qi_intervals", "gershgorin_discs",
                        "singular_value_bounds", "johnson_bound")},
    **{(f"{module}.det_batched", "As"): {"complex", "empty"} for module in ("determinant", "reference")},
    ("gershgorin.in_union", "values"): {"empty"},            # no values: an empty answer
}
