"""Table 5: how far each barrier was met, per case and pooled, with the across-case test.

The job of the rule ``table05_barriers_met`` (:mod:`coprod.exhibits.registry`). Each
barrier's row carries the test across the cases; the rows after it, one per pair of cases,
the pairwise tests, as in the tables of :mod:`coprod.exhibits.tables.comparisons`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_mean_sd_n,
    fmt_percent,
    is_missing,
)
from coprod.exhibits.labels import Labels, humanise
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import (
    PAIRS_NOTE,
    Protector,
    masking_note,
    protect_groups,
    protect_pairs,
)
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
    read,
    with_counts,
)
from coprod.exhibits.tables.comparisons import (
    PAIR_TESTS,
    first_row_only,
    printed_tests,
    test_record,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import OMNIBUS, PAIR


def barriers_met(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 5: how far each barrier was met, per case and pooled, with the across-case test.

    Reads ``describe`` (``results/compare/barriers_by_case.parquet``) and ``tests``
    (``results/compare/across_case_tests.parquet``); settings: ``by`` (config
    ``exhibits.by``), ``scores`` (config ``compare.scores.barriers_met``), ``high_rating``,
    ``family`` and ``pairwise_family`` (the across-case tests' families), ``decimals``,
    ``min_cell``.

    Returns one row per barrier scale (codebook order): per group n, mean, SD and the number
    and share of respondents whose mean is at least ``high_rating``; the Kruskal-Wallis test
    across the cases with epsilon-squared and its CI, and the p adjusted within the family;
    then one row per pair of cases: Mann-Whitney U, the rank-biserial r with its CI and the
    p adjusted within the pairwise family.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    by = str(settings["by"])
    high = settings["high_rating"]
    describe = read(inputs, "describe")
    records_of = read(inputs, "tests")
    tests = records_of[
        (records_of["family"] == settings["family"]) & (records_of["comparison"] == OMNIBUS)
    ]
    pairs = records_of[
        (records_of["family"] == settings["pairwise_family"]) & (records_of["comparison"] == PAIR)
    ]
    correction, pair_correction = correction_of(tests), correction_of(pairs)
    pair_keys = list(
        dict.fromkeys(zip(pairs["group_1"].astype(str), pairs["group_2"].astype(str), strict=True))
    )
    levels, level_labels = group_levels(labels, by)
    outcomes = outcome_rows(labels, settings["scores"])
    records = []
    pair_rows: list[tuple[int, int, tuple[str, str]]] = []  # row, its block's first, levels
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
        across = f"All {len(levels) - 1} {labels.design(by).lower()}s" if len(tests) else ""
        first_row = len(records)
        records.append(
            {**record, "Comparison": across, **test_record(test, correction), "_first": True}
        )
        for x, y in pair_keys:
            test = one_row(pairs, outcome=outcome, group_1=x, group_2=y)
            pair_rows.append((len(records), first_row, (labels.level(by, x), labels.level(by, y))))
            records.append(
                {
                    "Barrier": record["Barrier"],
                    "Side": record["Side"],
                    "Comparison": f"{labels.level(by, x)} vs {labels.level(by, y)}",
                    **test_record(test, pair_correction),
                    "_first": False,
                }
            )
    counts = [c for label in level_labels for c in (f"{label}: n", f"{label}: rating ≥ {high} (n)")]
    table = with_counts(pd.DataFrame(records), counts)
    protector = Protector(table, min_cell)
    protect_groups(
        protector,
        table.index[table["_first"]],
        level_labels[:-1],
        level_labels[-1],
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [f"{g}: mean", f"{g}: SD"],
        k=lambda g: f"{g}: rating ≥ {high} (n)",
        k_derived=lambda g: [f"{g}: rating ≥ {high} (%)"],
    )
    pairs_masked = protect_pairs(
        protector,
        pair_rows,
        lambda g: [f"{g}: n", f"{g}: mean", f"{g}: rating ≥ {high} (n)"],
        PAIR_TESTS,
    )
    columns = [
        Column("Barrier", ("Barrier", "_first"), first_row_only, numeric=False),
        Column("Barrier side", ("Side", "_first"), first_row_only, numeric=False),
        Column("Comparison", ("Comparison",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
    ]
    columns += per_group(
        level_labels,
        lambda g: Column(
            f"{g}: mean (SD), n",
            (f"{g}: mean", f"{g}: SD", f"{g}: n"),
            fmt_mean_sd_n(decimals["mean"]),
        ),
        lambda g: Column(
            f"{g}: % ≥ {high}", (f"{g}: rating ≥ {high} (%)",), fmt_percent(decimals["percent"])
        ),
    )
    same = correction == pair_correction or not pair_keys
    columns += printed_tests(decimals, correction if same else "adjusted")
    notes = [
        f"Mean (SD) of each barrier scale ({labels.anchors(outcomes[0])}) and "
        f"the % of respondents whose scale mean is {high} or more, per "
        f"{labels.design(by).lower()} and over all cases, with the respondents who answered "
        "(n); n: respondents who answered over all cases.",
        f"Per barrier, first the Kruskal-Wallis test across the {len(levels) - 1} "
        f"{labels.design(by).lower()}s (H with its df; ε²: its effect size with a noncentral "
        f"χ² 95% CI), p adjusted for the {len(tests)} scores of its family by the "
        f"{correction} method"
        + (
            f"; then each of the {len(pair_keys)} pairs: Mann-Whitney U with the rank-biserial "
            "r (positive: higher in the first named) and its Fisher-z 95% CI, p adjusted over "
            f"the {len(pairs)} pairs of scores and {labels.design(by).lower()}s of its family "
            f"by the {pair_correction} method."
            if pair_keys
            else "."
        ),
        "Barrier side: the side of the co-production relationship the barrier lies on, as "
        "the codebook classes it ("
        + " or ".join(sorted({s.lower() for s in table["Side"] if s}))
        + ").",
        labels.case_note(),
        masking_note(min_cell),
        *([PAIRS_NOTE] if pairs_masked else []),
    ]
    first = table["_first"].astype(bool)
    in_block = tuple(
        c.header
        for c in columns
        if c.header == "n" or c.header.endswith((": mean (SD), n", f": % ≥ {high}"))
    )
    blanks = [
        Blank(
            "in_block",
            f"In the rows of a pair of {labels.design(by).lower()}s, n, the means and the % are "
            "blank: they are those of the barrier's first row (the test across all of them).",
            in_block,
            tuple(table.index[~first]),
        ),
        Blank(
            "not_estimable",
            "a level with fewer than 2 answers",
            tuple(c.header for c in columns[-3:]),
        ),
        Blank(
            "not_applicable",
            "the codebook gives the barrier no side",
            ("Barrier side",),
            tuple(table.index[first & ~table["Side"].astype(bool)]),
        ),
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
            hidden=["_first"],
            blanks=blanks,
        )
    ]
