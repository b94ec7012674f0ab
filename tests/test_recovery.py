"""A run killed in the middle, and runs that meet in one folder: ``coprod.run_workflow``,
the command ``make study`` runs, and the outputs that appear only when whole."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coprod.pipeline import partial_path, published
from coprod.run_workflow import IN_PROGRESS, RUN_LOCK, Leftovers, leftovers
from tests.conftest import SNAKEFILE, output, reduced_study

PREFIX = "coprod.run_workflow: "


def wrapper(workdir: Path, *args: str) -> list[str]:
    """The study's run command (``make study``'s) on the study in ``workdir``."""
    return [sys.executable, "-m", "coprod.run_workflow", "--snakefile", str(SNAKEFILE)] + [
        "--directory",
        str(workdir),
        "--cores",
        "2",
        *args,
    ]


def published_files(workdir: Path) -> set[str]:
    """Every file under ``workdir``'s results/, relative to ``workdir``."""
    results = workdir / "results"
    if not results.exists():
        return set()
    return {path.relative_to(workdir).as_posix() for path in results.rglob("*") if path.is_file()}


def said(stderr: str) -> list[str]:
    """What the run command itself said (not Snakemake)."""
    return [line.removeprefix(PREFIX) for line in stderr.splitlines() if line.startswith(PREFIX)]


def recovery_lines(workdir: Path, left: Leftovers) -> list[str]:
    return [
        f"the previous run in {workdir.resolve()} stopped before it finished: it left "
        f"{left.describe()}, and no run is in progress there now.",
        f"{'removing its lock (snakemake --unlock) and ' if left.locks else ''}running again "
        "with --rerun-incomplete, so that every job it left unfinished runs anew.",
    ]


def plant_snakemake_lock(workdir: Path) -> Path:
    """A lock file as Snakemake writes one (``.snakemake/locks/0.input.lock``)."""
    lock = workdir / ".snakemake" / "locks" / "0.input.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text(str(workdir / "resources" / "codebook.yaml") + "\n", encoding="utf-8")
    return lock


@pytest.mark.workflow
def test_a_run_killed_midway_is_recovered_by_the_next(study_run, tmp_path):
    expected = published_files(study_run)
    work = reduced_study(tmp_path / "study")
    first = subprocess.Popen(
        wrapper(work),
        start_new_session=True,  # its own process group: Snakemake and its jobs with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 900
    try:
        while len(published_files(work)) < len(expected) // 3:
            assert first.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run made too few files to be killed"
            time.sleep(0.1)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    made = published_files(work)
    assert 0 < len(made) < len(expected)
    assert "results/MANIFEST.sha256" not in made
    left = leftovers(work)
    assert left.locks > 0, "a killed run leaves Snakemake's lock"

    second = subprocess.run(wrapper(work), capture_output=True, text=True, check=False)

    assert second.returncode == 0, output(second)
    assert said(second.stderr) == recovery_lines(work, left)
    assert published_files(work) == expected
    manifest = (study_run / "results" / "MANIFEST.sha256").read_text(encoding="utf-8")
    listed = [line.split("  ", 1)[1] for line in manifest.splitlines()]
    assert len(listed) > 80
    differ = [p for p in listed if (work / p).read_bytes() != (study_run / p).read_bytes()]
    assert differ == []
    assert leftovers(work) == Leftovers(locks=0, incomplete=0)


def test_a_second_run_stops_while_the_first_holds_the_folder(study_copy):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from coprod.run_workflow import held_run_lock\n"
            "with held_run_lock(Path(sys.argv[1]), ['the first run']):\n"
            "    print('held', flush=True); time.sleep(120)",
            str(study_copy),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        lock = plant_snakemake_lock(study_copy)
        before = lock.read_text(encoding="utf-8")

        second = subprocess.run(
            wrapper(study_copy, "--dry-run"), capture_output=True, text=True, check=False
        )

        assert second.returncode == IN_PROGRESS, output(second)
        (message,) = said(second.stderr)
        folder = re.escape(str(study_copy.resolve()))
        assert re.fullmatch(
            rf"A run is already in progress in {folder} \(pid {holder.pid}, "
            r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: the first run\)\. Nothing was changed: "
            r"wait for it to finish, or stop it, then run again\.",
            message,
        ), message
        assert lock.read_text(encoding="utf-8") == before
        assert not (study_copy / "results").exists()
        assert "Building DAG" not in second.stderr  # Snakemake was not started
    finally:
        holder.kill()
        holder.wait()


