"""One number the paper cites: its key, value and printed text, the sentence it supports
and the place an exhibit (or a result file) shows it.

:class:`CitedNumbers` collects the entries of :func:`coprod.exhibits.numbers.cited_numbers`;
:func:`table_cell` and :func:`records_cell` say where a number is shown. ``docs/numbers.md``
documents the fields for a reader.

Decisions
---------
- **Readable, stable keys.** A key is made of words a reader finds in the exhibits: the
  kind of number (``n_``, ``alpha_``, ``r_``...) and the slugs of the labels of the
  resources it is about (:func:`~coprod.exhibits.labels.slug`), e.g.
  ``alpha_risk_aversion_met``. Keys are lower-case letters, digits and underscores,
  starting with a letter (:data:`KEY`), so they are valid LaTeX (through ``\\csname``) and
  Typst identifiers; a key made twice (two labels with one slug) is an error.
- **A sentence per number.** Each entry carries a template sentence with its text filled in
  (an effect's three entries share one: estimate, CI and adjusted p), for an author to
  adapt, and for a reader to see what the number says.
- **Where it is shown.** ``cell`` is ``{"table", "row", "column"}``: the table's stem, the
  labels of its row (the first row whose label cells hold them all, a label printed once
  per block counting for the block's rows) and the printed column header; or
  ``{"records", "row", "column"}``: the result file, the values that select its row, and
  the column (or how the number is computed from it) where no exhibit prints it. A test
  checks that every table cell prints the entry's text.

Example
-------
>>> numbers = CitedNumbers(min_cell=5, percent_digits=1)
>>> numbers.count("n_included", 736, "Responses included", "flow.parquet",
...               sentence="{text} responses were included.",
...               cell=table_cell("table02", ["Included in the analysis"], "All cases"))
>>> entry = numbers.entries["n_included"]
>>> entry["text"], entry["sentence"], entry["cell"]["column"]
('736', '736 responses were included.', 'All cases')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import format_p, is_missing, number_text
from coprod.exhibits.tables.common import as_float, one_row, read
from coprod.jobs import Inputs
from coprod.vocabulary import POOLED

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
"""A key: lower-case letters, digits and underscores, from a letter."""
TABLES = {
    "flow": "table02_data_quality_flow",
    "reliability": "table03_scale_reliability",
    "intercoder": "table04_intercoder_reliability",
    "barriers": "table05_barriers_met",
    "strategies": "table06b_strategies_used",
    "staff": "table10_staff_factor",
    "joint": "table12b_rank_correlation",
}
"""The tables that print cited numbers, by what they show (the contrast tables come from
config ``exhibits.contrast_tables``)."""
NOT_AVAILABLE = "NA"
"""The text of a number that could not be computed."""
AGREEMENT = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")
"""A choice in a sentence template, ``[plural|singular]``: the singular where the number
is 1 ("1 scale had", "5 scales had")."""


def sourced(inputs: Inputs, name: str) -> tuple[str, pd.DataFrame]:
    """The input file ``name`` (the source a number cites) and its records."""
    return str(inputs[name]), read(inputs, name)


def pooled_rows(
    frame: pd.DataFrame, outcomes: Sequence[str], **criteria: Any
) -> Iterator[tuple[str, pd.Series]]:
    """Each outcome with its pooled row of ``frame`` (matching ``criteria``), where it has one."""
    for outcome in outcomes:
        row = one_row(frame, outcome=outcome, by=POOLED, group=POOLED, **criteria)
        if row is not None:
            yield outcome, row


def table_cell(table: str, row: Sequence[str], column: str) -> dict[str, Any]:
    """Where a table prints a number: its stem, its row's labels and its column header.

    >>> table_cell("table03_scale_reliability", ["Risk aversion (met)", "All cases"], "n")
    {'table': 'table03_scale_reliability', 'row': ['Risk aversion (met)', 'All cases'], \
'column': 'n'}
    """
    return {"table": table, "row": [str(label) for label in row], "column": column}


def records_cell(records: str, row: Mapping[str, Any], column: str) -> dict[str, Any]:
    """Where a result file holds a number no exhibit prints: the file, the values of the
    columns that select its row, and the column (or how the number is computed)."""
    return {"records": str(records), "row": {k: str(v) for k, v in row.items()}, "column": column}


def p_phrase(text: str) -> str:
    """``"p = 0.047"``, ``"p < 0.001"`` (from the printed p), or that it is not available.

    >>> p_phrase("0.047"), p_phrase("<0.001"), p_phrase("NA")
    ('p = 0.047', 'p < 0.001', 'p not available')
    """
    if text == NOT_AVAILABLE:
        return "p not available"
    return f"p < {text[1:]}" if text.startswith("<") else f"p = {text}"


def agree(sentence: str, value: Any) -> str:
    """``sentence`` with each ``[plural|singular]`` choice made for the number ``value``.

    >>> agree("{text} [scales were|scale was] flagged.", 1)
    '{text} scale was flagged.'
    >>> agree("{text} [scales were|scale was] flagged.", 3), agree("[a|b]", None)
    ('{text} scales were flagged.', 'a')
    """
    single = value is not None and not isinstance(value, bool) and value == 1
    return AGREEMENT.sub(lambda m: m.group(2) if single else m.group(1), sentence)


class CitedNumbers:
    """Collects the cited numbers by key, each with its text, sentence and cell.

    Parameters
    ----------
    min_cell : int
        Counts of people (keys ``n_...``) from 1 to ``min_cell - 1`` are cited as
        ``<min_cell``, as the tables mask them.
    percent_digits : int
        Decimals of a percentage.
    """

    def __init__(self, min_cell: int, percent_digits: int) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.min_cell = min_cell
        self.percent_digits = percent_digits

    def add(
        self,
        key: str,
        value: Any,
        text: str,
        description: str,
        source: str,
        *,
        sentence: str,
        cell: Mapping[str, Any],
    ) -> None:
        """One entry; ``sentence`` is a template in which ``{text}`` is the printed text."""
        if not KEY.match(key):
            raise ValueError(
                f"cited number key {key!r} ({description}): keys are lower-case letters, "
                "digits and underscores, from a letter; relabel the resource it is named from"
            )
        if key in self.entries:
            raise ValueError(
                f"cited number key '{key}' is made twice: for '{self.entries[key]['description']}'"
                f" and for '{description}'; give the resources they are named from distinct "
                "labels"
            )
        text = text or NOT_AVAILABLE
        self.entries[key] = {
            "key": key,
            "value": value,
            "text": text,
            "description": description,
            "source": str(source),
            "sentence": agree(sentence, value).replace("{text}", text),
            "cell": dict(cell),
        }

    def count(
        self,
        key: str,
        value: Any,
        description: str,
        source: str,
        *,
        sentence: str,
        cell: Mapping[str, Any],
        reveals: bool = False,
    ) -> None:
        """A count of people (key ``n_...``): masked as ``<min_cell`` when small, and as
        ``masked`` when it would reveal a small count (``reveals``: a total minus it)."""
        if not key.startswith("n_"):
            raise ValueError(f"a count of people needs a key starting with 'n_': {key}")
        value = None if is_missing(value) else int(value)
        where = {"sentence": sentence, "cell": cell}
        if value is not None and 0 < value < self.min_cell:
            what = description + " (masked: small count)"
            self.add(key, None, f"<{self.min_cell}", what, source, **where)
        elif value is not None and reveals:
            what = description + " (masked: reveals a small count)"
            self.add(key, None, "masked", what, source, **where)
        else:
            self.add(key, value, "" if value is None else str(value), description, source, **where)

    def other_count(
        self, key: str, value: Any, description: str, source: str, **where: Any
    ) -> None:
        """A count of things that are not people (key ``count_...``)."""
        value = None if is_missing(value) else int(value)
        self.add(key, value, "" if value is None else str(value), description, source, **where)

    def value(
        self,
        key: str,
        value: Any,
        digits: int,
        description: str,
        source: str,
        suffix: str = "",
        **where: Any,
    ) -> None:
        """A number printed with ``digits`` decimals (and ``suffix``)."""
        value = None if is_missing(value) else float(value)
        text = "" if value is None else number_text(value, digits) + suffix
        self.add(key, value, text, description, source, **where)

    def percent(self, key: str, share: Any, description: str, source: str, **where: Any) -> None:
        """A share (0 to 1) cited as a percentage."""
        percent = 100 * as_float(share)
        self.value(key, percent, self.percent_digits, description, source, "%", **where)

    def ci(
        self,
        key: str,
        low: Any,
        high: Any,
        digits: int,
        description: str,
        source: str,
        **where: Any,
    ) -> None:
        """A confidence interval, printed ``[low, high]``."""
        if is_missing(low) or is_missing(high):
            self.add(key, None, "", description, source, **where)
            return
        low, high = float(low), float(high)
        text = f"[{number_text(low, digits)}, {number_text(high, digits)}]"
        self.add(key, [low, high], text, description, source, **where)

    def p(self, key: str, value: Any, description: str, source: str, **where: Any) -> None:
        """A p value, printed as the tables print it."""
        value = None if is_missing(value) else float(value)
        self.add(key, value, "" if value is None else format_p(value), description, source, **where)

    def effect(
        self,
        stem: str,
        row: pd.Series,
        digits: int,
        what: str,
        source: str,
        *,
        subject: str,
        cell: Mapping[str, Any],
        p_cell: Mapping[str, Any],
    ) -> None:
        """An effect size, its CI and its adjusted p under ``stem``, ``stem_ci``,
        ``stem_padj``, sharing the sentence "<subject> was <estimate> <CI> (adjusted p)";
        ``cell`` shows the estimate and its CI, ``p_cell`` the adjusted p."""
        self.value(stem, row["estimate"], digits, what, source, sentence="", cell=cell)
        self.ci(
            f"{stem}_ci",
            row["ci_low"],
            row["ci_high"],
            digits,
            f"95% CI of: {what}",
            source,
            sentence="",
            cell=cell,
        )
        correction = str(row.get("correction", "adjusted"))
        self.p(
            f"{stem}_padj",
            row["p_adj"],
            f"p ({correction}-adjusted) of: {what}",
            source,
            sentence="",
            cell=p_cell,
        )
        estimate, interval, p = (
            self.entries[k]["text"] for k in (stem, f"{stem}_ci", f"{stem}_padj")
        )
        ci = f" {interval}" if interval != NOT_AVAILABLE else ""
        sentence = f"{subject} was {estimate}{ci} ({correction}-adjusted {p_phrase(p)})."
        for key in (stem, f"{stem}_ci", f"{stem}_padj"):
            self.entries[key]["sentence"] = sentence
