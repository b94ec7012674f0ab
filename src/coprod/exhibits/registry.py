"""The registry of exhibits: the paper's tables and figures, in the paper's order.

Adding a table means one module under :mod:`coprod.exhibits.tables` and one entry here;
see :class:`coprod.registry.Job` for what an entry says.
"""

from __future__ import annotations

from typing import Any

from coprod.registry import FIGURE_STYLE_KEYS, Config, FromConfig, Job, Part

# ---- tables -------------------------------------------------------------------------------

TABLES: tuple[Job, ...] = ()


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


EXHIBITS: tuple[Job, ...] = (*TABLES, *FIGURES)
