"""Tests of coprod.stats: published values, hand-computed values, simulations, bad input."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs
from pandas.errors import Pandas4Warning
from scipy.optimize import brentq
from statsmodels.discrete.discrete_model import Logit
from statsmodels.stats.proportion import proportion_confint

from coprod.stats import models
from coprod.stats.contingency import chi_square, chi_square_cells
from coprod.stats.correlation import partial_correlation
from coprod.stats.effect_sizes import cramers_v, hedges_g, wilson_ci
from coprod.stats.group_tests import (
    kruskal_wallis,
    mann_whitney,
    oneway_anova,
    pairwise_mann_whitney,
    wilcoxon_signed_rank,
)
from coprod.stats.models import ols_standardised, ordinal_logit
from coprod.stats.multiplicity import adjust_p
from coprod.stats.records import pingouin_row, to_frame
from coprod.vocabulary import RECORD_COLUMNS
from tests.reference import assert_matches, reference_cases

# Expected keys of the reference file that coprod.stats deliberately does not compute.
NOT_COMPUTED = {
    "kruskal_wallis": {},
    "mann_whitney": {},
    "welch_anova": {},
    "chi_square_independence": {},
}


# --------------------------------------------------------------------------- published values


def _cases(statistic: str) -> list[dict]:
    cases = reference_cases(statistic)
    assert cases, f"the reference file has no {statistic!r} case"
    return cases


def _assert_matches(case: dict, computed: dict) -> None:
    """Every expected key is either computed and within tolerance, or listed as not computed."""
    skipped = NOT_COMPUTED[case["statistic"]]
    assert set(case["expected"]) == set(computed) | set(skipped), case["name"]
    assert_matches(case, computed, skipped)


def _long(groups: dict[str, list[float]]) -> tuple[list[float], list[str]]:
    values = [v for vals in groups.values() for v in vals]
    labels = [label for label, vals in groups.items() for _ in vals]
    return values, labels


def test_kruskal_wallis_matches_reference():
    for case in _cases("kruskal_wallis"):
        assert case["options"]["tie_correction"] is True
        rec = kruskal_wallis(*_long(case["data"]["groups"]))
        _assert_matches(case, {"H": rec["statistic"], "df": rec["df"], "p": rec["p"]})


def test_mann_whitney_matches_reference():
    for case in _cases("mann_whitney"):
        assert case["options"]["alternative"] == "two-sided"
        rec = mann_whitney(case["data"]["x"], case["data"]["y"])
        _assert_matches(case, {"W_equals_U_x": rec["statistic"], "p": rec["p"]})


def test_oneway_anova_both_forms_match_reference():
    for case in _cases("welch_anova"):
        rec = oneway_anova(*_long(case["data"]["groups"]))
        classic = oneway_anova(*_long(case["data"]["groups"]), var_equal=True)
        computed = {
            "F": rec["statistic"],
            "df1": rec["df"],
            "df2": rec["df2"],
            "p": rec["p"],
            "F_classic": classic["statistic"],
            "p_classic": classic["p"],
        }
        _assert_matches(case, computed)
        assert rec["statistic_name"] == "F (Welch)" and classic["statistic_name"] == "F"
        # Two groups: the classic F is Student's t squared, on n - 2 df.
        assert classic["df2"] == sum(len(v) for v in case["data"]["groups"].values()) - 2


def test_chi_square_matches_reference():
    for case in _cases("chi_square_independence"):
        assert case["options"]["correction"] is False
        table = case["data"]["table"]
        rec = chi_square(table, correct=False)
        assert rec["method"].startswith("Pearson chi-squared") and "asymptotic p" in rec["method"]
        cells = chi_square_cells(table)
        computed = {
            "chi2": rec["statistic"],
            "df": rec["df"],
            "p": rec["p"],
            "cramers_v": rec["estimate"],
            "expected": cells.pivot(index="row", columns="column", values="expected").to_numpy(),
            "stdres": cells.pivot(index="row", columns="column", values="stdres").to_numpy(),
        }
        _assert_matches(case, computed)


def test_rank_tests_exact_one_sided_and_uncorrected_p_match_r():
    # R 4.2.2: x <- c(1.1, 2.3, 3.5, 4.2); y <- c(2.9, 5.1, 6.3, 7.7, 8.4)
    # wilcox.test(x, y, alternative = a)$p.value (exact: n < 50, no ties), and
    # wilcox.test(x, y, exact = FALSE, correct = FALSE)$p.value.
    x, y = [1.1, 2.3, 3.5, 4.2], [2.9, 5.1, 6.3, 7.7, 8.4]
    expected = {"two-sided": 0.063492063492063489, "less": 0.031746031746031744}
    expected["greater"] = 0.98412698412698418
    for alternative, p in expected.items():
        rec = mann_whitney(x, y, alternative=alternative)
        assert rec["statistic"] == 2 and rec["p"] == pytest.approx(p, abs=1e-15)
        assert "exact p" in rec["method"]
    normal = mann_whitney(x, y, exact=False, correct=False)
    assert normal["p"] == pytest.approx(0.050043521248705106, abs=1e-15)
    assert "no continuity correction" in normal["method"]
    assert pairwise_mann_whitney(x + y, ["x"] * 4 + ["y"] * 5, alternative="less").loc[
        0, "p"
    ] == pytest.approx(expected["less"], abs=1e-15)
    # d <- c(1.5, -0.4, 2.2, 3.1, -1.7, 0.9, 2.8); wilcox.test(d, alternative = a)
    d = [1.5, -0.4, 2.2, 3.1, -1.7, 0.9, 2.8]
    signed = {"two-sided": 0.15625000000000006, "less": 0.9453125, "greater": 0.078125000000000028}
    for alternative, p in signed.items():
        rec = wilcoxon_signed_rank(d, alternative=alternative)
        assert rec["statistic"] == 23 and rec["p"] == pytest.approx(p, abs=1e-15)
    for correct, p in ((True, 0.1507855650279713), (False, 0.12819017434510788)):
        rec = wilcoxon_signed_rank(d, exact=False, correct=correct)
        assert rec["p"] == pytest.approx(p, abs=1e-15), correct
    with pytest.raises(ValueError, match=r"alternative must be one of \['two-sided', 'less', "):
        mann_whitney(x, y, alternative="two.sided")


def test_yates_corrects_only_two_by_two_tables_and_leaves_cramers_v_alone():
    # |O - E| = 5 in every cell of [[10, 20], [20, 10]] (E = 15): Yates takes 4.5, so
    # chi2 = 4 * 4.5^2 / 15 = 5.4 instead of 4 * 25 / 15 = 6.667; V = sqrt(6.667 / 60).
    corrected, plain = (
        chi_square([[10, 20], [20, 10]]),
        chi_square([[10, 20], [20, 10]], correct=False),
    )
    assert corrected["statistic"] == pytest.approx(5.4) and plain["statistic"] == pytest.approx(
        20 / 3
    )
    assert corrected["estimate"] == plain["estimate"] == pytest.approx(1 / 3)
    assert corrected["statistic_name"] == "chi2 (Pearson, Yates)"
    assert "with Yates' continuity correction" in corrected["method"]
    wide = [[10, 20, 15], [20, 10, 15]]
    assert chi_square(wide) == chi_square(wide, correct=False)


def test_kruskal_wallis_offers_rstatix_eta_squared_h():
    values, groups = [1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"]
    h = kruskal_wallis(values, groups)["statistic"]  # 32/7
    rec = kruskal_wallis(values, groups, effect="eta_squared_h")
    assert rec["effect"] == "eta_squared_h" and rec["estimate"] == pytest.approx((h - 2) / 3)
    assert "eta-squared[H] (H-k+1)/(n-k)" in rec["method"]
    with pytest.raises(ValueError, match="effect must be one of"):
        kruskal_wallis(values, groups, effect="eta_squared")


# --------------------------------------------------------------------------- records and helpers


def test_to_frame_puts_identifiers_first_then_the_vocabulary():
    frame = to_frame([{"term": "a", **mann_whitney([1, 2, 3], [2, 4])}])
    assert list(frame.columns) == ["term", *RECORD_COLUMNS]
    assert to_frame(mann_whitney([1, 2, 3], [2, 4])).shape == (1, 11)


def test_pingouin_helper_filters_pandas4warning_and_renames_without_leaking():
    # pingouin.anova warns Pandas4Warning on pandas 3 (welch_anova and partial_corr do not).
    data = pd.DataFrame({"v": [1.0, 2, 3, 2, 4, 6], "g": ["a"] * 3 + ["b"] * 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = pingouin_row(pingouin.anova, data=data, dv="v", between="g")
    assert "p" in row and "p_unc" not in row
    with pytest.warns(Pandas4Warning):
        pingouin.anova(data, dv="v", between="g")
    assert pingouin.options["round.column.CI95"] == 2


# --------------------------------------------------------------------------- hand-computed values


def test_kruskal_wallis_hand_example_and_noncentral_interval():
    # Ranks are the values; rank sums 3, 7, 11 over groups of 2:
    # H = 12 / (6 * 7) * (9 + 49 + 121) / 2 - 3 * 7 = 4.571429, no ties; eps^2 = H / 5.
    values, groups = [1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"]
    rec = kruskal_wallis(values, groups)
    assert rec["statistic"] == pytest.approx(4.571429, abs=1e-6)
    assert rec["estimate"] == pytest.approx(4.571429 / 5, abs=1e-6)
    assert rec["df"] == 2 and rec["n"] == 6 and rec["effect"] == "epsilon_squared"
    # p = 0.1017 > 0.025: the lower bound is 0. The upper bound, the noncentrality under
    # which H is the 2.5% quantile of a noncentral chi-squared on 2 df, over n - 1, is
    # beyond 1 with six observations, so the interval stops at epsilon-squared's maximum.
    assert rec["p"] == pytest.approx(0.1017, abs=1e-4)
    assert (rec["ci_low"], rec["ci_high"]) == (0.0, 1.0)


def test_kruskal_wallis_interval_bounds_are_the_noncentral_quantiles():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(0, 1, 60), rng.normal(0.8, 1, 60), rng.normal(0, 1, 60)])
    groups = np.repeat(["a", "b", "c"], 60)
    rec = kruskal_wallis(values, groups)
    h, n = rec["statistic"], rec["n"]
    assert rec["p"] < 0.001 and 0 < rec["ci_low"] < rec["estimate"] < rec["ci_high"]
    assert st.ncx2.cdf(h, 2, rec["ci_low"] * (n - 1)) == pytest.approx(0.975, abs=1e-6)
    assert st.ncx2.cdf(h, 2, rec["ci_high"] * (n - 1)) == pytest.approx(0.025, abs=1e-6)
    tied = kruskal_wallis([2.0] * 6, ["a", "a", "b", "b", "c", "c"])
    assert math.isnan(tied["statistic"]) and math.isnan(tied["ci_low"])


def test_noncentral_intervals_contain_their_estimate_when_the_statistic_is_below_its_df():
    # Table 11's case: chi2 = 0.376 on 4 df, n = 694 in a 5 x 2 table, p = 0.9844 > 0.975.
    # No noncentrality makes 0.376 the 2.5% quantile, so the inverted interval is [0, 0]
    # and V = sqrt(0.376 / 694) = 0.0233 lies outside it; the upper limit becomes V.
    table = [[70, 70], [69, 70], [68, 71], [70, 69], [69, 68]]
    rec = chi_square(table)
    v = math.sqrt(rec["statistic"] / rec["n"])
    assert rec["p"] > 0.975 and rec["estimate"] == pytest.approx(v, abs=1e-12)
    assert (rec["ci_low"], rec["ci_high"]) == (0.0, rec["estimate"])
    assert "upper limit at least the estimate" in rec["method"]
    # Below its df but p < 0.975: the inverted upper noncentrality (where 10 is the 2.5%
    # quantile on 20 df) is positive but below the statistic, so below the estimate too.
    upper_ncp = brentq(lambda ncp: st.ncx2.cdf(10.0, 20, ncp) - 0.025, 0, 10)
    assert 0 < upper_ncp < 10
    v, (low, high) = cramers_v(10.0, 20, 500, (6, 5))
    assert (low, high) == (0.0, v)
    # Kruskal-Wallis: rank sums 25, 27, 26 of 78, H = 507.5 / 13 - 39 = 0.0385 on 2 df.
    values = [1, 6, 7, 11, 2, 5, 8, 12, 3, 4, 9, 10]
    rec = kruskal_wallis(values, list("aaaabbbbcccc"))
    assert rec["statistic"] == pytest.approx(507.5 / 13 - 39, abs=1e-12)
    assert rec["p"] > 0.975 and (rec["ci_low"], rec["ci_high"]) == (0.0, rec["estimate"])
    # Above the df the inversion is unchanged: the upper limit is where chi2 is the 2.5%
    # quantile.
    v, (low, high) = cramers_v(30.0, 4, 300, (5, 2))
    assert st.ncx2.cdf(30.0, 4, high**2 * 300) == pytest.approx(0.025, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    hs.lists(hs.integers(1, 5), min_size=2, max_size=12),
    hs.lists(hs.integers(1, 5), min_size=2, max_size=12),
    hs.lists(hs.integers(1, 5), min_size=2, max_size=12),
)
def test_kruskal_wallis_h_equals_scipy_on_tied_data(a, b, c):
    values, groups = _long({"a": a, "b": b, "c": c})
    rec = kruskal_wallis(values, groups)
    if len(set(values)) == 1:
        assert math.isnan(rec["statistic"]) and math.isnan(rec["p"])
    else:
        expected = st.kruskal(a, b, c)
        assert rec["statistic"] == pytest.approx(expected.statistic, rel=1e-9)
        assert rec["p"] == pytest.approx(expected.pvalue, rel=1e-9)


def test_rank_biserial_tiny_example():
    # Pairs (x, y): (1,2) (1,4) (2,4) (3,4) favour y, (3,2) favours x, (2,2) ties:
    # U of x = 1 + 0.5 = 1.5; r = 2 * 1.5 / (3 * 2) - 1 = -0.5.
    # SE = sqrt((3 + 2 + 1) / (3 * 3 * 2)) = 0.577350; CI = tanh(atanh(-0.5) -/+ 1.959964 * SE)
    # = (-0.932977, 0.524320).
    rec = mann_whitney([1, 2, 3], [2, 4])
    assert rec["statistic"] == 1.5
    assert rec["estimate"] == pytest.approx(-0.5)
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((-0.932977, 0.524320), abs=1e-6)
    assert mann_whitney([2, 4], [1, 2, 3])["estimate"] == pytest.approx(0.5)


def test_pairwise_mann_whitney_one_record_per_pair_in_group_order():
    groups = pd.Categorical(["c", "c", "a", "a", "b", "b"], categories=["c", "b", "a"])
    out = pairwise_mann_whitney([5, 6, 1, 2, 3, 4], groups)
    assert list(zip(out["group_1"], out["group_2"], strict=True)) == [
        ("c", "b"),
        ("c", "a"),
        ("b", "a"),
    ]
    assert out.loc[0, "estimate"] == mann_whitney([5, 6], [3, 4])["estimate"] == 1.0


@settings(max_examples=60, deadline=None)
@given(
    hs.lists(hs.sampled_from([1.0, 1.5, 2.0, 3.0, 4.5, 5.0]), min_size=6, max_size=60),
    hs.integers(0, 2**32 - 1),
)
def test_pairwise_mann_whitney_from_counts_equals_scipy_test_of_each_pair(values, seed):
    # pairwise_mann_whitney counts the distinct values of each group instead of ranking
    # each pair: every record must be mann_whitney's (scipy's U and p) for that pair.
    groups = np.random.default_rng(seed).choice(["a", "b", "c"], size=len(values))
    if min(np.sum(groups == g) for g in "abc") < 2:
        return
    values = np.asarray(values)
    # ... under every option: the alternative, with and without continuity correction.
    options = itertools.product(("two-sided", "less", "greater"), (True, False))
    for alternative, correct in options:
        chosen = {"alternative": alternative, "correct": correct}
        for record in pairwise_mann_whitney(values, groups, **chosen).to_dict("records"):
            x = values[groups == record["group_1"]]
            y = values[groups == record["group_2"]]
            expected = mann_whitney(x, y, **chosen)
            assert record["statistic"] == expected["statistic"]
            assert record["method"] == expected["method"]
            for key in ("estimate", "ci_low", "ci_high", "p"):
                assert record[key] == pytest.approx(
                    expected[key], rel=1e-10, abs=1e-14, nan_ok=True
                )


def test_hedges_g_hand_example():
    # d = (3.5 - 2.5) / 1.290994 = 0.774597; m = 6, J = Gamma(3) / (sqrt(3) Gamma(2.5))
    # = 0.868627; g = 0.672835. Welch t equals the pooled t here (equal n, equal SD).
    rec = hedges_g([2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0])
    assert rec["estimate"] == pytest.approx(0.672835, abs=1e-6)
    assert rec["statistic"] == pytest.approx(0.774597 / math.sqrt(0.5), abs=1e-6)
    assert rec["df"] == pytest.approx(6)
    assert rec["ci_low"] < 0 < rec["estimate"] < rec["ci_high"]


def test_wilcoxon_signed_rank_exact_r_help_example():
    # R ?wilcox.test, depression data: V = 40. |d| ranks 1..9, negative d have ranks 2, 3,
    # so R- = 5, R+ = 40. Exact: 10 of 2^9 sign patterns have R- <= 5, p = 2 * 10 / 512.
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    rec = wilcoxon_signed_rank(x, y)
    assert rec["statistic"] == 40
    assert rec["p"] == pytest.approx(20 / 512, abs=1e-12)
    assert rec["estimate"] == pytest.approx(35 / 45)
    assert "exact p" in rec["method"]


def test_wilcoxon_signed_rank_normal_approximation_with_ties_and_zeros():
    # d = x - y = [1, 1, 2, -1, 3, 0, 2, 4]; the zero is dropped, m = 7. Ranks of |d|:
    # 1,1,1 -> 2; 2,2 -> 4.5; 3 -> 6; 4 -> 7. V = R+ = 26, R- = 2, r = 24 / 28.
    # R's formula: var = 7*8*15/24 - ((3^3-3) + (2^3-2)) / 48 = 34.375;
    # z = (26 - 14 - 0.5) / sqrt(34.375) = 1.961447, p = 2 * (1 - Phi(z)) = 0.049827.
    x = [2, 2, 3, 0, 4, 5, 3, 5]
    y = [1, 1, 1, 1, 1, 5, 1, 1]
    rec = wilcoxon_signed_rank(x, y)
    assert rec["statistic"] == 26 and rec["n"] == 8
    assert rec["estimate"] == pytest.approx(24 / 28)
    assert rec["p"] == pytest.approx(0.049827, abs=1e-6)
    assert "continuity and tie correction" in rec["method"] and "1 zero" in rec["method"]


def test_chi_square_fisher_for_sparse_2x2():
    # Margins 4/5 by 4/5, n = 9: P(a) for a = 0..4 is (5, 40, 60, 20, 1) / 126. Observed a = 3
    # (20/126); tables at most as likely: a = 0, 3, 4, so p = 26 / 126.
    rec = chi_square([[3, 1], [1, 4]])
    assert rec["p"] == pytest.approx(26 / 126)
    assert "Fisher's exact" in rec["method"]
    assert 0 <= rec["ci_low"] <= rec["estimate"] <= rec["ci_high"] <= 1


def _exact_conditional_p(table: np.ndarray) -> float:
    """p of Pearson's chi2 over all 2-row tables with the observed margins."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    observed = st.chi2_contingency(table, correction=False).statistic
    p = 0.0
    for top in itertools.product(*(range(c + 1) for c in cols)):
        if sum(top) != rows[0]:
            continue
        candidate = np.array([top, cols - np.array(top)])
        log_prob = (
            sum(math.lgamma(m + 1) for m in [*rows, *cols])
            - math.lgamma(table.sum() + 1)
            - sum(math.lgamma(v + 1) for v in candidate.ravel())
        )
        if st.chi2_contingency(candidate, correction=False).statistic >= observed - 1e-9:
            p += math.exp(log_prob)
    return p


