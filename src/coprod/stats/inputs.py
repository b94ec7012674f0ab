"""The data a test gets, checked and coerced: numbers as float64, groups as codes.

Missing values are dropped listwise before a test; every check raises ValueError with
a message that says what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def numeric(values: Any, name: str) -> np.ndarray:
    """Values as float64 (nullable dtypes included, pd.NA becomes NaN), or ValueError."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype("float64")  # the common case, without pandas' overhead
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise ValueError(f"{name} must be numeric (or boolean), got dtype {series.dtype}")
    return series.astype("float64").to_numpy()


def grouped(values: Any, groups: Any) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Values, integer group codes and group labels, missing values dropped.

    Groups keep their category order if Categorical, else are sorted; levels
    without observations are ignored.
    """
    vals = numeric(values, "values")
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


def two_samples(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two independent samples as float arrays, missing values dropped, each n >= 2."""
    samples = []
    for name, values in (("x", x), ("y", y)):
        vals = numeric(values, name)
        vals = vals[~np.isnan(vals)]
        if vals.size < 2:
            raise ValueError(
                f"{name} has {vals.size} non-missing observation(s); x and y each need at least 2"
            )
        samples.append(vals)
    return samples[0], samples[1]


def check_positive(value: int, name: str) -> None:
    """Raise unless ``value`` is a positive integer (a count of resamples, say)."""
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise, naming them, if any of ``columns`` is not in ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the data; available: {list(df.columns)}")
