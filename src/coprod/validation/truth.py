"""The population values of the validated estimands, and each estimate beside its own.

Population values are computed once per condition (:func:`population_truth`) from a
large draw of the condition's model with the generator's own population machinery
(the draw, scores and effect definitions behind ``truth.json``), with the stakeholder
groups in the study's mix (:func:`coprod.validation.conditions.population_model`),
plus the values ``truth.json`` does not hold or holds for another model
(epsilon-squared and Cramér's V across the levels of a column, the config's staff
models, means and shares).

An estimand is *null* where its population value is within ``null_tolerance`` of 0
(:func:`attach_truth`); rejections of null estimands are type I errors, of the others
power. The ordinal model's log odds ratio has no population value: it is taken as 0
where the same contrast's rank-biserial r is null (equal distributions have no odds
ratio to find) and unknown otherwise, so it contributes type I error and power but
bias and coverage only where null.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.analyses.catalogue import add_mean_scores, score_catalogue, scores_of
from coprod.analyses.staff import staff_outcome_sets
from coprod.resources import Study
from coprod.synthetic.truth import draw_population
from coprod.validation.conditions import population_model, read_condition_model
from coprod.validation.design import (
    ESTIMATE_COLUMNS,
    KEY,
    NULL_TOLERANCE,
    AnalysisSettings,
    staff_analysis,
    tolerance,
)

__all__ = [
    "attach_truth",
    "condition_truth",
    "population_frame",
    "population_truth",
    "staff_population",
    "truth_table",
    "write_truth",
]

_POPULATION_RENAMES = {"stakeholder_group": "group_id"}


def population_frame(
    study: Study, model: Mapping[str, Any], *, seed: int, size: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A large draw of the model, scored, and the generator's population effects.

    The draw, its scores and the effects are those of ``truth.json``'s population
    (:mod:`coprod.synthetic`): clean respondents only, every score as the mean of the
    answered items. The design columns are made Categoricals in registry order and
    named as in the scored data, so the comparisons' own level order applies.

    Parameters
    ----------
    study : Study
    model : mapping
        A condition's model.
    seed, size : int
        The draw's seed and size, as :func:`coprod.synthetic.truth.draw_population` takes
        them.

    Returns
    -------
    tuple
        The population frame and the generator's population effects (the
        ``population`` entries of ``truth.json`` other than reliabilities).
    """
    frame, effects = draw_population(study, population_model(model), seed=seed, size=size)
    frame = frame.rename(columns=_POPULATION_RENAMES)
    orders = {
        "case": list(study.cases.index),
        "group_id": list(study.stakeholder_groups.index),
        "service_class": list(study.service_classes.index),
    }
    for attribute in study.cases.columns:
        if attribute in frame.columns and attribute not in orders:
            orders[attribute] = list(dict.fromkeys(study.cases[attribute]))
    for column, categories in orders.items():
        frame[column] = pd.Categorical(frame[column], categories=categories)
    return frame, effects


def _record(
    analysis: str, outcome: str, effect: str, value: float, term: str = "", contrast: str = ""
) -> dict[str, Any]:
    value = float(value) if value is not None and np.isfinite(value) else None  # JSON null
    return {
        "analysis": analysis,
        "outcome": outcome,
        "term": term,
        "effect": effect,
        "contrast": contrast,
        "truth": value,
    }


def _across_value(values: pd.Series, groups: pd.Series, binary: bool) -> tuple[str, float]:
    """Population epsilon-squared (Kruskal-Wallis H / (n - 1)) or Cramér's V."""
    codes = pd.Categorical(groups).codes
    v = values.to_numpy(float)
    keep = ~np.isnan(v) & (codes >= 0)
    v, codes = v[keep], codes[keep]
    levels = np.unique(codes)
    if binary:
        table = np.array(
            [[np.sum(v[codes == c] == value) for value in np.unique(v)] for c in levels]
        )
        chi2 = st.chi2_contingency(table, correction=False).statistic
        return "cramers_v", float(np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))
    h = st.kruskal(*(v[codes == c] for c in levels)).statistic
    return "epsilon_squared", float(h / (v.size - 1))


