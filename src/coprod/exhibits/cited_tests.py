"""The cited numbers of the comparisons: the across-case tests of the barriers met, each
contrast's significant effects, the staff factor's coefficients, the strategies used, the
two sides of the barriers and the joint display's rank correlations.

Part of the job :func:`coprod.exhibits.numbers.cited_numbers`: each function adds its
entries (with their sentences and cells, :mod:`coprod.exhibits.cited`) to a
:class:`~coprod.exhibits.cited.CitedNumbers`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coprod.exhibits.cited import (
    NOT_AVAILABLE,
    TABLES,
    CitedNumbers,
    p_phrase,
    pooled_rows,
    records_cell,
    sourced,
    table_cell,
)
from coprod.exhibits.formatting import decimals_of, format_p
from coprod.exhibits.labels import Labels, bracketed, slug
from coprod.exhibits.tables.common import correction_of, one_row, outcome_rows
from coprod.jobs import Inputs, Settings
from coprod.vocabulary import OMNIBUS, PAIR, POOLED

EFFECT_KEYS = {
    "rank_biserial": "r",
    "epsilon_squared": "epsilon2",
    "eta_squared_h": "eta2h",
    "cramers_v": "v",
}
"""How a cited effect's key starts, by the record's ``effect``."""
EFFECT_WORDS = {
    "rank_biserial": "rank-biserial r",
    "epsilon_squared": "epsilon-squared",
    "eta_squared_h": "eta-squared based on H",
    "cramers_v": "Cramér's V",
}
"""An effect size in a sentence, by the record's ``effect``."""


def p_header(records: pd.DataFrame) -> str:
    """The header of a table's adjusted-p column: the correction its rows share."""
    return f"p ({correction_of(records)})"


def effect_name(effect: Any) -> str:
    return EFFECT_WORDS.get(str(effect), str(effect).replace("_", " "))


def barrier_numbers(
    numbers: CitedNumbers, labels: Labels, inputs: Inputs, settings: Settings
) -> None:
    """Barriers met: pooled mean and % rating high; the significant across-case tests."""
    decimals = decimals_of(settings)
    by = str(settings["by"])
    everyone = labels.level(by, POOLED)
    high = settings["high_rating"]
    shown = outcome_rows(labels, settings["barriers"])
    source, describe = sourced(inputs, "describe")
    for outcome, row in pooled_rows(describe, shown):
        name = labels.outcome(outcome)
        numbers.value(
            f"mean_{slug(name)}",
            row["estimate"],
            decimals["mean"],
            f"Mean score, all respondents: {name}",
            source,
            sentence=f"The mean score of {name}, all respondents, was {{text}}.",
            cell=table_cell(
                TABLES["barriers"], [labels.score(outcome)], f"{everyone}: mean (SD), n"
            ),
        )
        numbers.percent(
            f"pct_high_{slug(name)}",
            row["share_high"],
            f"% rating it high (mean >= {high}): {name}",
            source,
            sentence=f"{{text}} of respondents rated {name} high (a mean of {high} or more).",
            cell=table_cell(TABLES["barriers"], [labels.score(outcome)], f"{everyone}: % ≥ {high}"),
        )

    source, records = sourced(inputs, "across_cases")
    tests = records[records["family"] == settings["across_family"]]
    pairs = records[records["family"] == settings.get("across_pairwise_family")]
    by = slug(tests["by"].iloc[0]) if len(tests) else "groups"
    alpha = float(settings["significance"])
    significant = tests[tests["p_adj"].astype(float) < alpha]
    numbers.other_count(
        f"count_significant_across_{by}",
        len(significant),
        f"Scores differing across the {by} levels (adjusted p < {alpha})",
        source,
        sentence=f"{{text}} scores differed across the {by}s (adjusted p < {alpha}).",
        cell=records_cell(
            source, {"family": settings["across_family"]}, f"rows with p_adj < {alpha}"
        ),
    )
    p_column = p_header(pd.concat([tests, pairs]))
    for row in significant.itertuples(index=False):
        name = labels.outcome(row.outcome)
        if row.outcome in shown:
            cell = table_cell(TABLES["barriers"], [labels.score(row.outcome)], "Effect [95% CI]")
            p_cell = table_cell(TABLES["barriers"], [labels.score(row.outcome)], p_column)
        else:
            select = {"family": row.family, "outcome": row.outcome, "comparison": OMNIBUS}
            cell, p_cell = (
                records_cell(source, select, "estimate"),
                records_cell(source, select, "p_adj"),
            )
        numbers.effect(
            f"epsilon2_across_{by}_{slug(name)}",
            pd.Series(row._asdict()),
            decimals["effect"],
            f"Across-{by} effect size ({row.effect}) of {name}",
            source,
            subject=f"Across the {by}s, the {effect_name(row.effect)} of {name}",
            cell=cell,
            p_cell=p_cell,
        )


