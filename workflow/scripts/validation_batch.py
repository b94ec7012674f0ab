"""One batch of replicates of a condition: draw, clean, score, compare; beside the truth."""

import json

import yaml

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.validation import AnalysisSettings, condition_model, run_batch, truth_table
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    with open(snakemake.input.model, encoding="utf-8") as handle:
        bundled = yaml.safe_load(handle)
    with open(snakemake.input.truth, encoding="utf-8") as handle:
        truth = truth_table(json.load(handle))
    condition = snakemake.params.condition
    model = condition_model(
        bundled,
        effect_scale=condition["effect_scale"],
        respondents_per_case_sample=condition["respondents_per_case_sample"],
        baseline=snakemake.params.baseline,
    )
    rows = run_batch(
        study,
        model,
        truth,
        AnalysisSettings.from_params(**snakemake.params.settings),
        replicates=snakemake.params.replicates,
        seeds=snakemake.params.seeds,
        condition=snakemake.wildcards.condition,
    )
    rows.to_parquet(snakemake.output[0], index=False)
