"""Write the chi-squared statistics behind the bundled study's epsilon-squared and
Cramér's V, for R (``noncentral_intervals.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/noncentral_intervals/export_statistics.py

Epsilon-squared (of a Kruskal-Wallis H) and Cramér's V (of a Pearson chi-squared) carry
an interval that inverts the noncentral chi-squared distribution of the statistic. This
reads every record with either effect (``results/compare/*.parquet``) and writes
``statistics.csv``: the record's keys (``file``, ``analysis``, ``outcome``, ``by``,
``contrast``), its ``effect``, ``statistic`` (Python's shortest round-trip repr; R's
``kruskal.test`` and ``chisq.test`` give the same to 1e-10, ``comparisons/``), ``df`` and
``n``. Every chi-squared the pipeline computes is of a 0/1 score or a 2 x 2 table, so V's
scale n (min(r, c) - 1) is n (the test checks V = sqrt(chi2 / n)).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parents[3] / "results"
KEYS = ["analysis", "outcome", "by", "contrast"]
EFFECTS = ["epsilon_squared", "cramers_v"]


def main() -> None:
    parts = []
    for path in sorted((RESULTS / "compare").glob("*.parquet")):
        records = pd.read_parquet(path)
        if "effect" not in records.columns:
            continue
        rows = records[records["effect"].isin(EFFECTS) & records["statistic"].notna()]
        if rows.empty:
            continue
        part = rows[[*KEYS, "effect", "df", "n"]].assign(
            statistic=rows["statistic"].map(lambda v: repr(float(v)))
        )
        parts.append(part.assign(file=path.stem))
    table = pd.concat(parts, ignore_index=True)
    table = table[["file", *KEYS, "effect", "statistic", "df", "n"]]
    table.astype({"df": int}).to_csv(HERE / "statistics.csv", index=False)


if __name__ == "__main__":
    main()
