"""Score the included responses: scale and single-item scores, keyed items, prorating."""

import sys

import pandas as pd

from coprod.pipeline import logged
from coprod.resources import load_study
from coprod.scoring import score_responses
from coprod.vocabulary import RESOURCE_KEYS

with logged(snakemake):
    study = load_study({key: snakemake.input[key] for key in RESOURCE_KEYS})
    responses = pd.read_parquet(snakemake.input.survey)
    scored = score_responses(
        responses, study, min_share_answered=snakemake.params.min_share_answered
    )
    scored.scores.to_parquet(snakemake.output.scores, index=False)
    scored.items.to_parquet(snakemake.output.item_data, index=False)
    scored.prorated.to_csv(snakemake.output.prorated, index=False, lineterminator="\n")
    print(scored.prorated.to_string(index=False), file=sys.stderr)
