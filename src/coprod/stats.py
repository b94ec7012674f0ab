"""Statistical tests of the comparisons stage, each returning tidy records.

Every test returns one record (a ``dict``) in the column vocabulary
:data:`RECORD_COLUMNS`, shared by the whole pipeline:

``estimate``, ``ci_low``, ``ci_high``
    The effect size and its 95% confidence interval.
``effect``
    The effect size's name, e.g. ``"epsilon_squared"``.
``statistic``, ``statistic_name``, ``df``, ``df2``, ``p``
    The test statistic, its name, its degrees of freedom (``df2``: the
    denominator df of an F test, NaN otherwise) and the unadjusted p.
``n``
    The number of observations used, after dropping missing values.
``method``
    A human-readable account of the test, the effect size and its CI.

Functions that test several contrasts (:func:`pairwise_mann_whitney`,
:func:`ols_standardised`) return a DataFrame of records, one per contrast,
built by :func:`to_frame`. :func:`adjust_p` adds ``p_adj`` and ``correction``
within families of tests. Missing values are dropped listwise before a test.

Nothing here names a barrier, case or group of the study: groups come in as
data.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st
from pandas.errors import Pandas4Warning
from scipy.optimize import brentq
from scipy.special import expit, gammaln
from statsmodels.stats.multitest import multipletests

# pingouin (~1 s) and statsmodels' model classes (~0.3 s each) are imported inside the
# functions that use them: Snakemake starts a fresh interpreter for every job, and most
# jobs of the comparisons stage need neither.

__all__ = [
    "DEFAULT_SEED",
    "RECORD_COLUMNS",
    "adjust_p",
    "chi_square",
    "chi_square_cells",
    "hedges_g",
    "kruskal_wallis",
    "mann_whitney",
    "ols_standardised",
    "ordinal_logit",
    "pairwise_mann_whitney",
    "partial_correlation",
    "to_frame",
    "welch_anova",
    "wilcoxon_signed_rank",
    "wilson_ci",
]

RECORD_COLUMNS = (
    "estimate",
    "ci_low",
    "ci_high",
    "effect",
    "statistic",
    "statistic_name",
    "df",
    "df2",
    "p",
    "n",
    "method",
)
DEFAULT_SEED = 12345  # any fixed value: reruns must give identical bootstrap CIs and MC p
CORRECTIONS = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")
_Z95 = float(st.norm.ppf(0.975))


# --------------------------------------------------------------------------- records


def _record(
    *,
    estimate: float,
    ci: tuple[float, float],
    effect: str,
    statistic: float,
    statistic_name: str,
    df: float,
    p: float,
    n: int,
    method: str,
    df2: float = np.nan,
) -> dict[str, Any]:
    return {
        "estimate": float(estimate),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "effect": effect,
        "statistic": float(statistic),
        "statistic_name": statistic_name,
        "df": float(df),
        "df2": float(df2),
        "p": float(p),
        "n": int(n),
        "method": method,
    }


def to_frame(records: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Turn one record or several into a DataFrame, vocabulary columns last.

    Parameters
    ----------
    records : dict or iterable of dict
        Records returned by the tests of this module, possibly with extra
        identifying keys (e.g. ``group_1``, ``term``), which come first.

    Returns
    -------
    pandas.DataFrame
        One row per record.

    Examples
    --------
    >>> frame = to_frame(mann_whitney([1, 2, 3], [4, 5, 6]))
    >>> frame.shape
    (1, 11)
    """
    rows = [dict(records)] if isinstance(records, Mapping) else [dict(r) for r in records]
    frame = pd.DataFrame(rows)
    extra = [c for c in frame.columns if c not in RECORD_COLUMNS]
    return frame.reindex(columns=[*extra, *RECORD_COLUMNS])


def _pingouin_row(func: Callable[..., pd.DataFrame], /, **kwargs: Any) -> dict[str, Any]:
    """Call a pingouin function; return its first row under this module's names.

    pingouin 0.7 names the p value ``p_unc``, ``p_val`` or ``pval`` depending
    on the function and rounds the ``CI95`` arrays to 2 decimals by default;
    here p becomes ``p``, ``CI95`` becomes ``ci_low``/``ci_high`` without that
    display rounding (restored afterwards), and pingouin's ``Pandas4Warning``
    (its use of ``inplace``) is silenced for pingouin's modules only.
    """
    import pingouin

    rounding = pingouin.options.get("round.column.CI95")
    pingouin.options["round.column.CI95"] = None
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=Pandas4Warning, module="pingouin")
            table = func(**kwargs)
    finally:
        pingouin.options["round.column.CI95"] = rounding
    row = table.iloc[0].to_dict()
    for name in ("p_unc", "p_val", "pval"):
        if name in row:
            row["p"] = row.pop(name)
    if "CI95" in row:
        row["ci_low"], row["ci_high"] = (float(v) for v in row.pop("CI95"))
    return row


# --------------------------------------------------------------------------- input checks


def _numeric(values: Any, name: str) -> np.ndarray:
    """Values as float64 (nullable dtypes included, pd.NA becomes NaN)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype("float64")  # the common case, without pandas' overhead
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise ValueError(f"{name} must be numeric (or boolean), got dtype {series.dtype}")
    return series.astype("float64").to_numpy()


def _grouped(values: Any, groups: Any) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Values, integer group codes and group labels, missing values dropped.

    Groups keep their category order if Categorical, else are sorted; levels
    without observations are ignored.
    """
    vals = _numeric(values, "values")
    labels = groups if isinstance(groups, pd.Series) else pd.Series(groups)
    if len(labels) != vals.size:
        raise ValueError(
            f"values and groups must have the same length, got {vals.size} and {len(labels)}"
        )
    keep = ~np.isnan(vals) & labels.notna().to_numpy()
    cat = pd.Categorical(labels[keep]).remove_unused_categories()
    names = list(cat.categories)
    if len(names) < 2:
        raise ValueError(f"need at least 2 groups with data, got {len(names)}: {names}")
    counts = np.bincount(cat.codes, minlength=len(names))
    for name, count in zip(names, counts, strict=True):
        if count < 2:
            raise ValueError(
                f"group {name!r} has {count} observation(s) after dropping missing values; "
                "every group needs at least 2"
            )
    return vals[keep], np.asarray(cat.codes, dtype=np.intp), names


