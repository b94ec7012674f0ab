"""Table 11: the stakeholder groups compared on every barrier and risk score.

The job of the rule ``table11_stakeholder_groups`` (:mod:`coprod.exhibits.registry`): the
k-level comparison of :mod:`coprod.exhibits.tables.comparisons`, as tables 8 and 9.
"""

from __future__ import annotations

from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Exhibit
from coprod.exhibits.tables.comparisons import comparison_table
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def stakeholder_groups(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 11: the stakeholder groups compared on every barrier and risk score.

    Reads ``tests`` (``results/compare/stakeholder_groups.parquet``) and ``scores``;
    settings: config ``compare.stakeholder_groups`` (``column``, ``family``,
    ``pairwise_family``, ``robustness_family``), ``kinds``, ``decimals``, ``min_cell``.

    Returns, per score, the row of the test across the groups (Kruskal-Wallis, or
    chi-squared for a yes/no score) with every group's mean or % and n, its effect size,
    CI and adjusted p, then one row per pair of groups (Mann-Whitney, rank-biserial r).
    """
    return comparison_table(
        study,
        inputs,
        settings,
        "table11_stakeholder_groups",
        records="tests",
        title=f"Barriers and risks by {Labels(study).design(str(settings['column'])).lower()}",
    )