def contrast_numbers(
    numbers: CitedNumbers, labels: Labels, inputs: Inputs, settings: Settings
) -> None:
    """Each contrast's significant primary effects (the omnibus test, or a two-level
    contrast's pair), then the significant pairs of a contrast of three or more levels."""
    alpha = float(settings["significance"])
    digits = decimals_of(settings)["effect"]
    table_of = {contrast: table for table, contrast in settings["contrast_tables"].items()}
    for name, spec in settings["contrasts"].items():
        source, contrast = sourced(inputs, f"contrast_{name}")
        primary = contrast[contrast["family"] == spec["family"]]
        pairs = contrast[
            (contrast["family"] == spec.get("pairwise_family")) & (contrast["comparison"] == PAIR)
        ]
        significant = primary[primary["p_adj"].astype(float) < alpha]
        numbers.other_count(
            f"count_significant_{slug(name)}",
            len(significant),
            f"Scores with a {name} difference (adjusted p < {alpha})",
            source,
            sentence=f"{{text}} scores differed by {name.replace('_', ' ')} "
            f"(adjusted p < {alpha}).",
            cell=records_cell(source, {"family": spec["family"]}, f"rows with p_adj < {alpha}"),
        )
        if len(pairs):
            numbers.other_count(
                f"count_significant_{slug(name)}_pairs",
                int((pairs["p_adj"].astype(float) < alpha).sum()),
                f"Pairs of {name} levels and scores that differ (adjusted p < {alpha})",
                source,
                sentence=f"{{text}} pairs of levels and scores differed by "
                f"{name.replace('_', ' ')} (adjusted p < {alpha}).",
                cell=records_cell(
                    source,
                    {"family": spec.get("pairwise_family"), "comparison": PAIR},
                    f"rows with p_adj < {alpha}",
                ),
            )
        table = table_of.get(name)
        shown = contrast[
            (contrast["evidence"] == "primary")
            & contrast["family"].isin([spec["family"], spec.get("pairwise_family")])
        ]
        p_column = p_header(shown)

        several = bool(len(primary[primary["comparison"] == OMNIBUS]))

        for row in significant.itertuples(index=False):
            outcome = labels.outcome(row.outcome)
            higher = " (positive: higher in the first)" if row.comparison == PAIR else ""
            numbers.effect(
                f"{EFFECT_KEYS.get(str(row.effect), slug(row.effect))}_{slug(name)}_"
                f"{slug(outcome)}",
                pd.Series(row._asdict()),
                digits,
                f"{row.contrast}: {row.effect} of {outcome}{higher}",
                source,
                subject=f"The {effect_name(row.effect)} of {outcome}, {row.contrast}{higher},",
                **_comparison_cells(labels, row, table, source, p_column, several),
            )
        for row in pairs[pairs["p_adj"].astype(float) < alpha].itertuples(index=False):
            outcome = labels.outcome(row.outcome)
            numbers.effect(
                f"r_{slug(name)}_{slug(row.group_1)}_vs_{slug(row.group_2)}_{slug(outcome)}",
                pd.Series(row._asdict()),
                digits,
                f"{row.contrast}: {row.effect} of {outcome} (positive: higher in the first)",
                source,
                subject=f"The {effect_name(row.effect)} of {outcome}, {row.contrast} "
                "(positive: higher in the first),",
                **_comparison_cells(labels, row, table, source, p_column, several),
            )


