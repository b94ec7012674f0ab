"""The workflow end to end, run as a user runs it (Snakemake in a subprocess)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

pytestmark = pytest.mark.workflow
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), "--cores", "2", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _reduced_study(folder: Path) -> Path:
    """A copy of the study with fewer bootstrap resamples: the same DAG, faster."""
    shutil.copytree(REPO / "config", folder / "config")
    shutil.copytree(REPO / "resources", folder / "resources")
    path = folder / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["reliability"]["n_boot"] = 200
    config["intercoder"]["n_boot"] = 200
    config["compare"].update({"n_mc": 1000, "ordinal": False})
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """The whole study, run in another working directory than the repository."""
    work = _reduced_study(tmp_path_factory.mktemp("first_run"))
    result = run(work)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return work


def test_runs_from_another_working_directory(full_run):
    manifest = (full_run / "results" / "MANIFEST.sha256").read_text().splitlines()
    paths = [line.split("  ", 1)[1] for line in manifest]
    tables = [p for p in paths if p.startswith("results/exhibits/tables/")]
    figures = [p for p in paths if p.startswith("results/exhibits/figures/")]
    assert len([p for p in tables if p.endswith(".csv")]) >= 12
    assert len([p for p in figures if p.endswith(".png")]) == 7
    assert all((full_run / p).exists() for p in paths)
    assert (full_run / "results" / "exhibits" / "numbers.tex").exists()
    assert (full_run / "results" / "provenance" / "versions.txt").exists()
    assert not (full_run / "results" / "ingest" / "comment").exists()


def test_two_clean_runs_give_the_same_manifest(full_run, tmp_path):
    second = _reduced_study(tmp_path)
    result = run(second)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    first = (full_run / "results" / "MANIFEST.sha256").read_text()
    assert (second / "results" / "MANIFEST.sha256").read_text() == first
    manifest = full_run / "results" / "MANIFEST.sha256"
    check = subprocess.run(
        [sys.executable, "-m", "coprod.provenance", "check", str(manifest)],
        cwd=second,
        capture_output=True,
        text=True,
        check=False,
    )
    total = len(first.splitlines())
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-1] == f"{total} of {total} files identical to {manifest}"


def test_report_holds_every_exhibit_with_its_caption(full_run):
    result = run(full_run, "--report", "results/report.html")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (full_run / "results" / "report.html").read_text(encoding="utf-8")
    for name in (
        "table01_sample_composition",
        "table08_service_classes",
        "figure1_barrier_items",
        "figure7_data_quality_flow",
        "versions.txt",
        "config.yaml",
    ):
        assert name in html, name


def test_no_op_rerun_does_nothing(full_run):
    result = run(full_run, "--dry-run")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_simulate_target_regenerates_the_bundled_study(study_copy):
    result = run(study_copy, "simulate")
    assert result.returncode == 0, result.stderr
    bundled = sorted((REPO / "resources" / "raw").iterdir())
    assert bundled, "resources/raw/ is empty"
    for path in bundled:
        regenerated = study_copy / "results" / "synthetic" / path.name
        assert regenerated.read_bytes() == path.read_bytes(), f"{path.name} differs"


def test_broken_config_stops_with_schema_message(study_copy):
    config = study_copy / "config" / "config.yaml"
    config.write_text(config.read_text().replace("form: spss_sav", "form: stata_dta"))
    result = run(study_copy, "--dry-run")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "'stata_dta' is not one of ['qualtrics_csv', 'spss_sav', 'plain_csv']" in output
