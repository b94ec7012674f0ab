"""Figure 1: diverging stacked bars of the barrier items, one panel per level of a column."""

import sys

import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.exhibits.protection import SmallCellError
from coprod.figures import (
    diverging_bars,
    level_labels,
    likert_distribution,
    likert_item_labels,
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
    codebook = study.codebook
    catalogue = score_catalogue(codebook)
    scales = scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]])
    items = [item for scale in scales for item in codebook.scale_items(scale)]
    response_set = codebook.response_sets[codebook.items.loc[items[0], "response_set"]]
    by = params.figure["by"]
    responses = pd.read_parquet(snakemake.input.survey)
    distribution = likert_distribution(
        responses, items, list(response_set.values), list(response_set.missing), by
    )
    small = distribution[(distribution["n"] > 0) & (distribution["n"] < params.min_cell)]
    if not small.empty:
        raise SmallCellError(
            f"figure 1: {len(small)} bar(s) rest on fewer than {params.min_cell} answers "
            f"(config disclosure.min_cell), e.g. item {small['item'].iloc[0]} in "
            f"{small[by].iloc[0]}; choose a coarser `figures.figure1_barrier_items.by`."
        )
    style = style_from_config(**params.style)
    figure = diverging_bars(
        distribution,
        by=by,
        panel_labels=level_labels(study.registries, by),
        item_labels=likert_item_labels(codebook, items),
        code_labels=response_set.values,
        missing_label=" / ".join(label for label, _ in response_set.missing.values()),
        width=params.figure["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
