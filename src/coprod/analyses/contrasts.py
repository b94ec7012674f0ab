"""Two-group contrasts: two levels of a column (a service class, a case attribute, a sample).

Decisions
---------
Two-group contrasts
    Each contrast (e.g. service class) compares level x with level y of a column:
    the primary test is Mann-Whitney with the rank-biserial r (positive: x higher);
    the robustness evidence is Hedges' g with Welch's t (non-binary scores) and a
    proportional-odds logistic regression (:func:`coprod.stats.models.ordinal_logit`) of
    the score on x vs y with fixed effects. The ordinal model is fitted to the
    *scale score itself*, its observed distinct values (1, 1.33, ..., 5) taken as
    ordered categories (a cumulative-link model for a many-valued outcome, Liu,
    Shepherd, Li & Harrell 2017, Stat Med 36:4316): rounding the mean to 1-5 would
    discard information and tie 2.5 to 2 or 3 arbitrarily, and one model per item
    would triple the tests with items of one respondent treated as independent.
    Its estimate is a log odds ratio, positive when x has the higher scores.
Case attribute
    A case attribute (e.g. succeeded vs struggled with the strategy) is constant
    within a case, so case fixed effects are collinear with it. Its contrast
    controls for the respondent mix instead (stakeholder group, service class and
    sample as fixed effects in the ordinal model, named in config). It rests on few
    cases: any difference between the cases, not only their attribute, shows up in
    it, and respondents are treated as independent although they are clustered in
    cases; the across-case tests show whether the cases of one level agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import scored_survey, scores_of
from coprod.analyses.records import (
    adjusted,
    attempt,
    column_levels,
    finalise,
    outcome_labels,
)
from coprod.resources import Study
from coprod.stats.effect_sizes import hedges_g
from coprod.stats.group_tests import mann_whitney
from coprod.stats.models import ordinal_logit
from coprod.vocabulary import POOLED

__all__ = ["contrast_levels", "contrast_tables", "contrasts", "two_group_contrast"]


def contrast_levels(series: pd.Series, levels: Sequence[Any] | None = None) -> list[Any]:
    """The two levels [x, y] a contrast compares (x minus y).

    Parameters
    ----------
    series : pandas.Series
        The contrast's column.
    levels : sequence, optional
        Two levels named in config; None takes the column's two levels in category
        order (registry order), or sorted for a non-categorical column.

    Returns
    -------
    list
        ``[x, y]``.

    Raises
    ------
    ValueError
        Not exactly two levels, or a named level absent from the data.

    Examples
    --------
    >>> contrast_levels(pd.Series([2, 1, 2, 1]))
    [1, 2]
    """
    observed = [level for level in column_levels(series) if (series == level).any()]
    if levels is None:
        if len(observed) != 2:
            raise ValueError(
                f"column {series.name!r} has {len(observed)} levels {observed}; a contrast "
                "compares two: name them under `levels` in the config"
            )
        return observed
    chosen = list(levels)
    if len(chosen) != 2:
        raise ValueError(f"a contrast compares two levels; got {chosen}")
    as_text = {str(level): level for level in observed}
    missing = [level for level in chosen if str(level) not in as_text]
    if missing:
        raise ValueError(
            f"level(s) {missing} of column {series.name!r} have no responses "
            f"(levels with responses: {observed})"
        )
    return [as_text[str(level)] for level in chosen]


def _ordinal_outcome(values: pd.Series) -> pd.Series:
    """A score's distinct values as ordered levels (rounded against float noise)."""
    return values.astype("float64").round(6)


