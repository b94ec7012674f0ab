"""Organisational- vs citizen-side barriers within respondents."""

import pandas as pd

from coprod.compare import apply_families, barrier_sides, score_catalogue, scores_of
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    barriers = scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]])
    table = barrier_sides(scores, barriers, catalogue, by=params.by, family=params.family)
    apply_families(table, params.families).to_parquet(snakemake.output[0], index=False)
