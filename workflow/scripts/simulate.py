"""Draw the synthetic study from its generative model and write its raw exports."""

from pathlib import Path

import yaml

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.synthetic import generate, write_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    with open(snakemake.input.model, encoding="utf-8") as handle:
        model = yaml.safe_load(handle)
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    synthetic = generate(study, model, seed=snakemake.params.seed)
    write_study(synthetic, study, model, Path(snakemake.params.outdir))
