"""Write the exact versions of Python and every installed package."""

from pathlib import Path

from coprod.pipeline import logged
from coprod.provenance import package_versions

with logged(snakemake):
    Path(snakemake.output[0]).write_text(package_versions(), encoding="utf-8")
