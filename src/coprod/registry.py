"""The registry of jobs: every analysis, table and figure the workflow runs, by name.

The workflow generates one rule per job by a loop (``workflow/rules/registered.smk``),
and the architecture page and README list them from here, so the list of analyses and
exhibits exists in exactly one place: :mod:`coprod.analyses.registry` for the analyses,
:mod:`coprod.exhibits.registry` for the tables and figures, :mod:`coprod.paper` for the
paper. What an entry says is
:class:`coprod.jobs.Job`.

Decisions
---------
- This module and the registries import no pandas or matplotlib: Snakemake reads them
  every time it parses the workflow, and a no-op rerun must stay fast.
"""

from __future__ import annotations

from coprod.analyses.registry import ANALYSES, FIGURE_DATA
from coprod.exhibits.registry import EXHIBITS
from coprod.jobs import Config, Job
from coprod.paper import PAPER
from coprod.preparation import PREPARATION


def jobs(config: Config | None = None) -> tuple[Job, ...]:
    """Every registered job in DAG order: preparation, analyses, figures' data, exhibits,
    the paper; with a ``config``, only those its study runs (:attr:`Job.applies`)."""
    found = (*PREPARATION, *ANALYSES, *FIGURE_DATA, *EXHIBITS, PAPER)
    if config is not None:
        found = tuple(job for job in found if job.applies(config))
    names = [job.name for job in found]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"jobs registered twice: {twice}")
    return found
