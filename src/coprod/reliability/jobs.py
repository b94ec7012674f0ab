"""The reliability stage's jobs (see :mod:`coprod.jobs`): the survey scales, the
focus-group coders' agreement, and the consensus codes later stages count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from coprod.coding import consensus_codes, presence_matrix, read_adjudication
from coprod.reliability.tables import (
    intercoder_table,
    item_statistics_table,
    scale_reliability_table,
)
from coprod.resources import Study

__all__ = ["consensus", "intercoder_reliability", "scale_reliability"]


def scale_reliability(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """Reliability of every survey scale, pooled and per level of ``settings["by"]``,
    and the statistics of each item."""
    codebook = study.codebook
    items = pd.read_parquet(inputs["item_data"])
    scales = scale_reliability_table(
        items,
        codebook.scores,
        codebook.constructs,
        by=settings["by"],
        threshold=settings["scale_threshold"],
        ci=settings["ci"],
        n_boot=settings["n_boot"],
        seed=settings["seed"],
    )
    return {"scales": scales, "item_statistics": item_statistics_table(items, codebook.scores)}


def _presence(study: Study, inputs: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The segments, and which coder applied which code to each (0/1)."""
    segments = pd.read_parquet(inputs["segments"])
    codings = pd.read_parquet(inputs["codings"])
    codes = list(study.focus_group_codes.index)
    return segments, presence_matrix(segments, codings, codes, sorted(codings["coder"].unique()))


def intercoder_reliability(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """Agreement of the focus-group coders on every code and over all codes."""
    _, presence = _presence(study, inputs)
    table = intercoder_table(
        presence,
        study.focus_group_codes,
        levels=settings["levels"],
        default_level=settings["default_level"],
        n_boot=settings["n_boot"],
        ci=settings["ci"],
        seed=settings["seed"],
        unreliable_below=settings["unreliable_below"],
        reliable_from=settings["reliable_from"],
    )
    return {"intercoder": table}


def consensus(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The codes later stages count: agreed by the coders, or decided by adjudication."""
    segments, presence = _presence(study, inputs)
    adjudication = None
    if inputs.get("adjudication"):
        codes = list(study.focus_group_codes.index)
        adjudication = read_adjudication(inputs["adjudication"], segments, codes)
    codes = consensus_codes(presence, rule=settings["consensus"], adjudication=adjudication)
    return {"consensus": segments.set_index("segment_id").join(codes).reset_index()}
