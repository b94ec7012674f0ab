"""Strategies used (by case, by service class) and which go with overcoming which barriers."""

import pandas as pd

from coprod.compare import (
    apply_families,
    score_catalogue,
    scores_of,
    strategy_barrier_links,
    strategy_use,
)
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    params = snakemake.params
    strategies = scores_of(catalogue, [params.strategies["kind"]], [params.strategies["measure"]])
    overcome = scores_of(catalogue, [params.overcome["kind"]], [params.overcome["measure"]])
    use = strategy_use(
        scores,
        strategies,
        catalogue,
        by=params.by,
        family=params.family,
        n_mc=params.n_mc,
        seed=params.seed,
    )
    apply_families(use, params.families).to_parquet(snakemake.output.use, index=False)
    links = strategy_barrier_links(
        scores, overcome, strategies, catalogue, family=params.link_family
    )
    apply_families(links, params.families).to_parquet(snakemake.output.links, index=False)
