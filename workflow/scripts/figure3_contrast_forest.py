"""Figure 3: forest plot of a two-level contrast (config figures.figure3_contrast_forest)."""

import sys

import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.figures import (
    contrast_forest,
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
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    catalogue = score_catalogue(study.codebook)
    effects = pd.read_parquet(snakemake.input.effects)
    sections = []
    for section in params.figure["sections"]:
        role = params.scores[section["score"]]
        sections.append((section["title"], scores_of(catalogue, [role["kind"]], [role["measure"]])))
    column = params.contrast["column"]
    labelled = has_level_labels(study.registries, column)
    labels = level_labels(study.registries, column) if labelled else {}
    x, y = effects["group_1"].iloc[0], effects["group_2"].iloc[0]
    style = style_from_config(**params.style)
    figure = contrast_forest(
        effects,
        sections=sections,
        outcome_labels=catalogue["label"].to_dict(),
        effect_labels=params.figure["effects"],
        level_labels=(labels.get(str(x), str(x)), labels.get(str(y), str(y))),
        alpha=params.alpha,
        width=params.figure["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
