"""Slider demos with one definition and two renderings (the book's demos: see ARCHITECTURE.md).

A demo is a function ``draw(**params) -> matplotlib.figure.Figure`` and a grid of values for each parameter.
:class:`Demo` turns it into

* :meth:`Demo.live`: an ipywidgets UI (sliders for numbers, dropdowns for anything else) that redraws the figure
  in a running kernel (figures already drawn are cached, so moving back to a setting is instant);
* :meth:`Demo.static`: the same controls as self-contained HTML and JavaScript (no kernel, no CDN): every grid
  point is drawn once, stored as a base64 PNG, and the controls switch between the frames;
* :meth:`Demo.frame`: the figure for one setting, for tests and for the printed page;
* :meth:`Demo.show`: both at once. A notebook front-end with a kernel renders the live widget; the book
  (whose ``_config.yml`` gives the widget view no priority in HTML) renders the static version.

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

__all__ = ["Demo", "StaticDemo"]

MAX_STATIC_FRAMES = 400
PROGRESS_AFTER_SECONDS = 3.0


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _png(fig, dpi: int, palette: bool) -> bytes:
    """Render a figure to PNG bytes (optionally quantised to a 256-colour palette, about 3x smaller) and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    if not palette:
        return buf.getvalue()
    from PIL import Image

    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


