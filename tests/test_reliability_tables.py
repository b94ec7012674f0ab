"""Reliability tables and consensus codes on the study's data, against the planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.coding import consensus_codes, presence_matrix, read_adjudication
from coprod.errors import StudyInputError
from coprod.reliability.tables import intercoder_table, scale_reliability_table


@pytest.fixture(scope="module")
def items(study, synthetic):
    """Reverse-keyed item data of the responses the exclusions keep."""
    cb = study.codebook
    kept = synthetic.responses[synthetic.responses["planted"].isin(["clean", "straightliner"])]
    columns = {}
    for _, spec in cb.scores[cb.scores["items"].map(len) >= 2].iterrows():
        valid = cb.response_sets[spec["response_set"]].values
        low, high = min(valid), max(valid)
        for item in spec["items"]:
            values = kept[item].astype("float64").where(kept[item].isin(list(valid)))
            columns[item] = low + high - values if cb.items.loc[item, "reverse"] else values
    frame = pd.DataFrame(columns)
    frame["case"] = kept["case"].to_numpy()
    frame["sample"] = kept["sample"].to_numpy()
    return frame


def test_presence_and_consensus_small_example():
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"]})
    codings = pd.DataFrame(
        {
            "segment_id": ["s1", "s1", "s2", "s3", "s3"],
            "coder": ["a", "b", "a", "b", "b"],
            "code": ["x", "x", "x", "y", "x"],
        }
    )
    presence = presence_matrix(segments, codings, ["x", "y", "z"], ["a", "b"])
    assert presence.shape == (4, 6)
    assert presence.loc["s1", ("x", "a")] == 1 and presence.loc["s4"].sum() == 0
    both = consensus_codes(presence)
    assert both["x"].tolist() == [1, 0, 0, 0] and both["z"].sum() == 0
    either = consensus_codes(presence, rule="any_coder")
    assert either["x"].tolist() == [1, 1, 1, 0] and either["y"].tolist() == [0, 0, 1, 0]
    decided = pd.DataFrame({"segment_id": ["s2", "s1"], "code": ["x", "x"], "present": [1, 0]})
    adjudicated = consensus_codes(presence, adjudication=decided)
    assert adjudicated["x"].tolist() == [0, 1, 0, 0]
    with pytest.raises(ValueError, match="consensus rule must be one of all_coders, any_coder"):
        consensus_codes(presence, rule="majority")


def test_adjudication_file_errors(tmp_path):
    segments = pd.DataFrame({"segment_id": ["s1", "s2"]})
    path = tmp_path / "adjudication.csv"
    path.write_text("segment_id,code,present\ns1,x,1\ns9,x,1\n")
    with pytest.raises(StudyInputError) as raised:
        read_adjudication(str(path), segments, ["x"])
    assert str(raised.value) == (
        f"{path}, row 3, column 'segment_id': segment 's9' is not a segment of the focus groups."
    )
    path.write_text("segment_id,code,present\ns1,x,yes\n")
    with pytest.raises(StudyInputError, match=r"row 2, column 'present': found 'yes'"):
        read_adjudication(str(path), segments, ["x"])
    path.write_text("segment_id,code\ns1,x\n")
    with pytest.raises(StudyInputError, match="missing column"):
        read_adjudication(str(path), segments, ["x"])


def test_scale_reliabilities_recover_the_planted_values(study, items, truth):
    cb = study.codebook
    table = scale_reliability_table(
        items, cb.scores, cb.constructs, by=["case", "sample"], n_boot=1000, seed=7
    )
    pooled = table[table["level"] == "pooled"].set_index("scale")
    planted = pd.Series(truth["population"]["cronbach_alpha"])
    assert set(pooled.index) == set(planted.index)
    planted = planted[pooled.index]
    difference = (pooled["alpha"] - planted[pooled.index]).abs()
    assert difference.max() < 0.05, difference.sort_values().tail(3)
    covered = (pooled["ci_low"] <= planted) & (planted <= pooled["ci_high"])
    assert covered.sum() >= len(covered) - 1, pooled.loc[~covered, ["alpha", "ci_low", "ci_high"]]
    assert pooled.index[pooled["flag_below_threshold"]].tolist() == ["B4_met"]
    assert (pooled["ci_method"] == "bootstrap").all()
    # per case (4) and per sample (2) rows for every scale
    assert table.groupby("scale").size().eq(1 + 4 + 2).all()
    assert np.isnan(pooled.loc["leadership_support_level", "omega"])  # 2 items: no omega


def test_scale_table_is_reproducible_with_its_seed(study, items):
    cb = study.codebook
    first = scale_reliability_table(items, cb.scores, cb.constructs, n_boot=200, seed=3)
    second = scale_reliability_table(items, cb.scores, cb.constructs, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(first, second)


def test_intercoder_table_recovers_planted_agreement(study, synthetic, truth):
    codes = study.focus_group_codes
    presence = presence_matrix(
        synthetic.segments, synthetic.codings, list(codes.index), ["coder_1", "coder_2"]
    )
    table = intercoder_table(presence, codes, n_boot=1000, seed=11).set_index("code")
    per_code = table.drop(index="all codes")
    planted = pd.Series(
        {code: v["expected_krippendorff_alpha"] for code, v in truth["focus_group_codes"].items()}
    )[per_code.index]
    assert (per_code["krippendorff_alpha"] - planted).abs().max() < 0.12
    covered = (per_code["alpha_ci_low"] <= planted) & (planted <= per_code["alpha_ci_high"])
    assert covered.mean() >= 0.85
    assert per_code.index[per_code["flag"] == "unreliable"].tolist() == ["risk_accountability"]
    assert table.loc["all codes", "n_units"] == len(codes) * len(synthetic.segments)
    assert (per_code["kappa_type"] == "cohen").all()
    prevalence = pd.Series(
        {code: v["prevalence"] for code, v in truth["focus_group_codes"].items()}
    )[per_code.index]
    assert (per_code["prevalence"] - prevalence).abs().max() < 0.03
