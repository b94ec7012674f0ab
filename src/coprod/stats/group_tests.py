"""Tests that compare groups: Kruskal-Wallis, Mann-Whitney (single and pairwise),
the one-way ANOVA (Welch's or the classic equal-variance F) and the Wilcoxon signed-rank
test.

Each test returns a record (:mod:`coprod.stats.records`) with its effect size from
:mod:`coprod.stats.effect_sizes`. Missing values are dropped listwise; groups keep their
Categorical order, else are sorted. Nothing here names a group of the study: groups
come in as data.

Every option defaults to R's default (``stats::kruskal.test``, ``wilcox.test``,
``oneway.test``): two-sided alternatives, the continuity correction of the normal
approximation on, and the rank tests' exact p where R computes it (fewer than 50
observations per sample, no ties, and for the signed-rank test no zero differences).
``tests/data/reference/comparisons/`` holds R's output for every comparison of the
bundled study; ``tests/test_r_comparisons.py`` checks these functions against it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.stats.effect_sizes import (
    NCP_CI,
    epsilon_squared,
    eta_squared_ci,
    eta_squared_h,
    paired_rank_biserial,
    rank_biserial,
)
from coprod.stats.inputs import check_positive, grouped, numeric, two_samples
from coprod.stats.records import DEFAULT_SEED, pingouin_row, record, to_frame

Alternative = Literal["two-sided", "less", "greater"]
"""The alternative hypothesis of a two-sample test, as scipy names R's ``alternative``
(``"two.sided"``, ``"less"``, ``"greater"``): ``"greater"`` means x tends to be larger."""

ALTERNATIVES = ("two-sided", "less", "greater")

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


KruskalEffect = Literal["epsilon_squared", "eta_squared_h"]
"""The effect size of a Kruskal-Wallis record: epsilon-squared H / (n - 1), or
rstatix's eta-squared (H - k + 1) / (n - k)."""

KRUSKAL_EFFECTS = {
    "epsilon_squared": "epsilon-squared H/(n-1)",
    "eta_squared_h": "eta-squared[H] (H-k+1)/(n-k)",
}
"""The effect sizes :func:`kruskal_wallis` offers, and how its ``method`` names each."""


def kruskal_wallis(
    values: Any, groups: Any, *, effect: KruskalEffect = "epsilon_squared"
) -> dict[str, Any]:
    """Kruskal-Wallis test across groups, with epsilon-squared (or eta-squared[H]) and its CI.

    H is tie-corrected, on k - 1 df, chi-squared p: R's ``kruskal.test`` (statistic,
    parameter, p.value). The effect size is ``effect``:

    - ``"epsilon_squared"`` (the default): E^2_R = H / (n - 1), from 0 to 1 (Tomczak &
      Tomczak 2014, eq. 11; :func:`coprod.stats.effect_sizes.epsilon_squared`);
    - ``"eta_squared_h"``: (H - k + 1) / (n - k) (Cohen 2008, as ``rstatix::
      kruskal_effsize`` reports it; :func:`coprod.stats.effect_sizes.eta_squared_h`),
      negative when H is below its null expectation k - 1.

    Both come with the noncentral chi-squared 95% CI of
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
    effect : {"epsilon_squared", "eta_squared_h"}
        The effect size of the record.

    Returns
    -------
    dict
        One record; ``statistic`` is H, NaN (with NaN p and CI) if all values tie.

    Raises
    ------
    ValueError
        Fewer than 2 groups, a group with fewer than 2 observations, non-numeric
        values, or an unknown ``effect``.

    Examples
    --------
    >>> rec = kruskal_wallis([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    >>> round(rec["statistic"], 3), rec["df"], rec["effect"], rec["ci_low"]
    (4.571, 2.0, 'epsilon_squared', 0.0)
    >>> round(kruskal_wallis([1, 2, 3, 4, 5, 6], list("aabbcc"), effect="eta_squared_h")[
    ...     "estimate"], 4)
    0.8571
    """
    if effect not in KRUSKAL_EFFECTS:
        raise ValueError(f"effect must be one of {list(KRUSKAL_EFFECTS)}, got {effect!r}")
    vals, codes, labels = grouped(values, groups)
    k, n = len(labels), vals.size
    distinct, value_codes = np.unique(vals, return_inverse=True)
    h = float(_kruskal_h(_value_counts(value_codes, codes, k, distinct.size)))
    size = epsilon_squared if effect == "epsilon_squared" else eta_squared_h
    estimate, ci = size(h, n, k)
    return record(
        effect=(effect, estimate, ci),
        test=("H", h, k - 1, st.chi2.sf(h, k - 1)),
        n=n,
        method=(
            f"Kruskal-Wallis H with tie correction, chi-squared p; {KRUSKAL_EFFECTS[effect]} "
            f"with {NCP_CI}"
        ),
    )


