"""Contingency tables: Pearson's chi-squared test of independence and its cells.

:func:`chi_square` tests a table (or two label vectors) and reports Cramér's V;
:func:`chi_square_cells` gives each cell's expected count and standardised residual.

Decisions
---------
Yates' continuity correction
    On by default for a 2 x 2 table, as R's ``chisq.test(correct = TRUE)`` (scipy's
    ``chi2_contingency(correction=True)`` computes the same statistic: each |O - E|
    reduced by 0.5, or by itself where it is smaller); tables larger than 2 x 2 are
    never corrected, in R or here. A study chooses it in config
    (``compare.tests.yates``); the bundled study sets it off, so that its tables keep
    the uncorrected Pearson statistic they have always shown (config/config.yaml says
    why).
Cramér's V
    Always from the uncorrected statistic, as ``effectsize::cramers_v`` and
    ``rstatix::cramer_v(correct = FALSE)``: V is a description of the table, and
    Yates' correction is an adjustment of the p value's approximation (with it, a
    perfectly associated 2 x 2 table would not have V = 1). rstatix's default
    (``correct = TRUE``) computes V from the corrected statistic of a 2 x 2 table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod.stats.effect_sizes import NCP_CI, cramers_v
from coprod.stats.inputs import check_positive
from coprod.stats.records import DEFAULT_SEED, record


def _contingency(table_or_x: Any, y: Any) -> pd.DataFrame:
    """A validated table of counts, from a table or from two label vectors."""
    if y is None:
        table = pd.DataFrame(table_or_x)
    else:
        xs = table_or_x if isinstance(table_or_x, pd.Series) else pd.Series(table_or_x)
        ys = y if isinstance(y, pd.Series) else pd.Series(y)
        if len(xs) != len(ys):
            raise ValueError(f"x and y must have the same length, got {len(xs)} and {len(ys)}")
        keep = (xs.notna() & ys.notna()).to_numpy()
        rows = pd.Categorical(xs[keep]).remove_unused_categories()
        columns = pd.Categorical(ys[keep]).remove_unused_categories()
        # the counts of pd.crosstab(rows, columns), at a fraction of its cost
        counts = np.zeros((len(rows.categories), len(columns.categories)), dtype=np.int64)
        np.add.at(counts, (rows.codes, columns.codes), 1)
        table = pd.DataFrame(counts, index=rows.categories, columns=columns.categories)
    if table.ndim != 2 or min(table.shape) < 2:
        raise ValueError(f"need at least 2 rows and 2 columns of counts, got shape {table.shape}")
    counts = table.to_numpy(dtype=float)
    if not (np.isfinite(counts).all() and (counts >= 0).all() and (counts % 1 == 0).all()):
        raise ValueError("table must hold non-negative integer counts")
    for axis, kind, labels in ((1, "row", table.index), (0, "column", table.columns)):
        empty = list(labels[counts.sum(axis=axis) == 0])
        if empty:
            raise ValueError(f"{kind}(s) {empty} have no observations; drop empty categories")
    return table


def chi_square(
    table_or_x: Any,
    y: Any = None,
    *,
    correct: bool = True,
    mc_threshold: float = 5,
    n_mc: int = 10000,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Pearson chi-squared test of independence, with Cramér's V.

    The statistic is Pearson's chi-squared on (r - 1)(c - 1) df, R's ``chisq.test(x,
    correct = correct)``: with ``correct`` (R's default) a 2 x 2 table gets Yates'
    continuity correction (each |O - E| reduced by 0.5 or to 0), larger tables never.
    Its p is asymptotic unless an expected count is below
    ``mc_threshold``: then a 2x2 table gets Fisher's exact two-sided p and a
    larger table a Monte Carlo p from ``n_mc`` random tables with both
    margins fixed (``scipy.stats.random_table``, Patefield's algorithm, as R's
    ``chisq.test(simulate.p.value = TRUE)``), p = (1 + #{chi2* >= chi2}) /
    (n_mc + 1). ``method`` says which p was used. Cramér's V =
    sqrt(chi2 / (n (min(r, c) - 1))) of the uncorrected chi2 (``rstatix::cramer_v(correct
    = FALSE)``, ``effectsize::cramers_v``) without bias correction, with the
    noncentral chi-squared 95% CI of :func:`coprod.stats.effect_sizes.cramers_v`.
    :func:`chi_square_cells` gives the expected counts and standardised residuals.

    Parameters
    ----------
    table_or_x : 2-D array-like or DataFrame of counts, or array-like of labels
        A contingency table, or the first variable (then give ``y``).
    y : array-like of labels, optional
        The second variable; pairs with a missing label are dropped.
    correct : bool
        Yates' continuity correction of a 2 x 2 table's statistic and asymptotic p (R's
        ``correct``).
    mc_threshold : float
        Smallest expected count for the asymptotic p.
    n_mc : int
        Monte Carlo tables.
    seed : int
        Seed of the Monte Carlo p.

    Returns
    -------
    dict
        One record; ``estimate`` is Cramér's V, ``statistic`` Pearson's chi2.

    Raises
    ------
    ValueError
        Fewer than 2 rows or columns, an empty row or column, or counts that
        are not non-negative integers.

    Examples
    --------
    >>> rec = chi_square([[10, 20], [20, 10]], correct=False)
    >>> round(rec["statistic"], 3), round(rec["estimate"], 3)
    (6.667, 0.333)
    >>> rec = chi_square([[10, 20], [20, 10]])
    >>> round(rec["statistic"], 3), round(rec["estimate"], 3), round(rec["p"], 5)
    (5.4, 0.333, 0.02014)
    """
    check_positive(n_mc, "n_mc")
    table = _contingency(table_or_x, y)
    counts = table.to_numpy(dtype=np.int64)
    res = st.chi2_contingency(counts, correction=False)
    chi2, df = float(res.statistic), int(res.dof)
    n = int(counts.sum())
    estimate, ci = cramers_v(chi2, df, n, counts.shape)
    yates = correct and counts.shape == (2, 2)
    if yates:
        res = st.chi2_contingency(counts, correction=True)
    if (res.expected_freq >= mc_threshold).all():
        p, p_method = res.pvalue, "asymptotic p"
    elif counts.shape == (2, 2):
        p = st.fisher_exact(counts).pvalue
        p_method = f"Fisher's exact two-sided p (an expected count < {mc_threshold})"
    else:
        mc = st.MonteCarloMethod(n_resamples=n_mc, rng=np.random.default_rng(seed))
        p = st.chi2_contingency(counts, correction=False, method=mc).pvalue
        p_method = (
            f"Monte Carlo p from {n_mc} tables with fixed margins (an expected count "
            f"< {mc_threshold})"
        )
    if yates:
        test = "Pearson chi-squared test of independence with Yates' continuity correction"
        name, v_of = "chi2 (Pearson, Yates)", "Cramér's V (of the uncorrected chi2)"
    else:
        test = "Pearson chi-squared test of independence without continuity correction"
        name, v_of = "chi2 (Pearson)", "Cramér's V"
    method = f"{test}, {p_method}; {v_of} with {NCP_CI}"
    return record(
        effect=("cramers_v", estimate, ci),
        test=(name, float(res.statistic), df, p),
        n=n,
        method=method,
    )


