"""REFI-QDA projects (.qdpx) in and out: positions as the specification counts them, the
turns and mapping, every bad input's message, and the round trips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from coprod.errors import StudyInputError
from coprod.qda.export import compose_transcripts, consensus_project
from coprod.qda.project import QdpxError, read_project, schema_errors
from coprod.qda.turns import (
    DEFAULT_TURN_PATTERN,
    focus_group_tables,
    load_mapping,
    split_turns,
)
from coprod.raw.focus_groups import read_focus_groups
from coprod.raw.screen import PersonalDataError, check_anonymity
from coprod.synthetic.writers import write_qda_projects
from tests.conftest import REPO

RAW = REPO / "resources" / "raw"
QC = REPO / "tests" / "data" / "qdpx" / "qc_demo"
QC_TWO = REPO / "tests" / "data" / "qdpx" / "qc_two_coders" / "qc_two_coders.qdpx"
U1, U2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
CODE, SOURCE = "33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444"
SEL = "55555555-5555-5555-5555-5555555555{:02d}"
HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '


def qde(selections: str, text_source: str, users: str = "", codes: str = "") -> str:
    """A project.qde with users, a codebook (one folder, one code), one text source."""
    users = users or f'<User guid="{U1}" name="Ann"/><User guid="{U2}" name="Bob"/>'
    codes = codes or (
        f'<Code guid="{"6" * 8}-6666-6666-6666-{"6" * 12}" name="Barriers" isCodable="false">'
        f'<Code guid="{CODE}" name="Trust" isCodable="true"/></Code>'
    )
    return (
        f'{HEAD}name="t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:project:1.0 http://example.invalid/Project.xsd">'
        f"<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook>"
        f'<Sources><TextSource guid="{SOURCE}" name="FG01_north_city_1_relational" '
        f"{text_source}{selections}</TextSource></Sources></Project>"
    )


def selection(number: int, start: int, end: int, user: str = U1, code: str = CODE) -> str:
    return (
        f'<PlainTextSelection guid="{SEL.format(number)}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{user}"><Coding guid="{SEL.format(number + 50)}" '
        f'creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def qdpx(path: Path, project: str | None, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        if project is not None:
            archive.writestr("project.qde", project.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.yaml"
    content = {
        "coders": {"Ann": "coder_1", "Bob": "coder_2"},
        "codes": {"Barriers/Trust": "bar_trust"},
        "participants": {"*": {"Ana": "managers", "Ben": "service_users"}},
    }
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


BY_NAME = {
    "source_metadata": "name",
    "source_name_pattern": r"(?P<focus_group>FG\d+)_(?P<case>[a-z_]+?)_(?P<sample>\d)_"
    r"(?P<service_class>[a-z]+)",
}


def tables(study, paths, mapping, **settings):
    projects = [read_project(path) for path in paths]
    loaded = load_mapping(mapping, study)
    return focus_group_tables(projects, loaded, study, {**BY_NAME, **settings}, [1, 2])


# ---- positions: code points, CR LF as two, a file's BOM dropped ---------------------------

# "Ana" says something with an emoji (one code point, two UTF-16 units) and a CR LF line
# end (two code points); Ben's turn follows.
TEXT = "Ana: Trust 🙂 broke.\r\nBen: We met.\r\n"
BEN = TEXT.index("We met")


def test_positions_count_code_points_and_crlf_from_an_internal_file(tmp_path, study, mapping):
    assert (TEXT.index("broke"), BEN) == (13, 26)  # the emoji counts once, CR LF twice
    selections = selection(1, 5, 12) + selection(2, 26, 32, U2) + selection(3, 5, 10, U2)
    source = 'plainTextPath="internal://a.txt">'
    path = qdpx(
        tmp_path / "p.qdpx",
        qde(selections, source),
        {"sources/a.txt": b"\xef\xbb\xbf" + TEXT.encode("utf-8")},
    )
    project = read_project(path)
    assert project.sources[0].text == TEXT  # BOM dropped, CR LF kept
    result = tables(study, [path], mapping)
    assert result.segments[["segment_id", "speaker", "speaker_group"]].values.tolist() == [
        ["FG01-T001", "Ana", "managers"],
        ["FG01-T002", "Ben", "service_users"],
    ]
    assert result.codings.values.tolist() == [
        ["FG01-T001", "coder_1", "bar_trust"],
        ["FG01-T001", "coder_2", "bar_trust"],
        ["FG01-T002", "coder_2", "bar_trust"],
    ]
    assert result.segments.dtypes.astype(str).tolist() == [
        "str", "str", "str", "int64", "str", "int64", "str", "str"
    ]  # fmt: skip


def test_inline_text_and_min_overlap(tmp_path, study, mapping):
    inline = "Ana: One.\nBen: Two.\n"
    # Ann's selection ends one character into Ben's turn ("T" of "Two"); Bob codes Ana.
    selections = selection(1, 5, 16) + selection(2, 5, 9, U2)
    source = f"><PlainTextContent>{inline}</PlainTextContent>"
    path = qdpx(tmp_path / "p.qdpx", qde(selections, source))
    one = tables(study, [path], mapping).codings
    assert one["segment_id"].tolist() == ["FG01-T001", "FG01-T001", "FG01-T002"]
    two = tables(study, [path], mapping, min_overlap=2, coders_per_source=1).codings
    assert two["segment_id"].tolist() == ["FG01-T001", "FG01-T001"]


def test_turns_default_pattern_and_speaker_group_from_the_label():
    turns = split_turns("Meeting notes\nS1: Hi.\n  more\nS2:  Bye.", DEFAULT_TURN_PATTERN)
    assert [(t.number, t.speaker, t.start, t.end) for t in turns] == [
        (1, "S1", 18, 28),
        (2, "S2", 34, 38),
    ]
    pattern = r"^(?P<speaker>\w+) \((?P<speaker_group>\w+)\): "
    (turn,) = split_turns("Jo (managers): Yes.", pattern)
    assert (turn.speaker, turn.group, turn.start) == ("Jo", "managers", 15)


# ---- several projects: one per coder, matched by name and checksum ---------------------------


def test_one_project_per_coder(tmp_path, study, mapping):
    inline = "><PlainTextContent>Ana: One.\nBen: Two.\n</PlainTextContent>"
    ann = qdpx(tmp_path / "ann.qdpx", qde(selection(1, 5, 9), inline,
                                           users=f'<User guid="{U1}" name="Ann"/>'))  # fmt: skip
    bob = qdpx(tmp_path / "bob.qdpx", qde(selection(2, 15, 19, U2), inline,
                                           users=f'<User guid="{U2}" name="Bob"/>'))  # fmt: skip
    result = tables(study, [ann, bob], mapping)
    assert result.codings.values.tolist() == [
        ["FG01-T001", "coder_1", "bar_trust"],
        ["FG01-T002", "coder_2", "bar_trust"],
    ]
    other = "><PlainTextContent>Ana: One.\nBen: Too.\n</PlainTextContent>"
    changed = qdpx(tmp_path / "bob2.qdpx", qde(selection(2, 15, 19, U2), other))
    with pytest.raises(QdpxError) as error:
        tables(study, [ann, changed], mapping)
    assert str(error.value) == (
        f"{changed}, TextSource 'FG01_north_city_1_relational': the source's text differs "
        f"from the source of the same name in {ann} (SHA-256 27642002b1b4... against "
        "e04ff538e35b...); every coder must code the same transcript. Export every coder's "
        "project from the same transcripts."
    )


# ---- projects written by qc (tests/data/qdpx/): what another program writes is read ---------


def test_qc_two_coders_in_one_project(study):
    """qc 1.7.8 puts both users in one project, codes whole lines (a selection ends after
    the line's newline) and gives the codings of every user of a line one selection."""
    with zipfile.ZipFile(QC_TWO) as archive:
        assert schema_errors(archive.read("project.qde")) == []
    project = read_project(QC_TWO)
    assert sorted(project.users.values()) == ["qc_coder_1", "qc_coder_2"]
    (source,) = project.sources
    assert (source.name, len(source.text)) == ("focus_group_riverside.txt", 1057)
    per_user = pd.Series([project.users[c.user] for c in source.codings]).value_counts()
    assert per_user.to_dict() == {"qc_coder_1": 13, "qc_coder_2": 9}
    shared = [c for c in source.codings if c.start == 336]
    assert sorted((project.users[c.user], project.codes[c.code].path) for c in shared) == [
        ("qc_coder_1", "barriers/short_term_funding"),
        ("qc_coder_1", "risks/inequality"),
        ("qc_coder_2", "risks/inequality"),
    ]
    assert source.text[336:417] == (
        "We cut the evening café to save costs, and that hurt the families who work days.\n"
    )
    loaded = load_mapping(QC_TWO.parent / "mapping.yaml", study)
    result = focus_group_tables([project], loaded, study, {"source_metadata": "mapping"}, [1])
    codings = result.codings[result.codings["code"] == "str_codesign"]
    assert codings.values.tolist() == [
        ["focus_group_riverside.txt-T002", "coder_a", "str_codesign"],
        ["focus_group_riverside.txt-T002", "coder_b", "str_codesign"],
        ["focus_group_riverside.txt-T009", "coder_b", "str_codesign"],
    ]
    assert result.unmapped.values.tolist() == [["code", "barriers/staff_turnover", 2, str(QC_TWO)]]


def test_qc_demo_one_coder_bare_text_paths():
    """qc 1.3.2's demo names its text files by a bare plainTextPath and its sources by
    no name: the names come from the file names."""
    project = read_project(QC / "demo.qdpx")
    assert list(project.users.values()) == ["cp"]
    assert [s.name for s in project.sources] == ["board_2017", "admin-1"]
    assert [len(s.codings) for s in project.sources] == [205, 0]
    assert len(project.codes) == 262


# ---- unmapped users and codes are listed, never dropped in silence --------------------------


def test_unmapped_users_and_codes_are_reported(tmp_path, study, mapping):
    other = "77777777-7777-7777-7777-777777777777"
    codes = (
        f'<Code guid="{"6" * 8}-6666-6666-6666-{"6" * 12}" name="Barriers" isCodable="false">'
        f'<Code guid="{CODE}" name="Trust" isCodable="true"/>'
        f'<Code guid="{other}" name="Weather" isCodable="true"/></Code>'
    )
    carol = "88888888-8888-8888-8888-888888888888"
    users = f'<User guid="{U1}" name="Ann"/><User guid="{U2}" name="Bob"/>'
    users += f'<User guid="{carol}" name="Carol"/>'
    selections = (
        selection(1, 5, 9) + selection(2, 5, 9, U2) + selection(3, 5, 9, code=other)
        + selection(4, 15, 19, carol)
        + f'<Coding guid="{SEL.format(99)}" creatingUser="{U1}"><CodeRef targetGUID="{CODE}"/>'
        + "</Coding>"
    )  # fmt: skip
    inline = "><PlainTextContent>Ana: One.\nBen: Two.\n</PlainTextContent>"
    path = qdpx(tmp_path / "p.qdpx", qde(selections, inline, users, codes))
    result = tables(study, [path], mapping)
    assert result.unmapped.values.tolist() == [
        ["coding of the whole source (no selection)", "FG01_north_city_1_relational", 1,
         str(path)],
        ["code", "Barriers/Weather", 1, str(path)],
        ["user", "Carol", 1, str(path)],
    ]  # fmt: skip
    assert len(result.codings) == 2


# ---- every bad input gets its message ---------------------------------------------------------


def message(tmp_path, study, mapping, paths) -> str:
    with pytest.raises(StudyInputError) as error:
        tables(study, paths, mapping)
    return str(error.value)


def test_not_a_zip(tmp_path, study, mapping):
    path = tmp_path / "p.qdpx"
    path.write_text("not a zip", encoding="utf-8")
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}: the file is not a zip archive; a .qdpx project is a zip holding project.qde "
        "and a sources/ folder. Export the project from the QDA software as a REFI-QDA "
        "project (.qdpx)."
    )


