import base64
import json
import re
import shutil
import subprocess

import matplotlib.pyplot as plt
import numpy as np
import pytest

import landscapelab.demos as demos
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
    assert static.spec["kinds"] == ["buttons", "buttons"]
    assert static.spec["start"] == [1, 0]
    assert len(static.spec["frames"]) == 6 and static.n_images == 6
    for i, a in enumerate([0.5, 1.0, 2.0]):
        for j, kind in enumerate(["square", "abs"]):
            image = base64.b64decode(static.spec["images"][static.frame_index([i, j])])
            assert image.startswith(b"\x89PNG")
            assert image == demo.png(a=a, kind=kind)


def test_identical_frames_are_stored_once():
    demo = Demo(lambda a, b: draw(a, "square"), {"a": [1.0, 2.0], "b": [0, 1, 2]})
    static = demo.static()
    assert len(static.spec["frames"]) == 6 and static.n_images == 2


def test_static_html_is_self_contained(demo):
    html = demo.static().html
    assert html.count('type="radio"') == 5 and html.count("<select") == 0
    assert "http://" not in html and "https://" not in html and "src=\"//" not in html
    payload = re.search(r'<script type="application/json" class="ll-demo-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert set(data) == {"labels", "frames", "images", "alts", "alt", "display"}
    assert demo.static().element_id == demo.static().element_id  # deterministic: stable outputs


def test_control_kinds_numbers_sorted_and_default_is_the_middle_as_given():
    many = [0.1, 0.3, 1.0, 3.0, 10.0]
    demo = Demo(draw, {"a": many[::-1], "kind": ["square", "abs", "x", "y", "z"]})
    assert demo.params["a"] == many                      # a slider never runs backwards
    assert demo.defaults == {"a": 1.0, "kind": "x"}
    assert demo.kinds == {"a": "slider", "kind": "dropdown"}
    html = demo.static().html
    assert html.count('type="range"') == 1 and html.count("<select") == 1
    depth = Demo(draw, {"a": [2, 0], "kind": ["square"]})
    assert depth.params["a"] == [0, 2] and depth.defaults["a"] == 2 and depth.kinds["a"] == "buttons"
    forced = Demo(draw, {"a": [0.5, 1.0], "kind": ["square", "abs"]}, controls={"a": "slider", "kind": "dropdown"})
    assert forced.kinds == {"a": "slider", "kind": "dropdown"}
    assert forced.static().spec["sliders"] == [True, False]


def test_labels_name_the_controls_as_the_text_does(demo):
    labelled = Demo(draw, {"a": [0.5, 1.0, 2.0], "kind": ["square", "abs"]}, labels={"a": "λ"})
    html = labelled.static().html
    assert 'aria-label="λ"' in html and ">λ</span>" in html and 'aria-label="a"' not in html
    ui = labelled.live()
    assert [c.description for c in ui.children[0].children] == ["λ", "kind"]
    with pytest.raises(ValueError, match="labels: 'b' is not a parameter"):
        Demo(draw, {"a": [1.0]}, labels={"b": "β"})
    with pytest.raises(ValueError, match=r"controls\['kind'\]: a slider needs numeric values"):
        Demo(draw, {"kind": ["square", "abs"]}, controls={"kind": "slider"})
    with pytest.raises(ValueError, match=r"controls\['a'\]: expected one of slider, buttons, dropdown"):
        Demo(draw, {"a": [1.0]}, controls={"a": "knob"})


def test_frames_at_twice_the_density_with_readable_text():
    def wide(a):
        fig, ax = plt.subplots(figsize=(10.0, 3.0))
        ax.plot([0, 1], [0, a], label="a line")
        ax.legend(fontsize=5)
        ax.set_title("small", fontsize=6)
        return fig

    demo = Demo(wide, {"a": [1.0, 2.0]})
    static = demo.static()
    assert static.spec["width_in"] == pytest.approx(demos.MAX_WIDTH_IN)
    assert static.spec["font_pt"] == pytest.approx(demos.MIN_FONT_PT)
    png = demo.png(a=1.0)
    width_px = int.from_bytes(png[16:20], "big")
    assert width_px == round(demos.MAX_WIDTH_IN * 2 * demos.CSS_DPI)
    assert f'width="{round(demos.MAX_WIDTH_IN * demos.CSS_DPI)}"' in static.html
    # text size in CSS px when the frame is shown at its width: 7.5 pt at 96 px per inch
    assert static.spec["font_pt"] / 72 * demos.CSS_DPI >= 10.0 - 1e-9


def test_alt_text_describes_the_frame(demo):
    static = demo.static()
    assert static._alt([1, 0]) == "parabola. Settings: a = 1, kind = square."
    assert 'alt="parabola. Settings: a = 1, kind = square."' in static.html
    own = Demo(draw, {"a": [0.5, 1.0], "kind": ["abs"]}, alt=lambda a, kind: f"a parabola of height {a}")
    assert own.static().spec["alts"] == ["a parabola of height 0.5", "a parabola of height 1.0"]
    assert own.describe(a=0.5) == "a parabola of height 0.5"
    assert demo._source() == f"{draw.__module__}:draw"


def test_frames_are_drawn_once_and_cached(demo):
    demo.static()
    demo.static()
    demo.png(a=0.5, kind="abs")
    demo.png(a=0.5, kind="abs")
    assert len(CALLS) == 6


def test_live_widget_reuses_the_frames_the_static_version_drew(demo):
    demo.static()
    drawn = len(CALLS)
    ui = demo.live()
    controls = ui.children[1].children
    image = ui.children[2]
    first = image.value
    controls[0].value = 2.0
    assert image.value != first
    assert image.value == demo.png(a=2.0, kind="square")
    controls[1].value = "abs"
    assert image.value == demo.png(a=2.0, kind="abs")
    assert len(CALLS) == drawn                         # no redraw: the one cache served every frame
    assert image.width == str(round(2.0 * demos.CSS_DPI))   # shown at 96 px per inch, drawn at 192


def test_live_widget_draws_a_setting_not_drawn_yet(demo):
    ui = demo.live()
    assert len(CALLS) == 1
    ui.children[1].children[0].value = 0.5
    assert len(CALLS) == 2 and ui.children[2].value == demo.png(a=0.5)


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
function el(tag, attrs) { return Object.assign({tagName: tag, dataset: {}, listeners: {}, textContent: "", attrs: {},
  addEventListener(t, f) { this.listeners[t] = f; }, setAttribute(k, v) { this.attrs[k] = v; }}, attrs); }
// control 0 is a range input, control 1 a group of radio buttons (as Demo.static writes them)
const range = el("INPUT", {value: String(spec.start[0]), dataset: {k: "0"}});
const radios = spec.labels[1].map((l, j) => ({value: String(j), checked: j === spec.start[1]}));
const group = el("SPAN", {dataset: {k: "1"}, querySelector() { return radios.find(r => r.checked) || null; }});
const controls = [range, group];
const spans = spec.labels.map((l, k) => el("output", {}));
const img = el("img", {src: "", alt: ""});
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
const shown = [], alts = [];
for (const pos of spec.moves) {
  range.value = String(pos[0]);
  radios.forEach((r, j) => { r.checked = j === pos[1]; });
  range.listeners.input();
  shown.push(spec.images.indexOf(img.src.replace("data:image/png;base64,", "")));
  alts.push(img.alt);
}
console.log(JSON.stringify({shown, alts, labels: spans.map(s => s.textContent)}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the slider script")
def test_the_slider_script_shows_the_frame_for_every_position(tmp_path):
    from landscapelab.demos import _SWITCHER_JS

    demo = Demo(draw, {"a": [0.25, 0.5, 1.0, 2.0, 4.0], "kind": ["square", "abs"]}, title="parabola")
    static = demo.static()
    assert static.spec["kinds"] == ["slider", "buttons"]
    moves = [[i, j] for i in range(5) for j in range(2)]
    spec = dict(static.spec, moves=moves)
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "switch.js").write_text(_SWITCHER_JS.replace("ELEMENT_ID", static.element_id))
    out = subprocess.run(["node", "-e", FAKE_DOM, str(tmp_path / "spec.json"), str(tmp_path / "switch.js")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["shown"] == [static.frame_index(m) for m in moves]
    assert result["alts"] == [static._alt(m) for m in moves]
    assert result["labels"][0] == "4"


def test_progress_bar_only_when_drawing_takes_long(demo, capsys, monkeypatch):
    import landscapelab.demos as demos

    monkeypatch.setattr(demos, "PROGRESS_AFTER_SECONDS", 1e9)     # quick drawing: the machine's load cannot matter
    demo.static()
    assert "drawing slider frames" not in capsys.readouterr().err
    demo._cache.clear()
    monkeypatch.setattr(demos, "PROGRESS_AFTER_SECONDS", 0.0)
    demo.static()
    assert "drawing slider frames" in capsys.readouterr().err