def population_truth(
    study: Study,
    model: Mapping[str, Any],
    settings: AnalysisSettings,
    *,
    seed: int,
    size: int,
) -> dict[str, Any]:
    """Population values of every estimand :func:`analyse` reports, from one large draw.

    Contrasts (rank-biserial r, Hedges' g), strategy links and the barrier sides are
    the generator's own population effects (those of ``truth.json``; contrasts matched
    by column; a contrast the generator has none for is unknown, with a warning). The
    staff models (the config's: standardised betas and partial correlations),
    epsilon-squared and Cramér's V across a column's levels, shares and means are
    computed here from the same draw, as the comparisons define them.

    Parameters
    ----------
    study : Study
    model : mapping
        The condition's model.
    settings : AnalysisSettings
        What :func:`analyse` runs.
    seed, size : int
        Seed and size of the population draw.

    Returns
    -------
    dict
        ``{"n_drawn": int, "estimands": [record, ...]}``, each record with the
        :data:`KEY` columns, ``contrast`` ("x vs y" for two-level contrasts) and
        ``truth`` (NaN: unknown).
    """
    cmp = settings.compare
    frame, effects = population_frame(study, model, seed=seed, size=size)
    catalogue = score_catalogue(study.codebook)
    outcomes = scores_of(catalogue, cmp["outcome_kinds"])
    run = set(settings.analyses)
    records: list[dict[str, Any]] = []

    if "contrasts" in run:
        by_column = {spec["column"]: spec for spec in effects["contrasts"].values()}
        for name, spec in cmp["contrasts"].items():
            population = by_column.get(_POPULATION_RENAMES.get(spec["column"], spec["column"]))
            population = population or by_column.get(spec["column"])
            if population is None:
                print(
                    f"warning: contrast {name}: the generator has no population value for "
                    f"column {spec['column']!r}; its truth is unknown",
                    file=sys.stderr,
                )
                continue
            contrast = f"{population['x']} vs {population['y']}"
            for outcome in outcomes:
                values = population["values"].get(outcome, {})
                for effect in ("rank_biserial", "hedges_g"):
                    if effect in values:
                        records.append(
                            _record(
                                f"contrast_{name}",
                                outcome,
                                effect,
                                values[effect],
                                contrast=contrast,
                            )
                        )

    across = []
    if "across_cases" in run:
        across.append(cmp["across_cases"]["column"])
    if "stakeholder_groups" in run:
        across.append(cmp["stakeholder_groups"]["column"])
    for column in across:
        for outcome in outcomes:
            effect, value = _across_value(
                frame[outcome], frame[column], bool(catalogue.loc[outcome, "binary"])
            )
            records.append(_record(f"across_{column}", outcome, effect, value))

    if "staff" in run:
        records += _staff_truth(frame, catalogue, settings)

    if "strategy_links" in run:
        for outcome, links in effects["strategy_overcome_rank_biserial"].items():
            for strategy, value in links.items():
                records.append(
                    _record("strategy_link", outcome, "rank_biserial", value, term=strategy)
                )

    if "barrier_sides" in run and effects["barrier_sides"]:
        sides = effects["barrier_sides"]
        met = cmp["scores"]["barriers_met"]
        records.append(
            _record(
                "barrier_sides",
                f"{met['kind']}_{met['measure']}_sides",
                "rank_biserial_paired",
                sides["rank_biserial"],
                contrast=f"{sides['x']} vs {sides['y']}",
            )
        )

    def share(outcome: str, threshold: float) -> float:
        values = frame[outcome].dropna()
        return float((values >= threshold).mean())

    if "shares" in run:
        for analysis, role, threshold in (
            ("share_overcome", "barriers_overcome", cmp["overcome_threshold"]),
            ("share_experienced", "risks_experienced", 1),
            ("share_high", "barriers_met", cmp["high_rating"]),
        ):
            for outcome in settings.role(catalogue, role):
                records.append(_record(analysis, outcome, "proportion", share(outcome, threshold)))
    if "means" in run:
        for outcome in settings.role(catalogue, "barriers_met"):
            records.append(_record("mean", outcome, "mean", frame[outcome].mean()))
    return {"n_drawn": int(len(frame)), "estimands": records}


