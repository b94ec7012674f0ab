"""The strategies: which are used (per case, per service class), and with which barriers
overcome they go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import role_scores, scored_survey
from coprod.analyses.describe import share_at_least
from coprod.analyses.records import (
    adjusted,
    attempt,
    finalise,
    monte_carlo,
    options_of_tests,
    outcome_labels,
)
from coprod.resources import Study
from coprod.stats.contingency import chi_square
from coprod.stats.group_tests import mann_whitney
from coprod.stats.records import DEFAULT_SEED
from coprod.vocabulary import NO, POOLED, YES

__all__ = ["strategy_barrier_links", "strategy_tables", "strategy_use"]


def strategy_use(
    data: pd.DataFrame,
    strategies: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    by: Sequence[str],
    family: str,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
    yates: bool = True,
) -> pd.DataFrame:
    """Share using each strategy (pooled, per group) and chi-squared tests by group.

    Parameters
    ----------
    data : pandas.DataFrame
        The scores (strategies scored 1 = used, 0 = not used; :mod:`coprod.scoring`).
    strategies : sequence of str
        Strategy scores.
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    by : sequence of str
        Grouping columns (e.g. case, service class): descriptive rows per level and
        one test per strategy and column.
    family : str
        Family of the tests.
    n_mc, seed
        Monte Carlo p where an expected count is under 5, and its seed.
    yates : bool
        Yates' continuity correction of a 2 x 2 table (a column of two levels), R's
        default (:func:`~coprod.stats.contingency.chi_square`).

    Returns
    -------
    pandas.DataFrame
        Share rows (``analysis`` "strategy_use"), then test rows (``analysis``
        "strategy_use_by_<column>", Cramér's V).
    """
    shares = share_at_least(
        data, strategies, catalogue, threshold=1, by=by, analysis="strategy_use"
    )
    rows = []
    for column in by:
        for strategy in strategies:
            values = data[strategy].astype("float64")
            keep = (values.notna() & data[column].notna()).to_numpy()
            record = attempt(
                f"strategy use of {strategy} by {column}",
                chi_square,
                values[keep],
                data.loc[keep, column].astype(str),
                n_mc=n_mc,
                seed=seed,
                correct=yates,
            )
            rows.append(
                {
                    "analysis": f"strategy_use_by_{column}",
                    **outcome_labels(catalogue, strategy),
                    "by": column,
                    "group": POOLED,
                    "contrast": "all levels",
                    **record,
                    "family": family,
                }
            )
    return finalise(pd.concat([shares, pd.DataFrame(rows)], ignore_index=True))


def strategy_barrier_links(
    data: pd.DataFrame,
    overcome: Sequence[str],
    strategies: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    family: str,
    correct: bool = True,
    exact: bool | None = None,
) -> pd.DataFrame:
    """Which strategies go with overcoming which barriers (every barrier x strategy).

    For each barrier's overcome score and each strategy, Mann-Whitney of the
    overcome score of the respondents whose initiative used the strategy against
    those whose did not; rank-biserial r > 0: users report the barrier more
    overcome. An exploratory screen: strategies are not randomised and go together.

    Parameters
    ----------
    data : pandas.DataFrame
        The scores.
    overcome, strategies : sequence of str
        Overcome scores and strategy scores (1 = used, 0 = not used).
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    family : str
        Family of the tests.
    correct, exact
        The Mann-Whitney test's continuity correction and exact p
        (:func:`~coprod.stats.group_tests.mann_whitney`; R's defaults).

    Returns
    -------
    pandas.DataFrame
        One row per barrier and strategy, with ``strategy``, ``strategy_label``,
        ``mean_users`` and ``mean_non_users``.
    """
    rows = []
    for outcome in overcome:
        values = data[outcome].astype("float64")
        for strategy in strategies:
            used = data[strategy].astype("float64")
            users, others = values[(used == YES).to_numpy()], values[(used == NO).to_numpy()]
            record = attempt(
                f"{outcome} by use of {strategy}",
                mann_whitney,
                users,
                others,
                correct=correct,
                exact=exact,
            )
            rows.append(
                {
                    "analysis": "strategy_barrier_link",
                    **outcome_labels(catalogue, outcome),
                    "by": strategy,
                    "group": POOLED,
                    "contrast": "used vs not used",
                    "group_1": "used",
                    "group_2": "not used",
                    "strategy": strategy,
                    "strategy_label": catalogue.loc[strategy, "label"],
                    "mean_users": float(users.mean()),
                    "mean_non_users": float(others.mean()),
                    **record,
                    "family": family,
                }
            )
    return finalise(pd.DataFrame(rows))


def strategy_tables(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_strategies``: strategy use, and the strategy-barrier links.

    Reads ``scores``; settings: ``strategies`` and ``overcome`` (roles of config
    ``compare.scores``), ``by``, ``family``, ``link_family`` (config
    ``compare.strategies``), ``families``, ``n_mc``, ``seed`` and ``tests`` (the tests'
    options, ``compare.tests``). Its records: ``use``
    (:func:`strategy_use`) and ``links`` (:func:`strategy_barrier_links`).
    """
    scores, catalogue = scored_survey(study, inputs)
    strategies = role_scores(catalogue, settings["strategies"])
    overcome = role_scores(catalogue, settings["overcome"])
    options = options_of_tests(settings)
    use = strategy_use(
        scores,
        strategies,
        catalogue,
        by=settings["by"],
        family=settings["family"],
        yates=options["yates"],
        **monte_carlo(settings),
    )
    links = strategy_barrier_links(
        scores,
        overcome,
        strategies,
        catalogue,
        family=settings["link_family"],
        correct=options["correct"],
        exact=options["exact"],
    )
    return adjusted({"use": use, "links": links}, settings["families"])