def _check_alternative(alternative: str) -> None:
    """Raise unless ``alternative`` is one of :data:`ALTERNATIVES`."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {list(ALTERNATIVES)}, got {alternative!r}")


def _use_exact(exact: bool | None, small: bool, tied: bool) -> bool:
    """R's ``wilcox.test`` rule: exact p where asked (``exact=None``: where the sample is
    ``small``), and never with ties (R then falls back to the normal approximation)."""
    return (small if exact is None else bool(exact)) and not tied


def _normal_p(deviation: float, sigma: float, alternative: str, correct: bool) -> float:
    """The normal-approximation p of a rank statistic ``deviation`` from its null mean.

    As ``wilcox.test`` (and ``scipy.stats.mannwhitneyu``): the continuity correction moves
    the deviation 0.5 towards 0 (two-sided; p capped at 1), or 0.5 down (``"greater"``)
    or up (``"less"``). Where every value ties (sigma 0) p is 1, as scipy's (R's is NaN).
    """
    if alternative == "two-sided":
        deviation = abs(deviation)
    shift = {"two-sided": 0.5, "greater": 0.5, "less": -0.5}[alternative] if correct else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (deviation - shift) / sigma
    if alternative == "less":
        return float(st.norm.cdf(z))
    if alternative == "greater":
        return float(st.norm.sf(z))
    return float(np.clip(2 * st.norm.sf(z), 0, 1))


def _p_method(exact: bool, correct: bool, alternative: str) -> str:
    """How a rank test's record names its p."""
    if exact:
        how = "exact p"
    elif correct:
        how = "normal approximation with continuity and tie correction"
    else:
        how = "normal approximation with tie correction, no continuity correction"
    side = "two-sided" if alternative == "two-sided" else f"one-sided (x {alternative})"
    return f"{how}, {side}"


def mann_whitney(
    x: Any,
    y: Any,
    *,
    alternative: Alternative = "two-sided",
    correct: bool = True,
    exact: bool | None = None,
) -> dict[str, Any]:
    """Mann-Whitney U test of two independent samples, with rank-biserial r.

    R's ``wilcox.test(x, y, alternative, correct, exact)`` with the same defaults:
    ``statistic`` is U of the first sample (R's ``W``): the number of pairs with x > y
    plus half the ties. The p is exact (``scipy.stats.mannwhitneyu(method="exact")``)
    where ``exact`` asks for it, by default when both samples have fewer than 50 values,
    and only without ties (as R, which falls back to the normal approximation with
    ties); else the normal approximation with tie correction and, if ``correct``, the
    continuity correction. ``alternative="greater"``: x tends to be larger. The
    rank-biserial correlation r = 2 U / (n1 n2) - 1 is positive when x tends to be
    larger than y; its 95% CI is Fisher-z
    (:func:`coprod.stats.effect_sizes.rank_biserial`).

    Parameters
    ----------
    x, y : array-like of float
        The two samples; each needs at least 2 non-missing values.
    alternative : {"two-sided", "less", "greater"}
        The alternative hypothesis (R's ``"two.sided"``, ``"less"``, ``"greater"``).
    correct : bool
        Continuity correction of the normal approximation (R's ``correct``).
    exact : bool or None
        Exact p; None: R's default (both samples under 50 values); never with ties.

    Returns
    -------
    dict
        One record; ``statistic`` is U of x, ``estimate`` the rank-biserial r.

    Examples
    --------
    >>> rec = mann_whitney([1, 2, 3], [2, 4])
    >>> rec["statistic"], rec["estimate"]
    (1.5, -0.5)
    >>> round(mann_whitney([1, 3, 5], [2, 4, 6, 8], alternative="less")["p"], 4)
    0.2
    """
    x, y = two_samples(x, y)
    _check_alternative(alternative)
    tied = np.unique(np.concatenate([x, y])).size < x.size + y.size
    use_exact = _use_exact(exact, x.size < 50 and y.size < 50, tied)
    res = st.mannwhitneyu(
        x,
        y,
        alternative=alternative,
        use_continuity=correct,
        method="exact" if use_exact else "asymptotic",
    )
    return _mann_whitney_record(
        float(res.statistic),
        float(res.pvalue),
        x.size,
        y.size,
        _p_method(use_exact, correct, alternative),
    )


