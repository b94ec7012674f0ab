"""Every comparison of the bundled study against R's stats and rstatix, to 1e-10.

``tests/data/reference/comparisons/`` holds what ``export_comparisons.py`` wrote from a
run of the bundled study (every comparison's keys and data) and what ``comparisons.R``
computed from it with R 4.2.2 and rstatix 0.7.2 (``r_comparisons.csv``). Here the
comparison jobs run again on the bundled study (drawn again by the generator, as the
other tests do), and every record that carries a test R computes is set against R's
value: Kruskal-Wallis, Mann-Whitney, Pearson's chi-squared (Fisher's exact p where the
record used it) and Welch's t, with their effect sizes. The options the records do not
use (the classic ANOVA, Yates, one-sided and uncorrected rank tests, Student's t,
eta-squared[H], rstatix's wilcox r) are checked on the same data. No R is needed here.
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
from coprod.scoring import score_responses
from coprod.stats.contingency import chi_square
from coprod.stats.effect_sizes import eta_squared_h, hedges_g, wilcox_r
from coprod.stats.group_tests import kruskal_wallis, mann_whitney, oneway_anova
from tests.reference import vendored

KEPT = ("clean", "straightliner")  # what the exclusions keep (as tests/test_compare.py)
JOBS = ("compare_across_groups", "compare_contrasts", "compare_strategies", "compare_focus_groups")
KEYS = ["file", "analysis", "outcome", "by", "contrast"]
TOLERANCE = 1e-10
TESTED = {"H", "W (U of x)", "chi2 (Pearson)", "t (Welch)"}


def close(ours, theirs, what: str) -> None:
    np.testing.assert_allclose(
        np.asarray(ours, float), np.asarray(theirs, float), rtol=0, atol=TOLERANCE, err_msg=what
    )


@pytest.fixture(scope="module")
def scored(study, synthetic, config):
    kept = synthetic.responses[synthetic.responses["planted"].isin(KEPT)]
    return score_responses(kept, study, min_share_answered=config["scoring"]["min_share_answered"])


@pytest.fixture(scope="module")
def records(study, synthetic, scored, config):
    """The records of every comparison job, by file stem, as the workflow writes them."""
    codes = list(study.focus_group_codes.index)
    coders = sorted(synthetic.codings["coder"].unique())
    presence = presence_matrix(synthetic.segments, synthetic.codings, codes, coders)
    agreed = consensus_codes(presence, rule=config["intercoder"]["consensus"])
    consensus = synthetic.segments.set_index("segment_id").join(agreed).reset_index()
    frames = {SCORES: scored.scores, ITEMS: scored.items, CONSENSUS: consensus}
    # The ordinal robustness models are compared with R in tests/test_tables_r.py: leave
    # them out here (faster).
    run_config = {**config, "compare": {**config["compare"], "ordinal": False}}
    out = {}
    for name in JOBS:
        job = job_named(name)
        inputs = {key: frames[path] for key, path in job.inputs(run_config).items()}
        tables = resolve(job.function)(study, inputs, job.settings(run_config))
        for key, path in job.outputs(run_config).items():
            out[Path(path).stem] = tables[key]
    return out


@pytest.fixture(scope="module")
def r_values():
    return pd.read_csv(vendored("comparisons", "r_comparisons.csv"), dtype={"contrast": str})


@pytest.fixture(scope="module")
def tested(records, r_values):
    """Every record R can check, beside R's values for its comparison."""
    rows = pd.concat(
        [table.assign(file=stem) for stem, table in records.items() if "statistic_name" in table],
        ignore_index=True,
    )
    rows = rows[rows["statistic_name"].isin(TESTED)]
    return rows.merge(r_values, on=KEYS, how="left", suffixes=("", "_r"), indicator=True)


def exported(source: str) -> pd.DataFrame:
    return pd.read_csv(vendored("comparisons", f"{source}.csv"), dtype=str, keep_default_na=False)


def test_r_was_given_the_pipelines_data(scored):
    for source, frame in (("scores", scored.scores), ("items", scored.items)):
        given = exported(source).set_index("response_id")
        ours = frame.set_index("response_id").loc[given.index]
        for column in given.columns:
            if pd.api.types.is_float_dtype(ours[column]):
                values = ours[column].astype("float64").to_numpy()
                theirs = given[column].replace("", "nan").astype(float).to_numpy()
                np.testing.assert_array_equal(values, theirs, err_msg=column)  # exactly
            else:
                texts = ours[column].astype(object).map(lambda v: "" if pd.isna(v) else str(v))
                assert texts.tolist() == given[column].tolist(), column


