"""The registry of analyses: each job that writes result records under ``results/``.

See :class:`coprod.jobs.Job` for what an entry says. Every analysis of the
comparisons stage reads the scored responses (and the keyed items or the consensus
codes) and writes tidy Parquet records to ``results/compare/``; its settings are
exactly the config values it reads, so changing one reruns exactly the jobs that read
it. The validation study (:mod:`coprod.validation`) runs the same jobs on simulated
data.

Example
-------
>>> [job.name for job in ANALYSES][:2]
['compare_describe', 'compare_across_groups']
>>> sorted(job_named("compare_contrasts").outputs(config))
['case_outcome', 'samples', 'service_class']
>>> list(families(config, "compare_barrier_sides"))
['barrier_sides']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coprod.jobs import Config, Job

__all__ = [
    "ANALYSES",
    "COMPARE_DIR",
    "CONSENSUS",
    "ITEMS",
    "SCORES",
    "families",
    "family_names",
    "job_named",
]

SCORES = "results/scoring/scores.parquet"
ITEMS = "results/scoring/items.parquet"
CONSENSUS = "results/reliability/consensus_codes.parquet"
COMPARE_DIR = "results/compare"

FAMILY_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "compare_across_groups": (
        ("across_cases", "family"),
        ("across_cases", "pairwise_family"),
        ("across_cases", "item_family"),
        ("stakeholder_groups", "family"),
        ("stakeholder_groups", "pairwise_family"),
    ),
    "compare_barrier_sides": (("barrier_sides", "family"),),
    "compare_strategies": (("strategies", "family"), ("strategies", "link_family")),
    "compare_staff_factor": (
        ("staff", "family"),
        ("staff", "covariate_family"),
        ("staff", "partial_family"),
        ("staff", "per_score_family"),
    ),
    "compare_focus_groups": (
        ("focus_groups", "cooccurrence_family"),
        ("focus_groups", "joint_family"),
    ),
}
"""Where under config ``compare`` each job names the families of its tests
(``section``, ``key``); the contrasts name theirs per contrast."""


def family_names(compare: Mapping[str, Any], job: str) -> list[str]:
    """The families of tests a job writes, as config ``compare`` names them."""
    if job == "compare_contrasts":
        return [
            spec[key]
            for spec in compare["contrasts"].values()
            for key in ("family", "robustness_family")
        ]
    return [compare[section][key] for section, key in FAMILY_KEYS.get(job, ())]


def families(config: Config, job: str) -> dict[str, Any]:
    """The definitions (correction, role) of the families a job writes."""
    defined = config["compare"]["families"]
    return {name: defined[name] for name in family_names(config["compare"], job)}


def _results(**stems: str) -> dict[str, str]:
    """Outputs by name, each ``results/compare/<stem>.parquet``."""
    return {name: f"{COMPARE_DIR}/{stem}.parquet" for name, stem in stems.items()}


def _contrast_files(config: Config) -> dict[str, str]:
    """One file per contrast of config ``compare.contrasts``, named after it."""
    return _results(**{name: name for name in config["compare"]["contrasts"]})


def _describe_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "by": compare["describe_by"],
        "high_rating": compare["high_rating"],
        "overcome_threshold": compare["overcome_threshold"],
        "scores": compare["scores"],
    }


def _groups_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "across_cases": compare["across_cases"],
        "stakeholder_groups": compare["stakeholder_groups"],
        "kinds": compare["outcome_kinds"],
        "items_of": compare["scores"]["barriers_met"],
        "families": families(config, "compare_across_groups"),
        "n_mc": compare["n_mc"],
        "seed": compare["seed"],
    }


def _contrasts_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "contrasts": compare["contrasts"],
        "families": families(config, "compare_contrasts"),
        "kinds": compare["outcome_kinds"],
        "ordinal": compare["ordinal"],
    }


def _sides_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "barriers": compare["scores"]["barriers_met"],
        "by": compare["barrier_sides"]["by"],
        "family": compare["barrier_sides"]["family"],
        "families": families(config, "compare_barrier_sides"),
    }


def _strategies_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "strategies": compare["scores"]["strategies_used"],
        "overcome": compare["scores"]["barriers_overcome"],
        "by": compare["strategies"]["by"],
        "family": compare["strategies"]["family"],
        "link_family": compare["strategies"]["link_family"],
        "families": families(config, "compare_strategies"),
        "n_mc": compare["n_mc"],
        "seed": compare["seed"],
    }


def _staff_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "derived": compare["derived"],
        "staff": compare["staff"],
        "families": families(config, "compare_staff_factor"),
    }


def _focus_group_settings(config: Config) -> dict[str, Any]:
    compare = config["compare"]
    return {
        "focus_groups": compare["focus_groups"],
        "barriers": compare["scores"]["barriers_met"],
        "families": families(config, "compare_focus_groups"),
    }


def _survey(config: Config) -> dict[str, str]:
    return {"scores": SCORES}


def _survey_and_items(config: Config) -> dict[str, str]:
    return {"scores": SCORES, "item_data": ITEMS}


def _survey_and_focus_groups(config: Config) -> dict[str, str]:
    return {"scores": SCORES, "consensus": CONSENSUS}


ANALYSES: tuple[Job, ...] = (
    Job(
        name="compare_describe",
        function="coprod.analyses.describe:descriptives",
        stage="compare",
        inputs=_survey_and_items,
        settings=_describe_settings,
        outputs_of=lambda config: _results(
            barriers="barriers_by_case",
            item_table="barrier_items_by_case",
            overcome="barriers_overcome",
            risks="risks",
        ),
    ),
    Job(
        name="compare_across_groups",
        function="coprod.analyses.groups:group_differences",
        stage="compare",
        inputs=_survey_and_items,
        settings=_groups_settings,
        outputs_of=lambda config: _results(
            across_cases="across_case_tests", stakeholder_groups="stakeholder_groups"
        ),
    ),
    Job(
        name="compare_contrasts",
        function="coprod.analyses.contrasts:contrast_tables",
        stage="compare",
        inputs=_survey,
        settings=_contrasts_settings,
        outputs_of=lambda config: _contrast_files(config),
    ),
    Job(
        name="compare_barrier_sides",
        function="coprod.analyses.barrier_sides:side_differences",
        stage="compare",
        inputs=_survey,
        settings=_sides_settings,
        outputs_of=lambda config: _results(barrier_sides="barrier_sides"),
    ),
    Job(
        name="compare_strategies",
        function="coprod.analyses.strategies:strategy_tables",
        stage="compare",
        inputs=_survey,
        settings=_strategies_settings,
        outputs_of=lambda config: _results(use="strategy_use", links="strategy_barrier_links"),
    ),
    Job(
        name="compare_staff_factor",
        function="coprod.analyses.staff:staff_factor",
        stage="compare",
        inputs=_survey,
        settings=_staff_settings,
        outputs_of=lambda config: _results(staff_factor="staff_factor"),
    ),
    Job(
        name="compare_focus_groups",
        function="coprod.analyses.focus_groups:focus_group_tables",
        stage="compare",
        inputs=_survey_and_focus_groups,
        settings=_focus_group_settings,
        outputs_of=lambda config: _results(
            prevalence="fg_prevalence",
            cooccurrence="fg_cooccurrence",
            display="joint_display",
            correlation="joint_display_correlation",
        ),
    ),
)


def job_named(name: str) -> Job:
    """The registered analysis called ``name``."""
    for job in ANALYSES:
        if job.name == name:
            return job
    raise ValueError(f"no analysis '{name}' is registered (known: {[j.name for j in ANALYSES]})")


FIGURE_DATA: tuple[Job, ...] = (
    Job(
        name="barrier_heatmap_cells",
        function="coprod.analyses.figure_data:heatmap_cells",
        stage="figure_data",
        inputs=lambda config: {"scores": "results/scoring/scores.parquet"},
        settings=lambda config: {
            "barriers": config["compare"]["scores"]["barriers_met"],
            "split": [
                key
                for key in (
                    config["figures"]["figure2_barrier_heatmap"]["panels"],
                    config["figures"]["figure2_barrier_heatmap"]["rows"],
                )
                if key
            ],
            "within": config["figures"]["figure2_barrier_heatmap"]["within"],
        },
        outputs_of=lambda config: {"cells": "results/figure_data/barrier_heatmap_cells.parquet"},
    ),
)
"""The statistics behind figures that no analysis table holds (:mod:`coprod.analyses.figure_data`):
computed apart from the drawing, so restyling a figure does not recompute them."""