def test_no_project_qde(tmp_path, study, mapping):
    path = qdpx(tmp_path / "p.qdpx", None, {"sources/a.txt": b"x"})
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}: the archive holds no project.qde (it has: sources/a.txt). Export the project "
        "from the QDA software as a REFI-QDA project (.qdpx)."
    )


def test_invalid_against_the_schema(tmp_path, study, mapping):
    bad = qde("", "><PlainTextContent>Ana: x</PlainTextContent>").replace(' isCodable="true"', "")
    path = qdpx(tmp_path / "p.qdpx", bad)
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}: project.qde does not validate against the REFI-QDA schema (Project.xsd): "
        "missing required attribute 'isCodable' (element /Project/CodeBook/Codes/Code/Code). "
        "Export the project again from the QDA software."
    )


def test_not_well_formed(tmp_path, study, mapping):
    path = qdpx(tmp_path / "p.qdpx", HEAD + ">")
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}: project.qde is not well-formed XML (invalid XML syntax: no element found: "
        "line 2, column 42). Export the project again from the QDA software."
    )


def test_selection_outside_the_text(tmp_path, study, mapping):
    path = qdpx(
        tmp_path / "p.qdpx",
        qde(selection(1, 5, 40), "><PlainTextContent>Ana: One.</PlainTextContent>"),
    )
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, PlainTextSelection (guid 55555555-5555-5555-5555-555555555501) of "
        f"TextSource 'FG01_north_city_1_relational' (guid {SOURCE}): the selection runs from "
        "position 5 to 40, outside its source's text (9 characters, positions 0 to 9). Check "
        "that the source's text is the one the project was coded on."
    )