def two_group_contrast(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    column: str,
    levels: Sequence[Any] | None = None,
    fixed_effects: Sequence[str] = (),
    family: str,
    robustness_family: str,
    ordinal: bool = True,
    analysis: str | None = None,
) -> pd.DataFrame:
    """Compare two levels of a column on every outcome: effect sizes, CIs and tests.

    Per outcome: Mann-Whitney with rank-biserial r (``evidence`` "primary",
    ``family``); for non-binary scores Hedges' g with Welch's t; and, if
    ``ordinal``, a proportional-odds model of the score on x vs y with
    ``fixed_effects`` (both ``evidence`` "robustness", ``robustness_family``). All
    effects are positive when x has the higher scores. See the module's Decisions
    for the ordinal model and the case-attribute contrast.

    Parameters
    ----------
    data : pandas.DataFrame
        Scores with ``column`` and the fixed-effect columns.
    outcomes : sequence of str
        Scores to compare; rows of ``catalogue``.
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    column : str
        The column whose two levels are compared.
    levels : sequence, optional
        ``[x, y]``; see :func:`contrast_levels`.
    fixed_effects : sequence of str
        Categorical columns of the ordinal model (e.g. the case for service class).
    family, robustness_family : str
        Families of the primary and of the robustness tests.
    ordinal : bool
        Fit the ordinal model (a robustness check; a few milliseconds per outcome).
    analysis : str, optional
        Name in the ``analysis`` column (default ``"contrast_<column>"``).

    Returns
    -------
    pandas.DataFrame
        One to three rows per outcome, with ``contrast`` "<x> vs <y>".
    """
    analysis = analysis or f"contrast_{column}"
    x_level, y_level = contrast_levels(data[column], levels)
    subset = data[data[column].isin([x_level, y_level]).fillna(False).to_numpy()].copy()
    predictor = f"{column}__contrast"
    subset[predictor] = pd.Categorical(
        subset[column].astype(object), categories=[y_level, x_level], ordered=False
    )
    is_x = (subset[column] == x_level).to_numpy()
    contrast = {
        "analysis": analysis,
        "by": column,
        "group": POOLED,
        "contrast": f"{x_level} vs {y_level}",
        "group_1": str(x_level),
        "group_2": str(y_level),
    }
    rows = []
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        values = subset[outcome].astype("float64")
        x, y = values[is_x], values[~is_x]
        where = f"{analysis} of {outcome}"
        tests = [("primary", family, attempt(where, mann_whitney, x, y))]
        if not catalogue.loc[outcome, "binary"]:
            tests.append(("robustness", robustness_family, attempt(where, hedges_g, x, y)))
        if ordinal:
            frame = subset[[predictor, *fixed_effects]].assign(
                **{outcome: _ordinal_outcome(subset[outcome])}
            )
            record = attempt(
                f"ordinal {where}", ordinal_logit, frame, outcome, predictor, fixed_effects
            )
            tests.append(("robustness", robustness_family, record))
        for evidence, test_family, record in tests:
            rows.append(
                {**contrast, **labels, "evidence": evidence, **record, "family": test_family}
            )
    return finalise(pd.DataFrame(rows))


def contrasts(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    specs: Mapping[str, Mapping[str, Any]],
    *,
    ordinal: bool = True,
) -> dict[str, pd.DataFrame]:
    """Every two-level contrast of the config (``compare.contrasts``), by name.

    Each spec names its ``column``, ``family`` and ``robustness_family`` and may name
    ``levels`` and ``fixed_effects``; its table (:func:`two_group_contrast`) has the
    analysis ``contrast_<name>``. p values are not adjusted yet (:func:`apply_families`).
    """
    return {
        name: two_group_contrast(
            data,
            outcomes,
            catalogue,
            column=spec["column"],
            levels=spec.get("levels"),
            fixed_effects=spec.get("fixed_effects", []),
            family=spec["family"],
            robustness_family=spec["robustness_family"],
            ordinal=ordinal,
            analysis=f"contrast_{name}",
        )
        for name, spec in specs.items()
    }


def contrast_tables(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_contrasts``: every contrast of config ``compare.contrasts``.

    Reads ``scores``; settings: ``contrasts``, ``families``, ``kinds``
    (``compare.outcome_kinds``) and ``ordinal`` (fit the proportional-odds model). Its
    records: one table per contrast, by its name in the config.
    """
    scores, catalogue = scored_survey(study, inputs)
    outcomes = scores_of(catalogue, settings["kinds"])
    tables = contrasts(
        scores, outcomes, catalogue, settings["contrasts"], ordinal=settings["ordinal"]
    )
    return adjusted(tables, settings["families"])
