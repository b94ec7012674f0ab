"""Differences between the cases: every barrier and risk score, and the barrier items."""

import pandas as pd

from coprod.compare import across_groups, apply_families, item_catalogue, score_catalogue, scores_of
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    items = pd.read_parquet(snakemake.input.item_data)
    params = snakemake.params
    settings = {"n_boot": params.n_boot, "n_mc": params.n_mc, "seed": params.seed}
    by_score = across_groups(
        scores,
        scores_of(catalogue, params.kinds),
        catalogue,
        column=params.column,
        family=params.family,
        pairwise_family=params.pairwise_family,
        **settings,
    )
    labels = item_catalogue(codebook, params.items_of["kind"], params.items_of["measure"])
    by_item = across_groups(
        items,
        list(labels.index),
        labels,
        column=params.column,
        family=params.item_family,
        analysis=f"items_across_{params.column}",
        **settings,
    )
    table = pd.concat([by_score, by_item], ignore_index=True)
    apply_families(table, params.families).to_parquet(snakemake.output[0], index=False)
