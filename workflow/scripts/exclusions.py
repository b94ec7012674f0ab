"""Apply the data-quality exclusions: the included responses, every flag, the flow table."""

import sys

import pandas as pd

from coprod.clean import STEPS, ExclusionSettings, apply_exclusions
from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    responses = pd.read_parquet(snakemake.input.survey)
    settings = ExclusionSettings.from_config({step: snakemake.params[step] for step in STEPS})
    print(settings, file=sys.stderr)
    result = apply_exclusions(responses, study, settings)
    result.clean.to_parquet(snakemake.output.clean, index=False)
    result.exclusions.to_parquet(snakemake.output.exclusions, index=False)
    result.flow.to_parquet(snakemake.output.flow, index=False)
    result.flow.to_csv(snakemake.output.flow_csv, index=False, lineterminator="\n")
    pooled = result.flow[result.flow["sample"].eq("all") & result.flow["case"].eq("all")]
    print(pooled.to_string(index=False), file=sys.stderr)
