"""Read the focus-group files: the segments (without their text) and the codings.

The segments file has one row per turn (:data:`coprod.raw.formats.SEGMENT_COLUMNS`
and the turn's ``text``): its case, service class and speaker group must be ids of
the registries, its sample one of the study's, its segment ids unique, its turns
numbered once per focus group, and a focus group belongs to one case, sample and
service class. The text is screened for personal data (:mod:`coprod.raw.screen`)
and never carried. The codings file has one row per code a coder applied to a
segment; each must name a known segment and a code of the focus-group codebook,
once.

Example
-------
>>> segments, codings = read_focus_groups(
...     "resources/raw/focus_group_segments.csv", "resources/raw/focus_group_codings.csv", study
... )
>>> "text" in segments.columns, codings.columns.tolist()
(False, ['segment_id', 'coder', 'code'])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from coprod.errors import StudyInputError
from coprod.raw.formats import (
    CODING_COLUMNS,
    SEGMENT_COLUMNS,
    SEGMENT_INTEGERS,
    SEGMENT_REGISTRY_COLUMNS,
    SEGMENT_TEXT,
    RawTable,
    quoted,
    read_csv_table,
)
from coprod.raw.personal_data import shown
from coprod.raw.values import Layout, blank, first_bad, parse_integers
from coprod.resources import Study
from coprod.vocabulary import COLUMN_REGISTRIES


def _require_columns(
    table: RawTable, required: Sequence[str], optional: Sequence[str], what: str
) -> None:
    present = list(table.cells.columns)
    missing = [column for column in required if column not in present]
    if missing:
        raise StudyInputError(
            table.path,
            f"missing column{'s' if len(missing) > 1 else ''} {quoted(missing)}; {what} "
            f"needs the columns {quoted(required)}.",
            row=1,
            fix="Add the column(s) to the file's header row.",
        )
    unknown = [column for column in present if column not in (*required, *optional)]
    if unknown:
        raise StudyInputError(
            table.path,
            f"unknown column{'s' if len(unknown) > 1 else ''} {quoted(unknown)}; {what} has "
            f"the columns {quoted([*required, *optional])}.",
            row=1,
            fix="Remove the column(s) from the file.",
        )


def _no_blanks(table: RawTable, columns: Sequence[str]) -> None:
    for column in columns:
        empty = blank(table.cells[column])
        if empty.any():
            raise StudyInputError(
                table.path,
                "the cell is blank; every row needs a value here.",
                row=first_bad(empty),
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
    layout = Layout(table.path, "csv", study.codebook)
    out = cells[list(SEGMENT_COLUMNS)].copy()
    for column in SEGMENT_INTEGERS:
        out[column] = parse_integers(
            cells[column], layout, column, 1, 2**53, "a whole number (1 or more)"
        ).astype("int64")
    if samples is not None:
        layout.reject(
            ~out["sample"].isin(list(samples)),
            "sample",
            lambda row: (
                f"sample {out.loc[row, 'sample']} is not a sample of the study; the "
                f"config lists samples {', '.join(str(s) for s in samples)}."
            ),
            fix="Correct the sample, or add the sample's survey export to raw.survey in "
            "config/config.yaml.",
        )
    for column in SEGMENT_REGISTRY_COLUMNS:
        registry = COLUMN_REGISTRIES[column]
        known = list(study.registries[registry].index)
        bad = ~out[column].isin(known)
        if bad.any():
            row = first_bad(bad)
            raise layout.error(
                f"{shown(out.loc[row, column])} is not in the {registry} registry "
                f"{study.paths.get(registry, registry)}; allowed: {quoted(known)}.",
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
            f"segment id {shown(out.loc[again, 'segment_id'])} is already used in row {first}; "
            "segment ids must be unique.",
            again,
            "segment_id",
            fix="Give each segment its own id.",
        )
    turns = out.duplicated(["focus_group", "turn"], keep="first")
    if turns.any():
        row = first_bad(turns)
        first = out.index[
            (out["focus_group"] == out.loc[row, "focus_group"])
            & (out["turn"] == out.loc[row, "turn"])
        ][0]
        raise layout.error(
            f"focus group {shown(out.loc[row, 'focus_group'])} has turn "
            f"{out.loc[row, 'turn']} twice (also in row {first}).",
            row,
            "turn",
            fix="Number the turns of each focus group once each.",
        )
    for column in ("case", "sample", "service_class"):
        first_value = out.groupby("focus_group", sort=False)[column].transform("first")
        bad = out[column] != first_value
        if bad.any():
            row = first_bad(bad)
            raise layout.error(
                f"focus group {shown(out.loc[row, 'focus_group'])} has {column} "
                f"{shown(out.loc[row, column])} here but {shown(first_value.loc[row])} in its "
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
    layout = Layout(table.path, "csv", study.codebook)
    known_segments = set(segments["segment_id"])
    layout.reject(
        ~out["segment_id"].isin(known_segments),
        "segment_id",
        lambda row: (
            f"segment {shown(out.loc[row, 'segment_id'])} is not a segment of the "
            "focus-group segments file."
        ),
        fix="Correct the segment id, or add the segment to the segments file.",
    )
    codes = list(study.focus_group_codes.index)
    where = study.paths.get("focus_group_codebook", "the focus-group codebook")
    layout.reject(
        ~out["code"].isin(codes),
        "code",
        lambda row: (
            f"{shown(out.loc[row, 'code'])} is not a code of the focus-group codebook "
            f"{where}; allowed codes: {', '.join(codes)}."
        ),
        fix="Correct the code, or add it to the focus-group codebook.",
    )
    repeated = out.duplicated(keep="first")
    if repeated.any():
        row = first_bad(repeated)
        same = (out == out.loc[row]).all(axis=1)
        first = out.index[same.to_numpy()][0]
        raise layout.error(
            f"this coding (segment {shown(out.loc[row, 'segment_id'])}, coder "
            f"{shown(out.loc[row, 'coder'])}, code '{out.loc[row, 'code']}') repeats row "
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
