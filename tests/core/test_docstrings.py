"""Public functions and classes carry numpydoc docstrings: a summary, every parameter documented, a Returns
section (numpydoc's own validator, with the checks listed in CHECKS)."""

import dataclasses
import importlib
import re

import pytest
from numpydoc.validate import validate

from landscapelab.testing import public_objects

#: GL08 no docstring, SS01 no summary, PR01 a parameter not documented, PR02 an unknown parameter documented,
#: RT01 no Returns section.
CHECKS = {"GL08", "SS01", "PR01", "PR02", "RT01"}


#: Packages whose docstrings are being rewritten on another branch; they join the check when it lands (none now).
PENDING = ()


def resolve(qualname):
    """The object named ``qualname``: the longest importable module prefix, then attributes (a package may
    re-export a function under its module's name, as ``smoothness.ray``)."""
    parts = qualname.split(".")
    for i in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            target = getattr(target, part)
        return target
    raise ImportError(qualname)


def problems(qualname):
    obj = resolve(qualname)
    skip = set()
    if getattr(obj, "_is_protocol", False):
        skip.add("PR01")                                  # a protocol has no constructor to document
    if dataclasses.is_dataclass(obj) and "Attributes\n" in (obj.__doc__ or ""):
        documented = set(re.findall(r"^\s*(\w+)(?:, (\w+))* :", obj.__doc__.split("Attributes\n", 1)[1], re.M))
        names = {n for group in documented for n in group if n}
        if {f.name for f in dataclasses.fields(obj)} <= names:
            skip.add("PR01")                              # a dataclass's fields documented as its attributes
    return [(code, message) for code, message in validate(qualname)["errors"] if code in CHECKS - skip]


OBJECTS = [name for name in public_objects() if not name.startswith(PENDING)]


def test_the_walk_finds_the_public_api():
    assert {"landscapelab.nets.MLP", "landscapelab.curvature.estimators.eigenvalues",
            "landscapelab.sweeps.sweep", "landscapelab.testing.check_operator"} <= set(OBJECTS)


@pytest.mark.parametrize("qualname", OBJECTS)
def test_numpydoc(qualname):
    assert problems(qualname) == []
