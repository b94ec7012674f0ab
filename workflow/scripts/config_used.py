"""Write the configuration this run used (after schema defaults were filled in)."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.provenance import config_text

with logged(snakemake), published(snakemake.output) as (path,):
    Path(path).write_text(config_text(snakemake.params.config), encoding="utf-8")
