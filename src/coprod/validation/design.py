"""The validation study's design: what it checks, the estimate rows, and the settings.

Every estimate is one row (:data:`ESTIMATE_COLUMNS`) keyed by :data:`KEY`, its method
named after the effect it reports (:data:`METHODS`). :class:`AnalysisSettings` holds
what a replicate runs: which analyses (:data:`VALIDATED`), the config's ``compare``
settings that the registered analyses read, the exclusions and scoring settings, and
the tolerances that make an estimand null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import role_scores
from coprod.clean import ExclusionSettings

__all__ = [
    "ESTIMATE_COLUMNS",
    "KEY",
    "METHODS",
    "METHOD_LABELS",
    "NULL_TOLERANCE",
    "VALIDATED",
    "AnalysisSettings",
    "staff_analysis",
    "tolerance",
]

VALIDATED = {
    "contrasts": "compare_contrasts",
    "across_cases": "compare_across_groups",
    "stakeholder_groups": "compare_across_groups",
    "staff": "compare_staff_factor",
    "strategy_links": "compare_strategies",
    "barrier_sides": "compare_barrier_sides",
    "shares": "compare_describe",
    "means": "compare_describe",
}
"""The analyses the validation can check (config ``validation.analyses``), each with the
registered analysis (:mod:`coprod.analyses.registry`) whose records it checks."""

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

NULL_TOLERANCE = {"default": 0.025, "hedges_g": 0.05, "epsilon_squared": 0.0004}
"""Largest |population value| of a null estimand, by effect; config ``null_tolerance``
entries take precedence. Each is above the noise of a population value from a draw of
400,000 (for the rarest subgroups, e.g. how well a rare risk was managed, an r has SE
0.007 and a g 0.013) and below what a replicate could detect (r = 0.025 raises the
rejection rate of a contrast of 720 respondents to about 0.09); Hedges' g is on about
twice the scale of r, epsilon-squared on that of a squared correlation."""


def tolerance(tolerances: Mapping[str, float], effect: str) -> float:
    """The largest |population value| of ``effect`` that counts as null.

    >>> tolerance({"default": 0.1}, "hedges_g"), tolerance(NULL_TOLERANCE, "hedges_g")
    (0.1, 0.05)
    """
    return float(tolerances.get(effect, tolerances.get("default", NULL_TOLERANCE["default"])))


def staff_analysis(outcome: str, staff: Mapping[str, Any]) -> str:
    """The validation's name of a staff model: ``staff`` for a main outcome of config
    ``compare.staff``, ``staff_per_score`` for one of its per-score outcomes.

    >>> staff_analysis("a", {"outcomes": ["a"]}), staff_analysis("b", {"outcomes": ["a"]})
    ('staff', 'staff_per_score')
    """
    return "staff" if outcome in staff["outcomes"] else "staff_per_score"


@dataclass(frozen=True)
class AnalysisSettings:
    """What a replicate runs, and how: the config's ``compare`` settings it validates.

    Build it with :meth:`from_params`. ``compare`` holds the keys of the config's
    ``compare`` section that the registered analyses of :data:`VALIDATED` read (their
    settings come from it as the workflow's do, :class:`coprod.jobs.Job`), with
    ``ordinal`` the validation's own: the proportional-odds model is slow.
    """

    analyses: tuple[str, ...]
    compare: Mapping[str, Any]
    exclusions: ExclusionSettings
    min_share_answered: float
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
            Which of :data:`VALIDATED` to run.
        compare : mapping
            The config's ``compare`` section (or the part of it used).
        exclusions : mapping
            The config's ``exclusions`` section.
        min_share_answered : float
            The config's ``scoring.min_share_answered``.
        ordinal : bool
            Fit the proportional-odds model of every contrast (slow): replaces
            ``compare.ordinal``.
        null_tolerance : mapping, optional
            Effect name (or ``default``) -> largest |population value| of a null estimand.

        Returns
        -------
        AnalysisSettings
        """
        unknown = sorted(set(analyses) - set(VALIDATED))
        if unknown:
            raise ValueError(f"unknown analyses {unknown}; known: {list(VALIDATED)}")
        return cls(
            analyses=tuple(analyses),
            compare={**compare, "ordinal": bool(ordinal)},
            exclusions=ExclusionSettings.from_config(exclusions),
            min_share_answered=float(min_share_answered),
            null_tolerance={**NULL_TOLERANCE, **dict(null_tolerance or {})},
        )

    def role(self, catalogue: pd.DataFrame, role: str) -> list[str]:
        """Score ids of a role of ``compare.scores`` (e.g. ``barriers_met``)."""
        spec = self.compare["scores"][role]
        return role_scores(catalogue, spec)

    def tolerance(self, effect: str) -> float:
        """Largest |population value| of ``effect`` that counts as null."""
        return tolerance(self.null_tolerance, effect)
