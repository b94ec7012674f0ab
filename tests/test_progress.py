"""What a run prints (``coprod.progress``, the logger ``make study`` runs Snakemake with):
the lines a user sees, from Snakemake's log records and from real runs."""

from __future__ import annotations

import io
import logging
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from snakemake_interface_logger_plugins.common import LogEvent

from coprod.progress import ProgressHandler, closing_lines, failed_job_lines, reasons_line
from tests.conftest import REPO, output
from tests.test_recovery import wrapper


def record(event: LogEvent | None, level: int = logging.INFO, msg: str = "", **fields):
    return logging.makeLogRecord(
        {"msg": msg, "levelno": level, "levelname": logging.getLevelName(level), "event": event}
        | fields
    )


def printed(*records: logging.LogRecord, on_terminal: bool = False) -> str:
    handler = ProgressHandler(SimpleNamespace(stdout=False, dryrun=False), None)
    handler.stream = io.StringIO()
    handler.on_terminal = on_terminal
    for each in records:
        handler.emit(each)
    handler.close()
    return handler.stream.getvalue()


def job(jobid: int, rule: str, reason: str, output=("results/x",)):
    return record(LogEvent.JOB_INFO, jobid=jobid, rule_name=rule, reason=reason, output=output)


def progress(done: int, total: int):
    return record(LogEvent.PROGRESS, msg=None, done=done, total=total)


