"""The exclusions stage as a job (:mod:`coprod.jobs`): the ingested survey through the
data-quality exclusions of :mod:`coprod.clean`, with the flow table as Parquet and CSV."""

from __future__ import annotations

import sys

import pandas as pd

from coprod.clean import ALL, STEPS, ExclusionSettings, apply_exclusions
from coprod.jobs import Inputs, Settings
from coprod.resources import Study

__all__ = ["exclusions"]


def exclusions(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The included responses, every flag, and the flow table (Parquet and CSV); the
    settings and the pooled flow go to the log."""
    responses = pd.read_parquet(inputs["survey"])
    chosen = ExclusionSettings.from_config({step: settings[step] for step in STEPS})
    print(chosen, file=sys.stderr)
    result = apply_exclusions(responses, study, chosen)
    pooled = result.flow[result.flow["sample"].eq(ALL) & result.flow["case"].eq(ALL)]
    print(pooled.to_string(index=False), file=sys.stderr)
    return {
        "clean": result.clean,
        "exclusions": result.exclusions,
        "flow": result.flow,
        "flow_csv": result.flow,
    }
