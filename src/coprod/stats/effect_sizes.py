"""Effect sizes and their 95% confidence intervals.

The tests of :mod:`coprod.stats.group_tests` and :mod:`coprod.stats.contingency` report
their effect size through the functions here: rank-biserial r (independent and paired),
epsilon-squared and eta-squared[H] (of a Kruskal-Wallis H), eta-squared and Cramér's V,
each with its interval. :func:`hedges_g` (with Welch's or Student's t test) and
:func:`wilson_ci` (a proportion's interval) are called directly by the analyses;
:func:`wilcox_r` is ``rstatix::wilcox_effsize``'s r, for readers who want it.

Decisions
---------
- Intervals of effect sizes bounded at 0 (epsilon-squared, Cramér's V) invert the
  noncentral chi-squared distribution rather than bootstrap: a percentile bootstrap of a
  statistic that is at least 0 and biased upwards never covers 0 (see the validation
  study).
- Such an interval always contains its estimate: its upper limit is raised to the
  estimate where the inversion ends below it, and its lower limit lowered to an
  estimate below it (eta-squared[H] is negative when H is below its df)
  (:func:`_ncp_interval`). The estimate
  (sqrt(chi2 / scale)) estimates the noncentrality plus the df, the inverted interval
  the noncentrality alone, so when the statistic falls well below its df (p near 1) the
  inverted upper limit is below the estimate, or 0 when p > 0.975 (R ``effectsize``
  then prints e.g. [0.00, 0.00] beside V = 0.02 and warns the upper limit is
  arbitrary). Widening an interval keeps its coverage at least 95%, and a reader never
  sees an estimate outside its own interval.
- Correlation-like effects (rank-biserial r) get Fisher-z intervals, which collapse to
  the point at r = +/-1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.stats as st
from scipy.optimize import brentq
from scipy.special import chdtr, chndtr, gammaln, nctdtr

from coprod.stats.inputs import two_samples
from coprod.stats.records import record

_Z95 = float(st.norm.ppf(0.975))

NCP_CI = "noncentral chi-squared 95% CI (upper limit at least the estimate)"
"""How a record's ``method`` names the interval of :func:`_ncp_interval`."""


def _fisher_z_ci(r: float, se: float) -> tuple[float, float]:
    """95% CI of a correlation-like r from tanh(atanh(r) +/- z * se)."""
    with np.errstate(divide="ignore"):
        z = np.arctanh(r)
    return float(np.tanh(z - _Z95 * se)), float(np.tanh(z + _Z95 * se))


def _root_decreasing(func: Callable[[float], float], target: float, lo: float, hi: float) -> float:
    """Solve func(x) = target for func decreasing in x, widening [lo, hi] until it brackets."""
    width = hi - lo
    while func(lo) < target:
        lo -= width
        width *= 2
    while func(hi) > target:
        hi += width
        width *= 2
    return float(brentq(lambda x: func(x) - target, lo, hi))


def _noncentrality_ci(statistic: float, df: float) -> tuple[float, float]:
    """95% CI of the noncentrality of a chi-squared statistic, by inverting its cdf.

    The bounds are the noncentralities under which the observed ``statistic`` is the
    97.5% and 2.5% quantile (Smithson 2003, ch. 4); a bound is 0 where even a central
    chi-squared puts the statistic below that quantile.
    """

    def cdf(ncp: float) -> float:
        # st.ncx2.cdf(statistic, df, ncp) for the statistic > 0 and ncp >= 0 of the root
        # search, without argument checks that cost ten times as much as the functions
        # it calls: chndtr, or chdtr for ncp = 0 (scipy's ncx2._cdf)
        if not ncp >= 0:
            return np.nan
        with np.errstate(over="ignore"):
            return float(chndtr(statistic, df, ncp) if ncp != 0 else chdtr(df, statistic))

    low, high = (
        _root_decreasing(cdf, q, 0.0, statistic + 1) if st.chi2.cdf(statistic, df) > q else 0.0
        for q in (0.975, 0.025)
    )
    return low, high


def _ncp_interval(
    statistic: float, df: float, estimate: float, to_effect: Callable[[float], float]
) -> tuple[float, float]:
    """95% CI of an effect size bounded by 0 and 1, from a chi-squared statistic.

    ``to_effect`` turns a noncentrality into the effect size. The limits are those of
    :func:`_noncentrality_ci`; the upper limit is raised to ``estimate`` where it falls
    below it (the statistic below its expectation under the null), and capped at 1; the
    lower limit is lowered to an ``estimate`` below it (a bias-corrected effect size,
    negative for such a statistic). A NaN statistic gives a NaN interval.
    """
    if not np.isfinite(statistic):
        return np.nan, np.nan
    low, high = _noncentrality_ci(statistic, df)
    return (
        float(min(to_effect(low), estimate)),
        float(min(1.0, max(to_effect(high), estimate))),
    )


