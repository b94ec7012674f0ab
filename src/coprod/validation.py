"""Validating the comparisons: seeded studies drawn with known truth, analysed as the study is.

The comparisons stage (:mod:`coprod.compare`) answers the research questions with
tests, effect sizes and confidence intervals. Whether its tests hold their level and
its intervals their coverage on data of this design is checked by simulation:

Conditions
    Each condition is the bundled generative model (:mod:`coprod.synthetic`) with its
    effects scaled by an ``effect_scale`` (:func:`scale_effects`): 0 gives the
    *null* (every planted shift, slope and log-odds effect under the model's
    ``latent`` section is zero, while the baselines named in ``baseline`` - rates,
    intercepts, correlations, cut-offs - stay), 1 the model as planted. Which
    parameters are baselines comes from config; nothing here names a construct.
Replicates
    Replicate ``r`` of a condition is ``generate(study, model, seed)`` with ``seed =
    seed + seed_offset + r`` (:func:`replicate_seed`), run through the study's own
    exclusions (:func:`coprod.clean.apply_exclusions`) and scoring
    (:func:`coprod.scoring.score_responses`), then through the comparison functions
    being validated (:func:`analyse`). The export and ingest steps are skipped: the
    importers are validated elsewhere (``tests/test_ingest.py`` reads files written by
    the same generator back into the generator's own frame), so that frame is what
    they would produce. Replicates are grouped into batches (:func:`batches`), one
    Snakemake job each, so thousands of replicates need not mean thousands of jobs.
Truth
    Population values are computed once per condition (:func:`population_truth`)
    from a large draw of the condition's model with the generator's own population
    machinery (the draw, scores and effect definitions behind ``truth.json``), with
    the stakeholder groups in the study's mix (:func:`population_model`), plus the
    values ``truth.json`` does not hold or holds for another model (epsilon-squared
    and Cramér's V across the levels of a column, the config's staff models, means
    and shares). A replicate draws only a token population and a minimal set of
    focus groups (:func:`replicate_model`): both are drawn after the survey responses
    from the same random stream, so the responses are those of the full model (a
    test checks it) at a fraction of the cost.
Estimands and summary
    Every estimate is one row (:data:`ESTIMATE_COLUMNS`) keyed by ``analysis``,
    ``outcome``, ``term`` and ``effect``, beside its population value (``truth``).
    An estimand is *null* where its population value is within ``null_tolerance`` of
    0 (:func:`attach_truth`); rejections of null estimands are type I errors, of the
    others power. The ordinal model's log odds ratio has no population value: it is
    taken as 0 where the same contrast's rank-biserial r is null (equal distributions
    have no odds ratio to find) and unknown otherwise, so it contributes type I error
    and power but bias and coverage only where null. :func:`summarise` aggregates to
    bias, RMSE, CI coverage and rejection rates per condition, method and family of
    estimands, with Monte Carlo standard errors that treat replicates (not the
    correlated estimates within one) as the independent units.

Example
-------
>>> null = scale_effects(model, 0.0, baseline=["barrier_correlation"])
>>> null["latent"]["barrier_correlation"], null["latent"]["success"]["staff_skills"]
(0.3, 0.0)
>>> rows = run_batch(study, null, truth, settings, replicates=[0, 1], seeds=[1, 2])
... # doctest: +SKIP
>>> summarise(rows, alpha=0.05)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from coprod import compare as C
from coprod.clean import ExclusionSettings, apply_exclusions
from coprod.resources import Study
from coprod.scoring import score_responses
from coprod.synthetic.study import generate
from coprod.synthetic.truth import draw_population

__all__ = [
    "ANALYSES",
    "ESTIMATE_COLUMNS",
    "KEY",
    "METHODS",
    "METHOD_LABELS",
    "NULL_TOLERANCE",
    "AnalysisSettings",
    "analyse",
    "attach_truth",
    "batches",
    "cluster_mean",
    "condition_model",
    "population_frame",
    "population_model",
    "population_truth",
    "replicate_model",
    "replicate_scores",
    "replicate_seed",
    "run_batch",
    "scale_effects",
    "summarise",
    "summarise_estimands",
    "summary_markdown",
    "truth_table",
]

ANALYSES = (
    "contrasts",
    "across_cases",
    "stakeholder_groups",
    "staff",
    "strategy_links",
    "barrier_sides",
    "shares",
    "means",
)
"""The analyses :func:`analyse` can run (config ``validation.analyses``)."""

METHODS = {
    "rank_biserial": "mann_whitney",
    "hedges_g": "hedges_g",
    "log_odds_ratio": "ordinal_logit",
    "epsilon_squared": "kruskal_wallis",
    "cramers_v": "chi_square",
    "standardised_beta": "ols_standardised",
    "partial_r": "partial_correlation",
    "rank_biserial_paired": "wilcoxon_signed_rank",
    "proportion": "wilson",
    "mean": "t_mean",
}
"""The method validated, by the effect a record reports (:mod:`coprod.stats` names)."""

METHOD_LABELS = {
    "mann_whitney": "Mann-Whitney U, rank-biserial r (Fisher-z CI)",
    "hedges_g": "Welch t, Hedges' g (noncentral-t CI)",
    "ordinal_logit": "proportional-odds logit, log odds ratio (Wald CI)",
    "kruskal_wallis": "Kruskal-Wallis H, epsilon-squared (noncentral chi-squared CI)",
    "chi_square": "Pearson chi-squared, Cramér's V (noncentral chi-squared CI)",
    "ols_standardised": "OLS with fixed effects, standardised beta (HC3 t CI)",
    "partial_correlation": "partial correlation (pingouin, Fisher-z CI)",
    "wilcoxon_signed_rank": "Wilcoxon signed-rank, matched-pairs r (Fisher-z CI)",
    "wilson": "share with Wilson CI",
    "t_mean": "mean with t CI",
}

KEY = ("analysis", "outcome", "term", "effect")
ESTIMATE_COLUMNS = (
    "condition",
    "replicate",
    "seed",
    *KEY,
    "method",
    "contrast",
    "family",
    "estimate",
    "ci_low",
    "ci_high",
    "p",
    "p_adj",
    "n",
    "truth",
    "null_effect",
)
"""Columns of a batch file: one row per replicate x estimand x method."""

# The population frame names the stakeholder group as the generator does; the scored
# data as the scoring stage does (coprod.clean.design_columns).
_POPULATION_RENAMES = {"stakeholder_group": "group_id"}
NULL_TOLERANCE = {"default": 0.025, "hedges_g": 0.05, "epsilon_squared": 0.0004}
"""Largest |population value| of a null estimand, by effect; config ``null_tolerance``
entries take precedence. Each is above the noise of a population value from a draw of
400,000 (for the rarest subgroups, e.g. how well a rare risk was managed, an r has SE
0.007 and a g 0.013) and below what a replicate could detect (r = 0.025 raises the
rejection rate of a contrast of 720 respondents to about 0.09); Hedges' g is on about
twice the scale of r, epsilon-squared on that of a squared correlation."""


# --------------------------------------------------------------------------- conditions


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def scale_effects(
    model: Mapping[str, Any],
    factor: float,
    *,
    baseline: Sequence[str] = (),
    root: str = "latent",
) -> dict[str, Any]:
    """A copy of the model with every effect under ``root`` multiplied by ``factor``.

    Walks ``model[root]`` and multiplies each numeric leaf by ``factor`` unless its
    path (dotted, relative to ``root``) is, or lies under, one of ``baseline``.
    ``factor`` 0 gives the null model: every shift, slope and log-odds effect of the
    generator is zero, while baselines (rates, intercepts, correlations, cut-offs)
    are kept. The structure is kept, so every effect the model names stays named
    (with value 0) and the population machinery still computes its estimand.

    Parameters
    ----------
    model : mapping
        The generative model (``resources/synthetic/model.yaml``).
    factor : float
        The effect scale (0: null; 1: as planted).
    baseline : sequence of str
        Paths under ``root`` left unscaled, e.g. ``"risks.rate"``.
    root : str
        The model section that holds the effects.

    Returns
    -------
    dict
        A deep copy; ``model`` is not changed.

    Raises
    ------
    ValueError
        ``root`` or a baseline path that the model does not have.

    Examples
    --------
    >>> model = {"latent": {"rate": 0.3, "effects": {"a": {"x": 0.5, "y": -0.2}}}}
    >>> scale_effects(model, 0.0, baseline=["rate"])["latent"]
    {'rate': 0.3, 'effects': {'a': {'x': 0.0, 'y': 0.0}}}
    """
    if root not in model:
        raise ValueError(f"the model has no section {root!r} to scale the effects of")
    out = copy.deepcopy(dict(model))
    keep = set(baseline)
    seen: set[str] = set()

    def walk(node: Any, path: str) -> Any:
        if path in keep:
            seen.add(path)
            return node
        if isinstance(node, Mapping):
            return {
                key: walk(value, f"{path}.{key}" if path else str(key))
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(value, f"{path}.{i}") for i, value in enumerate(node)]
        if _is_number(node):
            return float(node) * float(factor) + 0.0  # + 0.0: no negative zeros
        return node

    out[root] = walk(out[root], "")
    missing = sorted(keep - seen)
    if missing:
        raise ValueError(
            f"baseline path(s) {missing} are not in the model's {root!r} section; "
            "check validation.baseline in the config against the model file"
        )
    return out


def condition_model(
    model: Mapping[str, Any],
    *,
    effect_scale: float,
    respondents_per_case_sample: int | None = None,
    baseline: Sequence[str] = (),
) -> dict[str, Any]:
    """The model of one condition: effects scaled, sample size per case and sample set.

    Parameters
    ----------
    model : mapping
        The bundled generative model.
    effect_scale : float
        See :func:`scale_effects`.
    respondents_per_case_sample : int, optional
        Clean respondents per case and sample; None keeps the model's.
    baseline : sequence of str
        See :func:`scale_effects`.

    Returns
    -------
    dict
        The condition's model.
    """
    out = scale_effects(model, effect_scale, baseline=baseline)
    if respondents_per_case_sample is not None:
        out["respondents_per_case_sample"] = int(respondents_per_case_sample)
    return out


def replicate_model(model: Mapping[str, Any], study: Study) -> dict[str, Any]:
    """The model a replicate is drawn from: a token population and minimal focus groups.

    :func:`coprod.synthetic.generate` draws the survey responses first, then the focus
    groups, then a population for ``truth.json``, all from one random stream. The
    responses therefore do not depend on the later two, and a replicate needs neither:
    the population shrinks to the study's own size and every focus group to one
    participant and one turn. The responses equal those of the full model.

    Parameters
    ----------
    model : mapping
        A condition's model (:func:`condition_model`).
    study : Study
        The study's resources (for the number of cases).

    Returns
    -------
    dict
        A copy with small ``population_size`` and ``focus_groups`` sizes.
    """
    out = copy.deepcopy(dict(model))
    cells = len(study.cases) * len(model["samples"])
    out["population_size"] = int(model["respondents_per_case_sample"]) * cells
    focus_groups = dict(out["focus_groups"])
    focus_groups["participants"] = [1, 1]
    focus_groups["turns"] = [1, 1]
    out["focus_groups"] = focus_groups
    return out


def replicate_seed(seed: int, seed_offset: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` of a condition: ``seed + seed_offset + replicate``.

    Examples
    --------
    >>> replicate_seed(100, 1000, 7)
    1107
    """
    return int(seed) + int(seed_offset) + int(replicate)


