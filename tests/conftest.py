"""Shared fixtures: the repository's own study resources and synthetic model, and one
session-scoped Snakemake run of a reduced copy of the study that every workflow test reads.

Workflow tests never read the repository's own ``results/``: they read ``study_run`` (the
default target, run once per session in a temporary folder), or a copy of it made with
:func:`copy_run` when they change a config value or a file and run Snakemake again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from coprod.resources import Study, load_study
from coprod.vocabulary import RESOURCE_KEYS

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "workflow" / "Snakefile"

# Property tests draw the same examples on every run, so a CI failure reproduces
# on a laptop; HYPOTHESIS_PROFILE=explore draws new ones.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

# The settings the session run reduces (the same DAG, faster). What the workflow tests
# assert does not depend on them: counts, flags and point estimates are the same as in
# the full-size study; only bootstrap CIs and Monte Carlo p values are less precise, and
# the proportional-odds robustness models are left out.
REDUCED = {
    ("reliability", "n_boot"): 200,
    ("intercoder", "n_boot"): 200,
    ("compare", "n_mc"): 1000,
    ("compare", "ordinal"): False,
}


def resource_paths(root: Path = REPO) -> dict[str, Path]:
    with open(root / "config" / "config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    return {key: root / config["resources"][key] for key in RESOURCE_KEYS}


def run(
    workdir: Path, *args: str, snakefile: Path = SNAKEFILE, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Snakemake in a subprocess, as a user runs it, on the study in ``workdir``."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile)]
        + ["--directory", str(workdir), "--cores", "2", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def output(result: subprocess.CompletedProcess, tail: int = 3000) -> str:
    """The end of a run's stdout and stderr, for an assertion's message."""
    return result.stdout[-tail:] + result.stderr[-tail:]


def copy_study(folder: Path) -> Path:
    """``folder`` with a copy of the study's config, resources and manuscript."""
    shutil.copytree(REPO / "config", folder / "config")
    shutil.copytree(REPO / "resources", folder / "resources")
    shutil.copytree(REPO / "manuscript", folder / "manuscript")
    return folder


def reduced_study(folder: Path) -> Path:
    """A copy of the study with the ``REDUCED`` settings."""
    copy_study(folder)
    path = folder / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for (section, key), value in REDUCED.items():
        config[section][key] = value
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


def copy_run(source: Path, destination: Path) -> Path:
    """A copy of a finished run (mtimes and Snakemake's ``.snakemake/`` records kept), in
    which a test may change the config or a file and run Snakemake again."""
    shutil.copytree(source, destination, symlinks=True)
    return destination


@pytest.fixture(scope="session")
def study_run(tmp_path_factory) -> Path:
    """The reduced study, run once through the default target (every exhibit) in a folder
    of its own. Read it; to run Snakemake again, use ``run_copy`` (or :func:`copy_run`)."""
    work = reduced_study(tmp_path_factory.mktemp("study_run"))
    result = run(work)
    assert result.returncode == 0, output(result)
    return work


@pytest.fixture
def run_copy(study_run: Path, tmp_path: Path) -> Path:
    """A copy of the session run, for a test that changes it and runs Snakemake again."""
    return copy_run(study_run, tmp_path / "run")


@pytest.fixture(scope="session")
def study() -> Study:
    return load_study(resource_paths())


@pytest.fixture(scope="session")
def model() -> dict:
    with open(REPO / "resources" / "synthetic" / "model.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def config() -> dict:
    """The bundled study's config, as written (tests must not change it in place)."""
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def truth() -> dict:
    """What the generator planted in the bundled study (``resources/raw/truth.json``)."""
    return json.loads((REPO / "resources" / "raw" / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def synthetic(study, model):
    """The bundled study drawn again. The responses do not depend on the population draw,
    which comes last, so a small one (1,000) leaves them as bundled."""
    from coprod.synthetic.study import generate

    return generate(study, {**model, "population_size": 1000})


@pytest.fixture
def study_copy(tmp_path: Path) -> Path:
    """A working directory with a copy of the study's config and resources (for runs that
    stop on bad input, or targets outside the default one)."""
    return copy_study(tmp_path)
