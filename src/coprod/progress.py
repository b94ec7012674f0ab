"""What a run prints: a short progress summary instead of Snakemake's job blocks.

``python -m coprod.run_workflow`` (what ``make study`` runs) starts Snakemake with
``--logger coprod``: Snakemake then sends its messages to :class:`ProgressHandler`
(registered as a Snakemake logger plugin by the package
``snakemake_logger_plugin_coprod`` beside this library), which prints::

    Running 44 jobs in /path/to/study.
      11 of 44 jobs done (25%)
      ...
      44 of 44 jobs done (100%)
    Why they ran: their outputs were missing (43 jobs).

Snakemake's complete log, every job's block with its reason, is still written to
``.snakemake/log/`` (the handler replaces only what goes to the terminal), and each job
writes its own log under ``logs/``. At the end, :mod:`coprod.run_workflow` says where the
exhibits, the report and the logs are (:func:`closing_lines`).

Decisions
---------
- A logger plugin, not ``--quiet``: Snakemake's ``--quiet rules`` also leaves the job
  blocks out of ``.snakemake/log/``, which is where a run is debugged, and still prints
  four lines a job. A plugin that writes to the terminal replaces Snakemake's terminal
  handler only (Snakemake 9's ``LoggerManager``).
- The reason a job runs is said once, for the run, grouped by kind
  (:func:`reasons_line`): Snakemake's reason for a changed param prints the param's value
  before and now in full, and the rule that writes the config used takes the whole config
  as its param, so a changed config value printed the config twice.
- Errors are printed in full: a failed job's block (rule, output, log path) and the end
  of its log: after a Python traceback its exception, the library's message that names
  the file, row and column (a job script prints its traceback itself, so it is not
  repeated), else the log's last lines; Snakemake's own errors and warnings as Snakemake
  words them.
- Python's warnings of an unawaited coroutine in Snakemake 9.27's report code (three
  lines for each rule, every run) are ignored while this handler is in use; any other
  warning is shown.
- A run stopped by SIGTERM (Snakemake lets the jobs already running finish) says so once,
  and not that a job "did not complete successfully" when none failed; the run command
  (:mod:`coprod.run_workflow`) then says how to finish it.
- On a terminal the counter is one line rewritten in place; elsewhere (CI, a test, a
  file) it prints a line at each quarter of the jobs, so a log stays short.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

LOG_TAIL = 30
"""How many of a failed job's last log lines are printed (where it holds no traceback)."""
TRACEBACK = "Traceback (most recent call last):"
NOTHING_TO_DO = "Nothing to be done"
"""How Snakemake's message starts when every output is up to date."""
GRACEFUL_STOP = "Will exit after finishing currently running jobs"
"""How Snakemake's message starts when a signal (SIGTERM) asked it to stop: it lets the
jobs already running finish and starts no other."""
NOT_COMPLETED = "At least one job did not complete successfully."
"""Snakemake's last error of a run that ended early, also of one stopped by a signal."""
STOPPING = "Stopping, as asked: the jobs already running finish first; no other starts."
MISSING = "their outputs were missing"
REASONS = (
    ("Forced execution", "forced (--forcerun)"),
    ("Missing output files", MISSING),
    ("Incomplete output files", "an earlier run left them unfinished"),
    ("Updated input files", "an input file is newer than their outputs"),
    ("Input files updated by another job", "this run remade an input"),
    ("Set of input files has changed", "the set of input files changed"),
    ("Code has changed", "their code changed"),
    ("Params have changed", "config values they read changed"),
    ("Software environment definition has changed", "the software environment changed"),
)
"""Snakemake's reasons for running a job (how each starts) and how this module says them,
in the order it lists them."""
LISTED_RULES = 4
"""How many rules a reason names before 'and N more'."""

__all__ = [
    "ProgressHandler",
    "closing_lines",
    "failed_job_lines",
    "reason_kinds",
    "reasons_line",
]


def reason_kinds(reason: str) -> list[str]:
    """The kinds of reason in Snakemake's reason for running a job, in :data:`REASONS`' words.

    >>> reason_kinds("Missing output files: results/a.csv; Code has changed since last execution")
    ['their outputs were missing', 'their code changed']
    >>> reason_kinds("Params have changed since last execution: Union of ... before: {'a': 1}")
    ['config values they read changed']
    """
    return [said for start, said in REASONS if re.search(rf"(^|; ){re.escape(start)}", reason)]


def _rules(names: Sequence[str]) -> str:
    shown = ", ".join(names[:LISTED_RULES])
    more = len(names) - LISTED_RULES
    return f"{shown} and {more} more" if more > 0 else shown