def test_a_snakemake_started_directly_keeps_its_lock_and_a_dead_ones_is_removed(
    study_copy, tmp_path
):
    # A process that runs a command named snakemake in the folder, as Snakemake does
    # (it changes into --directory): a run started without the run command.
    fake = tmp_path / "bin" / "snakemake"
    fake.parent.mkdir()
    fake.write_text("import time\ntime.sleep(120)\n", encoding="utf-8")
    direct = subprocess.Popen([sys.executable, str(fake)], cwd=study_copy)
    lock = plant_snakemake_lock(study_copy)
    try:
        refused = subprocess.run(
            wrapper(study_copy, "--dry-run"), capture_output=True, text=True, check=False
        )
    finally:
        direct.kill()
        direct.wait()
    assert refused.returncode == IN_PROGRESS, output(refused)
    assert said(refused.stderr) == [
        "A Snakemake run not started through this command is in progress in "
        f"{study_copy.resolve()} (pid {direct.pid}: {sys.executable} {fake}). Its lock was "
        "left in place: wait for it to finish, or stop it, then run again."
    ]
    assert lock.exists()

    # Once it is gone, the lock is a dead run's: removed, and the run goes ahead.
    recovered = subprocess.run(
        wrapper(study_copy, "--dry-run"), capture_output=True, text=True, check=False
    )
    assert recovered.returncode == 0, output(recovered)
    assert said(recovered.stderr) == recovery_lines(study_copy, Leftovers(locks=1, incomplete=0))
    assert not lock.exists()
    assert "Unlocked working directory." in recovered.stdout + recovered.stderr
    assert (study_copy / RUN_LOCK).exists()


def test_outputs_appear_only_when_every_one_is_whole(tmp_path):
    table, figure = tmp_path / "table.csv", tmp_path / "figure.png"
    stale = partial_path(table)
    stale.parent.mkdir()
    stale.write_text("half a table from a killed run", encoding="utf-8")

    with (
        pytest.raises(RuntimeError, match="the writer failed"),
        published([table, figure]) as (
            partial_table,
            _,
        ),
    ):
        assert Path(partial_table) == stale and not stale.exists()
        Path(partial_table).write_text("a,b\n", encoding="utf-8")
        raise RuntimeError("the writer failed")
    assert sorted(tmp_path.iterdir()) == []

    with published({"table": table, "figure": figure}) as outputs:
        for path in outputs.values():
            Path(path).write_text("whole", encoding="utf-8")
        assert not table.exists() and not figure.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["figure.png", "table.csv"]
    assert table.read_text(encoding="utf-8") == "whole"


def test_a_dead_runs_cluster_jobs_are_left_to_the_user_to_check(study_copy):
    lock = plant_snakemake_lock(study_copy)
    mark = study_copy / ".snakemake" / "incomplete" / "cmVzdWx0cy9zY3JlZW5pbmc="
    mark.parent.mkdir(parents=True)
    mark.write_text('{"external_jobid": "4711"}', encoding="utf-8")

    refused = subprocess.run(
        wrapper(study_copy, "--dry-run"), capture_output=True, text=True, check=False
    )

    assert refused.returncode == IN_PROGRESS, output(refused)
    assert said(refused.stderr) == [
        f"The previous run in {study_copy.resolve()} stopped before it finished, and had jobs "
        "on a cluster that may still be running (job ids 4711), which this command cannot "
        "see. Its lock was left in place: check with the scheduler (squeue) that they have "
        "ended, then run this command again with --rerun-incomplete."
    ]
    assert lock.exists() and mark.exists()

    checked = subprocess.run(
        wrapper(study_copy, "--dry-run", "--rerun-incomplete"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, output(checked)
    left = Leftovers(locks=1, incomplete=1, cluster_jobs=("4711",))
    assert said(checked.stderr) == recovery_lines(study_copy, left)
    assert not lock.exists()
