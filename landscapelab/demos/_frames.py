"""How a demo frame is drawn: scaled to the book's text column, text enlarged to a readable size, stored as a
palette PNG (the rules are described in :mod:`landscapelab.demos`)."""

from __future__ import annotations

import io

CSS_DPI = 96            # CSS px per inch: a frame is shown at this scale (its PNG holds twice as many pixels)
DEFAULT_DPI = 2 * CSS_DPI
MAX_WIDTH_IN = 7.1      # a code-cell output at 1280 px is 684 CSS px wide = 7.125 in at 96 px per inch
MIN_FONT_PT = 7.5       # 7.5 pt at 96 px per inch = 10 CSS px


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
