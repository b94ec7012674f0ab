"""Agreement between coders or raters: Cohen's and Fleiss' kappa, Gwet's AC1, ICC.

:func:`fleiss_kappa`, :func:`gwet_ac1`, :func:`percent_agreement` and :func:`prevalence`
take ``ratings``: **rows are units, columns are coders** (the layout of R's irr and
irrCAC), numeric codes, NaN = not coded. :func:`cohen_kappa` takes the two coders'
vectors. :func:`icc` takes a targets x raters matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.inputs import as_matrix, as_vector, check_ci, ratings_matrix


def _categories(codes: np.ndarray, labels: Sequence[float] | None) -> np.ndarray:
    """Sorted categories: the observed codes, or ``labels`` (which must contain them all)."""
    observed = np.unique(codes[~np.isnan(codes)])
    if labels is None:
        return observed
    categories = np.unique(as_vector(labels, "labels"))
    if np.isnan(categories).any():
        raise ValueError("labels must not contain NaN")
    unknown = np.setdiff1d(observed, categories)
    if unknown.size:
        raise ValueError(f"codes {unknown.tolist()} are not among labels {categories.tolist()}")
    return categories


def _category_counts(
    x: np.ndarray, labels: Sequence[float] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Units (with a code) x categories: how many coders gave each unit each category."""
    categories = _categories(x, labels)
    counts = (x[:, :, None] == categories).sum(axis=1).astype(float)
    return counts[counts.sum(axis=1) >= 1], categories


def _observed_agreement(counts: np.ndarray) -> float:
    """Share of agreeing coder pairs per unit, averaged over units with 2+ codes (irrCAC pa)."""
    r = counts.sum(axis=1)
    pairable = r >= 2
    if not pairable.any():
        raise ValueError("ratings have no unit coded by two or more coders")
    c, r = counts[pairable], r[pairable]
    return float(np.mean((c * (c - 1)).sum(axis=1) / (r * (r - 1))))


def _agreement_weights(q: int, weights: str | None) -> np.ndarray:
    if weights is None:
        return np.eye(q)
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    if q == 1:
        return np.ones((1, 1))
    distance = np.abs(np.subtract.outer(np.arange(q), np.arange(q))) / (q - 1)
    return 1 - distance if weights == "linear" else 1 - distance**2


