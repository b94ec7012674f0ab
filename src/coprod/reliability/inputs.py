"""The data a reliability coefficient gets, checked: float matrices with NaN for missing.

Also the checks of a confidence level and of a bootstrap's settings, and the percentile
interval every bootstrap here reports.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def _floats(data: ArrayLike | pd.DataFrame | pd.Series, name: str) -> np.ndarray:
    """``data`` as a float array with NaN for missing, or ValueError if it is not numeric."""
    try:
        if isinstance(data, pd.DataFrame | pd.Series):
            return data.to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(data, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must contain numbers, with NaN for missing values; "
            "map text labels to numeric codes first"
        ) from err


def _check_finite(x: np.ndarray, name: str) -> None:
    if np.isinf(x).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing values")


def as_matrix(
    data: ArrayLike | pd.DataFrame,
    name: str,
    rows: str,
    cols: str,
    min_rows: int,
    min_cols: int,
    layout: str = "",
) -> np.ndarray:
    """Return ``data`` as a 2-D float array with NaN for missing, or raise ValueError."""
    x = _floats(data, name)
    if x.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D matrix ({rows} x {cols}){layout}; got {x.ndim} dimension(s)"
        )
    _check_finite(x, name)
    if x.shape[0] < min_rows:
        raise ValueError(
            f"{name} must have at least {min_rows} {rows} as rows{layout}; got {x.shape[0]}"
        )
    if x.shape[1] < min_cols:
        raise ValueError(
            f"{name} must have at least {min_cols} {cols} as columns{layout}; got {x.shape[1]}"
        )
    return x


def as_vector(data: ArrayLike | pd.Series, name: str) -> np.ndarray:
    """Return ``data`` as a 1-D float array with NaN for missing, or raise ValueError."""
    x = _floats(data, name)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one code per unit); got {x.ndim} dimension(s)")
    _check_finite(x, name)
    return x


def ratings_matrix(ratings: ArrayLike | pd.DataFrame, name: str = "ratings") -> np.ndarray:
    """Codes of units (rows) by coders (columns) as a float array, or raise ValueError."""
    return as_matrix(
        ratings, name, "units", "coders", 1, 2, " (rows are units, columns are coders)"
    )


def check_ci(ci: float) -> None:
    """Raise unless ``ci`` is a confidence level strictly between 0 and 1."""
    if not 0 < ci < 1:
        raise ValueError(
            f"ci must be a confidence level strictly between 0 and 1, e.g. 0.95; got {ci}"
        )


def check_bootstrap(n_boot: int, seed: int | None) -> None:
    """Raise unless ``n_boot`` is a positive integer and a ``seed`` is given."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer number of resamples; got {n_boot!r}")
    if seed is None:
        raise ValueError(
            "a bootstrap needs seed= (an integer) so that its interval can be reproduced"
        )


# --------------------------------------------------------------------------- shared helpers


def percentile_ci(boot: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile interval over the resamples whose statistic is defined."""
    finite = boot[np.isfinite(boot)]
    if finite.size == 0:
        return np.nan, np.nan
    low, high = np.quantile(finite, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)
