"""Run Snakemake so that a run killed in the middle is recovered by the next one, and two
runs never work in the same folder at once: what ``make study`` runs.

::

    python -m coprod.run_workflow [snakemake's options and targets]
    python -m coprod.run_workflow --cores 2 --directory studies/national_panel

1. It takes an exclusive OS lock (``fcntl.flock``) on ``.snakemake/run_workflow.lock`` in
   the working directory (``--directory``, or the current one) and writes its pid, start
   and command there. If another run holds it, it stops (exit code 75) and says so, with
   that run's pid, and touches nothing. The lock is held by this process and by Snakemake
   (which inherits it) and the OS releases it when both have ended, however they ended.
2. Holding it, it looks for what a run that died leaves behind: Snakemake's lock
   (``.snakemake/locks/``) and its marks of jobs started but not finished
   (``.snakemake/incomplete/``). If it finds any and no Snakemake process is at work in
   the folder, it says what it found and what it does in two lines, removes the lock
   with ``snakemake --unlock`` and runs with ``--rerun-incomplete``: every job the dead
   run left unfinished runs again, so the run publishes the files of an uninterrupted
   one. If a Snakemake process started without this command is at work there, it stops
   (exit code 75) and leaves that run's lock alone.
3. It runs ``python -m snakemake`` with the options given and returns its exit code.
   Snakemake prints through the logger :mod:`coprod.progress` (``--logger coprod``): a
   counter, why the jobs ran, and errors in full, not a block per job (its complete log
   is still written to ``.snakemake/log/``). Given ``--dry-run``, ``--quiet``,
   ``--verbose`` or a ``--logger`` of its own, Snakemake prints as it does on its own.
4. After a run that succeeded it says where the exhibits, the report and the logs are,
   and what to do next (``make verify``, where the study has a reference manifest); after
   one that failed, where the logs are.

Decisions
---------
- Snakemake's own lock is a list of files that stays behind when its run is killed, so
  on its own it cannot tell a dead run from a live one, and ``--unlock`` removes every
  lock in the folder, a live run's too. An OS lock dies with its holders: a free lock
  beside Snakemake's means that the run which took Snakemake's is gone, unless it was
  started without this command, which the process check finds (below). Snakemake 9
  offers no check of its own (``--unlock``, ``--rerun-incomplete`` and ``--nolock`` are
  all it has), so this module adds the check and uses Snakemake's options for the rest.
- ``--rerun-incomplete`` is passed only after a dead run: then the unfinished jobs are
  known to be nobody's. Otherwise Snakemake's default (stop on an incomplete file and
  say so) is kept.
- A process is at work in the folder when its working directory is the folder (Snakemake
  changes into ``--directory``) and it runs Snakemake (an argument named ``snakemake``:
  the command, or ``-m snakemake``) or a job script Snakemake wrote
  (``.snakemake/scripts/``: a job whose Snakemake was killed may still be writing).
  Only this machine's processes are seen (``psutil``): for runs from several machines on
  a shared folder (a cluster's login nodes), run one at a time.
- Jobs a dead run submitted to a cluster (their ids are in Snakemake's incomplete marks)
  may still be running, out of this machine's sight: then it stops, says what to check,
  and leaves the lock alone, unless ``--rerun-incomplete`` is given (the user checked).
- SIGTERM and SIGHUP are passed on to Snakemake; SIGINT (Ctrl-C) reaches it from the
  terminal and is not sent twice. On SIGTERM Snakemake starts no other job, lets the
  jobs already running finish (their outputs are whole) and removes its lock; SIGHUP ends
  it at once, and the next run finishes what its jobs left. Either way the command says
  that the run was stopped and how to finish it, and exits with 128 + the signal's number
  (143 for SIGTERM), as a shell reports a process a signal ended.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

RUN_LOCK = Path(".snakemake", "run_workflow.lock")
"""The file whose OS lock the run holds, relative to the working directory."""
SNAKEMAKE_LOCKS = Path(".snakemake", "locks")
SNAKEMAKE_INCOMPLETE = Path(".snakemake", "incomplete")
SNAKEMAKE_SCRIPTS = Path(".snakemake", "scripts")
IN_PROGRESS = 75
"""The exit code when another run works in the folder (``EX_TEMPFAIL``: try again later)."""
RERUN_INCOMPLETE = {"--rerun-incomplete", "--ri"}
"""Snakemake's option to rerun the jobs a run left unfinished (given by the user, it says
that a dead run's cluster jobs have ended)."""
REPORT_OPTIONS = {"--report": True, "--report-stylesheet": True, "--report-after-run": False}
"""Snakemake's options that make a report instead of unlocking, and whether each takes a
value; left out of the ``--unlock`` call."""
LOGGER = ["--logger", "coprod"]
"""Snakemake's option that makes it print through :mod:`coprod.progress`."""
OWN_OUTPUT = {"--logger", "--dry-run", "--dryrun", "-n", "--quiet", "-q", "--verbose"}
"""Snakemake's options after which it prints as it does on its own (no :data:`LOGGER`)."""
SNAKEMAKE_LOG = Path(".snakemake", "log")

