"""The study run from REFI-QDA projects: the bundled study's .qdpx form gives the same
focus-group tables, byte for byte, as its CSV form; and a project written by another
program (qc, two coders in one project) gives the intercoder-reliability table
of its codings."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
import yaml

from tests.conftest import REPO, copy_study, output, run

pytestmark = pytest.mark.workflow

TABLES = [
    "results/ingest/focus_group_segments.parquet",
    "results/ingest/focus_group_codings.parquet",
    "results/reliability/intercoder_reliability.parquet",
    "results/reliability/consensus_codes.parquet",
    "results/reliability/consensus_coding.qdpx",
]
QC = REPO / "tests" / "data" / "qdpx" / "qc_two_coders"
NS = {"q": "urn:QDA-XML:project:1.0"}
TURN = r"^(?P<speaker>[^\s:][^:\n]{0,60}?):[ \t]+"  # the config's default turn pattern


def overlay(folder: Path, settings: dict) -> Path:
    path = folder / "overlay.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def run_tables(folder: Path, *overlays: Path) -> None:
    config = ["--configfile", str(folder / "config" / "config.yaml"), *map(str, overlays)]
    result = run(folder, *TABLES, *config)
    assert result.returncode == 0, output(result)


def test_bundled_study_from_qdpx_gives_the_same_tables(tmp_path):
    csv = copy_study(tmp_path / "csv")
    run_tables(csv)
    qdpx = copy_study(tmp_path / "qdpx")
    run_tables(qdpx, overlay(qdpx, {"raw": {"focus_group_form": "qdpx"}}))
    for table in TABLES:
        assert (qdpx / table).read_bytes() == (csv / table).read_bytes(), table
    report = pd.read_csv(qdpx / "results/ingest/focus_group_qda_report.csv")
    assert report.empty and list(report.columns) == ["kind", "name", "codings", "where"]
    screened = pd.read_csv(qdpx / "results/screening/anonymity_screen.csv")
    assert screened["file"].str.endswith(".qdpx").sum() == 4


def _turn_codes(project: Path, user: str, code_path: str) -> set[int]:
    """The turns (numbers) that one user's selections of one code overlap, counted here
    from the project's XML and text without the library."""
    with zipfile.ZipFile(project) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
        (source,) = root.iterfind(".//q:TextSource", NS)
        path = source.get("plainTextPath").removeprefix("internal://")
        text = archive.read(f"sources/{path}").decode("utf-8")
    (user_guid,) = [u.get("guid") for u in root.iterfind(".//q:User", NS) if u.get("name") == user]
    guids = {}

    def walk(element, prefix):
        for code in element.findall("q:Code", NS):
            path = f"{prefix}/{code.get('name')}".lstrip("/")
            guids[path] = code.get("guid")
            walk(code, path)

    walk(root.find("q:CodeBook/q:Codes", NS), "")
    labels = list(re.finditer(TURN, text, flags=re.MULTILINE))
    spans = []
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        body = text[label.end() : stop]
        start = label.end() + len(body) - len(body.lstrip())
        spans.append((start, label.end() + len(body.rstrip())))
    turns = set()
    for selection in source.iterfind("q:PlainTextSelection", NS):
        codings = [
            c for c in selection.iterfind("q:Coding", NS) if c.get("creatingUser") == user_guid
        ]
        refs = [ref.get("targetGUID") for c in codings for ref in c.iterfind("q:CodeRef", NS)]
        if guids[code_path] not in refs:
            continue
        a, b = int(selection.get("startPosition")), int(selection.get("endPosition"))
        turns |= {n for n, (s, e) in enumerate(spans, start=1) if min(b, e) > max(a, s)}
    return turns


# The study's code -> qc's code (tests/data/qdpx/qc_two_coders/mapping.yaml), and the
# turns each coder gave it, as make_qc_two_coders.sh codes the transcript's lines.
AGREEMENT = {
    "risk_inequality": ("risks/inequality", {3, 5, 11}, {3, 5}),
    "str_codesign": ("strengths/codesign", {2}, {2, 9}),
    "str_staff_training": ("strengths/training", {6, 7}, {6}),
    "bar_short_term_savings": ("barriers/short_term_funding", {3}, {3}),
    "str_coordinator": ("strengths/coordinator", {10}, {10}),
}


def test_a_qda_tools_two_coder_export_gives_the_intercoder_table(tmp_path):
    """qc 1.7.8 wrote this project: two users in one project, both coding the same
    lines (their codings share a selection), turns of two lines coded on each line."""
    folder = copy_study(tmp_path / "study")
    shutil.copytree(QC, folder / "qc")
    settings = {
        "raw": {
            "focus_group_form": "qdpx",
            "focus_group_qdpx": {
                "projects": ["qc/qc_two_coders.qdpx"],
                "mapping": "qc/mapping.yaml",
                "source_metadata": "mapping",
            },
        },
    }
    run_tables(folder, overlay(folder, settings))
    table = pd.read_parquet(folder / "results/reliability/intercoder_reliability.parquet")
    table = table.set_index("code")
    project = QC / "qc_two_coders.qdpx"
    for code, (qc_code, first, second) in AGREEMENT.items():
        assert _turn_codes(project, "qc_coder_1", qc_code) == first, code
        assert _turn_codes(project, "qc_coder_2", qc_code) == second, code
        row = table.loc[code]
        assert (row["n_units"], row["n_coders"]) == (11, 2), code
        assert row["percent_agreement"] == pytest.approx(1 - len(first ^ second) / 11), code
    segments = pd.read_parquet(folder / "results/ingest/focus_group_segments.parquet")
    assert len(segments) == 11
    report = pd.read_csv(folder / "results/ingest/focus_group_qda_report.csv")
    assert report[["kind", "name", "codings"]].values.tolist() == [
        ["code", "barriers/staff_turnover", 2]
    ]
    log = (folder / "logs/ingest/ingest_focus_groups.log").read_text(encoding="utf-8")
    assert "not mapped: code 'barriers/staff_turnover' (2 coding(s)" in log