def _comparison_cells(
    labels: Labels, row: Any, table: str | None, source: str, p_column: str, several: bool
) -> dict[str, dict[str, Any]]:
    """Where a contrast's effect and its adjusted p are shown: the contrast table's row of
    the score (and of the pair, with three or more levels), or the records' row."""
    outcome = str(row.outcome)
    if table is None:
        select = {"family": row.family, "outcome": outcome, "contrast": row.contrast}
        return {
            "cell": records_cell(source, select, "estimate"),
            "p_cell": records_cell(source, select, "p_adj"),
        }
    where = [labels.score(outcome), labels.measure(outcome)]
    if row.comparison == PAIR and several:
        by = str(row.by)
        where.append(f"{labels.level(by, row.group_1)} vs {labels.level(by, row.group_2)}")
    return {
        "cell": table_cell(table, where, "Effect [95% CI]"),
        "p_cell": table_cell(table, where, p_column),
    }


def model_numbers(
    numbers: CitedNumbers, labels: Labels, inputs: Inputs, settings: Settings
) -> None:
    """The staff factor's coefficients, the strategies used, the two sides of the barriers
    and the joint display's rank correlations."""
    digits = decimals_of(settings)["effect"]
    source, staff = sourced(inputs, "staff")
    spec = settings["staff"]
    models = staff[
        (staff["analysis"] == "standardised_ols")
        & staff["family"].isin([spec["family"], spec["covariate_family"]])
    ]
    for outcome in spec["outcomes"]:
        for term in [*spec["predictors"], *spec.get("covariates", [])]:
            row = one_row(models, outcome=outcome, term=term)
            if row is None:
                continue
            name = (
                labels.outcome(outcome)
                if outcome in labels.catalogue.index
                else bracketed(str(row["outcome_label"]))
            )
            stem = f"beta_{slug(name)}_{slug(row['term_label'])}"
            what = f"Standardised coefficient of {row['term_label']} on {name}"
            where = [name, str(row["term_label"])]
            numbers.effect(
                stem,
                row,
                digits,
                what,
                source,
                subject=f"The standardised coefficient of {row['term_label']} on {name}",
                cell=table_cell(TABLES["staff"], where, "β [95% CI]"),
                p_cell=table_cell(TABLES["staff"], where, "p (adjusted)"),
            )
            numbers.p(
                f"{stem}_p",
                row["p"],
                f"p (unadjusted) of: {what}",
                source,
                sentence=numbers.entries[stem]["sentence"].removesuffix(".")
                + f"; unadjusted {p_phrase(format_p(row['p']) or NOT_AVAILABLE)}.",
                cell=table_cell(TABLES["staff"], where, "p"),
            )
    if len(models):
        numbers.count(
            "n_staff_model",
            int(models["n"].max()),
            "Respondents in the staff-factor models",
            source,
            sentence="The staff-factor models were fitted on {text} respondents.",
            cell=table_cell(TABLES["staff"], [], "n"),
        )

    source, strategies = sourced(inputs, "strategies")
    everyone = labels.level(str(settings["by"]), POOLED)
    used = outcome_rows(labels, settings["strategies"])
    for outcome, row in pooled_rows(strategies, used, analysis="strategy_use"):
        name = labels.score(outcome)
        numbers.percent(
            f"pct_used_{slug(name)}",
            row["estimate"],
            f"% of respondents using: {name}",
            source,
            sentence=f"{{text}} of respondents used {name.lower()}.",
            cell=table_cell(TABLES["strategies"], [name], f"{everyone}: % used (n)"),
        )

    source, sides = sourced(inputs, "barrier_sides")
    row = one_row(sides, by=POOLED, group=POOLED)
    if row is not None:
        select = records_cell(source, {"by": POOLED, "group": POOLED}, "estimate")
        numbers.effect(
            "r_barrier_sides",
            row,
            digits,
            f"{row['contrast']}: matched-pairs rank-biserial r of the barriers met",
            source,
            subject="The matched-pairs rank-biserial r of the barriers met, "
            f"{row['contrast']} (positive: higher on the first side),",
            cell=select,
            p_cell={**select, "column": "p_adj"},
        )

    source, correlation = sourced(inputs, "joint_correlation")
    p_column = p_header(correlation)
    for row in correlation.itertuples(index=False):
        where = labels.level(str(row.by), row.group) if row.by != POOLED else "All cases"
        what = f"Spearman's rho of the survey and focus-group rankings of the barriers, {where}"
        numbers.effect(
            f"rho_joint_{slug(where)}",
            pd.Series(row._asdict()),
            digits,
            what,
            source,
            subject=f"{what},",
            cell=table_cell(TABLES["joint"], [where], "ρ [95% CI]"),
            p_cell=table_cell(TABLES["joint"], [where], p_column),
        )
