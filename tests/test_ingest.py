"""The importers: raw exports in every accepted form to the survey frame, and their errors."""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod.errors import StudyInputError
from coprod.raw.focus_groups import (
    read_focus_group_codings,
    read_focus_group_segments,
    read_focus_groups,
)
from coprod.raw.formats import closed_items
from coprod.raw.survey import (
    DuplicateRowWarning,
    missing_reasons,
    read_survey_export,
    stack_samples,
)
from coprod.resources import load_study
from coprod.synthetic.study import generate
from tests.conftest import resource_paths, run
from tests.fixtures.raw import (
    CODINGS,
    QUALTRICS,
    SAV,
    SEGMENTS,
    col,
    expected_frame,
    label_to_code_rows,
    plain_csv,
    qualtrics_subset,
    read_rows,
    sav,
    write_rows,
)


@pytest.fixture(scope="module")
def synthetic(study, model):
    return generate(study, model)


@pytest.fixture(scope="module")
def sample1(synthetic):
    return synthetic.responses[synthetic.responses["sample"] == 1].reset_index(drop=True)


@pytest.fixture(scope="module")
def positions(sample1):
    """A few records of sample 1: the first six, an incomplete one and one with a comment."""
    incomplete = int(sample1.index[sample1["planted"] == "incomplete"][0])
    commented = int(sample1.index[sample1["comment"] != ""][0])
    return sorted({*range(6), incomplete, commented})


def _frame(responses: pd.DataFrame, positions: list[int], sample: int = 1) -> pd.DataFrame:
    return expected_frame(responses.iloc[positions], sample)


def _read(path, study, form="qualtrics_csv", sample=1):
    frame = read_survey_export(path, form, study, sample)
    frame.attrs = {}
    return frame


def _message(path, study, form="qualtrics_csv") -> str:
    with pytest.raises(StudyInputError) as raised:
        read_survey_export(path, form, study, 1)
    return str(raised.value)


# ---- the bundled exports equal the generator -------------------------------------------------
def test_qualtrics_export_equals_the_generator(study, synthetic):
    frame = _read(QUALTRICS, study)
    pd.testing.assert_frame_equal(frame, expected_frame(synthetic.responses, 1))
    assert list(frame.columns[:9]) == [
        "sample",
        "response_id",
        "respondent",
        "start",
        "end",
        "duration",
        "progress",
        "finished",
        "status",
    ]
    assert list(frame.columns[9:]) == closed_items(study.codebook)
    assert "comment" not in frame.columns
    assert len(frame) == 426


def test_sav_export_equals_the_generator(study, synthetic):
    frame = _read(SAV, study, "spss_sav", 2)
    pd.testing.assert_frame_equal(frame, expected_frame(synthetic.responses, 2))
    assert frame["B6_2"].eq(8).sum() == 24  # "don't know" (user-missing in SPSS) stays 8


def test_survey_frame_dtypes_and_stacking(study):
    frames = {
        str(QUALTRICS): read_survey_export(QUALTRICS, "qualtrics_csv", study, 1),
        str(SAV): read_survey_export(SAV, "spss_sav", study, 2),
    }
    survey = stack_samples(frames, study.codebook)
    assert survey["sample"].value_counts().sort_index().to_dict() == {1: 426, 2: 445}
    dtypes = survey.dtypes.astype(str).to_dict()
    assert {key: dtypes[key] for key in list(dtypes)[:9]} == {
        "sample": "int64",
        "response_id": "str",
        "respondent": "str",
        "start": "datetime64[us]",
        "end": "datetime64[us]",
        "duration": "Int64",
        "progress": "Int64",
        "finished": "boolean",
        "status": "str",
    }
    assert set(list(dtypes.values())[9:]) == {"Int64"}
    assert survey["status"].value_counts().to_dict() == {"real": 859, "preview": 12}
    assert survey["respondent"].eq("").sum() == 12  # previews carry no token
    assert survey.attrs == {}


def test_focus_groups_equal_the_generator(study, synthetic):
    segments, codings = read_focus_groups(SEGMENTS, CODINGS, study, [1, 2])
    expected = synthetic.segments.drop(columns="text")
    text_columns = [c for c in expected.columns if c not in ("sample", "turn")]
    pd.testing.assert_frame_equal(segments, expected.astype(dict.fromkeys(text_columns, "str")))
    pd.testing.assert_frame_equal(codings, synthetic.codings.astype("str"))
    assert "text" not in segments.columns
    assert len(segments) == 921 and len(codings) == 3156


