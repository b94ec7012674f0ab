"""Small-cell disclosure control of published tables: what every exhibit passes through.

:func:`suppress_small_cells` masks the counts of a table that are under the
configured minimum cell size (config ``disclosure.min_cell``), together with the
columns derived from them (means, SDs, percentages), and then applies secondary
suppression so that no masked count can be recovered by subtraction from a row or
column total. :func:`find_small_counts` scans a table about to be published; a final
rule (:mod:`coprod.exhibits.disclosure_check`) fails the run on any count it finds.
:class:`Protector` applies the suppression block by block to a table of the paper and
remembers what it masked, for the :class:`~coprod.exhibits.model.Exhibit` it returns.

Decisions
---------
- **Zero counts are not suppressed.** A zero says that nobody in a cell has a
  characteristic; it identifies no one by itself, and masking zeros would hide the
  structure of every table. Counts from 1 to ``min_cell - 1`` are suppressed (primary
  suppression) and are what :func:`find_small_counts` reports.
- **Secondary suppression.** The row and column totals of the counts are taken as
  visible (published, or derivable from a pooled row). When a row (across the count
  columns) or a column (across the rows, within each group of ``by``) holds exactly one
  masked count, its smallest visible *positive* count is masked too (a zero only when
  no positive count is left: a masked zero among masked counts still hides which cell
  holds the small count). This repeats until no row or column holds exactly one masked
  count. Ties go to the first cell in table order, so the result is deterministic.
- **Pairs of a masked level.** A table that prints, under its levels' counts, a test of
  each pair of levels masks the test of every pair with a masked level
  (:func:`protect_pairs`): the pair's U and rank-biserial r give the product of the two
  counts, and the other count is printed. The test across all levels is kept: it rests
  on the visible total.
- A count that is already missing (NA) in the input is taken as suppressed: it is
  reported as ``primary`` and counts as a masked cell for the secondary rule. Applying
  the function to its own output therefore changes nothing (it is idempotent).

Example
-------
>>> import pandas as pd
>>> counts = pd.DataFrame({"a": [3, 10, 12], "b": [20, 11, 9]}, index=["x", "y", "z"])
>>> result = suppress_small_cells(counts, ["a", "b"], min_cell=5)
>>> result.table["a"].tolist(), result.table["b"].tolist()
([<NA>, <NA>, 12], [<NA>, <NA>, 9])
>>> result.mask.loc["x"].tolist(), result.mask.loc["y"].tolist()
(['primary', 'secondary'], ['secondary', 'secondary'])
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from coprod.exhibits import table_number
from coprod.exhibits.model import DASH, Exhibit

MASK_STATES = ("visible", "primary", "secondary")
"""Values of the mask frame: shown, under the minimum cell size, masked to protect one."""

_VISIBLE, _PRIMARY, _SECONDARY = 0, 1, 2
Secondary = Literal["both", "rows", "columns", "none"]


class SmallCellError(ValueError):
    """A table about to be published holds a count under the minimum cell size."""


@dataclass
class SuppressedTable:
    """What :func:`suppress_small_cells` returns.

    Attributes
    ----------
    table : DataFrame
        The input with masked cells set to NA (count columns as Int64; numeric
        derived columns as nullable dtypes).
    mask : DataFrame
        Same index; one column per count column and per derived column; values
        ``"visible"``, ``"primary"`` or ``"secondary"`` (a Categorical).
    """

    table: pd.DataFrame
    mask: pd.DataFrame

    @property
    def suppressed(self) -> pd.DataFrame:
        """Boolean frame: which cells of :attr:`mask` are masked."""
        return self.mask.ne("visible")

    @property
    def n_primary(self) -> int:
        """How many cells were masked for being small (count columns only)."""
        return int(self.mask[self._counts].eq("primary").to_numpy().sum())

    @property
    def n_secondary(self) -> int:
        """How many cells were masked to protect another (count columns only)."""
        return int(self.mask[self._counts].eq("secondary").to_numpy().sum())

    @property
    def _counts(self) -> list[Hashable]:
        return list(self.mask.attrs.get("count_columns", self.mask.columns))


def _counts(table: pd.DataFrame, count_columns: Sequence[Hashable]) -> np.ndarray:
    """The count columns as a float matrix with NaN for NA; checked."""
    missing = [column for column in count_columns if column not in table.columns]
    if missing:
        raise ValueError(f"count column(s) {missing} are not columns of the table")
    if len(set(count_columns)) != len(count_columns):
        raise ValueError("count_columns lists a column twice")
    try:
        values = table[list(count_columns)].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"count columns {list(count_columns)} must hold numbers") from error
    present = values[~np.isnan(values)]
    if (present < 0).any() or (present != np.round(present)).any():
        raise ValueError(f"count columns {list(count_columns)} must hold whole numbers >= 0")
    return values


def _check_min_cell(min_cell: int) -> None:
    if isinstance(min_cell, bool) or not isinstance(min_cell, int | np.integer) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number >= 1; got {min_cell!r}")


def _protect(values: np.ndarray, state: np.ndarray, pairs: np.ndarray) -> int | None:
    """Position of the cell to mask in a line with exactly one masked cell, or None.

    ``pairs`` marks the cells whose crossing line also holds exactly one masked cell:
    masking one of them protects two lines at once, so they come first; then positive
    counts before zeros, smaller before larger, earlier before later.
    """
    masked = state != _VISIBLE
    if masked.sum() != 1 or masked.all():
        return None
    candidates = np.flatnonzero(~masked)
    order = np.lexsort(
        (candidates, values[candidates], values[candidates] <= 0, ~pairs[candidates])
    )
    return int(candidates[order[0]])


def suppress_small_cells(
    table: pd.DataFrame,
    count_columns: Sequence[Hashable],
    min_cell: int = 5,
    *,
    derived: Mapping[Hashable, Sequence[Hashable]] | None = None,
    secondary: Secondary = "both",
    by: Sequence[Hashable] | None = None,
) -> SuppressedTable:
    """Mask small counts, the figures derived from them, and the cells that would reveal them.

    Parameters
    ----------
    table : DataFrame
        The table to publish: rows are cells of one classification (e.g. cases), the
        ``count_columns`` hold counts (e.g. one column per stakeholder group, or a
        single ``n``). Pass inner cells only; totals are taken as visible.
    count_columns : sequence
        Columns holding counts (whole numbers >= 0, NA = already suppressed).
    min_cell : int
        Counts from 1 to ``min_cell - 1`` are masked (config ``disclosure.min_cell``).
    derived : mapping, optional
        ``{count column: [columns computed from it]}``, e.g. ``{"n": ["mean", "sd"]}``:
        these are masked wherever their count is (primary or secondary).
    secondary : {"both", "rows", "columns", "none"}
        Which totals to protect. ``"rows"`` protects the total of each row across the
        count columns, ``"columns"`` the total of each count column across the rows
        (within each ``by`` group).
    by : sequence, optional
        Columns whose values split the rows into independent groups for the column
        rule, as in a long table of several barriers x cases where each barrier's cases
        add up to its own total (``by=["barrier"]``).

    Returns
    -------
    SuppressedTable
        ``table`` (masked) and ``mask`` (visible / primary / secondary per cell).
    """
    _check_min_cell(min_cell)
    if secondary not in ("both", "rows", "columns", "none"):
        raise ValueError(
            f"secondary must be 'both', 'rows', 'columns' or 'none'; got {secondary!r}"
        )
    count_columns = list(count_columns)
    derived = {key: list(value) for key, value in (derived or {}).items()}
    unknown = [key for key in derived if key not in count_columns]
    if unknown:
        raise ValueError(f"derived names {unknown}, which are not count columns")
    absent = [c for columns in derived.values() for c in columns if c not in table.columns]
    if absent:
        raise ValueError(f"derived column(s) {absent} are not columns of the table")
    overlap = [c for columns in derived.values() for c in columns if c in count_columns]
    if overlap:
        raise ValueError(f"column(s) {overlap} are both counts and derived from counts")
    values = _counts(table, count_columns)

    state = np.full(values.shape, _VISIBLE, dtype=np.int8)
    state[np.isnan(values) | ((values > 0) & (values < min_cell))] = _PRIMARY
    filled = np.nan_to_num(values, nan=0.0)
    if by:
        keys = pd.MultiIndex.from_frame(table[list(by)].astype("object"))
        group_of = np.asarray(pd.factorize(keys, use_na_sentinel=False)[0])
    else:
        group_of = np.zeros(len(table), dtype=int)
    groups = [np.flatnonzero(group_of == g) for g in np.unique(group_of)]
    rows_rule = secondary in ("both", "rows")
    columns_rule = secondary in ("both", "columns")

    def single_in_columns(i: int) -> np.ndarray:
        """For each cell of row i: does its column (within i's group) hold one masked cell?"""
        if not columns_rule:
            return np.zeros(state.shape[1], dtype=bool)
        rows = groups[group_of[i]]
        return (state[rows] != _VISIBLE).sum(axis=0) == 1

    def single_in_rows(rows: np.ndarray) -> np.ndarray:
        """For each of ``rows``: does the row hold exactly one masked cell?"""
        if not rows_rule:
            return np.zeros(len(rows), dtype=bool)
        return (state[rows] != _VISIBLE).sum(axis=1) == 1

    changed = rows_rule or columns_rule
    while changed:
        changed = False
        if rows_rule:
            for i in range(state.shape[0]):
                j = _protect(filled[i], state[i], single_in_columns(i))
                if j is not None:
                    state[i, j] = _SECONDARY
                    changed = True
        if columns_rule:
            for rows in groups:
                for j in range(state.shape[1]):
                    k = _protect(filled[rows, j], state[rows, j], single_in_rows(rows))
                    if k is not None:
                        state[rows[k], j] = _SECONDARY
                        changed = True

    labels = np.asarray(MASK_STATES, dtype=object)
    mask = pd.DataFrame(index=table.index)
    out = table.copy()
    for j, column in enumerate(count_columns):
        column_state = state[:, j]
        mask[column] = pd.Categorical(labels[column_state], categories=list(MASK_STATES))
        out[column] = out[column].astype("Float64").round().astype("Int64")
        out[column] = out[column].mask(column_state != _VISIBLE)
    derived_state: dict[Hashable, np.ndarray] = {}
    for count, columns in derived.items():
        for column in columns:
            previous = derived_state.get(column, np.zeros(len(table), dtype=np.int8))
            derived_state[column] = np.maximum(previous, state[:, count_columns.index(count)])
    for column, column_state in derived_state.items():
        mask[column] = pd.Categorical(labels[column_state], categories=list(MASK_STATES))
        series = out[column]
        if pd.api.types.is_bool_dtype(series):
            series = series.astype("boolean")
        elif pd.api.types.is_integer_dtype(series):
            series = series.astype("Int64")
        elif pd.api.types.is_float_dtype(series):
            series = series.astype("Float64")
        out[column] = series.mask(column_state != _VISIBLE)
    mask.attrs["count_columns"] = count_columns
    return SuppressedTable(table=out, mask=mask)


def find_small_counts(
    table: pd.DataFrame, count_columns: Sequence[Hashable], min_cell: int
) -> pd.DataFrame:
    """Every count in ``count_columns`` from 1 to ``min_cell - 1``.

    Zero counts and NA (suppressed) cells are allowed: a zero identifies nobody.

    Parameters
    ----------
    table : DataFrame
    count_columns : sequence
    min_cell : int

    Returns
    -------
    DataFrame
        ``row`` (the index label), ``column`` and ``count``, one row per small count
        (empty when the table may be published).

    Examples
    --------
    >>> import pandas as pd
    >>> find_small_counts(pd.DataFrame({"n": [0, 3, 12]}), ["n"], 5)
       row column  count
    0    1      n      3
    """
    _check_min_cell(min_cell)
    count_columns = list(count_columns)
    values = _counts(table, count_columns)
    rows, cols = np.nonzero((values > 0) & (values < min_cell))
    return pd.DataFrame(
        {
            "row": table.index[rows],
            "column": [count_columns[j] for j in cols],
            "count": values[rows, cols].astype(int),
        }
    )


def check_no_small_counts(
    table: pd.DataFrame, count_columns: Sequence[Hashable], min_cell: int, *, name: str
) -> None:
    """Raise :class:`SmallCellError` naming every small count of a table to publish.

    Parameters
    ----------
    table : DataFrame
    count_columns : sequence
    min_cell : int
    name : str
        What the table is (e.g. its file), for the message.
    """
    small = find_small_counts(table, count_columns, min_cell)
    if small.empty:
        return
    cells = ", ".join(
        f"row {row!r} column {column!r} = {count}"
        for row, column, count in small.itertuples(index=False)
    )
    raise SmallCellError(
        f"{name}: {len(small)} count(s) under the minimum cell size {min_cell} "
        f"(config disclosure.min_cell): {cells}. Pass the table through "
        "coprod.exhibits.protection.suppress_small_cells before publishing it."
    )


class Protector:
    """Apply small-cell suppression to blocks of a table, remembering what was masked.

    Parameters
    ----------
    table : DataFrame
        The table to publish (human-readable columns).
    min_cell : int
        Config ``disclosure.min_cell``.
    """

    def __init__(self, table: pd.DataFrame, min_cell: int) -> None:
        self.original = table.copy()
        self.table = table.copy()
        self.min_cell = min_cell
        self.masked = pd.DataFrame(False, index=table.index, columns=table.columns)

    def protect(
        self,
        rows: Sequence[Any] | pd.Index,
        counts: Sequence[str],
        *,
        derived: Mapping[str, Sequence[str]] | None = None,
        secondary: str = "none",
        by: Sequence[str] | None = None,
    ) -> None:
        """Suppress the small ``counts`` of ``rows`` (index labels of a block of inner
        cells, whose totals are visible and protected separately) by
        :func:`suppress_small_cells` with its ``derived``, ``secondary`` and ``by``."""
        rows = list(rows)
        if not rows or not counts:
            return
        derived = {key: list(value) for key, value in (derived or {}).items()}
        columns = list(dict.fromkeys([*counts, *(c for v in derived.values() for c in v)]))
        block = self.table.loc[rows, columns + [c for c in (by or []) if c not in columns]]
        for column in counts:
            block[column] = block[column].astype("Float64")
        result = suppress_small_cells(
            block, list(counts), self.min_cell, derived=derived, secondary=secondary, by=by
        )
        self._apply(rows, result.suppressed)

    def protect_complement(
        self,
        rows: Sequence[Any] | pd.Index,
        pairs: Sequence[tuple[str, str]],
        *,
        derived: Mapping[str, Sequence[str]],
        secondary: str = "none",
        by: Sequence[str] | None = None,
    ) -> None:
        """Suppress where total - count is small: ``pairs`` of (count, total) columns.

        ``derived`` maps each count column to the columns masked with its complement
        (the count itself and its share).
        """
        rows = list(rows)
        if not rows or not pairs:
            return
        hidden = pd.DataFrame(index=rows)
        hidden_derived: dict[str, list[str]] = {}
        for count, total in pairs:
            name = f"__complement__{count}"
            hidden[name] = self.table.loc[rows, total].astype("Float64") - self.table.loc[
                rows, count
            ].astype("Float64")
            for column in [count, *derived.get(count, [])]:
                hidden[column] = self.table.loc[rows, column]
            hidden_derived[name] = list(dict.fromkeys([count, *derived.get(count, [])]))
        for column in by or []:
            hidden[column] = self.table.loc[rows, column]
        names = list(hidden_derived)
        result = suppress_small_cells(
            hidden, names, self.min_cell, derived=hidden_derived, secondary=secondary, by=by
        )
        suppressed = result.suppressed.drop(columns=names)
        self._apply(rows, suppressed)

    def _apply(self, rows: list[Any], suppressed: pd.DataFrame) -> None:
        for column in suppressed.columns:
            hit = pd.Series(False, index=self.table.index)
            hit.loc[rows] = suppressed[column].to_numpy(dtype=bool)
            if not hit.any():
                continue
            self.masked[column] = self.masked[column] | hit
            series = self.table[column]
            if pd.api.types.is_integer_dtype(series) and not isinstance(
                series.dtype, pd.Int64Dtype
            ):
                series = series.astype("Int64")
            self.table[column] = series.mask(hit)

    def mask(self, rows: Sequence[Any], columns: Sequence[str]) -> None:
        """Mask ``columns`` of ``rows`` outright: figures that would give a masked count
        back (:func:`protect_pairs`)."""
        present = [column for column in columns if column in self.table.columns]
        self._apply(list(rows), pd.DataFrame(True, index=list(rows), columns=present))

    def small(self, counts: Sequence[str]) -> pd.DataFrame:
        """Which masked cells of ``counts`` were themselves under the minimum."""
        small = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        for column in counts:
            values = pd.to_numeric(self.original[column], errors="coerce").astype("Float64")
            under = ((values > 0) & (values < self.min_cell)).fillna(False).to_numpy(dtype=bool)
            small[column] = under & self.masked[column].to_numpy(dtype=bool)
        return small

    def exhibit(self, stem: str, **kwargs: Any) -> Exhibit:
        """The :class:`Exhibit` ``stem`` of the protected table (``kwargs``: its other
        fields); its ``number`` defaults to the one the stem names (:func:`table_number`)."""
        counts = list(kwargs.get("counts", []))
        kwargs.setdefault("number", table_number(stem))
        return Exhibit(
            stem=stem,
            table=self.table,
            masked=self.masked,
            small=self.small(counts),
            min_cell=self.min_cell,
            **kwargs,
        )


def protect_groups(
    protector: Protector,
    rows: Sequence[Any],
    inner: Sequence[str],
    total: str | None,
    *,
    n: Callable[[str], str],
    n_derived: Callable[[str], list[str]],
    k: Callable[[str], str] | None = None,
    k_derived: Callable[[str], list[str]] | None = None,
    k_rows: Sequence[Any] | None = None,
) -> None:
    """Protect a wide table of groups: per group a count n (and a count k of n).

    The inner groups' counts add up to the ``total`` group's (visible), so a row with
    one masked count gets a second (secondary suppression across the row). Where a
    group has a count k of its n (a share), k and n - k are checked too.
    """
    inner = list(inner)
    groups = [*inner, *([total] if total else [])]
    k_derived = k_derived or (lambda group: [])
    derived = {
        n(g): [*n_derived(g), *([k(g)] if k else []), *(k_derived(g) if k else [])] for g in groups
    }
    protector.protect(
        rows,
        [n(g) for g in inner],
        derived={n(g): derived[n(g)] for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect(rows, [n(total)], derived={n(total): derived[n(total)]})
    if k is None:
        return
    rows_k = list(rows if k_rows is None else k_rows)
    protector.protect_complement(
        rows_k,
        [(k(g), n(g)) for g in inner],
        derived={k(g): k_derived(g) for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect_complement(
            rows_k, [(k(total), n(total))], derived={k(total): k_derived(total)}
        )
    protector.protect(
        rows_k,
        [k(g) for g in inner],
        derived={k(g): k_derived(g) for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect(rows_k, [k(total)], derived={k(total): k_derived(total)})


PAIRS_NOTE = (
    f"A pair with a masked level shows no test ({DASH}): with the other level's n, its U "
    "and r would give the masked count back."
)
"""The table note of a table whose pairs :func:`protect_pairs` masked."""


def protect_pairs(
    protector: Protector,
    pairs: Sequence[tuple[Any, Any, Sequence[str]]],
    level_columns: Callable[[str], Sequence[str]],
    tests: Sequence[str],
) -> bool:
    """Mask the test of each pair that compares a masked level; True if any was masked.

    ``pairs`` lists each pair's row, the row that holds its levels' counts (its block's
    first row) and the pair's two levels; ``level_columns(level)`` names a level's
    columns on that row (its counts and what is derived from them), and ``tests`` the
    columns of a pair's test. A pair's Mann-Whitney U and rank-biserial r give the
    product of its levels' counts (r = 2U / (n1 n2) - 1), and so, with the other
    level's n printed, the masked one; its p, with U, nearly so.
    """
    masked = [
        row
        for row, first, levels in pairs
        if any(
            bool(protector.masked.at[first, column])
            for level in levels
            for column in level_columns(level)
            if column in protector.masked.columns
        )
    ]
    protector.mask(masked, tests)
    return bool(masked)


def masking_note(min_cell: int) -> str:
    """The table note that says how masked cells look (see the module's Decisions)."""
    return (
        f"Counts of people from 1 to {min_cell - 1} are shown as <{min_cell}, and "
        f"{DASH} marks a cell masked with them: a statistic of such a count, or a count "
        "masked so that a masked one cannot be recovered from a total "
        "(config disclosure.min_cell)."
    )
