"""The tables of a k-level comparison (tables 8, 9 and 11): per score, the omnibus row
across the levels, then one row per pair.

:func:`comparison_table` prints the records of :func:`coprod.analyses.contrasts.compare_levels`
(a contrast of config ``compare.contrasts``, or the stakeholder groups).

Decisions
---------
Rows
    Each score is a block: its first row holds every level's mean (or % of yes) with the
    respondents who answered it (n per level), the n of the comparison and the test across
    the levels (Kruskal-Wallis H with epsilon-squared, or chi-squared with Cramér's V for
    a yes/no score); then one row per pair, x against y in the levels' order, with its
    Mann-Whitney U, rank-biserial r (positive: higher in x) and, where the comparison has
    robustness evidence, Hedges' g. Pair rows repeat no counts: their n is the sum of
    two counts printed above, which could reveal a masked one.
Two levels
    A two-level comparison has no omnibus row (the omnibus and the single pair ask the same
    question; :mod:`coprod.analyses.contrasts`): its block is one row, the pair's test
    beside the two levels' means, and the table's note says so.
p values
    One printed p column, each row's p adjusted within its own family (the omnibus tests
    over the scores, the pairs over every score and pair); the header names the
    correction where all rows share one, and the note names both otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_number,
    fmt_p,
    is_missing,
    mean_or_percent,
    number_text,
)
from coprod.exhibits.labels import Labels, listing
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.protection import (
    PAIRS_NOTE,
    Protector,
    masking_note,
    protect_groups,
    protect_pairs,
)
from coprod.exhibits.tables.common import (
    EFFECT_SYMBOLS,
    STATISTIC_SYMBOLS,
    as_float,
    cell,
    correction_of,
    group_counts,
    one_row,
    read,
    tested_groups,
)
from coprod.resources import Study
from coprod.vocabulary import OMNIBUS, PAIR

__all__ = [
    "comparison_levels",
    "comparison_table",
    "first_row_only",
    "printed_tests",
    "test_record",
]


PAIR_TESTS = (
    "Statistic",
    "df",
    "Effect",
    "Effect 95% CI low",
    "Effect 95% CI high",
    "p",
    "p (adjusted)",
    "Hedges' g",
    "g 95% CI low",
    "g 95% CI high",
)
"""The columns of a pair's test (:func:`test_record`, and Hedges' g)."""


def comparison_levels(records: pd.DataFrame) -> list[str]:
    """The levels a comparison's records compare, in their order (as text).

    >>> comparison_levels(pd.DataFrame({"comparison": ["omnibus", "pair", "pair", "pair"],
    ...     "contrast": ["b vs a vs c", "b vs a", "b vs c", "a vs c"]}))
    ['b', 'a', 'c']
    """
    omnibus = records[records["comparison"] == OMNIBUS]
    if len(omnibus):
        return str(omnibus["contrast"].iloc[0]).split(" vs ")
    pairs = records[records["comparison"] == PAIR]
    named = (str(level) for pair in pairs["contrast"] for level in pair.split(" vs "))
    return list(dict.fromkeys(named))


def test_record(row: pd.Series | None, correction_default: str) -> dict[str, Any]:
    """A test row's cells: test and effect symbols, statistic, df, effect with its CI, p,
    adjusted p and its correction (``correction_default`` where there is no row)."""
    name = None if row is None or is_missing(row["statistic_name"]) else row["statistic_name"]
    effect = None if row is None or is_missing(row["effect"]) else row["effect"]
    return {
        "Test": None if name is None else STATISTIC_SYMBOLS.get(str(name), str(name)),
        "Statistic": as_float(cell(row, "statistic")),
        "df": as_float(cell(row, "df")),
        "Effect size": None if effect is None else EFFECT_SYMBOLS.get(str(effect), str(effect)),
        "Effect": as_float(cell(row, "estimate")),
        "Effect 95% CI low": as_float(cell(row, "ci_low")),
        "Effect 95% CI high": as_float(cell(row, "ci_high")),
        "p": as_float(cell(row, "p")),
        "p (adjusted)": as_float(cell(row, "p_adj")),
        "Correction": correction_default if row is None else str(row["correction"]),
    }


def comparison_table(
    study: Study,
    inputs: Mapping[str, Any],
    settings: Mapping[str, Any],
    stem: str,
    *,
    records: str,
    title: str,
    design_note: str = "",
) -> list[Exhibit]:
    """A comparison of the levels of a column on every score, omnibus then pairs.

    ``inputs``: ``records`` (the name of the comparison's result records) and ``scores``;
    ``settings``: the comparison's config (``column``, ``family``, ``pairwise_family``,
    ``robustness_family``), ``kinds``, ``decimals`` and ``min_cell``.
    """
    labels = Labels(study)
    min_cell = settings["min_cell"]
    decimals = decimals_of(settings)
    column = str(settings["column"])
    frame = read(inputs, records)
    families = {settings["family"], settings.get("pairwise_family")}
    primary = frame[(frame["evidence"] == "primary") & frame["family"].isin(families)]
    omnibus = primary[primary["comparison"] == OMNIBUS]
    pairs = primary[primary["comparison"] == PAIR]
    robustness = frame[
        (frame["family"] == settings.get("robustness_family")) & (frame["effect"] == "hedges_g")
    ]
    levels = comparison_levels(primary)
    several = len(omnibus) > 0
    outcomes, level_labels, means = tested_groups(
        labels, inputs, primary, settings["kinds"], column, levels
    )
    label_of = dict(zip(levels, level_labels, strict=True))
    pair_keys = list(
        dict.fromkeys(zip(pairs["group_1"].astype(str), pairs["group_2"].astype(str), strict=True))
    )
    omnibus_correction = correction_of(omnibus) if several else correction_of(pairs)
    pair_correction = correction_of(pairs)
    rows: list[dict[str, Any]] = []
    pair_rows: list[tuple[int, int, tuple[str, str]]] = []  # row, its block's first, levels
    for position, outcome in enumerate(outcomes):
        block = means.iloc[position].to_dict()
        identity = {key: block[key] for key in ("Outcome", "Measure", "_outcome", "_binary")}
        first_row = len(rows)
        if several:
            test = test_record(one_row(omnibus, outcome=outcome), omnibus_correction)
            comparison = f"All {len(levels)} levels"
            rows.append({**block, "Comparison": comparison, **test, "_first": True})
        for index, (x, y) in enumerate(pair_keys):
            pair_rows.append((len(rows), first_row, (label_of[x], label_of[y])))
            first = not several and index == 0
            row = one_row(pairs, outcome=outcome, group_1=x, group_2=y)
            test = test_record(row, pair_correction)
            g = one_row(robustness, outcome=outcome, group_1=x, group_2=y)
            rows.append(
                {
                    **(block if first else identity),
                    "Comparison": f"{label_of[x]} vs {label_of[y]}",
                    **test,
                    "Hedges' g": as_float(cell(g, "estimate")),
                    "g 95% CI low": as_float(cell(g, "ci_low")),
                    "g 95% CI high": as_float(cell(g, "ci_high")),
                    "_first": first,
                }
            )
    names = dict.fromkeys([*means.columns, *(key for row in rows for key in row)])
    table = pd.DataFrame(rows).reindex(columns=list(names))
    counts, complements = group_counts(level_labels)
    for count in counts:
        table[count] = table[count].astype("Int64")
    table["_first"] = table["_first"].astype(bool)
    with_g = len(robustness) > 0
    if not with_g:
        table = table.drop(columns=["Hedges' g", "g 95% CI low", "g 95% CI high"])
    protector = Protector(table, min_cell)
    first_rows = table.index[table["_first"]]
    protect_groups(
        protector,
        first_rows,
        level_labels,
        "All",
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [f"{g}: mean", f"{g}: %"],
        k=lambda g: f"{g}: yes (n)",
        k_derived=lambda g: [f"{g}: %"],
        k_rows=table.index[table["_first"] & table["_binary"].astype(bool)],
    )
    pairs_masked = protect_pairs(
        protector,
        pair_rows,
        lambda g: [f"{g}: n", f"{g}: mean", f"{g}: %", f"{g}: yes (n)"],
        PAIR_TESTS,
    )
    columns = _printed(level_labels, decimals, several, with_g, omnibus_correction, pair_correction)
    notes = _notes(
        labels,
        settings,
        level_labels,
        (len(omnibus) if several else len(pairs), len(pairs)),
        several,
        with_g,
        (omnibus_correction, pair_correction),
    )
    return [
        protector.exhibit(
            stem,
            title=title,
            columns=columns,
            notes=[
                note
                for note in [
                    *notes,
                    design_note,
                    masking_note(min_cell),
                    PAIRS_NOTE if pairs_masked else "",
                ]
                if note
            ],
            counts=counts,
            complements=complements,
            section="Measure",
            hidden=["_outcome", "_binary", "_first"],
            blanks=_blanks(table, columns, several, with_g),
        )
    ]


def _blanks(
    table: pd.DataFrame, columns: Sequence[Column], several: bool, with_g: bool
) -> list[Blank]:
    """Why cells of a comparison table are blank: a test that could not be computed, g of
    a yes/no score, and the means and n printed once per score (on its first row)."""
    headers = [column.header for column in columns]
    tests = tuple(headers[-4:-1] if with_g else headers[-3:])
    blanks = [Blank("not_estimable", "a level with fewer than 2 answers", tests)]
    if with_g:
        binary = tuple(table.index[table["_binary"].astype(bool)])
        blanks.append(Blank("not_applicable", "Hedges' g of a yes/no score", ("g",), binary))
    if several:
        means = tuple(h for h in headers if h.endswith(": mean or % (n)") or h == "n")
        later = tuple(table.index[~table["_first"]])
        blanks.append(
            Blank(
                "in_block",
                "In the rows of a pair, the means and n are blank: they are those of the "
                "score's first row (the test across all levels).",
                means,
                later,
            )
        )
    return blanks


def _printed(
    level_labels: Sequence[str],
    decimals: Mapping[str, int],
    several: bool,
    with_g: bool,
    omnibus_correction: str,
    pair_correction: str,
) -> list[Column]:
    """The printed columns: the score, the comparison (with 3+ levels), each level's mean
    (n), the n, the test, the effect with its CI, the adjusted p and Hedges' g."""
    mean_or_pct = mean_or_percent(decimals["mean"], decimals["percent"])

    def with_n(values: Sequence[Any]) -> str:
        mean, percent, n = values
        shown = mean_or_pct([mean, percent]) if mean is not None or percent is not None else ""
        return f"{shown} ({int(n)})" if n is not None else shown

    same = omnibus_correction == pair_correction
    return [
        Column("Outcome", ("Outcome", "_first"), first_row_only, numeric=False),
        Column("Measure", ("Measure", "_first"), first_row_only, numeric=False),
        *([Column("Comparison", ("Comparison",), numeric=False)] if several else []),
        *(
            Column(f"{g}: mean or % (n)", (f"{g}: mean", f"{g}: %", f"{g}: n"), with_n)
            for g in level_labels
        ),
        Column("n", ("All: n",), fmt_count),
        *printed_tests(decimals, omnibus_correction if same else "adjusted"),
        *([Column("g", ("Hedges' g",), fmt_number(decimals["effect"]))] if with_g else []),
    ]


