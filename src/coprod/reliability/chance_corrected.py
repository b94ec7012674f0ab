"""Chance-corrected agreement coefficients of Gwet's framework, with their standard errors.

Percent agreement, Gwet's AC1/AC2, Fleiss' (generalised) kappa, Conger's kappa and
Brennan–Prediger, unweighted or weighted, for any number of coders and missing codes, as
R ``irrCAC``'s ``*.raw`` functions compute them (Gwet 2014, *Handbook of Inter-Rater
Reliability*, 4th ed., chapters 2–5; the irrCAC source, ``R/agree.coeff3.raw.r``):

- ``pa``: the weighted share of agreeing coder pairs, averaged over the units coded by two
  or more coders (Gwet 2014, chapters 2 and 3);
- ``pe``: the chance agreement, the one thing in which the coefficients differ;
- the coefficient ``(pa - pe) / (1 - pe)``;
- its standard error from Gwet's linearisation (Gwet 2008, *BJMSP* 61:29–48; Gwet 2014,
  chapter 5): the variance of per-unit terms, times ``(1 - f) / (n (n - 1))`` with
  ``f = n / N`` the sampling fraction of ``N`` units in the population (``N`` infinite by
  default, as in irrCAC, so ``f = 0``);
- the interval ``estimate -/+ t(1 - (1 - ci)/2, n - 1) * se`` with the upper bound capped at
  1; the two-sided p-value ``2 (1 - pt(|estimate / se|, n - 1))`` of irrCAC 1.0 (CRAN) and
  the one-sided ``1 - pt(estimate / se, n - 1)`` that irrCAC reports since its 2021
  revision (GitHub ``kgwet/irrCAC``).

A chance agreement of 1 (every rating in one of the categories given, as for a code no
coder applied) leaves the coefficient 0/0: NaN, as irrCAC gives it, not an error.

``n`` counts the units coded by at least one coder (irrCAC asks its users to drop the
others; here they are dropped). Categories are the numerically sorted codes observed, or
``labels``; weights are computed from the category values as irrCAC's weight functions do
(:func:`agreement_weights`).

Decisions
---------
Written here rather than wrapping the Python port ``irrCAC`` (0.4.4, PyPI, the latest): it
pins ``pandas<3`` and ``scipy==1.12``, and run on this stack (pandas 3.1, scipy 1.17) on
irrCAC's own ``cac.raw4raters`` it gives AC1 0.78553 and Brennan–Prediger 0.78182 where R
irrCAC prints 0.77544 and 0.77273, and NaN for every coefficient with quadratic weights
(checked 2026-12-06). Every function here is pinned by tests to irrCAC's documented
outputs (its README and vignettes, ``tests/test_agreement.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from coprod.reliability.inputs import as_vector, check_ci, ratings_matrix

Weights = Literal[
    "identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"
]
WEIGHTS: tuple[str, ...] = (
    "identity",
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)
Coefficient = Literal["percent", "gwet", "fleiss", "conger", "brennan_prediger"]
COEFFICIENTS: tuple[str, ...] = ("percent", "gwet", "fleiss", "conger", "brennan_prediger")


def categories_of(codes: np.ndarray, labels: Sequence[float] | None) -> np.ndarray:
    """Sorted categories: the observed codes, or ``labels`` (which must contain them all)."""
    observed = np.unique(codes[~np.isnan(codes)])
    if labels is None:
        return observed
    categories = np.unique(as_vector(labels, "labels"))
    if np.isnan(categories).any():
        raise ValueError("labels must not contain NaN")
    unknown = np.setdiff1d(observed, categories)
    if unknown.size:
        raise ValueError(f"codes {unknown.tolist()} are not among labels {categories.tolist()}")
    return categories


def agreement_weights(categories: ArrayLike, weights: Weights | str = "identity") -> np.ndarray:
    """Agreement weights between categories, as irrCAC's weight functions compute them.

    Parameters
    ----------
    categories : array-like of numbers
        The categories, sorted ascending (their numeric values set the distances).
    weights : str
        ``"identity"`` (unweighted), ``"linear"`` 1 - |k-l|/(max-min), ``"quadratic"``
        1 - (k-l)^2/(max-min)^2, ``"ordinal"`` (on ranks), ``"radical"``, ``"ratio"``,
        ``"circular"`` or ``"bipolar"``: Gwet (2014), section 3.3, and R
        ``irrCAC::linear.weights`` etc. (``R/weights.gen.r``), which use the category values
        themselves, not their ranks (unlike ``irr::kappa2``). One category: weight 1.
        Ratio weights put 1 on the diagonal also for a category 0 (irrCAC's formula gives
        0/0 there).

    Examples
    --------
    >>> agreement_weights([1, 2, 3], "ordinal").round(4).tolist()
    [[1.0, 0.6667, 0.0], [0.6667, 1.0, 0.6667], [0.0, 0.6667, 1.0]]
    """
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHTS)}; got {weights!r}")
    x = np.asarray(categories, dtype=float)
    q = x.size
    if weights == "identity" or q == 1:
        return np.eye(q) if q > 1 else np.ones((1, 1))
    low, high = x.min(), x.max()
    diff = np.subtract.outer(x, x)
    total = np.add.outer(x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights == "linear":
            w = 1 - np.abs(diff) / (high - low)
        elif weights == "quadratic":
            w = 1 - diff**2 / (high - low) ** 2
        elif weights == "radical":
            w = 1 - np.sqrt(np.abs(diff)) / np.sqrt(high - low)
        elif weights == "ratio":
            w = 1 - (diff / total) ** 2 / ((high - low) / (high + low)) ** 2
        elif weights == "ordinal":
            span = np.abs(np.subtract.outer(np.arange(q), np.arange(q))) + 1
            d = span * (span - 1) / 2
            w = 1 - d / d.max()
        elif weights == "circular":
            d = np.sin(np.pi * diff / (high - low + 1)) ** 2
            w = 1 - d / d.max()
        else:  # bipolar
            d = diff**2 / ((total - 2 * low) * (2 * high - total))
            np.fill_diagonal(d, 0.0)
            w = 1 - d / d.max()
    np.fill_diagonal(w, 1.0)
    return w


def t_interval(estimate: float, se: float, n: int, ci: float) -> dict[str, float]:
    """irrCAC's interval (upper bound capped at 1) and p-values, t with n - 1 df."""
    if n < 2 or not np.isfinite(se):
        return dict.fromkeys(("ci_low", "ci_high", "p", "p_one_sided"), np.nan)
    half = se * stats.t.ppf(1 - (1 - ci) / 2, n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.float64(estimate) / se  # se = 0 (a census, N = n): t is infinite, p is 0
    return {
        "ci_low": float(estimate - half),
        "ci_high": float(min(1.0, estimate + half)),
        "p": float(2 * stats.t.sf(abs(t), n - 1)),
        "p_one_sided": float(stats.t.sf(t, n - 1)),
    }


def sampling_fraction(population: float, n: int) -> float:
    """The sampling fraction n / N, or raise if N is not a number of units >= n."""
    if isinstance(population, bool) or not isinstance(population, int | float | np.number):
        raise ValueError(
            f"population must be the number of units in the population (or inf); got {population!r}"
        )
    if np.isnan(population) or population < n:
        raise ValueError(
            f"population ({population}) must be at least the number of units coded ({n}); "
            "use inf (the default) for an infinite population"
        )
    return n / population


def _conger_terms(x: np.ndarray, categories: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    """Conger's pe and per-unit pe terms (irrCAC ``conger.kappa.raw``; Gwet 2014, ch. 5)."""
    x = x[:, ~np.isnan(x).all(axis=0)]  # a coder with no code has no marginal distribution
    n, r = x.shape
    if r < 2:
        raise ValueError("Conger's kappa needs two or more coders who coded some unit")
    delta = (x[:, :, None] == categories).astype(float)  # units x coders x categories
    coded = (~np.isnan(x)).astype(float)
    classif = delta.sum(axis=0)  # coders x categories
    n_g = classif.sum(axis=1)
    p_gk = classif / n_g[:, None]
    p_mean = p_gk.mean(axis=0)
    s2 = (p_gk.T @ p_gk - r * np.outer(p_mean, p_mean)) / (r - 1)
    pe = float((w * (np.outer(p_mean, p_mean) - s2 / r)).sum())
    # lambda_ig = sum_k sum_l w_kl (delta_igl - (eps_ig - n_g/n) p_gl) n/n_g (r pbar_k - p_gk)
    weighted = delta @ w.T - (coded - n_g / n)[:, :, None] * (p_gk @ w.T)[None]
    weighted *= (n / n_g)[None, :, None]
    lam = (weighted * (r * p_mean[None, :] - p_gk)[None]).sum(axis=2)
    return pe, lam.sum(axis=1) / (r * (r - 1))


def agreement_coefficient(
    ratings: ArrayLike | pd.DataFrame,
    coefficient: Coefficient | str,
    *,
    weights: Weights | str = "identity",
    labels: Sequence[float] | None = None,
    ci: float = 0.95,
    population: float = np.inf,
) -> dict[str, float | int | str]:
    """One chance-corrected agreement coefficient with Gwet's standard error and interval.

    Parameters
    ----------
    ratings : array-like or DataFrame, units x coders
        Rows are units, columns are coders; numeric codes, NaN = not coded.
    coefficient : {"percent", "gwet", "fleiss", "conger", "brennan_prediger"}
        Percent agreement (pe = 0; irrCAC ``pa.coeff.raw``); Gwet's AC1/AC2 (pe =
        sum(w) sum(pi_k (1 - pi_k)) / (q (q - 1)); Gwet 2008 and 2014, chapter 4; irrCAC
        ``gwet.ac1.raw``); Fleiss' generalised kappa (pe = sum w_kl pi_k pi_l, Fleiss 1971;
        irrCAC ``fleiss.kappa.raw``); Conger's kappa (pe from each coder's own
        distribution, Conger 1980; irrCAC ``conger.kappa.raw``); Brennan–Prediger (pe =
        sum(w) / q^2, Brennan & Prediger 1981; irrCAC ``bp.coeff.raw``).
    weights : str
        One of :data:`WEIGHTS` (see :func:`agreement_weights`); "identity" is unweighted
        (irrCAC ``weights="unweighted"``).
    labels : sequence of numbers, optional
        All categories coders could use (irrCAC ``categ.labels``); by default the codes
        observed. The number of categories q changes AC1/AC2 and Brennan–Prediger.
    ci : float
        Confidence level (irrCAC ``conflev``).
    population : float
        Number of units in the population (irrCAC ``N``): the variance is multiplied by
        ``1 - n / population``. Default infinite, as in irrCAC.

    Returns
    -------
    dict
        ``coefficient``, ``weights``, ``estimate``, ``pa``, ``pe``, ``se``, ``ci_low``,
        ``ci_high`` (irrCAC's ``coeff.val``, ``pa``, ``pe``, ``coeff.se``, ``conf.int``
        unrounded), ``p`` (two-sided, irrCAC 1.0's ``p.value``) and ``p_one_sided``
        (of estimate > 0, irrCAC's ``p.value`` since 2021), both t with n - 1 df,
        ``n_units`` (units with a code: irrCAC's n), ``n_pairable`` (units coded 2+ times),
        ``n_codes`` (irrCAC ``tot.obs``). Everything but ``pa`` is NaN with fewer than two
        categories (irrCAC then puts pe = 1e-15 and reports ``pa``).

    Examples
    --------
    irrCAC's README: ``gwet.ac1.raw(cac.raw4raters)`` prints coeff.val 0.77544, coeff.se
    0.14295, conf.int (0.461,1).

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
    ...            [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5],
    ...            [nan, nan, 1, 1], [nan, nan, 3, nan]]
    >>> ac1 = agreement_coefficient(ratings, "gwet")
    >>> round(ac1["estimate"], 5), round(ac1["se"], 5), round(ac1["ci_low"], 3), ac1["ci_high"]
    (0.77544, 0.14295, 0.461, 1.0)
    """
    if coefficient not in COEFFICIENTS:
        raise ValueError(
            f"coefficient must be one of {', '.join(COEFFICIENTS)}; got {coefficient!r}"
        )
    check_ci(ci)
    x = ratings_matrix(ratings)
    x = x[~np.isnan(x).all(axis=1)]
    categories = categories_of(x, labels)
    w = agreement_weights(categories, weights)
    counts = (x[:, :, None] == categories).sum(axis=1).astype(float)
    n, q = counts.shape
    f = sampling_fraction(population, n)
    r = counts.sum(axis=1)
    pairable = r >= 2
    n2 = int(np.count_nonzero(pairable))
    if n2 == 0:
        raise ValueError("ratings have no unit coded by two or more coders")
    agree = (counts * (counts @ w.T - 1)).sum(axis=1)
    pa_unit = np.where(pairable, agree / np.where(pairable, r * (r - 1), 1.0), 0.0)
    pa = float(pa_unit[pairable].mean())
    record: dict[str, float | int | str] = {
        "coefficient": coefficient,
        "weights": weights,
        "pa": pa,
        "n_units": n,
        "n_pairable": n2,
        "n_codes": int(r.sum()),
    }
    fields = ("estimate", "pe", "se", "ci_low", "ci_high", "p", "p_one_sided")
    if q < 2 and coefficient != "percent":
        return {**record, **dict.fromkeys(fields, np.nan)}
    pi = (counts / r[:, None]).mean(axis=0)
    pe_unit = None
    if coefficient == "percent":
        pe = 0.0
    elif coefficient == "gwet":
        scale = w.sum() / (q * (q - 1))
        pe = float(scale * (pi * (1 - pi)).sum())
        pe_unit = scale * (counts @ (1 - pi)) / r
    elif coefficient == "fleiss":
        pe = float((w * np.outer(pi, pi)).sum())
        pe_unit = counts @ ((w @ pi + w.T @ pi) / 2) / r
    elif coefficient == "brennan_prediger":
        pe = float(w.sum() / q**2)
    else:
        pe, pe_unit = _conger_terms(x, categories, w)
    if np.isclose(pe, 1.0, rtol=0.0, atol=1e-12):
        # every code in one category (a code no coder applied, say): chance agreement is
        # total and (pa - pe) / (1 - pe) is 0/0, NaN in irrCAC too
        return {**record, **dict.fromkeys(fields, np.nan), "pe": pe}
    estimate = (pa - pe) / (1 - pe)
    unit = (n / n2) * (pa_unit - pe * pairable) / (1 - pe)
    if pe_unit is not None:
        unit = unit - 2 * (1 - estimate) * (pe_unit - pe) / (1 - pe)
    se = np.nan
    if n >= 2:
        se = float(np.sqrt((1 - f) / (n * (n - 1)) * ((unit - estimate) ** 2).sum()))
    return {
        **record,
        "estimate": float(estimate),
        "pe": pe,
        "se": se,
        **t_interval(estimate, se, n, ci),
    }


def gwet_ac(
    ratings: ArrayLike | pd.DataFrame,
    weights: Weights | str = "identity",
    *,
    labels: Sequence[float] | None = None,
    ci: float = 0.95,
    population: float = np.inf,
) -> dict[str, float | int | str]:
    """Gwet's AC1 (unweighted) or AC2 (weighted), with Gwet's standard error and interval.

    Gwet (2008), *BJMSP* 61:29–48 (AC1 and its variance); Gwet (2014), *Handbook of
    Inter-Rater Reliability*, 4th ed., chapters 4–5 (AC2 with weights, the variance with
    the finite-population correction). Matches R ``irrCAC::gwet.ac1.raw(ratings, weights,
    categ.labels, conflev, N)``. Parameters and returned fields as
    :func:`agreement_coefficient` (``estimate`` is AC1 or AC2).

    Examples
    --------
    >>> result = gwet_ac([[1, 1], [1, 1], [1, 1], [1, 0], [0, 0]])
    >>> round(result["estimate"], 3)
    0.655
    """
    return agreement_coefficient(
        ratings, "gwet", weights=weights, labels=labels, ci=ci, population=population
    )


def brennan_prediger(
    ratings: ArrayLike | pd.DataFrame,
    weights: Weights | str = "identity",
    *,
    labels: Sequence[float] | None = None,
    ci: float = 0.95,
    population: float = np.inf,
) -> dict[str, float | int | str]:
    """Brennan–Prediger coefficient (chance agreement sum(w) / q^2), with Gwet's SE.

    Brennan & Prediger (1981), *Educational and Psychological Measurement* 41:687–699;
    variance: Gwet (2014), chapter 5. Matches R ``irrCAC::bp.coeff.raw``. Parameters and
    returned fields as :func:`agreement_coefficient`.

    Examples
    --------
    >>> round(brennan_prediger([[1, 1], [1, 1], [1, 1], [1, 0], [0, 0]])["estimate"], 2)
    0.6
    """
    return agreement_coefficient(
        ratings, "brennan_prediger", weights=weights, labels=labels, ci=ci, population=population
    )


def conger_kappa(
    ratings: ArrayLike | pd.DataFrame,
    weights: Weights | str = "identity",
    *,
    labels: Sequence[float] | None = None,
    ci: float = 0.95,
    population: float = np.inf,
) -> dict[str, float | int | str]:
    """Conger's kappa: Cohen's kappa for two or more coders, each with own marginals.

    Conger (1980), *Psychological Bulletin* 88:322–328; variance: Gwet (2014), chapter 5.
    Matches R ``irrCAC::conger.kappa.raw``; with two coders and no missing code it equals
    Cohen's kappa. Parameters and returned fields as :func:`agreement_coefficient`.

    Examples
    --------
    >>> round(conger_kappa([[1, 1], [1, 1], [1, 1], [1, 0], [0, 0]])["estimate"], 4)
    0.5455
    """
    return agreement_coefficient(
        ratings, "conger", weights=weights, labels=labels, ci=ci, population=population
    )
