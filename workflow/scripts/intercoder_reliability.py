"""Agreement of the focus-group coders on every code and over all codes."""

import pandas as pd

from coprod.coding import presence_matrix
from coprod.pipeline import logged
from coprod.reliability.tables import intercoder_table
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codes = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).focus_group_codes
    segments = pd.read_parquet(snakemake.input.segments)
    codings = pd.read_parquet(snakemake.input.codings)
    coders = sorted(codings["coder"].unique())
    presence = presence_matrix(segments, codings, list(codes.index), coders)
    table = intercoder_table(
        presence,
        codes,
        levels=snakemake.params.levels,
        default_level=snakemake.params.default_level,
        n_boot=snakemake.params.n_boot,
        ci=snakemake.params.ci,
        seed=snakemake.params.seed,
        unreliable_below=snakemake.params.unreliable_below,
        reliable_from=snakemake.params.reliable_from,
    )
    table.to_parquet(snakemake.output[0], index=False)
