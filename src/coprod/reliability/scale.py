"""Reliability of survey scales: Cronbach's alpha, McDonald's omega, item-total statistics.

Every function takes ``items``: a respondents x items matrix (NumPy array or DataFrame,
NaN = missing answer), all items keyed in the same direction. :func:`scale_reliability`
gathers the statistics of one scale in one record.

Decisions
---------
- Point estimates use every available pair of answers (the pairwise covariance matrix,
  as ``psych::alpha``); Feldt's interval uses the complete rows only, since it assumes
  them (``pingouin.cronbach_alpha(nan_policy="pairwise")`` gives a too narrow one).
- The bootstrap of alpha draws how many respondents of each answer pattern a resample
  holds (:mod:`coprod.reliability.resampling`); it needs an explicit ``seed``.
- Standardised statistics (standardised alpha, Guttman's lambda 6, average and median
  inter-item r, signal-to-noise) come from a correlation matrix R, which psych changed in
  version 2.4 (January 2024; ``R/alpha.R``: "need to actually find correlations to treat
  missing values correctly"). ``std_formula="2.4"`` (the default, what psych gives since)
  takes R = ``cor(x, use = "pairwise")``; ``"pre-2.4"`` takes R = ``cov2cor`` of the
  pairwise covariance matrix, as psych 2.2.9 (Debian's, the R cross-check's) does. They
  agree on complete data; raw alpha is the same in both (:data:`STD_FORMULAS`).
- Omega is omega total of a one-factor model of the items' pairwise correlations, with
  the observed total as denominator, as ``psych::omega(nfactors = 1)`` (minres by default,
  or ML: :mod:`coprod.reliability.factor`; :data:`OMEGA_METHOD`, which the records carry to
  Table 3). A scale of 2 items has none (the model is not identified). Omega hierarchical
  needs group factors: it is estimated over a block of scales
  (:func:`coprod.reliability.factor.omega`, :func:`block_omega`), never for one scale.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.factor import FM, Fm, omega, pairwise_correlations, smc
from coprod.reliability.inputs import as_matrix, check_bootstrap, check_ci, percentile_ci
from coprod.reliability.resampling import class_counts, multinomial_resamples, row_classes

STD_FORMULAS = ("2.4", "pre-2.4")
"""Which correlation matrix the standardised statistics use: psych 2.4's and later
(``cor(x, use = "pairwise")``, the default) or psych's before 2.4 (``cov2cor`` of the
pairwise covariances)."""

StdFormula = Literal["2.4", "pre-2.4"]

OMEGA_METHODS = {
    fm: (
        "McDonald's omega total of a one-factor "
        + {"minres": "minimum-residual", "ml": "maximum-likelihood"}[fm]
        + " model of the items' pairwise correlations, over their observed total "
        "(psych::omega)"
    )
    for fm in FM
}
OMEGA_METHOD = OMEGA_METHODS["minres"]
"""Which omega :func:`mcdonald_omega` computes by default, in the words a table's footnote
uses (:data:`OMEGA_METHODS`: per ``fm``)."""

NO_OMEGA_TOTAL = "not estimable: a one-factor model of fewer than 3 items is not identified"
NO_OMEGA_HIERARCHICAL = (
    "not estimable for one scale: its items measure one factor, so no general factor can "
    "be told apart from group factors; estimated over blocks of scales "
    "(reliability.omega.blocks)"
)


def _pairwise_cov(x: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Covariance matrix from pairwise-complete rows (R ``cov(x, use="pairwise")``).

    With ``weights`` (resamples x rows: how often each row is drawn), one matrix per
    resample, all from three matrix products.
    """
    n, k = x.shape
    observed = ~np.isnan(x)
    m = observed.astype(float)
    z = np.where(observed, x - np.nanmean(x, axis=0), 0.0)  # centring keeps sums small
    w = np.ones((1, n)) if weights is None else weights
    count = (w @ (m[:, :, None] * m[:, None, :]).reshape(n, k * k)).reshape(-1, k, k)
    # s[., i, j]: sum of item i over the rows where items i and j are both answered
    s = (w @ (z[:, :, None] * m[:, None, :]).reshape(n, k * k)).reshape(-1, k, k)
    products = (w @ (z[:, :, None] * z[:, None, :]).reshape(n, k * k)).reshape(-1, k, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (products - s * s.swapaxes(1, 2) / count) / (count - 1)
    return cov[0] if weights is None else cov


def _alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Raw alpha, k/(k-1) * (1 - trace(C)/sum(C)), for one or a stack of covariance matrices."""
    k = cov.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return k / (k - 1) * (1 - np.trace(cov, axis1=-2, axis2=-1) / cov.sum(axis=(-2, -1)))


def _cov_to_corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        return cov / np.outer(sd, sd)


def _std_corr(x: np.ndarray, cov: np.ndarray, std_formula: StdFormula) -> np.ndarray:
    """The correlation matrix of the standardised statistics (:data:`STD_FORMULAS`)."""
    if std_formula not in STD_FORMULAS:
        raise ValueError(f"std_formula must be one of {list(STD_FORMULAS)}; got {std_formula!r}")
    return _cov_to_corr(cov) if std_formula == "pre-2.4" else pairwise_correlations(x)


def _alpha_statistics(cov: np.ndarray, corr: np.ndarray) -> dict[str, float]:
    """psych's ``alpha.1`` (``R/alpha.R``): the statistics of one set of items from their
    covariance and correlation matrices."""
    k = cov.shape[0]
    total_r = corr.sum()
    average_r = (total_r - k) / (k * (k - 1))
    return {
        "alpha": float(_alpha_from_cov(cov)),
        "std_alpha": float((1 - k / total_r) * k / (k - 1)),
        "lambda6": float(1 - (k - smc(corr).sum()) / total_r),
        "average_r": float(average_r),
        "median_r": float(np.median(corr[np.tril_indices(k, -1)])),
        "signal_to_noise": float(k * average_r / (1 - average_r)),
    }


def _items(items: ArrayLike | pd.DataFrame, min_items: int = 2) -> np.ndarray:
    x = as_matrix(items, "items", "respondents", "items", 2, min_items)
    x = x[~np.isnan(x).all(axis=1)]  # respondents who answered nothing carry no information
    if x.shape[0] < 2:
        raise ValueError(f"items must have at least 2 respondents with an answer; got {x.shape[0]}")
    return x


def cronbach_alpha(
    items: ArrayLike | pd.DataFrame,
    *,
    ci: float = 0.95,
    n_boot: int | None = None,
    seed: int | None = None,
    std_formula: StdFormula = "2.4",
) -> dict[str, float | int | str]:
    """Cronbach's alpha with a confidence interval, and the scale statistics of
    ``psych::alpha``'s ``total`` line.

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        Item scores, all keyed in the same direction; NaN = missing answer.
    ci : float
        Confidence level of the interval.
    n_boot : int, optional
        If given, the interval is a percentile bootstrap over respondents with this many
        resamples (every resample recomputes the pairwise alpha, so it is defined on data
        with NaN). If None, the interval is Feldt's analytic interval.
    seed : int, optional
        Seed of the bootstrap; required when ``n_boot`` is given.
    std_formula : {"2.4", "pre-2.4"}
        The correlation matrix R of the standardised statistics: psych 2.4's (default)
        or psych's before (:data:`STD_FORMULAS`).

    Returns
    -------
    dict
        As ``psych::alpha(x)$total`` (Cronbach 1951; Guttman 1945; psych's ``alpha.1``):
        ``alpha``: raw alpha from the pairwise covariance matrix C (R
        ``cov(x, use="pairwise")``): k/(k-1) * (1 - tr C / sum C) (``raw_alpha``).
        ``std_alpha``: k/(k-1) * (1 - k / sum R) (``std.alpha``). ``lambda6``: Guttman's
        lambda 6, 1 - (k - sum smc(R)) / sum R (``G6(smc)``). ``average_r``, ``median_r``:
        mean and median of R's off-diagonal correlations. ``signal_to_noise``:
        k r / (1 - r) with r the average (``S/N``). ``mean``, ``sd``: of the respondents'
        mean item scores over the items they answered (``mean``, ``sd``).
        ``std_formula``. ``ci_low``, ``ci_high``, ``ci_method`` ("feldt" or "bootstrap").
        ``n``: respondents with at least one answer (used by the point estimates);
        ``n_complete``: respondents who answered every item; ``n_items``.

    Notes
    -----
    Missing data. The point estimates use every available pair of answers. Feldt's
    interval assumes n respondents who answered all k items, so it is computed on the
    complete rows (``n_complete``): alpha of those rows and F(n-1, (n-1)(k-1)) quantiles.
    ``pingouin.cronbach_alpha(nan_policy="pairwise")`` plugs all rows into the same
    formula, which overstates n and gives an interval that is too narrow. With complete
    data both intervals are the same.

    Examples
    --------
    >>> import numpy as np
    >>> items = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, np.nan]])
    >>> result = cronbach_alpha(items)
    >>> round(result["alpha"], 3), result["n"], result["n_complete"]
    (0.905, 5, 4)
    >>> boot = cronbach_alpha(items, n_boot=500, seed=1)
    >>> boot["ci_method"], bool(np.isfinite(boot["ci_low"]))
    ('bootstrap', True)
    """
    check_ci(ci)
    x = _items(items)
    cov = _pairwise_cov(x)
    return _alpha_record(x, cov, _std_corr(x, cov, std_formula), ci, n_boot, seed, std_formula)


def _alpha_record(
    x: np.ndarray,
    cov: np.ndarray,
    corr: np.ndarray,
    ci: float,
    n_boot: int | None,
    seed: int | None,
    std_formula: StdFormula,
) -> dict[str, float | int | str]:
    """:func:`cronbach_alpha` of the checked items ``x`` (:func:`_items`), given their
    pairwise covariances ``cov`` and the correlations ``corr`` of ``std_formula``."""
    n, k = x.shape
    statistics = _alpha_statistics(cov, corr)
    complete = x[~np.isnan(x).any(axis=1)]
    if n_boot is None:
        method = "feldt"
        low = high = np.nan
        if complete.shape[0] >= 2:
            alpha_complete = _alpha_from_cov(_pairwise_cov(complete))
            df1 = complete.shape[0] - 1
            df2 = df1 * (k - 1)
            low = 1 - (1 - alpha_complete) * stats.f.ppf((1 + ci) / 2, df1, df2)
            high = 1 - (1 - alpha_complete) * stats.f.ppf((1 - ci) / 2, df1, df2)
    else:
        check_bootstrap(n_boot, seed)
        method = "bootstrap"
        patterns, pattern_of_row = row_classes(x)
        drawn = multinomial_resamples(
            class_counts(pattern_of_row, len(patterns)), n_boot, np.random.default_rng(seed)
        )
        boot = _alpha_from_cov(_pairwise_cov(patterns, drawn.astype(float)))
        low, high = percentile_ci(boot, ci)
    person_means = np.nanmean(x, axis=1)
    return {
        **statistics,
        "mean": float(person_means.mean()),
        "sd": float(person_means.std(ddof=1)),
        "std_formula": std_formula,
        "ci_low": float(low),
        "ci_high": float(high),
        "ci_method": method,
        "n": n,
        "n_complete": int(complete.shape[0]),
        "n_items": k,
    }


def mcdonald_omega_from_corr(corr: ArrayLike | pd.DataFrame, *, fm: Fm = "minres") -> float:
    """McDonald's omega total from a correlation matrix, as ``psych::omega(r, nfactors = 1,
    fm = fm)$omega.tot``.

    Parameters
    ----------
    corr : array-like or DataFrame, items x items
        Correlation matrix of at least 3 items (symmetric, unit diagonal).
    fm : {"minres", "ml"}
        The factor extraction (:data:`coprod.reliability.factor.FM`; psych's default is
        minres).

    Returns
    -------
    float
        omega = (sum R - sum u) / sum R, with uniquenesses u of a one-factor model and the
        observed total sum R as denominator (McDonald 1999; ``psych::omega``): the
        reliability of the unit-weighted sum of the standardised items. With a model that
        fits exactly (3 items always do) this is (sum l)^2 / ((sum l)^2 + sum u).

    Notes
    -----
    The sign of a factor is arbitrary, so loadings are flipped to a positive sum. Items
    that still load negatively are reversed before omega is computed (psych's
    ``flip = TRUE``), and a UserWarning says which ones: they are keyed against the
    others, and the scale should be scored with them reversed.

    Examples
    --------
    >>> import numpy as np
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> corr = np.outer(loadings, loadings)
    >>> np.fill_diagonal(corr, 1.0)
    >>> round(mcdonald_omega_from_corr(corr), 4)
    0.7494
    """
    return _omega_total(corr, fm, stacklevel=3)


def _omega_total(corr: ArrayLike | pd.DataFrame, fm: Fm, stacklevel: int) -> float:
    """:func:`mcdonald_omega_from_corr`, warning ``stacklevel`` frames up (the caller of
    the public function that called this one)."""
    result = omega(corr, 1, fm=fm)
    if result["flipped"]:
        warnings.warn(
            f"items at positions {result['flipped']} load negatively on the common factor; "
            "reverse-key them before computing omega",
            UserWarning,
            stacklevel=stacklevel,
        )
    return result["omega_total"]


def mcdonald_omega(items: ArrayLike | pd.DataFrame, *, fm: Fm = "minres") -> float:
    """McDonald's omega total of a scale from raw item scores (``psych::omega(x,
    nfactors = 1, fm = fm)$omega.tot``).

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        At least 3 items; NaN = missing answer.
    fm : {"minres", "ml"}
        The factor extraction.

    Returns
    -------
    float
        :func:`mcdonald_omega_from_corr` of the items' pairwise correlations (R
        ``cor(x, use = "pairwise")``, as psych::omega on raw data). A one-factor model
        needs at least 3 items to be identified.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> factor = rng.normal(size=(300, 1))
    >>> items = factor * [0.8, 0.7, 0.6] + rng.normal(size=(300, 3)) * [0.6, 0.7, 0.8]
    >>> 0.6 < mcdonald_omega(items) < 0.85
    True
    """
    return _omega_total(pairwise_correlations(_items(items, min_items=3)), fm, stacklevel=3)


def block_omega(
    items: pd.DataFrame, scales: dict[str, list[str]], *, fm: Fm = "minres"
) -> dict[str, float | int | str]:
    """Omega hierarchical and omega total of a block of scales, each scale a group factor:
    ``psych::omega(x, nfactors = len(scales), fm = fm)`` on the block's items.

    Parameters
    ----------
    items : DataFrame, respondents x items
        Holds every item of ``scales``; NaN = missing answer.
    scales : dict
        Scale id -> its item columns. At least 2 scales (2 group factors: psych sets
        the general loadings equal, ``option = "equal"``, as the general factor of 2
        correlated factors is not identified otherwise).
    fm : {"minres", "ml"}

    Returns
    -------
    dict
        ``omega_hierarchical``, ``omega_total`` (:func:`coprod.reliability.factor.omega`
        of the block's pairwise correlations), ``n_factors`` (the scales), ``n_items``,
        ``n`` (respondents with an answer in the block), ``fm``, ``flipped`` (items
        reversed for a negative general loading, comma-separated).

    Notes
    -----
    The group factors are exploratory (oblimin-rotated, one per scale in number), as in
    psych::omega; they are not constrained to the scales' items.
    """
    if len(scales) < 2:
        raise ValueError(f"a block needs at least 2 scales; got {list(scales)}")
    columns = [column for columns in scales.values() for column in columns]
    x = _items(items[columns], min_items=3)
    result = omega(pairwise_correlations(x), len(scales), fm=fm)
    return {
        "omega_hierarchical": result["omega_hierarchical"],
        "omega_total": result["omega_total"],
        "n_factors": len(scales),
        "n_items": len(columns),
        "n": int(x.shape[0]),
        "fm": fm,
        "flipped": ", ".join(columns[i] for i in result["flipped"]),
    }


DROPPED = ("alpha", "std_alpha", "lambda6", "average_r", "median_r", "signal_to_noise")
"""The statistics of the other items that :func:`item_total` gives per item."""


def _corrected_item_total_r(cov: np.ndarray) -> np.ndarray:
    """Per item, its correlation with the sum of the other items, from the items'
    covariance matrix ``cov`` (psych's ``r.drop``)."""
    k = cov.shape[0]
    r_drop = np.empty(k)
    for i in range(k):
        rest = np.delete(np.arange(k), i)
        with np.errstate(divide="ignore", invalid="ignore"):
            r_drop[i] = cov[i, rest].sum() / np.sqrt(cov[i, i] * cov[np.ix_(rest, rest)].sum())
    return r_drop


def item_total(items: ArrayLike | pd.DataFrame, *, std_formula: StdFormula = "2.4") -> pd.DataFrame:
    """Corrected item-total correlation and the scale's statistics if the item is dropped,
    per item (``psych::alpha``'s ``item.stats$r.drop`` and ``alpha.drop``).

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        NaN = missing answer.
    std_formula : {"2.4", "pre-2.4"}
        The correlation matrix of the standardised statistics (:data:`STD_FORMULAS`).

    Returns
    -------
    DataFrame
        One row per item (the DataFrame's column labels, else positions 0..k-1), columns
        ``corrected_item_total_r`` (correlation of the item with the sum of the other items,
        psych's ``r.drop``, from C) and, of the other items (:func:`cronbach_alpha`'s
        statistics without the item, psych's ``alpha.drop``): ``alpha_if_deleted`` (raw),
        ``std_alpha_if_deleted``, ``lambda6_if_deleted``, ``average_r_if_deleted``,
        ``median_r_if_deleted``, ``signal_to_noise_if_deleted``. These are NaN for a
        2-item scale: one item has no alpha (psych prints other quantities there, e.g.
        C12/C22 as its raw alpha).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 3, 3, 5, 4], "c": [2, 3, 4, 4, 2]})
    >>> item_total(items)[["corrected_item_total_r", "alpha_if_deleted"]].round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
          corrected_item_total_r  alpha_if_deleted
    item
    a                       0.61              0.61
    b                       0.88              0.25
    c                       0.29              0.88
    """
    x = _items(items)
    k = x.shape[1]
    cov = _pairwise_cov(x)
    corr = _std_corr(x, cov, std_formula)
    dropped = {name: np.full(k, np.nan) for name in DROPPED}
    if k > 2:
        for i in range(k):
            rest = np.delete(np.arange(k), i)
            rest_cov, rest_corr = cov[np.ix_(rest, rest)], corr[np.ix_(rest, rest)]
            for name, value in _alpha_statistics(rest_cov, rest_corr).items():
                dropped[name][i] = value
    index = items.columns if isinstance(items, pd.DataFrame) else pd.RangeIndex(k)
    return pd.DataFrame(
        {
            "corrected_item_total_r": _corrected_item_total_r(cov),
            **{f"{name}_if_deleted": values for name, values in dropped.items()},
        },
        index=pd.Index(index, name="item"),
    )


def scale_reliability(
    items: ArrayLike | pd.DataFrame,
    *,
    threshold: float = 0.70,
    ci: float = 0.95,
    n_boot: int | None = None,
    seed: int | None = None,
    std_formula: StdFormula = "2.4",
    fm: Fm = "minres",
) -> dict[str, float | int | str | bool]:
    """All reliability statistics of one scale in one tidy record.

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        NaN = missing answer.
    threshold : float
        ``flag_below_threshold`` is True when raw alpha is below this value.
    ci, n_boot, seed, std_formula
        Passed to :func:`cronbach_alpha`.
    fm : {"minres", "ml"}
        Factor extraction of omega (:func:`mcdonald_omega`).

    Returns
    -------
    dict
        The fields of :func:`cronbach_alpha`; ``omega`` (omega total; NaN for fewer
        than 3 items), ``omega_method`` (:data:`OMEGA_METHODS`, or why there is no omega),
        ``omega_hierarchical`` (always NaN for one scale) and
        ``omega_hierarchical_reason`` (why: :data:`NO_OMEGA_HIERARCHICAL`),
        ``min_item_total_r``, ``flag_below_threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> items = rng.normal(size=(200, 1)) + rng.normal(size=(200, 4))
    >>> record = scale_reliability(items)
    >>> record["n_items"], record["flag_below_threshold"]
    (4, False)
    """
    # the same statistics as cronbach_alpha, mcdonald_omega and item_total, with the items
    # checked and their covariances and correlations computed once for all three
    check_ci(ci)
    x = _items(items)
    cov = _pairwise_cov(x)
    corr = pairwise_correlations(x)
    std_corr = corr if std_formula == "2.4" else _std_corr(x, cov, std_formula)
    alpha = _alpha_record(x, cov, std_corr, ci, n_boot, seed, std_formula)
    identified = alpha["n_items"] >= 3
    return {
        **alpha,
        "omega": _omega_total(corr, fm, stacklevel=3) if identified else np.nan,
        "omega_method": OMEGA_METHODS[fm] if identified else NO_OMEGA_TOTAL,
        "omega_hierarchical": np.nan,
        "omega_hierarchical_reason": NO_OMEGA_HIERARCHICAL,
        "min_item_total_r": float(pd.Series(_corrected_item_total_r(cov)).min()),  # skips NaN
        "flag_below_threshold": bool(alpha["alpha"] < threshold),
    }
