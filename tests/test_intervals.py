"""Every interval a run writes contains its estimate, or its row says why it has none.

Checked on every records file of the session's run of the study (``study_run``): the
comparisons (``results/compare/*.parquet``, the record columns of
:data:`coprod.vocabulary.RECORD_COLUMNS`) and the reliability statistics. A row without an
interval either estimates nothing (a descriptive row: no effect, no estimate) or says in
its ``method`` why not ("not estimable: ..."); a finite estimate never stands beside a
missing or a foreign interval.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod.reliability.scale import OMEGA_METHOD

# (estimate, low, high, reason): the interval columns of each kind of records file; a
# reason column of None means every interval of that file must be there.
RECORDS = ("estimate", "ci_low", "ci_high", "method")
INTERVALS = {
    "compare": [RECORDS],
    "reliability/scale_reliability": [("alpha", "ci_low", "ci_high", None)],
    "reliability/intercoder_reliability": [
        ("krippendorff_alpha", "alpha_ci_low", "alpha_ci_high", None)
    ],
}


def interval_files(root: Path) -> dict[Path, list[tuple[str, str, str, str | None]]]:
    """Every parquet file of ``compare/`` and ``reliability/`` holding an interval, with
    its interval columns; a file with a "low" column that no entry covers fails."""
    found = {}
    for path in sorted([*root.glob("compare/*.parquet"), *root.glob("reliability/*.parquet")]):
        columns = pd.read_parquet(path).columns
        key = "compare" if path.parent.name == "compare" else f"reliability/{path.stem}"
        if key in INTERVALS:
            found[path] = INTERVALS[key]
        else:
            assert not any("low" in column for column in columns), f"{path}: which interval?"
    return found


def outside(frame: pd.DataFrame, estimate: str, low: str, high: str, reason: str | None):
    """Rows whose interval excludes their estimate, or lacks without a reason."""
    values = frame[[estimate, low, high]].astype("float64")
    complete = values.notna().all(axis=1)
    excluded = complete & ~((values[low] <= values[estimate]) & (values[estimate] <= values[high]))
    missing = ~complete
    if reason is not None:
        said = frame[reason].fillna("").str.startswith("not estimable: ")
        descriptive = values.isna().all(axis=1) & frame["effect"].isna()
        missing &= ~(said | descriptive)
    return frame[excluded | missing]


@pytest.mark.workflow
def test_every_interval_contains_its_estimate_or_says_why_not(study_run):
    files = interval_files(study_run / "results")
    assert {path.stem for path in files} >= {
        "across_case_tests",
        "fg_cooccurrence",
        "stakeholder_groups",
        "barrier_sides",
        "scale_reliability",
        "intercoder_reliability",
    }
    checked = 0
    for path, intervals in files.items():
        frame = pd.read_parquet(path)
        for columns in intervals:
            bad = outside(frame, *columns)
            assert bad.empty, f"{path.name}: {columns[:3]}\n{bad.to_string()}"
            checked += int(frame[list(columns[:3])].notna().all(axis=1).sum())
    assert checked > 2000


def test_the_check_finds_an_excluded_estimate_and_a_missing_reason():
    frame = pd.DataFrame(
        {
            "estimate": [0.02, 0.5, np.nan, np.nan, 0.3],
            "ci_low": [0.0, 0.1, np.nan, np.nan, np.nan],
            "ci_high": [0.0, 0.9, np.nan, np.nan, np.nan],
            "effect": ["cramers_v", "cramers_v", None, "v", "v"],
            "method": ["m", "m", "descriptive", "not estimable: n = 1", "m"],
        }
    )
    assert outside(frame, *RECORDS).index.tolist() == [0, 4]
    assert outside(frame, "estimate", "ci_low", "ci_high", None).index.tolist() == [0, 2, 3, 4]


@pytest.mark.workflow
def test_table03_names_its_omega(study_run):
    table = study_run / "results" / "exhibits" / "tables" / "table03_scale_reliability.md"
    text = table.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("|"))
    assert "ω total" in [cell.strip() for cell in header.strip("|").split("|")]
    csv = pd.read_csv(table.with_suffix(".csv"))
    assert csv["ω total"].notna().any() and csv["ω total"].isna().any()  # 2-item scales
    assert f"ω total: {OMEGA_METHOD}." in text
    # the blank ω cells say why once, as the table's n.e. footnote
    assert text.count("a one-factor model of fewer than 3 items is not identified") == 1
    assert (
        "n.e.: not estimable (a one-factor model of fewer than 3 items is not identified)" in text
    )
