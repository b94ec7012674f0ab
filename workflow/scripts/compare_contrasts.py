"""Two levels of a column (service class, case attribute, sample) on every barrier and risk.

Every contrast of ``compare.contrasts`` in one job, each to its own output.
"""

import pandas as pd

from coprod.compare import apply_families, score_catalogue, scores_of, two_group_contrast
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    outcomes = scores_of(catalogue, params.kinds)
    for name, spec in params.contrasts.items():
        table = two_group_contrast(
            scores,
            outcomes,
            catalogue,
            column=spec["column"],
            levels=spec.get("levels"),
            fixed_effects=spec.get("fixed_effects", []),
            family=spec["family"],
            robustness_family=spec["robustness_family"],
            ordinal=params.ordinal,
            analysis=f"contrast_{name}",
        )
        apply_families(table, params.families).to_parquet(snakemake.output[name], index=False)
