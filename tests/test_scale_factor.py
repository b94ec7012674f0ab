"""Omega hierarchical and omega total against planted factor models, and the options and
errors of the scale statistics (coprod.reliability.factor, .scale, .tables).

Against R's psych on the bundled study: tests/test_scale_reliability_r.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from coprod.errors import StudyInputError
from coprod.reliability.factor import factor_loadings, omega, smc
from coprod.reliability.scale import (
    block_omega,
    cronbach_alpha,
    item_total,
    mcdonald_omega_from_corr,
)
from coprod.reliability.tables import omega_block_table


def _higher_order(general: list[float], group: list[float], per_group: int = 3):
    """Correlations of a Schmid–Leiman (higher-order) model, and its population omegas."""
    g = np.repeat(general, per_group)
    s = np.repeat(group, per_group)
    groups = np.kron(np.eye(len(general)), np.ones((per_group, 1))) * s[:, None]
    loadings = np.column_stack([g, groups])
    corr = loadings @ loadings.T
    np.fill_diagonal(corr, 1.0)
    total = corr.sum()
    return corr, g.sum() ** 2 / total, (total - (1 - (loadings**2).sum(axis=1)).sum()) / total


@pytest.mark.parametrize("fm", ["minres", "ml"])
def test_omega_recovers_a_planted_higher_order_model(fm):
    corr, hierarchical, total = _higher_order([0.6, 0.5, 0.4], [0.5, 0.4, 0.6])
    result = omega(corr, 3, fm=fm)
    assert result["omega_total"] == pytest.approx(total, abs=1e-8)  # 0.861217
    # oblimin stops at GPArotation's tolerance (projected gradient 1e-5): 3.5e-6 here
    assert result["omega_hierarchical"] == pytest.approx(hierarchical, abs=1e-5)  # 0.641635
    assert result["flipped"] == []


def test_two_group_factors_take_equal_general_loadings():
    # psych's option "equal": both group factors load sqrt(phi) on the general factor,
    # which recovers a model whose two groups have the same general/group ratio.
    corr, hierarchical, total = _higher_order([0.6, 0.48], [0.5, 0.4])
    result = omega(corr, 2)
    assert result["omega_hierarchical"] == pytest.approx(hierarchical, abs=1e-5)
    assert result["omega_total"] == pytest.approx(total, abs=1e-8)


def test_one_factor_has_omega_total_and_no_omega_hierarchical():
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    corr = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    result = omega(corr)
    assert result["omega_total"] == pytest.approx(6.76 / 9.02, abs=1e-9)
    assert np.isnan(result["omega_hierarchical"])
    np.testing.assert_allclose(factor_loadings(corr, fm="ml").ravel(), loadings, atol=1e-6)


def test_an_item_keyed_against_the_others_is_flipped_and_named():
    loadings = np.array([0.8, 0.7, -0.6, 0.5])
    corr = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    with pytest.warns(UserWarning, match=re.escape("items at positions [2] load negatively")):
        flipped = mcdonald_omega_from_corr(corr)
    assert flipped == pytest.approx(6.76 / 9.02, abs=1e-9)  # as if it were reverse-keyed


def test_standardised_formulas_agree_on_complete_data_and_differ_with_gaps():
    rng = np.random.default_rng(3)
    items = rng.normal(size=(300, 1)) + rng.normal(size=(300, 4))
    new, old = (cronbach_alpha(items, std_formula=f) for f in ("2.4", "pre-2.4"))
    for key in ("std_alpha", "lambda6", "average_r", "median_r", "signal_to_noise"):
        assert new[key] == pytest.approx(old[key], abs=1e-12)
    items[rng.random(items.shape) < 0.2] = np.nan
    new, old = (cronbach_alpha(items, std_formula=f) for f in ("2.4", "pre-2.4"))
    assert new["alpha"] == old["alpha"] and abs(new["std_alpha"] - old["std_alpha"]) > 1e-4


def test_scale_statistics_of_a_known_matrix():
    # four items with every correlation 0.5: average r 0.5, S/N 4, std alpha 0.8,
    # diag(R^-1) = (1 + 2r)/((1 - r)(1 + 3r)) = 1.6, so smc = 1 - 1/1.6 = 0.375 each and
    # lambda 6 = 1 - (4 - 1.5)/10 = 0.75.
    corr = np.full((4, 4), 0.5) + np.eye(4) * 0.5
    z = np.random.default_rng(0).normal(size=(400, 4))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    items = z @ np.linalg.cholesky(corr).T
    result = cronbach_alpha(items)
    assert result["std_alpha"] == pytest.approx(0.8, abs=1e-12)
    assert result["signal_to_noise"] == pytest.approx(4.0, abs=1e-12)
    assert result["median_r"] == pytest.approx(0.5, abs=1e-12)
    assert result["lambda6"] == pytest.approx(0.75, abs=1e-12)
    np.testing.assert_allclose(smc(corr), 0.375, atol=1e-12)
    assert result["mean"] == pytest.approx(0.0, abs=1e-12)
    assert result["sd"] == pytest.approx(np.sqrt(corr.sum()) / 4, abs=1e-12)
    dropped = item_total(items)
    np.testing.assert_allclose(dropped["std_alpha_if_deleted"], 0.75, atol=1e-12)
    np.testing.assert_allclose(dropped["signal_to_noise_if_deleted"], 3.0, atol=1e-12)


def test_two_item_scale_has_no_alpha_if_dropped():
    table = item_total(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 3]}))
    assert table.drop(columns="corrected_item_total_r").isna().all().all()


def test_options_and_blocks_are_checked():
    with pytest.raises(
        ValueError, match=re.escape("std_formula must be one of ['2.4', 'pre-2.4']; got '2.3'")
    ):
        cronbach_alpha([[1, 2], [2, 3], [3, 3]], std_formula="2.3")
    with pytest.raises(ValueError, match=re.escape("fm must be one of ['minres', 'ml']; got 'pa'")):
        factor_loadings(np.eye(3), fm="pa")
    items = pd.DataFrame(np.random.default_rng(1).normal(size=(50, 3)), columns=list("abc"))
    with pytest.raises(ValueError, match=re.escape("a block needs at least 2 scales; got ['s']")):
        block_omega(items, {"s": ["a", "b", "c"]})
    corr = np.eye(4)
    with pytest.raises(ValueError, match=re.escape("n_factors must be between 1 and half")):
        omega(corr, 3)


def test_a_block_naming_an_unknown_scale_says_where_and_what_to_do(study, synthetic):
    scores = study.codebook.scores
    with pytest.raises(StudyInputError) as error:
        omega_block_table(pd.DataFrame(), scores, {"mine": ["B1_met", "nope"]})
    assert str(error.value) == (
        "config/config.yaml, reliability.omega.blocks.mine: ['nope'] are not scores of the "
        "codebook. Name multi-item scores of the codebook, e.g. ['B1_met', 'B2_met', 'B3_met']."
    )
    empty = omega_block_table(pd.DataFrame(), scores, {})
    assert empty.empty and "omega_hierarchical" in empty.columns