# ---- small fixtures in every form ------------------------------------------------------------
def test_qualtrics_subset_with_and_without_bom(study, sample1, positions, tmp_path):
    expected = _frame(sample1, positions)
    with_bom = qualtrics_subset(positions, tmp_path / "bom.csv")
    without = qualtrics_subset(positions, tmp_path / "nobom.csv", bom=False)
    assert with_bom.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert without.read_bytes()[:3] != b"\xef\xbb\xbf"
    pd.testing.assert_frame_equal(_read(with_bom, study), expected)
    pd.testing.assert_frame_equal(_read(without, study), expected)
    # the incomplete response never reached the multi-select question: <NA>, not 0
    incomplete = positions.index(int(sample1.index[sample1["planted"] == "incomplete"][0]))
    assert _read(without, study).loc[incomplete, "S1_used"] is pd.NA


def test_qualtrics_numeric_code_export(study, sample1, positions, tmp_path):
    rows = read_rows(qualtrics_subset(positions, tmp_path / "labels.csv"))
    coded = label_to_code_rows(rows, study.codebook)
    assert (
        coded[3][col(coded, "Q6_1")] == "3" and rows[3][col(rows, "Q6_1")] == "To a moderate extent"
    )
    path = write_rows(coded, tmp_path / "codes.csv")
    pd.testing.assert_frame_equal(_read(path, study), _frame(sample1, positions))


def test_qualtrics_mixed_labels_and_codes_by_column(study, sample1, positions, tmp_path):
    rows = read_rows(qualtrics_subset(positions, tmp_path / "labels.csv"))
    coded = label_to_code_rows(rows, study.codebook)
    mixed = [
        [c if name.startswith("Q6_") else r for name, r, c in zip(rows[0], row, crow, strict=True)]
        for row, crow in zip(rows, coded, strict=True)
    ]
    path = write_rows(mixed, tmp_path / "mixed.csv")
    pd.testing.assert_frame_equal(_read(path, study), _frame(sample1, positions))


def test_other_specify_text_column_is_read_not_carried(study, sample1, positions, tmp_path):
    rows = read_rows(qualtrics_subset(positions, tmp_path / "labels.csv"))
    where = col(rows, "Q3") + 1
    for number, row in enumerate(rows):
        value = {0: "Q3_6_TEXT", 1: "Other - please specify", 2: '{"ImportId":"QID3_6_TEXT"}'}
        row.insert(where, value.get(number, "a parish partnership" if number == 4 else ""))
    path = write_rows(rows, tmp_path / "text.csv")
    frame = _read(path, study)
    pd.testing.assert_frame_equal(frame, _frame(sample1, positions))
    assert not any("TEXT" in column for column in frame.columns)


def test_quoted_line_breaks_keep_spreadsheet_rows(study, sample1, positions, tmp_path):
    rows = read_rows(qualtrics_subset(positions, tmp_path / "labels.csv"))
    rows[4][col(rows, "Q16")] = 'First line,\r\nsecond line with "quotes"\nand a third'
    path = write_rows(rows, tmp_path / "breaks.csv")
    assert path.read_text(encoding="utf-8-sig").count("\n") == len(rows) + 2
    pd.testing.assert_frame_equal(_read(path, study), _frame(sample1, positions))
    rows[5][col(rows, "Q6_2")] = "Sometimes"  # the record after the multi-line comment
    path = write_rows(rows, tmp_path / "breaks_bad.csv")
    assert _message(path, study).startswith(f"{path}, row 6, column 'Q6_2', item 'B1_2': ")


def test_plain_csv_export(study, sample1, positions, tmp_path):
    subset = sample1.iloc[positions]
    path = plain_csv(subset, study.codebook, tmp_path / "plain.csv")
    assert path.read_text().splitlines()[0].startswith("ResponseId,ExternalReference,StartDate")
    pd.testing.assert_frame_equal(_read(path, study, "plain_csv"), _frame(sample1, positions))


def test_sav_subset(study, sample1, positions, tmp_path):
    path = sav(sample1.iloc[positions], study.codebook, tmp_path / "subset.sav")
    pd.testing.assert_frame_equal(_read(path, study, "spss_sav"), _frame(sample1, positions))


