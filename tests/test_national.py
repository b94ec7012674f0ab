"""The national panel (studies/national_panel): the pipeline runs a panel of many areas drawn
by the generator, from the draw to the exhibits, and recovers what was planted.

The full panel (100,000 respondents) is the benchmark's (benchmarks/bench_national.py);
here the same study runs at 10,000 respondents, through the benchmark's own set-up.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from benchmarks.bench_national import prepare
from tests.conftest import REPO, output, run

STUDY = REPO / "studies" / "national_panel"
# |population value| of a rank-biserial r above which an effect counts as planted (the
# model's smallest planted shifts give |r| of about 0.1); under NULL it counts as none.
# Hedges' g is on about twice the scale of r (coprod.validation.design.NULL_TOLERANCE).
PLANTED, NULL = 0.05, 0.005
SCALE = {"rank_biserial": 1.0, "hedges_g": 2.0}


def test_the_panel_runs_from_its_own_folder_and_draws_itself_first():
    result = run(STUDY, "--dry-run", "--forceall", "--quiet", "rules")
    assert result.returncode == 0, output(result)
    for rule in ("simulate", "screen_anonymity", "ingest_survey", "compare_contrasts", "manifest"):
        assert rule in result.stdout, result.stdout
    config = yaml.safe_load((STUDY / "config" / "config.yaml").read_text(encoding="utf-8"))
    model = yaml.safe_load(
        (STUDY / "resources" / "synthetic" / "model.yaml").read_text(encoding="utf-8")
    )
    cases = pd.read_csv(STUDY / "resources" / "cases.csv")
    assert len(cases) * len(model["samples"]) * model["respondents_per_case_sample"] == 100_000
    assert config["exhibits"]["by"] in cases.columns  # a case attribute (the region)
    drawn = {f"results/synthetic/{entry['file']}" for entry in model["samples"]}
    assert {entry["path"] for entry in config["raw"]["survey"]} == drawn


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """The national panel at 10,000 respondents, run through the whole pipeline."""
    workdir = tmp_path_factory.mktemp("national")
    clean = prepare(workdir, 10_000, population_size=100_000)
    assert clean == 10_000
    result = run(workdir)  # another study than the bundled one: a run of its own
    assert result.returncode == 0, output(result, 4000)
    return workdir / "results"


@pytest.mark.workflow
def test_the_panel_ends_with_every_exhibit_and_passes_the_disclosure_check(panel):
    manifest = (panel / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    tables = [line for line in manifest if "exhibits/tables/" in line]
    figures = [line for line in manifest if "exhibits/figures/" in line]
    assert len(tables) >= 15 * 3 and len(figures) == 7 * 3
    assert (panel / "exhibits" / "disclosure_check.txt").read_text().startswith("Disclosure check")
    table5 = pd.read_csv(panel / "exhibits" / "tables" / "table05_barriers_met.csv")
    assert any(column.startswith("Region 1") for column in table5.columns)


@pytest.mark.workflow
def test_the_flow_of_exclusions_equals_the_planted_problems(panel):
    truth = json.loads((panel / "synthetic" / "truth.json").read_text(encoding="utf-8"))
    planted = truth["quality_problems_total"]
    flow = pd.read_csv(panel / "clean" / "flow.csv")
    pooled = flow[(flow["sample"] == "all") & (flow["case"] == "all")].set_index("step")
    expected = {
        "preview_test": planted["preview"],
        "duplicate": planted["duplicate"],
        "incomplete": planted["incomplete"],
        "speeder": planted["speeder"],
        "straightliner": planted["straightliner_careless"],
        "attention_fail": planted["attention_fail"],
    }
    assert pooled.loc[list(expected), "excluded"].astype(int).to_dict() == expected
    assert int(pooled.loc["straightliner", "flagged_kept"]) == planted["straightliner"]
    assert int(pooled.loc["attention_fail", "remaining"]) == 10_000 + planted["straightliner"]


def _contrast_recovery(panel) -> pd.DataFrame:
    """Every contrast's rank-biserial r and Hedges' g beside its population value."""
    truth = json.loads((panel / "synthetic" / "truth.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((panel.parent / "config" / "config.yaml").read_text("utf-8"))
    rows = []
    for name, spec in truth["population"]["contrasts"].items():
        (output,) = [
            contrast
            for contrast, settings in config["compare"]["contrasts"].items()
            if settings["column"] == spec["column"]
        ]
        table = pd.read_parquet(panel / "compare" / f"{output}.parquet")
        for row in table[table["effect"].isin(["rank_biserial", "hedges_g"])].itertuples():
            population = spec["values"].get(row.outcome, {}).get(row.effect)
            if population is None:
                continue
            rows.append(
                {
                    "estimand": f"{name}: {row.outcome} {row.effect}",
                    "scale": SCALE[row.effect],
                    "population": population,
                    "estimate": row.estimate,
                    "ci_low": row.ci_low,
                    "ci_high": row.ci_high,
                    "p_adj": row.p_adj,
                }
            )
    frame = pd.DataFrame(rows)
    frame["covers"] = (frame["ci_low"] <= frame["population"]) & (
        frame["population"] <= frame["ci_high"]
    )
    return frame


@pytest.mark.workflow
def test_the_contrasts_recover_the_planted_effects(panel):
    frame = _contrast_recovery(panel)
    assert len(frame) > 100
    planted = frame[frame["population"].abs() > PLANTED * frame["scale"]]
    null = frame[frame["population"].abs() < NULL * frame["scale"]]
    report = frame[~frame["covers"]].to_string()
    assert len(planted) >= 20 and len(null) >= 40
    # every planted effect found, with its sign, after correction
    assert (np.sign(planted["estimate"]) == np.sign(planted["population"])).all(), report
    assert (planted["p_adj"] < 0.05).all(), planted.to_string()
    # 95% intervals: about 1 in 20 may miss; far fewer nulls than that are significant
    assert frame["covers"].mean() >= 0.90, report
    assert (null["p_adj"] < 0.05).mean() <= 0.05, null.to_string()


@pytest.mark.workflow
def test_the_staff_models_recover_the_planted_coefficients(panel):
    truth = json.loads((panel / "synthetic" / "truth.json").read_text(encoding="utf-8"))
    betas = truth["population"]["staff_model"]["betas"]
    table = pd.read_parquet(panel / "compare" / "staff_factor.parquet")
    models = table[(table["analysis"] == "standardised_ols") & table["outcome"].isin(betas)]
    pairs = list(zip(models["outcome"], models["term"], strict=True))
    models = models[[term in betas[outcome] for outcome, term in pairs]]
    population = [betas[o][t] for o, t in zip(models["outcome"], models["term"], strict=True)]
    covers = (models["ci_low"] <= population) & (np.asarray(population) <= models["ci_high"])
    assert len(models) >= 40 and covers.mean() >= 0.9, models.assign(population=population)
    # staff skills, motivation and training: a key role in overcoming every barrier
    assert (models["estimate"] > 0).all() and (models["p_adj"] < 0.05).all()
