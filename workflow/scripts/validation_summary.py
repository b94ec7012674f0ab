"""Bias, RMSE, coverage, type I error and power per condition, method and family."""

from coprod.pipeline import logged, published
from coprod.validation.summary import write_summary

with logged(snakemake), published(dict(snakemake.output.items())) as outputs:
    write_summary(snakemake.input.batches, outputs, **dict(snakemake.params.items()))