__all__ = [
    "IN_PROGRESS",
    "RUN_LOCK",
    "Leftovers",
    "RunInProgress",
    "held_run_lock",
    "leftovers",
    "main",
    "own_output",
    "report_path",
    "run_log",
    "snakemake_processes",
    "unlock_command",
    "working_directory",
]


class RunInProgress(RuntimeError):
    """Another run works in the folder; the message says which, and what to do."""


@dataclass(frozen=True)
class Leftovers:
    """What a run that did not finish left behind: Snakemake's lock files, its marks of
    outputs of jobs started but not finished, and the cluster job ids those marks record."""

    locks: int
    incomplete: int
    cluster_jobs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.locks or self.incomplete)

    def describe(self) -> str:
        parts = []
        if self.locks:
            parts.append("Snakemake's lock")
        if self.incomplete:
            parts.append(f"{self.incomplete} output(s) of jobs it had not finished")
        return " and ".join(parts)


def working_directory(args: Sequence[str]) -> Path:
    """The folder Snakemake will work in: its ``--directory`` (``-d``), or the current one.

    >>> working_directory(["--cores", "2", "--directory", "studies/national_panel"]).name
    'national_panel'
    """
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--directory", "-d", default=".")
    known, _ = parser.parse_known_args(list(args))
    return Path(known.directory).resolve()


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _cluster_job(mark: Path) -> str | None:
    """The cluster job id an incomplete mark records (JSON ``external_jobid``), if any."""
    try:
        return json.loads(mark.read_text(encoding="utf-8")).get("external_jobid")
    except (OSError, ValueError, AttributeError):
        return None


def leftovers(workdir: Path) -> Leftovers:
    """Snakemake's lock files and incomplete marks in ``workdir``."""
    marks = _files(workdir / SNAKEMAKE_INCOMPLETE)
    jobs = {job for job in map(_cluster_job, marks) if job}
    return Leftovers(
        locks=len(_files(workdir / SNAKEMAKE_LOCKS)),
        incomplete=len(marks),
        cluster_jobs=tuple(sorted(jobs)),
    )


def _holder(lock: Path) -> str:
    """Who holds the run lock, as its holder wrote it (pid, start, command)."""
    try:
        lines = lock.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    fields = dict(line.split(" ", 1) for line in lines if " " in line)
    pids = ", ".join(
        f"{name} {fields[key]}"
        for key, name in (("pid", "pid"), ("snakemake", "Snakemake pid"))
        if key in fields
    )
    if not pids:
        return "its pid not recorded"
    return f"{pids}, started {fields.get('started', '?')}: {fields.get('command', '?')}"