def batches(n_replicates: int, replicates_per_job: int) -> list[range]:
    """Replicate indices grouped into jobs: consecutive ranges of at most the job size.

    Parameters
    ----------
    n_replicates : int
        Replicates of a condition.
    replicates_per_job : int
        Replicates one job runs.

    Returns
    -------
    list of range
        Batch ``b`` holds replicates ``b * replicates_per_job`` onwards.

    Examples
    --------
    >>> [list(b) for b in batches(5, 2)]
    [[0, 1], [2, 3], [4]]
    """
    if n_replicates < 1 or replicates_per_job < 1:
        raise ValueError(
            f"n_replicates and replicates_per_job must be positive, got {n_replicates} "
            f"and {replicates_per_job}"
        )
    return [
        range(start, min(start + replicates_per_job, n_replicates))
        for start in range(0, n_replicates, replicates_per_job)
    ]


# --------------------------------------------------------------------------- settings


def _tolerance(tolerances: Mapping[str, float], effect: str) -> float:
    return float(tolerances.get(effect, tolerances.get("default", NULL_TOLERANCE["default"])))


@dataclass(frozen=True)
class AnalysisSettings:
    """What :func:`analyse` runs, and how: the config's ``compare`` settings it validates.

    Build it with :meth:`from_params`. ``compare`` holds the keys of the config's
    ``compare`` section that the validated analyses use (contrasts, across_cases,
    stakeholder_groups, staff, derived, strategies, barrier_sides, scores,
    outcome_kinds, high_rating, overcome_threshold, n_mc, seed, families).
    """

    analyses: tuple[str, ...]
    compare: Mapping[str, Any]
    exclusions: ExclusionSettings
    min_share_answered: float
    ordinal: bool = False
    null_tolerance: Mapping[str, float] = field(default_factory=lambda: dict(NULL_TOLERANCE))

    @classmethod
    def from_params(
        cls,
        *,
        analyses: Sequence[str],
        compare: Mapping[str, Any],
        exclusions: Mapping[str, Any],
        min_share_answered: float,
        ordinal: bool = False,
        null_tolerance: Mapping[str, float] | None = None,
    ) -> AnalysisSettings:
        """Settings from the rule's params (config sections as plain mappings).

        Parameters
        ----------
        analyses : sequence of str
            Which of :data:`ANALYSES` to run.
        compare : mapping
            The config's ``compare`` section (or the part of it used).
        exclusions : mapping
            The config's ``exclusions`` section.
        min_share_answered : float
            The config's ``scoring.min_share_answered``.
        ordinal : bool
            Fit the proportional-odds model of every contrast (slow).
        null_tolerance : mapping, optional
            Effect name (or ``default``) -> largest |population value| of a null estimand.

        Returns
        -------
        AnalysisSettings
        """
        unknown = sorted(set(analyses) - set(ANALYSES))
        if unknown:
            raise ValueError(f"unknown analyses {unknown}; known: {list(ANALYSES)}")
        return cls(
            analyses=tuple(analyses),
            compare=dict(compare),
            exclusions=ExclusionSettings.from_config(exclusions),
            min_share_answered=float(min_share_answered),
            ordinal=bool(ordinal),
            null_tolerance={**NULL_TOLERANCE, **dict(null_tolerance or {})},
        )

    def role(self, catalogue: pd.DataFrame, role: str) -> list[str]:
        """Score ids of a role of ``compare.scores`` (e.g. ``barriers_met``)."""
        spec = self.compare["scores"][role]
        return C.scores_of(catalogue, [spec["kind"]], [spec["measure"]])

    def tolerance(self, effect: str) -> float:
        """Largest |population value| of ``effect`` that counts as null."""
        return _tolerance(self.null_tolerance, effect)


