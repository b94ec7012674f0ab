"""Differences across the levels of a column: the cases, the stakeholder groups.

The job ``compare_across_groups`` (:func:`group_differences`). Each comparison is the
one k-level comparison of :func:`coprod.analyses.contrasts.compare_levels` (the omnibus
test across the levels, then every pair), as the contrasts are; only the settings differ
(config ``compare.across_cases`` and ``compare.stakeholder_groups``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import item_catalogue, read_frame, scored_survey, scores_of
from coprod.analyses.contrasts import (
    check_declared_levels,
    compare_declared,
    compare_levels,
    described,
)
from coprod.analyses.records import adjusted, monte_carlo, options_of_tests
from coprod.resources import Study

__all__ = ["GROUP_COMPARISONS", "group_differences"]

GROUP_COMPARISONS = ("across_cases", "stakeholder_groups")
"""The sections of config ``compare`` this job compares, each a k-level comparison."""


def group_differences(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_across_groups``: across the cases and across the stakeholder groups.

    Every score of the compared kinds across the levels of each comparison's column
    (omnibus and pairwise, :func:`~coprod.analyses.contrasts.compare_levels`; robustness
    evidence where the section names a ``robustness_family``), and the items of the
    barriers-met scales across the cases (omnibus only).

    Reads ``scores`` and ``item_data``; settings: ``across_cases`` and
    ``stakeholder_groups`` (config ``compare``: the column, the levels and the families),
    ``kinds`` (``compare.outcome_kinds``), ``items_of`` (the role whose items are tested),
    ``families``, ``ordinal``, ``n_mc``, ``seed`` and ``tests`` (the tests' options,
    ``compare.tests``). Its records: ``across_cases``
    (scores, then items) and ``stakeholder_groups``.
    """
    scores, catalogue = scored_survey(study, inputs)
    outcomes = scores_of(catalogue, settings["kinds"])
    check_declared_levels(
        scores,
        {f"compare.{name}": settings[name] for name in GROUP_COMPARISONS},
        described(inputs, "scores"),
    )
    tables = {}
    for name in GROUP_COMPARISONS:
        spec = settings[name]
        tables[name] = compare_declared(
            scores,
            outcomes,
            catalogue,
            spec,
            ordinal=settings.get("ordinal", True),
            **monte_carlo(settings),
            **options_of_tests(settings),
        )
    cases, items_of = settings["across_cases"], settings["items_of"]
    labels = item_catalogue(study.codebook, items_of["kind"], items_of["measure"])
    by_item = compare_levels(
        read_frame(inputs, "item_data"),
        list(labels.index),
        labels,
        column=cases["column"],
        family=cases["item_family"],
        levels=cases.get("levels"),
        analysis=f"items_across_{cases['column']}",
        **monte_carlo(settings),
        **options_of_tests(settings),
    )
    tables["across_cases"] = pd.concat([tables["across_cases"], by_item], ignore_index=True)
    return adjusted(tables, settings["families"])
