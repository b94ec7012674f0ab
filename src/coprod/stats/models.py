"""Regression models: proportional-odds logit and OLS with standardised coefficients.

:func:`ordinal_logit` regresses an ordinal item on a two-valued predictor;
:func:`ols_standardised` regresses a score on several predictors. Both take fixed
effects (e.g. the case) as treatment dummies, refuse designs whose tested predictors
are not identified, and return records (:mod:`coprod.stats.records`).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from coprod.stats.inputs import check_columns, numeric
from coprod.stats.records import record, to_frame

# statsmodels' model classes (~0.3 s each) are imported inside the functions that use
# them: Snakemake starts a fresh interpreter for every job, and most jobs need neither.

COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")


def _level(value: Any) -> str:
    """A predictor's level as a reader writes it: 1 for a numeric 1.0, 'yes' for a label."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(str(value))


def _binary_indicator(series: pd.Series, name: str) -> tuple[np.ndarray, Any, Any]:
    """A two-valued variable as 0/1, with the labels coded 0 and 1.

    1 is the second category of a Categorical, else the larger (or later
    sorted) of the two values; True and 1 are therefore coded 1.
    """
    cat = pd.Categorical(series).remove_unused_categories()
    if len(cat.categories) != 2:
        raise ValueError(
            f"{name!r} must have exactly 2 distinct values, found "
            f"{len(cat.categories)}: {list(cat.categories)}"
        )
    return np.asarray(cat.codes, dtype=float), cat.categories[0], cat.categories[1]


def _fixed_effect_dummies(data: pd.DataFrame, fixed_effects: Sequence[str]) -> pd.DataFrame:
    """Treatment dummies of the fixed effects' observed levels, first level dropped.

    Columns are named ``<fixed effect>_<level>``, as ``pd.get_dummies(prefix=...)``.
    """
    columns = {}
    for fe in fixed_effects:
        levels = pd.Categorical(data[fe]).remove_unused_categories()
        for code, level in enumerate(levels.categories[1:], start=1):
            columns[f"{fe}_{level}"] = (levels.codes == code).astype(float)
    return pd.DataFrame(columns, index=data.index)


def _check_identified(
    tested: pd.DataFrame, dummies: pd.DataFrame, fixed_effects: Sequence[str]
) -> None:
    """Raise if the design [1, tested, dummies] is rank-deficient, naming the culprits."""
    ones = np.ones((len(tested), 1))
    design = np.hstack([ones, tested.to_numpy(float), dummies.to_numpy(float)])
    rank = np.linalg.matrix_rank(design)
    if rank == design.shape[1]:
        return
    base = np.hstack([ones, dummies.to_numpy(float)])
    if np.linalg.matrix_rank(base) < base.shape[1]:
        raise ValueError(
            f"fixed effects {list(fixed_effects)} are collinear with each other (one is nested "
            "in or duplicates another); keep only one of them"
        )
    culprits = [
        name
        for i, name in enumerate(tested.columns)
        if np.linalg.matrix_rank(np.delete(design, i + 1, axis=1)) == rank
    ]
    raise ValueError(
        f"predictor(s) {culprits} are collinear with the fixed effects {list(fixed_effects)} "
        "or with each other (constant, or not varying within fixed-effect levels); drop the "
        "predictor or the fixed effect"
    )


