"""Write the two coders' focus-group codings of the bundled study, for R (``cohen_kappa.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/intercoder_kappa/export_codings.py

It reads the run's ingested focus-group data (``results/ingest/``) and its agreement
records (``results/reliability/intercoder_reliability.parquet``, for the codes in the
order of Table 4) and writes ``segments.csv`` (every coded turn, ``segment_id``),
``codings.csv`` (``segment_id``, ``coder``, ``code``: one row per code a coder applied to a
turn) and ``codes.csv`` (``code``, in the records' order; the pooled row is R's to make).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parents[3] / "results"
POOLED = "all codes"  # the records' last row: every (turn, code) pair as a unit


def main() -> None:
    segments = pd.read_parquet(RESULTS / "ingest" / "focus_group_segments.parquet")
    codings = pd.read_parquet(RESULTS / "ingest" / "focus_group_codings.parquet")
    records = pd.read_parquet(RESULTS / "reliability" / "intercoder_reliability.parquet")
    segments[["segment_id"]].to_csv(HERE / "segments.csv", index=False)
    codings[["segment_id", "coder", "code"]].to_csv(HERE / "codings.csv", index=False)
    codes = records.loc[records["code"] != POOLED, ["code"]]
    codes.to_csv(HERE / "codes.csv", index=False)


if __name__ == "__main__":
    main()
