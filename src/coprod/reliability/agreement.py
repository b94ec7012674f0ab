"""Agreement between coders or raters: Cohen's and Fleiss' kappa, percent agreement, ICC.

:func:`fleiss_kappa`, :func:`percent_agreement` and :func:`prevalence` take ``ratings``:
**rows are units, columns are coders** (the layout of R's irr and irrCAC), numeric codes,
NaN = not coded. :func:`cohen_kappa` takes the two coders' vectors. :func:`icc` takes a
targets x raters matrix. Gwet's AC1/AC2, Conger's kappa and Brennan–Prediger, and every
coefficient's standard error, are in :mod:`coprod.reliability.chance_corrected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.chance_corrected import (
    Weights,
    agreement_coefficient,
    agreement_weights,
    categories_of,
    sampling_fraction,
    t_interval,
)
from coprod.reliability.icc_anova import icc_anova
from coprod.reliability.inputs import as_vector, check_ci, ratings_matrix


def _weights_on_ranks(q: int, weights: str | None) -> np.ndarray:
    """irr's weights: categories spaced one rank apart (``irr::kappa2``)."""
    if weights is None:
        return np.eye(q)
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    return agreement_weights(np.arange(q), weights)


def cohen_kappa(
    r1: ArrayLike | pd.Series,
    r2: ArrayLike | pd.Series,
    weights: Literal["linear", "quadratic"] | None = None,
    labels: Sequence[float] | None = None,
    *,
    ci: float = 0.95,
    interval: Literal["t", "normal"] = "t",
    population: float = np.inf,
) -> dict[str, float | int]:
    """Cohen's kappa (unweighted or weighted) of two coders, with its standard error.

    Kappa: Cohen (1960), weighted kappa: Cohen (1968). The standard error is the large-
    sample (non-null) one of Fleiss, Cohen & Everitt (1969), *Psychological Bulletin*
    72:323–327 (weighted; unweighted with identity weights), which R ``irrCAC::kappa2.table``,
    SAS PROC FREQ (``ASE``) and ``psych::cohen.kappa`` report. The z test of kappa = 0 uses
    the variance under independence (Fleiss, Cohen & Everitt 1969), as
    ``irr::kappa2`` prints it.

    Parameters
    ----------
    r1, r2 : array-like or Series
        The two coders' numeric codes, one per unit; units missing either code are dropped.
    weights : {None, "linear", "quadratic"}
        Agreement weights 1 - |i-j|/(q-1) ("linear", irr "equal") or
        1 - (i-j)^2/(q-1)^2 ("quadratic", irr "squared") between category ranks i, j.
    labels : sequence of numbers, optional
        All categories coders could use. Categories are spaced one rank apart: by default
        over the categories observed in either coder (R ``irr::kappa2`` and
        ``sklearn.metrics.cohen_kappa_score`` without ``labels``), so an unused category
        does not widen the distances; with ``labels`` over the full, numerically sorted
        label set. Unweighted kappa does not depend on ``labels``.
    ci : float
        Confidence level of the interval.
    interval : {"t", "normal"}
        kappa -/+ quantile * se with the t quantile on n - 1 df and the upper bound capped
        at 1 (``irrCAC::kappa2.table``, the default), or the normal quantile (SAS PROC FREQ,
        ``psych::cohen.kappa``; also capped at 1).
    population : float
        Units in the population: the variance is multiplied by 1 - n / population (irrCAC's
        ``N``; default infinite).

    Returns
    -------
    dict
        ``kappa``; ``se`` and the interval ``ci_low``, ``ci_high``; ``z`` and ``p_z``
        (two-sided) of the test of kappa = 0 with the variance under independence, as
        ``irr::kappa2`` prints them; ``n_units``. NaN when chance agreement is 1 (a single
        category in use).

    Notes
    -----
    ``irr::kappa2`` sorts numeric codes as text, so its weighted kappa differs from this
    one on scales with codes of 10 or more; here categories are sorted numerically.

    Examples
    --------
    >>> result = cohen_kappa([1, 2, 3, 3, 2, 1], [1, 2, 3, 2, 2, 1])
    >>> round(result["kappa"], 3), round(result["z"], 2)
    (0.75, 2.71)
    """
    check_ci(ci)
    if interval not in ("t", "normal"):
        raise ValueError(f"interval must be 't' or 'normal'; got {interval!r}")
    a, b = as_vector(r1, "r1"), as_vector(r2, "r2")
    if a.shape != b.shape:
        raise ValueError(
            f"r1 and r2 must hold one code per unit each; got {a.size} and {b.size} codes"
        )
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    if a.size == 0:
        raise ValueError("r1 and r2 have no unit coded by both coders")
    categories = categories_of(np.concatenate([a, b]), labels)
    q, n = categories.size, a.size
    f = sampling_fraction(population, n)
    table = np.zeros((q, q))
    np.add.at(table, (np.searchsorted(categories, a), np.searchsorted(categories, b)), 1.0)
    p = table / n
    w = _weights_on_ranks(q, weights)
    row, col = p.sum(axis=1), p.sum(axis=0)
    chance = np.outer(row, col)
    p_observed, p_chance = (w * p).sum(), (w * chance).sum()
    row_w, col_w = w @ col, row @ w  # weighted marginals: w-bar_i. and w-bar_.j
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_observed - p_chance) / (1 - p_chance)
        spread = w - row_w[:, None] - col_w[None, :]
        null_variance = ((chance * spread**2).sum() - p_chance**2) / (n * (1 - p_chance) ** 2)
        # A variance of zero up to rounding (each coder used one category) leaves no test.
        z = kappa / np.sqrt(null_variance) if null_variance > 1e-12 else np.nan
        deviation = w - (row_w[:, None] + col_w[None, :]) * (1 - kappa)
        variance = ((p * deviation**2).sum() - (kappa - p_chance * (1 - kappa)) ** 2) / (
            n * (1 - p_chance) ** 2
        )
        se = np.sqrt(max(variance, 0.0) * (1 - f))
    if interval == "t":
        bounds = t_interval(float(kappa), float(se), n, ci)
        low, high = bounds["ci_low"], bounds["ci_high"]
    else:
        half = se * stats.norm.ppf(1 - (1 - ci) / 2)
        low, high = float(kappa - half), float(min(1.0, kappa + half))
    return {
        "kappa": float(kappa),
        "se": float(se),
        "ci_low": low,
        "ci_high": high,
        "z": float(z),
        "p_z": float(2 * stats.norm.sf(abs(z))),
        "n_units": n,
    }


