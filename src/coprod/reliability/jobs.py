"""The reliability stage's jobs (see :mod:`coprod.jobs`): the survey scales, the
focus-group coders' agreement, and the consensus codes later stages count."""

from __future__ import annotations

import pandas as pd

from coprod.coding import consensus_codes, presence_matrix, read_adjudication
from coprod.errors import StudyInputError
from coprod.jobs import Inputs, Settings
from coprod.reliability.tables import (
    intercoder_table,
    item_statistics_table,
    omega_block_table,
    scale_reliability_table,
)
from coprod.resources import Study

__all__ = ["consensus", "intercoder_reliability", "scale_reliability"]


def scale_reliability(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """Reliability of every survey scale, pooled and per level of ``settings["by"]``, the
    statistics of each item, and omega of every block of scales (``settings["blocks"]``);
    the other ``settings`` are the keywords of
    :func:`coprod.reliability.tables.scale_reliability_table`."""
    codebook = study.codebook
    items = pd.read_parquet(inputs["item_data"])
    settings = dict(settings)
    blocks = settings.pop("blocks")
    scales = scale_reliability_table(items, codebook.scores, codebook.constructs, **settings)
    std_formula, by, fm = settings["std_formula"], settings["by"], settings["fm"]
    return {
        "scales": scales,
        "item_statistics": item_statistics_table(items, codebook.scores, std_formula=std_formula),
        "omega_blocks": omega_block_table(items, codebook.scores, blocks, by=by, fm=fm),
    }


def _presence(study: Study, inputs: Inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The segments, and which coder applied which code to each (0/1)."""
    segments = pd.read_parquet(inputs["segments"])
    codings = pd.read_parquet(inputs["codings"])
    codes = list(study.focus_group_codes.index)
    return segments, presence_matrix(segments, codings, codes, sorted(codings["coder"].unique()))


def intercoder_reliability(
    study: Study, inputs: Inputs, settings: Settings
) -> dict[str, pd.DataFrame]:
    """Agreement of the focus-group coders on every code and over all codes; ``settings``
    are the keywords of :func:`coprod.reliability.tables.intercoder_table`."""
    _, presence = _presence(study, inputs)
    population = settings.get("population")
    if population is not None and population < len(presence):
        raise StudyInputError(
            "the config",
            f"population is {population:g} speaker turns, fewer than the {len(presence)} "
            "turns the coders coded;",
            entry="intercoder.population",
            fix="Give the number of turns in the population the coded ones come from, or "
            "null for an infinite population.",
        )
    return {"intercoder": intercoder_table(presence, study.focus_group_codes, **settings)}


def consensus(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The codes later stages count: agreed by the coders, or decided by adjudication."""
    segments, presence = _presence(study, inputs)
    adjudication = None
    if inputs.get("adjudication"):
        codes = list(study.focus_group_codes.index)
        adjudication = read_adjudication(inputs["adjudication"], segments, codes)
    codes = consensus_codes(presence, rule=settings["consensus"], adjudication=adjudication)
    return {"consensus": segments.set_index("segment_id").join(codes).reset_index()}