def test_a_run_prints_a_counter_by_quarters_and_why_its_jobs_ran(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = "Params have changed since last execution: Union of ... before: {'dpi': 300}"
    records = [
        record(LogEvent.RUN_INFO, stats={"figure1": 1, "figure2": 1, "all": 1, "total": 8}),
        record(None, msg="Select jobs to execute..."),
        job(1, "figure1", params),
        job(2, "figure2", params),
        *[progress(done, 8) for done in range(1, 3)],
        job(3, "manifest", "Input files updated by another job: results/a.png, results/b.png"),
        job(4, "all", "Input files updated by another job: results/MANIFEST.sha256", output=[]),
        *[progress(done, 8) for done in range(3, 9)],
    ]
    assert printed(*records).splitlines() == [
        f"Running 8 jobs in {tmp_path}.",
        "  2 of 8 jobs done (25%)",
        "  4 of 8 jobs done (50%)",
        "  6 of 8 jobs done (75%)",
        "  8 of 8 jobs done (100%)",
        "Why they ran: this run remade an input (manifest); config values they read changed "
        "(figure1, figure2).",
    ]


def test_on_a_terminal_the_counter_is_one_line_rewritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = [record(LogEvent.RUN_INFO, stats={"total": 2}), progress(1, 2), progress(2, 2)]
    assert printed(*records, on_terminal=True) == (
        f"Running 2 jobs in {tmp_path}.\n\r  1 of 2 jobs done (50%)\r  2 of 2 jobs done (100%)\n"
    )


def test_a_config_change_says_its_reason_once_without_the_config():
    config = {"figures": {"dpi": 300}, "compare": {"seed": 1}}
    reason = (
        "Params have changed since last execution: Union of exclusive params before and now "
        f"across all output: before: {config} now: {config | {'figures': {'dpi': 200}}} "
    )
    line = reasons_line([("config_used", reason)])
    assert line == "Why they ran: config values they read changed (config_used)."


def test_a_cold_run_of_many_rules_counts_them():
    jobs = [(f"rule{i}", f"Missing output files: results/{i}") for i in range(44)]
    assert reasons_line(jobs) == "Why they ran: their outputs were missing (44 jobs)."


def test_a_failed_job_is_shown_with_its_log_and_snakemakes_noise_is_not(tmp_path):
    log = tmp_path / "score.log"
    log.write_text("".join(f"line {i}\n" for i in range(1, 41)) + "StudyInputError: bad row\n")
    records = [
        record(None, msg="Building DAG of jobs..."),
        record(None, msg="Loading script code for rule score"),
        record(
            LogEvent.JOB_ERROR,
            level=logging.ERROR,
            rule_name="score",
            jobid=6,
            rule_msg=None,
            output=["results/scoring/scores.parquet"],
            log=[str(log)],
            shellcmd=None,
            aux={},
        ),
        record(None, level=logging.ERROR, msg="Exiting because a job execution failed."),
    ]
    assert printed(*records).splitlines() == [
        "Error in rule score (job 6):",
        "    output: results/scoring/scores.parquet",
        f"    log: {log}",
        f"  --- {log} (last 30 of 41 lines)",
        *[f"  line {i}" for i in range(12, 41)],
        "  StudyInputError: bad row",
        f"  --- end of {log}",
        "Exiting because a job execution failed.",
    ]


def test_a_failed_jobs_traceback_is_not_repeated_but_its_message_is_shown(tmp_path):
    log = tmp_path / "exclusions.log"
    log.write_text(
        "reading the survey\nTraceback (most recent call last):\n"
        '  File "clean.py", line 9, in exclusions\n    raise StudyInputError(message)\n'
        "coprod.errors.StudyInputError: resources/raw/survey_sample1.csv, row 14, column "
        "Duration: 'ten' is not a number.\nWrite the duration in seconds.\n"
    )
    error = {"rule_name": "exclusions", "jobid": 5, "output": [], "log": [str(log)], "aux": {}}
    assert failed_job_lines(error) == [
        "Error in rule exclusions (job 5):",
        f"    log: {log}",
        f"  --- {log} (its end; the traceback is in the log)",
        "  coprod.errors.StudyInputError: resources/raw/survey_sample1.csv, row 14, column "
        "Duration: 'ten' is not a number.",
        "  Write the duration in seconds.",
        f"  --- end of {log}",
    ]


def test_a_run_stopped_by_sigterm_says_so_once_and_not_that_a_job_failed():
    stop = "Will exit after finishing currently running jobs (scheduler)."
    last = "WorkflowError:\nAt least one job did not complete successfully."
    records = [
        record(LogEvent.RUN_INFO, stats={"total": 8}),
        *[progress(done, 8) for done in range(1, 3)],
        *[record(None, msg=stop) for _ in range(3)],  # at every turn of the scheduler
        progress(3, 8),
        record(None, msg="Shutting down, this might take some time."),
        record(None, level=logging.ERROR, msg=last),
    ]
    assert printed(*records).splitlines() == [
        f"Running 8 jobs in {Path.cwd()}.",
        "  2 of 8 jobs done (25%)",
        "Stopping, as asked: the jobs already running finish first; no other starts.",
    ]
    # A job that failed while stopping: Snakemake's last error is shown.
    failed = record(LogEvent.GROUP_ERROR, level=logging.ERROR, msg="Error in group g")
    shown = printed(record(None, msg=stop), failed, record(None, level=logging.ERROR, msg=last))
    assert shown.splitlines()[-2:] == last.splitlines()


def test_nothing_to_do_is_one_line():
    message = "Nothing to be done (all requested files are present and up to date)."
    assert printed(record(None, msg=message)) == "Nothing to run: every result is up to date.\n"


def test_the_closing_lines_say_where_everything_is_and_what_to_do_next(tmp_path):
    exhibits = tmp_path / "results" / "exhibits"
    for name in ("tables/table01.csv", "tables/table01.md", "tables/table06a.csv"):
        (exhibits / name).parent.mkdir(parents=True, exist_ok=True)
        (exhibits / name).write_text("")
    (exhibits / "figures").mkdir()
    for name in ("figure1.png", "figure1.pdf", "figure2.png"):
        (exhibits / "figures" / name).write_text("")
    (exhibits / "numbers.json").write_text("{}")
    (tmp_path / "results" / "report.html").write_text("")
    (tmp_path / "results" / "paper.pdf").write_text("")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "MANIFEST.sha256").write_text("")
    (tmp_path / "logs").mkdir()
    logfile = tmp_path / ".snakemake" / "log" / "run.snakemake.log"
    lines = closing_lines(
        tmp_path,
        "results/report.html",
        logfile,
        tmp_path / "reference" / "MANIFEST.sha256",
        cwd=tmp_path,
    )
    assert lines == [
        "Results:",
        "  tables   results/exhibits/tables/  (2 tables: CSV, Markdown, LaTeX, HTML)",
        "  figures  results/exhibits/figures/  (2 figures: PNG, PDF, SVG)",
        "  numbers  results/exhibits/numbers.json  (every number the text cites)",
        "  paper    results/paper.pdf  (the paper; how to reproduce it)",
        "  report   results/report.html  (open it in a browser)",
        "  logs     logs/ (one log a job), .snakemake/log/run.snakemake.log (the whole run)",
        "Next: make verify  (checks these exhibits byte for byte against "
        "reference/MANIFEST.sha256)",
    ]
    assert closing_lines(tmp_path, None, logfile, None, cwd=tmp_path, only_logs=True) == [
        "Logs: logs/ (one log a job), .snakemake/log/run.snakemake.log (the whole run)"
    ]
    (tmp_path / "logs").rmdir()  # a run that stopped before any job
    assert closing_lines(tmp_path, None, None, None, cwd=tmp_path, only_logs=True) == []


# ---- what make study prints: real runs through coprod.run_workflow --------------------------

REPORT = ["--report", "results/report.html", "--report-after-run"]
# Snakemake's own line (printed before any logger exists) naming the workflow's default
# profile (workflow/profiles/default: force-use-threads, so jobs fork from its process).
PROFILE = (
    f"Using workflow specific profile {REPO / 'workflow' / 'profiles' / 'default'} "
    "for setting default command line arguments."
)


def said(run: subprocess.CompletedProcess) -> list[str]:
    """Every line the run printed, with its timings and the log's time stamp as words."""
    lines = (run.stdout + run.stderr).splitlines()
    lines = [
        re.sub(r"^Done in [\d.]+ s\.$|^Done in \d+ min \d+ s\.$", "Done in T.", x) for x in lines
    ]
    return [re.sub(r"log/[\dT.:-]+\.snakemake\.log", "log/STAMP.snakemake.log", x) for x in lines]


