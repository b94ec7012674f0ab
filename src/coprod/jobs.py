"""One contract per job: a named function from named inputs to records or an exhibit.

Every job of the workflow (an analysis, a table, a figure) is a library function

    function(study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any])

where ``study`` holds the study's resources, ``inputs`` the job's other named input
files and ``settings`` the config values it reads (the rule's ``params.settings``, and
nothing else, so that changing a setting reruns exactly the jobs that read it). It
returns one of

- records: a mapping of output name to a DataFrame, each written as Parquet to the
  rule's output of that name (:func:`write_records`);
- tables: a list of exhibits, each written in every form (CSV, Markdown, LaTeX,
  disclosure sidecar) to the outputs ``<stem>_<form>``
  (``coprod.exhibits.rendering.write_tables``);
- a figure: a matplotlib Figure, saved byte-stably to the outputs ``png``, ``pdf``
  and ``svg`` (``coprod.exhibits.figures.style.write_figure``).

:func:`run_forked` and :func:`run` are the only glue between Snakemake and the library:
the rule's ``run:`` block forks a child of Snakemake's process (the libraries imported
once per run, not once per job), which sends stderr to the rule's log, loads the study,
calls the function and writes what it returns, each file published under its own name
only when the job's every output is whole.

Decisions
---------
- Functions are named by a dotted path (``"package.module:function"``) so that the
  workflow can list them at parse time without importing pandas or matplotlib.
- A :class:`Job` names its inputs, outputs and
  settings as functions of the config, so that a study with other contrasts or another
  breakdown gets the right files and a change of a setting reruns exactly the jobs whose
  ``settings`` return it. An exhibit's outputs follow from its kind and its parts: a
  table part is written as CSV, Markdown, LaTeX and a disclosure sidecar; a figure as
  PNG, PDF and SVG.
- Writing is not in the job functions: they are unit-tested on what they return, and
  every job of a kind writes its outputs with the same writer. The writers are named
  by dotted path too, so a records job does not import (and does not rerun for) the
  table and figure writers.

Example
-------
>>> from coprod.jobs import Job, Part
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

import contextlib
import gc
import importlib
import os
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from threadpoolctl import threadpool_limits

from coprod.errors import JobFailed
from coprod.pipeline import logged, published
from coprod.vocabulary import RESOURCE_KEYS

Config = Mapping[str, Any]
FromConfig = Callable[[Config], Mapping[str, Any]]
Inputs = Mapping[str, Any]
"""A job's named input files (paths, or lists of paths)."""
Settings = Mapping[str, Any]
"""The config values a job reads."""

TABLE_DIR = "results/exhibits/tables"
FIGURE_DIR = "results/exhibits/figures"
TABLE_FORMS = {
    "csv": "csv",
    "markdown": "md",
    "latex": "tex",
    "html": "html",
    "disclosure": "disclosure.json",
}
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
IMPORTED_ON_FIRST_USE = ("pyarrow.parquet", "pyarrow.dataset", "pandas.io.formats.csvs", "tabulate")
"""Modules pandas imports the first time a process reads Parquet or writes CSV or
Markdown, as almost every job does: :func:`run_forked` imports them with the job's
own, so that no job imports them again (0.05 s of each of some forty jobs)."""


def config_at(config: Config, path: str) -> Any:
    """The config value at a dotted ``path``.

    >>> config_at({"disclosure": {"min_cell": 5}}, "disclosure.min_cell")
    5
    """
    value: Any = config
    for key in path.split("."):
        value = value[key]
    return value


def from_config(paths: Mapping[str, str]) -> FromConfig:
    """Settings read from the config: each key gets the value at its dotted path, and a
    key ``"*..."`` spreads the mapping at its path, in the order given.

    >>> settings = from_config({"min_cell": "disclosure.min_cell", "*staff": "staff"})
    >>> settings({"disclosure": {"min_cell": 5}, "staff": {"ci": 0.95}})
    {'min_cell': 5, 'ci': 0.95}
    """

    def settings(config: Config) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, path in paths.items():
            value = config_at(config, path)
            values.update(value if key.startswith("*") else {key: value})
        return values

    return settings


def fixed(paths: Mapping[str, Any]) -> FromConfig:
    """Inputs or outputs that do not depend on the config."""
    return lambda config: dict(paths)


def nothing(config: Config) -> dict[str, Any]:
    """No settings (or no outputs): the job reads no config value."""
    return {}


def always(config: Config) -> bool:
    """A job every study runs."""
    return True


