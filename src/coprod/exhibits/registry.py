"""The registry of exhibits: the paper's tables and figures, in the paper's order.

Adding a table means one module under :mod:`coprod.exhibits.tables` and one entry here;
see :class:`coprod.jobs.Job` for what an entry says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from coprod.analyses.registry import compare_result
from coprod.exhibits import table_number
from coprod.jobs import (
    FIGURE_STYLE_KEYS,
    TABLE_DIR,
    Config,
    FromConfig,
    Job,
    Part,
    Reported,
    from_config,
)
from coprod.preparation import SCORES, SEGMENTS

# ---- tables -------------------------------------------------------------------------------

TABLE_MODULES = "coprod.exhibits.tables"
PROTECTED = {"decimals": "exhibits.decimals", "min_cell": "disclosure.min_cell"}
"""What every table but the first two reads: its decimals and the minimum cell size."""
FLOW_LABELS = {"step_labels": "exhibits.step_labels", "exclusions": "exclusions"}
"""The exclusion steps' labels (config ``exhibits.step_labels``) and the values they name."""


def table(
    name: str,
    section: str,
    parts: str | tuple[tuple[str, str], ...],
    inputs: Mapping[str, str],
    settings: Mapping[str, str],
    *,
    function: str = "",
    protect: bool = True,
) -> Job:
    """A table job: rule ``name`` (``table<NN>_<topic>``) runs ``tables.<name>:<function>``.

    ``function`` defaults to the topic; ``parts`` is the one part's title (stem ``name``)
    or the parts as (stem, title); a part's number is the one its stem names
    (:func:`~coprod.exhibits.table_number`); ``inputs`` are fixed paths;
    ``settings`` are config paths (:func:`from_config`), after :data:`PROTECTED` unless
    ``protect`` is false.
    """
    topic = name.partition("_")[2]
    if isinstance(parts, str):
        parts = ((name, parts),)
    return Job(
        name=name,
        function=f"{TABLE_MODULES}.{name}:{function or topic}",
        stage="exhibits",
        inputs=lambda config: dict(inputs),
        settings=from_config({**(PROTECTED if protect else {}), **settings}),
        kind="table",
        parts=tuple(Part(stem, table_number(stem), title) for stem, title in parts),
        section=section,
    )


def shown_contrast(config: Config, table_name: str) -> str:
    """The contrast of ``compare.contrasts`` that a contrast table shows (config
    ``exhibits.contrast_tables``)."""
    return config["exhibits"]["contrast_tables"][table_name]


def contrast_table(name: str, title: str, function: str) -> Job:
    """A contrast's table (tables 8 and 9): the contrast that config
    ``exhibits.contrast_tables`` names for it, with its config entry and the outcome kinds."""
    job = table(name, "Comparisons", title, {}, {}, function=function)
    protected = from_config(PROTECTED)

    def inputs(config: Config) -> dict[str, str]:
        return {"contrast": compare_result(shown_contrast(config, name)), "scores": SCORES}

    def settings(config: Config) -> dict[str, Any]:
        contrast = config["compare"]["contrasts"][shown_contrast(config, name)]
        return {**protected(config), **contrast, "kinds": config["compare"]["outcome_kinds"]}

    return dataclasses.replace(job, inputs=inputs, settings=settings)