# --------------------------------------------------------------------------- one replicate


def _rows(table: pd.DataFrame, analysis: str, term: str | pd.Series = "") -> pd.DataFrame:
    """Tidy compare records as estimate rows (key columns, the record, family, p_adj)."""
    out = pd.DataFrame(
        {
            "analysis": analysis,
            "outcome": table["outcome"].astype(str),
            "term": term,
            "effect": table["effect"].astype(str),
            "contrast": table["contrast"].astype(str) if "contrast" in table else "",
            "family": table["family"].astype(str),
            "estimate": table["estimate"].astype(float),
            "ci_low": table["ci_low"].astype(float),
            "ci_high": table["ci_high"].astype(float),
            "p": table["p"].astype(float),
            "p_adj": table["p_adj"].astype(float) if "p_adj" in table else np.nan,
            "n": table["n"].astype(int),
        }
    )
    return out.reset_index(drop=True)


def _effect_of(table: pd.DataFrame, effect: str) -> pd.DataFrame:
    """Fill the effect of rows that could not be estimated (their record names none)."""
    table = table.copy()
    table["effect"] = table["effect"].fillna(effect)
    return table


def analyse(scores: pd.DataFrame, study: Study, settings: AnalysisSettings) -> pd.DataFrame:
    """Run the validated comparisons on one replicate's scores; one row per estimate.

    The calls and settings are those of the ``compare_*`` scripts, so p_adj is adjusted
    within the same families: the two-level contrasts (Mann-Whitney r, Hedges' g and,
    with ``settings.ordinal``, the ordinal model); Kruskal-Wallis (or chi-squared for
    0/1 scores) across the cases and across the stakeholder groups, without pairwise
    follow-ups; the staff models' standardised OLS coefficients and partial correlations
    (main outcomes and each per-score outcome); strategy-barrier links; the
    two sides of the barriers; shares (Wilson) of barriers overcome, risks experienced
    and barriers rated high; means (t CI) of the barriers met.

    Parameters
    ----------
    scores : pandas.DataFrame
        The scored responses (:func:`coprod.scoring.score_responses`).
    study : Study
        The study's resources.
    settings : AnalysisSettings
        What to run.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ESTIMATE_COLUMNS` from ``analysis`` to ``n``
        (``method`` from the effect; no truth yet).
    """
    cmp = settings.compare
    families = cmp["families"]
    catalogue = C.score_catalogue(study.codebook)
    outcomes = C.scores_of(catalogue, cmp["outcome_kinds"])
    parts: list[pd.DataFrame] = []
    run = set(settings.analyses)

    if "contrasts" in run:
        specs = cmp["contrasts"]
        tables = C.contrasts(scores, outcomes, catalogue, specs, ordinal=settings.ordinal)
        for name, table in tables.items():
            parts.append(_rows(C.apply_families(table, families), f"contrast_{name}"))

    across = []
    if "across_cases" in run:
        across.append((cmp["across_cases"]["column"], cmp["across_cases"]["family"]))
    if "stakeholder_groups" in run:
        spec = cmp["stakeholder_groups"]
        across.append((spec["column"], spec["family"]))
    for column, family in across:
        table = C.across_groups(
            scores,
            outcomes,
            catalogue,
            column=column,
            family=family,
            pairwise_family=None,
            n_mc=cmp["n_mc"],
            seed=cmp["seed"],
            analysis=f"across_{column}",
        )
        binary = catalogue.loc[table["outcome"], "binary"].to_numpy(dtype=bool)
        table["effect"] = table["effect"].where(
            table["effect"].notna(), np.where(binary, "cramers_v", "epsilon_squared")
        )
        parts.append(_rows(C.apply_families(table, families), f"across_{column}"))

    if "staff" in run:
        parts.append(_staff_rows(scores, catalogue, settings))

    if "strategy_links" in run:
        table = C.strategy_barrier_links(
            scores,
            settings.role(catalogue, "barriers_overcome"),
            settings.role(catalogue, "strategies_used"),
            catalogue,
            family=cmp["strategies"]["link_family"],
        )
        table = _effect_of(C.apply_families(table, families), "rank_biserial")
        parts.append(_rows(table, "strategy_link", term=table["strategy"].astype(str)))

    if "barrier_sides" in run:
        table = C.barrier_sides(
            scores,
            settings.role(catalogue, "barriers_met"),
            catalogue,
            family=cmp["barrier_sides"]["family"],
        )
        table = _effect_of(C.apply_families(table, families), "rank_biserial_paired")
        parts.append(_rows(table, "barrier_sides"))

    if "shares" in run:
        for analysis, role, threshold in (
            ("share_overcome", "barriers_overcome", cmp["overcome_threshold"]),
            ("share_experienced", "risks_experienced", 1),
        ):
            table = C.share_at_least(
                scores, settings.role(catalogue, role), catalogue, threshold=threshold
            )
            parts.append(_rows(_effect_of(C.apply_families(table, {}), "proportion"), analysis))

    if "shares" in run or "means" in run:
        table = C.describe(
            scores,
            settings.role(catalogue, "barriers_met"),
            catalogue,
            high_rating=cmp["high_rating"],
        )
        table = C.apply_families(table, {})
        if "means" in run:
            parts.append(_rows(_effect_of(table, "mean"), "mean"))
        if "shares" in run:
            high = table.assign(
                effect="proportion",
                estimate=table["share_high"],
                ci_low=table["share_high_ci_low"],
                ci_high=table["share_high_ci_high"],
            )
            parts.append(_rows(high, "share_high"))

    rows = pd.concat(parts, ignore_index=True)
    rows["method"] = rows["effect"].map(METHODS).fillna(rows["effect"])
    return rows


