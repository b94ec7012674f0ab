"""Read the raw exports into the survey frame and the focus-group tables.

Every survey export, whatever its form, becomes the same *survey frame*: one
row per response; the metadata columns ``sample``, ``response_id``,
``respondent``, ``start``, ``end``, ``duration``, ``progress``, ``finished`` and
``status`` (the ``kind`` of the codebook's response type); then one nullable
``Int64`` column per closed item of the codebook, in codebook order, holding
valid codes and missing-value codes (e.g. 8 = don't know) and ``<NA>`` for a
blank. Free-text items and ``_TEXT`` columns are read (the anonymity screen
checks them) but not carried.

Three export forms are accepted (``raw.survey[].form`` in the config):

``qualtrics_csv``
    Three header rows (column ids, question text, ImportId JSON), then one row
    per response; the first response is spreadsheet row 4. Items are matched by
    the codebook's ``export_id``; each column may hold choice labels or numeric
    codes (detected per column). UTF-8 with or without BOM.
``spss_sav``
    Item variables named by item id, metadata variables by
    :func:`coprod.synthetic.spss_name` of the codebook's metadata column. Read
    with user-defined missing values kept as their codes; the file's value
    labels must agree with the codebook.
``plain_csv``
    One header row of item ids and the codebook's metadata columns, codes (or
    labels) in the cells; the first response is spreadsheet row 2.

Multi-select items: 1 selected, 0 not selected. Exports write "not selected"
as a blank, so a blank counts as 0 when the respondent answered any item of
the same question or any later item, and stays ``<NA>`` otherwise (the
respondent never reached the question).

A response id that appears twice with different answers is an error. A row
that repeats another row exactly (every cell equal) is an export artefact: it
is dropped with a warning, because the answers are not in doubt and raw files
should not need editing.

Every problem raises :class:`coprod.errors.StudyInputError` naming the file,
the row as a spreadsheet shows it (the case number for ``.sav``), the column,
what was found, what is allowed and what to do.

Example
-------
>>> from coprod.ingest import read_survey_export
>>> frame = read_survey_export(
...     "resources/raw/survey_sample1.csv", "qualtrics_csv", study, sample=1
... )
>>> frame.columns[:9].tolist()
['sample', 'response_id', 'respondent', 'start', 'end', 'duration', 'progress',
 'finished', 'status']
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.errors import StudyInputError
from coprod.resources import Codebook, ResponseSet, Study

FORMS = ("qualtrics_csv", "spss_sav", "plain_csv")
META_COLUMNS = (
    "sample",
    "response_id",
    "respondent",
    "start",
    "end",
    "duration",
    "progress",
    "finished",
    "status",
)
OPTIONAL_ROLES = ("respondent",)
# Metadata whose values the importer checks against a format or a closed set.
TYPED_ROLES = ("start", "end", "status", "progress", "duration", "finished")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT_SHOWN = "YYYY-MM-DD HH:MM:SS"
TEXT_SUFFIX = "_TEXT"
MISSING_REASON_ORDER = ("dont_know", "not_applicable", "refused")
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
# Segment columns checked against a registry (column -> registry name).
SEGMENT_REGISTRIES = {
    "case": "cases",
    "service_class": "service_classes",
    "speaker_group": "stakeholder_groups",
}
SEGMENT_INTEGERS = ("sample", "turn")
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_FALSE_TRUE = {"false": False, "0": False, "0.0": False, "true": True, "1": True, "1.0": True}
_REEXPORT = "Re-export the file from the survey tool"


class DuplicateRowWarning(UserWarning):
    """A row repeats another row of the same export exactly; the repeat is dropped."""


# ---- small helpers ---------------------------------------------------------------------------
def _show(value: Any, limit: int = 40) -> str:
    """A found value for an error message: quoted, shortened, and never personal data."""
    from coprod.screen import looks_personal  # late import: screen imports this module

    text = str(value)
    if looks_personal(text):
        return "a value that looks like personal data (not shown)"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if not isinstance(value, int | float) else text


def _quoted(values: Iterable[Any]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _stem(export_id: str) -> str:
    """The question an export column belongs to: ``Q6`` for ``Q6_1``."""
    return export_id.split("_", 1)[0]


def _is_text_column(column: str, codebook: Codebook) -> bool:
    """Whether ``column`` is an other-specify text column (``Q3_6_TEXT``) of a question."""
    if not column.endswith(TEXT_SUFFIX) or len(column) == len(TEXT_SUFFIX):
        return False
    base = column[: -len(TEXT_SUFFIX)]
    names = set(codebook.items["export_id"]) | set(codebook.items.index)
    stems = {_stem(export_id) for export_id in codebook.items["export_id"]}
    return base in names or _stem(base) in stems


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


def _response_set(codebook: Codebook, item: str) -> ResponseSet:
    return codebook.response_sets[codebook.items.loc[item, "response_set"]]


def _allowed_codes(response_set: ResponseSet) -> str:
    valid = ", ".join(str(code) for code in response_set.values)
    if not response_set.missing:
        return valid
    missing = ", ".join(f"{code} ({label})" for code, (label, _) in response_set.missing.items())
    return f"{valid}; missing-value codes {missing}"


def _labels(codebook: Codebook, item: str) -> dict[str, int]:
    """Every label an export may write for ``item``, with its code."""
    response_set = _response_set(codebook, item)
    labels = dict(response_set.label_to_code)
    choice = codebook.items.loc[item, "choice_text"]
    if response_set.type == "multi_select" and isinstance(choice, str):
        labels[choice] = 1
    return labels


# ---- where a value is: rows and columns as the user sees them --------------------------------
@dataclass(frozen=True)
class _Layout:
    """How one export names its rows and columns in error messages."""

    path: str
    form: str
    codebook: Codebook
    columns: dict[str, str] = field(default_factory=dict)  # export column -> item id / role

    def where(self, row: Any | None, column: str | None) -> dict[str, Any]:
        """Keyword arguments of :class:`StudyInputError` for a cell."""
        item = self.columns.get(column) if column is not None else None
        if self.form == "spss_sav":
            parts = []
            if row is not None:
                parts.append(f"case {row}")
            if column is not None:
                parts.append(f"variable '{column}'")
            return {"entry": ", ".join(parts) or None}
        entry = None
        if item is not None and item != column and item in self.codebook.items.index:
            entry = f"item '{item}'"
        return {"row": row, "column": column, "entry": entry}

    def name(self, column: str) -> str:
        """A column as a message names it: ``'Q6_1' (item 'B1_1')``."""
        item = self.columns.get(column)
        if item is not None and item != column and item in self.codebook.items.index:
            return f"'{column}' (item '{item}')"
        return f"'{column}'"

    def error(
        self, problem: str, row: Any | None = None, column: str | None = None, fix: str = ""
    ) -> StudyInputError:
        return StudyInputError(self.path, problem, fix=fix or None, **self.where(row, column))


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
            fix=f"{_REEXPORT} as UTF-8 (in a spreadsheet: Save As 'CSV UTF-8').",
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
            fix=f"{_REEXPORT} as UTF-8 (in a spreadsheet: Save As 'CSV UTF-8').",
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
            fix=f"{_REEXPORT} (and check that the download completed).",
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
            fix=f"{_REEXPORT} (and check that the download completed).",
        ) from None
    if len(records) < header_rows:
        found = "1 row" if len(records) == 1 else f"{len(records)} rows"
        raise StudyInputError(
            path,
            f"the file ends after {found}; {what} has {header_rows} header rows "
            "followed by one row per record.",
            fix=f"{_REEXPORT} (and check that the download completed).",
        )
    header = records[0][1]
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and separator in header[0]:
            raise StudyInputError(
                path,
                f"the header row is one column holding {name}; the file is separated by "
                f"{name}, expected commas.",
                row=1,
                fix=f"{_REEXPORT} as comma-separated CSV (in a spreadsheet: Save As 'CSV UTF-8').",
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
                fix=f"{_REEXPORT}; do not paste columns together by hand.",
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
                fix=f"{_REEXPORT} (and check that the download completed).",
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
            fix=f"{_REEXPORT} (and check that the download completed).",
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
                f"a Qualtrics export); found {_show(cell)}.",
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
            fix=f"{_REEXPORT} (and check that the download completed).",
        )
    try:
        cells, meta = pyreadstat.read_sav(path, user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, UnicodeDecodeError) as error:
        raise StudyInputError(
            path,
            f"cannot be read as an SPSS .sav file ({error}); it may be truncated or another "
            "format.",
            fix=f"{_REEXPORT} as SPSS (.sav), or set its form in config/config.yaml.",
        ) from None
    if cells.empty:
        raise StudyInputError(
            path,
            "the file holds its variables but no cases.",
            fix=f"{_REEXPORT} (and check that the download completed).",
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
def export_columns(codebook: Codebook, form: str) -> tuple[dict[str, str], dict[str, str]]:
    """The column names an export of ``form`` uses.

    Returns
    -------
    dict, dict
        Item columns (export column -> item id) and metadata columns (export
        column -> role).
    """
    from coprod.synthetic import spss_name

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


def _check_columns(table: RawTable, layout: _Layout) -> None:
    codebook = layout.codebook
    items, meta = export_columns(codebook, table.form)
    kinds = classify_columns(table, codebook)
    unknown = [column for column, kind in kinds.items() if kind == "unknown"]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise layout.error(
            f"unknown column{plural} {_quoted(unknown)}: not an item of the codebook "
            f"{codebook.path}, a metadata column ({_quoted(meta)}) or an item's "
            f"'{TEXT_SUFFIX}' column.",
            fix="Remove the column from the export, or add the item it holds to the codebook.",
        )
    text = set(free_text_items(codebook))
    present = set(table.cells.columns)
    missing = [
        f"'{column}'" + (f" (item '{item}')" if item != column else "")
        for column, item in items.items()
        if column not in present and item not in text
    ]
    missing += [
        f"'{column}' ({role})"
        for column, role in meta.items()
        if column not in present and role not in OPTIONAL_ROLES
    ]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise layout.error(
            f"missing column{plural} {', '.join(missing)}; an export of this codebook needs "
            "every closed item and the metadata columns.",
            fix="Re-export including all questions and the survey metadata, or check that "
            "raw.survey in config/config.yaml names the right form for this file.",
        )


# ---- metadata --------------------------------------------------------------------------------
def _blank(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.isna() | values.astype(str).str.strip().eq("")
    return values.isna()


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").map(lambda v: str(v).strip())


def _first_bad(mask: pd.Series) -> Any:
    return mask.index[mask.to_numpy()][0]


def _parse_integers(
    values: pd.Series, layout: _Layout, column: str, low: int, high: int, what: str
) -> pd.Series:
    """Whole numbers from ``low`` to ``high``; a blank or anything else is an error."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
        bad = numbers.isna() | (numbers % 1 != 0) | (numbers < low) | (numbers > high)
        shown = values
    else:
        text = _as_text(values)
        ok = text.map(lambda v: bool(_INTEGER.match(v)))
        numbers = text.where(ok, "nan").map(float)
        bad = ~ok | (numbers < low) | (numbers > high)
        shown = text
    if bad.any():
        row = _first_bad(bad)
        found = shown.loc[row]
        found = "a blank" if _blank(pd.Series([found])).iloc[0] else _show(found)
        raise layout.error(f"found {found}; expected {what}.", row, column)
    return numbers.astype("int64").astype("Int64")


