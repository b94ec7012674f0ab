"""The staff factor: skills, motivation and training as predictors of overcoming the
barriers and of success, by standardised OLS and partial correlations."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod.analyses.catalogue import add_mean_scores, role_scores, scored_survey
from coprod.analyses.records import (
    adjusted,
    attempt,
    empty_record,
    finalise,
    outcome_labels,
)
from coprod.resources import Study
from coprod.stats.correlation import partial_correlation
from coprod.stats.models import ols_standardised
from coprod.vocabulary import POOLED

__all__ = ["staff_factor", "staff_models", "staff_outcome_sets"]


def _dummies(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Treatment dummies (first observed level dropped), named ``<column>__<level>``."""
    parts = []
    for column in columns:
        values = pd.Categorical(data[column]).remove_unused_categories()
        dummies = pd.get_dummies(values, drop_first=True, dtype=float)
        dummies.columns = [f"{column}__{level}" for level in dummies.columns]
        dummies.index = data.index
        parts.append(dummies)
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)


def staff_models(
    data: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    predictors: Sequence[str],
    covariates: Sequence[str] = (),
    fixed_effects: Sequence[str] = (),
    cov_type: str = "HC3",
    family: str,
    covariate_family: str,
    partial_family: str,
) -> pd.DataFrame:
    """The staff factor: standardised OLS and partial correlations per outcome.

    Each outcome is regressed (:func:`coprod.stats.ols_standardised`) on the
    predictors and covariates with the fixed effects (e.g. case, stakeholder group,
    service class), on its complete cases; continuous predictors and the outcome
    are z-scored, a yes/no predictor (training received; scored 1 = yes, 0 = no from the
    codebook's ``yes:``, whatever its codes) is left 1/0, so its coefficient is the
    trained-untrained difference in outcome SDs. Alongside,
    the partial correlation of each predictor with the outcome controls for the
    other predictors, the covariates and dummies of the fixed effects, on the same
    complete cases.

    Parameters
    ----------
    data : pandas.DataFrame
        The scores (and derived means, see :func:`add_mean_scores`).
    catalogue : pandas.DataFrame
        :func:`score_catalogue` (with derived rows).
    outcomes, predictors, covariates : sequence of str
        Score columns. Covariates are reported as terms too (``role_in_model``).
    fixed_effects : sequence of str
        Categorical columns.
    cov_type : str
        Covariance of the OLS coefficients (default HC3).
    family, covariate_family, partial_family : str
        Families of the predictors' OLS coefficients (the research question), of
        the covariates' coefficients (reported, not the question) and of the
        partial correlations.

    Returns
    -------
    pandas.DataFrame
        ``analysis`` "standardised_ols" (one row per outcome and term, with
        ``role_in_model`` "predictor" or "covariate") and "partial_correlation"
        (one per outcome and predictor).
    """
    rows = []
    terms = [*predictors, *covariates]
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        complete = data[[outcome, *terms, *fixed_effects]].dropna()
        where = f"staff model of {outcome}"
        try:
            ols = ols_standardised(complete, outcome, terms, fixed_effects, cov_type)
            records = ols.to_dict("records")
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as error:
            print(f"warning: {where}: {error}", file=sys.stderr)
            records = [{"term": term, **empty_record(str(error))} for term in terms]
        for record in records:
            term = record.pop("term")
            role = "predictor" if term in predictors else "covariate"
            rows.append(
                {
                    "analysis": "standardised_ols",
                    **labels,
                    "group": POOLED,
                    "term": term,
                    "term_label": catalogue.loc[term, "label"],
                    "role_in_model": role,
                    **record,
                    "family": family if role == "predictor" else covariate_family,
                }
            )
        numeric = complete[[outcome, *terms]].astype("float64")
        dummies = _dummies(complete, fixed_effects)
        numeric = pd.concat([numeric, dummies], axis=1)
        for term in predictors:
            controls = [t for t in terms if t != term] + list(dummies.columns)
            record = attempt(
                f"partial correlation of {term} with {outcome}",
                partial_correlation,
                numeric,
                term,
                outcome,
                controls,
            )
            rows.append(
                {
                    "analysis": "partial_correlation",
                    **labels,
                    "group": POOLED,
                    "term": term,
                    "term_label": catalogue.loc[term, "label"],
                    "role_in_model": "predictor",
                    **record,
                    "family": partial_family,
                }
            )
    return finalise(pd.DataFrame(rows))


def staff_outcome_sets(
    catalogue: pd.DataFrame, staff: Mapping[str, Any]
) -> list[tuple[list[str], str, str, str]]:
    """The outcomes the staff models are fitted to, each set with its three families.

    The main outcomes (``staff.outcomes``: families ``family``, ``covariate_family``,
    ``partial_family``), then, if ``staff.per_score`` names a role, each of its scores
    not among the main outcomes (all three in ``per_score_family``).

    Parameters
    ----------
    catalogue : pandas.DataFrame
        :func:`~coprod.analyses.catalogue.score_catalogue` with the derived means.
    staff : mapping
        Config ``compare.staff``.

    Returns
    -------
    list of tuple
        ``(outcomes, family, covariate_family, partial_family)`` per set.

    Examples
    --------
    >>> cat = pd.DataFrame({"kind": ["b", "b"], "measure": ["o", "o"]}, index=["x", "y"])
    >>> staff = {"outcomes": ["x"], "per_score": {"kind": "b", "measure": "o"},
    ...          "family": "f", "covariate_family": "c", "partial_family": "p",
    ...          "per_score_family": "e"}
    >>> staff_outcome_sets(cat, staff)
    [(['x'], 'f', 'c', 'p'), (['y'], 'e', 'e', 'e')]
    """
    main = list(staff["outcomes"])
    sets = [(main, staff["family"], staff["covariate_family"], staff["partial_family"])]
    if staff.get("per_score"):
        each = [score for score in role_scores(catalogue, staff["per_score"]) if score not in main]
        family = staff["per_score_family"]
        sets.append((each, family, family, family))
    return sets


def staff_factor(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_staff_factor``: the staff models of every outcome set.

    Reads ``scores``; settings: ``derived`` (config ``compare.derived``: means added as
    outcomes), ``staff`` (config ``compare.staff``) and ``families``. Its records:
    ``staff_factor``, :func:`staff_models` of each of :func:`staff_outcome_sets`.
    """
    staff = settings["staff"]
    data, catalogue = add_mean_scores(*scored_survey(study, inputs), settings["derived"])
    model = {key: staff[key] for key in ("predictors", "covariates", "fixed_effects", "cov_type")}
    tables = [
        staff_models(
            data,
            catalogue,
            outcomes=outcomes,
            family=family,
            covariate_family=covariate_family,
            partial_family=partial_family,
            **model,
        )
        for outcomes, family, covariate_family, partial_family in staff_outcome_sets(
            catalogue, staff
        )
    ]
    table = pd.concat(tables, ignore_index=True)
    return adjusted({"staff_factor": table}, settings["families"])
