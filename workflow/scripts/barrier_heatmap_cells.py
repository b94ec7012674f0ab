"""The data of figure 2: mean barrier scores in every cell of the heatmap's breakdown."""

import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.figures import heatmap_cells
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    params = snakemake.params
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    outcomes = scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]])
    scores = pd.read_parquet(snakemake.input.scores)
    cells = heatmap_cells(scores, outcomes, catalogue, split=params.split, within=params.within)
    cells.to_parquet(snakemake.output[0], index=False)
