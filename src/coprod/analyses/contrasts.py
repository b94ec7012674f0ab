"""Comparisons across the levels of a column: any number of levels, one code path.

Every comparison of the study (the service classes, the case outcomes, the samples,
the cases, the stakeholder groups) is :func:`compare_levels`: the test across all its
levels (the omnibus), then every pair of levels. The contrasts of config
``compare.contrasts`` (:func:`contrast_tables`) and the tests across the cases and the
stakeholder groups (:mod:`coprod.analyses.groups`) are this one function with different
settings.

Decisions
---------
The omnibus test
    Kruskal-Wallis with epsilon-squared (noncentral chi-squared CI) for a scale or
    ordinal score, Pearson's chi-squared with Cramér's V for a 0/1 score (Fisher's exact
    or Monte Carlo p where an expected count is under 5): the tests of
    :mod:`coprod.stats`, in the comparison's ``family``.
The pairs
    Every pair of levels (x before y in the levels' order) by Mann-Whitney with the
    rank-biserial r (positive: x higher; for a 0/1 score r is the difference of the two
    shares), each pair re-ranked on its own two levels, in the comparison's
    ``pairwise_family``: their p values are adjusted together, over every score and
    pair (:func:`coprod.analyses.records.apply_families`).
Two levels
    With two levels the omnibus asks the same question as the single pair (Kruskal-Wallis
    with two groups is the Mann-Whitney test without its continuity correction). Showing
    both would print one finding twice with two p values in two families, so a two-level
    comparison has no omnibus row: its single pair is the comparison, tested once, in the
    comparison's (confirmatory) ``family``. Tables and figures say so in their notes.
Robustness
    Where a comparison names a ``robustness_family``, each pair also gets Hedges' g with
    Welch's t (non-binary scores) and, if ``ordinal``, a proportional-odds logistic
    regression (:func:`coprod.stats.models.ordinal_logit`) of the score on x vs y with
    ``fixed_effects``, on the respondents of the two levels. Robustness is per pair, not
    for the omnibus: the pairs carry the effect sizes a reader interprets, and a k-level
    ordinal model would give one more omnibus test, not a check of the reported effects.
    The ordinal model is fitted to the *scale score itself*, its observed distinct values
    (1, 1.33, ..., 5) taken as ordered categories (a cumulative-link model for a
    many-valued outcome, Liu, Shepherd, Li & Harrell 2017, Stat Med 36:4316): rounding
    the mean to 1-5 would discard information and tie 2.5 to 2 or 3 arbitrarily, and one
    model per item would triple the tests with items of one respondent treated as
    independent. Its estimate is a log odds ratio, positive when x has the higher scores.
Levels
    ``levels: null`` takes every level of the column that has responses, in category
    (registry) order; a list names any subset of two or more, in the order wanted.
    Declared levels that the data do not have stop the job with one error that lists
    every missing level of every comparison at once (:func:`check_declared_levels`).
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

import itertools
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import scored_survey, scores_of
from coprod.analyses.records import (
    adjusted,
    attempt,
    column_levels,
    finalise,
    monte_carlo,
    options_of_tests,
    outcome_labels,
)
from coprod.errors import StudyInputError
from coprod.resources import Study
from coprod.stats.contingency import chi_square
from coprod.stats.effect_sizes import hedges_g
from coprod.stats.group_tests import (
    KruskalEffect,
    kruskal_wallis,
    mann_whitney,
    pairwise_mann_whitney,
)
from coprod.stats.models import ordinal_logit
from coprod.stats.records import DEFAULT_SEED
from coprod.vocabulary import OMNIBUS, PAIR, POOLED

__all__ = [
    "check_declared_levels",
    "compare_declared",
    "compare_levels",
    "comparisons",
    "contrast_tables",
    "declared_levels",
    "level_problem",
]


def declared_levels(series: pd.Series, levels: Sequence[Any] | None = None) -> list[Any]:
    """The levels a comparison compares, in order: those named, or every level with data.

    Parameters
    ----------
    series : pandas.Series
        The comparison's column.
    levels : sequence, optional
        Levels named in config (matched as text, so ``"2"`` names the sample 2); None
        takes the column's levels that have responses, in category order (registry
        order), or sorted for a non-categorical column.

    Returns
    -------
    list
        The levels as the column holds them; named levels the data lack are left out
        (:func:`level_problem` says which).

    Examples
    --------
    >>> declared_levels(pd.Series([2, 1, 3, 1]))
    [1, 2, 3]
    >>> declared_levels(pd.Series([2, 1, 3, 1]), ["3", "1"])
    [3, 1]
    """
    observed = [level for level in column_levels(series) if (series == level).any()]
    if levels is None:
        return observed
    as_text = {str(level): level for level in observed}
    return [as_text[str(level)] for level in levels if str(level) in as_text]


def level_problem(
    series: pd.Series,
    levels: Sequence[Any] | None,
    key: str,
    pairwise_family: str | None,
    *,
    require_pairwise: bool = True,
) -> str | None:
    """What is wrong with the levels config ``key`` declares for ``series``, or None.

    A named level that is not a level of the column or has no responses, fewer than two
    levels to compare, or (with ``require_pairwise``) three or more levels without a
    ``pairwise_family``.

    >>> print(level_problem(pd.Series(["a", "b"], name="g"), ["a", "c"], "compare.x", None))
    compare.x.levels names ['c'] of column 'g': 'c' is not a level of the column (levels with
    responses: ['a', 'b'])
    """
    known = {str(level) for level in column_levels(series)}
    observed = [level for level in column_levels(series) if (series == level).any()]
    present = {str(level) for level in observed}
    if levels is not None:
        missing = [str(level) for level in levels if str(level) not in present]
        if missing:
            why = [
                f"{level!r} has no responses"
                if level in known
                else f"{level!r} is not a level of the column"
                for level in missing
            ]
            return (
                f"{key}.levels names {missing} of column {series.name!r}: {', '.join(why)} "
                f"(levels with responses: {[str(level) for level in observed]})"
            )
    chosen = declared_levels(series, levels)
    if len(chosen) < 2:
        return (
            f"{key} compares column {series.name!r}, which has {len(chosen)} level(s) with "
            f"responses ({[str(level) for level in chosen]}); a comparison needs two or more"
        )
    if require_pairwise and len(chosen) > 2 and pairwise_family is None:
        return (
            f"{key} compares {len(chosen)} levels of column {series.name!r} but names no "
            "pairwise_family for their pairs: add one (and define it under compare.families)"
        )
    return None


def check_declared_levels(
    data: pd.DataFrame,
    specs: Mapping[str, Mapping[str, Any]],
    source: str = "the scored responses",
    *,
    require_pairwise: bool = True,
) -> None:
    """Raise one :class:`~coprod.errors.StudyInputError` for every comparison whose levels
    the data do not have, listing each missing level of each (:func:`level_problem`).

    Parameters
    ----------
    data : pandas.DataFrame
        The scored responses.
    specs : mapping
        Config key (e.g. ``compare.contrasts.service_class``) -> the comparison's spec
        (``column``, optional ``levels`` and ``pairwise_family``).
    source : str
        Where the data come from, for the message.
    require_pairwise : bool
        Whether three or more levels need a ``pairwise_family`` (config comparisons do).
    """
    problems = []
    for key, spec in specs.items():
        column = spec["column"]
        if column not in data.columns:
            problems.append(f"{key}.column names {column!r}, which is not a column of the data")
            continue
        problem = level_problem(
            data[column],
            spec.get("levels"),
            key,
            spec.get("pairwise_family"),
            require_pairwise=require_pairwise,
        )
        if problem:
            problems.append(problem)
    if problems:
        raise StudyInputError(
            "the config",
            f"{len(problems)} declared comparison(s) do not match the levels of the data "
            f"({source}): " + "; ".join(problems) + ".",
            fix=(
                "Name only levels that have responses under each `levels` (or set it to null "
                "to compare every level with responses), and give a comparison of three or "
                "more levels a pairwise_family."
            ),
        )


def _ordinal_outcome(values: pd.Series) -> pd.Series:
    """A score's distinct values as ordered levels (rounded against float noise)."""
    return values.astype("float64").round(6)


