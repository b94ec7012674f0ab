"""The pipeline's shared words: result columns, the pooled label, response-set types,
and which registry a column's levels come from.

Every other module imports these names; none restates them. Nothing here names an
item, scale, case, group, service, code or risk of a particular study: those come
from ``resources/`` and ``config/``.

Decisions
---------
- The pooled level is the string ``"all"`` in every result file (flow, descriptives,
  reliability, figures), so one filter finds it everywhere.
- A response set whose type is in :data:`BINARY_TYPES` is scored as a share (yes/no,
  selected/not selected); every other type as a mean of its codes.
- A yes/no answer may be coded with any two codes: the codebook declares which one
  means yes (``yes:``). Its *score* is always :data:`YES` (1) or :data:`NO` (0), so
  shares, counts of yes and 0/1 predictors downstream of scoring never depend on the
  coding (``ResponseSet.score_values``).

Example
-------
>>> from coprod.vocabulary import POOLED, COLUMN_REGISTRIES
>>> POOLED, COLUMN_REGISTRIES["case"]
('all', 'cases')
"""

from __future__ import annotations

# ---- levels ---------------------------------------------------------------------------------
POOLED = "all"
"""The level of a breakdown column that stands for everyone (no breakdown)."""

# ---- response sets --------------------------------------------------------------------------
BINARY_TYPES = ("binary", "multi_select")
"""Response-set types whose answers are yes/no (scored as shares, not means)."""
YES, NO = 1, 0
"""The values of a yes/no score (not response codes: the codebook's ``yes:`` says which
code means yes)."""
BLANK_MEANINGS = ("not_selected", "missing")
"""What a blank cell of a multi-select item can mean (the codebook's ``blank:``)."""

# ---- registries -----------------------------------------------------------------------------
REGISTRIES = ("cases", "services", "stakeholder_groups", "service_classes")
"""The study's registries (``resources/*.csv``), in the order they are loaded."""
RESOURCE_KEYS = (*REGISTRIES, "codebook", "focus_group_codebook")
"""The resource files of a study, as ``config: resources:`` names them."""
REGISTRY_KEYS = {
    "cases": "case_id",
    "services": "service_id",
    "stakeholder_groups": "group_id",
    "service_classes": "service_class",
}
"""Each registry's id column."""
COLUMN_REGISTRIES = {
    "case": "cases",
    "group_id": "stakeholder_groups",
    "speaker_group": "stakeholder_groups",
    "service_id": "services",
    "service_class": "service_classes",
}
"""Pipeline columns whose levels are ids of a registry (whose ``label`` names them)."""

# ---- result records -------------------------------------------------------------------------
RECORD_COLUMNS = (
    "estimate",
    "ci_low",
    "ci_high",
    "effect",
    "statistic",
    "statistic_name",
    "df",
    "df2",
    "p",
    "n",
    "method",
)
"""The statistics every test or estimate reports (see :mod:`coprod.stats`)."""
ID_COLUMNS = (
    "analysis",
    "outcome",
    "outcome_label",
    "kind",
    "measure",
    "by",
    "group",
    "comparison",
    "contrast",
    "group_1",
    "group_2",
    "term",
    "evidence",
)
"""The columns that say which analysis, outcome and groups a result row is about."""
OMNIBUS = "omnibus"
"""``comparison`` of a test across every compared level of a column (``contrast``: the
levels joined by " vs ")."""
PAIR = "pair"
"""``comparison`` of a test of two levels, ``group_1`` (x) against ``group_2`` (y)."""
TAIL_COLUMNS = ("family", "role", "p_adj", "correction")
"""The multiplicity columns every comparison record ends with."""
DESCRIPTIVE = "descriptive"
"""The family of rows that carry no test (``p_adj`` stays empty)."""