@dataclass(frozen=True)
class Part:
    """One published file of an exhibit: ``stem`` names its files, ``number`` its place
    in the paper ("5", "6a", "Figure 3") and ``title`` what it shows."""

    stem: str
    number: str
    title: str

    @property
    def label(self) -> str:
        """How the paper names it: "Table 6a" (a table's number is its number alone),
        "Figure 3"."""
        return self.number if self.number.startswith("Figure") else f"Table {self.number}"


@dataclass(frozen=True)
class Reported:
    """An output of a records job shown in the HTML report: its ``output`` name, the
    report's ``category``, the caption file ``workflow/report/<caption>.rst`` and what
    it ``shows``."""

    output: str
    category: str
    caption: str
    shows: str


@dataclass(frozen=True)
class Job:
    """One job of the workflow: a rule named ``name`` that runs ``function``.

    ``function`` is a dotted path ``"coprod.package.module:function"``; ``stage`` the
    DAG stage (its log goes to ``logs/<stage>/<name>.log``); ``inputs(config)`` the
    named data files it reads (the study's resources are added when ``study`` is true);
    ``settings(config)`` the config values it takes; ``kind`` one of :data:`KINDS`.
    A records job names its ``outputs(config)``; an exhibit lists its ``parts`` and its
    report ``section``; a records job may show one output in the report (``reported``).
    ``write`` names a writer other than its kind's (for outputs that
    are neither Parquet records nor tables nor figures, such as the cited numbers).
    ``applies(config)`` says whether a study runs the job at all (the paper only where
    the config names its template).
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
    reported: Reported | None = None
    applies: Callable[[Config], bool] = always

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
        """The modules the job's rule runs: the runner, the function's, the writer's."""
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


NOT_DATA = ("library",)
"""Named inputs that are not data: the library modules a rule lists for staleness."""


def resolve(function: str) -> Callable[..., Any]:
    """The function a dotted path ``"package.module:function"`` names.

    >>> resolve("coprod.jobs:resolve").__name__
    'resolve'
    """
    module, _, name = function.partition(":")
    if not name:
        raise ValueError(f"job function '{function}' is not of the form 'package.module:function'")
    return getattr(importlib.import_module(module), name)


def data_inputs(named: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's named inputs less the study's resources and the library modules."""
    skip = {*NOT_DATA, *RESOURCE_KEYS}
    return {name: path for name, path in named.items() if name not in skip}


def write_records(
    records: Mapping[str, Any], outputs: Mapping[str, str], render: Mapping[str, Any]
) -> None:
    """Write a records job's frames, each to the output of its name: as Parquet, or as
    CSV where the file name ends in ``.csv`` (for a reader without Parquet)."""
    for name, frame in records.items():
        if str(outputs[name]).endswith(".csv"):
            frame.to_csv(outputs[name], index=False, lineterminator="\n")
        else:
            frame.to_parquet(outputs[name], index=False)


def run(snakemake: Any, function: str | None = None) -> None:
    """Run one job (in the child :func:`run_forked` forks): load, call, write, with
    stderr in the log. Its outputs appear only once all are written
    (:func:`coprod.pipeline.published`).

    ``study`` is None for a job registered with ``study=False``. ``function`` defaults
    to the rule's ``params.function``; the settings are
    ``params.settings``; ``params.writer`` names the function that writes the result
    (:data:`WRITERS`) and ``params.render`` its options (``csv_digits``
    for tables, ``style`` for figures).
    """
    with logged(snakemake):
        params = snakemake.params
        named = dict(snakemake.input.items())
        study = study_of(named)
        job = resolve(function or params.function)
        result = job(study, data_inputs(named), params.settings)
        write = resolve(params.writer)
        with published(dict(snakemake.output.items())) as outputs:
            write(result, outputs, params.render)


_STUDIES: dict[tuple[Any, ...], Any] = {}
"""The study last loaded in this process, by the version of its files (:func:`study_of`)."""


def study_of(named: Mapping[str, Any]) -> Any:
    """The study whose resources a job's ``named`` inputs list (None for a job registered
    with ``study=False``, which has none), loaded once per process for each version of
    the files (path, modification time and size of each).

    :func:`run_forked` loads it in Snakemake's process before it forks a job, so every
    job of a run after the first finds it loaded: reading and validating the resources
    took 0.1 s of each of some forty jobs.
    """
    from coprod.resources import load_study

    if RESOURCE_KEYS[0] not in named:
        return None
    paths = {key: str(named[key]) for key in RESOURCE_KEYS}
    version = tuple((key, path, *_file_version(path)) for key, path in paths.items())
    if version not in _STUDIES:
        study = load_study(paths)
        _STUDIES.clear()
        _STUDIES[version] = study
    return _STUDIES[version]


def _file_version(path: str) -> tuple[int, int]:
    """A file's modification time (ns) and size; (-1, -1) if there is none (loading it
    then raises the library's message naming it)."""
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


