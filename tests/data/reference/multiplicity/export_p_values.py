"""Write every p the bundled study's comparisons adjust, for R (``p_adjust.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/multiplicity/export_p_values.py

Every records file of the comparisons (``results/compare/*.parquet``) adjusts its p within
each family of tests (config ``compare.families``: Holm or Benjamini-Hochberg), each file
on its own. This writes ``p_values.csv``: per row of every file with a correction (not
``none``), the ``file``, the ``row`` (its position in the file), the ``family``, the
``correction`` as the records name it and the unadjusted ``p`` (Python's shortest
round-trip repr; empty where the row has none).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parents[3] / "results"
UNADJUSTED = "none"  # the records' correction of a descriptive row


def main() -> None:
    parts = []
    for path in sorted((RESULTS / "compare").glob("*.parquet")):
        records = pd.read_parquet(path)
        if "p_adj" not in records.columns:
            continue
        records = records.reset_index(drop=True).rename_axis("row").reset_index()
        records = records[records["correction"] != UNADJUSTED]
        p = records["p"].map(lambda v: "" if pd.isna(v) else repr(float(v)))
        parts.append(records[["row", "family", "correction"]].assign(file=path.stem, p=p))
    table = pd.concat(parts, ignore_index=True)
    table[["file", "row", "family", "correction", "p"]].to_csv(HERE / "p_values.csv", index=False)


if __name__ == "__main__":
    main()