def _parse_dates(values: pd.Series, layout: _Layout, column: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.astype("datetime64[us]")
        bad = parsed.isna()
        shown = values
    else:
        shown = _as_text(values)
        parsed = pd.to_datetime(shown, format=DATE_FORMAT, errors="coerce")
        bad = parsed.isna()
    if bad.any():
        row = _first_bad(bad)
        found = shown.loc[row]
        found = "a blank" if pd.isna(found) or str(found).strip() == "" else _show(found)
        raise layout.error(
            f"found {found}; expected a date and time as {DATE_FORMAT_SHOWN}.",
            row,
            column,
            fix="Export dates in the survey tool's default format (e.g. 2025-03-03 10:28:15).",
        )
    return parsed.astype("datetime64[us]")


def _parse_status(values: pd.Series, layout: _Layout, column: str) -> pd.Series:
    status = layout.codebook.status
    by_label = dict(zip(status["label"], status["kind"], strict=True))
    by_code = {str(code): kind for code, kind in zip(status["code"], status["kind"], strict=True)}
    by_code.update(
        {f"{code}.0": kind for code, kind in zip(status["code"], status["kind"], strict=True)}
    )
    text = _as_text(values)
    kinds = text.map(by_label)
    kinds = kinds.where(kinds.notna(), text.map(by_code))
    bad = kinds.isna()
    if bad.any():
        row = _first_bad(bad)
        found = "a blank" if text.loc[row] == "" else _show(text.loc[row])
        allowed = ", ".join(
            f"'{label}' or {code} ({kind})"
            for label, code, kind in zip(
                status["label"], status["code"], status["kind"], strict=True
            )
        )
        raise layout.error(
            f"found {found}; expected a response type of the codebook: {allowed}.",
            row,
            column,
            fix=f"Correct the export, or add the response type to 'status' in "
            f"{layout.codebook.path}.",
        )
    return kinds.astype("str")


def _parse_finished(values: pd.Series, layout: _Layout, column: str) -> pd.Series:
    text = _as_text(values).str.lower()
    parsed = text.map(_FALSE_TRUE)
    bad = parsed.isna()
    if bad.any():
        row = _first_bad(bad)
        found = "a blank" if text.loc[row] == "" else _show(_as_text(values).loc[row])
        raise layout.error(f"found {found}; expected True or False (or 1 or 0).", row, column)
    return parsed.astype("boolean")


def _parse_metadata(table: RawTable, layout: _Layout) -> dict[str, pd.Series]:
    _, meta_columns = export_columns(layout.codebook, table.form)
    column_of = {role: column for column, role in meta_columns.items()}
    cells = table.cells
    out: dict[str, pd.Series] = {}
    column = column_of["response_id"]
    ids = _as_text(cells[column])
    if ids.eq("").any():
        raise layout.error(
            "the response id is blank; every response needs one.",
            _first_bad(ids.eq("")),
            column,
            fix="Re-export the file; do not delete cells from it.",
        )
    out["response_id"] = ids.astype("str")
    respondent = column_of["respondent"]
    if respondent in cells.columns:
        out["respondent"] = _as_text(cells[respondent]).astype("str")
    else:
        out["respondent"] = pd.Series("", index=cells.index, dtype="str")
    out["start"] = _parse_dates(cells[column_of["start"]], layout, column_of["start"])
    out["end"] = _parse_dates(cells[column_of["end"]], layout, column_of["end"])
    out["duration"] = _parse_integers(
        cells[column_of["duration"]],
        layout,
        column_of["duration"],
        0,
        2**53,
        "a whole number of seconds (0 or more)",
    )
    out["progress"] = _parse_integers(
        cells[column_of["progress"]],
        layout,
        column_of["progress"],
        0,
        100,
        "a whole number from 0 to 100 (percent of the questionnaire reached)",
    )
    out["finished"] = _parse_finished(cells[column_of["finished"]], layout, column_of["finished"])
    out["status"] = _parse_status(cells[column_of["status"]], layout, column_of["status"])
    return out


# ---- items -----------------------------------------------------------------------------------
def _parse_item_text(values: pd.Series, layout: _Layout, column: str, item: str) -> pd.Series:
    """Codes of one item from a CSV column of labels or of codes (detected per column)."""
    codebook = layout.codebook
    response_set = _response_set(codebook, item)
    labels = _labels(codebook, item)
    text = _as_text(values)
    answered = text.ne("")
    as_label = text.map(labels)
    numeric = text.map(lambda v: bool(_INTEGER.match(v)))
    n_labels = int((answered & as_label.notna()).sum())
    n_codes = int((answered & numeric).sum())
    use_labels = n_labels >= n_codes if layout.form == "qualtrics_csv" else n_labels > n_codes
    if use_labels:
        bad = answered & as_label.isna()
        if bad.any():
            row = _first_bad(bad)
            raise layout.error(
                f"{_show(text.loc[row])} is not a label of the response set "
                f"'{response_set.id}'; allowed labels: {_quoted(labels)}.",
                row,
                column,
                fix=f"Export choice text exactly as in {codebook.path}, or correct the label "
                "in the codebook.",
            )
        return as_label.astype("Int64")
    bad = answered & ~numeric
    if bad.any():
        row = _first_bad(bad)
        raise layout.error(
            f"{_show(text.loc[row])} is not a code of the response set '{response_set.id}'; "
            f"allowed codes: {_allowed_codes(response_set)}.",
            row,
            column,
            fix="Export numeric values or choice text for the whole column.",
        )
    numbers = text.where(answered, "nan").map(float)
    return _check_codes(numbers, layout, column, response_set)


def _check_codes(
    numbers: pd.Series, layout: _Layout, column: str, response_set: ResponseSet
) -> pd.Series:
    allowed = set(response_set.all_codes())
    bad = numbers.notna() & ~numbers.isin([float(code) for code in allowed])
    if bad.any():
        row = _first_bad(bad)
        value = numbers.loc[row]
        shown = str(int(value)) if float(value).is_integer() else str(value)
        raise layout.error(
            f"code {shown} is not a code of the response set '{response_set.id}'; "
            f"allowed codes: {_allowed_codes(response_set)}.",
            row,
            column,
            fix="Check the export's coding against the codebook (recode values in the survey "
            "tool, or correct the codebook).",
        )
    return numbers.astype("Float64").astype("Int64")


def _check_sav_labels(table: RawTable, layout: _Layout, column: str, item: str) -> None:
    """The ``.sav`` value labels must give every codebook code the codebook's label."""
    response_set = _response_set(layout.codebook, item)
    expected = response_set.all_codes()
    for code, label in table.value_labels.get(column, {}).items():
        if float(code).is_integer() and int(code) in expected:
            want = expected[int(code)]
            if " ".join(str(label).split()).casefold() != " ".join(want.split()).casefold():
                raise layout.error(
                    f"the file labels code {int(code)} '{label}', the codebook labels it "
                    f"'{want}' (response set '{response_set.id}'); the codes of the export and "
                    "of the codebook do not agree.",
                    None,
                    column,
                    fix="Recode the variable in the survey tool to the codebook's codes, or "
                    "correct the codebook.",
                )


def _parse_items(table: RawTable, layout: _Layout) -> pd.DataFrame:
    codebook = layout.codebook
    items, _ = export_columns(codebook, table.form)
    column_of = {item: column for column, item in items.items()}
    out = {}
    for item in closed_items(codebook):
        column = column_of[item]
        values = table.cells[column]
        if table.form == "spss_sav":
            if column in table.string_columns:
                nonblank = _as_text(values).ne("")
                row = _first_bad(nonblank) if nonblank.any() else None
                raise layout.error(
                    "the variable holds text; expected numeric codes with value labels.",
                    row,
                    column,
                    fix="Export the survey with numeric values (not choice text) to SPSS.",
                )
            _check_sav_labels(table, layout, column, item)
            out[item] = _check_codes(
                values.astype(float), layout, column, _response_set(codebook, item)
            )
        else:
            out[item] = _parse_item_text(values, layout, column, item)
    return pd.DataFrame(out, index=table.cells.index)


def _answered_any(table: RawTable, codes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Whether each item (closed or free text) holds an answer, in codebook order."""
    items, _ = export_columns(codebook, table.form)
    column_of = {item: column for column, item in items.items()}
    answered = {}
    for item in codebook.items.index:
        if item in codes.columns:
            answered[item] = codes[item].notna()
        elif column_of[item] in table.cells.columns:
            answered[item] = ~_blank(table.cells[column_of[item]])
        else:
            answered[item] = pd.Series(False, index=codes.index)
    return pd.DataFrame(answered, index=codes.index)


def fill_multi_select(codes: pd.DataFrame, answered: pd.DataFrame, codebook: Codebook) -> None:
    """Blank multi-select items become 0 where the respondent reached the question (in place).

    A blank counts as 0 (not selected) when the respondent answered any item of
    the same question or any later item of the codebook; otherwise it stays
    ``<NA>``.
    """
    order = list(codebook.items.index)
    multi = [i for i in order if _response_set(codebook, i).type == "multi_select"]
    questions: dict[str, list[str]] = {}
    for item in multi:
        questions.setdefault(_stem(codebook.items.loc[item, "export_id"]), []).append(item)
    for members in questions.values():
        last = max(order.index(item) for item in members)
        later = order[last + 1 :]
        reached = answered[members].any(axis=1)
        if later:
            reached |= answered[later].any(axis=1)
        for item in members:
            codes.loc[codes[item].isna() & reached, item] = 0


# ---- duplicates ------------------------------------------------------------------------------
def _drop_duplicates(table: RawTable, ids: pd.Series, layout: _Layout, id_column: str) -> pd.Index:
    """Rows to keep; identical repeats are dropped (warned), conflicting repeats are errors."""
    repeated = ids[ids.duplicated(keep=False)]
    if repeated.empty:
        return ids.index
    drop = []
    cells = table.cells
    for _, rows in repeated.groupby(repeated, sort=False):
        first = rows.index[0]
        for row in rows.index[1:]:
            a, b = cells.loc[first], cells.loc[row]
            same = (a.isna() & b.isna()) | (a.astype(object) == b.astype(object))
            if bool(same.all()):
                drop.append(row)
                continue
            column = same.index[~same.to_numpy()][0]
            seen = f"case {first}" if table.form == "spss_sav" else f"row {first}"
            raise layout.error(
                f"response id '{rows.loc[row]}' appears again here with answers that "
                f"differ from {seen} (first difference: column {layout.name(column)}); each "
                "response may appear only once.",
                row,
                id_column,
                fix="Keep the right version of the response in the export and remove the other.",
            )
    for row in drop:
        label = f"case {row}" if table.form == "spss_sav" else f"row {row}"
        warnings.warn(
            f"{layout.path}, {label}: repeats an earlier row exactly (response id "
            f"'{ids.loc[row]}'); the repeat is dropped.",
            DuplicateRowWarning,
            stacklevel=3,
        )
    return ids.index.difference(pd.Index(drop), sort=False)


# ---- the survey frame ------------------------------------------------------------------------
def empty_survey_frame(codebook: Codebook) -> pd.DataFrame:
    """A survey frame with no rows and the contract's columns and dtypes."""
    frame = pd.DataFrame(
        {
            "sample": pd.Series([], dtype="int64"),
            "response_id": pd.Series([], dtype="str"),
            "respondent": pd.Series([], dtype="str"),
            "start": pd.Series([], dtype="datetime64[us]"),
            "end": pd.Series([], dtype="datetime64[us]"),
            "duration": pd.Series([], dtype="Int64"),
            "progress": pd.Series([], dtype="Int64"),
            "finished": pd.Series([], dtype="boolean"),
            "status": pd.Series([], dtype="str"),
        }
    )
    for item in closed_items(codebook):
        frame[item] = pd.Series([], dtype="Int64")
    return frame


def survey_frame(table: RawTable, study: Study, sample: int) -> pd.DataFrame:
    """Check a raw survey table against the codebook and convert it to the survey frame.

    Parameters
    ----------
    table : RawTable
        From :func:`read_raw_survey`.
    study : Study
        The study's resources (the codebook defines items, codes and metadata).
    sample : int
        The sample the export holds (from the config).

    Returns
    -------
    DataFrame
        The survey frame (see the module docstring); ``attrs["source_rows"]``
        lists each row's place in the file ("row 5", "case 3").
    """
    codebook = study.codebook
    items, meta = export_columns(codebook, table.form)
    layout = _Layout(table.path, table.form, codebook, {**items, **meta})
    _check_columns(table, layout)
    metadata = _parse_metadata(table, layout)
    codes = _parse_items(table, layout)
    fill_multi_select(codes, _answered_any(table, codes, codebook), codebook)
    id_column = {role: column for column, role in meta.items()}["response_id"]
    keep = _drop_duplicates(table, metadata["response_id"], layout, id_column)
    frame = pd.DataFrame({"sample": pd.Series(sample, index=codes.index, dtype="int64")})
    for role in META_COLUMNS[1:]:
        frame[role] = metadata[role]
    frame = pd.concat([frame, codes], axis=1).loc[keep]
    unit = "case" if table.form == "spss_sav" else "row"
    sources = [f"{unit} {number}" for number in frame.index]
    frame = frame.reset_index(drop=True)
    frame.attrs["source_rows"] = sources
    return frame


def read_survey_export(path: str | Path, form: str, study: Study, sample: int) -> pd.DataFrame:
    """Read one survey export of ``form`` into the survey frame.

    Parameters
    ----------
    path : str or Path
        The export.
    form : {"qualtrics_csv", "spss_sav", "plain_csv"}
        Its form (from ``raw.survey`` in the config).
    study : Study
        The study's resources.
    sample : int
        The sample the export holds.

    Returns
    -------
    DataFrame
        The survey frame of this export.

    Raises
    ------
    StudyInputError
        Naming the file, row (or case), column, what was found and what to do.
    """
    return survey_frame(read_raw_survey(path, form), study, sample)


def stack_samples(frames: Mapping[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Stack the survey frames of several exports; a response id may appear in one only.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Export path -> its survey frame, in sample order.
    codebook : Codebook
        For an empty result's columns.
    """
    seen: dict[str, tuple[str, str]] = {}
    for path, frame in frames.items():
        sources = frame.attrs.get("source_rows") or [f"row {i + 1}" for i in range(len(frame))]
        for response_id, source in zip(frame["response_id"], sources, strict=True):
            if response_id in seen:
                other, other_source = seen[response_id]
                raise StudyInputError(
                    path,
                    f"response id '{response_id}' is also in {other} ({other_source}); a "
                    "response can belong to one sample only.",
                    entry=source,
                    fix="Check that raw.survey in config/config.yaml does not name the same "
                    "export twice and that each export holds one sample.",
                )
            seen[response_id] = (path, source)
    parts = [frame for frame in frames.values() if len(frame)]
    if not parts:
        return empty_survey_frame(codebook)
    stacked = pd.concat(parts, ignore_index=True)
    stacked.attrs = {}
    return stacked


def missing_reasons(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Why each item cell of a survey frame holds what it holds.

    Parameters
    ----------
    frame : DataFrame
        A survey frame (item columns of nullable codes).
    codebook : Codebook
        Its codebook (missing-value codes and their reasons, ``asked_if``).

    Returns
    -------
    DataFrame
        Same index and item columns as ``frame``, Categorical with the
        categories ``answered``, the codebook's missing reasons (``dont_know``,
        ``not_applicable``, ``refused``), ``not_asked`` (blank, and the item's
        ``asked_if`` condition was not met - also when the question it depends on
        is blank: display logic did not show it) and ``skipped`` (blank otherwise).

    Examples
    --------
    >>> reasons = missing_reasons(responses, study.codebook)
    >>> {reason: int(n) for reason, n in reasons["R1_man"].value_counts().items() if n}
    {'not_asked': 335, 'answered': 86, 'dont_know': 5}
    """
    items = [item for item in closed_items(codebook) if item in frame.columns]
    reasons = list(MISSING_REASON_ORDER)
    for response_set in codebook.response_sets.values():
        for _, reason in response_set.missing.values():
            if reason not in reasons:
                reasons.append(reason)
    categories = ["answered", *reasons, "not_asked", "skipped"]
    out = {}
    for item in items:
        response_set = _response_set(codebook, item)
        values = frame[item]
        result = pd.Series("skipped", index=frame.index, dtype=object)
        parent = codebook.items.loc[item, "asked_if_item"]
        if isinstance(parent, str) and parent in frame.columns:
            code = codebook.items.loc[item, "asked_if_code"]
            met = frame[parent].eq(code).fillna(False).astype(bool)
            result[~met] = "not_asked"
        result[values.notna()] = "answered"
        for code, (_, reason) in response_set.missing.items():
            result[values.eq(code).fillna(False).astype(bool)] = reason
        out[item] = pd.Categorical(result, categories=categories)
    return pd.DataFrame(out, index=frame.index)


# ---- focus groups ----------------------------------------------------------------------------
def _fg_layout(path: str, codebook: Codebook) -> _Layout:
    return _Layout(path, "csv", codebook)


def _require_columns(
    table: RawTable, required: Sequence[str], optional: Sequence[str], what: str
) -> None:
    present = list(table.cells.columns)
    missing = [column for column in required if column not in present]
    if missing:
        raise StudyInputError(
            table.path,
            f"missing column{'s' if len(missing) > 1 else ''} {_quoted(missing)}; {what} "
            f"needs the columns {_quoted(required)}.",
            row=1,
            fix="Add the column(s) to the file's header row.",
        )
    unknown = [column for column in present if column not in (*required, *optional)]
    if unknown:
        raise StudyInputError(
            table.path,
            f"unknown column{'s' if len(unknown) > 1 else ''} {_quoted(unknown)}; {what} has "
            f"the columns {_quoted([*required, *optional])}.",
            row=1,
            fix="Remove the column(s) from the file.",
        )


def _no_blanks(table: RawTable, columns: Sequence[str]) -> None:
    for column in columns:
        blank = _blank(table.cells[column])
        if blank.any():
            raise StudyInputError(
                table.path,
                "the cell is blank; every row needs a value here.",
                row=_first_bad(blank),
                column=column,
                fix="Fill in the value or remove the row.",
            )


def read_focus_group_segments(
    path: str | Path, study: Study, samples: Sequence[int] | None = None
) -> pd.DataFrame:
    """Read and check the focus-group segments; return them without their text.

    Parameters
    ----------
    path : str or Path
        CSV with ``segment_id, focus_group, case, sample, service_class, turn,
        speaker, speaker_group, text``.
    study : Study
        Registries of cases, service classes and stakeholder groups.
    samples : sequence of int, optional
        The study's samples (from the config); a segment of another sample is an error.

    Returns
    -------
    DataFrame
        One row per segment, the columns above except ``text`` (the turn's text
        is screened, never carried).
    """
    table, _ = read_csv_table(path, 1, "a focus-group segments file")
    _require_columns(table, [*SEGMENT_COLUMNS, SEGMENT_TEXT], [], "a focus-group segments file")
    _no_blanks(table, SEGMENT_COLUMNS)
    cells = table.cells.map(lambda v: str(v).strip())
    layout = _fg_layout(table.path, study.codebook)
    out = cells[list(SEGMENT_COLUMNS)].copy()
    for column in SEGMENT_INTEGERS:
        out[column] = _parse_integers(
            cells[column], layout, column, 1, 2**53, "a whole number (1 or more)"
        ).astype("int64")
    if samples is not None:
        bad = ~out["sample"].isin(list(samples))
        if bad.any():
            row = _first_bad(bad)
            raise layout.error(
                f"sample {out.loc[row, 'sample']} is not a sample of the study; the config "
                f"lists samples {', '.join(str(s) for s in samples)}.",
                row,
                "sample",
                fix="Correct the sample, or add the sample's survey export to raw.survey in "
                "config/config.yaml.",
            )
    for column, registry in SEGMENT_REGISTRIES.items():
        known = list(study.registries[registry].index)
        bad = ~out[column].isin(known)
        if bad.any():
            row = _first_bad(bad)
            raise layout.error(
                f"{_show(out.loc[row, column])} is not in the {registry} registry "
                f"{study.paths.get(registry, registry)}; allowed: {_quoted(known)}.",
                row,
                column,
                fix="Use the registry's id, or add the entry to the registry.",
            )
    repeated = out["segment_id"].duplicated(keep=False)
    if repeated.any():
        rows = list(out.index[repeated.to_numpy()])
        first = rows[0]
        again = next(
            r for r in rows[1:] if out.loc[r, "segment_id"] == out.loc[first, "segment_id"]
        )
        raise layout.error(
            f"segment id {_show(out.loc[again, 'segment_id'])} is already used in row {first}; "
            "segment ids must be unique.",
            again,
            "segment_id",
            fix="Give each segment its own id.",
        )
    turns = out.duplicated(["focus_group", "turn"], keep="first")
    if turns.any():
        row = _first_bad(turns)
        first = out.index[
            (out["focus_group"] == out.loc[row, "focus_group"])
            & (out["turn"] == out.loc[row, "turn"])
        ][0]
        raise layout.error(
            f"focus group {_show(out.loc[row, 'focus_group'])} has turn "
            f"{out.loc[row, 'turn']} twice (also in row {first}).",
            row,
            "turn",
            fix="Number the turns of each focus group once each.",
        )
    for column in ("case", "sample", "service_class"):
        first_value = out.groupby("focus_group", sort=False)[column].transform("first")
        bad = out[column] != first_value
        if bad.any():
            row = _first_bad(bad)
            raise layout.error(
                f"focus group {_show(out.loc[row, 'focus_group'])} has {column} "
                f"{_show(out.loc[row, column])} here but {_show(first_value.loc[row])} in its "
                "first row; a focus group belongs to one case, sample and service class.",
                row,
                column,
                fix="Correct the row, or give the segments of different groups their own "
                "focus_group id.",
            )
    out = out.reset_index(drop=True)
    for column in out.columns:
        if column not in SEGMENT_INTEGERS:
            out[column] = out[column].astype("str")
    return out


def read_focus_group_codings(
    path: str | Path, study: Study, segments: pd.DataFrame
) -> pd.DataFrame:
    """Read and check the focus-group codings (one row per code a coder applied to a segment).

    Parameters
    ----------
    path : str or Path
        CSV with ``segment_id, coder, code``.
    study : Study
        The focus-group codebook (``study.focus_group_codes``).
    segments : DataFrame
        From :func:`read_focus_group_segments`; every coding must name one of them.

    Returns
    -------
    DataFrame
        ``segment_id``, ``coder``, ``code`` as strings, in file order.
    """
    table, _ = read_csv_table(path, 1, "a focus-group codings file")
    _require_columns(table, CODING_COLUMNS, [], "a focus-group codings file")
    _no_blanks(table, CODING_COLUMNS)
    out = table.cells[list(CODING_COLUMNS)].map(lambda v: str(v).strip())
    layout = _fg_layout(table.path, study.codebook)
    known_segments = set(segments["segment_id"])
    bad = ~out["segment_id"].isin(known_segments)
    if bad.any():
        row = _first_bad(bad)
        raise layout.error(
            f"segment {_show(out.loc[row, 'segment_id'])} is not a segment of the focus-group "
            "segments file.",
            row,
            "segment_id",
            fix="Correct the segment id, or add the segment to the segments file.",
        )
    codes = list(study.focus_group_codes.index)
    bad = ~out["code"].isin(codes)
    if bad.any():
        row = _first_bad(bad)
        where = study.paths.get("focus_group_codebook", "the focus-group codebook")
        raise layout.error(
            f"{_show(out.loc[row, 'code'])} is not a code of the focus-group codebook {where}; "
            f"allowed codes: {', '.join(codes)}.",
            row,
            "code",
            fix="Correct the code, or add it to the focus-group codebook.",
        )
    repeated = out.duplicated(keep="first")
    if repeated.any():
        row = _first_bad(repeated)
        same = (out == out.loc[row]).all(axis=1)
        first = out.index[same.to_numpy()][0]
        raise layout.error(
            f"this coding (segment {_show(out.loc[row, 'segment_id'])}, coder "
            f"{_show(out.loc[row, 'coder'])}, code '{out.loc[row, 'code']}') repeats row "
            f"{first}; a coder applies a code to a segment once.",
            row,
            fix="Remove the repeated row.",
        )
    out = out.reset_index(drop=True)
    return out.astype("str")


def read_focus_groups(
    segments_path: str | Path,
    codings_path: str | Path,
    study: Study,
    samples: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and check the focus-group segments (without text) and codings."""
    segments = read_focus_group_segments(segments_path, study, samples)
    codings = read_focus_group_codings(codings_path, study, segments)
    return segments, codings
