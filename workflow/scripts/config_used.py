"""Write the configuration this run used (after schema defaults were filled in)."""

from pathlib import Path

from coprod.pipeline import logged
from coprod.provenance import config_text

with logged(snakemake):
    Path(snakemake.output[0]).write_text(config_text(snakemake.params.config), encoding="utf-8")
