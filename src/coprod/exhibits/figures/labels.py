"""What the figures take from the study: the scores a config role names, the labels
of a column's levels, the words at a response scale's ends.

Nothing here names a score, case or group: they come from the codebook, the
registries and the config's score roles (``compare: scores:``).

Example
-------
>>> labels = level_labels(study.registries, "case")
>>> list(labels) == [str(case) for case in study.cases.index]
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from coprod.analyses.catalogue import scores_of
from coprod.errors import StudyInputError
from coprod.resources import Codebook, ResponseSet
from coprod.vocabulary import COLUMN_REGISTRIES


def role_scores(catalogue: pd.DataFrame, role: Mapping[str, str]) -> list[str]:
    """The scores of a score role (``{"kind": ..., "measure": ...}``), in codebook order.

    >>> catalogue = pd.DataFrame({"kind": ["a", "a"], "measure": ["x", "y"]}, index=["s", "t"])
    >>> role_scores(catalogue, {"kind": "a", "measure": "y"})
    ['t']
    """
    return scores_of(catalogue, [role["kind"]], [role["measure"]])


def has_level_labels(registries: Mapping[str, pd.DataFrame], column: str) -> bool:
    """Whether :func:`level_labels` labels ``column``: a registry's id, or a case attribute."""
    cases = registries.get("cases")
    return column in COLUMN_REGISTRIES or (cases is not None and column in cases.columns)


def level_labels(registries: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    """Labels of the levels of a design column, in registry order (``{id: label}``).

    The column's registry comes from :data:`coprod.vocabulary.COLUMN_REGISTRIES`;
    levels are strings, as in the ``group`` column of the comparison tables. A case
    attribute (a column of the case registry) has no labels of its own: its values,
    in the order the registry first lists them, with underscores as spaces and a
    capital first letter.

    >>> cases = pd.DataFrame({"label": ["A", "B"], "area": ["area_2", "area_1"]})
    >>> level_labels({"cases": cases}, "area")
    {'area_2': 'Area 2', 'area_1': 'Area 1'}
    """
    cases = registries.get("cases")
    if column not in COLUMN_REGISTRIES and cases is not None and column in cases.columns:
        values = dict.fromkeys(str(value) for value in cases[column])
        return {value: value.replace("_", " ").capitalize() for value in values}
    if column not in COLUMN_REGISTRIES:
        raise ValueError(
            f"no registry labels the levels of {column!r}; known: "
            f"{', '.join(COLUMN_REGISTRIES)} and the case registry's columns"
        )
    registry = registries[COLUMN_REGISTRIES[column]]
    return {str(key): str(label) for key, label in registry["label"].items()}


def with_case_attribute(
    labels: Mapping[str, str],
    registries: Mapping[str, pd.DataFrame],
    column: str,
    attribute: str | None,
) -> dict[str, str]:
    """``labels`` of ``column``'s levels, each case's followed by its value of the case
    ``attribute`` (a column of the case registry, e.g. how its strategy turned out);
    unchanged when ``attribute`` is None or ``column`` does not hold cases.

    >>> cases = pd.DataFrame({"label": ["A"], "fate": ["did_well"]}, index=["a"])
    >>> with_case_attribute({"a": "Case A"}, {"cases": cases}, "case", "fate")
    {'a': 'Case A: did well'}
    """
    if attribute is None or COLUMN_REGISTRIES.get(column) != "cases":
        return dict(labels)
    cases = registries["cases"]
    if attribute not in cases.columns:
        raise StudyInputError(
            "the config",
            f"'{attribute}' is not a column of the case registry (its columns: "
            f"{', '.join(map(str, cases.columns))}).",
            entry="figures.case_attribute",
            fix="Name one of them, or set null to label cases by their label alone.",
        )
    values = {str(case): str(value).replace("_", " ") for case, value in cases[attribute].items()}
    return {
        level: f"{label}: {values[level]}" if level in values else label
        for level, label in labels.items()
    }


def known_level_labels(registries: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    """:func:`level_labels` where the study labels ``column``'s levels, else none.

    >>> known_level_labels(study.registries, "sample")
    {}
    """
    return level_labels(registries, column) if has_level_labels(registries, column) else {}


def scale_ends(response_set: ResponseSet) -> str:
    """The lowest and highest codes of a response scale with their meanings.

    >>> from coprod.resources import Codebook, ResponseSet
    >>> scale_ends(ResponseSet("r", "likert", {1: "Never", 2: "Sometimes", 3: "Always"}))
    '1 = never, 3 = always'
    """
    codes = sorted(response_set.values)
    low, high = codes[0], codes[-1]
    return (
        f"{low} = {response_set.values[low].lower()}, {high} = {response_set.values[high].lower()}"
    )


def score_response_set(codebook: Codebook, score: str) -> ResponseSet:
    """The response set a score's items are answered on."""
    return codebook.response_sets[codebook.scores.loc[score, "response_set"]]
