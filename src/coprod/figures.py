"""The paper's figures: one shared style, byte-identical files, one function per figure.

Every figure is drawn with matplotlib in one style (fonts, sizes for a one- or
two-column journal width, a colour-blind-safe palette) and saved as PDF, PNG
and SVG with their timestamps and software tags removed, so that two runs on
the same machine write identical bytes.

The figure functions take tidy frames (the Parquet tables of ``results/``) and
label mappings (from the codebook and the registries, in the order to draw) and
return a :class:`matplotlib.figure.Figure`; they compute nothing beyond reshaping,
except the small-cell masking of :mod:`coprod.disclosure`, which they apply
themselves so that no figure can show a cell under the minimum size.

=========================  ===========================================================
figure                     function
=========================  ===========================================================
1 barrier items            :func:`likert_distribution` + :func:`diverging_bars`
2 barrier heatmap          :func:`heatmap_cells` (its data) + :func:`barrier_heatmap`
3 contrast forest plot     :func:`contrast_forest`
4 risk matrix              :func:`risk_matrix`
5 focus-group codes        :func:`focus_group_codes`
6 staff factor             :func:`coefficient_plot`
7 data-quality flow        :func:`flow_diagram`
=========================  ===========================================================

Decisions
---------
- Text is never smaller than :data:`MIN_FONT` (6 pt) at print size; tick labels
  and legends are one point under the base size, cell annotations two.
- Masked cells (:func:`coprod.disclosure.suppress_small_cells`) are drawn hatched
  and labelled in a legend; primary and secondary suppression look the same, so
  the figure does not point at the small cell.
- Significance (an adjusted p under ``alpha``) is shown by a filled marker, a
  non-significant estimate by an open one, so the mark survives greyscale print.

Example
-------
>>> import matplotlib.pyplot as plt
>>> with figure_style():
...     fig, ax = plt.subplots(figsize=size("single", 0.6))
...     _ = ax.plot([0, 1], [0, 1], color=PALETTE[0])
>>> import tempfile
>>> save_figure(fig, [Path(tempfile.mkdtemp()) / "example.png"])
"""

from __future__ import annotations

import contextlib
import itertools
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker, transforms  # noqa: E402
from matplotlib.colors import Normalize, TwoSlopeNorm, to_rgb  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle  # noqa: E402

from coprod.exhibits.protection import suppress_small_cells  # noqa: E402

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
# Categorical palettes the config may name (figures.palette); all colour-blind safe.
PALETTES = {
    "okabe_ito": PALETTE,
    # Paul Tol's "bright" scheme (https://personal.sron.nl/~pault/).
    "tol_bright": ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"),
}
NEUTRAL = "#BDBDBD"
MISSING = "#FFFFFF"
MASKED_FACE = "#F2F2F2"
MASKED_HATCH = "#9E9E9E"
# Journal widths in inches: one column (89 mm) and two columns (183 mm).
WIDTHS = {"single": 3.5, "double": 7.2}
MIN_FONT = 6.0
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h")

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
    "svg.fonttype": "none",
    "svg.hashsalt": "coprod",  # fixed ids in SVG files
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}
# Metadata that would otherwise carry the date or the software version into the file.
METADATA = {
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    ".svg": {"Date": None, "Creator": None},
    ".png": {"Software": None},
}
# Pipeline columns whose levels are ids of a registry (whose `label` names them).
LEVEL_REGISTRIES = {
    "case": "cases",
    "group_id": "stakeholder_groups",
    "speaker_group": "stakeholder_groups",
    "service_id": "services",
    "service_class": "service_classes",
}


def size(width: str = "single", aspect: float = 0.62) -> tuple[float, float]:
    """Figure size for a journal width ("single" or "double") and height/width ratio."""
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {', '.join(WIDTHS)}; got {width!r}")
    return WIDTHS[width], WIDTHS[width] * aspect


def style_from_config(
    font_size: float = 8, dpi: int = 300, palette: str = "okabe_ito"
) -> dict[str, Any]:
    """rcParams overrides for :func:`figure_style` from the config's ``figures`` section.

    ``font_size`` is the base size in points at print size (titles and axis labels);
    tick labels and legends are one point smaller.

    Examples
    --------
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


@contextlib.contextmanager
def figure_style(overrides: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Draw inside this context to use the shared style (plus any ``overrides``)."""
    with plt.rc_context({**STYLE, **dict(overrides or {})}):
        yield


def save_figure(
    fig: plt.Figure, paths: Sequence[str | Path], style: Mapping[str, Any] | None = None
) -> None:
    """Save ``fig`` to every path (format from the suffix) without timestamps; close it.

    ``style`` (e.g. :func:`style_from_config`) sets the resolution of the PNG. The
    layout is computed once and frozen, its axes positions rounded to 1e-6 of the
    figure: the constrained-layout solver's last digits vary between processes, and
    SVG clip-path ids hash them.
    """
    with figure_style(style):
        _freeze_layout(fig)
        for path in map(Path, paths):
            if path.suffix not in METADATA:
                raise ValueError(f"{path}: figures are written as .pdf, .png or .svg")
            fig.savefig(path, metadata=METADATA[path.suffix])
    plt.close(fig)


def overflow(fig: plt.Figure) -> float:
    """How far (inches) the drawn content reaches left or right of the figure's canvas.

    Saved with a tight bounding box, such content would make the file wider than the
    journal width it was drawn for (and shrink its text when the journal scales it
    back); the scripts log it and the tests require 0. (Height is free.)
    """
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width = fig.get_size_inches()[0]
    return float(max(0.0, -box.x0, box.x1 - width))


def _freeze_layout(fig: plt.Figure) -> None:
    """Run the layout engine once, then fix every axes at its position, rounded."""
    fig.canvas.draw()
    positions = [(ax, np.round(ax.get_position().bounds, 6)) for ax in fig.axes]
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    for ax, bounds in positions:
        ax.set_axes_locator(None)
        ax.set_position(bounds)


def has_level_labels(registries: Mapping[str, pd.DataFrame], column: str) -> bool:
    """Whether :func:`level_labels` labels ``column``: a registry's id, or a case attribute."""
    cases = registries.get("cases")
    return column in LEVEL_REGISTRIES or (cases is not None and column in cases.columns)


