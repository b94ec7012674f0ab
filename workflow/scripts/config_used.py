"""Write the configuration this run used (after schema defaults were filled in)."""

from pathlib import Path

from coprod.pipeline import logged, published
from coprod.provenance import config_text

with logged(snakemake), published(snakemake.output) as (path,):
    Path(path).write_text(config_text(snakemake.params.config), encoding="utf-8")
