"""The cells of a raw file: checking and parsing values, with errors placed as a user sees them.

Every value is checked against what the codebook allows: dates as
``YYYY-MM-DD HH:MM:SS``, whole numbers within a range, a response type of the
codebook's ``status``, True/False, and an item's labels or codes. A bad value
raises :class:`coprod.errors.StudyInputError` through a :class:`Layout`, which
names the file, the spreadsheet row (the case for ``.sav``), the column and the
item the column holds, and shows the found value only if it does not look like
personal data (:func:`coprod.raw.personal_data.shown`).

Example
-------
>>> import pandas as pd
>>> layout = Layout("export.csv", "plain_csv", study.codebook)
>>> parse_integers(pd.Series(["3", "12"], index=[2, 3]), layout, "n", 0, 99, "a count").tolist()
[3, 12]
>>> parse_integers(pd.Series(["3", "x"], index=[2, 3]), layout, "n", 0, 99, "a count")
Traceback (most recent call last):
...
coprod.errors.StudyInputError: export.csv, row 3, column 'n': found 'x'; expected a count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coprod.errors import StudyInputError
from coprod.raw.formats import quoted, response_set_of
from coprod.raw.personal_data import shown
from coprod.resources import Codebook, ResponseSet

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT_SHOWN = "YYYY-MM-DD HH:MM:SS"
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_FALSE_TRUE = {"false": False, "0": False, "0.0": False, "true": True, "1": True, "1.0": True}


# ---- where a value is: rows and columns as the user sees them --------------------------------
@dataclass(frozen=True)
class Layout:
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

    def reject(
        self,
        bad: pd.Series,
        column: str | None,
        problem: Callable[[Any], str],
        fix: str = "",
    ) -> None:
        """Raise :meth:`error` at the first row where ``bad`` holds, if any.

        ``problem(row)`` says what is wrong in that row (it is called only then).
        """
        if bad.any():
            row = first_bad(bad)
            raise self.error(problem(row), row, column, fix)


# ---- cells -----------------------------------------------------------------------------------
def blank(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.isna() | values.astype(str).str.strip().eq("")
    return values.isna()


def as_text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").map(lambda v: str(v).strip())


def first_bad(mask: pd.Series) -> Any:
    return mask.index[mask.to_numpy()][0]


def parse_integers(
    values: pd.Series, layout: Layout, column: str, low: int, high: int, what: str
) -> pd.Series:
    """Whole numbers from ``low`` to ``high``; a blank or anything else is an error."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
        bad = numbers.isna() | (numbers % 1 != 0) | (numbers < low) | (numbers > high)
        as_found = values
    else:
        text = as_text(values)
        ok = text.map(lambda v: bool(_INTEGER.match(v)))
        numbers = text.where(ok, "nan").map(float)
        bad = ~ok | (numbers < low) | (numbers > high)
        as_found = text
    if bad.any():
        row = first_bad(bad)
        found = as_found.loc[row]
        found = "a blank" if blank(pd.Series([found])).iloc[0] else shown(found)
        raise layout.error(f"found {found}; expected {what}.", row, column)
    return numbers.astype("int64").astype("Int64")