def _omnibus(
    values: pd.Series,
    groups: pd.Series,
    binary: bool,
    where: str,
    yates: bool,
    kruskal_effect: KruskalEffect,
    **mc: Any,
) -> dict:
    """The test across every level: Kruskal-Wallis, or chi-squared for a 0/1 score."""
    if binary:
        keep = values.notna().to_numpy()
        return attempt(where, chi_square, values[keep], groups[keep], correct=yates, **mc)
    return attempt(where, kruskal_wallis, values, groups, effect=kruskal_effect)


def _pairs(values: pd.Series, groups: pd.Series, where: str, **rank: Any) -> list[dict[str, Any]]:
    """Mann-Whitney of every pair of levels; an empty record for a pair that cannot be tested.

    ``rank``: the rank test's ``correct``, ``exact`` and ``alternative``
    (:func:`~coprod.stats.group_tests.mann_whitney`)."""
    levels = list(groups.cat.categories)
    try:
        records = pairwise_mann_whitney(values, groups, **rank).to_dict("records")
        if len(records) == len(levels) * (len(levels) - 1) // 2:
            return records
        print(f"warning: pairwise {where}: a level has no answers", file=sys.stderr)
    except ValueError as error:  # a level with fewer than 2 answers: test pair by pair
        print(f"warning: pairwise {where}: {error}", file=sys.stderr)
    records = []
    for first, second in itertools.combinations(levels, 2):
        x = values[(groups == first).to_numpy()]
        y = values[(groups == second).to_numpy()]
        test = attempt(f"{where}, {first} vs {second}", mann_whitney, x, y, **rank)
        records.append({"group_1": first, "group_2": second, **test})
    return records