def results_lines(work: Path) -> list[str]:
    return [
        "Results:",
        f"  tables   {work}/results/exhibits/tables/  (15 tables: CSV, Markdown, LaTeX, HTML)",
        f"  figures  {work}/results/exhibits/figures/  (7 figures: PNG, PDF, SVG)",
        f"  numbers  {work}/results/exhibits/numbers.json, {work}/results/exhibits/numbers.tex"
        "  (every number the text cites)",
        f"  paper    {work}/results/paper.pdf, {work}/results/REPLICATION.md"
        "  (the paper; how to reproduce it)",
        f"  report   {work}/results/report.html  (open it in a browser)",
        f"  logs     {work}/logs/ (one log a job), {work}/.snakemake/log/STAMP.snakemake.log "
        "(the whole run)",
    ]


@pytest.mark.workflow
def test_a_rerun_after_a_config_change_prints_a_short_summary(run_copy):
    path = run_copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["figures"]["dpi"] = 200
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    rerun = subprocess.run(wrapper(run_copy, *REPORT), capture_output=True, text=True)

    assert rerun.returncode == 0, output(rerun)
    work = run_copy.resolve()
    assert said(rerun) == [
        PROFILE,
        f"Running 15 jobs in {work}.",
        "  4 of 15 jobs done (26%)",
        "  8 of 15 jobs done (53%)",
        "  12 of 15 jobs done (80%)",
        "  15 of 15 jobs done (100%)",
        "Why they ran: an input file is newer than their outputs (inputs_read); this run "
        "remade an input (figure_pages, manifest, paper, paper_page and 1 more); config values "
        "they read changed "
        "(config_used, figure1_barrier_items, figure2_barrier_heatmap, figure3_contrast_forest "
        "and 4 more).",
        "Done in T.",
        *results_lines(work),
    ]
    assert "dpi" not in rerun.stderr  # the config's values are not the reason
    logs = (run_copy / ".snakemake" / "log").glob("*.snakemake.log")
    log = max(logs, key=lambda path: path.stat().st_mtime).read_text(encoding="utf-8")
    assert "rule figure1_barrier_items:" in log  # Snakemake's complete log keeps every job


@pytest.mark.workflow
def test_a_failed_job_prints_its_error_and_where_the_logs_are(run_copy):
    # The flow of exclusions, read by three jobs, replaced by a file that is not Parquet;
    # on one core, the first of them to fail stops the run.
    (run_copy / "results" / "clean" / "flow.parquet").write_text("not Parquet\n")

    failed = subprocess.run(wrapper(run_copy, "--cores", "1"), capture_output=True, text=True)

    assert failed.returncode == 1, output(failed)
    lines = said(failed)
    work = run_copy.resolve()
    errors = [line for line in lines if line.startswith("Error in rule ")]
    assert len(errors) == 1, lines
    rule = re.fullmatch(r"Error in rule (\w+) \(job \d+\):", errors[0]).group(1)
    assert rule in {"table02_data_quality_flow", "cited_numbers", "figure7_data_quality_flow"}
    at = lines.index(errors[0])
    log = f"logs/exhibits/{rule}.log"
    assert lines[at + 2] == f"    log: {log}"
    assert lines[at + 3].endswith(" (its end; the traceback is in the log)")
    assert lines[at + 4].startswith("  pyarrow.lib.ArrowInvalid: Could not open Parquet input")
    assert lines[-2:] == [
        "The run stopped: the error is above.",
        f"Logs: {work}/logs/ (one log a job), {work}/.snakemake/log/STAMP.snakemake.log "
        "(the whole run)",
    ]
    assert len(lines) < 60


@pytest.mark.workflow
def test_a_run_with_nothing_to_do_says_so_and_where_the_results_are(run_copy):
    rerun = subprocess.run(wrapper(run_copy), capture_output=True, text=True)
    assert rerun.returncode == 0, output(rerun)
    work = run_copy.resolve()
    assert said(rerun) == [
        PROFILE,
        "Nothing to run: every result is up to date.",
        "Done in T.",
        *[line for line in results_lines(work) if "report" not in line],
    ]


def test_a_run_stopped_by_sigterm_ends_saying_so_and_how_to_finish_it(tmp_path, capsys):
    import signal
    import time

    from coprod.run_workflow import _closing

    (tmp_path / "logs").mkdir()
    _closing(["--cores", "2"], tmp_path, time.time(), 1, signal.SIGTERM)

    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        "The run was stopped by SIGTERM before it finished. Nothing half-written was "
        "published: run the same command again to finish it (only what is missing or "
        "unfinished runs)."
    )
    assert lines[1].startswith("Logs: ") and "logs/ (one log a job)" in lines[1]
    assert "error is above" not in "\n".join(lines)


def test_the_run_command_exits_with_128_plus_the_signal_that_stopped_it(tmp_path, monkeypatch):
    import signal

    import coprod.run_workflow as run_workflow

    monkeypatch.setattr(run_workflow, "_run", lambda command, fd: (1, signal.SIGTERM))
    monkeypatch.setattr(run_workflow, "_closing", lambda *args: None)
    assert run_workflow.main(["--directory", str(tmp_path), "--cores", "1"]) == 143
