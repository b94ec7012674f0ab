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
from matplotlib.ticker import MaxNLocator

from coprod.analyses.catalogue import score_catalogue
from coprod.exhibits.figures.drawing import MUTED
from coprod.exhibits.figures.labels import level_labels, role_scores
from coprod.exhibits.figures.style import (
    DOUBLE,
    MARKERS,
    NEUTRAL,
    Look,
    drawn_as,
    plt,
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
    constructs = codebook.constructs["label"]
    return diverging_bars(
        distribution,
        by=by,
        panel_labels=level_labels(study.registries, by),
        item_labels=likert_item_labels(codebook, items, with_construct=False),
        item_groups={i: constructs[codebook.items.loc[i, "construct"]] for i in items},
        code_labels=response_set.values,
        missing_label=" / ".join(label for label, _ in response_set.missing.values()),
        look=drawn_as(settings),
    )


def likert_item_labels(
    codebook: Codebook, items: Sequence[str], *, with_construct: bool = True
) -> dict[str, str]:
    """Short labels of scale items: construct label, item number, "(R)" if reverse-keyed.

    The item number is the item's position in its scale (codebook order), e.g.
    ``"<construct label> 3 (R)"``; without the construct (for items drawn under their
    construct's heading) ``"Item 3 (R)"``.
    """
    labels = {}
    for item in items:
        spec = codebook.items.loc[item]
        number = codebook.scale_items(spec["score"]).index(item) + 1
        construct = codebook.constructs.loc[spec["construct"], "label"]
        name = construct if with_construct else "Item"
        labels[item] = f"{name} {number}" + (" (R)" if bool(spec["reverse"]) else "")
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
    item_groups: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Diverging stacked bars of Likert items, one panel per level of ``by``.

    The neutral (middle) category is centred on zero, disagreement to the left,
    agreement to the right; n is printed beside each bar; the missing code ("don't
    know") is drawn apart at the right, as a dot per panel level (marker shapes, in
    black: colour means an answer category and nothing else); every panel has the same
    x-range so that panels compare. Items are sorted by agreement pooled over panels;
    with ``item_groups`` (item -> the heading of its group, e.g. its scale) they are
    kept in blocks under their heading, the blocks sorted by their pooled agreement.
    ``look``: the journal width and style (:class:`coprod.exhibits.figures.style.Look`).
    """
    codes = list(code_labels)
    middle = len(codes) // 2
    shares = distribution[[f"share_{c}" for c in codes]].to_numpy(dtype=float)
    frame = distribution.assign(
        _agree=shares[:, middle + 1 :].sum(axis=1) * distribution["n"], _n=distribution["n"]
    )
    groups = dict(item_groups or dict.fromkeys(item_labels, ""))
    frame["_group"] = frame["item"].map(groups)
    by_item = frame.groupby("item", sort=False)[["_agree", "_n"]].sum()
    by_group = frame.groupby("_group", sort=False)[["_agree", "_n"]].sum()
    agreement = (by_item["_agree"] / by_item["_n"]).to_dict()
    group_agreement = (by_group["_agree"] / by_group["_n"]).sort_values()
    # Bottom to top: each group's items by agreement, then its heading, then a gap.
    order: list[str] = []
    y_items: list[float] = []
    headings: list[tuple[float, str]] = []
    y = 0.0
    for group in group_agreement.index:
        members = sorted((i for i in item_labels if groups[i] == group), key=agreement.get)
        for item in members:
            order.append(item)
            y_items.append(y)
            y += 1
        if group:
            headings.append((y, group))
            y += 1.4
    top = headings[-1][0] + 1 if headings else y  # one row above the last heading or item
    panels = list(panel_labels)
    colours = _diverging_colours(len(codes))
    height = max(2.0, 0.15 * top + 1.1)
    with look.drawing():
        fig, axes = plt.subplots(
            1,
            len(panels) + 1,
            figsize=look.size(height),
            sharey=True,
            gridspec_kw={"width_ratios": [4] * len(panels) + [1]},
            layout="constrained",
        )
        positions = np.array(y_items)
        for ax, panel in zip(axes[:-1], panels, strict=True):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            values = part[[f"share_{c}" for c in codes]].to_numpy(dtype=float) * 100
            left = -values[:, :middle].sum(axis=1) - values[:, middle] / 2
            for j, code in enumerate(codes):
                ax.barh(
                    positions,
                    values[:, j],
                    left=left,
                    color=colours[j],
                    height=0.75,
                    label=code_labels[code],
                    linewidth=0,
                )
                left = left + values[:, j]
            for yi, n in zip(positions, part["n"], strict=True):
                ax.text(
                    102, yi, f"{n}", va="center", ha="left", fontsize=text_size(-1), color=MUTED
                )
            ax.axvline(0, color=MUTED, linewidth=0.5)
            ax.set_xlim(-100, 100)
            ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
            ax.set_xlabel("% of valid answers")
            ax.set_title(f"{panel_labels[panel]} (n at right)")
        missing_ax = axes[-1]
        for k, panel in enumerate(panels):
            part = distribution[distribution[by] == panel].set_index("item").loc[order]
            missing_ax.plot(
                part["share_missing_code"] * 100,
                positions,
                linestyle="none",
                marker=MARKERS[k % len(MARKERS)],
                markersize=3.2,
                color="black",
                markerfacecolor="black" if k == 0 else "white",
                markeredgewidth=0.6,
                label=panel_labels[panel],
            )
        missing_ax.set_title(missing_label)
        missing_ax.set_xlabel("% of answers")
        # From 0 to a tick past the largest share, so that no marker sits on the edge (the
        # panel is narrow: the default margin is narrower than a marker).
        largest = float(distribution["share_missing_code"].max() * 100)  # NaN: none answered
        ticks = MaxNLocator(nbins=2, steps=[1, 2, 5, 10])
        missing_ax.xaxis.set_major_locator(ticks)
        upper = ticks.tick_values(0, largest * 1.1)[-1] if largest > 0 else 1
        missing_ax.set_xlim(0, upper)
        missing_ax.grid(axis="x", color="#E0E0E0", linewidth=0.4)
        missing_ax.legend(  # under the axis label
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            borderaxespad=3.6,
            handletextpad=0.2,
        )
        axes[0].set_yticks(
            [*positions, *(y for y, _ in headings)],
            [*(item_labels[i] for i in order), *(text for _, text in headings)],
        )
        for tick in axes[0].get_yticklabels()[len(order) :]:
            tick.set_fontweight("bold")
        axes[0].set_ylim(-0.7, top - 0.3)  # the top row's centre is at top - 1
        for ax in axes:
            ax.tick_params(axis="y", length=0)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncol=len(codes))
    return fig


def _diverging_colours(k: int) -> list:
    """k colours from ColorBrewer's colour-blind-safe PuOr scheme, neutral grey in the middle."""
    cmap = matplotlib.colormaps["PuOr"]
    colours = [cmap(x) for x in np.linspace(0.1, 0.9, k)][::-1]
    if k % 2:
        colours[k // 2] = NEUTRAL
    return colours
