"""Population values of a condition's estimands, from one large draw of its model."""

import sys
from pathlib import Path

# The library beside this workflow comes first, as in workflow/Snakefile.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from coprod.pipeline import logged, published
from coprod.resources import load_study
from coprod.validation.truth import condition_truth, write_truth
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    truth = condition_truth(
        study,
        snakemake.input.model,
        name=snakemake.wildcards.condition,
        **dict(snakemake.params.items()),
    )
    with published(snakemake.output) as (path,):
        write_truth(truth, path)
