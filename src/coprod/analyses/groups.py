"""Differences across the levels of a column: the cases, the stakeholder groups.

An omnibus test per outcome (Kruskal-Wallis with epsilon-squared for a scale or
ordinal score; Pearson's chi-squared with Cramér's V for a 0/1 score) and pairwise
Mann-Whitney follow-ups, each in its own family of config ``compare.families``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import item_catalogue, read_frame, scored_survey, scores_of
from coprod.analyses.records import (
    adjusted,
    attempt,
    column_levels,
    finalise,
    monte_carlo,
    outcome_labels,
)
from coprod.resources import Study
from coprod.stats.contingency import chi_square
from coprod.stats.group_tests import kruskal_wallis, mann_whitney, pairwise_mann_whitney
from coprod.stats.records import DEFAULT_SEED
from coprod.vocabulary import POOLED

__all__ = ["across_groups", "group_differences"]


def across_groups(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    column: str,
    family: str,
    pairwise_family: str | None = None,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
    analysis: str | None = None,
) -> pd.DataFrame:
    """Differences between the levels of a column: an omnibus test and pairwise follow-ups.

    The omnibus test is Kruskal-Wallis with epsilon-squared (noncentral chi-squared CI) for an
    ordinal or scale score, and Pearson's chi-squared with Cramér's V for a 0/1
    score (Fisher's exact or Monte Carlo p where an expected count is under 5).
    Follow-ups are Mann-Whitney tests of every pair of levels, with rank-biserial
    r (for a 0/1 score r is the difference of the two shares).

    Parameters
    ----------
    data : pandas.DataFrame
        Scores (or keyed items) with the grouping column.
    outcomes : sequence of str
        Columns to test; rows of ``catalogue``.
    catalogue : pandas.DataFrame
        :func:`score_catalogue` or :func:`item_catalogue`.
    column : str
        The grouping column (e.g. the case); levels in category order.
    family, pairwise_family : str
        Families of the omnibus tests and of the follow-ups; no follow-ups if None.
    n_mc, seed
        Monte Carlo tables of a chi-squared p with small expected counts, their seed.
    analysis : str, optional
        Name in the ``analysis`` column (default ``"across_<column>"``).

    Returns
    -------
    pandas.DataFrame
        Omnibus rows (``contrast`` "all levels"), then pairwise rows (``group_1``,
        ``group_2``, ``contrast`` "<group_1> vs <group_2>").
    """
    analysis = analysis or f"across_{column}"
    order = [level for level in column_levels(data[column])]
    groups = pd.Series(pd.Categorical(data[column], categories=order), index=data.index)
    rows, pairs = [], []
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        values = data[outcome].astype("float64")
        where = f"{analysis} of {outcome}"
        if catalogue.loc[outcome, "binary"]:
            keep = values.notna().to_numpy()
            record = attempt(where, chi_square, values[keep], groups[keep], n_mc=n_mc, seed=seed)
        else:
            record = attempt(where, kruskal_wallis, values, groups)
        rows.append(
            {
                "analysis": analysis,
                **labels,
                "by": column,
                "group": POOLED,
                "contrast": "all levels",
                **record,
                "family": family,
            }
        )
        if pairwise_family is None:
            continue
        try:
            pairwise = pairwise_mann_whitney(values, groups)
        except ValueError as error:
            print(f"warning: pairwise {where}: {error}", file=sys.stderr)
            pairwise = _pairwise_one_by_one(values, groups)
        for record in pairwise.to_dict("records"):
            first, second = str(record.pop("group_1")), str(record.pop("group_2"))
            pairs.append(
                {
                    "analysis": f"{analysis}_pairwise",
                    **labels,
                    "by": column,
                    "group": POOLED,
                    "contrast": f"{first} vs {second}",
                    "group_1": first,
                    "group_2": second,
                    **record,
                    "family": pairwise_family,
                }
            )
    return finalise(pd.DataFrame(rows + pairs))


def _pairwise_one_by_one(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Pairwise Mann-Whitney where some groups are too small: empty records for those."""
    order = list(groups.cat.categories)
    records = []
    for i, first in enumerate(order):
        for second in order[i + 1 :]:
            x = values[(groups == first).to_numpy()]
            y = values[(groups == second).to_numpy()]
            test = attempt(f"{first} vs {second}", mann_whitney, x, y)
            records.append({"group_1": first, "group_2": second, **test})
    return pd.DataFrame(records)


def group_differences(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_across_groups``: across the cases and across the stakeholder groups.

    Every score of the compared kinds across the cases and across the stakeholder
    groups (omnibus and pairwise), and the items of the barriers-met scales across the
    cases (omnibus only).

    Reads ``scores`` and ``item_data``; settings: ``across_cases`` and
    ``stakeholder_groups`` (config ``compare``: the column and the families), ``kinds``
    (``compare.outcome_kinds``), ``items_of`` (the role whose items are tested),
    ``families``, ``n_mc`` and ``seed``. Its records: ``across_cases`` (scores, then
    items) and ``stakeholder_groups``.
    """
    scores, catalogue = scored_survey(study, inputs)
    outcomes = scores_of(catalogue, settings["kinds"])
    tables = {}
    for name in ("across_cases", "stakeholder_groups"):
        spec = settings[name]
        tables[name] = across_groups(
            scores,
            outcomes,
            catalogue,
            column=spec["column"],
            family=spec["family"],
            pairwise_family=spec["pairwise_family"],
            **monte_carlo(settings),
        )
    cases, items_of = settings["across_cases"], settings["items_of"]
    labels = item_catalogue(study.codebook, items_of["kind"], items_of["measure"])
    by_item = across_groups(
        read_frame(inputs, "item_data"),
        list(labels.index),
        labels,
        column=cases["column"],
        family=cases["item_family"],
        analysis=f"items_across_{cases['column']}",
        **monte_carlo(settings),
    )
    tables["across_cases"] = pd.concat([tables["across_cases"], by_item], ignore_index=True)
    return adjusted(tables, settings["families"])