def compare_levels(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    column: str,
    family: str,
    levels: Sequence[Any] | None = None,
    pairwise_family: str | None = None,
    robustness_family: str | None = None,
    fixed_effects: Sequence[str] = (),
    ordinal: bool = True,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
    yates: bool = True,
    correct: bool = True,
    exact: bool | None = None,
    kruskal_effect: KruskalEffect = "epsilon_squared",
    alternative: str = "two-sided",
    analysis: str | None = None,
) -> pd.DataFrame:
    """Compare the levels of a column on every outcome: the omnibus test, then every pair.

    See the module's Decisions: with three or more levels, per outcome one omnibus row
    (``comparison`` "omnibus", ``family``) and one row per pair (``comparison`` "pair",
    ``pairwise_family``; without one, the omnibus only, as for the items across the
    cases); with two levels only the pair, in ``family``. With a ``robustness_family``
    every pair also gets Hedges' g (non-binary scores) and, if ``ordinal``, the
    proportional-odds model with ``fixed_effects``.

    Parameters
    ----------
    data : pandas.DataFrame
        Scores (or keyed items) with ``column`` and the fixed-effect columns.
    outcomes : sequence of str
        Columns to compare; rows of ``catalogue``.
    catalogue : pandas.DataFrame
        :func:`~coprod.analyses.catalogue.score_catalogue` or ``item_catalogue``.
    column : str
        The column whose levels are compared.
    family, pairwise_family, robustness_family : str
        Families of the omnibus tests, of the pairs and of the robustness evidence.
    levels : sequence, optional
        The levels, in order (:func:`declared_levels`); None: every level with data.
    fixed_effects : sequence of str
        Categorical columns of the ordinal model (e.g. the case for service class).
    ordinal : bool
        Fit the ordinal model (a robustness check; a few milliseconds per outcome).
    n_mc, seed
        Monte Carlo tables of a chi-squared p with small expected counts, their seed.
    yates, correct, exact
        Yates' correction of a 2 x 2 chi-squared, the Mann-Whitney continuity correction
        and exact p (config ``compare.tests``; :func:`~coprod.analyses.records.
        options_of_tests`); R's defaults.
    kruskal_effect : {"epsilon_squared", "eta_squared_h"}
        The effect size of the Kruskal-Wallis omnibus test (config
        ``compare.tests.kruskal_effect``; :func:`~coprod.stats.group_tests.kruskal_wallis`).
    alternative : {"two-sided", "less", "greater"}
        The alternative of every pair's Mann-Whitney test and robustness Welch t, about x
        (``"greater"``: x tends to be higher); the omnibus tests and the ordinal model
        stay two-sided.
    analysis : str, optional
        Name in the ``analysis`` column (default ``"across_<column>"``).

    Returns
    -------
    pandas.DataFrame
        Per outcome: the omnibus row (``contrast`` "<a> vs <b> vs <c>"), then each pair
        (``group_1`` x, ``group_2`` y, ``contrast`` "<x> vs <y>") with its robustness rows.

    Raises
    ------
    StudyInputError
        The levels are not those of the data (:func:`check_declared_levels`).
    """
    analysis = analysis or f"across_{column}"
    check_declared_levels(
        data,
        {analysis: {"column": column, "levels": levels, "pairwise_family": pairwise_family}},
        "the data compared",
        require_pairwise=False,
    )
    chosen = declared_levels(data[column], levels)
    keep = data[column].isin(chosen).fillna(False).to_numpy()
    subset = data[keep]
    groups = pd.Series(
        pd.Categorical(subset[column].astype(object), categories=chosen), index=subset.index
    )
    several = len(chosen) > 2
    common = {"analysis": analysis, "by": column, "group": POOLED}
    rows = []
    for outcome in outcomes:
        labels = outcome_labels(catalogue, outcome)
        values = subset[outcome].astype("float64")
        binary = bool(catalogue.loc[outcome, "binary"])
        where = f"{analysis} of {outcome}"
        if several:
            record = _omnibus(
                values, groups, binary, where, yates, kruskal_effect, n_mc=n_mc, seed=seed
            )
            rows.append(
                {
                    **common,
                    **labels,
                    "comparison": OMNIBUS,
                    "contrast": " vs ".join(str(level) for level in chosen),
                    "evidence": "primary",
                    **record,
                    "family": family,
                }
            )
            if pairwise_family is None:
                continue
        rank = {"correct": correct, "exact": exact, "alternative": alternative}
        for pair in _pairs(values, groups, where, **rank):
            x, y = pair.pop("group_1"), pair.pop("group_2")
            identity = {
                **common,
                **labels,
                "comparison": PAIR,
                "contrast": f"{x} vs {y}",
                "group_1": str(x),
                "group_2": str(y),
            }
            rows.append(
                {
                    **identity,
                    "evidence": "primary",
                    **pair,
                    "family": pairwise_family if several else family,
                }
            )
            if robustness_family is None:
                continue
            rows += [
                {**identity, "evidence": "robustness", **record, "family": robustness_family}
                for record in _robustness(
                    subset,
                    outcome,
                    column,
                    (x, y),
                    binary,
                    fixed_effects,
                    ordinal,
                    where,
                    alternative,
                )
            ]
    return finalise(pd.DataFrame(rows))


