"""What a table is before it is written: an :class:`Exhibit` of printed :class:`Column`.

An exhibit holds the numbers of one table (or one panel of a table), which cells the
disclosure control masked, why its other blank cells are blank (:class:`Blank`), and how
the paper prints them; :mod:`coprod.exhibits.rendering` writes it as CSV, Markdown and
LaTeX.

Decisions
---------
- **No blank goes unexplained.** A printed cell is blank for one of four reasons, each
  shown by a mark a footnote explains: masked by disclosure control (``<5`` or
  :data:`DASH`, explained by :func:`coprod.exhibits.protection.masking_note`), not
  applicable (``n/a``), not estimable (``n.e.``), or given once for its block of rows
  (left empty in the rows under the block's first). A table declares the last three as
  :class:`Blank`; their footnotes are added to its notes when a cell uses them, and
  :meth:`Exhibit.unexplained` lists any numeric cell left blank without a reason (the
  tests require none).

Example
-------
>>> import pandas as pd
>>> from coprod.exhibits.formatting import fmt_count
>>> table = pd.DataFrame({"Group": ["A"], "n": [12]})
>>> exhibit = Exhibit("t", "1", "Groups", table,
...                   [Column("Group", ("Group",), numeric=False), Column("n", ("n",), fmt_count)])
>>> exhibit.rendered().loc[0].tolist()
['A', '12']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coprod.exhibits.formatting import Render, fmt_text, is_missing

DASH = "–"
"""How Markdown and LaTeX show a masked cell that is not itself a small count."""

BLANK_KINDS = {
    "not_applicable": ("n/a", "not applicable"),
    "not_estimable": ("n.e.", "not estimable"),
    "in_block": ("", "blank cells"),
}
"""Kinds of :class:`Blank`: the mark a blank cell prints and how its footnote starts."""


@dataclass(frozen=True)
class Blank:
    """Why some blank cells of an exhibit are blank (not masked: missing by design).

    Parameters
    ----------
    kind : str
        A key of :data:`BLANK_KINDS`: ``"not_applicable"``, ``"not_estimable"`` or
        ``"in_block"`` (a value given once in the first row of a block of rows).
    why : str
        The footnote's reason, e.g. ``"the pooled row has no single authority type"``
        (for ``"in_block"``: the whole footnote sentence).
    columns : tuple of str
        Printed headers it explains.
    rows : tuple or None
        Index labels of the rows it explains (None: every row).
    """

    kind: str
    why: str
    columns: tuple[str, ...]
    rows: tuple | None = None

    def __post_init__(self) -> None:
        if self.kind not in BLANK_KINDS:
            raise ValueError(f"Blank kind {self.kind!r}: use one of {sorted(BLANK_KINDS)}")

    def covers(self, header: str, row: object) -> bool:
        """Does it explain the cell of ``header`` in row ``row``?"""
        return header in self.columns and (self.rows is None or row in self.rows)

    def footnote(self) -> str:
        """The footnote: the mark, the kind and the reason."""
        mark, kind = BLANK_KINDS[self.kind]
        if not mark:
            return self.why
        return f"{mark}: {kind} ({self.why})."


@dataclass(frozen=True)
class Column:
    """One column as the paper prints it.

    Parameters
    ----------
    header : str
        The printed header.
    sources : tuple of str
        Columns of the exhibit's table it shows (e.g. mean and SD as "mean (SD)").
    render : callable
        Gets the source values (``None`` for a missing one; not called when all are
        missing: the cell is blank) and returns the printed text.
    numeric : bool
        Right-aligned when True.
    """

    header: str
    sources: tuple[str, ...]
    render: Render = fmt_text
    numeric: bool = True


@dataclass
class Exhibit:
    """One table (or one panel of a table): its numbers, masks and printed form.

    Attributes
    ----------
    stem : str
        File stem, e.g. ``"table01_sample_composition"``.
    number : str
        The table's number in the paper ("1", "6a").
    title : str
        The caption's first sentence.
    table : DataFrame
        Human-readable columns; masked cells are missing (NA).
    columns : list of Column
        The printed columns.
    notes : list of str
        Printed below the table.
    counts : list of str
        Columns that hold counts of people.
    complements : dict
        Count column -> the column of the total it is part of.
    not_counts_of_people : dict
        Count-like columns that are not counts of people -> why.
    masked : DataFrame
        Boolean, like ``table``: True where disclosure control masked the cell.
    small : DataFrame
        Boolean, like ``table``: True where a masked count was itself under the minimum.
    section : str or None
        A column whose change of value starts a new block of rows (a rule in LaTeX).
    hidden : list of str
        Columns used by the printed form only (not written to the CSV).
    min_cell : int
        The minimum cell size the table was protected with.
    blanks : list of Blank
        Why the blank (not masked) cells are blank; the footnotes of those that explain
        a cell are appended to ``notes``.
    """

    stem: str
    number: str
    title: str
    table: pd.DataFrame
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    complements: dict[str, str] = field(default_factory=dict)
    not_counts_of_people: dict[str, str] = field(default_factory=dict)
    masked: pd.DataFrame | None = None
    small: pd.DataFrame | None = None
    section: str | None = None
    hidden: list[str] = field(default_factory=list)
    min_cell: int = 5
    blanks: list[Blank] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.masked is None:
            self.masked = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        if self.small is None:
            self.small = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        unknown = [
            source
            for column in self.columns
            for source in column.sources
            if source not in self.table.columns
        ]
        declared = [*self.counts, *self.complements, *self.complements.values()]
        unknown += [c for c in declared if c not in self.table.columns]
        if unknown:
            raise ValueError(f"{self.stem}: columns {unknown} are not columns of the table")
        headers = {column.header for column in self.columns}
        undeclared = [c for blank in self.blanks for c in blank.columns if c not in headers]
        if undeclared:
            raise ValueError(f"{self.stem}: blanks name {undeclared}, which are not printed")
        used = self.blank_cells()
        for blank in self.blanks:
            note = blank.footnote()
            if used.get(id(blank)) and note not in self.notes:
                self.notes.append(note)

    def _blank_cells(self) -> list[tuple[object, str, Blank | None]]:
        """Every printed cell that is blank and not masked: (row, header, its Blank)."""
        out = []
        masked = {c: self.masked[c].to_numpy(dtype=bool) for c in self.masked.columns}
        for column in self.columns:
            values = [self.table[s].astype("object").to_numpy() for s in column.sources]
            for i, row in enumerate(self.table.index):
                if any(masked[s][i] for s in column.sources):
                    continue
                if (
                    all(is_missing(v[i]) for v in values)
                    or column.render([None if is_missing(v[i]) else v[i] for v in values]) == ""
                ):
                    blank = next((b for b in self.blanks if b.covers(column.header, row)), None)
                    out.append((row, column.header, blank))
        return out

    def blank_cells(self) -> dict[int, int]:
        """How many blank cells each of :attr:`blanks` explains (by ``id``)."""
        counts: dict[int, int] = {}
        for _, _, blank in self._blank_cells():
            if blank is not None:
                counts[id(blank)] = counts.get(id(blank), 0) + 1
        return counts

    def blank_summary(self) -> list[dict[str, object]]:
        """The blanks that explain a cell: kind, printed mark, cells and footnote."""
        used = self.blank_cells()
        return [
            {
                "kind": blank.kind,
                "mark": BLANK_KINDS[blank.kind][0],
                "cells": used[id(blank)],
                "footnote": blank.footnote(),
            }
            for blank in self.blanks
            if used.get(id(blank))
        ]

    def unexplained(self) -> list[tuple[object, str]]:
        """The numeric printed cells left blank with no :class:`Blank` (row, header)."""
        numeric = {column.header for column in self.columns if column.numeric}
        return [
            (row, header)
            for row, header, blank in self._blank_cells()
            if blank is None and header in numeric
        ]

    def rendered(self, min_cell: int | None = None) -> pd.DataFrame:
        """The printed cells (text): masked cells as ``<min_cell`` or ``–``."""
        min_cell = self.min_cell if min_cell is None else min_cell
        values = {c: self.table[c].astype("object").to_numpy() for c in self.table.columns}
        masked = {c: self.masked[c].to_numpy(dtype=bool) for c in self.masked.columns}
        small = {c: self.small[c].to_numpy(dtype=bool) for c in self.small.columns}
        out = {}
        for column in self.columns:
            sources = column.sources
            cells = []
            for i in range(len(self.table)):
                if any(masked[s][i] for s in sources):
                    is_small = len(sources) == 1 and small[sources[0]][i]
                    cells.append(f"<{min_cell}" if is_small else DASH)
                    continue
                row = [None if is_missing(values[s][i]) else values[s][i] for s in sources]
                text = "" if all(v is None for v in row) else column.render(row)
                if text == "":
                    label = self.table.index[i]
                    blank = next((b for b in self.blanks if b.covers(column.header, label)), None)
                    text = "" if blank is None else BLANK_KINDS[blank.kind][0]
                cells.append(text)
            out[column.header] = cells
        return pd.DataFrame(out, index=self.table.index)