def test_chi_square_monte_carlo_p_for_sparse_larger_table():
    table = np.array([[3, 1, 0], [1, 2, 4]])
    rec = chi_square(table, seed=7)
    assert "Monte Carlo p from 10000 tables" in rec["method"]
    assert rec["p"] == pytest.approx(_exact_conditional_p(table), abs=0.01)
    assert rec["p"] == chi_square(table, seed=7)["p"]
    assert "asymptotic p" in chi_square(table, mc_threshold=0)["method"]


def test_chi_square_from_two_label_vectors_equals_table():
    x = pd.Series(["f", "f", "m", "m", "m", None, "f", "m"] * 10)
    y = pd.Categorical(
        ["d", "r", "d", "r", "r", "d", "d", "i"] * 10, categories=["d", "i", "r", "x"]
    )
    by_labels = chi_square(x, y)
    table = pd.crosstab(x, pd.Series(y)).to_numpy()
    assert by_labels == chi_square(table)
    assert by_labels["n"] == 70


def test_wilson_ci_for_7_of_20():
    # z = 1.959964, z^2 = 3.841459, p = 0.35, c = 1 + z^2 / 20 = 1.192073;
    # centre = (0.35 + z^2 / 40) / c = 0.374169; half = z * sqrt(0.35 * 0.65 / 20 + z^2 / 1600)
    # / c = 0.192977; interval (0.181192, 0.567146).
    p_hat, low, high = wilson_ci(7, 20)
    assert isinstance(p_hat, float)
    assert (p_hat, low, high) == pytest.approx((0.35, 0.181192, 0.567146), abs=1e-6)


