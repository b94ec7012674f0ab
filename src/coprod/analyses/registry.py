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

from coprod.jobs import Config, FromConfig, Job, fixed, from_config
from coprod.preparation import CONSENSUS, ITEMS, SCORES

__all__ = [
    "ANALYSES",
    "COMPARE_DIR",
    "compare_result",
    "families",
    "family_names",
    "job_named",
]

COMPARE_DIR = "results/compare"

COMPARISON_FAMILY_KEYS = ("family", "pairwise_family", "robustness_family")
"""The families a k-level comparison names (:mod:`coprod.analyses.contrasts`): its
omnibus tests, its pairs and their robustness evidence; the last two optional."""

FAMILY_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "compare_across_groups": (
        *(("across_cases", key) for key in COMPARISON_FAMILY_KEYS),
        ("across_cases", "item_family"),
        *(("stakeholder_groups", key) for key in COMPARISON_FAMILY_KEYS),
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
(``section``, ``key``; a key the section leaves out names no family); the contrasts name
theirs per contrast (:data:`COMPARISON_FAMILY_KEYS`)."""


def family_names(compare: Mapping[str, Any], job: str) -> list[str]:
    """The families of tests a job writes, as config ``compare`` names them."""
    if job == "compare_contrasts":
        specs = compare["contrasts"].values()
        keys = [(spec, key) for spec in specs for key in COMPARISON_FAMILY_KEYS]
    else:
        keys = [(compare[section], key) for section, key in FAMILY_KEYS.get(job, ())]
    return list(dict.fromkeys(spec[key] for spec, key in keys if spec.get(key)))


def families(config: Config, job: str) -> dict[str, Any]:
    """The definitions (correction, role) of the families a job writes."""
    defined = config["compare"]["families"]
    return {name: defined[name] for name in family_names(config["compare"], job)}


def compare_result(stem: str) -> str:
    """A result file of the comparisons stage, ``results/compare/<stem>.parquet``."""
    return f"{COMPARE_DIR}/{stem}.parquet"


def _results(**stems: str) -> dict[str, str]:
    """Outputs by name, each a :func:`compare_result`."""
    return {name: compare_result(stem) for name, stem in stems.items()}


def _contrast_files(config: Config) -> dict[str, str]:
    """One file per contrast of config ``compare.contrasts``, named after it."""
    return _results(**{name: name for name in config["compare"]["contrasts"]})


MONTE_CARLO = {"n_mc": "n_mc", "seed": "seed"}
"""The Monte Carlo p values' settings (config ``compare.n_mc`` and ``compare.seed``)."""
TESTS = {"tests": "tests"}
"""The tests' options (config ``compare.tests``: Yates, continuity correction, exact p)."""
WITH_ITEMS = {"scores": SCORES, "item_data": ITEMS}


def _compare(
    name: str, function: str, inputs: Mapping[str, str], outputs: FromConfig, **paths: str
) -> Job:
    """A comparison job: rule ``name`` runs ``coprod.analyses.<function>`` on ``inputs``;
    each setting is the value at its path under config ``compare`` (:func:`from_config`),
    then the definitions of the families the job writes, if it writes any."""

    def settings(config: Config) -> dict[str, Any]:
        values = from_config({key: f"compare.{path}" for key, path in paths.items()})(config)
        written = families(config, name)
        return {**values, "families": written} if written else values

    return Job(
        name, f"coprod.analyses.{function}", "compare", fixed(inputs), settings, outputs_of=outputs
    )


ANALYSES: tuple[Job, ...] = (
    _compare(
        "compare_describe",
        "describe:descriptives",
        WITH_ITEMS,
        fixed(
            _results(
                barriers="barriers_by_case",
                item_table="barrier_items_by_case",
                overcome="barriers_overcome",
                risks="risks",
            )
        ),
        by="describe_by",
        high_rating="high_rating",
        overcome_threshold="overcome_threshold",
        scores="scores",
    ),
    _compare(
        "compare_across_groups",
        "groups:group_differences",
        WITH_ITEMS,
        fixed(_results(across_cases="across_case_tests", stakeholder_groups="stakeholder_groups")),
        across_cases="across_cases",
        stakeholder_groups="stakeholder_groups",
        kinds="outcome_kinds",
        items_of="scores.barriers_met",
        ordinal="ordinal",
        **MONTE_CARLO,
        **TESTS,
    ),
    _compare(
        "compare_contrasts",
        "contrasts:contrast_tables",
        {"scores": SCORES},
        _contrast_files,
        contrasts="contrasts",
        kinds="outcome_kinds",
        ordinal="ordinal",
        **MONTE_CARLO,
        **TESTS,
    ),
    _compare(
        "compare_barrier_sides",
        "barrier_sides:side_differences",
        {"scores": SCORES},
        fixed(_results(barrier_sides="barrier_sides")),
        barriers="scores.barriers_met",
        by="barrier_sides.by",
        family="barrier_sides.family",
        **TESTS,
    ),
    _compare(
        "compare_strategies",
        "strategies:strategy_tables",
        {"scores": SCORES},
        fixed(_results(use="strategy_use", links="strategy_barrier_links")),
        strategies="scores.strategies_used",
        overcome="scores.barriers_overcome",
        **{key: f"strategies.{key}" for key in ("by", "family", "link_family")},
        **MONTE_CARLO,
        **TESTS,
    ),
    _compare(
        "compare_staff_factor",
        "staff:staff_factor",
        {"scores": SCORES},
        fixed(_results(staff_factor="staff_factor")),
        derived="derived",
        staff="staff",
    ),
    _compare(
        "compare_focus_groups",
        "focus_groups:focus_group_tables",
        {"scores": SCORES, "consensus": CONSENSUS},
        fixed(
            _results(
                prevalence="fg_prevalence",
                cooccurrence="fg_cooccurrence",
                display="joint_display",
                correlation="joint_display_correlation",
            )
        ),
        focus_groups="focus_groups",
        barriers="scores.barriers_met",
        **TESTS,
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
        inputs=fixed({"scores": SCORES}),
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
