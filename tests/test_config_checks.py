"""The config checks the schema cannot express: each names the file and the key."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from coprod.config_checks import check_config, input_files, missing_files, overlapping_seeds
from tests.conftest import REPO, SNAKEFILE, output, run

NOBODY = 65534
"""The user id of ``nobody``, whom a root test becomes to meet a file it may not read."""


def with_key(config: dict, section: str, **values) -> dict:
    return {**config, section: {**config[section], **values}}


def test_the_bundled_config_passes(config):
    check_config(config)


def test_an_undefined_family_is_named(config):
    families = {k: v for k, v in config["compare"]["families"].items() if k != "barrier_sides"}
    broken = with_key(config, "compare", families=families)
    with pytest.raises(
        ValueError, match=r"^my\.yaml: compare names the families \['barrier_sides'\], which"
    ):
        check_config(broken, source="my.yaml")


def test_a_contrast_named_like_another_output_is_named(config):
    contrast = config["compare"]["contrasts"]["samples"]
    broken = with_key(config, "compare", contrasts={"risks": contrast})
    message = (
        "config/config.yaml: compare.contrasts ['risks'] are named like other outputs "
        "of results/compare/; rename them"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_config(broken)


def test_an_exhibit_naming_an_undefined_contrast_is_named(config):
    # A study that calls its case-attribute contrast "partnership" must say which contrast
    # table 9 shows; the check names every key that points at a missing contrast.
    contrasts = dict(config["compare"]["contrasts"])
    contrasts["partnership"] = contrasts.pop("case_outcome")
    broken = with_key(config, "compare", contrasts=contrasts)
    broken["figures"] = {
        **broken["figures"],
        "figure3_contrast_forest": {
            **broken["figures"]["figure3_contrast_forest"],
            "contrast": "x",
        },
    }
    message = (
        "my.yaml: exhibits.contrast_tables.table09_case_outcomes: 'case_outcome'; "
        "figures.figure3_contrast_forest.contrast: 'x' - not a contrast of compare.contrasts "
        "(defined: ['partnership', 'samples', 'service_class']). Name one of those, or add "
        "the contrast under compare.contrasts (config/README.md, 'compare.contrasts')."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_config(broken, source="my.yaml")
    fixed = with_key(
        broken,
        "exhibits",
        contrast_tables={
            "table08_service_classes": "service_class",
            "table09_case_outcomes": "partnership",
        },
    )
    fixed["figures"] = config["figures"]
    check_config(fixed, source="my.yaml")


def test_a_pairwise_family_must_be_defined_and_apart_from_the_omnibus_family(config):
    contrasts = dict(config["compare"]["contrasts"])
    contrasts["samples"] = {**contrasts["samples"], "pairwise_family": "samples_pairs"}
    with pytest.raises(ValueError, match=r"compare names the families \['samples_pairs'\]"):
        check_config(with_key(config, "compare", contrasts=contrasts))
    contrasts["samples"] = {**contrasts["samples"], "pairwise_family": "samples"}
    message = (
        "config/config.yaml: compare.contrasts.samples names the family 'samples' for family "
        "and pairwise_family; give each its own family (and define it under "
        "compare.families): the omnibus tests, the pairs and the robustness evidence are "
        "adjusted separately"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_config(with_key(config, "compare", contrasts=contrasts))
    groups = config["compare"]["stakeholder_groups"]
    groups = {**groups, "robustness_family": groups["pairwise_family"]}
    with pytest.raises(
        ValueError,
        match=r"compare\.stakeholder_groups names the family '\w+' for pairwise_family and "
        r"robustness_family",
    ):
        check_config(with_key(config, "compare", stakeholder_groups=groups))


def test_exhibits_by_missing_from_a_breakdown_is_named(config):
    broken = with_key(config, "reliability", by=["sample"])
    with pytest.raises(
        ValueError,
        match=r"^config/config\.yaml: exhibits\.by is 'case', but reliability\.by do\(es\) not",
    ):
        check_config(broken)


def test_overlapping_validation_seeds_are_named(config):
    conditions = {
        "null": {"effect_scale": 0, "seed_offset": 0, "n_replicates": 10},
        "planted": {"effect_scale": 1, "seed_offset": 5, "n_replicates": 10},
        "again": {"effect_scale": 2, "seed_offset": 0, "n_replicates": 10},
    }
    broken = with_key(config, "validation", conditions=conditions)
    assert overlapping_seeds(broken) == [("null", "planted"), ("again", "planted")]
    with pytest.raises(
        ValueError,
        match=r"validation conditions 'null' and 'planted' draw replicates from overlapping "
        r"seeds \(offsets 0 and 5\)",
    ):
        check_config(broken)
    apart = {**conditions, "planted": {**conditions["planted"], "seed_offset": 10}}
    assert overlapping_seeds(with_key(config, "validation", conditions=apart)) == []


def test_the_workflow_stops_on_a_failed_check_before_any_job(study_copy):
    path = study_copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["reliability"]["by"] = ["sample"]
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE)]
    result = subprocess.run(
        [*command, "--directory", str(study_copy), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    message = "config/config.yaml: exhibits.by is 'case', but reliability.by do(es) not"
    assert message in result.stdout + result.stderr
    assert not (study_copy / "results").exists()


def test_the_checks_import_no_pandas():
    code = "import sys, coprod.config_checks; assert 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_missing_input_file_is_named_with_its_key(config, tmp_path):
    message = (
        "my.yaml: 1 input file(s) cannot be read (from {root}): "
        "raw.survey[1].path: 'resources/raw/nowhere.sav' (not found). Fix the path in the "
        "config, or put a readable file there; a run reads nothing before every input is found."
    )
    survey = [
        config["raw"]["survey"][0],
        {**config["raw"]["survey"][1], "path": "resources/raw/nowhere.sav"},
    ]
    broken = with_key(config, "raw", survey=survey)
    assert missing_files(broken, REPO) == {"raw.survey[1].path": "resources/raw/nowhere.sav"}
    with pytest.raises(ValueError, match=f"^{re.escape(message.format(root=REPO))}$"):
        check_config(broken, source="my.yaml", root=REPO)
    # Looked for where the run works: from elsewhere, every file is missing.
    assert len(missing_files(config, tmp_path)) == len(input_files(config))


@contextmanager
def without_read_permission(path: Path) -> Iterator[None]:
    """``path`` made unreadable to this process: mode 000, and for root (who reads any
    file) the effective user switched to nobody's for the block."""
    path.chmod(0)
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


