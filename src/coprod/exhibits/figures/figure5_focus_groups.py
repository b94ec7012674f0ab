"""Figure 5: focus-group code prevalence per level of some columns; barrier x strategy.

:func:`focus_groups` is the job (``figure5_focus_groups``): the codes' prevalence
(``results/compare/fg_prevalence.parquet``), one panel per column of
``figures: figure5_focus_groups: by``, and the co-occurrence of the codes of two kinds
(``compare: focus_groups: row_kind, column_kind``), the codes marked by their
intercoder reliability flag, drawn by :func:`focus_group_codes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from coprod.exhibits.figures.drawing import cell_grid, is_significant, panel_title
from coprod.exhibits.figures.labels import has_level_labels, level_labels, with_case_attribute
from coprod.exhibits.figures.style import DOUBLE, LETTERS, Look, drawn_as, plt, text_size
from coprod.resources import Study

CHAR_INCHES = 0.055
"""The width of a character of 7 pt text, about (inches): room for rotated labels."""


def focus_groups(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 5 from ``inputs["prevalence"]``, ``["cooccurrence"]`` and ``["intercoder"]``.

    ``settings``: ``figure`` (its config entry), ``intercoder`` (the thresholds
    ``unreliable_below`` and ``reliable_from``), ``row_kind``, ``column_kind``, ``alpha``,
    ``case_attribute`` (added to the cases' labels) and ``style``.
    """
    figure = settings["figure"]
    codes = study.focus_group_codes
    prevalence = pd.read_parquet(inputs["prevalence"])
    intercoder = pd.read_parquet(inputs["intercoder"]).set_index("code")
    marks = figure["flag_marks"]
    flags = {
        code: marks[flag]
        for code, flag in intercoder["flag"].items()
        if code in codes.index and flag in marks
    }
    low, high = settings["intercoder"]["unreliable_below"], settings["intercoder"]["reliable_from"]
    meanings = {
        "unreliable": f"unreliable coding: Krippendorff's α < {low:.3f}",
        "tentative": f"tentative coding: {low:.3f} ≤ α < {high:.3f}",
    }
    notes = [
        f"{mark.strip()}  {meanings.get(flag, flag)}"
        for flag, mark in marks.items()
        if mark in flags.values()
    ]
    panels = [
        (
            column,
            title,
            with_case_attribute(
                _observed_labels(study, prevalence, column),
                study.registries,
                column,
                settings["case_attribute"],
            ),
        )
        for column, title in figure["by"].items()
    ]
    return focus_group_codes(
        prevalence,
        pd.read_parquet(inputs["cooccurrence"]),
        code_labels=codes["label"].to_dict(),
        code_kinds=codes["kind"].to_dict(),
        kind_labels=figure["kind_headings"],
        panels=panels,
        row_codes=list(codes.index[codes["kind"] == settings["row_kind"]]),
        column_codes=list(codes.index[codes["kind"] == settings["column_kind"]]),
        flags=flags,
        notes=notes,
        alpha=settings["alpha"],
        full_colour_from=figure["full_colour_from"],
        cmap=figure["cmap"],
        diverging_cmap=figure["diverging_cmap"],
        look=drawn_as(settings),
    )


def _observed_labels(study: Study, prevalence: pd.DataFrame, column: str) -> dict[str, str]:
    """The labels of the levels of ``column`` that the prevalence table has, in registry
    order (levels no registry labels: themselves, sorted)."""
    observed = prevalence.loc[prevalence["by"] == column, "group"].astype(str).unique()
    if not has_level_labels(study.registries, column):
        return {level: level for level in sorted(observed)}
    labels = level_labels(study.registries, column)
    return {level: label for level, label in labels.items() if level in observed}


