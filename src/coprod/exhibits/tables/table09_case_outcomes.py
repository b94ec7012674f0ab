"""Table 9: the cases compared by a case attribute on every barrier and risk score
(as table 8: :mod:`coprod.exhibits.tables.table08_service_classes`).

The job of the rule ``table09_case_outcomes`` (:mod:`coprod.exhibits.registry`).
"""

from __future__ import annotations

from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Exhibit
from coprod.exhibits.tables.comparisons import comparison_table
from coprod.jobs import Inputs, Settings
from coprod.resources import Study


def case_outcome_contrast(study: Study, inputs: Inputs, settings: Settings) -> list[Exhibit]:
    """Table 9: cases by their strategy outcome compared on every barrier and risk score.

    Parameters and returns as :func:`service_class_contrast` (the contrast of a case
    attribute).
    """
    labels = Labels(study)
    column = str(settings["column"])
    per_level = (
        "; ".join(
            f"{labels.level(column, value)}: "
            + ", ".join(labels.case(c) for c in study.cases.index[study.cases[column] == value])
            for value in dict.fromkeys(study.cases[column])
        )
        if column in labels.case_attributes()
        else ""
    )
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    note = (
        f"Cases: {per_level}. The attribute is constant within a case, so the comparison "
        f"has no case fixed effects and rests on few cases per level: any difference "
        f"between the cases shows up in it (the robustness models control for {effects})."
    )
    return comparison_table(
        study,
        inputs,
        settings,
        "table09_case_outcomes",
        records="contrast",
        title=f"Barriers and risks by the cases' {labels.design(column).lower()}: effect "
        "sizes with 95% CI and adjusted p",
        design_note=note,
    )