def test_multi_select_blank_is_zero_once_the_question_was_reached(study, sample1, tmp_path):
    # Respondent 0 selected nothing at all in the question but answered later items: all 0.
    rows = read_rows(qualtrics_subset([0, 1], tmp_path / "labels.csv"))
    multi = [c for c in rows[0] if c.startswith("Q8_")]
    for name in multi:
        rows[3][col(rows, name)] = ""
    # Respondent 1 stopped inside the question: one choice selected, nothing after it.
    reached = col(rows, multi[2])
    rows[4][reached] = "A dedicated co-production coordinator"
    for position in range(reached + 1, len(rows[4])):
        rows[4][position] = ""
    frame = _read(write_rows(rows, tmp_path / "multi.csv"), study)
    items = [f"S{n}_used" for n in range(1, 11)]
    assert frame.loc[0, items].tolist() == [0] * 10
    assert frame.loc[1, items].tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert frame.loc[1, "R1_exp"] is pd.NA


def test_missing_reasons(study, sample1, positions, tmp_path):
    frame = _read(QUALTRICS, study)
    reasons = missing_reasons(frame, study.codebook)
    assert reasons.shape == (426, len(closed_items(study.codebook)))
    assert list(reasons["B1_1"].cat.categories) == [
        "answered",
        "dont_know",
        "not_applicable",
        "refused",
        "not_asked",
        "skipped",
    ]
    # First response: R1 experienced (managed answered), R2 not (managed not asked), B6_2 = 8.
    assert frame.loc[0, ["R1_exp", "R2_exp", "B6_2"]].tolist() == [1, 0, 8]
    assert reasons.loc[0, ["R1_man", "R2_man", "B6_2"]].tolist() == [
        "answered",
        "not_asked",
        "dont_know",
    ]
    # Response 1: "not applicable" to B2_ov (code 9).
    assert frame.loc[1, "B2_ov"] == 9 and reasons.loc[1, "B2_ov"] == "not_applicable"
    counts = reasons.apply(lambda c: c.value_counts()).sum(axis=1).astype(int).to_dict()
    assert counts["dont_know"] == int(
        sum(frame[i].eq(8).sum() for i in reasons.columns if i != "age_band")
    )
    assert counts["refused"] == int(frame["age_band"].eq(9).sum())
    # The incomplete respondents skipped everything past where they stopped.
    incomplete = sample1.index[sample1["planted"] == "incomplete"]
    assert reasons.loc[incomplete, "PS_1"].eq("skipped").all()
    assert reasons.loc[incomplete, "case"].eq("answered").all()


# ---- errors a user can act on ----------------------------------------------------------------
@pytest.fixture
def rows(tmp_path):
    return read_rows(qualtrics_subset(list(range(10)), tmp_path / "ten.csv"))


def test_unknown_column(study, rows, tmp_path):
    for number, row in enumerate(rows):
        row.append({0: "IPAddress", 1: "IP Address", 2: '{"ImportId":"ipAddress"}'}.get(number, ""))
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}: unknown column 'IPAddress': not an item of the codebook "
        f"{study.codebook.path}, a metadata column ('ResponseId', 'ExternalReference', "
        "'StartDate', 'EndDate', 'Status', 'Progress', 'Duration (in seconds)', 'Finished') "
        "or an item's '_TEXT' column. Remove the column from the export, or add the item it "
        "holds to the codebook."
    )


def test_missing_columns(study, rows, tmp_path):
    drop = {col(rows, "Q6_3"), col(rows, "Finished")}
    rows = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}: missing columns 'Q6_3' (item 'B1_3'), 'Finished' (finished); an export of "
        "this codebook needs every closed item and the metadata columns. Re-export including "
        "all questions and the survey metadata, or check that raw.survey in "
        "config/config.yaml names the right form for this file."
    )


def test_free_text_item_may_be_absent(study, sample1, rows, tmp_path):
    drop = col(rows, "Q16")
    rows = [[v for i, v in enumerate(row) if i != drop] for row in rows]
    frame = _read(write_rows(rows, tmp_path / "x.csv"), study)
    pd.testing.assert_frame_equal(frame, _frame(sample1, list(range(10))))


