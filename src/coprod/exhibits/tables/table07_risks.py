"""Table 7: risks experienced and how well they were managed, per case and pooled.

The job of the rule ``table07_risks`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import decimals_of, fmt_count, fmt_mean_sd_n, fmt_percent_n
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import (
    as_count,
    as_float,
    cell,
    group_levels,
    one_at,
    outcome_rows,
    per_group,
    protect_counts,
    protect_shares,
    read,
    share_counts,
    share_table,
)
from coprod.resources import Study


def risks(study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]) -> list[Exhibit]:
    """Table 7: risks experienced and how well they were managed, per case and pooled.

    Reads ``risks`` (``results/compare/risks.parquet``); settings: ``by``, ``experienced``
    and ``managed`` (config ``compare.scores``), ``decimals``, ``min_cell``.

    Returns one row per risk: per group, n answering yes or no, n and % experienced, and
    among those who experienced it, n and mean (SD) of how well it was managed.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    by = str(settings["by"])
    source = read(inputs, "risks")
    experienced = outcome_rows(labels, settings["experienced"])
    managed = outcome_rows(labels, settings["managed"])
    managed_of = {labels.catalogue.loc[o, "construct"]: o for o in managed}
    table, level_labels = share_table(
        labels,
        source,
        experienced,
        by,
        analysis="share_experienced",
        row_label="Risk",
        share_name="experienced",
    )
    levels, _ = group_levels(labels, by)
    for level, label in zip(levels, level_labels, strict=True):
        ns, means, sds = [], [], []
        for outcome in experienced:
            other = managed_of.get(labels.catalogue.loc[outcome, "construct"])
            row = (
                None
                if other is None
                else one_at(source, by, level, analysis="managed", outcome=other)
            )
            ns.append(as_count(cell(row, "n")))
            means.append(as_float(cell(row, "estimate")))
            sds.append(as_float(cell(row, "sd")))
        table[f"{label}: managed (n)"] = pd.array(ns, dtype="Int64")
        table[f"{label}: managed mean"] = means
        table[f"{label}: managed SD"] = sds
    protector = Protector(table, min_cell)
    protect_shares(
        protector,
        level_labels,
        "experienced",
        extra=lambda g: [f"{g}: managed (n)", f"{g}: managed mean", f"{g}: managed SD"],
    )
    protect_counts(protector, level_labels, "managed (n)", ["managed mean", "managed SD"])
    columns = [
        Column("Risk", ("Risk",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
    ]
    columns += per_group(
        level_labels,
        lambda g: Column(
            f"{g}: % experienced (n)",
            (f"{g}: experienced (%)", f"{g}: n"),
            fmt_percent_n(decimals["percent"]),
        ),
        lambda g: Column(
            f"{g}: managed mean (SD), n",
            (f"{g}: managed mean", f"{g}: managed SD", f"{g}: managed (n)"),
            fmt_mean_sd_n(decimals["mean"]),
        ),
    )
    counts, complements = share_counts(level_labels, "experienced")
    counts += [f"{g}: managed (n)" for g in level_labels]
    notes = [
        f"% of respondents who said their initiative experienced the risk (of those who "
        f"answered yes or no, in parentheses; n: all cases), and how well it was managed "
        f"({labels.anchors(managed[0])}), "
        f"mean (SD) among those who experienced it and rated its management (n: how many), per "
        f"{labels.design(by).lower()} and over all cases.",
        labels.case_note(),
        masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            "table07_risks",
            title="Risks experienced and how well they were managed, "
            f"per {labels.design(by).lower()} and pooled",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
            hidden=["_outcome"],
        )
    ]
