"""Time the national panel at 1,000, 10,000 and 100,000 respondents (not a test).

Run: ``.venv/bin/python benchmarks/bench_national.py [--sizes 1000 10000 100000]``

For each size it copies ``studies/national_panel`` (config and resources) into a
temporary folder, sets the model's ``respondents_per_case_sample`` so that the panel
has that many clean respondents (areas x samples x per cell), and runs the
repository's Snakefile there on 2 cores, twice:

1. ``simulate``: the generator draws the panel and writes its exports (timed apart:
   a real panel arrives as files);
2. the pipeline from the anonymity screen and ingest to the exhibits (``all``), cold.

While a run goes, a sampler reads ``/proc`` five times a second: the peak of the
summed resident memory of every process of the run (Snakemake and the jobs it
started, two at a time), and each job's wall time and peak memory. It prints one row
per size, the growth exponent of the pipeline's time between sizes (log(t2 / t1) /
log(n2 / n1): 1 is linear, under 1 slower than linear), the slowest jobs of the
largest size, and the targets (100,000 respondents within 300 s and 4,096 MB).
Shared machines are noisy: compare the figures of one run with each other.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
STUDY = REPO / "studies" / "national_panel"
TARGET_SECONDS, TARGET_MB = 300, 4096


@dataclass
class Sampled:
    """What the /proc sampler saw of one run."""

    peak_mb: float = 0.0
    jobs: dict[int, list] = field(default_factory=dict)  # pid -> [name, first, last, peak MB]


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def _memory_mb(pid: int) -> tuple[float, float, str]:
    """Resident and peak resident memory (MB) of a process, and its job script's name."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            status = handle.read()
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read().decode(errors="replace")
    except OSError:
        return 0.0, 0.0, ""
    rss = re.search(r"VmRSS:\s+(\d+)", status)
    hwm = re.search(r"VmHWM:\s+(\d+)", status)
    script = re.search(r"\.snakemake/scripts/tmp[^.]*\.([\w]+)\.py", command)
    return (
        int(rss.group(1)) / 1024 if rss else 0.0,
        int(hwm.group(1)) / 1024 if hwm else 0.0,
        script.group(1) if script else "",
    )


def _sample(root: int, seen: Sampled, stop: threading.Event) -> None:
    while not stop.is_set():
        now, total = time.perf_counter(), 0.0
        for pid in _descendants(root):
            rss, hwm, script = _memory_mb(pid)
            total += rss
            if script:
                job = seen.jobs.setdefault(pid, [script, now, now, 0.0])
                job[2], job[3] = now, max(job[3], hwm)
        seen.peak_mb = max(seen.peak_mb, total)
        stop.wait(0.2)


def snakemake(workdir: Path, *targets: str) -> tuple[float, float, Sampled]:
    """Run the workflow in ``workdir``; wall seconds, CPU seconds, what was sampled."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "workflow" / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        *targets,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, stop = Sampled(), threading.Event()
    sampler = threading.Thread(target=_sample, args=(process.pid, seen, stop), daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"snakemake {' '.join(targets)} failed in {workdir}:\n{output[-4000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, seen


def _set_key(path: Path, text: str, key: str, value: int) -> str:
    """The model's text with the top-level line ``key: N`` set to ``value``."""
    text, replaced = re.subn(rf"^{key}: \d+", f"{key}: {value}", text, flags=re.MULTILINE)
    if replaced != 1:
        sys.exit(f"{path}: no line '{key}: N' to change")
    return text


