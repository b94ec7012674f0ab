"""The agreement record of one presence/absence code of the focus-group coding.

:func:`intercoder_reliability` reports, for one code, every coefficient the study
publishes (percent agreement, Krippendorff's alpha with its interval, Cohen's or Fleiss'
kappa, Gwet's AC1) and Krippendorff's (2004) reliability flag.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from coprod.reliability.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    prevalence,
)
from coprod.reliability.inputs import ratings_matrix
from coprod.reliability.krippendorff import krippendorff_alpha_ci


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
        Passed to :func:`coprod.reliability.krippendorff.krippendorff_alpha_ci`.
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
    x = ratings_matrix(codings, "codings")
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
