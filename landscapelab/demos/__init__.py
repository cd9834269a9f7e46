"""Slider demos with one definition and two renderings (the book's demos: see ARCHITECTURE.md).

A demo is a function ``draw(**params) -> matplotlib.figure.Figure`` and a grid of values for each parameter.
:class:`Demo` turns it into

* :meth:`Demo.live`: an ipywidgets UI that redraws the figure in a running kernel;
* :meth:`Demo.static`: the same controls as self-contained HTML and JavaScript (no kernel, no CDN): every grid
  point is drawn once, stored as a PNG, and the controls switch between the frames;
* :meth:`Demo.frame`: the figure for one setting, for tests and for the printed page;
* :meth:`Demo.show`: both at once. A notebook front-end with a kernel renders the live widget; the book
  (whose ``_config.yml`` gives the widget view no priority in HTML) renders the static version.

Both renderings read one cache of frames (:meth:`Demo.png`): the live widget shows the very PNG the static version
drew, and a slider move to a setting drawn before does not call ``draw`` again.

How a frame reads: it is drawn at twice the pixel density of the page (``dpi=192`` image pixels per inch, shown at
96 CSS px per inch), at most ``MAX_WIDTH_IN`` inches wide (the book's text column; a wider figure is scaled down
to it), and no text is smaller than ``MIN_FONT_PT`` points (10 CSS px at that scale; smaller text is enlarged).
Controls: a parameter with at most ``MAX_BUTTONS`` values gets buttons, a longer numeric grid a slider (always in
increasing order), anything else a dropdown; ``labels=`` names them as the text does (``{"lam": "λ"}``).

``draw`` should do no heavy work: compute once, outside, and let ``draw`` index into the results.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from .._validate import checked

__all__ = ["Demo", "StaticDemo"]

MAX_STATIC_FRAMES = 400
PROGRESS_AFTER_SECONDS = 3.0
CSS_DPI = 96            # CSS px per inch: a frame is shown at this scale (its PNG holds twice as many pixels)
DEFAULT_DPI = 2 * CSS_DPI
MAX_WIDTH_IN = 7.1      # a code-cell output at 1280 px is 684 CSS px wide = 7.125 in at 96 px per inch
MIN_FONT_PT = 7.5       # 7.5 pt at 96 px per inch = 10 CSS px
MAX_BUTTONS = 4         # a parameter with at most this many values gets buttons (if their labels are short)
MAX_BUTTON_CHARS = 48   # ... and their labels together have at most this many characters
KINDS = ("slider", "buttons", "dropdown")


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _readable(fig) -> float:
    """Scale ``fig`` down to ``MAX_WIDTH_IN`` if wider, enlarge text below ``MIN_FONT_PT``; return the smallest
    font size (points) of the visible text."""
    from matplotlib.text import Text

    width, height = fig.get_size_inches()
    if width > MAX_WIDTH_IN:
        fig.set_size_inches(MAX_WIDTH_IN, height * MAX_WIDTH_IN / width)
    smallest = None
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if text.get_fontsize() < MIN_FONT_PT:
            text.set_fontsize(MIN_FONT_PT)
        size = text.get_fontsize()
        smallest = size if smallest is None else min(smallest, size)
    return float(smallest if smallest is not None else MIN_FONT_PT)


def _render(fig, dpi: int) -> tuple[bytes, float, float]:
    """PNG bytes of ``fig`` (quantised to a 256-colour palette, about 3x smaller), its width in inches and its
    smallest font size in points; closes the figure."""
    import matplotlib.pyplot as plt
    from PIL import Image

    font_pt = _readable(fig)
    width_in = float(fig.get_size_inches()[0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="png", compress_level=6)
    return out.getvalue(), width_in, font_pt


class Demo:
    """A slider demo: a draw function and a grid of parameter values.

    Parameters
    ----------
    draw : callable
        ``draw(**params)`` returns a matplotlib Figure (it should not call ``plt.show``).
    params : mapping of str to sequence
        The values each parameter can take. Numbers give a slider (sorted increasing) or, with at most
        ``MAX_BUTTONS`` values, buttons; anything else buttons or a dropdown, in the order given.
    defaults : mapping, optional
        Initial values (each must be one of the grid values); the default is the middle of each grid.
    title : str, optional
        Shown above the controls.
    dpi : int, optional
        Image pixels per inch of the frames; the default 192 is twice the 96 CSS px per inch they are shown at.
    labels : mapping of str to str, optional
        The name each control shows, as the text writes it (``{"lam": "λ"}``); the default is the parameter name.
    controls : mapping of str to str, optional
        Force a kind of control for a parameter: ``"slider"`` (numbers only), ``"buttons"`` or ``"dropdown"``.
    alt : str or callable, optional
        Alt text of the frame: a sentence describing the figure (the current settings are appended), or
        ``alt(**params) -> str`` for a description per setting. The default is the title and the settings.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> def draw(a, kind):
    ...     fig, ax = plt.subplots()
    ...     x = np.linspace(-1, 1, 50)
    ...     ax.plot(x, a * x**2 if kind == "square" else a * np.abs(x))
    ...     return fig
    >>> demo = Demo(draw, {"a": [2.0, 0.5, 1.0], "kind": ["square", "abs"]}, labels={"a": "α"})
    >>> demo.n_frames, demo.params["a"], demo.kinds
    (6, [0.5, 1.0, 2.0], {'a': 'buttons', 'kind': 'buttons'})
    """

    def __init__(self, draw: Callable, params: Mapping[str, Sequence], defaults: Mapping | None = None,
                 title: str | None = None, dpi: int | None = None, labels: Mapping[str, str] | None = None,
                 controls: Mapping[str, str] | None = None, alt: str | Callable | None = None):
        if not callable(draw):
            raise TypeError(f"draw: expected a callable returning a matplotlib Figure, got {type(draw).__name__}")
        if not isinstance(params, Mapping) or not params:
            raise ValueError("params: expected a non-empty mapping of parameter name to a sequence of values")
        self.draw = draw
        self.params = {}
        middle = {}
        for name, values in params.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) and not hasattr(values, "tolist"):
                raise TypeError(f"params[{name!r}]: expected a sequence of values, got {type(values).__name__}")
            values = list(values.tolist() if hasattr(values, "tolist") else values)
            if not values:
                raise ValueError(f"params[{name!r}]: expected at least one value")
            if len(set(map(_label, values))) != len(values):
                raise ValueError(f"params[{name!r}]: values must be distinct, got {values}")
            middle[name] = values[(len(values) - 1) // 2]     # the default: the middle of the grid as given
            if all(_is_number(v) for v in values):
                values = sorted(values)          # a slider never runs backwards
            self.params[name] = values
        self.labels = {name: name for name in self.params}
        for name, label in (labels or {}).items():
            if name not in self.params:
                raise ValueError(f"labels: {name!r} is not a parameter of this demo; parameters: "
                                 f"{', '.join(self.params)}")
            if not isinstance(label, str) or not label.strip():
                raise TypeError(f"labels[{name!r}]: expected a non-empty string, got {label!r}")
            self.labels[name] = label
        self.kinds = {name: self._default_kind(values) for name, values in self.params.items()}
        for name, kind in (controls or {}).items():
            if name not in self.params:
                raise ValueError(f"controls: {name!r} is not a parameter of this demo; parameters: "
                                 f"{', '.join(self.params)}")
            if kind not in KINDS:
                raise ValueError(f"controls[{name!r}]: expected one of {', '.join(KINDS)}, got {kind!r}")
            if kind == "slider" and not all(_is_number(v) for v in self.params[name]):
                raise ValueError(f"controls[{name!r}]: a slider needs numeric values, got {self.params[name]}")
            self.kinds[name] = kind
        self.defaults = middle
        for name, value in (defaults or {}).items():
            self.defaults[name] = self._check_value(name, value)
        if alt is not None and not (callable(alt) or isinstance(alt, str)):
            raise TypeError(f"alt: expected a string or a callable, got {type(alt).__name__}")
        self.title = title
        self.alt = alt
        self.dpi = int(dpi) if dpi is not None else DEFAULT_DPI
        if self.dpi < 1:
            raise ValueError(f"dpi: expected a positive number of pixels per inch, got {dpi}")
        self._cache: dict[tuple, tuple[bytes, float, float]] = {}

    @staticmethod
    def _default_kind(values) -> str:
        if len(values) <= MAX_BUTTONS and sum(len(_label(v)) for v in values) <= MAX_BUTTON_CHARS:
            return "buttons"
        return "slider" if all(_is_number(v) for v in values) else "dropdown"

    @property
    def n_frames(self) -> int:
        """Number of grid points (frames of the static rendering)."""
        n = 1
        for values in self.params.values():
            n *= len(values)
        return n

    def _check_value(self, name, value):
        if name not in self.params:
            raise ValueError(f"{name}: not a parameter of this demo; parameters: {', '.join(self.params)}")
        for candidate in self.params[name]:
            if candidate == value or (_is_number(candidate) and _is_number(value)
                                      and abs(candidate - value) <= 1e-12 * max(1.0, abs(candidate))):
                return candidate
        raise ValueError(f"{name}: {value!r} is not on the grid {self.params[name]}")

    def _settings(self, overrides: Mapping) -> dict:
        settings = dict(self.defaults)
        for name, value in overrides.items():
            settings[name] = self._check_value(name, value)
        return settings

    def frame(self, **params):
        """The figure for one setting (unspecified parameters take their defaults).

        Parameters
        ----------
        **params
            Values of the demo's parameters, each one of its grid values.

        Returns
        -------
        matplotlib.figure.Figure
            What ``draw`` returns for that setting.
        """
        return self.draw(**self._settings(params))

    def _rendered(self, settings: dict) -> tuple[bytes, float, float]:
        key = tuple(settings[name] for name in self.params)
        if key not in self._cache:
            fig = self.draw(**settings)
            if not hasattr(fig, "savefig"):
                raise TypeError(f"draw: expected a matplotlib Figure from draw(**{settings}), got "
                                f"{type(fig).__name__} (end the draw function with 'return fig')")
            self._cache[key] = _render(fig, self.dpi)
        return self._cache[key]

    @checked()
    def png(self, palette: bool = True, **params) -> bytes:
        """PNG bytes of the frame for one setting: the one cache both renderings read (drawn at most once).

        Parameters
        ----------
        palette : bool
            Accepted for compatibility: frames are always stored with a 256-colour palette.
        **params
            Values of the demo's parameters, each one of its grid values (defaults for the others).

        Returns
        -------
        bytes
            The PNG file.
        """
        return self._rendered(self._settings(params))[0]

    def describe(self, **params) -> str:
        """The alt text of the frame for one setting.

        Parameters
        ----------
        **params
            Values of the demo's parameters, each one of its grid values (defaults for the others).

        Returns
        -------
        str
            The ``alt`` sentence (or ``alt(**settings)``) followed by the settings.
        """
        settings = self._settings(params)
        values = ", ".join(f"{self.labels[n]} = {_label(settings[n])}" for n in self.params)
        if callable(self.alt):
            return str(self.alt(**settings))
        return f"{self._alt_head()} Settings: {values}."

    def _alt_head(self) -> str:
        if isinstance(self.alt, str):
            return self.alt.strip()
        return f"{self.title.rstrip('.')}." if self.title else "Demo figure."

    def _source(self) -> str:
        """``module:function`` of the function that built the demo (the enclosing function of ``draw``)."""
        module = getattr(self.draw, "__module__", "") or ""
        qualname = getattr(self.draw, "__qualname__", "") or ""
        outer = qualname.split(".<locals>")[0] if ".<locals>" in qualname else qualname
        return f"{module}:{outer}" if module and outer and not outer.startswith("<") else ""

    # ------------------------------------------------------------------ live
    def live(self):
        """An ipywidgets UI driving the figure in a running kernel (frames come from the cache of :meth:`png`).

        Returns
        -------
        ipywidgets.VBox
            The controls above the image.
        """
        import ipywidgets as widgets

        controls = {}
        style = {"description_width": "initial"}
        for name, values in self.params.items():
            options = [(_label(v), v) for v in values]
            kind, label = self.kinds[name], self.labels[name]
            if kind == "slider" and len(values) > 1:
                control = widgets.SelectionSlider(options=options, value=self.defaults[name], description=label,
                                                  continuous_update=False, style=style)
            elif kind == "buttons":
                control = widgets.ToggleButtons(options=options, value=self.defaults[name], description=label,
                                                style=dict(style, button_width="auto"))
            else:
                control = widgets.Dropdown(options=options, value=self.defaults[name], description=label, style=style)
            controls[name] = control
        data, width_in, _ = self._rendered(dict(self.defaults))
        image = widgets.Image(format="png", value=data, width=str(round(width_in * CSS_DPI)))

        def update(_change=None):
            settings = {name: c.value for name, c in controls.items()}
            png, width, _ = self._rendered(self._settings(settings))
            image.value = png
            image.width = str(round(width * CSS_DPI))

        for control in controls.values():
            control.observe(update, names="value")
        children = ([widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else [])
        return widgets.VBox(children + [widgets.HBox(list(controls.values()),
                                                     layout=widgets.Layout(flex_flow="row wrap")), image])

    # ------------------------------------------------------------------ static
    @checked(max_frames="count")
    def static(self, max_frames: int = MAX_STATIC_FRAMES, progress: bool | None = None) -> StaticDemo:
        """Self-contained HTML with the same controls, switching between precomputed frames (no kernel needed).

        Parameters
        ----------
        max_frames : int
            Refuse grids with more points than this (each is drawn and stored).
        progress : bool, optional
            Show a progress bar on stderr; ``None`` shows one when drawing every frame is expected to take more
            than a few seconds, judged from the time of the first frame.

        Returns
        -------
        StaticDemo
        """
        if self.n_frames > max_frames:
            raise ValueError(f"static: the grid has {self.n_frames} points, more than max_frames={max_frames}; "
                             "use fewer values per parameter")
        names = list(self.params)
        combos = list(itertools.product(*self.params.values()))
        images: list[str] = []
        index_of: dict[bytes, int] = {}
        frames: list[int] = []
        widths: list[float] = []
        fonts: list[float] = []

        def add(combo):
            data, width_in, font_pt = self._rendered(dict(zip(names, combo)))
            if data not in index_of:
                index_of[data] = len(images)
                images.append(base64.b64encode(data).decode("ascii"))
                widths.append(width_in)
                fonts.append(font_pt)
            frames.append(index_of[data])

        start = time.perf_counter()
        add(combos[0])
        rest = combos[1:]
        if progress or (progress is None and (time.perf_counter() - start) * len(rest) > PROGRESS_AFTER_SECONDS):
            from tqdm import tqdm

            rest = tqdm(rest, desc="drawing slider frames", unit="frame", file=sys.stderr, leave=False, mininterval=1.0)
        for combo in rest:
            add(combo)
        spec = {
            "names": names,
            "display": [self.labels[n] for n in names],
            "labels": [[_label(v) for v in self.params[n]] for n in names],
            "kinds": [self.kinds[n] if len(self.params[n]) > 1 or self.kinds[n] != "slider" else "dropdown"
                      for n in names],
            "sliders": [self.kinds[n] == "slider" and len(self.params[n]) > 1 for n in names],
            "start": [self.params[n].index(self.defaults[n]) for n in names],
            "frames": frames,
            "images": images,
            "width_in": max(widths),
            "font_pt": min(fonts),
            "alt": self._alt_head(),
            "alts": ([self.describe(**dict(zip(names, c))) for c in combos] if callable(self.alt) else None),
            "source": self._source(),
        }
        return StaticDemo(spec, self.title)

    def show(self):
        """The live widget for a kernel front-end, with the static rendering as the HTML fallback.

        Returns
        -------
        object
            A display object: the widget where a kernel runs, the static HTML elsewhere.
        """
        return _DemoView(self.live(), self.static())


class StaticDemo:
    """The kernel-free rendering of a :class:`Demo` (displays as HTML; ``.html`` holds the markup).

    Parameters
    ----------
    spec : dict
        What :meth:`Demo.static` computed: control names, labels and kinds, the frame of every grid point
        (row-major) and the distinct images (base64 PNG).
    title : str, optional
        Shown above the controls.
    """

    def __init__(self, spec: dict, title: str | None = None):
        self.spec = spec
        self.title = title
        digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
        self.element_id = f"ll-demo-{digest}"

    @property
    def n_images(self) -> int:
        """Number of distinct frames stored."""
        return len(self.spec["images"])

    @checked(positions="vector")
    def frame_index(self, positions: Sequence[int]) -> int:
        """Image index shown for the given control positions (the same row-major rule as the JavaScript).

        Parameters
        ----------
        positions : sequence of int
            The position of each control (index into its grid), in the order of the demo's parameters.

        Returns
        -------
        int
            Index into the stored images.
        """
        flat = 0
        for pos, labels in zip(positions, self.spec["labels"]):
            flat = flat * len(labels) + pos
        return self.spec["frames"][flat]

    def _control(self, k: int) -> str:
        spec, eid = self.spec, self.element_id
        labels, start = spec["labels"][k], spec["start"][k]
        name = html.escape(spec.get("display", spec["names"])[k])
        kind = spec.get("kinds", ["slider" if s else "dropdown" for s in spec["sliders"]])[k]
        if kind == "slider":
            return (f'<label class="ll-demo-control"><span class="ll-demo-name">{name}</span> '
                    f'<input type="range" min="0" max="{len(labels) - 1}" step="1" value="{start}" data-k="{k}" '
                    f'aria-label="{name}" aria-valuetext="{html.escape(labels[start])}">'
                    f' <output class="ll-demo-value" data-value-k="{k}">{html.escape(labels[start])}</output></label>')
        if kind == "buttons":
            buttons = "".join(
                f'<label><input type="radio" name="{eid}-{k}" value="{j}"{" checked" if j == start else ""}>'
                f"<span>{html.escape(t)}</span></label>" for j, t in enumerate(labels))
            return (f'<div class="ll-demo-control"><span class="ll-demo-name" id="{eid}-name-{k}">{name}</span> '
                    f'<span class="ll-demo-buttons" role="radiogroup" aria-labelledby="{eid}-name-{k}" '
                    f'aria-label="{name}" data-k="{k}">{buttons}</span></div>')
        options = "".join(f'<option value="{j}"{" selected" if j == start else ""}>{html.escape(t)}</option>'
                          for j, t in enumerate(labels))
        return (f'<label class="ll-demo-control"><span class="ll-demo-name">{name}</span> '
                f'<select data-k="{k}" aria-label="{name}">{options}</select></label>')

    @property
    def html(self) -> str:
        """The markup: controls, the first frame and the switching script (one ``div.ll-demo``)."""
        spec = self.spec
        first = spec["images"][self.frame_index(spec["start"])]
        title = f'<div class="ll-demo-title">{html.escape(self.title)}</div>' if self.title else ""
        controls = "".join(self._control(k) for k in range(len(spec["labels"])))
        payload = json.dumps({k: spec.get(k) for k in ("labels", "frames", "images", "alts", "alt", "display")}
                             ).replace("</", "<\\/")
        width = round(spec.get("width_in", 0) * CSS_DPI) or ""
        source = html.escape(spec.get("source", ""))
        alt = html.escape(self._alt(spec["start"]))
        return (
            f'<div class="ll-demo" id="{self.element_id}" data-source="{source}"><style>{_CSS}</style>{title}'
            f'<div class="ll-demo-controls">{controls}</div>'
            f'<img class="ll-demo-frame" width="{width}" data-width-in="{spec.get("width_in", "")}" '
            f'data-font-pt="{spec.get("font_pt", "")}" alt="{alt}" src="data:image/png;base64,{first}">'
            f'<script type="application/json" class="ll-demo-data">{payload}</script>'
            f"<script>{_SWITCHER_JS.replace('ELEMENT_ID', self.element_id)}</script></div>"
        )

    def _alt(self, positions) -> str:
        spec = self.spec
        flat = 0
        for pos, labels in zip(positions, spec["labels"]):
            flat = flat * len(labels) + pos
        if spec.get("alts"):
            return spec["alts"][flat]
        names = spec.get("display", spec["names"])
        values = ", ".join(f"{n} = {spec['labels'][k][p]}" for k, (n, p) in enumerate(zip(names, positions)))
        return f"{(spec.get('alt') or 'Demo figure.').rstrip()} Settings: {values}."

    def _repr_html_(self) -> str:
        return self.html


_CSS = (".ll-demo{margin:.5em 0 1em}.ll-demo-title{font-weight:600;margin-bottom:.3em}"
        ".ll-demo-controls{display:flex;flex-wrap:wrap;gap:.4em 1.6em;align-items:center;margin-bottom:.4em}"
        ".ll-demo-control{display:inline-flex;align-items:center;gap:.45em;white-space:nowrap;margin:0}"
        ".ll-demo-name{font-style:italic}.ll-demo input[type=range]{width:11em;vertical-align:middle}"
        ".ll-demo-value{font-variant-numeric:tabular-nums;min-width:3.5em}"
        ".ll-demo-buttons{display:inline-flex;flex-wrap:wrap}"
        ".ll-demo-buttons label{margin:0;cursor:pointer}"
        ".ll-demo-buttons input{position:absolute;opacity:0;width:1px;height:1px}"
        ".ll-demo-buttons span{display:inline-block;padding:.1em .6em;border:1px solid #8a8f98;margin-left:-1px;"
        "background:transparent}"
        ".ll-demo-buttons label:first-child span{border-radius:.3em 0 0 .3em;margin-left:0}"
        ".ll-demo-buttons label:last-child span{border-radius:0 .3em .3em 0}"
        ".ll-demo-buttons input:checked+span{background:#1f5f99;border-color:#1f5f99;color:#fff}"
        ".ll-demo-buttons input:focus-visible+span{outline:2px solid #e08a00;outline-offset:1px}"
        ".ll-demo-frame{max-width:100%;height:auto;display:block;background:#fff}")

# Reads the positions of all controls, maps them row-major to a frame and shows its image. Frames are either inline
# (data.images, base64) or files (data.urls, written by the book build); neighbours of the shown frame are fetched
# ahead so that a slider step shows at once.
_SWITCHER_JS = """(function () {
  var root = document.getElementById("ELEMENT_ID");
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector("script.ll-demo-data").textContent);
  var controls = root.querySelectorAll("[data-k]");
  var img = root.querySelector("img.ll-demo-frame");
  var fetched = {};
  function src(i) { return data.urls ? data.urls[i] : "data:image/png;base64," + data.images[i]; }
  function position(c) {
    if (c.tagName === "INPUT" || c.tagName === "SELECT") { return +c.value; }
    var checked = c.querySelector("input:checked");
    return checked ? +checked.value : 0;
  }
  function flatIndex(pos) {
    var flat = 0;
    for (var k = 0; k < pos.length; k++) { flat = flat * data.labels[k].length + pos[k]; }
    return flat;
  }
  function prefetch(pos) {
    if (!data.urls) { return; }
    for (var k = 0; k < pos.length; k++) {
      for (var step = -1; step <= 1; step += 2) {
        var p = pos.slice(); p[k] += step;
        if (p[k] < 0 || p[k] >= data.labels[k].length) { continue; }
        var i = data.frames[flatIndex(p)];
        if (!fetched[i]) { fetched[i] = new Image(); fetched[i].src = src(i); }
      }
    }
  }
  function update() {
    var pos = [];
    controls.forEach(function (c) {
      var k = +c.dataset.k, p = position(c);
      pos[k] = p;
      var shown = root.querySelector("[data-value-k='" + k + "']");
      if (shown) { shown.textContent = data.labels[k][p]; }
      if (c.tagName === "INPUT") { c.setAttribute("aria-valuetext", data.labels[k][p]); }
    });
    var flat = flatIndex(pos);
    img.src = src(data.frames[flat]);
    if (data.alts) { img.alt = data.alts[flat]; } else {
      img.alt = data.alt + " Settings: " + pos.map(function (p, k) {
        return data.display[k] + " = " + data.labels[k][p]; }).join(", ") + ".";
    }
    prefetch(pos);
  }
  controls.forEach(function (c) { c.addEventListener("input", update); c.addEventListener("change", update); });
  root.addEventListener("pointerenter", function () {
    var pos = []; controls.forEach(function (c) { pos[+c.dataset.k] = position(c); }); prefetch(pos);
  }, {once: true});
})();"""


class _DemoView:
    """Display bundle holding the live widget view and the static HTML; the front-end picks what it can render."""

    def __init__(self, widget, static: StaticDemo):
        self.widget = widget
        self.static = static

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.static.html
        return bundle
