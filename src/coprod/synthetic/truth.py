"""Population values: what the analysis of a study drawn from the model should recover.

A large draw of clean respondents of the same model (``population_size``),
scored as the scoring stage scores, gives the population values that
``truth.json`` records beside the planted parameters: scale reliabilities and the
effects the comparisons stage estimates (contrasts, shares, barrier sides,
strategy links, staff betas). Validation computes them for each of its
conditions' models with :func:`draw_population`.

Example
-------
>>> frame, effects = draw_population(study, model, seed=1, size=800)
>>> len(frame), sorted(effects)[:2]
(800, ['barrier_sides', 'contrasts'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coprod.resources import Codebook, Study
from coprod.synthetic.respondents import Respondents
from coprod.vocabulary import NO, YES


def _alpha(matrix: np.ndarray) -> float:
    """Cronbach's alpha of complete rows (population value from a large draw)."""
    matrix = matrix[~np.isnan(matrix).any(axis=1)]
    k = matrix.shape[1]
    return float(
        k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
    )


def _keyed(cb: Codebook, answers: pd.DataFrame, items: list[str]) -> np.ndarray:
    """Items keyed as the scoring stage keys them (``ResponseSet.score_values``: reverse
    keys, yes/no as 1/0), missing codes and blanks as NaN."""
    columns = []
    for item in items:
        response_set = cb.response_sets[cb.items.loc[item, "response_set"]]
        keyed = response_set.score_values(reverse=bool(cb.items.loc[item, "reverse"]))
        columns.append(answers[item].astype(float).map(keyed).to_numpy(dtype=float))
    return np.column_stack(columns)


def _population_scores(
    gen: Respondents, design: pd.DataFrame, answers: pd.DataFrame
) -> pd.DataFrame:
    """Every codebook score as the scoring stage computes it, beside the design columns.

    A score is the mean of the valid answers to its items (missing-value codes and
    questions not asked are left out), reverse-keyed items reversed first; the case
    registry's attribute columns are added as the scoring stage adds them. Unlike the
    scoring stage, no share of answered items is required: with its default rule (two of
    three) the population values below change by at most 0.0023 (checked on a draw of
    100,000), far inside any interval estimated from the study.
    """
    cb, cases = gen.codebook, gen.study.cases
    frame = design[["sample", "case", "stakeholder_group", "service_class"]].copy()
    for attribute in cases.columns.drop(
        ["case_id", "code", "label", "description"], errors="ignore"
    ):
        frame[attribute] = frame["case"].map(cases[attribute])
    for score, row in cb.scores.iterrows():
        values = _keyed(cb, answers, row["items"])
        answered = (~np.isnan(values)).sum(axis=1)
        total = np.nansum(values, axis=1)
        frame[score] = np.where(answered > 0, total / np.maximum(answered, 1), np.nan)
    return frame


