"""The agreement record of one presence/absence code of the focus-group coding.

:func:`intercoder_reliability` reports, for one code, every coefficient the study
publishes (percent agreement, Krippendorff's alpha with its interval, Cohen's or Fleiss'
kappa, Gwet's AC1) and Krippendorff's (2004) reliability flag, and, for readers who want
them, the chance-corrected coefficients of irrCAC with Gwet's standard errors and intervals
(:mod:`coprod.reliability.chance_corrected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from coprod.reliability.agreement import cohen_kappa, fleiss_kappa, prevalence
from coprod.reliability.chance_corrected import COEFFICIENTS, agreement_coefficient
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
    coefficients: Sequence[str] = COEFFICIENTS,
    population: float = np.inf,
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
        Passed to :func:`coprod.reliability.krippendorff.krippendorff_alpha_ci`; ``ci`` is
        also the level of every standard-error interval.
    unreliable_below, reliable_from : float
        Krippendorff's (2004) thresholds for the flag: alpha < ``unreliable_below`` is
        "unreliable", alpha < ``reliable_from`` "tentative", otherwise "reliable";
        "undefined" when alpha is NaN (nobody coded it present, or everybody did).
    coefficients : sequence of str
        Which of :data:`~coprod.reliability.chance_corrected.COEFFICIENTS` to record with
        their standard error, interval and p (irrCAC's ``*.raw`` functions, categories 0
        and 1); default all.
    population : float
        Units in the population the coded units come from (irrCAC's ``N``, for the
        finite-population correction of the standard errors); default infinite.

    Returns
    -------
    dict
        ``n_units`` (units coded by 2+ coders), ``n_coders``, ``prevalence``,
        ``percent_agreement``, ``krippendorff_alpha`` (at ``level``), ``alpha_ci_low``,
        ``alpha_ci_high``, ``alpha_level``, ``kappa`` (Cohen's for 2 coders, Fleiss' for 3+),
        ``kappa_se``, ``kappa_ci_low``, ``kappa_ci_high`` (Cohen's: Fleiss, Cohen & Everitt
        1969; Fleiss': Gwet 2014), ``kappa_type`` ("cohen" or "fleiss"), ``gwet_ac1`` (with
        categories 0 and 1), ``flag``; and for each of ``coefficients`` its column
        (``percent_agreement``, ``gwet_ac1``, ``fleiss_kappa``, ``conger_kappa``,
        ``brennan_prediger``) with ``_se``, ``_ci_low``, ``_ci_high`` and ``_p`` (two-sided).

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
    unknown = [name for name in coefficients if name not in COEFFICIENTS]
    if unknown:
        raise ValueError(
            f"coefficients {unknown} are unknown; choose among {', '.join(COEFFICIENTS)}"
        )
    alpha = krippendorff_alpha_ci(x.T, level, n_boot=n_boot, seed=seed, ci=ci)
    extra = {"population": population, "ci": ci, "labels": (0, 1)}
    if x.shape[1] == 2:
        cohen = cohen_kappa(x[:, 0], x[:, 1], labels=(0, 1), ci=ci, population=population)
        kappa = {key: cohen[key] for key in ("kappa", "se", "ci_low", "ci_high")}
        kappa_type = "cohen"
    else:
        fleiss = fleiss_kappa(x, **extra)
        kappa = {"kappa": fleiss["estimate"]}
        kappa.update({key: fleiss[key] for key in ("se", "ci_low", "ci_high")})
        kappa_type = "fleiss"
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
        "percent_agreement": agreement_coefficient(x, "percent", **extra)["pa"],
        "krippendorff_alpha": estimate,
        "alpha_ci_low": alpha["ci_low"],
        "alpha_ci_high": alpha["ci_high"],
        "alpha_level": level,
        "kappa": kappa["kappa"],
        "kappa_se": kappa["se"],
        "kappa_ci_low": kappa["ci_low"],
        "kappa_ci_high": kappa["ci_high"],
        "kappa_type": kappa_type,
        "gwet_ac1": agreement_coefficient(x, "gwet", **extra)["estimate"],
        "flag": flag,
        **_with_standard_errors(x, coefficients, extra),
    }


_COLUMNS = {
    "percent": "percent_agreement",
    "gwet": "gwet_ac1",
    "fleiss": "fleiss_kappa",
    "conger": "conger_kappa",
    "brennan_prediger": "brennan_prediger",
}


def _with_standard_errors(
    x: np.ndarray, coefficients: Sequence[str], extra: dict
) -> dict[str, float]:
    """Each chosen coefficient with its standard error, interval and p, in record columns."""
    record = {}
    for name in coefficients:
        result = agreement_coefficient(x, name, **extra)
        column = _COLUMNS[name]
        record[column] = result["estimate"]
        for key in ("se", "ci_low", "ci_high", "p"):
            record[f"{column}_{key}"] = result[key]
    return record
