"""Two levels of a column (service class, case attribute, sample) on every barrier and risk."""

import pandas as pd

from coprod.compare import apply_families, score_catalogue, scores_of, two_group_contrast
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    table = two_group_contrast(
        scores,
        scores_of(catalogue, params.kinds),
        catalogue,
        column=params.column,
        levels=params.levels,
        fixed_effects=params.fixed_effects,
        family=params.family,
        robustness_family=params.robustness_family,
        ordinal=params.ordinal,
        analysis=f"contrast_{snakemake.wildcards.contrast}",
    )
    apply_families(table, params.families).to_parquet(snakemake.output[0], index=False)
