"""The statistics behind figures: what a figure draws that no analysis table holds.

:func:`heatmap_cells` is the records job ``barrier_heatmap_cells``: the mean barrier
scores in every cell of figure 2's breakdown, unmasked, outside ``results/exhibits/``
(the figure masks the small cells as it draws them). Statistics and drawing are
separate jobs, so restyling the figure does not recompute the means.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.analyses.describe import describe
from coprod.analyses.records import column_levels
from coprod.resources import Study
from coprod.vocabulary import POOLED


def heatmap_cells(
    study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The cells of figure 2 from the scores (``inputs["scores"]``), as records ``cells``.

    ``settings``: ``barriers`` (the score role), ``split`` (the columns whose levels
    make the cells: the figure's panels and rows) and ``within`` (the groups of a cell).
    """
    catalogue = score_catalogue(study.codebook)
    role = settings["barriers"]
    outcomes = scores_of(catalogue, [role["kind"]], [role["measure"]])
    scores = pd.read_parquet(inputs["scores"])
    cells = describe_cells(
        scores, outcomes, catalogue, split=settings["split"], within=settings["within"]
    )
    return {"cells": cells}


def describe_cells(
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    split: Sequence[str],
    within: str,
) -> pd.DataFrame:
    """The data of the barrier heatmap: mean scores within every cell of a breakdown.

    For every combination of the levels of the ``split`` columns (e.g. service class
    and case, in category order, unobserved combinations kept with n = 0), the
    scores are described with :func:`coprod.analyses.describe.describe` pooled and per level
    of ``within`` (e.g. stakeholder group): the same means as the paper's tables.

    Returns
    -------
    pandas.DataFrame
        One row per split combination, outcome and ``group`` (the pooled level
        :data:`coprod.vocabulary.POOLED` or a level of ``within``): the ``split``
        columns, ``outcome``, ``outcome_label``, ``group``, ``estimate`` (the mean),
        ``ci_low``, ``ci_high``, ``n`` (answers) and ``respondents`` (responses in the
        cell, answered or not).
    """
    levels = [column_levels(scores[column]) for column in split]
    parts = []
    for combination in itertools.product(*levels):
        keep = np.ones(len(scores), dtype=bool)
        for column, level in zip(split, combination, strict=True):
            keep &= (scores[column] == level).fillna(False).to_numpy()
        subset = scores[keep]
        part = describe(subset, outcomes, catalogue, by=[within], analysis="heatmap_cell")
        counts = subset[within].astype("object").value_counts()
        part["respondents"] = [
            len(subset) if group == POOLED else int(counts.get(group, 0)) for group in part["group"]
        ]
        for column, level in zip(split, combination, strict=True):
            part[column] = str(level)
        parts.append(part)
    columns = [*split, "outcome", "outcome_label", "group"]
    columns += ["estimate", "ci_low", "ci_high", "n", "respondents"]
    return pd.concat(parts, ignore_index=True)[columns]
