"""Figure 6: the staff models - standardised coefficients with their CIs.

:func:`staff_factor` is the job (``figure6_staff_factor``): the standardised OLS
coefficients of the staff models (``results/compare/staff_factor.parquet``, config
``compare: staff``), the main outcomes and, where fitted, each score of the per-score
family, drawn by :func:`coefficient_plot`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from matplotlib.lines import Line2D

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.drawing import estimate_with_ci, is_significant, significance_handles
from coprod.exhibits.figures.style import (
    LETTERS,
    MARKERS,
    SINGLE,
    Look,
    drawn_as,
    plt,
    style_colours,
)
from coprod.resources import Study

MODEL = "standardised_ols"
"""The analysis (results column ``analysis``) whose coefficients are drawn."""


def staff_factor(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 6 from the staff models' coefficients (``inputs["coefficients"]``).

    ``settings``: ``figure`` (its config entry), ``staff`` (config ``compare: staff``),
    ``alpha`` and ``style``.
    """
    figure, staff = settings["figure"], settings["staff"]
    catalogue = score_catalogue(study.codebook)
    table = pd.read_parquet(inputs["coefficients"])
    models = table[table["analysis"] == MODEL]
    main = [o for o in staff["outcomes"] if o in set(models["outcome"])]
    per_score_fitted = set(models.loc[models["family"] == staff["per_score_family"], "outcome"])
    per_score = [o for o in catalogue.index if o in per_score_fitted]
    sections = [(figure["main_title"], main)]
    if per_score:
        sections.append((figure["per_score_title"], per_score))
    labels = dict(zip(models["outcome"], models["outcome_label"], strict=False))
    labels.update({o: catalogue.loc[o, "label"] for o in labels if o in catalogue.index})
    labels.update(figure["outcome_labels"])
    term_labels = dict(zip(models["term"], models["term_label"], strict=False))
    suffix = figure["binary_suffix"]
    term_labels = {
        term: term_labels.get(term, term)
        + (suffix if term in catalogue.index and catalogue.loc[term, "binary"] else "")
        for term in [*staff["predictors"], *staff["covariates"]]
    }
    return coefficient_plot(
        models,
        sections=sections,
        outcome_labels=labels,
        term_labels=term_labels,
        alpha=settings["alpha"],
        look=drawn_as(settings),
    )


def coefficient_plot(
    coefficients: pd.DataFrame,
    *,
    look: Look = SINGLE,
    sections: Sequence[tuple[str, Sequence[str]]],
    outcome_labels: Mapping[str, str],
    term_labels: Mapping[str, str],
    x_label: str = "Standardised coefficient (95% CI)",
    alpha: float = 0.05,
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
    with look.drawing():
        colours = style_colours()
        fig, axes = plt.subplots(
            len(sections),
            1,
            figsize=look.size(0.31 * sum(heights) + 0.45 * len(sections) + 0.9),
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
                    estimate_with_ci(
                        ax,
                        row,
                        y + offset,
                        colour=colours[t % len(colours)],
                        marker=MARKERS[t % len(MARKERS)],
                        filled=is_significant(row["p_adj"], alpha),
                        size=3.6,
                        line_width=0.9,
                        edge_width=0.8,
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
            letter = LETTERS[p] if len(sections) > 1 else None
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
        handles += significance_handles(alpha, size=3.6)
        fig.legend(handles=handles, loc="outside lower center", ncol=2, handlelength=1.6)
    return fig
