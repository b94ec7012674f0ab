"""The bundled study's scale reliability against R's psych, on every scale and block.

R's values (``tests/data/reference/scale_alpha/``) were computed by
``psych_reliability.R`` (psych 2.2.9, GPArotation 2022.10.2, R 4.2.2: the versions are in
``alpha_total.csv``) from the keyed items ``export_items.py`` wrote from a run of the
bundled study; no R is needed here. Every scale and block is checked, pooled and per
level of each config ``reliability.by`` column, with the pipeline's own functions
(:mod:`coprod.reliability.tables`) on the items the pipeline scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.reliability.agreement import icc
from coprod.reliability.factor import pairwise_correlations
from coprod.reliability.icc_anova import icc_anova
from coprod.reliability.scale import (
    NO_OMEGA_HIERARCHICAL,
    NO_OMEGA_TOTAL,
    OMEGA_METHODS,
    mcdonald_omega,
)
from coprod.reliability.tables import (
    item_statistics_table,
    multi_item_scales,
    omega_block_table,
    scale_reliability_table,
)
from coprod.scoring import score_responses
from tests.reference import vendored

KEPT = ("clean", "straightliner")  # what the exclusions keep (as tests/test_compare.py)
EXACT = 1e-10  # closed-form statistics: both sides compute the same sums
# Omega comes from iterative factor solutions. R's optim (L-BFGS-B) stops when an
# iteration improves the criterion by less than factr * eps = 1e7 * 2.2e-16 (relative),
# and GPArotation's oblimin when its projected gradient is under 1e-5; the pipeline runs
# its optimiser to the optimum (ftol 1e-15), so the two differ by R's stopping error.
# Measured on the bundled study: omega total at most 2.3e-6 apart (one 5-factor block;
# 1.2e-6 on a 3-item scale, where the pipeline is within 1e-10 of the closed-form optimum
# and R is not: test_one_factor_omega_of_three_items_is_the_closed_form), omega
# hierarchical at most 1.3e-5 (the rotation's stopping adds to the extraction's).
OMEGA_TOTAL = 5e-6
OMEGA_HIERARCHICAL = 5e-5
KEYS = ["scale", "level", "group"]
PRE = {  # R's column -> the pipeline's, psych 2.2.9's standardised statistics
    "raw_alpha": "alpha",
    "std_alpha": "std_alpha",
    "lambda6": "lambda6",
    "average_r": "average_r",
    "signal_to_noise": "signal_to_noise",
    "median_r": "median_r",
}
STANDARDISED = ["std_alpha", "lambda6", "average_r", "signal_to_noise", "median_r"]


@pytest.fixture(scope="module")
def items(study, synthetic, config):
    kept = synthetic.responses[synthetic.responses["planted"].isin(KEPT)]
    minimum = config["scoring"]["min_share_answered"]
    return score_responses(kept, study, min_share_answered=minimum).items


def _table(items, study, config, **options):
    codebook = study.codebook
    by = config["reliability"]["by"]
    return scale_reliability_table(
        items, codebook.scores, codebook.constructs, by=by, n_boot=100, seed=0, **options
    )


@pytest.fixture(scope="module")
def tables(items, study, config):
    return {
        formula: _table(items, study, config, std_formula=formula) for formula in ("pre-2.4", "2.4")
    }


def _merged(r: pd.DataFrame, ours: pd.DataFrame, keys=KEYS) -> pd.DataFrame:
    merged = r.merge(ours, on=keys, how="outer", suffixes=("_r", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    return merged


def test_r_was_given_the_items_the_pipeline_scores(items, study, config):
    exported = pd.read_csv(vendored("scale_alpha", "items.csv"), dtype=str, keep_default_na=False)
    scales = pd.read_csv(vendored("scale_alpha", "scales.csv"))
    columns = scales["item"].tolist()
    by = config["reliability"]["by"]
    assert exported.columns.tolist() == [*by, *columns]
    expected = multi_item_scales(study.codebook.scores)["items"]
    assert scales.groupby("scale", sort=False)["item"].apply(list).to_dict() == expected.to_dict()
    given = exported[columns].replace("NA", np.nan).astype(float).to_numpy()
    np.testing.assert_array_equal(given, items[columns].astype(float).to_numpy())
    assert (exported[by].to_numpy() == items[by].astype(str).to_numpy()).all()


def test_alpha_and_scale_statistics_match_psych_on_every_scale_and_group(tables):
    r = pd.read_csv(vendored("scale_alpha", "alpha_total.csv"), dtype={"group": str})
    assert set(r["psych_version"]) == {"2.2.9"}
    old = _merged(r, tables["pre-2.4"])
    new = _merged(r, tables["2.4"])
    assert len(old) == len(tables["pre-2.4"]) == 91  # 13 scales x (pooled + 4 cases + 2 samples)
    for theirs, ours in PRE.items():
        np.testing.assert_allclose(
            old[ours],
            old[f"{theirs}_r" if theirs == ours else theirs],
            rtol=0,
            atol=EXACT,
            err_msg=theirs,
        )
    for name in STANDARDISED:  # psych 2.4's formula: R = cor(x, use = "pairwise")
        np.testing.assert_allclose(new[name], new[f"{name}_2.4"], rtol=0, atol=EXACT, err_msg=name)
    for name in ("mean", "sd"):
        np.testing.assert_allclose(old[name], old[f"{name}_r"], rtol=0, atol=EXACT, err_msg=name)
    assert (old["n"] == old["n_r"]).all() and (old["n_items"] == old["n_items_r"]).all()
    # the missing answers make the two formulas differ: by up to 0.02 on this study
    assert 1e-3 < (new["std_alpha"] - old["std_alpha"]).abs().max() < 0.05
    assert (new["alpha"] == old["alpha"]).all()


def test_alpha_if_dropped_matches_psych_for_every_item(items, study, config):
    r = pd.read_csv(vendored("scale_alpha", "alpha_drop.csv"), dtype={"group": str})
    scores = study.codebook.scores
    by = config["reliability"]["by"]
    for formula, suffix in (("pre-2.4", ""), ("2.4", "_2.4")):
        rows = []
        for level, group, part in [("pooled", "all", items)] + [
            (column, str(value), frame)
            for column in by
            for value, frame in items.groupby(column, observed=False, sort=True)
        ]:
            table = item_statistics_table(part, scores, std_formula=formula)
            rows.append(table.assign(level=level, group=group))
        ours = pd.concat(rows)
        ours = ours[ours["scale"].map(lambda s: len(scores.loc[s, "items"]) >= 3)]
        merged = _merged(r, ours, keys=[*KEYS, "item"])
        assert len(merged) == len(ours) == 12 * 3 * 7
        np.testing.assert_allclose(merged["corrected_item_total_r"], merged["r_drop"], atol=EXACT)
        np.testing.assert_allclose(merged["alpha_if_deleted"], merged["raw_alpha"], atol=EXACT)
        for name in STANDARDISED:
            np.testing.assert_allclose(
                merged[f"{name}_if_deleted"],
                merged[f"{name}{suffix}"],
                rtol=0,
                atol=EXACT,
                err_msg=f"{name} ({formula})",
            )


@pytest.mark.parametrize("fm", ["minres", "ml"])
def test_omega_total_matches_psych_on_every_scale_and_group(tables, items, study, config, fm):
    r = pd.read_csv(vendored("scale_alpha", "omega_scales.csv"), dtype={"group": str})
    ours = tables["2.4"] if fm == "minres" else _table(items, study, config, fm=fm)
    merged = _merged(r, ours[ours["n_items"] >= 3])
    assert len(merged) == 12 * 7
    np.testing.assert_allclose(
        merged["omega"], merged[f"omega_total_{fm}"], rtol=0, atol=OMEGA_TOTAL
    )
    assert set(merged["omega_method"]) == {OMEGA_METHODS[fm]}
    two = ours[ours["n_items"] == 2]
    assert len(two) == 7 and two["omega"].isna().all()
    assert set(two["omega_method"]) == {NO_OMEGA_TOTAL}
    # one scale has no omega hierarchical, and the record says why instead of a number
    assert ours["omega_hierarchical"].isna().all()
    assert set(ours["omega_hierarchical_reason"]) == {NO_OMEGA_HIERARCHICAL}


@pytest.mark.parametrize("fm", ["minres", "ml"])
def test_block_omega_matches_psych_on_every_block_and_group(items, study, config, fm):
    r = pd.read_csv(vendored("scale_alpha", "omega_blocks.csv"), dtype={"group": str})
    blocks = config["reliability"]["omega"]["blocks"]
    by = config["reliability"]["by"]
    ours = omega_block_table(items, study.codebook.scores, blocks, by=by, fm=fm)
    merged = _merged(r, ours, keys=["block", "level", "group"])
    assert len(merged) == len(blocks) * 7
    assert (merged["n_factors"] == merged["n_factors_r"]).all() and (
        merged["n"] == merged["n_r"]
    ).all()
    np.testing.assert_allclose(
        merged["omega_total"], merged[f"omega_total_{fm}"], rtol=0, atol=OMEGA_TOTAL
    )
    np.testing.assert_allclose(
        merged["omega_hierarchical"],
        merged[f"omega_hierarchical_{fm}"],
        rtol=0,
        atol=OMEGA_HIERARCHICAL,
    )
    assert (merged["omega_hierarchical"] < merged["omega_total"]).all()


def test_one_factor_omega_of_three_items_is_the_closed_form(items, study):
    # Three items make a one-factor model saturated: l_i^2 = r_ij r_ik / r_jk exactly, so
    # omega total has a closed form. The pipeline reaches it; R stops up to 1.2e-6 away.
    r = pd.read_csv(vendored("scale_alpha", "omega_scales.csv"), dtype={"group": str})
    scores = study.codebook.scores
    pooled = r[r["level"] == "pooled"]
    assert len(pooled) == 12
    for row in pooled.itertuples():
        corr = pairwise_correlations(items[scores.loc[row.scale, "items"]])
        (i, j, k) = ((0, 1, 2), (1, 0, 2), (2, 0, 1))
        squared = np.array([corr[a, b] * corr[a, c] / corr[b, c] for a, b, c in (i, j, k)])
        closed = (corr.sum() - (1 - squared).sum()) / corr.sum()
        for fm in ("minres", "ml"):
            assert mcdonald_omega(items[scores.loc[row.scale, "items"]], fm=fm) == pytest.approx(
                closed, abs=1e-9
            )
            assert getattr(row, f"omega_total_{fm}") == pytest.approx(closed, abs=OMEGA_TOTAL)


def test_icc_and_its_anova_match_psych_on_every_scale_and_group(items, study, config):
    # psych::ICC with a scale's items as raters: not a statistic the study reports, but
    # real data for the ICC's F tests and the mean squares behind them.
    r = pd.read_csv(vendored("scale_alpha", "icc_scales.csv"), dtype={"group": str})
    scores = multi_item_scales(study.codebook.scores)
    by = config["reliability"]["by"]
    subsets = [("pooled", "all", items)] + [
        (column, str(value), frame)
        for column in by
        for value, frame in items.groupby(column, observed=False, sort=True)
    ]
    checked = 0
    for scale, spec in scores.iterrows():
        for level, group, part in subsets:
            data = part[spec["items"]].astype(float)
            theirs = r[(r["scale"] == scale) & (r["level"] == level) & (r["group"] == group)]
            ours = icc(data).loc[theirs["type"]]
            assert len(theirs) == 6
            for name in ("icc", "F", "ci_low", "ci_high"):
                np.testing.assert_allclose(
                    ours[name], theirs[name], rtol=0, atol=EXACT, err_msg=name
                )
            np.testing.assert_allclose(ours["p"], theirs["p"], rtol=1e-9, atol=1e-300)
            assert ours["df1"].tolist() == theirs["df1"].tolist()
            assert ours["df2"].tolist() == theirs["df2"].tolist()
            anova = icc_anova(data)
            first = theirs.iloc[0]
            for source in ("targets", "raters", "residual"):
                row = anova.loc[source]
                assert row["df"] == first[f"df_{source}"]
                for ours_name, prefix in (("sum_sq", "ss"), ("mean_sq", "ms")):
                    assert row[ours_name] == pytest.approx(first[f"{prefix}_{source}"], abs=EXACT)
            for source in ("targets", "raters"):
                assert anova.loc[source, "F"] == pytest.approx(first[f"F_{source}"], abs=EXACT)
                assert anova.loc[source, "p"] == pytest.approx(first[f"p_{source}"], rel=1e-9)
            assert anova.loc["within", "mean_sq"] == pytest.approx(first["ms_within"], abs=EXACT)
            assert anova.loc["within", "df"] == first["df2"]  # ICC1's df2
            checked += 1
    assert checked == len(scores) * len(subsets) == 91