_FORKING = threading.Lock()
"""Held while this process imports for a job and forks: a child forked while another
thread imports a module would inherit that module's import lock, held for good."""


def run_forked(inputs: Any, outputs: Any, params: Any, log: Any, threads: int) -> None:
    """Run one job (:func:`run`) in a child process forked from this one, and wait for it.
    ``inputs``, ``outputs``, ``params``, ``log`` and ``threads`` are the rule's, as its
    ``run:`` block has them.

    The rules of the registered jobs call this from their ``run:`` block, which
    Snakemake executes in its own process (with ``--force-use-threads``, which the
    workflow's default profile sets). The job's function and writer are imported here,
    in the parent, before the fork: every later job forks with them already imported,
    so a run pays for pandas, matplotlib and scipy once, not once per job; the study's
    resources are loaded here too (:func:`study_of`). The child is
    a process of its own: jobs still run in parallel, and what one sets (matplotlib's
    rcParams, warning filters, the redirected stderr) ends with it. The child's BLAS
    (numpy's, scipy's) uses ``threads`` threads, as many as Snakemake gave the job: by
    default OpenBLAS takes every core, and a job of one thread beside another job
    spent three times the CPU for half the speed (see :func:`_one_pool_thread_here`).
    A child that fails has written its traceback to the rule's log; this raises
    :class:`JobFailed`.
    """
    job = SimpleNamespace(input=inputs, output=outputs, params=params, log=log)
    with _FORKING:
        resolve(params.function), resolve(params.writer)
        for module in IMPORTED_ON_FIRST_USE:
            importlib.import_module(module)
        # If the resources do not load, the job's child loads them again and reports why
        # in its log, as any failing job does.
        with contextlib.suppress(Exception):
            study_of(dict(inputs.items()))
        _one_pool_thread_here()
        pid = os.fork()
    if pid == 0:  # the child: run the job, then leave without the parent's exit handlers
        os._exit(_run_child(job, threads))
    _, status = os.waitpid(pid, 0)
    exitcode = os.waitstatus_to_exitcode(status)
    if exitcode != 0:
        raise JobFailed(f"{params.function} failed (exit code {exitcode}): see its log, {log[0]}")


_POOLS_LIMITED_WITH = [0]
"""How many modules this process had imported when it last limited its thread pools."""


def _one_pool_thread_here() -> None:
    """Limit the thread pools of this process's libraries (numpy's and scipy's OpenBLAS,
    OpenMP) to one thread before it forks a job, whose child inherits the limit; again
    whenever the process has imported modules since (a library loaded later, scipy's
    OpenBLAS with scipy.linalg, starts with a thread per core).

    A child that set the limit itself (threadpoolctl) restarted each OpenBLAS's worker
    thread, which OpenBLAS stops at a fork; a new worker spins for about 0.1 s before it
    sleeps, so every job of one thread burnt 0.12-0.28 s of CPU beside its own (about
    4 s of a run's 40), on the cores the other jobs needed. A child of one thread now
    calls nothing, and one given more threads raises its limit (:func:`_run_child`).
    """
    if _POOLS_LIMITED_WITH[0] != len(sys.modules):
        threadpool_limits(limits=1)
        _POOLS_LIMITED_WITH[0] = len(sys.modules)


def _run_child(job: Any, threads: int) -> int:
    """The forked child's part of :func:`run_forked`: run the job with BLAS limited to
    ``threads`` (one, the parent's limit, unless the rule gave it more); the exit code.
    Its stdout and stderr are new objects on the same files: the parent's may have been
    locked by another of its threads at the fork, and stay locked in the child.

    The objects inherited from the parent (some 200,000: the libraries, the study) are
    frozen out of the child's garbage collection: a collection walked them all, about
    0.13 s each (statsmodels' Holm adjustment calls one per family), and wrote to
    each object's page, copying memory the child shares with the parent.
    """
    gc.freeze()
    sys.stdout = open(os.dup(1), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    sys.stderr = open(os.dup(2), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    code = 0
    try:
        with threadpool_limits(limits=threads) if threads != 1 else contextlib.nullcontext():
            run(job)
    except BaseException:
        traceback.print_exc()  # on Snakemake's stderr (run wrote it to the log too)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code