def _staff_runs(
    catalogue: pd.DataFrame, settings: AnalysisSettings
) -> list[tuple[str, list[str], str, str]]:
    """The staff models as compare_staff_factor fits them: (analysis, outcomes, families).

    The main outcomes (family ``staff``, covariates ``staff_covariates``), then each
    per-score outcome (``staff_per_score``); ``catalogue`` includes the derived means.
    """
    staff = settings.compare["staff"]
    runs = [("staff", list(staff["outcomes"]), staff["family"], staff["covariate_family"])]
    if staff.get("per_score"):
        spec = staff["per_score"]
        each = C.scores_of(catalogue, [spec["kind"]], [spec["measure"]])
        family = staff["per_score_family"]
        runs.append(
            ("staff_per_score", [s for s in each if s not in staff["outcomes"]], family, family)
        )
    return runs


def _staff_rows(
    scores: pd.DataFrame, catalogue: pd.DataFrame, settings: AnalysisSettings
) -> pd.DataFrame:
    """Standardised OLS coefficients and partial correlations of the staff models."""
    cmp = settings.compare
    staff = cmp["staff"]
    data, extended = C.add_mean_scores(scores, catalogue, cmp["derived"])
    parts = []
    for analysis, outcomes, family, covariate_family in _staff_runs(extended, settings):
        table = C.staff_models(
            data,
            extended,
            outcomes=outcomes,
            predictors=staff["predictors"],
            covariates=staff["covariates"],
            fixed_effects=staff["fixed_effects"],
            cov_type=staff["cov_type"],
            family=family,
            covariate_family=covariate_family,
            partial_family=staff["partial_family"] if analysis == "staff" else family,
        )
        table = C.apply_families(table, cmp["families"])
        partial = (table["analysis"] == "partial_correlation").to_numpy()
        table["effect"] = table["effect"].where(
            table["effect"].notna(), np.where(partial, "partial_r", "standardised_beta")
        )
        parts.append(_rows(table, analysis, term=table["term"].astype(str)))
    return pd.concat(parts, ignore_index=True)


def replicate_scores(
    responses: pd.DataFrame, study: Study, settings: AnalysisSettings
) -> pd.DataFrame:
    """Exclusions and scoring of one replicate's responses, as the study's rules run them.

    Parameters
    ----------
    responses : pandas.DataFrame
        ``SyntheticStudy.responses`` (its ``planted`` column is dropped first: the
        exclusions must find the problems on their own).
    study : Study
    settings : AnalysisSettings

    Returns
    -------
    pandas.DataFrame
        The scores of the included responses.
    """
    frame = responses.drop(columns=["planted"], errors="ignore")
    clean = apply_exclusions(frame, study, settings.exclusions).clean
    return score_responses(clean, study, min_share_answered=settings.min_share_answered).scores


def run_batch(
    study: Study,
    model: Mapping[str, Any],
    truth: pd.DataFrame,
    settings: AnalysisSettings,
    *,
    replicates: Iterable[int],
    seeds: Iterable[int],
    condition: str = "",
) -> pd.DataFrame:
    """Draw, clean, score and analyse each replicate of a batch; attach the truth.

    Parameters
    ----------
    study : Study
    model : mapping
        The condition's model (:func:`condition_model`); a replicate draws from
        :func:`replicate_model` of it.
    truth : pandas.DataFrame
        The condition's population values (:func:`truth_table`).
    settings : AnalysisSettings
    replicates, seeds : iterable of int
        Replicate indices and their seeds (:func:`replicate_seed`), paired.
    condition : str
        The condition's name, written in each row.

    Returns
    -------
    pandas.DataFrame
        :data:`ESTIMATE_COLUMNS`, one row per replicate x estimand x method.
    """
    small = replicate_model(model, study)
    parts = []
    for replicate, seed in zip(replicates, seeds, strict=True):
        responses = generate(study, small, seed=int(seed)).responses
        rows = analyse(replicate_scores(responses, study, settings), study, settings)
        rows.insert(0, "seed", int(seed))
        rows.insert(0, "replicate", int(replicate))
        rows.insert(0, "condition", condition)
        parts.append(rows)
        print(f"replicate {replicate} (seed {seed}): {len(rows)} estimates", file=sys.stderr)
    return attach_truth(pd.concat(parts, ignore_index=True), truth, settings.null_tolerance)


# --------------------------------------------------------------------------- truth


def population_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """The model with the study's expected stakeholder-group mix at any size.

    The generator draws the groups of ``group_counts`` in a fixed number per case and
    sample (a few per cell) and the others by ``group_shares``; in a draw of 200,000
    the former all but vanish, so population values that depend on the mix (means,
    shares, differences between groups) would not be those of the study's design.
    Here each such group gets the share its mean count makes of a cell of
    ``respondents_per_case_sample``, the other shares are scaled to the rest, and
    ``group_counts`` is emptied.

    Parameters
    ----------
    model : mapping
        A condition's model.

    Returns
    -------
    dict
        A copy with the new ``group_shares`` and no ``group_counts``.

    Examples
    --------
    >>> model = {"respondents_per_case_sample": 100, "group_shares": {"a": 0.6, "b": 0.4},
    ...          "group_counts": {"c": [8, 12]}}
    >>> population_model(model)["group_shares"]
    {'a': 0.54, 'b': 0.36, 'c': 0.1}
    """
    out = copy.deepcopy(dict(model))
    counts = out.pop("group_counts", None) or {}
    out["group_counts"] = {}
    cell = float(model["respondents_per_case_sample"])
    fixed = {group: (low + high) / 2 / cell for group, (low, high) in counts.items()}
    shares = model["group_shares"]
    rest = (1 - sum(fixed.values())) / sum(shares.values())
    out["group_shares"] = {
        **{group: round(share * rest, 12) for group, share in shares.items()},
        **{group: round(share, 12) for group, share in fixed.items()},
    }
    return out


