"""Scoring (coprod.scoring): reverse keys, prorating at its boundary, hand-computed means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.clean import ExclusionSettings, apply_exclusions, design_columns
from coprod.scoring import (
    SCORE_MAX_DENOMINATOR,
    exact_score,
    keyed_items,
    multi_item_scores,
    prorating_table,
    scale_score,
    score_responses,
)
from coprod.synthetic.study import generate
from tests.test_clean import ingest_frame

NA = pd.NA


@pytest.fixture(scope="module")
def clean(study, model):
    synthetic = generate(study, {**model, "population_size": 1000})
    frame = ingest_frame(synthetic.responses, study)
    return apply_exclusions(frame, study, ExclusionSettings.from_config({})).clean


@pytest.fixture(scope="module")
def scored(clean, study):
    return score_responses(clean, study, min_share_answered=0.67)


# --------------------------------------------------------------------------- keys


def test_reverse_keying_by_hand(study):
    cb = study.codebook
    reverse = next(i for i in cb.scale_items("B3_met") if cb.items.loc[i, "reverse"])
    forward = next(i for i in cb.scale_items("B3_met") if not cb.items.loc[i, "reverse"])
    codes = pd.DataFrame(
        {reverse: [1, 2, 3, 4, 5, 8, NA], forward: [1, 2, 3, 4, 5, 8, NA]}, dtype="Int64"
    )
    keyed = keyed_items(codes, cb, [reverse, forward])
    assert keyed[reverse].tolist() == [5.0, 4.0, 3.0, 2.0, 1.0, NA, NA]
    assert keyed[forward].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, NA, NA]
    assert (keyed.dtypes == "Float64").all()


def test_missing_codes_become_na_and_unknown_codes_fail(study):
    cb = study.codebook
    overcome = cb.scale_items("B1_overcome")[0]  # 1-5, 9 = not applicable
    experienced = cb.scale_items("R1_experienced")[0]  # 1/0, 8 = don't know
    codes = pd.DataFrame({overcome: [1, 5, 9, NA], experienced: [1, 0, 8, NA]}, dtype="Int64")
    keyed = keyed_items(codes, cb, [overcome, experienced])
    assert keyed[overcome].tolist() == [1.0, 5.0, NA, NA]
    assert keyed[experienced].tolist() == [1.0, 0.0, NA, NA]
    with pytest.raises(ValueError, match=r"code\(s\) \[7\] are neither valid"):
        keyed_items(pd.DataFrame({overcome: [7]}, dtype="Int64"), cb, [overcome])


# --------------------------------------------------------------------------- prorating


def test_prorating_at_the_threshold_boundary():
    items = pd.DataFrame(
        {"a": [4, 4, 4, NA], "b": [2, 2, NA, NA], "c": [3, NA, NA, NA]}, dtype="Float64"
    )
    score, prorated = scale_score(items, 0.67)
    # 3 of 3: mean; 2 of 3 (0.667 read as 0.67): scored, prorated; 1 of 3: NA; 0: NA.
    assert score.tolist() == [3.0, 3.0, NA, NA]
    assert prorated.tolist() == [False, True, False, False]
    # A stricter rule needs all three; a looser one takes one of three.
    assert scale_score(items, 0.68)[0].tolist() == [3.0, NA, NA, NA]
    assert scale_score(items, 0.33)[0].tolist() == [3.0, 3.0, 4.0, NA]


def test_two_item_scale_needs_both_items_at_two_thirds():
    items = pd.DataFrame({"a": [2, 2], "b": [4, NA]}, dtype="Float64")
    assert scale_score(items, 0.67)[0].tolist() == [3.0, NA]
    assert scale_score(items, 0.5)[0].tolist() == [3.0, 2.0]


def test_prorating_table_counts(study):
    cb = study.codebook
    scales = multi_item_scores(cb)
    scores = pd.DataFrame({s: [1.0, NA, 2.0] for s in scales}, dtype="Float64")
    prorated = pd.DataFrame({s: [False, False, True] for s in scales})
    table = prorating_table(scores, prorated, cb)
    assert list(table.columns) == ["scale", "n_items", "n_scored", "n_prorated", "n_missing"]
    assert table["scale"].tolist() == scales
    assert (table[["n_scored", "n_prorated", "n_missing"]].to_numpy() == [2, 1, 1]).all()


# --------------------------------------------------------------------------- whole responses


def test_hand_computed_scores(clean, study):
    cb = study.codebook
    rows = clean.head(3).copy()
    b3 = cb.scale_items("B3_met")  # the third item is reverse-keyed
    assert [bool(cb.items.loc[i, "reverse"]) for i in b3] == [False, False, True]
    rows[b3] = pd.DataFrame([[2, 4, 1], [2, 8, 1], [8, 8, 1]], index=rows.index, dtype="Int64")
    ls = cb.scale_items("leadership_support_level")
    rows[ls] = pd.DataFrame([[2, 5], [3, 3], [4, NA]], index=rows.index, dtype="Int64")
    single = {
        cb.scale_items("B2_overcome")[0]: ([4, 9, NA], [4.0, NA, NA]),
        cb.scale_items("S1_used")[0]: ([1, 0, 1], [1.0, 0.0, 1.0]),
        cb.scale_items("R1_experienced")[0]: ([1, 0, 8], [1.0, 0.0, NA]),
        cb.scale_items("R1_managed")[0]: ([5, NA, NA], [5.0, NA, NA]),
        cb.scale_items("training_received")[0]: ([0, 1, 1], [0.0, 1.0, 1.0]),
        cb.scale_items("training_hours")[0]: ([1, 3, 4], [1.0, 3.0, 4.0]),
    }
    for item, (codes, _) in single.items():
        rows[item] = pd.array(codes, dtype="Int64")
    scored = score_responses(rows, study, min_share_answered=0.67)
    scores = scored.scores
    assert scores["B3_met"].iloc[:2].tolist() == pytest.approx([11 / 3, 3.5])
    assert pd.isna(scores["B3_met"].iloc[2])
    assert scores["leadership_support_level"].iloc[:2].tolist() == [3.5, 3.0]
    assert pd.isna(scores["leadership_support_level"].iloc[2])
    score_of = {cb.items.loc[item, "score"]: item for item in single}
    for score, item in score_of.items():
        assert scores[score].tolist() == single[item][1], score
    prorated = scored.prorated.set_index("scale")
    assert prorated.loc["B3_met", ["n_scored", "n_prorated", "n_missing"]].tolist() == [2, 1, 1]
    assert prorated.loc["leadership_support_level", "n_missing"] == 1
    keyed = scored.items
    assert keyed[b3[2]].tolist() == [5.0, 5.0, 5.0]
    assert keyed[b3[1]].iloc[1] is NA


def test_output_layout(scored, clean, study):
    cb = study.codebook
    keys = ["response_id", "sample", *design_columns(study)]
    assert list(scored.scores.columns) == keys + list(cb.scores.index)
    multi = multi_item_scores(cb)
    assert list(scored.items.columns) == keys + [i for s in multi for i in cb.scale_items(s)]
    for frame in (scored.scores, scored.items):
        assert len(frame) == len(clean)
        assert (frame.drop(columns=keys).dtypes == "Float64").all()
        assert frame["sample"].dtype == "Int64"
        assert frame["case"].dtype == "category"
    assert scored.prorated["scale"].tolist() == multi
    n = len(clean)
    assert (scored.prorated["n_scored"] + scored.prorated["n_missing"] == n).all()
    # Every score lies in its response set's valid range.
    for score, spec in cb.scores.iterrows():
        valid = cb.response_sets[spec["response_set"]].values
        values = scored.scores[score].dropna()
        assert values.between(min(valid), max(valid)).all(), score


def test_design_columns_keep_every_registry_category_when_absent(clean, study):
    one = clean[clean["case"].eq(study.cases.index[0]) & clean["service_class"].eq("relational")]
    scored = score_responses(one, study, min_share_answered=0.67)
    for frame in (scored.scores, scored.items):
        assert list(frame["case"].cat.categories) == list(study.cases.index)
        assert frame["case"].nunique() == 1
        assert list(frame["service_class"].cat.categories) == list(study.service_classes.index)
        assert list(frame["service_id"].cat.categories) == list(study.services.index)
        assert list(frame["group_id"].cat.categories) == list(study.stakeholder_groups.index)
        counts = frame.groupby("case", observed=False).size()
        assert counts.index.tolist() == list(study.cases.index)


def test_scoring_adds_design_columns_when_absent(clean, study):
    cb = study.codebook
    raw = clean.drop(columns=design_columns(study)).copy()
    raw[cb.role_item("case")] = clean["case"].map(study.cases["code"]).astype("Int64")
    again = score_responses(raw, study, min_share_answered=0.67)
    direct = score_responses(clean, study, min_share_answered=0.67)
    pd.testing.assert_frame_equal(again.scores, direct.scores)


def test_min_share_must_be_a_share(clean, study):
    with pytest.raises(ValueError, match="min_share_answered"):
        score_responses(clean, study, min_share_answered=0)


def test_exact_score_recovers_every_mean_of_codes_and_refuses_other_numbers():
    from fractions import Fraction

    # Every mean of 1 to 12 codes 0..9 (as scale_score computes it) comes back exact.
    rng = np.random.default_rng(5)
    for size in range(1, 13):
        codes = rng.integers(0, 10, size=(50, size))
        for row in codes:
            value = float(pd.Series(row, dtype="Float64").astype("float64").mean())
            assert exact_score(value) == Fraction(int(row.sum()), size)
    with pytest.raises(ValueError) as error:
        exact_score(0.1234567)
    assert str(error.value) == (
        f"score 0.1234567 is not a mean of at most {SCORE_MAX_DENOMINATOR} integer codes "
        "(its nearest such fraction, 10/81, is 0.12345679012345678); raise "
        "coprod.scoring.SCORE_MAX_DENOMINATOR if a scale has more items"
    )
    with pytest.raises(ValueError, match=r"^a score must be a finite number"):
        exact_score(float("nan"))