def _two_samples(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two independent samples as float arrays, missing values dropped, each n >= 2."""
    samples = []
    for name, values in (("x", x), ("y", y)):
        vals = _numeric(values, name)
        vals = vals[~np.isnan(vals)]
        if vals.size < 2:
            raise ValueError(
                f"{name} has {vals.size} non-missing observation(s); x and y each need at least 2"
            )
        samples.append(vals)
    return samples[0], samples[1]


def _check_positive(value: int, name: str) -> None:
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the data; available: {list(df.columns)}")


# --------------------------------------------------------------------------- helpers


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
        return float(st.ncx2.cdf(statistic, df, ncp))

    low, high = (
        _root_decreasing(cdf, q, 0.0, statistic + 1) if st.chi2.cdf(statistic, df) > q else 0.0
        for q in (0.975, 0.025)
    )
    return low, high


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


def _eta_squared(samples: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """Between-group over total sum of squares for each row of samples."""
    onehot = np.eye(k)[codes]
    sizes = onehot.sum(axis=0)
    grand = samples.mean(axis=1, keepdims=True)
    between = (((samples @ onehot) / sizes - grand) ** 2 * sizes).sum(axis=1)
    total = ((samples - grand) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return between / total


def _binary_indicator(series: pd.Series, name: str) -> tuple[np.ndarray, Any, Any]:
    """A two-valued variable as 0/1, with the labels coded 0 and 1.

    1 is the second category of a Categorical, else the larger (or later
    sorted) of the two values; True and 1 are therefore coded 1.
    """
    cat = pd.Categorical(series).remove_unused_categories()
    if len(cat.categories) != 2:
        raise ValueError(
            f"{name!r} must have exactly 2 distinct values, found "
            f"{len(cat.categories)}: {list(cat.categories)}"
        )
    return np.asarray(cat.codes, dtype=float), cat.categories[0], cat.categories[1]


def _fixed_effect_dummies(data: pd.DataFrame, fixed_effects: Sequence[str]) -> pd.DataFrame:
    """Treatment dummies of the fixed effects' observed levels, first level dropped.

    Columns are named ``<fixed effect>_<level>``, as ``pd.get_dummies(prefix=...)``.
    """
    columns = {}
    for fe in fixed_effects:
        levels = pd.Categorical(data[fe]).remove_unused_categories()
        for code, level in enumerate(levels.categories[1:], start=1):
            columns[f"{fe}_{level}"] = (levels.codes == code).astype(float)
    return pd.DataFrame(columns, index=data.index)


def _check_identified(
    tested: pd.DataFrame, dummies: pd.DataFrame, fixed_effects: Sequence[str]
) -> None:
    """Raise if the design [1, tested, dummies] is rank-deficient, naming the culprits."""
    ones = np.ones((len(tested), 1))
    design = np.hstack([ones, tested.to_numpy(float), dummies.to_numpy(float)])
    rank = np.linalg.matrix_rank(design)
    if rank == design.shape[1]:
        return
    base = np.hstack([ones, dummies.to_numpy(float)])
    if np.linalg.matrix_rank(base) < base.shape[1]:
        raise ValueError(
            f"fixed effects {list(fixed_effects)} are collinear with each other (one is nested "
            "in or duplicates another); keep only one of them"
        )
    culprits = [
        name
        for i, name in enumerate(tested.columns)
        if np.linalg.matrix_rank(np.delete(design, i + 1, axis=1)) == rank
    ]
    raise ValueError(
        f"predictor(s) {culprits} are collinear with the fixed effects {list(fixed_effects)} "
        "or with each other (constant, or not varying within fixed-effect levels); drop the "
        "predictor or the fixed effect"
    )


# --------------------------------------------------------------------------- group comparisons


def kruskal_wallis(values: Any, groups: Any) -> dict[str, Any]:
    """Kruskal-Wallis test across groups, with epsilon-squared and its CI.

    H is tie-corrected (as R's ``kruskal.test``), on k - 1 df, chi-squared p.
    The effect size is epsilon-squared, E^2_R = H / (n - 1) (Tomczak &
    Tomczak 2014, "The need to report effect size estimates revisited",
    Trends in Sport Sciences 21(1), eq. 11), from 0 to 1.

    Its 95% CI inverts the noncentral chi-squared distribution that H follows
    asymptotically under local alternatives (Andrews 1954, Ann. Math. Statist.
    25(4)): the noncentralities under which the observed H is the 97.5% and 2.5%
    quantile, divided by n - 1, as the Cramér's V interval of :func:`chi_square`.
    The interval contains 0 whenever p >= 0.025. (A bootstrap percentile interval
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
    vals, codes, labels = _grouped(values, groups)
    k, n = len(labels), vals.size
    distinct, value_codes = np.unique(vals, return_inverse=True)
    h = float(_kruskal_h(_value_counts(value_codes, codes, k, distinct.size)))
    ncp = _noncentrality_ci(h, k - 1) if np.isfinite(h) else (np.nan, np.nan)
    return _record(
        estimate=h / (n - 1),
        ci=(ncp[0] / (n - 1), min(1.0, ncp[1] / (n - 1))),
        effect="epsilon_squared",
        statistic=h,
        statistic_name="H",
        df=k - 1,
        p=st.chi2.sf(h, k - 1),
        n=n,
        method=(
            "Kruskal-Wallis H with tie correction, chi-squared p; epsilon-squared H/(n-1) "
            "with noncentral chi-squared 95% CI"
        ),
    )


def mann_whitney(x: Any, y: Any) -> dict[str, Any]:
    """Mann-Whitney U test of two independent samples, with rank-biserial r.

    ``statistic`` is U of the first sample (R's ``W``): the number of pairs
    with x > y plus half the ties. The two-sided p uses the normal
    approximation with continuity and tie correction, as R's ``wilcox.test``
    does when there are ties. The rank-biserial correlation is
    r = 2 U / (n1 n2) - 1, positive when x tends to be larger than y. Its 95%
    CI is tanh(atanh(r) +/- 1.96 SE) with SE = sqrt((n1 + n2 + 1) / (3 n1 n2))
    (King & Minium; R ``effectsize::rank_biserial``); at r = +/-1 it collapses
    to the point.

    Parameters
    ----------
    x, y : array-like of float
        The two samples; each needs at least 2 non-missing values.

    Returns
    -------
    dict
        One record.

    Examples
    --------
    >>> rec = mann_whitney([1, 2, 3], [2, 4])
    >>> rec["statistic"], rec["estimate"]
    (1.5, -0.5)
    """
    x, y = _two_samples(x, y)
    res = st.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method="asymptotic")
    return _mann_whitney_record(float(res.statistic), float(res.pvalue), x.size, y.size)


def _mann_whitney_record(u: float, p: float, n1: int, n2: int) -> dict[str, Any]:
    """The record of a Mann-Whitney test: U of x, its p, rank-biserial r with its CI."""
    r = 2 * u / (n1 * n2) - 1
    return _record(
        estimate=r,
        ci=_fisher_z_ci(r, np.sqrt((n1 + n2 + 1) / (3 * n1 * n2))),
        effect="rank_biserial",
        statistic=u,
        statistic_name="W (U of x)",
        df=np.nan,
        p=p,
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
    unadjusted: pass the frame, with a ``family`` column, to :func:`adjust_p`.

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
    vals, codes, labels = _grouped(values, groups)
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


def hedges_g(x: Any, y: Any) -> dict[str, Any]:
    """Hedges' g of two independent samples, with Welch's t test.

    g = J d, with d = (mean x - mean y) / pooled SD and the exact small-sample
    factor J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n1 + n2 - 2; g is
    positive when x has the larger mean. The 95% CI inverts the noncentral t
    distribution of the pooled t statistic (the "exact" interval of d, as R
    ``effectsize``) and scales its limits by J. The record's test is Welch's
    t test (``statistic``, Welch-Satterthwaite ``df``, two-sided ``p``), which
    does not assume equal variances.

    Parameters
    ----------
    x, y : array-like of float
        The two samples; each needs at least 2 non-missing values.

    Returns
    -------
    dict
        One record.

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
    x, y = _two_samples(x, y)
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
        return float(st.nct.cdf(t_pooled, m, ncp))

    limits = [_root_decreasing(cdf, q, t_pooled - 1, t_pooled + 1) for q in (0.975, 0.025)]
    welch = st.ttest_ind(x, y, equal_var=False)
    return _record(
        estimate=j * d,
        ci=(j * limits[0] * scale, j * limits[1] * scale),
        effect="hedges_g",
        statistic=welch.statistic,
        statistic_name="t (Welch)",
        df=welch.df,
        p=welch.pvalue,
        n=n1 + n2,
        method=(
            "Welch two-sample t test, two-sided; Hedges' g (pooled SD, exact J) with "
            "noncentral-t 95% CI"
        ),
    )


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

    _check_positive(n_boot, "n_boot")
    vals, codes, labels = _grouped(values, groups)
    for j, label in enumerate(labels):
        if np.var(vals[codes == j]) == 0:
            raise ValueError(
                f"group {label!r} has zero variance; Welch's ANOVA weights groups by "
                "1/variance and needs every group to vary"
            )
    row = _pingouin_row(
        pingouin.welch_anova,
        data=pd.DataFrame({"value": vals, "group": codes}),
        dv="value",
        between="group",
    )
    boot, boot_codes = _stratified_bootstrap(vals, codes, len(labels), n_boot, seed)
    return _record(
        estimate=row["np2"],
        ci=_percentile_ci(_eta_squared(boot, boot_codes, len(labels))),
        effect="eta_squared",
        statistic=row["F"],
        statistic_name="F (Welch)",
        df=row["ddof1"],
        df2=row["ddof2"],
        p=row["p"],
        n=vals.size,
        method=(
            "Welch one-way ANOVA; eta-squared with stratified bootstrap percentile 95% CI "
            f"({n_boot} resamples)"
        ),
    )


def wilcoxon_signed_rank(x: Any, y: Any) -> dict[str, Any]:
    """Wilcoxon signed-rank test of paired samples, with matched-pairs rank-biserial r.

    Differences d = x - y of complete pairs; zero differences are dropped
    (Wilcoxon's convention, as R). ``statistic`` is R's ``V``, the sum of the
    ranks of |d| over positive d. As R's ``wilcox.test(paired = TRUE)``, p is
    exact when fewer than 50 non-zero differences have no ties and no zeros
    were dropped, else from the normal approximation with continuity and tie
    correction. The matched-pairs rank-biserial r = (R+ - R-) / (R+ + R-) is
    positive when x tends to exceed y; its 95% CI is tanh(atanh(r) +/- 1.96
    SE), SE = sqrt((2m^3 + 3m^2 + m) / 6) / ((m^2 + m) / 2) for m non-zero
    differences (R ``effectsize::rank_biserial``).

    Parameters
    ----------
    x, y : array-like of float
        Paired observations, same length.

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
    """
    xs, ys = _numeric(x, "x"), _numeric(y, "y")
    if xs.size != ys.size:
        raise ValueError(f"x and y must be paired (same length), got {xs.size} and {ys.size}")
    diff = (xs - ys)[~(np.isnan(xs) | np.isnan(ys))]
    nonzero = diff[diff != 0]
    m, zeros = nonzero.size, diff.size - nonzero.size
    if m < 2:
        raise ValueError(f"need at least 2 pairs with a non-zero difference, got {m}")
    ranks = st.rankdata(np.abs(nonzero))
    v = ranks[nonzero > 0].sum()
    total = m * (m + 1) / 2
    r = (2 * v - total) / total
    exact = m < 50 and zeros == 0 and np.unique(np.abs(nonzero)).size == m
    res = st.wilcoxon(nonzero, method="exact" if exact else "asymptotic", correction=not exact)
    p_method = "exact p" if exact else "normal approximation with continuity and tie correction"
    return _record(
        estimate=r,
        ci=_fisher_z_ci(r, np.sqrt((2 * m**3 + 3 * m**2 + m) / 6) / total),
        effect="rank_biserial_paired",
        statistic=v,
        statistic_name="V",
        df=np.nan,
        p=res.pvalue,
        n=diff.size,
        method=(
            f"Wilcoxon signed-rank, {p_method}, two-sided, {zeros} zero difference(s) dropped; "
            "matched-pairs rank-biserial r (positive: x larger) with Fisher-z 95% CI"
        ),
    )


# --------------------------------------------------------------------------- contingency tables


def _contingency(table_or_x: Any, y: Any) -> pd.DataFrame:
    """A validated table of counts, from a table or from two label vectors."""
    if y is None:
        table = pd.DataFrame(table_or_x)
    else:
        xs = table_or_x if isinstance(table_or_x, pd.Series) else pd.Series(table_or_x)
        ys = y if isinstance(y, pd.Series) else pd.Series(y)
        if len(xs) != len(ys):
            raise ValueError(f"x and y must have the same length, got {len(xs)} and {len(ys)}")
        keep = (xs.notna() & ys.notna()).to_numpy()
        table = pd.crosstab(
            pd.Categorical(xs[keep]).remove_unused_categories(),
            pd.Categorical(ys[keep]).remove_unused_categories(),
        )
    if table.ndim != 2 or min(table.shape) < 2:
        raise ValueError(f"need at least 2 rows and 2 columns of counts, got shape {table.shape}")
    counts = table.to_numpy(dtype=float)
    if not (np.isfinite(counts).all() and (counts >= 0).all() and (counts % 1 == 0).all()):
        raise ValueError("table must hold non-negative integer counts")
    for axis, kind, labels in ((1, "row", table.index), (0, "column", table.columns)):
        empty = list(labels[counts.sum(axis=axis) == 0])
        if empty:
            raise ValueError(f"{kind}(s) {empty} have no observations; drop empty categories")
    return table


def chi_square(
    table_or_x: Any,
    y: Any = None,
    *,
    mc_threshold: float = 5,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Pearson chi-squared test of independence, with Cramér's V.

    The statistic is Pearson's chi-squared without continuity correction on
    (r - 1)(c - 1) df. Its p is asymptotic unless an expected count is below
    ``mc_threshold``: then a 2x2 table gets Fisher's exact two-sided p and a
    larger table a Monte Carlo p from ``n_mc`` random tables with both
    margins fixed (``scipy.stats.random_table``, Patefield's algorithm, as R's
    ``chisq.test(simulate.p.value = TRUE)``), p = (1 + #{chi2* >= chi2}) /
    (n_mc + 1). ``method`` says which p was used. Cramér's V =
    sqrt(chi2 / (n (min(r, c) - 1))) without bias correction; its 95% CI
    inverts the noncentral chi-squared distribution (noncentrality
    lambda = n (min(r, c) - 1) V^2), with a lower limit of 0 where the
    observed chi2 is below the central quantile and the upper limit capped
    at V's maximum of 1. :func:`chi_square_cells` gives the
    expected counts and standardised residuals.

    Parameters
    ----------
    table_or_x : 2-D array-like or DataFrame of counts, or array-like of labels
        A contingency table, or the first variable (then give ``y``).
    y : array-like of labels, optional
        The second variable; pairs with a missing label are dropped.
    mc_threshold : float
        Smallest expected count for the asymptotic p.
    n_mc : int
        Monte Carlo tables.
    seed : int
        Seed of the Monte Carlo p.

    Returns
    -------
    dict
        One record.

    Raises
    ------
    ValueError
        Fewer than 2 rows or columns, an empty row or column, or counts that
        are not non-negative integers.

    Examples
    --------
    >>> rec = chi_square([[10, 20], [20, 10]])
    >>> round(rec["statistic"], 3), round(rec["estimate"], 3)
    (6.667, 0.333)
    """
    _check_positive(n_mc, "n_mc")
    table = _contingency(table_or_x, y)
    counts = table.to_numpy(dtype=np.int64)
    res = st.chi2_contingency(counts, correction=False)
    chi2, df = float(res.statistic), int(res.dof)
    n = int(counts.sum())
    scale = n * (min(counts.shape) - 1)

    ncp = _noncentrality_ci(chi2, df)
    if (res.expected_freq >= mc_threshold).all():
        p, p_method = res.pvalue, "asymptotic p"
    elif counts.shape == (2, 2):
        p = st.fisher_exact(counts).pvalue
        p_method = f"Fisher's exact two-sided p (an expected count < {mc_threshold})"
    else:
        mc = st.MonteCarloMethod(n_resamples=n_mc, rng=np.random.default_rng(seed))
        p = st.chi2_contingency(counts, correction=False, method=mc).pvalue
        p_method = (
            f"Monte Carlo p from {n_mc} tables with fixed margins (an expected count "
            f"< {mc_threshold})"
        )
    return _record(
        estimate=np.sqrt(chi2 / scale),
        ci=(np.sqrt(ncp[0] / scale), min(1.0, np.sqrt(ncp[1] / scale))),
        effect="cramers_v",
        statistic=chi2,
        statistic_name="chi2 (Pearson)",
        df=df,
        p=p,
        n=n,
        method=(
            f"Pearson chi-squared test of independence without continuity correction, {p_method}; "
            "Cramér's V with noncentral chi-squared 95% CI"
        ),
    )


def chi_square_cells(table_or_x: Any, y: Any = None) -> pd.DataFrame:
    """Observed and expected counts and standardised residuals, one row per cell.

    The standardised (adjusted) residual is (O - E) / sqrt(E (1 - row share)
    (1 - column share)), R's ``chisq.test()$stdres``; beyond +/-1.96 a cell
    departs from independence at the 5% level.

    Parameters
    ----------
    table_or_x, y
        As :func:`chi_square`.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``column``, ``observed``, ``expected``, ``stdres``,
        rows in row-major order of the table.

    Examples
    --------
    >>> cells = chi_square_cells([[10, 20], [20, 10]])
    >>> cells["stdres"].round(3).tolist()
    [-2.582, 2.582, 2.582, -2.582]
    """
    table = _contingency(table_or_x, y)
    counts = table.to_numpy(dtype=float)
    n = counts.sum()
    expected = st.contingency.expected_freq(counts)
    row_share = counts.sum(axis=1, keepdims=True) / n
    col_share = counts.sum(axis=0, keepdims=True) / n
    stdres = (counts - expected) / np.sqrt(expected * (1 - row_share) * (1 - col_share))
    n_rows, n_cols = counts.shape
    return pd.DataFrame(
        {
            "row": np.repeat(table.index.to_numpy(), n_cols),
            "column": np.tile(table.columns.to_numpy(), n_rows),
            "observed": counts.ravel(),
            "expected": expected.ravel(),
            "stdres": stdres.ravel(),
        }
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


# --------------------------------------------------------------------------- models


@functools.cache
def _logit_ordered_model() -> type:
    """statsmodels ``OrderedModel`` (logit link) with a fast cdf and analytic derivatives.

    The model, its parameters (coefficients, first cut point, log increments of the
    others) and its log-likelihood are statsmodels'. Two things are faster: the
    logistic cdf is ``scipy.special.expit`` (``scipy.stats.logistic.cdf`` computes
    the same after checks that cost ten times as much), and the score and Hessian are
    analytic instead of numerical (statsmodels differentiates the log-likelihood
    numerically, with 2 evaluations per parameter for a gradient and hundreds for the
    Hessian). With the exact Hessian, Newton's method reaches the maximum in a few
    steps; statsmodels' BFGS on numerical derivatives stops at its gradient tolerance,
    up to about 1e-3 away from it. The Wald standard errors come from the exact Hessian
    rather than a finite-difference one.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class LogitOrderedModel(OrderedModel):
        # How many observations each row stands for: identical rows (the same outcome
        # level and covariates) contribute identically to the likelihood, so they are
        # fitted once with their count as a frequency weight. None: one each.
        frequency: np.ndarray | None = None

        def cdf(self, x: np.ndarray) -> np.ndarray:
            return expit(x)

        @functools.cached_property
        def _weights(self) -> np.ndarray:
            if self.frequency is None:
                return np.ones(len(self.endog))
            return np.asarray(self.frequency, dtype=float)

        def loglike(self, params: np.ndarray) -> float:
            return float(self.loglikeobs(params) @ self._weights)

        @property
        def start_params(self) -> np.ndarray:
            """statsmodels' start (the null model's cut points), from weighted frequencies."""
            freq = np.bincount(self.endog, weights=self._weights) / self._weights.sum()
            start_ppf = self.distr.ppf(np.clip(freq.cumsum(), 0, 1))
            start_threshold = self.transform_reverse_threshold_params(start_ppf)
            return np.concatenate((np.zeros(self.k_vars), start_threshold))

        @functools.cached_property
        def _bound_gradients(self) -> tuple[np.ndarray, np.ndarray]:
            """Gradients of each observation's lower and upper bound in (beta, cut points).

            Observation i of level y has the bounds a = t_y - x'beta and b = t_(y+1) -
            x'beta (t_0 = -inf, t_K = inf), linear in phi = (beta, t_1..t_(K-1)): their
            gradients are (-x, e_y) and (-x, e_(y+1)). Rows of an infinite bound get no
            cut-point column; their density is 0 anyway.
            """
            exog = np.asarray(self.exog, dtype=float)
            cut_points = np.arange(1, self.k_levels)
            lower = (self.endog[:, None] == cut_points).astype(float)
            upper = (self.endog[:, None] + 1 == cut_points).astype(float)
            return np.hstack([-exog, lower]), np.hstack([-exog, upper])

        def _derivatives(self, params: np.ndarray, hessian: bool) -> tuple[np.ndarray, ...]:
            """Score (and Hessian) of the log-likelihood in statsmodels' parameters.

            With P = F(b) - F(a) and l = log P, the score in phi is sum(l_a da + l_b db)
            and the Hessian sum(l_aa da da' + l_bb db db' + l_ab (da db' + db da')) (a and
            b are linear in phi). statsmodels' parameters are (beta, th) with cut points
            t = th_0 + cumsum(0, exp(th_1), ...), Jacobian J: the score is A' g_phi and
            the Hessian A' H_phi A + diag(0, .., 0, score of th_1, ...), A =
            blockdiag(I, J), since d2 t / d th_l^2 = exp(th_l) = d t / d th_l.
            """
            d_a, d_b = self._bound_gradients
            low, upp = self._bounds(params)
            prob = self.prob(low, upp) + 1e-20  # as OrderedModel.loglikeobs
            cdf_low, cdf_upp = expit(low), expit(upp)
            w = self._weights
            l_a = -cdf_low * (1 - cdf_low) / prob  # the logistic density is F (1 - F)
            l_b = cdf_upp * (1 - cdf_upp) / prob
            k = self.k_levels
            n_beta = d_a.shape[1] - (k - 1)
            th = params[-(k - 1) :]
            increments = np.concatenate(([1.0], np.exp(th[1:])))
            a = np.eye(n_beta + k - 1)
            a[n_beta:, n_beta:] = np.tril(np.ones((k - 1, k - 1))) * increments
            score = a.T @ (d_a.T @ (w * l_a) + d_b.T @ (w * l_b))
            if not hessian:
                return (score,)
            # second derivatives; the density's derivative is F (1 - F) (1 - 2F)
            l_aa = w * (l_a * (1 - 2 * cdf_low) - l_a**2)
            l_bb = w * (l_b * (1 - 2 * cdf_upp) - l_b**2)
            cross = (d_a * (-w * l_a * l_b)[:, None]).T @ d_b
            hess_phi = (d_a * l_aa[:, None]).T @ d_a + (d_b * l_bb[:, None]).T @ d_b
            hess_phi += cross + cross.T
            curvature = np.concatenate((np.zeros(n_beta + 1), score[n_beta + 1 :]))
            return score, a.T @ hess_phi @ a + np.diag(curvature)

        def score(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params, hessian=False)[0]

        def hessian(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params, hessian=True)[1]

    return LogitOrderedModel


def ordinal_logit(
    df: pd.DataFrame, outcome: str, predictor: str, fixed_effects: Sequence[str] = ()
) -> dict[str, Any]:
    """Proportional-odds logistic regression of an ordinal item on a binary predictor.

    statsmodels ``OrderedModel`` (logit link), P(y <= j) = logistic(c_j -
    b x - fixed effects), fitted by maximum likelihood (Newton's method with
    the analytic score and Hessian; BFGS if Newton fails), with treatment
    dummies of the fixed effects' observed levels. The estimate is the
    predictor's log odds ratio b (exp(b) is the odds ratio): positive when the
    level coded 1 has higher outcome categories, as R's ``MASS::polr``. CI
    and p are Wald (z). Outcome levels without observations are dropped
    (their thresholds are not identified) and ``method`` lists them.

    Parameters
    ----------
    df : pandas.DataFrame
        The data; rows with a missing value in a used column are dropped.
    outcome : str
        Ordinal column: numeric (its sorted values are the levels) or an
        ordered Categorical.
    predictor : str
        Column with exactly 2 distinct values; 1 is the second category of a
        Categorical, else the larger value (True, 1).
    fixed_effects : sequence of str
        Categorical columns entered as fixed effects (e.g. the case).

    Returns
    -------
    dict
        One record.

    Raises
    ------
    ValueError
        A missing column, an unordered or single-level outcome, a predictor
        without exactly 2 values, or a predictor collinear with the fixed
        effects (constant within their levels) or fixed effects nested in
        each other.
    RuntimeError
        If the fit does not converge or its covariance is not estimable
        (often complete separation).

    Examples
    --------
    >>> data = pd.DataFrame({"item": [1, 2, 2, 3, 3, 4, 2, 3, 4, 5, 4, 5],
    ...                      "class": ["a"] * 6 + ["b"] * 6})
    >>> rec = ordinal_logit(data, "item", "class")
    >>> rec["effect"], rec["estimate"] > 0
    ('log_odds_ratio', True)
    """
    _check_columns(df, [outcome, predictor, *fixed_effects])
    data = df[[outcome, predictor, *fixed_effects]].dropna()
    raw = data[outcome]
    if isinstance(raw.dtype, pd.CategoricalDtype):
        if not raw.cat.ordered:
            raise ValueError(f"outcome {outcome!r} is an unordered Categorical; make it ordered")
        levels = pd.Categorical(raw)
    elif pd.api.types.is_numeric_dtype(raw):
        levels = pd.Categorical(raw.astype("float64"), ordered=True)
    else:
        raise ValueError(
            f"outcome {outcome!r} must be numeric or an ordered Categorical, got {raw.dtype}"
        )
    observed = levels.remove_unused_categories()
    unused = [c for c in levels.categories if c not in observed.categories]
    levels = observed
    if len(levels.categories) < 2:
        raise ValueError(
            f"outcome {outcome!r} has {len(levels.categories)} observed level(s); need at least 2"
        )
    x, label0, label1 = _binary_indicator(data[predictor], f"predictor {predictor}")
    # The likelihood depends on a row only through its outcome level and covariates:
    # each distinct row is fitted once, weighted by how often it occurs (the same
    # estimates, at a cost set by the design's cells, not by the number of respondents).
    rows = pd.concat(
        [
            pd.DataFrame({"__outcome_level": levels.codes, predictor: x}, index=data.index),
            _fixed_effect_dummies(data, fixed_effects),
        ],
        axis=1,
    )
    distinct = rows.groupby(list(rows.columns), sort=True).size().reset_index(name="__rows")
    exog = distinct.drop(columns=["__outcome_level", "__rows"])
    _check_identified(exog[[predictor]], exog.drop(columns=predictor), fixed_effects)
    endog = pd.Series(
        pd.Categorical.from_codes(distinct["__outcome_level"], levels.categories, ordered=True)
    )
    model = _logit_ordered_model()(endog, exog, distr="logit")
    model.frequency = distinct["__rows"].to_numpy()
    try:
        fit = model.fit(method="newton", maxiter=100, disp=False)
    except np.linalg.LinAlgError:  # a singular Hessian on the way: let BFGS try
        fit = None
    if fit is None or not fit.mle_retvals["converged"]:
        fit = model.fit(method="bfgs", maxiter=1000, disp=False)
    if not fit.mle_retvals["converged"] or not np.isfinite(fit.bse[predictor]):
        raise RuntimeError(
            f"ordinal logit of {outcome!r} on {predictor!r} did not converge or has no "
            "standard error (often complete separation: one level of the predictor has "
            "only the extreme categories)"
        )
    low, high = fit.conf_int().loc[predictor]
    dropped = f"; unused outcome levels dropped: {unused}" if unused else ""
    return _record(
        estimate=fit.params[predictor],
        ci=(low, high),
        effect="log_odds_ratio",
        statistic=fit.tvalues[predictor],
        statistic_name="z",
        df=np.nan,
        p=fit.pvalues[predictor],
        n=len(data),
        method=(
            f"Proportional-odds logistic regression (statsmodels OrderedModel), Wald z and 95% "
            f"CI; predictor 1 = {label1!r} vs 0 = {label0!r}; fixed effects: "
            f"{list(fixed_effects)}{dropped}"
        ),
    )


def ols_standardised(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    fixed_effects: Sequence[str] = (),
    cov_type: str = "HC3",
) -> pd.DataFrame:
    """OLS with fixed effects and standardised coefficients, one record per predictor.

    Nullable columns are cast to float64 first. On the complete-case sample
    the outcome and each continuous predictor are z-scored (SD with ddof=1),
    so their coefficient is a standardised beta. A predictor with exactly two
    distinct values is coded 0/1 (1 = second category, or larger value) and
    left unscaled: its coefficient is the difference between its two levels
    in outcome SDs. Fixed effects enter as treatment dummies. Standard errors
    follow ``cov_type`` (default HC3, heteroscedasticity-robust); CIs and p
    use the t distribution on the residual df.

    Parameters
    ----------
    df : pandas.DataFrame
        The data.
    outcome : str
        Numeric outcome column.
    predictors : sequence of str
        Numeric or two-valued columns.
    fixed_effects : sequence of str
        Categorical columns entered as fixed effects (e.g. the case).
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3"}
        Covariance estimator.

    Returns
    -------
    pandas.DataFrame
        One record per predictor, with its name in ``term``.

    Raises
    ------
    ValueError
        Missing columns, no predictors, an unknown ``cov_type``, a
        non-numeric predictor with more than 2 values, a constant outcome, or
        a predictor collinear with the others or the fixed effects.

    Examples
    --------
    >>> data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0],
    ...                      "skill": [1.0, 2.0, 2.5, 4.0, 3.0, 5.0, 6.0, 6.5]})
    >>> ols_standardised(data, "y", ["skill"])["term"].tolist()
    ['skill']
    """
    from statsmodels.regression.linear_model import OLS

    if cov_type not in COV_TYPES:
        raise ValueError(f"cov_type must be one of {list(COV_TYPES)}, got {cov_type!r}")
    if not predictors:
        raise ValueError("predictors must name at least one column")
    _check_columns(df, [outcome, *predictors, *fixed_effects])
    data = df[[outcome, *predictors, *fixed_effects]].dropna()
    y = _numeric(data[outcome], f"outcome {outcome}")
    if y.std() == 0:
        raise ValueError(f"outcome {outcome!r} is constant in the analysis sample")
    columns, notes, continuous = {}, {}, []
    for name in predictors:
        series = data[name]
        if series.nunique() == 2:
            columns[name], label0, label1 = _binary_indicator(series, f"predictor {name}")
            notes[name] = (
                f"binary predictor (1 = {label1!r}, 0 = {label0!r}) left 0/1: estimate in "
                "outcome SDs"
            )
        elif pd.api.types.is_numeric_dtype(series):
            columns[name] = _numeric(series, f"predictor {name}")
            notes[name] = "predictor z-scored"
            continuous.append(name)
        else:
            raise ValueError(
                f"predictor {name!r} is non-numeric with {series.nunique()} values; enter "
                "categorical variables as fixed_effects"
            )
    tested = pd.DataFrame(columns, index=data.index)
    dummies = _fixed_effect_dummies(data, fixed_effects)
    _check_identified(tested, dummies, fixed_effects)
    for name in continuous:
        tested[name] = (tested[name] - tested[name].mean()) / tested[name].std()
    design = pd.concat([pd.Series(1.0, index=data.index, name="const"), tested, dummies], axis=1)
    fit = OLS((y - y.mean()) / y.std(ddof=1), design).fit(cov_type=cov_type, use_t=True)
    bounds = fit.conf_int()
    return to_frame(
        {
            "term": name,
            **_record(
                estimate=fit.params[name],
                ci=(bounds.loc[name, 0], bounds.loc[name, 1]),
                effect="standardised_beta",
                statistic=fit.tvalues[name],
                statistic_name="t",
                df=fit.df_resid,
                p=fit.pvalues[name],
                n=int(fit.nobs),
                method=(
                    f"OLS, outcome z-scored, {notes[name]}; {cov_type} standard errors, t test "
                    f"and 95% CI; fixed effects: {list(fixed_effects)}"
                ),
            ),
        }
        for name in predictors
    )


def partial_correlation(
    df: pd.DataFrame, x: str, y: str, covariates: Sequence[str]
) -> dict[str, Any]:
    """Pearson partial correlation of x and y controlling for covariates.

    On the complete cases (nullable columns cast to float64 first), r is read
    off the inverse P of the covariance matrix of the z-scored x, y and
    covariates: r = -P_xy / sqrt(P_xx P_yy). This is ``pingouin.partial_corr``'s
    computation, step for step (the tests compare the two); it is done here
    because importing pingouin costs about a second in every job that uses
    it. With k covariates the test is t = r sqrt((n - 2 - k) / (1 - r^2)) on
    n - 2 - k df, and the 95% CI is Fisher-z with SE 1 / sqrt(n - k - 3),
    its limits rounded to 6 decimals (as pingouin's). A constant column gives
    NaN, as in pingouin.

    Parameters
    ----------
    df : pandas.DataFrame
        The data.
    x, y : str
        Numeric columns to correlate.
    covariates : sequence of str
        Numeric columns partialled out of both; at least one.

    Returns
    -------
    dict
        One record.

    Raises
    ------
    ValueError
        Missing or non-numeric columns, no covariates, fewer than 3 complete
        cases, or a covariate numerically identical to x or y.

    Examples
    --------
    >>> data = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5],
    ...                      "c": [1.0, 1, 2, 2, 3, 4]})
    >>> partial_correlation(data, "a", "b", ["c"])["effect"]
    'partial_r'
    """
    if not covariates:
        raise ValueError("covariates must name at least one column; this is a partial correlation")
    columns = [x, y, *covariates]
    _check_columns(df, columns)
    data = pd.DataFrame({c: _numeric(df[c], c) for c in columns}).dropna()
    n, k = len(data), len(covariates)
    if n < 3:
        raise ValueError(f"need at least 3 complete cases, got {n}")
    for covariate in covariates:
        for name in (x, y):
            if np.allclose(data[name].to_numpy(), data[covariate].to_numpy()):
                raise ValueError(
                    f"covariate {covariate!r} is numerically identical to {name!r}; the "
                    "partial correlation is undefined"
                )
    dof = n - 2 - k
    if (data.nunique() < 2).any():
        r = p = np.nan
        ci = (np.nan, np.nan)
    else:
        cov = ((data - data.mean()) / data.std()).cov().to_numpy()
        if np.linalg.matrix_rank(cov) < cov.shape[0]:
            warnings.warn(
                "the covariance matrix of x, y and the covariates is rank-deficient "
                "(collinear covariates); the partial correlation may be unreliable",
                UserWarning,
                stacklevel=2,
            )
        precision = np.linalg.pinv(cov, hermitian=True)
        scale = np.sqrt(1 / precision.diagonal())
        r = float(np.clip(-1 * ((scale[0] * precision[0, 1]) * scale[1]), -1, 1))
        if np.isclose(r**2, 1):
            p = 0.0
        else:
            p = 2 * st.t.sf(np.abs(r * np.sqrt(dof / (1 - r**2))), dof)
        z, se = np.arctanh(r), 1 / np.sqrt(n - k - 3)
        crit = np.abs(st.norm.ppf((1 - 0.95) / 2))
        ci = tuple(np.round(np.tanh(np.array([z - crit * se, z + crit * se])), 6))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(dof / (1 - r**2))
    return _record(
        estimate=r,
        ci=ci,
        effect="partial_r",
        statistic=t,
        statistic_name="t",
        df=dof,
        p=p,
        n=n,
        method=(
            f"Pearson partial correlation controlling for {list(covariates)} "
            "(inverse covariance matrix, as pingouin.partial_corr), t test and Fisher-z 95% CI"
        ),
    )


# --------------------------------------------------------------------------- multiplicity


def adjust_p(
    results: pd.DataFrame, family_col: str = "family", *, method_by_family: Mapping[Any, str]
) -> pd.DataFrame:
    """Adjust p values within each family of tests.

    Adds ``p_adj`` and ``correction``. Each family is corrected on its own
    with ``statsmodels.stats.multitest.multipletests``: ``"holm"`` (Holm
    1979, family-wise error; for confirmatory families) or ``"fdr_bh"``
    (Benjamini-Hochberg 1995, false discovery rate; for exploratory ones).
    A NaN p stays NaN and does not count towards its family's size.

    Parameters
    ----------
    results : pandas.DataFrame
        Records with a ``p`` column and a family column.
    family_col : str
        Column naming each row's family.
    method_by_family : mapping
        Family -> ``"holm"`` or ``"fdr_bh"``, for every family present.

    Returns
    -------
    pandas.DataFrame
        A copy of ``results`` with ``p_adj`` and ``correction``.

    Raises
    ------
    ValueError
        Missing columns, a row without a family, a family without a method,
        or an unknown method.

    Examples
    --------
    >>> frame = pd.DataFrame({"family": ["f"] * 2, "p": [0.01, 0.04]})
    >>> adjust_p(frame, method_by_family={"f": "holm"})["p_adj"].tolist()
    [0.02, 0.04]
    """
    _check_columns(results, [family_col, "p"])
    families = results[family_col]
    if families.isna().any():
        raise ValueError(f"{int(families.isna().sum())} row(s) have no {family_col!r}")
    unknown = sorted({m for m in method_by_family.values() if m not in CORRECTIONS})
    if unknown:
        raise ValueError(f"unknown correction method(s) {unknown}; allowed: {list(CORRECTIONS)}")
    unmapped = [f for f in families.unique() if f not in method_by_family]
    if unmapped:
        raise ValueError(
            f"no correction method for families {unmapped}; method_by_family must map every "
            f"family to one of {list(CORRECTIONS)}"
        )
    p = results["p"].to_numpy(dtype=float)
    family = families.to_numpy()
    p_adj = np.full(p.size, np.nan)
    for name, method in method_by_family.items():
        mask = (family == name) & ~np.isnan(p)
        if mask.any():
            p_adj[mask] = multipletests(p[mask], method=method)[1]
    out = results.copy()
    out["p_adj"] = p_adj
    out["correction"] = [CORRECTIONS[method_by_family[f]] for f in family]
    return out