def test_coding_to_no_code(tmp_path, study, mapping):
    nowhere = "99999999-9999-9999-9999-999999999999"
    path = qdpx(
        tmp_path / "p.qdpx",
        qde(selection(1, 5, 8, code=nowhere), "><PlainTextContent>Ana: One.</PlainTextContent>"),
    )
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, Coding (guid 55555555-5555-5555-5555-555555555551) of PlainTextSelection "
        "(guid 55555555-5555-5555-5555-555555555501) of TextSource "
        f"'FG01_north_city_1_relational' (guid {SOURCE}): the coding points to code {nowhere}, "
        "which is not in the project's codebook. Export the project again with its whole "
        "codebook."
    )


def test_source_coded_by_one_coder(tmp_path, study, mapping):
    path = qdpx(
        tmp_path / "p.qdpx",
        qde(selection(1, 5, 8), "><PlainTextContent>Ana: One.</PlainTextContent>"),
    )
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational': the source is coded by 1 coder "
        "(coder_1); intercoder reliability needs every source coded by at least 2 "
        "(raw.focus_group_qdpx.coders_per_source). Add the other coders' projects to "
        "raw.focus_group_qdpx.projects, or map their users in the mapping file."
    )


def test_no_turn_found(tmp_path, study, mapping):
    path = qdpx(tmp_path / "p.qdpx", qde("", "><PlainTextContent>no labels</PlainTextContent>"))
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational': the turn pattern "
        f"'{DEFAULT_TURN_PATTERN}' (raw.focus_group_qdpx.turn_pattern) finds no speaker turn "
        "in the source's text. Set the pattern to match the speaker labels of the transcripts "
        "(a named group 'speaker', at the start of a line)."
    )


