"""Table 12: the survey ranking of the barriers beside their focus-group prevalence (12a),
and the rank correlation of the two (12b).

The job of the rule ``table12_joint_display`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_estimate_ci,
    fmt_p,
    fmt_value_rank,
    is_missing,
    number_text,
)
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import (
    as_count,
    as_float,
    cell,
    correction_of,
    group_levels,
    one_at,
    per_group,
    protect_counts,
    read,
    rows_of,
    with_counts,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def joint_display(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 12: survey ranking of the barriers beside their focus-group prevalence.

    Reads ``display`` (``results/compare/joint_display.parquet``) and ``correlation``
    (``results/compare/joint_display_correlation.parquet``); settings: ``by`` (config
    ``compare.focus_groups.joint_by``), ``family``, ``decimals``, ``min_cell``.

    Returns (a) one row per barrier: per group the survey mean with its rank and the share
    of focus-group turns with the barrier's code with its rank; (b) one row per group:
    Spearman's rho between the two rankings with its CI, p and adjusted p.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    by = str(settings["by"])
    display = read(inputs, "display")
    correlation = read(inputs, "correlation")
    correlation = correlation[correlation["family"] == settings["family"]]
    levels, level_labels = group_levels(labels, by)
    outcomes = list(dict.fromkeys(display["outcome"]))
    records = []
    for outcome in outcomes:
        first = rows_of(display, outcome=outcome).iloc[0]
        record: dict[str, Any] = {
            "Barrier": labels.score(outcome)
            if outcome in labels.catalogue.index
            else str(first["outcome_label"]),
            "Focus-group code": labels.code(str(first["code"])),
        }
        for level, label in zip(levels, level_labels, strict=True):
            row = one_at(display, by, level, outcome=outcome)
            record[f"{label}: survey n"] = as_count(cell(row, "survey_n"))
            record[f"{label}: survey mean"] = as_float(cell(row, "survey_mean"))
            record[f"{label}: survey rank"] = as_float(cell(row, "survey_rank"))
            record[f"{label}: turns with code"] = as_count(cell(row, "fg_count"))
            record[f"{label}: turns"] = as_count(cell(row, "fg_turns"))
            record[f"{label}: turns with code (%)"] = 100 * as_float(cell(row, "fg_prevalence"))
            record[f"{label}: focus-group rank"] = as_float(cell(row, "fg_rank"))
        records.append(record)
    table = with_counts(
        pd.DataFrame(records),
        [
            c
            for label in level_labels
            for c in (f"{label}: survey n", f"{label}: turns with code", f"{label}: turns")
        ],
    )
    protector = Protector(table, min_cell)
    protect_counts(protector, level_labels, "survey n", ["survey mean", "survey rank"])
    columns = [
        Column("Barrier", ("Barrier",), numeric=False),
        *per_group(
            level_labels,
            lambda g: Column(
                f"{g}: survey mean (rank)",
                (f"{g}: survey mean", f"{g}: survey rank"),
                fmt_value_rank(decimals["mean"], decimals["rank"]),
            ),
            lambda g: Column(
                f"{g}: % of turns (rank)",
                (f"{g}: turns with code (%)", f"{g}: focus-group rank"),
                fmt_value_rank(decimals["percent"], decimals["rank"]),
            ),
        ),
    ]
    rho_text = []
    for level, label in zip(levels, level_labels, strict=True):
        row = one_at(correlation, by, level)
        if row is not None and not is_missing(row["estimate"]):
            rho_text.append(f"{label} {number_text(row['estimate'], decimals['effect'])}")
    notes = [
        f"Per {labels.design(by).lower()} and over all cases, each barrier's mean survey score "
        "(barrier met) and the % of focus-group speaker turns coded with the barrier's code, "
        "each with its rank among the barriers in parentheses (1 = highest; ties share the mean "
        "rank). The survey means are over the respondents who answered, with the n of each "
        "in Table 5.",
        "Spearman's ρ between the two rankings (Table 12b): " + "; ".join(rho_text) + ".",
        masking_note(min_cell),
        "Focus-group shares count speaker turns, not people, and are not masked.",
    ]
    counts = [f"{g}: survey n" for g in level_labels]
    turn_columns = [c for g in level_labels for c in (f"{g}: turns with code", f"{g}: turns")]
    exhibit_a = protector.exhibit(
        "table12a_joint_display",
        title="Joint display: survey ranking of the barriers beside their focus-group "
        f"prevalence, per {labels.design(by).lower()}",
        columns=columns,
        notes=notes,
        counts=counts,
        not_counts_of_people={c: "speaker turns, not people" for c in turn_columns},
    )
    correction = correction_of(correlation) if len(correlation) else "adjusted"
    rows_b = []
    for level, label in zip(levels, level_labels, strict=True):
        row = one_at(correlation, by, level)
        rows_b.append(
            {
                labels.design(by): label,
                "Barriers": as_count(cell(row, "n")),
                "ρ": as_float(cell(row, "estimate")),
                "ρ 95% CI low": as_float(cell(row, "ci_low")),
                "ρ 95% CI high": as_float(cell(row, "ci_high")),
                "p": as_float(cell(row, "p")),
                f"p ({correction})": as_float(cell(row, "p_adj")),
            }
        )
    table_b = pd.DataFrame(rows_b)
    table_b["Barriers"] = table_b["Barriers"].astype("Int64")
    columns_b = [
        Column(labels.design(by), (labels.design(by),), numeric=False),
        Column("Barriers", ("Barriers",), fmt_count),
        Column(
            "ρ [95% CI]",
            ("ρ", "ρ 95% CI low", "ρ 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column("p", ("p",), fmt_p),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    notes_b = [
        "Spearman's ρ between the survey ranking and the focus-group ranking of the barriers "
        "(Table 12a), with a Fisher-z 95% CI (Bonett-Wright standard error); p from the "
        f"t approximation, adjusted over the {len(rows_b)} rankings by the {correction} method.",
    ]
    exhibit_b = Protector(table_b, min_cell).exhibit(
        "table12b_rank_correlation",
        title="Joint display: agreement of the survey and focus-group rankings of the barriers",
        columns=columns_b,
        notes=notes_b,
        not_counts_of_people={"Barriers": "barriers ranked, not people"},
    )
    return [exhibit_a, exhibit_b]
