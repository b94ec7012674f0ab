"""Tests that compare groups: Kruskal-Wallis, Mann-Whitney (single and pairwise),
Welch's ANOVA and the Wilcoxon signed-rank test.

Each test returns a record (:mod:`coprod.stats.records`) with its effect size from
:mod:`coprod.stats.effect_sizes`. Missing values are dropped listwise; groups keep their
Categorical order, else are sorted. Nothing here names a group of the study: groups
come in as data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.stats.effect_sizes import (
    NCP_CI,
    epsilon_squared,
    eta_squared_ci,
    paired_rank_biserial,
    rank_biserial,
)
from coprod.stats.inputs import check_positive, grouped, numeric, two_samples
from coprod.stats.records import DEFAULT_SEED, pingouin_row, record, to_frame

# pingouin (~1 s) is imported inside the function that uses it: Snakemake starts a fresh
# interpreter for every job, and most jobs of the comparisons stage do not need it.


def _value_counts(value_codes: np.ndarray, codes: np.ndarray, k: int, m: int) -> np.ndarray:
    """(k, m) counts: how many values of each group equal each of the m distinct values."""
    return np.bincount(codes * m + value_codes, minlength=k * m).reshape(k, m)


def _kruskal_h(counts: np.ndarray) -> np.ndarray:
    """Tie-corrected Kruskal-Wallis H from (..., k, m) counts (NaN if all values tie).

    ``counts[..., j, v]`` is how many values of group j equal the v-th smallest distinct
    value. The t values tied at a distinct value share the mid-rank (number of smaller
    values) + (t + 1) / 2, and the tie correction sums t^3 - t over the distinct values;
    no sorting is needed, and the rank sums are exact (half-integers).
    """
    ties = counts.sum(axis=-2)  # (..., m): how many values equal each distinct value
    n = ties.sum(axis=-1)
    mid_rank = np.cumsum(ties, axis=-1) - ties + (ties + 1) / 2
    rank_sums = (counts * mid_rank[..., np.newaxis, :]).sum(axis=-1)
    h = 12 / (n * (n + 1)) * (rank_sums**2 / counts.sum(axis=-1)).sum(axis=-1) - 3 * (n + 1)
    correction = 1 - (ties**3 - ties).sum(axis=-1) / (n**3 - n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(correction > 0, h / correction, np.nan)


def kruskal_wallis(values: Any, groups: Any) -> dict[str, Any]:
    """Kruskal-Wallis test across groups, with epsilon-squared and its CI.

    H is tie-corrected (as R's ``kruskal.test``), on k - 1 df, chi-squared p.
    The effect size is epsilon-squared, E^2_R = H / (n - 1), from 0 to 1, with the
    noncentral chi-squared 95% CI of
    :func:`coprod.stats.effect_sizes.epsilon_squared` (as Cramér's V's in
    :func:`coprod.stats.contingency.chi_square`). The interval contains 0 whenever
    p >= 0.025. (A bootstrap percentile interval
    cannot: epsilon-squared is at least 0 and biased upwards by about
    (k - 1) / (n - 1), and the validation study found it covered a population
    value of 0 in none of its replicates.)

    Parameters
    ----------
    values : array-like of float
        The outcome, one value per observation.
    groups : array-like
        Group label per observation; Categorical order is kept.

    Returns
    -------
    dict
        One record; ``statistic`` is H, NaN (with NaN p and CI) if all values tie.

    Raises
    ------
    ValueError
        Fewer than 2 groups, a group with fewer than 2 observations, or
        non-numeric values.

    Examples
    --------
    >>> rec = kruskal_wallis([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    >>> round(rec["statistic"], 3), rec["df"], rec["effect"], rec["ci_low"]
    (4.571, 2.0, 'epsilon_squared', 0.0)
    """
    vals, codes, labels = grouped(values, groups)
    k, n = len(labels), vals.size
    distinct, value_codes = np.unique(vals, return_inverse=True)
    h = float(_kruskal_h(_value_counts(value_codes, codes, k, distinct.size)))
    estimate, ci = epsilon_squared(h, n, k)
    return record(
        effect=("epsilon_squared", estimate, ci),
        test=("H", h, k - 1, st.chi2.sf(h, k - 1)),
        n=n,
        method=(
            "Kruskal-Wallis H with tie correction, chi-squared p; epsilon-squared H/(n-1) "
            f"with {NCP_CI}"
        ),
    )


def mann_whitney(x: Any, y: Any) -> dict[str, Any]:
    """Mann-Whitney U test of two independent samples, with rank-biserial r.

    ``statistic`` is U of the first sample (R's ``W``): the number of pairs
    with x > y plus half the ties. The two-sided p uses the normal
    approximation with continuity and tie correction, as R's ``wilcox.test``
    does when there are ties. The rank-biserial correlation
    r = 2 U / (n1 n2) - 1 is positive when x tends to be larger than y; its 95%
    CI is Fisher-z (:func:`coprod.stats.effect_sizes.rank_biserial`).

    Parameters
    ----------
    x, y : array-like of float
        The two samples; each needs at least 2 non-missing values.

    Returns
    -------
    dict
        One record; ``statistic`` is U of x, ``estimate`` the rank-biserial r.

    Examples
    --------
    >>> rec = mann_whitney([1, 2, 3], [2, 4])
    >>> rec["statistic"], rec["estimate"]
    (1.5, -0.5)
    """
    x, y = two_samples(x, y)
    res = st.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method="asymptotic")
    return _mann_whitney_record(float(res.statistic), float(res.pvalue), x.size, y.size)


def _mann_whitney_record(u: float, p: float, n1: int, n2: int) -> dict[str, Any]:
    """The record of a Mann-Whitney test: U of x, its p, rank-biserial r with its CI."""
    r, ci = rank_biserial(u, n1, n2)
    return record(
        effect=("rank_biserial", r, ci),
        test=("W (U of x)", u, np.nan, p),
        n=n1 + n2,
        method=(
            "Mann-Whitney U, normal approximation with continuity and tie correction, "
            "two-sided; rank-biserial r (positive: x larger) with Fisher-z 95% CI"
        ),
    )


def pairwise_mann_whitney(values: Any, groups: Any) -> pd.DataFrame:
    """Mann-Whitney follow-ups for every pair of groups.

    Each pair is re-ranked on its own two groups (the same test as
    :func:`mann_whitney`), not on the pooled ranks of Dunn's test, so every
    record reads as a stand-alone two-group comparison. p values are
    unadjusted: pass the frame, with a ``family`` column, to
    :func:`coprod.stats.multiplicity.adjust_p`.

    Parameters
    ----------
    values : array-like of float
        The outcome.
    groups : array-like
        Group label per observation; pairs follow the group order
        (Categorical order, else sorted).

    Returns
    -------
    pandas.DataFrame
        One record per pair, with ``group_1`` (the x of the test) and
        ``group_2``.

    Examples
    --------
    >>> out = pairwise_mann_whitney([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    >>> list(zip(out["group_1"], out["group_2"]))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    vals, codes, labels = grouped(values, groups)
    # U of every pair from each group's counts of the distinct values, not by ranking
    # every pair again (scipy.stats.mannwhitneyu per pair): a survey score has a few
    # distinct values, so many groups of many respondents cost k^2 m, not k^2 n log n.
    # The p is scipy's (and R's) normal approximation; a test pins it to mann_whitney.
    _, value_codes = np.unique(vals, return_inverse=True)
    counts = _value_counts(value_codes, codes, len(labels), int(value_codes.max()) + 1)
    counts = counts.astype(float)
    below = np.cumsum(counts, axis=1) - counts
    u_of_first = counts @ (below + counts / 2).T  # [i, j]: U of group i against group j
    sizes = counts.sum(axis=1)
    records = []
    for i, first in enumerate(labels):
        for j in range(i + 1, len(labels)):
            n1, n2 = sizes[i], sizes[j]
            ties = counts[i] + counts[j]
            n = n1 + n2
            spread = np.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
            u = u_of_first[i, j]
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (max(u, n1 * n2 - u) - n1 * n2 / 2 - 0.5) / spread
            p = float(np.clip(2 * st.norm.sf(z), 0, 1))
            test = _mann_whitney_record(float(u), p, int(n1), int(n2))
            records.append({"group_1": first, "group_2": labels[j], **test})
    return to_frame(records)


def welch_anova(
    values: Any, groups: Any, *, n_boot: int = 2000, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Welch's one-way ANOVA (unequal variances), with eta-squared.

    F, df1, df2 and p are Welch's (1951), as R's ``oneway.test`` and
    ``pingouin.welch_anova``. The effect size is the descriptive
    eta-squared, SS_between / SS_total; its 95% CI is the percentile interval
    of ``n_boot`` bootstrap resamples drawn within each group.

    Parameters
    ----------
    values : array-like of float
        The outcome.
    groups : array-like
        Group label per observation.
    n_boot : int
        Bootstrap resamples for the CI.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict
        One record; ``df`` is df1 and ``df2`` the Welch denominator df.

    Raises
    ------
    ValueError
        Fewer than 2 groups, a group with fewer than 2 observations, or a
        group with zero variance (Welch weights groups by 1 / variance).

    Examples
    --------
    >>> rec = welch_anova([1.0, 2.0, 3.0, 2.0, 4.0, 6.0], ["a"] * 3 + ["b"] * 3)
    >>> rec["statistic_name"], round(rec["df2"], 2)
    ('F (Welch)', 2.94)
    """
    import pingouin

    check_positive(n_boot, "n_boot")
    vals, codes, labels = grouped(values, groups)
    for j, label in enumerate(labels):
        if np.var(vals[codes == j]) == 0:
            raise ValueError(
                f"group {label!r} has zero variance; Welch's ANOVA weights groups by "
                "1/variance and needs every group to vary"
            )
    row = pingouin_row(
        pingouin.welch_anova,
        data=pd.DataFrame({"value": vals, "group": codes}),
        dv="value",
        between="group",
    )
    return record(
        effect=("eta_squared", row["np2"], eta_squared_ci(vals, codes, len(labels), n_boot, seed)),
        test=("F (Welch)", row["F"], row["ddof1"], row["p"]),
        df2=row["ddof2"],
        n=vals.size,
        method=(
            "Welch one-way ANOVA; eta-squared with stratified bootstrap percentile 95% CI "
            f"({n_boot} resamples)"
        ),
    )


def wilcoxon_signed_rank(x: Any, y: Any = None) -> dict[str, Any]:
    """Wilcoxon signed-rank test of paired samples, with matched-pairs rank-biserial r.

    Differences d = x - y of complete pairs, or ``x`` itself when ``y`` is None (pass
    differences computed exactly, e.g. from :func:`coprod.scoring.exact_score`, where
    x - y in floats would turn a tie or a zero into rounding noise); zero differences
    are dropped (Wilcoxon's convention, as R). ``statistic`` is R's ``V``, the sum of the
    ranks of |d| over positive d. As R's ``wilcox.test(x, y, paired = TRUE)`` with its
    defaults, p is exact when fewer than 50 non-zero differences have no ties and no
    zeros were dropped, else from the normal approximation with continuity and tie
    correction. The matched-pairs rank-biserial r = (R+ - R-) / (R+ + R-) is
    positive when x tends to exceed y; its 95% CI is Fisher-z
    (:func:`coprod.stats.effect_sizes.paired_rank_biserial`).

    Parameters
    ----------
    x, y : array-like of float
        Paired observations, same length; or the differences and None.

    Returns
    -------
    dict
        One record; ``n`` counts complete pairs, zeros included.

    Raises
    ------
    ValueError
        If x and y differ in length or fewer than 2 pairs differ.

    Examples
    --------
    >>> rec = wilcoxon_signed_rank([3, 5, 2, 8, 6], [1, 2, 3, 4, 6])
    >>> rec["statistic"], rec["estimate"]
    (9.0, 0.8)
    >>> wilcoxon_signed_rank([2, 3, -1, 4, 0])["statistic"]
    9.0
    """
    xs = numeric(x, "x")
    ys = np.zeros_like(xs) if y is None else numeric(y, "y")
    if xs.size != ys.size:
        raise ValueError(f"x and y must be paired (same length), got {xs.size} and {ys.size}")
    diff = (xs - ys)[~(np.isnan(xs) | np.isnan(ys))]
    nonzero = diff[diff != 0]
    m, zeros = nonzero.size, diff.size - nonzero.size
    if m < 2:
        raise ValueError(f"need at least 2 pairs with a non-zero difference, got {m}")
    ranks = st.rankdata(np.abs(nonzero))
    v = ranks[nonzero > 0].sum()
    r, ci = paired_rank_biserial(v, m)
    exact = m < 50 and zeros == 0 and np.unique(np.abs(nonzero)).size == m
    res = st.wilcoxon(nonzero, method="exact" if exact else "asymptotic", correction=not exact)
    p_method = "exact p" if exact else "normal approximation with continuity and tie correction"
    return record(
        effect=("rank_biserial_paired", r, ci),
        test=("V", v, np.nan, res.pvalue),
        n=diff.size,
        method=(
            f"Wilcoxon signed-rank, {p_method}, two-sided, {zeros} zero difference(s) dropped; "
            "matched-pairs rank-biserial r (positive: x larger) with Fisher-z 95% CI"
        ),
    )
