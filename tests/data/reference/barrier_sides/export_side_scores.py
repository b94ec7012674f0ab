"""Write the bundled study's exact side scores to ``side_scores.csv``, for R.

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/barrier_sides/export_side_scores.py

It reads the run's scores (``results/scoring/scores.parquet``), computes each
respondent's two side scores as the pipeline does (:func:`coprod.analyses.barrier_sides.
side_scores`, exact fractions, written as ``numerator/denominator``), and writes them
with the grouping columns of config ``compare.barrier_sides.by``. ``wilcox_barrier_sides.R``
then tests them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from coprod.analyses.barrier_sides import side_scores
from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.resources import load_study

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]


def export(scores_file: Path, out: Path) -> None:
    """Side scores of every respondent of ``scores_file``, exact, to ``out``."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: REPO / path for key, path in config["resources"].items()})
    catalogue = score_catalogue(study.codebook)
    role = config["compare"]["scores"]["barriers_met"]
    chosen = catalogue.loc[scores_of(catalogue, [role["kind"]], [role["measure"]])]
    scores = pd.read_parquet(scores_file)
    frame = scores[["response_id", *config["compare"]["barrier_sides"]["by"]]].copy()
    for name, side in zip(("side_1", "side_2"), dict.fromkeys(chosen["side"]), strict=True):
        exact = side_scores(scores, list(chosen.index[chosen["side"] == side]))
        frame[name] = [
            "" if value is None else f"{value.numerator}/{value.denominator}" for value in exact
        ]
    frame.to_csv(out, index=False)


if __name__ == "__main__":
    export(
        Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "results/scoring/scores.parquet"),
        HERE / "side_scores.csv",
    )
