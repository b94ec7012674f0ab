"""Every label a table prints, from the study's codebooks and registries.

:class:`Labels` names cases, stakeholder groups, service classes, constructs, scores
and focus-group codes as the study's resources do; :func:`step_label` names the steps
of the exclusion flow (config ``exhibits.step_labels``). Nothing here names an item,
scale, case, group, service, code or risk of a study.

Example
-------
>>> labels = Labels(study)
>>> labels.level("case", "all"), humanise("service_class")
('All cases', 'Service class')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from coprod.analyses.catalogue import score_catalogue
from coprod.resources import Study
from coprod.vocabulary import POOLED

STEP_LABELS = {
    "received": "Responses received",
    "preview_test": "Previews, tests and spam",
    "duplicate": "Duplicates (same respondent)",
    "incomplete": "Incomplete",
    "speeder": "Speeders",
    "straightliner": "Straight-liners who were also fast",
    "attention_fail": "Failed attention check",
    "included": "Included in the analysis",
    "flagged_kept": "Straight-liners flagged but kept",
}
"""Default labels of the exclusion steps of :mod:`coprod.clean` (config
``exhibits.step_labels`` overrides them)."""


def step_label(step: str, settings: Mapping[str, Any]) -> str:
    """A row label of the flow table: config ``step_labels`` filled from ``exclusions``.

    Examples
    --------
    >>> step_label("speeder", {"step_labels": {"speeder": "Under {speeder_fraction:.0%}"},
    ...                        "exclusions": {"speeder": {"speeder_fraction": 0.3}}})
    'Under 30%'
    """
    template = dict(settings.get("step_labels") or {}).get(step, STEP_LABELS.get(step))
    if template is None:
        return humanise(step)
    fields = dict((settings.get("exclusions") or {}).get(step) or {})
    try:
        return str(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return str(template)


DESIGN_LABELS = {
    "case": "Case",
    "group_id": "Stakeholder group",
    "service_id": "Service area",
    "service_class": "Service class",
    "sample": "Sample",
    "speaker_group": "Speaker's stakeholder group",
}
"""Labels of the design columns the pipeline adds (case attributes are labelled from
their registry column name)."""


def humanise(name: str) -> str:
    """A column or level name in words: ``"strategy_outcome"`` -> ``"Strategy outcome"``.

    Examples
    --------
    >>> humanise("service_area"), humanise("first_level")
    ('Service area', 'First level')
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def slug(text: Any) -> str:
    """A label or id as part of a number key: lower-case ASCII letters, digits and
    underscores (accents dropped, every other run of characters one underscore).

    Examples
    --------
    >>> slug("Risk aversion (met)"), slug("Cramér's V"), slug(1)
    ('risk_aversion_met', 'cramer_s_v', '1')
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def listing(values: Sequence[str] | pd.Series, *, lower: bool = False) -> str:
    """Distinct values in order as "a, b and c" (the first letters lowered if ``lower``).

    Examples
    --------
    >>> listing(["One", "Two", "Three", "Two"], lower=True)
    'one, two and three'
    """
    items = [str(v) for v in dict.fromkeys(values)]
    if lower:
        items = [item[:1].lower() + item[1:] for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def bracketed(label: str) -> str:
    """A result file's "<construct>: <measure>" label as "<construct> (<measure>)".

    Examples
    --------
    >>> bracketed("Mean score: overcome"), bracketed("Plain")
    ('Mean score (overcome)', 'Plain')
    """
    head, sep, tail = label.partition(": ")
    return f"{head} ({tail})" if sep else label


@dataclass(frozen=True)
class Labels:
    """Every label a table prints, from the study's codebooks and registries.

    Parameters
    ----------
    study : Study
        The study's resources.
    """

    study: Study

    @cached_property
    def catalogue(self) -> pd.DataFrame:
        """The codebook's scores: ``construct``, ``measure``, ``kind``, ``side``, ``label``,
        ``binary`` and more (:func:`coprod.analyses.catalogue.score_catalogue`)."""
        return score_catalogue(self.study.codebook)

    def scores_of(self, kinds: Sequence[str], measures: Sequence[str] | None = None) -> list[str]:
        """Score ids of the construct ``kinds`` (and ``measures``), in codebook order."""
        chosen = self.catalogue["kind"].isin(list(kinds))
        if measures is not None:
            chosen &= self.catalogue["measure"].isin(list(measures))
        return list(self.catalogue.index[chosen.to_numpy(dtype=bool)])

    def case(self, case_id: str) -> str:
        """A case's label from the case registry; "All cases" for the pooled level."""
        if case_id == POOLED:
            return "All cases"
        return str(self.study.cases.loc[case_id, "label"])

    def case_attributes(self) -> list[str]:
        """Registry columns that classify cases (e.g. authority type, strategy outcome)."""
        skip = {"case_id", "code", "label", "description"}
        return [column for column in self.study.cases.columns if column not in skip]

    def case_note(self) -> str:
        """Which case has which attribute value, for a table note."""
        parts = []
        for attribute in self.case_attributes():
            values = self.study.cases[attribute]
            groups = [
                f"{value}: {', '.join(self.case(c) for c in values.index[values == value])}"
                for value in dict.fromkeys(values)
            ]
            parts.append(f"{humanise(attribute)}: {'; '.join(groups)}.")
        return " ".join(parts)

    def level(self, column: str, value: Any) -> str:
        """The label of one level of a design column (pooled: "All")."""
        value = str(value)
        if value == POOLED:
            return "All cases" if column == "case" else "All"
        if column == "case":
            return self.case(value)
        if column in ("group_id", "speaker_group"):
            return str(self.study.stakeholder_groups.loc[value, "label"])
        if column == "service_class":
            return str(self.study.service_classes.loc[value, "label"])
        if column == "service_id":
            return str(self.study.services.loc[value, "label"])
        if column == "sample":
            return f"Sample {value}"
        return humanise(value)

    def levels(self, column: str) -> list[str]:
        """The levels of a design column in registry order (as text)."""
        if column == "case":
            return [str(c) for c in self.study.cases.index]
        if column in ("group_id", "speaker_group"):
            return [str(g) for g in self.study.stakeholder_groups.index]
        if column == "service_class":
            return [str(c) for c in self.study.service_classes.index]
        if column == "service_id":
            return [str(s) for s in self.study.services.index]
        if column in self.case_attributes():
            return [str(v) for v in dict.fromkeys(self.study.cases[column])]
        raise ValueError(f"no registry lists the levels of '{column}'")

    def design(self, column: str) -> str:
        """The label of a design column."""
        return DESIGN_LABELS.get(column, humanise(column))

    def construct(self, construct: str) -> str:
        """A construct's label from the codebook."""
        return str(self.study.codebook.constructs.loc[construct, "label"])

    def score(self, score: str) -> str:
        """A score's construct label (the codebook's)."""
        return str(self.catalogue.loc[score, "label"])

    def outcome(self, score: str) -> str:
        """A score in words, "<construct label> (<measure>)"; a level score by its label."""
        spec = self.catalogue.loc[score]
        if spec["measure"] == "level":
            return str(spec["label"])
        return f"{spec['label']} ({spec['measure']})"

    def measure(self, score: str) -> str:
        """What a score measures in words, e.g. "Barrier met", "Risk experienced"."""
        spec = self.catalogue.loc[score]
        return humanise(f"{spec['kind']} {spec['measure']}")

    def anchors(self, score: str) -> str:
        """The end points of a score's response set, e.g. "1 = not at all, 5 = ..."."""
        spec = self.study.codebook.scores.loc[score]
        values = self.study.codebook.response_sets[spec["response_set"]].values
        if not values:
            return ""
        low, high = min(values), max(values)
        return f"{low} = {values[low].lower()}, {high} = {values[high].lower()}"

    def at_least(self, score: str, threshold: float) -> str:
        """The answers of a score's response set at or above ``threshold``, in words."""
        spec = self.study.codebook.scores.loc[score]
        values = self.study.codebook.response_sets[spec["response_set"]].values
        chosen = [label.lower() for code, label in sorted(values.items()) if code >= threshold]
        return " or ".join(chosen) if chosen else f"{threshold} or more"

    def code(self, code: str) -> str:
        """A focus-group code's label."""
        return str(self.study.focus_group_codes.loc[code, "label"])
