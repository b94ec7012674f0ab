"""The two-way analysis of variance behind the intraclass correlations.

:func:`coprod.reliability.agreement.icc` gives the six ICCs of Shrout & Fleiss (1979)
with the F test of each (F, df1, df2, p), from the mean squares :func:`icc_anova` gives,
as ``psych::ICC`` reports them (its ``stats`` table and ``MSW``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.inputs import as_matrix


def icc_anova(ratings: ArrayLike | pd.DataFrame) -> pd.DataFrame:
    """Sums of squares, mean squares and F tests of a targets x raters table.

    Parameters
    ----------
    ratings : array-like or DataFrame, targets x raters
        Rows are targets, columns are raters. Targets missing any rating are dropped, as
        in :func:`coprod.reliability.agreement.icc` (and ``psych::ICC``'s default).

    Returns
    -------
    DataFrame
        Index ``source``: ``targets`` (psych's "subjects": BMS), ``raters`` ("Judges":
        JMS), ``residual`` (EMS) and ``within`` (the one-way model's within-target mean
        square, psych's ``MSW``: raters and residual pooled). Columns ``df``, ``sum_sq``,
        ``mean_sq``, ``F`` and ``p`` (targets: BMS/EMS, the F of ICC2 and ICC3; raters:
        JMS/EMS; NaN for the others; ICC1's F is BMS/MSW). Matches ``psych::ICC(x)$stats``
        and ``$MSW`` (Shrout & Fleiss 1979; McGraw & Wong 1996).

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: 6 targets, 4 judges.

    >>> table = icc_anova([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...                    [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> table["mean_sq"].round(4).tolist()
    [11.2417, 32.4861, 1.0194, 6.2639]
    """
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
    ss_residual = ((x - grand) ** 2).sum() - ss_targets - ss_raters
    df = np.array([n - 1, k - 1, (n - 1) * (k - 1), n * (k - 1)], dtype=float)
    sum_sq = np.array([ss_targets, ss_raters, ss_residual, ss_raters + ss_residual])
    mean_sq = sum_sq / df
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.array([mean_sq[0] / mean_sq[2], mean_sq[1] / mean_sq[2], np.nan, np.nan])
        p = np.array(
            [stats.f.sf(f[0], df[0], df[2]), stats.f.sf(f[1], df[1], df[2]), np.nan, np.nan]
        )
    return pd.DataFrame(
        {"df": df.astype(int), "sum_sq": sum_sq, "mean_sq": mean_sq, "F": f, "p": p},
        index=pd.Index(["targets", "raters", "residual", "within"], name="source"),
    )
