"""Shared fixtures: the repository's own study resources and synthetic model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from coprod.resources import Study, load_study
from coprod.vocabulary import RESOURCE_KEYS

REPO = Path(__file__).resolve().parents[1]

# Property tests draw the same examples on every run, so a CI failure reproduces
# on a laptop; HYPOTHESIS_PROFILE=explore draws new ones.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def resource_paths(root: Path = REPO) -> dict[str, Path]:
    with open(root / "config" / "config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    return {key: root / config["resources"][key] for key in RESOURCE_KEYS}


@pytest.fixture(scope="session")
def study() -> Study:
    return load_study(resource_paths())


@pytest.fixture(scope="session")
def model() -> dict:
    with open(REPO / "resources" / "synthetic" / "model.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture
def study_copy(tmp_path: Path) -> Path:
    """A working directory with a copy of the study's config and resources."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    shutil.copytree(REPO / "resources", tmp_path / "resources")
    return tmp_path
