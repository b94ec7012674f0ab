"""Table 5: how far each barrier was met, per case and pooled, with the across-case test.

The job of the rule ``table05_barriers_met`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_mean_sd,
    fmt_percent,
    is_missing,
)
from coprod.exhibits.labels import Labels, humanise
from coprod.exhibits.model import Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import (
    as_count,
    as_float,
    cell,
    correction_of,
    group_levels,
    one_at,
    one_row,
    outcome_rows,
    per_group,
    protect_by_group,
    read,
    test_columns,
    test_printed,
    with_counts,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def barriers_met(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 5: how far each barrier was met, per case and pooled, with the across-case test.

    Reads ``describe`` (``results/compare/barriers_by_case.parquet``) and ``tests``
    (``results/compare/across_case_tests.parquet``); settings: ``by`` (config
    ``exhibits.by``), ``scores`` (config ``compare.scores.barriers_met``), ``high_rating``,
    ``family`` (the across-case test's family), ``decimals``, ``min_cell``.

    Returns one row per barrier scale (codebook order): per group n, mean, SD and the number
    and share of respondents whose mean is at least ``high_rating``; the Kruskal-Wallis test
    across the groups with epsilon-squared and its CI, and the p adjusted within the family.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    by = str(settings["by"])
    high = settings["high_rating"]
    describe = read(inputs, "describe")
    tests = read(inputs, "tests")
    tests = tests[tests["family"] == settings["family"]]
    correction = correction_of(tests)
    levels, level_labels = group_levels(labels, by)
    outcomes = outcome_rows(labels, settings["scores"])
    records = []
    for outcome in outcomes:
        spec = labels.catalogue.loc[outcome]
        record: dict[str, Any] = {
            "Barrier": str(spec["label"]),
            "Side": "" if is_missing(spec["side"]) else humanise(str(spec["side"])),
        }
        for level, label in zip(levels, level_labels, strict=True):
            row = one_at(describe, by, level, outcome=outcome)
            n = as_count(cell(row, "n"))
            share = as_float(cell(row, "share_high"))
            record[f"{label}: n"] = n
            record[f"{label}: mean"] = as_float(cell(row, "estimate"))
            record[f"{label}: SD"] = as_float(cell(row, "sd"))
            record[f"{label}: rating ≥ {high} (n)"] = (
                as_count(share * n) if not is_missing(n) and not math.isnan(share) else pd.NA
            )
            record[f"{label}: rating ≥ {high} (%)"] = 100 * share
        test = one_row(tests, outcome=outcome)
        record.update(test_columns(test, correction))
        records.append(record)
    counts = [c for label in level_labels for c in (f"{label}: n", f"{label}: rating ≥ {high} (n)")]
    table = with_counts(pd.DataFrame(records), counts)
    protector = Protector(table, min_cell)
    protect_by_group(
        protector,
        level_labels,
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [f"{g}: mean", f"{g}: SD"],
        k=lambda g: f"{g}: rating ≥ {high} (n)",
        k_derived=lambda g: [f"{g}: rating ≥ {high} (%)"],
    )
    columns = [
        Column("Barrier", ("Barrier",), numeric=False),
        Column("Side", ("Side",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
    ]
    columns += per_group(
        level_labels,
        lambda g: Column(
            f"{g}: mean (SD)", (f"{g}: mean", f"{g}: SD"), fmt_mean_sd(decimals["mean"])
        ),
        lambda g: Column(
            f"{g}: % ≥ {high}", (f"{g}: rating ≥ {high} (%)",), fmt_percent(decimals["percent"])
        ),
    )
    columns += test_printed("H", "ε²", correction, decimals)
    dfs = sorted({int(d) for d in table["df"].dropna()})
    notes = [
        f"Mean (SD) of each barrier scale ({labels.anchors(outcomes[0])}) and "
        f"the % of respondents whose scale mean is {high} or more, per "
        f"{labels.design(by).lower()} and over all cases; n: respondents who answered.",
        f"H: Kruskal-Wallis test across the {len(levels) - 1} cases (df = "
        f"{', '.join(map(str, dfs)) or 'n/a'}); ε²: its effect size with a noncentral χ² 95% CI; "
        f"p adjusted for the {len(outcomes)} barriers by the {correction} method.",
        labels.case_note(),
        masking_note(min_cell),
    ]
    complements = {f"{label}: rating ≥ {high} (n)": f"{label}: n" for label in level_labels}
    return [
        protector.exhibit(
            "table05_barriers_met",
            title="Barriers met: mean (SD) and % rating the barrier high, "
            f"per {labels.design(by).lower()} and pooled, with the across-case test",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
        )
    ]
