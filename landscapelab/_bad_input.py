"""Valid example calls of the top-level modules outside ``tests/core/test_bad_input.py`` (the bad-input harness
itself) for ``tests/core/test_bad_input_all.py``; the tables are described in
:func:`landscapelab.testing.bad_input_spec`."""

ARGUMENTS = {"qualname": lambda: "landscapelab.kernels.determinant.det", "package": lambda: "landscapelab.kernels"}

NOT_CALLED = {
    "bad_input.wrong_values": "any object is a valid value whose wrong values are asked for",
    "bad_input.wrong_value_strategy": "any object is a valid value whose wrong values are asked for",
    "bad_input.refusal": "calls an arbitrary function with an arbitrary wrong value by design",
}
