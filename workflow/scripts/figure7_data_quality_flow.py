"""Figure 7: the data-quality flow - responses received, each exclusion, included."""

import sys

import pandas as pd

from coprod.figures import (
    flow_diagram,
    has_level_labels,
    level_labels,
    overflow,
    save_figure,
    style_from_config,
)
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    params = snakemake.params
    figure_params = params.figure
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    flow = pd.read_parquet(snakemake.input.flow)
    pooled = "all"
    breakdowns = {}
    for column, heading in figure_params["breakdowns"].items():
        levels = [str(level) for level in flow[column].cat.categories if str(level) != pooled]
        labelled = has_level_labels(study.registries, column)
        known = level_labels(study.registries, column) if labelled else {}
        labels = {
            level: known.get(level)
            or (
                figure_params["unknown_label"]
                if labelled
                else figure_params["sample_label"].format(level=level)
            )
            for level in levels
        }
        breakdowns[column] = (heading, labels)
    steps = [str(s) for s in flow["step"].cat.categories[1:]]
    step_labels = {
        step: figure_params["step_labels"].get(step, step).format(**params.exclusions.get(step, {}))
        for step in steps
    }
    style = style_from_config(**params.style)
    figure = flow_diagram(
        flow,
        step_labels=step_labels,
        received_label=figure_params["received_label"],
        included_label=figure_params["included_label"],
        breakdowns=breakdowns,
        pooled=pooled,
        flagged_label=figure_params["flagged_label"],
        min_cell=params.min_cell,
        width=figure_params["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
