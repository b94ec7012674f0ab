"""Write the data behind the bundled study's means and shares (Tables 5 to 7 and 12a),
for R (``descriptives.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/descriptives/export_descriptives.py

It reads the run's descriptive records (``results/compare/<file>.parquet`` of each file in
``FILES``: the rows whose ``effect`` is ``mean`` or ``proportion``) and writes
``rows.csv``: the record's keys (``file``, ``analysis``, ``outcome``, ``by``, ``group``),
its ``effect``, the data's ``source`` (``scores`` or ``items``: the run's
``results/scoring/`` files, written beside as ``scores.csv`` and ``items.csv`` with the
columns used; ``counts``: the focus-group prevalences, whose ``count`` and ``n`` of turns
are given inline), and the ``threshold`` of the share (a mean's share rated high:
config ``compare.high_rating``; a proportion's: the record's ``threshold``; none for
the prevalences). Scores are
written with Python's shortest round-trip repr, labels as text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from coprod.vocabulary import POOLED

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
RESULTS = REPO / "results"
FILES = [
    "barriers_by_case",
    "barrier_items_by_case",
    "barriers_overcome",
    "risks",
    "strategy_use",
    "fg_prevalence",
]
KEYS = ["file", "analysis", "outcome", "by", "group"]


def _text(value: object) -> str:
    if pd.isna(value):
        return ""
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def main() -> None:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    high = config["compare"]["high_rating"]
    rows = []
    for stem in FILES:
        records = pd.read_parquet(RESULTS / "compare" / f"{stem}.parquet")
        records = records[records["effect"].isin(["mean", "proportion"])]
        for row in records.itertuples(index=False):
            if stem == "fg_prevalence":
                source, count, n, threshold = "counts", int(row.count), int(row.n), ""
            else:
                source = "items" if stem == "barrier_items_by_case" else "scores"
                count = n = ""
                threshold = _text(float(high if row.effect == "mean" else row.threshold))
            rows.append(
                {
                    "file": stem,
                    **{key: getattr(row, key) for key in KEYS[1:]},
                    "effect": row.effect,
                    "source": source,
                    "threshold": threshold,
                    "count": count,
                    "n": n,
                }
            )
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "rows.csv", index=False)
    for source in ("scores", "items"):
        used = table[table["source"] == source]
        by = [column for column in used["by"].unique() if column != POOLED]
        data = pd.read_parquet(RESULTS / "scoring" / f"{source}.parquet")
        columns = ["response_id", *by, *used["outcome"].unique()]
        data[columns].astype(object).map(_text).to_csv(HERE / f"{source}.csv", index=False)


if __name__ == "__main__":
    main()
