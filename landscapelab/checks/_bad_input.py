"""Valid example calls of the claim registry for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).
"""


def _rows():
    from . import Row

    return [Row("core", "an example claim", "1.0", "1.0", True, 0.01)]


ARGUMENTS = {"chapter": lambda: "core", "text": lambda: "an example claim"}

CALLS = {"run": lambda: ((), {"chapter": "core"}), "table": lambda: ((), {"rows": _rows(), "seconds": True})}

NOT_CALLED = {
    "Result": "a record a claim returns (its fields are whatever the claim measured)",
    "Row": "a record built by run_claim",
    "Row.as_dict": "a method of a record without arguments",
    "run_claim": "takes an entry of registry(), not a value a caller makes",
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {("claim", "text"): {"unknown name"}}       # the claim's sentence: any text
