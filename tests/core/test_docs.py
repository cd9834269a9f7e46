"""The README's library example and the docstring examples run as written."""

import doctest
import pathlib
import re

import pytest

import landscapelab.adapters
import landscapelab.demos
import landscapelab.nets

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_readme_example_runs():
    readme = (ROOT / "README.md").read_text()
    examples = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(examples) >= 2
    namespace = {}
    for example in examples:                       # the blocks build on each other, as a reader runs them
        exec(compile(example, "README.md", "exec"), namespace)
    net = namespace["net"]
    assert net.n_params == 68_865 and f"{net.n_params:,}" in readme
    assert namespace["K"].shape == (64, 64)


def test_readme_commands_match_ci():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    start = 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && '
    commands = [line for line in readme.splitlines() if line.startswith(start)]
    assert len(commands) == 1, "the README has one test command"
    assert commands[0] + "\n" in ci
    assert "jupyter-book build -W --keep-going ." in ci


@pytest.mark.parametrize("module", [landscapelab.nets, landscapelab.demos, landscapelab.adapters])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
