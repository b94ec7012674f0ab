"""Figure 2: heatmap of the mean barrier scores, cells under the disclosure threshold masked."""

import sys

import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.figures import barrier_heatmap, level_labels, overflow, save_figure, style_from_config
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    params = snakemake.params
    figure_params = params.figure
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    codebook = study.codebook
    catalogue = score_catalogue(codebook)
    outcomes = scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]])
    response_set = codebook.response_sets[codebook.scores.loc[outcomes[0], "response_set"]]
    codes = sorted(response_set.values)
    low, high = codes[0], codes[-1]
    panel = figure_params["panels"]
    cells = pd.read_parquet(snakemake.input.cells)
    style = style_from_config(**params.style)
    figure = barrier_heatmap(
        cells,
        row=figure_params["rows"],
        panel=panel,
        outcome_labels={o: catalogue.loc[o, "label"] for o in outcomes},
        row_labels=level_labels(study.registries, figure_params["rows"]),
        group_labels=level_labels(study.registries, figure_params["within"]),
        panel_labels=level_labels(study.registries, panel) if panel else None,
        min_cell=params.min_cell,
        scale=(low, high),
        colorbar_label=(
            f"Mean score: {low} = {response_set.values[low].lower()}, "
            f"{high} = {response_set.values[high].lower()}"
        ),
        cmap=figure_params["cmap"],
        width=figure_params["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
