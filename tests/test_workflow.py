"""The workflow end to end, run as a user runs it (Snakemake in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


def test_runs_from_another_working_directory(study_copy):
    result = run(study_copy)
    assert result.returncode == 0, result.stderr
    assert (study_copy / "results" / "resources" / "instrument.csv").exists()
    assert not (REPO / "results" / "resources" / "never").exists()


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
