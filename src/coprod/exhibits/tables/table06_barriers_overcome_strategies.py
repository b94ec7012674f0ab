"""Table 6: barriers overcome (6a), strategies used (6b), and barrier x strategy in the
focus groups (6c).

The job of the rule ``table06_barriers_overcome_strategies`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    is_missing,
)
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import (
    as_count,
    as_text,
    cell,
    correction_of,
    one_row,
    outcome_rows,
    read,
    rows_of,
    share_panel,
    test_columns,
    test_printed,
)
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def barriers_overcome_and_strategies(
    study: Study, inputs: Inputs, settings: Settings
) -> list[Exhibit]:
    """Table 6: barriers overcome (a), strategies used (b), barrier x strategy in talk (c).

    Reads ``overcome`` (``results/compare/barriers_overcome.parquet``), ``strategies``
    (``results/compare/strategy_use.parquet``) and ``cooccurrence``
    (``results/compare/fg_cooccurrence.parquet``); settings: ``by``, ``overcome`` and
    ``strategies`` (config ``compare.scores``), ``overcome_threshold``, ``strategy_family``,
    ``cooccurrence_family``, ``significance``, ``decimals``, ``min_cell``.

    Returns (a) per barrier and group: answered n, overcome n and %; (b) per strategy and
    group: n, users n and %, with the chi-squared test across the groups and Cramér's V; (c)
    per barrier code (rows) and strategy code (columns): turns coded with both, marked where
    the adjusted p of the association is under ``significance`` and the pair occurs more
    often than expected.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    by = str(settings["by"])
    threshold = settings["overcome_threshold"]
    alpha = float(settings["significance"])

    # (a) barriers overcome
    overcome = read(inputs, "overcome")
    outcomes = outcome_rows(labels, settings["overcome"])
    protector_a, columns_a, fields_a = share_panel(
        labels, overcome, outcomes, ("share_overcome", "Barrier", "overcome"), settings
    )
    spec = labels.catalogue.loc[outcomes[0]]
    scale = labels.anchors(outcomes[0])
    notes_a = [
        f"% of respondents who rated the barrier overcome at {threshold} or more ({scale}), "
        f"among those who answered (not 'not applicable'), per {labels.design(by).lower()} "
        f"and over all cases, with the respondents who answered in parentheses; n: "
        f"respondents who answered over all cases ({spec['kind']} scores of measure "
        f"'{spec['measure']}').",
        labels.case_note(),
        masking_note(min_cell),
    ]
    exhibit_a = protector_a.exhibit(
        "table06a_barriers_overcome",
        title=f"Barriers overcome: % of respondents who rated each barrier "
        f"{labels.at_least(outcomes[0], threshold)}, per {labels.design(by).lower()} and pooled",
        columns=columns_a,
        notes=notes_a,
        **fields_a,
    )

    # (b) strategies used
    strategies = read(inputs, "strategies")
    used = outcome_rows(labels, settings["strategies"])
    tests = strategies[
        (strategies["family"] == settings["strategy_family"]) & (as_text(strategies["by"]) == by)
    ]
    correction = correction_of(tests)
    test_records = [test_columns(one_row(tests, outcome=outcome), correction) for outcome in used]
    protector_b, columns_b, fields_b = share_panel(
        labels,
        strategies,
        used,
        ("strategy_use", "Strategy", "used"),
        settings,
        pd.DataFrame(test_records),
    )
    columns_b += test_printed("χ²", "V", correction, decimals)
    dfs = sorted({int(d) for d in protector_b.table["df"].dropna()})
    notes_b = [
        f"% of respondents whose initiative used each strategy (multiple answers), per "
        f"{labels.design(by).lower()} and over all cases, with the respondents who answered "
        "in parentheses; n: respondents who answered over all cases.",
        f"χ²: Pearson's test of use by {labels.design(by).lower()} (df = "
        f"{', '.join(map(str, dfs)) or 'n/a'}), V: Cramér's V with its 95% CI; p adjusted "
        f"for the {len(used)} strategies by the {correction} method.",
        masking_note(min_cell),
    ]
    exhibit_b = protector_b.exhibit(
        "table06b_strategies_used",
        title=f"Strategies used to overcome the barriers, per {labels.design(by).lower()} "
        "and pooled",
        columns=columns_b,
        notes=notes_b,
        **fields_b,
    )

    # (c) barrier x strategy in the focus groups
    pairs = read(inputs, "cooccurrence")
    pairs = pairs[pairs["family"] == settings["cooccurrence_family"]]
    codes = study.focus_group_codes
    row_codes = [c for c in codes.index if c in set(pairs["outcome"])]
    column_codes = [c for c in codes.index if c in set(pairs["code_2"])]
    records = []
    for code in row_codes:
        first = rows_of(pairs, outcome=code).iloc[0]
        record: dict[str, Any] = {
            "Barrier code": labels.code(code),
            "Turns with the code": as_count(first["count_1"]),
        }
        for other in column_codes:
            row = one_row(pairs, outcome=code, code_2=other)
            record[labels.code(other)] = as_count(cell(row, "count_both"))
            marked = (
                row is not None
                and not is_missing(row["p_adj"])
                and float(row["p_adj"]) < alpha
                and float(row["lift"]) > 1
            )
            record[f"_mark_{other}"] = "*" if marked else ""
        records.append(record)
    table_c = pd.DataFrame(records)
    for column in ["Turns with the code", *(labels.code(c) for c in column_codes)]:
        table_c[column] = table_c[column].astype("Int64")
    n_turns = int(pairs["n"].max()) if len(pairs) else 0
    correction_c = correction_of(pairs) if len(pairs) else "adjusted"

    def marked(values: Sequence[Any]) -> str:
        return f"{int(values[0])}{values[1] or ''}"

    columns_c = [
        Column("Barrier code", ("Barrier code",), numeric=False),
        Column("Turns with the code", ("Turns with the code",), fmt_count),
        *(Column(labels.code(c), (labels.code(c), f"_mark_{c}"), marked) for c in column_codes),
    ]
    marks = int((table_c[[f"_mark_{c}" for c in column_codes]] == "*").to_numpy().sum())
    notes_c = [
        f"Speaker turns (of {n_turns}) in which the coders agreed on both the barrier code "
        "(row) and the strategy code (column).",
        f"*: the pair occurs more often than expected under independence, with the "
        f"{correction_c}-adjusted p of Pearson's test (Fisher's exact test for small expected "
        f"counts) under {alpha} ({marks} pair(s)); an exploratory screen.",
        "The table counts speaker turns, not people: no cell is masked.",
    ]
    exhibit_c = Protector(table_c, min_cell).exhibit(
        "table06c_barrier_strategy_crosswalk",
        title="Barrier-by-strategy crosswalk: focus-group turns coded with both",
        columns=columns_c,
        notes=notes_c,
        not_counts_of_people={
            column: "speaker turns, not people"
            for column in ["Turns with the code", *(labels.code(c) for c in column_codes)]
        },
        hidden=[f"_mark_{c}" for c in column_codes],
    )
    return [exhibit_a, exhibit_b, exhibit_c]