def chi_square_cells(table_or_x: Any, y: Any = None) -> pd.DataFrame:
    """Observed and expected counts and standardised residuals, one row per cell.

    The standardised (adjusted) residual is (O - E) / sqrt(E (1 - row share)
    (1 - column share)), R's ``chisq.test()$stdres``; beyond +/-1.96 a cell
    departs from independence at the 5% level.

    Parameters
    ----------
    table_or_x, y
        As :func:`chi_square`.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``column``, ``observed``, ``expected``, ``stdres``,
        rows in row-major order of the table.

    Examples
    --------
    >>> cells = chi_square_cells([[10, 20], [20, 10]])
    >>> cells["stdres"].round(3).tolist()
    [-2.582, 2.582, 2.582, -2.582]
    """
    table = _contingency(table_or_x, y)
    counts = table.to_numpy(dtype=float)
    n = counts.sum()
    expected = st.contingency.expected_freq(counts)
    row_share = counts.sum(axis=1, keepdims=True) / n
    col_share = counts.sum(axis=0, keepdims=True) / n
    stdres = (counts - expected) / np.sqrt(expected * (1 - row_share) * (1 - col_share))
    n_rows, n_cols = counts.shape
    return pd.DataFrame(
        {
            "row": np.repeat(table.index.to_numpy(), n_cols),
            "column": np.tile(table.columns.to_numpy(), n_rows),
            "observed": counts.ravel(),
            "expected": expected.ravel(),
            "stdres": stdres.ravel(),
        }
    )
