"""Sphinx extension of the landscapelab book: what the reader meets that the stock Jupyter Book does not give.

* **Math offline.** MathJax 3 comes from a package (``sphinx-mathjax-offline``, the official MathJax 3.2.2 build)
  and is copied to ``_static/mathjax``; ``mathjax_path`` must point there (``_config.yml``).
* **Plain-text titles.** Math in a chapter title stays typeset on its page, but where a title is plain text (the
  browser tab, the sidebar on every page, ``{doc}`` link texts, search results, the print title) its TeX is turned
  into Unicode: ``$(L_0, L_1)$`` becomes "(L₀, L₁)".
* **Clean pages.** The sphinx-thebe scripts (injected twice, and of no use without a Binder server) are dropped,
  duplicated inline scripts are removed, the theme starts in "auto" mode (no console error on a first visit), and
  the 1.5 MB ``fontawesome.js`` (which only swaps the theme's icons for SVGs) is replaced by a stub: the icons are
  drawn by the Font Awesome web font the theme's CSS loads anyway.
* **Light demo pages.** The frames of static demos (:class:`landscapelab.demos.StaticDemo`) are moved from the page
  into files under ``_images/demos/`` (one file per distinct frame, shared between pages); the page loads the
  frame it shows and fetches the others when the reader moves a control. Each demo gets a link to its source.
* **API reference.** The ``landscapelab-api`` directive documents every public module of the library (the core and
  every chapter package found on disk) with autodoc; ``{py:func}`ll.eigenvalues``` and other names as a reader
  imports them (``ll.`` or ``landscapelab.``) resolve to where the object is documented, and a ``landscapelab``
  reference that resolves to nothing is a build warning.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib
import importlib.util
import json
import pkgutil
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "tex-chtml.js"
# what tex-chtml.js loads on demand: TeX extensions (autoload), CHTML fonts, the menu, accessibility, speech
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y", "sre",
                 "adaptors")
DEMO_DIR = "_images/demos"

# ------------------------------------------------------------------------------------------- TeX -> Unicode
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ", "infty": "∞", "nabla": "∇",
    "partial": "∂", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "sim": "∼", "to": "→", "rightarrow": "→", "mapsto": "↦", "times": "×", "cdot": "·", "pm": "±", "in": "∈",
    "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "|": "‖",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "langle": "⟨", "rangle": "⟩",
    "ldots": "…", "dots": "…", "cdots": "⋯", "sqrt": "√", "sum": "Σ", "prod": "∏", "int": "∫",
    "circ": "∘",
    "top": "ᵀ", "{": "{", "}": "}", "%": "%", "$": "$", "#": "#", "&": "&", "_": "_",
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": "  ",
}
_DROP = ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "textstyle")
_FONT = ("mathrm", "mathit", "mathbf", "mathsf", "mathtt", "operatorname", "text", "textrm", "textit",
         "textbf", "boldsymbol", "bm", "mathcal", "mathbb", "mathfrak", "emph")
_BB = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUWβγδθφχ",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁᵂᵝᵞᵟᶿᵠᵡ"))


def _group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at ``tex[i]``: a braced group, a command or one character; (text, next index)."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth, j = 1, i + 1
        while j < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            j += 1
        return tex[i + 1:j - 1], j
    if tex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return m.group(0), i + len(m.group(0))
    return tex[i], i + 1


def tex_to_text(tex: str) -> str:
    """Readable Unicode for a short TeX formula (titles, link texts): ``(L_0, L_1)`` -> ``(L₀, L₁)``.

    Parameters
    ----------
    tex : str
        The formula, without ``$`` delimiters.

    Returns
    -------
    str
        Greek letters and common symbols as Unicode, sub- and superscripts as Unicode where every character has a
        sub/superscript form (otherwise inline), font commands and braces removed.
    """
    out, i = [], 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name, i = m.group(1), i + len(m.group(0))
            if name in _DROP:
                continue
            if name in _FONT:
                arg, i = _group(tex, i)
                text = tex_to_text(arg)
                out.append("".join(_BB.get(ch, ch) for ch in text) if name == "mathbb" else text)
            elif name == "frac":
                num, i = _group(tex, i)
                den, i = _group(tex, i)
                out.append(f"{_wrap(tex_to_text(num))}/{_wrap(tex_to_text(den))}")
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            else:
                out.append(name)             # \det, \log, \max, \tr ... read as the word
        elif c in "_^":
            arg, i = _group(tex, i + 1)
            text = tex_to_text(arg)
            table = _SUB if c == "_" else _SUP
            if text and all(ch in table for ch in text):
                out.append("".join(table[ch] for ch in text))
            elif c == "_" or text in ("ᵀ", "′", "*", "∗"):
                out.append(text)                 # no Unicode form: read inline (w_b -> wb)
            else:
                out.append("^" + (text if len(text) == 1 else f"({text})"))
        elif c in "{}":
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        else:
            out.append(c)
            i += 1
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _wrap(text: str) -> str:
    return f"({text})" if re.search(r"[\s+\-·×/]", text) else text


def plain_titles(app, doctree) -> None:
    """Replace math in the title copies Sphinx keeps for plain-text use (tab title, sidebar, link texts)."""
    env, docname = app.env, app.env.docname
    for node in (env.titles.get(docname), env.longtitles.get(docname), env.tocs.get(docname)):
        if node is None:
            continue
        for math in list(node.findall(nodes.math)):
            math.replace_self(nodes.Text(tex_to_text(math.astext())))


# ------------------------------------------------------------------------------------------- configuration
def configure(app, config) -> None:
    """Local MathJax, the theme's default mode, the repository URL for ``{{ repository_url }}``."""
    if str(config.mathjax_path).startswith(("http:", "https:", "//")):
        config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    options = config.html_theme_options
    config.html_context = dict(config.html_context or {})
    config.html_context.setdefault("default_mode", "auto")   # pydata-sphinx-theme: no "invalid mode" on a 1st visit
    substitutions = dict(getattr(config, "myst_substitutions", {}) or {})
    substitutions.setdefault("repository_url", options.get("repository_url", "").rstrip("/"))
    substitutions.setdefault("repository_branch", options.get("repository_branch", "main"))
    config.myst_substitutions = substitutions


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"MathJax: the package {MATHJAX_PACKAGE!r} is not installed; "
                           'install the book extra: pip install -e ".[book]"')
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"


