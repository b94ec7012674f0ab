"""The paper's exhibits: the shared exhibit model, disclosure protection and rendering,
one module per table (:mod:`coprod.exhibits.tables`) and per figure
(:mod:`coprod.exhibits.figures`).

Their jobs are listed in :mod:`coprod.exhibits.registry`. This package imports nothing
heavy, so the workflow can read the registry at parse time.
"""


def table_number(stem: str) -> str:
    """A table's number in the paper, from its file stem ``table<number>_<topic>``.

    >>> table_number("table06a_barriers_overcome"), table_number("table10_staff_factor")
    ('6a', '10')
    """
    return stem.removeprefix("table").partition("_")[0].lstrip("0")