def population_frame(
    study: Study, model: Mapping[str, Any], *, seed: int, size: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A large draw of the model, scored, and the generator's population effects.

    The draw, its scores and the effects are those of ``truth.json``'s population
    (:mod:`coprod.synthetic`): clean respondents only, every score as the mean of the
    answered items. The design columns are made Categoricals in registry order and
    named as in the scored data, so the comparisons' own level order applies.

    Parameters
    ----------
    study : Study
    model : mapping
        A condition's model.
    seed : int
        Seed of the draw.
    size : int
        Respondents drawn (spread evenly over the cases and samples).

    Returns
    -------
    tuple
        The population frame and the generator's population effects (the
        ``population`` entries of ``truth.json`` other than reliabilities).
    """
    frame, effects = draw_population(study, population_model(model), seed=seed, size=size)
    frame = frame.rename(columns=_POPULATION_RENAMES)
    orders = {
        "case": list(study.cases.index),
        "group_id": list(study.stakeholder_groups.index),
        "service_class": list(study.service_classes.index),
    }
    for attribute in study.cases.columns:
        if attribute in frame.columns and attribute not in orders:
            orders[attribute] = list(dict.fromkeys(study.cases[attribute]))
    for column, categories in orders.items():
        frame[column] = pd.Categorical(frame[column], categories=categories)
    return frame, effects


def _record(
    analysis: str, outcome: str, effect: str, value: float, term: str = "", contrast: str = ""
) -> dict[str, Any]:
    value = float(value) if value is not None and np.isfinite(value) else None  # JSON null
    return {
        "analysis": analysis,
        "outcome": outcome,
        "term": term,
        "effect": effect,
        "contrast": contrast,
        "truth": value,
    }


def _across_value(values: pd.Series, groups: pd.Series, binary: bool) -> tuple[str, float]:
    """Population epsilon-squared (Kruskal-Wallis H / (n - 1)) or Cramér's V."""
    codes = pd.Categorical(groups).codes
    v = values.to_numpy(float)
    keep = ~np.isnan(v) & (codes >= 0)
    v, codes = v[keep], codes[keep]
    levels = np.unique(codes)
    if binary:
        table = np.array(
            [[np.sum(v[codes == c] == value) for value in np.unique(v)] for c in levels]
        )
        chi2 = st.chi2_contingency(table, correction=False).statistic
        return "cramers_v", float(np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))
    h = st.kruskal(*(v[codes == c] for c in levels)).statistic
    return "epsilon_squared", float(h / (v.size - 1))


def population_truth(
    study: Study,
    model: Mapping[str, Any],
    settings: AnalysisSettings,
    *,
    seed: int,
    size: int,
) -> dict[str, Any]:
    """Population values of every estimand :func:`analyse` reports, from one large draw.

    Contrasts (rank-biserial r, Hedges' g), strategy links and the barrier sides are
    the generator's own population effects (those of ``truth.json``; contrasts matched
    by column; a contrast the generator has none for is unknown, with a warning). The
    staff models (the config's: standardised betas and partial correlations),
    epsilon-squared and Cramér's V across a column's levels, shares and means are
    computed here from the same draw, as the comparisons define them.

    Parameters
    ----------
    study : Study
    model : mapping
        The condition's model.
    settings : AnalysisSettings
        What :func:`analyse` runs.
    seed, size : int
        Seed and size of the population draw.

    Returns
    -------
    dict
        ``{"n_drawn": int, "estimands": [record, ...]}``, each record with the
        :data:`KEY` columns, ``contrast`` ("x vs y" for two-level contrasts) and
        ``truth`` (NaN: unknown).
    """
    cmp = settings.compare
    frame, effects = population_frame(study, model, seed=seed, size=size)
    catalogue = C.score_catalogue(study.codebook)
    outcomes = C.scores_of(catalogue, cmp["outcome_kinds"])
    run = set(settings.analyses)
    records: list[dict[str, Any]] = []

    if "contrasts" in run:
        by_column = {spec["column"]: spec for spec in effects["contrasts"].values()}
        for name, spec in cmp["contrasts"].items():
            population = by_column.get(_POPULATION_RENAMES.get(spec["column"], spec["column"]))
            population = population or by_column.get(spec["column"])
            if population is None:
                print(
                    f"warning: contrast {name}: the generator has no population value for "
                    f"column {spec['column']!r}; its truth is unknown",
                    file=sys.stderr,
                )
                continue
            contrast = f"{population['x']} vs {population['y']}"
            for outcome in outcomes:
                values = population["values"].get(outcome, {})
                for effect in ("rank_biserial", "hedges_g"):
                    if effect in values:
                        records.append(
                            _record(
                                f"contrast_{name}",
                                outcome,
                                effect,
                                values[effect],
                                contrast=contrast,
                            )
                        )

    across = []
    if "across_cases" in run:
        across.append(cmp["across_cases"]["column"])
    if "stakeholder_groups" in run:
        across.append(cmp["stakeholder_groups"]["column"])
    for column in across:
        for outcome in outcomes:
            effect, value = _across_value(
                frame[outcome], frame[column], bool(catalogue.loc[outcome, "binary"])
            )
            records.append(_record(f"across_{column}", outcome, effect, value))

    if "staff" in run:
        records += _staff_truth(frame, catalogue, settings)

    if "strategy_links" in run:
        for outcome, links in effects["strategy_overcome_rank_biserial"].items():
            for strategy, value in links.items():
                records.append(
                    _record("strategy_link", outcome, "rank_biserial", value, term=strategy)
                )

    if "barrier_sides" in run and effects["barrier_sides"]:
        sides = effects["barrier_sides"]
        met = cmp["scores"]["barriers_met"]
        records.append(
            _record(
                "barrier_sides",
                f"{met['kind']}_{met['measure']}_sides",
                "rank_biserial_paired",
                sides["rank_biserial"],
                contrast=f"{sides['x']} vs {sides['y']}",
            )
        )

    def share(outcome: str, threshold: float) -> float:
        values = frame[outcome].dropna()
        return float((values >= threshold).mean())

    if "shares" in run:
        for analysis, role, threshold in (
            ("share_overcome", "barriers_overcome", cmp["overcome_threshold"]),
            ("share_experienced", "risks_experienced", 1),
            ("share_high", "barriers_met", cmp["high_rating"]),
        ):
            for outcome in settings.role(catalogue, role):
                records.append(_record(analysis, outcome, "proportion", share(outcome, threshold)))
    if "means" in run:
        for outcome in settings.role(catalogue, "barriers_met"):
            records.append(_record("mean", outcome, "mean", frame[outcome].mean()))
    return {"n_drawn": int(len(frame)), "estimands": records}


