"""The figures' one style and their byte-stable files.

Every figure is drawn with matplotlib in one style (fonts, sizes for a one- or
two-column journal width, a colour-blind-safe palette) and saved as PDF, PNG and SVG
with their timestamps and software tags removed, so that two runs on the same machine
write identical bytes. :func:`write_figure` is the writer of every figure job
(:data:`coprod.registry.WRITERS`).

Decisions
---------
- Text is never smaller than :data:`MIN_FONT` (7 pt) at print size: titles and axis
  labels are the config's ``font_size`` (8 pt), everything else (ticks, legends,
  annotations, counts) one point under it. :func:`smallest_font` measures it on a
  drawn figure as the journal prints it (the tests hold every figure to it).
- The layout is solved once and frozen before saving (:func:`save_figure`): the
  constrained-layout solver's last digits vary between processes, and SVG clip-path
  ids hash them. The tight bounding box is computed once too and given to every
  format: ``bbox_inches="tight"`` would draw the figure twice per format (the
  drawing, not the import, was most of a figure job's time). The layout pass runs the
  layout engine and the axes' locators, not a whole draw; text inside a cell of a grid
  is left out of the layout (``in_layout=False``), as it cannot move its axes.
- The PDF and the SVG are saved by a forked child while this process saves the PNG
  (the two take about as long as the PNG alone), where the process has one thread (a
  figure job, forked by :func:`coprod.jobs.run_forked`); the files are the same bytes
  as when saved one after another. It pays where a core is idle; with both cores busy
  (two jobs at once) it costs about what it saves, a fork.
- The PNG's pixels are matplotlib's, written by pypng as RGB (the figures are opaque),
  rows unfiltered, at zlib level 1 (:func:`_save_png`): matplotlib's RGBA at level 6
  took a third longer, Pillow's adaptive filtering as long again.
- A PDF embeds each font face once (``ps.fonttype`` 42 as well as ``pdf.fonttype``:
  matplotlib 3.11 sizes a PDF's font subsets by the former) and without its OpenType
  layout tables (:func:`_lean_font_subsets`): fontTools' subsetting of the fonts was
  the larger part of writing a PDF. The glyphs, and so the drawn PDF, are the same.

Example
-------
>>> import tempfile
>>> import matplotlib.pyplot as plt
>>> with figure_style():
...     fig, ax = plt.subplots(figsize=size("single", 0.6))
...     _ = ax.plot([0, 1], [0, 1], color=PALETTE[0])
>>> box = save_figure(fig, [Path(tempfile.mkdtemp()) / "example.png"])
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import png
from fontTools import subset

matplotlib.use("Agg")
# Every figure is saved as PDF and SVG too: their backends are imported with this module,
# which a run's figure jobs fork from with it imported (coprod.jobs.run_forked).
import matplotlib.backends.backend_pdf  # noqa: E402, F401
import matplotlib.backends.backend_svg  # noqa: E402, F401
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from coprod.errors import JobFailed  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
PALETTES = {
    "okabe_ito": PALETTE,
    # Paul Tol's "bright" scheme (https://personal.sron.nl/~pault/).
    "tol_bright": ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"),
}
"""Categorical palettes the config may name (``figures: palette``); all colour-blind safe."""
NEUTRAL = "#BDBDBD"
MASKED_FACE = "#F2F2F2"
MASKED_HATCH = "#9E9E9E"
WIDTHS = {"single": 3.5, "double": 7.2}
"""Journal widths in inches: one column (89 mm) and two columns (183 mm)."""
MIN_FONT = 7.0
"""The smallest text at print size (points)."""
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
"""The panel letters, in order."""

STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 1.0,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "pdf.fonttype": 42,  # embed TrueType: editable text in the PDF
    # matplotlib 3.11's PDF backend groups a font's characters into subsets as large as
    # ps.fonttype allows: under Type 3's 256, any character past Latin-1 (a minus, "≥",
    # "–") starts a second subset of the font, subset by fontTools once more (~0.2 s).
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "coprod",  # fixed ids in SVG files
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}
METADATA = {
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    ".svg": {"Date": None, "Creator": None},
    ".png": {"Software": None},
}
"""Metadata that would otherwise carry the date or the software version into the file."""
OVERFLOW_TOLERANCE = 0.01
"""Inches a figure may reach beyond its canvas before :func:`write_figure` warns."""


def size(width: str = "single", aspect: float = 0.62) -> tuple[float, float]:
    """Figure size for a journal width ("single" or "double") and height/width ratio.

    >>> size("double", 0.5)
    (7.2, 3.6)
    """
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {', '.join(WIDTHS)}; got {width!r}")
    return WIDTHS[width], WIDTHS[width] * aspect


def style_from_config(
    font_size: float = 8, dpi: int = 300, palette: str = "okabe_ito"
) -> dict[str, Any]:
    """rcParams overrides for :func:`figure_style` from the config's ``figures`` section.

    ``font_size`` is the base size in points at print size (titles and axis labels);
    tick labels and legends are one point smaller.

    >>> style_from_config(9, 600)["xtick.labelsize"], style_from_config(9, 600)["savefig.dpi"]
    (8, 600)
    """
    if palette not in PALETTES:
        raise ValueError(f"palette must be one of {', '.join(PALETTES)}; got {palette!r}")
    if font_size - 1 < MIN_FONT:
        raise ValueError(f"font_size must be at least {MIN_FONT + 1:g} pt; got {font_size}")
    small = font_size - 1
    return {
        "font.size": font_size,
        "axes.titlesize": font_size,
        "axes.labelsize": font_size,
        "xtick.labelsize": small,
        "ytick.labelsize": small,
        "legend.fontsize": small,
        "savefig.dpi": dpi,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTES[palette]),
    }


@dataclass(frozen=True)
class Look:
    """How a figure is drawn: its journal ``width`` ("single" or "double", :data:`WIDTHS`)
    and the rcParams overrides ``style`` (:func:`style_from_config`) of :func:`figure_style`.

    >>> look = Look("single")
    >>> look.size(2.0), look.inches
    ((3.5, 2.0), 3.5)
    """

    width: str = "double"
    style: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.width not in WIDTHS:
            raise ValueError(f"width must be one of {', '.join(WIDTHS)}; got {self.width!r}")

    @property
    def inches(self) -> float:
        """The width in inches."""
        return WIDTHS[self.width]

    def size(self, height: float) -> tuple[float, float]:
        """The figure size (inches) at this width and ``height``."""
        return self.inches, height

    def drawing(self) -> contextlib.AbstractContextManager[None]:
        """The context to draw in: :func:`figure_style` with this look's ``style``."""
        return figure_style(self.style)


