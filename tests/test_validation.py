"""The validation study: conditions, seeding and batches, truth matching, aggregation,
and a reduced validation run through Snakemake whose null rates meet the criteria."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from coprod.analyses.staff import staff_models
from coprod.synthetic.study import generate
from coprod.synthetic.truth import _standardised_betas
from coprod.validation.conditions import (
    batches,
    condition_model,
    population_model,
    replicate_model,
    replicate_seed,
    scale_effects,
)
from coprod.validation.design import ESTIMATE_COLUMNS
from coprod.validation.summary import cluster_mean, summarise, summary_markdown
from coprod.validation.truth import attach_truth, staff_population
from tests.conftest import copy_study, output, run


@pytest.fixture(scope="module")
def baseline(config):
    return config["validation"]["baseline"]


def numbers(node, path=""):
    """Every numeric leaf of a nested mapping, by dotted path."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(numbers(value, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(node, list):
        out = {}
        for i, value in enumerate(node):
            out.update(numbers(value, f"{path}.{i}"))
        return out
    if isinstance(node, int | float) and not isinstance(node, bool):
        return {path: float(node)}
    return {}


def under(path, prefixes):
    return any(path == p or path.startswith(f"{p}.") for p in prefixes)


# --------------------------------------------------------------------------- conditions


def test_null_model_zeroes_every_effect_and_keeps_the_baselines(model, baseline):
    null = scale_effects(model, 0.0, baseline=baseline)
    before, after = numbers(model["latent"]), numbers(null["latent"])
    assert before.keys() == after.keys()  # the structure (every named effect) is kept
    effects = [path for path in before if not under(path, baseline)]
    kept = [path for path in before if under(path, baseline)]
    assert len(effects) > 50 and kept
    assert all(after[path] == 0.0 for path in effects)
    assert not any(math.copysign(1.0, after[path]) < 0 for path in effects)  # no -0.0
    assert all(after[path] == before[path] for path in kept)
    # Some of the effects that the comparisons test are indeed non-zero in the model.
    assert sum(before[path] != 0 for path in effects) > 40
    # Everything outside `latent` is untouched, and the model itself is not changed.
    assert {k: v for k, v in null.items() if k != "latent"} == {
        k: v for k, v in model.items() if k != "latent"
    }
    assert numbers(model["latent"]) == before


def test_effect_scale_multiplies_effects_and_rejects_unknown_baselines(model, baseline):
    half = numbers(scale_effects(model, 0.5, baseline=baseline)["latent"])
    for path, value in numbers(model["latent"]).items():
        assert half[path] == (value if under(path, baseline) else 0.5 * value)
    assert scale_effects(model, 1.0, baseline=baseline) == model
    with pytest.raises(ValueError, match=r"\['nowhere.rate'\] are not in the model"):
        scale_effects(model, 0.0, baseline=["nowhere.rate"])


def test_condition_model_sets_the_sample_size(model, baseline):
    out = condition_model(model, effect_scale=0.0, respondents_per_case_sample=40)
    assert out["respondents_per_case_sample"] == 40
    same = condition_model(model, effect_scale=1.0, baseline=baseline)
    assert same["respondents_per_case_sample"] == model["respondents_per_case_sample"]


def test_replicates_draw_the_responses_of_the_full_model(study, model):
    # The replicate model only shrinks what is drawn after the responses.
    small = replicate_model(model, study)
    assert small["population_size"] < model["population_size"]
    full = generate(study, {**model, "population_size": 8000}, seed=7).responses
    pd.testing.assert_frame_equal(generate(study, small, seed=7).responses, full)


def test_population_model_gives_fixed_count_groups_their_share():
    model = {
        "respondents_per_case_sample": 100,
        "group_shares": {"a": 0.6, "b": 0.4},
        "group_counts": {"c": [3, 7]},
    }
    out = population_model(model)
    assert out["group_counts"] == {}
    assert out["group_shares"] == pytest.approx({"a": 0.57, "b": 0.38, "c": 0.05})
    assert model["group_counts"] == {"c": [3, 7]}


# --------------------------------------------------------------------------- seeds and batches


