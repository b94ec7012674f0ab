"""The registry of jobs: every analysis, table and figure the workflow runs, by name.

A :class:`Job` says which library function makes it (see :mod:`coprod.jobs` for the
contract), which files it reads, which config values it takes and what it writes. The
workflow generates one rule per job by a loop (``workflow/rules/*.smk``), the
architecture page and the replication README list them from here, so the list of
analyses and exhibits exists in exactly one place: :mod:`coprod.analyses.registry`
for the analyses, :mod:`coprod.exhibits.registry` for the tables and figures.

Decisions
---------
- This module and the registries import no pandas or matplotlib: Snakemake reads
  them every time it parses the workflow, and a no-op rerun must stay fast.
- Inputs, outputs and settings are functions of the config, so that a study with other
  contrasts or another breakdown gets the right files and a change of a setting reruns
  exactly the jobs whose ``settings`` return it.
- An exhibit's outputs follow from its kind and its parts: a table part is written as
  CSV, Markdown, LaTeX and a disclosure sidecar; a figure as PNG, PDF and SVG.

Example
-------
>>> from coprod.registry import Job, Part
>>> job = Job(
...     name="table01_sample_composition",
...     function="coprod.exhibits.tables.table01_sample_composition:sample_composition",
...     stage="exhibits",
...     inputs=lambda config: {"scores": "results/scoring/scores.parquet"},
...     kind="table",
...     parts=(Part("table01_sample_composition", "1", "Sample composition"),),
... )
>>> job.outputs(config)["table01_sample_composition_csv"]
'results/exhibits/tables/table01_sample_composition.csv'
>>> job.writer
'coprod.exhibits.rendering:write_tables'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Config = Mapping[str, Any]
FromConfig = Callable[[Config], Mapping[str, Any]]

TABLE_DIR = "results/exhibits/tables"
FIGURE_DIR = "results/exhibits/figures"
TABLE_FORMS = {"csv": "csv", "markdown": "md", "latex": "tex", "disclosure": "disclosure.json"}
"""A table part's forms and their file suffixes (the outputs ``<stem>_<form>``)."""
FIGURE_FORMS = ("png", "pdf", "svg")
FIGURE_STYLE_KEYS = ("font_size", "dpi", "palette")
"""The config's shared figure style (``figures:``): what every figure is drawn and saved in."""
WRITERS = {
    "records": "coprod.jobs:write_records",
    "table": "coprod.exhibits.rendering:write_tables",
    "figure": "coprod.exhibits.figures.style:write_figure",
}
"""Each kind of job's writer: ``writer(result, outputs, render)`` (see :mod:`coprod.jobs`)."""
KINDS = tuple(WRITERS)


def nothing(config: Config) -> dict[str, Any]:
    """No settings (or no outputs): the job reads no config value."""
    return {}


@dataclass(frozen=True)
class Part:
    """One published file of an exhibit: ``stem`` names its files, ``number`` its place
    in the paper ("5", "6a", "Figure 3") and ``title`` what it shows."""

    stem: str
    number: str
    title: str


@dataclass(frozen=True)
class Job:
    """One job of the workflow: a rule named ``name`` that runs ``function``.

    ``function`` is a dotted path ``"coprod.package.module:function"``; ``stage`` the
    DAG stage (its log goes to ``logs/<stage>/<name>.log``); ``inputs(config)`` the
    named data files it reads (the study's resources are added when ``study`` is true);
    ``settings(config)`` the config values it takes; ``kind`` one of :data:`KINDS`.
    A records job names its ``outputs(config)``; an exhibit lists its ``parts`` and its
    report ``section``. ``write`` names a writer other than its kind's (for outputs that
    are neither Parquet records nor tables nor figures, such as the cited numbers).
    """

    name: str
    function: str
    stage: str
    inputs: FromConfig
    settings: FromConfig = nothing
    kind: str = "records"
    outputs_of: FromConfig = nothing
    parts: tuple[Part, ...] = field(default=())
    section: str = ""
    study: bool = True
    write: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"job {self.name}: kind '{self.kind}' is not one of {KINDS}")
        if ":" not in self.function:
            raise ValueError(f"job {self.name}: function '{self.function}' is not 'module:name'")
        if self.kind != "records" and not self.parts:
            raise ValueError(f"job {self.name}: an exhibit needs its parts")

    @property
    def module(self) -> str:
        """The library module that holds the job's function."""
        return self.function.partition(":")[0]

    @property
    def writer(self) -> str:
        """The function that writes the job's result (``write``, or :data:`WRITERS`)."""
        return self.write or WRITERS[self.kind]

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules the job's script runs: the runner, the function's, the writer's."""
        return ("coprod.jobs", self.module, self.writer.partition(":")[0])

    def outputs(self, config: Config) -> dict[str, str]:
        """The job's named output files (see the module's Decisions)."""
        if self.kind == "table":
            return {
                f"{part.stem}_{form}": f"{TABLE_DIR}/{part.stem}.{suffix}"
                for part in self.parts
                for form, suffix in TABLE_FORMS.items()
            }
        if self.kind == "figure":
            (part,) = self.parts
            return {form: f"{FIGURE_DIR}/{part.stem}.{form}" for form in FIGURE_FORMS}
        return dict(self.outputs_of(config))

    def render(self, config: Config) -> dict[str, Any]:
        """How the job's outputs are written: digits of CSV tables, the figures' style."""
        if self.kind == "table":
            return {"csv_digits": config["exhibits"]["csv_digits"]}
        if self.kind == "figure":
            figures = config["figures"]
            return {"style": {key: figures[key] for key in FIGURE_STYLE_KEYS}}
        return {}


def jobs() -> tuple[Job, ...]:
    """Every registered job: the analyses, the figures' data, the exhibits in order."""
    from coprod.analyses.registry import ANALYSES, FIGURE_DATA
    from coprod.exhibits.registry import EXHIBITS

    found = (*ANALYSES, *FIGURE_DATA, *EXHIBITS)
    names = [job.name for job in found]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"jobs registered twice: {twice}")
    return found
