"""Write every input file this run read (the config's files and the config itself), by
the config key that names it, with its size and SHA-256."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.provenance import write_inputs

with logged(snakemake), published(snakemake.output) as (path,):
    write_inputs(zip(snakemake.params.config_keys, snakemake.input.files, strict=True), path)
