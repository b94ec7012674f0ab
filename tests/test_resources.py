"""The study's resources load, and a broken resource stops with a message a user can act on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coprod.errors import StudyInputError
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
