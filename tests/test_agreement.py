"""Chance-corrected agreement coefficients against their authors' published outputs.

Every expected value is in ``tests/data/reference/agreement/published_agreement.json``,
typed from a published print (R irrCAC's README and vignettes, a SAS PROC FREQ printout)
with the tolerance that the print allows; the README beside it names the sources.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coprod.errors import StudyInputError
from coprod.reliability import jobs
from coprod.reliability.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from coprod.reliability.chance_corrected import (
    COEFFICIENTS,
    WEIGHTS,
    agreement_coefficient,
    agreement_weights,
    brennan_prediger,
    conger_kappa,
    gwet_ac,
)
from coprod.reliability.intercoder import intercoder_reliability
from coprod.reliability.tables import intercoder_table
from tests.reference import vendored

nan = np.nan


def _cases() -> list[dict]:
    path = vendored("agreement", "published_agreement.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _ratings(data: dict) -> np.ndarray:
    """Raw ratings (units x coders) from any of the three layouts irrCAC documents."""
    if "ratings" in data:
        return np.array(data["ratings"], dtype=float)
    if "distribution" in data:  # units x categories, counts of coders; categories 1..q
        rows = data["distribution"]
        return np.array([np.repeat(np.arange(1, len(row) + 1), row) for row in rows], float)
    table = np.asarray(data["table"])  # two coders' contingency table; categories 1..q
    return np.array([(i + 1, j + 1) for (i, j), c in np.ndenumerate(table) for _ in range(c)])


def _computed(case: dict) -> dict:
    options, data = case["options"], case["data"]
    if case["function"] == "agreement_weights":
        return {"weights": agreement_weights(data["categories"], options["weights"])}
    x = _ratings(data)
    if case["function"] == "cohen_kappa":
        return cohen_kappa(x[:, 0], x[:, 1], **options)
    record = agreement_coefficient(x, options["coefficient"], weights=options["weights"])
    if case["function"] == "agreement_coefficient_table":
        # irrCAC's *.table functions divide the variance by n^2, the *.raw ones by n(n - 1)
        n = record["n_units"]
        se = record["se"] * np.sqrt((n - 1) / n)
        half = se * stats.t.ppf(0.975, n - 1)
        record["se_table"] = se
        record["ci_low_table"] = record["estimate"] - half
        record["ci_high_table"] = min(1.0, record["estimate"] + half)
    return record


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["name"])
def test_matches_published_output(case):
    computed = _computed(case)
    for key, expected in case["expected"].items():
        np.testing.assert_allclose(
            computed[key],
            expected,
            rtol=0,
            atol=case["tolerance"][key],
            err_msg=f"{case['name']}: {key} ({case['source']['locator']})",
        )


def test_every_coefficient_and_weighting_is_pinned_to_a_published_value():
    cases = _cases()
    pinned = {
        (case["options"]["coefficient"], case["options"]["weights"])
        for case in cases
        if case["function"] == "agreement_coefficient" and "se" in case["expected"]
    }
    assert pinned == {(name, w) for name in COEFFICIENTS for w in ("identity", "quadratic")}
    weights = {case["options"]["weights"] for case in cases if "categories" in case["data"]}
    assert weights == set(WEIGHTS) - {"ratio"}  # irrCAC's vignette prints no ratio weights


# ====================================================================== weights

CAC_RAW4RATERS = next(c for c in _cases() if "ratings" in c["data"])["data"]["ratings"]


def test_weights_use_category_values_as_irrcac_does():
    # irrCAC spaces categories by their values (irr::kappa2 by their ranks).
    linear = agreement_weights([1, 2, 4], "linear")
    np.testing.assert_allclose(linear[0], [1, 2 / 3, 0], atol=1e-15)
    ratio = agreement_weights([1, 2, 3], "ratio")
    np.testing.assert_allclose(ratio[0, 1], 1 - (1 / 3) ** 2 / (2 / 4) ** 2, atol=1e-15)
    assert agreement_weights([0, 1], "ratio").tolist() == [[1.0, 0.0], [0.0, 1.0]]
    for name in WEIGHTS:  # two categories: every weighting is the identity
        np.testing.assert_allclose(agreement_weights([0, 1], name), np.eye(2), atol=1e-15)
        assert agreement_weights([5], name).tolist() == [[1.0]]


def test_gwet_ac2_uses_the_sum_of_the_weights():
    # AC2's chance agreement: sum(w) / (q (q - 1)) * sum(pi_k (1 - pi_k)) (Gwet 2014, ch. 4).
    x = np.array(CAC_RAW4RATERS, dtype=float)
    result = gwet_ac(x, "linear")
    w = agreement_weights([1, 2, 3, 4, 5], "linear")
    codes = x[~np.isnan(x).all(axis=1)]
    counts = (codes[:, :, None] == np.arange(1, 6)).sum(axis=1)
    pi = (counts / counts.sum(axis=1, keepdims=True)).mean(axis=0)
    assert result["pe"] == pytest.approx(w.sum() / 20 * (pi * (1 - pi)).sum(), abs=1e-15)
    assert result["estimate"] == pytest.approx((result["pa"] - result["pe"]) / (1 - result["pe"]))


# ====================================================================== cross-checks


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_conger_kappa_of_two_coders_equals_cohens(weights):
    rng = np.random.default_rng(3)
    a = rng.integers(1, 5, 80)
    b = np.where(rng.random(80) < 0.6, a, rng.integers(1, 5, 80))
    cohen = cohen_kappa(a, b, weights=weights)
    conger = conger_kappa(np.column_stack([a, b]), weights or "identity")
    assert conger["estimate"] == pytest.approx(cohen["kappa"], abs=1e-12)
    # Gwet's linearised variance of Conger's kappa is Fleiss-Cohen-Everitt's for two coders,
    # up to irrCAC's n(n - 1) divisor in place of n^2.
    assert conger["se"] * np.sqrt(79 / 80) == pytest.approx(cohen["se"], rel=1e-10)


def test_finite_population_correction_scales_the_variance():
    x = np.array(CAC_RAW4RATERS, dtype=float)
    for name in COEFFICIENTS:
        infinite = agreement_coefficient(x, name)
        finite = agreement_coefficient(x, name, population=48)
        assert finite["estimate"] == infinite["estimate"]
        assert finite["se"] == pytest.approx(infinite["se"] * np.sqrt(1 - 12 / 48), rel=1e-12)
        census = agreement_coefficient(x, name, population=12)
        assert census["se"] == 0 and census["ci_low"] == census["estimate"]
        assert census["p"] == 0
    pairs = _ratings({"table": [[13, 0, 0], [0, 20, 7], [0, 4, 56]]})
    infinite, finite = cohen_kappa(*pairs.T), cohen_kappa(*pairs.T, population=400)
    assert finite["se"] == pytest.approx(infinite["se"] * np.sqrt(0.75), rel=1e-12)


def test_confidence_level_and_the_normal_interval():
    x = np.array(CAC_RAW4RATERS, dtype=float)
    result = brennan_prediger(x, ci=0.9)
    half = result["se"] * stats.t.ppf(0.95, 11)
    assert result["ci_low"] == pytest.approx(result["estimate"] - half, abs=1e-15)
    assert result["p"] == pytest.approx(2 * result["p_one_sided"], rel=1e-12)
    pairs = _ratings({"table": [[13, 0, 0], [0, 20, 7], [0, 4, 56]]})
    normal = cohen_kappa(*pairs.T, interval="normal", ci=0.99)
    assert normal["ci_low"] == pytest.approx(normal["kappa"] - 2.5758293035489 * normal["se"])


def test_fleiss_weighted_has_no_null_test_and_percent_agreement_takes_weights():
    x = np.array(CAC_RAW4RATERS, dtype=float)[1:9]  # every unit coded by all four
    assert np.isfinite(fleiss_kappa(x)["z"])
    weighted = fleiss_kappa(x, "quadratic")
    assert np.isnan(weighted["z"]) and np.isnan(weighted["p_z"])
    assert percent_agreement(x, "quadratic") == weighted["pa"] > percent_agreement(x)


def test_a_single_category_leaves_the_coefficients_undefined():
    result = gwet_ac([[1, 1], [1, 1], [1, nan]])
    assert result["pa"] == 1.0 and np.isnan(result["estimate"]) and np.isnan(result["se"])
    assert gwet_ac([[1, 1], [1, 1], [1, nan]], labels=(0, 1))["estimate"] == 1.0


@pytest.mark.parametrize("coefficient", ["fleiss", "conger"])
def test_a_code_no_coder_applied_leaves_kappa_undefined(coefficient):
    # presence/absence of a code nobody applied: every rating 0 of the labels (0, 1), so
    # chance agreement is 1 and kappa is 0/0 (NaN, as in irrCAC), not a division error
    result = agreement_coefficient([[0, 0], [0, 0], [0, nan]], coefficient, labels=(0, 1))
    assert (result["pa"], result["pe"], result["n_units"]) == (1.0, 1.0, 3)
    assert np.isnan(result["estimate"]) and np.isnan(result["se"]) and np.isnan(result["p"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: agreement_coefficient([[1, 1], [2, 2]], "scott"),
            "coefficient must be one of percent, gwet, fleiss, conger, brennan_prediger; "
            "got 'scott'",
        ),
        (
            lambda: gwet_ac([[1, 1], [2, 2]], "squared"),
            "weights must be one of identity, linear, quadratic, ordinal, radical, ratio, "
            "circular, bipolar; got 'squared'",
        ),
        (
            lambda: gwet_ac([[1, 1], [2, 2], [1, 2]], population=2),
            "population (2) must be at least the number of units coded (3); use inf (the "
            "default) for an infinite population",
        ),
        (
            lambda: gwet_ac([[1, 1], [2, 2]], population="many"),
            "population must be the number of units in the population (or inf); got 'many'",
        ),
        (
            lambda: cohen_kappa([1, 2], [1, 2], interval="exact"),
            "interval must be 't' or 'normal'; got 'exact'",
        ),
        (
            lambda: conger_kappa([[1, nan], [2, nan]]),
            "ratings have no unit coded by two or more coders",
        ),
        (
            lambda: intercoder_reliability([[1, 1], [0, 1]], seed=1, coefficients=["scott"]),
            "coefficients ['scott'] are unknown; choose among percent, gwet, fleiss, conger, "
            "brennan_prediger",
        ),
    ],
)
def test_bad_input_messages(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


# ====================================================================== the study's records


def _presence(seed: int, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.random(n) < 0.3
    coders = {c: np.where(rng.random(n) < 0.1, ~truth, truth) for c in ("a", "b", "c")}
    return pd.DataFrame(coders).astype(float)


def test_intercoder_record_holds_each_coefficient_with_its_interval():
    wide = _presence(5)
    record = intercoder_reliability(wide, seed=1, n_boot=100, population=500)
    for name, column in [
        ("percent", "percent_agreement"),
        ("gwet", "gwet_ac1"),
        ("fleiss", "fleiss_kappa"),
        ("conger", "conger_kappa"),
        ("brennan_prediger", "brennan_prediger"),
    ]:
        direct = agreement_coefficient(wide, name, labels=(0, 1), population=500)
        assert record[column] == direct["estimate"]
        assert (record[f"{column}_se"], record[f"{column}_p"]) == (direct["se"], direct["p"])
        assert record[f"{column}_ci_low"] < record[column] <= record[f"{column}_ci_high"]
    assert record["kappa"] == record["fleiss_kappa"] and record["kappa_se"] > 0
    pair = intercoder_reliability(wide[["a", "b"]], seed=1, n_boot=100)
    cohen = cohen_kappa(wide["a"], wide["b"], labels=(0, 1))
    assert (pair["kappa"], pair["kappa_se"], pair["kappa_ci_high"]) == (
        cohen["kappa"],
        cohen["se"],
        cohen["ci_high"],
    )
    few = intercoder_reliability(wide, seed=1, n_boot=100, coefficients=["gwet"])
    assert "gwet_ac1_se" in few and "conger_kappa" not in few and "percent_agreement_se" not in few


def test_intercoder_table_pools_the_population_over_codes():
    first, second = _presence(1), _presence(2)
    presence = pd.concat({"x": first, "y": second}, axis=1, names=["code", "coder"])
    codes = pd.DataFrame({"label": ["X", "Y"], "kind": ["barrier", "risk"]}, index=["x", "y"])
    table = intercoder_table(presence, codes, n_boot=50, population=200).set_index("code")
    infinite = intercoder_table(presence, codes, n_boot=50).set_index("code")
    assert table.loc["x", "gwet_ac1_se"] == pytest.approx(
        infinite.loc["x", "gwet_ac1_se"] * np.sqrt(1 - 120 / 200), rel=1e-12
    )
    assert table.loc["all codes", "gwet_ac1_se"] == pytest.approx(
        infinite.loc["all codes", "gwet_ac1_se"] * np.sqrt(1 - 240 / 400), rel=1e-12
    )


def test_intercoder_job_refuses_a_population_smaller_than_the_turns_coded(
    study, synthetic, tmp_path
):
    inputs = {"segments": tmp_path / "segments.parquet", "codings": tmp_path / "codings.parquet"}
    synthetic.segments.to_parquet(inputs["segments"])
    synthetic.codings.to_parquet(inputs["codings"])
    with pytest.raises(StudyInputError) as error:
        jobs.intercoder_reliability(study, inputs, {"population": 10})
    assert str(error.value) == (
        "the config, intercoder.population: population is 10 speaker turns, fewer than the "
        f"{len(synthetic.segments)} turns the coders coded; Give the number of turns in the "
        "population the coded ones come from, or null for an infinite population."
    )