def test_wilson_ci_vectorised_equals_statsmodels():
    successes, n = np.array([0, 3, 7, 20, 50]), np.array([10, 10, 20, 20, 80])
    p_hat, low, high = wilson_ci(successes, n, ci=0.9)
    ref_low, ref_high = proportion_confint(successes, n, alpha=0.1, method="wilson")
    np.testing.assert_allclose(p_hat, successes / n)
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)
    assert np.isnan(wilson_ci(0, 0)[1])


def test_adjust_p_holm_and_bh_within_families():
    # Family "c" (Holm), p = .01, .04, .03, .005, NaN (m = 4, the NaN does not count).
    # Sorted .005 .01 .03 .04 times 4, 3, 2, 1 = .02 .03 .06 .04, running max -> .02 .03 .06 .06.
    # Family "e" (BH), same p: times 4/1, 4/2, 4/3, 4/4 = .02 .02 .04 .04, running min from the
    # top -> .02 .02 .04 .04.
    p = [0.01, 0.04, 0.03, 0.005, np.nan]
    frame = pd.DataFrame({"family": ["c"] * 5 + ["e"] * 5, "p": p * 2})
    out = adjust_p(frame, method_by_family={"c": "holm", "e": "fdr_bh"})
    np.testing.assert_allclose(
        out["p_adj"], [0.03, 0.06, 0.06, 0.02, np.nan, 0.02, 0.04, 0.04, 0.02, np.nan]
    )
    assert out["correction"].tolist() == ["Holm"] * 5 + ["Benjamini-Hochberg"] * 5
    assert "p_adj" not in frame


