"""Barriers met (scales and items), barriers overcome and risks: pooled and per group."""

import pandas as pd

from coprod.compare import (
    apply_families,
    describe,
    item_catalogue,
    score_catalogue,
    scores_of,
    share_at_least,
)
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    catalogue = score_catalogue(codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    items = pd.read_parquet(snakemake.input.item_data)
    by, high = snakemake.params.by, snakemake.params.high_rating
    roles = snakemake.params.scores

    def of(role):
        return scores_of(catalogue, [roles[role]["kind"]], [roles[role]["measure"]])

    def write(table, path):
        apply_families(table, {}).to_parquet(path, index=False)  # descriptive: no tests

    write(
        describe(scores, of("barriers_met"), catalogue, by=by, high_rating=high, analysis="scale"),
        snakemake.output.barriers,
    )

    labels = item_catalogue(
        codebook, roles["barriers_met"]["kind"], roles["barriers_met"]["measure"]
    )
    table = describe(items, list(labels.index), labels, by=by, high_rating=high, analysis="item")
    table.insert(table.columns.get_loc("by"), "scale", table["outcome"].map(labels["score"]))
    reverse = table["outcome"].map(labels["reverse"]).astype(bool)
    table.insert(table.columns.get_loc("by"), "reverse_keyed", reverse)
    write(table, snakemake.output.item_table)

    overcome = of("barriers_overcome")
    threshold = snakemake.params.overcome_threshold
    shares = share_at_least(
        scores, overcome, catalogue, threshold=threshold, by=by, analysis="share_overcome"
    )
    levels = describe(scores, overcome, catalogue, by=by, high_rating=high, analysis="score")
    write(pd.concat([shares, levels], ignore_index=True), snakemake.output.overcome)

    experienced = share_at_least(
        scores, of("risks_experienced"), catalogue, threshold=1, by=by, analysis="share_experienced"
    )
    managed = describe(
        scores, of("risks_managed"), catalogue, by=by, high_rating=high, analysis="managed"
    )
    write(pd.concat([experienced, managed], ignore_index=True), snakemake.output.risks)
