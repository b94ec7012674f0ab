"""What several tables share: reading result records, and the blocks of rows that
compare groups (shares per group, means per group; the comparisons of several levels are
:mod:`coprod.exhibits.tables.comparisons`).

The result files of the stages are long tables (one row per outcome, breakdown and
group); :func:`one_row` and :func:`rows_of` find rows by their ids compared as text, so
that a Categorical, a number and a string id match alike.

Example
-------
>>> import pandas as pd
>>> frame = pd.DataFrame({"outcome": ["a", "b"], "group": [1, 2], "n": [10, 12]})
>>> one_row(frame, outcome="b", group="2")["n"], as_count(12.0), correction_of(
...     pd.DataFrame({"correction": ["holm", "none"]}))
(np.int64(12), 12, 'holm')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod.exhibits.formatting import (
    decimals_of,
    fmt_count,
    fmt_estimate_ci,
    fmt_number,
    fmt_p,
    fmt_percent_n,
    is_missing,
)
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Column
from coprod.exhibits.protection import Protector, protect_groups
from coprod.vocabulary import POOLED


def read(inputs: Mapping[str, Any], name: str) -> pd.DataFrame:
    return pd.read_parquet(inputs[name])


def as_text(values: pd.Series) -> pd.Series:
    return values.astype("object").map(lambda v: v if is_missing(v) else str(v))


_LOOKUPS: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, dict]] = {}


def _lookup(frame: pd.DataFrame, keys: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
    """Row positions of ``frame`` by the text of its ``keys`` columns (built once a frame)."""
    cached = _LOOKUPS.get((id(frame), keys))
    if cached is not None and cached[0] is frame:
        return cached[1]
    if len(_LOOKUPS) > 256:
        _LOOKUPS.clear()
    columns = [frame[key].astype("object").to_numpy() for key in keys]
    index: dict[tuple[str, ...], list[int]] = {}
    for position, values in enumerate(zip(*columns, strict=True)):
        text = tuple("\0missing" if is_missing(v) else str(v) for v in values)
        index.setdefault(text, []).append(position)
    _LOOKUPS[(id(frame), keys)] = (frame, index)
    return index


def rows_of(frame: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """The rows whose columns equal ``criteria`` (compared as text)."""
    keys = tuple(sorted(criteria))
    positions = _lookup(frame, keys).get(tuple(str(criteria[key]) for key in keys), [])
    return frame.iloc[positions]


def one_row(frame: pd.DataFrame, **criteria: Any) -> pd.Series | None:
    """The one row matching ``criteria`` (None when there is none)."""
    keys = tuple(sorted(criteria))
    positions = _lookup(frame, keys).get(tuple(str(criteria[key]) for key in keys), [])
    if len(positions) > 1:
        raise ValueError(f"more than one row matches {criteria}")
    return frame.iloc[positions[0]] if positions else None


def one_at(frame: pd.DataFrame, by: str, level: str, **criteria: Any) -> pd.Series | None:
    """The one row of ``level`` of the breakdown ``by`` (the pooled row for :data:`POOLED`)."""
    return one_row(frame, by=POOLED if level == POOLED else by, group=level, **criteria)


def cell(row: pd.Series | None, column: str) -> Any:
    """A row's value in ``column``; None when there is no row."""
    return None if row is None else row[column]


def as_float(value: Any) -> float:
    return float("nan") if is_missing(value) else float(value)


def as_count(value: Any) -> Any:
    return pd.NA if is_missing(value) else int(round(float(value)))


def correction_of(frame: pd.DataFrame) -> str:
    """The correction named in a result file's rows ("adjusted" when they differ)."""
    names = sorted({str(c) for c in frame["correction"].dropna() if str(c) != "none"})
    return names[0] if len(names) == 1 else "adjusted"


def group_descriptives(
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    column: str,
    levels: Sequence[str],
) -> pd.DataFrame:
    """n, mean (and the count of yes of a 0/1 score) per outcome, pooled and per level.

    The same n and mean as :func:`coprod.analyses.describe.describe` (the answered values).
    """
    groups = as_text(scores[column])
    members = {POOLED: np.ones(len(scores), dtype=bool)}
    members.update({level: (groups == level).to_numpy(dtype=bool) for level in levels})
    rows = []
    for outcome in outcomes:
        values = scores[outcome].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        binary = bool(catalogue.loc[outcome, "binary"])
        for level in [POOLED, *levels]:
            part = values[members[level]]
            answered = part[~np.isnan(part)]
            n = int(answered.size)
            rows.append(
                {
                    "outcome": outcome,
                    "by": POOLED if level == POOLED else column,
                    "group": level,
                    "n": n,
                    "estimate": float(answered.mean()) if n else float("nan"),
                    "binary": binary,
                    "yes": int(answered.sum()) if binary else pd.NA,
                }
            )
    return pd.DataFrame(rows)


def group_levels(labels: Labels, by: str) -> tuple[list[str], list[str]]:
    """The levels of ``by`` then the pooled level, and their labels."""
    levels = [*labels.levels(by), POOLED]
    return levels, [labels.level(by, level) for level in levels]


