"""Focus-group code prevalence (per case, service class, speaker group) and co-occurrence,
and the joint display: the survey's barrier ranking beside the focus groups', per case."""

import pandas as pd

from coprod.clean import case_attribute_values
from coprod.compare import apply_families, score_catalogue, scores_of
from coprod.focus_groups import code_prevalence, cooccurrence, joint_display
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    codes = study.focus_group_codes
    consensus = pd.read_parquet(snakemake.input.consensus)
    # the case registry's attributes (e.g. a region), so that turns break down by them too
    consensus = consensus.assign(**case_attribute_values(consensus["case"].astype(str), study))
    params = snakemake.params
    settings = params.focus_groups
    prevalence = code_prevalence(consensus, codes, by=settings["by"])
    apply_families(prevalence, {}).to_parquet(snakemake.output.prevalence, index=False)
    pairs = cooccurrence(
        consensus,
        codes,
        row_kind=settings["row_kind"],
        column_kind=settings["column_kind"],
        family=settings["cooccurrence_family"],
    )
    apply_families(pairs, params.families).to_parquet(snakemake.output.cooccurrence, index=False)

    catalogue = score_catalogue(study.codebook)
    scores = pd.read_parquet(snakemake.input.scores)
    display, correlation = joint_display(
        scores,
        consensus,
        catalogue,
        codes,
        by=settings["joint_by"],
        outcomes=scores_of(catalogue, [params.barriers["kind"]], [params.barriers["measure"]]),
        family=settings["joint_family"],
    )
    apply_families(display, {}).to_parquet(snakemake.output.display, index=False)
    apply_families(correlation, params.families).to_parquet(
        snakemake.output.correlation, index=False
    )
