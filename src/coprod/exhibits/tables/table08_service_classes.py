"""Table 8: the two service classes compared on every barrier and risk score.

The job of the rule ``table08_service_classes`` (:mod:`coprod.exhibits.registry`).

Decisions
---------
The contrasts (tables 8, 9: :func:`coprod.exhibits.tables.common.contrast_table`) show
the primary test (Mann-Whitney, rank-biserial r with its CI) with the p adjusted in its
confirmatory family, and Hedges' g as robustness evidence; the proportional-odds
estimates stay in ``results/compare/``.
"""

from __future__ import annotations

from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Exhibit
from coprod.exhibits.tables.common import contrast_table
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def service_class_contrast(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 8: the two service classes compared on every barrier and risk score.

    Reads ``contrast`` (``results/compare/<contrast>.parquet``) and ``scores``
    (``results/scoring/scores.parquet``, for the group means); settings: the contrast's
    config (``compare.contrasts.<name>``: ``column``, ``family``, ``robustness_family``,
    ``fixed_effects``), ``kinds`` (config ``compare.outcome_kinds``), ``decimals``,
    ``min_cell``.

    Returns one row per score: per level n, mean or %, and yes count of a yes/no score; the
    rank-biserial r with its CI, the adjusted p, and Hedges' g.
    """
    labels = Labels(study)
    column = str(settings["column"])
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    note = (
        f"The proportional-odds models with {effects} fixed effects (robustness) are in "
        "results/compare/."
        if effects
        else ""
    )
    return contrast_table(
        study,
        inputs,
        settings,
        "table08_service_classes",
        title=f"Barriers and risks by {labels.design(column).lower()}: effect sizes with "
        "95% CI and adjusted p",
        design_note=note,
    )
