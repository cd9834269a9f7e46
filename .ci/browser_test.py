#!/usr/bin/env python3
"""Open every page of the built book in headless Chromium, offline, and fail on what a reader would meet.

Usage: ``python .ci/browser_test.py [--html _build/html] [--screenshots _build/screenshots]``
(``.ci/run`` calls it after the book build, with the project's virtual environment; it needs Playwright's Python
client and Debian's ``chromium``; ``.ci/browser_test.sh`` installs both when missing).

The book is served from 127.0.0.1 by a server in this process. Each page is opened at 1280 x 900 CSS px and the
test fails (exit status 1, one line per problem, naming the page and the element) on

* a request to anything but 127.0.0.1 (such requests are also blocked, so the run is offline by construction);
* a JavaScript error or console error, a resource answered with an HTTP error (e.g. a missing favicon);
* TeX left untypeset after MathJax finished: ``\\(``, ``$...$``, ``\\frac`` or ``L_0`` in the text outside code,
  or anything TeX-like in the page title (browser tab, print title);
* a static demo whose controls do not change its frame, a slider whose values do not increase, a frame that does
  not load, demo text smaller than 10 CSS px or a frame drawn at less than twice the pixel density;
* an image without real alt text (empty, or a file name);
* an internal link to a missing page or a missing ``#anchor`` (for a page of the other ``--part``, the anchors
  written in its HTML file);
* at phone width (390 CSS px), a chapter page that scrolls sideways as a whole or an element that sticks out of
  the window outside a scrolling box of its own (a screenshot of each chapter's top at that width is written too).

It writes a screenshot of each chapter's first demo to ``--screenshots`` and prints what it measured per page
(page weight: bytes of every file the page loaded; console errors; formulas; demos). ``--strict-layout`` also
fails on code cells, outputs and display equations that scroll horizontally at 1280 px (otherwise listed as
warnings).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}           # a phone held upright (CSS px)
MIN_TEXT_PX = 10.0
SKIP_DIRS = ("_static", "_sources", "_images", "_downloads", "screenshots")
# Pages of docstrings (the API reference, highlighted source): their formulas are plain text by convention, so the
# TeX scan of the body skips them (their titles are still checked).
NO_TEX_SCAN = ("book/api.html", "_modules/")

# Runs in the page once MathJax (if the page loads it) has finished: text outside code that still looks like TeX.
UNTYPESET_JS = r"""() => {
  const skip = "pre, code, script, style, textarea, mjx-container, mjx-assistive-mml, svg, kbd, samp, .highlight";
  const patterns = [/\\\(|\\\)|\\\[|\\\]/, /(^|[^\w$])\$[^$\s][^$]*\$/,
                    /\\(frac|mathrm|mathbb|mathcal|operatorname|lambda|alpha|beta|sigma|eta|nabla|sum|left|right|begin|end|le|ge|cdot|infty|sqrt)\b/,
                    /(^|[^A-Za-z0-9_])[A-Za-z]_(\{|[0-9A-Za-z]\b)/, /\^\{/];
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) { continue; }
    const text = node.textContent;
    if (patterns.some(p => p.test(text))) {
      const where = parent.closest("[id]");
      found.push({text: text.trim().slice(0, 80), where: where ? "#" + where.id : parent.tagName.toLowerCase()});
    }
  }
  return found;
}"""

LINKS_JS = r"""() => ({
  ids: Array.from(document.querySelectorAll("[id]"), e => e.id)
       .concat(Array.from(document.querySelectorAll("a[name]"), e => e.getAttribute("name"))),
  links: Array.from(document.querySelectorAll("a[href]"),
                    a => ({href: a.href, text: a.textContent.trim().slice(0, 60)})),
  images: Array.from(document.querySelectorAll("article img, main img, .bd-article img"), img => ({
    src: img.getAttribute("src") || "", alt: img.getAttribute("alt"),
    where: (img.closest("[id]") || {id: ""}).id})),
  formulas: document.querySelectorAll("mjx-container").length,
  icon: (document.querySelector("link[rel~='icon']") || {href: ""}).href,
  overflow: Array.from(document.querySelectorAll(
      ".cell_input pre, .cell_output pre, mjx-container[display='true'], .bd-article table, .highlight pre"),
    e => ({kind: e.matches("mjx-container") ? "display equation" : e.matches("table") ? "table"
                : e.closest(".cell_output") ? "output" : "code",
           over: e.scrollWidth - e.clientWidth,
           where: (e.closest("[id]") || {id: ""}).id,
           text: e.textContent.trim().slice(0, 50)}))
    .filter(o => o.over > 2),
})"""

# At phone width: what makes the whole page scroll sideways (an element wider than the window that is not inside a
# scrolling box of its own), and demo frames or figures wider than the window.
PHONE_JS = r"""() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const e of document.querySelectorAll(".bd-article *")) {
    if (e.closest("mjx-assistive-mml")) continue;       // MathJax's hidden copy for screen readers
    const r = e.getBoundingClientRect();
    if (r.right <= width + 1 || r.width === 0) continue;
    let clipped = false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") {
        clipped = p.getBoundingClientRect().right <= width + 1;
        break;
      }
    }
    if (!clipped) wide.push({tag: e.tagName.toLowerCase(), cls: String(e.className).slice(0, 40),
                             right: Math.round(r.right), where: (e.closest("[id]") || {id: ""}).id});
  }
  return {page_over: document.documentElement.scrollWidth - width, width: width,
          wide: wide.filter((w, i) => i === 0 || !wide[i - 1] || w.where !== wide[i - 1].where).slice(0, 5)};
}"""

DEMOS_JS = r"""() => Array.from(document.querySelectorAll(".ll-demo"), (d, i) => {
  const img = d.querySelector("img.ll-demo-frame");
  const head = d.querySelector(".ll-demo-title") || d.querySelector("b");
  return {index: i, id: d.id, title: head && head.firstChild ? head.firstChild.textContent.trim() : "",
          n_controls: d.querySelectorAll("[data-k]").length,
          font_pt: img && img.dataset.fontPt ? +img.dataset.fontPt : null,
          width_in: img && img.dataset.widthIn ? +img.dataset.widthIn : null,
          client_width: img ? img.clientWidth : 0, natural_width: img ? img.naturalWidth : 0,
          alt: img ? img.getAttribute("alt") : null};
})"""


class Problems:
    """What failed, by page and category (network, js, http, tex, title, demo, alt, link, layout)."""

    def __init__(self):
        self.items: dict[tuple[str, str, str], None] = {}

    def add(self, page: str, category: str, message: str) -> None:
        self.items[(page, category, message)] = None

    def __iter__(self):
        return iter(self.items)


def read_exemptions(path: Path) -> set[tuple[str, str]]:
    """``page category`` pairs that are known not to comply yet (one per line, ``#`` comments)."""
    if not path.is_file():
        return set()
    pairs = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            page, category = line.split()
            pairs.add((page, category))
    return pairs


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def pages_of(root: Path) -> list[str]:
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in SKIP_DIRS:
            continue
        pages.append(rel)
    return pages


def static_ids(path: Path) -> set:
    """The ``id`` attributes of an HTML file as written (for a page the other part's browser loads: Sphinx writes
    every anchor into the file, none is added by a script)."""
    from html.parser import HTMLParser

    ids = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            ids.update(value for name, value in attrs if name == "id" and value)

    Collector().feed(path.read_text(encoding="utf-8", errors="replace"))
    return ids


def local_path(root: Path, base: str, url: str) -> Path | None:
    """The file under ``root`` that a same-origin URL names (None for other origins)."""
    if not url.startswith(base):
        return None
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    rel = path[len(urllib.parse.urlsplit(base).path):]
    target = root / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target


def wait_for_mathjax(page) -> bool:
    """Wait until MathJax (if the page loads it) has typeset the page; False if it never started."""
    page.wait_for_function("document.readyState === 'complete'")
    has = page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\" i]') || !!window.MathJax")
    if not has:
        return True
    try:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the page is reported, the run goes on
        return False
    page.evaluate("() => MathJax.startup.promise")
    return True


