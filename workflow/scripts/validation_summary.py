"""Bias, RMSE, coverage, type I error and power per condition, method and family."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.validation.summary import write_summary

with logged(snakemake), published(dict(snakemake.output.items())) as outputs:
    write_summary(snakemake.input.batches, outputs, **dict(snakemake.params.items()))