def staff_population(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    terms: Sequence[str],
    fixed_effects: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Standardised betas of every term and partial r of every predictor, in one pass.

    On the complete cases, from the covariance matrix S of the outcome, the terms and
    the fixed effects' treatment dummies (the means absorb the intercept). The OLS
    slopes of the outcome on the rest are -P[rest, y] / P[y, y] with P = S^-1, and the
    partial correlation of a term with the outcome given everything else is
    -P[t, y] / sqrt(P[t, t] P[y, y]). A slope becomes a standardised beta as
    :func:`coprod.stats.ols_standardised` defines it (and ``truth.json``'s
    :func:`coprod.synthetic._standardised_betas` computes it by least squares): times
    the term's SD over the outcome's for a continuous term; over the outcome's SD (and
    per unit step of 0/1) for a two-valued term.
    """
    complete = data[[outcome, *terms, *fixed_effects]].dropna()
    columns = {name: complete[name].to_numpy(float) for name in [outcome, *terms]}
    binary = {name: np.unique(columns[name]).size == 2 for name in terms}
    for name in terms:
        if binary[name]:
            columns[name] = (columns[name] == columns[name].max()).astype(float)
    for name in fixed_effects:
        dummies = pd.get_dummies(complete[name], drop_first=True, dtype=float)
        dummies = dummies.loc[:, dummies.sum() > 0]
        for level in dummies.columns:
            columns[f"{name}__{level}"] = dummies[level].to_numpy()
    matrix = np.column_stack(list(columns.values()))
    precision = np.linalg.inv(np.cov(matrix, rowvar=False))
    names = list(columns)
    y = names.index(outcome)
    sd = matrix.std(axis=0, ddof=1)
    betas, partials = {}, {}
    for term in terms:
        t = names.index(term)
        slope = -precision[t, y] / precision[y, y]
        scale = 1.0 if binary[term] else sd[t]
        betas[term] = float(slope * scale / sd[y])
        if term in predictors:
            partials[term] = float(-precision[t, y] / np.sqrt(precision[t, t] * precision[y, y]))
    return {"standardised_beta": betas, "partial_r": partials}


def _staff_truth(
    frame: pd.DataFrame, catalogue: pd.DataFrame, settings: AnalysisSettings
) -> list[dict[str, Any]]:
    """Population values of the staff models' coefficients and partial correlations.

    The config's own models (outcomes, predictors, covariates, fixed effects) on the
    population's complete cases (:func:`staff_population`).
    """
    cmp = settings.compare
    staff = cmp["staff"]
    data, extended = add_mean_scores(frame, catalogue, cmp["derived"])
    terms = [*staff["predictors"], *staff["covariates"]]
    records = []
    for outcomes, *_ in staff_outcome_sets(extended, staff):
        for outcome in outcomes:
            analysis = staff_analysis(outcome, staff)
            values = staff_population(
                data, outcome, staff["predictors"], terms, staff["fixed_effects"]
            )
            for effect, by_term in values.items():
                for term, value in by_term.items():
                    records.append(_record(analysis, outcome, effect, value, term=term))
    return records


def truth_table(truth: Mapping[str, Any]) -> pd.DataFrame:
    """The estimand records of :func:`population_truth` as a frame.

    Parameters
    ----------
    truth : mapping
        The JSON document :func:`population_truth` returns.

    Returns
    -------
    pandas.DataFrame
        :data:`KEY` columns, ``contrast`` and ``truth``.
    """
    columns = [*KEY, "contrast", "truth"]
    frame = pd.DataFrame(list(truth["estimands"]), columns=columns)
    frame["truth"] = frame["truth"].astype(float)
    return frame


def _reversed(contrast: str) -> str:
    first, _, second = contrast.partition(" vs ")
    return f"{second} vs {first}"


def attach_truth(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    null_tolerance: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Add each estimate's population value (``truth``) and whether it is null.

    An estimate is matched to its estimand by :data:`KEY`; a contrast whose levels come
    in the other order than the population value's gets the value with its sign
    flipped. The ordinal model's log odds ratio takes 0 where the rank-biserial r of
    the same analysis and outcome is null, else NaN (unknown). ``null_effect`` is
    whether |truth| is at most the effect's ``null_tolerance`` (NA without a truth or
    for rows without a test).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Rows of :func:`coprod.validation.replicates.analyse`.
    truth : pandas.DataFrame
        :func:`truth_table`.
    null_tolerance : mapping, optional
        Effect (or ``"default"``) -> tolerance, over :data:`NULL_TOLERANCE`.

    Returns
    -------
    pandas.DataFrame
        ``estimates`` with ``truth`` and ``null_effect``, columns in
        :data:`ESTIMATE_COLUMNS` order (those present).

    Examples
    --------
    >>> est = pd.DataFrame({"analysis": ["c"], "outcome": ["s"], "term": [""],
    ...                     "effect": ["rank_biserial"], "contrast": ["b vs a"],
    ...                     "p": [0.5]})
    >>> tru = pd.DataFrame({"analysis": ["c"], "outcome": ["s"], "term": [""],
    ...                     "effect": ["rank_biserial"], "contrast": ["a vs b"],
    ...                     "truth": [0.3]})
    >>> attach_truth(est, tru)[["truth", "null_effect"]].to_dict("records")
    [{'truth': -0.3, 'null_effect': False}]
    """
    tolerances = {**NULL_TOLERANCE, **dict(null_tolerance or {})}

    def tol(effect: str) -> float:
        return tolerance(tolerances, effect)

    base = truth.rename(columns={"contrast": "truth_contrast"})
    out = estimates.drop(columns=["truth", "null_effect"], errors="ignore").merge(
        base, on=list(KEY), how="left", validate="many_to_one"
    )
    same = out["contrast"].eq(out["truth_contrast"]) | out["truth_contrast"].isna()
    same |= out["truth_contrast"].eq("")
    flipped = out["contrast"].eq(out["truth_contrast"].map(_reversed, na_action="ignore"))
    out["truth"] = np.where(same, out["truth"], np.where(flipped, -out["truth"], np.nan))

    # The ordinal model: null where the same contrast's rank-biserial r is null.
    rank = base[base["effect"] == "rank_biserial"].set_index(["analysis", "outcome"])["truth"]
    ordinal = (out["effect"] == "log_odds_ratio").to_numpy()
    if ordinal.any():
        keys = pd.MultiIndex.from_frame(out.loc[ordinal, ["analysis", "outcome"]])
        r = rank.reindex(keys).to_numpy(dtype=float)
        out.loc[ordinal, "truth"] = np.where(np.abs(r) <= tol("rank_biserial"), 0.0, np.nan)

    limits = out["effect"].map(tol).astype(float)
    null = (out["truth"].abs() <= limits).astype("boolean")
    null[out["truth"].isna() | out["p"].isna()] = pd.NA
    out["null_effect"] = null
    out = out.drop(columns=["truth_contrast"])
    return out[[c for c in ESTIMATE_COLUMNS if c in out.columns]]


