"""Write the data of the bundled study's contrast robustness checks, for R (``polr.R``,
``hedges_g.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/contrast_robustness/export_contrast_data.py

The contrasts (config ``compare.contrasts``; Tables 8 and 9's robustness column) give
each pair of levels compared Hedges' g with Welch's t (scores with more than two values)
and a proportional-odds model of the score on the pair, with the contrast's fixed
effects. This reads the run's records of every contrast
(``results/compare/<contrast>.parquet``) and takes each row with a ``log_odds_ratio`` or
``hedges_g``; it writes ``models.csv`` (the record's keys ``file``, ``analysis``,
``outcome``, ``by``, ``contrast`` and its ``effect``; the grouping ``column``, the level
coded 1 (``level_1``, the record's ``group_1``, x) and 0 (``level_0``, y), the
``fixed_effects``, ``|``-separated) and
``scores.csv`` (``response_id`` and every column the models use, from
``results/scoring/scores.parquet``: numbers with Python's shortest round-trip repr,
labels as text).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
RESULTS = REPO / "results"
KEYS = ["file", "analysis", "outcome", "by", "contrast"]


def _text(value: object) -> str:
    if pd.isna(value):
        return ""
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def main() -> None:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    rows = []
    for name, spec in config["compare"]["contrasts"].items():
        records = pd.read_parquet(RESULTS / "compare" / f"{name}.parquet")
        fitted = records[records["effect"].isin(["log_odds_ratio", "hedges_g"])]
        for row in fitted.itertuples(index=False):
            rows.append(
                {
                    "file": name,
                    **{key: getattr(row, key) for key in KEYS[1:]},
                    "effect": row.effect,
                    "column": spec["column"],
                    "level_1": row.group_1,
                    "level_0": row.group_2,
                    "fixed_effects": "|".join(spec["fixed_effects"]),
                }
            )
    models = pd.DataFrame(rows)
    effects = [e for text in models["fixed_effects"] for e in text.split("|") if e]
    used = [*models["outcome"], *models["column"], *effects]
    scores = pd.read_parquet(RESULTS / "scoring" / "scores.parquet")
    columns = ["response_id", *dict.fromkeys(used)]
    scores[columns].astype(object).map(_text).to_csv(HERE / "scores.csv", index=False)
    models.to_csv(HERE / "models.csv", index=False)


if __name__ == "__main__":
    main()