def test_r_checked_every_comparison_of_the_study(tested, r_values):
    missing = tested[tested["_merge"] != "both"]
    assert missing.empty, missing[KEYS]
    assert set(map(tuple, r_values[KEYS].to_numpy())) == set(
        map(tuple, tested[KEYS].drop_duplicates().to_numpy())
    )
    # The study's tested records: 82 Kruskal-Wallis (28 scores and 27 items across the
    # cases, 27 scores across the stakeholder groups); 130 chi-squared (10 + 10 yes/no
    # scores across cases and groups, 2 x 10 strategy use by case and by service class, 90
    # focus-group co-occurrences); 808 Mann-Whitney (pairs of cases, groups and contrast
    # levels, 90 strategy-barrier links); 84 Welch t (the contrasts' robustness). The 5
    # records that could not be computed (a group with one answer) carry no test.
    counts = tested["statistic_name"].value_counts().to_dict()
    assert counts == {"W (U of x)": 808, "chi2 (Pearson)": 130, "H": 82, "t (Welch)": 84}


def test_kruskal_wallis_records_match_kruskal_test_and_rstatix(tested):
    kw = tested[tested["statistic_name"] == "H"]
    close(kw["statistic"], kw["kw_H"], "H")
    close(kw["df"], kw["kw_df"], "df")
    close(kw["p"], kw["kw_p"], "p")
    assert (kw["n"] == kw["n_r"]).all()
    assert (kw["effect"] == "epsilon_squared").all()
    close(kw["estimate"], kw["kw_H"] / (kw["n_r"] - 1), "epsilon-squared H/(n-1)")
    k = kw["df"] + 1
    eta = [eta_squared_h(h, n, g)[0] for h, n, g in zip(kw["statistic"], kw["n"], k, strict=True)]
    close(eta, kw["eta2_H"], "rstatix::kruskal_effsize")


def test_mann_whitney_records_match_wilcox_test(tested):
    mw = tested[tested["statistic_name"] == "W (U of x)"]
    assert (mw["statistic"] == mw["W"]).all()  # U of x, exactly
    close(mw["p"], mw["wilcox_p"], "p")
    assert (mw["n"] == mw["n_r"]).all()
    exact = mw["method"].str.contains("exact p")
    assert exact.tolist() == mw["wilcox_exact"].tolist()


def test_chi_square_records_match_chisq_test_and_fisher_test(tested):
    chi = tested[tested["statistic_name"] == "chi2 (Pearson)"]
    # The bundled config sets compare.tests.yates off: Pearson's uncorrected statistic.
    close(chi["statistic"], chi["chisq_uncorrected"], "chi2")
    close(chi["df"], chi["chisq_df"], "df")
    close(chi["estimate"], chi["cramer_v_uncorrected"], "rstatix::cramer_v(correct = FALSE)")
    asymptotic = chi["method"].str.contains("asymptotic p")
    fisher = chi["method"].str.contains("Fisher's exact")
    close(chi.loc[asymptotic, "p"], chi.loc[asymptotic, "chisq_p_uncorrected"], "p")
    close(chi.loc[fisher, "p"], chi.loc[fisher, "fisher_p"], "Fisher's p")
    # The rest are Monte Carlo p values (R's simulate.p.value draws other tables).
    assert asymptotic.sum() > 20 and fisher.sum() > 20
    assert chi.loc[~asymptotic & ~fisher, "method"].str.contains("Monte Carlo p").all()


def test_welch_t_records_match_t_test(tested):
    t = tested[tested["statistic_name"] == "t (Welch)"]
    close(t["statistic"], t["t_welch"], "t")
    close(t["df"], t["t_welch_df"], "df")
    close(t["p"], t["t_welch_p"], "p")


# ------------------------------------------------------------- options the records do not use


def comparison_data(spec) -> list[np.ndarray]:
    """The samples of one comparison, per level in order, from the data R was given."""
    data = exported(spec.source)
    values = data[spec.outcome].replace("", "nan").astype(float).to_numpy()
    groups = data[spec.column].to_numpy()
    keep = ~np.isnan(values) & (groups != "")
    levels = spec.levels.split("|") if isinstance(spec.levels, str) else sorted(set(groups[keep]))
    return [values[keep & (groups == level)] for level in levels]


@pytest.fixture(scope="module")
def manifest(r_values):
    specs = pd.read_csv(vendored("comparisons", "comparisons.csv"), dtype=str)
    return specs.merge(r_values, on=KEYS, validate="1:1")


