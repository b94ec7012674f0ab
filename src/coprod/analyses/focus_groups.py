"""The coded focus groups: code prevalence, co-occurrence, and the joint display.

The input is the consensus coding (``results/reliability/consensus_codes.parquet``):
one row per segment (speaker turn) with its design columns (focus group, case,
sample, service class, speaker's stakeholder group) and one 0/1 column per code of
the focus-group codebook. The unit of every count is the turn. Results use the
vocabulary of :mod:`coprod.analyses.records` (``analysis``, ``outcome``, ..., the record
of :mod:`coprod.stats`, ``family``).

Decisions
---------
Prevalence
    The share of turns with the consensus code, with a Wilson 95% CI, pooled and
    per level of each ``by`` column (e.g. case, service class, speaker group).
Co-occurrence
    For every pair of a code of one kind (barriers) and one of another
    (strategies), within turns: the count of turns with both, the count expected
    under independence (row count x column count / turns), their ratio (lift), the
    signed phi coefficient, and Pearson's chi-squared test of the 2x2 table with
    Cramér's V (= |phi|) and its CI (Fisher's exact p where an expected count is
    under 5). An exploratory screen.
Joint display
    Per case (and pooled), each barrier's survey mean score and its focus-group
    prevalence (the code whose ``survey_construct`` is the barrier), each ranked
    within the case (1 = highest, ties share the mean rank); the agreement of the
    two rankings is Spearman's rho with a Fisher-z 95% CI using the Bonett-Wright
    standard error sqrt((1 + rho^2 / 2) / (n - 3)) and the t-approximation p of
    ``scipy.stats.spearmanr``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.analyses.catalogue import read_frame, role_scores, scored_survey
from coprod.analyses.records import (
    adjusted,
    attempt,
    column_levels,
    empty_record,
    finalise,
    options_of_tests,
    share_record,
)
from coprod.clean import case_attribute_values
from coprod.resources import Study
from coprod.stats.contingency import chi_square
from coprod.vocabulary import DESCRIPTIVE, POOLED

__all__ = ["code_prevalence", "cooccurrence", "focus_group_tables", "joint_display", "spearman"]


def _code_labels(codes: pd.DataFrame, code: str) -> dict[str, Any]:
    return {
        "outcome": code,
        "outcome_label": codes.loc[code, "label"],
        "kind": codes.loc[code, "kind"],
        "survey_construct": codes.loc[code, "survey_construct"],
    }


def code_prevalence(
    consensus: pd.DataFrame, codes: pd.DataFrame, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Share of turns with each consensus code, pooled and per group, with Wilson CIs.

    Parameters
    ----------
    consensus : pandas.DataFrame
        One row per turn: design columns and one 0/1 column per code.
    codes : pandas.DataFrame
        The focus-group codebook (``Study.focus_group_codes``): ``label``, ``kind``,
        ``survey_construct``, indexed by code id.
    by : sequence of str
        Grouping columns of ``consensus``.

    Returns
    -------
    pandas.DataFrame
        One row per code and group: ``count`` (turns with the code), ``n`` (turns),
        ``estimate`` the share with ``ci_low``/``ci_high``.

    Examples
    --------
    >>> consensus = pd.DataFrame({"case": ["a", "a", "b", "b"], "x": [1, 0, 1, 1]})
    >>> codes = pd.DataFrame({"label": ["X"], "kind": ["barrier"],
    ...                       "survey_construct": [None]}, index=["x"])
    >>> code_prevalence(consensus, codes, by=["case"])["estimate"].tolist()
    [0.75, 0.5, 1.0]
    """
    subsets = [(POOLED, POOLED, consensus)]
    for column in by:
        subsets += [
            (column, str(level), consensus[(consensus[column] == level).to_numpy()])
            for level in column_levels(consensus[column])
        ]
    rows = []
    for code in codes.index:
        labels = _code_labels(codes, code)
        for column, level, part in subsets:
            count, n = int(part[code].sum()), len(part)
            method = "share of turns with the consensus code, Wilson 95% CI"
            rows.append(
                {
                    "analysis": "fg_prevalence",
                    **labels,
                    "by": column,
                    "group": level,
                    **share_record(count, n, method),
                    "family": DESCRIPTIVE,
                }
            )
    return finalise(pd.DataFrame(rows))


