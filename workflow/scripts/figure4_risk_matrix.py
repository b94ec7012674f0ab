"""Figure 4: risk matrix - share experienced against how well managed, per level of a column."""

import sys

import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.figures import level_labels, overflow, risk_matrix, save_figure, style_from_config
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    params = snakemake.params
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    codebook = study.codebook
    catalogue = score_catalogue(codebook)
    experienced = scores_of(
        catalogue, [params.experienced["kind"]], [params.experienced["measure"]]
    )
    managed = scores_of(catalogue, [params.managed["kind"]], [params.managed["measure"]])
    by = params.figure["by"]
    risks = pd.read_parquet(snakemake.input.risks)
    risks = risks[risks["by"] == by]
    construct = catalogue["construct"]

    def part(outcomes, prefix, columns):
        rows = risks[risks["outcome"].isin(outcomes)]
        out = rows[["group", *columns]].rename(columns={c: f"{prefix}{c}" for c in columns})
        out = out.rename(columns={f"{prefix}estimate": prefix.rstrip("_")})
        return out.assign(risk=rows["outcome"].map(construct).to_numpy())

    points = part(experienced, "experienced_", ["estimate", "count", "n"]).merge(
        part(managed, "managed_", ["estimate", "ci_low", "ci_high", "n"]),
        on=["risk", "group"],
        how="outer",
    )
    points = points.rename(columns={"group": "by"})
    response_set = codebook.response_sets[codebook.scores.loc[managed[0], "response_set"]]
    codes = sorted(response_set.values)
    middle = codes[len(codes) // 2]
    style = style_from_config(**params.style)
    figure = risk_matrix(
        points,
        by=by,
        group_labels=level_labels(study.registries, by),
        risk_labels={catalogue.loc[s, "construct"]: catalogue.loc[s, "label"] for s in managed},
        min_cell=params.min_cell,
        x_label=params.figure["x_label"],
        y_label=(
            f"{params.figure['y_label']}\n{codes[0]} = {response_set.values[codes[0]].lower()}, "
            f"{codes[-1]} = {response_set.values[codes[-1]].lower()}"
        ),
        reference=(middle, response_set.values[middle].lower()),
        width=params.figure["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
