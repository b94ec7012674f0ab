"""Figure 3: forest plot of a contrast's pairs, one panel per effect size.

:func:`contrast_forest` is the job (``figure3_contrast_forest``): the effects of every pair
of levels of the contrast that ``figures: figure3_contrast_forest: contrast`` names
(``results/compare/<contrast>.parquet``), in sections of the config's score roles,
drawn by :func:`forest_plot`.

Decisions
---------
- Every pair is drawn (the effect sizes a reader interprets); the omnibus test across
  three or more levels has no interval on the pairs' scale and stays in the tables.
- With one pair (two levels) each panel has its own colour and a column of n; with several,
  each pair has its own colour and marker in every panel, its estimates stacked within the
  score's row in the levels' order, and a legend names the pairs. The n of a pair is
  then left to the tables (several numbers per row would not be legible at print size).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import ticker, transforms
from matplotlib.lines import Line2D

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.drawing import (
    estimate_with_ci,
    is_significant,
    n_heading,
    significance_handles,
)
from coprod.exhibits.figures.labels import known_level_labels, role_scores
from coprod.exhibits.figures.style import (
    DOUBLE,
    MARKERS,
    Look,
    drawn_as,
    plt,
    style_colours,
    text_size,
)
from coprod.resources import Study
from coprod.vocabulary import PAIR

ROW_INCHES = 0.13
"""Height of a section title's row, and of a score's row with one pair (inches)."""
PAIR_ROWS = 0.45
"""Height each further pair adds to a score's row, in rows (0.45 x 0.13 in: 4 pt)."""