def controls_of(demo):
    """(kind, element handle, number of values) for each control of a static demo, in data-k order."""
    out = []
    for control in demo.query_selector_all("[data-k]"):
        tag = control.evaluate("e => e.tagName.toLowerCase()")
        if tag == "input":
            n = int(control.get_attribute("max")) + 1
            out.append(("range", control, n))
        elif tag == "select":
            out.append(("select", control, control.evaluate("e => e.options.length")))
        else:
            out.append(("radio", control, len(control.query_selector_all("input[type=radio]"))))
    return out


def set_control(page, kind, control, j):
    """Move a control to its j-th value as a reader would: arrow keys on a slider, a click on a button."""
    if kind == "range":
        control.focus()
        current = int(control.evaluate("e => +e.value"))
        key = "ArrowRight" if j > current else "ArrowLeft"
        for _ in range(abs(j - current)):
            control.press(key)
    elif kind == "select":
        control.select_option(index=j)
    else:
        control.query_selector_all("label")[j].click()


def frame_state(demo):
    return demo.evaluate("""d => new Promise(resolve => {
      const img = d.querySelector("img.ll-demo-frame");
      const done = () => resolve({src: img.currentSrc || img.src, ok: img.naturalWidth > 0,
                                  alt: img.getAttribute("alt")});
      if (img.complete) { done(); } else { img.addEventListener("load", done, {once: true});
                                           img.addEventListener("error", done, {once: true}); }
    })""")


