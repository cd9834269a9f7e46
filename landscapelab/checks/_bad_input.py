"""Valid example calls of the claim registry for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).
"""

ARGUMENTS = {"chapter": lambda: "core", "text": lambda: "an example claim"}

CALLS = {"run": lambda: ((), {"chapter": "core"}), "table": lambda: ((), {"chapter": "core"})}

NOT_CALLED = {
    "Result": "a record a claim returns (its fields are whatever the claim measured)",
    "Row": "a record built by run_claim",
    "Row.as_dict": "a method of a record without arguments",
    "run_claim": "takes an entry of registry(), not a value a caller makes",
}
