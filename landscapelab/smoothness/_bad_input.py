"""Valid example calls of the smoothness package for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).

A new public function whose required arguments are not named below needs an entry in ``ARGUMENTS`` (a valid value
by argument name) or ``CALLS`` (a whole valid call, keyed ``"module.function"``).
"""

import numpy as np

from .examples import example, random_problem


def _problem():
    return random_problem(2, width=3, d_in=2, d_out=2, n=4)


def _flat():
    return random_problem(0, d_in=2, d_out=2, n=4)


ARGUMENTS = {
    "net": lambda: _problem()[0], "X": lambda: _problem()[1], "Y": lambda: _problem()[2],
    "w": lambda: _problem()[0].init(seed=0), "t": lambda: np.array([1.0, 2.0]), "activation": lambda: "tanh",
    "rows": lambda: [], "a": lambda: np.array([0.5, 1.0]), "L0": lambda: 1.0, "L1": lambda: 2.0,
    "grad_norm": lambda: np.array([1.0, 3.0]), "hess_norm": lambda: np.array([2.0, 5.0]),
    "step_norm": lambda: np.array([0.1, 0.2]), "p": lambda: 1.5, "ell": lambda: (lambda g: 1.0 + g),
    "lr": lambda: 0.01, "depth": lambda: 2, "name": lambda: "T1",
    "grad": lambda: np.sinh, "x0": lambda: 1.0, "step": lambda: np.array([0.1, 0.5]),
}

CALLS = {
    "assumption.format_activation_table": lambda: ((__import__(
        "landscapelab.smoothness.assumption", fromlist=["activation_table"]).activation_table(["tanh"]),), {}),
    "closed_form.Ray": lambda: ((_problem()[0], _problem()[1], _problem()[2]), {}),
    "closed_form.Ray.entry": lambda: ((1.0, ("b", 2, 0), ("b", 2, 0)), {}),
    "depth0.depth0_hessian": lambda: ((_flat()[0], _flat()[1], _flat()[2], _flat()[0].init(seed=0)), {}),
    "depth0.depth0_smoothness": lambda: ((_flat()[0], _flat()[1], _flat()[2]), {}),
    "ray.ray": lambda: ((_problem()[0], 1.5), {}),
    "closed_form.Ray.certificate": lambda: ((1.0, 2.0), {}),
    "closed_form.Ray.first_violation": lambda: ((1.0, 2.0), {"grid": 20}),
    "training.training_norms": lambda: ((0.01,), {"steps": 20, "records": 2, "width": 4, "n": 8}),
    "demos.ray_explorer": lambda: ((), {"depths": (0, 1), "activations": ("tanh",), "losses": ("square",),
                                        "points": 5}),
    "demos.admissible_region": lambda: ((), {"lengths": (1.0, 2.0), "points": 20}),
    "demos.phi_explorer": lambda: ((), {"powers": (1.0, 2.0), "points": 10}),
}
for _m in ("point", "gradient", "hessian", "gauss_newton", "blocks", "gradient_norm", "frobenius_norm",
           "operator_norm", "gauss_newton_norm", "hessian_norm", "autograd_error"):
    CALLS[f"closed_form.Ray.{_m}"] = lambda: ((1.5,), {})

INSTANCES = {"closed_form.Ray": lambda: example("T1").ray(), "examples.Example": lambda: example("T1")}

NOT_CALLED = {
    "assumption.ActivationFacts": "a record returned by activation_facts",
    "examples.Example": "a record returned by example (which checks the name)",
}

#: (function, argument) -> kinds of "wrong" value that are valid there.
ALLOWED = {
    # elementwise over arrays of any shape (a scalar included)
    **{(f"clipping.{name}", arg): {"wrong rank"} for name, arg in [
        ("remainder_factor", "a"), ("descent_bound", "grad_norm"), ("descent_bound", "step_norm"),
        ("safe_step", "grad_norm"), ("guaranteed_decrease", "grad_norm"), ("iterations_to_tolerance", "step")]},
}