def cohen_kappa(
    r1: ArrayLike | pd.Series,
    r2: ArrayLike | pd.Series,
    weights: Literal["linear", "quadratic"] | None = None,
    labels: Sequence[float] | None = None,
) -> dict[str, float | int]:
    """Cohen's kappa (unweighted or weighted) of two coders, with R irr's z test.

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

    Returns
    -------
    dict
        ``kappa``; ``z`` and ``p`` (two-sided) of the test of kappa = 0 with the variance
        under independence (Fleiss, Cohen & Everitt 1969), as ``irr::kappa2`` prints them;
        ``n_units``. NaN when chance agreement is 1 (a single category in use).

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
    a, b = as_vector(r1, "r1"), as_vector(r2, "r2")
    if a.shape != b.shape:
        raise ValueError(
            f"r1 and r2 must hold one code per unit each; got {a.size} and {b.size} codes"
        )
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    if a.size == 0:
        raise ValueError("r1 and r2 have no unit coded by both coders")
    categories = _categories(np.concatenate([a, b]), labels)
    q, n = categories.size, a.size
    table = np.zeros((q, q))
    np.add.at(table, (np.searchsorted(categories, a), np.searchsorted(categories, b)), 1.0)
    p = table / n
    w = _agreement_weights(q, weights)
    row, col = p.sum(axis=1), p.sum(axis=0)
    chance = np.outer(row, col)
    p_observed, p_chance = (w * p).sum(), (w * chance).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_observed - p_chance) / (1 - p_chance)
        spread = w - (w @ col)[:, None] - (row @ w)[None, :]
        variance = ((chance * spread**2).sum() - p_chance**2) / (n * (1 - p_chance) ** 2)
        # A variance of zero up to rounding (each coder used one category) leaves no test.
        z = kappa / np.sqrt(variance) if variance > 1e-12 else np.nan
    return {
        "kappa": float(kappa),
        "z": float(z),
        "p": float(2 * stats.norm.sf(abs(z))),
        "n_units": n,
    }


def fleiss_kappa(ratings: ArrayLike | pd.DataFrame) -> dict[str, float | int]:
    """Fleiss' kappa for two or more coders, allowing missing codes.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; numeric codes, NaN = not coded.

    Returns
    -------
    dict
        ``kappa`` = (pa - pe) / (1 - pe), with pa the share of agreeing coder pairs
        averaged over units coded 2+ times and pe = sum of squared category shares
        (each unit's shares averaged over units with a code): Gwet's generalisation used
        by irrCAC ``fleiss.kappa.raw``, equal to Fleiss (1971) and ``irr::kappam.fleiss``
        when every unit has the same number of codes. ``z`` and ``p`` test kappa = 0 with
        the null variance of Fleiss (1971), as ``irr::kappam.fleiss`` (irr >= 0.6) prints
        them; they need the same number of codes on every unit and are NaN otherwise.
        ``n_units``: units coded 2+ times.

    Examples
    --------
    >>> ratings = [[1, 1, 1], [1, 2, 2], [2, 2, 2], [3, 3, 3], [1, 1, 3]]
    >>> round(fleiss_kappa(ratings)["kappa"], 3)
    0.595
    """
    counts, _ = _category_counts(ratings_matrix(ratings), None)
    pa = _observed_agreement(counts)
    r = counts.sum(axis=1)
    share = (counts / r[:, None]).mean(axis=0)
    pq = share * (1 - share)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (pa - (share**2).sum()) / pq.sum()
        z = np.nan
        if np.all(r == r[0]):
            m, n = r[0], counts.shape[0]
            spread = pq.sum() ** 2 - (pq * (1 - 2 * share)).sum()
            z = kappa / np.sqrt(2 / (n * m * (m - 1)) * spread / pq.sum() ** 2)
    return {
        "kappa": float(kappa),
        "z": float(z),
        "p": float(2 * stats.norm.sf(abs(z))),
        "n_units": int(np.count_nonzero(r >= 2)),
    }


def gwet_ac1(
    ratings: ArrayLike | pd.DataFrame, labels: Sequence[float] | None = None
) -> dict[str, float | int]:
    """Gwet's AC1 for two or more coders, allowing missing codes.

    Written here because irrCAC 0.4.4 (Python) pins pandas<3 and gives wrong AC1 on
    pandas 3. Follows Gwet (2008) and R irrCAC ``gwet.ac1.raw``.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; numeric codes, NaN = not coded.
    labels : sequence of numbers, optional
        All categories coders could use. AC1 depends on their number q; by default q is
        the number of categories observed. Pass e.g. ``labels=(0, 1)`` for presence codes.

    Returns
    -------
    dict
        ``ac1`` = (pa - pe) / (1 - pe) with pa as in :func:`percent_agreement` and
        pe = sum(pi_k (1 - pi_k)) / (q - 1), pi_k the share of category k averaged over
        units with a code; ``pa``, ``pe``, ``n_units`` (units coded 2+ times).
        NaN when q < 2.

    Examples
    --------
    >>> ratings = [[1, 1], [1, 1], [1, 1], [1, 0], [0, 0]]
    >>> round(gwet_ac1(ratings)["ac1"], 3)
    0.655
    """
    counts, categories = _category_counts(ratings_matrix(ratings), labels)
    q = categories.size
    pa = _observed_agreement(counts)
    share = (counts / counts.sum(axis=1)[:, None]).mean(axis=0)
    pe = (share * (1 - share)).sum() / (q - 1) if q >= 2 else np.nan
    return {
        "ac1": float((pa - pe) / (1 - pe)),
        "pa": pa,
        "pe": float(pe),
        "n_units": int(np.count_nonzero(counts.sum(axis=1) >= 2)),
    }


def percent_agreement(ratings: ArrayLike | pd.DataFrame) -> float:
    """Share of agreeing coder pairs, averaged over units coded by 2+ coders.

    With two coders, the share of units both coded the same way (irrCAC ``pa.coeff.raw``).

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; NaN = not coded.

    Examples
    --------
    >>> percent_agreement([[1, 1], [0, 1], [0, 0], [1, float("nan")]])
    0.6666666666666666
    """
    return _observed_agreement(_category_counts(ratings_matrix(ratings), None)[0])


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
    x = as_matrix(
        ratings, "ratings", "targets", "raters", 2, 2, " (rows are targets, columns are raters)"
    )
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2:
        raise ValueError(f"ratings must have at least 2 targets rated by every rater; got {n}")
    grand = x.mean()
    ss_targets = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_error = ((x - grand) ** 2).sum() - ss_targets - ss_raters
    bms, jms = ss_targets / (n - 1), ss_raters / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_raters + ss_error) / (n * (k - 1))
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
