"""Describing the scores: n, mean, SD, median and shares, pooled and per group.

Decisions
---------
Shares
    A *share rating high* (the paper's "% rating 4-5") is, for an item, the share of
    its answers whose (reverse-keyed) code is at least ``high_rating`` (default 4);
    for a scale, the share of respondents whose scale score (the mean of the
    answered items) is at least ``high_rating``: a mean of 4 or more, i.e. rating the
    barrier 4-5 on average. A barrier is *overcome* where its overcome score is at
    least ``overcome_threshold`` (default 4, "largely" or "fully overcome"); the
    share is among those who answered (not "not applicable"). A risk's share
    *experienced* is among those who answered yes or no ("don't know" left out).
    Every share has a Wilson 95% CI.
Pooled and per group
    Rows come pooled and per level of each ``by`` column (see
    :mod:`coprod.analyses.records`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.analyses.catalogue import item_catalogue, read_frame, role_scores, scored_survey
from coprod.analyses.records import (
    adjusted,
    empty_record,
    finalise,
    outcome_labels,
    share_record,
    subset_masks,
)
from coprod.resources import Study
from coprod.stats.effect_sizes import wilson_ci
from coprod.vocabulary import DESCRIPTIVE

__all__ = ["describe", "descriptives", "share_at_least"]


@functools.cache
def _t_quantile(df: int) -> float:
    """The t distribution's 97.5% quantile (computed once per df: many groups share one)."""
    return float(st.t.ppf(0.975, df))


