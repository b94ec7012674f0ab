"""Figure 4: risk matrix - the share who experienced each risk against how well it was managed.

:func:`risk_matrix` is the job (``figure4_risk_matrix``): the shares of the config's
"experienced" score role and the means of its "managed" role
(``results/compare/risks.parquet``), per level of ``figures: figure4_risk_matrix: by``,
drawn by :func:`risk_scatter`, which leaves out the points that rest on small counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.labels import level_labels, role_scores, scale_ends, score_response_set
from coprod.exhibits.figures.style import (
    DOUBLE,
    MARKERS,
    Look,
    drawn_as,
    plt,
    size,
    style_colours,
    text_size,
)
from coprod.exhibits.protection import suppress_small_cells
from coprod.resources import Study


def risk_matrix(study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]) -> plt.Figure:
    """Figure 4 from the risks' shares and means (``inputs["risks"]``).

    ``settings``: ``figure`` (its config entry: ``by``, ``x_label``, ``y_label``,
    ``width``), ``experienced`` and ``managed`` (score roles), ``min_cell`` and ``style``.
    """
    figure = settings["figure"]
    catalogue = score_catalogue(study.codebook)
    experienced = role_scores(catalogue, settings["experienced"])
    managed = role_scores(catalogue, settings["managed"])
    by = figure["by"]
    risks = pd.read_parquet(inputs["risks"])
    risks = risks[risks["by"] == by]
    construct = catalogue["construct"]
    points = _side(risks, experienced, construct, "experienced", ["estimate", "count", "n"])
    points = points.merge(
        _side(risks, managed, construct, "managed", ["estimate", "ci_low", "ci_high", "n"]),
        on=["risk", "group"],
        how="outer",
    ).rename(columns={"group": "by"})
    response_set = score_response_set(study.codebook, managed[0])
    codes = sorted(response_set.values)
    middle = codes[len(codes) // 2]
    return risk_scatter(
        points,
        by=by,
        group_labels=level_labels(study.registries, by),
        risk_labels={catalogue.loc[s, "construct"]: catalogue.loc[s, "label"] for s in managed},
        min_cell=settings["min_cell"],
        x_label=figure["x_label"],
        y_label=f"{figure['y_label']}\n{scale_ends(response_set)}",
        reference=(middle, response_set.values[middle].lower()),
        look=drawn_as(settings),
    )


def _side(
    risks: pd.DataFrame,
    outcomes: Sequence[str],
    construct: pd.Series,
    name: str,
    columns: Sequence[str],
) -> pd.DataFrame:
    """One side of the risk points: ``group``, ``risk`` (the score's construct) and the
    ``columns`` as ``<name>_<column>`` (the estimate as ``<name>``)."""
    rows = risks[risks["outcome"].isin(outcomes)]
    renamed = {column: f"{name}_{column}" for column in columns} | {"estimate": name}
    out = rows[["group", *columns]].rename(columns=renamed)
    return out.assign(risk=rows["outcome"].map(construct).to_numpy())


def _overlaps(box: np.ndarray, boxes: Sequence[np.ndarray]) -> bool:
    return any(
        box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
        for other in boxes
    )


def _crosses(segment: np.ndarray, boxes: Sequence[np.ndarray]) -> bool:
    """Whether the line ``segment`` (x0, y0, x1, y1) passes through any of ``boxes``
    (checked at 24 points along it, ends left out: a leader line ends at its own label)."""
    steps = np.linspace(0.05, 0.95, 24)[:, None]
    points = segment[:2] + steps * (segment[2:] - segment[:2])
    return any(
        (
            (points[:, 0] > b[0])
            & (points[:, 0] < b[2])
            & (points[:, 1] > b[1])
            & (points[:, 1] < b[3])
        ).any()
        for b in boxes
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
    of twelve directions (at growing distances) where its box overlaps neither a placed
    label nor a point nor a placed label's leader line, and where its own leader line
    (drawn to a label set further off) crosses no placed label, inside the axes; failing
    that at the spot that breaks the fewest of these, the overlaps counted worst.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    points = [ax.transData.transform(p) for p in [*anchors, *obstacles]]
    point_boxes = [np.array([x - 3, y - 3, x + 3, y + 3]) for x, y in points]
    axes_box = ax.get_window_extent(renderer).extents
    placed: list[np.ndarray] = []
    leaders: list[np.ndarray] = []  # (x0, y0, x1, y1) of each leader line drawn
    directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    directions += [(0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1)]
    scale = fig.dpi / 72
    for (x, y), text in zip(anchors, texts, strict=True):
        probe = ax.text(0, 0, text, fontsize=text_size(-1))
        box = probe.get_window_extent(renderer)
        probe.remove()
        w, h = box.width, box.height
        px, py = ax.transData.transform((x, y))
        # Each spot tried, in order, with what it violates: overlapping a label or a point
        # worst, then a leader line through a label, then leaving the axes. The first spot
        # that violates nothing wins; failing that, the one that violates least.
        choice, leader, least = None, None, None
        for distance in (gap, gap * 2.5, gap * 4.5, gap * 7, gap * 10):
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
                centre = (candidate[:2] + candidate[2:]) / 2
                # a label set further off than gap * 4 gets a leader line to its centre
                led = np.hypot(*(centre - (px, py))) / scale > gap * 4
                line = np.array([px, py, *centre]) if led else None
                crossing = any(_crosses(other, [candidate]) for other in leaders) or (
                    line is not None and _crosses(line, placed)
                )
                penalty = (
                    4 * _overlaps(candidate, placed + point_boxes) + 2 * crossing + (not inside)
                )
                if least is None or penalty < least:
                    choice, leader, least = candidate, line, penalty
                if penalty == 0:
                    break
            if least == 0:
                break
        placed.append(choice)
        offset = ((choice[0] - px) / scale, (choice[1] - py) / scale)
        if leader is not None:
            leaders.append(leader)
        ax.annotate(
            text,
            (x, y),
            xytext=offset,
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=text_size(-1),
            color="#222222",
            arrowprops=(
                {
                    "arrowstyle": "-",
                    "color": "#9E9E9E",
                    "linewidth": 0.4,
                    "shrinkA": 1,
                    "shrinkB": 2,
                }
                if leader is not None
                else None
            ),
        )


def risk_scatter(
    points: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    risk_labels: Mapping[str, str],
    by: str,
    group_labels: Mapping[str, str],
    short_labels: Mapping[str, str] | None = None,
    min_cell: int = 5,
    x_label: str = "Experienced (% of respondents answering yes or no)",
    y_label: str = "How well managed (mean, 1-5)",
    reference: tuple[float, str] | None = None,
) -> plt.Figure:
    """Share of respondents who experienced each risk against how well it was managed.

    One marker per risk and level of ``by`` (a colour and marker shape per level),
    with the 95% CI of the mean as a vertical bar; each marker carries the risk's
    short label (by default its id), keyed to the full labels beside the plot, and the n
    behind its mean (who experienced the risk and rated how well it was managed); the
    legend gives each level's n of those who answered whether they experienced it.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per risk and level of ``by``: ``risk``, ``by`` (the level),
        ``experienced`` (share, 0-1), ``experienced_count`` (respondents who experienced
        it), ``experienced_n`` (who answered), ``managed`` (mean), ``managed_ci_low``,
        ``managed_ci_high`` and ``managed_n`` (who rated it).
    risk_labels : mapping
        Risk id -> label, in order.
    group_labels : mapping
        Level -> label (colour and marker of each, in order).
    short_labels : mapping, optional
        Risk id -> the short label printed at its markers (default: the id).
    min_cell : int
        Counts under this are masked (:func:`coprod.exhibits.protection.suppress_small_cells`,
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
    with look.drawing():
        colours = style_colours()
        fig, ax = plt.subplots(
            figsize=size(look.width, 0.5 if look.width == "double" else 0.95), layout="constrained"
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
            n_text = f"{low}–{high}" if low != high else f"{low}"
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
                    label=f"{group_labels[group]} ({n_text} answered)",
                )
            )
            anchors += list(zip(x, y, strict=True))
            texts += [
                f"{short[r]} ({int(n)})" for (r, _), n in zip(mine, rows["managed_n"], strict=True)
            ]
        if reference is not None:
            ax.axhline(reference[0], color="#9E9E9E", linewidth=0.5, linestyle="--", zorder=0)
            ax.text(
                0.995,
                reference[0],
                reference[1],
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="bottom",
                fontsize=text_size(-1),
                color="#616161",
            )
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.margins(x=0.06, y=0.08)
        ax.set_xlim(left=0)
        key = [
            Line2D(
                [],
                [],
                linestyle="none",
                label="Label (n): the risk, and how many\nof those who experienced it rated it",
            ),
            *(
                Line2D([], [], linestyle="none", label=f"{short[r]}: {risk_labels[r]}")
                for r in risks
                if short[r] != risk_labels[r]
            ),
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
            text.set_fontsize(text_size(-1))
        fig.draw_without_rendering()  # the layout, so that labels are placed where drawn
        _place_labels(ax, anchors, texts, gap=2.5)
        if omitted:
            ax.text(
                0.0,
                -0.2,
                f"Not shown (n < {min_cell}): " + "; ".join(omitted),
                transform=ax.transAxes,
                fontsize=text_size(-1),
                ha="left",
                va="top",
            )
    return fig
