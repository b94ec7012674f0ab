"""Read and check the focus-group segments (without their text) and codings."""

from coprod.pipeline import logged
from coprod.raw.focus_groups import read_focus_groups
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    segments, codings = read_focus_groups(
        snakemake.input.segments, snakemake.input.codings, study, snakemake.params.samples
    )
    segments.to_parquet(snakemake.output.segments, index=False)
    codings.to_parquet(snakemake.output.codings, index=False)
