"""Comparisons of any number of levels (coprod.analyses.contrasts.compare_levels): the
omnibus test and every pair, against published and scipy values; the one error for
declared levels the data lack; and a study with three service classes, end to end."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
import yaml
from matplotlib.colors import to_hex

from coprod.analyses.contrasts import compare_levels, comparisons
from coprod.analyses.records import apply_families, options_of_tests
from coprod.errors import StudyInputError
from coprod.exhibits.figures.figure3_contrast_forest import forest_plot
from coprod.exhibits.figures.style import Look, plt
from tests.conftest import output, reduced_study, run
from tests.test_exhibit_tables import cell_text

# Hollander & Wolfe (1973, p. 116), the example of R's kruskal.test help page: mucociliary
# efficiency of normal subjects, subjects with obstructive airway disease and with
# asbestosis. R prints "Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68".
MUCOCILIARY = {
    "normal": [2.9, 3.0, 2.5, 2.6, 3.2],
    "obstructive": [3.8, 2.7, 4.0, 2.4],
    "asbestosis": [2.8, 3.4, 3.7, 2.2, 2.0],
}
FAMILIES = {
    "omnibus": {"correction": "holm", "role": "confirmatory"},
    "pairs": {"correction": "fdr_bh", "role": "exploratory"},
    "robust": {"correction": "fdr_bh", "role": "exploratory"},
}


def catalogue(outcomes, binary=()):
    return pd.DataFrame(
        {
            "outcome_label": [f"label {o}" for o in outcomes],
            "kind": "k",
            "measure": "m",
            "label": [f"label {o}" for o in outcomes],
            "binary": [o in binary for o in outcomes],
            "side": pd.NA,
        },
        index=list(outcomes),
    )


def mucociliary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "efficiency": [v for values in MUCOCILIARY.values() for v in values],
            "subjects": pd.Categorical(
                [group for group, values in MUCOCILIARY.items() for _ in values],
                categories=list(MUCOCILIARY),
            ),
        }
    )


def test_a_declared_alternative_makes_every_pair_one_sided_as_r():
    spec = {"column": "subjects", "family": "omnibus", "pairwise_family": "pairs"}
    spec |= {"robustness_family": "robust", "alternative": "greater"}
    table = comparisons(
        mucociliary(), ["efficiency"], catalogue(["efficiency"]), {"c": spec}, ordinal=False
    )["c"]
    # R 4.2.2: wilcox.test(x, y, alternative = "greater") (exact) and t.test(x, y,
    # alternative = "greater") for the pairs (normal, obstructive), (normal, asbestosis),
    # (obstructive, asbestosis).
    pairs = table[(table["comparison"] == "pair") & (table["evidence"] == "primary")]
    np.testing.assert_allclose(
        pairs["p"], [0.72222222222222221, 0.5, 0.20634920634920634], rtol=0, atol=1e-15
    )
    assert pairs["method"].str.contains("exact p, one-sided \\(x greater\\)").all()
    welch = table[table["effect"] == "hedges_g"]
    np.testing.assert_allclose(
        welch["p"], [0.79351837850722995, 0.47849986420309498, 0.23025239431802613], atol=1e-12
    )
    omnibus = table[table["comparison"] == "omnibus"]
    assert omnibus["p"].round(2).tolist() == [0.68]  # the omnibus test stays two-sided


def test_three_levels_give_the_published_omnibus_and_every_pair():
    table = compare_levels(
        mucociliary(),
        ["efficiency"],
        catalogue(["efficiency"]),
        column="subjects",
        family="omnibus",
        pairwise_family="pairs",
    )
    table = apply_families(table, FAMILIES)
    omnibus = table.iloc[0]
    assert (omnibus["comparison"], omnibus["contrast"], omnibus["family"]) == (
        "omnibus",
        "normal vs obstructive vs asbestosis",
        "omnibus",
    )
    assert omnibus["statistic"] == pytest.approx(0.77143, abs=5e-6)  # R, to its 5 digits
    assert omnibus["df"] == 2 and round(omnibus["p"], 2) == 0.68
    assert omnibus["estimate"] == pytest.approx(omnibus["statistic"] / 13)  # H / (n - 1)
    assert omnibus["p_adj"] == omnibus["p"]  # alone in its family
    pairs = table[table["comparison"] == "pair"]
    assert list(zip(pairs["group_1"], pairs["group_2"], strict=True)) == list(
        itertools.combinations(MUCOCILIARY, 2)
    )
    assert (pairs["family"] == "pairs").all() and (pairs["role"] == "exploratory").all()
    # R 4.2.2, wilcox.test(x, y) with its defaults: exact p (fewer than 50 values, no ties).
    r_exact = [0.73015873015873023, 1.0, 0.41269841269841268]
    for row, r_p in zip(pairs.itertuples(), r_exact, strict=True):
        x, y = MUCOCILIARY[row.group_1], MUCOCILIARY[row.group_2]
        scipy = st.mannwhitneyu(x, y, method="exact")
        assert row.statistic == scipy.statistic  # U of x: 8, 13, 14
        assert row.p == pytest.approx(r_p, abs=1e-15) and "exact p" in row.method
        assert row.estimate == pytest.approx(2 * scipy.statistic / (len(x) * len(y)) - 1)
    # Benjamini-Hochberg within the pairs' family only: 0.730, 1.0, 0.413 -> 1.0, 1.0, 1.0
    expected = st.false_discovery_control(pairs["p"].to_numpy())
    assert pairs["p_adj"].to_numpy() == pytest.approx(expected)
    assert pairs["p_adj"].tolist() == pytest.approx([1.0, 1.0, 1.0])


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    """Three levels with planted shifts (b +1, c -1 from a on the score; c more often yes),
    120 respondents each, and a fixed-effect column."""
    rng = np.random.default_rng(7)
    level = np.repeat(["a", "b", "c"], 120)
    shift = np.select([level == "b", level == "c"], [1.0, -1.0], 0.0)
    return pd.DataFrame(
        {
            "level": pd.Categorical(level, categories=["a", "b", "c"]),
            "score": np.clip(np.round(3 + shift + rng.normal(0, 1, level.size)), 1, 5),
            "yes": (rng.random(level.size) < np.where(level == "c", 0.6, 0.3)).astype(float),
            "site": rng.choice(["p", "q"], level.size),
        }
    )


def test_planted_differences_are_found_in_every_pair_with_robustness(planted):
    table = compare_levels(
        planted,
        ["score", "yes"],
        catalogue(["score", "yes"], binary=["yes"]),
        column="level",
        family="omnibus",
        pairwise_family="pairs",
        robustness_family="robust",
        fixed_effects=["site"],
    )
    table = apply_families(table, FAMILIES)
    score = table[table["outcome"] == "score"]
    assert score["comparison"].tolist() == ["omnibus"] + ["pair"] * 9  # 3 pairs x (r, g, logit)
    groups = [planted.loc[planted["level"] == g, "score"] for g in "abc"]
    assert score.iloc[0]["statistic"] == pytest.approx(st.kruskal(*groups).statistic)
    primary = score[(score["comparison"] == "pair") & (score["evidence"] == "primary")]
    signs = dict(zip(primary["contrast"], np.sign(primary["estimate"]), strict=True))
    assert signs == {"a vs b": -1.0, "a vs c": 1.0, "b vs c": 1.0}  # b > a > c as planted
    assert (primary["p_adj"] < 0.001).all()
    robust = score[score["evidence"] == "robustness"]
    assert robust["effect"].tolist() == ["hedges_g", "log_odds_ratio"] * 3
    assert (robust["family"] == "robust").all()
    assert (np.sign(robust["estimate"]).to_numpy() == np.repeat([-1, 1, 1], 2)).all()
    yes = table[table["outcome"] == "yes"]
    counts = pd.crosstab(planted["level"], planted["yes"]).to_numpy()
    chi2 = st.chi2_contingency(counts, correction=False).statistic
    assert (yes.iloc[0]["effect"], yes.iloc[0]["statistic"]) == ("cramers_v", pytest.approx(chi2))
    assert "hedges_g" not in set(yes["effect"])  # no g of a yes/no score
    # Every p is adjusted within its own family: the pairs of both outcomes together.
    pairs = table[table["family"] == "pairs"]
    assert len(pairs) == 6
    assert pairs["p_adj"].to_numpy() == pytest.approx(
        st.false_discovery_control(pairs["p"].to_numpy())
    )


def test_named_levels_choose_a_subset_and_its_order(planted):
    cat = catalogue(["score"])
    two = compare_levels(planted, ["score"], cat, column="level", family="f", levels=["c", "a"])
    assert two[["comparison", "contrast", "family"]].values.tolist() == [["pair", "c vs a", "f"]]
    three = compare_levels(
        planted,
        ["score"],
        cat,
        column="level",
        family="f",
        pairwise_family="p",
        levels=["c", "a", "b"],
    )
    assert three["contrast"].tolist() == ["c vs a vs b", "c vs a", "c vs b", "a vs b"]


def test_declared_levels_the_data_lack_are_all_named_in_one_error(planted):
    specs = {
        "by_level": {"column": "level", "levels": ["a", "z", "d"], "family": "f"},
        "all_levels": {"column": "level", "levels": None, "family": "g"},
        "sites": {"column": "site", "levels": ["p", "r"], "family": "h", "pairwise_family": "k"},
        "fine": {"column": "level", "levels": ["b", "c"], "family": "i"},
    }
    data = planted.assign(level=planted["level"].cat.add_categories(["z"]))
    with pytest.raises(StudyInputError) as caught:
        comparisons(data, ["score"], catalogue(["score"]), specs, source="scores.parquet")
    assert str(caught.value) == (
        "the config: 3 declared comparison(s) do not match the levels of the data "
        "(scores.parquet): compare.contrasts.by_level.levels names ['z', 'd'] of column "
        "'level': 'z' has no responses, 'd' is not a level of the column (levels with "
        "responses: ['a', 'b', 'c']); compare.contrasts.all_levels compares 3 levels of "
        "column 'level' but names no pairwise_family for their pairs: add one (and define "
        "it under compare.families); compare.contrasts.sites.levels names ['r'] of column "
        "'site': 'r' is not a level of the column (levels with responses: ['p', 'q']). "
        "Name only levels that have responses under each `levels` (or set it to null to "
        "compare every level with responses), and give a comparison of three or more "
        "levels a pairwise_family."
    )


def test_forest_plot_draws_every_pair_in_every_panel():
    rows = []
    pairs = [("a", "b"), ("a", "c"), ("b", "c")]
    for outcome, (j, pair) in itertools.product(["s1", "s2"], enumerate(pairs)):
        for effect in ("rank_biserial", "hedges_g"):
            rows.append(
                {
                    "outcome": outcome,
                    "group_1": pair[0],
                    "group_2": pair[1],
                    "effect": effect,
                    "estimate": 0.1 * (j + 1),
                    "ci_low": 0.1 * j - 0.05,
                    "ci_high": 0.1 * j + 0.25,
                    "p": 0.002 if j == 2 else 0.3,
                    "p_adj": 0.01 if j == 2 else 0.5,
                    "family": effect,
                    "correction": "Benjamini-Hochberg",
                    "n": 100,
                }
            )
    fig = forest_plot(
        pd.DataFrame(rows),
        sections=[("Section", ["s1", "s2"])],
        outcome_labels={"s1": "S1", "s2": "S2"},
        effect_labels={"rank_biserial": "r", "hedges_g": "g"},
        pair_labels={pair: (pair[0].upper(), pair[1].upper()) for pair in pairs},
        look=Look(style={"font.size": 8}),
    )
    for ax in fig.axes[:2]:
        markers = [line for line in ax.get_lines() if line.get_marker() not in ("None", "")]
        assert len(markers) == 6  # 2 scores x 3 pairs
        heights = sorted({round(float(m.get_ydata()[0]), 3) for m in markers})
        assert len(heights) == 6  # each pair on its own line within the score's row
        filled = [to_hex(m.get_markerfacecolor()) != "#ffffff" for m in markers]
        assert filled == [False, False, True] * 2
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert {"A vs B", "A vs C", "B vs C"} <= set(legend)
    assert (
        fig.legends[0]
        .get_title()
        .get_text()
        .endswith("Benjamini-Hochberg over 6 tests (r); Benjamini-Hochberg over 6 tests (g).")
    )
    plt.close(fig)


# --------------------------------------------------------------------------- workflow

THIRD_CLASS = "community,Community services,Services run with community organisations\n"


@pytest.fixture(scope="module")
def three_classes(tmp_path_factory) -> Path:
    """The reduced study with a third service class: one service (the second of the
    registry) moved to it, so its respondents form the third class."""
    work = reduced_study(tmp_path_factory.mktemp("three_classes"))
    classes = work / "resources" / "service_classes.csv"
    classes.write_text(classes.read_text(encoding="utf-8") + THIRD_CLASS, encoding="utf-8")
    services = pd.read_csv(work / "resources" / "services.csv", dtype=str)
    services.loc[1, "service_class"] = "community"
    services.to_csv(work / "resources" / "services.csv", index=False)
    result = run(work, "table08_service_classes", "figure3_contrast_forest", "cited_numbers")
    assert result.returncode == 0, output(result)
    return work


@pytest.mark.workflow
def test_three_service_classes_reach_the_records_table_8_figure_3_and_numbers(three_classes):
    config = yaml.safe_load((three_classes / "config/config.yaml").read_text(encoding="utf-8"))
    spec = config["compare"]["contrasts"]["service_class"]
    records = pd.read_parquet(three_classes / "results/compare/service_class.parquet")
    omnibus = records[records["comparison"] == "omnibus"]
    pairs = records[(records["comparison"] == "pair") & (records["evidence"] == "primary")]
    assert set(omnibus["contrast"]) == {"relational vs regulatory vs community"}
    assert (omnibus["family"] == spec["family"]).all() and set(omnibus["correction"]) == {"Holm"}
    assert sorted(set(pairs["contrast"])) == [
        "regulatory vs community",
        "relational vs community",
        "relational vs regulatory",
    ]
    assert len(pairs) == 3 * len(omnibus)
    assert (pairs["family"] == spec["pairwise_family"]).all()
    assert pairs["p_adj"].to_numpy() == pytest.approx(
        st.false_discovery_control(pairs["p"].to_numpy())
    )
    # The omnibus test is Kruskal-Wallis on the scores as scored, across the three classes.
    scores = pd.read_parquet(three_classes / "results/scoring/scores.parquet")
    row = omnibus[omnibus["outcome"] == "B1_met"].iloc[0]
    groups = [
        scores.loc[scores["service_class"] == level, "B1_met"].dropna().astype(float)
        for level in ("relational", "regulatory", "community")
    ]
    assert row["statistic"] == pytest.approx(st.kruskal(*groups).statistic)

    table = pd.read_csv(three_classes / "results/exhibits/tables/table08_service_classes.csv")
    for label in ("Relational services", "Regulatory services", "Community services"):
        assert table[f"{label}: n"].notna().sum() == len(omnibus)  # n per level, first rows
    assert table["Comparison"].tolist()[:4] == [
        "All 3 levels",
        "Relational services vs Regulatory services",
        "Relational services vs Community services",
        "Regulatory services vs Community services",
    ]
    assert len(table) == 4 * len(omnibus)
    assert (three_classes / "results/exhibits/figures/figure3_contrast_forest.png").is_file()
    numbers = yaml.safe_load((three_classes / "results/exhibits/numbers.json").read_text())
    assert numbers["count_significant_service_class_pairs"]["value"] == int(
        (pairs["p_adj"] < config["exhibits"]["significance"]).sum()
    )
    # each cited effect names the cell of Table 8 that prints it: the omnibus row of its
    # score, or the row of its pair (under the score's first row)
    cited = {
        k: e for k, e in numbers.items() if e["cell"].get("table") == "table08_service_classes"
    }
    assert any(" vs " in " ".join(e["cell"]["row"]) for e in cited.values())
    for key, entry in cited.items():
        assert entry["text"] in cell_text(three_classes, entry["cell"]), key


def test_the_kruskal_wallis_effect_chosen_in_config_reaches_the_omnibus_record():
    options = options_of_tests({"tests": {"kruskal_effect": "eta_squared_h"}})
    table = compare_levels(
        mucociliary(),
        ["efficiency"],
        catalogue(["efficiency"]),
        column="subjects",
        family="omnibus",
        pairwise_family="pairs",
        **options,
    )
    omnibus = table[table["comparison"] == "omnibus"].iloc[0]
    # R 4.2.2, rstatix 0.7.2: kruskal_effsize(d, x ~ g)$effsize on the same data
    assert omnibus["effect"] == "eta_squared_h"
    assert omnibus["estimate"] == pytest.approx(-0.11168831168831161, abs=1e-12)
    default = compare_levels(
        mucociliary(), ["efficiency"], catalogue(["efficiency"]), column="subjects", family="o"
    )
    assert default.iloc[0]["effect"] == "epsilon_squared"
