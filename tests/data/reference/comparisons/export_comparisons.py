"""Write the data of every comparison the bundled study makes, for R (``comparisons.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/comparisons/export_comparisons.py

It reads the run's records (``results/compare/*.parquet``) and takes every row that
carries a test R's ``stats`` computes: Kruskal-Wallis (``H``), Mann-Whitney
(``W (U of x)``), Pearson's chi-squared and Welch's t (the barrier sides' signed-rank
test has its own folder, ``barrier_sides/``; the ordinal models, the regressions and the
rank correlations are not comparisons of levels: ``contrast_robustness/``, ``staff_factor/``
and ``joint_display/`` check them). For each it writes what was compared to
``comparisons.csv``: the record's keys (``file``, ``analysis``, ``outcome``, ``by``,
``contrast``), the data's ``source`` (``scores`` or ``items``: the run's
``results/scoring/`` files, written beside as ``scores.csv`` and ``items.csv``; ``counts``:
a 2 x 2 table given inline), the grouping ``column``, the ``levels`` compared in order
(``|``-separated; empty: every level with data) and the ``test`` family (``omnibus``,
``pair``, ``table``). Grouping values are written as text (a whole number without ``.0``),
scores with Python's shortest round-trip repr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from coprod.vocabulary import NO, OMNIBUS, PAIR, YES

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
TESTED = {"H", "W (U of x)", "chi2 (Pearson)", "chi2 (Pearson, Yates)", "t (Welch)"}
"""The records' statistics that R's stats computes on the same data."""
SKIPPED = {"barrier_sides"}  # R's output for it: tests/data/reference/barrier_sides/
KEYS = ["file", "analysis", "outcome", "by", "contrast"]
LINK_LEVELS = {"used": str(YES), "not used": str(NO)}
"""How a strategy-barrier link names the levels of the strategy's 0/1 score."""


def _text(series: pd.Series) -> pd.Series:
    """A column as text: labels as they are, whole numbers without a decimal point."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        whole = values.dropna().eq(values.dropna().round()).all()
        if whole:
            return values.map(lambda v: "" if np.isnan(v) else str(int(v)))
        return values.map(lambda v: "" if np.isnan(v) else repr(float(v)))
    return series.astype(object).map(lambda v: "" if pd.isna(v) else str(v))


def comparisons(records: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per comparison of the records: its keys and what R needs to redo it."""
    rows = []
    for stem, table in records.items():
        if "statistic_name" not in table.columns:
            continue
        tested = table[table["statistic_name"].isin(TESTED) & ~table["analysis"].isin(SKIPPED)]
        for row in tested.itertuples(index=False):
            keys = {"file": stem, **{key: getattr(row, key) for key in KEYS[1:]}}
            source = "items" if row.analysis.startswith("items_across_") else "scores"
            if row.analysis == "fg_cooccurrence":
                n11, n1, n2, n = row.count_both, row.count_1, row.count_2, row.n
                counts = [n11, n1 - n11, n2 - n11, n - n1 - n2 + n11]
                spec = {"source": "counts", "column": "", "test": "table"}
                spec["levels"] = "|".join(str(int(c)) for c in counts)
            elif getattr(row, "comparison", None) == OMNIBUS:
                levels = row.contrast.split(" vs ")
                spec = {"source": source, "column": row.by, "test": "omnibus"}
                spec["levels"] = "|".join(levels)
            elif getattr(row, "comparison", None) == PAIR or row.analysis.endswith("_link"):
                levels = [LINK_LEVELS.get(row.group_1, row.group_1)]
                levels.append(LINK_LEVELS.get(row.group_2, row.group_2))
                spec = {"source": source, "column": row.by, "test": "pair"}
                spec["levels"] = "|".join(levels)
            else:  # a chi-squared test across every level of `by` (strategy use)
                spec = {"source": source, "column": row.by, "test": "table", "levels": ""}
            rows.append({**keys, **spec})
    return pd.DataFrame(rows).drop_duplicates(KEYS, ignore_index=True)


def export(results: Path, out: Path) -> None:
    """The comparisons of the run in ``results`` and their data, to the folder ``out``."""
    stems = sorted(path.stem for path in (results / "compare").glob("*.parquet"))
    records = {stem: pd.read_parquet(results / "compare" / f"{stem}.parquet") for stem in stems}
    manifest = comparisons(records)
    manifest.to_csv(out / "comparisons.csv", index=False)
    for source in ("scores", "items"):
        frame = pd.read_parquet(results / "scoring" / f"{source}.parquet")
        wanted = manifest[manifest["source"] == source]
        columns = list(dict.fromkeys([*wanted["column"], *wanted["outcome"]]))
        frame[["response_id", *columns]].apply(_text).to_csv(out / f"{source}.csv", index=False)


if __name__ == "__main__":
    export(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "results", HERE)
