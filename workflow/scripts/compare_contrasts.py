"""Two levels of a column (service class, case attribute, sample) on every barrier and risk.

Every contrast of ``compare.contrasts`` in one job, each to its own output.
"""

import pandas as pd

from coprod.compare import apply_families, contrasts, score_catalogue, scores_of
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    outcomes = scores_of(catalogue, params.kinds)
    tables = contrasts(scores, outcomes, catalogue, params.contrasts, ordinal=params.ordinal)
    for name, table in tables.items():
        apply_families(table, params.families).to_parquet(snakemake.output[name], index=False)
