"""The kernel-free rendering of a demo: the controls as HTML and a small script switching between frames drawn
once (no kernel, no CDN), and the display bundle that offers it next to the live widget."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence

from .._validate import checked
from ._frames import CSS_DPI

__all__ = ["StaticDemo"]


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
