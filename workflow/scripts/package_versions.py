"""Write the exact versions of Python and every installed package."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.provenance import package_versions

with logged(snakemake), published(snakemake.output) as (path,):
    Path(path).write_text(package_versions(), encoding="utf-8")
