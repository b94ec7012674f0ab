"""Differences between the stakeholder groups on every barrier and risk score."""

import pandas as pd

from coprod.compare import across_groups, apply_families, score_catalogue, scores_of
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    table = across_groups(
        scores,
        scores_of(catalogue, params.kinds),
        catalogue,
        column=params.column,
        family=params.family,
        pairwise_family=params.pairwise_family,
        n_boot=params.n_boot,
        n_mc=params.n_mc,
        seed=params.seed,
    )
    apply_families(table, params.families).to_parquet(snakemake.output[0], index=False)