def contrast_forest(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 3 from a contrast's effects (``inputs["effects"]``).

    ``settings``: ``figure`` (its config entry: ``sections``, ``effects``, ``width``),
    ``contrast`` (the contrast's config entry), ``scores`` (the score roles), ``alpha``
    and ``style``.
    """
    figure = settings["figure"]
    catalogue = score_catalogue(study.codebook)
    effects = pd.read_parquet(inputs["effects"])
    effects = effects[(effects["comparison"] == PAIR).to_numpy()]
    sections = [
        (section["title"], role_scores(catalogue, settings["scores"][section["score"]]))
        for section in figure["sections"]
    ]
    labels = known_level_labels(study.registries, settings["contrast"]["column"])
    pairs = list(
        dict.fromkeys(
            zip(effects["group_1"].astype(str), effects["group_2"].astype(str), strict=True)
        )
    )
    return forest_plot(
        effects,
        sections=sections,
        outcome_labels=catalogue["label"].to_dict(),
        effect_labels=figure["effects"],
        pair_labels={pair: tuple(labels.get(level, level) for level in pair) for pair in pairs},
        alpha=settings["alpha"],
        look=drawn_as(settings),
    )


def forest_plot(
    effects: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    pair_labels: Mapping[tuple[str, str], tuple[str, str]],
    sections: Sequence[tuple[str, Sequence[str]]],
    outcome_labels: Mapping[str, str],
    effect_labels: Mapping[str, str],
    alpha: float = 0.05,
) -> plt.Figure:
    """Forest plot of a contrast's pairs: one column per effect size, outcomes in sections.

    Parameters
    ----------
    effects : pandas.DataFrame
        Pair rows of a contrast's records (``results/compare/<contrast>.parquet``):
        ``outcome``, ``group_1``, ``group_2``, ``effect``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p``, ``p_adj``, ``family``, ``correction``, ``n`` (every effect of
        the families drawn, so that the note counts each family's tests).
    pair_labels : mapping
        Each pair ``(x, y)`` (as text), in the order drawn -> the labels of x and y
        (positive effects: x higher).
    sections : sequence of (title, outcome ids)
        Blocks of rows, drawn top to bottom with their titles.
    outcome_labels : mapping
        Outcome id -> row label.
    effect_labels : mapping
        Effect name (the ``effect`` column) -> axis label, one panel each, in order.
    alpha : float
        Estimates with an adjusted p under this are drawn filled.
    """
    effect_names = list(effect_labels)
    pairs = list(pair_labels)
    several = len(pairs) > 1
    rows: list[tuple[str, str | None, float]] = []  # (label, outcome or None, height in rows)
    for title, outcomes in sections:
        rows.append((title, None, 1.0))
        rows += [(outcome_labels[o], o, 1.0 + PAIR_ROWS * (len(pairs) - 1)) for o in outcomes]
    heights = np.array([height for _, _, height in rows])
    centres = np.cumsum(heights) - heights / 2 - 0.5  # the first row centred at 0
    total = float(heights.sum())
    offsets = PAIR_ROWS * (np.arange(len(pairs)) - (len(pairs) - 1) / 2)
    table = {
        (str(r.outcome), str(r.effect), str(r.group_1), str(r.group_2)): r
        for r in effects.itertuples(index=False)
    }

    def found(outcome: str, effect: str, pair: tuple[str, str]) -> Any:
        row = table.get((outcome, effect, *pair))
        return None if row is None or pd.isna(row.estimate) else row

    legend_rows = 1 + (len(pairs) + 2) // 3 if several else 1
    with look.drawing():
        colours = style_colours()
        fig, axes = plt.subplots(
            1,
            len(effect_names),
            figsize=look.size(ROW_INCHES * total + 1.15 + 0.15 * legend_rows),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        axes = axes[0]
        for k, (ax, effect) in enumerate(zip(axes, effect_names, strict=True)):
            extent = 0.0
            for (_, outcome, _), centre in zip(rows, centres, strict=True):
                for j, pair in enumerate(pairs):
                    row = None if outcome is None else found(outcome, effect, pair)
                    if row is None:
                        continue
                    style = j if several else k
                    estimate_with_ci(
                        ax,
                        {"estimate": row.estimate, "ci_low": row.ci_low, "ci_high": row.ci_high},
                        centre + offsets[j],
                        colour=colours[style % len(colours)],
                        marker=MARKERS[style % len(MARKERS)],
                        filled=is_significant(row.p_adj, alpha),
                        size=3.5 if several else 4,
                        line_width=0.9 if several else 1.0,
                        edge_width=0.9,
                    )
                    extent = max(extent, abs(row.ci_low), abs(row.ci_high))
            limit = np.ceil(extent * 1.15 * 10) / 10 if extent else 1.0
            ax.set_xlim(-limit, limit)
            ax.xaxis.set_major_locator(
                ticker.MaxNLocator(nbins=5, symmetric=True, steps=[1, 2, 2.5, 5, 10])
            )
            ax.axvline(0, color="#444444", linewidth=0.6, zorder=0)
            for (_, outcome, height), centre in zip(rows, centres, strict=True):
                if outcome is None:
                    ax.axhspan(
                        centre - height / 2,
                        centre + height / 2,
                        color="#EFEFEF",
                        linewidth=0,
                        zorder=-1,
                    )
            _not_estimated(
                ax, rows, centres, lambda o, e=effect: any(found(o, e, p) for p in pairs)
            )
            ax.set_xlabel(effect_labels[effect])
            ax.grid(axis="x", color="#E0E0E0", linewidth=0.4)
            ax.set_axisbelow(True)
        if not several:
            _n_column(axes[-1], rows, centres, lambda o: found(o, effect_names[0], pairs[0]))
        axes[0].set_yticks(centres, [label for label, _, _ in rows])
        axes[0].set_ylim(total - 0.5, -0.5)
        axes[0].tick_params(axis="y", length=0)
        for tick, (_, outcome, _) in zip(axes[0].get_yticklabels(), rows, strict=True):
            if outcome is None:
                tick.set_fontweight("bold")
        adjusted = family_note(effects, effect_labels)
        handles = [
            *significance_handles(alpha, size=4),
            Line2D([], [], color="#444444", label="95% CI"),
        ]
        columns = 3
        if several:
            # Two columns: what a marker's fill and line mean, then one entry per pair.
            keys = [
                Line2D(
                    [],
                    [],
                    color=colours[j % len(colours)],
                    marker=MARKERS[j % len(MARKERS)],
                    markersize=3.5,
                    linewidth=0.9,
                    label=f"{x} vs {y}",
                )
                for j, (x, y) in enumerate(pair_labels.values())
            ]
            length = max(len(handles), len(keys))
            blank = Line2D([], [], linestyle="none", label=" ")
            handles += [blank] * (length - len(handles)) + keys + [blank] * (length - len(keys))
            columns = 2
            direction = "higher in the first level of the pair"
        else:
            x, y = pair_labels[pairs[0]]
            direction = f"higher in {x} than in {y}"
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=columns,
            title=f"Positive values: {direction}.\n{adjusted}",
            title_fontsize=text_size(-1),
        )
    return fig


def family_note(effects: pd.DataFrame, effect_labels: Mapping[str, str]) -> str:
    """Which correction adjusted the p of which effects: one clause per family of tests.

    Each family (the ``family`` column) is named by its correction, its number of tests
    (p values given) and its effects: the drawn ones by their axis label (up to " ("),
    the others by name (underscores as spaces), "not drawn".

    >>> effects = pd.DataFrame({"family": ["f", "f", "g", "g"],
    ...     "correction": ["Holm", "Holm", "BH", "BH"], "p": [0.1, 0.2, 0.3, 0.4],
    ...     "effect": ["r", "r", "g", "odds"]})
    >>> family_note(effects, {"r": "Rank r (primary)", "g": "g"}).split(": ")[1]
    'Holm over 2 tests (Rank r); BH over 2 tests (g; odds, not drawn).'
    """
    clauses = []
    for (_, correction), part in effects.groupby(["family", "correction"], sort=False):
        names = [
            effect_labels[e].split(" (")[0]
            if e in effect_labels
            else f"{e.replace('_', ' ')}, not drawn"
            for e in dict.fromkeys(part["effect"].astype(str))
        ]
        tests = int(part["p"].notna().sum())
        clauses.append(f"{correction} over {tests} tests ({'; '.join(names)})")
    return "p adjusted per family of tests: " + "; ".join(clauses) + "."


def _not_estimated(
    ax: plt.Axes, rows: Sequence[tuple[str, str | None, float]], centres: np.ndarray, has: Any
) -> None:
    """Say "not estimated" over a section without this panel's effect (e.g. Hedges' g of a
    yes/no score)."""
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and rows[end][1] is not None:
            end += 1
        outcomes = [outcome for _, outcome, _ in rows[start + 1 : end]]
        if outcomes and not any(has(o) for o in outcomes):
            ax.text(
                0,
                (centres[start + 1] + centres[end - 1]) / 2,
                "not estimated",
                ha="center",
                va="center",
                fontsize=text_size(-1),
                color="#757575",
                style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )
        start = end


def _n_column(
    ax: plt.Axes, rows: Sequence[tuple[str, str | None, float]], centres: np.ndarray, row_of: Any
) -> None:
    """The n of the single pair at the right of the last panel."""
    transform = transforms.blended_transform_factory(ax.transAxes, ax.transData)
    n_heading(ax, 1.03, transform, -1)
    for (_, outcome, _), centre in zip(rows, centres, strict=True):
        row = None if outcome is None else row_of(outcome)
        if row is None:
            continue
        ax.text(
            1.03,
            centre,
            f"{int(row.n)}",
            transform=transform,
            ha="left",
            va="center",
            fontsize=text_size(-1),
            color="#444444",
        )
