"""What a table is before it is written: an :class:`Exhibit` of printed :class:`Column`.

An exhibit holds the numbers of one table (or one panel of a table), which cells the
disclosure control masked, and how the paper prints them; :mod:`coprod.exhibits.rendering`
writes it as CSV, Markdown and LaTeX.

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
                cells.append("" if all(v is None for v in row) else column.render(row))
            out[column.header] = cells
        return pd.DataFrame(out, index=self.table.index)
