"""Small-cell disclosure control of published tables: one function every exhibit uses.

:func:`suppress_small_cells` masks the counts of a table that are under the
configured minimum cell size (config ``disclosure.min_cell``), together with the
columns derived from them (means, SDs, percentages), and then applies secondary
suppression so that no masked count can be recovered by subtraction from a row or
column total. :func:`find_small_counts` scans a table about to be published; a final
rule fails the run on any count it finds.

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

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "MASK_STATES",
    "SmallCellError",
    "SuppressedTable",
    "check_no_small_counts",
    "find_small_counts",
    "suppress_small_cells",
]

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
        "coprod.disclosure.suppress_small_cells before publishing it."
    )
