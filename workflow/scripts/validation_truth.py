"""Population values of a condition's estimands, from one large draw of its model."""

import json
import sys

import yaml

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.validation import AnalysisSettings, condition_model, population_truth
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    with open(snakemake.input.model, encoding="utf-8") as handle:
        bundled = yaml.safe_load(handle)
    condition = snakemake.params.condition
    model = condition_model(
        bundled,
        effect_scale=condition["effect_scale"],
        respondents_per_case_sample=condition["respondents_per_case_sample"],
        baseline=snakemake.params.baseline,
    )
    settings = AnalysisSettings.from_params(**snakemake.params.settings)
    truth = population_truth(
        study,
        model,
        settings,
        seed=snakemake.params.population_seed,
        size=snakemake.params.population_size,
    )
    truth = {
        "condition": snakemake.wildcards.condition,
        **condition,
        "population_seed": snakemake.params.population_seed,
        **truth,
        "latent": model["latent"],
    }
    with open(snakemake.output[0], "w", encoding="utf-8") as handle:
        json.dump(truth, handle, indent=1, allow_nan=False)
        handle.write("\n")
    print(f"{len(truth['estimands'])} estimands from {truth['n_drawn']} drawn", file=sys.stderr)
