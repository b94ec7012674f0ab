"""The anonymity screen: no personal data may pass from the raw files into results/.

The screen runs before any other rule reads the raw data. It checks every
*text* column of every raw file for email addresses, phone numbers (UK and
international), UK postcodes, web addresses, IP addresses (v4 and v6) and the
names and places of a deny-list (one entry per line, matched case-insensitively
as whole words). A hit stops the run; the message lists the file, spreadsheet
row (case number for ``.sav``), column and *kind* of each hit, never the
matched text nor its surroundings.

Which columns are text
----------------------
Survey exports (CSV): the codebook's free-text items, other-specify ``_TEXT``
columns, the response id and respondent token, and any column the codebook
does not know (an export may carry ``RecipientEmail`` or ``IPAddress``; the
screen sees it before the importer rejects it). Not screened: closed items
(the importer accepts only the labels and codes of their response sets) and
typed metadata (dates, durations, progress, status, finished: the importer
accepts only their formats). Screening those would only add false alarms -
a time such as 10:28:15 is not an IPv6 address, a date is not a phone number,
and the response type "IP Address" is not an IP address.

``.sav`` exports: every string variable (numeric variables cannot hold text).
The header rows of a Qualtrics export (column ids, question text, import ids)
are the instrument's own text and are not screened.

Focus groups: every column of the segments file except those checked against a
registry or as numbers (``case``, ``service_class``, ``speaker_group``,
``sample``, ``turn``) - so the turn text, speaker labels and ids; every column
of the codings file except ``code`` (checked against the focus-group codebook).
Focus groups as REFI-QDA projects (:mod:`coprod.qda`): every text source's text,
line by line (a hit names the project file, the source and the line), and the
sources' names. The QDA users' names are not screened: they are mapped to coder
ids and never carried.

Example
-------
>>> summary = check_anonymity(
...     [{"path": "resources/raw/survey_sample1.csv", "form": "qualtrics_csv"}],
...     "resources/raw/focus_group_segments.csv",
...     "resources/raw/focus_group_codings.csv",
...     study.codebook,
... )
>>> int(summary["hits"].sum()), summary["content"].unique().tolist()
(0, ['string_metadata', 'free_text'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coprod.errors import StudyInputError
from coprod.qda.project import read_project
from coprod.raw.formats import (
    CODING_COLUMNS,
    SEGMENT_CHECKED,
    SEGMENT_COLUMNS,
    SEGMENT_TEXT,
    RawTable,
    classify_columns,
    export_columns,
    read_csv_table,
    read_raw_survey,
)
from coprod.raw.personal_data import KINDS, Screen, load_deny_list
from coprod.resources import Codebook

SCREENED_CONTENT = ("free_text", "other_text", "string_metadata", "unknown")
MAX_LISTED = 20
SUMMARY_COLUMNS = ["file", "column", "content", "rows_screened", "hits"]


@dataclass(frozen=True)
class Hit:
    """Where personal data was found: file, row (or case), column and kind - never the text."""

    file: str
    where: str
    column: str
    kind: str
    detail: str = ""

    def describe(self) -> str:
        label = KINDS[self.kind] + (f" ({self.detail})" if self.detail else "")
        return f"{self.file}, {self.where}, column {self.column}: {label}"


@dataclass
class ScreenResult:
    """What was screened (one row per file and column) and what was found."""

    summary: pd.DataFrame
    hits: list[Hit]


def screen_columns(
    table: RawTable,
    columns: Mapping[str, str],
    screen: Screen,
    names: Mapping[str, str] | None = None,
) -> ScreenResult:
    """Screen the given columns of a raw table.

    Parameters
    ----------
    table : RawTable
        The file as read.
    columns : mapping of str to str
        Column -> what it holds (recorded in the summary).
    screen : Screen
        The patterns and deny-list.
    names : mapping of str to str, optional
        Column -> how a message names it (default ``'column'``).
    """
    unit = "case" if table.form == "spss_sav" else "row"
    hits: list[Hit] = []
    rows = []
    for column, content in columns.items():
        count = 0
        for number, value in table.cells[column].items():
            if not isinstance(value, str) or not value.strip():
                continue
            for found in screen.find(value):
                count += 1
                name = (names or {}).get(column, f"'{column}'")
                hits.append(Hit(table.path, f"{unit} {number}", name, found.kind, found.detail))
        rows.append(
            {
                "file": table.path,
                "column": column,
                "content": content,
                "rows_screened": len(table.cells),
                "hits": count,
            }
        )
    return ScreenResult(pd.DataFrame(rows, columns=SUMMARY_COLUMNS), hits)


def survey_text_columns(table: RawTable, codebook: Codebook) -> dict[str, str]:
    """The columns of a survey export the screen checks, with what each holds."""
    kinds = classify_columns(table, codebook)
    if table.form == "spss_sav":
        return {column: kinds[column] for column in table.string_columns}
    return {column: kind for column, kind in kinds.items() if kind in SCREENED_CONTENT}


def _survey_names(table: RawTable, codebook: Codebook) -> dict[str, str]:
    items, _ = export_columns(codebook, table.form)
    return {
        column: f"'{column}' (item '{item}')" if item != column else f"'{column}'"
        for column, item in items.items()
    }


def _fg_content(column: str, known: Sequence[str]) -> str:
    if column == SEGMENT_TEXT:
        return "free_text"
    return "string_metadata" if column in known else "unknown"


def screen_projects(paths: Sequence[str | Path], screen: Screen) -> ScreenResult:
    """Screen the text sources of REFI-QDA projects: each text line by line, and the
    sources' names."""
    hits: list[Hit] = []
    rows = []
    for path in paths:
        sources = read_project(path).sources
        found = {"text": 0, "name": 0}
        for position, source in enumerate(sources, start=1):
            in_name = screen.find(source.name)
            # a name that holds personal data is not shown: the source's place instead
            label = f"source {position}" if in_name else f"source '{source.name}'"
            for hit in in_name:
                found["name"] += 1
                hits.append(Hit(str(path), label, "'name'", hit.kind, hit.detail))
            for number, line in enumerate(source.text.splitlines(), start=1):
                for hit in screen.find(line):
                    found["text"] += 1
                    hits.append(
                        Hit(str(path), f"{label} line {number}", "'text'", hit.kind, hit.detail)
                    )
        for column, content in (("text", "free_text"), ("name", "string_metadata")):
            rows.append(
                {
                    "file": str(path),
                    "column": f"source {column}",
                    "content": content,
                    "rows_screened": len(sources),
                    "hits": found[column],
                }
            )
    return ScreenResult(pd.DataFrame(rows, columns=SUMMARY_COLUMNS), hits)


