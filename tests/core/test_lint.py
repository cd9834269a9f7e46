"""The linter CI runs: ruff with the rules in pyproject.toml (pyflakes, pycodestyle, bugbear, numpy, and the
numpydoc rule that every documented parameter has a description)."""

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_ruff_passes():
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "landscapelab", "tests", "benchmarks"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