SINGLE = Look("single")
DOUBLE = Look("double")


def drawn_as(settings: Mapping[str, Any]) -> Look:
    """The look a figure job draws in: ``width`` from the figure's own config entry
    (``settings["figure"]``), ``style`` from the config's shared style.

    >>> look = drawn_as({"figure": {"width": "single"}, "style": {"font_size": 9}})
    >>> look.width, look.style["font.size"]
    ('single', 9)
    """
    return Look(settings["figure"]["width"], style_from_config(**settings["style"]))


@contextlib.contextmanager
def figure_style(overrides: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Draw inside this context to use the shared style (plus any ``overrides``)."""
    with plt.rc_context({**STYLE, **dict(overrides or {})}):
        yield


def text_size(offset: float = 0) -> float:
    """A font size ``offset`` points from the current base size, never under MIN_FONT.

    >>> with figure_style({"font.size": 8}):
    ...     text_size(-1), text_size(-2)
    (7.0, 7.0)
    """
    return max(MIN_FONT, float(plt.rcParams["font.size"]) + offset)


def style_colours() -> list[str]:
    """The categorical colours of the current style."""
    return list(plt.rcParams["axes.prop_cycle"].by_key()["color"])


def smallest_font(fig: plt.Figure) -> float:
    """The smallest font (points) of any visible text of ``fig`` as the journal prints it.

    The figure is drawn at its journal width (its size in inches); saved with a tight
    bounding box, content beyond that width makes the file wider, and the journal
    shrinks it back to the width, and every font with it: the sizes are scaled by
    width / drawn width where the drawn content is wider.

    >>> with figure_style({"font.size": 8}):
    ...     fig, ax = plt.subplots(figsize=size("single"))
    ...     _ = ax.set_title("title"), ax.text(0.5, 0.5, "small", fontsize=text_size(-1))
    >>> smallest_font(fig)
    7.0
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer).width
    scale = min(1.0, float(fig.get_size_inches()[0]) / drawn) if drawn > 0 else 1.0
    sizes = [text.get_fontsize() for text in fig.findobj(Text) if _shown(text)]
    return round(min(sizes) * scale, 3) if sizes else float("inf")