def test_batches_and_seeds():
    assert [list(b) for b in batches(25, 10)] == [
        list(range(10)),
        list(range(10, 20)),
        [20, 21, 22, 23, 24],
    ]
    assert [list(b) for b in batches(3, 10)] == [[0, 1, 2]]
    assert replicate_seed(20261128, 1_000_000, 5) == 21261133
    with pytest.raises(ValueError, match="must be positive"):
        batches(0, 10)


# --------------------------------------------------------------------------- truth


def test_attach_truth_flips_reversed_contrasts_and_classifies_nulls():
    key, none = {"term": "", "contrast": "x vs y"}, {"term": "", "contrast": ""}
    truth = pd.DataFrame(
        [
            {"analysis": "c", "outcome": "s1", "effect": "rank_biserial", "truth": 0.30, **key},
            {"analysis": "c", "outcome": "s2", "effect": "rank_biserial", "truth": 0.01, **key},
            {"analysis": "a", "outcome": "s1", "effect": "epsilon_squared", "truth": 0.001, **none},
            {"analysis": "m", "outcome": "s1", "effect": "mean", "truth": 3.0, **none},
        ]
    )
    estimates = pd.DataFrame(
        {
            "analysis": ["c", "c", "c", "c", "a", "m", "c"],
            "outcome": ["s1", "s1", "s2", "s2", "s1", "s1", "s9"],
            "term": "",
            "effect": ["rank_biserial", "rank_biserial", "rank_biserial", "log_odds_ratio"]
            + ["epsilon_squared", "mean", "rank_biserial"],
            "contrast": ["x vs y", "y vs x", "x vs y", "x vs y", "all levels", "", "x vs y"],
            "p": [0.01, 0.01, 0.5, 0.5, 0.2, np.nan, 0.3],
        }
    )
    out = attach_truth(estimates, truth)
    assert out["truth"].tolist()[:6] == [0.30, -0.30, 0.01, 0.0, 0.001, 3.0]
    assert np.isnan(out["truth"].iloc[6])  # no population value: unknown
    # |0.01| <= 0.025 is null; epsilon-squared 0.001 > 0.0004 is not; no test, no truth: NA
    assert out["null_effect"].tolist()[:5] == [False, False, True, True, False]
    assert out["null_effect"].iloc[5:].isna().all()
    wide = attach_truth(estimates, truth, {"epsilon_squared": 0.01})
    assert bool(wide["null_effect"].iloc[4])


def test_population_staff_values_are_the_comparisons_own():
    rng = np.random.default_rng(11)
    n = 3000
    frame = pd.DataFrame(
        {
            "skills": rng.normal(size=n),
            "support": rng.normal(size=n),
            "trained": (rng.random(n) < 0.4).astype(float),
            "site": pd.Categorical(rng.choice(["p", "q", "r"], size=n)),
        }
    )
    frame["y"] = 0.4 * frame["skills"] + 0.3 * frame["trained"] + rng.normal(size=n)
    frame.loc[::13, "y"] = np.nan
    terms = ["skills", "trained", "support"]
    values = staff_population(frame, "y", ["skills", "trained"], terms, ["site"])
    catalogue = pd.DataFrame(
        {"label": "x", "outcome_label": "x", "kind": "k", "measure": "m"}, index=["y", *terms]
    )
    table = staff_models(
        frame,
        catalogue,
        outcomes=["y"],
        predictors=["skills", "trained"],
        covariates=["support"],
        fixed_effects=["site"],
        family="s",
        covariate_family="c",
        partial_family="p",
    )
    ols = table[table["analysis"] == "standardised_ols"].set_index("term")["estimate"]
    partial = table[table["analysis"] == "partial_correlation"].set_index("term")["estimate"]
    assert values["standardised_beta"] == pytest.approx(ols.to_dict(), abs=1e-9)
    assert values["partial_r"] == pytest.approx(partial.to_dict(), abs=1e-6)
    betas = _standardised_betas(frame, "y", terms, ["site"])  # how truth.json computes them
    assert values["standardised_beta"] == pytest.approx(betas, abs=1e-4)


# --------------------------------------------------------------------------- aggregation


def rows(estimate, truth, ci_low, ci_high, p, replicate, null=True, method="m", family="f"):
    return pd.DataFrame(
        {
            "condition": "c",
            "replicate": replicate,
            "analysis": family,
            "outcome": [f"s{i}" for i in range(len(estimate))],
            "term": "",
            "effect": "e",
            "method": method,
            "estimate": estimate,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "p": p,
            "p_adj": np.minimum(np.asarray(p, float) * 2, 1),
            "truth": truth,
            "null_effect": pd.array([null] * len(estimate), dtype="boolean"),
        }
    )