@functools.cache
def _logit_ordered_model() -> type:
    """statsmodels ``OrderedModel`` (logit link) with a fast cdf and analytic derivatives.

    The model, its parameters (coefficients, first cut point, log increments of the
    others) and its log-likelihood are statsmodels'. Two things are faster: the
    logistic cdf is ``scipy.special.expit`` (``scipy.stats.logistic.cdf`` computes
    the same after checks that cost ten times as much), and the score and Hessian are
    analytic instead of numerical (statsmodels differentiates the log-likelihood
    numerically, with 2 evaluations per parameter for a gradient and hundreds for the
    Hessian). With the exact Hessian, Newton's method reaches the maximum in a few
    steps; statsmodels' BFGS on numerical derivatives stops at its gradient tolerance,
    up to about 1e-3 away from it. The Wald standard errors come from the exact Hessian
    rather than a finite-difference one.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class LogitOrderedModel(OrderedModel):
        # How many observations each row stands for: identical rows (the same outcome
        # level and covariates) contribute identically to the likelihood, so they are
        # fitted once with their count as a frequency weight. None: one each.
        frequency: np.ndarray | None = None

        def cdf(self, x: np.ndarray) -> np.ndarray:
            return expit(x)

        @functools.cached_property
        def _weights(self) -> np.ndarray:
            if self.frequency is None:
                return np.ones(len(self.endog))
            return np.asarray(self.frequency, dtype=float)

        def loglike(self, params: np.ndarray) -> float:
            return float(self.loglikeobs(params) @ self._weights)

        @property
        def start_params(self) -> np.ndarray:
            """statsmodels' start (the null model's cut points), from weighted frequencies."""
            freq = np.bincount(self.endog, weights=self._weights) / self._weights.sum()
            start_ppf = self.distr.ppf(np.clip(freq.cumsum(), 0, 1))
            start_threshold = self.transform_reverse_threshold_params(start_ppf)
            return np.concatenate((np.zeros(self.k_vars), start_threshold))

        @functools.cached_property
        def _bound_gradients(self) -> tuple[np.ndarray, np.ndarray]:
            """Gradients of each observation's lower and upper bound in (beta, cut points).

            Observation i of level y has the bounds a = t_y - x'beta and b = t_(y+1) -
            x'beta (t_0 = -inf, t_K = inf), linear in phi = (beta, t_1..t_(K-1)): their
            gradients are (-x, e_y) and (-x, e_(y+1)). Rows of an infinite bound get no
            cut-point column; their density is 0 anyway.
            """
            exog = np.asarray(self.exog, dtype=float)
            cut_points = np.arange(1, self.k_levels)
            lower = (self.endog[:, None] == cut_points).astype(float)
            upper = (self.endog[:, None] + 1 == cut_points).astype(float)
            return np.hstack([-exog, lower]), np.hstack([-exog, upper])

        def _derivatives(self, params: np.ndarray, hessian: bool) -> tuple[np.ndarray, ...]:
            """Score (and Hessian) of the log-likelihood in statsmodels' parameters.

            With P = F(b) - F(a) and l = log P, the score in phi is sum(l_a da + l_b db)
            and the Hessian sum(l_aa da da' + l_bb db db' + l_ab (da db' + db da')) (a and
            b are linear in phi). statsmodels' parameters are (beta, th) with cut points
            t = th_0 + cumsum(0, exp(th_1), ...), Jacobian J: the score is A' g_phi and
            the Hessian A' H_phi A + diag(0, .., 0, score of th_1, ...), A =
            blockdiag(I, J), since d2 t / d th_l^2 = exp(th_l) = d t / d th_l.
            """
            d_a, d_b = self._bound_gradients
            low, upp = self._bounds(params)
            prob = self.prob(low, upp) + 1e-20  # as OrderedModel.loglikeobs
            cdf_low, cdf_upp = expit(low), expit(upp)
            w = self._weights
            l_a = -cdf_low * (1 - cdf_low) / prob  # the logistic density is F (1 - F)
            l_b = cdf_upp * (1 - cdf_upp) / prob
            k = self.k_levels
            n_beta = d_a.shape[1] - (k - 1)
            th = params[-(k - 1) :]
            increments = np.concatenate(([1.0], np.exp(th[1:])))
            a = np.eye(n_beta + k - 1)
            a[n_beta:, n_beta:] = np.tril(np.ones((k - 1, k - 1))) * increments
            score = a.T @ (d_a.T @ (w * l_a) + d_b.T @ (w * l_b))
            if not hessian:
                return (score,)
            # second derivatives; the density's derivative is F (1 - F) (1 - 2F)
            l_aa = w * (l_a * (1 - 2 * cdf_low) - l_a**2)
            l_bb = w * (l_b * (1 - 2 * cdf_upp) - l_b**2)
            cross = (d_a * (-w * l_a * l_b)[:, None]).T @ d_b
            hess_phi = (d_a * l_aa[:, None]).T @ d_a + (d_b * l_bb[:, None]).T @ d_b
            hess_phi += cross + cross.T
            curvature = np.concatenate((np.zeros(n_beta + 1), score[n_beta + 1 :]))
            return score, a.T @ hess_phi @ a + np.diag(curvature)

        def score(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params, hessian=False)[0]

        def hessian(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params, hessian=True)[1]

    return LogitOrderedModel


def ordinal_logit(
    df: pd.DataFrame, outcome: str, predictor: str, fixed_effects: Sequence[str] = ()
) -> dict[str, Any]:
    """Proportional-odds logistic regression of an ordinal item on a binary predictor.

    statsmodels ``OrderedModel`` (logit link), P(y <= j) = logistic(c_j -
    b x - fixed effects), fitted by maximum likelihood (Newton's method with
    the analytic score and Hessian; BFGS if Newton fails), with treatment
    dummies of the fixed effects' observed levels. The estimate is the
    predictor's log odds ratio b (exp(b) is the odds ratio): positive when the
    level coded 1 has higher outcome categories, as R's ``MASS::polr``. CI
    and p are Wald (z). Outcome levels without observations are dropped
    (their thresholds are not identified) and ``method`` lists them.

    Parameters
    ----------
    df : pandas.DataFrame
        The data; rows with a missing value in a used column are dropped.
    outcome : str
        Ordinal column: numeric (its sorted values are the levels) or an
        ordered Categorical.
    predictor : str
        Column with exactly 2 distinct values; 1 is the second category of a
        Categorical, else the larger value (True, 1).
    fixed_effects : sequence of str
        Categorical columns entered as fixed effects (e.g. the case).

    Returns
    -------
    dict
        One record; ``estimate`` is the log odds ratio of the predictor.

    Raises
    ------
    ValueError
        A missing column, an unordered or single-level outcome, a predictor
        without exactly 2 values, or a predictor collinear with the fixed
        effects (constant within their levels) or fixed effects nested in
        each other.
    RuntimeError
        If the fit does not converge or its covariance is not estimable
        (often complete separation).

    Examples
    --------
    >>> data = pd.DataFrame({"item": [1, 2, 2, 3, 3, 4, 2, 3, 4, 5, 4, 5],
    ...                      "class": ["a"] * 6 + ["b"] * 6})
    >>> rec = ordinal_logit(data, "item", "class")
    >>> rec["effect"], rec["estimate"] > 0
    ('log_odds_ratio', True)
    """
    check_columns(df, [outcome, predictor, *fixed_effects])
    data = df[[outcome, predictor, *fixed_effects]].dropna()
    raw = data[outcome]
    if isinstance(raw.dtype, pd.CategoricalDtype):
        if not raw.cat.ordered:
            raise ValueError(f"outcome {outcome!r} is an unordered Categorical; make it ordered")
        levels = pd.Categorical(raw)
    elif pd.api.types.is_numeric_dtype(raw):
        levels = pd.Categorical(raw.astype("float64"), ordered=True)
    else:
        raise ValueError(
            f"outcome {outcome!r} must be numeric or an ordered Categorical, got {raw.dtype}"
        )
    observed = levels.remove_unused_categories()
    unused = [c for c in levels.categories if c not in observed.categories]
    levels = observed
    if len(levels.categories) < 2:
        raise ValueError(
            f"outcome {outcome!r} has {len(levels.categories)} observed level(s); need at least 2"
        )
    x, label0, label1 = _binary_indicator(data[predictor], f"predictor {predictor}")
    # The likelihood depends on a row only through its outcome level and covariates:
    # each distinct row is fitted once, weighted by how often it occurs (the same
    # estimates, at a cost set by the design's cells, not by the number of respondents).
    # (np.unique sorts the distinct rows as a sorted groupby would, without pandas' cost)
    dummies = _fixed_effect_dummies(data, fixed_effects)
    rows = np.column_stack([levels.codes.astype(float), x, dummies.to_numpy(float)])
    distinct, frequency = np.unique(rows, axis=0, return_counts=True)
    exog = pd.DataFrame(distinct[:, 1:], columns=[predictor, *dummies.columns])
    _check_identified(
        pd.DataFrame(distinct[:, 1:2], columns=[predictor]),
        pd.DataFrame(distinct[:, 2:], columns=dummies.columns),
        fixed_effects,
    )
    endog = pd.Series(
        pd.Categorical.from_codes(distinct[:, 0].astype(int), levels.categories, ordered=True)
    )
    model = _logit_ordered_model()(endog, exog, distr="logit")
    model.frequency = frequency
    try:
        fit = model.fit(method="newton", maxiter=100, disp=False)
    except np.linalg.LinAlgError:  # a singular Hessian on the way: let BFGS try
        fit = None
    if fit is None or not fit.mle_retvals["converged"]:
        fit = model.fit(method="bfgs", maxiter=1000, disp=False)
    if not fit.mle_retvals["converged"] or not np.isfinite(fit.bse[predictor]):
        raise RuntimeError(
            f"ordinal logit of {outcome!r} on {predictor!r} did not converge or has no "
            "standard error (often complete separation: one level of the predictor has "
            "only the extreme categories)"
        )
    low, high = fit.conf_int().loc[predictor]
    dropped = f"; unused outcome levels dropped: {unused}" if unused else ""
    return record(
        effect=("log_odds_ratio", fit.params[predictor], (low, high)),
        test=("z", fit.tvalues[predictor], np.nan, fit.pvalues[predictor]),
        n=len(data),
        method=(
            f"Proportional-odds logistic regression (statsmodels OrderedModel), Wald z and 95% "
            f"CI; predictor 1 = {label1!r} vs 0 = {label0!r}; fixed effects: "
            f"{list(fixed_effects)}{dropped}"
        ),
    )


def ols_standardised(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    fixed_effects: Sequence[str] = (),
    cov_type: str = "HC3",
) -> pd.DataFrame:
    """OLS with fixed effects and standardised coefficients, one record per predictor.

    Nullable columns are cast to float64 first. On the complete-case sample
    the outcome and each continuous predictor are z-scored (SD with ddof=1),
    so their coefficient is a standardised beta. A predictor with exactly two
    distinct values is coded 0/1 (1 = second category, or larger value) and
    left unscaled: its coefficient is the difference between its two levels
    in outcome SDs. Fixed effects enter as treatment dummies. Standard errors
    follow ``cov_type`` (default HC3, heteroscedasticity-robust); CIs and p
    use the t distribution on the residual df.

    Parameters
    ----------
    df : pandas.DataFrame
        The data.
    outcome : str
        Numeric outcome column.
    predictors : sequence of str
        Numeric or two-valued columns.
    fixed_effects : sequence of str
        Categorical columns entered as fixed effects (e.g. the case).
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3"}
        Covariance estimator.

    Returns
    -------
    pandas.DataFrame
        One record per predictor, with its name in ``term``.

    Raises
    ------
    ValueError
        Missing columns, no predictors, an unknown ``cov_type``, a
        non-numeric predictor with more than 2 values, a constant outcome, or
        a predictor collinear with the others or the fixed effects.

    Examples
    --------
    >>> data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0],
    ...                      "skill": [1.0, 2.0, 2.5, 4.0, 3.0, 5.0, 6.0, 6.5]})
    >>> ols_standardised(data, "y", ["skill"])["term"].tolist()
    ['skill']
    """
    from statsmodels.regression.linear_model import OLS

    if cov_type not in COV_TYPES:
        raise ValueError(f"cov_type must be one of {list(COV_TYPES)}, got {cov_type!r}")
    if not predictors:
        raise ValueError("predictors must name at least one column")
    check_columns(df, [outcome, *predictors, *fixed_effects])
    data = df[[outcome, *predictors, *fixed_effects]].dropna()
    y = numeric(data[outcome], f"outcome {outcome}")
    if y.std() == 0:
        raise ValueError(f"outcome {outcome!r} is constant in the analysis sample")
    columns, notes, continuous = {}, {}, []
    for name in predictors:
        series = data[name]
        if series.nunique() == 2:
            columns[name], label0, label1 = _binary_indicator(series, f"predictor {name}")
            notes[name] = (
                f"binary predictor (1 = {_level(label1)}, 0 = {_level(label0)}) left 0/1: "
                "estimate in outcome SDs"
            )
        elif pd.api.types.is_numeric_dtype(series):
            columns[name] = numeric(series, f"predictor {name}")
            notes[name] = "predictor z-scored"
            continuous.append(name)
        else:
            raise ValueError(
                f"predictor {name!r} is non-numeric with {series.nunique()} values; enter "
                "categorical variables as fixed_effects"
            )
    tested = pd.DataFrame(columns, index=data.index)
    dummies = _fixed_effect_dummies(data, fixed_effects)
    _check_identified(tested, dummies, fixed_effects)
    for name in continuous:
        tested[name] = (tested[name] - tested[name].mean()) / tested[name].std()
    design = pd.concat([pd.Series(1.0, index=data.index, name="const"), tested, dummies], axis=1)
    fit = OLS((y - y.mean()) / y.std(ddof=1), design).fit(cov_type=cov_type, use_t=True)
    bounds = fit.conf_int()
    return to_frame(
        {
            "term": name,
            **record(
                effect=(
                    "standardised_beta",
                    fit.params[name],
                    (bounds.loc[name, 0], bounds.loc[name, 1]),
                ),
                test=("t", fit.tvalues[name], fit.df_resid, fit.pvalues[name]),
                n=int(fit.nobs),
                method=(
                    f"OLS, outcome z-scored, {notes[name]}; {cov_type} standard errors, t test "
                    f"and 95% CI; fixed effects: {list(fixed_effects)}"
                ),
            ),
        }
        for name in predictors
    )
