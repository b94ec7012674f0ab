"""The registry of exhibits: the paper's tables and figures, in the paper's order.

Adding a table means one module under :mod:`coprod.exhibits.tables` and one entry here;
see :class:`coprod.registry.Job` for what an entry says.
"""

from __future__ import annotations

from coprod.jobs import Job

# ---- tables -------------------------------------------------------------------------------

TABLES: tuple[Job, ...] = ()


# ---- figures ------------------------------------------------------------------------------

FIGURES: tuple[Job, ...] = ()


EXHIBITS: tuple[Job, ...] = (*TABLES, *FIGURES)