def test_cluster_mean_by_hand():
    # One value per cluster: the SD over sqrt(R).
    mean, se = cluster_mean(pd.Series([1.0, 2.0, 6.0]), pd.Series([0, 1, 2]))
    assert mean == 3.0 and se == pytest.approx(np.std([1, 2, 6], ddof=1) / np.sqrt(3))
    # Clusters of 2 and 1 values: sums 3 and 6 over counts 2 and 1 -> mean 3;
    # residuals 3 - 3*2 = -3 and 6 - 3*1 = 3 -> sqrt(18 / 2) / 1.5 = 2.
    mean, se = cluster_mean(pd.Series([1.0, 2.0, 6.0, np.nan]), pd.Series([0, 0, 1, 1]))
    assert (mean, se) == (3.0, 2.0)
    assert np.isnan(cluster_mean(pd.Series([1.0]), pd.Series([0]))[1])


def test_summary_metrics_by_hand():
    # Four replicates of one null estimand with truth 0.
    estimates = pd.concat(
        [
            rows([0.1], [0.0], [-0.1], [0.3], [0.20], 0),
            rows([-0.2], [0.0], [-0.4], [-0.05], [0.01], 1),
            rows([0.3], [0.0], [0.1], [0.5], [0.03], 2),
            rows([0.2], [0.0], [-0.1], [0.5], [0.40], 3),
        ]
    )
    row = summarise(estimates, alpha=0.05).set_index("family").loc["all"]
    errors = np.array([0.1, -0.2, 0.3, 0.2])
    assert row["n_replicates"] == 4 and row["n_estimands"] == 1
    assert row["bias"] == pytest.approx(0.1)
    assert row["bias_mcse"] == pytest.approx(errors.std(ddof=1) / 2)
    assert row["rmse"] == pytest.approx(np.sqrt((0.01 + 0.04 + 0.09 + 0.04) / 4))  # sqrt(0.045)
    mse_se = (errors**2).std(ddof=1) / 2
    assert row["rmse_mcse"] == pytest.approx(mse_se / (2 * np.sqrt(0.045)))
    assert row["coverage"] == 0.5  # replicates 1 and 2 miss 0
    assert row["coverage_mcse"] == pytest.approx(np.std([1, 0, 0, 1], ddof=1) / 2)
    assert row["type_i_error"] == 0.5 and row["n_type_i_error_tests"] == 4  # p 0.01, 0.03
    assert row["type_i_error_adjusted"] == 0.25  # p_adj 0.02, 0.06
    assert np.isnan(row["power"]) and row["n_power_tests"] == 0


def test_summary_splits_type_i_error_from_power_and_families():
    estimates = pd.concat(
        [
            rows([0.0, 0.5], [0.0, 0.4], [-1, 0], [1, 1], [0.5, 0.001], 0, family="f1"),
            rows([0.1, 0.4], [0.0, 0.4], [-1, 0], [1, 1], [0.01, 0.2], 1, family="f1"),
            rows([2.0], [1.0], [1.5], [2.5], [np.nan], 0, family="f2"),
        ]
    )
    estimates["null_effect"] = pd.array([True, False, True, False, pd.NA], dtype="boolean")
    summary = summarise(estimates, alpha=0.05).set_index("family")
    overall = summary.loc["all"]
    assert overall["type_i_error"] == 0.5 and overall["power"] == 0.5
    assert overall["n_estimands"] == 3 and overall["coverage"] == pytest.approx(4 / 5)
    f2 = summary.loc["f2"]
    assert f2["bias"] == 1.0 and f2["coverage"] == 0.0 and np.isnan(f2["type_i_error"])
    report = summary_markdown(
        summarise(estimates, alpha=0.05), alpha=0.05, max_type_i_error=0.07, min_coverage=0.9
    )
    assert "fails: type I error, coverage" in report


