"""The figure files: a PDF's fonts (one subset per face, without OpenType layout tables)
and a PNG's pixels (matplotlib's, written by pypng)."""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image

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


def test_a_png_holds_matplotlibs_pixels_as_rgb_at_the_style_resolution(tmp_path):
    with figure_style({"savefig.dpi": 150}):
        fig, ax = plt.subplots(figsize=size("single"))
        ax.bar(["a", "b"], [1, 2], hatch="//")
        ax.set_title("Turns ≥ 5")
    box = save_figure(fig, [tmp_path / "figure.png"], {"savefig.dpi": 150})
    # matplotlib's own PNG of the same (now frozen) figure and box
    fig.savefig(tmp_path / "matplotlib.png", bbox_inches=box.padded(0.02), dpi=150)

    ours, theirs = Image.open(tmp_path / "figure.png"), Image.open(tmp_path / "matplotlib.png")
    assert (ours.mode, theirs.mode) == ("RGB", "RGBA")
    assert ours.size == theirs.size
    assert np.array_equal(np.asarray(ours), np.asarray(theirs.convert("RGB")))
    assert round(ours.info["dpi"][0]) == 150
    assert set(ours.info) == {"dpi"}  # no software tag, no date


def test_a_transparent_figure_keeps_its_alpha_channel(tmp_path):
    with figure_style({"savefig.facecolor": "none"}):
        fig, ax = plt.subplots(figsize=size("single"))
        ax.set_facecolor("none")
        ax.plot([0, 1], [0, 1])
        save_figure(fig, [tmp_path / "figure.png"])
    image = Image.open(tmp_path / "figure.png")
    assert image.mode == "RGBA"
    assert image.getextrema()[3][0] == 0