BARRIERS = "Barriers and risks"
TABLES: tuple[Job, ...] = (
    table(
        "table01_sample_composition",
        "Sample",
        "Sample composition",
        {"scores": SCORES, "segments": SEGMENTS},
        {"min_cell": "disclosure.min_cell"},
        protect=False,
    ),
    table(
        "table02_data_quality_flow",
        "Sample",
        "Data-quality flow",
        {"flow": "results/clean/flow.parquet"},
        {**FLOW_LABELS, "min_cell": "disclosure.min_cell"},
        protect=False,
    ),
    table(
        "table03_scale_reliability",
        "Reliability",
        "Scale reliability",
        {"reliability": "results/reliability/scale_reliability.parquet"},
        {"by": "exhibits.by", "threshold": "reliability.scale_threshold", "ci": "reliability.ci"},
    ),
    table(
        "table04_intercoder_reliability",
        "Reliability",
        "Intercoder reliability",
        {"intercoder": "results/reliability/intercoder_reliability.parquet"},
        {key: f"intercoder.{key}" for key in ("unreliable_below", "reliable_from", "ci")},
    ),
    table(
        "table05_barriers_met",
        BARRIERS,
        "Barriers met",
        {
            "describe": compare_result("barriers_by_case"),
            "tests": compare_result("across_case_tests"),
        },
        {
            "by": "exhibits.by",
            "scores": "compare.scores.barriers_met",
            "high_rating": "compare.high_rating",
            "family": "compare.across_cases.family",
            "pairwise_family": "compare.across_cases.pairwise_family",
        },
    ),
    table(
        "table06_barriers_overcome_strategies",
        BARRIERS,
        (
            ("table06a_barriers_overcome", "Barriers overcome"),
            ("table06b_strategies_used", "Strategies used"),
            ("table06c_barrier_strategy_crosswalk", "Barrier-strategy crosswalk"),
        ),
        {
            "overcome": compare_result("barriers_overcome"),
            "strategies": compare_result("strategy_use"),
            "cooccurrence": compare_result("fg_cooccurrence"),
        },
        {
            "by": "exhibits.by",
            "overcome": "compare.scores.barriers_overcome",
            "strategies": "compare.scores.strategies_used",
            "overcome_threshold": "compare.overcome_threshold",
            "strategy_family": "compare.strategies.family",
            "cooccurrence_family": "compare.focus_groups.cooccurrence_family",
            "significance": "exhibits.significance",
        },
        function="barriers_overcome_and_strategies",
    ),
    table(
        "table07_risks",
        BARRIERS,
        "Risks",
        {"risks": compare_result("risks")},
        {
            "by": "exhibits.by",
            "experienced": "compare.scores.risks_experienced",
            "managed": "compare.scores.risks_managed",
        },
    ),
    contrast_table("table08_service_classes", "Service-class contrast", "service_class_contrast"),
    contrast_table("table09_case_outcomes", "Case-outcome contrast", "case_outcome_contrast"),
    table(
        "table10_staff_factor",
        "Staff factor",
        "Staff factor",
        {"staff": compare_result("staff_factor")},
        {"*staff": "compare.staff"},
    ),
    table(
        "table11_stakeholder_groups",
        "Comparisons",
        "Stakeholder groups",
        {"tests": compare_result("stakeholder_groups"), "scores": SCORES},
        {"*comparison": "compare.stakeholder_groups", "kinds": "compare.outcome_kinds"},
    ),
    table(
        "table12_joint_display",
        "Joint display",
        (
            ("table12a_joint_display", "Joint display"),
            ("table12b_rank_correlation", "Rank correlation"),
        ),
        {
            "display": compare_result("joint_display"),
            "correlation": compare_result("joint_display_correlation"),
        },
        {"by": "compare.focus_groups.joint_by", "family": "compare.focus_groups.joint_family"},
    ),
)

NUMBERS = Job(
    name="cited_numbers",
    function="coprod.exhibits.numbers:cited_numbers",
    stage="exhibits",
    inputs=lambda config: {
        **{f"contrast_{name}": compare_result(name) for name in config["compare"]["contrasts"]},
        "flow": "results/clean/flow.parquet",
        "segments": SEGMENTS,
        "reliability": "results/reliability/scale_reliability.parquet",
        "intercoder": "results/reliability/intercoder_reliability.parquet",
        "describe": compare_result("barriers_by_case"),
        "across_cases": compare_result("across_case_tests"),
        "strategies": compare_result("strategy_use"),
        "staff": compare_result("staff_factor"),
        "barrier_sides": compare_result("barrier_sides"),
        "joint_correlation": compare_result("joint_display_correlation"),
    },
    settings=lambda config: {
        **from_config({**PROTECTED, **FLOW_LABELS})(config),
        "contrasts": {
            contrast: {key: spec.get(key) for key in ("family", "pairwise_family")}
            for contrast, spec in config["compare"]["contrasts"].items()
        },
        "across_family": config["compare"]["across_cases"]["family"],
        "across_pairwise_family": config["compare"]["across_cases"].get("pairwise_family"),
        "contrast_tables": config["exhibits"]["contrast_tables"],
        "by": config["exhibits"]["by"],
        "high_rating": config["compare"]["high_rating"],
        "barriers": config["compare"]["scores"]["barriers_met"],
        "strategies": config["compare"]["scores"]["strategies_used"],
        "staff": config["compare"]["staff"],
        "significance": config["exhibits"]["significance"],
    },
    outputs_of=lambda config: {
        "json": "results/exhibits/numbers.json",
        "tex": "results/exhibits/numbers.tex",
    },
    write="coprod.exhibits.numbers:write_numbers",
    reported=Reported("json", "Numbers", "numbers", "Numbers cited in the text"),
)
"""The numbers the paper's text cites (``numbers.json`` and LaTeX macros)."""

