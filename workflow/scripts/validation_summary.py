"""Bias, RMSE, coverage, type I error and power per condition, method and family."""

from coprod.pipeline import logged
from coprod.validation.summary import write_summary

with logged(snakemake):
    write_summary(
        snakemake.input.batches, dict(snakemake.output.items()), **dict(snakemake.params.items())
    )
