"""The county services study (studies/county_services): a second example study of another
design than the bundled one (six councils, three service classes, 7-point scales, yes/no
coded 1/2, "don't know" 98, three export forms), run from its committed exports, recovers
every data-quality problem and effect its script planted (studies/county_services/truth.json).

The study runs with the session run's reduced settings (:data:`tests.conftest.REDUCED`):
counts and point estimates are those of the full run, only bootstrap CIs and Monte Carlo
p values are less precise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import REDUCED, REPO, output, run

STUDY = REPO / "studies" / "county_services"
TRUTH = json.loads((STUDY / "truth.json").read_text(encoding="utf-8"))
# |population rank-biserial r| above which a service-class difference counts as planted;
# the planted ones are 0.2-0.4, the others 0 by construction (under 0.005 in the draw).
PLANTED = 0.1
# What the staff model's planted coefficients are (truth: latent.effects_on_overcome).
STAFF_OUTCOME = "barrier_overcome_mean"
STRONG, MODEST, NULL = "training_received", "staff_skills_level", "staff_motivation_level"


def test_the_script_makes_the_committed_exports_byte_for_byte(tmp_path):
    result = subprocess.run(
        [sys.executable, str(STUDY / "make_exports.py"), "--out", str(tmp_path)]
        + ["--truth", str(tmp_path / "truth.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = {path.name: path for path in (STUDY / "resources" / "raw").iterdir()}
    committed["truth.json"] = STUDY / "truth.json"
    made = {path.name: path for path in tmp_path.iterdir()}
    assert sorted(made) == sorted(committed)
    differ = [name for name in made if made[name].read_bytes() != committed[name].read_bytes()]
    assert differ == []


def test_the_study_is_of_another_design_and_names_no_generator():
    config = yaml.safe_load((STUDY / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert config["synthetic"]["model"] is None
    assert sorted(entry["form"] for entry in config["raw"]["survey"]) == [
        "plain_csv",
        "qualtrics_csv",
        "spss_sav",
    ]
    resources = STUDY / "resources"
    assert len(pd.read_csv(resources / "cases.csv")) == 6
    assert len(pd.read_csv(resources / "service_classes.csv")) == 3
    groups = set(pd.read_csv(resources / "stakeholder_groups.csv")["group_id"])
    bundled = set(pd.read_csv(REPO / "resources" / "stakeholder_groups.csv")["group_id"])
    assert groups and not groups & bundled


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The study copied alone into a folder of its own (reduced), run to the end."""
    work = tmp_path_factory.mktemp("county") / "county_services"
    shutil.copytree(STUDY, work, ignore=shutil.ignore_patterns("results", "logs", ".snakemake"))
    path = work / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for (section, key), value in REDUCED.items():
        config[section][key] = value
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run(work)
    assert result.returncode == 0, output(result, 4000)
    return work / "results"