DISCLOSURE_CHECK = Job(
    name="disclosure_check",
    function="coprod.exhibits.disclosure_check:disclosure_check",
    stage="exhibits",
    inputs=lambda config: {
        "tables": [f"{TABLE_DIR}/{part.stem}.csv" for job in TABLES for part in job.parts],
        "sidecars": [
            f"{TABLE_DIR}/{part.stem}.disclosure.json" for job in TABLES for part in job.parts
        ],
        "numbers": NUMBERS.outputs(config)["json"],
    },
    settings=from_config({"min_cell": "disclosure.min_cell"}),
    outputs_of=lambda config: {"report": "results/exhibits/disclosure_check.txt"},
    write="coprod.exhibits.disclosure_check:write_report",
    study=False,
    reported=Reported("report", "Disclosure control", "disclosure_check", "Small-cell scan"),
)
"""Last: no count of people under the minimum cell size leaves the pipeline."""


# ---- figures ------------------------------------------------------------------------------


def _figure(
    name: str,
    title: str,
    inputs: Mapping[str, str] | FromConfig,
    settings: Mapping[str, str] | FromConfig,
) -> Job:
    """A figure job: its module is named ``name`` (``figure<N>_<topic>``), its function
    ``topic``; ``inputs`` are fixed paths or a function of the config; its settings are
    ``settings`` (config paths, :func:`from_config`, or a function of the config), the
    figure's own config entry (``figure``) and the shared ``style``."""
    number, _, function = name.removeprefix("figure").partition("_")
    own = from_config(settings) if isinstance(settings, Mapping) else settings

    def figure_settings(config: Config) -> dict[str, Any]:
        figures = config["figures"]
        style = {key: figures[key] for key in FIGURE_STYLE_KEYS}
        return {"figure": figures[name], **own(config), "style": style}

    return Job(
        name=name,
        function=f"coprod.exhibits.figures.{name}:{function}",
        stage="exhibits",
        inputs=inputs if callable(inputs) else lambda config: dict(inputs),
        settings=figure_settings,
        kind="figure",
        parts=(Part(name, f"Figure {number}", title),),
    )


BARRIER_FIGURE = {"barriers": "compare.scores.barriers_met", "min_cell": "disclosure.min_cell"}
"""What figures 1 and 2 read: the barrier scores and the minimum cell size."""


def _contrast(config: Config) -> str:
    return config["figures"]["figure3_contrast_forest"]["contrast"]


FIGURES: tuple[Job, ...] = (
    _figure(
        "figure1_barrier_items",
        "Barrier items: answers per level",
        {"survey": "results/clean/survey_clean.parquet"},
        BARRIER_FIGURE,
    ),
    _figure(
        "figure2_barrier_heatmap",
        "Mean barrier scores, small cells masked",
        {"cells": "results/figure_data/barrier_heatmap_cells.parquet"},
        {**BARRIER_FIGURE, "case_attribute": "figures.case_attribute"},
    ),
    _figure(
        "figure3_contrast_forest",
        "Effect sizes of every pair of a contrast",
        lambda config: {"effects": compare_result(_contrast(config))},
        lambda config: {
            "alpha": config["figures"]["alpha"],
            "contrast": config["compare"]["contrasts"][_contrast(config)],
            "scores": config["compare"]["scores"],
        },
    ),
    _figure(
        "figure4_risk_matrix",
        "Risks experienced against how well managed",
        {"risks": compare_result("risks")},
        {
            "experienced": "compare.scores.risks_experienced",
            "managed": "compare.scores.risks_managed",
            "min_cell": "disclosure.min_cell",
        },
    ),
    _figure(
        "figure5_focus_groups",
        "Focus-group codes: prevalence and co-occurrence",
        {
            "prevalence": compare_result("fg_prevalence"),
            "cooccurrence": compare_result("fg_cooccurrence"),
            "intercoder": "results/reliability/intercoder_reliability.parquet",
        },
        lambda config: {
            "alpha": config["figures"]["alpha"],
            "case_attribute": config["figures"]["case_attribute"],
            "intercoder": {
                key: config["intercoder"][key] for key in ("unreliable_below", "reliable_from")
            },
            "row_kind": config["compare"]["focus_groups"]["row_kind"],
            "column_kind": config["compare"]["focus_groups"]["column_kind"],
        },
    ),
    _figure(
        "figure6_staff_factor",
        "Staff models: standardised coefficients",
        {"coefficients": compare_result("staff_factor")},
        {"alpha": "figures.alpha", "staff": "compare.staff"},
    ),
    _figure(
        "figure7_data_quality_flow",
        "Data-quality flow of the responses",
        {"flow": "results/clean/flow.parquet"},
        {
            "step_labels": "exhibits.step_labels",
            "exclusions": "exclusions",
            "min_cell": "disclosure.min_cell",
        },
    ),
)


EXHIBITS: tuple[Job, ...] = (*TABLES, NUMBERS, *FIGURES, DISCLOSURE_CHECK)
