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

Example
-------
>>> screen = Screen()
>>> [hit.kind for hit in screen.find("Call me on 07700 900123 or at jo@example.org")]
['email', 'phone']
>>> screen.find("Started 2025-03-03 10:28:15, response R_abc, status IP Address")
[]
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coprod.errors import StudyInputError
from coprod.ingest import (
    CODING_COLUMNS,
    SEGMENT_COLUMNS,
    SEGMENT_INTEGERS,
    SEGMENT_REGISTRIES,
    SEGMENT_TEXT,
    RawTable,
    classify_columns,
    export_columns,
    read_csv_table,
    read_raw_survey,
)
from coprod.resources import Codebook

KINDS: dict[str, str] = {
    "email": "email address",
    "url": "web address",
    "ip_address": "IP address",
    "phone": "phone number",
    "uk_postcode": "UK postcode",
    "deny_list": "name or place on the deny-list",
}
SCREENED_CONTENT = ("free_text", "other_text", "string_metadata", "unknown")
MAX_LISTED = 20
SUMMARY_COLUMNS = ["file", "column", "content", "rows_screened", "hits"]

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?:com|org|net|gov|edu|info|io|biz|eu|uk|me)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\d|\.\d)")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
# Dates and clock times are neither phone numbers nor postcodes: masked first.
_DATE_TIME = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+\s?|\()?\d[\d\s().-]{6,22}\d(?!\w)")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """One kind of personal data found in a text (no trace of the text itself)."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class DenyList:
    """Names and places that must not appear in the raw data (whole words, any case)."""

    path: str
    lines: dict[str, int]  # normalised entry -> line number in the file
    pattern: re.Pattern[str] | None

    def __len__(self) -> int:
        return len(self.lines)


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def deny_list_from_entries(entries: Iterable[str], path: str = "<deny-list>") -> DenyList:
    """A deny-list from entries (blank entries and ``#`` comments are ignored)."""
    lines: dict[str, int] = {}
    for number, raw in enumerate(entries, start=1):
        entry = raw.strip()
        if entry and not entry.startswith("#"):
            lines.setdefault(_normalise(entry), number)
    if not lines:
        return DenyList(path, lines, None)
    alternatives = sorted(lines, key=len, reverse=True)
    body = "|".join(
        r"\s+".join(re.escape(word) for word in entry.split()) for entry in alternatives
    )
    return DenyList(path, lines, re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE))


