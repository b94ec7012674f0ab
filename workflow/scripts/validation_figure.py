"""The validation study's figure: type I error, coverage, power and bias per method."""

import sys

import pandas as pd

from coprod.figures import overflow, save_figure, style_from_config
from coprod.pipeline import logged
from coprod.validation_figures import condition_legend, operating_characteristics

with logged(snakemake):
    params = snakemake.params
    style = style_from_config(**params.style)
    figure = operating_characteristics(
        pd.read_parquet(snakemake.input.summary),
        alpha=params.alpha,
        **params.criteria,
        condition_labels=condition_legend(params.conditions),
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
