"""The figure files' fonts: one subset per face, without OpenType layout tables."""

from __future__ import annotations

import io
import re
import zlib

from fontTools import subset
from fontTools.ttLib import TTFont

from coprod.exhibits.figures.style import LAYOUT_TABLES, figure_style, plt, save_figure, size


def embedded_fonts(pdf: bytes) -> list[TTFont]:
    """The TrueType programs embedded in a PDF (the streams with a ``/Length1``)."""
    streams = re.findall(rb"<<([^>]*?/Length1[^>]*?)>>\s*stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return [TTFont(io.BytesIO(zlib.decompress(data))) for _, data in streams]


def test_a_pdf_embeds_each_face_once_without_its_layout_tables(tmp_path):
    with figure_style():
        fig, ax = plt.subplots(figsize=size("single"))
        ax.set_title("Turns ≥ 5 – cases", fontweight="bold")
        ax.plot([-1, 1], [-2, 2])  # the tick labels' minus: past Latin-1
        ax.text(0, 0, "n = 12 − 3", style="italic")
    save_figure(fig, [tmp_path / "figure.pdf"])

    fonts = embedded_fonts((tmp_path / "figure.pdf").read_bytes())
    # (no ligature: matplotlib puts a ligature glyph in a subset of its own)
    names = sorted(font["name"].getDebugName(6).split("+")[-1] for font in fonts)
    assert names == ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"]
    for font in fonts:
        assert not set(LAYOUT_TABLES) & set(font.keys())
        assert {"glyf", "loca", "hmtx", "cmap"} <= set(font.keys())
    regular = next(f for f in fonts if f["name"].getDebugName(6).split("+")[-1] == "DejaVuSans")
    # the glyphs of the tick labels and the text (hyphen-minus drawn as U+2212) are in it
    assert len(regular.getGlyphOrder()) > 8
    # and fontTools' own defaults are left as they were
    assert not set(LAYOUT_TABLES) & set(subset.Options().drop_tables)
