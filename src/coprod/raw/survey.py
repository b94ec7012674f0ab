"""Read the survey exports into the survey frame.

Every survey export, whatever its form (:mod:`coprod.raw.formats`), becomes the
same *survey frame*: one row per response; the metadata columns ``sample``,
``response_id``, ``respondent``, ``start``, ``end``, ``duration``, ``progress``,
``finished`` and ``status`` (the ``kind`` of the codebook's response type); then
one nullable ``Int64`` column per closed item of the codebook, in codebook order,
holding valid codes and missing-value codes (e.g. 8 = don't know) and ``<NA>``
for a blank. Free-text items and ``_TEXT`` columns are read (the anonymity screen
checks them) but not carried.

The codes are the export's own, as the codebook declares them (a yes/no item
may be coded 1/0 or 1/2: its response set's ``yes:`` says which code means yes;
:mod:`coprod.scoring` turns them into 1/0). A code outside the item's response
set stops the run. Multi-select items hold the response set's yes code
(selected) or its other code (not selected). Where the codebook declares
``blank: not_selected`` (the export leaves an unselected choice blank, as
Qualtrics does), a blank becomes the not-selected code when the respondent
answered any item of the same question or any later item, and stays ``<NA>``
otherwise (the respondent never reached the question); with ``blank: missing``
a blank stays ``<NA>``.

A response id that appears twice with different answers is an error. A row
that repeats another row exactly (every cell equal) is an export artefact: it
is dropped with a warning, because the answers are not in doubt and raw files
should not need editing.

Every problem raises :class:`coprod.errors.StudyInputError` naming the file,
the row as a spreadsheet shows it (the case number for ``.sav``), the column,
what was found, what is allowed and what to do.

Example
-------
>>> from coprod.raw.survey import read_survey_export
>>> frame = read_survey_export(
...     "resources/raw/survey_sample1.csv", "qualtrics_csv", study, sample=1
... )
>>> frame.columns[:9].tolist()
['sample', 'response_id', 'respondent', 'start', 'end', 'duration', 'progress',
 'finished', 'status']
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from coprod.errors import StudyInputError
from coprod.raw.formats import (
    OPTIONAL_ROLES,
    TEXT_SUFFIX,
    RawTable,
    classify_columns,
    closed_items,
    export_columns,
    free_text_items,
    question_of,
    quoted,
    read_raw_survey,
    response_set_of,
)
from coprod.raw.values import (
    Layout,
    as_text,
    blank,
    check_codes,
    first_bad,
    parse_dates,
    parse_finished,
    parse_integers,
    parse_item_text,
    parse_status,
)
from coprod.resources import Codebook, Study

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
MISSING_REASON_ORDER = ("dont_know", "not_applicable", "refused")


class DuplicateRowWarning(UserWarning):
    """A row repeats another row of the same export exactly; the repeat is dropped."""


# ---- columns ---------------------------------------------------------------------------------
def _check_columns(table: RawTable, layout: Layout) -> None:
    codebook = layout.codebook
    items, meta = export_columns(codebook, table.form)
    kinds = classify_columns(table, codebook)
    unknown = [column for column, kind in kinds.items() if kind == "unknown"]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise layout.error(
            f"unknown column{plural} {quoted(unknown)}: not an item of the codebook "
            f"{codebook.path}, a metadata column ({quoted(meta)}) or an item's "
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
def _parse_metadata(table: RawTable, layout: Layout) -> dict[str, pd.Series]:
    _, meta_columns = export_columns(layout.codebook, table.form)
    column_of = {role: column for column, role in meta_columns.items()}
    cells = table.cells
    out: dict[str, pd.Series] = {}
    column = column_of["response_id"]
    ids = as_text(cells[column])
    if ids.eq("").any():
        raise layout.error(
            "the response id is blank; every response needs one.",
            first_bad(ids.eq("")),
            column,
            fix="Re-export the file; do not delete cells from it.",
        )
    out["response_id"] = ids.astype("str")
    respondent = column_of["respondent"]
    if respondent in cells.columns:
        out["respondent"] = as_text(cells[respondent]).astype("str")
    else:
        out["respondent"] = pd.Series("", index=cells.index, dtype="str")
    out["start"] = parse_dates(cells[column_of["start"]], layout, column_of["start"])
    out["end"] = parse_dates(cells[column_of["end"]], layout, column_of["end"])
    out["duration"] = parse_integers(
        cells[column_of["duration"]],
        layout,
        column_of["duration"],
        0,
        2**53,
        "a whole number of seconds (0 or more)",
    )
    out["progress"] = parse_integers(
        cells[column_of["progress"]],
        layout,
        column_of["progress"],
        0,
        100,
        "a whole number from 0 to 100 (percent of the questionnaire reached)",
    )
    out["finished"] = parse_finished(cells[column_of["finished"]], layout, column_of["finished"])
    out["status"] = parse_status(cells[column_of["status"]], layout, column_of["status"])
    return out


# ---- items -----------------------------------------------------------------------------------
def _check_sav_labels(table: RawTable, layout: Layout, column: str, item: str) -> None:
    """The ``.sav`` value labels must give every codebook code the codebook's label."""
    response_set = response_set_of(layout.codebook, item)
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


