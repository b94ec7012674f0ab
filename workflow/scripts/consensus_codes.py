"""The codes later stages count: agreed by the coders, or decided by adjudication."""

import pandas as pd

from coprod.coding import consensus_codes, presence_matrix, read_adjudication
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codes = list(
        load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).focus_group_codes.index
    )
    segments = pd.read_parquet(snakemake.input.segments)
    codings = pd.read_parquet(snakemake.input.codings)
    presence = presence_matrix(segments, codings, codes, sorted(codings["coder"].unique()))
    adjudication_path = snakemake.input.get("adjudication")
    adjudication = None
    if adjudication_path:
        adjudication = read_adjudication(adjudication_path, segments, codes)
    consensus = consensus_codes(presence, rule=snakemake.params.rule, adjudication=adjudication)
    table = segments.set_index("segment_id").join(consensus).reset_index()
    table.to_parquet(snakemake.output[0], index=False)
