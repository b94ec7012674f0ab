"""The shape of the code, checked on the source: sizes, import layers, the registry and
the pages generated from it, and the library inputs that keep reruns exact."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from coprod import architecture
from coprod.imports import SOURCE, library_files, library_modules
from coprod.jobs import resolve
from coprod.registry import WORK, jobs, priorities
from tests.conftest import REPO, SNAKEFILE

LARGEST_MODULE = 600


def test_no_module_is_over_600_lines():
    sizes = {
        str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SOURCE.rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n >= LARGEST_MODULE} == {}


def test_no_two_modules_import_each_other():
    assert architecture.import_cycles() == []


def test_every_module_imports_only_from_its_layer_or_above():
    assert architecture.layer_violations(architecture.LAYERS) == []


def test_a_cycle_and_a_layer_violation_are_found(monkeypatch):
    graph = {"coprod.a": {"coprod.b"}, "coprod.b": {"coprod.c"}, "coprod.c": {"coprod.a"}}
    monkeypatch.setattr(architecture, "import_graph", lambda: graph)
    assert architecture.import_cycles() == [["coprod.a", "coprod.b", "coprod.c"]]
    layers = (("top", ("coprod.a",)), ("bottom", ("coprod.b", "coprod.c")))
    assert architecture.layer_violations(layers) == ["coprod.a -> coprod.b"]


def test_jobs_are_registered_once_with_functions_that_exist():
    registered = jobs()
    assert len({job.name for job in registered}) == len(registered)
    for job in registered:
        assert callable(resolve(job.function)), job.name
        assert callable(resolve(job.writer)), job.name


def test_a_job_outranks_every_job_that_reads_its_outputs(config):
    # Snakemake starts the ready job of highest priority first: the jobs most others wait
    # for (screening, ingest, scoring) before the analyses, and those before the tables
    # and figures that only the paper reads; a figure, four tables' work, before a table.
    found = {job.name: job for job in jobs(config)}
    made_by = {path: job.name for job in found.values() for path in job.outputs(config).values()}
    rank = priorities(config)
    pairs = 0
    for job in found.values():
        for value in job.inputs(config).values():
            for path in [value] if isinstance(value, str) else value:
                if path in made_by:
                    assert rank[made_by[path]] > rank[job.name], (made_by[path], job.name)
                    pairs += 1
    assert pairs > 40
    assert rank["paper"] == WORK["records"] == 1  # the last job: its own work only
    # a figure (its own work and the paper's) before a table (its own, the disclosure
    # check's and the paper's)
    assert rank["figure2_barrier_heatmap"] == WORK["figure"] + 1 == 5
    assert rank["table01_sample_composition"] == WORK["table"] + 2 == 3
    assert min(rank[name] for name in ("screen_anonymity", "score")) > max(
        rank[job.name] for job in found.values() if job.kind != "records"
    )


def test_library_inputs_follow_indirect_imports():
    # The scale-reliability records (reliability.tables) draw their bootstrap through
    # reliability.scale -> reliability.resampling: editing resampling must rerun them.
    names = {
        path.relative_to(SOURCE).as_posix() for path in library_files("coprod.reliability.tables")
    }
    assert "reliability/resampling.py" in names
    assert "reliability/scale.py" in names


def temporary_library(tmp_path: Path, monkeypatch, modules: dict[str, str]) -> Path:
    """A package ``coprod`` of these modules (name -> source) in ``tmp_path``, read by
    coprod.imports instead of the library for the rest of the test."""
    from coprod import imports

    package = tmp_path / "coprod"
    package.mkdir()
    for name, source in {"__init__": "", **modules}.items():
        (package / f"{name}.py").write_text(source)
    monkeypatch.setattr(imports, "SOURCE", package)
    return package


def test_library_inputs_include_imports_inside_functions(tmp_path, monkeypatch):
    temporary_library(
        tmp_path,
        monkeypatch,
        {
            "outer": "def f():\n    from coprod import inner\n",
            "inner": "import coprod.deepest\n",
            "deepest": "",
        },
    )
    from coprod import imports

    imports.clear_caches()
    try:
        assert imports.library_modules("coprod.outer") == {
            "coprod",
            "coprod.outer",
            "coprod.inner",
            "coprod.deepest",
        }
    finally:
        imports.clear_caches()


def test_known_imports_are_kept_and_an_edited_file_is_read_again(tmp_path, monkeypatch):
    package = temporary_library(
        tmp_path, monkeypatch, {"outer": "from . import inner\n", "inner": "", "other": ""}
    )
    from coprod import imports

    monkeypatch.setattr(imports, "_cache_folder", None)
    imports.cache_in(tmp_path / "known")
    imports.clear_caches()
    try:
        assert imports.library_modules("coprod.outer") == {"coprod", "coprod.outer", "coprod.inner"}
        kept = tmp_path / "known" / "coprod.outer.json"
        assert json.loads(kept.read_text())["imports"] == ["coprod", "coprod.inner"]
        # A later run reads the kept entry: shown by one planted in it for this source.
        entry = json.loads(kept.read_text())
        kept.write_text(json.dumps({**entry, "imports": ["coprod.other"]}))
        imports.clear_caches()
        assert imports.library_modules("coprod.outer") == {"coprod", "coprod.outer", "coprod.other"}
        # An edited file has another SHA-1: it is parsed again, and its entry replaced.
        (package / "outer.py").write_text("import coprod.inner\nimport coprod.other\n")
        imports.clear_caches()
        assert imports.library_modules("coprod.outer") == {
            "coprod",
            "coprod.outer",
            "coprod.inner",
            "coprod.other",
        }
        assert json.loads(kept.read_text())["imports"] == ["coprod.inner", "coprod.other"]
    finally:
        imports.clear_caches()


def test_unknown_module_is_named():
    with pytest.raises(ValueError, match="no module 'coprod.nothing_here'"):
        library_modules("coprod.nothing_here")


def test_pages_list_every_registered_job_and_are_up_to_date():
    assert architecture.update(REPO, check=True) == []
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for job in jobs():
        assert f"`{job.name}`" in page


def string_literals(path) -> set[str]:
    """The string constants of a Python file's code, docstrings (documentation, whose
    examples run on the bundled study) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def test_no_code_names_a_case_group_service_scale_score_code_or_risk(study):
    """What exists in the study comes from resources/ and config/, never from code."""
    names = {
        *study.cases.index,
        *study.services.index,
        *study.stakeholder_groups.index,
        *study.service_classes.index,
        *study.codebook.constructs.index,
        *study.codebook.scores.index,
        *study.focus_group_codes.index,
        *study.cases.drop(columns=["case_id", "code", "label", "description"]).stack(),
    }
    named = {}
    for path in [*SOURCE.rglob("*.py"), *(REPO / "workflow").rglob("*.py")]:
        found = sorted(names & string_literals(path))
        if found:
            named[str(path.relative_to(REPO))] = found
    for path in [*(REPO / "workflow").rglob("*.smk"), SNAKEFILE]:
        text = path.read_text(encoding="utf-8")
        found = sorted(n for n in names if re.search(rf"[\"']{re.escape(str(n))}[\"']", text))
        if found:
            named[str(path.relative_to(REPO))] = found
    assert named == {}


def test_a_named_study_constant_is_found(tmp_path):
    code = tmp_path / "code.py"
    code.write_text('"""Doc naming \'north_city\'."""\n\ndef f():\n    return "north_city"\n')
    assert string_literals(code) == {"north_city"}