def test_label_not_in_response_set(study, rows, tmp_path):
    rows[4][col(rows, "Q6_1")] = "Sometimes"
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}, row 5, column 'Q6_1', item 'B1_1': 'Sometimes' is not a label of the "
        "response set 'extent5'; allowed labels: 'Not at all', 'To a small extent', "
        "'To a moderate extent', 'To a great extent', 'To a very great extent', 'Don't know'. "
        f"Export choice text exactly as in {study.codebook.path}, or correct the label in the "
        "codebook."
    )


def test_code_out_of_range(study, rows, tmp_path):
    rows = label_to_code_rows(rows, study.codebook)
    rows[6][col(rows, "Q6_1")] = "7"
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}, row 7, column 'Q6_1', item 'B1_1': code 7 is not a code of the response set "
        f"'extent5' of the codebook {study.codebook.path}; allowed codes: 1, 2, 3, 4, 5; "
        "missing-value codes 8 (Don't know). Check the export's coding against the codebook "
        "(recode values in the survey tool, or correct the codebook)."
    )


def test_yes_no_code_outside_the_response_set_names_the_codebook_entry(study, rows, tmp_path):
    # an export coded 1 = yes, 2 = no read with the codebook's 1/0: stopped, never flipped
    rows = label_to_code_rows(rows, study.codebook)
    rows[5][col(rows, "Q12")] = "2"
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}, row 6, column 'Q12', item 'TR_received': code 2 is not a code of the "
        f"response set 'yes_no' of the codebook {study.codebook.path}; allowed codes: 1 (yes), "
        "0 (no). Check the export's coding against the codebook (recode values in the survey "
        "tool, or correct the codebook)."
    )


def test_sav_yes_no_code_outside_the_response_set(study, sample1, tmp_path):
    responses = sample1.head(6).copy()
    responses.loc[2, "R3_exp"] = 2
    path = sav(responses, study.codebook, tmp_path / "x.sav")
    assert _message(path, study, "spss_sav") == (
        f"{path}, case 3, variable 'R3_exp': code 2 is not a code of the response set "
        f"'yes_no_dk' of the codebook {study.codebook.path}; allowed codes: 1 (yes), 0 (no); "
        "missing-value codes 8 (Don't know). Check the export's coding against the codebook "
        "(recode values in the survey tool, or correct the codebook)."
    )


def test_multi_select_choice_text_becomes_the_declared_yes_code(study, study_copy):
    # selected = 2, not selected = 1: the choice text and the blanks follow the declaration
    path = study_copy / "resources" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    old = (
        "    yes: 1\n    blank: not_selected\n    values:\n      - {code: 1, label: Selected}\n"
        "      - {code: 0, label: Not selected}\n"
    )
    assert old in text
    new = (
        "    yes: 2\n    blank: not_selected\n    values:\n      - {code: 2, label: Selected}\n"
        "      - {code: 1, label: Not selected}\n"
    )
    path.write_text(text.replace(old, new), encoding="utf-8")
    declared = load_study(resource_paths(study_copy))
    bundled = _read(QUALTRICS, study)
    frame = _read(QUALTRICS, declared)
    for item in study.codebook.items_in(measure="used"):
        assert frame[item].equals(bundled[item].map({1: 2, 0: 1}).astype("Int64")), item


def test_text_in_a_code_column(study, rows, tmp_path):
    rows = label_to_code_rows(rows, study.codebook)
    rows[8][col(rows, "Q12")] = "y"
    path = write_rows(rows, tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}, row 9, column 'Q12', item 'TR_received': 'y' is not a code of the response "
        "set 'yes_no'; allowed codes: 1 (yes), 0 (no). Export numeric values or choice text "
        "for the whole column."
    )


def test_repeated_response_id_with_other_answers(study, rows, tmp_path):
    rows[9] = list(rows[5])
    q = col(rows, "Q6_4")
    rows[9][q] = "Not at all" if rows[5][q] != "Not at all" else "To a small extent"
    path = write_rows(rows, tmp_path / "x.csv")
    response_id = rows[5][col(rows, "ResponseId")]
    assert _message(path, study) == (
        f"{path}, row 10, column 'ResponseId': response id '{response_id}' appears again here "
        "with answers that differ from row 6 (first difference: column 'Q6_4' (item 'B2_1')); "
        "each response may appear only once. Keep the right version of the response in the "
        "export and remove the other."
    )