def test_speaker_without_group(tmp_path, study, mapping):
    path = qdpx(tmp_path / "p.qdpx", qde("", "><PlainTextContent>Cy: Hi.</PlainTextContent>"))
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational', turn 1: speaker 'Cy' has no "
        "stakeholder group: the turn pattern gives none and the mapping file "
        f"{mapping} lists none under participants 'FG01' or '*'. Add the speaker to the "
        "mapping file's participants."
    )


def test_text_file_missing_or_outside(tmp_path, study, mapping):
    path = qdpx(tmp_path / "p.qdpx", qde("", 'plainTextPath="internal://gone.txt">'))
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational' (guid {SOURCE}): plainTextPath "
        "'internal://gone.txt' names no file in the archive's sources/ folder. Export the "
        "project again with its sources embedded."
    )
    path = qdpx(tmp_path / "q.qdpx", qde("", 'plainTextPath="absolute:///etc/hosts">'))
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational' (guid {SOURCE}): plainTextPath "
        "'absolute:///etc/hosts' points outside the project archive; only text inside the "
        ".qdpx is read. Export the project with its sources embedded (internal://)."
    )


def test_mapping_to_an_unknown_code(tmp_path, study):
    path = tmp_path / "mapping.yaml"
    path.write_text("coders: {Ann: a}\ncodes: {Trust: no_such_code}\n", encoding="utf-8")
    with pytest.raises(StudyInputError) as error:
        load_mapping(path, study)
    assert str(error.value).startswith(
        f"{path}, codes: 'Trust': 'no_such_code' is not a code of the focus-group codebook; "
        "allowed: 'bar_risk_aversion', "
    )


