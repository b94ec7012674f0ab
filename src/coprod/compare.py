"""Answering the research questions: the survey comparisons, as tidy records.

Every function here takes the scored responses (``results/scoring/scores.parquet``:
one row per included response, the design columns and every codebook score) and
returns a tidy frame in one vocabulary: identifying columns (:data:`ID_COLUMNS`:
``analysis``, ``outcome``, ``outcome_label``, ``kind``, ``measure``, ``by``,
``group``, ``contrast``, ``group_1``, ``group_2``, ``term``, ``evidence``), columns
particular to the analysis, the record of :mod:`coprod.stats` (``estimate``,
``ci_low``, ``ci_high``, ``effect``, ``statistic``, ``statistic_name``, ``df``,
``df2``, ``p``, ``n``, ``method``) and ``family``; :func:`apply_families` then adds
``role``, ``p_adj`` and ``correction``. Which scores, groups and levels exist comes
from the codebook (``Codebook.scores``) and the data; nothing here names a barrier,
risk, strategy, case, group or service.

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
    Descriptive rows come pooled (``by`` = ``"all"``) and per level of each ``by``
    column, in the column's category order (the registries' order); a level without
    responses is kept with n = 0.
Two-group contrasts
    Each contrast (e.g. service class) compares level x with level y of a column:
    the primary test is Mann-Whitney with the rank-biserial r (positive: x higher);
    the robustness evidence is Hedges' g with Welch's t (non-binary scores) and a
    proportional-odds logistic regression (:func:`coprod.stats.ordinal_logit`) of
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
Multiplicity
    Each row carries the ``family`` its p is adjusted in; families and their
    correction (Holm for confirmatory, Benjamini-Hochberg for exploratory ones)
    come from config. Descriptive rows have family ``"descriptive"``, no p and
    correction ``"none"``. A test that cannot be computed (e.g. a group with fewer
    than 2 answers) gives a row with NaN and the reason in ``method``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.resources import Codebook
from coprod.stats.contingency import chi_square
from coprod.stats.correlation import partial_correlation
from coprod.stats.effect_sizes import hedges_g, wilson_ci
from coprod.stats.group_tests import (
    kruskal_wallis,
    mann_whitney,
    pairwise_mann_whitney,
    wilcoxon_signed_rank,
)
from coprod.stats.models import ols_standardised, ordinal_logit
from coprod.stats.multiplicity import adjust_p
from coprod.stats.records import DEFAULT_SEED
from coprod.vocabulary import RECORD_COLUMNS

__all__ = [
    "DESCRIPTIVE",
    "ID_COLUMNS",
    "add_mean_scores",
    "apply_families",
    "across_groups",
    "barrier_sides",
    "contrast_levels",
    "contrasts",
    "describe",
    "finalise",
    "item_catalogue",
    "score_catalogue",
    "scores_of",
    "share_at_least",
    "staff_models",
    "strategy_barrier_links",
    "strategy_use",
    "two_group_contrast",
]

DESCRIPTIVE = "descriptive"
ID_COLUMNS = (
    "analysis",
    "outcome",
    "outcome_label",
    "kind",
    "measure",
    "by",
    "group",
    "contrast",
    "group_1",
    "group_2",
    "term",
    "evidence",
)
TAIL_COLUMNS = ("family", "role", "p_adj", "correction")
POOLED = "all"
BINARY_TYPES = ("binary", "multi_select")


# --------------------------------------------------------------------------- catalogues


def score_catalogue(codebook: Codebook) -> pd.DataFrame:
    """The codebook's scores with what the comparisons need to label and test them.

    Parameters
    ----------
    codebook : Codebook
        The survey codebook.

    Returns
    -------
    pandas.DataFrame
        Indexed by score id, in codebook order: ``construct``, ``measure``,
        ``kind``, ``side`` (barriers; else NA), ``label`` (the construct's),
        ``outcome_label`` ("<label>: <measure>") and ``binary`` (a 0/1 score).

    Examples
    --------
    >>> catalogue = score_catalogue(study.codebook)
    >>> catalogue.columns.tolist()
    ['construct', 'measure', 'kind', 'side', 'label', 'outcome_label', 'binary']
    """
    scores = codebook.scores
    constructs = codebook.constructs
    side = constructs["side"] if "side" in constructs else pd.Series(pd.NA, constructs.index)
    out = pd.DataFrame(index=scores.index)
    out["construct"] = scores["construct"]
    out["measure"] = scores["measure"]
    out["kind"] = scores["kind"]
    out["side"] = scores["construct"].map(side)
    out["label"] = scores["construct"].map(constructs["label"])
    out["outcome_label"] = out["label"] + ": " + out["measure"]
    sets = codebook.response_sets
    out["binary"] = [sets[rs].type in BINARY_TYPES for rs in scores["response_set"]]
    return out


def item_catalogue(codebook: Codebook, kind: str, measure: str) -> pd.DataFrame:
    """The items of the scores of one kind and measure, labelled like :func:`score_catalogue`.

    Parameters
    ----------
    codebook : Codebook
        The survey codebook.
    kind, measure : str
        The construct kind and measure of the scales (config ``compare.scores``).

    Returns
    -------
    pandas.DataFrame
        Indexed by item id: ``construct``, ``measure``, ``kind``, ``score``,
        ``reverse``, ``label`` (the item text), ``outcome_label`` ("<construct
        label>: <item text>") and ``binary``.
    """
    catalogue = score_catalogue(codebook)
    chosen = catalogue[(catalogue["kind"] == kind) & (catalogue["measure"] == measure)]
    rows = []
    for score, spec in chosen.iterrows():
        for item in codebook.scale_items(score):
            text = codebook.items.loc[item, "text"]
            rows.append(
                {
                    "item": item,
                    "construct": spec["construct"],
                    "measure": measure,
                    "kind": kind,
                    "score": score,
                    "reverse": bool(codebook.items.loc[item, "reverse"]),
                    "label": text,
                    "outcome_label": f"{spec['label']}: {text}",
                    "binary": bool(spec["binary"]),
                }
            )
    return pd.DataFrame(rows).set_index("item")


def scores_of(
    catalogue: pd.DataFrame, kinds: Sequence[str], measures: Sequence[str] | None = None
) -> list[str]:
    """Score ids of the given construct kinds (and measures), in codebook order.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    kinds : sequence of str
        Construct kinds (config ``compare.outcome_kinds`` or ``compare.scores``).
    measures : sequence of str, optional
        Measures to keep; None keeps every measure of those kinds.

    Returns
    -------
    list of str
        Score ids.

    Examples
    --------
    >>> cat = pd.DataFrame({"kind": ["a", "a", "b"], "measure": ["x", "y", "x"]},
    ...                    index=["s1", "s2", "s3"])
    >>> scores_of(cat, ["a"]), scores_of(cat, ["a", "b"], ["x"])
    (['s1', 's2'], ['s1', 's3'])
    """
    mask = catalogue["kind"].isin(list(kinds))
    if measures is not None:
        mask &= catalogue["measure"].isin(list(measures))
    return list(catalogue.index[mask])


def add_mean_scores(
    data: pd.DataFrame, catalogue: pd.DataFrame, derived: Mapping[str, Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add per-respondent means of several scores (e.g. of every barrier's overcome score).

    Parameters
    ----------
    data : pandas.DataFrame
        The scores.
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    derived : mapping
        New column name -> ``{kind, measure, min_answered}``: the mean of the
        respondent's non-missing scores of that kind and measure, NA where fewer
        than ``min_answered`` (default 1) are non-missing.

    Returns
    -------
    tuple of pandas.DataFrame
        The data with the new columns, and the catalogue with a row for each.
    """
    data = data.copy()
    rows = []
    for name, spec in derived.items():
        members = scores_of(catalogue, [spec["kind"]], [spec["measure"]])
        if not members:
            raise ValueError(
                f"derived score {name!r}: no score of kind {spec['kind']!r} and measure "
                f"{spec['measure']!r} in the codebook"
            )
        values = data[members].astype("float64")
        enough = values.notna().sum(axis=1) >= int(spec.get("min_answered", 1))
        data[name] = values.mean(axis=1).where(enough).astype("Float64")
        rows.append(
            pd.DataFrame(
                {
                    "construct": pd.NA,
                    "measure": spec["measure"],
                    "kind": spec["kind"],
                    "side": pd.NA,
                    "label": f"Mean of {len(members)} {spec['kind']} scores",
                    "outcome_label": f"Mean {spec['kind']} score: {spec['measure']}",
                    "binary": False,
                },
                index=[name],
            )
        )
    return data, pd.concat([catalogue, *rows]) if rows else catalogue


# --------------------------------------------------------------------------- records


def _empty_record(reason: str, n: int = 0, effect: str | None = None) -> dict[str, Any]:
    return {
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "effect": effect,
        "statistic": np.nan,
        "statistic_name": None,
        "df": np.nan,
        "df2": np.nan,
        "p": np.nan,
        "n": int(n),
        "method": f"not estimable: {reason}",
    }


def _attempt(what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a test; on a data problem warn on stderr and return an empty record."""
    try:
        return func(*args, **kwargs)
    except (ValueError, RuntimeError, np.linalg.LinAlgError) as error:
        print(f"warning: {what}: {error}", file=sys.stderr)
        return _empty_record(str(error))


def _labels(catalogue: pd.DataFrame, outcome: str) -> dict[str, Any]:
    spec = catalogue.loc[outcome]
    return {
        "outcome": outcome,
        "outcome_label": spec["outcome_label"],
        "kind": spec["kind"],
        "measure": spec["measure"],
    }


def _levels(series: pd.Series) -> list[Any]:
    """Levels of a grouping column: category order if Categorical, else sorted."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique().tolist())


def _subsets(data: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """The pooled data, then each level of each ``by`` column (unobserved levels kept).

    Every subset copies ``data``'s columns: pass only the columns needed.
    """
    yield POOLED, POOLED, data
    for column in by:
        for level in _levels(data[column]):
            yield column, str(level), data[(data[column] == level).fillna(False).to_numpy()]


def finalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns: identifiers, analysis-specific columns, the record, family and p_adj.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of any analysis of this module.

    Returns
    -------
    pandas.DataFrame
        The same rows (index reset) with the columns of :data:`ID_COLUMNS` first,
        then those particular to the analysis, then :data:`coprod.stats.RECORD_COLUMNS`
        and ``family``, ``role``, ``p_adj``, ``correction``.
    """
    head = [c for c in ID_COLUMNS if c in frame.columns]
    tail = [c for c in (*RECORD_COLUMNS, *TAIL_COLUMNS) if c in frame.columns]
    middle = [c for c in frame.columns if c not in head and c not in tail]
    return frame[[*head, *middle, *tail]].reset_index(drop=True)


def apply_families(frame: pd.DataFrame, families: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """Adjust p within each family; add ``role``, ``p_adj`` and ``correction``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Records with ``family`` and ``p``; rows of family :data:`DESCRIPTIVE` carry
        no test.
    families : mapping
        Family name -> ``{"correction": "holm" | "fdr_bh", "role": "confirmatory" |
        "exploratory"}`` (config ``compare.families``).

    Returns
    -------
    pandas.DataFrame
        The frame in its row order with ``role``, ``p_adj`` and ``correction``; a
        descriptive row has role and correction ``"descriptive"`` / ``"none"``.

    Raises
    ------
    ValueError
        A family of the frame that ``families`` does not define.

    Examples
    --------
    >>> frame = pd.DataFrame({"family": ["f", "f", "descriptive"], "p": [0.01, 0.04, np.nan]})
    >>> out = apply_families(frame, {"f": {"correction": "holm", "role": "confirmatory"}})
    >>> out["p_adj"].tolist()[:2], out["correction"].tolist()
    ([0.02, 0.04], ['Holm', 'Holm', 'none'])
    """
    tested = (frame["family"] != DESCRIPTIVE).to_numpy()
    present = list(dict.fromkeys(frame.loc[tested, "family"]))
    unknown = [f for f in present if f not in families]
    if unknown:
        raise ValueError(
            f"families {unknown} are not defined under compare.families in the config "
            f"(defined: {sorted(families)})"
        )
    out = frame.copy()
    out["role"] = DESCRIPTIVE
    out["p_adj"] = np.nan
    out["correction"] = "none"
    if tested.any():
        adjusted = adjust_p(
            frame[tested], method_by_family={f: families[f]["correction"] for f in present}
        )
        out.loc[tested, "p_adj"] = adjusted["p_adj"].to_numpy()
        out.loc[tested, "correction"] = adjusted["correction"].to_numpy()
        out.loc[tested, "role"] = [families[f]["role"] for f in frame.loc[tested, "family"]]
    return finalise(out)


# --------------------------------------------------------------------------- descriptives


def _describe_values(values: pd.Series, high_rating: float) -> dict[str, Any]:
    v = values.astype("float64").dropna().to_numpy()
    n = v.size
    record = {"sd": np.nan, "median": np.nan, "share_high": np.nan}
    record.update({"share_high_ci_low": np.nan, "share_high_ci_high": np.nan})
    if n == 0:
        return {**record, **_empty_record("no answers", effect="mean")}
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else np.nan
    half = st.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
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
    for outcome in outcomes:
        labels = _labels(catalogue, outcome)
        for column, level, part in _subsets(data[[outcome, *by]], by):
            rows.append(
                {
                    "analysis": analysis,
                    **labels,
                    "by": column,
                    "group": level,
                    **_describe_values(part[outcome], high_rating),
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
    for outcome in outcomes:
        labels = _labels(catalogue, outcome)
        for column, level, part in _subsets(data[[outcome, *by]], by):
            values = part[outcome].astype("float64").dropna()
            count, n = int((values >= threshold).sum()), int(values.size)
            share, low, high = wilson_ci(count, n) if n else (np.nan, np.nan, np.nan)
            rows.append(
                {
                    "analysis": analysis,
                    **labels,
                    "by": column,
                    "group": level,
                    "threshold": float(threshold),
                    "count": count,
                    "estimate": share,
                    "ci_low": low,
                    "ci_high": high,
                    "effect": "proportion",
                    "statistic": np.nan,
                    "statistic_name": None,
                    "df": np.nan,
                    "df2": np.nan,
                    "p": np.nan,
                    "n": n,
                    "method": (
                        f"share of non-missing values >= {threshold} with Wilson 95% CI"
                        if n
                        else "not estimable: no answers"
                    ),
                    "family": DESCRIPTIVE,
                }
            )
    return finalise(pd.DataFrame(rows))


# --------------------------------------------------------------------------- group tests


def across_groups(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    column: str,
    family: str,
    pairwise_family: str | None = None,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
    analysis: str | None = None,
) -> pd.DataFrame:
    """Differences between the levels of a column: an omnibus test and pairwise follow-ups.

    The omnibus test is Kruskal-Wallis with epsilon-squared (noncentral chi-squared CI) for an
    ordinal or scale score, and Pearson's chi-squared with Cramér's V for a 0/1
    score (Fisher's exact or Monte Carlo p where an expected count is under 5).
    Follow-ups are Mann-Whitney tests of every pair of levels, with rank-biserial
    r (for a 0/1 score r is the difference of the two shares).

    Parameters
    ----------
    data : pandas.DataFrame
        Scores (or keyed items) with the grouping column.
    outcomes : sequence of str
        Columns to test; rows of ``catalogue``.
    catalogue : pandas.DataFrame
        :func:`score_catalogue` or :func:`item_catalogue`.
    column : str
        The grouping column (e.g. the case); levels in category order.
    family, pairwise_family : str
        Families of the omnibus tests and of the follow-ups; no follow-ups if None.
    n_mc, seed
        Monte Carlo tables of a chi-squared p with small expected counts, their seed.
    analysis : str, optional
        Name in the ``analysis`` column (default ``"across_<column>"``).

    Returns
    -------
    pandas.DataFrame
        Omnibus rows (``contrast`` "all levels"), then pairwise rows (``group_1``,
        ``group_2``, ``contrast`` "<group_1> vs <group_2>").
    """
    analysis = analysis or f"across_{column}"
    order = [level for level in _levels(data[column])]
    groups = pd.Series(pd.Categorical(data[column], categories=order), index=data.index)
    rows, pairs = [], []
    for outcome in outcomes:
        labels = _labels(catalogue, outcome)
        values = data[outcome].astype("float64")
        where = f"{analysis} of {outcome}"
        if catalogue.loc[outcome, "binary"]:
            keep = values.notna().to_numpy()
            record = _attempt(where, chi_square, values[keep], groups[keep], n_mc=n_mc, seed=seed)
        else:
            record = _attempt(where, kruskal_wallis, values, groups)
        rows.append(
            {
                "analysis": analysis,
                **labels,
                "by": column,
                "group": POOLED,
                "contrast": "all levels",
                **record,
                "family": family,
            }
        )
        if pairwise_family is None:
            continue
        try:
            pairwise = pairwise_mann_whitney(values, groups)
        except ValueError as error:
            print(f"warning: pairwise {where}: {error}", file=sys.stderr)
            pairwise = _pairwise_one_by_one(values, groups)
        for record in pairwise.to_dict("records"):
            first, second = str(record.pop("group_1")), str(record.pop("group_2"))
            pairs.append(
                {
                    "analysis": f"{analysis}_pairwise",
                    **labels,
                    "by": column,
                    "group": POOLED,
                    "contrast": f"{first} vs {second}",
                    "group_1": first,
                    "group_2": second,
                    **record,
                    "family": pairwise_family,
                }
            )
    return finalise(pd.DataFrame(rows + pairs))


def _pairwise_one_by_one(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Pairwise Mann-Whitney where some groups are too small: empty records for those."""
    order = list(groups.cat.categories)
    records = []
    for i, first in enumerate(order):
        for second in order[i + 1 :]:
            x = values[(groups == first).to_numpy()]
            y = values[(groups == second).to_numpy()]
            test = _attempt(f"{first} vs {second}", mann_whitney, x, y)
            records.append({"group_1": first, "group_2": second, **test})
    return pd.DataFrame(records)


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
    observed = [level for level in _levels(series) if (series == level).any()]
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
        labels = _labels(catalogue, outcome)
        values = subset[outcome].astype("float64")
        x, y = values[is_x], values[~is_x]
        where = f"{analysis} of {outcome}"
        tests = [("primary", family, _attempt(where, mann_whitney, x, y))]
        if not catalogue.loc[outcome, "binary"]:
            tests.append(("robustness", robustness_family, _attempt(where, hedges_g, x, y)))
        if ordinal:
            frame = subset[[predictor, *fixed_effects]].assign(
                **{outcome: _ordinal_outcome(subset[outcome])}
            )
            record = _attempt(
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


def barrier_sides(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    sides: Sequence[str] | None = None,
    by: Sequence[str] = (),
    family: str,
) -> pd.DataFrame:
    """Organisational- vs citizen-side barriers within respondents (Wilcoxon signed-rank).

    Each respondent's side score is the mean of their non-missing scores of that
    side's barriers (``side`` of the codebook constructs); the two side scores are
    compared within respondents, pooled and per level of each ``by`` column. The
    matched-pairs rank-biserial r is positive when the first side is rated higher.

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
    side_scores = {
        side: data[list(chosen.index[chosen["side"] == side])].astype("float64").mean(axis=1)
        for side in order
    }
    frame = data[list(by)].assign(__side_1=side_scores[order[0]], __side_2=side_scores[order[1]])
    rows = []
    for column, level, part in _subsets(frame, by):
        record = _attempt(
            f"barrier sides in {column}={level}",
            wilcoxon_signed_rank,
            part["__side_1"],
            part["__side_2"],
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


# --------------------------------------------------------------------------- strategies


def strategy_use(
    data: pd.DataFrame,
    strategies: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    by: Sequence[str],
    family: str,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Share using each strategy (pooled, per group) and chi-squared tests by group.

    Parameters
    ----------
    data : pandas.DataFrame
        The scores (strategies 0/1).
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
            record = _attempt(
                f"strategy use of {strategy} by {column}",
                chi_square,
                values[keep],
                data.loc[keep, column].astype(str),
                n_mc=n_mc,
                seed=seed,
            )
            rows.append(
                {
                    "analysis": f"strategy_use_by_{column}",
                    **_labels(catalogue, strategy),
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
        Overcome scores and strategy scores (0/1).
    catalogue : pandas.DataFrame
        :func:`score_catalogue`.
    family : str
        Family of the tests.

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
            users, others = values[(used == 1).to_numpy()], values[(used == 0).to_numpy()]
            record = _attempt(f"{outcome} by use of {strategy}", mann_whitney, users, others)
            rows.append(
                {
                    "analysis": "strategy_barrier_link",
                    **_labels(catalogue, outcome),
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


# --------------------------------------------------------------------------- staff factor


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
    are z-scored, a 0/1 predictor (training received) is left 0/1, so its
    coefficient is the trained-untrained difference in outcome SDs. Alongside,
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
        labels = _labels(catalogue, outcome)
        complete = data[[outcome, *terms, *fixed_effects]].dropna()
        where = f"staff model of {outcome}"
        try:
            ols = ols_standardised(complete, outcome, terms, fixed_effects, cov_type)
            records = ols.to_dict("records")
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as error:
            print(f"warning: {where}: {error}", file=sys.stderr)
            records = [{"term": term, **_empty_record(str(error))} for term in terms]
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
            record = _attempt(
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
