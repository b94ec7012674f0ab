"""The bundled study's tables against R, on every record: Tables 5 to 7 and 12a's means
and shares with their intervals, Table 4's Cohen's kappa, Tables 8 and 9's
proportional-odds models and Hedges' g, Table 10's staff-factor models, Table 12b's rank
correlations, the intervals of epsilon-squared and Cramér's V (Tables 6 and 11), and
every adjusted p.

R's values were computed from a run of the bundled study by the scripts in
``tests/data/reference/``: ``intercoder_kappa/cohen_kappa.R`` (``psych::cohen.kappa``),
``staff_factor/staff_models.R`` (``lm``, ``sandwich::vcovHC``, ``lmtest::coeftest``) and
``joint_display/spearman.R`` (``cor.test(method = "spearman", exact = FALSE)``) and
``contrast_robustness/polr.R`` (``MASS::polr``; ``glm`` for a score with two values),
``contrast_robustness/hedges_g.R`` (Hedges' g with its noncentral-t interval by ``pt``)
and
``descriptives/descriptives.R`` (``t.test``, ``prop.test(correct = FALSE)``) and
``multiplicity/p_adjust.R`` (``p.adjust``) and ``noncentral_intervals/noncentral_intervals.R``
(``pchisq`` with a noncentrality); the
versions are in every row. Here the jobs run again on the bundled study (drawn again by
the generator, as the other tests do), the data R was given is checked to be the
pipeline's, and every record is set against R's value. No R is needed here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod.analyses.registry import job_named
from coprod.coding import consensus_codes, presence_matrix
from coprod.jobs import resolve
from coprod.preparation import CONSENSUS, ITEMS, SCORES
from coprod.reliability.tables import intercoder_table
from coprod.scoring import score_responses
from tests.reference import vendored

KEPT = ("clean", "straightliner")  # what the exclusions keep (as tests/test_compare.py)
EXACT = 1e-10  # closed-form statistics: both sides compute the same sums
# The partial correlation's interval limits are rounded to 6 decimals (as pingouin's).
ROUNDED = 5e-7 + EXACT
# polr maximises by optim's BFGS, which stops when an iteration improves the deviance by
# less than reltol (1e-15 there, relative): its coefficients are off the maximum by about
# the square root of that (polr.R restarts it five times). The pipeline runs Newton's
# method with the exact Hessian to the maximum. Measured on the bundled study's 84 polr
# fits: log odds ratios and Wald bounds at most 6.0e-8 apart, z 2.3e-7, p 1.7e-7, and the
# standard errors (polr's Hessian is optimHess's finite differences) 1.1e-8.
POLR_ESTIMATE = 5e-7
POLR_SE = 1e-7
POLR_TEST = 1e-6


JOBS = (
    "compare_describe",
    "compare_across_groups",
    "compare_barrier_sides",
    "compare_contrasts",
    "compare_strategies",
    "compare_staff_factor",
    "compare_focus_groups",
)
"""Every comparison job: their records are the tables' (``results/compare/``)."""


def close(ours, theirs, what: str, tolerance: float = EXACT) -> None:
    np.testing.assert_allclose(
        np.asarray(ours, float), np.asarray(theirs, float), rtol=0, atol=tolerance, err_msg=what
    )


