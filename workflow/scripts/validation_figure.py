"""The validation study's figures: how each method did (type I error, coverage, power,
bias), and each estimand's mean estimate against its population value."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import pandas as pd

from coprod.exhibits.figures.style import save_figure, style_from_config
from coprod.pipeline import logged, published
from coprod.validation.figures import validation_figures

with logged(snakemake):
    params, inputs = snakemake.params, snakemake.input
    style = style_from_config(**params.style)
    frames = [pd.read_parquet(path) for path in (inputs.summary, inputs.estimands)]
    settings = {key: params[key] for key in ("alpha", "criteria", "conditions")}
    figures = validation_figures(*frames, **settings, style=style)
    with published(dict(snakemake.output.items())) as outputs:
        for name, figure in figures.items():
            paths = [outputs[f"{name}_{form}"] for form in ("png", "pdf", "svg")]
            save_figure(figure, paths, style)