def _robustness(
    subset: pd.DataFrame,
    outcome: str,
    column: str,
    pair: tuple[Any, Any],
    binary: bool,
    fixed_effects: Sequence[str],
    ordinal: bool,
    where: str,
    alternative: str = "two-sided",
) -> list[dict[str, Any]]:
    """Hedges' g (non-binary scores) and the ordinal model of one pair (x minus y)."""
    x_level, y_level = pair
    where = f"{where}, {x_level} vs {y_level}"
    in_pair = subset[subset[column].isin([x_level, y_level]).fillna(False).to_numpy()]
    is_x = (in_pair[column] == x_level).to_numpy()
    values = in_pair[outcome].astype("float64")
    records = []
    if not binary:
        records.append(
            attempt(where, hedges_g, values[is_x], values[~is_x], alternative=alternative)
        )
    if ordinal:
        predictor = f"{column}__contrast"
        frame = in_pair[list(fixed_effects)].assign(
            **{
                predictor: pd.Categorical(
                    in_pair[column].astype(object), categories=[y_level, x_level]
                ),
                outcome: _ordinal_outcome(in_pair[outcome]),
            }
        )
        records.append(
            attempt(f"ordinal {where}", ordinal_logit, frame, outcome, predictor, fixed_effects)
        )
    return records


