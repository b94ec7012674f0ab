"""Figure 5: focus-group code prevalence by case and speaker group; barrier x strategy."""

import sys

import pandas as pd

from coprod.figures import (
    focus_group_codes,
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
    codes = study.focus_group_codes
    prevalence = pd.read_parquet(snakemake.input.prevalence)
    cooccurrence = pd.read_parquet(snakemake.input.cooccurrence)
    intercoder = pd.read_parquet(snakemake.input.intercoder).set_index("code")
    marks = figure_params["flag_marks"]
    flags = {
        code: marks[flag]
        for code, flag in intercoder["flag"].items()
        if code in codes.index and flag in marks
    }
    low, high = params.intercoder["unreliable_below"], params.intercoder["reliable_from"]
    meanings = {
        "unreliable": f"unreliable coding: Krippendorff's α < {low:.3f}",
        "tentative": f"tentative coding: {low:.3f} ≤ α < {high:.3f}",
    }
    notes = [
        f"{mark.strip()}  {meanings.get(flag, flag)}"
        for flag, mark in marks.items()
        if mark in flags.values()
    ]
    panels = []
    for column, title in figure_params["by"].items():
        observed = prevalence.loc[prevalence["by"] == column, "group"].astype(str).unique()
        if has_level_labels(study.registries, column):
            labels = level_labels(study.registries, column)
            labels = {level: label for level, label in labels.items() if level in observed}
        else:
            labels = {level: level for level in sorted(observed)}
        panels.append((column, title, labels))
    style = style_from_config(**params.style)
    figure = focus_group_codes(
        prevalence,
        cooccurrence,
        code_labels=codes["label"].to_dict(),
        code_kinds=codes["kind"].to_dict(),
        kind_labels=figure_params["kind_headings"],
        panels=panels,
        row_codes=list(codes.index[codes["kind"] == params.row_kind]),
        column_codes=list(codes.index[codes["kind"] == params.column_kind]),
        flags=flags,
        notes=notes,
        alpha=params.alpha,
        cmap=figure_params["cmap"],
        diverging_cmap=figure_params["diverging_cmap"],
        width=figure_params["width"],
        style=style,
    )
    beyond = overflow(figure)
    if beyond > 0.01:
        print(f"warning: the figure reaches {beyond:.2f} in beyond its canvas", file=sys.stderr)
    save_figure(figure, [snakemake.output.png, snakemake.output.pdf, snakemake.output.svg], style)