# --------------------------------------------------------------------------- models


def _survey(seed: int = 3, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    case = rng.choice(["k1", "k2", "k3", "k4"], n)
    service = pd.Categorical(rng.choice(["rel", "reg"], n), categories=["rel", "reg"])
    skill = rng.normal(size=n)
    latent = 1.0 * (service == "reg") + 0.5 * skill + rng.logistic(size=n)
    item = np.digitize(latent, [-1.0, 0.0, 1.0, 2.0]) + 1
    return pd.DataFrame(
        {
            "case": case,
            "success": np.where(np.isin(case, ["k1", "k2"]), "yes", "no"),
            "service": service,
            "skill": skill,
            "trained": pd.array(rng.integers(0, 2, n), dtype="Int64"),
            "item": pd.array(item, dtype="Int64"),
        }
    )


def test_ordinal_logit_recovers_the_effect_and_drops_unused_levels():
    data = _survey()
    rec = ordinal_logit(data, "item", "service", ["case"])
    assert rec["ci_low"] < 1.0 < rec["ci_high"] and rec["n"] == 400
    assert "1 = 'reg' vs 0 = 'rel'" in rec["method"]
    data["item_cat"] = pd.Categorical(data["item"], categories=[1, 2, 3, 4, 5, 6], ordered=True)
    with_unused = ordinal_logit(data, "item_cat", "service", ["case"])
    assert with_unused["estimate"] == pytest.approx(rec["estimate"], abs=1e-4)
    assert "unused outcome levels dropped: [6]" in with_unused["method"]


def _ordinal_design(data: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """The outcome and design of ordinal_logit(data, "item", "service", ["case"]), row by row."""
    endog = pd.Series(pd.Categorical(data["item"].astype(float), ordered=True))
    exog = pd.concat(
        [
            pd.DataFrame({"service": (data["service"] == "reg").astype(float)}),
            models._fixed_effect_dummies(data, ["case"]),
        ],
        axis=1,
    )
    return endog, exog


def test_ordinal_model_derivatives_and_fit_match_statsmodels():
    # The OrderedModel of ordinal_logit: analytic score and Hessian equal numerical ones,
    # and its Newton fit is the maximum statsmodels' stock BFGS fit approaches.
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.numdiff import approx_fprime

    data = _survey()
    endog, exog = _ordinal_design(data)
    fast = models._logit_ordered_model()(endog, exog, distr="logit")
    params = fast.start_params + np.random.default_rng(1).normal(0, 0.3, fast.start_params.size)
    numerical_score = approx_fprime(params, fast.loglike, centered=True)
    np.testing.assert_allclose(fast.score(params), numerical_score, rtol=1e-6, atol=1e-6)
    numerical_hessian = approx_fprime(params, fast.score, centered=True)
    np.testing.assert_allclose(fast.hessian(params), numerical_hessian, rtol=1e-6, atol=1e-5)
    fit = fast.fit(method="newton", disp=False)
    stock = OrderedModel(endog, exog, distr="logit").fit(method="bfgs", maxiter=1000, disp=False)
    assert fit.mle_retvals["converged"]
    assert fit.llf >= stock.llf - 1e-9
    np.testing.assert_allclose(fit.params, stock.params, atol=1e-3)
    np.testing.assert_allclose(fit.bse, stock.bse, rtol=1e-3)


def test_ordinal_logit_on_distinct_rows_equals_the_fit_on_every_row():
    # ordinal_logit fits each distinct (outcome, covariates) row once, weighted by its
    # count: the same maximum, standard error and p as the model of every row.
    data = _survey()
    rec = ordinal_logit(data, "item", "service", ["case"])
    endog, exog = _ordinal_design(data)
    every_row = models._logit_ordered_model()(endog, exog, distr="logit")
    fit = every_row.fit(method="newton", disp=False)
    assert rec["estimate"] == pytest.approx(fit.params["service"], abs=1e-9)
    low, high = fit.conf_int().loc["service"]
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert rec["p"] == pytest.approx(fit.pvalues["service"], rel=1e-7)
    assert rec["n"] == len(data)
    # the weighted score and Hessian are the derivatives of the weighted log-likelihood
    weighted = models._logit_ordered_model()(endog, exog, distr="logit")
    weighted.frequency = np.random.default_rng(2).integers(1, 5, len(endog))
    params = weighted.start_params + 0.1
    from statsmodels.tools.numdiff import approx_fprime

    np.testing.assert_allclose(
        weighted.score(params), approx_fprime(params, weighted.loglike, centered=True), rtol=1e-6
    )
    np.testing.assert_allclose(
        weighted.hessian(params),
        approx_fprime(params, weighted.score, centered=True),
        rtol=1e-6,
        atol=1e-5,
    )


def test_ordinal_logit_with_two_levels_equals_logistic_regression():
    data = _survey()
    data["high"] = (data["item"] >= 3).astype("float64")
    rec = ordinal_logit(data, "high", "service")
    logit = Logit(data["high"], np.column_stack([np.ones(400), data["service"] == "reg"])).fit(
        disp=False
    )
    assert rec["estimate"] == pytest.approx(logit.params.iloc[1], abs=1e-4)


def test_ols_standardised_betas():
    data = _survey()
    data.loc[0, "skill"] = np.nan
    data.loc[1, "trained"] = pd.NA
    out = ols_standardised(data, "item", ["skill", "trained"], ["case"]).set_index("term")
    assert (out["n"] == 398).all() and (out["df"] == 398 - 1 - 2 - 3).all()
    assert "HC3" in out.loc["skill", "method"] and "binary" in out.loc["trained", "method"]
    # One continuous predictor, no fixed effects: the standardised beta is Pearson's r.
    complete = data.dropna(subset=["skill"])
    alone = ols_standardised(complete, "item", ["skill"]).iloc[0]
    r = np.corrcoef(complete["skill"], complete["item"].astype(float))[0, 1]
    assert alone["estimate"] == pytest.approx(r)
    # One binary predictor: the difference of its two means in outcome SDs.
    binary = ols_standardised(data, "item", ["service"]).iloc[0]
    item = data["item"].astype(float)
    diff = item[data["service"] == "reg"].mean() - item[data["service"] == "rel"].mean()
    assert binary["estimate"] == pytest.approx(diff / item.std())


def test_partial_correlation_equals_correlation_of_residuals():
    data = _survey()
    data["skill2"] = data["skill"] + np.random.default_rng(0).normal(size=400)
    rec = partial_correlation(data, "item", "skill2", ["skill", "trained"])
    design = np.column_stack([np.ones(400), data["skill"], data["trained"].astype(float)])
    residuals = [
        v - design @ np.linalg.lstsq(design, v, rcond=None)[0]
        for v in (data["item"].to_numpy(float), data["skill2"].to_numpy())
    ]
    assert rec["estimate"] == pytest.approx(np.corrcoef(*residuals)[0, 1])
    z, se = np.arctanh(rec["estimate"]), 1 / math.sqrt(400 - 2 - 3)
    expected_ci = np.tanh([z - 1.959964 * se, z + 1.959964 * se])
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx(expected_ci, abs=2e-6)


def test_partial_correlation_reproduces_pingouin():
    # partial_correlation repeats pingouin.partial_corr's computation without importing it.
    data = _survey().astype({"trained": "float64", "item": "float64"})
    data["skill2"] = data["skill"] + np.random.default_rng(0).normal(size=400)
    data["constant"] = 1.0
    for covariates in (["skill"], ["skill", "trained"]):
        rec = partial_correlation(data, "item", "skill2", covariates)
        row = pingouin_row(pingouin.partial_corr, data=data, x="item", y="skill2", covar=covariates)
        assert (rec["estimate"], rec["ci_low"], rec["ci_high"], rec["p"], rec["n"]) == (
            row["r"],
            row["ci_low"],
            row["ci_high"],
            row["p"],
            row["n"],
        )
    assert math.isnan(partial_correlation(data, "item", "skill2", ["constant"])["estimate"])
    with pytest.raises(ValueError, match="covariate 'skill' is numerically identical"):
        partial_correlation(data.assign(skill2=data["skill"]), "item", "skill2", ["skill"])
    assert rec["df"] == 396


# --------------------------------------------------------------------------- simulations


def test_hedges_g_ci_covers_true_d():
    rng = np.random.default_rng(2024)
    true_d, covered = 0.5, 0
    for _ in range(400):
        rec = hedges_g(rng.normal(true_d, 1, 10), rng.normal(0, 1, 12))
        covered += rec["ci_low"] <= true_d <= rec["ci_high"]
    assert 0.90 <= covered / 400 <= 0.99


def test_mann_whitney_rejection_rate_under_the_null():
    rng = np.random.default_rng(2025)
    scale = [1, 2, 3, 4, 5]  # survey-like 5-point data, many ties
    rejections = sum(
        mann_whitney(rng.choice(scale, 20), rng.choice(scale, 25))["p"] < 0.05 for _ in range(400)
    )
    assert 0.02 <= rejections / 400 <= 0.08


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: kruskal_wallis([1, 2, 3], ["a", "a", "b"]),
            r"group 'b' has 1 observation\(s\) after dropping missing values; every group "
            r"needs at least 2",
        ),
        (
            lambda: kruskal_wallis([1, 2, np.nan], ["a", "a", "b"]),
            r"need at least 2 groups with data, got 1: \['a'\]",
        ),
        (
            lambda: oneway_anova([1, 2], ["a"]),
            "values and groups must have the same length, got 2 and 1",
        ),
        (
            lambda: kruskal_wallis(["x", "y"], ["a", "b"]),
            "values must be numeric",
        ),
        (
            lambda: oneway_anova([1, 2, 3, 4], ["a", "a", "b", "b"], n_boot=0),
            "n_boot must be a positive integer, got 0",
        ),
        (
            lambda: oneway_anova([1, 1, 2, 3], ["a", "a", "b", "b"]),
            "group 'a' has zero variance; Welch's ANOVA weights groups by 1/variance",
        ),
        (
            lambda: mann_whitney([1, np.nan], [1, 2]),
            r"x has 1 non-missing observation\(s\); x and y each need at least 2",
        ),
        (
            lambda: hedges_g([1, 1], [2, 2]),
            "x and y are both constant: the pooled SD is 0 and g is undefined",
        ),
        (
            lambda: wilcoxon_signed_rank([1, 2, 3], [1, 2]),
            r"x and y must be paired \(same length\), got 3 and 2",
        ),
        (
            lambda: wilcoxon_signed_rank([1, 2, 3], [1, 2, 4]),
            "need at least 2 pairs with a non-zero difference, got 1",
        ),
        (
            lambda: chi_square([[1, 0], [2, 0]]),
            r"column\(s\) \[1\] have no observations; drop empty categories",
        ),
        (
            lambda: chi_square([[1, 2, 3]]),
            r"need at least 2 rows and 2 columns of counts, got shape \(1, 3\)",
        ),
        (
            lambda: chi_square([[1.5, 2], [3, 4]]),
            "table must hold non-negative integer counts",
        ),
        (lambda: wilson_ci(8, 7), "successes must lie between 0 and n for every element"),
        (lambda: wilson_ci(1, 7, ci=95), "ci must be strictly between 0 and 1, got 95"),
    ],
)
def test_bad_input_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("item", "success", ["case"]),
            r"predictor\(s\) \['success'\] are collinear with the fixed effects \['case'\]",
        ),
        (
            ("item", "service", ["case", "success"]),
            r"fixed effects \['case', 'success'\] are collinear with each other",
        ),
        (
            ("item", "case", []),
            r"'predictor case' must have exactly 2 distinct values, found 4",
        ),
        (
            ("case", "service", []),
            "outcome 'case' must be numeric or an ordered Categorical",
        ),
        (("item", "missing", []), r"columns \['missing'\] are not in the data"),
    ],
)
def test_ordinal_logit_errors(args, message):
    with pytest.raises(ValueError, match=message):
        ordinal_logit(_survey(), *args)


def test_model_and_adjustment_errors():
    data = _survey()
    with pytest.raises(ValueError, match=r"predictor\(s\) \['success'\] are collinear"):
        ols_standardised(data, "item", ["skill", "success"], ["case"])
    with pytest.raises(ValueError, match=r"cov_type must be one of \['nonrobust'"):
        ols_standardised(data, "item", ["skill"], cov_type="HC4")
    with pytest.raises(ValueError, match="predictor 'case' is non-numeric with 4 values"):
        ols_standardised(data, "item", ["case"])
    with pytest.raises(ValueError, match="covariates must name at least one column"):
        partial_correlation(data, "item", "skill", [])
    frame = pd.DataFrame({"family": ["a", "b"], "p": [0.1, 0.2]})
    with pytest.raises(ValueError, match=r"no correction method for families \['b'\]"):
        adjust_p(frame, method_by_family={"a": "holm"})
    with pytest.raises(ValueError, match=r"unknown correction method\(s\) \['bonferroni'\]"):
        adjust_p(frame, method_by_family={"a": "holm", "b": "bonferroni"})