def screen_raw_files(
    exports: Sequence[Mapping[str, object]],
    segments: str | Path | None,
    codings: str | Path | None,
    codebook: Codebook,
    screen: Screen,
    projects: Sequence[str | Path] = (),
) -> ScreenResult:
    """Screen every raw file of the study.

    Parameters
    ----------
    exports : sequence of mappings
        The config's ``raw.survey`` entries (``path``, ``form``).
    segments, codings : str or Path, or None
        The focus-group segments and codings files (None: the focus groups come as
        REFI-QDA ``projects``).
    codebook : Codebook
        Which survey columns are free text, closed items and metadata.
    screen : Screen
        The patterns and deny-list.
    projects : sequence of str or Path
        The focus groups as REFI-QDA projects (``.qdpx``).

    Returns
    -------
    ScreenResult
        The summary (file, column, content, rows_screened, hits) and every hit.
    """
    results = []
    for entry in exports:
        table = read_raw_survey(str(entry["path"]), str(entry["form"]))
        columns = survey_text_columns(table, codebook)
        results.append(screen_columns(table, columns, screen, _survey_names(table, codebook)))
    if segments is not None:
        table, _ = read_csv_table(segments, 1, "a focus-group segments file")
        columns = {
            c: _fg_content(c, SEGMENT_COLUMNS + (SEGMENT_TEXT,))
            for c in table.cells.columns
            if c not in SEGMENT_CHECKED
        }
        results.append(screen_columns(table, columns, screen))
    if codings is not None:
        table, _ = read_csv_table(codings, 1, "a focus-group codings file")
        columns = {c: _fg_content(c, CODING_COLUMNS) for c in table.cells.columns if c != "code"}
        results.append(screen_columns(table, columns, screen))
    if projects:
        results.append(screen_projects(projects, screen))
    summary = pd.concat([result.summary for result in results], ignore_index=True)
    summary["rows_screened"] = summary["rows_screened"].astype("int64")
    summary["hits"] = summary["hits"].astype("int64")
    return ScreenResult(summary, [hit for result in results for hit in result.hits])


class PersonalDataError(StudyInputError):
    """The raw data hold (what looks like) personal data; the run must stop."""

    def __init__(self, hits: Sequence[Hit], max_listed: int = MAX_LISTED) -> None:
        listed = [f"  - {hit.describe()}" for hit in hits[:max_listed]]
        if len(hits) > max_listed:
            listed.append(f"  ... and {len(hits) - max_listed} more.")
        count = f"{len(hits)} hit{'s' if len(hits) != 1 else ''}"
        super().__init__(
            hits[0].file,
            f"the anonymity screen found possible personal data in the raw files ({count}); "
            "nothing reads the raw data until they are clean:\n"
            + "\n".join(listed)
            + "\nRemove or replace each one in the raw file (e.g. write '[email]'). If a hit is "
            "not personal data, reword it, or turn its kind off under screening.kinds in "
            "config/config.yaml.",
        )
        self.hits = list(hits)


def check_anonymity(
    exports: Sequence[Mapping[str, object]],
    segments: str | Path | None,
    codings: str | Path | None,
    codebook: Codebook,
    *,
    projects: Sequence[str | Path] = (),
    kinds: Sequence[str] | None = None,
    deny_list: str | Path | None = None,
    max_listed: int = MAX_LISTED,
) -> pd.DataFrame:
    """Screen the raw files; raise :class:`PersonalDataError` on any hit. The focus
    groups come as the CSV files or as REFI-QDA ``projects`` (then ``segments`` and
    ``codings`` are None).

    Returns
    -------
    DataFrame
        One row per screened file and column: ``file``, ``column``, ``content``
        (what the column holds), ``rows_screened``, ``hits`` (0).
    """
    screen = Screen(kinds, load_deny_list(deny_list) if deny_list is not None else None)
    result = screen_raw_files(exports, segments, codings, codebook, screen, projects)
    if result.hits:
        raise PersonalDataError(result.hits, max_listed)
    return result.summary