def test_identical_repeated_row_is_dropped_with_a_warning(study, sample1, rows, tmp_path):
    rows.append(list(rows[5]))
    path = write_rows(rows, tmp_path / "x.csv")
    with pytest.warns(DuplicateRowWarning) as caught:
        frame = _read(path, study)
    response_id = rows[5][col(rows, "ResponseId")]
    assert [str(w.message) for w in caught] == [
        f"{path}, row 14: repeats an earlier row exactly (response id '{response_id}'); "
        "the repeat is dropped."
    ]
    pd.testing.assert_frame_equal(frame, _frame(sample1, list(range(10))))


def test_empty_file(study, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert _message(path, study) == (
        f"{path}: the file is empty; expected a Qualtrics export. Re-export the file from the "
        "survey tool (and check that the download completed)."
    )


def test_header_rows_only(study, rows, tmp_path):
    path = write_rows(rows[:3], tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}: the file holds its header rows but no records. Re-export the file from the "
        "survey tool (and check that the download completed)."
    )
    path = write_rows(rows[:2], tmp_path / "y.csv")
    assert _message(path, study) == (
        f"{path}: the file ends after 2 rows; a Qualtrics export has 3 header rows followed by "
        "one row per record. Re-export the file from the survey tool (and check that the "
        "download completed)."
    )


def test_truncated_row(study, rows, tmp_path):
    path = write_rows(rows, tmp_path / "x.csv")
    text = path.read_bytes()
    cut = text.rindex(b"\r\n", 0, len(text) - 2)  # the last record, cut at a field boundary
    last = text[cut:].split(b",")
    path.write_bytes(text[:cut] + b",".join(last[:40]) + b"\r\n")
    assert _message(path, study) == (
        f"{path}, row 13: this row has 40 fields, fewer than the 94 columns of the header; the "
        "file is probably truncated, or a field holds an unquoted comma or line break. "
        "Re-export the file from the survey tool (and check that the download completed)."
    )


def test_unclosed_quote_at_the_end(study, rows, tmp_path):
    path = write_rows(rows, tmp_path / "x.csv")
    path.write_bytes(path.read_bytes() + b'"R_cut,2025-')
    assert _message(path, study) == (
        f"{path}, row 14: cannot be read as CSV from this row on (unexpected end of data): a "
        "quoted field is not closed, so the file is probably truncated. Re-export the file "
        "from the survey tool (and check that the download completed)."
    )


def test_undecodable_encoding(study, rows, tmp_path):
    rows[7][col(rows, "Q16")] = "Caf\u00e9 meetings"
    path = write_rows(rows, tmp_path / "x.csv", bom=False)
    path.write_bytes(path.read_bytes().replace("\u00e9".encode(), "\u00e9".encode("latin-1")))
    assert _message(path, study) == (
        f"{path}: the file is not valid UTF-8: byte 0xe9 on line 8 cannot be decoded (expected "
        "encoding: UTF-8, with or without BOM). Re-export the file from the survey tool as "
        "UTF-8 (in a spreadsheet: Save As 'CSV UTF-8')."
    )


def test_semicolon_separated_file(study, rows, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("\n".join(";".join(row[:8]) for row in rows[:5]), encoding="utf-8")
    assert _message(path, study) == (
        f"{path}, row 1: the header row is one column holding semicolons; the file is separated "
        "by semicolons, expected commas. Re-export the file from the survey tool as "
        "comma-separated CSV (in a spreadsheet: Save As 'CSV UTF-8')."
    )


def test_utf16_file(study, rows, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(write_rows(rows, tmp_path / "y.csv").read_text("utf-8-sig"), "utf-16")
    assert _message(path, study) == (
        f"{path}: the file is UTF-16 encoded; expected UTF-8 (with or without BOM). Re-export "
        "the file from the survey tool as UTF-8 (in a spreadsheet: Save As 'CSV UTF-8')."
    )


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        (
            "StartDate",
            "03/03/2025 10:28",
            "found '03/03/2025 10:28'; expected a date and time as YYYY-MM-DD HH:MM:SS. Export "
            "dates in the survey tool's default format (e.g. 2025-03-03 10:28:15).",
        ),
        (
            "Status",
            "Imported",
            "found 'Imported'; expected a response type of the codebook: 'IP Address' or 0 "
            "(real), 'Survey Preview' or 1 (preview), 'Survey Test' or 2 (test), 'Spam' or 8 "
            "(spam). Correct the export, or add the response type to 'status' in {codebook}.",
        ),
        (
            "Progress",
            "150",
            "found '150'; expected a whole number from 0 to 100 (percent of the questionnaire "
            "reached).",
        ),
        ("Finished", "Yes", "found 'Yes'; expected True or False (or 1 or 0)."),
        (
            "Duration (in seconds)",
            "",
            "found a blank; expected a whole number of seconds (0 or more).",
        ),
        (
            "ResponseId",
            "",
            "the response id is blank; every response needs one. Re-export the file; do not "
            "delete cells from it.",
        ),
    ],
)
def test_bad_metadata(study, rows, tmp_path, column, value, problem):
    rows[5][col(rows, column)] = value
    path = write_rows(rows, tmp_path / "x.csv")
    expected = f"{path}, row 6, column '{column}': " + problem.format(codebook=study.codebook.path)
    assert _message(path, study) == expected


