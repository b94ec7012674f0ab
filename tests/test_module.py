"""The workflow as another study's Snakemake module: the config reference, the catalog's
file, the study scaffold, and a study run from its own folder through the module."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from coprod.config_checks import check_config
from coprod.config_docs import schema_keys, undocumented_keys
from coprod.errors import StudyInputError
from coprod.resources import load_study
from coprod.scaffold import main, scaffold
from coprod.vocabulary import RESOURCE_KEYS
from tests.conftest import REPO, SNAKEFILE, output, reduced_study, run

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
TEMPLATE_FILES = [
    "README.md",
    "config/config.yaml",
    "resources/cases.csv",
    "resources/codebook.yaml",
    "resources/deny_list.txt",
    "resources/focus_group_codebook.yaml",
    "resources/raw/README.md",
    "resources/service_classes.csv",
    "resources/services.csv",
    "resources/stakeholder_groups.csv",
    "workflow/Snakefile",
    "workflow/profiles/default/config.yaml",
]
RAW_KEYS = {
    "raw.survey[0].path": "resources/raw/survey_sample1.csv",
    "raw.focus_group_segments": "resources/raw/focus_group_segments.csv",
    "raw.focus_group_codings": "resources/raw/focus_group_codings.csv",
}


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# ---- what the catalog expects --------------------------------------------------------------


def test_every_config_key_has_a_description_and_a_row_in_config_readme():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    assert undocumented_keys(schema) == []
    page = (REPO / "config" / "README.md").read_text(encoding="utf-8")
    rows = [key.path for key in schema_keys(schema) if f"| `{key.path}` |" not in page]
    assert rows == []
    assert len(list(schema_keys(schema))) > 200


def test_a_key_without_description_is_found():
    schema = {
        "properties": {
            "a": {"type": "object", "description": "A.", "properties": {"b": {"type": "string"}}},
            "m": {
                "type": "object",
                "description": "M.",
                "additionalProperties": {"properties": {"c": {"type": "number"}}},
            },
        }
    }
    assert undocumented_keys(schema) == ["a.b", "m.<name>.c"]


def test_the_catalog_file_declares_the_usage_and_the_standard_layout_exists():
    catalog = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())
    usage = catalog["usage"]
    assert set(usage) == {"mandatory-flags", "software-stack-deployment", "report"}
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    assert usage["software-stack-deployment"] == {
        "conda": True,
        "apptainer": False,
        "apptainer+conda": False,
    }
    assert usage["report"] is True
    assert SNAKEFILE == REPO / "workflow" / "Snakefile" and SNAKEFILE.is_file()
    assert "environment.yml" in (REPO / "workflow" / "rules" / "common.smk").read_text()
    assert "-e ." not in (REPO / "environment.yml").read_text()


# ---- the scaffold ----------------------------------------------------------------------------


def test_scaffold_writes_the_template_naming_this_workflow(tmp_path):
    folder = scaffold(tmp_path / "study")
    assert files(folder) == TEMPLATE_FILES
    assert list((folder / "resources" / "raw").iterdir()) == [folder / "resources/raw/README.md"]
    snakefile = (folder / "workflow" / "Snakefile").read_text(encoding="utf-8")
    assert f'        "{SNAKEFILE.as_posix()}"\n' in snakefile
    assert "use rule * from coprod\n" in snakefile
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "{" not in snakefile.replace("{item", "") and "{repository}" not in readme


def test_scaffold_writes_into_no_folder_that_holds_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StudyInputError) as raised:
        scaffold(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path}: is not empty; a study folder is written only into a new or empty "
        "folder. Choose a new folder name."
    )
    assert main([str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"{raised.value}\n"
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(StudyInputError, match="the workflow's Snakefile is not there"):
        scaffold(tmp_path / "new", workflow=tmp_path / "Snakefile")


def test_the_template_resources_pass_the_resource_checks(tmp_path):
    folder = scaffold(tmp_path / "study")
    config = yaml.safe_load((folder / "config" / "config.yaml").read_text(encoding="utf-8"))
    study = load_study({key: folder / config["resources"][key] for key in RESOURCE_KEYS})
    assert list(study.codebook.scores.index) == [
        "barrier_example_met",
        "barrier_example_overcome",
        "strategy_example_used",
        "risk_example_experienced",
        "risk_example_managed",
        "staff_skills_level",
        "training_received",
        "success_level",
    ]
    assert {*config["compare"]["staff"]["predictors"], "success_level"} <= {
        *study.codebook.scores.index
    }


def test_the_template_config_passes_its_checks_once_the_exports_are_there(tmp_path):
    folder = scaffold(tmp_path / "study")
    config = yaml.safe_load((folder / "config" / "config.yaml").read_text(encoding="utf-8"))
    validate(config, str(SCHEMA))
    listed = "; ".join(f"{key}: '{path}' (not found)" for key, path in RAW_KEYS.items())
    message = (
        f"config/config.yaml: 3 input file(s) cannot be read (from {folder}): {listed}. Fix "
        "the path in the config, or put a readable file there; a run reads nothing before "
        "every input is found."
    )
    with pytest.raises(ValueError) as raised:
        check_config(config, root=folder)
    assert str(raised.value) == message
    for path in RAW_KEYS.values():
        (folder / path).touch()
    check_config(config, root=folder)


def test_an_unfilled_study_stops_before_any_job_naming_the_missing_exports(tmp_path):
    folder = scaffold(tmp_path / "study")
    result = run(folder, "--dry-run", snakefile=folder / "workflow" / "Snakefile")
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"config/config.yaml: 3 input file(s) cannot be read (from {folder}): " in said, said
    assert "raw.survey[0].path: 'resources/raw/survey_sample1.csv' (not found)" in said
    assert not (folder / "results").exists()


# ---- a study run through the module ----------------------------------------------------------


def repository_files() -> dict[str, int]:
    """Every file of the repository (but git's and Python's caches) with its mtime."""
    skip = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    return {
        str(path.relative_to(REPO)): path.stat().st_mtime_ns
        for path in REPO.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(REPO).parts)
    }


@pytest.mark.workflow
def test_a_study_folder_runs_the_workflow_as_a_module(study_run, tmp_path):
    before = repository_files()
    folder = scaffold(tmp_path / "study")
    # Filled with the bundled study (reduced as the session run is): its config, its
    # resources and raw exports and its manuscript in place of the template's.
    reduced_study(tmp_path / "bundled")
    for part in ("config", "resources", "manuscript"):
        shutil.copytree(tmp_path / "bundled" / part, folder / part, dirs_exist_ok=True)
    # A coprod that fails on import stands where an installed library would be found: the
    # run passes only if the workflow and every job import the library beside the workflow.
    decoy = tmp_path / "site" / "coprod"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text('raise ImportError("an installed coprod was imported")\n')
    env = {**os.environ, "PYTHONPATH": str(decoy.parent), "PYTHONDONTWRITEBYTECODE": "1"}

    result = run(folder, snakefile=folder / "workflow" / "Snakefile", env=env)
    assert result.returncode == 0, output(result)

    manifest = (folder / "results" / "MANIFEST.sha256").read_text()
    assert manifest == (study_run / "results" / "MANIFEST.sha256").read_text()
    for name in ("exhibits/numbers.json", "exhibits/numbers.tex", "clean/flow.csv"):
        assert (folder / "results" / name).read_bytes() == (
            study_run / "results" / name
        ).read_bytes(), name
    tables = sorted((study_run / "results" / "exhibits" / "tables").iterdir())
    assert len(tables) > 40
    for table in tables:
        assert (folder / "results" / "exhibits" / "tables" / table.name).read_bytes() == (
            table.read_bytes()
        ), table.name
    assert repository_files() == before


def test_every_workflow_script_imports_the_library_beside_it():
    header = 'sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))'
    scripts = sorted((REPO / "workflow" / "scripts").glob("*.py"))
    assert scripts
    assert [script.name for script in scripts if header not in script.read_text()] == []