def copy_mathjax(app, exception) -> None:
    """Copy the parts of MathJax that ``tex-chtml.js`` loads into ``_static/mathjax`` of the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = _mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


def stub_fontawesome(app, exception) -> None:
    """Replace the theme's 1.5 MB ``fontawesome.js``: the icons render from the web font in the theme's CSS."""
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
    if script.is_file():
        script.write_text("/* landscapelab: icons are drawn by the Font Awesome web font (pydata-sphinx-theme.css);"
                          " the SVG replacement script is not needed. */\n")
        for extra in (script.with_suffix(".js.map"),):
            extra.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------- pages
def _script_key(script) -> str:
    attributes = getattr(script, "attributes", {}) or {}
    return f"{getattr(script, 'filename', script)}|{attributes.get('body', '')}"


def clean_assets(context) -> None:
    """Drop sphinx-thebe's scripts and stylesheet, the ipywidgets state and any duplicated script."""
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = _script_key(script)
        kind = (getattr(script, "attributes", {}) or {}).get("type", "")
        # ipywidgets state: the live widget's models (with a PNG of its frame), dead weight without widget JS
        if "thebe" in key.lower() or key in seen or kind == "application/vnd.jupyter.widget-state+json":
            continue
        seen.add(key)
        scripts.append(script)
    context["script_files"] = scripts
    context["css_files"] = [c for c in context.get("css_files", []) if "thebe" not in str(getattr(c, "filename", c))]