def cooccurrence(
    consensus: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    row_kind: str,
    column_kind: str,
    family: str,
    yates: bool = True,
) -> pd.DataFrame:
    """Co-occurrence within turns of every code of one kind with every code of another.

    Parameters
    ----------
    consensus : pandas.DataFrame
        One row per turn, one 0/1 column per code.
    codes : pandas.DataFrame
        The focus-group codebook.
    row_kind, column_kind : str
        Code kinds paired (e.g. barrier and strategy).
    family : str
        Family of the chi-squared tests.
    yates : bool
        Yates' continuity correction of each 2 x 2 table's chi-squared, R's default
        (:func:`~coprod.stats.contingency.chi_square`; config ``compare.tests.yates``).

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``outcome`` the row code, ``code_2`` the column code,
        ``count_1``, ``count_2``, ``count_both``, ``expected`` (under
        independence), ``lift`` (count_both / expected), ``phi`` (signed), and
        the chi-squared record (Cramér's V).

    Examples
    --------
    >>> consensus = pd.DataFrame({"a": [1, 1, 0, 0, 1, 0], "s": [1, 1, 0, 0, 0, 1]})
    >>> codes = pd.DataFrame({"label": ["A", "S"], "kind": ["barrier", "strategy"],
    ...                       "survey_construct": [None, None]}, index=["a", "s"])
    >>> row = cooccurrence(consensus, codes, row_kind="barrier", column_kind="strategy",
    ...                    family="f").iloc[0]
    >>> [round(float(row[c]), 4) for c in ("count_both", "expected", "lift", "phi")]
    [2.0, 1.5, 1.3333, 0.3333]
    """
    first = list(codes.index[codes["kind"] == row_kind])
    second = list(codes.index[codes["kind"] == column_kind])
    n = len(consensus)
    rows = []
    for a in first:
        labels = _code_labels(codes, a)
        xa = consensus[a].astype(int).to_numpy()
        for b in second:
            xb = consensus[b].astype(int).to_numpy()
            n11 = int((xa & xb).sum())
            n10, n01 = int(xa.sum()) - n11, int(xb.sum()) - n11
            n00 = n - n11 - n10 - n01
            expected = xa.sum() * xb.sum() / n if n else np.nan
            denominator = np.sqrt(float(xa.sum() * (n - xa.sum()) * xb.sum() * (n - xb.sum())))
            phi = (n11 * n00 - n10 * n01) / denominator if denominator > 0 else np.nan
            table = [[n11, n10], [n01, n00]]
            record = attempt(f"co-occurrence of {a} and {b}", chi_square, table, correct=yates)
            rows.append(
                {
                    "analysis": "fg_cooccurrence",
                    **labels,
                    "by": POOLED,
                    "group": POOLED,
                    "contrast": f"{a} with {b}",
                    "code_2": b,
                    "code_2_label": codes.loc[b, "label"],
                    "count_1": int(xa.sum()),
                    "count_2": int(xb.sum()),
                    "count_both": n11,
                    "expected": float(expected),
                    "lift": n11 / expected if expected else np.nan,
                    "phi": float(phi),
                    **record,
                    "family": family,
                }
            )
    return finalise(pd.DataFrame(rows))


