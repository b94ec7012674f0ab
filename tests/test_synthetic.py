"""The synthetic study: deterministic, and with the sizes and rates its model plants."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from coprod.errors import StudyInputError
from coprod.synthetic.model import load_model
from coprod.synthetic.study import QUALITY_PROBLEMS, generate
from coprod.synthetic.writers import write_study
from tests.conftest import REPO


@pytest.fixture(scope="module")
def small_model(model):
    # Same model, smaller population draw: keeps the determinism test quick.
    return {**model, "population_size": 8000}


@pytest.fixture(scope="module")
def synthetic(study, small_model):
    return generate(study, small_model)


def test_same_seed_gives_byte_identical_files(study, small_model, tmp_path):
    first = write_study(generate(study, small_model), study, small_model, tmp_path / "a")
    second = write_study(generate(study, small_model), study, small_model, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"
    other = generate(study, small_model, seed=small_model["seed"] + 1)
    write_study(other, study, small_model, tmp_path / "c")
    assert (tmp_path / "c" / "survey_sample1.csv").read_bytes() != first[0].read_bytes()


def test_design_sizes(synthetic, small_model, study):
    clean = synthetic.responses[synthetic.responses["planted"] == "clean"]
    cells = clean.groupby(["sample", "case"]).size()
    assert len(cells) == 2 * len(study.cases)
    assert (cells == small_model["respondents_per_case_sample"]).all()
    politicians = study.stakeholder_groups.loc["politicians", "code"]
    per_cell = clean[clean["stakeholder_group"] == politicians].groupby(["sample", "case"]).size()
    low, high = small_model["group_counts"]["politicians"]
    assert per_cell.between(low, high).all() and len(per_cell) == 8


def test_planted_problem_counts_match_truth(synthetic, study):
    truth = synthetic.truth
    responses = synthetic.responses
    case_of = responses["case"]
    for sample, by_case in truth["quality_problems"].items():
        for case, counts in by_case.items():
            for problem, count in counts.items():
                rows = responses[
                    (responses["sample"] == int(sample))
                    & (case_of == study.cases.loc[case, "code"])
                    & (responses["planted"] == problem)
                ]
                assert len(rows) == count, (sample, case, problem)


def test_problem_rates_are_as_modelled(synthetic, small_model):
    n_clean = 8 * small_model["respondents_per_case_sample"]
    totals = synthetic.truth["quality_problems_total"]
    for problem in QUALITY_PROBLEMS:
        rate = small_model["quality"][problem]
        expected = n_clean * rate
        # within 3.5 binomial standard deviations of the modelled rate
        assert abs(totals[problem] - expected) <= 3.5 * np.sqrt(n_clean * rate * (1 - rate)) + 1


def test_problems_look_like_what_they_are(synthetic, study):
    r = synthetic.responses
    cb = study.codebook
    median = r.loc[r["planted"] == "clean", "duration"].median()
    assert (r.loc[r["planted"] == "speeder", "duration"] < 0.3 * median).all()
    assert (r.loc[r["planted"] == "clean", "duration"] > 0.6 * median).all()
    assert not r.loc[r["planted"] == "incomplete", "finished"].any()
    assert (r.loc[r["planted"] == "preview", "status"] == "preview").all()
    barrier_items = [i for s in cb.scores.index if s.endswith("_met") for i in cb.scale_items(s)]
    flat = r[barrier_items].nunique(axis=1) == 1
    assert set(r.loc[flat, "planted"]) == {"straightliner", "straightliner_careless"}
    attention = cb.items_in(role="attention_check")[0]
    failed = r[attention] != cb.items.loc[attention, "expected_code"]
    assert (r.loc[r["planted"] == "attention_fail", attention] != 4).all()
    assert not failed[r["planted"].isin(["clean", "straightliner"])].any()
    dupes = r[r["planted"] == "duplicate"]
    originals = r[r["planted"] == "clean"].set_index("respondent")
    assert (
        dupes["start"].to_numpy() > originals.loc[dupes["respondent"], "start"].to_numpy()
    ).all()


def test_dont_know_rate(synthetic, small_model):
    clean = synthetic.responses[synthetic.responses["planted"] == "clean"]
    items = [c for c in clean.columns if re.fullmatch(r"B\d_\d", c)]
    share = clean[items].eq(8).to_numpy().mean()
    assert 0.02 < share < 0.07


def test_population_reliabilities(synthetic):
    alphas = synthetic.truth["population"]["cronbach_alpha"]
    weak = [s for s, a in alphas.items() if a < 0.70]
    assert weak == ["B4_met"]
    assert 0.55 <= alphas["B4_met"] <= 0.65
    assert all(0.70 <= a <= 0.90 for s, a in alphas.items() if s != "B4_met")


def test_focus_groups(synthetic, study, small_model):
    seg = synthetic.segments
    per_group = seg.groupby("focus_group").agg(
        turns=("turn", "size"), speakers=("speaker", "nunique"), cells=("case", "first")
    )
    assert len(per_group) == len(study.cases) * 2 * len(study.service_classes)
    assert per_group["turns"].between(40, 80).all()
    assert per_group["speakers"].le(10).all()
    codings = synthetic.codings
    assert set(codings["coder"]) == set(small_model["focus_groups"]["coders"])
    assert set(codings["code"]) <= set(study.focus_group_codes.index)
    fg = synthetic.truth["focus_group_codes"]
    unreliable = [c for c, v in fg.items() if v["expected_krippendorff_alpha"] < 0.667]
    assert unreliable == ["risk_accountability"]


def test_no_personal_data_in_text(synthetic):
    text = " ".join(synthetic.segments["text"]) + " ".join(synthetic.responses["comment"])
    assert not re.search(r"@|\b\d{5,}\b|https?://|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", text)


def test_bundled_exports_read_back_as_survey_tools_write_them(study):
    raw = REPO / "resources" / "raw"
    header = pd.read_csv(raw / "survey_sample1.csv", nrows=2, encoding="utf-8-sig")
    assert list(header.columns[:3]) == ["StartDate", "EndDate", "Status"]
    assert json.loads(header.iloc[1]["Q6_1"]) == {"ImportId": "QID6_1"}
    assert header.iloc[0]["Q6_1"].startswith("To what extent did you meet")
    assert (raw / "survey_sample1.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    _, meta = pyreadstat.read_sav(raw / "survey_sample2.sav", metadataonly=True, user_missing=True)
    assert meta.variable_value_labels["B1_1"][8.0] == "Don't know"
    assert meta.missing_ranges["B1_1"] == [{"lo": 8.0, "hi": 8.0}]
    assert meta.column_names_to_labels["B1_1"] == study.codebook.items.loc["B1_1", "text"]


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda text: text.replace("\nstructure:", "\nnot_the_structure:"), "'structure'"),
        (
            lambda text: text.replace("  success: perceived", "  successes: perceived"),
            "'structure.success'",
        ),
        (
            lambda text: text.replace("rate: training_rate\n", "rate: training_share\n"),
            "'latent.staff.training_share' (named by structure.staff.training)",
        ),
    ],
)
def test_model_structure_errors_name_the_file_and_key(tmp_path, edit, key):
    path = tmp_path / "model.yaml"
    model_file = REPO / "resources" / "synthetic" / "model.yaml"
    path.write_text(edit(model_file.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(StudyInputError, match=re.escape(str(path))) as caught:
        load_model(path)
    assert f"missing key {key}" in str(caught.value)
