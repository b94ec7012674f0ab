"""Bootstrap resamples counted per class, at a cost that does not grow with the sample.

A nonparametric bootstrap draws ``n`` rows with replacement. The statistics the
reliability stage bootstraps (a scale's pairwise covariances, a code's coincidence
matrix) depend on a resample only through how often it drew each *class* of identical
rows: a pattern of answers to a scale's items, a pattern of codes of a unit. Those
class counts of ``n`` draws with replacement from rows whose classes have counts ``c``
follow the multinomial distribution with ``n`` trials and probabilities ``c / n``
exactly, so one multinomial draw per resample replaces ``n`` row draws: ``n_boot x m``
numbers instead of ``n_boot x n``. A survey scale has at most a few hundred answer
patterns however many respondents answer it, so its bootstrap costs the same for a
thousand respondents and for a hundred thousand.
"""

from __future__ import annotations

import numpy as np

__all__ = ["class_counts", "multinomial_resamples", "row_classes"]


def row_classes(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-D float array (NaN equal to NaN) and each row's class.

    Returns ``(classes, class_of_row)``: ``classes[class_of_row]`` equals ``rows``
    (missing where missing).

    Examples
    --------
    >>> classes, of = row_classes(np.array([[1.0, np.nan], [2.0, 3.0], [1.0, np.nan]]))
    >>> classes.tolist(), of.tolist()
    ([[1.0, nan], [2.0, 3.0]], [0, 1, 0])
    """
    # sorting the rows on their columns (NaN last, stably) orders the classes as a pandas
    # groupby(sort=True, dropna=False) would, without building a DataFrame per call;
    # np.unique(rows, axis=0) would sort whole rows, many times slower on many rows
    order = np.lexsort(rows.T[::-1])  # the first column is the primary key
    ordered = rows[order]
    missing = np.isnan(ordered)
    same = (ordered[1:] == ordered[:-1]) | (missing[1:] & missing[:-1])
    starts = np.ones(len(rows), dtype=bool)  # the first row of each class
    starts[1:] = ~same.all(axis=1)
    class_of_row = np.empty(len(rows), dtype=np.int64)
    class_of_row[order] = np.cumsum(starts) - 1
    return ordered[starts], class_of_row


def class_counts(class_of_row: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """How many rows fall in each class 0..m-1."""
    return np.bincount(class_of_row, minlength=n_classes or 0)


def multinomial_resamples(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, m) class counts of ``n_boot`` resamples of ``sum(counts)`` rows.

    Each resample draws as many rows as there are, with replacement; row ``i`` of
    the result counts how many of them fall in each class.

    Examples
    --------
    >>> draws = multinomial_resamples(np.array([3, 1]), 5, np.random.default_rng(1))
    >>> draws.shape, bool((draws.sum(axis=1) == 4).all())
    ((5, 2), True)
    """
    counts = np.asarray(counts)
    total = int(counts.sum())
    return rng.multinomial(total, counts / total, size=n_boot)