def spearman(x: Any, y: Any) -> dict[str, Any]:
    """Spearman's rank correlation of paired values, with a Fisher-z 95% CI.

    rho and its two-sided p are ``scipy.stats.spearmanr``'s (p from the t
    distribution on n - 2 df); the CI is tanh(atanh(rho) +/- 1.96 SE) with the
    Bonett-Wright (2000) SE sqrt((1 + rho^2 / 2) / (n - 3)). Pairs with a missing
    value are dropped.

    Parameters
    ----------
    x, y : array-like of float
        Paired values; at least 4 complete pairs.

    Returns
    -------
    dict
        One record of :mod:`coprod.stats`'s vocabulary.

    Raises
    ------
    ValueError
        Fewer than 4 complete pairs, or a constant variable.

    Examples
    --------
    >>> rec = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(rec["estimate"], 3), rec["n"]
    (0.8, 5)
    """
    xs = pd.Series(x, dtype="float64").to_numpy()
    ys = pd.Series(y, dtype="float64").to_numpy()
    if xs.size != ys.size:
        raise ValueError(f"x and y must be paired (same length), got {xs.size} and {ys.size}")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = xs.size
    if n < 4:
        raise ValueError(f"need at least 4 complete pairs for a CI, got {n}")
    if np.unique(xs).size < 2 or np.unique(ys).size < 2:
        raise ValueError("a variable is constant: the rank correlation is undefined")
    res = st.spearmanr(xs, ys)
    rho = float(res.statistic)
    se = np.sqrt((1 + rho**2 / 2) / (n - 3))
    z = st.norm.ppf(0.975)
    with np.errstate(divide="ignore"):
        centre = np.arctanh(rho)
    t = rho * np.sqrt((n - 2) / (1 - rho**2)) if abs(rho) < 1 else np.sign(rho) * np.inf
    return {
        "estimate": rho,
        "ci_low": float(np.tanh(centre - z * se)),
        "ci_high": float(np.tanh(centre + z * se)),
        "effect": "spearman_rho",
        "statistic": float(t),
        "statistic_name": "t",
        "df": float(n - 2),
        "df2": np.nan,
        "p": float(res.pvalue),
        "n": int(n),
        "method": (
            "Spearman rank correlation (scipy.stats.spearmanr), t-approximation p on n - 2 "
            "df; Fisher-z 95% CI with the Bonett-Wright SE"
        ),
    }