def r_output(folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(vendored(folder, name), keep_default_na=True)


@pytest.fixture(scope="module")
def presence(study, synthetic):
    codes = list(study.focus_group_codes.index)
    coders = sorted(synthetic.codings["coder"].unique())
    return presence_matrix(synthetic.segments, synthetic.codings, codes, coders)


@pytest.fixture(scope="module")
def records(study, synthetic, presence, config):
    """The records of every comparison job, by file stem, as the workflow writes them."""
    kept = synthetic.responses[synthetic.responses["planted"].isin(KEPT)]
    minimum = config["scoring"]["min_share_answered"]
    scored = score_responses(kept, study, min_share_answered=minimum)
    scores = scored.scores
    agreed = consensus_codes(presence, rule=config["intercoder"]["consensus"])
    consensus = synthetic.segments.set_index("segment_id").join(agreed).reset_index()
    frames = {SCORES: scores, ITEMS: scored.items, CONSENSUS: consensus}
    out = {"scores": scores, "items": scored.items}
    for name in JOBS:
        job = job_named(name)
        inputs = {key: frames[path] for key, path in job.inputs(config).items()}
        tables = resolve(job.function)(study, inputs, job.settings(config))
        for key, path in job.outputs(config).items():
            out[Path(path).stem] = tables[key]
    return out


def test_r_was_given_the_pipelines_codings(synthetic, presence):
    segments = pd.read_csv(vendored("intercoder_kappa", "segments.csv"), dtype=str)
    codings = pd.read_csv(vendored("intercoder_kappa", "codings.csv"), dtype=str)
    assert segments["segment_id"].tolist() == synthetic.segments["segment_id"].tolist()
    ours = synthetic.codings[["segment_id", "coder", "code"]].astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(codings, ours, check_dtype=False)
    codes = pd.read_csv(vendored("intercoder_kappa", "codes.csv"), dtype=str)["code"]
    assert codes.tolist() == list(presence.columns.get_level_values("code").unique())


def test_table4_cohen_kappa_matches_psych_per_code_and_pooled(study, presence, config):
    settings = config["intercoder"]
    ours = intercoder_table(
        presence,
        study.focus_group_codes,
        n_boot=100,  # Krippendorff's bootstrap only; R checks the kappa columns
        ci=settings["ci"],
        seed=settings["seed"],
        coefficients=(),
        population=settings["population"],
    ).set_index("code")
    theirs = r_output("intercoder_kappa", "kappa_r.csv").set_index("code")
    assert ours.index.tolist() == theirs.index.tolist()  # every code, then "all codes"
    assert len(theirs) == 30 and theirs.loc["all codes", "n_units"] == 29 * 921
    assert (ours["kappa_type"] == "cohen").all()
    assert (ours["n_units"] == theirs["n_units"]).all()
    close(ours["kappa"], theirs["kappa"], "kappa")
    close(ours["kappa_se"], theirs["se"], "kappa's SE (Fleiss, Cohen & Everitt 1969)")
    close(ours["kappa_ci_low"], theirs["ci_low"], "kappa's t interval, lower")
    close(ours["kappa_ci_high"], theirs["ci_high"], "kappa's t interval, upper")
    assert set(theirs["psych"]) == {"2.2.9"}


def assert_given(ours: pd.DataFrame, folder: str, name: str) -> None:
    """R was given the pipeline's data: every column of ``folder/name``, exactly."""
    given = pd.read_csv(vendored(folder, name), dtype=str, keep_default_na=False)
    ours = ours.set_index("response_id").loc[given["response_id"]]
    for column in given.columns.drop("response_id"):
        if pd.api.types.is_numeric_dtype(ours[column]):
            theirs = given[column].replace("", "nan").astype(float).to_numpy()
            np.testing.assert_array_equal(ours[column].astype(float).to_numpy(), theirs, column)
        else:
            texts = ours[column].astype(object).map(lambda v: "" if pd.isna(v) else str(v))
            assert texts.tolist() == given[column].tolist(), column


def test_r_was_given_the_pipelines_staff_data(records):
    assert_given(records["scores"], "staff_factor", "scores.csv")


@pytest.fixture(scope="module")
def staff(records):
    keys = ["analysis", "outcome", "term"]
    theirs = r_output("staff_factor", "staff_r.csv")
    merged = records["staff_factor"].merge(
        theirs, on=keys, how="outer", suffixes=("", "_r"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    return merged


def test_table10_ols_matches_lm_with_sandwich_hc3(staff):
    ols = staff[staff["analysis"] == "standardised_ols"]
    # 11 outcomes (the 2 main ones, 9 barriers' overcome scores) x 4 terms
    assert len(ols) == 44 and ols["method"].str.contains("HC3").all()
    assert (ols["n"] == ols["n_r"]).all() and (ols["df"] == ols["df_r"]).all()
    close(ols["estimate"], ols["estimate_r"], "standardised beta")
    close(ols["statistic"], ols["statistic_r"], "t (HC3)")
    close(ols["estimate"] / ols["statistic"], ols["se"], "HC3 standard error")
    close(ols["p"], ols["p_r"], "p")
    close(ols["ci_low"], ols["ci_low_r"], "95% CI, lower")
    close(ols["ci_high"], ols["ci_high_r"], "95% CI, upper")


def test_table10_partial_correlations_match_residual_correlations(staff):
    partial = staff[staff["analysis"] == "partial_correlation"]
    assert len(partial) == 33  # 11 outcomes x 3 predictors
    assert (partial["n"] == partial["n_r"]).all() and (partial["df"] == partial["df_r"]).all()
    close(partial["estimate"], partial["estimate_r"], "partial r")
    close(partial["statistic"], partial["statistic_r"], "t")
    close(partial["p"], partial["p_r"], "p")
    close(partial["ci_low"], partial["ci_low_r"], "Fisher-z CI, lower", ROUNDED)
    close(partial["ci_high"], partial["ci_high_r"], "Fisher-z CI, upper", ROUNDED)


def test_table12b_rank_correlations_match_cor_test(records):
    display = records["joint_display"]
    display = display[display["analysis"] == "joint_display"]
    given = pd.read_csv(vendored("joint_display", "joint_display.csv"), dtype={"group": str})
    assert display["survey_mean"].tolist() == given["survey_mean"].tolist()  # exactly
    assert display["fg_count"].tolist() == given["fg_count"].tolist()
    assert display["fg_turns"].tolist() == given["fg_turns"].tolist()
    keys = ["outcome", "by", "group"]
    theirs = r_output("joint_display", "spearman_r.csv").astype({"group": str})
    ours = records["joint_display_correlation"].merge(theirs, on=keys, suffixes=("", "_r"))
    assert len(ours) == len(theirs) == 5  # pooled and each of the 4 cases
    assert (ours["n"] == ours["n_r"]).all() and (ours["df"] == ours["df_r"]).all()
    close(ours["estimate"], ours["rho"], "rho")
    close(ours["statistic"], ours["t"], "t")
    close(ours["p"], ours["p_r"], "p (t approximation, cor.test exact = FALSE)")
    close(ours["ci_low"], ours["ci_low_r"], "Bonett-Wright CI, lower")
    close(ours["ci_high"], ours["ci_high_r"], "Bonett-Wright CI, upper")
    # R's default (exact = NULL) gives the exact p where there are no ties: not the
    # records' p, which is the t approximation (the method says so).
    exact = ours.dropna(subset=["p_exact"])
    assert len(exact) == 2 and (abs(exact["p_exact"] - exact["p"]) > 1e-3).all()
    assert ours["method"].str.contains("t-approximation").all()


@pytest.fixture(scope="module")
def ordinal(records):
    keys = ["file", "analysis", "outcome", "by", "contrast"]
    theirs = r_output("contrast_robustness", "polr_r.csv").astype({"contrast": str})
    ours = pd.concat(
        [records[stem].assign(file=stem) for stem in theirs["file"].unique()], ignore_index=True
    )
    ours = ours[ours["effect"] == "log_odds_ratio"]
    merged = ours.merge(theirs, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    return merged


def test_r_was_given_the_pipelines_ordinal_data(records):
    assert_given(records["scores"], "contrast_robustness", "scores.csv")


def test_tables8_9_ordinal_models_match_polr_and_glm(ordinal):
    # 38 scores in each of the 3 contrasts: 84 with 3+ values (polr), 30 yes/no (glm)
    assert ordinal["model"].value_counts().to_dict() == {"polr": 84, "glm": 30}
    assert ordinal["converged"].all() and (ordinal["n"] == ordinal["n_r"]).all()
    assert ordinal["method"].str.startswith("Proportional-odds logistic regression").all()
    se = ordinal["estimate"] / ordinal["statistic"]
    for model, estimate, error, test in (
        ("glm", EXACT, EXACT, EXACT),  # IRLS to its fixed point: both at the maximum
        ("polr", POLR_ESTIMATE, POLR_SE, POLR_TEST),
    ):
        rows = ordinal["model"] == model
        fit = ordinal[rows]
        close(fit["estimate"], fit["estimate_r"], f"{model}: log odds ratio", estimate)
        close(fit["ci_low"], fit["ci_low_r"], f"{model}: Wald CI, lower", estimate)
        close(fit["ci_high"], fit["ci_high_r"], f"{model}: Wald CI, upper", estimate)
        close(se[rows], fit["se"], f"{model}: standard error", error)
        close(fit["statistic"], fit["z"], f"{model}: z", test)
        close(fit["p"], fit["p_r"], f"{model}: p", test)


@pytest.fixture(scope="module")
def descriptives(records):
    keys = ["file", "analysis", "outcome", "by", "group", "effect"]
    theirs = r_output("descriptives", "descriptives_r.csv").astype({"group": str})
    ours = pd.concat(
        [records[stem].assign(file=stem) for stem in theirs["file"].unique()], ignore_index=True
    )
    ours = ours[ours["effect"].isin(["mean", "proportion"])].astype({"group": str})
    merged = ours.merge(theirs, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    return merged


def test_tables8_9_hedges_g_match_the_noncentral_t_interval_by_pt(records):
    keys = ["file", "analysis", "outcome", "by", "contrast"]
    theirs = r_output("contrast_robustness", "hedges_g_r.csv").astype({"contrast": str})
    ours = pd.concat(
        [records[stem].assign(file=stem) for stem in theirs["file"].unique()], ignore_index=True
    )
    ours = ours[ours["effect"] == "hedges_g"]
    merged = ours.merge(theirs, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    assert len(merged) == 84  # 28 scores with more than two values in each of 3 contrasts
    assert (merged["n"] == merged["n_r"]).all()
    close(merged["estimate"], merged["g"], "Hedges' g (exact J)")
    # R's pt with a noncentrality warns that it may miss full precision (its series stops
    # at 1e-12); the bounds still agree to 1.0e-12 on the bundled study.
    close(merged["ci_low"], merged["ci_low_r"], "noncentral-t interval, lower")
    close(merged["ci_high"], merged["ci_high_r"], "noncentral-t interval, upper")
    close(merged["statistic"], merged["t_welch"], "Welch's t")
    close(merged["df"], merged["df_welch"], "Welch's df")
    close(merged["p"], merged["p_welch"], "Welch's p")


def test_r_was_given_the_pipelines_survey_data(records):
    assert_given(records["scores"], "descriptives", "scores.csv")
    assert_given(records["items"], "descriptives", "items.csv")


def test_tables5_7_means_match_t_test_and_wilson_shares(descriptives):
    means = descriptives[descriptives["effect"] == "mean"]
    # 63 barrier scores met and 63 overcome, 189 barrier items, 70 risks managed
    assert len(means) == 63 + 63 + 189 + 70
    assert (means["n"] == means["n_r"]).all()
    close(means["estimate"], means["mean"], "mean")
    close(means["sd"], means["sd_r"], "SD")
    close(means["median"], means["median_r"], "median")
    close(means["ci_low"], means["ci_low_r"], "t.test 95% CI, lower")
    close(means["ci_high"], means["ci_high_r"], "t.test 95% CI, upper")
    assert means["share_high"].notna().all()  # every mean's share rated high
    close(means["share_high"], means["share"], "share rated high")
    close(means["share_high_ci_low"], means["share_ci_low"], "Wilson CI, lower")
    close(means["share_high_ci_high"], means["share_ci_high"], "Wilson CI, upper")


def test_tables6_7_12a_shares_match_prop_test(descriptives):
    shares = descriptives[descriptives["effect"] == "proportion"]
    # 63 barriers overcome, 70 risks experienced, 70 strategies used, 348 code prevalences
    assert len(shares) == 63 + 70 + 70 + 348
    assert (shares["n"] == shares["n_r"]).all() and (shares["count"] == shares["count_r"]).all()
    close(shares["estimate"], shares["share"], "share")
    close(shares["ci_low"], shares["share_ci_low"], "prop.test(correct = FALSE) CI, lower")
    close(shares["ci_high"], shares["share_ci_high"], "prop.test(correct = FALSE) CI, upper")


def test_every_adjusted_p_matches_p_adjust(records):
    given = pd.read_csv(vendored("multiplicity", "p_values.csv"))
    theirs = r_output("multiplicity", "p_adjust_r.csv")
    assert given[["file", "row", "family"]].equals(theirs[["file", "row", "family"]])
    assert set(theirs["correction"]) == {"Holm", "Benjamini-Hochberg"}
    ours = []
    for stem, rows in given.groupby("file", sort=False):
        table = records[stem].reset_index(drop=True).loc[rows["row"]]
        assert table["family"].tolist() == rows["family"].tolist(), stem
        assert table["correction"].tolist() == rows["correction"].tolist(), stem
        np.testing.assert_array_equal(table["p"].astype(float), rows["p"], stem)  # exactly
        ours.append(table["p_adj"].astype(float))
    # every file's corrected rows: 1,315 across 11 files (each file's families on their own)
    assert len(theirs) == 1315 and theirs["file"].nunique() == 11
    unlisted = [
        stem
        for stem, table in records.items()
        if "correction" in table
        and stem not in set(given["file"])
        and (table["correction"] != "none").any()
    ]
    assert unlisted == []
    close(pd.concat(ours), theirs["p_adj"], "p.adjust (holm, BH)")


def test_epsilon_squared_and_cramers_v_intervals_match_pchisq_inversion(records):
    keys = ["file", "analysis", "outcome", "by", "contrast", "effect"]
    given = pd.read_csv(vendored("noncentral_intervals", "statistics.csv"), dtype={"contrast": str})
    theirs = r_output("noncentral_intervals", "noncentral_r.csv").astype({"contrast": str})
    ours = pd.concat(
        [records[stem].assign(file=stem) for stem in theirs["file"].unique()], ignore_index=True
    )
    ours = ours[ours["effect"].isin(["epsilon_squared", "cramers_v"])].astype({"contrast": str})
    merged = ours.merge(theirs, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    # 82 Kruskal-Wallis (across cases and stakeholder groups), 130 chi-squared
    assert merged["effect"].value_counts().to_dict() == {"cramers_v": 130, "epsilon_squared": 82}
    statistics = merged.merge(given, on=keys, suffixes=("", "_given"))
    np.testing.assert_array_equal(statistics["statistic"], statistics["statistic_given"])
    close(merged["estimate"], merged["estimate_r"], "epsilon-squared H / (n - 1), V")
    close(merged["ci_low"], merged["ci_low_r"], "noncentral chi-squared interval, lower")
    close(merged["ci_high"], merged["ci_high_r"], "noncentral chi-squared interval, upper")