def prepare(workdir: Path, respondents: int, population_size: int | None = None) -> int:
    """Copy the panel's study into ``workdir`` at this size; return its clean respondents.

    ``population_size`` replaces the model's draw for the population values of
    truth.json (a smaller one for a quicker test).
    """
    shutil.copytree(STUDY / "config", workdir / "config")
    shutil.copytree(STUDY / "resources", workdir / "resources")
    config_path = workdir / "config" / "config.yaml"
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text.replace("../../resources/", f"{REPO}/resources/"), "utf-8")
    model_path = workdir / "resources" / "synthetic" / "model.yaml"
    model = yaml.safe_load(model_path.read_text(encoding="utf-8"))
    with open(workdir / "resources" / "cases.csv", encoding="utf-8") as handle:
        areas = sum(1 for _ in handle) - 1
    cells = areas * len(model["samples"])
    per_cell = max(1, round(respondents / cells))
    text = model_path.read_text(encoding="utf-8")
    text = _set_key(model_path, text, "respondents_per_case_sample", per_cell)
    if population_size is not None:
        text = _set_key(model_path, text, "population_size", population_size)
    model_path.write_text(text, encoding="utf-8")
    return per_cell * cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--jobs", type=int, default=8, help="slowest jobs listed (largest size)")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"national_{size}_") as tmp:
            work = Path(tmp)
            clean = prepare(work, size)
            drawn, _, drawing = snakemake(work, "simulate")
            exports = sum(p.stat().st_size for p in (work / "results" / "synthetic").iterdir())
            with open(work / "results" / "synthetic" / "truth.json", encoding="utf-8") as handle:
                responses = sum(yaml.safe_load(handle)["design"]["responses_per_sample"].values())
            wall, cpu, seen = snakemake(work)
            n_jobs = len(seen.jobs)
        largest = max(seen.jobs.values(), key=lambda job: job[3])
        rows.append(
            {
                "size": clean,
                "responses": responses,
                "exports_mb": exports / 2**20,
                "simulate_s": drawn,
                "simulate_mb": drawing.peak_mb,
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_mb": seen.peak_mb,
                "largest_job": f"{largest[0]} {largest[3]:.0f} MB",
                "jobs": seen.jobs,
                "n_jobs": n_jobs,
            }
        )
        print(
            f"{clean:>7,} respondents: simulate {drawn:5.1f} s, pipeline {wall:6.1f} s "
            f"({cpu:6.1f} s CPU, {n_jobs} job processes seen), peak {seen.peak_mb:6.0f} MB",
            flush=True,
        )

    print()
    print(
        "| clean respondents | responses | exports | simulate | pipeline (wall) | pipeline (CPU) "
        "| peak memory (all processes) | largest job |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row['size']:,} | {row['responses']:,} | {row['exports_mb']:.1f} MB "
            f"| {row['simulate_s']:.1f} s ({row['simulate_mb']:.0f} MB) | {row['wall_s']:.1f} s "
            f"| {row['cpu_s']:.1f} s | {row['peak_mb']:.0f} MB | {row['largest_job']} |"
        )
    print()
    for first, second in zip(rows, rows[1:], strict=False):
        exponent = math.log(second["wall_s"] / first["wall_s"]) / math.log(
            second["size"] / first["size"]
        )
        cpu_exponent = math.log(second["cpu_s"] / first["cpu_s"]) / math.log(
            second["size"] / first["size"]
        )
        print(
            f"growth {first['size']:,} -> {second['size']:,}: time x "
            f"{second['wall_s'] / first['wall_s']:.2f} for size x "
            f"{second['size'] / first['size']:.0f} (exponent {exponent:.2f} wall, "
            f"{cpu_exponent:.2f} CPU; 1 = linear)"
        )
    last = rows[-1]
    by_time = sorted(last["jobs"].values(), key=lambda job: job[2] - job[1], reverse=True)
    slowest = by_time[: args.jobs]
    print(f"\nslowest jobs at {last['size']:,} respondents (wall s, peak MB):")
    for name, first_seen, last_seen, peak in slowest:
        print(f"  {name:32s} {last_seen - first_seen:6.1f} s {peak:7.0f} MB")
    verdict = last["wall_s"] <= TARGET_SECONDS and last["peak_mb"] <= TARGET_MB
    print(
        f"\ntarget at {last['size']:,}: pipeline <= {TARGET_SECONDS} s and <= {TARGET_MB} MB: "
        f"{last['wall_s']:.1f} s, {last['peak_mb']:.0f} MB -> {'met' if verdict else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