def check_demos(page, rel, problems, screenshots: Path | None, shot_name: str):
    demos = page.evaluate(DEMOS_JS)
    handles = page.query_selector_all(".ll-demo")
    info = []
    for meta, demo in zip(demos, handles):
        where = f"demo #{meta['index'] + 1} ({meta['title'] or meta['id']})"
        demo.scroll_into_view_if_needed()
        state0 = frame_state(demo)
        if meta["index"] == 0 and screenshots is not None:     # the first demo, as the reader first sees it
            demo.screenshot(path=str(screenshots / f"{shot_name}.png"))
        if not state0["ok"]:
            problems.add(rel, "demo", f"{where}: the first frame does not load ({state0['src'][:80]})")
        if not meta["alt"] or len(meta["alt"]) < 8:
            problems.add(rel, "alt", f"{where}: the frame has no alt text")
        text_px = None
        if meta["font_pt"] and meta["width_in"] and meta["client_width"]:
            text_px = meta["font_pt"] / 72.0 * meta["client_width"] / meta["width_in"]
            if text_px < MIN_TEXT_PX - 1e-6:
                problems.add(rel, "demo", f"{where}: smallest text is {text_px:.1f} CSS px at 1280 px "
                                          f"(needs {MIN_TEXT_PX:g})")
            density = meta["natural_width"] / max(meta["client_width"], 1)
            if density < 1.9:
                problems.add(rel, "demo", f"{where}: frame drawn at {density:.2f} image pixels per CSS px (needs 2)")
        else:
            problems.add(rel, "demo", f"{where}: the frame does not state its text size (data-font-pt, data-width-in)")
        controls = controls_of(demo)
        if len(controls) == 0:
            problems.add(rel, "demo", f"{where}: no controls")
        for k, (kind, control, n) in enumerate(controls):
            label = control.get_attribute("aria-label") or f"control {k + 1}"
            if kind == "range":
                labels = control.evaluate(
                    "(e) => JSON.parse(e.closest('.ll-demo').querySelector('script.ll-demo-data').textContent)"
                    ".labels[+e.dataset.k]")
                try:
                    numbers = [float(v) for v in labels]
                except ValueError:
                    numbers = None
                if numbers and any(b <= a for a, b in zip(numbers, numbers[1:])):
                    problems.add(rel, "demo", f"{where}: slider '{label}' runs {labels[0]} -> {labels[-1]}, "
                                              "not increasing")
            start = control.evaluate("""e => e.tagName === "INPUT" ? +e.value : e.tagName === "SELECT" ?
                e.selectedIndex : Array.from(e.querySelectorAll("input")).findIndex(i => i.checked)""")
            seen = set()
            for j in range(n):
                set_control(page, kind, control, j)
                state = frame_state(demo)
                if not state["ok"]:
                    problems.add(rel, "demo", f"{where}: control '{label}' value {j + 1}: the frame does not load")
                seen.add(state["src"])
            if n > 1 and len(seen) < 2:
                problems.add(rel, "demo", f"{where}: moving control '{label}' through its {n} values never "
                                          "changes the frame")
            set_control(page, kind, control, start)      # the others stay at their defaults for the next control
        info.append({"title": meta["title"], "controls": len(controls), "text_px": text_px})
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", default="_build/html", type=Path)
    parser.add_argument("--screenshots", default="_build/screenshots",
                        type=lambda s: None if s == "none" else Path(s), help="a folder, or 'none'")
    parser.add_argument("--part", choices=("all", "book", "source"), default="all",
                        help="all pages, the book's own pages, or only the highlighted source (_modules/): "
                             ".ci/browser_test.sh runs the two parts side by side")
    parser.add_argument("--strict-layout", action="store_true", help="fail on horizontal scrolling at 1280 px")
    parser.add_argument("--json", type=Path, help="write the per-page measurements here")
    parser.add_argument("--pages", nargs="*", help="only these pages (paths relative to --html)")
    parser.add_argument("--exemptions", type=Path, default=Path(__file__).with_name("browser_exemptions.txt"),
                        help="'page category' lines of known problems that do not fail the run (a line that no "
                             "longer matches a problem fails it)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    root = args.html.resolve()
    if not (root / "index.html").is_file():
        print(f"browser test: no built book at {root}", file=sys.stderr)
        return 2
    pages = args.pages or pages_of(root)
    if args.part != "all":
        pages = [p for p in pages if p.startswith("_modules/") == (args.part == "source")]
    if args.screenshots:
        shutil.rmtree(args.screenshots, ignore_errors=True)
        args.screenshots.mkdir(parents=True)
    server, base = serve(root)
    problems = Problems()
    warnings: list[str] = []
    report = {}
    page_ids: dict[str, set] = {}
    links: list[tuple[str, str, str]] = []
    start = time.perf_counter()
    profile = tempfile.mkdtemp(prefix="ll-browser-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport=VIEWPORT,
                device_scale_factor=2, service_workers="block")
            current = {"page": ""}

            def route(route_, request):
                url = request.url
                if url.startswith(base) or url.startswith(("data:", "blob:", "about:")):
                    route_.continue_()
                else:
                    problems.add(current["page"], "network", f"request leaving 127.0.0.1 blocked: {url[:120]}")
                    route_.abort()

            context.route("**/*", route)
            # every page is met as on a first visit (the theme's stored colour mode is one such state)
            context.add_init_script("try { window.localStorage.clear(); } catch (e) {}")
            context.set_default_timeout(60000)
            page = context.new_page()
            loaded: dict[str, set] = {}

            def on_console(msg):
                if msg.type == "error":
                    problems.add(current["page"], "js", f"console error: {msg.text[:200]}")

            def on_pageerror(err):
                problems.add(current["page"], "js", f"JavaScript error: {str(err)[:200]}")

            def on_response(response):
                loaded.setdefault(current["page"], set()).add(response.url)
                if response.status >= 400 and response.url.startswith(base):
                    problems.add(current["page"], "http", f"HTTP {response.status} for "
                                    f"{response.url[len(base):][:120]}")

            page.on("console", on_console)
            page.on("pageerror", on_pageerror)
            page.on("response", on_response)
            for rel in pages:
                current["page"] = rel
                t0 = time.perf_counter()
                page.goto(base + rel, wait_until="load")
                if not wait_for_mathjax(page):
                    problems.add(rel, "tex", "MathJax did not start within 15 s")
                title = page.title()
                if re.search(r"\\|\$|_\{|\^\{|[A-Za-z]_[0-9A-Za-z]\b", title):
                    problems.add(rel, "title", f"TeX in the page title: {title!r}")
                for item in ([] if rel.startswith(NO_TEX_SCAN) else page.evaluate(UNTYPESET_JS)):
                    problems.add(rel, "tex", f"untypeset TeX at {item['where']}: {item['text']!r}")
                data = page.evaluate(LINKS_JS)
                if not data["icon"]:
                    problems.add(rel, "http", "no <link rel=icon> (the browser asks for /favicon.ico: a 404)")
                else:
                    links.append((rel, data["icon"], "favicon"))
                page_ids[rel] = set(data["ids"])
                for link in data["links"]:
                    links.append((rel, link["href"], link["text"]))
                for img in data["images"]:
                    alt = (img["alt"] or "").strip()
                    name = img["src"].rsplit("/", 1)[-1][:60]
                    if not alt or re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt, re.I) or "_images/" in alt:
                        problems.add(rel, "alt", f"image without alt text at #{img['where']}: {name} (alt={alt!r})")
                for item in ([] if rel.startswith("_modules/") else data["overflow"]):   # source listings scroll
                    msg = (f"{item['kind']} scrolls {item['over']} px at 1280 px, near #{item['where']}: "
                           f"{item['text']!r}")
                    if args.strict_layout:
                        problems.add(rel, "layout", msg)
                    else:
                        warnings.append(f"{rel}: {msg}")
                stem = Path(rel).with_suffix("").as_posix().replace("/", "-")
                demos = check_demos(page, rel, problems, args.screenshots, stem)
                files = {local_path(root, base, u) for u in loaded.get(rel, ())}
                weight = sum(p.stat().st_size for p in files if p is not None and p.is_file())
                report[rel] = {"html_bytes": (root / rel).stat().st_size, "loaded_bytes": weight,
                               "formulas": data["formulas"], "demos": demos,
                               "seconds": round(time.perf_counter() - t0, 2)}
            phone = context.new_page()
            phone.set_viewport_size(PHONE)
            for rel in pages:
                if not (rel == "index.html" or rel.startswith("book/")) or rel.startswith(NO_TEX_SCAN):
                    continue
                current["page"] = rel
                phone.goto(base + rel, wait_until="load")
                wait_for_mathjax(phone)
                result = phone.evaluate(PHONE_JS)
                report.setdefault(rel, {})["phone_page_over_px"] = result["page_over"]
                if result["page_over"] > 2 or result["wide"]:
                    where = "; ".join(f"<{w['tag']} class={w['cls']!r}> to {w['right']} px near #{w['where']}"
                                      for w in result["wide"])
                    problems.add(rel, "phone", f"the page scrolls sideways at {PHONE['width']} px "
                                 f"({result['page_over']} px): {where}")
                if args.screenshots:
                    stem = Path(rel).with_suffix("").as_posix().replace("/", "-")
                    phone.screenshot(path=str(args.screenshots / f"phone-{stem}.png"))
            context.close()
    finally:
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

    for rel, href, text in links:
        target = local_path(root, base, href.split("#")[0])
        if target is None:
            continue
        if not target.is_file():
            problems.add(rel, "link", f"broken link {text!r} -> {href[len(base):]} (no such file)")
            continue
        fragment = urllib.parse.unquote(urllib.parse.urlsplit(href).fragment)
        trel = target.relative_to(root).as_posix()
        if fragment and trel not in page_ids and target.suffix == ".html":
            page_ids[trel] = static_ids(target)          # a page of the other part: the ids of its HTML source
        if fragment and trel in page_ids and fragment not in page_ids[trel]:
            problems.add(rel, "link", f"broken link {text!r} -> {trel}#{fragment} (no such anchor)")

    for rel, item in report.items():
        demos = "; ".join(f"{d['title'][:30]!r}: {d['controls']} controls, text "
                          + (f"{d['text_px']:.1f} px" if d["text_px"] else "?") for d in item["demos"])
        print(f"{rel:40s} html {item['html_bytes'] / 1e3:8.1f} kB  loaded {item['loaded_bytes'] / 1e3:8.1f} kB  "
              f"formulas {item['formulas']:4d}  {item['seconds']:5.1f} s  {demos}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    for w in warnings:
        print("warning:", w)
    exempt = read_exemptions(args.exemptions)
    failed, known = [], []
    for page, category, message in problems:
        (known if (page, category) in exempt else failed).append(f"[{category}] {page}: {message}")
    used = {(page, category) for page, category, _ in problems}
    for page, category in sorted(p for p in exempt - used if p[0] in report):
        failed.append(f"[stale exemption] {page} {category}: this page passes the check now; remove the line from "
                      f"{args.exemptions}")
    for line in known:
        print("known (exempted):", line)
    for line in failed:
        print("FAIL", line)
    bad = {line.split("] ", 1)[1].split(":", 1)[0] for line in failed}
    print(f"browser test: {len(report)} pages, {len(failed)} problems ({len(known)} exempted), "
          f"{len(warnings)} layout warnings, {time.perf_counter() - start:.0f} s")
    print(f"browser: {len(report) - len(bad & set(report))} passed, {len(bad & set(report))} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
