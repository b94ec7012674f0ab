"""Figure 2: heatmap of the mean barrier scores, cells under the disclosure threshold masked.

:func:`barrier_heatmap` is the job (``figure2_barrier_heatmap``): it draws the cells
that the records job ``barrier_heatmap_cells``
(:func:`coprod.analyses.figure_data.heatmap_cells`) computed, unmasked, with
:func:`mean_heatmap`, which masks the small cells itself (statistics and drawing are
separate rules, so restyling does not recompute the means).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import transforms
from matplotlib.colors import Normalize

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.drawing import (
    cell_grid,
    inset_patch,
    masked_patch,
    n_heading,
    panel_title,
)
from coprod.exhibits.figures.labels import (
    level_labels,
    role_scores,
    scale_ends,
    score_response_set,
    with_case_attribute,
)
from coprod.exhibits.figures.style import DOUBLE, LETTERS, Look, drawn_as, plt, text_size
from coprod.exhibits.protection import suppress_small_cells
from coprod.resources import Study
from coprod.vocabulary import POOLED


def barrier_heatmap(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 2 from the heatmap's cells (``inputs["cells"]``).

    ``settings``: ``figure`` (its config entry: ``rows``, ``panels``, ``within``,
    ``cmap``, ``few_below``, ``width``), ``barriers`` (the score role), ``min_cell``,
    ``case_attribute`` (added to the cases' labels) and ``style``.
    """
    figure = settings["figure"]
    catalogue = score_catalogue(study.codebook)
    outcomes = role_scores(catalogue, settings["barriers"])
    response_set = score_response_set(study.codebook, outcomes[0])
    codes = sorted(response_set.values)
    panel = figure["panels"]
    return mean_heatmap(
        pd.read_parquet(inputs["cells"]),
        row=figure["rows"],
        panel=panel,
        outcome_labels={o: catalogue.loc[o, "label"] for o in outcomes},
        row_labels=with_case_attribute(
            level_labels(study.registries, figure["rows"]),
            study.registries,
            figure["rows"],
            settings["case_attribute"],
        ),
        group_labels=level_labels(study.registries, figure["within"]),
        panel_labels=level_labels(study.registries, panel) if panel else None,
        min_cell=settings["min_cell"],
        few_below=figure["few_below"],
        scale=(codes[0], codes[-1]),
        colorbar_label=f"Mean score: {scale_ends(response_set)}",
        cmap=figure["cmap"],
        look=drawn_as(settings),
    )


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


