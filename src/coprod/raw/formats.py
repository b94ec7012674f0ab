"""The export forms of the raw files: reading them as tables, and naming their columns.

Three survey export forms are accepted (``raw.survey[].form`` in the config):

``qualtrics_csv``
    Three header rows (column ids, question text, ImportId JSON), then one row
    per response; the first response is spreadsheet row 4. Items are matched by
    the codebook's ``export_id``; each column may hold choice labels or numeric
    codes (detected per column). UTF-8 with or without BOM.
``spss_sav``
    Item variables named by item id, metadata variables by :func:`spss_name` of
    the codebook's metadata column. Read with user-defined missing values kept
    as their codes; the file's value labels must agree with the codebook.
``plain_csv``
    One header row of item ids and the codebook's metadata columns, codes (or
    labels) in the cells; the first response is spreadsheet row 2.

The focus groups arrive as two CSV files with one header row: the segments
(:data:`SEGMENT_COLUMNS` and the turn's text) and the codings
(:data:`CODING_COLUMNS`).

This module checks a file's structure only (encoding, separators, header,
widths); :mod:`coprod.raw.values` checks the cells and :mod:`coprod.raw.survey`
and :mod:`coprod.raw.focus_groups` turn the tables into the typed frames. Every
problem raises :class:`coprod.errors.StudyInputError` naming the file, the row as
a spreadsheet shows it (the case number for ``.sav``), what was found and what to do.

Example
-------
>>> table = read_raw_survey("resources/raw/survey_sample1.csv", "qualtrics_csv")
>>> int(table.cells.index[0]), len(table.cells)
(4, 426)
>>> classify_columns(table, study.codebook)["Q16"]
'free_text'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.errors import StudyInputError
from coprod.raw.personal_data import shown
from coprod.resources import Codebook, ResponseSet
from coprod.vocabulary import COLUMN_REGISTRIES

FORMS = ("qualtrics_csv", "spss_sav", "plain_csv")
OPTIONAL_ROLES = ("respondent",)
# Metadata whose values the importer checks against a format or a closed set.
TYPED_ROLES = ("start", "end", "status", "progress", "duration", "finished")
TEXT_SUFFIX = "_TEXT"
SEGMENT_COLUMNS = (
    "segment_id",
    "focus_group",
    "case",
    "sample",
    "service_class",
    "turn",
    "speaker",
    "speaker_group",
)
SEGMENT_TEXT = "text"
CODING_COLUMNS = ("segment_id", "coder", "code")
SEGMENT_REGISTRY_COLUMNS = tuple(c for c in SEGMENT_COLUMNS if c in COLUMN_REGISTRIES)
"""Segment columns checked against a registry (:data:`coprod.vocabulary.COLUMN_REGISTRIES`)."""
SEGMENT_INTEGERS = ("sample", "turn")
SEGMENT_CHECKED = (*SEGMENT_REGISTRY_COLUMNS, *SEGMENT_INTEGERS)
"""Segment columns the reader checks against a registry or as whole numbers: not screened
for personal data (:mod:`coprod.raw.screen`)."""
REEXPORT = "Re-export the file from the survey tool"


# ---- the codebook's view of an export --------------------------------------------------------
def quoted(values: Iterable[Any]) -> str:
    """Values for a message: ``'a', 'b'``."""
    return ", ".join(f"'{value}'" for value in values)


def question_of(export_id: str) -> str:
    """The question an export column belongs to: ``Q6`` for ``Q6_1``."""
    return export_id.split("_", 1)[0]


def _is_text_column(column: str, codebook: Codebook) -> bool:
    """Whether ``column`` is an other-specify text column (``Q3_6_TEXT``) of a question."""
    if not column.endswith(TEXT_SUFFIX) or len(column) == len(TEXT_SUFFIX):
        return False
    base = column[: -len(TEXT_SUFFIX)]
    names = set(codebook.items["export_id"]) | set(codebook.items.index)
    stems = {question_of(export_id) for export_id in codebook.items["export_id"]}
    return base in names or question_of(base) in stems


def free_text_items(codebook: Codebook) -> list[str]:
    """Item ids whose response set is free text (read and screened, never carried)."""
    return [
        item
        for item in codebook.items.index
        if codebook.response_sets[codebook.items.loc[item, "response_set"]].type == "text"
    ]


def closed_items(codebook: Codebook) -> list[str]:
    """Item ids the survey frame carries: every item that is not free text, in codebook order."""
    text = set(free_text_items(codebook))
    return [item for item in codebook.items.index if item not in text]


def response_set_of(codebook: Codebook, item: str) -> ResponseSet:
    """The response set of ``item``."""
    return codebook.response_sets[codebook.items.loc[item, "response_set"]]


# ---- raw tables ------------------------------------------------------------------------------
@dataclass
class RawTable:
    """A raw file as read, before any checking of its content against the codebook.

    ``cells`` holds one row per record, indexed by the row number a spreadsheet
    shows (the case number for ``.sav``), with the export's column names.
    ``string_columns`` are the columns that hold text (for ``.sav``: string
    variables; for CSV every column is text).
    """

    path: str
    form: str
    cells: pd.DataFrame
    string_columns: list[str]
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)


def _decode(path: str | Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StudyInputError(
            path,
            "the file is UTF-16 encoded; expected UTF-8 (with or without BOM).",
            fix=f"{REEXPORT} as UTF-8 (in a spreadsheet: Save As 'CSV UTF-8').",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex()
        raise StudyInputError(
            path,
            f"the file is not valid UTF-8: byte 0x{byte} on line {line} cannot be decoded "
            "(expected encoding: UTF-8, with or without BOM).",
            fix=f"{REEXPORT} as UTF-8 (in a spreadsheet: Save As 'CSV UTF-8').",
        ) from None


def read_csv_table(
    path: str | Path, header_rows: int = 1, what: str = "a CSV file", form: str = "csv"
) -> tuple[RawTable, list[list[str]]]:
    """Read a CSV file strictly: UTF-8, one name per column, every row as wide as the header.

    Parameters
    ----------
    path : str or Path
        The file.
    header_rows : int
        Rows before the first record (3 for a Qualtrics export, 1 otherwise).
    what : str
        What the file should be, for messages ("a Qualtrics export").
    form : str
        Recorded on the returned table.

    Returns
    -------
    RawTable, list of list of str
        The records as strings (index: spreadsheet row number; blank rows
        skipped) and the header rows after the first.
    """
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise StudyInputError(
            path, "file not found.", fix="Check the path under raw: in config/config.yaml."
        ) from None
    except IsADirectoryError:
        raise StudyInputError(
            path, "is a folder, not a file.", fix="Check the path in config/config.yaml."
        ) from None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise StudyInputError(
            path,
            f"the file is empty; expected {what}.",
            fix=f"{REEXPORT} (and check that the download completed).",
        )
    text = _decode(path, data)
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        for record in reader:
            number += 1
            records.append((number, record))
    except csv.Error as error:
        raise StudyInputError(
            path,
            f"cannot be read as CSV from this row on ({error}): a quoted field is not closed, "
            "so the file is probably truncated.",
            row=number + 1,
            fix=f"{REEXPORT} (and check that the download completed).",
        ) from None
    if len(records) < header_rows:
        found = "1 row" if len(records) == 1 else f"{len(records)} rows"
        raise StudyInputError(
            path,
            f"the file ends after {found}; {what} has {header_rows} header rows "
            "followed by one row per record.",
            fix=f"{REEXPORT} (and check that the download completed).",
        )
    header = records[0][1]
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and separator in header[0]:
            raise StudyInputError(
                path,
                f"the header row is one column holding {name}; the file is separated by "
                f"{name}, expected commas.",
                row=1,
                fix=f"{REEXPORT} as comma-separated CSV (in a spreadsheet: Save As 'CSV UTF-8').",
            )
    for position, name in enumerate(header, start=1):
        if not name.strip():
            raise StudyInputError(
                path,
                f"column {position} of the header row has no name; every column needs one.",
                row=1,
                fix="Remove the empty column or give it its name from the export.",
            )
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            raise StudyInputError(
                path,
                f"the header names column '{name}' twice (columns {seen[name]} and {position}); "
                "column names must be unique.",
                row=1,
                column=name,
                fix=f"{REEXPORT}; do not paste columns together by hand.",
            )
        seen[name] = position
    width = len(header)
    extra_header = [record for _, record in records[1:header_rows]]
    for number, record in records[1:]:
        blank = not any(value.strip() for value in record)
        if len(record) != width and (number <= header_rows or not blank):
            problem = "fewer" if len(record) < width else "more"
            raise StudyInputError(
                path,
                f"this row has {len(record)} fields, {problem} than the {width} columns of the "
                "header; the file is probably truncated, or a field holds an unquoted comma "
                "or line break.",
                row=number,
                fix=f"{REEXPORT} (and check that the download completed).",
            )
    body = [
        (number, record)
        for number, record in records[header_rows:]
        if any(value.strip() for value in record)
    ]
    if not body:
        raise StudyInputError(
            path,
            f"the file holds its header row{'s' if header_rows > 1 else ''} but no records.",
            fix=f"{REEXPORT} (and check that the download completed).",
        )
    cells = pd.DataFrame(
        [record for _, record in body],
        columns=header,
        index=pd.Index([number for number, _ in body], name="row"),
        dtype=object,
    )
    return RawTable(path, form, cells, list(header)), extra_header


def _check_import_ids(path: str, header: list[str], extra: list[list[str]]) -> None:
    """The third header row of a Qualtrics export holds ImportId JSON in every cell."""
    import_ids = extra[1]
    for name, cell in zip(header, import_ids, strict=True):
        try:
            parsed = json.loads(cell)
        except (json.JSONDecodeError, RecursionError):
            parsed = None
        if not (isinstance(parsed, dict) and "ImportId" in parsed):
            raise StudyInputError(
                path,
                f"row 3 should hold the ImportId JSON of each column (the third header row of "
                f"a Qualtrics export); found {shown(cell)}.",
                row=3,
                column=name,
                fix="Export with the default three header rows, or set form: plain_csv for "
                "this file in config/config.yaml if it has one header row.",
            )


def read_sav_table(path: str | Path) -> RawTable:
    """Read an SPSS ``.sav`` file with user-defined missing values kept as their codes.

    The index is the case number (1 for the first case).
    """
    import pyreadstat

    path = str(path)
    if not Path(path).is_file():
        raise StudyInputError(
            path, "file not found.", fix="Check the path under raw: in config/config.yaml."
        )
    if Path(path).stat().st_size == 0:
        raise StudyInputError(
            path,
            "the file is empty; expected an SPSS .sav file.",
            fix=f"{REEXPORT} (and check that the download completed).",
        )
    try:
        cells, meta = pyreadstat.read_sav(path, user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, UnicodeDecodeError) as error:
        raise StudyInputError(
            path,
            f"cannot be read as an SPSS .sav file ({error}); it may be truncated or another "
            "format.",
            fix=f"{REEXPORT} as SPSS (.sav), or set its form in config/config.yaml.",
        ) from None
    if cells.empty:
        raise StudyInputError(
            path,
            "the file holds its variables but no cases.",
            fix=f"{REEXPORT} (and check that the download completed).",
        )
    cells.index = pd.RangeIndex(1, len(cells) + 1, name="case")
    strings = [name for name, kind in meta.readstat_variable_types.items() if kind == "string"]
    return RawTable(path, "spss_sav", cells, strings, dict(meta.variable_value_labels))


def read_raw_survey(path: str | Path, form: str) -> RawTable:
    """Read a survey export of ``form`` as a raw table (checked for structure only)."""
    if form == "qualtrics_csv":
        table, extra = read_csv_table(path, 3, "a Qualtrics export", form)
        _check_import_ids(str(path), list(table.cells.columns), extra)
        return table
    if form == "plain_csv":
        table, _ = read_csv_table(path, 1, "a plain CSV export", form)
        return table
    if form == "spss_sav":
        return read_sav_table(path)
    raise StudyInputError(
        path,
        f"unknown export form '{form}'; known forms: {', '.join(FORMS)}.",
        fix="Set the form of this file under raw.survey in config/config.yaml.",
    )


# ---- the columns of an export ----------------------------------------------------------------
def spss_name(column: str) -> str:
    """The variable name an SPSS export gives a column (as Qualtrics does it)."""
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in column)


def export_columns(codebook: Codebook, form: str) -> tuple[dict[str, str], dict[str, str]]:
    """The column names an export of ``form`` uses.

    Returns
    -------
    dict, dict
        Item columns (export column -> item id) and metadata columns (export
        column -> role).
    """
    if form == "qualtrics_csv":
        items = {row["export_id"]: item for item, row in codebook.items.iterrows()}
    else:
        items = {item: item for item in codebook.items.index}
    if form == "spss_sav":
        meta = {spss_name(column): role for role, column in codebook.metadata.items()}
    else:
        meta = {column: role for role, column in codebook.metadata.items()}
    return items, meta


def classify_columns(table: RawTable, codebook: Codebook) -> dict[str, str]:
    """What each column of a raw survey table is.

    Returns
    -------
    dict
        Column -> one of ``"item"`` (closed item), ``"free_text"`` (free-text
        item), ``"other_text"`` (a ``_TEXT`` column), ``"metadata"`` (typed:
        dates, numbers, status), ``"string_metadata"`` (response id and
        respondent token) or ``"unknown"``.
    """
    items, meta = export_columns(codebook, table.form)
    text = set(free_text_items(codebook))
    kinds = {}
    for column in table.cells.columns:
        if column in items:
            kinds[column] = "free_text" if items[column] in text else "item"
        elif column in meta:
            kinds[column] = "metadata" if meta[column] in TYPED_ROLES else "string_metadata"
        elif _is_text_column(column, codebook):
            kinds[column] = "other_text"
        else:
            kinds[column] = "unknown"
    return kinds
