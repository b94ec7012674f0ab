"""Table 11: the stakeholder groups compared on every barrier and risk score.

The job of the rule ``table11_stakeholder_groups`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_p,
    is_missing,
    mean_or_percent,
    number_text,
)
from coprod.exhibits.labels import Labels, listing
from coprod.exhibits.model import Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import (
    EFFECT_SYMBOLS,
    STATISTIC_SYMBOLS,
    correction_of,
    group_counts,
    one_row,
    protect_group_means,
    read,
    test_columns,
    tested_groups,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def stakeholder_groups(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 11: the stakeholder groups compared on every barrier and risk score.

    Reads ``tests`` (``results/compare/stakeholder_groups.parquet``) and ``scores``;
    settings: ``column``, ``family`` (config ``compare.stakeholder_groups``), ``kinds``,
    ``decimals``, ``min_cell``.

    Returns one row per score: per group n, mean or % (and yes count); the test across the
    groups (Kruskal-Wallis, or chi-squared for a yes/no score) with its effect size, CI and
    adjusted p.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    column = str(settings["column"])
    tests = read(inputs, "tests")
    tests = tests[tests["family"] == settings["family"]]
    correction = correction_of(tests)
    levels = labels.levels(column)
    outcomes, level_labels, table = tested_groups(
        labels, inputs, tests, settings["kinds"], column, levels
    )
    records = []
    for outcome in outcomes:
        test = one_row(tests, outcome=outcome)
        record = test_columns(test, correction)
        record["Test"] = (
            ""
            if test is None or is_missing(test["statistic_name"])
            else STATISTIC_SYMBOLS.get(str(test["statistic_name"]), str(test["statistic_name"]))
        )
        record["Effect size"] = (
            ""
            if test is None or is_missing(test["effect"])
            else EFFECT_SYMBOLS.get(str(test["effect"]), str(test["effect"]))
        )
        records.append(record)
    table = pd.concat([table, pd.DataFrame(records)], axis=1)
    protector = Protector(table, min_cell)
    protect_group_means(protector, level_labels)
    mean_or_pct = mean_or_percent(decimals["mean"], decimals["percent"])
    statistic = decimals["statistic"]
    effect = decimals["effect"]

    def test_text(values: Sequence[Any]) -> str:
        name, value = values
        return "" if value is None else f"{name} = {number_text(value, statistic)}"

    def effect_text(values: Sequence[Any]) -> str:
        name, value, low, high = values
        if value is None:
            return ""
        text = f"{name} = {number_text(value, effect)}"
        if low is not None and high is not None:
            text += f" [{number_text(low, effect)}, {number_text(high, effect)}]"
        return text

    columns = [
        Column("Outcome", ("Outcome",), numeric=False),
        Column("Measure", ("Measure",), numeric=False),
        *(Column(label, (f"{label}: mean", f"{label}: %"), mean_or_pct) for label in level_labels),
        Column("n", ("All: n",), fmt_count),
        Column("Test", ("Test", "Statistic"), test_text),
        Column(
            "Effect [95% CI]",
            ("Effect size", "Effect", "Effect 95% CI low", "Effect 95% CI high"),
            effect_text,
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    counts, complements = group_counts(level_labels)
    notes = [
        f"Mean of each {listing(settings['kinds'])} scale, or the % answering yes of a "
        "yes/no score, per "
        f"{labels.design(column).lower()}; n: respondents who answered.",
        f"Test across the {len(levels)} groups: Kruskal-Wallis H with ε² (noncentral χ² 95% CI), "
        f"or Pearson's χ² with Cramér's V for a yes/no score; p adjusted for the "
        f"{len(outcomes)} scores by the {correction} method. A blank test could not be "
        "computed (a group with fewer than 2 answers).",
        masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            "table11_stakeholder_groups",
            title="Barriers and risks by stakeholder group",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
            section="Measure",
            hidden=["_outcome", "_binary"],
        )
    ]