@pytest.mark.workflow
def test_every_exhibit_is_made_and_passes_the_disclosure_check(county):
    manifest = (county / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert len([line for line in manifest if "exhibits/figures/" in line]) == 7 * 3
    assert (county / "exhibits" / "disclosure_check.txt").read_text().startswith("Disclosure")


@pytest.mark.workflow
def test_the_flow_of_exclusions_equals_the_planted_problems(county):
    flow = pd.read_csv(county / "clean" / "flow.csv", dtype={"sample": str})
    flow = flow[flow["case"] == "all"]
    planted = {**TRUTH["quality_problems"]["per_sample"], "all": TRUTH["quality_problems"]["total"]}
    for sample, problems in planted.items():
        rows = flow[flow["sample"] == sample].set_index("step")
        expected = {
            "preview_test": problems["preview"] + problems["test"],
            "duplicate": problems["duplicate"],
            "incomplete": problems["incomplete"],
            "speeder": problems["speeder"],
            "straightliner": problems["straightliner_fast"],
            "attention_fail": problems["attention_fail"],
        }
        assert rows.loc[list(expected), "excluded"].astype(int).to_dict() == expected, sample
        assert int(rows.loc["received", "remaining"]) == problems["received"]
        assert int(rows.loc["straightliner", "flagged_kept"]) == problems["straightliner_kept"]
        assert int(rows.loc["attention_fail", "remaining"]) == problems["included"]


@pytest.mark.workflow
def test_the_staff_model_recovers_the_strong_the_modest_and_the_null_effect(county):
    population = TRUTH["population"]["staff_betas"][STAFF_OUTCOME]
    table = pd.read_parquet(county / "compare" / "staff_factor.parquet")
    rows = table[(table["analysis"] == "standardised_ols") & (table["outcome"] == STAFF_OUTCOME)]
    rows = rows.set_index("term")
    for term in (STRONG, MODEST, NULL):
        row = rows.loc[term]
        assert row["ci_low"] <= population[term] <= row["ci_high"], (term, row.to_dict())
    for term in (STRONG, MODEST):
        assert np.sign(rows.loc[term, "estimate"]) == np.sign(population[term]) == 1
        assert rows.loc[term, "p_adj"] < 0.05, term
    assert population[STRONG] > 2 * population[MODEST] > 0.2
    assert abs(population[NULL]) < 0.005 and rows.loc[NULL, "p_adj"] >= 0.05


def _service_class_pairs(county) -> pd.DataFrame:
    """Every pairwise rank-biserial r between service classes in the comparison records,
    beside its population value (oriented as the record's group_1 minus group_2)."""
    frames = [pd.read_parquet(path) for path in sorted((county / "compare").glob("*.parquet"))]
    records = pd.concat([f for f in frames if {"by", "group_1", "effect"} <= set(f.columns)])
    pairs = records[
        (records["by"] == "service_class")
        & (records["effect"] == "rank_biserial")
        & records["group_1"].notna()
        & records["group_2"].notna()
    ].copy()
    truth = TRUTH["population"]["service_class_pairs"]
    values = []
    for row in pairs.itertuples():
        forward = truth.get(f"{row.group_1} vs {row.group_2}")
        backward = truth.get(f"{row.group_2} vs {row.group_1}")
        pair = forward if forward is not None else backward
        value = pair[row.outcome]["rank_biserial"] if row.outcome in pair else np.nan
        values.append(value if forward is not None else -value)
    pairs["population"] = values
    return pairs.dropna(subset=["population"])


@pytest.mark.workflow
def test_the_service_classes_differ_where_planted_and_not_elsewhere(county):
    pairs = _service_class_pairs(county)
    classes = pd.read_csv(STUDY / "resources" / "service_classes.csv")["service_class"]
    assert set(pairs["group_1"]) | set(pairs["group_2"]) == set(classes)
    planted = pairs[pairs["population"].abs() > PLANTED]
    null = pairs[pairs["population"].abs() < 0.01]
    assert len(planted) == 6 and len(null) >= 24, pairs.to_string()
    assert (np.sign(planted["estimate"]) == np.sign(planted["population"])).all()
    assert (planted["p_adj"] < 0.05).all(), planted.to_string()
    covers = (planted["ci_low"] <= planted["population"]) & (
        planted["population"] <= planted["ci_high"]
    )
    assert covers.all(), planted.to_string()
    # the pair planted equal (regulatory and universal services) differs on nothing
    same = null[null["group_1"].isin(["regulatory", "universal"])]
    same = same[same["group_2"].isin(["regulatory", "universal"])]
    assert len(same) == 12 and (same["p_adj"] >= 0.05).all(), same.to_string()


@pytest.mark.workflow
def test_intercoder_agreement_is_the_planted_one(county):
    table = pd.read_parquet(county / "reliability" / "intercoder_reliability.parquet")
    realised = TRUTH["focus_groups"]["krippendorff_alpha_realised"]
    codes = table[table["code"].isin(realised)].set_index("code")
    assert len(codes) == len(realised)
    assert codes["krippendorff_alpha"].round(4).to_dict() == pytest.approx(realised, abs=1e-4)
    unreliable = list(codes.index[codes["flag"] == "unreliable"])
    assert unreliable == [TRUTH["focus_groups"]["unreliable_code"]]
