"""Write the bundled study's joint display (Table 12), for R (``spearman.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/joint_display/export_joint_display.py

It reads the run's joint display (``results/compare/joint_display.parquet``: per group,
each survey score's mean beside its focus-group code's count of turns) and writes
``joint_display.csv``: the keys of the rank correlation the rows belong to (``outcome``,
``by``, ``group``), the ``code``, ``survey_mean`` (Python's shortest round-trip repr),
``fg_count`` and ``fg_turns`` (the prevalence is their quotient, R's to take).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parents[3] / "results"


def main() -> None:
    display = pd.read_parquet(RESULTS / "compare" / "joint_display.parquet")
    display = display[display["analysis"] == "joint_display"]
    ranking = display["kind"] + "_" + display["measure"] + "_ranking"
    out = pd.DataFrame(
        {
            "outcome": ranking,
            "by": display["by"],
            "group": display["group"],
            "code": display["code"],
            "survey_mean": display["survey_mean"].map(repr),
            "fg_count": display["fg_count"],
            "fg_turns": display["fg_turns"],
        }
    )
    out.to_csv(HERE / "joint_display.csv", index=False)


if __name__ == "__main__":
    main()
