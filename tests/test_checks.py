"""Every claim registered for `landscapelab verify` must pass, and the CLI must report it as DESIGN section 5 says."""

import json
import subprocess
import sys

import pytest

from landscapelab import checks, cli
from landscapelab.checks import Result, claim

CLAIMS = checks.registry()


@pytest.mark.parametrize("entry", CLAIMS, ids=[f"{c.chapter}: {c.claim}" for c in CLAIMS])
def test_claim_holds(entry):
    row = checks.run_claim(entry)
    assert row.passed, f"{row.claim}: measured {row.measured}, expected {row.expected}"


def test_every_chapter_name_is_known_and_core_has_the_issue_rows():
    assert {c.chapter for c in CLAIMS} <= set(checks.CHAPTERS)
    core = [c.claim for c in checks.registry("core")]
    assert any("HVP" in c for c in core) and any("Lanczos" in c for c in core)
    assert any("trace" in c for c in core) and any("flatten" in c for c in core)


def test_cli_json_has_the_documented_keys(capsys):
    assert cli.main(["verify", "--json", "--chapter", "core"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(set(r) == {"chapter", "claim", "measured", "expected", "passed", "seconds"} for r in rows)
    assert all(r["chapter"] == "core" and r["passed"] is True for r in rows)


def test_cli_exits_1_when_a_claim_fails(capsys, monkeypatch):
    monkeypatch.setattr(checks, "_REGISTRY", {k: list(v) for k, v in checks._REGISTRY.items()})

    @claim("core", "a deliberately false claim")
    def false_claim():
        return Result("1", "2", False)

    @claim("core", "a crashing claim")
    def crashing_claim():
        raise RuntimeError("boom")

    assert cli.main(["verify", "--chapter", "core"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "error: RuntimeError: boom" in out and "2 FAILED" in out


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "landscapelab.cli", "verify", "--list", "--chapter", "core"],
                         capture_output=True, text=True, check=True).stdout
    assert "core: R-operator HVP" in out


def test_unknown_chapter_is_refused():
    with pytest.raises(ValueError, match="chapter: expected one of core"):
        checks.registry("optics")
    with pytest.raises(SystemExit):
        cli.main(["verify", "--chapter", "optics"])
