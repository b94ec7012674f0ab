"""One batch of replicates of a condition: draw, clean, score, analyse; beside the truth."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.resources import load_study
from coprod.validation.replicates import condition_batch
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    rows = condition_batch(
        study,
        snakemake.input.model,
        snakemake.input.truth,
        name=snakemake.wildcards.condition,
        **dict(snakemake.params.items()),
    )
    with published(snakemake.output) as (path,):
        rows.to_parquet(path, index=False)
