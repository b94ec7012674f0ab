"""Reliability of survey scales and agreement between coders.

Survey scales
    :func:`cronbach_alpha`, :func:`mcdonald_omega`, :func:`mcdonald_omega_from_corr`,
    :func:`item_total` and :func:`scale_reliability` take ``items``: a respondents x items
    matrix (NumPy array or DataFrame, NaN = missing answer).

Agreement between coders
    :func:`krippendorff_alpha` and :func:`krippendorff_alpha_ci` take ``reliability_data``
    in Krippendorff's layout: **rows are coders, columns are units** (the layout of the
    ``krippendorff`` package and of Krippendorff's papers).

    :func:`fleiss_kappa`, :func:`gwet_ac1`, :func:`percent_agreement`, :func:`prevalence`
    and :func:`intercoder_reliability` take ``ratings``/``codings``: **rows are units,
    columns are coders** (the layout of R's irr and irrCAC). :func:`cohen_kappa` takes the
    two coders' vectors. :func:`icc` takes a targets x raters matrix.

Codes must be numbers (map text labels to numeric codes first); NaN marks a unit a coder
did not code. Every bootstrap needs an explicit ``seed`` so that its interval can be
reproduced.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.resampling import class_counts, multinomial_resamples, row_classes

# krippendorff and statsmodels' Factor are imported inside the functions that use them:
# Snakemake starts a fresh interpreter for every job, and each job needs at most one.

__all__ = [
    "cohen_kappa",
    "cronbach_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "icc",
    "intercoder_reliability",
    "item_total",
    "krippendorff_alpha",
    "krippendorff_alpha_ci",
    "mcdonald_omega",
    "mcdonald_omega_from_corr",
    "percent_agreement",
    "prevalence",
    "scale_reliability",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- input checks


def _as_matrix(
    data: ArrayLike | pd.DataFrame,
    name: str,
    rows: str,
    cols: str,
    min_rows: int,
    min_cols: int,
    layout: str = "",
) -> np.ndarray:
    """Return ``data`` as a 2-D float array with NaN for missing, or raise ValueError."""
    try:
        if isinstance(data, pd.DataFrame):
            x = data.to_numpy(dtype=float, na_value=np.nan)
        else:
            x = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must contain numbers, with NaN for missing values; "
            "map text labels to numeric codes first"
        ) from err
    if x.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D matrix ({rows} x {cols}){layout}; got {x.ndim} dimension(s)"
        )
    if np.isinf(x).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing values")
    if x.shape[0] < min_rows:
        raise ValueError(
            f"{name} must have at least {min_rows} {rows} as rows{layout}; got {x.shape[0]}"
        )
    if x.shape[1] < min_cols:
        raise ValueError(
            f"{name} must have at least {min_cols} {cols} as columns{layout}; got {x.shape[1]}"
        )
    return x


def _as_vector(data: ArrayLike | pd.Series, name: str) -> np.ndarray:
    """Return ``data`` as a 1-D float array with NaN for missing, or raise ValueError."""
    try:
        if isinstance(data, pd.Series):
            x = data.to_numpy(dtype=float, na_value=np.nan)
        else:
            x = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must contain numbers, with NaN for missing values; "
            "map text labels to numeric codes first"
        ) from err
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one code per unit); got {x.ndim} dimension(s)")
    if np.isinf(x).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing values")
    return x


def _ratings(ratings: ArrayLike | pd.DataFrame, name: str = "ratings") -> np.ndarray:
    return _as_matrix(
        ratings, name, "units", "coders", 1, 2, " (rows are units, columns are coders)"
    )


def _check_ci(ci: float) -> None:
    if not 0 < ci < 1:
        raise ValueError(
            f"ci must be a confidence level strictly between 0 and 1, e.g. 0.95; got {ci}"
        )


def _check_bootstrap(n_boot: int, seed: int | None) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer number of resamples; got {n_boot!r}")
    if seed is None:
        raise ValueError(
            "a bootstrap needs seed= (an integer) so that its interval can be reproduced"
        )


# --------------------------------------------------------------------------- shared helpers


def _percentile_ci(boot: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile interval over the resamples whose statistic is defined."""
    finite = boot[np.isfinite(boot)]
    if finite.size == 0:
        return np.nan, np.nan
    low, high = np.quantile(finite, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)


