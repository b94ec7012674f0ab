"""Focus-group code prevalence (per case, service class, speaker group) and co-occurrence."""

import pandas as pd

from coprod.compare import apply_families
from coprod.focus_groups import code_prevalence, cooccurrence
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    codes = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).focus_group_codes
    consensus = pd.read_parquet(snakemake.input.consensus)
    params = snakemake.params
    prevalence = code_prevalence(consensus, codes, by=params.by)
    apply_families(prevalence, {}).to_parquet(snakemake.output.prevalence, index=False)
    pairs = cooccurrence(
        consensus,
        codes,
        row_kind=params.row_kind,
        column_kind=params.column_kind,
        family=params.family,
    )
    apply_families(pairs, params.families).to_parquet(snakemake.output.cooccurrence, index=False)
