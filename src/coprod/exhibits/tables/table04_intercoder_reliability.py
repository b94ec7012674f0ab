"""Table 4: agreement of the focus-group coders per code.

The job of the rule ``table04_intercoder_reliability`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_estimate_ci,
    fmt_number,
    fmt_percent,
)
from coprod.exhibits.labels import Labels, humanise
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import Protector
from coprod.exhibits.tables.common import as_count, as_float, read
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def intercoder_reliability(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 4: agreement of the focus-group coders per code.

    Reads ``intercoder`` (``results/reliability/intercoder_reliability.parquet``); settings:
    ``unreliable_below`` and ``reliable_from`` (config ``intercoder``), ``ci``,
    ``decimals``, ``min_cell``.

    Returns one row per code (codebook order), then all codes: turns coded, prevalence,
    percent agreement, Krippendorff's alpha with its bootstrap CI, kappa, and the verdict
    (unreliable under ``unreliable_below``, tentative up to ``reliable_from``). The pooled
    row's statistics are over every code-by-turn decision; its "Turns" gives the turns
    (the most any code was judged on), and the note says how many decisions were pooled.
    """
    min_cell = settings["min_cell"]
    labels = Labels(study)
    decimals = decimals_of(settings)
    digits = decimals["reliability"]
    low = float(settings["unreliable_below"])
    high = float(settings["reliable_from"])
    source = read(inputs, "intercoder")
    codes = list(study.focus_group_codes.index)
    known = source[source["code"].isin(codes)].copy()
    known["_order"] = known["code"].map({c: i for i, c in enumerate(codes)})
    rows = [*known.sort_values("_order").itertuples(index=False)]
    rows += [*source[~source["code"].isin(codes)].itertuples(index=False)]
    verdicts = {
        "unreliable": f"unreliable (α < {low:.3f})",
        "tentative": f"tentative ({low:.3f} ≤ α < {high:.3f})",
        "reliable": "reliable",
    }
    turns = int(known["n_units"].max()) if len(known) else None
    pooled_decisions = []
    records = []
    for row in rows:
        code = str(row.code)
        if code not in codes:
            pooled_decisions.append(as_count(row.n_units))
        records.append(
            {
                "Code": labels.code(code) if code in codes else humanise(code),
                "Kind": humanise(str(row.kind)) if code in codes else "",
                "Turns": as_count(row.n_units) if code in codes else turns,
                "Coders": as_count(row.n_coders),
                "Prevalence (%)": 100 * as_float(row.prevalence),
                "Agreement (%)": 100 * as_float(row.percent_agreement),
                "Krippendorff's α": as_float(row.krippendorff_alpha),
                "α 95% CI low": as_float(row.alpha_ci_low),
                "α 95% CI high": as_float(row.alpha_ci_high),
                "κ": as_float(row.kappa),
                "Reliability": verdicts.get(str(row.flag), str(row.flag)),
            }
        )
    table = pd.DataFrame(records)
    for column in ("Turns", "Coders"):
        table[column] = table[column].astype("Int64")
    kinds = sorted({str(k) for k in source["kappa_type"].dropna()})
    kappa = "Cohen's κ" if kinds == ["cohen"] else "κ"
    columns = [
        Column("Code", ("Code",), numeric=False),
        Column("Kind", ("Kind",), numeric=False),
        Column("Turns", ("Turns",), fmt_count),
        Column("Prevalence (%)", ("Prevalence (%)",), fmt_percent(decimals["percent"])),
        Column("Agreement (%)", ("Agreement (%)",), fmt_percent(decimals["percent"])),
        Column(
            "Krippendorff's α [95% CI]",
            ("Krippendorff's α", "α 95% CI low", "α 95% CI high"),
            fmt_estimate_ci(digits),
        ),
        Column(kappa, ("κ",), fmt_number(digits)),
        Column("Reliability", ("Reliability",), numeric=False),
    ]
    ci = float(settings.get("ci", 0.95))
    unreliable = table.loc[table["Reliability"] == verdicts["unreliable"], "Code"].tolist()
    notes = [
        "Agreement of the coders on each focus-group code over all coded speaker turns: "
        f"prevalence (share of the coders' decisions that apply the code), percent "
        f"agreement, Krippendorff's α (nominal) with a bootstrap {ci:.0%} CI over turns, and "
        f"{kappa}" + ("" if kappa == "Cohen's κ" else f" ({', '.join(kinds)})") + ".",
        f"Codes under α = {low:.3f} support no conclusions (unreliable: "
        + (", ".join(unreliable) if unreliable else "none")
        + f"); from {low:.3f} to {high:.3f} tentative ones only (config intercoder).",
        "The table counts speaker turns, not people: no cell is masked.",
    ]
    for label, decisions in zip(
        table.loc[~table["Kind"].astype(bool), "Code"], pooled_decisions, strict=True
    ):
        notes.append(
            f"{label}: α and {kappa} pooled over {decisions:,} decisions, each code judged on "
            f"each turn ({len(known)} codes × {turns:,} turns)."
            if turns and decisions == len(known) * turns
            else f"{label}: α and {kappa} pooled over {decisions:,} code-by-turn decisions."
        )
    protector = Protector(table, min_cell)
    return [
        protector.exhibit(
            "table04_intercoder_reliability",
            title="Intercoder reliability per focus-group code",
            columns=columns,
            notes=notes,
            not_counts_of_people={
                "Turns": "speaker turns coded, not people",
                "Coders": "coders of the study team",
            },
            blanks=[
                Blank(
                    "not_applicable",
                    "a pooled row holds codes of every kind",
                    ("Kind",),
                    tuple(table.index[~table["Kind"].astype(bool)]),
                )
            ],
        )
    ]
