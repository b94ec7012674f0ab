"""The anonymity screen: personal data in any text column stops the run, and is never shown."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from coprod.raw.personal_data import Screen, deny_list_from_entries, load_deny_list
from coprod.raw.screen import Hit, PersonalDataError, check_anonymity
from tests.conftest import REPO, run
from tests.fixtures.raw import CODINGS, QUALTRICS, SAV, SEGMENTS, col, read_rows, write_rows

DENY_LIST = REPO / "resources" / "deny_list.txt"
EXPORTS = [
    {"path": str(QUALTRICS), "form": "qualtrics_csv"},
    {"path": str(SAV), "form": "spss_sav"},
]
# One planted example per kind (and format), with fragments that must never be shown.
PLANTED = [
    ("email", "write to jo.bloggs@example.org", ["bloggs", "example.org"]),
    ("url", "see https://www.example.org/jo-bloggs", ["bloggs", "example.org"]),
    ("url", "on facebook.com/jo.bloggs.77", ["bloggs", "facebook"]),
    ("ip_address", "from 192.168.14.27 at home", ["192.168", "14.27"]),
    ("ip_address", "router 2001:db8:85a3::8a2e:370:7334", ["2001:db8", "7334"]),
    ("phone", "call 07700 900123", ["07700", "900123"]),
    ("phone", "ring (020) 7946 0958", ["7946", "0958"]),
    ("phone", "office +44 (0)161 496 0000", ["+44", "496"]),
    ("phone", "abroad +1 (555) 123-4567", ["555", "4567"]),
    ("phone", "mobile 0033 6 12 34 56 78", ["0033", "56 78"]),
    ("uk_postcode", "lives near SW1A 2AA now", ["SW1A", "2AA"]),
    ("uk_postcode", "postcode m1 1ae", ["m1 1ae"]),
    ("deny_list", "ask jane EXAMPLE about it", ["jane", "EXAMPLE"]),
    ("deny_list", "the Borchester group", ["Borchester"]),
]
NOT_PERSONAL = [
    "2025-03-03 10:28:15",  # a Qualtrics date and time
    "10:28:15",  # a time is not an IPv6 address
    "03/03/2025, 3.3.2025",  # dates are not phone numbers
    "IP Address",  # the Qualtrics response type of a real response
    "R_7Abm3YRSbV2OZ53",  # a response id
    "P21187",  # a respondent token
    "FG01-T001 S6",  # a segment id and a speaker
    "we met 12 times in 2024, 1,000,000 pounds, 20000000 pounds, 12.5% of 300",
    "see Q1 2nd item, ratio 1:2:3, section 3.2.1, e.g. a::b",
    "Borchesters and Jane Examples",  # deny-list entries match whole words only
    "In our experience, lack of trust mattered a lot.",
]


@pytest.fixture(scope="module")
def screen():
    return Screen(deny_list=load_deny_list(DENY_LIST))


@pytest.mark.parametrize(("kind", "text", "fragments"), PLANTED)
def test_each_kind_is_found(screen, kind, text, fragments):
    assert [found.kind for found in screen.find(text)] == [kind]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_no_false_positives(screen, text):
    assert screen.find(text) == []


def test_kinds_can_be_switched_off_and_deny_list_reports_its_line():
    text = "call 07700 900123 or ask Jane Example"
    assert [f.kind for f in Screen(["phone"]).find(text)] == ["phone"]
    screen = Screen(["deny_list"], deny_list_from_entries(["# people", "", "Jane Example"], "d"))
    assert [(f.kind, f.detail) for f in screen.find(text)] == [("deny_list", "line 3 of d")]
    with pytest.raises(ValueError, match="unknown kind"):
        Screen(["names"])


def test_bundled_data_pass_the_screen(study):
    summary = check_anonymity(
        EXPORTS, SEGMENTS, CODINGS, study.codebook, kinds=None, deny_list=DENY_LIST
    )
    summary["file"] = summary["file"].map(lambda p: p.rsplit("/", 1)[-1])
    assert summary.to_dict("records") == [
        _row("survey_sample1.csv", "ResponseId", "string_metadata", 426),
        _row("survey_sample1.csv", "ExternalReference", "string_metadata", 426),
        _row("survey_sample1.csv", "Q16", "free_text", 426),
        _row("survey_sample2.sav", "ResponseId", "string_metadata", 445),
        _row("survey_sample2.sav", "ExternalReference", "string_metadata", 445),
        _row("survey_sample2.sav", "comment", "free_text", 445),
        _row("focus_group_segments.csv", "segment_id", "string_metadata", 921),
        _row("focus_group_segments.csv", "focus_group", "string_metadata", 921),
        _row("focus_group_segments.csv", "speaker", "string_metadata", 921),
        _row("focus_group_segments.csv", "text", "free_text", 921),
        _row("focus_group_codings.csv", "segment_id", "string_metadata", 3156),
        _row("focus_group_codings.csv", "coder", "string_metadata", 3156),
    ]


def _row(file, column, content, rows):
    return {"file": file, "column": column, "content": content, "rows_screened": rows, "hits": 0}


def _raises(study, exports, segments=SEGMENTS, codings=CODINGS, **kwargs) -> PersonalDataError:
    kwargs.setdefault("deny_list", DENY_LIST)
    with pytest.raises(PersonalDataError) as raised:
        check_anonymity(exports, segments, codings, study.codebook, **kwargs)
    return raised.value


def _header(file, hits):
    return (
        f"{file}: the anonymity screen found possible personal data in the raw files "
        f"({hits}); nothing reads the raw data until they are clean:\n"
    )


FIX = (
    "Remove or replace each one in the raw file (e.g. write '[email]'). If a hit is not "
    "personal data, reword it, or turn its kind off under screening.kinds in "
    "config/config.yaml."
)
LABEL = {
    "email": "email address",
    "url": "web address",
    "ip_address": "IP address",
    "phone": "phone number",
    "uk_postcode": "UK postcode",
    "deny_list": "name or place on the deny-list",
}


@pytest.mark.parametrize(("kind", "text", "fragments"), PLANTED)
def test_planted_in_a_survey_comment(study, tmp_path, kind, text, fragments):
    rows = read_rows(QUALTRICS)
    rows[20][col(rows, "Q16")] = f"Thanks. {text}."  # record 18: spreadsheet row 21
    path = write_rows(rows, tmp_path / "survey_sample1.csv")
    error = _raises(study, [{"path": str(path), "form": "qualtrics_csv"}])
    detail = ""
    if kind == "deny_list":
        line = 15 if "jane" in text else 10
        detail = f" (line {line} of {DENY_LIST})"
    assert error.hits == [
        Hit(str(path), "row 21", "'Q16' (item 'comment')", kind, detail.strip(" ()"))
    ]
    assert str(error) == (
        _header(path, "1 hit")
        + f"  - {path}, row 21, column 'Q16' (item 'comment'): {LABEL[kind]}{detail}\n"
        + FIX
    )
    for fragment in [text, *fragments]:
        assert fragment not in str(error)


@pytest.mark.parametrize(("kind", "text", "fragments"), PLANTED)
def test_planted_in_a_focus_group_turn(study, tmp_path, kind, text, fragments):
    rows = read_rows(SEGMENTS)
    rows[7][rows[0].index("text")] = f"I think {text} - anyway."
    path = write_rows(rows, tmp_path / "focus_group_segments.csv", bom=False)
    error = _raises(study, EXPORTS, segments=path)
    assert [(h.file, h.where, h.column, h.kind) for h in error.hits] == [
        (str(path), "row 8", "'text'", kind)
    ]
    assert f"  - {path}, row 8, column 'text': {LABEL[kind]}" in str(error)
    for fragment in [text, *fragments]:
        assert fragment not in str(error)


def test_other_text_unknown_and_token_columns_are_screened(study, tmp_path):
    rows = read_rows(QUALTRICS)
    where = col(rows, "Q3") + 1
    for number, row in enumerate(rows):
        header = {0: "Q3_6_TEXT", 1: "Other", 2: '{"ImportId":"QID3_6_TEXT"}'}
        row.insert(where, header.get(number, "ring 07700 900123" if number == 5 else ""))
        header = {0: "RecipientEmail", 1: "Recipient Email", 2: '{"ImportId":"email"}'}
        row.append(header.get(number, "a.person@example.org" if number == 8 else ""))
    rows[9][col(rows, "ExternalReference")] = "jo@example.org"
    path = write_rows(rows, tmp_path / "survey.csv")
    error = _raises(study, [{"path": str(path), "form": "qualtrics_csv"}])
    assert [(h.where, h.column, h.kind) for h in error.hits] == [
        ("row 10", "'ExternalReference'", "email"),
        ("row 6", "'Q3_6_TEXT'", "phone"),
        ("row 9", "'RecipientEmail'", "email"),
    ]
    assert "example.org" not in str(error) and "900123" not in str(error)


def test_sav_string_variables_are_screened(study, tmp_path):
    frame, meta = pyreadstat.read_sav(str(SAV), user_missing=True)
    frame.loc[4, "comment"] = "my number is +44 7700 900123"
    path = tmp_path / "survey_sample2.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels=meta.variable_value_labels)
    error = _raises(study, [{"path": str(path), "form": "spss_sav"}])
    assert str(error) == (
        _header(path, "1 hit") + f"  - {path}, case 5, column 'comment': phone number\n" + FIX
    )


def test_codings_coder_names_are_screened(study, tmp_path):
    rows = read_rows(CODINGS)
    rows[3][1] = "John Example"
    path = write_rows(rows, tmp_path / "codings.csv", bom=False)
    error = _raises(study, EXPORTS, codings=path)
    assert [(h.where, h.column, h.kind) for h in error.hits] == [("row 4", "'coder'", "deny_list")]
    assert "John" not in str(error)


def test_the_list_is_capped(study, tmp_path):
    rows = read_rows(SEGMENTS)
    for number in range(2, 27):
        rows[number][rows[0].index("text")] = f"mail me: person{number}@example.org"
    path = write_rows(rows, tmp_path / "segments.csv", bom=False)
    error = _raises(study, EXPORTS, segments=path, max_listed=20)
    lines = str(error).splitlines()
    assert lines[0] == _header(path, "25 hits").rstrip("\n")
    assert len(lines) == 1 + 20 + 2
    assert lines[20] == f"  - {path}, row 22, column 'text': email address"
    assert lines[21] == "  ... and 5 more."
    assert "example.org" not in str(error)


def test_switched_off_kind_is_not_screened(study, tmp_path):
    rows = read_rows(SEGMENTS)
    rows[7][rows[0].index("text")] = "call 07700 900123"
    path = write_rows(rows, tmp_path / "segments.csv", bom=False)
    kinds = ["email", "url", "ip_address", "uk_postcode", "deny_list"]
    summary = check_anonymity(EXPORTS, path, CODINGS, study.codebook, kinds=kinds)
    assert summary["hits"].sum() == 0


def test_missing_deny_list(study, tmp_path):
    with pytest.raises(Exception, match="file not found. Check screening.deny_list"):
        check_anonymity(EXPORTS, SEGMENTS, CODINGS, study.codebook, deny_list=tmp_path / "no.txt")


# ---- the workflow: the screen runs first and stops everything --------------------------------
@pytest.mark.workflow
def test_workflow_stops_before_reading_raw_data(study_copy):
    planted = "jo.bloggs@example.org"
    path = study_copy / "resources" / "raw" / "survey_sample1.csv"
    rows = read_rows(path)
    rows[30][col(rows, "Q16")] = f"Contact me on {planted} please"
    write_rows(rows, path)
    result = run(study_copy)  # stops within seconds, at the screen
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "resources/raw/survey_sample1.csv, row 31, column 'Q16' (item 'comment'): email address"
        in output
    ), output.replace(planted, "<planted>")
    assert "Error in rule screen_anonymity" in output, output.replace(planted, "<planted>")
    assert not (study_copy / "results" / "ingest").exists()
    assert not (study_copy / "results" / "screening" / "anonymity_screen.csv").exists()
    log = (study_copy / "logs" / "ingest" / "screen_anonymity.log").read_text()
    for text in (output, log):
        assert planted not in text and "bloggs" not in text


@pytest.mark.workflow
def test_screen_summary_holds_no_personal_data(study_run):
    summary = pd.read_csv(study_run / "results" / "screening" / "anonymity_screen.csv")
    assert list(summary.columns) == ["file", "column", "content", "rows_screened", "hits"]
    assert summary["hits"].eq(0).all() and len(summary) == 12
    assert set(summary["column"]) == {
        "ResponseId",
        "ExternalReference",
        "Q16",
        "comment",
        "segment_id",
        "focus_group",
        "speaker",
        "text",
        "coder",
    }