# --------------------------------------------------------------------------- survey scales


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
    x = _as_matrix(items, "items", "respondents", "items", 2, min_items)
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
    _check_ci(ci)
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
        _check_bootstrap(n_boot, seed)
        method = "bootstrap"
        patterns, pattern_of_row = row_classes(x)
        drawn = multinomial_resamples(
            class_counts(pattern_of_row, len(patterns)), n_boot, np.random.default_rng(seed)
        )
        boot = _alpha_from_cov(_pairwise_cov(patterns, drawn.astype(float)))
        low, high = _percentile_ci(boot, ci)
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
    r = _as_matrix(corr, "corr", "items", "items", 3, 3)
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
    return mcdonald_omega_from_corr(_cov_to_corr(_pairwise_cov(_items(items, min_items=3))))


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
        fewer than 3 items), ``n``, ``n_complete``, ``n_items``, ``min_item_total_r``,
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
    omega = mcdonald_omega(items) if alpha["n_items"] >= 3 else np.nan
    return {
        "alpha": alpha["alpha"],
        "ci_low": alpha["ci_low"],
        "ci_high": alpha["ci_high"],
        "ci_method": alpha["ci_method"],
        "std_alpha": alpha["std_alpha"],
        "omega": omega,
        "n": alpha["n"],
        "n_complete": alpha["n_complete"],
        "n_items": alpha["n_items"],
        "min_item_total_r": float(item_total(items)["corrected_item_total_r"].min()),
        "flag_below_threshold": bool(alpha["alpha"] < threshold),
    }


# --------------------------------------------------------------------------- Krippendorff's alpha


def _reliability_data(reliability_data: ArrayLike | pd.DataFrame, level: str) -> np.ndarray:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}")
    return _as_matrix(
        reliability_data,
        "reliability_data",
        "coders",
        "units",
        2,
        1,
        " (Krippendorff's layout: rows are coders, columns are units)",
    )


def _pairable_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted values, and per pairable unit (coded by 2+ coders) how many coders chose each."""
    values = np.unique(x[~np.isnan(x)])
    counts = (x.T[:, :, None] == values).sum(axis=1)
    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[0] == 0:
        raise ValueError("reliability_data has no unit coded by two or more coders")
    return values, counts


def _unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Each unit's contribution to the coincidence matrix, flattened: (units, values**2)."""
    n_units, n_values = counts.shape
    pairs = counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(n_values)
    return (pairs / (counts.sum(axis=1) - 1)[:, None, None]).reshape(n_units, -1)