def test_found_personal_data_is_never_echoed(study, rows, tmp_path):
    rows[5][col(rows, "StartDate")] = "jo.bloggs@example.org"
    path = write_rows(rows, tmp_path / "x.csv")
    message = _message(path, study)
    assert "bloggs" not in message
    assert "found a value that looks like personal data (not shown)" in message


def test_plain_csv_given_as_qualtrics(study, rows, tmp_path):
    path = write_rows([rows[0], *rows[3:]], tmp_path / "x.csv")
    assert _message(path, study) == (
        f"{path}, row 3, column 'StartDate': row 3 should hold the ImportId JSON of each column "
        "(the third header row of a Qualtrics export); found '2025-03-03 03:26:49'. Export "
        "with the default three header rows, or set form: plain_csv for this file in "
        "config/config.yaml if it has one header row."
    )


def test_plain_csv_errors_name_spreadsheet_rows(study, sample1, tmp_path):
    path = plain_csv(sample1.head(5), study.codebook, tmp_path / "plain.csv")
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("B1_1")] = "6"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    assert _message(path, study, "plain_csv") == (
        f"{path}, row 2, column 'B1_1': code 6 is not a code of the response set 'extent5' "
        f"of the codebook {study.codebook.path}; allowed codes: 1, 2, 3, 4, 5; missing-value "
        "codes 8 (Don't know). Check the export's coding against the codebook (recode values "
        "in the survey tool, or correct the codebook)."
    )


def test_sav_errors_name_the_case(study, sample1, tmp_path):
    responses = sample1.head(6).copy()
    responses.loc[3, "B1_1"] = 7
    path = sav(responses, study.codebook, tmp_path / "x.sav")
    assert _message(path, study, "spss_sav") == (
        f"{path}, case 4, variable 'B1_1': code 7 is not a code of the response set 'extent5' "
        f"of the codebook {study.codebook.path}; allowed codes: 1, 2, 3, 4, 5; missing-value "
        "codes 8 (Don't know). Check the export's coding against the codebook (recode values "
        "in the survey tool, or correct the codebook)."
    )


def test_sav_value_labels_must_agree_with_the_codebook(study, sample1, tmp_path):
    df, meta = pyreadstat.read_sav(str(SAV), user_missing=True)
    labels = dict(meta.variable_value_labels)
    labels["SK_1"] = {1.0: "Strongly agree", 5.0: "Strongly disagree"}
    path = tmp_path / "x.sav"
    pyreadstat.write_sav(df.head(5), str(path), variable_value_labels=labels)
    assert _message(path, study, "spss_sav") == (
        f"{path}, variable 'SK_1': the file labels code 1 'Strongly agree', the codebook labels "
        "it 'Strongly disagree' (response set 'agree5'); the codes of the export and of the "
        "codebook do not agree. Recode the variable in the survey tool to the codebook's "
        "codes, or correct the codebook."
    )


def test_sav_missing_variable_and_broken_file(study, tmp_path):
    df, meta = pyreadstat.read_sav(str(SAV), user_missing=True)
    path = tmp_path / "x.sav"
    pyreadstat.write_sav(df.drop(columns=["ATT_1"]).head(3), str(path))
    assert _message(path, study, "spss_sav").startswith(
        f"{path}: missing column 'ATT_1'; an export of this codebook needs"
    )
    broken = tmp_path / "broken.sav"
    broken.write_bytes(SAV.read_bytes()[:2000])
    assert re.fullmatch(
        re.escape(f"{broken}: cannot be read as an SPSS .sav file (")
        + ".+"
        + re.escape(
            "); it may be truncated or another format. Re-export the file from the survey tool "
            "as SPSS (.sav), or set its form in config/config.yaml."
        ),
        _message(broken, study, "spss_sav"),
    )


