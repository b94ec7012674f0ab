"""Multiplicity: p values adjusted within families of tests (Holm, Benjamini-Hochberg).

Each analysis's records carry a ``family`` column; :func:`adjust_p` corrects each family
on its own, with the method the config names for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from coprod.stats.inputs import check_columns

CORRECTIONS = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}
"""Correction methods (``multipletests`` names) and how the records name them."""


def adjust_p(
    results: pd.DataFrame, family_col: str = "family", *, method_by_family: Mapping[Any, str]
) -> pd.DataFrame:
    """Adjust p values within each family of tests.

    Adds ``p_adj`` and ``correction``. Each family is corrected on its own
    with ``statsmodels.stats.multitest.multipletests``: ``"holm"`` (Holm
    1979, family-wise error; for confirmatory families) or ``"fdr_bh"``
    (Benjamini-Hochberg 1995, false discovery rate; for exploratory ones).
    A NaN p stays NaN and does not count towards its family's size.

    Parameters
    ----------
    results : pandas.DataFrame
        Records with a ``p`` column and a family column.
    family_col : str
        Column naming each row's family.
    method_by_family : mapping
        Family -> ``"holm"`` or ``"fdr_bh"``, for every family present.

    Returns
    -------
    pandas.DataFrame
        A copy of ``results`` with ``p_adj`` and ``correction``.

    Raises
    ------
    ValueError
        Missing columns, a row without a family, a family without a method,
        or an unknown method.

    Examples
    --------
    >>> frame = pd.DataFrame({"family": ["f"] * 2, "p": [0.01, 0.04]})
    >>> adjust_p(frame, method_by_family={"f": "holm"})["p_adj"].tolist()
    [0.02, 0.04]
    """
    check_columns(results, [family_col, "p"])
    families = results[family_col]
    if families.isna().any():
        raise ValueError(f"{int(families.isna().sum())} row(s) have no {family_col!r}")
    unknown = sorted({m for m in method_by_family.values() if m not in CORRECTIONS})
    if unknown:
        raise ValueError(f"unknown correction method(s) {unknown}; allowed: {list(CORRECTIONS)}")
    unmapped = [f for f in families.unique() if f not in method_by_family]
    if unmapped:
        raise ValueError(
            f"no correction method for families {unmapped}; method_by_family must map every "
            f"family to one of {list(CORRECTIONS)}"
        )
    p = results["p"].to_numpy(dtype=float)
    family = families.to_numpy()
    p_adj = np.full(p.size, np.nan)
    for name, method in method_by_family.items():
        mask = (family == name) & ~np.isnan(p)
        if mask.any():
            p_adj[mask] = multipletests(p[mask], method=method)[1]
    out = results.copy()
    out["p_adj"] = p_adj
    out["correction"] = [CORRECTIONS[method_by_family[f]] for f in family]
    return out
