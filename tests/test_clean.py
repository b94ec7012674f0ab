"""Exclusions (coprod.clean) against the generator's planted problems, and the rules' reruns."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from coprod.clean import (
    ALL,
    FLAG_COLUMNS,
    STEPS,
    UNKNOWN_CASE,
    ExclusionSettings,
    add_design,
    answered_share,
    apply_exclusions,
    attention_failures,
    design_columns,
    duplicates,
    straightliners,
)
from tests.conftest import REPO, run

# The step of the flow table that should remove each planted problem.
PLANTED_AT = {
    "preview_test": "preview",
    "duplicate": "duplicate",
    "incomplete": "incomplete",
    "speeder": "speeder",
    "straightliner": "straightliner_careless",
    "attention_fail": "attention_fail",
}
KEPT = ("clean", "straightliner")


def ingest_frame(responses: pd.DataFrame, study) -> pd.DataFrame:
    """The importer's contract: generate()'s responses without `planted` and free text."""
    cb = study.codebook
    text = [
        i
        for i in cb.items.index
        if cb.response_sets[cb.items.loc[i, "response_set"]].type == "text"
    ]
    return responses.drop(columns=["planted", *text])


@pytest.fixture(scope="module")
def frame(synthetic, study):
    return ingest_frame(synthetic.responses, study)


@pytest.fixture(scope="module")
def result(frame, study):
    return apply_exclusions(frame, study, ExclusionSettings.from_config({}))


@pytest.fixture(scope="module")
def bundled_truth():
    return json.loads((REPO / "resources" / "raw" / "truth.json").read_text())


def cell(flow: pd.DataFrame, sample: str, case: str, step: str) -> pd.Series:
    row = flow[flow["sample"].eq(sample) & flow["case"].eq(case) & flow["step"].eq(step)]
    assert len(row) == 1, (sample, case, step)
    return row.iloc[0]


def assert_flow_matches_truth(flow: pd.DataFrame, problems: dict) -> None:
    pooled: dict[str, int] = {}
    for sample, cases in problems.items():
        for case, counts in cases.items():
            for step, planted in PLANTED_AT.items():
                assert cell(flow, sample, case, step)["excluded"] == counts[planted], (
                    sample,
                    case,
                    step,
                )
                pooled[step] = pooled.get(step, 0) + counts[planted]
            kept = cell(flow, sample, case, "straightliner")["flagged_kept"]
            assert kept == counts["straightliner"], (sample, case)
            pooled["kept"] = pooled.get("kept", 0) + counts["straightliner"]
    for step in PLANTED_AT:
        assert cell(flow, ALL, ALL, step)["excluded"] == pooled[step]
    assert cell(flow, ALL, ALL, "straightliner")["flagged_kept"] == pooled["kept"]


# --------------------------------------------------------------------------- settings


def test_settings_defaults_are_the_schema_defaults_and_the_bundled_config():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert ExclusionSettings.from_config({}) == ExclusionSettings.from_config(config["exclusions"])
    settings = ExclusionSettings.from_config({"speeder": {"enabled": False}})
    assert not settings.speeder and settings.speeder_fraction == 0.3
    assert settings.blocks == ("B",) and settings.min_share_answered == 0.8


def test_settings_reject_unknown_keys():
    with pytest.raises(ValueError, match="unknown step"):
        ExclusionSettings.from_config({"speeders": {"enabled": False}})
    with pytest.raises(ValueError, match="unknown setting.*fraction"):
        ExclusionSettings.from_config({"speeder": {"fraction": 0.2}})


# --------------------------------------------------------------------------- against the truth


def test_flow_equals_planted_counts_per_sample_case_and_step(result, synthetic):
    assert_flow_matches_truth(result.flow, synthetic.truth["quality_problems"])


def test_generated_frame_is_the_bundled_study(synthetic, bundled_truth):
    """The frame built from generate() is the bundled data: its truth is the bundled truth."""
    assert synthetic.truth["quality_problems"] == bundled_truth["quality_problems"]
    assert synthetic.truth["design"] == bundled_truth["design"]


def test_included_rows_are_exactly_clean_and_flagged_straightliners(result, synthetic):
    planted = synthetic.responses.set_index("response_id")["planted"]
    included = set(result.clean["response_id"])
    assert included == set(planted.index[planted.isin(KEPT)])
    assert len(result.clean) == len(included)
    flagged = result.exclusions.set_index("response_id")["straightliner"]
    assert set(flagged.index[flagged]) == set(
        planted.index[planted.isin(["straightliner", "straightliner_careless"])]
    )


def test_excluded_at_is_the_planted_problem(result, synthetic):
    planted = synthetic.responses.set_index("response_id")["planted"]
    step = result.exclusions.set_index("response_id")["excluded_at"]
    expected = planted.map({problem: step for step, problem in PLANTED_AT.items()})
    pd.testing.assert_series_equal(
        step.astype("object").fillna("kept"),
        expected.astype("object").fillna("kept")[step.index],
        check_names=False,
    )


def test_flow_rows_add_up(result, frame):
    flow = result.flow
    assert list(flow.columns) == [
        "sample",
        "case",
        "step",
        "step_number",
        "enabled",
        "excluded",
        "remaining",
        "flagged_kept",
    ]
    assert list(flow["case"].cat.categories) == [
        "north_city",
        "east_county",
        "west_city",
        "south_county",
        ALL,
    ]
    assert list(flow["sample"].cat.categories) == ["1", "2", ALL]
    for (_, _), group in flow.groupby(["sample", "case"], observed=True, sort=False):
        received = group["remaining"].iloc[0]
        assert list(group["step"]) == ["received", *STEPS]
        assert received - group["excluded"].iloc[1:].sum() == group["remaining"].iloc[-1]
    assert cell(flow, ALL, ALL, "received")["remaining"] == len(frame)
    assert cell(flow, ALL, ALL, "attention_fail")["remaining"] == len(result.clean)


def test_exclusions_frame_layout(result, frame):
    ex = result.exclusions
    assert list(ex.columns) == [
        "response_id",
        "sample",
        "case",
        *FLAG_COLUMNS,
        "included",
        "excluded_at",
    ]
    assert len(ex) == len(frame) and ex["response_id"].is_unique
    for flag in FLAG_COLUMNS:
        assert ex[flag].dtype == bool
    assert list(ex["excluded_at"].cat.categories) == list(STEPS)
    assert (ex["included"] == ex["excluded_at"].isna()).all()


def test_clean_frame_has_the_input_columns_and_design(result, frame, study):
    design = design_columns(study)
    assert design == [
        "case",
        "authority_type",
        "strategy_outcome",
        "group_id",
        "service_id",
        "service_class",
    ]
    # The item whose id is `case` is replaced by the design column of that name.
    assert set(result.clean.columns) == set(frame.columns) | set(design)
    assert result.clean["case"].dtype == "category"
    for column in frame.columns:
        if column not in design:
            assert result.clean[column].dtype == frame[column].dtype, column


# --------------------------------------------------------------------------- switches


@pytest.mark.parametrize("step", STEPS)
def test_switching_a_step_off_carries_its_responses_forward(step, frame, study, result):
    settings = ExclusionSettings.from_config({step: {"enabled": False}})
    off = apply_exclusions(frame, study, settings)
    rows = off.flow[off.flow["step"].eq(step)]
    assert rows["excluded"].eq(0).all() and not rows["enabled"].any()
    assert off.flow[off.flow["step"].ne(step) & off.flow["step"].ne("received")]["enabled"].all()
    before = result.exclusions.set_index("response_id")["excluded_at"].astype("object")
    after = off.exclusions.set_index("response_id")["excluded_at"].astype("object")
    moved = before.eq(step).fillna(False)
    assert moved.sum() > 0
    # Every other response ends where it ended with the step on.
    pd.testing.assert_series_equal(after[~moved], before[~moved])
    # The step's responses are carried forward: included, or caught by a later step.
    later = set(STEPS[STEPS.index(step) + 1 :])
    assert after[moved].map(lambda s: pd.isna(s) or s in later).all()
    # Its flag is still computed.
    flags = off.exclusions.set_index("response_id")[step]
    assert flags[moved[moved].index].all()


def test_switching_incomplete_off_lets_the_speeder_step_catch_the_fast_ones(frame, study):
    off = apply_exclusions(
        frame, study, ExclusionSettings.from_config({"incomplete": {"enabled": False}})
    )
    assert cell(off.flow, ALL, ALL, "incomplete")["excluded"] == 0
    assert cell(off.flow, ALL, ALL, "speeder")["excluded"] > 22


def test_exclude_all_straightliners(frame, study, synthetic):
    settings = ExclusionSettings.from_config({"straightliner": {"exclude_straightliners": True}})
    outcome = apply_exclusions(frame, study, settings)
    total = synthetic.truth["quality_problems_total"]
    row = cell(outcome.flow, ALL, ALL, "straightliner")
    assert row["excluded"] == total["straightliner"] + total["straightliner_careless"]
    assert row["flagged_kept"] == 0


def test_thresholds_come_from_the_settings(frame, study, synthetic):
    # A speeder fraction above every planted speeder's and careless straight-liner's share
    # of the median catches the careless ones at the speeder step instead.
    settings = ExclusionSettings.from_config({"speeder": {"speeder_fraction": 0.5}})
    outcome = apply_exclusions(frame, study, settings)
    total = synthetic.truth["quality_problems_total"]
    assert cell(outcome.flow, ALL, ALL, "speeder")["excluded"] == (
        total["speeder"] + total["straightliner_careless"]
    )
    assert cell(outcome.flow, ALL, ALL, "straightliner")["excluded"] == 0


def test_missing_case_gets_its_own_unknown_row(frame, study):
    item = study.codebook.role_item("case")
    changed = frame.copy()
    changed.loc[changed.index[:3], item] = pd.NA
    outcome = apply_exclusions(changed, study, ExclusionSettings.from_config({}))
    assert UNKNOWN_CASE in outcome.flow["case"].cat.categories
    assert cell(outcome.flow, ALL, UNKNOWN_CASE, "received")["remaining"] == 3
    assert outcome.exclusions["case"].isna().sum() == 3


# --------------------------------------------------------------------------- criteria


def metadata(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "respondent": [""] * n,
        "start": pd.date_range("2025-03-03", periods=n, freq="h"),
        "finished": [True] * n,
    }
    return pd.DataFrame({**base, **columns})


def test_duplicates_keep_the_first_finished_response():
    frame = metadata(
        respondent=["P1", "P1", "P1", "P2", "P2", "", "", "P3"],
        finished=[False, True, True, False, False, True, True, True],
    )
    frame["start"] = frame["start"][::-1].to_numpy()  # later rows start earlier
    everyone = pd.Series(True, index=frame.index)
    flags = duplicates(frame, everyone)
    # P1: rows 1 and 2 finished; row 2 starts first. P2: none finished; row 4 is first.
    assert flags.tolist() == [True, True, False, True, False, False, False, False]


def test_duplicates_choose_the_keeper_among_the_remaining():
    frame = metadata(respondent=["P1", "P1"])
    remaining = pd.Series([False, True])  # the first was excluded before (e.g. a preview)
    assert duplicates(frame, remaining).tolist() == [True, False]


def test_dont_know_counts_as_answered_and_conditional_items_do_not_count(frame, study):
    cb = study.codebook
    row = frame.iloc[[0]].copy()
    conditional = list(cb.items.index[cb.items["asked_if_item"].notna()])
    row[conditional] = pd.NA
    assert answered_share(row, cb).iloc[0] == 1.0
    block = cb.items_in(block="B")
    row[block] = 8  # "don't know"
    assert answered_share(row, cb).iloc[0] == 1.0
    row[block] = pd.NA
    counted = len(cb.items) - len(conditional) - 1  # the free-text item is not counted
    assert answered_share(row, cb).iloc[0] == pytest.approx(1 - len(block) / counted)


def test_longstring_ignores_missing_codes_and_needs_two_answers(study):
    cb = study.codebook
    block = cb.items_in(block="B")
    rows = pd.DataFrame([[3] * len(block)] * 5, columns=block, dtype="Int64")
    rows.loc[1, block[:5]] = 8  # "don't know" in a flat line: still flat
    rows.loc[2, block[0]] = 4  # one different answer
    rows.loc[3, block[1:]] = 8  # a single valid answer
    rows.loc[4, block] = pd.NA  # nothing answered
    assert straightliners(rows, cb, ["B"]).tolist() == [True, True, False, False, False]
    with pytest.raises(ValueError, match="not in the codebook"):
        straightliners(rows, cb, ["no_such_block"])


def test_attention_check_blank_fails_only_when_configured(study):
    cb = study.codebook
    item = cb.items_in(role="attention_check")[0]
    expected = int(cb.items.loc[item, "expected_code"])
    rows = pd.DataFrame({item: [expected, expected - 1, pd.NA]}, dtype="Int64")
    assert attention_failures(rows, cb).tolist() == [False, True, False]
    assert attention_failures(rows, cb, blank_fails=True).tolist() == [False, True, True]


# --------------------------------------------------------------------------- design


def test_design_keeps_every_registry_category(frame, study):
    item = study.codebook.role_item("case")
    one_case = frame[frame[item].eq(1)].head(5)
    design = add_design(one_case, study)
    assert list(design["case"].cat.categories) == list(study.cases.index)
    assert design["case"].nunique() == 1
    assert list(design["service_class"].cat.categories) == list(study.service_classes.index)
    assert list(design["group_id"].cat.categories) == list(study.stakeholder_groups.index)
    assert list(design["service_id"].cat.categories) == list(study.services.index)
    assert list(design["strategy_outcome"].cat.categories) == ["succeeded", "struggled"]
    assert list(design["authority_type"].cat.categories) == ["city", "county"]
    services = study.services
    assert (
        design["service_class"].astype(str)
        == design["service_id"].astype(str).map(services["service_class"])
    ).all()


def test_design_rejects_codes_outside_the_registry(frame, study):
    item = study.codebook.role_item("stakeholder_group")
    broken = frame.head(3).copy()
    broken.loc[broken.index[0], item] = 99
    with pytest.raises(ValueError, match=r"code\(s\) \[99\] are not in its registry"):
        add_design(broken, study)


# --------------------------------------------------------------------------- the rules


TARGETS = [
    "results/resources/instrument.csv",
    "results/clean/flow.csv",
    "results/scoring/scores.parquet",
    "results/scoring/prorated.csv",
]


def jobs_to_run(output: str) -> set[str]:
    """Rule names from the job-stats table of a dry run."""
    table = output.split("Job stats:", 1)[1] if "Job stats:" in output else ""
    names = set()
    for line in table.splitlines()[3:]:
        match = re.match(r"^(\S+)\s+\d+$", line.strip())
        if not match or match.group(1) == "total":
            break
        names.add(match.group(1))
    return names


@pytest.mark.workflow
def test_changing_an_exclusion_setting_reruns_exactly_the_downstream_rules(run_copy, synthetic):
    # The real chain (screen, ingest, exclusions, score) in a copy of the session's run.
    study_copy = run_copy
    flow = pd.read_csv(study_copy / "results" / "clean" / "flow.csv", dtype={"sample": str})
    assert_flow_matches_truth(flow, synthetic.truth["quality_problems"])
    unchanged = run(study_copy, "--dry-run", *TARGETS)
    assert unchanged.returncode == 0, unchanged.stderr
    assert jobs_to_run(unchanged.stdout + unchanged.stderr) == set()

    config = study_copy / "config" / "config.yaml"
    text = config.read_text()
    switched = re.sub(r"(  speeder:\n    enabled: )true", r"\1false", text, count=1)
    assert switched != text
    config.write_text(switched)
    dry = run(study_copy, "--dry-run", *TARGETS)
    assert dry.returncode == 0, dry.stderr
    output = dry.stdout + dry.stderr
    assert jobs_to_run(output) == {"exclusions", "score"}, output
    assert "params have changed since last execution" in output

    # Running it applies the switch: the speeder step excludes nobody.
    second = run(study_copy, *TARGETS)
    assert second.returncode == 0, second.stderr
    flow = pd.read_csv(study_copy / "results" / "clean" / "flow.csv", dtype={"sample": str})
    assert flow.loc[flow["step"].eq("speeder"), "excluded"].eq(0).all()
    assert not flow.loc[flow["step"].eq("speeder"), "enabled"].any()
    assert "speeder=False" in (study_copy / "logs" / "clean" / "exclusions.log").read_text()
