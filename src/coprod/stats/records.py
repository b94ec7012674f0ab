"""The record every statistical test returns, and the frame of several records.

Every test of :mod:`coprod.stats` returns one record (a ``dict``) in the column
vocabulary :data:`coprod.vocabulary.RECORD_COLUMNS`, shared by the whole pipeline:

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

Functions that test several contrasts (e.g. pairwise tests, regressions) return a
DataFrame of records, one per contrast, built by :func:`to_frame`. pingouin's results
reach the record through :func:`pingouin_row`, the one place that knows pingouin's
column names.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.errors import Pandas4Warning

from coprod.vocabulary import RECORD_COLUMNS

DEFAULT_SEED = 12345  # any fixed value: reruns must give identical bootstrap CIs and MC p


def record(
    *,
    effect: tuple[str, float, tuple[float, float]],
    test: tuple[str, float, float, float],
    n: int,
    method: str,
    df2: float = np.nan,
) -> dict[str, Any]:
    """One record: the statistics of a test, as floats, in :data:`RECORD_COLUMNS` order.

    ``effect`` is the effect size's (name, estimate, (ci_low, ci_high)); ``test`` the
    test's (statistic name, statistic, df, p); ``df2`` the denominator df of an F test.

    >>> record(effect=("r", 0.5, (0.1, 0.8)), test=("t", 2.0, 10, 0.07), n=12, method="m")["df"]
    10.0
    """
    name, estimate, ci = effect
    statistic_name, statistic, df, p = test
    return {
        "estimate": float(estimate),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "effect": name,
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
        Records returned by the tests of :mod:`coprod.stats`, possibly with extra
        identifying keys (e.g. ``group_1``, ``term``), which come first.

    Returns
    -------
    pandas.DataFrame
        One row per record.

    Examples
    --------
    >>> frame = to_frame({"term": "x", "estimate": 0.5, "p": 0.04})
    >>> frame.columns[:3].tolist(), frame.shape
    (['term', 'estimate', 'ci_low'], (1, 12))
    """
    rows = [dict(records)] if isinstance(records, Mapping) else [dict(r) for r in records]
    frame = pd.DataFrame(rows)
    extra = [c for c in frame.columns if c not in RECORD_COLUMNS]
    return frame.reindex(columns=[*extra, *RECORD_COLUMNS])


def pingouin_row(func: Callable[..., pd.DataFrame], /, **kwargs: Any) -> dict[str, Any]:
    """Call a pingouin function; return its first row under the record's names.

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
