"""The study run from REFI-QDA projects: the bundled study's .qdpx form gives the same
focus-group tables, byte for byte, as its CSV form; and a project written by another
program (qc's demo, with a derived second coder) gives the intercoder-reliability table
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

from coprod.qda.project import read_project
from tests.conftest import REPO, copy_study, output, run

pytestmark = pytest.mark.workflow

TABLES = [
    "results/ingest/focus_group_segments.parquet",
    "results/ingest/focus_group_codings.parquet",
    "results/reliability/intercoder_reliability.parquet",
    "results/reliability/consensus_codes.parquet",
    "results/reliability/consensus_coding.qdpx",
]
QC = REPO / "tests" / "data" / "qdpx" / "qc_demo"
NS = {"q": "urn:QDA-XML:project:1.0"}
QC_TURN = r"^(?P<speaker>[A-Za-z][\w .-]{0,40}?):[ \t]{2,}"


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


def _turn_codes(project: Path, code_path: str) -> set[int]:
    """The turns (numbers) a project's selections of one code overlap, counted here
    from the XML and the text without the library."""
    with zipfile.ZipFile(project) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
        (source,) = [s for s in root.iterfind(".//q:TextSource", NS)
                     if s.get("plainTextPath") == "board_2017.txt"]  # fmt: skip
        text = archive.read("sources/board_2017.txt").decode("utf-8")
    guids = {}

    def walk(element, prefix):
        for code in element.findall("q:Code", NS):
            path = f"{prefix}/{code.get('name')}".lstrip("/")
            guids[path] = code.get("guid")
            walk(code, path)

    walk(root.find("q:CodeBook/q:Codes", NS), "")
    labels = list(re.finditer(QC_TURN, text, flags=re.MULTILINE))
    spans = []
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        body = text[label.end() : stop]
        start = label.end() + len(body) - len(body.lstrip())
        spans.append((start, label.end() + len(body.rstrip())))
    turns = set()
    for selection in source.iterfind("q:PlainTextSelection", NS):
        refs = [ref.get("targetGUID") for ref in selection.iterfind(".//q:CodeRef", NS)]
        if guids[code_path] not in refs:
            continue
        a, b = int(selection.get("startPosition")), int(selection.get("endPosition"))
        turns |= {n for n, (s, e) in enumerate(spans, start=1) if min(b, e) > max(a, s)}
    return turns


def test_a_qda_tools_export_gives_the_intercoder_table(tmp_path):
    folder = copy_study(tmp_path / "study")
    shutil.copytree(QC, folder / "qc")
    settings = {
        "raw": {
            "focus_group_form": "qdpx",
            "focus_group_qdpx": {
                "projects": ["qc/demo.qdpx", "qc/demo_second_coder.qdpx"],
                "mapping": "qc/mapping.yaml",
                "source_metadata": "mapping",
                "turn_pattern": QC_TURN,
            },
        },
        # the demo's uncoded interview names two web sites: the screen would stop the run
        "screening": {"kinds": ["email", "ip_address", "phone", "uk_postcode", "deny_list"]},
    }
    run_tables(folder, overlay(folder, settings))
    assert read_project(QC / "demo.qdpx").sources[0].name == "board_2017"
    table = pd.read_parquet(folder / "results/reliability/intercoder_reliability.parquet")
    row = table.set_index("code").loc["risk_inequality"]
    first = _turn_codes(QC / "demo.qdpx", "rq1_definition/rationales/equity")
    second = _turn_codes(QC / "demo_second_coder.qdpx", "rq1_definition/rationales/equity")
    assert (len(first), len(second), len(first ^ second)) == (11, 10, 1)
    assert (row["n_units"], row["n_coders"]) == (131, 2)
    assert row["percent_agreement"] == pytest.approx(1 - len(first ^ second) / 131)
    report = pd.read_csv(folder / "results/ingest/focus_group_qda_report.csv")
    assert report.loc[report["kind"] == "source", "name"].tolist() == ["admin-1"]
    assert "rq2_curriculum_and_instruction/pedagogy/fun" in report["name"].tolist()
    log = (folder / "logs/ingest/ingest_focus_groups.log").read_text(encoding="utf-8")
    assert "not mapped: code 'rq2_curriculum_and_instruction/pedagogy/fun' (9 coding(s)" in log
