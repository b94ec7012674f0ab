"""Write the exact versions of Python and every installed package."""

from pathlib import Path

from coprod.pipeline import logged, published
from coprod.provenance import package_versions

with logged(snakemake), published(snakemake.output) as (path,):
    Path(path).write_text(package_versions(), encoding="utf-8")