def _staff_population(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    terms: Sequence[str],
    fixed_effects: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Standardised betas of every term and partial r of every predictor, in one pass.

    On the complete cases, from the covariance matrix S of the outcome, the terms and
    the fixed effects' treatment dummies (the means absorb the intercept). The OLS
    slopes of the outcome on the rest are -P[rest, y] / P[y, y] with P = S^-1, and the
    partial correlation of a term with the outcome given everything else is
    -P[t, y] / sqrt(P[t, t] P[y, y]). A slope becomes a standardised beta as
    :func:`coprod.stats.ols_standardised` defines it (and ``truth.json``'s
    :func:`coprod.synthetic._standardised_betas` computes it by least squares): times
    the term's SD over the outcome's for a continuous term; over the outcome's SD (and
    per unit step of 0/1) for a two-valued term.
    """
    complete = data[[outcome, *terms, *fixed_effects]].dropna()
    columns = {name: complete[name].to_numpy(float) for name in [outcome, *terms]}
    binary = {name: np.unique(columns[name]).size == 2 for name in terms}
    for name in terms:
        if binary[name]:
            columns[name] = (columns[name] == columns[name].max()).astype(float)
    for name in fixed_effects:
        dummies = pd.get_dummies(complete[name], drop_first=True, dtype=float)
        dummies = dummies.loc[:, dummies.sum() > 0]
        for level in dummies.columns:
            columns[f"{name}__{level}"] = dummies[level].to_numpy()
    matrix = np.column_stack(list(columns.values()))
    precision = np.linalg.inv(np.cov(matrix, rowvar=False))
    names = list(columns)
    y = names.index(outcome)
    sd = matrix.std(axis=0, ddof=1)
    betas, partials = {}, {}
    for term in terms:
        t = names.index(term)
        slope = -precision[t, y] / precision[y, y]
        scale = 1.0 if binary[term] else sd[t]
        betas[term] = float(slope * scale / sd[y])
        if term in predictors:
            partials[term] = float(-precision[t, y] / np.sqrt(precision[t, t] * precision[y, y]))
    return {"standardised_beta": betas, "partial_r": partials}


def _staff_truth(
    frame: pd.DataFrame, catalogue: pd.DataFrame, settings: AnalysisSettings
) -> list[dict[str, Any]]:
    """Population values of the staff models' coefficients and partial correlations.

    The config's own models (outcomes, predictors, covariates, fixed effects) on the
    population's complete cases (:func:`_staff_population`).
    """
    cmp = settings.compare
    staff = cmp["staff"]
    data, extended = C.add_mean_scores(frame, catalogue, cmp["derived"])
    terms = [*staff["predictors"], *staff["covariates"]]
    records = []
    for analysis, outcomes, _, _ in _staff_runs(extended, settings):
        for outcome in outcomes:
            values = _staff_population(
                data, outcome, staff["predictors"], terms, staff["fixed_effects"]
            )
            for effect, by_term in values.items():
                for term, value in by_term.items():
                    records.append(_record(analysis, outcome, effect, value, term=term))
    return records


def truth_table(truth: Mapping[str, Any]) -> pd.DataFrame:
    """The estimand records of :func:`population_truth` as a frame.

    Parameters
    ----------
    truth : mapping
        The JSON document :func:`population_truth` returns.

    Returns
    -------
    pandas.DataFrame
        :data:`KEY` columns, ``contrast`` and ``truth``.
    """
    columns = [*KEY, "contrast", "truth"]
    frame = pd.DataFrame(list(truth["estimands"]), columns=columns)
    frame["truth"] = frame["truth"].astype(float)
    return frame


def _reversed(contrast: str) -> str:
    first, _, second = contrast.partition(" vs ")
    return f"{second} vs {first}"


def attach_truth(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    null_tolerance: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Add each estimate's population value (``truth``) and whether it is null.

    An estimate is matched to its estimand by :data:`KEY`; a contrast whose levels come
    in the other order than the population value's gets the value with its sign
    flipped. The ordinal model's log odds ratio takes 0 where the rank-biserial r of
    the same analysis and outcome is null, else NaN (unknown). ``null_effect`` is
    whether |truth| is at most the effect's ``null_tolerance`` (NA without a truth or
    for rows without a test).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Rows of :func:`analyse`.
    truth : pandas.DataFrame
        :func:`truth_table`.
    null_tolerance : mapping, optional
        Effect (or ``"default"``) -> tolerance, over :data:`NULL_TOLERANCE`.

    Returns
    -------
    pandas.DataFrame
        ``estimates`` with ``truth`` and ``null_effect``, columns in
        :data:`ESTIMATE_COLUMNS` order (those present).

    Examples
    --------
    >>> est = pd.DataFrame({"analysis": ["c"], "outcome": ["s"], "term": [""],
    ...                     "effect": ["rank_biserial"], "contrast": ["b vs a"],
    ...                     "p": [0.5]})
    >>> tru = pd.DataFrame({"analysis": ["c"], "outcome": ["s"], "term": [""],
    ...                     "effect": ["rank_biserial"], "contrast": ["a vs b"],
    ...                     "truth": [0.3]})
    >>> attach_truth(est, tru)[["truth", "null_effect"]].to_dict("records")
    [{'truth': -0.3, 'null_effect': False}]
    """
    tolerance = {**NULL_TOLERANCE, **dict(null_tolerance or {})}

    def tol(effect: str) -> float:
        return _tolerance(tolerance, effect)

    base = truth.rename(columns={"contrast": "truth_contrast"})
    out = estimates.drop(columns=["truth", "null_effect"], errors="ignore").merge(
        base, on=list(KEY), how="left", validate="many_to_one"
    )
    same = out["contrast"].eq(out["truth_contrast"]) | out["truth_contrast"].isna()
    same |= out["truth_contrast"].eq("")
    flipped = out["contrast"].eq(out["truth_contrast"].map(_reversed, na_action="ignore"))
    out["truth"] = np.where(same, out["truth"], np.where(flipped, -out["truth"], np.nan))

    # The ordinal model: null where the same contrast's rank-biserial r is null.
    rank = base[base["effect"] == "rank_biserial"].set_index(["analysis", "outcome"])["truth"]
    ordinal = (out["effect"] == "log_odds_ratio").to_numpy()
    if ordinal.any():
        keys = pd.MultiIndex.from_frame(out.loc[ordinal, ["analysis", "outcome"]])
        r = rank.reindex(keys).to_numpy(dtype=float)
        out.loc[ordinal, "truth"] = np.where(np.abs(r) <= tol("rank_biserial"), 0.0, np.nan)

    limits = out["effect"].map(tol).astype(float)
    null = (out["truth"].abs() <= limits).astype("boolean")
    null[out["truth"].isna() | out["p"].isna()] = pd.NA
    out["null_effect"] = null
    out = out.drop(columns=["truth_contrast"])
    return out[[c for c in ESTIMATE_COLUMNS if c in out.columns]]


