"""Write the run's replication README (results/REPLICATION.md, coprod.replication)."""

import json
import sys
from pathlib import Path

import yaml

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.replication import job_times, readme

with logged(snakemake), published(snakemake.output) as (path,):
    text = readme(
        yaml.safe_load(Path(snakemake.input.config_used).read_text(encoding="utf-8")),
        json.loads(Path(snakemake.input.numbers).read_text(encoding="utf-8")),
        Path(snakemake.input.inputs_read).read_text(encoding="utf-8"),
        Path(snakemake.input.versions).read_text(encoding="utf-8"),
        job_times(".snakemake/metadata"),
        snakemake.params.cores,
        snakemake.params.packages,
    )
    Path(path).write_text(text, encoding="utf-8")