def first_row_only(values: Sequence[Any]) -> str:
    """A block's label, printed on its first row only (sources: the label, ``_first``).

    >>> first_row_only(["Risk aversion", True]), first_row_only(["Risk aversion", False])
    ('Risk aversion', '')
    """
    text, first = values
    return str(text) if first else ""


def printed_tests(decimals: Mapping[str, int], correction: str) -> list[Column]:
    """How a table prints :func:`test_record`: the test ("H(3) = 4.73", "U = 812"), the
    effect with its CI ("r = 0.12 [0.01, 0.23]") and the adjusted p, headed
    ``p (<correction>)``."""
    statistic, effect = decimals["statistic"], decimals["effect"]

    def test_text(values: Sequence[Any]) -> str:
        name, value, df = values
        if value is None:
            return ""
        degrees = f"({number_text(df, 0)})" if df is not None else ""
        whole = name == STATISTIC_SYMBOLS["W (U of x)"] and float(value).is_integer()
        return f"{name}{degrees} = {number_text(value, 0 if whole else statistic)}"

    def effect_text(values: Sequence[Any]) -> str:
        name, value, low, high = values
        if value is None:
            return ""
        text = f"{name} = {number_text(value, effect)}"
        if low is not None and high is not None:
            text += f" [{number_text(low, effect)}, {number_text(high, effect)}]"
        return text

    return [
        Column("Test", ("Test", "Statistic", "df"), test_text),
        Column(
            "Effect [95% CI]",
            ("Effect size", "Effect", "Effect 95% CI low", "Effect 95% CI high"),
            effect_text,
        ),
        Column(f"p ({correction})", ("p (adjusted)",), fmt_p),
    ]