def test_an_unreadable_input_file_is_named_with_its_key(config):
    # A folder anyone may enter (pytest's own temporary folders are root's alone).
    study = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        study.chmod(0o755)
        for path in input_files(config).values():
            (study / path).parent.mkdir(parents=True, exist_ok=True)
            (study / path).write_bytes(b"x")
        codings = config["raw"]["focus_group_codings"]
        with without_read_permission(study / codings):
            found = missing_files(config, study)
            with pytest.raises(ValueError) as raised:
                check_config(config, source="my.yaml", root=study)
    finally:
        shutil.rmtree(study)
    assert found == {"raw.focus_group_codings": codings}
    assert str(raised.value) == (
        f"my.yaml: 1 input file(s) cannot be read (from {study}): raw.focus_group_codings: "
        f"'{codings}' (not readable: Permission denied). Fix the path in the config, or put "
        "a readable file there; a run reads nothing before every input is found."
    )


def test_files_a_rule_makes_are_not_checked_at_parse_time(config):
    made = [
        {**entry, "path": f"results/synthetic/{i}.csv"}
        for i, entry in enumerate(config["raw"]["survey"])
    ]
    assert missing_files(with_key(config, "raw", survey=made), REPO) == {}


def test_a_wrong_raw_path_stops_a_run_whose_results_exist(run_copy):
    path = run_copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["raw"]["focus_group_codings"] = "resources/raw/codings_typo.csv"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run(run_copy, "--dry-run")
    assert result.returncode != 0
    assert "raw.focus_group_codings: 'resources/raw/codings_typo.csv'" in output(result)


def test_a_study_without_a_synthetic_model_runs_and_has_no_simulate_target(study_copy):
    path = study_copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    del config["synthetic"]
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.rmtree(study_copy / "resources" / "synthetic")
    planned = run(study_copy, "--dry-run")
    assert planned.returncode == 0, output(planned)
    assert "manifest" in planned.stdout
    simulate = run(study_copy, "--dry-run", "simulate")
    assert simulate.returncode != 0
    assert "simulate" in output(simulate)