def test_same_response_in_two_samples(study, tmp_path):
    first = qualtrics_subset([0, 1, 2], tmp_path / "a.csv")
    second = qualtrics_subset([3, 2], tmp_path / "b.csv")
    frames = {
        str(path): read_survey_export(path, "qualtrics_csv", study, sample)
        for sample, path in [(1, first), (2, second)]
    }
    response_id = frames[str(first)].loc[2, "response_id"]
    with pytest.raises(StudyInputError) as raised:
        stack_samples(frames, study.codebook)
    assert str(raised.value) == (
        f"{second}, row 5: response id '{response_id}' is also in {first} (row 6); a response "
        "can belong to one sample only. Check that raw.survey in config/config.yaml does not "
        "name the same export twice and that each export holds one sample."
    )


# ---- focus groups ----------------------------------------------------------------------------
def _fg(tmp_path, name, source, row, column, value):
    rows = read_rows(source)
    rows[row - 1][rows[0].index(column)] = value
    return write_rows(rows, tmp_path / name, bom=False)


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        (
            "case",
            "central_city",
            "'central_city' is not in the cases registry {cases}; allowed: 'north_city', "
            "'east_county', 'west_city', 'south_county'. Use the registry's id, or add the "
            "entry to the registry.",
        ),
        (
            "service_class",
            "universal",
            "'universal' is not in the service_classes registry {service_classes}; allowed: "
            "'relational', 'regulatory'. Use the registry's id, or add the entry to the "
            "registry.",
        ),
        (
            "speaker_group",
            "residents",
            "'residents' is not in the stakeholder_groups registry {stakeholder_groups}; "
            "allowed: 'frontline_staff', 'managers', 'politicians', 'service_users', "
            "'community_reps'. Use the registry's id, or add the entry to the registry.",
        ),
        (
            "segment_id",
            "FG01-T001",
            "segment id 'FG01-T001' is already used in row 2; segment ids must be unique. Give "
            "each segment its own id.",
        ),
        (
            "turn",
            "two",
            "found 'two'; expected a whole number (1 or more).",
        ),
        (
            "sample",
            "3",
            "sample 3 is not a sample of the study; the config lists samples 1, 2. Correct the "
            "sample, or add the sample's survey export to raw.survey in config/config.yaml.",
        ),
    ],
)
def test_bad_segment(study, tmp_path, column, value, problem):
    path = _fg(tmp_path, "segments.csv", SEGMENTS, 5, column, value)
    with pytest.raises(StudyInputError) as raised:
        read_focus_group_segments(path, study, [1, 2])
    paths = {key: str(value) for key, value in study.paths.items()}
    assert str(raised.value) == f"{path}, row 5, column '{column}': " + problem.format(**paths)


def test_segment_in_two_focus_groups(study, tmp_path):
    path = _fg(tmp_path, "segments.csv", SEGMENTS, 7, "case", "west_city")
    with pytest.raises(StudyInputError) as raised:
        read_focus_group_segments(path, study)
    assert str(raised.value) == (
        f"{path}, row 7, column 'case': focus group 'FG01' has case 'west_city' here but "
        "'north_city' in its first row; a focus group belongs to one case, sample and service "
        "class. Correct the row, or give the segments of different groups their own "
        "focus_group id."
    )


@pytest.fixture(scope="module")
def segments(study):
    return read_focus_group_segments(SEGMENTS, study)


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        (
            "segment_id",
            "FG99-T001",
            "column 'segment_id': segment 'FG99-T001' is not a segment of the focus-group "
            "segments file. Correct the segment id, or add the segment to the segments file.",
        ),
        (
            "code",
            "bar_weather",
            "column 'code': 'bar_weather' is not a code of the focus-group codebook "
            "{focus_group_codebook}; allowed codes: {codes}. Correct the code, or add it to "
            "the focus-group codebook.",
        ),
    ],
)
def test_bad_coding(study, segments, tmp_path, column, value, problem):
    path = _fg(tmp_path, "codings.csv", CODINGS, 9, column, value)
    with pytest.raises(StudyInputError) as raised:
        read_focus_group_codings(path, study, segments)
    codes = ", ".join(study.focus_group_codes.index)
    fb = study.paths["focus_group_codebook"]
    assert str(raised.value) == f"{path}, row 9, " + problem.format(
        focus_group_codebook=fb, codes=codes
    )