def level_labels(registries: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    """Labels of the levels of a design column, in registry order (``{id: label}``).

    The column's registry comes from :data:`LEVEL_REGISTRIES`; levels are strings, as
    in the ``group`` column of the comparison tables. A case attribute (a column of the
    case registry, such as a region) has no labels of its own: its values, in the order
    the registry first lists them, with underscores as spaces and a capital first letter.

    Examples
    --------
    >>> cases = pd.DataFrame({"label": ["A", "B"], "region": ["region_2", "region_1"]})
    >>> level_labels({"cases": cases}, "region")
    {'region_2': 'Region 2', 'region_1': 'Region 1'}
    """
    cases = registries.get("cases")
    if column not in LEVEL_REGISTRIES and cases is not None and column in cases.columns:
        values = dict.fromkeys(str(value) for value in cases[column])
        return {value: value.replace("_", " ").capitalize() for value in values}
    if column not in LEVEL_REGISTRIES:
        raise ValueError(
            f"no registry labels the levels of {column!r}; known: "
            f"{', '.join(LEVEL_REGISTRIES)} and the case registry's columns"
        )
    registry = registries[LEVEL_REGISTRIES[column]]
    return {str(key): str(label) for key, label in registry["label"].items()}


def likert_item_labels(codebook: Any, items: Sequence[str]) -> dict[str, str]:
    """Short labels of scale items: construct label, item number, "(R)" if reverse-keyed.

    The item number is the item's position in its scale (codebook order), e.g.
    ``"Professional resistance 3 (R)"``.
    """
    labels = {}
    for item in items:
        spec = codebook.items.loc[item]
        score = spec["score"]
        number = codebook.scale_items(score).index(item) + 1
        construct = codebook.constructs.loc[spec["construct"], "label"]
        labels[item] = f"{construct} {number}" + (" (R)" if bool(spec["reverse"]) else "")
    return labels


def _fs(offset: float = 0) -> float:
    """A font size ``offset`` points from the current base size, never under MIN_FONT."""
    return max(MIN_FONT, float(plt.rcParams["font.size"]) + offset)


def style_colours() -> list[str]:
    """The categorical colours of the current style."""
    return list(plt.rcParams["axes.prop_cycle"].by_key()["color"])


def panel_title(ax: plt.Axes, letter: str | None, text: str, **kwargs: Any) -> None:
    """A panel title, left-aligned, with the panel letter in bold."""
    prefix = f"{letter}   " if letter else ""
    ax.set_title(f"{prefix}{text}", loc="left", fontweight="bold", **kwargs)


def _text_colour(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of this colour."""
    r, g, b = to_rgb(rgba)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.45 else "white"


def _masked_patch(label: str) -> Patch:
    return Patch(
        facecolor=MASKED_FACE,
        edgecolor=MASKED_HATCH,
        hatchcolor=MASKED_HATCH,
        hatch="////",
        linewidth=0.4,
        label=label,
    )


def _heatmap(
    ax: plt.Axes,
    values: np.ndarray,
    masked: np.ndarray,
    *,
    cmap: str,
    norm: Normalize,
    fmt: str,
    annotate: np.ndarray | None = None,
) -> matplotlib.image.AxesImage:
    """Draw ``values`` (NaN where masked or empty) cell by cell; hatch the masked cells.

    ``annotate`` (same shape, strings) overrides the printed text of visible cells.
    """
    shown = np.where(masked, np.nan, values.astype(float))
    image = ax.imshow(
        np.ma.masked_invalid(shown),
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
    )
    colormap = image.get_cmap()
    for (i, j), value in np.ndenumerate(shown):
        if masked[i, j]:
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    facecolor=MASKED_FACE,
                    edgecolor=MASKED_HATCH,
                    hatchcolor=MASKED_HATCH,
                    hatch="////",
                    linewidth=0,
                )
            )
        elif not np.isnan(value):
            text = annotate[i, j] if annotate is not None else format(value, fmt)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=_fs(-2),
                color=_text_colour(colormap(norm(value))),
            )
    ax.set_xlim(-0.5, values.shape[1] - 0.5)
    ax.set_ylim(values.shape[0] - 0.5, -0.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


def likert_distribution(
    responses: pd.DataFrame,
    items: Sequence[str],
    valid_codes: Sequence[int],
    missing_codes: Sequence[int],
    by: str,
) -> pd.DataFrame:
    """Answers to Likert items per level of ``by``: counts and shares of each valid code.

    Returns one row per item and level of ``by`` with ``n`` (valid answers), a
    ``share_<code>`` column per valid code (of the valid answers), ``n_missing_code``
    (answers such as "don't know") and ``share_missing_code`` (of all answers given).
    """
    rows = []
    levels = (
        responses[by].cat.categories
        if hasattr(responses[by], "cat")
        else sorted(responses[by].dropna().unique())
    )
    for item in items:
        for level in levels:
            answers = responses.loc[responses[by] == level, item].dropna().astype("int64")
            valid = answers[answers.isin(valid_codes)]
            n_missing = int(answers.isin(missing_codes).sum())
            row = {"item": item, by: level, "n": len(valid), "n_missing_code": n_missing}
            for code in valid_codes:
                row[f"share_{code}"] = (valid == code).mean() if len(valid) else np.nan
            row["share_missing_code"] = n_missing / len(answers) if len(answers) else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def diverging_bars(
    distribution: pd.DataFrame,
    *,
    by: str,
    panel_labels: Mapping[str, str],
    item_labels: Mapping[str, str],
    code_labels: Mapping[int, str],
    missing_label: str,
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Diverging stacked bars of Likert items, one panel per level of ``by``.

    The neutral (middle) category is centred on zero, disagreement to the left,
    agreement to the right; items are sorted by agreement pooled over panels; n
    is printed beside each bar; the missing code ("don't know") is drawn apart at
    the right; every panel has the same x-range so that panels compare. ``style``:
    rcParams overrides (:func:`style_from_config`).
    """
    codes = list(code_labels)
    middle = len(codes) // 2
    shares = distribution[[f"share_{c}" for c in codes]].to_numpy(dtype=float)
    agree = shares[:, middle + 1 :].sum(axis=1)
    order = (
        distribution.assign(_agree=agree * distribution["n"], _n=distribution["n"])
        .groupby("item", sort=False)[["_agree", "_n"]]
        .sum()
    )
    order = (order["_agree"] / order["_n"]).sort_values().index.tolist()
    panels = list(panel_labels)
    colours = _diverging_colours(len(codes))
    height = max(2.0, 0.15 * len(order) + 1.1)
    with figure_style(style):
        fig, axes = plt.subplots(
            1,
            len(panels) + 1,
            figsize=(WIDTHS[width], height),
            sharey=True,
            gridspec_kw={"width_ratios": [4] * len(panels) + [1]},
        )
        for ax, panel in zip(axes[:-1], panels, strict=True):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            values = part[[f"share_{c}" for c in codes]].to_numpy(dtype=float) * 100
            left = -values[:, :middle].sum(axis=1) - values[:, middle] / 2
            y = np.arange(len(order))
            for j, code in enumerate(codes):
                ax.barh(
                    y,
                    values[:, j],
                    left=left,
                    color=colours[j],
                    height=0.75,
                    label=code_labels[code],
                    linewidth=0,
                )
                left = left + values[:, j]
            for yi, n in zip(y, part["n"], strict=True):
                ax.text(102, yi, f"{n}", va="center", ha="left", fontsize=_fs(-2), color="#444444")
            ax.axvline(0, color="#444444", linewidth=0.5)
            ax.set_xlim(-100, 100)
            ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
            ax.set_xlabel("% of valid answers")
            ax.set_title(f"{panel_labels[panel]} (n at right)")
        missing_ax = axes[-1]
        for k, panel in enumerate(panels):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            offset = ((len(panels) - 1) / 2 - k) * 0.35  # first panel on top, as in the legend
            missing_ax.barh(
                np.arange(len(order)) + offset,
                part["share_missing_code"] * 100,
                height=0.33,
                color=style_colours()[k % len(style_colours())],
                label=panel_labels[panel],
                linewidth=0,
            )
        missing_ax.set_title(missing_label)
        missing_ax.set_xlabel("% of answers")
        missing_ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09 * 30 / len(order)),
            fontsize=_fs(-2),
            handlelength=1,
        )
        axes[0].set_yticks(np.arange(len(order)), [item_labels[i] for i in order])
        axes[0].tick_params(axis="y", length=0)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=len(codes),
            bbox_to_anchor=(0.5, 1.0),
            fontsize=_fs(-2),
        )
        fig.tight_layout(w_pad=3.0)
    return fig


