"""The registry of analyses: each job that writes result records under ``results/``.

See :class:`coprod.jobs.Job` for what an entry says.
"""

from __future__ import annotations

from coprod.jobs import Job

ANALYSES: tuple[Job, ...] = ()
