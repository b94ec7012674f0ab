"""The study's resources load, and a broken resource stops with a message a user can act on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from coprod.errors import JobFailed, StudyInputError
from coprod.jobs import run_forked, study_of
from coprod.resources import load_study
from tests.conftest import resource_paths


def test_bundled_resources_describe_the_design(study):
    cb = study.codebook
    scores = cb.scores
    barriers = scores[(scores["kind"] == "barrier") & (scores["measure"] == "met")]
    assert len(barriers) == 9
    assert all(len(items) == 3 for items in barriers["items"])
    reversed_scales = {cb.items.loc[i, "score"] for i in cb.items.index[cb.items["reverse"]]}
    assert len(reversed_scales & set(barriers.index)) >= 3
    assert len(study.cases) == 4
    assert set(study.cases["strategy_outcome"]) == {"succeeded", "struggled"}
    classes = study.services.groupby("service_class").size()
    assert classes.to_dict() == {"regulatory": 2, "relational": 2}
    assert len(study.stakeholder_groups) == 5
    fg = study.focus_group_codes
    assert set(fg["kind"]) == {"barrier", "strategy", "risk"}
    assert set(fg["survey_construct"]) <= set(cb.constructs.index)
    assert cb.response_sets["extent5"].missing == {8: ("Don't know", "dont_know")}
    assert cb.response_sets["overcome5"].missing[9][1] == "not_applicable"


def _break(study_copy: Path, name: str, old: str, new: str) -> dict[str, Path]:
    path = study_copy / "resources" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {name}: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return resource_paths(study_copy)


def _message(paths: dict[str, Path]) -> str:
    with pytest.raises(StudyInputError) as raised:
        load_study(paths)
    return str(raised.value)


def test_codebook_with_wrong_type_names_the_item(study_copy):
    paths = _break(
        study_copy,
        "codebook.yaml",
        "construct: B3, measure: met, response_set: extent5, reverse: true",
        "construct: B3, measure: met, response_set: extent5, reverse: 'yes'",
    )
    message = _message(paths)
    assert message == (
        f"{paths['codebook']}: items[13] (id 'B3_3').reverse: 'yes' is not of type 'boolean'. "
        "See the schema 'Survey codebook' in workflow/schemas/ for what is allowed."
    )


def test_codebook_with_unknown_response_set(study_copy):
    paths = _break(
        study_copy,
        "codebook.yaml",
        "measure: met, response_set: extent5",
        "measure: met, response_set: extent7",
    )
    assert _message(paths) == (
        f"{paths['codebook']}: items[5] (id 'B1_1'): response_set 'extent7' is not defined under "
        "response_sets (defined: extent5, overcome5, agree5, managed5, yes_no_dk, yes_no, "
        "selected, training_hours, years_band, age_band, cases, stakeholder_groups, services, "
        "free_text)."
    )


@pytest.mark.parametrize(
    ("old", "new", "ending"),
    [
        (  # a construct the codebook does not define
            "{id: B9_3, export_id: Q6_27, block: B, construct: B9",
            "{id: B9_3, export_id: Q6_27, block: B, construct: B99",
            "items[31] (id 'B9_3'): construct 'B99' is not defined under constructs.",
        ),
        (  # an item id used twice
            "{id: B1_2,",
            "{id: B1_1,",
            "items[6] (id 'B1_1'): this item id is used twice; item ids must be unique.",
        ),
        (  # an attention check without the answer it instructs
            "block: G, role: attention_check, expected_code: 4,",
            "block: G, role: attention_check,",
            "an attention check needs 'expected_code', the answer it instructs.",
        ),
    ],
    ids=["unknown_construct", "duplicate_item_id", "missing_expected_code"],
)
def test_codebook_error_names_the_item(study_copy, old, new, ending):
    assert _message(_break(study_copy, "codebook.yaml", old, new)).endswith(ending)


def test_codebook_yaml_syntax_error_names_line(study_copy):
    paths = _break(study_copy, "codebook.yaml", "study: User", "study: [User")
    assert re.search(r"codebook\.yaml: is not valid YAML at line \d+, column \d+", _message(paths))


def test_registry_with_bad_code_names_row_and_column(study_copy):
    paths = _break(study_copy, "cases.csv", "west_city,3,", "west_city,three,")
    assert _message(paths) == (
        f"{paths['cases']}, row 4, column 'code': 'three' does not match '^[0-9]+$'. "
        "Fix the value in the registry."
    )


def test_registry_with_duplicate_id(study_copy):
    paths = _break(study_copy, "services.csv", "family_support,2,", "adult_social_care,2,")
    assert _message(paths) == (
        f"{paths['services']}, row 3, column 'service_id': 'adult_social_care' appears more than "
        "once; each service_id must be unique."
    )


def test_service_with_unknown_class(study_copy):
    paths = _break(
        study_copy, "services.csv", "Community safety,regulatory", "Community safety,enforcement"
    )
    assert "service_class 'enforcement' is not listed in" in _message(paths)


def test_focus_group_code_with_unknown_construct(study_copy):
    paths = _break(
        study_copy, "focus_group_codebook.yaml", "survey_construct: B1\n", "survey_construct: B0\n"
    )
    assert _message(paths) == (
        f"{paths['focus_group_codebook']}: codes[0] (id 'bar_risk_aversion'): survey_construct "
        f"'B0' is not a construct of the survey codebook {paths['codebook']}."
    )


def test_missing_resource_file(study_copy):
    paths = resource_paths(study_copy)
    paths["cases"].unlink()
    assert _message(paths) == (
        f"{paths['cases']}: file not found. Check the path in config/config.yaml."
    )


# --------------------------------------------------------------------------- yes/no codes
@pytest.mark.parametrize(
    ("old", "new", "ending"),
    [
        (  # a binary set without its yes code
            "  yes_no:\n    type: binary\n    yes: 1\n",
            "  yes_no:\n    type: binary\n",
            "response_sets.yes_no: a binary response set must say which of its codes means "
            "yes (1 = Yes, 0 = No); add 'yes: <code>', e.g. 'yes: 1'.",
        ),
        (  # a yes code that is not one of the set's valid codes
            "  yes_no_dk:\n    type: binary\n    yes: 1\n",
            "  yes_no_dk:\n    type: binary\n    yes: 8\n",
            "response_sets.yes_no_dk: yes: 8 is not one of its valid codes (1 = Yes, 0 = No); "
            "write the code that means yes, e.g. 'yes: 1'.",
        ),
        (  # a yes code on an ordinal set
            "  agree5:\n    type: ordinal\n",
            "  agree5:\n    type: ordinal\n    yes: 5\n",
            "response_sets.agree5: 'yes' is declared for binary and multi_select response sets "
            "only, not for type 'ordinal'; remove it.",
        ),
        (  # a multi-select set that does not say what a blank means
            "    yes: 1\n    blank: not_selected\n",
            "    yes: 1\n",
            "response_sets.selected: a multi_select response set must say what a blank cell "
            "means; add 'blank: not_selected' (the export leaves an unselected choice blank, as "
            "Qualtrics does) or 'blank: missing' (the export writes the no code for an "
            "unselected choice; a blank is no answer).",
        ),
        (  # blank declared on a binary set
            "  yes_no:\n    type: binary\n    yes: 1\n",
            "  yes_no:\n    type: binary\n    yes: 1\n    blank: missing\n",
            "response_sets.yes_no: 'blank' is declared for multi_select response sets only; "
            "remove it.",
        ),
        (  # "don't know" as a third valid code of a binary set
            '      - {code: 0, label: "No"}\n    missing:\n      - {code: 8,',
            '      - {code: 0, label: "No"}\n      - {code: 8, label: Unsure}\n    missing:\n'
            "      - {code: 9,",
            "response_sets.yes_no_dk: a binary response set needs exactly two valid codes (yes "
            "and no); found 3 (1 = Yes, 0 = No, 8 = Unsure). Put any further answer, such as "
            "\"don't know\", under 'missing'.",
        ),
        (  # display logic that asks for a code the question does not have
            "asked_if: {item: R1_exp, code: 1}",
            "asked_if: {item: R1_exp, code: 2}",
            "items[61] (id 'R1_man'): asked_if code 2 is not a valid code of item 'R1_exp' "
            "(response set 'yes_no_dk', codes 1, 0).",
        ),
    ],
    ids=[
        "missing_yes",
        "yes_not_a_code",
        "yes_on_ordinal",
        "missing_blank",
        "blank_on_binary",
        "three_codes",
        "asked_if_code",
    ],
)
def test_yes_no_declaration_errors_say_what_to_write(study_copy, old, new, ending):
    paths = _break(study_copy, "codebook.yaml", old, new)
    assert _message(paths) == f"{paths['codebook']}: {ending}"


def test_codebook_reads_yes_as_a_key_not_a_boolean(study):
    # YAML 1.1 (PyYAML's default) would read `yes: 1` as {True: 1}
    assert {rs.id: rs.yes for rs in study.codebook.response_sets.values() if rs.is_yes_no} == {
        "yes_no_dk": 1,
        "yes_no": 1,
        "selected": 1,
    }
    assert study.codebook.response_sets["selected"].blank == "not_selected"
    instrument = study.codebook.instrument_table().set_index("id")
    assert instrument.loc["TR_received", ["yes_code", "blank_means"]].tolist() == [1, ""]
    assert instrument.loc["S1_used", ["yes_code", "blank_means"]].tolist() == [1, "not_selected"]
    assert pd.isna(instrument.loc["B1_1", "yes_code"])


# ------------------------------------------------------- the study a run's jobs fork with
def test_a_run_loads_the_study_once_per_version_of_its_files(study_copy):
    paths = resource_paths(study_copy)
    first = study_of(paths)
    assert study_of(paths) is first
    codebook = paths["codebook"]
    codebook.write_text(codebook.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    again = study_of(paths)
    assert again is not first
    assert again.codebook.items.equals(first.codebook.items)


def test_a_job_whose_resources_do_not_load_fails_naming_the_file_in_its_log(study_copy, tmp_path):
    paths = resource_paths(study_copy)
    paths["cases"].write_text("case_id,label\n", encoding="utf-8")
    log = tmp_path / "job.log"
    params = SimpleNamespace(
        function="coprod.jobs:resolve", writer="coprod.jobs:write_records", settings={}, render={}
    )
    with pytest.raises(JobFailed, match=r"coprod.jobs:resolve failed \(exit code 1\): see its log"):
        run_forked({k: str(v) for k, v in paths.items()}, {}, params, [str(log)], 1)
    assert f"StudyInputError: {paths['cases']}: " in log.read_text(encoding="utf-8")


THREADS_PROBE = '''
import json
import os

import numpy as np
import scipy.linalg


def probe(study, inputs, settings):
    """Call numpy's and scipy's BLAS, then list this process's threads."""
    matrix = np.linspace(0, 1, 40_000).reshape(200, 200)
    np.dot(matrix, matrix)
    scipy.linalg.blas.dgemm(1.0, matrix, matrix)
    threads = os.listdir(f"/proc/{os.getpid()}/task")
    with open(settings["report"], "w", encoding="utf-8") as handle:
        json.dump(threads, handle)
    return {}
'''


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="lists threads from /proc")
def test_a_one_thread_job_runs_blas_in_its_one_thread(tmp_path, monkeypatch):
    # A child that set its BLAS threads itself restarted OpenBLAS's worker threads, which
    # spun for ~0.1 s each beside the job: run_forked limits the parent's pools instead.
    (tmp_path / "threads_probe.py").write_text(THREADS_PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    report = tmp_path / "threads.json"
    params = SimpleNamespace(
        function="threads_probe:probe",
        writer="coprod.jobs:write_records",
        settings={"report": str(report)},
        render={},
    )
    run_forked({}, {}, params, [str(tmp_path / "job.log")], 1)
    assert len(json.loads(report.read_text(encoding="utf-8"))) == 1