def _hedges_g(x: np.ndarray, y: np.ndarray) -> float:
    """Hedges' g of x minus y (pooled SD, small-sample factor J), NaN dropped."""
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    m = x.size + y.size - 2
    pooled = np.sqrt(((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / m)
    j = 1 - 3 / (4 * m - 1)  # Hedges' approximation of J: exact to 1e-10 at this size
    return float(j * (x.mean() - y.mean()) / pooled)


def _rank_biserial(x: np.ndarray, y: np.ndarray) -> float:
    """Rank-biserial r = P(X > Y) - P(X < Y) from mid-ranks, NaN dropped."""
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    ranks = pd.Series(np.concatenate([x, y])).rank().to_numpy()
    u = ranks[: x.size].sum() - x.size * (x.size + 1) / 2
    return float(2 * u / (x.size * y.size) - 1)


def _paired_rank_biserial(diff: np.ndarray) -> float:
    """Matched-pairs rank-biserial r of paired differences (zeros and NaN dropped)."""
    diff = diff[~np.isnan(diff) & (diff != 0)]
    ranks = pd.Series(np.abs(diff)).rank().to_numpy()
    return float((ranks[diff > 0].sum() - ranks[diff < 0].sum()) / ranks.sum())


def _standardised_betas(
    frame: pd.DataFrame, outcome: str, predictors: list[str], fixed_effects: list[str]
) -> dict[str, float]:
    """OLS betas as ``coprod.stats.ols_standardised`` defines them, on complete cases.

    Outcome and continuous predictors z-scored; two-valued predictors 0/1 (1 = the larger);
    fixed effects as treatment dummies.
    """
    data = frame[[outcome, *predictors, *fixed_effects]].dropna()
    y = data[outcome].to_numpy(float)
    columns = [np.ones(len(data))]
    for name in predictors:
        x = data[name].to_numpy(float)
        if np.unique(x).size == 2:
            columns.append((x == x.max()).astype(float))
        else:
            columns.append((x - x.mean()) / x.std(ddof=1))
    for name in fixed_effects:
        dummies = pd.get_dummies(data[name].astype(str), drop_first=True, dtype=float)
        columns += [dummies[c].to_numpy() for c in dummies.columns]
    beta = np.linalg.lstsq(np.column_stack(columns), (y - y.mean()) / y.std(ddof=1), rcond=None)[0]
    return {name: round(float(b), 4) for name, b in zip(predictors, beta[1:], strict=False)}


def _contrast_levels(gen: Respondents, model: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    """Two-level contrasts of the design: column and levels [x, y] (x minus y).

    The service classes in registry order, each case attribute the model names in the
    order its values first appear in the case registry, and the samples in model order.
    """
    study, latent = gen.study, model["latent"]
    contrasts: dict[str, tuple[str, list[Any]]] = {}
    classes = list(study.service_classes.index)
    if len(classes) == 2:
        contrasts["service_class"] = ("service_class", classes)
    specs = [
        latent["effects"].get("case_attribute"),
        latent["success"].get("case_attribute"),
        latent["strategies"].get("case_attribute_log_odds"),
        latent["risks"].get("case_attribute_log_odds"),
        latent["risks"]["managed"].get("case_attribute"),
        *(latent["staff"].get(key) for key in latent["staff"] if key.endswith("case_attribute")),
    ]
    for spec in specs:
        for attribute in spec or {}:
            levels = list(dict.fromkeys(study.cases[attribute]))
            if len(levels) == 2:
                contrasts[attribute] = (attribute, levels)
    samples = [entry["sample"] for entry in model["samples"]]
    if len(samples) == 2:
        contrasts["sample"] = ("sample", samples)
    return contrasts


def _effect_population(
    gen: Respondents, model: dict[str, Any], frame: pd.DataFrame
) -> dict[str, Any]:
    """Population values of the effects the comparisons stage estimates.

    - ``contrasts``: per two-level contrast (service class, case attribute, sample), for
      every barrier and risk score, the rank-biserial r of x against y and, for
      non-binary scores, Hedges' g (x minus y).
    - ``share_overcome``: per overcome score, the share answering at least each valid
      code, among those who answered; ``share_experienced``: per risk, the share
      answering yes among those who answered yes or no.
    - ``barrier_sides``: matched-pairs rank-biserial r of each respondent's mean barrier
      met score on the first side against the second (codebook order).
    - ``strategy_overcome_rank_biserial``: per barrier overcome score and strategy, r of
      the overcome score of users against non-users.
    - ``staff_model``: standardised OLS betas of the staff constructs the model's
      success equation names (their first score), with case, stakeholder group and
      service class fixed effects, for each barrier overcome score, their mean per
      respondent (``barrier_overcome_mean``) and each outcome score.
    """
    cb = gen.codebook
    scores = cb.scores
    binary = {
        score: cb.response_sets[row["response_set"]].is_yes_no for score, row in scores.iterrows()
    }
    tested = list(scores.index[scores["kind"].isin(["barrier", "risk"])])
    contrasts = {}
    for name, (column, levels) in _contrast_levels(gen, model).items():
        x_rows = (frame[column] == levels[0]).to_numpy()
        y_rows = (frame[column] == levels[1]).to_numpy()
        values = {}
        for score in tested:
            v = frame[score].to_numpy(float)
            values[score] = {"rank_biserial": round(_rank_biserial(v[x_rows], v[y_rows]), 4)}
            if not binary[score]:
                values[score]["hedges_g"] = round(_hedges_g(v[x_rows], v[y_rows]), 4)
        contrasts[name] = {"column": column, "x": levels[0], "y": levels[1], "values": values}

    overcome = list(scores.index[(scores["kind"] == "barrier") & (scores["measure"] == "overcome")])
    share_overcome = {}
    for score in overcome:
        v = frame[score].dropna()
        codes = sorted(cb.response_sets[scores.loc[score, "response_set"]].values)
        share_overcome[score] = {str(c): round(float((v >= c).mean()), 4) for c in codes}
    experienced = list(
        scores.index[(scores["kind"] == "risk") & (scores["measure"] == "experienced")]
    )
    share_experienced = {
        score: round(float(frame[score].dropna().mean()), 4) for score in experienced
    }

    met = scores[(scores["kind"] == "barrier") & (scores["measure"] == "met")]
    side_of = met["construct"].map(cb.constructs["side"])
    sides = list(dict.fromkeys(side_of))
    barrier_sides = {}
    if len(sides) == 2:
        means = [frame[list(side_of.index[side_of == side])].mean(axis=1) for side in sides]
        barrier_sides = {
            "x": sides[0],
            "y": sides[1],
            "rank_biserial": round(_paired_rank_biserial((means[0] - means[1]).to_numpy()), 4),
        }

    used = list(scores.index[scores["measure"] == "used"])
    links = {}
    for score in overcome:
        v = frame[score].to_numpy(float)
        links[score] = {
            strategy: round(
                _rank_biserial(
                    v[frame[strategy].to_numpy() == YES], v[frame[strategy].to_numpy() == NO]
                ),
                4,
            )
            for strategy in used
        }

    first_score = {c: s for s, c in reversed(list(scores["construct"].items()))}
    predictors = [first_score[c] for c in model["latent"]["success"] if c in first_score]
    fixed_effects = ["case", "stakeholder_group", "service_class"]
    frame = frame.assign(barrier_overcome_mean=frame[overcome].mean(axis=1))
    outcomes = [*overcome, "barrier_overcome_mean", *scores.index[scores["kind"] == "outcome"]]
    staff = {
        "predictors": predictors,
        "fixed_effects": fixed_effects,
        "betas": {y: _standardised_betas(frame, y, predictors, fixed_effects) for y in outcomes},
    }
    return {
        "contrasts": contrasts,
        "share_overcome": share_overcome,
        "share_experienced": share_experienced,
        "barrier_sides": barrier_sides,
        "strategy_overcome_rank_biserial": links,
        "staff_model": staff,
    }


def _draw_clean(gen: Respondents, size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Design and answers of ``size`` clean respondents, spread evenly over the cells."""
    samples = [entry["sample"] for entry in gen.model["samples"]]
    per_cell = max(1, int(size) // (len(gen.study.cases) * len(samples)))
    design = gen.design(per_cell, samples)
    answers = gen.answers(design)
    return design, answers


def draw_population(
    study: Study, model: dict[str, Any], *, seed: int, size: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A large draw of clean respondents of ``model``, scored, and its population effects.

    The draw, the scores (every score the mean of the answered items, beside the design
    columns) and the effects (contrasts, shares, barrier sides, strategy links, staff
    betas) are those behind the ``population`` entries of ``truth.json``; validation
    computes them for each of its conditions' models.

    Parameters
    ----------
    study : Study
    model : mapping
        The generative model (:func:`generate`'s).
    seed : int
        Seed of the draw.
    size : int
        Respondents drawn (spread evenly over the cases and samples).

    Returns
    -------
    tuple
        The scored frame (``stakeholder_group`` names the group) and the effects.
    """
    gen = Respondents(study, model, np.random.default_rng(seed))
    design, answers = _draw_clean(gen, size)
    frame = _population_scores(gen, design, answers)
    return frame, _effect_population(gen, model, frame)


def population_values(gen: Respondents, model: dict[str, Any]) -> dict[str, Any]:
    """Population values of scale reliabilities and effects from a large draw of the model."""
    cb = gen.codebook
    design, answers = _draw_clean(gen, model["population_size"])
    reliability = {}
    for score, row in cb.scores.iterrows():
        if len(row["items"]) < 2:
            continue
        reliability[score] = round(_alpha(_keyed(cb, answers, row["items"])), 4)
    effects = _effect_population(gen, model, _population_scores(gen, design, answers))
    return {"cronbach_alpha": reliability, "n_drawn": int(len(design)), **effects}
