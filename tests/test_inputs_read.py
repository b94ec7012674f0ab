"""The input files a run reads: recorded with their checksums, and a change of one's
content or path reruns what reads it."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from coprod.config_checks import input_files
from coprod.provenance import INPUT_COLUMNS
from tests.conftest import output, run
from tests.test_workflow import reasons

pytestmark = pytest.mark.workflow

INPUTS = Path("results", "provenance", "inputs.csv")
CHANGED = "focus_group_codings"
"""The raw file (``raw.focus_group_codings``) the rerun tests change: read by the anonymity
screen, the focus groups' ingest and the record of inputs."""
READERS = {"screen_anonymity", "ingest_focus_groups", "inputs_read"}


def study_config(workdir: Path) -> dict:
    return yaml.safe_load((workdir / "config" / "config.yaml").read_text(encoding="utf-8"))


def test_the_inputs_read_are_recorded_with_their_checksums(study_run):
    with open(study_run / INPUTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == INPUT_COLUMNS
    config = study_config(study_run)
    expected = {"configfile": "config/config.yaml", **input_files(config)}
    assert {row["key"]: row["path"] for row in rows} == expected
    raw = [entry["path"] for entry in config["raw"]["survey"]]
    raw += [config["raw"]["focus_group_segments"], config["raw"]["focus_group_codings"]]
    assert set(raw) <= {row["path"] for row in rows}
    for row in rows:
        data = (study_run / row["path"]).read_bytes()  # every file named exists
        assert row["sha256"] == hashlib.sha256(data).hexdigest(), row["path"]
        assert int(row["bytes"]) == len(data), row["path"]


def rerun_reasons(workdir: Path) -> dict[str, str]:
    result = run(workdir, "--dry-run")
    assert result.returncode == 0, output(result)
    return reasons(result.stdout + result.stderr)


def direct(scheduled: dict[str, str]) -> dict[str, str]:
    """The jobs that rerun for a reason of their own, not because an upstream job reruns."""
    return {
        name: reason
        for name, reason in scheduled.items()
        if not reason.startswith("Input files updated by another job")
    }


@pytest.mark.parametrize("mtime", ["edited now", "older than the results"])
def test_a_raw_file_of_other_content_reruns_what_reads_it(run_copy, mtime):
    path = run_copy / study_config(run_copy)["raw"][CHANGED]
    before = path.stat()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n")
    if mtime == "older than the results":  # restored from an archive, `cp -p`
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    scheduled = rerun_reasons(run_copy)

    assert scheduled.keys() >= READERS
    assert {"exclusions", "intercoder_reliability", "manifest"} <= scheduled.keys()
    own = direct(scheduled)
    assert own.keys() == {"screen_anonymity", "inputs_read"}, own
    rel = path.relative_to(run_copy).as_posix()
    for reason in own.values():
        if mtime == "edited now":
            assert reason.startswith(f"Updated input files: {rel}"), reason
        else:
            assert reason.startswith("Params have changed since last execution"), reason
            new = hashlib.sha256(path.read_bytes()).hexdigest()
            assert f"'{rel}': '{new}'" in reason


def test_a_raw_file_moved_in_the_config_reruns_what_reads_it(run_copy):
    config_path = run_copy / "config" / "config.yaml"
    config = study_config(run_copy)
    old = run_copy / config["raw"][CHANGED]
    new = old.with_name("codings_second_delivery.csv")
    shutil.copy2(old, new)  # the copy keeps the old file's mtime
    before = new.stat()
    with open(new, "a", encoding="utf-8") as handle:
        handle.write("\n")
    os.utime(new, ns=(before.st_atime_ns, before.st_mtime_ns))
    config["raw"][CHANGED] = new.relative_to(run_copy).as_posix()
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    scheduled = rerun_reasons(run_copy)

    assert scheduled.keys() >= READERS
    assert scheduled["screen_anonymity"].startswith(
        "Set of input files has changed since last execution"
    )
    assert scheduled["inputs_read"].startswith("Updated input files: config/config.yaml")


def test_a_missing_manifest_is_one_line_not_a_traceback(tmp_path, capsys):
    from coprod.provenance import main

    missing = tmp_path / "MANIFEST.sha256"
    assert main(["check", str(missing)]) == 2
    assert capsys.readouterr().out == (
        f"No manifest at {missing}: name one that exists (make verify "
        "MANIFEST=path/to/MANIFEST.sha256); make reference-manifest remakes the bundled "
        "study's reference.\n"
    )
