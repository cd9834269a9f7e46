"""The book's own machinery (book/_ext/landscapelab_book.py, _config.yml, the notebooks' install cell).

The rendered pages themselves are checked in a real browser by .ci/browser_test.py after the book build.
"""

import base64
import json
import re
import sys
import types
from pathlib import Path

import pytest

# The book extra (jupyter-book, hence Sphinx and PyYAML) is needed; .ci/browser_test.sh runs this file after the
# book build, when it is installed.
yaml = pytest.importorskip("yaml")
pytest.importorskip("sphinx")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import landscapelab_book as ext  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


@pytest.mark.parametrize("tex, text", [
    ("(L_0, L_1)", "(L₀, L₁)"),
    (r"\mathrm{tr}(f(A))", "tr(f(A))"),
    (r"\lambda_{\min}(\nabla^2 \ell)", "λₘᵢₙ(∇² ℓ)"),
    (r"w_{ij}^{(2)}", "wᵢⱼ⁽²⁾"),
    (r"\|H\|_F \le L_0 + L_1 \|\nabla L\|", "‖H‖F ≤ L₀ + L₁ ‖∇ L‖"),
    (r"\mathbb{R}^{n}", "ℝⁿ"),
    (r"\phi(u) = 1 + u^p", "φ(u) = 1 + uᵖ"),
    (r"W^\top", "Wᵀ"),
    (r"\frac{1}{2}", "1/2"),
])
def test_tex_in_titles_becomes_unicode(tex, text):
    assert ext.tex_to_text(tex) == text


def test_plain_text_titles_keep_no_tex():
    from docutils import nodes

    title = nodes.title("", "", nodes.math("", "(L_0, L_1)"), nodes.Text("-smoothness fails"))
    env = types.SimpleNamespace(docname="d", titles={"d": title}, longtitles={"d": title.deepcopy()}, tocs={})
    ext.plain_titles(types.SimpleNamespace(env=env), None)
    assert env.titles["d"].astext() == "(L₀, L₁)-smoothness fails"
    assert env.longtitles["d"].astext() == "(L₀, L₁)-smoothness fails"
    assert not list(env.titles["d"].findall(nodes.math))


def test_config_serves_mathjax_from_the_book_and_names_the_repository_once():
    sphinx = CONFIG["sphinx"]["config"]
    assert not sphinx["mathjax_path"].startswith(("http", "//"))
    assert (ext._mathjax_source() / ext.MATHJAX_ENTRY).is_file()     # the package of the book extra
    assert CONFIG["launch_buttons"]["thebe"] is False                 # buttons are links; nothing loads
    assert CONFIG["repository"]["url"].startswith("https://")
    assert sphinx["numfig_secnum_depth"] == 1                         # Theorem 2.3: numbered per chapter
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert any(part.get("numbered") for part in toc["parts"])


def test_install_cells_use_the_configured_repository():
    url = CONFIG["repository"]["url"].rstrip("/")
    found = 0
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        for cell in code:
            source = "".join(cell["source"])
            if "%pip install" in source:
                found += 1
                assert cell is code[0], f"{path.name}: the install cell must be the first code cell"
                assert f"landscapelab @ git+{url}" in source, f"{path.name}: install cell names another repository"
                assert "remove-cell" in cell["metadata"].get("tags", [])
    assert found >= 1


class _Script(str):
    def __new__(cls, filename, **attributes):
        obj = str.__new__(cls, filename or "")
        obj.filename, obj.attributes = filename, attributes
        return obj


def test_pages_drop_thebe_widget_state_and_duplicate_scripts():
    scripts = [_Script("doctools.js"), _Script(None, body='const THEBE_JS_URL = "x"'), _Script("sphinx-thebe.js"),
               _Script(None, body="var togglebuttonSelector = 1"), _Script(None, body="var togglebuttonSelector = 1"),
               _Script(None, type="application/vnd.jupyter.widget-state+json", body="{}")]
    context = {"script_files": scripts, "css_files": [_Script("sphinx-thebe.css"), _Script("proof.css")]}
    ext.clean_assets(context)
    assert [s.filename for s in context["script_files"]] == ["doctools.js", None]
    assert [c.filename for c in context["css_files"]] == ["proof.css"]


def test_demo_frames_move_to_files_shared_between_pages(tmp_path):
    import matplotlib.pyplot as plt

    from landscapelab.demos import Demo

    def draw(a):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [0, a])
        return fig

    html = Demo(draw, {"a": [1.0, 2.0, 3.0]}, title="line").static().html
    app = types.SimpleNamespace(outdir=str(tmp_path))
    body = ext.externalise_frames(app, html, lambda path, resource=0: "../" + path)
    assert "base64,iVBOR" not in body                                # no PNG left inline
    payload = json.loads(re.search(r'class="ll-demo-data">(.*?)</script>', body, re.S).group(1))
    assert "images" not in payload and len(payload["urls"]) == 3
    files = sorted((tmp_path / ext.DEMO_DIR).glob("*.png"))
    assert len(files) == 3 and all(f.read_bytes().startswith(b"\x89PNG") for f in files)
    assert re.search(r'<img class="ll-demo-frame"[^>]* src="\.\./_images/demos/[0-9a-f]{20}\.png"', body)
    # the same frames on another page are the same files
    ext.externalise_frames(app, html, lambda path, resource=0: path)
    assert sorted((tmp_path / ext.DEMO_DIR).glob("*.png")) == files
    first = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))
    assert first in {f.read_bytes() for f in files}