def test_pairs_under_every_option_match_wilcox_test_t_test_and_rstatix(manifest):
    pairs = manifest[manifest["test"] == "pair"]
    ours = {name: [] for name in ("p", "p_uncorrected", "less", "greater", "r", "t", "df", "tp")}
    for spec in pairs.itertuples():
        x, y = comparison_data(spec)
        ours["p"].append(mann_whitney(x, y)["p"])
        ours["p_uncorrected"].append(mann_whitney(x, y, correct=False)["p"])
        ours["less"].append(mann_whitney(x, y, alternative="less")["p"])
        ours["greater"].append(mann_whitney(x, y, alternative="greater")["p"])
        ours["r"].append(wilcox_r(x, y))
        student = hedges_g(x, y, var_equal=True) if np.var(np.r_[x, y]) else {}
        ours["t"].append(student.get("statistic", np.nan))
        ours["df"].append(student.get("df", np.nan))
        ours["tp"].append(student.get("p", np.nan))
    close(ours["p"], pairs["wilcox_p"], "wilcox.test")
    close(ours["p_uncorrected"], pairs["wilcox_p_uncorrected"], "correct = FALSE")
    close(ours["less"], pairs["wilcox_p_less"], "alternative = 'less'")
    close(ours["greater"], pairs["wilcox_p_greater"], "alternative = 'greater'")
    close(ours["r"], pairs["wilcox_r"], "rstatix::wilcox_effsize")
    close(ours["t"], pairs["t_student"], "t.test(var.equal = TRUE)")
    close(ours["df"], pairs["t_student_df"], "df")
    close(ours["tp"], pairs["t_student_p"], "p")


def test_omnibus_anovas_match_oneway_test_both_ways(manifest):
    omnibus = manifest[manifest["test"] == "omnibus"]
    for var_equal, prefix in ((False, "welch"), (True, "anova")):
        rows = []
        for spec in omnibus.itertuples():
            samples = comparison_data(spec)
            values = np.concatenate(samples)
            labels = np.repeat(np.arange(len(samples)), [s.size for s in samples])
            try:
                rec = oneway_anova(values, labels, var_equal=var_equal, n_boot=1)
                rows.append([rec["statistic"], rec["df"], rec["df2"], rec["p"]])
            except ValueError:  # Welch's: a level without variance (R: NaN)
                rows.append([np.nan] * 4)
        rows = np.array(rows)
        theirs = omnibus[[f"{prefix}_F", f"{prefix}_df1", f"{prefix}_df2", f"{prefix}_p"]]
        defined = ~np.isnan(rows[:, 0]) & theirs[f"{prefix}_F"].notna().to_numpy()
        assert defined.sum() >= 60, prefix
        close(rows[defined], theirs.to_numpy(float)[defined], f"oneway.test ({prefix})")


def test_tables_with_yates_match_chisq_test_default_and_rstatix(manifest):
    tables = manifest[manifest["chisq"].notna()]
    ours = []
    for spec in tables.itertuples():
        if spec.source == "counts":
            counts = np.array(spec.levels.split("|"), dtype=int).reshape(2, 2)
        else:
            samples = comparison_data(spec)
            counts = np.array([[np.sum(s == 0), np.sum(s == 1)] for s in samples])
            counts = counts[counts.sum(axis=1) > 0]
        rec = chi_square(counts, mc_threshold=0)  # R's asymptotic p, Yates for 2 x 2
        ours.append([rec["statistic"], rec["p"], rec["estimate"]])
    ours = np.array(ours)
    close(ours[:, 0], tables["chisq"], "chisq.test(correct = TRUE)")
    close(ours[:, 1], tables["chisq_p"], "p")
    # V stays of the uncorrected statistic; rstatix's default V is of the corrected one.
    close(ours[:, 2], tables["cramer_v_uncorrected"], "V")
    two_by_two = tables["source"].eq("counts") | tables["analysis"].str.endswith("service_class")
    assert two_by_two.sum() == 100
    assert (tables.loc[two_by_two, "chisq"] < tables.loc[two_by_two, "chisq_uncorrected"]).all()


def test_kruskal_effect_option_is_rstatix_eta_squared_h(manifest):
    omnibus = manifest[manifest["test"] == "omnibus"]
    estimates = []
    for spec in omnibus.itertuples():
        samples = comparison_data(spec)
        values = np.concatenate(samples)
        labels = np.repeat(np.arange(len(samples)), [s.size for s in samples])
        estimates.append(kruskal_wallis(values, labels, effect="eta_squared_h")["estimate"])
    close(estimates, omnibus["eta2_H"], "rstatix::kruskal_effsize")
