"""The validation study's figures: how each method did (type I error, coverage, power,
bias), and each estimand's mean estimate against its population value."""

import sys

import pandas as pd

from coprod.exhibits.figures.style import overflow, save_figure, style_from_config
from coprod.pipeline import logged
from coprod.validation import METHOD_LABELS
from coprod.validation_figures import condition_legend, operating_characteristics, recovery

with logged(snakemake):
    params = snakemake.params
    style = style_from_config(**params.style)
    legend = condition_legend(params.conditions)
    figures = {
        "methods": operating_characteristics(
            pd.read_parquet(snakemake.input.summary),
            alpha=params.alpha,
            **params.criteria,
            condition_labels=legend,
            style=style,
        ),
        "estimands": recovery(
            pd.read_parquet(snakemake.input.estimands),
            method_labels=METHOD_LABELS,
            condition_labels=legend,
            style=style,
        ),
    }
    for name, figure in figures.items():
        beyond = overflow(figure)
        if beyond > 0.01:
            print(f"warning: {name} reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
        outputs = [snakemake.output[f"{name}_{suffix}"] for suffix in ("png", "pdf", "svg")]
        save_figure(figure, outputs, style)
