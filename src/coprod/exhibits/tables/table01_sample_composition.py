"""Table 1: included respondents by case, sample and stakeholder group; focus groups
and their participants.

The job of the rule ``table01_sample_composition`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coprod.exhibits.formatting import fmt_count
from coprod.exhibits.labels import Labels, humanise
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import as_text, read
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import POOLED


def sample_composition(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 1: included respondents by case, sample and stakeholder group; focus groups.

    Reads ``scores`` (``results/scoring/scores.parquet``: the included responses) and
    ``segments`` (``results/ingest/focus_group_segments.parquet``); settings: ``min_cell``
    (config ``disclosure.min_cell``).

    Returns one exhibit: a row per case and sample, a row per case over both samples, and
    the same for all cases; a column per stakeholder group, the total, the focus groups held
    and their participants (distinct speakers).
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    scores = read(inputs, "scores")
    segments = read(inputs, "segments")
    cases = labels.levels("case")
    groups = labels.levels("group_id")
    group_labels = [labels.level("group_id", g) for g in groups]
    samples = sorted(
        {str(s) for s in scores["sample"].dropna()} | {str(s) for s in segments["sample"]},
        key=lambda s: (len(s), s),
    )
    responses = pd.DataFrame(
        {
            "case": as_text(scores["case"]),
            "sample": as_text(scores["sample"]),
            "group": as_text(scores["group_id"]),
        }
    )
    talk = pd.DataFrame(
        {
            "case": as_text(segments["case"]),
            "sample": as_text(segments["sample"]),
            "focus_group": as_text(segments["focus_group"]),
            "speaker": as_text(segments["focus_group"]) + "/" + as_text(segments["speaker"]),
        }
    )
    attributes = labels.case_attributes()
    records = []
    for case in [*cases, POOLED]:
        for sample in [*samples, POOLED]:
            chosen = responses
            spoken = talk
            if case != POOLED:
                chosen = chosen[chosen["case"] == case]
                spoken = spoken[spoken["case"] == case]
            if sample != POOLED:
                chosen = chosen[chosen["sample"] == sample]
                spoken = spoken[spoken["sample"] == sample]
            record: dict[str, Any] = {"Case": labels.case(case)}
            for attribute in attributes:
                record[humanise(attribute)] = (
                    "" if case == POOLED else humanise(str(study.cases.loc[case, attribute]))
                )
            record["Sample"] = "All" if sample == POOLED else sample
            counts = chosen["group"].value_counts()
            for group, label in zip(groups, group_labels, strict=True):
                record[label] = int(counts.get(group, 0))
            record["Total"] = len(chosen)
            record["Focus groups"] = spoken["focus_group"].nunique()
            record["Participants"] = spoken["speaker"].nunique()
            records.append(record)
    table = pd.DataFrame(records)
    for column in [*group_labels, "Total", "Focus groups", "Participants"]:
        table[column] = table[column].astype("Int64")
    table["_case"] = [case for case in [*cases, POOLED] for _ in [*samples, POOLED]]
    table["_sample"] = [sample for _ in [*cases, POOLED] for sample in [*samples, POOLED]]

    protector = Protector(table, min_cell)
    inner = table.index[(table["_case"] != POOLED) & (table["_sample"] != POOLED)]
    case_totals = table.index[(table["_case"] != POOLED) & (table["_sample"] == POOLED)]
    sample_totals = table.index[(table["_case"] == POOLED) & (table["_sample"] != POOLED)]
    grand = table.index[(table["_case"] == POOLED) & (table["_sample"] == POOLED)]
    for _ in range(10):
        before = protector.masked.to_numpy().copy()
        for columns, rows_rule in (
            (group_labels, True),
            (["Total"], False),
            (["Participants"], False),
        ):
            both = "both" if rows_rule else "columns"
            protector.protect(inner, columns, secondary=both, by=["_case"])
            protector.protect(inner, columns, secondary=both, by=["_sample"])
            protector.protect(case_totals, columns, secondary=both)
            protector.protect(sample_totals, columns, secondary=both)
            protector.protect(grand, columns)
        if (protector.masked.to_numpy() == before).all():
            break
    counts = [*group_labels, "Total", "Participants"]
    columns = [
        Column("Case", ("Case",), numeric=False),
        *(Column(humanise(a), (humanise(a),), numeric=False) for a in attributes),
        Column("Sample", ("Sample",), numeric=False),
        *(Column(label, (label,), fmt_count) for label in group_labels),
        Column("Total", ("Total",), fmt_count),
        Column("Focus groups", ("Focus groups",), fmt_count),
        Column("Participants", ("Participants",), fmt_count),
    ]
    n_included = int(table.loc[grand[0], "Total"])
    notes = [
        f"Respondents included after the exclusions of Table 2 (n = {n_included}), by case, "
        "survey sample and stakeholder group; focus groups held in each case and sample, and "
        "their participants (distinct speakers).",
        masking_note(min_cell),
        "Focus groups count meetings, not people, and are not masked.",
    ]
    return [
        protector.exhibit(
            "table01_sample_composition",
            title="Sample composition: included respondents by case, stakeholder group and "
            "sample; focus groups and participants",
            columns=columns,
            notes=notes,
            counts=counts,
            not_counts_of_people={"Focus groups": "focus groups held (meetings, not people)"},
            section="Case",
            hidden=["_case", "_sample"],
            blanks=[
                Blank(
                    "not_applicable",
                    f"the rows of {labels.case(POOLED)} pool cases of every "
                    + " and ".join(humanise(a).lower() for a in attributes),
                    tuple(humanise(a) for a in attributes),
                    tuple(table.index[table["_case"] == POOLED]),
                )
            ]
            if attributes
            else [],
        )
    ]