# ---- the bundled study: its .qdpx form, the generator, the round trips ----------------------


def bundled(study):
    projects = [read_project(RAW / f"focus_groups_coder_{n}.qdpx") for n in (1, 2)]
    mapping = load_mapping(RAW / "focus_group_qda_mapping.yaml", study)
    return focus_group_tables(projects, mapping, study, {"source_metadata": "variables"}, [1, 2])


def test_bundled_projects_give_the_csv_tables(study):
    segments, codings = read_focus_groups(
        RAW / "focus_group_segments.csv", RAW / "focus_group_codings.csv", study, [1, 2]
    )
    result = bundled(study)
    pd.testing.assert_frame_equal(result.segments, segments)
    pd.testing.assert_frame_equal(result.codings, codings)
    assert result.unmapped.empty
    assert (len(result.segments), len(result.codings)) == (921, 3156)


def test_generator_writes_the_bundled_projects(study, tmp_path):
    """records -> .qdpx -> records: the committed projects are what the generator writes
    from the committed records, and they read back to the same records (above)."""
    segments = pd.read_csv(RAW / "focus_group_segments.csv", dtype=str, keep_default_na=False)
    codings = pd.read_csv(RAW / "focus_group_codings.csv", dtype=str)
    written = write_qda_projects(segments, codings, study, tmp_path)
    for path in written:
        assert path.read_bytes() == (RAW / path.name).read_bytes(), path.name


def test_consensus_export_validates_and_reads_back(study, tmp_path):
    result = bundled(study)
    consensus = result.segments.copy()
    codes = list(study.focus_group_codes.index)
    both = result.codings.groupby(["segment_id", "code"]).size().eq(2)
    agreed = both[both].reset_index()[["segment_id", "code"]]
    for code in codes:
        consensus[code] = (
            consensus["segment_id"]
            .isin(agreed.loc[agreed["code"] == code, "segment_id"])
            .astype("int64")
        )
    data = consensus_project(result.transcripts, result.turn_of, consensus,
                             study.focus_group_codes)  # fmt: skip
    path = tmp_path / "consensus.qdpx"
    path.write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert schema_errors(archive.read("project.qde")) == []
    mapping = tmp_path / "m.yaml"
    source = yaml.safe_load((RAW / "focus_group_qda_mapping.yaml").read_text(encoding="utf-8"))
    mapping.write_text(yaml.safe_dump({**source, "coders": {"consensus": "consensus"}}))
    back = focus_group_tables(
        [read_project(path)],
        load_mapping(mapping, study),
        study,
        {"source_metadata": "variables", "coders_per_source": 1},
        [1, 2],
    )
    expected = agreed.assign(order=agreed["code"].map(codes.index))
    expected = expected.merge(result.segments[["segment_id"]].reset_index(), on="segment_id")
    expected = expected.sort_values(["index", "order"])
    assert back.codings["segment_id"].tolist() == expected["segment_id"].tolist()
    assert back.codings["code"].tolist() == expected["code"].tolist()
    assert len(back.codings) == 1353


def test_compose_transcripts_puts_each_turn_on_its_line():
    segments = pd.DataFrame(
        {
            "segment_id": ["A-1", "A-2"],
            "focus_group": ["A", "A"],
            "case": ["c", "c"],
            "sample": ["1", "1"],
            "service_class": ["r", "r"],
            "speaker": ["S1", "S2"],
            "speaker_group": ["g", "h"],
            "text": ["Élan.", "Yes 🙂."],
        }
    )
    (transcript,), turn_of = compose_transcripts(segments)
    assert transcript.text == "S1: Élan.\nS2: Yes 🙂.\n"
    assert [(t.start, t.end) for t in transcript.turns] == [(4, 9), (14, 20)]
    assert turn_of == {"A-1": ("A", 1), "A-2": ("A", 2)}


# ---- the personal-data screen reads the transcripts first -----------------------------------


