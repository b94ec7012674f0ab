"""Differences between the cases and between the stakeholder groups on every barrier and risk
score, and between the cases on the barrier items."""

import pandas as pd

from coprod.compare import across_groups, apply_families, item_catalogue, score_catalogue, scores_of
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    items = pd.read_parquet(snakemake.input.item_data)
    params = snakemake.params
    settings = {"n_mc": params.n_mc, "seed": params.seed}
    outcomes = scores_of(catalogue, params.kinds)

    cases = params.across_cases
    by_score = across_groups(
        scores,
        outcomes,
        catalogue,
        column=cases["column"],
        family=cases["family"],
        pairwise_family=cases["pairwise_family"],
        **settings,
    )
    labels = item_catalogue(codebook, params.items_of["kind"], params.items_of["measure"])
    by_item = across_groups(
        items,
        list(labels.index),
        labels,
        column=cases["column"],
        family=cases["item_family"],
        analysis=f"items_across_{cases['column']}",
        **settings,
    )
    table = pd.concat([by_score, by_item], ignore_index=True)
    apply_families(table, params.families).to_parquet(snakemake.output.across_cases, index=False)

    groups = params.stakeholder_groups
    table = across_groups(
        scores,
        outcomes,
        catalogue,
        column=groups["column"],
        family=groups["family"],
        pairwise_family=groups["pairwise_family"],
        **settings,
    )
    apply_families(table, params.families).to_parquet(
        snakemake.output.stakeholder_groups, index=False
    )
