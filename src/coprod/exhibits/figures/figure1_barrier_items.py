"""Figure 1: diverging stacked bars of the barrier items, one panel per level of a column.

:func:`barrier_items` is the job (``figure1_barrier_items``): the answers to the items
of the scores of the config's barrier role (``compare: scores: barriers_met``), per
level of ``figures: figure1_barrier_items: by``, drawn by :func:`diverging_bars`.

Decisions
---------
- A bar resting on fewer than ``disclosure: min_cell`` answers stops the job
  (:class:`coprod.exhibits.protection.SmallCellError`) rather than being drawn or hidden: the
  remedy is a coarser ``by``, which the error names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.labels import level_labels, role_scores
from coprod.exhibits.figures.style import (
    DOUBLE,
    NEUTRAL,
    Look,
    drawn_as,
    plt,
    style_colours,
    text_size,
)
from coprod.exhibits.protection import SmallCellError
from coprod.resources import Codebook, Study


def barrier_items(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> plt.Figure:
    """Figure 1 from the clean responses (``inputs["survey"]``).

    ``settings``: ``figure`` (its config entry), ``barriers`` (the score role),
    ``min_cell`` and ``style`` (the config's shared style).
    """
    codebook = study.codebook
    scales = role_scores(score_catalogue(codebook), settings["barriers"])
    items = [item for scale in scales for item in codebook.scale_items(scale)]
    response_set = codebook.response_sets[codebook.items.loc[items[0], "response_set"]]
    by, min_cell = settings["figure"]["by"], settings["min_cell"]
    distribution = likert_distribution(
        pd.read_parquet(inputs["survey"]),
        items,
        list(response_set.values),
        list(response_set.missing),
        by,
    )
    small = distribution[(distribution["n"] > 0) & (distribution["n"] < min_cell)]
    if not small.empty:
        raise SmallCellError(
            f"figure 1: {len(small)} bar(s) rest on fewer than {min_cell} answers "
            f"(config disclosure.min_cell), e.g. item {small['item'].iloc[0]} in "
            f"{small[by].iloc[0]}; choose a coarser `figures.figure1_barrier_items.by`."
        )
    return diverging_bars(
        distribution,
        by=by,
        panel_labels=level_labels(study.registries, by),
        item_labels=likert_item_labels(codebook, items),
        code_labels=response_set.values,
        missing_label=" / ".join(label for label, _ in response_set.missing.values()),
        look=drawn_as(settings),
    )


def likert_item_labels(codebook: Codebook, items: Sequence[str]) -> dict[str, str]:
    """Short labels of scale items: construct label, item number, "(R)" if reverse-keyed.

    The item number is the item's position in its scale (codebook order), e.g.
    ``"<construct label> 3 (R)"``.
    """
    labels = {}
    for item in items:
        spec = codebook.items.loc[item]
        number = codebook.scale_items(spec["score"]).index(item) + 1
        construct = codebook.constructs.loc[spec["construct"], "label"]
        labels[item] = f"{construct} {number}" + (" (R)" if bool(spec["reverse"]) else "")
    return labels


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

    >>> answers = pd.DataFrame({"by": ["x", "x", "y"], "q": [1, 9, 2]})
    >>> likert_distribution(answers, ["q"], [1, 2], [9], "by")[["by", "n", "share_1"]]
      by  n  share_1
    0  x  1      1.0
    1  y  1      0.0
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
    look: Look = DOUBLE,
    by: str,
    panel_labels: Mapping[str, str],
    item_labels: Mapping[str, str],
    code_labels: Mapping[int, str],
    missing_label: str,
) -> plt.Figure:
    """Diverging stacked bars of Likert items, one panel per level of ``by``.

    The neutral (middle) category is centred on zero, disagreement to the left,
    agreement to the right; items are sorted by agreement pooled over panels; n
    is printed beside each bar; the missing code ("don't know") is drawn apart at
    the right; every panel has the same x-range so that panels compare. ``look``: the
    journal width and style (:class:`coprod.exhibits.figures.style.Look`).
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
    with look.drawing():
        fig, axes = plt.subplots(
            1,
            len(panels) + 1,
            figsize=look.size(height),
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
                ax.text(
                    102, yi, f"{n}", va="center", ha="left", fontsize=text_size(-1), color="#444444"
                )
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
            fontsize=text_size(-1),
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
            fontsize=text_size(-1),
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