def load_deny_list(path: str | Path) -> DenyList:
    """Read the deny-list file: one name or place per line; ``#`` starts a comment line.

    Parameters
    ----------
    path : str or Path
        The file (``screening.deny_list`` in the config).
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise StudyInputError(
            path,
            "file not found.",
            fix="Check screening.deny_list in config/config.yaml (an empty file is allowed).",
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudyInputError(
            path,
            "the deny-list is not valid UTF-8 (expected encoding: UTF-8).",
            fix="Save the file as UTF-8.",
        ) from None
    return deny_list_from_entries(text.splitlines(), str(path))


def _mask(
    text: str, pattern: re.Pattern[str], keep: Callable[[str], bool] | None = None
) -> tuple[str, bool]:
    """Blank out the matches of ``pattern`` (those ``keep`` accepts); report whether any."""
    found = False
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        if keep is not None and not keep(match.group()):
            continue
        found = True
        pieces += [text[last : match.start()], " " * (match.end() - match.start())]
        last = match.end()
    if not found:
        return text, False
    pieces.append(text[last:])
    return "".join(pieces), True


def _is_ipv6(candidate: str) -> bool:
    hexdigits = sum(ch.isalnum() for ch in candidate)
    if hexdigits < 4 or not any(ch.isdigit() for ch in candidate):
        return False  # "a::b" or "::" in prose
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _is_phone(candidate: str) -> bool:
    if re.search(r"\d[.-]\d{1,2}[.-]\d", candidate) and "+" not in candidate:
        return False  # a version or date-like number, not a phone number
    digits = re.sub(r"\D", "", candidate)
    if candidate.lstrip("(").startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) <= 17
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11
    return False


def _is_postcode(candidate: str) -> bool:
    inward = candidate.replace(" ", "")[-3:]
    if candidate == candidate.upper():
        return True
    return candidate == candidate.lower() and not _ORDINAL.search(inward)


class Screen:
    """Finds personal data in text.

    Parameters
    ----------
    kinds : sequence of str, optional
        Which kinds to look for (keys of :data:`KINDS`); default: all.
    deny_list : DenyList, optional
        Names and places to look for (kind ``deny_list``).
    """

    def __init__(
        self, kinds: Sequence[str] | None = None, deny_list: DenyList | None = None
    ) -> None:
        kinds = list(KINDS) if kinds is None else list(kinds)
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind(s) {unknown}; known: {', '.join(KINDS)}")
        self.kinds = kinds
        self.deny_list = deny_list

    def find(self, text: str) -> list[Found]:
        """The kinds of personal data in ``text`` (each kind once, in :data:`KINDS` order)."""
        if not text or not text.strip():
            return []
        found: list[Found] = []
        kinds = self.kinds
        if "email" in kinds:
            text, hit = _mask(text, _EMAIL)
            found += [Found("email")] if hit else []
        if "url" in kinds:
            text, hit = _mask(text, _URL)
            found += [Found("url")] if hit else []
        if "ip_address" in kinds:
            text, hit4 = _mask(text, _IPV4)
            text, hit6 = _mask(text, _IPV6_CANDIDATE, _is_ipv6)
            found += [Found("ip_address")] if hit4 or hit6 else []
        text, _ = _mask(text, _DATE_TIME)
        if "phone" in kinds:
            text, hit = _mask(text, _PHONE_CANDIDATE, _is_phone)
            found += [Found("phone")] if hit else []
        if "uk_postcode" in kinds:
            text, hit = _mask(text, _POSTCODE, _is_postcode)
            found += [Found("uk_postcode")] if hit else []
        if "deny_list" in kinds and self.deny_list is not None and self.deny_list.pattern:
            match = self.deny_list.pattern.search(text)
            if match:
                line = self.deny_list.lines.get(_normalise(match.group()))
                detail = f"line {line} of {self.deny_list.path}" if line else ""
                found.append(Found("deny_list", detail))
        return found


_DEFAULT: Screen | None = None


def looks_personal(text: str) -> bool:
    """Whether ``text`` holds anything the default screen (no deny-list) finds."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Screen()
    return bool(_DEFAULT.find(text))


# ---- screening files -------------------------------------------------------------------------
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


def screen_raw_files(
    exports: Sequence[Mapping[str, object]],
    segments: str | Path,
    codings: str | Path,
    codebook: Codebook,
    screen: Screen,
) -> ScreenResult:
    """Screen every raw file of the study.

    Parameters
    ----------
    exports : sequence of mappings
        The config's ``raw.survey`` entries (``path``, ``form``).
    segments, codings : str or Path
        The focus-group segments and codings files.
    codebook : Codebook
        Which survey columns are free text, closed items and metadata.
    screen : Screen
        The patterns and deny-list.

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
    table, _ = read_csv_table(segments, 1, "a focus-group segments file")
    structured = {*SEGMENT_REGISTRIES, *SEGMENT_INTEGERS}
    columns = {
        c: _fg_content(c, SEGMENT_COLUMNS + (SEGMENT_TEXT,))
        for c in table.cells.columns
        if c not in structured
    }
    results.append(screen_columns(table, columns, screen))
    table, _ = read_csv_table(codings, 1, "a focus-group codings file")
    columns = {c: _fg_content(c, CODING_COLUMNS) for c in table.cells.columns if c != "code"}
    results.append(screen_columns(table, columns, screen))
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
    segments: str | Path,
    codings: str | Path,
    codebook: Codebook,
    *,
    kinds: Sequence[str] | None = None,
    deny_list: str | Path | None = None,
    max_listed: int = MAX_LISTED,
) -> pd.DataFrame:
    """Screen the raw files; raise :class:`PersonalDataError` on any hit.

    Returns
    -------
    DataFrame
        One row per screened file and column: ``file``, ``column``, ``content``
        (what the column holds), ``rows_screened``, ``hits`` (0).
    """
    screen = Screen(kinds, load_deny_list(deny_list) if deny_list is not None else None)
    result = screen_raw_files(exports, segments, codings, codebook, screen)
    if result.hits:
        raise PersonalDataError(result.hits, max_listed)
    return result.summary
