"""The registry of exhibits: the paper's tables and figures, in the paper's order.

Adding a table means one module under :mod:`coprod.exhibits.tables` and one entry here;
see :class:`coprod.jobs.Job` for what an entry says.
"""

from __future__ import annotations

from typing import Any

from coprod.jobs import FIGURE_STYLE_KEYS, TABLE_DIR, Config, FromConfig, Job, Part

# ---- tables -------------------------------------------------------------------------------

TABLE_MODULES = "coprod.exhibits.tables"
SCORES = "results/scoring/scores.parquet"
SEGMENTS = "results/ingest/focus_group_segments.parquet"


def compare_result(name: str) -> str:
    """A result file of the compare stage."""
    return f"results/compare/{name}.parquet"


def protected(config: Config) -> dict[str, Any]:
    """What every table reads: its decimals and the minimum cell size."""
    return {
        "decimals": config["exhibits"]["decimals"],
        "min_cell": config["disclosure"]["min_cell"],
    }


def flow_labels(config: Config) -> dict[str, Any]:
    """The exclusion steps' labels (config ``exhibits.step_labels``) and the values they name."""
    return {"step_labels": config["exhibits"]["step_labels"], "exclusions": config["exclusions"]}


def table(number: str, name: str, function: str, section: str, parts: tuple, **job: Any) -> Job:
    """A table job: rule ``table<number>_<name>`` runs ``tables.<module>:<function>``."""
    module = f"table{number}_{name}"
    return Job(
        name=module,
        function=f"{TABLE_MODULES}.{module}:{function}",
        stage="exhibits",
        kind="table",
        parts=tuple(Part(*part) for part in parts),
        section=section,
        **job,
    )


