"""The validation study on a real (single-node) SLURM cluster gives the local run's results.

Starts a cluster on localhost with Debian's slurm-wlm and munge (installed when
missing), runs the `validation` target through snakemake-executor-plugin-slurm
with the repository's profile (workflow/profiles/slurm), runs the same target
locally, and compares every result file byte for byte. Needs root; skips with
the reason elsewhere, but never in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import slurm_cluster
from tests.conftest import REPO, SNAKEFILE

pytestmark = pytest.mark.workflow

SMALL_VALIDATION = {
    "n_replicates": 2,
    "replicates_per_job": 1,
    "population_size": 5000,
    "respondents_per_case_sample": 30,
}


def _small_study(study_copy: Path, name: str) -> Path:
    """A working directory sharing the study's resources, with a small validation config."""
    work = study_copy / name
    (work / "config").mkdir(parents=True)
    (work / "resources").symlink_to(study_copy / "resources")
    config = yaml.safe_load((study_copy / "config" / "config.yaml").read_text())
    config["validation"].update(SMALL_VALIDATION)
    (work / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return work


def _run(work: Path, *args: str) -> str:
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE)]
    command += ["--directory", str(work), *args, "validation"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout + result.stderr


def _result_files(work: Path) -> list[Path]:
    return sorted(p.relative_to(work) for p in (work / "results").rglob("*") if p.is_file())


def test_validation_on_slurm_matches_the_local_run(study_copy, tmp_path):
    reason = slurm_cluster.why_not_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the SLURM test, but: {reason}")
        pytest.skip(reason)
    slurm_cluster.install()
    slurm_cluster.start(tmp_path / "slurm")
    try:
        on_cluster = _small_study(study_copy, "cluster")
        output = _run(on_cluster, "--profile", str(REPO / "workflow" / "profiles" / "slurm"))
        squeue = subprocess.run(["squeue", "--noheader"], capture_output=True, text=True)
        assert squeue.returncode == 0 and squeue.stdout.strip() == ""  # every job finished
    finally:
        slurm_cluster.stop()
    submitted = output.count("has been submitted with SLURM jobid")
    assert submitted >= 6, f"only {submitted} jobs went through SLURM:\n{output[-3000:]}"
    local = _small_study(study_copy, "local")
    _run(local, "--cores", "2")
    cluster_files = _result_files(on_cluster)
    local_files = _result_files(local)
    assert cluster_files == local_files
    assert any(p.name == "summary.csv" for p in local_files)
    for relative in local_files:
        assert (on_cluster / relative).read_bytes() == (local / relative).read_bytes(), relative