def fleiss_kappa(
    ratings: ArrayLike | pd.DataFrame,
    weights: Weights | str = "identity",
    *,
    labels: Sequence[float] | None = None,
    ci: float = 0.95,
    population: float = np.inf,
) -> dict[str, float | int | str]:
    """Fleiss' kappa for two or more coders, weighted or not, allowing missing codes.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; numeric codes, NaN = not coded.
    weights, labels, ci, population
        As :func:`coprod.reliability.chance_corrected.agreement_coefficient`.

    Returns
    -------
    dict
        The fields of :func:`~coprod.reliability.chance_corrected.agreement_coefficient`:
        ``estimate`` = (pa - pe) / (1 - pe) with pe = sum w_kl pi_k pi_l, Gwet's
        generalisation (Gwet 2014, chapter 2; weighted: chapter 3) of Fleiss
        (1971) that R ``irrCAC::fleiss.kappa.raw`` computes, with its standard error and
        interval (Gwet 2014, chapter 5); it equals ``irr::kappam.fleiss`` when every unit
        has the same number of codes. ``z`` and ``p_z`` test kappa = 0 with the null
        variance of Fleiss (1971), as ``irr::kappam.fleiss`` (irr >= 0.6) prints them; they
        need unweighted kappa and the same number of codes on every unit, NaN otherwise.

    Examples
    --------
    >>> ratings = [[1, 1, 1], [1, 2, 2], [2, 2, 2], [3, 3, 3], [1, 1, 3]]
    >>> round(fleiss_kappa(ratings)["estimate"], 3)
    0.595
    """
    record = agreement_coefficient(
        ratings, "fleiss", weights=weights, labels=labels, ci=ci, population=population
    )
    x = ratings_matrix(ratings)
    counts = (x[:, :, None] == categories_of(x, labels)).sum(axis=1).astype(float)
    counts = counts[counts.sum(axis=1) >= 1]
    r = counts.sum(axis=1)
    z = np.nan
    if weights == "identity" and np.all(r == r[0]) and r[0] >= 2:
        share = (counts / r[:, None]).mean(axis=0)
        pq = share * (1 - share)
        m, n = r[0], counts.shape[0]
        spread = pq.sum() ** 2 - (pq * (1 - 2 * share)).sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = record["estimate"] / np.sqrt(2 / (n * m * (m - 1)) * spread / pq.sum() ** 2)
    return {**record, "z": float(z), "p_z": float(2 * stats.norm.sf(abs(z)))}


def percent_agreement(
    ratings: ArrayLike | pd.DataFrame, weights: Weights | str = "identity"
) -> float:
    """Share of agreeing coder pairs, averaged over units coded by 2+ coders.

    With two coders, the share of units both coded the same way; with weights, the
    weighted share (Gwet 2014, chapter 3). R ``irrCAC::pa.coeff.raw``'s ``pa``; its
    standard error and interval: ``agreement_coefficient(ratings, "percent")``.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; NaN = not coded.
    weights : str
        One of :data:`coprod.reliability.chance_corrected.WEIGHTS`.

    Examples
    --------
    >>> percent_agreement([[1, 1], [0, 1], [0, 0], [1, float("nan")]])
    0.6666666666666666
    """
    return float(agreement_coefficient(ratings, "percent", weights=weights)["pa"])