def _shown(text: Text) -> bool:
    """Whether ``text`` is drawn: it has characters and it and its axes are visible."""
    axes = text.axes
    return bool(
        text.get_visible() and text.get_text().strip() and (axes is None or axes.get_visible())
    )


def save_figure(
    fig: plt.Figure, paths: Sequence[str | Path], style: Mapping[str, Any] | None = None
) -> Bbox:
    """Save ``fig`` to every path (format from the suffix) without timestamps; close it.

    ``style`` (e.g. :func:`style_from_config`) sets the resolution of the PNG. The
    layout is computed once and frozen, its axes positions rounded to 1e-6 of the
    figure, and the tight bounding box computed once for every format (see the
    module's Decisions). Returns that box (inches, before the padding).
    """
    paths = [Path(path) for path in paths]
    for path in paths:
        if path.suffix not in METADATA:
            raise ValueError(f"{path}: figures are written as .pdf, .png or .svg")
    with figure_style(style):
        box = _freeze_layout(fig)
        padded = box.padded(plt.rcParams["savefig.pad_inches"])
        # The PDF and the SVG in a child (about as long as the PNG), where forking is safe.
        aside = [path for path in paths if path.suffix != ".png"] if _may_fork() else []
        if aside:
            with _in_child(lambda: _save(fig, aside, padded), aside):
                _save(fig, [path for path in paths if path not in aside], padded)
        else:
            _save(fig, paths, padded)
    plt.close(fig)
    return box


def _save(fig: plt.Figure, paths: Sequence[Path], box: Bbox) -> None:
    for path in paths:
        if path.suffix == ".png":
            _save_png(fig, path, box)
            continue
        with _lean_font_subsets() if path.suffix == ".pdf" else contextlib.nullcontext():
            fig.savefig(path, metadata=METADATA[path.suffix], bbox_inches=box)


PNG_COMPRESSION = 1
"""zlib level of the PNG files: level 6, matplotlib's, took twice as long for files 5%
smaller."""


def _save_png(fig: plt.Figure, path: Path, box: Bbox) -> None:
    """Save ``fig`` as a PNG of the style's resolution: matplotlib draws the pixels,
    pypng writes them, as RGB where the figure is opaque (every figure of the study).

    matplotlib 3.11 writes every PNG as RGBA at zlib level 6 and takes no option for
    either; encoding an opaque figure's constant alpha channel, at that level, was a
    third of saving the PNG. Pillow (13.0) filters every row of an RGB image
    adaptively, trying the five PNG filters on each, which took 60% of its encoding
    (0.25 s of figure 5) for a file no smaller on these flat-coloured figures; pypng
    writes the rows unfiltered. The pixels are matplotlib's, unchanged (a test compares
    them), and the file carries the resolution and no other metadata (:data:`METADATA`).
    """
    dpi = plt.rcParams["savefig.dpi"]
    pixels = io.BytesIO()
    fig.savefig(pixels, format="rgba", bbox_inches=box)
    width, height = (int(side * dpi) for side in box.size)  # as matplotlib's canvas sizes it
    if pixels.getbuffer().nbytes != width * height * 4:
        raise JobFailed(
            f"saving {path}: matplotlib drew {pixels.getbuffer().nbytes} bytes of pixels, "
            f"not the {width} x {height} RGBA pixels of its bounding box at {dpi} dpi"
        )
    rgba = np.frombuffer(pixels.getbuffer(), dtype=np.uint8).reshape(height, width, 4)
    opaque = bool(rgba[..., 3].min() == 255)  # then the alpha channel says nothing
    rows = (rgba[..., :3] if opaque else rgba).reshape(height, -1)
    per_metre = round(dpi / 0.0254)  # the pHYs chunk's unit, as Pillow writes it
    writer = png.Writer(
        width,
        height,
        greyscale=False,
        alpha=not opaque,
        bitdepth=8,
        compression=PNG_COMPRESSION,
        x_pixels_per_unit=per_metre,
        y_pixels_per_unit=per_metre,
        unit_is_meter=True,
    )
    with open(path, "wb") as file:
        writer.write(file, rows)