# --------------------------------------------------------------------------- summary


def cluster_mean(values: pd.Series, clusters: pd.Series) -> tuple[float, float]:
    """The mean of ``values`` and its Monte Carlo SE with ``clusters`` as the units.

    Estimates of one replicate are correlated, so the SE treats replicates as the
    independent units: the ratio estimator sum(y) / sum(n) over clusters, with SE
    sqrt(sum((y_c - m n_c)^2) / (R (R - 1))) / mean(n_c) over R clusters (with one
    value per cluster, the SD over sqrt(R)). Missing values are left out.

    Parameters
    ----------
    values : pandas.Series
        The per-estimate quantity (an error, a 0/1 indicator).
    clusters : pandas.Series
        Cluster (replicate) of each value.

    Returns
    -------
    tuple of float
        (mean, SE); NaN without values, SE NaN with one cluster.

    Examples
    --------
    >>> cluster_mean(pd.Series([-1.0, 1.0]), pd.Series([0, 1]))
    (0.0, 1.0)
    """
    keep = values.notna().to_numpy()
    if not keep.any():
        return np.nan, np.nan
    frame = pd.DataFrame(
        {"y": values[keep].astype(float).to_numpy(), "c": clusters[keep].to_numpy()}
    )
    per = frame.groupby("c")["y"].agg(["sum", "count"])
    mean = float(per["sum"].sum() / per["count"].sum())
    r = len(per)
    if r < 2:
        return mean, np.nan
    resid = per["sum"] - mean * per["count"]
    se = math.sqrt(float((resid**2).sum()) / (r * (r - 1))) / float(per["count"].mean())
    return mean, se


_RATES = (
    "error",
    "squared_error",
    "covers",
    "reject",
    "reject_null",
    "reject_null_adjusted",
    "reject_nonnull",
    "reject_nonnull_adjusted",
)


