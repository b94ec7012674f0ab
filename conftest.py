"""The namespace of the library's docstring examples (pytest --doctest-modules).

The examples of ``src/coprod`` run against the bundled study, as a reader would at the
repository's root: ``study`` (its resources), ``config`` (config/config.yaml), ``model``
(the synthetic model) and ``responses`` (sample 1's export, ingested), with the
repository as the working directory so that the paths they name resolve.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def _bundled_study() -> dict:
    from coprod.raw.survey import read_survey_export
    from coprod.resources import load_study

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: ROOT / path for key, path in config["resources"].items()})
    model_path = ROOT / config["synthetic"]["model"]
    export = config["raw"]["survey"][0]
    responses = read_survey_export(
        ROOT / export["path"], export["form"], study, sample=export["sample"]
    )
    return {
        "study": study,
        "config": config,
        "model": yaml.safe_load(model_path.read_text(encoding="utf-8")),
        "responses": responses,
    }


@pytest.fixture(autouse=True)
def _doctest_namespace(request, doctest_namespace, monkeypatch):
    if isinstance(request.node, pytest.DoctestItem):
        doctest_namespace.update(request.getfixturevalue("_bundled_study"))
        monkeypatch.chdir(ROOT)
