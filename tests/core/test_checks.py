"""Every claim registered for `landscapelab verify` must pass, and the CLI must report it as ARCHITECTURE.md says."""

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
    assert rows and all(set(r) == {"chapter", "claim", "measured", "expected", "passed", "seconds",
                                             "statements"} for r in rows)
    assert all(r["chapter"] == "core" and r["passed"] is True for r in rows)
    assert all(isinstance(r["statements"], list) for r in rows)
    assert any(r["statements"] == ["thm-ritz"] for r in rows)      # the Ritz row names the theorem it checks


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


def test_unknown_or_empty_chapter_exits_2(capsys):
    for name in ("optics", "linearitty"):
        with pytest.raises(SystemExit) as stop:
            cli.main(["verify", "--chapter", name])
        assert stop.value.code == 2
        assert "no claims are registered" in capsys.readouterr().err


def test_chapters_are_discovered_in_book_order():
    found = checks.chapters()
    assert found[:3] == ("core", "smoothness", "convexity")
    modules = checks.check_modules()
    assert "landscapelab.smoothness.checks" in modules and "landscapelab.convexity.checks" in modules


def test_version_module_entry_point_and_list_json():
    import landscapelab

    out = subprocess.run([sys.executable, "-m", "landscapelab", "--version"], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == f"landscapelab {landscapelab.__version__}"
    listed = subprocess.run([sys.executable, "-m", "landscapelab", "verify", "--list", "--json", "--chapter", "core"],
                            capture_output=True, text=True, check=True).stdout
    entries = json.loads(listed)
    assert entries and all(set(e) == {"chapter", "claim", "statements"} and e["chapter"] == "core" for e in entries)


def test_closed_pipe_is_a_clean_exit(monkeypatch):
    """`landscapelab verify | head`: the reader closed the pipe; no traceback, the status is the command's."""
    import os

    read_end, write_end = os.pipe()

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return write_end

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    try:
        assert cli.main(["verify", "--list", "--chapter", "core"]) == 0
    finally:
        os.close(read_end)
        os.close(write_end)


def test_package_namespace():
    import landscapelab as ll

    assert not hasattr(ll, "optics")
    namespace = {}
    exec("from landscapelab import *", namespace)
    assert {"MLP", "smoothness", "convexity", "sweep", "tangent_kernel_operator"} <= set(namespace)


@pytest.mark.slow
def test_two_runs_of_verify_print_identical_numbers():
    """Every claim is deterministic: two separate processes measure the same strings (timings aside)."""
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "landscapelab", "verify", "--json"], capture_output=True,
                             text=True)
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
        runs.append([{k: v for k, v in row.items() if k != "seconds"} for row in json.loads(out.stdout)])
    assert runs[0] == runs[1]


def test_table_fits_a_width_and_keeps_every_word():
    rows = [checks.Row("core", "a claim long enough that it has to wrap onto several lines of the table",
                       "max rel. error 3.3e-16 (P = 403, n d_out = 20)",
                       "within four standard errors of the exact value", True, 0.1),
            checks.Row("core", "short", "1.0", "1", False, 0.2)]
    wide = checks.table(rows=rows, seconds=False)
    assert wide.splitlines()[0].split() == ["chapter", "claim", "measured", "expected", "result"]
    narrow = checks.table(rows=rows, seconds=False, width=72)
    lines = narrow.splitlines()
    assert max(map(len, lines)) <= 72
    assert lines[0].split() == ["claim", "measured", "expected", "result"]     # one chapter: column left out
    words = lambda text: sorted(text.split())  # noqa: E731
    body = "\n".join(lines[2:])
    assert words(body) == words(" ".join(f"{r.claim} {r.measured} {r.expected} {'pass' if r.passed else 'FAIL'}"
                                         for r in rows))
    assert "FAIL" in lines[-1] and "short" in lines[-1]
    two = [rows[0], checks.Row("other", "c", "m", "e", True, 0.0)]
    assert checks.table(rows=two, seconds=False, width=72).splitlines()[0].split()[0] == "chapter"
    with pytest.raises(ValueError, match="width: expected an int of at least 40"):
        checks.table(rows=rows, width=10)
