"""Joint display: the survey's barrier ranking beside the focus groups', per case."""

import pandas as pd

from coprod.compare import apply_families, score_catalogue, scores_of
from coprod.focus_groups import joint_display
from coprod.pipeline import logged
from coprod.resources import RESOURCE_KEYS, load_study

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    catalogue = score_catalogue(study.codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    consensus = pd.read_parquet(snakemake.input.consensus)
    params = snakemake.params
    display, correlation = joint_display(
        scores,
        consensus,
        catalogue,
        study.focus_group_codes,
        by=params.by,
        outcomes=scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]]),
        family=params.family,
    )
    apply_families(display, {}).to_parquet(snakemake.output.display, index=False)
    apply_families(correlation, params.families).to_parquet(
        snakemake.output.correlation, index=False
    )