def joint_display(
    scores: pd.DataFrame,
    consensus: pd.DataFrame,
    catalogue: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    by: str,
    outcomes: Sequence[str],
    family: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Survey ranking beside focus-group ranking of the barriers, per case and pooled.

    Parameters
    ----------
    scores : pandas.DataFrame
        The scored survey responses.
    consensus : pandas.DataFrame
        The consensus codes, one row per turn.
    catalogue : pandas.DataFrame
        :func:`~coprod.analyses.catalogue.score_catalogue`.
    codes : pandas.DataFrame
        The focus-group codebook.
    by : str
        Column of both frames to break down by (e.g. the case).
    outcomes : sequence of str
        The survey scores ranked (e.g. how far each barrier was met): those whose
        construct a focus-group code of the same kind names as its
        ``survey_construct``.
    family : str
        Family of the rank correlations.

    Returns
    -------
    tuple of pandas.DataFrame
        The display (one row per group and barrier: ``construct``, ``code``,
        ``survey_mean``, ``survey_n``, ``survey_rank``, ``fg_count``, ``fg_turns``,
        ``fg_prevalence``, ``fg_rank``) and the rank correlations (one row per
        group, :func:`spearman`).
    """
    chosen = catalogue.loc[list(outcomes)]
    kind, measure = chosen["kind"].iloc[0], chosen["measure"].iloc[0]
    linked = codes[(codes["kind"] == kind) & codes["survey_construct"].notna()]
    score_of = {construct: score for score, construct in chosen["construct"].items()}
    pairs = [
        (construct, code, score_of[construct])
        for code, construct in linked["survey_construct"].items()
        if construct in score_of
    ]
    if not pairs:
        raise ValueError(f"no focus-group code of kind {kind!r} names a survey construct")
    subsets = [(POOLED, scores, consensus)]
    for level in column_levels(scores[by]):
        subsets.append(
            (
                str(level),
                scores[(scores[by] == level).to_numpy()],
                consensus[(consensus[by].astype(str) == str(level)).to_numpy()],
            )
        )
    display, correlations = [], []
    for level, survey, turns in subsets:
        rows = []
        for construct, code, score in pairs:
            values = survey[score].astype("float64").dropna()
            count, n = int(turns[code].sum()), len(turns)
            rows.append(
                {
                    "analysis": "joint_display",
                    "outcome": score,
                    "outcome_label": catalogue.loc[score, "label"],
                    "kind": kind,
                    "measure": measure,
                    "by": POOLED if level == POOLED else by,
                    "group": level,
                    "construct": construct,
                    "code": code,
                    "survey_mean": float(values.mean()) if len(values) else np.nan,
                    "survey_n": int(values.size),
                    "fg_count": count,
                    "fg_turns": n,
                    "fg_prevalence": count / n if n else np.nan,
                }
            )
        table = pd.DataFrame(rows)
        table["survey_rank"] = table["survey_mean"].rank(ascending=False)
        table["fg_rank"] = table["fg_prevalence"].rank(ascending=False)
        display.append(table)
        try:
            record = spearman(table["survey_mean"], table["fg_prevalence"])
        except ValueError as error:
            record = empty_record(str(error), effect="spearman_rho")
        correlations.append(
            {
                "analysis": "joint_display_rank_correlation",
                "outcome": f"{kind}_{measure}_ranking",
                "outcome_label": f"{kind} ranking: survey {measure} vs focus-group prevalence",
                "kind": kind,
                "measure": measure,
                "by": POOLED if level == POOLED else by,
                "group": level,
                "contrast": "survey mean vs focus-group prevalence",
                **record,
                "family": family,
            }
        )
    display_frame = pd.concat(display, ignore_index=True)
    # Descriptive rows in the shared vocabulary: no estimate of their own.
    for column, value in empty_record("", n=0).items():
        display_frame[column] = value
    display_frame["n"] = display_frame["survey_n"]
    display_frame["method"] = (
        "survey mean score and share of focus-group turns with the linked code, each "
        "ranked within the group (1 = highest, ties share the mean rank)"
    )
    display_frame["family"] = DESCRIPTIVE
    return finalise(display_frame), finalise(pd.DataFrame(correlations))


def focus_group_tables(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """The job ``compare_focus_groups``: prevalence, co-occurrence and the joint display.

    The turns break down by the case registry's attributes too (e.g. a region): they
    are added to the consensus codes from the registry.

    Reads ``scores`` and ``consensus`` (the consensus codes, one row per turn) and the
    study's focus-group codebook; settings: ``focus_groups`` (config
    ``compare.focus_groups``), ``barriers`` (the role of the ranked survey scores),
    ``tests`` (the tests' options, ``compare.tests``) and ``families``. Its records:
    ``prevalence``, ``cooccurrence``, ``display`` and ``correlation``.
    """
    codes = study.focus_group_codes
    consensus = read_frame(inputs, "consensus")
    consensus = consensus.assign(**case_attribute_values(consensus["case"].astype(str), study))
    spec = settings["focus_groups"]
    pairs = cooccurrence(
        consensus,
        codes,
        row_kind=spec["row_kind"],
        column_kind=spec["column_kind"],
        family=spec["cooccurrence_family"],
        yates=options_of_tests(settings)["yates"],
    )
    scores, catalogue = scored_survey(study, inputs)
    display, correlation = joint_display(
        scores,
        consensus,
        catalogue,
        codes,
        by=spec["joint_by"],
        outcomes=role_scores(catalogue, settings["barriers"]),
        family=spec["joint_family"],
    )
    tables = {
        "prevalence": code_prevalence(consensus, codes, by=spec["by"]),
        "cooccurrence": pairs,
        "display": display,
        "correlation": correlation,
    }
    return adjusted(tables, settings["families"])