_DEMO_DATA = re.compile(r'(<script type="application/json" class="ll-demo-data">)(.*?)(</script>)', re.S)
_DEMO_IMG = re.compile(r'(<img class="ll-demo-frame"[^>]*?) src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
_DEMO_HEAD = re.compile(r'(<div class="ll-demo" id="[^"]+" data-source="([^"]*)">(?:<style>.*?</style>)?)'
                        r'(?:<div class="ll-demo-title">(.*?)</div>)?', re.S)


def _write_frame(app, data: str) -> str:
    raw = base64.b64decode(data)
    name = hashlib.sha1(raw).hexdigest()[:20] + ".png"
    path = Path(app.outdir) / DEMO_DIR / name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    return f"{DEMO_DIR}/{name}"


def externalise_frames(app, body: str, pathto) -> str:
    """Move each static demo's frames into files; the page keeps their URLs (and loads only the one shown)."""

    def data(match):
        payload = json.loads(match.group(2).replace("<\\/", "</"))
        if not payload.get("images") or "display" not in payload:   # an output of an older Demo: left inline
            return match.group(0)
        payload["urls"] = [pathto(_write_frame(app, image), 1) for image in payload.pop("images")]
        text = json.dumps(payload).replace("</", "<\\/")
        return f"{match.group(1)}{text}{match.group(3)}"

    def image(match):
        url = pathto(_write_frame(app, match.group(2)), 1)
        return f'{match.group(1)} decoding="async" src="{html.escape(url)}"'

    return _DEMO_IMG.sub(image, _DEMO_DATA.sub(data, body))


def _source_link(app, source: str, pathto) -> str | None:
    """URL of the code that builds a demo (``module:function``): its highlighted source page in this book
    (sphinx.ext.viewcode) if the API reference documents it, else the file in the repository."""
    module, _, function = source.partition(":")
    if not module.startswith("landscapelab"):
        return None
    entry = getattr(app.env, "_viewcode_modules", {}).get(module)
    if entry and function in entry[1]:
        return pathto("_modules/" + module.replace(".", "/"), 0) + "#" + function
    url = (app.config.html_theme_options or {}).get("repository_url", "").rstrip("/")
    spec = importlib.util.find_spec(module)
    if not url or spec is None or not spec.origin:
        return None
    path = Path(spec.origin).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    branch = (app.config.html_theme_options or {}).get("repository_branch", "main")
    return f"{url}/blob/{branch}/{path}"


def link_demo_sources(app, body: str, pathto) -> str:
    """A link to the code of each demo, at the end of its title line."""

    def add(match):
        source = html.unescape(match.group(2))
        link = _source_link(app, source, pathto)
        if not link:
            return match.group(0)
        anchor = (f'<a class="ll-demo-source reference internal" href="{html.escape(link)}" '
                  f'title="{html.escape(source.replace(":", "."))}">(code of this demo)</a>')
        title = f"{match.group(3)} " if match.group(3) else ""
        return f'{match.group(1)}<div class="ll-demo-title">{title}{anchor}</div>'

    return _DEMO_HEAD.sub(add, body)


def page_context(app, pagename, templatename, context, doctree) -> None:
    clean_assets(context)
    body = context.get("body", "")
    if "ll-demo" in body:
        pathto = context["pathto"]
        body = externalise_frames(app, body, pathto)
        context["body"] = link_demo_sources(app, body, pathto)


# ------------------------------------------------------------------------------------------- API reference
def _public_modules(package: str) -> list[str]:
    """``package`` and its public submodules, depth first (names starting with ``_`` and the CLI left out)."""
    module = importlib.import_module(package)
    names = [package]
    if hasattr(module, "__path__"):
        for info in pkgutil.iter_modules(module.__path__):
            if not info.name.startswith("_") and info.name != "cli":
                names.extend(_public_modules(f"{package}.{info.name}"))
    return names


def _summary(module_name: str) -> str:
    doc = (importlib.import_module(module_name).__doc__ or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else module_name


class ApiDirective(Directive):
    """``landscapelab-api``: autodoc sections for the core modules and for every chapter package on disk."""

    has_content = False

    def run(self):
        import landscapelab

        chapters = set(landscapelab._chapter_packages())
        core, chapter_modules = [], {}
        for name in _public_modules("landscapelab")[1:]:
            top = name.split(".")[1]
            if top in chapters:
                chapter_modules.setdefault(top, []).append(name)
            else:
                core.append(name)
        lines = ["## The core", ""]
        for name in core:
            lines += self._module(name, "###")
        lines += ["## The chapters", ""]
        for chapter in sorted(chapter_modules):
            package = f"landscapelab.{chapter}"
            lines += [f"### `{package}`: {_summary(package)}", ""]
            for name in chapter_modules[chapter]:
                lines += self._module(name, "####", title=name != package)
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="landscapelab-api"), node)
        return node.children

    @staticmethod
    def _module(name: str, level: str, title: bool = True) -> list[str]:
        """An automodule block for ``name`` listing exactly the public objects it defines (not re-exports)."""
        module = importlib.import_module(name)
        public = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        own = [n for n in public if getattr(getattr(module, n, None), "__module__", None) == name
               and not isinstance(getattr(module, n), type(module))]
        head = [f"{level} `{name}`", ""] if title else []
        members = [f"   :members: {', '.join(own)}"] if own else []
        return head + ["```{eval-rst}", f".. automodule:: {name}", *members, "```", ""]


def resolve_library_names(app, env, node, contnode):
    """Resolve ``ll.x`` / ``landscapelab.x`` (as a reader imports it) to where autodoc documents the object."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if target.startswith("ll."):
        target = "landscapelab." + target[3:]
    if not target.startswith("landscapelab"):
        return None
    obj, parts = None, target.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            obj = None
        break
    canonical = None
    if obj is not None:
        if hasattr(obj, "__module__") and hasattr(obj, "__qualname__"):
            canonical = f"{obj.__module__}.{obj.__qualname__}"
        elif hasattr(obj, "__name__") and hasattr(obj, "__path__") or type(obj).__name__ == "module":
            canonical = obj.__name__
    domain = env.get_domain("py")
    for name in dict.fromkeys(filter(None, (canonical, target))):
        for role in ("obj", node.get("reftype", "obj")):
            result = domain.resolve_xref(env, node.get("refdoc", ""), app.builder, role, name, node, contnode)
            if result is not None:
                return result
    if "docstring of" not in str(node.source or ""):    # docstrings may name private modules; pages may not
        logger.warning(f"landscapelab API: no documented object for {node.get('reftarget')!r}", location=node,
                       type="landscapelab", subtype="api")
    return None


def setup(app):
    app.connect("config-inited", configure)
    app.connect("doctree-read", plain_titles, priority=900)
    app.connect("html-page-context", page_context)
    app.connect("missing-reference", resolve_library_names)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", stub_fontawesome)
    app.add_directive("landscapelab-api", ApiDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
