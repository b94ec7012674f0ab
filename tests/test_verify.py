"""``make verify``: a run checked against the bundled study's reference manifest
(``reference/MANIFEST.sha256``), and what it says when something differs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coprod.provenance import REFERENCE_MANIFEST, main, read_manifest, write_manifest
from coprod.registry import jobs
from tests.conftest import REPO


def exhibits(config: dict) -> list[str]:
    """Every file the rule ``manifest`` hashes: the outputs of the exhibits and paper
    stages' jobs (``EXHIBITS`` in workflow/rules/report.smk)."""
    return [
        path
        for job in jobs()
        if job.stage in ("exhibits", "paper") and job.applies(config)
        for path in job.outputs(config).values()
    ]


def test_the_reference_manifest_lists_exactly_the_exhibits_the_workflow_makes(config):
    reference = REPO / REFERENCE_MANIFEST
    listed = read_manifest(reference)
    assert list(listed) == sorted(exhibits(config))
    assert len(listed) == 100  # 99 exhibits and the paper
    lines = reference.read_text(encoding="utf-8").splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == sorted(listed)


def test_the_makefile_verifies_against_the_reference_and_remakes_it_in_one_command():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert f"MANIFEST ?= {REFERENCE_MANIFEST.as_posix()}\n" in makefile
    assert (
        "reference-manifest: study\n\tcp results/MANIFEST.sha256 reference/MANIFEST.sha256\n"
        in (makefile)
    )


@pytest.fixture
def run_folder(tmp_path: Path) -> Path:
    """A run's folder with three exhibits and its own manifest, and a reference of them."""
    root = tmp_path / "run"
    exhibits = root / "results" / "exhibits"
    (exhibits / "tables").mkdir(parents=True)
    (exhibits / "figures").mkdir()
    for name, text in {
        "tables/table01.csv": "a,b\n1,2\n",
        "tables/table02.csv": "c\n3\n",
        "figures/figure1.png": "png",
    }.items():
        (exhibits / name).write_text(text, encoding="utf-8")
    paths = sorted(
        path.relative_to(root).as_posix() for path in exhibits.rglob("*") if path.is_file()
    )
    lines = [f"{hashlib.sha256((root / path).read_bytes()).hexdigest()}  {path}" for path in paths]
    (root / "reference").mkdir()
    (root / "reference" / "MANIFEST.sha256").write_text("\n".join(lines) + "\n")
    (root / "results" / "MANIFEST.sha256").write_text("\n".join(lines) + "\n")
    return root


def verify(root: Path, capsys) -> tuple[int, list[str]]:
    code = main(
        [
            "check",
            str(root / "reference" / "MANIFEST.sha256"),
            "--root",
            str(root),
            "--run",
            "results/MANIFEST.sha256",
        ]
    )
    return code, capsys.readouterr().out.splitlines()


def test_a_run_identical_to_the_reference_passes(run_folder, capsys):
    code, said = verify(run_folder, capsys)
    assert code == 0
    assert said == [f"3 of 3 files identical to {run_folder}/reference/MANIFEST.sha256"]


def test_a_mismatch_lists_the_files_that_differ_are_missing_or_are_not_in_the_reference(
    run_folder, capsys
):
    exhibits = run_folder / "results" / "exhibits"
    (exhibits / "tables" / "table01.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    (exhibits / "tables" / "table02.csv").unlink()
    (exhibits / "tables" / "table13.csv").write_text("new\n", encoding="utf-8")
    run_manifest = run_folder / "results" / "MANIFEST.sha256"
    run_manifest.write_text(
        run_manifest.read_text() + f"{'0' * 64}  results/exhibits/tables/table13.csv\n"
    )

    code, said = verify(run_folder, capsys)

    assert code == 1
    assert said == [
        "differs: results/exhibits/tables/table01.csv",
        "missing: results/exhibits/tables/table02.csv",
        "not in the reference: results/exhibits/tables/table13.csv",
        f"1 of 3 files identical to {run_folder}/reference/MANIFEST.sha256",
    ]


def test_a_figure_that_differs_says_figure_bytes_depend_on_the_platform(run_folder, capsys):
    (run_folder / "results" / "exhibits" / "figures" / "figure1.png").write_text("other")
    code, said = verify(run_folder, capsys)
    assert code == 1
    assert said == [
        "differs: results/exhibits/figures/figure1.png",
        f"2 of 3 files identical to {run_folder}/reference/MANIFEST.sha256",
        "Figure files are byte-identical only on the platform the reference was drawn on "
        "(reference/README.md); tables and numbers must match everywhere.",
    ]


def test_no_run_is_one_line_not_a_list_of_every_file(run_folder, capsys):
    import shutil

    shutil.rmtree(run_folder / "results")
    code, said = verify(run_folder, capsys)
    assert code == 1
    assert said == [
        f"None of the 3 files of {run_folder}/reference/MANIFEST.sha256 is under "
        f"{run_folder}: run the study first (make study)."
    ]


def test_a_line_that_is_not_a_manifest_line_names_the_file_and_the_line(run_folder, capsys):
    reference = run_folder / "reference" / "MANIFEST.sha256"
    reference.write_text(reference.read_text() + "results/exhibits/numbers.json\n")
    code, said = verify(run_folder, capsys)
    assert code == 2
    assert said == [
        f"{reference}, line 4: 'results/exhibits/numbers.json' is not a manifest line (a "
        "SHA-256, two spaces, a path): remake the manifest (make reference-manifest)."
    ]


def test_the_manifest_is_written_sorted_by_path(tmp_path):
    for name in ("b.csv", "a.csv", "c.png"):
        (tmp_path / name).write_text(name)
    write_manifest([tmp_path / "c.png", tmp_path / "a.csv", tmp_path / "b.csv"], tmp_path / "M")
    assert [Path(path).name for path in read_manifest(tmp_path / "M")] == [
        "a.csv",
        "b.csv",
        "c.png",
    ]