def test_repeated_coding_row(study, segments, tmp_path):
    rows = read_rows(CODINGS)
    rows.insert(6, list(rows[2]))
    path = write_rows(rows, tmp_path / "codings.csv", bom=False)
    with pytest.raises(StudyInputError) as raised:
        read_focus_group_codings(path, study, segments)
    assert str(raised.value) == (
        f"{path}, row 7: this coding (segment 'FG01-T002', coder 'coder_1', code "
        "'str_peer_support') repeats row 3; a coder applies a code to a segment once. Remove "
        "the repeated row."
    )


def test_focus_group_file_without_a_column(study, tmp_path):
    rows = [row[:-1] for row in read_rows(SEGMENTS)]
    path = write_rows(rows, tmp_path / "segments.csv", bom=False)
    with pytest.raises(StudyInputError) as raised:
        read_focus_group_segments(path, study)
    assert str(raised.value) == (
        f"{path}, row 1: missing column 'text'; a focus-group segments file needs the columns "
        "'segment_id', 'focus_group', 'case', 'sample', 'service_class', 'turn', 'speaker', "
        "'speaker_group', 'text'. Add the column(s) to the file's header row."
    )


# ---- malformed files never raise anything but StudyInputError --------------------------------
HEAD = read_rows(QUALTRICS)[:9]


def _mutate(data, rows):
    kind = data.draw(st.sampled_from(["bytes", "truncate", "headers", "labels", "fields"]))
    if kind == "bytes":
        return data.draw(st.binary(max_size=400))
    rows = [list(row) for row in rows]
    if kind == "headers":
        header = rows[0]
        if data.draw(st.booleans()):
            header[:] = data.draw(st.permutations(header))
        else:
            i, j = data.draw(st.tuples(st.integers(0, 93), st.integers(0, 93)))
            header[i] = header[j]
    elif kind == "labels":
        for _ in range(data.draw(st.integers(1, 5))):
            row = data.draw(st.integers(0, len(rows) - 1))
            column = data.draw(st.integers(0, len(rows[row]) - 1))
            rows[row][column] = data.draw(st.text(max_size=12))
    elif kind == "fields":
        row = data.draw(st.integers(0, len(rows) - 1))
        del rows[row][data.draw(st.integers(0, len(rows[row]) - 1)) :]
    text = "\r\n".join(",".join(f'"{v}"' if "," in v else v for v in row) for row in rows)
    encoded = ("\ufeff" + text).encode("utf-8", errors="surrogatepass")
    if kind == "truncate":
        encoded = encoded[: data.draw(st.integers(0, len(encoded)))]
    return encoded


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_malformed_qualtrics_files_raise_only_study_input_errors(study, tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_mutate(data, HEAD))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DuplicateRowWarning)
        with contextlib.suppress(StudyInputError):  # anything else fails the test
            read_survey_export(path, "qualtrics_csv", study, 1)


def test_paths_are_reported_as_given(study, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("relative.csv").write_bytes(b"")
    assert _message("relative.csv", study).startswith("relative.csv: the file is empty")


# ---- the workflow: a malformed export stops the run and leaves no survey output ---------------
@pytest.mark.workflow
def test_workflow_stops_on_a_malformed_export(study_copy):
    path = study_copy / "resources" / "raw" / "survey_sample1.csv"
    rows = read_rows(path)
    rows[11][col(rows, "Q6_5")] = "Quite a lot"
    write_rows(rows, path)
    result = run(study_copy)  # stops within seconds, at the malformed file
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert (
        "resources/raw/survey_sample1.csv, row 12, column 'Q6_5', item 'B2_2': 'Quite a lot' is "
        "not a label of the response set 'extent5'; allowed labels: 'Not at all'"
    ) in output, output
    assert "Error in rule ingest_survey" in output, output
    ingest = study_copy / "results" / "ingest"
    assert not list(ingest.glob("survey*.parquet"))
    assert not (study_copy / "results" / "clean").exists()
    # the screen passed (the label is no personal data) and ran first
    assert (study_copy / "results" / "screening" / "anonymity_screen.csv").exists()
