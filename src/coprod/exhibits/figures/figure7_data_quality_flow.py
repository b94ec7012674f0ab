"""Figure 7: the data-quality flow - responses received, each exclusion, included.

:func:`data_quality_flow` is the job (``figure7_data_quality_flow``): the flow table
(``results/clean/flow.parquet``) with the steps labelled as table 2 labels its rows
(``exhibits: step_labels``, filled in with each step's settings under ``exclusions``, by
:func:`coprod.exhibits.labels.step_label`), so that figure and table name a step alike,
and a side table per breakdown column, drawn by :func:`flow_diagram`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from coprod.exhibits.figures.labels import has_level_labels, known_level_labels
from coprod.exhibits.figures.style import DOUBLE, Look, drawn_as, plt, text_size
from coprod.exhibits.labels import step_label
from coprod.exhibits.protection import suppress_small_cells
from coprod.resources import Study
from coprod.vocabulary import POOLED


def data_quality_flow(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 7 from the flow table (``inputs["flow"]``).

    ``settings``: ``figure`` (its config entry), ``step_labels`` (config
    ``exhibits.step_labels``, table 2's), ``exclusions`` (config ``exclusions``: the steps'
    settings the labels name), ``min_cell`` and ``style``.
    """
    figure = settings["figure"]
    flow = pd.read_parquet(inputs["flow"])
    breakdowns = {
        column: (heading, _side_labels(study, flow, column, figure))
        for column, heading in figure["breakdowns"].items()
    }
    steps = [str(s) for s in flow["step"].cat.categories[1:]]
    return flow_diagram(
        flow,
        step_labels={step: step_label(step, settings) for step in steps},
        received_label=step_label("received", settings),
        included_label=step_label("included", settings),
        breakdowns=breakdowns,
        flagged_label=figure["flagged_label"],
        min_cell=settings["min_cell"],
        look=drawn_as(settings),
    )


def _side_labels(
    study: Study, flow: pd.DataFrame, column: str, figure: Mapping[str, Any]
) -> dict[str, str]:
    """Labels of the levels of a breakdown column in the flow table: the registry's; for a
    level it does not know, ``unknown_label``; for a column no registry labels,
    ``sample_label`` with the level."""
    levels = [str(level) for level in flow[column].cat.categories if str(level) != POOLED]
    labelled = has_level_labels(study.registries, column)
    known = known_level_labels(study.registries, column)
    return {
        level: known.get(level)
        or (figure["unknown_label"] if labelled else figure["sample_label"].format(level=level))
        for level in levels
    }


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
    look: Look = DOUBLE,
    step_labels: Mapping[str, str],
    received_label: str,
    included_label: str,
    breakdowns: Mapping[str, tuple[str, Mapping[str, str]]],
    pooled: str = POOLED,
    flagged_label: str = "flagged but kept",
    min_cell: int = 5,
    wrap: int = 48,
) -> plt.Figure:
    """CONSORT-style flow of the responses: received, each exclusion, included.

    The main column follows the pooled responses (every ``breakdowns`` column at
    ``pooled``) from those received to those included, with a box at the side of each
    exclusion step giving how many it removed (and, where the flow table has them, how
    many it flagged but kept); the remaining count is printed along the line. A side
    table gives received, excluded and included per level of each breakdown column
    (e.g. case, sample), pooled over the other columns.

    Every count goes through :func:`coprod.exhibits.protection.suppress_small_cells`: the
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
    with look.drawing():
        n_steps = len(steps)
        small = text_size(-1)
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
        fig, ax = plt.subplots(figsize=look.size(rows * (box_in + 0.1)))
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

        pad_x = 0.08 / look.inches  # 0.08 in either side of the text
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
                    fontsize=text_size(-1),
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
