"""Table 8: the service classes compared on every barrier and risk score.

The job of the rule ``table08_service_classes`` (:mod:`coprod.exhibits.registry`).

Decisions
---------
The contrasts (tables 8, 9: :func:`coprod.exhibits.tables.comparisons.comparison_table`)
show, per score, the test across the levels (with three or more) and then every pair
(Mann-Whitney, rank-biserial r with its CI) with the p adjusted in its family, and
Hedges' g as robustness evidence; the proportional-odds estimates stay in
``results/compare/``. A two-level contrast shows its single pair only (see
:mod:`coprod.exhibits.tables.comparisons`).
"""

from __future__ import annotations

from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Exhibit
from coprod.exhibits.tables.comparisons import comparison_table
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def service_class_contrast(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 8: the service classes compared on every barrier and risk score.

    Reads ``contrast`` (``results/compare/<contrast>.parquet``) and ``scores``
    (``results/scoring/scores.parquet``, for the level means); settings: the contrast's
    config (``compare.contrasts.<name>``: ``column``, ``family``, ``pairwise_family``,
    ``robustness_family``, ``fixed_effects``), ``kinds`` (config
    ``compare.outcome_kinds``), ``decimals``, ``min_cell``.

    Returns, per score, the row of the test across the levels (three or more levels) with
    every level's mean or % and n, then one row per pair with the rank-biserial r and its
    CI, the adjusted p, and Hedges' g.
    """
    labels = Labels(study)
    column = str(settings["column"])
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    note = (
        f"The proportional-odds models of every pair with {effects} fixed effects "
        "(robustness) are in results/compare/."
        if effects
        else ""
    )
    return comparison_table(
        study,
        inputs,
        settings,
        "table08_service_classes",
        records="contrast",
        title=f"Barriers and risks by {labels.design(column).lower()}: effect sizes with "
        "95% CI and adjusted p",
        design_note=note,
    )
