"""Table 3: reliability of every multi-item scale, pooled and per level of a breakdown.

The job of the rule ``table03_scale_reliability`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_estimate_ci,
    fmt_number,
    is_missing,
)
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import Protector, masking_note
from coprod.exhibits.tables.common import as_count, as_float, one_row, read
from coprod.jobs import Inputs, Settings
from coprod.resources import Study
from coprod.vocabulary import POOLED


def scale_reliability(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 3: reliability of every multi-item scale, pooled and per level of ``by``.

    Reads ``reliability`` (``results/reliability/scale_reliability.parquet``); settings:
    ``by`` (config ``exhibits.by``: the breakdown beside the pooled rows), ``threshold``
    (config ``reliability.scale_threshold``), ``ci`` and ``decimals``, ``min_cell``.

    Returns per scale: the pooled row, then one row per level; items, n, complete n,
    Cronbach's alpha with its bootstrap CI, McDonald's omega total, the lowest corrected
    item-total correlation, and a flag where alpha is under the threshold. Which omega it
    is (and why a scale has none) the footnote quotes from the records' ``omega_method``
    (:data:`coprod.reliability.scale.OMEGA_METHOD`).
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    digits = decimals_of(settings)["reliability"]
    by = str(settings["by"])
    threshold = float(settings["threshold"])
    source = read(inputs, "reliability")
    records = []
    for scale in dict.fromkeys(source["scale"]):
        levels = [(POOLED, POOLED), *((by, level) for level in labels.levels(by))]
        for level, group in levels:
            row = one_row(
                source, scale=scale, level="pooled" if level == POOLED else level, group=group
            )
            if row is None:
                continue
            flagged = bool(row.get("flag_below_threshold", False)) and not is_missing(
                row.get("alpha")
            )
            records.append(
                {
                    "Scale": labels.outcome(scale)
                    if scale in labels.catalogue.index
                    else str(row["label"]),
                    "Group": labels.level(by, group),
                    "Items": as_count(row["n_items"]),
                    "n": as_count(row["n"]),
                    "Complete n": as_count(row.get("n_complete")),
                    "α": as_float(row.get("alpha")),
                    "α 95% CI low": as_float(row.get("ci_low")),
                    "α 95% CI high": as_float(row.get("ci_high")),
                    "ω total": as_float(row.get("omega")),
                    "Lowest item-total r": as_float(row.get("min_item_total_r")),
                    "Flag": f"α < {threshold:.2f}" if flagged else "",
                    "_scale": scale,
                    "_pooled": group == POOLED,
                }
            )
    table = pd.DataFrame(records)
    for column in ("Items", "n", "Complete n"):
        table[column] = table[column].astype("Int64")
    stats = ["α", "α 95% CI low", "α 95% CI high", "ω total", "Lowest item-total r", "Flag"]
    protector = Protector(table, min_cell)
    inner = table.index[~table["_pooled"]]
    pooled = table.index[table["_pooled"]]
    derived = {"n": stats, "Complete n": stats}
    protector.protect(
        inner, ["n", "Complete n"], derived=derived, secondary="columns", by=["_scale"]
    )
    protector.protect(pooled, ["n", "Complete n"], derived=derived)
    columns = [
        Column("Scale", ("Scale",), numeric=False),
        Column("Group", ("Group",), numeric=False),
        Column("Items", ("Items",), fmt_count),
        Column("n", ("n",), fmt_count),
        Column("Complete n", ("Complete n",), fmt_count),
        Column("α [95% CI]", ("α", "α 95% CI low", "α 95% CI high"), fmt_estimate_ci(digits)),
        Column("ω total", ("ω total",), fmt_number(digits)),
        Column("Lowest item-total r", ("Lowest item-total r",), fmt_number(digits)),
        Column("Flag", ("Flag",), numeric=False),
    ]
    ci = float(settings.get("ci", 0.95))
    flagged = table.loc[table["_pooled"] & (table["Flag"] != ""), "Scale"].tolist()
    methods = list(source["omega_method"].dropna().drop_duplicates())
    # (an ω not estimable is marked n.e., with its reason, by the table's blanks)
    estimated = [m for m in methods if not m.startswith("not estimable")]
    omega_note = f"ω total: {'; '.join(estimated)}." if estimated else ""
    notes = [
        f"Cronbach's α with a percentile bootstrap {ci:.0%} CI, McDonald's ω and the lowest "
        f"corrected item-total correlation of each multi-item scale, over all respondents "
        f"and per {labels.design(by).lower()}; n: respondents with at least one answer; "
        "complete n: respondents who answered every item.",
        *[omega_note] * bool(omega_note),
        f"Flag: α under {threshold:.2f} (config reliability.scale_threshold); pooled: "
        + (", ".join(flagged) if flagged else "none")
        + ".",
        masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            "table03_scale_reliability",
            title="Scale reliability: Cronbach's alpha, McDonald's omega total and item-total "
            f"correlations, pooled and per {labels.design(by).lower()}",
            columns=columns,
            notes=notes,
            counts=["n", "Complete n"],
            not_counts_of_people={"Items": "items of the scale"},
            section="Scale",
            hidden=["_scale", "_pooled"],
            blanks=[
                Blank(
                    "not_estimable",
                    "a one-factor model of fewer than 3 items is not identified",
                    ("ω total",),
                    tuple(table.index[table["Items"].fillna(0) < 3]),
                )
            ],
        )
    ]
