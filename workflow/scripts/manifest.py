"""Write the SHA-256 of every exhibit, so a rerun can be checked byte for byte."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.provenance import write_manifest

with logged(snakemake), published(snakemake.output) as (path,):
    write_manifest(snakemake.input.exhibits, path)