def focus_group_codes(
    prevalence: pd.DataFrame,
    cooccurrence: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    code_labels: Mapping[str, str],
    code_kinds: Mapping[str, str],
    kind_labels: Mapping[str, str],
    panels: Sequence[tuple[str, str, Mapping[str, str]]],
    row_codes: Sequence[str],
    column_codes: Sequence[str],
    flags: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
    alpha: float = 0.05,
    full_colour_from: int = 1,
    cmap: str = "cividis",
    diverging_cmap: str = "PuOr_r",
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
    full_colour_from : int
        A co-occurrence cell of fewer turns with both codes is paler, in proportion
        (white at 0): a lift from one or two turns is noise, and white is a lift of 1.
        The count is printed in every cell.
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
    # Looked up cell by cell: dictionaries, not DataFrame.loc (a pandas lookup each).
    cells = table[["estimate", "n"]].to_dict("index")
    pair_columns = ["lift", "count_both", "p_adj"]
    pairs = cooccurrence.set_index(["outcome", "code_2"])[pair_columns].to_dict("index")
    with look.drawing():
        widths = [len(levels) for _, _, levels in panels] + [len(column_codes)]
        # Rows of 0.16 in (7 pt text with room), plus the rotated column labels below.
        longest = max(
            [len(f"{label} (000)") for _, _, levels in panels for label in levels.values()]
            + [len(code_labels[c] + flags.get(c, "")) for c in column_codes]
        )
        height = 0.16 * len(rows) + CHAR_INCHES * longest + 1.3
        fig = plt.figure(figsize=look.size(max(3.4, height)), layout="constrained")
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
                    if code is not None and key in cells:
                        values[i, j] = 100 * float(cells[key]["estimate"])
                        turns[level] = int(cells[key]["n"])
            # Whole percentages ("<1" under one half): short labels that fit narrow cells.
            text = np.vectorize(
                lambda v: "" if np.isnan(v) else "<1" if 0 < v < 0.5 else f"{v:.0f}",
                otypes=[object],
            )(values)
            image = cell_grid(ax, values, cmap=cmap, norm=norm, fmt=".1f", annotate=text)
            ax.set_xticks(
                range(len(levels)),
                [f"{label} ({turns.get(level, 0)})" for level, label in levels.items()],
                rotation=90,
            )
            panel_title(ax, LETTERS[k], title, pad=4)
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
        colorbar.set_label("Turns with the code (%); in parentheses: turns")
        colorbar.outline.set_linewidth(0.4)

        right = grid[1].subgridspec(
            2, 1, height_ratios=[len(row_codes) + 7, max(len(rows) - len(row_codes) - 7, 3)]
        )
        ax = fig.add_subplot(right[0])
        lift = np.full((len(row_codes), len(column_codes)), np.nan)
        counts = np.full(lift.shape, "", dtype=object)
        strength = np.ones(lift.shape)
        significant = []
        for i, a in enumerate(row_codes):
            for j, b in enumerate(column_codes):
                if (a, b) in pairs:
                    pair = pairs[(a, b)]
                    lift[i, j] = float(pair["lift"])
                    counts[i, j] = f"{int(pair['count_both'])}"
                    strength[i, j] = min(1.0, int(pair["count_both"]) / full_colour_from)
                    if is_significant(pair["p_adj"], alpha):
                        significant.append((i, j))
        finite = lift[np.isfinite(lift) & (lift > 0)]
        # Colours span at most 1/4 to 4 (lift outside is drawn at the ends).
        bound = min(2.0, float(np.ceil(np.abs(np.log2(finite)).max()))) if finite.size else 1.0
        log_lift = np.log2(np.clip(lift, 2.0**-bound, 2.0**bound))
        cnorm = TwoSlopeNorm(0, -bound, bound)
        image2 = cell_grid(
            ax,
            log_lift,
            cmap=diverging_cmap,
            norm=cnorm,
            fmt="",
            annotate=counts,
            strength=strength,
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
        panel_title(ax, LETTERS[len(panels)], "Co-occurrence", pad=4)
        colorbar2 = fig.colorbar(image2, ax=ax, location="bottom", shrink=0.9, aspect=20, pad=0.02)
        ticks = np.arange(-bound, bound + 1)
        tick_labels = [f"{2.0**t:g}" for t in ticks]
        if (lift[np.isfinite(lift)] < 2.0**-bound).any():
            tick_labels[0] = "≤" + tick_labels[0]
        if (lift[np.isfinite(lift)] > 2.0**bound).any():
            tick_labels[-1] = "≥" + tick_labels[-1]
        colorbar2.set_ticks(ticks, labels=tick_labels)
        colorbar2.set_label(
            "Lift within turns:\nobserved / expected\n(numbers: turns with both;"
            f"\npaler: fewer than {full_colour_from})",
            loc="right",  # ends with the bar: a label wider than a narrow bar stays inside
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
            fontsize=text_size(-1),
        )
    return fig
