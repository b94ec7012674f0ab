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

from functools import cache

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


WORK = {"records": 1, "table": 1, "figure": 4}
"""A job's work by its kind, in table jobs, for scheduling (:func:`priorities`): a figure
job (three files drawn) takes about four times a table job or a typical analysis
(1.0-2.0 s against 0.2-0.6 s of CPU on the bundled study)."""


def priorities(config: Config) -> dict[str, int]:
    """Each job's scheduling priority: the work that waits for it, its own included (the
    :data:`WORK` of the job and of its descendants in the DAG of registered jobs).

    Snakemake starts the ready job of highest priority first. Without priorities it
    chose among ready jobs by input size, and on two cores started figures that nothing
    waits for while the scoring and analyses that most tables, figures and numbers read
    waited behind them, to run at the end one at a time. Ranked by the number of jobs
    waiting alone, the figures came last, after every table: two figure jobs at a time,
    each with its PDF-and-SVG child, on two cores, each taking 2.5-3 s; counted by their
    work, a figure starts before the tables, beside an analysis or a table.
    """
    found = jobs(config)
    kind = {job.name: job.kind for job in found}
    made_by = {path: job.name for job in found for path in job.outputs(config).values()}
    waiting: dict[str, set[str]] = {job.name: set() for job in found}
    for job in found:
        for value in job.inputs(config).values():
            for path in [value] if isinstance(value, str) else value:
                if path in made_by:
                    waiting[made_by[path]].add(job.name)

    @cache
    def descendants(name: str) -> frozenset[str]:
        direct = waiting[name]
        return frozenset(direct).union(*(descendants(child) for child in direct))

    return {name: sum(WORK[kind[other]] for other in descendants(name) | {name}) for name in kind}
