"""Parts several figures draw: panel titles, grids of cells with masked ones hatched,
estimates with their CIs, and the legend entries that say what a filled marker means.

Decisions
---------
- Masked cells (:func:`coprod.exhibits.protection.suppress_small_cells`) are drawn hatched and
  labelled in a legend; primary and secondary suppression look the same, so the
  figure does not point at the small cell.
- Significance (an adjusted p under ``alpha``) is shown by a filled marker, a
  non-significant estimate by an open one, so the mark survives greyscale print.

Example
-------
>>> is_significant(0.01, 0.05), is_significant(float("nan"), 0.05)
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize, to_rgb
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from coprod.exhibits.figures.style import MASKED_FACE, MASKED_HATCH, plt, text_size

HATCH = {
    "facecolor": MASKED_FACE,
    "edgecolor": MASKED_HATCH,
    "hatchcolor": MASKED_HATCH,
    "hatch": "////",
}
"""How a masked cell looks."""
INSET = (0.8, 0.62)
"""Width and height (of the cell's) of the coloured box of an inset cell (:func:`cell_grid`)."""
MUTED = "#444444"
"""The grey of reference lines, counts and legend markers."""


def panel_title(ax: plt.Axes, letter: str | None, text: str, **kwargs: Any) -> None:
    """A panel title, left-aligned, with the panel letter in bold."""
    prefix = f"{letter}   " if letter else ""
    ax.set_title(f"{prefix}{text}", loc="left", fontweight="bold", **kwargs)


def is_significant(p_adj: Any, alpha: float) -> bool:
    """Whether an adjusted p is given and under ``alpha`` (drawn filled)."""
    return bool(pd.notna(p_adj) and p_adj < alpha)


def text_colour(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of this colour.

    >>> text_colour((1.0, 1.0, 0.8)), text_colour((0.1, 0.1, 0.3))
    ('black', 'white')
    """
    r, g, b = to_rgb(rgba)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.45 else "white"


def masked_patch(label: str) -> Patch:
    """The legend entry of masked cells."""
    return Patch(**HATCH, linewidth=0.4, label=label)


def inset_patch(cmap: str, label: str) -> Patch:
    """The legend entry of an inset cell (:func:`cell_grid`'s ``inset``): a white frame."""
    return Patch(
        facecolor=matplotlib.colormaps[cmap](0.6), edgecolor="white", linewidth=2.5, label=label
    )


def cell_grid(
    ax: plt.Axes,
    values: np.ndarray,
    masked: np.ndarray | None = None,
    *,
    cmap: str,
    norm: Normalize,
    fmt: str,
    annotate: np.ndarray | None = None,
    strength: np.ndarray | None = None,
    inset: np.ndarray | None = None,
) -> AxesImage:
    """Draw ``values`` (NaN where empty) cell by cell, each printed; hatch the masked cells
    (none when ``masked`` is None).

    ``annotate`` (same shape, strings) overrides the printed text of visible cells.
    ``strength`` (same shape, 0-1) pales cells towards white: 1 (the default) is the full
    colour, 0 white, so that a cell resting on few observations does not look as sure
    as one resting on many (where white means "no difference", as on a diverging scale).
    ``inset`` (same shape, bool) draws those cells' colour as a smaller box inside a white
    frame (:data:`INSET`): less ink for a cell of few observations where a pale colour
    would read as a low value (a sequential scale).
    """
    if masked is None:
        masked = np.zeros(values.shape, dtype=bool)
    shown = np.where(masked, np.nan, values.astype(float))
    image = ax.imshow(
        np.ma.masked_invalid(shown),
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
    )
    # Every cell's colour at once (the colour map of each cell's value, as the image has it).
    colours = image.get_cmap()(norm(shown))[..., :3]
    # The cells' boxes are two collections (the hatched ones; the paled and framed ones),
    # not a patch each: hundreds of patches were much of the work of saving a grid.
    hatched: list[Rectangle] = []
    boxes: list[Rectangle] = []  # in drawing order: a cell's white frame under its inset
    for (i, j), value in np.ndenumerate(shown):
        if masked[i, j]:
            hatched.append(Rectangle((j - 0.5, i - 0.5), 1, 1))
        elif not np.isnan(value):
            weight = 1.0 if strength is None else float(np.clip(strength[i, j], 0, 1))
            colour = colours[i, j]
            if weight < 1:
                boxes.append(
                    Rectangle(
                        (j - 0.5, i - 0.5), 1, 1, facecolor="white", alpha=1 - weight, linewidth=0
                    )
                )
                colour = weight * colour + (1 - weight)
            if inset is not None and inset[i, j]:
                boxes.append(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", linewidth=0))
                boxes.append(
                    Rectangle(
                        (j - INSET[0] / 2, i - INSET[1] / 2), *INSET, facecolor=colour, linewidth=0
                    )
                )
            text = annotate[i, j] if annotate is not None else format(value, fmt)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=text_size(-1),
                color=text_colour(colour),
                in_layout=False,  # inside its cell: the layout need not measure it
            )
    if hatched:
        ax.add_collection(PatchCollection(hatched, **HATCH, linewidth=0), autolim=False)
    if boxes:
        ax.add_collection(PatchCollection(boxes, match_original=True), autolim=False)
    ax.set_xlim(-0.5, values.shape[1] - 0.5)
    ax.set_ylim(values.shape[0] - 0.5, -0.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


def estimate_with_ci(
    ax: plt.Axes,
    row: Mapping[str, Any],
    y: float,
    *,
    colour: str,
    marker: str,
    filled: bool,
    size: float,
    line_width: float,
    edge_width: float,
) -> None:
    """An estimate's CI as a line and the estimate as a marker, filled if ``filled``."""
    ax.plot([row["ci_low"], row["ci_high"]], [y, y], color=colour, linewidth=line_width)
    ax.plot(
        row["estimate"],
        y,
        marker=marker,
        markersize=size,
        color=colour,
        markerfacecolor=colour if filled else "white",
        markeredgewidth=edge_width,
        linestyle="none",
    )


def significance_handles(alpha: float, size: float) -> list[Line2D]:
    """Legend entries of a filled (adjusted p under ``alpha``) and an open marker."""
    return [
        Line2D(
            [],
            [],
            marker="o",
            color=MUTED,
            markerfacecolor=face,
            linestyle="none",
            markersize=size,
            label=f"adjusted p {sign} {alpha:g}",
        )
        for face, sign in ((MUTED, "<"), ("white", "≥"))
    ]


def n_heading(ax: plt.Axes, x: float, transform: Any, offset: float) -> None:
    """The italic "n" heading a column of counts drawn at ``x`` (in ``transform``) right of
    the first row, in the base font size plus ``offset``."""
    ax.text(
        x,
        -0.9,
        "n",
        transform=transform,
        ha="left",
        va="bottom",
        fontsize=text_size(offset),
        style="italic",
    )