def test_summary_rates_are_cluster_means_of_unbalanced_replicates():
    rng = np.random.default_rng(4)
    n = 60
    estimates = rows(
        rng.normal(size=n),
        np.zeros(n),
        rng.normal(-1, 0.5, size=n),
        rng.normal(1, 0.5, size=n),
        rng.random(n),
        rng.integers(0, 7, size=n),
    )
    estimates.loc[::7, "estimate"] = np.nan  # failed fits
    estimates.loc[::5, "p"] = np.nan
    row = summarise(estimates, alpha=0.3).iloc[0]
    replicate = estimates["replicate"]
    error = estimates["estimate"] - estimates["truth"]
    assert (row["bias"], row["bias_mcse"]) == pytest.approx(cluster_mean(error, replicate))
    covers = (estimates["ci_low"] <= 0) & (estimates["ci_high"] >= 0)
    assert (row["coverage"], row["coverage_mcse"]) == pytest.approx(
        cluster_mean(covers.astype(float), replicate)
    )
    reject = (estimates["p"] < 0.3).astype(float).where(estimates["p"].notna())
    assert (row["type_i_error"], row["type_i_error_mcse"]) == pytest.approx(
        cluster_mean(reject, replicate)
    )
    assert row["n_failed"] == 9 and row["n_tests"] == 48 and row["n_estimands"] == 60


# --------------------------------------------------------------------------- the workflow

MIN_COUNT = 100  # tests (or CIs) of a method in the reduced run for its rate to be judged
REDUCED = {
    "n_replicates": 8,
    "replicates_per_job": 4,
    "population_size": 20000,
    "conditions": {
        "null_effects": {"effect_scale": 0.0, "seed_offset": 0},
        "planted": {"effect_scale": 1.0, "seed_offset": 1000000, "n_replicates": 2},
    },
}


@pytest.fixture(scope="module")
def reduced_validation(tmp_path_factory):
    """A reduced validation run through Snakemake in a copy of the study.

    Not the session's run (tests/conftest.py): `validation` is a target of its own, outside
    the default one, and it validates the analyses with the study's full-size settings
    (`compare.n_mc`), which the session's run reduces.
    """
    workdir = copy_study(tmp_path_factory.mktemp("validation"))
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["validation"].update(REDUCED)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run(workdir, "validation")
    assert result.returncode == 0, output(result, 4000)
    return workdir / "results" / "validation"


@pytest.mark.workflow
def test_reduced_validation_writes_batches_truth_and_summary(reduced_validation):
    null = sorted(p.name for p in (reduced_validation / "null_effects").iterdir())
    assert null == ["batch_000.parquet", "batch_001.parquet", "truth.json"]
    batch = pd.read_parquet(reduced_validation / "null_effects" / "batch_001.parquet")
    assert sorted(batch["replicate"].unique()) == [4, 5, 6, 7]
    assert sorted(batch["seed"].unique()) == [20261128 + r for r in range(4, 8)]
    assert list(batch.columns) == list(ESTIMATE_COLUMNS)
    truth = json.loads((reduced_validation / "null_effects" / "truth.json").read_text())
    assert truth["effect_scale"] == 0.0 and truth["n_drawn"] == 20000
    summary = pd.read_csv(reduced_validation / "summary.csv")
    assert set(summary["condition"]) == {"null_effects", "planted"}
    assert (reduced_validation / "summary.md").read_text().startswith("# Validation")
    for stem in ("figure_validation", "figure_validation_estimands"):
        for suffix in ("png", "pdf", "svg"):
            assert (reduced_validation / f"{stem}.{suffix}").stat().st_size > 10_000


def test_recovery_figure_has_a_panel_per_method_with_a_population_value():
    from coprod.validation.figures import recovery

    estimands = pd.DataFrame(
        {
            "condition": ["null", "planted", "planted", "planted"],
            "method": ["t", "t", "ordinal", "share"],
            "truth": [0.0, 0.3, np.nan, 0.4],
            "bias": [0.01, -0.02, 0.1, 0.0],
            "bias_mcse": [0.01, 0.01, 0.02, np.nan],
        }
    )
    figure = recovery(estimands, method_labels={"share": "a share", "t": "a t test"})
    titles = [ax.get_title(loc="left") for ax in figure.axes if ax.get_visible()]
    assert titles == ["a share", "a t test"]  # label order; no population value: no panel
    with pytest.raises(ValueError, match="no estimand has both a population value"):
        recovery(estimands[estimands["method"] == "ordinal"], method_labels={})


