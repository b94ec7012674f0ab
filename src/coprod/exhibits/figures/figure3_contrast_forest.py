"""Figure 3: forest plot of a two-level contrast, one panel per effect size.

:func:`contrast_forest` is the job (``figure3_contrast_forest``): the effects of the
contrast that ``figures: figure3_contrast_forest: contrast`` names
(``results/compare/<contrast>.parquet``), in sections of the config's score roles,
drawn by :func:`forest_plot`.
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
    sections = [
        (section["title"], role_scores(catalogue, settings["scores"][section["score"]]))
        for section in figure["sections"]
    ]
    labels = known_level_labels(study.registries, settings["contrast"]["column"])
    x, y = effects["group_1"].iloc[0], effects["group_2"].iloc[0]
    return forest_plot(
        effects,
        sections=sections,
        outcome_labels=catalogue["label"].to_dict(),
        effect_labels=figure["effects"],
        level_labels=(labels.get(str(x), str(x)), labels.get(str(y), str(y))),
        alpha=settings["alpha"],
        look=drawn_as(settings),
    )


def forest_plot(
    effects: pd.DataFrame,
    *,
    look: Look = DOUBLE,
    level_labels: tuple[str, str],
    sections: Sequence[tuple[str, Sequence[str]]],
    outcome_labels: Mapping[str, str],
    effect_labels: Mapping[str, str],
    alpha: float = 0.05,
) -> plt.Figure:
    """Forest plot of a two-level contrast: one column per effect size, outcomes in sections.

    Parameters
    ----------
    effects : pandas.DataFrame
        Rows of a contrast table (``results/compare/<contrast>.parquet``): ``outcome``,
        ``effect``, ``estimate``, ``ci_low``, ``ci_high``, ``p_adj``, ``correction``, ``n``.
    level_labels : (str, str)
        Labels of the two levels x and y (positive effects: x higher).
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
    with look.drawing():
        colours = style_colours()
        fig, axes = plt.subplots(
            1,
            len(effect_names),
            figsize=look.size(0.13 * n_rows + 1.3),
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
                estimate_with_ci(
                    ax,
                    row,
                    y,
                    colour=colour,
                    marker=MARKERS[k % len(MARKERS)],
                    filled=is_significant(row["p_adj"], alpha),
                    size=4,
                    line_width=1.0,
                    edge_width=0.9,
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
                        fontsize=text_size(-1),
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
        n_heading(last, 1.03, transform, -1)
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
                fontsize=text_size(-1),
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
            *significance_handles(alpha, size=4),
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
            title_fontsize=text_size(-1),
        )
    return fig