def _alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's alpha for a stack of coincidence matrices ``o`` (resamples x V x V).

    alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d), with d the squared distance of
    the level of measurement (Krippendorff 2011). The ordinal distance is the interval
    distance between mid-ranks cumsum(n) - n/2, so it is recomputed per resample.
    """
    n_v = o.sum(axis=2)
    if level == "nominal":
        d = 1.0 - np.eye(values.size)
    elif level == "ordinal":
        mid = np.cumsum(n_v, axis=1) - n_v / 2
        d = (mid[:, :, None] - mid[:, None, :]) ** 2
    elif level == "interval":
        d = np.subtract.outer(values, values) ** 2
    else:
        total = np.add.outer(values, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(total != 0, np.subtract.outer(values, values) / total, 0.0) ** 2
    observed = (o * d).sum(axis=(1, 2))
    expected = (n_v[:, :, None] * n_v[:, None, :] * d).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - (n_v.sum(axis=1) - 1) * observed / expected


def krippendorff_alpha(
    reliability_data: ArrayLike | pd.DataFrame, level: Level = "nominal"
) -> float:
    """Krippendorff's alpha, computed by the ``krippendorff`` package.

    Parameters
    ----------
    reliability_data : array-like or DataFrame, coders x units
        Rows are coders, columns are units (Krippendorff's layout); NaN = not coded.
        Units coded by fewer than two coders are not pairable and are ignored.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement (Krippendorff's metric). "interval" equals irrCAC's
        ``weights="quadratic"``; "ordinal" is Krippendorff's rank metric, not irrCAC's
        ``"ordinal"`` weights.

    Returns
    -------
    float
        Alpha; NaN when every pairable value is the same (expected disagreement 0).

    Examples
    --------
    Krippendorff (2011), section C: 4 coders, 12 units.

    >>> import numpy as np
    >>> nan = np.nan
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data, "nominal"), 3)
    0.743
    """
    x = _reliability_data(reliability_data, level)
    _, counts = _pairable_counts(x)
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return np.nan
    import krippendorff

    return float(krippendorff.alpha(reliability_data=x, level_of_measurement=level))


def krippendorff_alpha_ci(
    reliability_data: ArrayLike | pd.DataFrame,
    level: Level = "nominal",
    *,
    n_boot: int = 2000,
    seed: int,
    ci: float = 0.95,
) -> dict[str, float | int]:
    """Krippendorff's alpha with a percentile bootstrap interval over units.

    Parameters
    ----------
    reliability_data : array-like or DataFrame, coders x units
        Rows are coders, columns are units; NaN = not coded.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement.
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the bootstrap (required).
    ci : float
        Confidence level.

    Returns
    -------
    dict
        ``estimate`` (equals :func:`krippendorff_alpha`), ``ci_low``, ``ci_high``,
        ``n_units`` (pairable units: coded by 2+ coders), ``n_boot``, ``n_boot_undefined``
        (resamples in which every value is the same, so alpha is undefined; the interval
        uses the others).

    Notes
    -----
    Resamples the pairable units with replacement (each unit keeps all its codes). Units
    with the same codes (a pattern: for presence codes and two coders there are three)
    contribute the same coincidences, so a resample's coincidence matrix is the sum of
    the patterns' weighted by how many of the drawn units have each; all resamples come
    from a few matrix products instead of ``n_boot`` calls of the package. This is not
    Krippendorff's own bootstrap, which resamples pairs of values.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> truth = rng.integers(0, 2, 200)
    >>> coders = np.array([np.where(rng.random(200) < 0.1, 1 - truth, truth) for _ in range(2)])
    >>> result = krippendorff_alpha_ci(coders, "nominal", seed=1)
    >>> result["ci_low"] < result["estimate"] < result["ci_high"], result["n_units"]
    (True, 200)
    """
    x = _reliability_data(reliability_data, level)
    _check_ci(ci)
    _check_bootstrap(n_boot, seed)
    values, counts = _pairable_counts(x)
    units = _unit_coincidences(counts)
    shape = (-1, values.size, values.size)
    estimate = _alpha_from_coincidences(units.sum(axis=0).reshape(shape), values, level)[0]
    patterns, pattern_of_unit = np.unique(counts, axis=0, return_inverse=True)
    by_pattern = _unit_coincidences(patterns)
    drawn = multinomial_resamples(
        class_counts(pattern_of_unit.ravel(), len(patterns)), n_boot, np.random.default_rng(seed)
    )
    boot = _alpha_from_coincidences((drawn @ by_pattern).reshape(shape), values, level)
    low, high = _percentile_ci(boot, ci)
    return {
        "estimate": float(estimate),
        "ci_low": low,
        "ci_high": high,
        "n_units": int(units.shape[0]),
        "n_boot": int(n_boot),
        "n_boot_undefined": int(np.count_nonzero(~np.isfinite(boot))),
    }


# --------------------------------------------------------------------------- kappa, AC1, agreement


def _categories(codes: np.ndarray, labels: Sequence[float] | None) -> np.ndarray:
    """Sorted categories: the observed codes, or ``labels`` (which must contain them all)."""
    observed = np.unique(codes[~np.isnan(codes)])
    if labels is None:
        return observed
    categories = np.unique(_as_vector(labels, "labels"))
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
    a, b = _as_vector(r1, "r1"), _as_vector(r2, "r2")
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
    counts, _ = _category_counts(_ratings(ratings), None)
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
    counts, categories = _category_counts(_ratings(ratings), labels)
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
    return _observed_agreement(_category_counts(_ratings(ratings), None)[0])


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
    x = _ratings(ratings)
    codes = x[~np.isnan(x)]
    if codes.size == 0:
        raise ValueError("ratings contain no code (all values are NaN)")
    return float(np.mean(codes == positive))


def intercoder_reliability(
    codings: ArrayLike | pd.DataFrame,
    *,
    seed: int,
    layout: Literal["wide", "long"] = "wide",
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    level: str = "nominal",
    n_boot: int = 2000,
    ci: float = 0.95,
    unreliable_below: float = 0.667,
    reliable_from: float = 0.800,
) -> dict[str, float | int | str]:
    """Agreement statistics of one binary (presence/absence) code in one record.

    Parameters
    ----------
    codings : array-like or DataFrame
        ``layout="wide"``: one row per unit, one column per coder, values 0 (absent),
        1 (present), NaN (not coded); booleans are accepted.
        ``layout="long"``: a DataFrame with one row per unit and coder and columns
        ``unit``, ``coder`` and ``value``.
    seed : int
        Seed of the bootstrap interval of Krippendorff's alpha (required).
    layout : {"wide", "long"}
    unit, coder, value : str
        Column names of the long layout.
    level : str
        Level of measurement of Krippendorff's alpha (for presence codes all levels
        give the same alpha; the study's config may still name one per code).
    n_boot, ci
        Passed to :func:`krippendorff_alpha_ci`.
    unreliable_below, reliable_from : float
        Krippendorff's (2004) thresholds for the flag: alpha < ``unreliable_below`` is
        "unreliable", alpha < ``reliable_from`` "tentative", otherwise "reliable";
        "undefined" when alpha is NaN (nobody coded it present, or everybody did).

    Returns
    -------
    dict
        ``n_units`` (units coded by 2+ coders), ``n_coders``, ``prevalence``,
        ``percent_agreement``, ``krippendorff_alpha`` (at ``level``), ``alpha_ci_low``,
        ``alpha_ci_high``, ``alpha_level``, ``kappa`` (Cohen's for 2 coders, Fleiss' for 3+),
        ``kappa_type`` ("cohen" or "fleiss"), ``gwet_ac1`` (with categories 0 and 1),
        ``flag``.

    Examples
    --------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({"coder_a": [1, 0, 0, 1, 1, 0, 0, 0],
    ...                         "coder_b": [1, 0, 0, 1, 0, 0, 0, 0]})
    >>> record = intercoder_reliability(codings, seed=1, n_boot=200)
    >>> record["percent_agreement"], round(record["krippendorff_alpha"], 3), record["flag"]
    (0.875, 0.727, 'tentative')
    """
    if layout == "long":
        if not isinstance(codings, pd.DataFrame):
            raise ValueError("layout='long' needs a DataFrame with unit, coder and value columns")
        missing = [c for c in (unit, coder, value) if c not in codings.columns]
        if missing:
            raise ValueError(
                f"codings in long layout lack column(s) {missing}; has {list(codings.columns)}"
            )
        if codings.duplicated([unit, coder]).any():
            raise ValueError("codings has more than one value for the same unit and coder")
        codings = codings.pivot(index=unit, columns=coder, values=value)
    elif layout != "wide":
        raise ValueError(f"layout must be 'wide' or 'long'; got {layout!r}")
    if not unreliable_below <= reliable_from:
        raise ValueError(
            f"unreliable_below ({unreliable_below}) must not exceed reliable_from ({reliable_from})"
        )
    x = _ratings(codings, "codings")
    unexpected = np.setdiff1d(x[~np.isnan(x)], [0.0, 1.0])
    if unexpected.size:
        raise ValueError(
            "codings must be binary presence codes (0 = absent, 1 = present, NaN = not coded); "
            f"found {unexpected.tolist()}"
        )
    if not np.any((~np.isnan(x)).sum(axis=1) >= 2):
        raise ValueError("codings have no unit coded by two or more coders")
    alpha = krippendorff_alpha_ci(x.T, level, n_boot=n_boot, seed=seed, ci=ci)
    if x.shape[1] == 2:
        kappa, kappa_type = cohen_kappa(x[:, 0], x[:, 1], labels=(0, 1))["kappa"], "cohen"
    else:
        kappa, kappa_type = fleiss_kappa(x)["kappa"], "fleiss"
    estimate = alpha["estimate"]
    if np.isnan(estimate):
        flag = "undefined"
    elif estimate < unreliable_below:
        flag = "unreliable"
    elif estimate < reliable_from:
        flag = "tentative"
    else:
        flag = "reliable"
    return {
        "n_units": alpha["n_units"],
        "n_coders": int(x.shape[1]),
        "prevalence": prevalence(x),
        "percent_agreement": percent_agreement(x),
        "krippendorff_alpha": estimate,
        "alpha_ci_low": alpha["ci_low"],
        "alpha_ci_high": alpha["ci_high"],
        "alpha_level": level,
        "kappa": kappa,
        "kappa_type": kappa_type,
        "gwet_ac1": gwet_ac1(x, labels=(0, 1))["ac1"],
        "flag": flag,
    }


# --------------------------------------------------------------------------- ICC


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
    _check_ci(ci)
    x = _as_matrix(
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
