"""The bundled study's statistics against R: the barrier sides' signed-rank test against
``wilcox.test`` (the scales' reliability against ``psych``: tests/test_scale_reliability_r.py).

R's values (``tests/data/reference/barrier_sides/``) were computed by the R script there
on what the export script beside it wrote from a run of the bundled study (exact side
scores); no R is needed here. The README there names the R and package versions.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from coprod.analyses.barrier_sides import barrier_sides, side_scores
from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.scoring import exact_score, score_responses
from coprod.stats.group_tests import wilcoxon_signed_rank
from tests.reference import vendored

KEPT = ("clean", "straightliner")  # what the exclusions keep (as tests/test_compare.py)


@pytest.fixture(scope="module")
def scored(study, synthetic, config):
    kept = synthetic.responses[synthetic.responses["planted"].isin(KEPT)]
    minimum = config["scoring"]["min_share_answered"]
    return score_responses(kept, study, min_share_answered=minimum)


@pytest.fixture(scope="module")
def scores(scored):
    return scored.scores


@pytest.fixture(scope="module")
def barriers(study, config):
    catalogue = score_catalogue(study.codebook)
    role = config["compare"]["scores"]["barriers_met"]
    return catalogue, scores_of(catalogue, [role["kind"]], [role["measure"]])


def test_side_scores_are_the_ones_r_was_given(scores, barriers):
    catalogue, outcomes = barriers
    chosen = catalogue.loc[outcomes]
    exported = pd.read_csv(
        vendored("barrier_sides", "side_scores.csv"), dtype=str, keep_default_na=False
    )
    ours = scores.set_index("response_id").loc[exported["response_id"]]
    for column, side in zip(("side_1", "side_2"), dict.fromkeys(chosen["side"]), strict=True):
        computed = side_scores(ours, list(chosen.index[chosen["side"] == side]))
        assert [Fraction(v) if v else None for v in exported[column]] == computed


def test_barrier_sides_match_r_wilcox_test_in_every_group(scores, barriers, config):
    catalogue, outcomes = barriers
    by = config["compare"]["barrier_sides"]["by"]
    ours = barrier_sides(scores, outcomes, catalogue, by=by, family="f")
    r = pd.read_csv(vendored("barrier_sides", "wilcox_barrier_sides.csv"), dtype={"group": str})
    merged = r.merge(
        ours, on=["by", "group"], how="outer", suffixes=("_r", ""), validate="1:1", indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[["by", "group", "_merge"]]
    assert len(merged) == 1 + sum(scores[column].nunique() for column in by)
    np.testing.assert_allclose(merged["statistic"], merged["V"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(merged["p"], merged["p_r"], rtol=0, atol=1e-6)
    assert merged["n"].tolist() == merged["n_r"].tolist()
    dropped = merged["method"].str.extract(r"(\d+) zero difference")[0].astype(int)
    assert dropped.tolist() == merged["zeros"].tolist()
    # The bundled study has respondents with equal side scores (R drops them), 12 in all.
    assert merged.loc[merged["by"] == "all", "zeros"].tolist() == [12]


def test_float_side_means_would_break_ties_and_zeros():
    # 10/9 two ways: (1 + 1 + 4/3) / 3 in floats is 2.2e-16 below 10/9; exact, it is 10/9.
    # A respondent with those two side scores has a zero difference, which the test drops.
    first = pd.DataFrame({"a": [1.0, 3.0, 1.0, 2.0], "b": [1.0, 1.0, 5.0, 2.0], "c": [4 / 3] * 4})
    second = pd.DataFrame({"d": [10 / 9, 2.0, 1.0, 4.0]})
    floats = first.mean(axis=1) - second["d"]
    assert floats.iloc[0] != 0
    exact = [
        one - two
        for one, two in zip(
            side_scores(first, list("abc")), side_scores(second, ["d"]), strict=True
        )
    ]
    assert exact[0] == 0 and exact_score(10 / 9) == Fraction(10, 9)
    rec = wilcoxon_signed_rank([float(d) for d in exact])
    assert "1 zero difference(s) dropped" in rec["method"] and rec["n"] == 4
