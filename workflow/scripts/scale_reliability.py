"""Reliability of every survey scale, pooled and per case and sample."""

import pandas as pd

from coprod.pipeline import logged
from coprod.reliability.tables import item_statistics_table, scale_reliability_table
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    items = pd.read_parquet(snakemake.input.item_data)
    table = scale_reliability_table(
        items,
        codebook.scores,
        codebook.constructs,
        by=snakemake.params.by,
        threshold=snakemake.params.threshold,
        ci=snakemake.params.ci,
        n_boot=snakemake.params.n_boot,
        seed=snakemake.params.seed,
    )
    table.to_parquet(snakemake.output.scales, index=False)
    item_statistics_table(items, codebook.scores).to_parquet(
        snakemake.output.item_statistics, index=False
    )