def _stratified_bootstrap(
    values: np.ndarray, codes: np.ndarray, k: int, n_boot: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n_boot, n) resamples drawn with replacement within each group, and their codes."""
    rng = np.random.default_rng(seed)
    blocks = []
    for j in range(k):
        group = values[codes == j]
        blocks.append(group[rng.integers(0, group.size, size=(n_boot, group.size))])
    return np.hstack(blocks), np.sort(codes)


def _percentile_ci(boot: np.ndarray) -> tuple[float, float]:
    """2.5% and 97.5% percentiles, ignoring resamples where the statistic is undefined."""
    if np.isnan(boot).all():
        return np.nan, np.nan
    low, high = np.nanquantile(boot, [0.025, 0.975])
    return float(low), float(high)


def _eta_squared(samples: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """Between-group over total sum of squares for each row of samples."""
    onehot = np.eye(k)[codes]
    sizes = onehot.sum(axis=0)
    grand = samples.mean(axis=1, keepdims=True)
    between = (((samples @ onehot) / sizes - grand) ** 2 * sizes).sum(axis=1)
    total = ((samples - grand) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return between / total


def rank_biserial(u: float, n1: int, n2: int) -> tuple[float, tuple[float, float]]:
    """Rank-biserial r of a Mann-Whitney U of the first sample, with its 95% CI.

    r = 2 U / (n1 n2) - 1, positive when the first sample tends to be larger. The CI
    is tanh(atanh(r) +/- 1.96 SE) with SE = sqrt((n1 + n2 + 1) / (3 n1 n2)) (King &
    Minium; R ``effectsize::rank_biserial``).

    Examples
    --------
    >>> r, (low, high) = rank_biserial(1.5, 3, 2)
    >>> r, round(low, 3), round(high, 3)
    (-0.5, -0.933, 0.524)
    """
    r = 2 * u / (n1 * n2) - 1
    return r, _fisher_z_ci(r, np.sqrt((n1 + n2 + 1) / (3 * n1 * n2)))


def paired_rank_biserial(v: float, m: int) -> tuple[float, tuple[float, float]]:
    """Matched-pairs rank-biserial r of a Wilcoxon V on m non-zero differences, with CI.

    r = (R+ - R-) / (R+ + R-) with R+ = V and R+ + R- = m (m + 1) / 2, positive when x
    tends to exceed y; the CI is tanh(atanh(r) +/- 1.96 SE), SE = sqrt((2m^3 + 3m^2 +
    m) / 6) / ((m^2 + m) / 2) (R ``effectsize::rank_biserial``).

    Examples
    --------
    >>> r, ci = paired_rank_biserial(9.0, 4)
    >>> r
    0.8
    """
    total = m * (m + 1) / 2
    r = (2 * v - total) / total
    return r, _fisher_z_ci(r, np.sqrt((2 * m**3 + 3 * m**2 + m) / 6) / total)


def epsilon_squared(h: float, n: int, k: int) -> tuple[float, tuple[float, float]]:
    """Epsilon-squared of a Kruskal-Wallis H of n observations in k groups, with CI.

    E^2_R = H / (n - 1) (Tomczak & Tomczak 2014, "The need to report effect size
    estimates revisited", Trends in Sport Sciences 21(1), eq. 11), from 0 to 1. The CI
    inverts the noncentral chi-squared distribution that H follows asymptotically under
    local alternatives (Andrews 1954, Ann. Math. Statist. 25(4)): the noncentralities
    under which the observed H is the 97.5% and 2.5% quantile, divided by n - 1; the
    upper limit is at least the estimate (:func:`_ncp_interval`) and at most 1. NaN H
    (all values tie) gives a NaN interval.

    Examples
    --------
    >>> estimate, ci = epsilon_squared(4.571, 6, 3)
    >>> round(estimate, 3), ci[0]
    (0.914, 0.0)
    """
    estimate = h / (n - 1)
    return estimate, _ncp_interval(h, k - 1, estimate, lambda ncp: ncp / (n - 1))


def eta_squared_h(h: float, n: int, k: int) -> tuple[float, tuple[float, float]]:
    """Eta-squared[H] of a Kruskal-Wallis H of n observations in k groups, with CI.

    eta^2[H] = (H - k + 1) / (n - k) (Cohen 2008, Explaining Psychological Statistics,
    3rd ed., p. 682; Tomczak & Tomczak 2014, eq. 10): what ``rstatix::kruskal_effsize``
    reports as ``effsize``. It subtracts H's null expectation k - 1, so it is negative
    when H is below it. The CI is the noncentrality interval of :func:`epsilon_squared`
    divided by n - k (the estimate is (H - df) / (n - k), and H - df estimates the
    noncentrality), widened to contain the estimate (:func:`_ncp_interval`); NaN H gives
    NaN. (rstatix's own CI, off by default, is a bootstrap percentile interval.)

    Examples
    --------
    >>> estimate, ci = eta_squared_h(4.571, 6, 3)
    >>> round(estimate, 4), ci[0]
    (0.857, 0.0)
    >>> estimate, (low, high) = eta_squared_h(1.0, 30, 3)
    >>> round(estimate, 4), low == estimate, round(high, 4)
    (-0.037, True, 0.2574)
    """
    estimate = (h - k + 1) / (n - k)
    return estimate, _ncp_interval(h, k - 1, estimate, lambda ncp: ncp / (n - k))


def wilcox_r(x: Any, y: Any) -> float:
    """r = |Z| / sqrt(n) of two independent samples, as ``rstatix::wilcox_effsize``.

    Z is the standardised Mann-Whitney U of x, with the tie-corrected variance and no
    continuity correction (``coin::wilcox_test``'s asymptotic statistic, which rstatix
    calls), and n = n1 + n2 (Rosenthal 1991; Fritz, Morris & Richler 2012, J. Exp.
    Psychol. Gen. 141(1)). From 0 to about 0.87; it has no sign (the records' effect
    of a pair is the signed rank-biserial r of :func:`rank_biserial`). Missing values are
    dropped; each sample needs 2 values. NaN where every value ties.

    Examples
    --------
    >>> round(wilcox_r([1, 2, 3, 4], [3, 5, 6, 7, 8]), 4)
    0.6969
    """
    x, y = two_samples(x, y)
    n1, n2 = x.size, y.size
    n = n1 + n2
    ranks = st.rankdata(np.concatenate([x, y]))
    _, ties = np.unique(ranks, return_counts=True)
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(abs(u - n1 * n2 / 2) / sigma / np.sqrt(n))


def cramers_v(
    chi2: float, df: int, n: int, shape: tuple[int, int]
) -> tuple[float, tuple[float, float]]:
    """Cramér's V of a Pearson chi-squared on a table of ``shape``, with its 95% CI.

    V = sqrt(chi2 / (n (min(r, c) - 1))) without bias correction; the CI inverts the
    noncentral chi-squared distribution (noncentrality lambda = n (min(r, c) - 1) V^2),
    with a lower limit of 0 where the observed chi2 is below the central quantile, the
    upper limit at least V (:func:`_ncp_interval`) and at most V's maximum of 1.

    Examples
    --------
    >>> v, (low, high) = cramers_v(6.667, 1, 60, (2, 2))
    >>> round(v, 3), bool(0 < low < v < high <= 1)
    (0.333, True)

    A statistic far below its df (p > 0.975) still gives an interval around V:

    >>> v, (low, high) = cramers_v(0.376, 4, 694, (5, 2))
    >>> round(v, 4), low, high == v
    (0.0233, 0.0, True)
    """
    scale = n * (min(shape) - 1)
    estimate = float(np.sqrt(chi2 / scale))
    return estimate, _ncp_interval(chi2, df, estimate, lambda ncp: np.sqrt(ncp / scale))


def eta_squared_ci(
    values: np.ndarray, codes: np.ndarray, k: int, n_boot: int, seed: int
) -> tuple[float, float]:
    """Percentile 95% CI of eta-squared from bootstrap resamples drawn within each group.

    ``values`` are the observations, ``codes`` their groups 0..k-1; each resample keeps
    every group's size.

    Examples
    --------
    >>> values = np.array([1.0, 2.0, 3.0, 2.0, 4.0, 6.0])
    >>> low, high = eta_squared_ci(values, np.array([0, 0, 0, 1, 1, 1]), 2, 200, seed=1)
    >>> bool(0 <= low < high <= 1)
    True
    """
    boot, boot_codes = _stratified_bootstrap(values, codes, k, n_boot, seed)
    return _percentile_ci(_eta_squared(boot, boot_codes, k))


def hedges_g(
    x: Any, y: Any, *, var_equal: bool = False, alternative: str = "two-sided"
) -> dict[str, Any]:
    """Hedges' g of two independent samples, with Welch's (or Student's) t test.

    g = J d, with d = (mean x - mean y) / pooled SD and the exact small-sample
    factor J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n1 + n2 - 2; g is
    positive when x has the larger mean. The 95% CI inverts the noncentral t
    distribution of the pooled t statistic (the "exact" interval of d, as R
    ``effectsize``) and scales its limits by J. The record's test is R's
    ``t.test(x, y, alternative, var.equal)`` with its defaults
    (``scipy.stats.ttest_ind``): Welch's t test (``statistic``, Welch-Satterthwaite
    ``df``, two-sided ``p``), which does not assume equal variances, or with
    ``var_equal`` Student's pooled t on n1 + n2 - 2 df.

    Parameters
    ----------
    x, y : array-like of float
        The two samples (g is positive when x has the larger mean); each needs at least
        2 non-missing values.
    var_equal : bool
        Student's pooled t test instead of Welch's (R's ``var.equal``).
    alternative : {"two-sided", "less", "greater"}
        The t test's alternative (R's ``"two.sided"``, ...); ``"greater"``: x's mean is
        larger. The CI of g stays two-sided.

    Returns
    -------
    dict
        One record; ``estimate`` is g, ``statistic`` Welch's t.

    Raises
    ------
    ValueError
        If both samples are constant (the pooled SD is zero).

    Examples
    --------
    >>> rec = hedges_g([2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0])
    >>> round(rec["estimate"], 3), rec["effect"]
    (0.673, 'hedges_g')
    """
    x, y = two_samples(x, y)
    n1, n2 = x.size, y.size
    m = n1 + n2 - 2
    pooled_sd = np.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / m)
    if pooled_sd == 0:
        raise ValueError("x and y are both constant: the pooled SD is 0 and g is undefined")
    d = (x.mean() - y.mean()) / pooled_sd
    j = np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))
    scale = np.sqrt(1 / n1 + 1 / n2)
    t_pooled = d / scale

    def cdf(ncp: float) -> float:
        # st.nct.cdf(t_pooled, m, ncp) is this function after argument checks that cost
        # ten times as much as it, at every step of the root search (t_pooled is finite)
        return float(nctdtr(m, ncp, t_pooled))

    limits = [_root_decreasing(cdf, q, t_pooled - 1, t_pooled + 1) for q in (0.975, 0.025)]
    test = st.ttest_ind(x, y, equal_var=var_equal, alternative=alternative)
    name, kind = ("t", "Student") if var_equal else ("t (Welch)", "Welch")
    side = "two-sided" if alternative == "two-sided" else f"one-sided (x {alternative})"
    return record(
        effect=("hedges_g", j * d, (j * limits[0] * scale, j * limits[1] * scale)),
        test=(name, test.statistic, test.df, test.pvalue),
        n=n1 + n2,
        method=(
            f"{kind} two-sample t test, {side}; Hedges' g (pooled SD, exact J) with "
            "noncentral-t 95% CI"
        ),
    )


def wilson_ci(
    successes: Any, n: Any, ci: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """Proportions with Wilson score confidence intervals, vectorised.

    With z the normal quantile, p = successes / n and c = 1 + z^2 / n, the
    interval is (p + z^2 / (2n)) / c +/- z sqrt(p (1 - p) / n + z^2 / (4 n^2))
    / c (Wilson 1927; statsmodels ``proportion_confint(method="wilson")``).
    n = 0 gives NaN.

    Parameters
    ----------
    successes, n : array-like of int
        Counts of successes and of trials, broadcast together.
    ci : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple
        (p_hat, low, high): floats for scalar input, else arrays.

    Raises
    ------
    ValueError
        If ``ci`` is not in (0, 1) or a count of successes is outside 0..n.

    Examples
    --------
    >>> tuple(round(v, 4) for v in wilson_ci(7, 20))
    (0.35, 0.1812, 0.5671)
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci}")
    s, trials = np.broadcast_arrays(np.asarray(successes, float), np.asarray(n, float))
    if (s < 0).any() or (s > trials).any():
        raise ValueError("successes must lie between 0 and n for every element")
    z = st.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / trials
        c = 1 + z**2 / trials
        centre = (p + z**2 / (2 * trials)) / c
        half = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / c
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    if p.ndim == 0:
        return float(p), float(low), float(high)
    return p, low, high
