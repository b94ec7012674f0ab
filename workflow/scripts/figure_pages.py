"""Write the report's page of each figure: number and title, the PNG, the caption."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.exhibits.pages import write_figure_pages
from coprod.pipeline import logged, published

with logged(snakemake), published(dict(snakemake.output.items())) as outputs:
    write_figure_pages(
        snakemake.params.figures, dict(snakemake.input.items()), outputs, snakemake.params.config
    )