def test_screen_reads_the_project_texts(study):
    with pytest.raises(PersonalDataError) as error:
        check_anonymity([], None, None, study.codebook, projects=[QC / "demo.qdpx"])
    assert str(error.value).splitlines()[:3] == [
        f"{QC / 'demo.qdpx'}: the anonymity screen found possible personal data in the raw "
        "files (2 hits); nothing reads the raw data until they are clean:",
        f"  - {QC / 'demo.qdpx'}, source 'admin-1' line 187, column 'text': web address",
        f"  - {QC / 'demo.qdpx'}, source 'admin-1' line 192, column 'text': web address",
    ]
    summary = check_anonymity(
        [], None, None, study.codebook, projects=[RAW / "focus_groups_coder_1.qdpx"]
    )
    assert summary[["column", "rows_screened", "hits"]].values.tolist() == [
        ["source text", 16, 0],
        ["source name", 16, 0],
    ]


def test_config_names_the_projects_as_inputs_in_the_qdpx_form(config):
    from coprod.config_checks import input_files

    raw = {**config["raw"], "focus_group_form": "qdpx"}
    named = input_files({**config, "raw": raw})
    assert {key: value for key, value in named.items() if key.startswith("raw.focus")} == {
        "raw.focus_group_qdpx.projects[0]": "resources/raw/focus_groups_coder_1.qdpx",
        "raw.focus_group_qdpx.projects[1]": "resources/raw/focus_groups_coder_2.qdpx",
        "raw.focus_group_qdpx.mapping": "resources/raw/focus_group_qda_mapping.yaml",
    }


def test_coding_without_a_user_in_a_project_of_two(tmp_path, study, mapping):
    anonymous = selection(1, 5, 8).replace(f' creatingUser="{U1}"', "")
    path = qdpx(
        tmp_path / "p.qdpx", qde(anonymous, "><PlainTextContent>Ana: One.</PlainTextContent>")
    )
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, Coding (guid 55555555-5555-5555-5555-555555555551) of PlainTextSelection "
        "(guid 55555555-5555-5555-5555-555555555501): the coding names no creatingUser (nor "
        "does its selection), and the project has 2 users, so it cannot be given to a coder. "
        "Export the project with the user of each coding."
    )


def test_text_file_not_utf8(tmp_path, study, mapping):
    path = qdpx(
        tmp_path / "p.qdpx",
        qde("", 'plainTextPath="internal://a.txt">'),
        {"sources/a.txt": "Ana: Größe".encode("latin-1")},
    )
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_north_city_1_relational' (guid {SOURCE}): sources/a.txt is "
        "not UTF-8 text (invalid start byte at byte 7); REFI-QDA plain-text sources are UTF-8. "
        "Export the project again, or re-save the text as UTF-8."
    )


def test_source_metadata_errors(tmp_path, study, mapping):
    inline = "><PlainTextContent>Ana: One.</PlainTextContent>"
    renamed = qde("", inline).replace("FG01_north_city_1_relational", "FG01_nowhere_1_relational")
    path = qdpx(tmp_path / "p.qdpx", renamed)
    assert message(tmp_path, study, mapping, [path]) == (
        f"{path}, TextSource 'FG01_nowhere_1_relational': the source's case 'nowhere' is not "
        "in the cases registry; allowed: 'north_city', 'east_county', 'west_city', "
        "'south_county'. Use the registry's id, or add the entry to the registry."
    )
    odd = qdpx(tmp_path / "q.qdpx", qde("", inline).replace('name="FG01_north', 'name="Group'))
    with pytest.raises(QdpxError) as error:
        tables(study, [odd], mapping)
    assert "the source's name does not match raw.focus_group_qdpx.source_name_pattern" in str(
        error.value
    )
    path = qdpx(tmp_path / "r.qdpx", qde("", inline))
    with pytest.raises(QdpxError) as error:
        tables(study, [path], mapping, source_metadata="variables")
    assert str(error.value) == (
        f"{path}, TextSource 'FG01_north_city_1_relational': the source's case is unknown: the "
        "project gives the source (or its case) no variable 'case' "
        "(raw.focus_group_qdpx.source_metadata is 'variables'). Give the source its case, "
        "sample and service class as config says (docs/qda.md)."
    )