def _diverging_colours(k: int) -> list:
    """k colours from ColorBrewer's colour-blind-safe PuOr scheme, neutral grey in the middle."""
    cmap = matplotlib.colormaps["PuOr"]
    colours = [cmap(x) for x in np.linspace(0.1, 0.9, k)][::-1]
    if k % 2:
        colours[k // 2] = NEUTRAL
    return colours


# --------------------------------------------------------------------------- figure 2


def heatmap_cells(
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    split: Sequence[str],
    within: str,
) -> pd.DataFrame:
    """The data of the barrier heatmap: mean scores within every cell of a breakdown.

    For every combination of the levels of the ``split`` columns (e.g. service class
    and case, in category order, unobserved combinations kept with n = 0), the
    scores are described with :func:`coprod.compare.describe` pooled and per level
    of ``within`` (e.g. stakeholder group): the same means as the paper's tables.

    Returns
    -------
    pandas.DataFrame
        One row per split combination, outcome and ``group`` (``"all"`` or a level of
        ``within``): the ``split`` columns, ``outcome``, ``outcome_label``, ``group``,
        ``estimate`` (the mean), ``ci_low``, ``ci_high``, ``n`` (answers) and
        ``respondents`` (responses in the cell, answered or not).
    """
    from coprod.analyses.describe import describe
    from coprod.analyses.records import column_levels as _levels
    from coprod.vocabulary import POOLED

    levels = [_levels(scores[column]) for column in split]
    parts = []
    for combination in itertools.product(*levels):
        keep = np.ones(len(scores), dtype=bool)
        for column, level in zip(split, combination, strict=True):
            keep &= (scores[column] == level).fillna(False).to_numpy()
        subset = scores[keep]
        part = describe(subset, outcomes, catalogue, by=[within], analysis="heatmap_cell")
        counts = subset[within].astype("object").value_counts()
        part["respondents"] = [
            len(subset) if group == POOLED else int(counts.get(group, 0)) for group in part["group"]
        ]
        for column, level in zip(split, combination, strict=True):
            part[column] = str(level)
        parts.append(part)
    columns = [*split, "outcome", "outcome_label", "group"]
    columns += ["estimate", "ci_low", "ci_high", "n", "respondents"]
    return pd.concat(parts, ignore_index=True)[columns]


def _wide_counts(
    cells: pd.DataFrame,
    keys: Sequence[str],
    groups: Sequence[str],
    count: str,
    value: str | None,
) -> pd.DataFrame:
    """One row per combination of ``keys``: ``n|<group>`` (and ``v|<group>``) columns."""
    wide = cells.pivot_table(
        index=list(keys),
        columns="group",
        values=[count] + ([value] if value else []),
        aggfunc="first",
        observed=False,
        dropna=False,
    )
    out = pd.DataFrame(index=wide.index)
    for group in groups:
        out[f"n|{group}"] = (
            wide[(count, group)].fillna(0).astype(int) if ((count, group) in wide.columns) else 0
        )
        if value:
            out[f"v|{group}"] = wide[(value, group)] if (value, group) in wide.columns else np.nan
    return out.reset_index()


def barrier_heatmap(
    cells: pd.DataFrame,
    *,
    row: str,
    panel: str | None,
    outcome_labels: Mapping[str, str],
    row_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
    panel_labels: Mapping[str, str] | None = None,
    min_cell: int = 5,
    pooled: str = "all",
    pooled_label: str = "All",
    limits: tuple[float, float] | None = None,
    scale: tuple[float, float] | None = None,
    colorbar_label: str = "Mean score",
    cmap: str = "cividis",
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Heatmap of mean scores: outcomes across, row levels x groups down, one panel per level.

    Rows come in blocks, one per level of ``row`` (e.g. case): the pooled row
    (``pooled``, labelled with the level's label) and one row per group of
    ``group_labels`` (e.g. stakeholder groups). Columns are the outcomes of
    ``outcome_labels`` in that order; a narrow column at the right of each panel gives
    the responses in the cell. Cells are masked with
    :func:`coprod.disclosure.suppress_small_cells` (``min_cell``): the groups' answer
    counts of each block with the pooled count as the visible row total, and the
    column totals over the blocks of a panel, for every outcome; the responses column
    likewise. Masked cells are NaN in the drawn image and hatched.

    The colour scale runs over ``limits``; by default over the range of the shown
    means, widened to multiples of 0.5 and kept within ``scale`` (the response
    scale's ends), so that differences of a tenth stay visible; the colour bar shows
    the range.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`heatmap_cells`: ``outcome``, ``group``, ``estimate``, ``n``,
        ``respondents`` and the ``row`` and ``panel`` columns (levels as strings).
    """
    groups = list(group_labels)
    outcomes = list(outcome_labels)
    rows = list(row_labels)
    panels = list(panel_labels) if panel else [None]
    cells = cells[cells["outcome"].isin(outcomes)].copy()
    if panel is None:
        cells["_panel"] = "_"
        panel_key, panels = "_panel", ["_"]
    else:
        panel_key = panel
    for column in (row, panel_key):
        cells[column] = cells[column].astype(str)

    # The means: counts per group with the pooled count as the visible row total.
    keys = ["outcome", panel_key, row]
    means = _wide_counts(cells, keys, groups, "n", "estimate")
    pooled_means = _wide_counts(cells, keys, [pooled], "n", "estimate")
    masked_groups = suppress_small_cells(
        means,
        [f"n|{g}" for g in groups],
        min_cell,
        derived={f"n|{g}": [f"v|{g}"] for g in groups},
        by=["outcome", panel_key],
    )
    masked_pooled = suppress_small_cells(
        pooled_means,
        [f"n|{pooled}"],
        min_cell,
        derived={f"n|{pooled}": [f"v|{pooled}"]},
        secondary="columns",
        by=["outcome", panel_key],
    )
    # The responses per cell (one per block, the same for every outcome).
    first = cells[cells["outcome"] == outcomes[0]]
    people = _wide_counts(first, [panel_key, row], groups, "respondents", None)
    people_pooled = _wide_counts(first, [panel_key, row], [pooled], "respondents", None)
    masked_people = suppress_small_cells(
        people, [f"n|{g}" for g in groups], min_cell, by=[panel_key]
    )
    masked_people_pooled = suppress_small_cells(
        people_pooled, [f"n|{pooled}"], min_cell, secondary="columns", by=[panel_key]
    )

    def lookup(frame: pd.DataFrame, index_keys: Sequence[str]) -> pd.DataFrame:
        return frame.set_index(list(index_keys))

    value_frame = lookup(
        pd.concat(
            [
                means[keys],
                masked_groups.table.drop(columns=keys),
                masked_pooled.table.drop(columns=keys),
            ],
            axis=1,
        ),
        keys,
    )
    mask_frame = lookup(
        pd.concat([means[keys], masked_groups.suppressed, masked_pooled.suppressed], axis=1), keys
    )
    people_keys = [panel_key, row]
    people_values = lookup(
        pd.concat(
            [
                people[people_keys],
                masked_people.table.drop(columns=people_keys),
                masked_people_pooled.table.drop(columns=people_keys),
            ],
            axis=1,
        ),
        people_keys,
    )
    people_mask = lookup(
        pd.concat(
            [people[people_keys], masked_people.suppressed, masked_people_pooled.suppressed], axis=1
        ),
        people_keys,
    )

    block = [pooled, *groups]
    n_rows = len(rows) * len(block)
    if limits is None:
        shown = value_frame[[f"v|{g}" for g in block]].astype("Float64")
        shown = shown.to_numpy(dtype=float, na_value=np.nan)
        if np.isfinite(shown).any():
            limits = (
                float(np.floor(np.nanmin(shown) * 2) / 2),
                float(np.ceil(np.nanmax(shown) * 2) / 2),
            )
            if limits[0] == limits[1]:
                limits = (limits[0] - 0.5, limits[1] + 0.5)
        else:
            limits = scale or (0.0, 1.0)
        if scale is not None:
            limits = (max(limits[0], scale[0]), min(limits[1], scale[1]))
    norm = Normalize(*limits)
    with figure_style(style):
        height = 0.15 * n_rows + 1.9
        fig, axes = plt.subplots(
            1,
            len(panels),
            figsize=(WIDTHS[width], height),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        axes = axes[0]
        image = None
        for p, (ax, level) in enumerate(zip(axes, panels, strict=True)):
            values = np.full((n_rows, len(outcomes)), np.nan)
            masked = np.zeros((n_rows, len(outcomes)), dtype=bool)
            for r, row_level in enumerate(rows):
                for g, group in enumerate(block):
                    i = r * len(block) + g
                    for j, outcome in enumerate(outcomes):
                        key = (outcome, level, row_level)
                        if key not in value_frame.index:
                            continue
                        value = value_frame.loc[key, f"v|{group}"]
                        values[i, j] = np.nan if pd.isna(value) else float(value)
                        masked[i, j] = bool(mask_frame.loc[key, f"n|{group}"])
            image = _heatmap(ax, values, masked, cmap=cmap, norm=norm, fmt=".1f")
            # Responses per cell, just right of the panel.
            at_right = transforms.offset_copy(
                transforms.blended_transform_factory(ax.transAxes, ax.transData),
                fig=fig,
                x=3,
                units="points",
            )
            ax.text(
                1,
                -0.9,
                "n",
                transform=at_right,
                ha="left",
                va="bottom",
                fontsize=_fs(-2),
                style="italic",
            )
            for r, row_level in enumerate(rows):
                for g, group in enumerate(block):
                    i = r * len(block) + g
                    key = (level, row_level)
                    shown = "–"
                    if key in people_values.index and not people_mask.loc[key, f"n|{group}"]:
                        shown = f"{int(people_values.loc[key, f'n|{group}'])}"
                    ax.text(
                        1,
                        i,
                        shown,
                        transform=at_right,
                        ha="left",
                        va="center",
                        fontsize=_fs(-2),
                        color="#444444",
                        fontweight="bold" if g == 0 else "normal",
                    )
            for r in range(1, len(rows)):
                ax.axhline(r * len(block) - 0.5, color="white", linewidth=2.5)
            ax.set_xticks(
                range(len(outcomes)),
                [outcome_labels[o] for o in outcomes],
                rotation=45,
                ha="right",
                rotation_mode="anchor",
            )
            if panel is not None:
                letter = "abcdefghijklmnopqrstuvwxyz"[p] if len(panels) > 1 else None
                panel_title(ax, letter, panel_labels[level], pad=8)
        labels = []
        for row_level in rows:
            labels += [row_labels[row_level], *(group_labels[g] for g in groups)]
        axes[0].set_yticks(range(n_rows), labels)
        for k, tick in enumerate(axes[0].get_yticklabels()):
            if k % len(block) == 0:
                tick.set_fontweight("bold")
        colorbar = fig.colorbar(
            image, ax=list(axes), location="bottom", shrink=0.45, aspect=30, pad=0.02
        )
        colorbar.set_label(colorbar_label)
        colorbar.outline.set_linewidth(0.4)
        fig.legend(
            handles=[_masked_patch(f"masked: n < {min_cell}, or would reveal one")],
            loc="outside lower right",
            handlelength=1.4,
            handleheight=1.0,
        )
    return fig


# --------------------------------------------------------------------------- figure 3


def contrast_forest(
    effects: pd.DataFrame,
    *,
    sections: Sequence[tuple[str, Sequence[str]]],
    outcome_labels: Mapping[str, str],
    effect_labels: Mapping[str, str],
    level_labels: tuple[str, str],
    alpha: float = 0.05,
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Forest plot of a two-level contrast: one column per effect size, outcomes in sections.

    Parameters
    ----------
    effects : pandas.DataFrame
        Rows of a contrast table (``results/compare/<contrast>.parquet``): ``outcome``,
        ``effect``, ``estimate``, ``ci_low``, ``ci_high``, ``p_adj``, ``correction``, ``n``.
    sections : sequence of (title, outcome ids)
        Blocks of rows, drawn top to bottom with their titles.
    outcome_labels : mapping
        Outcome id -> row label.
    effect_labels : mapping
        Effect name (the ``effect`` column) -> axis label, one panel each, in order.
    level_labels : (str, str)
        Labels of the two levels x and y (positive effects: x higher).
    alpha : float
        Estimates with an adjusted p under this are drawn filled.
    """
    effect_names = list(effect_labels)
    y_labels: list[str] = []
    y_outcome: list[str | None] = []
    for title, outcomes in sections:
        y_labels.append(title)
        y_outcome.append(None)
        for outcome in outcomes:
            y_labels.append(outcome_labels[outcome])
            y_outcome.append(outcome)
    n_rows = len(y_labels)
    table = effects.set_index(["outcome", "effect"])
    corrections = {}
    with figure_style(style):
        colours = style_colours()
        fig, axes = plt.subplots(
            1,
            len(effect_names),
            figsize=(WIDTHS[width], 0.13 * n_rows + 1.3),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        axes = axes[0]
        for k, (ax, effect) in enumerate(zip(axes, effect_names, strict=True)):
            colour = colours[k % len(colours)]
            extent = 0.0
            for y, outcome in enumerate(y_outcome):
                if outcome is None or (outcome, effect) not in table.index:
                    continue
                row = table.loc[(outcome, effect)]
                if pd.isna(row["estimate"]):
                    continue
                corrections.setdefault(effect, str(row["correction"]))
                significant = bool(row["p_adj"] < alpha) if pd.notna(row["p_adj"]) else False
                ax.plot([row["ci_low"], row["ci_high"]], [y, y], color=colour, linewidth=1.0)
                ax.plot(
                    row["estimate"],
                    y,
                    marker=MARKERS[k % len(MARKERS)],
                    markersize=4,
                    color=colour,
                    markerfacecolor=colour if significant else "white",
                    markeredgewidth=0.9,
                    linestyle="none",
                )
                extent = max(extent, abs(row["ci_low"]), abs(row["ci_high"]))
            limit = np.ceil(extent * 1.15 * 10) / 10 if extent else 1.0
            ax.set_xlim(-limit, limit)
            ax.xaxis.set_major_locator(
                ticker.MaxNLocator(nbins=5, symmetric=True, steps=[1, 2, 2.5, 5, 10])
            )
            ax.axvline(0, color="#444444", linewidth=0.6, zorder=0)
            for y, outcome in enumerate(y_outcome):
                if outcome is None:
                    ax.axhspan(y - 0.5, y + 0.5, color="#EFEFEF", linewidth=0, zorder=-1)
            # A section without this effect (e.g. Hedges' g of a yes/no score): say so.
            start = 0
            for _section, outcomes in sections:
                rows_here = range(start + 1, start + 1 + len(outcomes))
                if outcomes and not any(
                    (o, effect) in table.index and pd.notna(table.loc[(o, effect), "estimate"])
                    for o in outcomes
                ):
                    ax.text(
                        0,
                        (rows_here[0] + rows_here[-1]) / 2,
                        "not estimated",
                        ha="center",
                        va="center",
                        fontsize=_fs(-1),
                        color="#757575",
                        style="italic",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
                    )
                start += 1 + len(outcomes)
            ax.set_xlabel(effect_labels[effect])
            ax.grid(axis="x", color="#E0E0E0", linewidth=0.4)
            ax.set_axisbelow(True)
        # n at the right of the last panel.
        last = axes[-1]
        primary = effect_names[0]
        transform = transforms.blended_transform_factory(last.transAxes, last.transData)
        last.text(
            1.03,
            -0.9,
            "n",
            transform=transform,
            ha="left",
            va="bottom",
            fontsize=_fs(-1),
            style="italic",
        )
        for y, outcome in enumerate(y_outcome):
            if outcome is None or (outcome, primary) not in table.index:
                continue
            last.text(
                1.03,
                y,
                f"{int(table.loc[(outcome, primary), 'n'])}",
                transform=transform,
                ha="left",
                va="center",
                fontsize=_fs(-1),
                color="#444444",
            )
        axes[0].set_yticks(range(n_rows), y_labels)
        axes[0].set_ylim(n_rows - 0.5, -0.5)
        axes[0].tick_params(axis="y", length=0)
        for tick, outcome in zip(axes[0].get_yticklabels(), y_outcome, strict=True):
            if outcome is None:
                tick.set_fontweight("bold")
        adjusted = "; ".join(
            f"{effect_labels[e].split(' (')[0]}, {c}" for e, c in corrections.items()
        )
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                color="#444444",
                markerfacecolor="#444444",
                linestyle="none",
                markersize=4,
                label=f"adjusted p < {alpha:g}",
            ),
            Line2D(
                [],
                [],
                marker="o",
                color="#444444",
                markerfacecolor="white",
                linestyle="none",
                markersize=4,
                label=f"adjusted p ≥ {alpha:g}",
            ),
            Line2D([], [], color="#444444", label="95% CI"),
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=3,
            title=(
                f"Positive values: higher in {level_labels[0]} than in {level_labels[1]}.\n"
                f"p adjusted within each family ({adjusted})."
            ),
            title_fontsize=_fs(-1),
        )
    return fig


# --------------------------------------------------------------------------- figure 4


def _overlaps(box: np.ndarray, boxes: Sequence[np.ndarray]) -> bool:
    return any(
        box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
        for other in boxes
    )


def _place_labels(
    ax: plt.Axes,
    anchors: Sequence[tuple[float, float]],
    texts: Sequence[str],
    obstacles: Sequence[tuple[float, float]] = (),
    gap: float = 4.0,
) -> None:
    """Label points without overlaps: the first free spot of a fixed list around each.

    Deterministic and greedy: labels are placed in the given order, each at the first
    of eight directions (at growing distances) where its box overlaps neither a placed
    label nor a point, inside the axes; failing that at the first spot tried.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    points = [ax.transData.transform(p) for p in [*anchors, *obstacles]]
    point_boxes = [np.array([x - 3, y - 3, x + 3, y + 3]) for x, y in points]
    axes_box = ax.get_window_extent(renderer).extents
    placed: list[np.ndarray] = []
    directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    scale = fig.dpi / 72
    for (x, y), text in zip(anchors, texts, strict=True):
        probe = ax.text(0, 0, text, fontsize=_fs(-1))
        box = probe.get_window_extent(renderer)
        probe.remove()
        w, h = box.width, box.height
        px, py = ax.transData.transform((x, y))
        choice = None
        for distance in (gap, gap * 2.5, gap * 4.5):
            for dx, dy in directions:
                d = distance * scale
                left = px + dx * d - (w if dx < 0 else 0 if dx > 0 else w / 2)
                bottom = py + dy * d - (h if dy < 0 else 0 if dy > 0 else h / 2)
                candidate = np.array([left, bottom, left + w, bottom + h])
                inside = (
                    candidate[0] >= axes_box[0]
                    and candidate[2] <= axes_box[2]
                    and candidate[1] >= axes_box[1]
                    and candidate[3] <= axes_box[3]
                )
                if inside and not _overlaps(candidate, placed + point_boxes):
                    choice = candidate
                    break
            if choice is not None:
                break
        if choice is None:
            choice = np.array([px + gap * scale, py - h / 2, px + gap * scale + w, py + h / 2])
        placed.append(choice)
        offset = ((choice[0] - px) / scale, (choice[1] - py) / scale)
        far = np.hypot(offset[0] + w / scale / 2, offset[1] + h / scale / 2) > gap * 4
        ax.annotate(
            text,
            (x, y),
            xytext=offset,
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=_fs(-1),
            color="#222222",
            arrowprops=(
                {
                    "arrowstyle": "-",
                    "color": "#9E9E9E",
                    "linewidth": 0.4,
                    "shrinkA": 1,
                    "shrinkB": 2,
                }
                if far
                else None
            ),
        )


def risk_matrix(
    points: pd.DataFrame,
    *,
    by: str,
    group_labels: Mapping[str, str],
    risk_labels: Mapping[str, str],
    short_labels: Mapping[str, str] | None = None,
    min_cell: int = 5,
    x_label: str = "Experienced (% of respondents answering yes or no)",
    y_label: str = "How well managed (mean, 1-5)",
    reference: tuple[float, str] | None = None,
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Share of respondents who experienced each risk against how well it was managed.

    One marker per risk and level of ``by`` (a colour and marker shape per level),
    with the 95% CI of the mean as a vertical bar; each marker carries the risk's
    short label (by default its id), keyed to the full labels beside the plot.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per risk and level of ``by``: ``risk``, ``by`` (the level),
        ``experienced`` (share, 0-1), ``experienced_count`` (respondents who experienced
        it), ``experienced_n`` (who answered), ``managed`` (mean), ``managed_ci_low``,
        ``managed_ci_high`` and ``managed_n`` (who rated it).
    group_labels : mapping
        Level -> label (colour and marker of each, in order).
    risk_labels : mapping
        Risk id -> label, in order.
    short_labels : mapping, optional
        Risk id -> the short label printed at its markers (default: the id).
    min_cell : int
        Counts under this are masked (:func:`coprod.disclosure.suppress_small_cells`,
        each count across the levels, the pooled count as the visible total): a risk
        whose share or mean is masked in a level is left out there, and named in a note.
    reference : (float, str), optional
        A reference line on the y axis and its label (e.g. the scale's midpoint).
    """
    groups = list(group_labels)
    risks = list(risk_labels)
    short = {r: (short_labels or {}).get(r, str(r)) for r in risks}
    data = points.assign(by=points["by"].astype(str)).set_index(["risk", "by"])

    def hidden(count: str) -> pd.DataFrame:
        wide = pd.DataFrame(index=risks)
        for group in groups:
            wide[group] = [
                int(data.loc[(r, group), count])
                if (r, group) in data.index and pd.notna(data.loc[(r, group), count])
                else 0
                for r in risks
            ]
        return suppress_small_cells(wide, groups, min_cell, secondary="rows").suppressed

    hidden_any = hidden("experienced_count") | hidden("managed_n")
    shown = [
        (r, g)
        for r in risks
        for g in groups
        if (r, g) in data.index
        and not hidden_any.loc[r, g]
        and pd.notna(data.loc[(r, g), "managed"])
    ]
    omitted = [
        f"{short[r]} ({group_labels[g]})"
        for r in risks
        for g in groups
        if (r, g) in data.index and hidden_any.loc[r, g]
    ]
    with figure_style(style):
        colours = style_colours()
        fig, ax = plt.subplots(
            figsize=size(width, 0.5 if width == "double" else 0.95), layout="constrained"
        )
        handles = []
        anchors, texts = [], []
        for k, group in enumerate(groups):
            colour, marker = colours[k % len(colours)], MARKERS[k % len(MARKERS)]
            mine = [(r, g) for r, g in shown if g == group]
            if not mine:
                continue
            rows = data.loc[mine]
            x = 100 * rows["experienced"].to_numpy(dtype=float)
            y = rows["managed"].to_numpy(dtype=float)
            ax.errorbar(
                x,
                y,
                yerr=[
                    y - rows["managed_ci_low"].to_numpy(float),
                    rows["managed_ci_high"].to_numpy(float) - y,
                ],
                fmt="none",
                ecolor=colour,
                elinewidth=0.6,
                alpha=0.35,
                capsize=0,
                zorder=1,
            )
            ax.scatter(
                x,
                y,
                s=18,
                color=colour,
                marker=marker,
                edgecolors="white",
                linewidths=0.4,
                zorder=3,
            )
            answered = rows["experienced_n"].to_numpy(dtype=float)
            low, high = int(np.nanmin(answered)), int(np.nanmax(answered))
            n_text = f"n = {low}–{high}" if low != high else f"n = {low}"
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=marker,
                    color=colour,
                    linestyle="none",
                    markersize=4.5,
                    markeredgecolor="white",
                    markeredgewidth=0.4,
                    label=f"{group_labels[group]} ({n_text})",
                )
            )
            anchors += list(zip(x, y, strict=True))
            texts += [short[r] for r, _ in mine]
        if reference is not None:
            ax.axhline(reference[0], color="#9E9E9E", linewidth=0.5, linestyle="--", zorder=0)
            ax.text(
                0.995,
                reference[0],
                reference[1],
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="bottom",
                fontsize=_fs(-2),
                color="#616161",
            )
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.margins(x=0.06, y=0.08)
        ax.set_xlim(left=0)
        key = [
            Line2D([], [], linestyle="none", label=f"{short[r]}: {risk_labels[r]}")
            for r in risks
            if short[r] != risk_labels[r]
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="|",
                markersize=9,
                color="#9E9E9E",
                linestyle="none",
                label="95% CI of the mean",
            )
        )
        legend = fig.legend(
            handles=handles + ([Line2D([], [], linestyle="none", label=" ")] if key else []) + key,
            loc="outside right upper",
            handlelength=1.0,
            handletextpad=0.4,
        )
        for text in legend.get_texts()[len(handles) :]:
            text.set_fontsize(_fs(-1))
        fig.canvas.draw()
        _place_labels(ax, anchors, texts, gap=2.5)
        if omitted:
            ax.text(
                0.0,
                -0.2,
                f"Not shown (n < {min_cell}): " + "; ".join(omitted),
                transform=ax.transAxes,
                fontsize=_fs(-2),
                ha="left",
                va="top",
            )
    return fig


