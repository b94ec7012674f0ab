"""Write the bundled study's keyed item scores and its scales and blocks, for R.

Run from the repository root after a run of the bundled study (``make study``)::

    PYTHONPATH=src python tests/data/reference/scale_alpha/export_items.py

It reads the run's keyed items (``results/scoring/items.parquet``, what the reliability
job reads) and writes, beside this file:

- ``items.csv``: every respondent, the columns of config ``reliability.by`` (as text) and
  every item of a multi-item scale (NA: no answer);
- ``scales.csv``: scale, item, in the codebook's order (every multi-item scale);
- ``blocks.csv``: block, scale (config ``reliability.omega.blocks``).

``psych_reliability.R`` then computes psych's statistics of every scale and block, pooled
and per level of each ``by`` column.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from coprod.reliability.tables import multi_item_scales
from coprod.resources import load_study

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]


def export(items_file: Path, out: Path) -> None:
    """Items, scales and blocks of the bundled study, to the folder ``out``."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: REPO / path for key, path in config["resources"].items()})
    scales = multi_item_scales(study.codebook.scores)
    by = config["reliability"]["by"]
    columns = [item for items in scales["items"] for item in items]
    items = pd.read_parquet(items_file)
    frame = items[by].astype("string").join(items[columns].astype("Float64"))
    frame.to_csv(out / "items.csv", index=False, na_rep="NA")
    pd.DataFrame(
        [(scale, item) for scale, spec in scales.iterrows() for item in spec["items"]],
        columns=["scale", "item"],
    ).to_csv(out / "scales.csv", index=False)
    blocks = config["reliability"]["omega"]["blocks"]
    pd.DataFrame(
        [(block, scale) for block, members in blocks.items() for scale in members],
        columns=["block", "scale"],
    ).to_csv(out / "blocks.csv", index=False)


if __name__ == "__main__":
    export(Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "results/scoring/items.parquet"), HERE)
