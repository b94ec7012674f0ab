"""The staff factor: skills, motivation and training as predictors of overcoming and success."""

import pandas as pd

from coprod.compare import (
    add_mean_scores,
    apply_families,
    score_catalogue,
    scores_of,
    staff_models,
)
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    codebook = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS}).codebook
    scores = pd.read_parquet(snakemake.input.scores)
    data, catalogue = add_mean_scores(scores, score_catalogue(codebook), snakemake.params.derived)
    staff = snakemake.params.staff
    model = {
        "predictors": staff["predictors"],
        "covariates": staff["covariates"],
        "fixed_effects": staff["fixed_effects"],
        "cov_type": staff["cov_type"],
    }
    tables = [
        staff_models(
            data,
            catalogue,
            outcomes=staff["outcomes"],
            family=staff["family"],
            covariate_family=staff["covariate_family"],
            partial_family=staff["partial_family"],
            **model,
        )
    ]
    if staff.get("per_score"):
        each = scores_of(catalogue, [staff["per_score"]["kind"]], [staff["per_score"]["measure"]])
        family = staff["per_score_family"]
        tables.append(
            staff_models(
                data,
                catalogue,
                outcomes=[score for score in each if score not in staff["outcomes"]],
                family=family,
                covariate_family=family,
                partial_family=family,
                **model,
            )
        )
    table = pd.concat(tables, ignore_index=True)
    apply_families(table, snakemake.params.families).to_parquet(snakemake.output[0], index=False)
