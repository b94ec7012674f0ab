"""Figure 6: the staff models (config compare.staff) - standardised coefficients with CIs."""

import sys

import pandas as pd

from coprod.analyses.catalogue import score_catalogue
from coprod.figures import coefficient_plot, overflow, save_figure, style_from_config
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    params = snakemake.params
    figure_params, staff = params.figure, params.staff
    catalogue = score_catalogue(
        load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    )
    table = pd.read_parquet(snakemake.input.coefficients)
    models = table[table["analysis"] == "standardised_ols"]
    main = [o for o in staff["outcomes"] if o in set(models["outcome"])]
    per_score = [
        o
        for o in catalogue.index
        if o in set(models.loc[models["family"] == staff["per_score_family"], "outcome"])
    ]
    sections = [(figure_params["main_title"], main)]
    if per_score:
        sections.append((figure_params["per_score_title"], per_score))
    labels = dict(zip(models["outcome"], models["outcome_label"], strict=False))
    labels.update({o: catalogue.loc[o, "label"] for o in labels if o in catalogue.index})
    labels.update(figure_params["outcome_labels"])
    terms = [*staff["predictors"], *staff["covariates"]]
    term_labels = dict(zip(models["term"], models["term_label"], strict=False))
    term_labels = {
        term: term_labels.get(term, term)
        + (
            figure_params["binary_suffix"]
            if term in catalogue.index and catalogue.loc[term, "binary"]
            else ""
        )
        for term in terms
    }
    style = style_from_config(**params.style)
    figure = coefficient_plot(
        models,
        sections=sections,
        outcome_labels=labels,
        term_labels=term_labels,
        alpha=params.alpha,
        width=figure_params["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