def test_validation_figure_draws_each_defined_rate_with_its_interval():
    from coprod.validation.figures import PANELS, operating_characteristics

    rows = []
    for condition, rate in (("null", 0.05), ("planted", 0.04)):
        for method, tested in (("t", True), ("share", False)):
            rows.append(
                {
                    "condition": condition,
                    "method": method,
                    "method_label": f"{method} method",
                    "family": "all",
                    "type_i_error": rate if tested else np.nan,
                    "type_i_error_mcse": 0.01 if tested else np.nan,
                    "n_type_i_error_tests": 100 if tested else 0,
                    "coverage": 0.95,
                    "coverage_mcse": 0.01,
                    "n_ci": 100,
                    "power": 0.8 if tested and condition == "planted" else np.nan,
                    "power_mcse": 0.02,
                    "n_power_tests": 50 if tested and condition == "planted" else 0,
                    "bias": 0.01,
                    "bias_mcse": np.nan,
                    "n_estimates": 100,
                }
            )
    summary = pd.DataFrame(rows)
    summary = pd.concat([summary, summary.assign(family="contrast")], ignore_index=True)
    figure = operating_characteristics(summary, alpha=0.05, max_type_i_error=0.07, min_coverage=0.9)
    # a point per defined (condition, method) and panel; an interval where it has an MC SE
    expected_points = {"type_i_error": 2, "coverage": 4, "power": 1, "bias": 4}
    expected_intervals = {"type_i_error": 2, "coverage": 4, "power": 1, "bias": 0}
    for ax, (metric, _, _) in zip(figure.axes, PANELS, strict=True):
        lines = [line for line in ax.get_lines() if len(line.get_xdata()) in (1, 2)]
        points = [line for line in lines if line.get_marker() not in ("None", None, "")]
        intervals = [line for line in lines if len(line.get_xdata()) == 2 and line not in points]
        intervals = [line for line in intervals if line.get_linestyle() == "-"]
        assert len(points) == expected_points[metric], metric
        assert len(intervals) == expected_intervals[metric], metric
    with pytest.raises(ValueError, match="no rows over all estimands"):
        operating_characteristics(
            summary[summary["family"] != "all"], alpha=0.05, max_type_i_error=0.07, min_coverage=0.9
        )


@pytest.mark.workflow
def test_null_type_i_error_and_coverage_meet_the_criteria(reduced_validation, config):
    """Under the null every effect is zero, so every rejection is a type I error.

    Eight replicates estimate a method's rate to within about 0.01-0.02 (estimates of
    one replicate are correlated), so a rate must meet its criterion within two Monte
    Carlo SEs here; a broken test or interval (such as epsilon-squared's, below) is
    still far outside. The full default run checks the criteria at face value
    (results/validation/summary.md; README).
    """
    summary = pd.read_parquet(reduced_validation / "summary.parquet")
    overall = summary[summary["family"] == "all"].set_index(["condition", "method"])
    null = overall.loc["null_effects"]
    criteria = config["validation"]["criteria"]
    tested = null[null["n_tests"] >= MIN_COUNT]
    assert {"mann_whitney", "hedges_g", "kruskal_wallis", "chi_square"} <= set(tested.index)
    assert {"ols_standardised", "partial_correlation"} <= set(tested.index)
    excess = tested["rejection_rate"] - 2 * tested["rejection_rate_mcse"]
    assert (excess <= criteria["max_type_i_error"]).all(), tested["rejection_rate"]
    assert (tested["rejection_rate"] <= 0.1).all(), tested["rejection_rate"]
    # Coverage of every method's CIs (epsilon-squared's included: its noncentral
    # chi-squared interval contains 0 whenever p >= 0.025).
    covered = null[(null["n_ci"] >= MIN_COUNT)]
    assert {"wilson", "ols_standardised", "mann_whitney", "hedges_g"} <= set(covered.index)
    assert "kruskal_wallis" in covered.index
    shortfall = covered["coverage"] + 2 * covered["coverage_mcse"]
    assert (shortfall >= criteria["min_coverage"]).all(), covered["coverage"]
    assert (covered["coverage"] >= 0.85).all(), covered["coverage"]
    # Under the planted model the tests find the planted effects.
    power = overall.loc["planted", "power"]
    assert power["mann_whitney"] > 0.3 and power["ols_standardised"] > 0.5, power