def comparisons(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    specs: Mapping[str, Mapping[str, Any]],
    *,
    ordinal: bool = True,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
    source: str = "the scored responses",
    **tests: Any,
) -> dict[str, pd.DataFrame]:
    """Every contrast of the config (``compare.contrasts``), by name: :func:`compare_levels`.

    Each spec names its ``column`` and ``family`` and may name ``levels``,
    ``pairwise_family``, ``robustness_family`` and ``fixed_effects``; its table has the
    analysis ``contrast_<name>``. The levels of every spec are checked before any is
    computed (:func:`check_declared_levels`). p values are not adjusted yet
    (:func:`~coprod.analyses.records.apply_families`). ``tests``: the tests' options of
    :func:`compare_levels` (``yates``, ``correct``, ``exact``).
    """
    check_declared_levels(
        data, {f"compare.contrasts.{name}": spec for name, spec in specs.items()}, source
    )
    return {
        name: compare_declared(
            data,
            outcomes,
            catalogue,
            spec,
            ordinal=ordinal,
            n_mc=n_mc,
            seed=seed,
            analysis=f"contrast_{name}",
            **tests,
        )
        for name, spec in specs.items()
    }


def compare_declared(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    spec: Mapping[str, Any],
    **options: Any,
) -> pd.DataFrame:
    """:func:`compare_levels` of the comparison a config entry declares (``column``,
    ``family`` and the optional ``levels``, ``pairwise_family``, ``robustness_family``,
    ``fixed_effects``, ``alternative``), with the other ``options`` of
    :func:`compare_levels`."""
    return compare_levels(
        data,
        outcomes,
        catalogue,
        column=spec["column"],
        family=spec["family"],
        levels=spec.get("levels"),
        pairwise_family=spec.get("pairwise_family"),
        robustness_family=spec.get("robustness_family"),
        fixed_effects=spec.get("fixed_effects", []),
        alternative=spec.get("alternative", "two-sided"),
        **options,
    )


def contrast_tables(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_contrasts``: every contrast of config ``compare.contrasts``.

    Reads ``scores``; settings: ``contrasts``, ``families``, ``kinds``
    (``compare.outcome_kinds``), ``ordinal`` (fit the proportional-odds model), ``n_mc``,
    ``seed`` and ``tests`` (the tests' options, ``compare.tests``). Its records: one table
    per contrast, by its name in the config.
    """
    scores, catalogue = scored_survey(study, inputs)
    outcomes = scores_of(catalogue, settings["kinds"])
    tables = comparisons(
        scores,
        outcomes,
        catalogue,
        settings["contrasts"],
        ordinal=settings["ordinal"],
        source=described(inputs, "scores"),
        **monte_carlo(settings),
        **options_of_tests(settings),
    )
    return adjusted(tables, settings["families"])


def described(inputs: Mapping[str, Any], name: str) -> str:
    """How an error names a job's input ``name``: its path, or "the scored responses".

    >>> described({"scores": "results/scoring/scores.parquet"}, "scores")
    'results/scoring/scores.parquet'
    """
    value = inputs[name]
    return "the scored responses" if isinstance(value, pd.DataFrame) else str(value)
