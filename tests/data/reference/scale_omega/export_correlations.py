"""Write the bundled study's item correlation matrices to ``correlations.csv``, for R.

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/scale_omega/export_correlations.py

For every multi-item scale of three or more items it reads the run's keyed items
(``results/scoring/items.parquet``) and writes the matrix that
:func:`coprod.reliability.scale.mcdonald_omega` fits its factor model to (``cov2cor`` of
the pairwise covariance matrix, all respondents), in long form: scale, n (respondents
with an answer), row, column, r (17 significant digits). ``omega_psych.R`` fits it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from coprod.reliability.scale import item_correlations
from coprod.resources import load_study
from coprod.scoring import multi_item_scores

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]


def export(items_file: Path, out: Path) -> None:
    """Correlation matrices of the multi-item scales of ``items_file``, to ``out``."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: REPO / path for key, path in config["resources"].items()})
    items = pd.read_parquet(items_file)
    rows = []
    for scale in multi_item_scores(study.codebook):
        columns = study.codebook.scale_items(scale)
        if len(columns) < 3:
            continue
        data = items[columns].astype("float64")
        corr = item_correlations(data)
        n = int(data.notna().any(axis=1).sum())
        for i, row in enumerate(columns):
            for j, column in enumerate(columns):
                rows.append({"scale": scale, "n": n, "row": row, "column": column, "r": corr[i, j]})
    pd.DataFrame(rows).to_csv(out, index=False, float_format="%.17g")


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "results/scoring/items.parquet")
    export(source, HERE / "correlations.csv")