def outcome_rows(labels: Labels, spec: Mapping[str, str]) -> list[str]:
    return labels.scores_of([spec["kind"]], [spec["measure"]])


def test_columns(
    test: pd.Series | None, correction: str, *, with_statistic: bool = True
) -> dict[str, Any]:
    """The across-groups test of a row: statistic, df, effect with CI, p and adjusted p."""
    record: dict[str, Any] = {}
    if with_statistic:
        record["Statistic"] = as_float(cell(test, "statistic"))
        record["df"] = as_float(cell(test, "df"))
    record["Effect"] = as_float(cell(test, "estimate"))
    record["Effect 95% CI low"] = as_float(cell(test, "ci_low"))
    record["Effect 95% CI high"] = as_float(cell(test, "ci_high"))
    record["p"] = as_float(cell(test, "p"))
    record[f"p ({correction})"] = as_float(cell(test, "p_adj"))
    return record


def test_printed(
    statistic: str, effect: str, correction: str, decimals: Mapping[str, int]
) -> list[Column]:
    """How a table prints :func:`test_columns`: the statistic headed ``statistic``, the
    effect with its CI headed ``effect [95% CI]``, and the adjusted p."""
    return [
        Column(statistic, ("Statistic",), fmt_number(decimals["statistic"])),
        Column(
            f"{effect} [95% CI]",
            ("Effect", "Effect 95% CI low", "Effect 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]


STATISTIC_SYMBOLS = {
    "H": "H",
    "chi2 (Pearson)": "χ²",
    "chi2 (Pearson, Yates)": "χ² (Yates)",
    "W (U of x)": "U",
    "t": "t",
    "z": "z",
}
EFFECT_SYMBOLS = {
    "epsilon_squared": "ε²",
    "eta_squared_h": "η²[H]",
    "cramers_v": "V",
    "rank_biserial": "r",
    "hedges_g": "g",
    "spearman_rho": "ρ",
    "standardised_beta": "β",
    "partial_r": "partial r",
}


def share_table(
    labels: Labels,
    source: pd.DataFrame,
    outcomes: Sequence[str],
    by: str,
    *,
    analysis: str,
    row_label: str,
    share_name: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Per outcome and group: n, the count at or above the threshold, and its %."""
    levels, level_labels = group_levels(labels, by)
    records = []
    for outcome in outcomes:
        record: dict[str, Any] = {row_label: labels.score(outcome), "_outcome": outcome}
        for level, label in zip(levels, level_labels, strict=True):
            row = one_at(source, by, level, analysis=analysis, outcome=outcome)
            record[f"{label}: n"] = as_count(cell(row, "n"))
            record[f"{label}: {share_name} (n)"] = as_count(cell(row, "count"))
            record[f"{label}: {share_name} (%)"] = 100 * as_float(cell(row, "estimate"))
        records.append(record)
    counts = [c for label in level_labels for c in (f"{label}: n", f"{label}: {share_name} (n)")]
    return with_counts(pd.DataFrame(records), counts), level_labels


def with_counts(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``table`` with ``columns`` cast to nullable integers (counts, ``pd.NA`` where missing).

    >>> with_counts(pd.DataFrame({"n": [3.0, None]}), ["n"])["n"].tolist()
    [3, <NA>]
    """
    for column in columns:
        table[column] = table[column].astype("Int64")
    return table


def protect_by_group(
    protector: Protector,
    level_labels: Sequence[str],
    *,
    n: Callable[[str], str],
    n_derived: Callable[[str], list[str]],
    **shares: Any,
) -> None:
    """Protect a table with a block of columns per group, the last group the pooled one.

    :func:`~coprod.exhibits.protection.protect_groups` over every row: the inner groups'
    counts ``n(g)`` add up to the last group's; ``shares`` are its ``k``, ``k_derived``
    and ``k_rows``.
    """
    protect_groups(
        protector,
        protector.table.index,
        level_labels[:-1],
        level_labels[-1],
        n=n,
        n_derived=n_derived,
        **shares,
    )


def protect_counts(
    protector: Protector, level_labels: Sequence[str], count: str, derived: Sequence[str]
) -> None:
    """:func:`protect_by_group` of each group's count ``"<group>: <count>"`` and the
    columns ``"<group>: <derived>"`` computed from it."""
    protect_by_group(
        protector,
        level_labels,
        n=lambda g: f"{g}: {count}",
        n_derived=lambda g: [f"{g}: {column}" for column in derived],
    )


def per_group(level_labels: Sequence[str], *columns: Callable[[str], Column]) -> list[Column]:
    """Each group's printed columns, group by group: ``column(label)`` for each of ``columns``.

    >>> [c.header for c in per_group(["A", "B"], lambda g: Column(g, (g,)))]
    ['A', 'B']
    """
    return [column(label) for label in level_labels for column in columns]


def protect_shares(
    protector: Protector,
    level_labels: Sequence[str],
    share_name: str,
    extra: Callable[[str], list[str]] | None = None,
) -> None:
    protect_by_group(
        protector,
        level_labels,
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [],
        k=lambda g: f"{g}: {share_name} (n)",
        k_derived=lambda g: [f"{g}: {share_name} (%)", *(extra(g) if extra else [])],
    )


def share_panel(
    labels: Labels,
    source: pd.DataFrame,
    outcomes: Sequence[str],
    names: tuple[str, str, str],
    settings: Mapping[str, Any],
    extra: pd.DataFrame | None = None,
) -> tuple[Protector, list[Column], dict[str, Any]]:
    """A :func:`share_table` of ``outcomes`` per level of ``settings["by"]`` (``names``:
    its analysis, row label and share name) with the columns of ``extra`` beside it,
    protected (:func:`protect_shares`); its printed columns (the row label, the pooled n
    and each group's % with its n, "52.0 (185)") and the exhibit's ``counts``,
    ``complements`` and ``hidden``."""
    analysis, row_label, share_name = names
    table, level_labels = share_table(
        labels,
        source,
        outcomes,
        str(settings["by"]),
        analysis=analysis,
        row_label=row_label,
        share_name=share_name,
    )
    if extra is not None:
        table = pd.concat([table, extra], axis=1)
    protector = Protector(table, settings["min_cell"])
    protect_shares(protector, level_labels, share_name)
    percent = fmt_percent_n(decimals_of(settings)["percent"])
    columns = [
        Column(row_label, (row_label,), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
        *(
            Column(f"{g}: % {share_name} (n)", (f"{g}: {share_name} (%)", f"{g}: n"), percent)
            for g in level_labels
        ),
    ]
    counts, complements = share_counts(level_labels, share_name)
    return (
        protector,
        columns,
        {"counts": counts, "complements": complements, "hidden": ["_outcome"]},
    )


def share_counts(level_labels: Sequence[str], share_name: str) -> tuple[list[str], dict]:
    counts = [c for g in level_labels for c in (f"{g}: n", f"{g}: {share_name} (n)")]
    return counts, {f"{g}: {share_name} (n)": f"{g}: n" for g in level_labels}


def ordered_outcomes(labels: Labels, kinds: Sequence[str]) -> list[str]:
    """Scores of ``kinds``, grouped by kind and measure (in codebook order), then construct."""
    outcomes = labels.scores_of(list(kinds))
    catalogue = labels.catalogue.loc[outcomes]
    pairs = list(dict.fromkeys(zip(catalogue["kind"], catalogue["measure"], strict=True)))
    kind_order = {kind: i for i, kind in enumerate(kinds)}
    pairs.sort(key=lambda pair: kind_order.get(pair[0], len(kind_order)))
    order = {pair: i for i, pair in enumerate(pairs)}
    return sorted(
        outcomes,
        key=lambda o: order[(catalogue.loc[o, "kind"], catalogue.loc[o, "measure"])],
    )


def tested_groups(
    labels: Labels,
    inputs: Mapping[str, Any],
    tested: pd.DataFrame,
    kinds: Sequence[str],
    column: str,
    levels: Sequence[str],
) -> tuple[list[str], list[str], pd.DataFrame]:
    """The scores of ``kinds`` that ``tested`` has rows of (:func:`ordered_outcomes`), the
    labels of ``levels`` of ``column`` and the :func:`groups_frame` of the ``scores`` input."""
    level_labels = [labels.level(column, level) for level in levels]
    outcomes = [o for o in ordered_outcomes(labels, kinds) if o in set(tested["outcome"])]
    table = groups_frame(labels, read(inputs, "scores"), outcomes, column, levels, level_labels)
    return outcomes, level_labels, table


def groups_frame(
    labels: Labels,
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    column: str,
    levels: Sequence[str],
    level_labels: Sequence[str],
) -> pd.DataFrame:
    """Per outcome: per level n, mean (scales) or % and count of yes (0/1 scores); all n."""
    data = scores.copy()
    data[column] = as_text(data[column])
    described = group_descriptives(data, outcomes, labels.catalogue, column, levels)
    records = []
    for outcome in outcomes:
        binary = bool(labels.catalogue.loc[outcome, "binary"])
        record: dict[str, Any] = {
            "Outcome": labels.score(outcome),
            "Measure": labels.measure(outcome),
            "_outcome": outcome,
            "_binary": binary,
        }
        for level, label in [*zip(levels, level_labels, strict=True), (POOLED, "All")]:
            row = one_at(described, column, level, outcome=outcome)
            n = as_count(cell(row, "n"))
            mean = as_float(cell(row, "estimate"))
            record[f"{label}: n"] = n
            record[f"{label}: mean"] = float("nan") if binary else mean
            record[f"{label}: %"] = 100 * mean if binary else float("nan")
            record[f"{label}: yes (n)"] = as_count(cell(row, "yes")) if binary else pd.NA
        records.append(record)
    counts = [c for label in [*level_labels, "All"] for c in (f"{label}: n", f"{label}: yes (n)")]
    return with_counts(pd.DataFrame(records), counts)


def group_counts(level_labels: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    groups = [*level_labels, "All"]
    counts = [c for g in groups for c in (f"{g}: n", f"{g}: yes (n)")]
    return counts, {f"{g}: yes (n)": f"{g}: n" for g in groups}