def _masked_cells(
    cells: pd.DataFrame,
    keys: Sequence[str],
    groups: Sequence[str],
    pooled: str,
    count: str,
    value: str | None,
    min_cell: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counts (and values) of the groups and the pooled row, masked, and their mask.

    Both frames are indexed by ``keys`` with ``n|<group>`` (and ``v|<group>``) columns.
    The groups' counts are masked within each combination of ``keys`` but the last,
    with the pooled count as the visible row total; the pooled counts as columns. The
    second-to-last key (the panels) is a dimension too: a row level's and group's counts
    over the panels add up to a count other exhibits publish (Table 1's respondents per
    case and stakeholder group), so where one of them is masked and one other is not,
    the smallest shown one is masked too (:func:`_across_panels`), until no such line is
    left.
    """
    by = list(keys[:-1])
    wide = _wide_counts(cells, keys, groups, count, value)
    wide_pooled = _wide_counts(cells, keys, [pooled], count, value)
    while True:
        masked = suppress_small_cells(
            wide,
            [f"n|{g}" for g in groups],
            min_cell,
            derived={f"n|{g}": [f"v|{g}"] for g in groups} if value else None,
            by=by,
        )
        masked_pooled = suppress_small_cells(
            wide_pooled,
            [f"n|{pooled}"],
            min_cell,
            derived={f"n|{pooled}": [f"v|{pooled}"]} if value else None,
            secondary="columns",
            by=by,
        )
        more = _across_panels(wide, masked.suppressed, keys, groups)
        more_pooled = _across_panels(wide_pooled, masked_pooled.suppressed, keys, [pooled])
        if not more and not more_pooled:
            break
        for frame, extra in ((wide, more), (wide_pooled, more_pooled)):
            for row, column in extra:  # NA: taken as masked by the next round
                frame[column] = frame[column].astype("Float64")
                frame.loc[row, column] = pd.NA
    values = pd.concat(
        [wide[keys], masked.table.drop(columns=keys), masked_pooled.table.drop(columns=keys)],
        axis=1,
    )
    mask = pd.concat([wide[keys], masked.suppressed, masked_pooled.suppressed], axis=1)
    return values.set_index(list(keys)), mask.set_index(list(keys))


def _across_panels(
    wide: pd.DataFrame, suppressed: pd.DataFrame, keys: Sequence[str], groups: Sequence[str]
) -> list[tuple[Any, str]]:
    """The cells to mask so that no line across the panels (``keys[-2]``: a row level and
    group, with the other keys fixed) holds exactly one masked count: in each such line,
    the smallest shown positive count (else the first shown), as (row of ``wide``, column)."""
    lines = [k for i, k in enumerate(keys) if i != len(keys) - 2]
    line_of = pd.MultiIndex.from_frame(wide[lines].astype("object")).factorize()[0]
    sizes = np.bincount(line_of)
    extra = []
    for column in (f"n|{g}" for g in groups):
        hidden = suppressed[column].to_numpy(dtype=bool)
        per_line = np.bincount(line_of, weights=hidden)
        for line in np.flatnonzero((per_line == 1) & (sizes > 1)):
            rows = np.flatnonzero((line_of == line) & ~hidden)
            counts = pd.to_numeric(wide[column].iloc[rows], errors="coerce").to_numpy(float)
            positive = rows[counts > 0]
            pick = positive[np.argmin(counts[counts > 0])] if len(positive) else rows[0]
            extra.append((wide.index[pick], column))
    return extra


def mean_heatmap(
    cells: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    row: str,
    panel: str | None,
    outcome_labels: Mapping[str, str],
    row_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
    panel_labels: Mapping[str, str] | None = None,
    min_cell: int = 5,
    few_below: int = 0,
    pooled: str = POOLED,
    limits: tuple[float, float] | None = None,
    scale: tuple[float, float] | None = None,
    colorbar_label: str = "Mean score",
    cmap: str = "cividis",
) -> plt.Figure:
    """Heatmap of mean scores: outcomes across, row levels x groups down, one panel per level.

    Rows come in blocks, one per level of ``row`` (e.g. case): the pooled row
    (``pooled``, labelled with the level's label) and one row per group of
    ``group_labels`` (e.g. stakeholder groups). Columns are the outcomes of
    ``outcome_labels`` in that order; a narrow column at the right of each panel gives
    the responses in the cell. Cells are masked with
    :func:`coprod.exhibits.protection.suppress_small_cells` (``min_cell``): the groups' answer
    counts of each block with the pooled count as the visible row total, and the
    column totals over the blocks of a panel, for every outcome; the responses column
    likewise. Masked cells are NaN in the drawn image and hatched. A shown mean resting
    on fewer than ``few_below`` answers is drawn smaller, in a white frame, so that it does
    not look as sure as one resting on hundreds (paling it would read as a low mean on
    this light-is-low scale);
    the column at the right gives each row's n (responses).

    The colour scale runs over ``limits``; by default over the range of the shown
    means, widened to multiples of 0.5 and kept within ``scale`` (the response
    scale's ends), so that differences of a tenth stay visible; the colour bar shows
    the range.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`coprod.analyses.figure_data.describe_cells`: ``outcome``, ``group``,
        ``estimate``, ``n``, ``respondents`` and the ``row`` and ``panel`` columns
        (levels as strings).
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
    value_frame, mask_frame = _masked_cells(cells, keys, groups, pooled, "n", "estimate", min_cell)
    # The responses per cell (one per block, the same for every outcome).
    first = cells[cells["outcome"] == outcomes[0]]
    people_values, people_mask = _masked_cells(
        first, [panel_key, row], groups, pooled, "respondents", None, min_cell
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
    with look.drawing():
        height = 0.15 * n_rows + 1.9
        fig, axes = plt.subplots(
            1,
            len(panels),
            figsize=look.size(height),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        axes = axes[0]
        image = None
        # Looked up cell by cell: dictionaries, not DataFrame.loc (a pandas lookup each).
        value_of = value_frame.to_dict("index")
        mask_of = mask_frame.to_dict("index")
        people_of = people_values.to_dict("index")
        people_masked = people_mask.to_dict("index")
        for p, (ax, level) in enumerate(zip(axes, panels, strict=True)):
            values = np.full((n_rows, len(outcomes)), np.nan)
            answers = np.zeros((n_rows, len(outcomes)))
            masked = np.zeros((n_rows, len(outcomes)), dtype=bool)
            for r, row_level in enumerate(rows):
                for g, group in enumerate(block):
                    i = r * len(block) + g
                    for j, outcome in enumerate(outcomes):
                        key = (outcome, level, row_level)
                        if key not in value_of:
                            continue
                        value = value_of[key][f"v|{group}"]
                        values[i, j] = np.nan if pd.isna(value) else float(value)
                        count = value_of[key][f"n|{group}"]
                        answers[i, j] = 0 if pd.isna(count) else float(count)
                        masked[i, j] = bool(mask_of[key][f"n|{group}"])
            image = cell_grid(
                ax, values, masked, cmap=cmap, norm=norm, fmt=".1f", inset=answers < few_below
            )
            # Responses per cell, just right of the panel.
            at_right = transforms.offset_copy(
                transforms.blended_transform_factory(ax.transAxes, ax.transData),
                fig=fig,
                x=3,
                units="points",
            )
            n_heading(ax, 1, at_right, -1)
            for r, row_level in enumerate(rows):
                for g, group in enumerate(block):
                    i = r * len(block) + g
                    key = (level, row_level)
                    shown = "–"
                    if key in people_of and not people_masked[key][f"n|{group}"]:
                        shown = f"{int(people_of[key][f'n|{group}'])}"
                    ax.text(
                        1,
                        i,
                        shown,
                        transform=at_right,
                        ha="left",
                        va="center",
                        fontsize=text_size(-1),
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
                letter = LETTERS[p] if len(panels) > 1 else None
                panel_title(ax, letter, panel_labels[level], pad=14)  # above the n heading
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
        handles = [masked_patch(f"masked: n < {min_cell}, or would reveal one")]
        if few_below > min_cell:
            handles.append(inset_patch(cmap, f"framed: mean of fewer than {few_below} answers"))
        fig.legend(
            handles=handles,
            loc="outside lower right",
            handlelength=1.4,
            handleheight=1.0,
            ncols=len(handles),
        )
    return fig
