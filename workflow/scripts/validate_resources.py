"""Validate the study's resources and list the instrument as the pipeline reads it."""

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    table = study.codebook.instrument_table()
    table.to_csv(snakemake.output.instrument, index=False, lineterminator="\n")
