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
import html
import itertools
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence

from .._validate import checked
from ._frames import CSS_DPI, DEFAULT_DPI, MAX_WIDTH_IN, MIN_FONT_PT, _render  # noqa: F401 (re-exported)
from .static import _SWITCHER_JS, StaticDemo, _DemoView  # noqa: F401 (re-exported)

__all__ = ["Demo", "StaticDemo"]

MAX_STATIC_FRAMES = 400
PROGRESS_AFTER_SECONDS = 3.0
MAX_BUTTONS = 4         # a parameter with at most this many values gets buttons (if their labels are short)
MAX_BUTTON_CHARS = 48   # ... and their labels together have at most this many characters
KINDS = ("slider", "buttons", "dropdown")


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


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