def _mann_whitney_record(u: float, p: float, n1: int, n2: int, p_method: str) -> dict[str, Any]:
    """The record of a Mann-Whitney test: U of x, its p, rank-biserial r with its CI."""
    r, ci = rank_biserial(u, n1, n2)
    return record(
        effect=("rank_biserial", r, ci),
        test=("W (U of x)", u, np.nan, p),
        n=n1 + n2,
        method=(
            f"Mann-Whitney U, {p_method}; rank-biserial r (positive: x larger) with Fisher-z 95% CI"
        ),
    )


def pairwise_mann_whitney(
    values: Any,
    groups: Any,
    *,
    alternative: Alternative = "two-sided",
    correct: bool = True,
    exact: bool | None = None,
) -> pd.DataFrame:
    """Mann-Whitney follow-ups for every pair of groups.

    Each pair is re-ranked on its own two groups (the same test as
    :func:`mann_whitney`, with the same options and R's defaults), not on the pooled
    ranks of Dunn's test, so every record reads as a stand-alone two-group comparison.
    p values are unadjusted: pass the frame, with a ``family`` column, to
    :func:`coprod.stats.multiplicity.adjust_p`.

    Parameters
    ----------
    values : array-like of float
        The outcome.
    groups : array-like
        Group label per observation; pairs follow the group order
        (Categorical order, else sorted).
    alternative, correct, exact
        As :func:`mann_whitney`; ``alternative`` is about the earlier group of each pair.

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
    _check_alternative(alternative)
    vals, codes, labels = grouped(values, groups)
    # U of every pair from each group's counts of the distinct values, not by ranking
    # every pair again (scipy.stats.mannwhitneyu per pair): a survey score has a few
    # distinct values, so many groups of many respondents cost k^2 m, not k^2 n log n.
    # The p is R's normal approximation (_normal_p), or scipy's exact p where R's rule
    # asks for one; a test pins every record to mann_whitney's.
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
            u = u_of_first[i, j]
            use_exact = _use_exact(exact, n1 < 50 and n2 < 50, bool(ties.max() > 1))
            if use_exact:
                x, y = vals[codes == i], vals[codes == j]
                p = float(st.mannwhitneyu(x, y, alternative=alternative, method="exact").pvalue)
            else:
                n = n1 + n2
                tie_term = (ties**3 - ties).sum() / (n * (n - 1))
                sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term))
                p = _normal_p(u - n1 * n2 / 2, sigma, alternative, correct)
            method = _p_method(use_exact, correct, alternative)
            test = _mann_whitney_record(float(u), p, int(n1), int(n2), method)
            records.append({"group_1": first, "group_2": labels[j], **test})
    return to_frame(records)


def oneway_anova(
    values: Any,
    groups: Any,
    *,
    var_equal: bool = False,
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """One-way ANOVA: Welch's (unequal variances, the default) or the classic F, with
    eta-squared.

    R's ``oneway.test(values ~ groups, var.equal = var_equal)`` with its default:
    ``var_equal=False`` gives Welch's (1951) F, df1, df2 and p (``pingouin.welch_anova``);
    ``var_equal=True`` the classic equal-variance F on k - 1 and n - k df (Fisher;
    ``pingouin.anova``), which is also ``summary(aov(values ~ groups))``. The effect size
    is the descriptive eta-squared, SS_between / SS_total, the same under both; its 95% CI
    is the percentile interval of ``n_boot`` bootstrap resamples drawn within each group.

    Parameters
    ----------
    values : array-like of float
        The outcome.
    groups : array-like
        Group label per observation.
    var_equal : bool
        Assume equal variances: the classic F instead of Welch's (R's ``var.equal``).
    n_boot : int
        Bootstrap resamples for the CI.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict
        One record; ``df`` is df1 and ``df2`` the denominator df.

    Raises
    ------
    ValueError
        Fewer than 2 groups, a group with fewer than 2 observations, or (Welch's) a
        group with zero variance (Welch weights groups by 1 / variance).

    Examples
    --------
    >>> rec = oneway_anova([1.0, 2.0, 3.0, 2.0, 4.0, 6.0], ["a"] * 3 + ["b"] * 3)
    >>> rec["statistic_name"], round(rec["df2"], 2)
    ('F (Welch)', 2.94)
    >>> classic = oneway_anova([1.0, 2.0, 3.0, 2.0, 4.0, 6.0], ["a"] * 3 + ["b"] * 3,
    ...                        var_equal=True)
    >>> classic["statistic_name"], classic["df2"], round(classic["statistic"], 4)
    ('F', 4.0, 2.4)
    """
    import pingouin

    check_positive(n_boot, "n_boot")
    vals, codes, labels = grouped(values, groups)
    if not var_equal:
        for j, label in enumerate(labels):
            if np.var(vals[codes == j]) == 0:
                raise ValueError(
                    f"group {label!r} has zero variance; Welch's ANOVA weights groups by "
                    "1/variance and needs every group to vary (var_equal=True does not)"
                )
    row = pingouin_row(
        pingouin.anova if var_equal else pingouin.welch_anova,
        data=pd.DataFrame({"value": vals, "group": codes}),
        dv="value",
        between="group",
    )
    name, test = (
        ("F", "One-way ANOVA (equal variances)")
        if var_equal
        else ("F (Welch)", "Welch one-way ANOVA")
    )
    return record(
        effect=("eta_squared", row["np2"], eta_squared_ci(vals, codes, len(labels), n_boot, seed)),
        test=(name, row["F"], row["ddof1"], row["p"]),
        df2=row["ddof2"],
        n=vals.size,
        method=(
            f"{test}; eta-squared with stratified bootstrap percentile 95% CI ({n_boot} resamples)"
        ),
    )


def wilcoxon_signed_rank(
    x: Any,
    y: Any = None,
    *,
    alternative: Alternative = "two-sided",
    correct: bool = True,
    exact: bool | None = None,
) -> dict[str, Any]:
    """Wilcoxon signed-rank test of paired samples, with matched-pairs rank-biserial r.

    Differences d = x - y of complete pairs, or ``x`` itself when ``y`` is None (pass
    differences computed exactly, e.g. from :func:`coprod.scoring.exact_score`, where
    x - y in floats would turn a tie or a zero into rounding noise); zero differences
    are dropped (Wilcoxon's convention, as R). ``statistic`` is R's ``V``, the sum of the
    ranks of |d| over positive d. As R's ``wilcox.test(x, y, paired = TRUE, alternative,
    correct, exact)`` with its defaults, p is exact (``scipy.stats.wilcoxon``) where
    ``exact`` asks for it, by default when fewer than 50 differences are non-zero, and
    only when they have no ties and no zeros were dropped; else from the normal
    approximation with tie correction and, if ``correct``, continuity correction.
    ``alternative="greater"``: x tends to exceed y. The matched-pairs rank-biserial
    r = (R+ - R-) / (R+ + R-) is positive when x tends to exceed y; its 95% CI is
    Fisher-z (:func:`coprod.stats.effect_sizes.paired_rank_biserial`).

    Parameters
    ----------
    x, y : array-like of float
        Paired observations, same length; or the differences and None.
    alternative, correct, exact
        As :func:`mann_whitney` (R's ``alternative``, ``correct``, ``exact``).

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
    _check_alternative(alternative)
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
    tied = zeros > 0 or np.unique(np.abs(nonzero)).size < m
    use_exact = _use_exact(exact, m < 50, tied)
    res = st.wilcoxon(
        nonzero,
        alternative=alternative,
        method="exact" if use_exact else "asymptotic",
        correction=correct and not use_exact,
    )
    return record(
        effect=("rank_biserial_paired", r, ci),
        test=("V", v, np.nan, res.pvalue),
        n=diff.size,
        method=(
            f"Wilcoxon signed-rank, {_p_method(use_exact, correct, alternative)}, "
            f"{zeros} zero difference(s) dropped; matched-pairs rank-biserial r "
            "(positive: x larger) with Fisher-z 95% CI"
        ),
    )
