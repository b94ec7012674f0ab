"""Time the pipeline on the bundled study and print the figures (not a test).

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--style-key figures.dpi]``

It copies the study's config and resources into a temporary folder and runs the
repository's Snakefile there with 2 cores:

1. a cold full run (every rule),
2. a no-op rerun (nothing to do),
3. a rerun after changing one figure style parameter in the config, listing the
   jobs that reran (only figure rules should).

It prints wall-clock seconds, the peak resident memory of any one job, and the
targets of the issue (cold run within 60 s, no-op within 3 s). Shared machines
are noisy: compare the figures of one run with each other, not across runs.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def snakemake(workdir: Path, *args: str) -> tuple[float, str]:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        *args,
    ]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"snakemake failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def jobs_run(output: str) -> list[str]:
    return sorted(set(re.findall(r"^(?:local)?rule (\w+):", output, flags=re.MULTILINE)))


def set_key(config_path: Path, dotted: str) -> str:
    """Change a numeric config value (key path with dots) by a little; return old -> new."""
    config = yaml.safe_load(config_path.read_text())
    *parents, last = dotted.split(".")
    node = config
    for key in parents:
        node = node[key]
    old = node[last]
    node[last] = old + 1 if isinstance(old, int) else round(old * 1.1, 3)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return f"{old} -> {node[last]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--style-key",
        default="figures.dpi",
        help="a numeric figure style parameter of config/config.yaml",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "config", work / "config")
        shutil.copytree(REPO / "resources", work / "resources")
        cold, output = snakemake(work)
        n_jobs = len(re.findall(r"^(?:local)?rule \w+:", output, flags=re.MULTILINE))
        noop, _ = snakemake(work)
        change = set_key(work / "config" / "config.yaml", args.style_key)
        styled, output = snakemake(work)
        rerun = jobs_run(output)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cold full run:        {cold:6.1f} s  ({n_jobs} jobs; target <= 60 s)")
    print(f"no-op rerun:          {noop:6.1f} s  (target <= 3 s)")
    print(f"style change rerun:   {styled:6.1f} s  ({args.style_key}: {change})")
    print(f"  jobs that reran:    {', '.join(rerun) or 'none'}")
    print(f"peak memory, one job: {peak_mb:6.0f} MB")
    print(f"ratios: no-op / cold = {noop / cold:.3f}, style / cold = {styled / cold:.3f}")


if __name__ == "__main__":
    main()
