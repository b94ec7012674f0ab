"""The two sides of the barriers: organisational- vs citizen-side, within respondents.

Which side a barrier is on is the ``side`` of its construct in the codebook; each
respondent's side score is the mean of their scores of that side's barriers, and the
two are compared within respondents (Wilcoxon signed-rank, matched-pairs r).

Decisions
---------
Side scores are exact fractions (:func:`coprod.scoring.exact_score`): a barrier score is
a mean of integer codes, prorated where items are missing, and a side score a mean of
such means. In floats, two equal side scores may differ by rounding noise (1e-16), which
the signed-rank test would rank as a non-zero difference and would break ties with; the
differences are computed exactly and only then rounded to floats, so zeros and ties are
what they are, as in R's ``wilcox.test`` on the exact values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from coprod.analyses.catalogue import role_scores, scored_survey
from coprod.analyses.records import adjusted, attempt, finalise, options_of_tests, subsets
from coprod.resources import Study
from coprod.scoring import exact_score
from coprod.stats.group_tests import wilcoxon_signed_rank

__all__ = ["barrier_sides", "side_differences", "side_scores"]


def side_scores(data: pd.DataFrame, columns: Sequence[str]) -> list[Fraction | None]:
    """Each row's exact mean of its non-missing scores in ``columns`` (None: none answered).

    Examples
    --------
    >>> data = pd.DataFrame({"a": [1.0, 4 / 3, None], "b": [2.0, 1.0, None]})
    >>> side_scores(data, ["a", "b"])
    [Fraction(3, 2), Fraction(7, 6), None]
    """
    rows = data[list(columns)].astype("float64").to_numpy()
    means: list[Fraction | None] = []
    for row in rows:
        answered = [exact_score(float(value)) for value in row[~np.isnan(row)]]
        means.append(sum(answered, Fraction(0)) / len(answered) if answered else None)
    return means


def barrier_sides(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    sides: Sequence[str] | None = None,
    by: Sequence[str] = (),
    family: str,
    correct: bool = True,
    exact: bool | None = None,
) -> pd.DataFrame:
    """Organisational- vs citizen-side barriers within respondents (Wilcoxon signed-rank).

    Each respondent's side score is the mean of their non-missing scores of that
    side's barriers (``side`` of the codebook constructs), computed exactly
    (:func:`side_scores`); the two side scores are compared within respondents by the
    signed-rank test of their exact differences, pooled and per level of each ``by``
    column. The matched-pairs rank-biserial r is positive when the first side is rated
    higher.

    Parameters
    ----------
    data : pandas.DataFrame
        The scores.
    outcomes : sequence of str
        The barrier scores (e.g. how far each barrier was met); each construct has a
        ``side``.
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    sides : sequence of str, optional
        The two sides, first minus second; None: their codebook order.
    by : sequence of str
        Grouping columns.
    family : str
        Family of the tests.
    correct, exact
        The signed-rank test's continuity correction and exact p
        (:func:`~coprod.stats.group_tests.wilcoxon_signed_rank`; R's defaults).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``mean_1``, ``mean_2`` (means of the side scores), the
        Wilcoxon record.

    Examples
    --------
    With one barrier per side, the test is the Wilcoxon test of the two scores:

    >>> data = pd.DataFrame({"a": [3.0, 5, 2, 8, 6], "b": [1.0, 2, 3, 4, 6]})
    >>> cat = pd.DataFrame({"side": ["org", "cit"], "kind": ["k", "k"],
    ...                     "measure": ["m", "m"]}, index=["a", "b"])
    >>> row = barrier_sides(data, ["a", "b"], cat, family="f").iloc[0]
    >>> float(row["statistic"]), float(row["estimate"])
    (9.0, 0.8)
    """
    chosen = catalogue.loc[list(outcomes)]
    if chosen["side"].isna().any():
        missing = list(chosen.index[chosen["side"].isna()])
        raise ValueError(f"scores {missing} have no side in the codebook's constructs")
    order = list(dict.fromkeys(chosen["side"])) if sides is None else list(sides)
    if len(order) != 2:
        raise ValueError(f"need two sides, found {order}")
    kind, measure = chosen["kind"].iloc[0], chosen["measure"].iloc[0]
    first, second = (
        side_scores(data, list(chosen.index[chosen["side"] == side])) for side in order
    )
    difference = [
        np.nan if one is None or two is None else float(one - two)
        for one, two in zip(first, second, strict=True)
    ]
    frame = data[list(by)].assign(
        __side_1=[np.nan if one is None else float(one) for one in first],
        __side_2=[np.nan if two is None else float(two) for two in second],
        __difference=difference,
    )
    rows = []
    for column, level, part in subsets(frame, by):
        record = attempt(
            f"barrier sides in {column}={level}",
            wilcoxon_signed_rank,
            part["__difference"],
            correct=correct,
            exact=exact,
        )
        rows.append(
            {
                "analysis": "barrier_sides",
                "outcome": f"{kind}_{measure}_sides",
                "outcome_label": f"{kind} {measure}: {order[0]} vs {order[1]} side",
                "kind": kind,
                "measure": measure,
                "by": column,
                "group": level,
                "contrast": f"{order[0]} vs {order[1]}",
                "group_1": order[0],
                "group_2": order[1],
                "mean_1": float(part["__side_1"].mean()),
                "mean_2": float(part["__side_2"].mean()),
                **record,
                "family": family,
            }
        )
    return finalise(pd.DataFrame(rows))


def side_differences(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_barrier_sides``: the two sides of the barriers, pooled and per group.

    Reads ``scores``; settings: ``barriers`` (the role of the barrier scores), ``by``,
    ``family`` (config ``compare.barrier_sides``), ``tests`` (the tests' options, config
    ``compare.tests``) and ``families``. Its records:
    ``barrier_sides``.
    """
    scores, catalogue = scored_survey(study, inputs)
    barriers = role_scores(catalogue, settings["barriers"])
    options = options_of_tests(settings)
    table = barrier_sides(
        scores,
        barriers,
        catalogue,
        by=settings["by"],
        family=settings["family"],
        correct=options["correct"],
        exact=options["exact"],
    )
    return adjusted({"barrier_sides": table}, settings["families"])