class Demo:
    """A slider demo: a draw function and a grid of parameter values.

    Parameters
    ----------
    draw : callable
        ``draw(**params)`` returns a matplotlib Figure (it should not call ``plt.show``).
    params : mapping of str to sequence
        The values each parameter can take, in slider order. Numbers give a slider, anything else a dropdown.
    defaults : mapping, optional
        Initial values (each must be one of the grid values); the default is the middle of each grid.
    title : str, optional
        Shown above the controls.
    dpi : int
        Resolution of the rendered frames.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> def draw(a, kind):
    ...     fig, ax = plt.subplots()
    ...     x = np.linspace(-1, 1, 50)
    ...     ax.plot(x, a * x**2 if kind == "square" else a * np.abs(x))
    ...     return fig
    >>> demo = Demo(draw, {"a": [0.5, 1.0, 2.0], "kind": ["square", "abs"]})
    >>> demo.n_frames
    6
    """

    def __init__(self, draw: Callable, params: Mapping[str, Sequence], defaults: Mapping | None = None,
                 title: str | None = None, dpi: int = 72):
        if not callable(draw):
            raise TypeError(f"draw: expected a callable returning a matplotlib Figure, got {type(draw).__name__}")
        if not isinstance(params, Mapping) or not params:
            raise ValueError("params: expected a non-empty mapping of parameter name to a sequence of values")
        self.draw = draw
        self.params = {}
        for name, values in params.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) and not hasattr(values, "tolist"):
                raise TypeError(f"params[{name!r}]: expected a sequence of values, got {type(values).__name__}")
            values = list(values.tolist() if hasattr(values, "tolist") else values)
            if not values:
                raise ValueError(f"params[{name!r}]: expected at least one value")
            if len(set(map(_label, values))) != len(values):
                raise ValueError(f"params[{name!r}]: values must be distinct, got {values}")
            self.params[name] = values
        self.defaults = {name: values[(len(values) - 1) // 2] for name, values in self.params.items()}
        for name, value in (defaults or {}).items():
            self.defaults[name] = self._check_value(name, value)
        self.title = title
        self.dpi = int(dpi)
        self._png_cache: dict[tuple, bytes] = {}

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
        """The figure for one setting (unspecified parameters take their defaults)."""
        return self.draw(**self._settings(params))

    def png(self, palette: bool = False, **params) -> bytes:
        """PNG bytes of :meth:`frame` (cached per setting and palette choice)."""
        settings = self._settings(params)
        key = (palette,) + tuple(settings[name] for name in self.params)
        if key not in self._png_cache:
            self._png_cache[key] = _png(self.draw(**settings), self.dpi, palette)
        return self._png_cache[key]

    # ------------------------------------------------------------------ live
    def live(self):
        """An ipywidgets UI driving the figure in a running kernel."""
        import ipywidgets as widgets

        controls = {}
        for name, values in self.params.items():
            options = [(_label(v), v) for v in values]
            if all(_is_number(v) for v in values) and len(values) > 1:
                control = widgets.SelectionSlider(options=options, value=self.defaults[name], description=name,
                                                  continuous_update=False)
            else:
                control = widgets.Dropdown(options=options, value=self.defaults[name], description=name)
            controls[name] = control
        image = widgets.Image(format="png", value=self.png(**self.defaults))

        def update(_change=None):
            image.value = self.png(**{name: c.value for name, c in controls.items()})

        for control in controls.values():
            control.observe(update, names="value")
        children = ([widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else [])
        return widgets.VBox(children + [widgets.HBox(list(controls.values()),
                                                     layout=widgets.Layout(flex_flow="row wrap")), image])

    # ------------------------------------------------------------------ static
    def static(self, max_frames: int = MAX_STATIC_FRAMES, progress: bool | None = None) -> StaticDemo:
        """Self-contained HTML with the same controls, switching between precomputed frames (no kernel needed).

        ``progress=None`` shows a progress bar (on stderr) when drawing every frame is expected to take more than
        a few seconds, judged from the time of the first frame.
        """
        if self.n_frames > max_frames:
            raise ValueError(f"static: the grid has {self.n_frames} points, more than max_frames={max_frames}; "
                             "use fewer values per parameter")
        names = list(self.params)
        combos = list(itertools.product(*self.params.values()))
        images: list[str] = []
        index_of: dict[str, int] = {}
        frames = []

        def add(combo):
            data = base64.b64encode(self.png(palette=True, **dict(zip(names, combo)))).decode("ascii")
            if data not in index_of:
                index_of[data] = len(images)
                images.append(data)
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
            "labels": [[_label(v) for v in self.params[n]] for n in names],
            "sliders": [all(_is_number(v) for v in self.params[n]) and len(self.params[n]) > 1 for n in names],
            "start": [self.params[n].index(self.defaults[n]) for n in names],
            "frames": frames,
            "images": images,
        }
        return StaticDemo(spec, self.title)

    def show(self):
        """The live widget for a kernel front-end, with the static rendering as the HTML fallback."""
        return _DemoView(self.live(), self.static())


class StaticDemo:
    """The kernel-free rendering of a :class:`Demo` (displays as HTML; ``.html`` holds the markup)."""

    def __init__(self, spec: dict, title: str | None = None):
        self.spec = spec
        self.title = title
        digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
        self.element_id = f"ll-demo-{digest}"

    @property
    def n_images(self) -> int:
        return len(self.spec["images"])

    def frame_index(self, positions: Sequence[int]) -> int:
        """Image index shown for the given control positions (the same row-major rule as the JavaScript)."""
        flat = 0
        for pos, labels in zip(positions, self.spec["labels"]):
            flat = flat * len(labels) + pos
        return self.spec["frames"][flat]

    @property
    def html(self) -> str:
        spec = self.spec
        rows = []
        for k, (name, labels, slider, start) in enumerate(zip(spec["names"], spec["labels"], spec["sliders"],
                                                             spec["start"])):
            label = html.escape(name)
            if slider:
                control = (f'<input type="range" min="0" max="{len(labels) - 1}" step="1" value="{start}" '
                           f'data-k="{k}" aria-label="{label}" style="vertical-align:middle;width:12em">'
                           f' <span class="ll-demo-value" data-k="{k}">{html.escape(labels[start])}</span>')
            else:
                options = "".join(f'<option value="{j}"{" selected" if j == start else ""}>{html.escape(t)}</option>'
                                  for j, t in enumerate(labels))
                control = f'<select data-k="{k}" aria-label="{label}">{options}</select>'
            rows.append(f'<label style="margin-right:1.5em;white-space:nowrap">{label} {control}</label>')
        first = spec["images"][self.frame_index(spec["start"])]
        title = f"<div><b>{html.escape(self.title)}</b></div>" if self.title else ""
        payload = json.dumps({k: spec[k] for k in ("labels", "frames", "images")}).replace("</", "<\\/")
        return (
            f'<div class="ll-demo" id="{self.element_id}">{title}'
            f'<div class="ll-demo-controls">{"".join(rows)}</div>'
            f'<img class="ll-demo-frame" style="max-width:100%" alt="{html.escape(self.title or "demo")}" '
            f'src="data:image/png;base64,{first}">'
            f'<script type="application/json" class="ll-demo-data">{payload}</script>'
            f"<script>{_SWITCHER_JS.replace('ELEMENT_ID', self.element_id)}</script></div>"
        )

    def _repr_html_(self) -> str:
        return self.html


# Reads the positions of all controls, maps them row-major to a frame and shows its image.
_SWITCHER_JS = """(function () {
  var root = document.getElementById("ELEMENT_ID");
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector("script.ll-demo-data").textContent);
  var controls = root.querySelectorAll("input[data-k], select[data-k]");
  var img = root.querySelector("img.ll-demo-frame");
  function update() {
    var flat = 0;
    controls.forEach(function (c) {
      var k = +c.dataset.k, pos = +c.value;
      flat = flat * data.labels[k].length + pos;
      var shown = root.querySelector("span.ll-demo-value[data-k='" + k + "']");
      if (shown) { shown.textContent = data.labels[k][pos]; }
    });
    img.src = "data:image/png;base64," + data.images[data.frames[flat]];
  }
  controls.forEach(function (c) { c.addEventListener("input", update); c.addEventListener("change", update); });
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