# The OpenType layout tables the PDF's embedded fonts need not carry.
LAYOUT_TABLES = ("GPOS", "GSUB")


@contextlib.contextmanager
def _lean_font_subsets() -> Iterator[None]:
    """Inside: fontTools' subsets of a font drop its OpenType layout tables.

    A PDF's Type 42 font is only drawn from by glyph index: its text is already shaped
    and placed (kerning and ligatures applied by matplotlib), and a PDF viewer does not
    shape text with these tables. Subsetting them, DejaVu Sans' kerning most of all,
    was about 0.1 s of every font subset of a PDF. matplotlib 3.11
    (``_backend_pdf_ps.get_glyphs_subset``) takes no subsetting options, so the default
    of fontTools' options (4.68: ``Options._drop_tables_default``, a private class
    attribute) is extended here, and put back after; tests/test_figures_style.py checks
    that fontTools still reads it.
    """
    default = getattr(subset.Options, "_drop_tables_default", None)
    if default is None:  # another fontTools: subset as it does (the test fails)
        yield
        return
    subset.Options._drop_tables_default = [*default, *LAYOUT_TABLES]
    try:
        yield
    finally:
        subset.Options._drop_tables_default = default


def _may_fork() -> bool:
    """Whether this process may fork a child to save a file: on a POSIX system, from a
    process of one thread (a forked job's: :func:`coprod.jobs.run_forked`)."""
    return hasattr(os, "fork") and threading.active_count() == 1


@contextlib.contextmanager
def _in_child(work: Callable[[], None], writes: Sequence[Path]) -> Iterator[None]:
    """Run ``work`` (which ``writes`` those files) in a forked child while the block runs
    here; wait for it at the end and raise if it failed (its traceback went to stderr,
    which a job sends to its log)."""
    sys.stdout.flush()
    sys.stderr.flush()  # nothing buffered is written twice, once by each process
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stderr.flush()
        os._exit(code)
    try:
        yield
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        written = ", ".join(str(path) for path in writes)
        raise JobFailed(f"saving {written} failed in a child process: its traceback is above")


def overflow(fig: plt.Figure) -> float:
    """How far (inches) the drawn content reaches left or right of the figure's canvas.

    Saved with a tight bounding box, such content would make the file wider than the
    journal width it was drawn for (and shrink its text when the journal scales it
    back); :func:`write_figure` logs it and the tests require 0. (Height is free.)
    """
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width = fig.get_size_inches()[0]
    return float(max(0.0, -box.x0, box.x1 - width))


def _freeze_layout(fig: plt.Figure) -> Bbox:
    """Run the layout engine once, then fix every axes at its position, rounded; return
    the figure's tight bounding box (inches, rounded to 1e-4).

    Nothing is drawn: the engine runs, and every axes is placed by its locator (a
    colorbar's, the engine's) as the figure's draw would place it, which is all of a
    draw that the positions depend on; only the saved files are drawn.
    """
    renderer = fig.canvas.get_renderer()
    engine = fig.get_layout_engine()
    if engine is not None and fig.axes:  # as the figure's draw runs it
        engine.execute(fig)
    for ax in fig.axes:
        locator = ax.get_axes_locator()
        ax.apply_aspect(locator(ax, renderer) if locator else None)
    positions = [(ax, np.round(ax.get_position().bounds, 6)) for ax in fig.axes]
    if fig.get_layout_engine() is not None:
        # None, not "none": "none" leaves a placeholder engine, and savefig draws the
        # whole figure once more for any engine.
        with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    for ax, bounds in positions:
        ax.set_axes_locator(None)
        ax.set_position(bounds)
    box = fig.get_tightbbox(renderer)
    return Bbox(np.round(box.get_points(), 4))


def write_figure(figure: plt.Figure, outputs: Mapping[str, str], render: Mapping[str, Any]) -> None:
    """Write a figure job's figure to its ``png``, ``pdf`` and ``svg`` outputs.

    ``render["style"]`` is the config's shared style (``font_size``, ``dpi``,
    ``palette``); content beyond the canvas (:func:`overflow`) is warned of on stderr.
    """
    style = style_from_config(**render["style"])
    width = float(figure.get_size_inches()[0])
    box = save_figure(figure, [outputs[form] for form in ("png", "pdf", "svg")], style)
    beyond = max(0.0, -box.x0, box.x1 - width)
    if beyond > OVERFLOW_TOLERANCE:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