@contextmanager
def held_run_lock(workdir: Path, command: Sequence[str]) -> Iterator[int]:
    """Hold the OS lock on ``workdir``'s :data:`RUN_LOCK` for the block; yield its file
    descriptor (pass it to Snakemake, so the lock lasts as long as Snakemake does).

    Raises :class:`RunInProgress` when another process holds it.
    """
    path = workdir / RUN_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                f"A run is already in progress in {workdir} ({_holder(path)}). Nothing was "
                "changed: wait for it to finish, or stop it, then run again."
            ) from None
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        record = f"pid {os.getpid()}\nstarted {started}\ncommand {' '.join(command)}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode("utf-8"), 0)
        yield fd
    finally:
        os.close(fd)


def _record_snakemake(fd: int, pid: int) -> None:
    """Add Snakemake's pid to the run lock's record."""
    size = os.fstat(fd).st_size
    os.pwrite(fd, f"snakemake {pid}\n".encode(), size)


def _runs_snakemake(cmdline: Sequence[str], workdir: Path) -> bool:
    scripts = str(workdir / SNAKEMAKE_SCRIPTS)
    return any(Path(arg).name == "snakemake" or arg.startswith(scripts) for arg in cmdline)


def snakemake_processes(workdir: Path) -> list[psutil.Process]:
    """This machine's processes (other than this one) at work in ``workdir``: running
    Snakemake, or a job script Snakemake wrote there (see the module's Decisions)."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if process.pid == os.getpid():
            continue
        try:
            if Path(process.cwd()) == workdir and _runs_snakemake(
                process.info["cmdline"] or [], workdir
            ):
                found.append(process)
        except (psutil.Error, OSError):
            continue  # ended meanwhile, or another user's
    return found


def unlock_command(args: Sequence[str]) -> list[str]:
    """``snakemake --unlock`` for the workflow and folder of a run's ``args``: the report
    options (which Snakemake would act on instead) left out.

    >>> run = ["--cores", "2", "--report", "results/report.html", "--report-after-run"]
    >>> unlock_command(run)[3:]
    ['--cores', '2', '--unlock']
    """
    kept: list[str] = []
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
            if not arg.startswith("-"):
                continue
        option = arg.split("=", 1)[0]
        if option in REPORT_OPTIONS:
            skip_value = REPORT_OPTIONS[option] and "=" not in arg
            continue
        kept.append(arg)
    return [sys.executable, "-m", "snakemake", *kept, "--unlock"]


def _run(command: Sequence[str], fd: int) -> tuple[int, int | None]:
    """Run Snakemake with the run lock's descriptor; pass SIGTERM and SIGHUP on to it.
    Returns its exit code and the signal passed on, if one was."""
    child = subprocess.Popen(list(command), pass_fds=(fd,))
    _record_snakemake(fd, child.pid)
    passed: list[int] = []

    def pass_on(signum: int, frame: Any) -> None:
        passed.append(signum)
        child.send_signal(signum)

    handlers = {
        signum: signal.signal(signum, pass_on) for signum in (signal.SIGTERM, signal.SIGHUP)
    }
    handlers[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait(), (passed[0] if passed else None)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _say(message: str) -> None:
    print(f"coprod.run_workflow: {message}", file=sys.stderr, flush=True)


def own_output(args: Sequence[str]) -> bool:
    """Whether the options ask for Snakemake's own output (:data:`OWN_OUTPUT`).

    >>> own_output(["--cores", "2", "-n"]), own_output(["--cores", "2"])
    (True, False)
    """
    return any(arg.split("=", 1)[0] in OWN_OUTPUT for arg in args)


def report_path(args: Sequence[str]) -> str | None:
    """The report a run's options ask for (``--report PATH``), if any.

    >>> report_path(["--cores", "2", "--report", "results/report.html", "--report-after-run"])
    'results/report.html'
    """
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--report", nargs="?", const="report.html")
    known, _ = parser.parse_known_args(list(args))
    return known.report


def run_log(workdir: Path, since: float) -> Path | None:
    """Snakemake's complete log of the run that started at ``since`` (``time.time()``)."""
    logs = [
        path for path in (workdir / SNAKEMAKE_LOG).glob("*.log") if path.stat().st_mtime >= since
    ]
    return max(logs, key=lambda path: path.stat().st_mtime, default=None)


