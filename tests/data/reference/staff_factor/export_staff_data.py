"""Write the data of the bundled study's staff-factor models (Table 10), for R (``staff_models.R``).

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/staff_factor/export_staff_data.py

It reads the run's scores (``results/scoring/scores.parquet``), its staff-factor records
(``results/compare/staff_factor.parquet``: which outcomes were modelled) and config
``compare.staff`` and ``compare.derived``, and writes ``models.csv`` (per outcome: the
``predictors``, ``covariates`` and ``fixed_effects``, ``|``-separated, and the config's
``cov_type``), ``derived.csv`` (per derived mean: its member scores, ``|``-separated, and
``min_answered``; R computes the mean) and ``scores.csv`` (``response_id`` and every column
the models and means use: numbers with Python's shortest round-trip repr, labels as text).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from coprod.analyses.catalogue import role_scores, score_catalogue
from coprod.resources import load_study

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
RESULTS = REPO / "results"


def _text(value: object) -> str:
    if pd.isna(value):
        return ""
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def main() -> None:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: REPO / path for key, path in config["resources"].items()})
    catalogue = score_catalogue(study.codebook)
    staff, derived = config["compare"]["staff"], config["compare"]["derived"]
    records = pd.read_parquet(RESULTS / "compare" / "staff_factor.parquet")
    outcomes = list(dict.fromkeys(records["outcome"]))
    join = "|".join
    models = pd.DataFrame(
        {
            "outcome": outcomes,
            "predictors": join(staff["predictors"]),
            "covariates": join(staff["covariates"]),
            "fixed_effects": join(staff["fixed_effects"]),
            "cov_type": staff["cov_type"],
        }
    )
    means = pd.DataFrame(
        [
            {
                "name": name,
                "members": join(role_scores(catalogue, spec)),
                "min_answered": spec.get("min_answered", 1),
            }
            for name, spec in derived.items()
        ]
    )
    scores = pd.read_parquet(RESULTS / "scoring" / "scores.parquet")
    members = [m for text in means["members"] for m in text.split("|")]
    used = [*staff["predictors"], *staff["covariates"], *staff["fixed_effects"], *members]
    used += [o for o in outcomes if o not in derived]
    columns = ["response_id", *dict.fromkeys(used)]
    scores[columns].astype(object).map(_text).to_csv(HERE / "scores.csv", index=False)
    models.to_csv(HERE / "models.csv", index=False)
    means.to_csv(HERE / "derived.csv", index=False)


if __name__ == "__main__":
    main()