def _notes(
    labels: Labels,
    settings: Mapping[str, Any],
    level_labels: Sequence[str],
    family_sizes: tuple[int, int],
    several: bool,
    with_g: bool,
    corrections: tuple[str, str],
) -> list[str]:
    """What the table shows, how it was tested, and how a two-level comparison is shown."""
    column = str(settings["column"])
    omnibus_correction, pair_correction = corrections
    n_scores, n_pair_tests = family_sizes
    k = len(level_labels)
    means = (
        f"Mean of each {listing(settings['kinds'])} scale, or the % answering yes of a yes/no "
        f"score, per {labels.design(column).lower()}, with the respondents who answered in "
        "parentheses; n: respondents in the comparison."
    )
    pair = (
        "Mann-Whitney U with the rank-biserial r (positive: higher in the first level named) "
        "and its Fisher-z 95% CI"
    )
    if several:
        n_pairs = k * (k - 1) // 2
        tests = (
            f"Per score, first the test across the {k} levels: Kruskal-Wallis H with ε² "
            "(noncentral χ² 95% CI), or Pearson's χ² with Cramér's V for a yes/no score, p "
            f"adjusted for the {n_scores} scores by the {omnibus_correction} method; then each "
            f"of the {n_pairs} pairs: {pair}, p adjusted over the {n_pair_tests} pairs "
            f"of scores and levels by the {pair_correction} method."
        )
    else:
        tests = (
            f"{level_labels[0]} compared with {level_labels[1]}: {pair}; p adjusted for the "
            f"{n_scores} scores by the {omnibus_correction} method. With two levels the test "
            "across the levels asks the same question as this pair, so no separate omnibus "
            "row is shown."
        )
    robustness = "g: Hedges' g of the pair (robustness)." if with_g else ""
    return [means, tests, robustness]