def _indicators(frame: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per-estimate quantities the summary averages, NaN where one does not apply."""
    error = frame["estimate"] - frame["truth"]
    has_ci = frame["ci_low"].notna() & frame["ci_high"].notna() & frame["truth"].notna()
    covers = (frame["ci_low"] <= frame["truth"]) & (frame["truth"] <= frame["ci_high"])
    tested = frame["p"].notna()
    null = frame["null_effect"].astype("boolean")
    is_null = null.fillna(False).to_numpy(dtype=bool) & tested.to_numpy()
    non_null = (~null).fillna(False).to_numpy(dtype=bool) & tested.to_numpy()
    reject = (frame["p"] < alpha).astype(float)
    reject_adjusted = (frame["p_adj"] < alpha).astype(float).where(frame["p_adj"].notna())
    return pd.DataFrame(
        {
            "error": error,
            "squared_error": error**2,
            "covers": covers.astype(float).where(has_ci),
            "reject": reject.where(tested),
            "reject_null": reject.where(is_null),
            "reject_null_adjusted": reject_adjusted.where(is_null),
            "reject_nonnull": reject.where(non_null),
            "reject_nonnull_adjusted": reject_adjusted.where(non_null),
        },
        index=frame.index,
    )


def _aggregate(frame: pd.DataFrame, keys: Sequence[str], alpha: float) -> pd.DataFrame:
    """The summary metrics per group of ``keys``, vectorised :func:`cluster_mean`."""
    keys = list(keys)
    values = _indicators(frame, alpha)
    values[keys] = frame[keys]
    values["replicate"] = frame["replicate"]
    per_replicate = values.groupby([*keys, "replicate"], sort=False, dropna=False)
    sums = per_replicate[list(_RATES)].sum()
    counts = per_replicate[list(_RATES)].count()
    by_key = sums.index.droplevel("replicate")
    totals, n = sums.groupby(by_key, sort=False).sum(), counts.groupby(by_key, sort=False).sum()
    mean = totals / n.where(n > 0)
    present = counts > 0
    residual = (sums - mean.reindex(by_key).to_numpy() * counts).where(present)
    clusters = present.groupby(by_key, sort=False).sum()
    mean_size = counts.where(present).groupby(by_key, sort=False).mean()
    squares = (residual**2).groupby(by_key, sort=False).sum()
    se = np.sqrt(squares / (clusters * (clusters - 1)).where(clusters > 1)) / mean_size

    groups = frame.groupby(keys, sort=False, dropna=False)
    out = pd.DataFrame(
        {
            "n_replicates": groups["replicate"].nunique(),
            "n_estimands": groups[list(KEY)].apply(lambda g: len(g.drop_duplicates())),
            "n_estimates": groups["estimate"].count(),
        }
    )
    out["n_failed"] = groups["estimate"].size() - out["n_estimates"]
    mean, se, n = mean.reindex(out.index), se.reindex(out.index), n.reindex(out.index)
    rmse = np.sqrt(mean["squared_error"])
    out["bias"], out["bias_mcse"] = mean["error"], se["error"]
    out["rmse"], out["rmse_mcse"] = rmse, se["squared_error"] / (2 * rmse.where(rmse > 0))
    out["coverage"], out["coverage_mcse"], out["n_ci"] = mean["covers"], se["covers"], n["covers"]
    out["n_tests"] = n["reject"]
    out["rejection_rate"], out["rejection_rate_mcse"] = mean["reject"], se["reject"]
    for name, column in (("type_i_error", "reject_null"), ("power", "reject_nonnull")):
        out[f"n_{name}_tests"] = n[column]
        out[name], out[f"{name}_mcse"] = mean[column], se[column]
        out[f"{name}_adjusted"] = mean[f"{column}_adjusted"]
    counts_columns = [c for c in out.columns if c.startswith("n_")]
    out[counts_columns] = out[counts_columns].astype(int)
    return out.reset_index()


SUMMARY_GROUPS = ("condition", "method", "family")


def summarise(estimates: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Bias, RMSE, coverage, type I error and power per condition, method and family.

    Each condition x method gets a row over all its estimands (``family`` "all") and
    one per family of estimands (the ``analysis``: a contrast, the tests across a
    column, the staff models, ...). Errors are estimate minus truth over the estimates
    with a truth; coverage is the share of 95% CIs containing the truth; the type I
    error is the share of null estimands (``null_effect``) with p < ``alpha``, power
    the share of the others (``*_adjusted``: with the family-adjusted p), and the
    rejection rate the share of all tests (under a null condition, where every effect
    is zero, the type I error whatever the population values' noise). Every rate
    has a Monte Carlo SE with replicates as the units (:func:`cluster_mean`).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Batch rows (:data:`ESTIMATE_COLUMNS`) of any number of conditions.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per condition, method and family: the counts (``n_replicates``,
        ``n_estimands``, ``n_estimates``, ``n_failed``, ``n_ci``, ``n_tests``,
        ``n_type_i_error_tests``, ``n_power_tests``) and each metric with its
        ``*_mcse``.
    """
    frame = estimates.assign(family=estimates["analysis"])
    overall = _aggregate(frame, ["condition", "method"], alpha).assign(family="all")
    families = _aggregate(frame, list(SUMMARY_GROUPS), alpha)
    out = pd.concat([overall, families], ignore_index=True)
    order = {
        column: {value: i for i, value in enumerate(dict.fromkeys(frame[column]))}
        for column in ("condition", "method", "family")
    }
    out["_order"] = out["family"].map(order["family"]).fillna(-1)
    out = out.sort_values(
        ["condition", "method", "_order"],
        key=lambda column: column.map(order[column.name]) if column.name in order else column,
        kind="stable",
    ).drop(columns="_order")
    out = out[[*SUMMARY_GROUPS, *[c for c in out.columns if c not in SUMMARY_GROUPS]]]
    out.insert(2, "method_label", out["method"].map(METHOD_LABELS).fillna(out["method"]))
    return out.reset_index(drop=True)


def summarise_estimands(estimates: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The metrics of :func:`summarise` per condition and estimand (to find what fails).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Batch rows (:data:`ESTIMATE_COLUMNS`).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per condition, method and estimand (:data:`KEY`), with its ``truth``.
    """
    keys = ["condition", "method", *KEY]
    out = _aggregate(estimates, keys, alpha)
    truth = estimates.groupby(keys, sort=False, dropna=False)["truth"].first()
    out.insert(len(keys), "truth", truth.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy())
    return out


def _bullets(key: str, value: Any, indent: str = "") -> list[str]:
    """A setting as a Markdown bullet; a mapping of mappings as nested bullets."""
    if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
        lines = [f"{indent}- {key}:"]
        for name, spec in value.items():
            lines += _bullets(f"`{name}`", spec, indent + "  ")
        return lines
    if isinstance(value, Mapping):
        value = ", ".join(f"{k} {v}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return [f"{indent}- {key}: {value}"]


def _fmt(value: float, se: float | None = None, digits: int = 3) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}"
    if se is not None and np.isfinite(se):
        text += f" ({se:.{digits}f})"
    return text


def summary_markdown(
    summary: pd.DataFrame,
    *,
    alpha: float,
    max_type_i_error: float,
    min_coverage: float,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """A Markdown report of the summary: per condition and method, then per family.

    A method fails where, over all its estimands, its type I error exceeds
    ``max_type_i_error`` or its coverage is under ``min_coverage``.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`summarise`.
    alpha, max_type_i_error, min_coverage : float
        Level of the tests and the criteria.
    settings : mapping, optional
        Settings to list at the top (replicates, sample size, seeds, ...).

    Returns
    -------
    str
        The report.
    """
    lines = ["# Validation of the comparisons", ""]
    lines.append(
        f"Tests at alpha = {alpha}; 95% CIs. Criteria per method (over all its estimands): "
        f"type I error at most {max_type_i_error}, coverage at least {min_coverage}. "
        "Monte Carlo SEs (replicates as units) in brackets; `-`: not applicable."
    )
    lines.append("")
    for key, value in (settings or {}).items():
        lines += _bullets(key, value)
    if settings:
        lines.append("")
    columns = [
        "method",
        "n_replicates",
        "n_estimands",
        "bias",
        "rmse",
        "coverage",
        "type I error",
        "power",
        "check",
    ]
    for condition, part in summary.groupby("condition", sort=False):
        lines += [f"## Condition `{condition}`", ""]
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        overall = part[part["family"] == "all"]
        for row in overall.itertuples():
            problems = []
            if np.isfinite(row.type_i_error) and row.type_i_error > max_type_i_error:
                problems.append("type I error")
            if np.isfinite(row.coverage) and row.coverage < min_coverage:
                problems.append("coverage")
            check = "fails: " + ", ".join(problems) if problems else "ok"
            lines.append(
                "| "
                + " | ".join(
                    [
                        row.method,
                        str(row.n_replicates),
                        str(row.n_estimands),
                        _fmt(row.bias, row.bias_mcse, 4),
                        _fmt(row.rmse, row.rmse_mcse, 4),
                        _fmt(row.coverage, row.coverage_mcse),
                        _fmt(row.type_i_error, row.type_i_error_mcse),
                        _fmt(row.power, row.power_mcse),
                        check,
                    ]
                )
                + " |"
            )
        lines += ["", f"### `{condition}` by family of estimands", ""]
        family_columns = [
            "method",
            "family",
            "n_estimands",
            "bias",
            "rmse",
            "coverage",
            "type I error",
            "power",
        ]
        lines += ["| " + " | ".join(family_columns) + " |", "|" + "---|" * len(family_columns)]
        for row in part[part["family"] != "all"].itertuples():
            lines.append(
                "| "
                + " | ".join(
                    [
                        row.method,
                        row.family,
                        str(row.n_estimands),
                        _fmt(row.bias, None, 4),
                        _fmt(row.rmse, None, 4),
                        _fmt(row.coverage),
                        _fmt(row.type_i_error),
                        _fmt(row.power),
                    ]
                )
                + " |"
            )
        lines.append("")
    lines += ["## Methods", ""]
    for method in dict.fromkeys(summary["method"]):
        lines.append(f"- `{method}`: {METHOD_LABELS.get(method, method)}")
    lines.append("")
    return "\n".join(lines)
