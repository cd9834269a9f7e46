import base64
import json
import re
import shutil
import subprocess

import matplotlib.pyplot as plt
import numpy as np
import pytest

from landscapelab.demos import Demo, StaticDemo

CALLS = []


def draw(a, kind):
    CALLS.append((a, kind))
    fig, ax = plt.subplots(figsize=(2, 1.5))
    x = np.linspace(-1, 1, 20)
    ax.plot(x, a * x**2 if kind == "square" else a * np.abs(x))
    ax.set_title(f"{a} {kind}")
    return fig


@pytest.fixture
def demo():
    CALLS.clear()
    return Demo(draw, {"a": [0.5, 1.0, 2.0], "kind": ["square", "abs"]}, title="parabola")


def test_frame_uses_defaults_and_overrides(demo):
    fig = demo.frame()
    assert fig.axes[0].get_title() == "1.0 square"
    assert demo.frame(a=2.0, kind="abs").axes[0].get_title() == "2.0 abs"
    assert demo.defaults == {"a": 1.0, "kind": "square"}
    assert demo.n_frames == 6


def test_static_has_one_frame_per_grid_point_in_row_major_order(demo):
    static = demo.static()
    assert isinstance(static, StaticDemo)
    assert static.spec["names"] == ["a", "kind"]
    assert static.spec["sliders"] == [True, False]
    assert static.spec["start"] == [1, 0]
    assert len(static.spec["frames"]) == 6 and static.n_images == 6
    for i, a in enumerate([0.5, 1.0, 2.0]):
        for j, kind in enumerate(["square", "abs"]):
            image = base64.b64decode(static.spec["images"][static.frame_index([i, j])])
            assert image.startswith(b"\x89PNG")
            assert image == demo.png(palette=True, a=a, kind=kind)


def test_identical_frames_are_stored_once():
    demo = Demo(lambda a, b: draw(a, "square"), {"a": [1.0, 2.0], "b": [0, 1, 2]})
    static = demo.static()
    assert len(static.spec["frames"]) == 6 and static.n_images == 2


def test_static_html_is_self_contained(demo):
    html = demo.static().html
    assert html.count('type="range"') == 1 and html.count("<select") == 1
    assert "http://" not in html and "https://" not in html and "src=\"//" not in html
    payload = re.search(r'<script type="application/json" class="ll-demo-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert set(data) == {"labels", "frames", "images"}
    assert demo.static().element_id == demo.static().element_id  # deterministic: stable outputs


def test_frames_are_drawn_once_and_cached(demo):
    demo.static()
    demo.static()
    demo.png(a=0.5, kind="abs")
    demo.png(a=0.5, kind="abs")
    assert len(CALLS) == 6 + 1


def test_live_widget_redraws_on_slider_moves(demo):
    ui = demo.live()
    controls = ui.children[1].children
    image = ui.children[2]
    first = image.value
    controls[0].value = 2.0
    assert image.value != first
    assert image.value == demo.png(a=2.0, kind="square")
    controls[1].value = "abs"
    assert image.value == demo.png(a=2.0, kind="abs")


def test_show_bundles_the_widget_and_the_static_html(demo):
    bundle = demo.show()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="ll-demo"')


def test_bad_parameters(demo):
    with pytest.raises(ValueError, match=r"a: 3.0 is not on the grid \[0.5, 1.0, 2.0\]"):
        demo.frame(a=3.0)
    with pytest.raises(ValueError, match="b: not a parameter of this demo"):
        demo.frame(b=1)
    with pytest.raises(ValueError, match="params: expected a non-empty mapping"):
        Demo(draw, {})
    with pytest.raises(ValueError, match=r"params\['a'\]: values must be distinct"):
        Demo(draw, {"a": [1, 1]})
    with pytest.raises(TypeError, match="draw: expected a callable"):
        Demo("draw", {"a": [1]})
    with pytest.raises(ValueError, match="more than max_frames=4"):
        demo.static(max_frames=4)


FAKE_DOM = r"""
const fs = require("fs");
const spec = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
function el(tag, attrs) { return Object.assign({tag, dataset: {}, listeners: {}, textContent: "",
  addEventListener(t, f) { this.listeners[t] = f; }}, attrs); }
const controls = spec.labels.map((l, k) => el("input", {value: String(spec.start[k]), dataset: {k: String(k)}}));
const spans = spec.labels.map((l, k) => el("span", {dataset: {k: String(k)}}));
const img = el("img", {src: ""});
const data = el("script", {textContent: JSON.stringify(spec)});
const root = el("div", {
  querySelector(sel) {
    if (sel.startsWith("script")) return data;
    if (sel.startsWith("img")) return img;
    return spans[+sel.match(/'(\d+)'/)[1]];
  },
  querySelectorAll() { return controls; }});
global.document = { getElementById: () => root };
eval(fs.readFileSync(process.argv[2], "utf8"));
const shown = [];
for (const pos of spec.moves) {
  pos.forEach((p, k) => { controls[k].value = String(p); });
  controls[0].listeners.input();
  shown.push(spec.images.indexOf(img.src.replace("data:image/png;base64,", "")));
}
console.log(JSON.stringify({shown, labels: spans.map(s => s.textContent)}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the slider script")
def test_the_slider_script_shows_the_frame_for_every_position(demo, tmp_path):
    from landscapelab.demos import _SWITCHER_JS

    static = demo.static()
    moves = [[i, j] for i in range(3) for j in range(2)]
    spec = dict(static.spec, moves=moves)
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "switch.js").write_text(_SWITCHER_JS.replace("ELEMENT_ID", static.element_id))
    out = subprocess.run(["node", "-e", FAKE_DOM, str(tmp_path / "spec.json"), str(tmp_path / "switch.js")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["shown"] == [static.frame_index(m) for m in moves]
    assert result["labels"] == ["2", "abs"]


def test_progress_bar_only_when_drawing_takes_long(demo, capsys, monkeypatch):
    import landscapelab.demos as demos

    demo.static()
    assert "drawing slider frames" not in capsys.readouterr().err
    demo._png_cache.clear()
    monkeypatch.setattr(demos, "PROGRESS_AFTER_SECONDS", 0.0)
    demo.static()
    assert "drawing slider frames" in capsys.readouterr().err
