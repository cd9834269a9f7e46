"""Every statement a chapter reproduces has a row in `landscapelab verify`, and every row's links are current.

A *statement* is a ``{prf:theorem}``, ``{prf:lemma}``, ``{prf:proposition}``, ``{prf:corollary}`` or
``{prf:remark}`` block of a chapter notebook (its ``:label:``), or a beyond-the-paper *observation*: a bullet with
a bold lead (``* **The paths are long**: ...``) in a section headed "What the reproduction shows beyond ...", whose
id is ``<notebook>-obs-<the first six words of the bold lead>`` (see :func:`observation_id`); or an *erratum*: an
admonition titled "Erratum ..." or "Errata ...", whose id is ``<notebook>-err-<the first six words after that>``.
A chapter's key is the one its verify cell runs (``checks.run("<key>")``). Each statement must be named by a claim
of that key (``@claim(key, text, statements=(label, ...))``) or be listed, with the reason, in ``NOT_CHECKED`` of
one of the key's check modules, not both; and every label a claim or ``NOT_CHECKED`` names must exist in the
chapter.
"""

import json
import re
from pathlib import Path

import pytest

from landscapelab import checks

BOOK = Path(__file__).resolve().parents[2] / "book"
KINDS = ("theorem", "lemma", "proposition", "corollary", "remark")
_BLOCK = re.compile(r"^(?P<fence>`{3,}|:{3,})\{prf:(?P<kind>[a-z]+)\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.S | re.M)
_ERRATUM = re.compile(r"^(`{3,}|:{3,})\{admonition\}\s*Errat(?:um|a)\b(?P<title>.*)$", re.M)
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`")


def observation_id(notebook: str, lead: str, kind: str = "obs") -> str:
    """``<notebook>-<kind>-<words>``: the first six words of a bullet's bold lead (or of an erratum's title, after
    "Erratum"), lower case, roles and maths reduced to their text (``{prf:ref}`Theorem 4.1 <lin-thm-41>``` ->
    ``theorem 4 1``)."""
    words = re.findall(r"[a-z0-9]+", _ROLE.sub(r"\1", lead).lower())
    return f"{notebook}-{kind}-" + "-".join(words[:6])


def _markdown(notebook: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "markdown"]


def statements(notebook: Path) -> dict[str, str]:
    """Label -> kind (``theorem``, ..., ``observation``, ``erratum``) of every statement of a chapter notebook."""
    found: dict[str, str] = {}
    in_beyond = False
    for text in _markdown(notebook):
        for block in _BLOCK.finditer(text):
            if block["kind"] in KINDS:
                label = re.search(r"^:label:\s*(\S+)", block["body"], re.M)
                assert label, f"{notebook.name}: a {{prf:{block['kind']}}} block without a :label:"
                found[label[1]] = block["kind"]
        for box in _ERRATUM.finditer(text):
            found[observation_id(notebook.stem, box["title"], "err")] = "erratum"
        for line in text.splitlines():
            if line.startswith("#"):
                in_beyond = bool(re.match(r"^##\s+What the reproduction shows beyond", line))
            elif in_beyond and (lead := re.match(r"^[*-] \*\*(.+?)\*\*", line)):
                found[observation_id(notebook.stem, lead[1])] = "observation"
    return found


def chapter_key(notebook: Path) -> str | None:
    """The key of the chapter's verify table, from its ``checks.run("<key>")`` cell."""
    cells = json.loads(notebook.read_text())["cells"]
    keys = {m for c in cells if c["cell_type"] == "code"
            for m in re.findall(r"checks\.run\(\"([a-z_]+)\"\)", "".join(c["source"]))}
    assert len(keys) <= 1, f"{notebook.name} runs the claims of several chapters: {keys}"
    return keys.pop() if keys else None


CHAPTERS = [(nb, chapter_key(nb)) for nb in sorted(BOOK.glob("*.ipynb")) if chapter_key(nb)]


def test_the_parser_finds_the_statements_of_every_chapter():
    assert {nb.stem for nb, _ in CHAPTERS} >= {"preliminaries", "smoothness", "convexity", "linearity",
                                               "wide_layers", "loss_topology", "decision_regions", "rsc"}
    kinds = [kind for nb, _ in CHAPTERS for kind in statements(nb).values()]
    assert kinds.count("theorem") >= 20 and kinds.count("lemma") >= 10 and kinds.count("observation") >= 20
    assert kinds.count("erratum") >= 20
    assert observation_id("linearity", "{prf:ref}`Theorem 4.1 <lin-thm-41>` holds for a fixed displacement") \
        == "linearity-obs-theorem-4-1-holds-for-a"


@pytest.mark.parametrize("notebook, key", CHAPTERS, ids=[nb.stem for nb, _ in CHAPTERS])
def test_every_statement_has_a_row_or_a_reason(notebook, key):
    found = statements(notebook)
    linked: dict[str, list[str]] = {}
    for entry in checks.registry(key):
        for label in entry.statements:
            linked.setdefault(label, []).append(entry.claim)
    skipped = checks.not_checked(key)
    stale = sorted(set(linked) - set(found))
    assert not stale, f"claims of {key!r} name labels that {notebook.name} does not have: {stale}"
    unknown = sorted(set(skipped) - set(found))
    assert not unknown, f"NOT_CHECKED of {key!r} lists labels that {notebook.name} does not have: {unknown}"
    both = sorted(set(skipped) & set(linked))
    assert not both, f"{both}: checked by a claim of {key!r} and listed in NOT_CHECKED"
    for label, reason in skipped.items():
        assert isinstance(reason, str) and len(reason.split()) >= 6, f"{label}: give the reason in a sentence"
    missing = sorted(set(found) - set(linked) - set(skipped))
    assert not missing, (f"{notebook.name}: no claim of {key!r} checks {missing}; add statements=(...) to the "
                         f"claim that checks it, or list it in NOT_CHECKED with the reason")


def test_claims_name_statements_only_of_their_own_chapter():
    known = {key: set(statements(nb)) for nb, key in CHAPTERS}
    for entry in checks.registry():
        if entry.chapter in known:
            assert set(entry.statements) <= known[entry.chapter], (entry.claim, entry.statements)
        else:
            assert not entry.statements, f"{entry.chapter!r} has no chapter notebook, yet {entry.claim!r} links"


def test_claim_refuses_malformed_statement_labels():
    with pytest.raises(ValueError, match="statements: expected labels"):
        checks.claim("core", "a claim", statements=("two words",))
    with pytest.raises(TypeError, match="statements: expected a label or a tuple"):
        checks.claim("core", "a claim", statements=5)
