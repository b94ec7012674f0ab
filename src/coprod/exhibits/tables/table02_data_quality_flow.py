"""Table 2: how many responses each exclusion step removed, per case and pooled.

The job of the rule ``table02_data_quality_flow`` (:mod:`coprod.exhibits.registry`).

Decisions
---------
Exclusion counts are counts of people (responses) and are masked like any other. Per
case, the number remaining after each step is therefore not shown: with masked
exclusions, consecutive remaining counts would give them back by subtraction. Per case
the table shows responses received, each step's exclusions and the included responses;
pooled over cases it also shows what remains after each step, masked where it would
isolate a masked exclusion (:func:`cumulative_mask`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import fmt_count, is_missing
from coprod.exhibits.labels import Labels, humanise, step_label
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import as_count, as_text, one_row, read, rows_of
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import POOLED


def cumulative_mask(excluded_masked: Sequence[bool]) -> list[bool]:
    """Which counts remaining after each step would isolate one masked exclusion.

    The count remaining after step m gives away the sum of the masked exclusions up to
    m, and (with the final count) the sum of those after m; either sum isolates a
    masked count when it holds exactly one.

    Examples
    --------
    >>> cumulative_mask([False, True, False, True, False])
    [False, True, True, False, False]
    """
    flags = [bool(v) for v in excluded_masked]
    total = sum(flags)
    out = []
    for m in range(len(flags)):
        before = sum(flags[: m + 1])
        after = total - before
        out.append(before == 1 or after == 1)
    return out


def data_quality_flow(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 2: how many responses each exclusion step removed, per case and pooled.

    Reads ``flow`` (``results/clean/flow.parquet``); settings: ``step_labels`` (config
    ``exhibits.step_labels``), ``exclusions`` (config ``exclusions``: the values the labels
    name), ``min_cell``.

    Returns rows: responses received, each step's exclusions (in the order applied), the
    responses included, and the straight-liners flagged but kept; columns: one per case, all
    cases, and what remains after each step (all cases).
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    flow = read(inputs, "flow")
    flow = flow[as_text(flow["sample"]) == POOLED]
    cases = [c for c in as_text(flow["case"]).unique() if c != POOLED]
    order = {case: i for i, case in enumerate(labels.levels("case"))}
    cases = sorted(cases, key=lambda c: order.get(c, len(order)))
    case_labels = [labels.case(c) if c in order else humanise(f"case {c}") for c in cases]
    steps = list(flow.sort_values("step_number")["step"].astype(str).unique())
    received, exclusions = steps[0], steps[1:]

    def value(case: str, step: str, column: str) -> Any:
        row = one_row(flow, case=case, step=step)
        return pd.NA if row is None else as_count(row[column])

    records = []

    def add(key: str, label: str, column: str, step: str) -> None:
        record: dict[str, Any] = {"Step": label, "_step": key}
        for case, case_label in zip(cases, case_labels, strict=True):
            record[case_label] = value(case, step, column)
        record["All cases"] = value(POOLED, step, column)
        record["Remaining (all cases)"] = (
            value(POOLED, step, "remaining") if column != "flagged_kept" else pd.NA
        )
        records.append(record)

    add(received, step_label(received, settings), "remaining", received)
    for step in exclusions:
        row = one_row(flow, case=POOLED, step=step)
        label = step_label(step, settings)
        if row is not None and not is_missing(row["enabled"]) and not bool(row["enabled"]):
            label += " (step switched off)"
        add(step, label, "excluded", step)
    add("included", step_label("included", settings), "remaining", exclusions[-1])
    kept_step = next(
        (s for s in exclusions if not rows_of(flow, step=s)["flagged_kept"].isna().all()), None
    )
    if kept_step is not None:
        add("flagged_kept", step_label("flagged_kept", settings), "flagged_kept", kept_step)
    table = pd.DataFrame(records)
    count_columns = [*case_labels, "All cases", "Remaining (all cases)"]
    for column in count_columns:
        table[column] = table[column].astype("Int64")

    protector = Protector(table, min_cell)
    step_rows = table.index[table["_step"].isin(exclusions)]
    other_rows = table.index[~table["_step"].isin(exclusions)]
    for _ in range(10):
        before = protector.masked.to_numpy().copy()
        protector.protect(step_rows, case_labels, secondary="both")
        protector.protect(step_rows, ["All cases"], secondary="columns")
        for row in other_rows:
            protector.protect([row], case_labels, secondary="rows")
            protector.protect([row], ["All cases"])
        if (protector.masked.to_numpy() == before).all():
            break
    remaining_masked = cumulative_mask(protector.masked.loc[step_rows, "All cases"])
    hide = pd.Series(False, index=table.index)
    hide.loc[step_rows] = remaining_masked
    protector.table["Remaining (all cases)"] = protector.table["Remaining (all cases)"].mask(hide)
    protector.masked["Remaining (all cases)"] |= hide
    protector.protect(step_rows, ["Remaining (all cases)"])

    columns = [
        Column("Step", ("Step",), numeric=False),
        *(Column(label, (label,), fmt_count) for label in case_labels),
        Column("All cases", ("All cases",), fmt_count),
        Column("Remaining (all cases)", ("Remaining (all cases)",), fmt_count),
    ]
    notes = [
        "Survey responses (all samples) removed by each data-quality rule, applied in the "
        "order shown, each to the responses the earlier rules left; the last row counts "
        "the straight-liners flagged at their step but not excluded by it (they are "
        "analysed).",
        labels.case_note(),
        masking_note(min_cell),
        "Per case, the count remaining after each step is not shown: it would give masked "
        "exclusion counts back by subtraction; it is shown pooled over the cases, masked "
        "where it would isolate a masked count.",
    ]
    return [
        protector.exhibit(
            "table02_data_quality_flow",
            title="Data-quality flow: responses excluded by each rule, per case",
            columns=columns,
            notes=notes,
            counts=count_columns,
            hidden=["_step"],
            blanks=[
                Blank(
                    "not_applicable",
                    "the flagged straight-liners were kept: they change no remaining count",
                    ("Remaining (all cases)",),
                    tuple(table.index[table["_step"] == "flagged_kept"]),
                )
            ],
        )
    ]
