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
- Omega is omega total of a one-factor maximum-likelihood model, unrotated (one factor),
  with the model-implied total variance as denominator (:data:`OMEGA_METHOD`, which the
  records carry to Table 3); scales of 2 items have none (the model is not identified).
  Pinned to ``psych::fa(fm = "ml")`` on the bundled study (tests/test_reliability.py).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.inputs import as_matrix, check_bootstrap, check_ci, percentile_ci
from coprod.reliability.resampling import class_counts, multinomial_resamples, row_classes

OMEGA_METHOD = (
    "McDonald's omega total of a one-factor maximum-likelihood model (no rotation) of the "
    "items' correlations (pairwise), over the model-implied total variance"
)
"""Which omega :func:`mcdonald_omega` computes, in the words a table's footnote uses."""

# statsmodels' Factor is imported inside the function that uses it: Snakemake starts a
# fresh interpreter for every job, and not every job fits a factor model.


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
) -> dict[str, float | int | str]:
    """Cronbach's alpha (raw and standardised) with a confidence interval.

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

    Returns
    -------
    dict
        ``alpha``: raw alpha from the pairwise covariance matrix C (R
        ``cov(x, use="pairwise")``, as ``psych::alpha``): k/(k-1) * (1 - tr C / sum C).
        ``std_alpha``: standardised alpha k*r/(1 + (k-1)*r) with r the average inter-item
        correlation of ``cov2cor(C)``. ``average_r``: that r.
        ``ci_low``, ``ci_high``, ``ci_method`` ("feldt" or "bootstrap").
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

    Standardised alpha. ``psych::alpha`` changed on 2024-01-15: before, r came from
    ``cov2cor`` of the pairwise covariance matrix (the formula implemented here, equal to
    psych's pre-2024 ``std.alpha`` and ``average_r``); since, from
    ``cor(x, use="pairwise")``, whose correlations use pairwise standard deviations.
    The two agree on complete data. Raw alpha is the same in both.

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
    n, k = x.shape
    cov = _pairwise_cov(x)
    corr = _cov_to_corr(cov)
    average_r = (corr.sum() - k) / (k * (k - 1))
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
    return {
        "alpha": float(_alpha_from_cov(cov)),
        "std_alpha": float(k * average_r / (1 + (k - 1) * average_r)),
        "average_r": float(average_r),
        "ci_low": float(low),
        "ci_high": float(high),
        "ci_method": method,
        "n": n,
        "n_complete": int(complete.shape[0]),
        "n_items": k,
    }


def mcdonald_omega_from_corr(corr: ArrayLike | pd.DataFrame) -> float:
    """McDonald's omega total from a correlation matrix, via a one-factor ML model.

    Parameters
    ----------
    corr : array-like or DataFrame, items x items
        Correlation matrix of at least 3 items (symmetric, unit diagonal, positive definite).

    Returns
    -------
    float
        omega = (sum l)^2 / ((sum l)^2 + sum u), with loadings l and uniquenesses u of a
        one-factor maximum-likelihood model (``statsmodels`` ``Factor(method="ml")``): the
        reliability of the unit-weighted sum of the standardised items. The denominator is
        the model-implied total variance (McDonald 1999); ``psych::omega`` divides by the
        observed total ``sum(R)`` instead, which differs when one factor does not fit exactly.
        For one factor omega total equals omega hierarchical.

    Notes
    -----
    The sign of a factor is arbitrary, so loadings are flipped to a positive sum. If some
    loadings stay negative, those items are keyed against the others; a UserWarning says
    which ones, since omega then understates the reliability of the properly keyed scale.

    Examples
    --------
    >>> import numpy as np
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> corr = np.outer(loadings, loadings)
    >>> np.fill_diagonal(corr, 1.0)
    >>> round(mcdonald_omega_from_corr(corr), 4)
    0.7494
    """
    r = as_matrix(corr, "corr", "items", "items", 3, 3)
    if r.shape[0] != r.shape[1]:
        raise ValueError(f"corr must be a square items x items matrix; got shape {r.shape}")
    if np.isnan(r).any():
        raise ValueError(
            "corr contains NaN: an item without variance, or two items never answered together"
        )
    if not np.allclose(r, r.T, atol=1e-10) or not np.allclose(np.diag(r), 1.0, atol=1e-10):
        raise ValueError("corr must be a correlation matrix: symmetric with ones on the diagonal")
    smallest = np.linalg.eigvalsh(r)[0]
    if smallest <= 0:
        raise ValueError(
            "corr must be positive definite for a maximum-likelihood factor model; "
            f"its smallest eigenvalue is {smallest:.3g}"
        )
    from statsmodels.multivariate.factor import Factor

    fit = Factor(corr=r, n_factor=1, method="ml").fit(rng=0)
    loadings = fit.loadings[:, 0]
    if loadings.sum() < 0:
        loadings = -loadings
    negative = np.flatnonzero(loadings < 0)
    if negative.size:
        warnings.warn(
            f"items at positions {negative.tolist()} load negatively on the common factor; "
            "reverse-key them before computing omega",
            UserWarning,
            stacklevel=2,
        )
    common = loadings.sum() ** 2
    return float(common / (common + fit.uniqueness.sum()))


def mcdonald_omega(items: ArrayLike | pd.DataFrame) -> float:
    """McDonald's omega total of a scale from raw item scores.

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        At least 3 items; NaN = missing answer.

    Returns
    -------
    float
        :func:`mcdonald_omega_from_corr` of the items' correlation matrix, ``cov2cor`` of the
        pairwise covariance matrix (the same matrix as ``std_alpha`` in :func:`cronbach_alpha`).
        A one-factor model needs at least 3 items to be identified.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> factor = rng.normal(size=(300, 1))
    >>> items = factor * [0.8, 0.7, 0.6] + rng.normal(size=(300, 3)) * [0.6, 0.7, 0.8]
    >>> 0.6 < mcdonald_omega(items) < 0.85
    True
    """
    return mcdonald_omega_from_corr(item_correlations(items))


def item_correlations(items: ArrayLike | pd.DataFrame) -> np.ndarray:
    """The items' correlation matrix that omega's factor model fits: ``cov2cor`` of the
    pairwise covariance matrix (at least 3 items).

    >>> item_correlations([[1, 2, 2], [2, 3, 3], [3, 3, 5], [4, 5, 4]]).round(3)[0].tolist()
    [1.0, 0.923, 0.8]
    """
    return _cov_to_corr(_pairwise_cov(_items(items, min_items=3)))


def item_total(items: ArrayLike | pd.DataFrame) -> pd.DataFrame:
    """Corrected item-total correlation and alpha if the item is deleted, per item.

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        NaN = missing answer.

    Returns
    -------
    DataFrame
        One row per item (the DataFrame's column labels, else positions 0..k-1), columns
        ``corrected_item_total_r`` (correlation of the item with the sum of the other items,
        psych's ``r.drop``) and ``alpha_if_deleted`` (raw alpha of the other items; NaN for
        a 2-item scale). Both come from the pairwise covariance matrix, like
        :func:`cronbach_alpha`.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 3, 3, 5, 4], "c": [2, 3, 4, 4, 2]})
    >>> item_total(items).round(2)  # doctest: +NORMALIZE_WHITESPACE
          corrected_item_total_r  alpha_if_deleted
    item
    a                       0.61              0.61
    b                       0.88              0.25
    c                       0.29              0.88
    """
    x = _items(items)
    k = x.shape[1]
    cov = _pairwise_cov(x)
    r_drop = np.empty(k)
    alpha_drop = np.full(k, np.nan)
    for i in range(k):
        rest = np.delete(np.arange(k), i)
        rest_cov = cov[np.ix_(rest, rest)]
        with np.errstate(divide="ignore", invalid="ignore"):
            r_drop[i] = cov[i, rest].sum() / np.sqrt(cov[i, i] * rest_cov.sum())
        if k > 2:
            alpha_drop[i] = _alpha_from_cov(rest_cov)
    index = items.columns if isinstance(items, pd.DataFrame) else pd.RangeIndex(k)
    return pd.DataFrame(
        {"corrected_item_total_r": r_drop, "alpha_if_deleted": alpha_drop},
        index=pd.Index(index, name="item"),
    )


def scale_reliability(
    items: ArrayLike | pd.DataFrame,
    *,
    threshold: float = 0.70,
    ci: float = 0.95,
    n_boot: int | None = None,
    seed: int | None = None,
) -> dict[str, float | int | str | bool]:
    """All reliability statistics of one scale in one tidy record.

    Parameters
    ----------
    items : array-like or DataFrame, respondents x items
        NaN = missing answer.
    threshold : float
        ``flag_below_threshold`` is True when raw alpha is below this value.
    ci, n_boot, seed
        Passed to :func:`cronbach_alpha`.

    Returns
    -------
    dict
        ``alpha``, ``ci_low``, ``ci_high``, ``ci_method``, ``std_alpha``, ``omega`` (NaN for
        fewer than 3 items), ``omega_method`` (:data:`OMEGA_METHOD`, or why there is no
        omega), ``n``, ``n_complete``, ``n_items``, ``min_item_total_r``,
        ``flag_below_threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> items = rng.normal(size=(200, 1)) + rng.normal(size=(200, 4))
    >>> record = scale_reliability(items)
    >>> record["n_items"], record["flag_below_threshold"]
    (4, False)
    """
    alpha = cronbach_alpha(items, ci=ci, n_boot=n_boot, seed=seed)
    identified = alpha["n_items"] >= 3
    omega = mcdonald_omega(items) if identified else np.nan
    return {
        "alpha": alpha["alpha"],
        "ci_low": alpha["ci_low"],
        "ci_high": alpha["ci_high"],
        "ci_method": alpha["ci_method"],
        "std_alpha": alpha["std_alpha"],
        "omega": omega,
        "omega_method": OMEGA_METHOD
        if identified
        else "not estimable: a one-factor model of fewer than 3 items is not identified",
        "n": alpha["n"],
        "n_complete": alpha["n_complete"],
        "n_items": alpha["n_items"],
        "min_item_total_r": float(item_total(items)["corrected_item_total_r"].min()),
        "flag_below_threshold": bool(alpha["alpha"] < threshold),
    }