def condition_truth(
    study: Study,
    model_path: str | Path,
    *,
    name: str,
    condition: Mapping[str, Any],
    baseline: Sequence[str],
    settings: Mapping[str, Any],
    population_seed: int,
    population_size: int,
) -> dict[str, Any]:
    """The document ``results/validation/<condition>/truth.json`` of one condition.

    Parameters
    ----------
    study : Study
    model_path : str or Path
        The bundled generative model.
    name : str
        The condition's name.
    condition : mapping
        Its settings (``effect_scale``, ``respondents_per_case_sample``, ...).
    baseline : sequence of str
        Config ``validation.baseline``.
    settings : mapping
        :meth:`AnalysisSettings.from_params` keywords.
    population_seed, population_size : int
        Seed and size of the population draw.

    Returns
    -------
    dict
        The condition, its settings, :func:`population_truth` and the model's ``latent``.
    """
    model = read_condition_model(model_path, condition, baseline)
    truth = population_truth(
        study,
        model,
        AnalysisSettings.from_params(**settings),
        seed=population_seed,
        size=population_size,
    )
    print(f"{len(truth['estimands'])} estimands from {truth['n_drawn']} drawn", file=sys.stderr)
    return {
        "condition": name,
        **condition,
        "population_seed": population_seed,
        **truth,
        "latent": model["latent"],
    }


def write_truth(truth: Mapping[str, Any], path: str | Path) -> None:
    """Write a condition's truth document as JSON (no NaN: unknown values are null)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(truth, handle, indent=1, allow_nan=False)
        handle.write("\n")