def parse_dates(values: pd.Series, layout: Layout, column: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.astype("datetime64[us]")
        bad = parsed.isna()
        as_found = values
    else:
        as_found = as_text(values)
        parsed = pd.to_datetime(as_found, format=DATE_FORMAT, errors="coerce")
        bad = parsed.isna()
    if bad.any():
        row = first_bad(bad)
        found = as_found.loc[row]
        found = "a blank" if pd.isna(found) or str(found).strip() == "" else shown(found)
        raise layout.error(
            f"found {found}; expected a date and time as {DATE_FORMAT_SHOWN}.",
            row,
            column,
            fix="Export dates in the survey tool's default format (e.g. 2025-03-03 10:28:15).",
        )
    return parsed.astype("datetime64[us]")


def parse_status(values: pd.Series, layout: Layout, column: str) -> pd.Series:
    status = layout.codebook.status
    by_label = dict(zip(status["label"], status["kind"], strict=True))
    by_code = {str(code): kind for code, kind in zip(status["code"], status["kind"], strict=True)}
    by_code.update(
        {f"{code}.0": kind for code, kind in zip(status["code"], status["kind"], strict=True)}
    )
    text = as_text(values)
    kinds = text.map(by_label)
    kinds = kinds.where(kinds.notna(), text.map(by_code))
    bad = kinds.isna()
    if bad.any():
        row = first_bad(bad)
        found = "a blank" if text.loc[row] == "" else shown(text.loc[row])
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


def parse_finished(values: pd.Series, layout: Layout, column: str) -> pd.Series:
    text = as_text(values).str.lower()
    parsed = text.map(_FALSE_TRUE)
    bad = parsed.isna()
    if bad.any():
        row = first_bad(bad)
        found = "a blank" if text.loc[row] == "" else shown(as_text(values).loc[row])
        raise layout.error(f"found {found}; expected True or False (or 1 or 0).", row, column)
    return parsed.astype("boolean")


# ---- item codes ------------------------------------------------------------------------------
def allowed_codes(response_set: ResponseSet) -> str:
    """The codes a response set allows, in words; a yes/no set's codes with their meaning."""
    meaning = {}
    if response_set.is_yes_no:
        meaning = {response_set.yes: " (yes)", response_set.no: " (no)"}
    valid = ", ".join(f"{code}{meaning.get(code, '')}" for code in response_set.values)
    if not response_set.missing:
        return valid
    missing = ", ".join(f"{code} ({label})" for code, (label, _) in response_set.missing.items())
    return f"{valid}; missing-value codes {missing}"


def item_labels(codebook: Codebook, item: str) -> dict[str, int]:
    """Every label an export may write for ``item``, with its code."""
    response_set = response_set_of(codebook, item)
    labels = dict(response_set.label_to_code)
    choice = codebook.items.loc[item, "choice_text"]
    if response_set.type == "multi_select" and isinstance(choice, str):
        labels[choice] = response_set.yes_no_codes()[0]
    return labels


def parse_item_text(values: pd.Series, layout: Layout, column: str, item: str) -> pd.Series:
    """Codes of one item from a CSV column of labels or of codes (detected per column)."""
    codebook = layout.codebook
    response_set = response_set_of(codebook, item)
    labels = item_labels(codebook, item)
    text = as_text(values)
    answered = text.ne("")
    as_label = text.map(labels)
    numeric = text.map(lambda v: bool(_INTEGER.match(v)))
    n_labels = int((answered & as_label.notna()).sum())
    n_codes = int((answered & numeric).sum())
    use_labels = n_labels >= n_codes if layout.form == "qualtrics_csv" else n_labels > n_codes
    if use_labels:
        layout.reject(
            answered & as_label.isna(),
            column,
            lambda row: (
                f"{shown(text.loc[row])} is not a label of the response set "
                f"'{response_set.id}'; allowed labels: {quoted(labels)}."
            ),
            fix=f"Export choice text exactly as in {codebook.path}, or correct the label "
            "in the codebook.",
        )
        return as_label.astype("Int64")
    layout.reject(
        answered & ~numeric,
        column,
        lambda row: (
            f"{shown(text.loc[row])} is not a code of the response set "
            f"'{response_set.id}'; allowed codes: {allowed_codes(response_set)}."
        ),
        fix="Export numeric values or choice text for the whole column.",
    )
    numbers = text.where(answered, "nan").map(float)
    return check_codes(numbers, layout, column, response_set)


def check_codes(
    numbers: pd.Series, layout: Layout, column: str, response_set: ResponseSet
) -> pd.Series:
    allowed = set(response_set.all_codes())
    bad = numbers.notna() & ~numbers.isin([float(code) for code in allowed])
    if bad.any():
        row = first_bad(bad)
        value = numbers.loc[row]
        code = str(int(value)) if float(value).is_integer() else str(value)
        raise layout.error(
            f"code {code} is not a code of the response set '{response_set.id}' of the "
            f"codebook {layout.codebook.path}; allowed codes: {allowed_codes(response_set)}.",
            row,
            column,
            fix="Check the export's coding against the codebook (recode values in the survey "
            "tool, or correct the codebook).",
        )
    return numbers.astype("Float64").astype("Int64")
