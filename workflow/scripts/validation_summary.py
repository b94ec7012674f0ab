"""Bias, RMSE, coverage, type I error and power per condition, method and family."""

import pandas as pd

from coprod.pipeline import logged
from coprod.validation import summarise, summarise_estimands, summary_markdown

with logged(snakemake):
    estimates = pd.concat(
        [pd.read_parquet(path) for path in snakemake.input.batches], ignore_index=True
    )
    alpha = snakemake.params.alpha
    summary = summarise(estimates, alpha=alpha)
    summary.to_parquet(snakemake.output.summary, index=False)
    summary.to_csv(snakemake.output.table, index=False, lineterminator="\n")
    summarise_estimands(estimates, alpha=alpha).to_parquet(snakemake.output.estimands, index=False)
    report = summary_markdown(
        summary, alpha=alpha, **snakemake.params.criteria, settings=snakemake.params.described
    )
    with open(snakemake.output.markdown, "w", encoding="utf-8") as handle:
        handle.write(report)