def _duration(seconds: float) -> str:
    """
    >>> _duration(63.4), _duration(8.04)
    ('1 min 3 s', '8.0 s')
    """
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def _closing(
    args: Sequence[str], workdir: Path, started: float, code: int, stopped_by: int | None
) -> None:
    """What a run prints at its end (:func:`coprod.progress.closing_lines`)."""
    from coprod.progress import closing_lines
    from coprod.provenance import REFERENCE_MANIFEST

    logfile = run_log(workdir, started)
    if stopped_by is not None:
        lines = [
            f"The run was stopped by {signal.Signals(stopped_by).name} before it finished. "
            "Nothing half-written was published: run the same command again to finish it "
            "(only what is missing or unfinished runs).",
            *closing_lines(workdir, None, logfile, None, only_logs=True),
        ]
    elif code:
        lines = [
            "The run stopped: the error is above.",
            *closing_lines(workdir, None, logfile, None, only_logs=True),
        ]
    else:
        lines = [
            f"Done in {_duration(time.time() - started)}.",
            *closing_lines(workdir, report_path(args), logfile, workdir / REFERENCE_MANIFEST),
        ]
    print("\n".join(lines), file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coprod.run_workflow [snakemake options]``: see the module's docstring."""
    args = list(sys.argv[1:] if argv is None else argv)
    workdir = working_directory(args)
    command = [sys.executable, "-m", "snakemake", *args]
    try:
        with held_run_lock(workdir, ["python -m coprod.run_workflow", *args]) as fd:
            left = leftovers(workdir)
            if left:
                if left.cluster_jobs and not RERUN_INCOMPLETE & set(args):
                    raise RunInProgress(
                        f"The previous run in {workdir} stopped before it finished, and had "
                        f"jobs on a cluster that may still be running (job ids "
                        f"{', '.join(left.cluster_jobs)}), which this command cannot see. Its "
                        "lock was left in place: check with the scheduler (squeue) that they "
                        "have ended, then run this command again with --rerun-incomplete."
                    )
                working = snakemake_processes(workdir)
                if working:
                    listed = "; ".join(
                        f"pid {p.pid}: {' '.join(p.info['cmdline'] or [])}" for p in working
                    )
                    raise RunInProgress(
                        f"A Snakemake run not started through this command is in progress "
                        f"in {workdir} ({listed}). Its lock was left in place: wait for it "
                        "to finish, or stop it, then run again."
                    )
                _say(
                    f"the previous run in {workdir} stopped before it finished: it left "
                    f"{left.describe()}, and no run is in progress there now."
                )
                _say(
                    f"{'removing its lock (snakemake --unlock) and ' if left.locks else ''}"
                    "running again with --rerun-incomplete, so that every job it left "
                    "unfinished runs anew."
                )
                if left.locks:
                    unlocked = subprocess.run(unlock_command(args), check=False)
                    if unlocked.returncode:
                        _say("snakemake --unlock failed (its message is above); nothing was run.")
                        return unlocked.returncode
                if not RERUN_INCOMPLETE & set(args):
                    command.append("--rerun-incomplete")
            if own_output(args):
                code, stopped_by = _run(command, fd)
            else:
                started = time.time()
                code, stopped_by = _run([*command, *LOGGER], fd)
                _closing(args, workdir, started, code, stopped_by)
            # stopped by a signal: the shells' exit code for it (143 for SIGTERM)
            return code if stopped_by is None else 128 + stopped_by
    except RunInProgress as error:
        _say(str(error))
        return IN_PROGRESS


if __name__ == "__main__":
    sys.exit(main())