def reasons_line(jobs: Iterable[tuple[str, str]]) -> str:
    """One line saying why the jobs ran: each kind of reason with the rules of the jobs it
    applies to (a job may have several), from each job's rule and Snakemake's reason.

    >>> reasons_line([("a", "Missing output files: x"), ("b", "Missing output files: y")])
    'Why they ran: their outputs were missing (a, b).'
    >>> reasons_line([
    ...     ("config_used", "Params have changed since last execution: ..."),
    ...     ("inputs_read", "Updated input files: config/config.yaml"),
    ...     ("manifest", "Input files updated by another job: results/a.png"),
    ... ])  # doctest: +NORMALIZE_WHITESPACE
    'Why they ran: an input file is newer than their outputs (inputs_read);
     this run remade an input (manifest); config values they read changed (config_used).'
    """
    jobs = list(jobs)
    grouped: dict[str, list[str]] = {said: [] for _, said in REASONS}
    for rule, reason in jobs:
        kinds = reason_kinds(reason)
        if MISSING in kinds:  # its other reasons do not matter: it runs to make them
            kinds = [MISSING]
        for kind in kinds:
            grouped[kind].append(rule)
    parts = []
    for kind, rules in grouped.items():
        if not rules:
            continue
        if len(rules) == len(jobs) and len(set(rules)) > LISTED_RULES:
            parts.append(f"{kind} ({len(rules)} jobs)")
        else:
            count = f"{len(rules)} jobs: " if len(rules) > len(set(rules)) else ""
            parts.append(f"{kind} ({count}{_rules(sorted(set(rules)))})")
    return f"Why they ran: {'; '.join(parts)}." if parts else ""


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` if it is under it, else absolute.

    >>> _relative(Path("/work/study/results"), Path("/work"))
    'study/results'
    >>> _relative(Path("/tmp/x"), Path("/work"))
    '/tmp/x'
    """
    path = Path(os.path.abspath(path))
    return path.relative_to(start).as_posix() if path.is_relative_to(start) else str(path)


def closing_lines(
    workdir: Path,
    report: str | None,
    logfile: Path | None,
    reference: Path | None,
    cwd: Path | None = None,
    *,
    only_logs: bool = False,
) -> list[str]:
    """Where a finished run's exhibits, report and logs are, and what to do next: the lines
    :mod:`coprod.run_workflow` prints at the end (paths relative to ``cwd`` when under it;
    only what exists is named). With ``only_logs`` (a run that failed), the logs alone.

    ``reference`` is the reference manifest of the study, if it has one (``make verify``).
    """
    from coprod.jobs import FIGURE_DIR, TABLE_DIR
    from coprod.paper import PAPER_PDF
    from coprod.replication import REPLICATION_MD

    cwd = Path.cwd() if cwd is None else cwd
    logs = []
    if (workdir / "logs").is_dir():
        logs.append(f"{_relative(workdir / 'logs', cwd)}/ (one log a job)")
    if logfile is not None:
        logs.append(f"{_relative(logfile, cwd)} (the whole run)")
    if only_logs:
        return [f"Logs: {', '.join(logs)}"] if logs else []
    lines = ["Results:"]
    tables, figures = workdir / TABLE_DIR, workdir / FIGURE_DIR
    if tables.is_dir():
        stems = {path.name.split(".", 1)[0] for path in tables.glob("*.csv")}
        lines.append(
            f"  tables   {_relative(tables, cwd)}/  ({len(stems)} tables: CSV, Markdown, "
            "LaTeX, HTML)"
        )
    if figures.is_dir():
        stems = {path.stem for path in figures.glob("*.png")}
        lines.append(
            f"  figures  {_relative(figures, cwd)}/  ({len(stems)} figures: PNG, PDF, SVG)"
        )
    numbers = sorted(tables.parent.glob("numbers.*"))
    if numbers:
        named = ", ".join(_relative(path, cwd) for path in numbers)
        lines.append(f"  numbers  {named}  (every number the text cites)")
    paper = [workdir / path for path in (PAPER_PDF, REPLICATION_MD) if (workdir / path).is_file()]
    if paper:
        named = ", ".join(_relative(path, cwd) for path in paper)
        lines.append(f"  paper    {named}  (the paper; how to reproduce it)")
    if report and (workdir / report).is_file():
        lines.append(f"  report   {_relative(workdir / report, cwd)}  (open it in a browser)")
    if logs:
        lines.append(f"  logs     {', '.join(logs)}")
    if reference is not None and reference.is_file():
        lines.append(
            "Next: make verify  (checks these exhibits byte for byte against "
            f"{_relative(reference, cwd)})"
        )
    return lines


class ProgressHandler(LogHandlerBase):
    """Snakemake's log handler for the terminal: a counter, the reasons, the errors.

    See the module's docstring; Snakemake makes it from ``--logger coprod``.
    """

    stream: TextIO

    def __post_init__(self) -> None:
        self.stream = sys.stdout if getattr(self.common_settings, "stdout", False) else sys.stderr
        self.on_terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = 0
        self.shown_quarter = 0
        self.reasons: dict[int, tuple[str, str]] = {}
        self.counter_open = False
        self.reasons_said = False
        self.stopping = False  # a signal asked Snakemake to stop (GRACEFUL_STOP)
        self.failed = False  # a job, or a group of jobs, failed
        # Snakemake 9.27's report (--report-after-run) leaves a coroutine of each rule's
        # input sizes unawaited, and Python warns of each: 3 lines a rule, of no use here.
        warnings.filterwarnings(
            "ignore",
            message="coroutine 'InputFiles._predicated_size_files",
            category=RuntimeWarning,
        )

    # -- the plugin's declarations (snakemake_interface_logger_plugins)
    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True

    @property
    def has_formatter(self) -> bool:
        return False

    @property
    def needs_rulegraph(self) -> bool:
        return False

    # -- output
    def _write(self, text: str) -> None:
        if self.counter_open:
            self.stream.write("\n")
            self.counter_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _counter(self, done: int, total: int) -> None:
        line = f"  {done} of {total} jobs done ({done * 100 // total}%)"
        if self.on_terminal:
            self.stream.write(f"\r{line}")
            self.counter_open = done < total
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        quarter = done * 4 // total
        if quarter > self.shown_quarter or done == total:
            self.shown_quarter = quarter
            self._write(line)

    def _say_reasons(self) -> None:
        if self.reasons and not self.reasons_said:
            self.reasons_said = True
            self._write(reasons_line(self.reasons.values()))

    def _failed_job(self, record: logging.LogRecord) -> None:
        self._write("\n".join(failed_job_lines(record.__dict__)))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event = getattr(record, "event", None)
            if event == LogEvent.RUN_INFO and isinstance(getattr(record, "stats", None), dict):
                self.total = int(record.stats.get("total", 0))
                if self.total and not getattr(self.common_settings, "dryrun", False):
                    self._write(f"Running {self.total} jobs in {os.getcwd()}.")
            elif event == LogEvent.JOB_INFO and record.output:  # not a target rule's
                self.reasons[record.jobid] = (record.rule_name, record.reason)
            elif event == LogEvent.PROGRESS:
                self._counter(record.done, record.total)
                if record.done == record.total:
                    self._say_reasons()
            elif event == LogEvent.JOB_ERROR:
                self.failed = True
                self._failed_job(record)
            elif event == LogEvent.GROUP_ERROR:
                self.failed = True
                self._write(self.format(record))
            elif event is None and str(record.msg or "").startswith(GRACEFUL_STOP):
                if not self.stopping:  # Snakemake says it at every turn of its scheduler
                    self.stopping = True
                    self._write(STOPPING)
            elif record.levelno >= logging.WARNING:
                if self.stopping and not self.failed and NOT_COMPLETED in record.getMessage():
                    return  # none failed: it was stopped, as the run command says
                self._write(record.getMessage())
            elif event is None and str(record.msg or "").startswith(NOTHING_TO_DO):
                self._write("Nothing to run: every result is up to date.")
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        # A run that stopped early: say why what ran ran, once.
        if self.reasons and not self.reasons_said:
            self._say_reasons()
        super().close()


def failed_job_lines(error: Mapping[str, Any]) -> list[str]:
    """A failed job as the run prints it: its rule, job id, message, outputs and log, then
    the end of its log (:data:`LOG_TAIL` lines), from Snakemake's job error record.

    >>> print("\\n".join(failed_job_lines({
    ...     "rule_name": "score", "jobid": 6, "output": ["results/scoring/scores.parquet"],
    ...     "log": ["/nowhere/score.log"], "rule_msg": None, "shellcmd": None, "aux": {},
    ... })))
    Error in rule score (job 6):
        output: results/scoring/scores.parquet
        log: /nowhere/score.log
      (no log at /nowhere/score.log)
    """
    lines = [f"Error in rule {error['rule_name']} (job {error['jobid']}):"]
    if error.get("rule_msg"):
        lines.append(f"    message: {error['rule_msg']}")
    for key in ("output", "log"):
        if error.get(key):
            lines.append(f"    {key}: {', '.join(map(str, error[key]))}")
    if error.get("shellcmd"):
        lines.append(f"    shell: {error['shellcmd']}")
    lines += [f"    {key}: {value}" for key, value in (error.get("aux") or {}).items()]
    for log in error.get("log") or []:
        lines += _log_tail(Path(log))
    return lines


def _log_tail(log: Path, lines: int = LOG_TAIL) -> list[str]:
    """The end of a failed job's log, framed, or why there is none: after a Python
    traceback, its exception (the library's message, naming the file, row and column; the
    traceback is in the log, and the job printed it above), else the last ``lines`` lines.
    """
    if not log.is_file():
        return [f"  (no log at {log})"]
    text = log.read_text(encoding="utf-8", errors="replace").rstrip("\n").splitlines()
    if not text:
        return [f"  ({log} is empty)"]
    tracebacks = [i for i, line in enumerate(text) if line.startswith(TRACEBACK)]
    message = (
        next((i for i in range(tracebacks[-1] + 1, len(text)) if not text[i][:1].isspace()), None)
        if tracebacks
        else None
    )
    if message is not None:
        shown, note = text[message:][-lines:], " (its end; the traceback is in the log)"
    else:
        shown = text[-lines:]
        note = f" (last {lines} of {len(text)} lines)" if len(text) > lines else ""
    return [f"  --- {log}{note}", *(f"  {line}" for line in shown), f"  --- end of {log}"]