def prevalence(ratings: ArrayLike | pd.DataFrame, positive: float = 1) -> float:
    """Share of all codes given (NaN excluded) that equal ``positive``.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; NaN = not coded.
    positive : number
        The code whose share is wanted (1 = present for presence codes).

    Examples
    --------
    >>> prevalence([[1, 1], [0, 1], [0, 0], [1, float("nan")]])
    0.5714285714285714
    """
    x = ratings_matrix(ratings)
    codes = x[~np.isnan(x)]
    if codes.size == 0:
        raise ValueError("ratings contain no code (all values are NaN)")
    return float(np.mean(codes == positive))


def icc(ratings: ArrayLike | pd.DataFrame, *, ci: float = 0.95) -> pd.DataFrame:
    """Intraclass correlations ICC(1), ICC(2), ICC(3), single and average (Shrout & Fleiss 1979).

    Parameters
    ----------
    ratings : array-like or DataFrame, targets x raters
        Rows are targets, columns are raters. Targets missing any rating are dropped
        (the ANOVA estimators need a complete table).
    ci : float
        Confidence level of the F-based intervals (Shrout & Fleiss 1979, McGraw & Wong
        1996), as ``psych::ICC`` and ``pingouin.intraclass_corr`` compute them.

    Returns
    -------
    DataFrame
        Index ``type``: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k (psych's names). Columns
        ``model`` (McGraw & Wong's names, as pingouin prints them), ``icc``, ``F``, ``df1``,
        ``df2``, ``p``, ``ci_low``, ``ci_high``.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: 6 targets, 4 judges.

    >>> table = icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...              [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> table["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    # Written here rather than wrapping pingouin.intraclass_corr: pingouin 0.7 fixes the
    # interval at 95% and rounds it to 2 decimals, and takes long data only. A test pins
    # this function to pingouin's estimates, F and p (and its CI to its rounding).
    check_ci(ci)
    anova = icc_anova(ratings)  # the mean squares, checked against psych::ICC
    n, k = int(anova.at["targets", "df"]) + 1, int(anova.at["raters", "df"]) + 1
    bms, jms, ems, wms = anova["mean_sq"]
    df1, df2_one_way, df2_two_way = n - 1, n * (k - 1), (n - 1) * (k - 1)
    q = (1 + ci) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (bms - wms) / (bms + (k - 1) * wms)
        icc2 = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
        icc3 = (bms - ems) / (bms + (k - 1) * ems)
        f1, f3 = bms / wms, bms / ems
        p1, p3 = stats.f.sf(f1, df1, df2_one_way), stats.f.sf(f3, df1, df2_two_way)
        f1_low = f1 / stats.f.ppf(q, df1, df2_one_way)
        f1_high = f1 * stats.f.ppf(q, df2_one_way, df1)
        f3_low = f3 / stats.f.ppf(q, df1, df2_two_way)
        f3_high = f3 * stats.f.ppf(q, df2_two_way, df1)
        fj = jms / ems
        v = (df2_two_way * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2) / (
            df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        )
        f2_high, f2_low = stats.f.ppf(q, df1, v), stats.f.ppf(q, v, df1)
        spread = k * jms + (k * n - k - n) * ems
        icc2_low = n * (bms - f2_high * ems) / (f2_high * spread + n * bms)
        icc2_high = n * (f2_low * bms - ems) / (spread + n * f2_low * bms)
        table = pd.DataFrame(
            {
                "model": ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"],
                "icc": [
                    icc1,
                    icc2,
                    icc3,
                    (bms - wms) / bms,
                    (bms - ems) / (bms + (jms - ems) / n),
                    (bms - ems) / bms,
                ],
                "F": [f1, f3, f3, f1, f3, f3],
                "df1": df1,
                "df2": [df2_one_way, df2_two_way, df2_two_way] * 2,
                "p": [p1, p3, p3, p1, p3, p3],
                "ci_low": [
                    (f1_low - 1) / (f1_low + k - 1),
                    icc2_low,
                    (f3_low - 1) / (f3_low + k - 1),
                    1 - 1 / f1_low,
                    icc2_low * k / (1 + icc2_low * (k - 1)),
                    1 - 1 / f3_low,
                ],
                "ci_high": [
                    (f1_high - 1) / (f1_high + k - 1),
                    icc2_high,
                    (f3_high - 1) / (f3_high + k - 1),
                    1 - 1 / f1_high,
                    icc2_high * k / (1 + icc2_high * (k - 1)),
                    1 - 1 / f3_high,
                ],
            },
            index=pd.Index(["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"], name="type"),
        )
    return table