# --------------------------------------------------------------------------- figure 5


def focus_group_codes(
    prevalence: pd.DataFrame,
    cooccurrence: pd.DataFrame,
    *,
    code_labels: Mapping[str, str],
    code_kinds: Mapping[str, str],
    kind_labels: Mapping[str, str],
    panels: Sequence[tuple[str, str, Mapping[str, str]]],
    row_codes: Sequence[str],
    column_codes: Sequence[str],
    flags: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
    alpha: float = 0.05,
    cmap: str = "cividis",
    diverging_cmap: str = "PuOr_r",
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Focus-group code prevalence per level of some columns, and a co-occurrence matrix.

    Parameters
    ----------
    prevalence : pandas.DataFrame
        ``results/compare/fg_prevalence.parquet``: ``outcome`` (code), ``by``,
        ``group``, ``estimate`` (share of turns), ``count``, ``n`` (turns).
    cooccurrence : pandas.DataFrame
        ``results/compare/fg_cooccurrence.parquet``: ``outcome`` (row code),
        ``code_2`` (column code), ``count_both``, ``lift``, ``p_adj``, ``correction``.
    code_labels, code_kinds : mapping
        Code id -> label and -> kind, in the order to draw (grouped by kind).
    kind_labels : mapping
        Kind -> the heading of its block of rows.
    panels : sequence of (column, title, {level: label})
        One prevalence panel per column (the ``by`` of the table).
    row_codes, column_codes : sequence
        The codes of the co-occurrence matrix's rows and columns.
    flags : mapping, optional
        Code id -> a mark appended to its label (e.g. unreliable coding).
    notes : sequence of str
        Lines printed under the co-occurrence panel (e.g. what the marks mean).
    """
    flags = dict(flags or {})
    codes = list(code_labels)
    kinds = list(dict.fromkeys(code_kinds[c] for c in codes))
    # Rows: a heading row per kind, then its codes.
    rows: list[str | None] = []
    row_text: list[str] = []
    for kind in kinds:
        rows.append(None)
        row_text.append(kind_labels.get(kind, kind))
        for code in codes:
            if code_kinds[code] == kind:
                rows.append(code)
                row_text.append(code_labels[code] + flags.get(code, ""))
    table = prevalence.assign(group=prevalence["group"].astype(str)).set_index(
        ["outcome", "by", "group"]
    )
    shares = [100 * table["estimate"].max()]
    top = float(np.ceil(max(shares) / 5) * 5) if shares else 100.0
    norm = Normalize(0, top)
    pairs = cooccurrence.set_index(["outcome", "code_2"])
    with figure_style(style):
        widths = [len(levels) for _, _, levels in panels] + [len(column_codes)]
        fig = plt.figure(
            figsize=(WIDTHS[width], max(3.4, 0.135 * len(rows) + 1.8)), layout="constrained"
        )
        grid = fig.add_gridspec(
            1, 2, width_ratios=[sum(widths[:-1]) + 4.6, widths[-1] + 3.9], wspace=0.02
        )
        left = grid[0].subgridspec(1, len(panels), width_ratios=widths[:-1], wspace=0.05)
        prevalence_axes = [fig.add_subplot(left[k]) for k in range(len(panels))]
        image = None
        for k, (ax, (column, title, levels)) in enumerate(
            zip(prevalence_axes, panels, strict=True)
        ):
            values = np.full((len(rows), len(levels)), np.nan)
            turns = {}
            for i, code in enumerate(rows):
                for j, level in enumerate(levels):
                    key = (code, column, str(level))
                    if code is not None and key in table.index:
                        values[i, j] = 100 * float(table.loc[key, "estimate"])
                        turns[level] = int(table.loc[key, "n"])
            # Percentages to one decimal under 10, whole from 10: they fit narrow cells.
            text = np.vectorize(
                lambda v: "" if np.isnan(v) else f"{v:.0f}" if v >= 9.95 else f"{v:.1f}",
                otypes=[object],
            )(values)
            image = _heatmap(
                ax,
                values,
                np.zeros(values.shape, dtype=bool),
                cmap=cmap,
                norm=norm,
                fmt=".1f",
                annotate=text,
            )
            ax.set_xticks(
                range(len(levels)),
                [f"{label} ({turns.get(level, 0)})" for level, label in levels.items()],
                rotation=90,
            )
            panel_title(ax, "abcdefgh"[k], title, pad=4)
            if k == 0:
                ax.set_yticks(range(len(rows)), row_text)
                for tick, code in zip(ax.get_yticklabels(), rows, strict=True):
                    if code is None:
                        tick.set_fontweight("bold")
            else:
                ax.set_yticks([])
            for i, code in enumerate(rows):
                if code is None:
                    ax.axhspan(i - 0.5, i + 0.5, color="white", zorder=2)
        colorbar = fig.colorbar(
            image, ax=prevalence_axes, location="bottom", shrink=0.7, aspect=25, pad=0.01
        )
        colorbar.set_label("Turns with the code (%); in brackets: turns")
        colorbar.outline.set_linewidth(0.4)

        right = grid[1].subgridspec(
            2, 1, height_ratios=[len(row_codes) + 7, max(len(rows) - len(row_codes) - 7, 3)]
        )
        ax = fig.add_subplot(right[0])
        lift = np.full((len(row_codes), len(column_codes)), np.nan)
        counts = np.full(lift.shape, "", dtype=object)
        significant = []
        for i, a in enumerate(row_codes):
            for j, b in enumerate(column_codes):
                if (a, b) in pairs.index:
                    pair = pairs.loc[(a, b)]
                    lift[i, j] = float(pair["lift"])
                    counts[i, j] = f"{int(pair['count_both'])}"
                    if pd.notna(pair["p_adj"]) and pair["p_adj"] < alpha:
                        significant.append((i, j))
        finite = lift[np.isfinite(lift) & (lift > 0)]
        # Colours span at most 1/4 to 4 (lift outside is drawn at the ends).
        bound = min(2.0, float(np.ceil(np.abs(np.log2(finite)).max()))) if finite.size else 1.0
        log_lift = np.log2(np.clip(lift, 2.0**-bound, 2.0**bound))
        cnorm = TwoSlopeNorm(0, -bound, bound)
        image2 = _heatmap(
            ax,
            log_lift,
            np.zeros(lift.shape, dtype=bool),
            cmap=diverging_cmap,
            norm=cnorm,
            fmt="",
            annotate=counts,
        )
        for i, j in significant:
            ax.add_patch(
                Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.2)
            )
        ax.set_xticks(
            range(len(column_codes)),
            [code_labels[c] + flags.get(c, "") for c in column_codes],
            rotation=90,
        )
        ax.set_yticks(range(len(row_codes)), [code_labels[c] + flags.get(c, "") for c in row_codes])
        correction = str(cooccurrence["correction"].iloc[0]) if len(cooccurrence) else "adjusted"
        panel_title(ax, "abcdefgh"[len(panels)], "Co-occurrence within turns", pad=4)
        colorbar2 = fig.colorbar(image2, ax=ax, location="bottom", shrink=0.9, aspect=20, pad=0.02)
        ticks = np.arange(-bound, bound + 1)
        tick_labels = [f"{2.0**t:g}" for t in ticks]
        if (lift[np.isfinite(lift)] < 2.0**-bound).any():
            tick_labels[0] = "≤" + tick_labels[0]
        if (lift[np.isfinite(lift)] > 2.0**bound).any():
            tick_labels[-1] = "≥" + tick_labels[-1]
        colorbar2.set_ticks(ticks, labels=tick_labels)
        colorbar2.set_label(
            "Lift: turns with both codes,\nobserved / expected\n(numbers: observed turns)"
        )
        colorbar2.outline.set_linewidth(0.4)
        note = fig.add_subplot(right[1])
        note.axis("off")
        entries = [
            Patch(
                facecolor="none",
                edgecolor="black",
                linewidth=1.2,
                label=f"{correction}-adjusted p < {alpha:g}",
            )
        ]
        entries += [Line2D([], [], linestyle="none", label=line) for line in notes]
        note.legend(
            handles=entries,
            loc="upper right",
            bbox_to_anchor=(1.0, 1.0),
            borderaxespad=0,
            handlelength=1.2,
            handleheight=1.0,
            fontsize=_fs(-1),
        )
    return fig


# --------------------------------------------------------------------------- figure 6


def coefficient_plot(
    coefficients: pd.DataFrame,
    *,
    sections: Sequence[tuple[str, Sequence[str]]],
    outcome_labels: Mapping[str, str],
    term_labels: Mapping[str, str],
    alpha: float = 0.05,
    x_label: str = "Standardised coefficient (95% CI)",
    width: str = "single",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """Coefficients with CIs: one panel per section of outcomes, terms dodged by colour.

    Parameters
    ----------
    coefficients : pandas.DataFrame
        ``outcome``, ``term``, ``estimate``, ``ci_low``, ``ci_high``, ``p_adj``, ``n``.
    sections : sequence of (title, outcome ids)
        One panel each, top to bottom, rows in the given order.
    outcome_labels, term_labels : mapping
        Labels; terms in the order of the legend and of the dodge.
    alpha : float
        Estimates with an adjusted p under this are filled.
    """
    terms = list(term_labels)
    table = coefficients.set_index(["outcome", "term"])
    heights = [len(outcomes) for _, outcomes in sections]
    dodge = 0.62 / max(len(terms), 1)
    with figure_style(style):
        colours = style_colours()
        fig, axes = plt.subplots(
            len(sections),
            1,
            figsize=(WIDTHS[width], 0.31 * sum(heights) + 0.45 * len(sections) + 0.9),
            sharex=True,
            squeeze=False,
            gridspec_kw={"height_ratios": [h + 0.6 for h in heights]},
            layout="constrained",
        )
        axes = axes[:, 0]
        lows, highs = [0.0], [0.0]
        for p, (ax, (title, outcomes)) in enumerate(zip(axes, sections, strict=True)):
            for y, outcome in enumerate(outcomes):
                for t, term in enumerate(terms):
                    if (outcome, term) not in table.index:
                        continue
                    row = table.loc[(outcome, term)]
                    offset = (t - (len(terms) - 1) / 2) * dodge
                    colour = colours[t % len(colours)]
                    filled = pd.notna(row["p_adj"]) and row["p_adj"] < alpha
                    ax.plot(
                        [row["ci_low"], row["ci_high"]],
                        [y + offset] * 2,
                        color=colour,
                        linewidth=0.9,
                    )
                    ax.plot(
                        row["estimate"],
                        y + offset,
                        marker=MARKERS[t % len(MARKERS)],
                        markersize=3.6,
                        color=colour,
                        markerfacecolor=colour if filled else "white",
                        markeredgewidth=0.8,
                        linestyle="none",
                    )
                    lows.append(float(row["ci_low"]))
                    highs.append(float(row["ci_high"]))
                if y:
                    ax.axhline(y - 0.5, color="#E0E0E0", linewidth=0.4)
            labels = []
            for outcome in outcomes:
                ns = [
                    int(table.loc[(outcome, t), "n"]) for t in terms if (outcome, t) in table.index
                ]
                labels.append(
                    f"{outcome_labels[outcome]} ({ns[0]})" if ns else outcome_labels[outcome]
                )
            ax.set_yticks(range(len(outcomes)), labels)
            ax.set_ylim(len(outcomes) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.axvline(0, color="#444444", linewidth=0.6, zorder=0)
            # The title starts at the figure's left edge, above the row labels.
            ax.set_title(" ")
            letter = "abcdefgh"[p] if len(sections) > 1 else None
            ax.annotate(
                f"{letter}   {title}" if letter else title,
                xy=(0, 1),
                xycoords=("figure fraction", "axes fraction"),
                xytext=(1, 5),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontweight="bold",
            )
        span = max(highs) - min(lows)
        axes[-1].set_xlim(min(lows) - 0.05 * span, max(highs) + 0.05 * span)
        axes[-1].set_xlabel(x_label, loc="right")
        handles = [
            Line2D(
                [],
                [],
                marker=MARKERS[t % len(MARKERS)],
                color=colours[t % len(colours)],
                markerfacecolor=colours[t % len(colours)],
                markersize=3.6,
                label=term_labels[term],
            )
            for t, term in enumerate(terms)
        ]
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                color="#444444",
                markerfacecolor="#444444",
                linestyle="none",
                markersize=3.6,
                label=f"adjusted p < {alpha:g}",
            ),
            Line2D(
                [],
                [],
                marker="o",
                color="#444444",
                markerfacecolor="white",
                linestyle="none",
                markersize=3.6,
                label=f"adjusted p ≥ {alpha:g}",
            ),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=2, handlelength=1.6)
    return fig


# --------------------------------------------------------------------------- figure 7


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#444444",
            "linewidth": 0.6,
            "shrinkA": 0,
            "shrinkB": 0,
            "mutation_scale": 6,
        },
    )


def flow_diagram(
    flow: pd.DataFrame,
    *,
    step_labels: Mapping[str, str],
    received_label: str,
    included_label: str,
    breakdowns: Mapping[str, tuple[str, Mapping[str, str]]],
    pooled: str = "all",
    flagged_label: str = "flagged but kept",
    min_cell: int = 5,
    wrap: int = 48,
    width: str = "double",
    style: Mapping[str, Any] | None = None,
) -> plt.Figure:
    """CONSORT-style flow of the responses: received, each exclusion, included.

    The main column follows the pooled responses (every ``breakdowns`` column at
    ``pooled``) from those received to those included, with a box at the side of each
    exclusion step giving how many it removed (and, where the flow table has them, how
    many it flagged but kept); the remaining count is printed along the line. A side
    table gives received, excluded and included per level of each breakdown column
    (e.g. case, sample), pooled over the other columns.

    Every count goes through :func:`coprod.disclosure.suppress_small_cells`: the
    steps' exclusions with the total excluded as the visible column total, and the
    side table's excluded and included counts with the received count as the visible
    row total (and the pooled counts as column totals).

    Parameters
    ----------
    flow : pandas.DataFrame
        ``results/clean/flow.parquet``: its breakdown columns (every column before
        ``step``; ``pooled`` marks the rows pooled over one), ``step`` (first
        ``received``), ``excluded``, ``remaining``, ``flagged_kept``.
    step_labels : mapping
        Step -> label of its exclusion box, in the order of the steps drawn.
    breakdowns : mapping
        Column -> (heading, {level: label}): the side table's row blocks, each level
        pooled over the flow's other breakdown columns (drawn or not).
    wrap : int
        Step labels are wrapped at this many characters.
    """
    data = flow.copy()
    # the flow's breakdown columns come before `step`: the drawn ones and any other
    dimensions = list(data.columns[: list(data.columns).index("step")])
    missing = [column for column in breakdowns if column not in dimensions]
    if missing:
        raise ValueError(f"the flow table does not break down by {missing}; it has {dimensions}")
    for column in dimensions:
        data[column] = data[column].astype(str)
    data["step"] = data["step"].astype(str)
    is_pooled = np.ones(len(data), dtype=bool)
    for column in dimensions:
        is_pooled &= (data[column] == pooled).to_numpy()
    main = data[is_pooled].set_index("step")
    steps = [s for s in step_labels if s in main.index]
    received = int(main.loc[main.index[0], "remaining"])
    included = int(main.loc[steps[-1], "remaining"]) if steps else received
    excluded = pd.DataFrame(
        {"excluded": [int(main.loc[s, "excluded"]) for s in steps]}, index=steps
    )
    masked_steps = suppress_small_cells(
        excluded, ["excluded"], min_cell, secondary="columns"
    ).suppressed["excluded"]
    flagged = {}
    if "flagged_kept" in main.columns:
        for step in steps:
            value = main.loc[step, "flagged_kept"]
            if pd.notna(value) and int(value) > 0:
                flagged[step] = int(value)

    def shown(count: int, hidden: bool) -> str:
        return (
            f"< {min_cell}"
            if hidden and 0 < count < min_cell
            else "–"
            if hidden
            else (f"{count:,}")
        )

    # The side table: per level of each breakdown column, pooled over the others.
    side_rows = []
    for column, (_, levels) in breakdowns.items():
        others = np.ones(len(data), dtype=bool)
        for other in dimensions:
            if other != column:
                others &= (data[other] == pooled).to_numpy()
        for level in levels:
            part = data[others & (data[column] == str(level))].set_index("step")
            if part.empty:
                continue
            got = int(part["remaining"].iloc[0])
            kept = int(part.loc[steps[-1], "remaining"]) if steps else got
            side_rows.append(
                {
                    "column": column,
                    "level": level,
                    "received": got,
                    "excluded": got - kept,
                    "included": kept,
                }
            )
    side = pd.DataFrame(side_rows)
    if not side.empty:
        side_mask = suppress_small_cells(
            side, ["excluded", "included"], min_cell, by=["column"]
        ).suppressed
        side_hidden = side_mask.assign(
            received=suppress_small_cells(
                side, ["received"], min_cell, secondary="columns", by=["column"]
            ).suppressed["received"]
        )
    enabled = {
        step: bool(main.loc[step, "enabled"])
        if "enabled" in main.columns and pd.notna(main.loc[step, "enabled"])
        else True
        for step in steps
    }
    with figure_style(style):
        n_steps = len(steps)
        small = _fs(-1)
        main_texts = [
            f"{received_label}\nn = {received:,}",
            f"{included_label}\nn = {included:,}",
        ]
        side_texts = []
        for step in steps:
            if not enabled[step]:
                side_texts.append(f"{textwrap.fill(step_labels[step], wrap)}\nnot applied")
                continue
            count = int(excluded.loc[step, "excluded"])
            label = textwrap.fill(step_labels[step], wrap)
            text = f"{label}\nexcluded n = {shown(count, bool(masked_steps[step]))}"
            if step in flagged:
                kept = flagged[step]
                text += (
                    f"; {kept:,} {flagged_label}"
                    if kept >= min_cell
                    else (f"; < {min_cell} {flagged_label}")
                )
            side_texts.append(text)
        n_lines = max(t.count("\n") + 1 for t in main_texts + side_texts)
        line_in = small * 1.3 / 72
        box_in = n_lines * line_in + 0.12
        rows = n_steps + 2
        fig, ax = plt.subplots(figsize=(WIDTHS[width], rows * (box_in + 0.1)))
        fig.subplots_adjust(0.004, 0.004, 0.996, 0.996)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        renderer = fig.canvas.get_renderer()
        to_axes = ax.transAxes.inverted()

        def extent(text: str, **kwargs: Any) -> tuple[float, float]:
            probe = ax.text(0, 0, text, fontsize=small, linespacing=1.3, **kwargs)
            box = probe.get_window_extent(renderer)
            probe.remove()
            (x0, y0), (x1, y1) = to_axes.transform([(box.x0, box.y0), (box.x1, box.y1)])
            return x1 - x0, y1 - y0

        pad_x = 0.08 / WIDTHS[width]  # 0.08 in either side of the text
        sizes = [extent(t, fontweight="bold") for t in main_texts]
        w_main = max(w for w, _ in sizes) + 2 * pad_x
        side_sizes = [extent(t) for t in side_texts]
        w_side = max((w for w, _ in side_sizes), default=0.1) + 2 * pad_x
        box_h = box_in / (rows * (box_in + 0.1))
        step_h = 1 / rows
        ys = [1 - step_h * (k + 0.5) for k in range(rows)]
        x_main = 0.012 + w_main / 2
        x_side = x_main + w_main / 2 + 0.04 + w_side / 2

        def box(x: float, y: float, w: float, text: str, **kwargs: Any) -> None:
            face = kwargs.pop("facecolor", "white")
            ax.add_patch(
                FancyBboxPatch(
                    (x - w / 2, y - box_h / 2),
                    w,
                    box_h,
                    boxstyle="round,pad=0,rounding_size=0.006",
                    facecolor=face,
                    edgecolor="#444444",
                    linewidth=0.6,
                )
            )
            ax.text(x, y, text, ha="center", va="center", fontsize=small, linespacing=1.3, **kwargs)

        box(x_main, ys[0], w_main, main_texts[0], facecolor="#F5F5F5")
        box(x_main, ys[-1], w_main, main_texts[1], facecolor="#F5F5F5", fontweight="bold")
        _arrow(ax, (x_main, ys[0] - box_h / 2), (x_main, ys[-1] + box_h / 2))
        remaining = received
        for k, (step, text) in enumerate(zip(steps, side_texts, strict=True), start=1):
            box(x_side, ys[k], w_side, text, color="#222222" if enabled[step] else "#757575")
            _arrow(ax, (x_main, ys[k]), (x_side - w_side / 2, ys[k]))
            remaining -= int(excluded.loc[step, "excluded"])
            if k < n_steps and not masked_steps.any():
                ax.text(
                    x_main + 0.006,
                    (ys[k] + ys[k + 1]) / 2,
                    f"n = {remaining:,}",
                    ha="left",
                    va="center",
                    fontsize=_fs(-2),
                    color="#616161",
                )
        # The side table, right of the boxes.
        if not side.empty:
            x0 = x_side + w_side / 2 + 0.04
            label_w = max(
                [
                    extent(levels[level])[0] + 0.012
                    for _, (_, levels) in breakdowns.items()
                    for level in levels
                ]
                + [extent(heading, fontweight="bold")[0] for heading, _ in breakdowns.values()]
            )
            headers = ["Received", "Excluded", "Included"]
            col_w = max(extent(h, fontweight="bold")[0] for h in headers) + 0.015
            x1 = 0.988
            x0 = max(x0, x1 - label_w - 3 * col_w)
            rights = [x1 - (2 - c) * col_w for c in range(3)]
            n_lines = len(side) + len(breakdowns) + 1
            line_h = min(step_h * 0.55, (ys[0] + box_h / 2 - (ys[-1] - box_h / 2)) / (n_lines + 1))
            y = ys[0] + box_h / 2
            ax.plot([x0, x1], [y, y], color="#444444", linewidth=0.6)
            y -= line_h * 0.75
            for x, header in zip(rights, headers, strict=True):
                ax.text(x, y, header, ha="right", va="center", fontsize=small, fontweight="bold")
            y -= line_h * 0.6
            ax.plot([x0, x1], [y, y], color="#444444", linewidth=0.4)
            for column, (heading, levels) in breakdowns.items():
                y -= line_h * 0.8
                ax.text(x0, y, heading, ha="left", va="center", fontsize=small, fontweight="bold")
                for index, entry in side[side["column"] == column].iterrows():
                    y -= line_h * 0.8
                    ax.text(
                        x0 + 0.012,
                        y,
                        levels[entry["level"]],
                        ha="left",
                        va="center",
                        fontsize=small,
                    )
                    for x, name in zip(rights, ("received", "excluded", "included"), strict=True):
                        ax.text(
                            x,
                            y,
                            shown(int(entry[name]), bool(side_hidden.loc[index, name])),
                            ha="right",
                            va="center",
                            fontsize=small,
                        )
            y -= line_h * 0.6
            ax.plot([x0, x1], [y, y], color="#444444", linewidth=0.6)
    return fig


__all__ = [
    "LEVEL_REGISTRIES",
    "METADATA",
    "MIN_FONT",
    "PALETTE",
    "PALETTES",
    "STYLE",
    "WIDTHS",
    "barrier_heatmap",
    "coefficient_plot",
    "contrast_forest",
    "diverging_bars",
    "figure_style",
    "flow_diagram",
    "focus_group_codes",
    "heatmap_cells",
    "level_labels",
    "overflow",
    "likert_distribution",
    "likert_item_labels",
    "risk_matrix",
    "save_figure",
    "size",
    "style_from_config",
]
