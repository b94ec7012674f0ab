"""Krippendorff's alpha of agreement between coders, with a bootstrap interval over units.

The functions take ``reliability_data`` in Krippendorff's layout: **rows are coders,
columns are units** (the layout of the ``krippendorff`` package and of Krippendorff's
papers); NaN marks a unit a coder did not code. Codes must be numbers.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from coprod.reliability.inputs import as_matrix, check_bootstrap, check_ci, percentile_ci
from coprod.reliability.resampling import class_counts, multinomial_resamples

# krippendorff is imported inside the function that uses it: Snakemake starts a fresh
# interpreter for every job, and most jobs do not need it.

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _reliability_data(reliability_data: ArrayLike | pd.DataFrame, level: str) -> np.ndarray:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}")
    return as_matrix(
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
    check_ci(ci)
    check_bootstrap(n_boot, seed)
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
    low, high = percentile_ci(boot, ci)
    return {
        "estimate": float(estimate),
        "ci_low": low,
        "ci_high": high,
        "n_units": int(units.shape[0]),
        "n_boot": int(n_boot),
        "n_boot_undefined": int(np.count_nonzero(~np.isfinite(boot))),
    }