def _parse_items(table: RawTable, layout: Layout) -> pd.DataFrame:
    codebook = layout.codebook
    items, _ = export_columns(codebook, table.form)
    column_of = {item: column for column, item in items.items()}
    out = {}
    for item in closed_items(codebook):
        column = column_of[item]
        values = table.cells[column]
        if table.form == "spss_sav":
            if column in table.string_columns:
                nonblank = as_text(values).ne("")
                row = first_bad(nonblank) if nonblank.any() else None
                raise layout.error(
                    "the variable holds text; expected numeric codes with value labels.",
                    row,
                    column,
                    fix="Export the survey with numeric values (not choice text) to SPSS.",
                )
            _check_sav_labels(table, layout, column, item)
            out[item] = check_codes(
                values.astype(float), layout, column, response_set_of(codebook, item)
            )
        else:
            out[item] = parse_item_text(values, layout, column, item)
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
            answered[item] = ~blank(table.cells[column_of[item]])
        else:
            answered[item] = pd.Series(False, index=codes.index)
    return pd.DataFrame(answered, index=codes.index)


def fill_multi_select(codes: pd.DataFrame, answered: pd.DataFrame, codebook: Codebook) -> None:
    """Blank multi-select items become "not selected" where the respondent reached the
    question (in place), if their response set says a blank means that.

    For a response set with ``blank: not_selected``, a blank becomes its no code (not
    selected) when the respondent answered any item of the same question or any later
    item of the codebook; otherwise it stays ``<NA>``. With ``blank: missing`` every
    blank stays ``<NA>``.
    """
    order = list(codebook.items.index)
    multi = [
        item
        for item in order
        if response_set_of(codebook, item).type == "multi_select"
        and response_set_of(codebook, item).blank == "not_selected"
    ]
    questions: dict[str, list[str]] = {}
    for item in multi:
        questions.setdefault(question_of(codebook.items.loc[item, "export_id"]), []).append(item)
    for members in questions.values():
        last = max(order.index(item) for item in members)
        later = order[last + 1 :]
        reached = answered[members].any(axis=1)
        if later:
            reached |= answered[later].any(axis=1)
        for item in members:
            not_selected = response_set_of(codebook, item).yes_no_codes()[1]
            codes.loc[codes[item].isna() & reached, item] = not_selected


# ---- duplicates ------------------------------------------------------------------------------
def _drop_duplicates(table: RawTable, ids: pd.Series, layout: Layout, id_column: str) -> pd.Index:
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
    layout = Layout(table.path, table.form, codebook, {**items, **meta})
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
        response_set = response_set_of(codebook, item)
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