def _describe_values(values: np.ndarray, high_rating: float) -> dict[str, Any]:
    v = values[~np.isnan(values)]
    n = v.size
    record = {"sd": np.nan, "median": np.nan, "share_high": np.nan}
    record.update({"share_high_ci_low": np.nan, "share_high_ci_high": np.nan})
    if n == 0:
        return {**record, **empty_record("no answers", effect="mean")}
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else np.nan
    half = _t_quantile(n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
    share, low, high = wilson_ci(int((v >= high_rating).sum()), n)
    return {
        "sd": sd,
        "median": float(np.median(v)),
        "share_high": share,
        "share_high_ci_low": low,
        "share_high_ci_high": high,
        "estimate": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "effect": "mean",
        "statistic": np.nan,
        "statistic_name": None,
        "df": float(n - 1),
        "df2": np.nan,
        "p": np.nan,
        "n": n,
        "method": (
            f"mean with t 95% CI, SD (ddof 1), median; share_high: share >= {high_rating} "
            "with Wilson 95% CI"
        ),
    }


def describe(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    high_rating: float = 4,
    analysis: str = "describe",
) -> pd.DataFrame:
    """n, mean (t 95% CI), SD, median and share rating high, pooled and per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Scores (or keyed items), one row per response.
    outcomes : sequence of str
        Columns to describe; rows of ``catalogue``.
    catalogue : pandas.DataFrame
        :func:`score_catalogue` or :func:`item_catalogue`.
    by : sequence of str
        Grouping columns (e.g. the case); pooled rows come first.
    high_rating : float
        ``share_high`` is the share of values >= this (see the module's Decisions).
    analysis : str
        Name in the ``analysis`` column.

    Returns
    -------
    pandas.DataFrame
        One row per outcome and group; ``estimate`` is the mean.

    Examples
    --------
    >>> data = pd.DataFrame({"s": [1.0, 2.0, 4.0, 5.0]})
    >>> cat = pd.DataFrame({"outcome_label": ["S"], "kind": ["k"], "measure": ["m"]},
    ...                    index=["s"])
    >>> row = describe(data, ["s"], cat).iloc[0]
    >>> float(row["estimate"]), float(row["median"]), float(row["share_high"])
    (3.0, 3.0, 0.5)
    """
    rows = []
    masks = subset_masks(data, by)
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        values = data[outcome].astype("float64").to_numpy()
        for column, level, mask in masks:
            rows.append(
                {
                    "analysis": analysis,
                    **labels,
                    "by": column,
                    "group": level,
                    **_describe_values(values[mask], high_rating),
                    "family": DESCRIPTIVE,
                }
            )
    return finalise(pd.DataFrame(rows))


def share_at_least(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    threshold: float,
    by: Sequence[str] = (),
    analysis: str = "share",
) -> pd.DataFrame:
    """Share of the non-missing values >= ``threshold``, with a Wilson 95% CI.

    For a 0/1 score (a risk experienced, a strategy used) ``threshold`` 1 gives the
    share of yes among the yes and no answers.

    Parameters
    ----------
    data, outcomes, catalogue, by, analysis
        As :func:`describe`.
    threshold : float
        Values at or above it count.

    Returns
    -------
    pandas.DataFrame
        One row per outcome and group: ``count`` (values at or above), ``n``
        (non-missing), ``estimate`` the share with ``ci_low``/``ci_high``.

    Examples
    --------
    >>> data = pd.DataFrame({"s": [1.0, 4.0, 5.0, None, 3.0, 4.0, 2.0, 1.0, 5.0, 4.0]})
    >>> cat = pd.DataFrame({"outcome_label": ["S"], "kind": ["k"], "measure": ["m"]},
    ...                    index=["s"])
    >>> row = share_at_least(data, ["s"], cat, threshold=4).iloc[0]
    >>> int(row["count"]), int(row["n"]), round(float(row["estimate"]), 4)
    (5, 9, 0.5556)
    """
    rows = []
    masks = subset_masks(data, by)
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        answers = data[outcome].astype("float64").to_numpy()
        for column, level, mask in masks:
            values = answers[mask][~np.isnan(answers[mask])]
            count, n = int((values >= threshold).sum()), int(values.size)
            method = (
                f"share of non-missing values >= {threshold} with Wilson 95% CI"
                if n
                else "not estimable: no answers"
            )
            rows.append(
                {
                    "analysis": analysis,
                    **labels,
                    "by": column,
                    "group": level,
                    "threshold": float(threshold),
                    **share_record(count, n, method),
                    "family": DESCRIPTIVE,
                }
            )
    return finalise(pd.DataFrame(rows))


def descriptives(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_describe``: barriers met (scales and items), overcome, and risks.

    Reads ``scores`` and ``item_data`` (the scoring stage's scores and keyed items);
    settings: ``by`` (config ``compare.describe_by``), ``high_rating``,
    ``overcome_threshold`` and ``scores`` (the roles of config ``compare.scores``). Its
    records: ``barriers`` (the barriers met, per scale), ``item_table`` (per item, with
    its ``scale`` and ``reverse_keyed``), ``overcome`` (shares overcome, then mean
    levels) and ``risks`` (shares experienced, then how well each was managed).
    """
    scores, catalogue = scored_survey(study, inputs)
    items = read_frame(inputs, "item_data")
    by, high = settings["by"], settings["high_rating"]
    roles = settings["scores"]

    def of(role: str) -> list[str]:
        return role_scores(catalogue, roles[role])

    met = roles["barriers_met"]
    labels = item_catalogue(study.codebook, met["kind"], met["measure"])
    item_table = describe(
        items, list(labels.index), labels, by=by, high_rating=high, analysis="item"
    )
    item_table.insert(
        item_table.columns.get_loc("by"), "scale", item_table["outcome"].map(labels["score"])
    )
    reverse = item_table["outcome"].map(labels["reverse"]).astype(bool)
    item_table.insert(item_table.columns.get_loc("by"), "reverse_keyed", reverse)

    overcome = of("barriers_overcome")
    threshold = settings["overcome_threshold"]
    shares = share_at_least(
        scores, overcome, catalogue, threshold=threshold, by=by, analysis="share_overcome"
    )
    overcome_levels = describe(
        scores, overcome, catalogue, by=by, high_rating=high, analysis="score"
    )
    experienced = share_at_least(
        scores, of("risks_experienced"), catalogue, threshold=1, by=by, analysis="share_experienced"
    )
    managed = describe(
        scores, of("risks_managed"), catalogue, by=by, high_rating=high, analysis="managed"
    )
    tables = {
        "barriers": describe(
            scores, of("barriers_met"), catalogue, by=by, high_rating=high, analysis="scale"
        ),
        "item_table": item_table,
        "overcome": pd.concat([shares, overcome_levels], ignore_index=True),
        "risks": pd.concat([experienced, managed], ignore_index=True),
    }
    return adjusted(tables, {})