TABLES: tuple[Job, ...] = (
    table(
        "01",
        "sample_composition",
        "sample_composition",
        "Sample",
        (("table01_sample_composition", "1", "Sample composition"),),
        inputs=lambda config: {"scores": SCORES, "segments": SEGMENTS},
        settings=lambda config: {"min_cell": config["disclosure"]["min_cell"]},
    ),
    table(
        "02",
        "data_quality_flow",
        "data_quality_flow",
        "Sample",
        (("table02_data_quality_flow", "2", "Data-quality flow"),),
        inputs=lambda config: {"flow": "results/clean/flow.parquet"},
        settings=lambda config: {
            **flow_labels(config),
            "min_cell": config["disclosure"]["min_cell"],
        },
    ),
    table(
        "03",
        "scale_reliability",
        "scale_reliability",
        "Reliability",
        (("table03_scale_reliability", "3", "Scale reliability"),),
        inputs=lambda config: {"reliability": "results/reliability/scale_reliability.parquet"},
        settings=lambda config: {
            **protected(config),
            "by": config["exhibits"]["by"],
            "threshold": config["reliability"]["scale_threshold"],
            "ci": config["reliability"]["ci"],
        },
    ),
    table(
        "04",
        "intercoder_reliability",
        "intercoder_reliability",
        "Reliability",
        (("table04_intercoder_reliability", "4", "Intercoder reliability"),),
        inputs=lambda config: {"intercoder": "results/reliability/intercoder_reliability.parquet"},
        settings=lambda config: {
            **protected(config),
            **{
                key: config["intercoder"][key]
                for key in ("unreliable_below", "reliable_from", "ci")
            },
        },
    ),
    table(
        "05",
        "barriers_met",
        "barriers_met",
        "Barriers and risks",
        (("table05_barriers_met", "5", "Barriers met"),),
        inputs=lambda config: {
            "describe": compare_result("barriers_by_case"),
            "tests": compare_result("across_case_tests"),
        },
        settings=lambda config: {
            **protected(config),
            "by": config["exhibits"]["by"],
            "scores": config["compare"]["scores"]["barriers_met"],
            "high_rating": config["compare"]["high_rating"],
            "family": config["compare"]["across_cases"]["family"],
        },
    ),
    table(
        "06",
        "barriers_overcome_strategies",
        "barriers_overcome_and_strategies",
        "Barriers and risks",
        (
            ("table06a_barriers_overcome", "6a", "Barriers overcome"),
            ("table06b_strategies_used", "6b", "Strategies used"),
            ("table06c_barrier_strategy_crosswalk", "6c", "Barrier-strategy crosswalk"),
        ),
        inputs=lambda config: {
            "overcome": compare_result("barriers_overcome"),
            "strategies": compare_result("strategy_use"),
            "cooccurrence": compare_result("fg_cooccurrence"),
        },
        settings=lambda config: {
            **protected(config),
            "by": config["exhibits"]["by"],
            "overcome": config["compare"]["scores"]["barriers_overcome"],
            "strategies": config["compare"]["scores"]["strategies_used"],
            "overcome_threshold": config["compare"]["overcome_threshold"],
            "strategy_family": config["compare"]["strategies"]["family"],
            "cooccurrence_family": config["compare"]["focus_groups"]["cooccurrence_family"],
            "significance": config["exhibits"]["significance"],
        },
    ),
    table(
        "07",
        "risks",
        "risks",
        "Barriers and risks",
        (("table07_risks", "7", "Risks"),),
        inputs=lambda config: {"risks": compare_result("risks")},
        settings=lambda config: {
            **protected(config),
            "by": config["exhibits"]["by"],
            "experienced": config["compare"]["scores"]["risks_experienced"],
            "managed": config["compare"]["scores"]["risks_managed"],
        },
    ),
    table(
        "08",
        "service_classes",
        "service_class_contrast",
        "Comparisons",
        (("table08_service_classes", "8", "Service-class contrast"),),
        inputs=lambda config: {"contrast": compare_result("service_class"), "scores": SCORES},
        settings=lambda config: {
            **protected(config),
            **config["compare"]["contrasts"]["service_class"],
            "kinds": config["compare"]["outcome_kinds"],
        },
    ),
    table(
        "09",
        "case_outcomes",
        "case_outcome_contrast",
        "Comparisons",
        (("table09_case_outcomes", "9", "Case-outcome contrast"),),
        inputs=lambda config: {"contrast": compare_result("case_outcome"), "scores": SCORES},
        settings=lambda config: {
            **protected(config),
            **config["compare"]["contrasts"]["case_outcome"],
            "kinds": config["compare"]["outcome_kinds"],
        },
    ),
    table(
        "10",
        "staff_factor",
        "staff_factor",
        "Staff factor",
        (("table10_staff_factor", "10", "Staff factor"),),
        inputs=lambda config: {"staff": compare_result("staff_factor")},
        settings=lambda config: {**protected(config), **config["compare"]["staff"]},
    ),
    table(
        "11",
        "stakeholder_groups",
        "stakeholder_groups",
        "Comparisons",
        (("table11_stakeholder_groups", "11", "Stakeholder groups"),),
        inputs=lambda config: {"tests": compare_result("stakeholder_groups"), "scores": SCORES},
        settings=lambda config: {
            **protected(config),
            "column": config["compare"]["stakeholder_groups"]["column"],
            "family": config["compare"]["stakeholder_groups"]["family"],
            "kinds": config["compare"]["outcome_kinds"],
        },
    ),
    table(
        "12",
        "joint_display",
        "joint_display",
        "Joint display",
        (
            ("table12a_joint_display", "12a", "Joint display"),
            ("table12b_rank_correlation", "12b", "Rank correlation"),
        ),
        inputs=lambda config: {
            "display": compare_result("joint_display"),
            "correlation": compare_result("joint_display_correlation"),
        },
        settings=lambda config: {
            **protected(config),
            "by": config["compare"]["focus_groups"]["joint_by"],
            "family": config["compare"]["focus_groups"]["joint_family"],
        },
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
        **protected(config),
        **flow_labels(config),
        "contrasts": {
            contrast: spec["family"] for contrast, spec in config["compare"]["contrasts"].items()
        },
        "across_family": config["compare"]["across_cases"]["family"],
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
    settings=lambda config: {"min_cell": config["disclosure"]["min_cell"]},
    outputs_of=lambda config: {"report": "results/exhibits/disclosure_check.txt"},
    write="coprod.exhibits.disclosure_check:write_report",
)
"""Last: no count of people under the minimum cell size leaves the pipeline."""


# ---- figures ------------------------------------------------------------------------------


def _figure(name: str, number: str, title: str, inputs: FromConfig, settings: FromConfig) -> Job:
    """A figure job: its module is named ``name``, its function ``name`` without the
    figure's number; its settings are ``settings(config)``, the figure's own config
    entry (``figure``) and the shared ``style``."""
    module = f"coprod.exhibits.figures.{name}"
    function = name.partition("_")[2]

    def figure_settings(config: Config) -> dict[str, Any]:
        figures = config["figures"]
        style = {key: figures[key] for key in FIGURE_STYLE_KEYS}
        return {"figure": figures[name], **settings(config), "style": style}

    return Job(
        name=name,
        function=f"{module}:{function}",
        stage="exhibits",
        inputs=inputs,
        settings=figure_settings,
        kind="figure",
        parts=(Part(name, f"Figure {number}", title),),
    )


def _min_cell(config: Config) -> int:
    return config["disclosure"]["min_cell"]


def _alpha(config: Config) -> float:
    return config["figures"]["alpha"]


def _score(config: Config, role: str) -> dict[str, str]:
    return config["compare"]["scores"][role]


def _barriers(config: Config) -> dict[str, Any]:
    return {"barriers": _score(config, "barriers_met"), "min_cell": _min_cell(config)}


def _contrast(config: Config) -> str:
    return config["figures"]["figure3_contrast_forest"]["contrast"]


FIGURES: tuple[Job, ...] = (
    _figure(
        "figure1_barrier_items",
        "1",
        "Barrier items: answers per level",
        inputs=lambda config: {"survey": "results/clean/survey_clean.parquet"},
        settings=_barriers,
    ),
    _figure(
        "figure2_barrier_heatmap",
        "2",
        "Mean barrier scores, small cells masked",
        inputs=lambda config: {"cells": "results/figure_data/barrier_heatmap_cells.parquet"},
        settings=_barriers,
    ),
    _figure(
        "figure3_contrast_forest",
        "3",
        "Effect sizes of a two-level contrast",
        inputs=lambda config: {"effects": f"results/compare/{_contrast(config)}.parquet"},
        settings=lambda config: {
            "alpha": _alpha(config),
            "contrast": config["compare"]["contrasts"][_contrast(config)],
            "scores": config["compare"]["scores"],
        },
    ),
    _figure(
        "figure4_risk_matrix",
        "4",
        "Risks experienced against how well managed",
        inputs=lambda config: {"risks": "results/compare/risks.parquet"},
        settings=lambda config: {
            "experienced": _score(config, "risks_experienced"),
            "managed": _score(config, "risks_managed"),
            "min_cell": _min_cell(config),
        },
    ),
    _figure(
        "figure5_focus_groups",
        "5",
        "Focus-group codes: prevalence and co-occurrence",
        inputs=lambda config: {
            "prevalence": "results/compare/fg_prevalence.parquet",
            "cooccurrence": "results/compare/fg_cooccurrence.parquet",
            "intercoder": "results/reliability/intercoder_reliability.parquet",
        },
        settings=lambda config: {
            "alpha": _alpha(config),
            "intercoder": {
                key: config["intercoder"][key] for key in ("unreliable_below", "reliable_from")
            },
            "row_kind": config["compare"]["focus_groups"]["row_kind"],
            "column_kind": config["compare"]["focus_groups"]["column_kind"],
        },
    ),
    _figure(
        "figure6_staff_factor",
        "6",
        "Staff models: standardised coefficients",
        inputs=lambda config: {"coefficients": "results/compare/staff_factor.parquet"},
        settings=lambda config: {"alpha": _alpha(config), "staff": config["compare"]["staff"]},
    ),
    _figure(
        "figure7_data_quality_flow",
        "7",
        "Data-quality flow of the responses",
        inputs=lambda config: {"flow": "results/clean/flow.parquet"},
        settings=lambda config: {
            "exclusions": config["exclusions"],
            "min_cell": _min_cell(config),
        },
    ),
)


EXHIBITS: tuple[Job, ...] = (*TABLES, NUMBERS, *FIGURES, DISCLOSURE_CHECK)
