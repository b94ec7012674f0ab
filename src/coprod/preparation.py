"""The registry of the preparation stages: from the raw exports to the scored responses
and their reliability, one :class:`coprod.jobs.Job` each, in DAG order.

The analyses (:mod:`coprod.analyses.registry`) and the exhibits
(:mod:`coprod.exhibits.registry`) read what these jobs write.

Example
-------
>>> [job.name for job in PREPARATION][:3]
['validate_resources', 'screen_anonymity', 'ingest_survey']
>>> sorted(PREPARATION[2].outputs(config))
['sample_1', 'sample_2', 'survey']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod.jobs import Config, Job

__all__ = ["PREPARATION", "SCREEN"]

SCREEN = "results/screening/anonymity_screen.csv"
SCHEMAS = Path(__file__).resolve().parents[2] / "workflow" / "schemas"
SEGMENTS = "results/ingest/focus_group_segments.parquet"
CODINGS = "results/ingest/focus_group_codings.parquet"


def _survey(config: Config, key: str) -> list[Any]:
    return [entry[key] for entry in config["raw"]["survey"]]


def _pick(section: Config, *keys: str) -> dict[str, Any]:
    return {key: section[key] for key in keys}


def _coded(config: Config) -> dict[str, Any]:
    """The ingested focus groups, and the adjudication file where the config names one."""
    inputs: dict[str, Any] = {"segments": SEGMENTS, "codings": CODINGS}
    if config["intercoder"]["adjudication"]:
        inputs["adjudication"] = config["intercoder"]["adjudication"]
    return inputs


PREPARATION: tuple[Job, ...] = (
    Job(
        name="validate_resources",
        function="coprod.raw.jobs:instrument",
        stage="ingest",
        inputs=lambda config: {
            "schemas": [
                str(SCHEMAS / f"{name}.schema.yaml")
                for name in ("codebook", "focus_group_codebook", "registries")
            ]
        },
        outputs_of=lambda config: {"instrument": "results/resources/instrument.csv"},
    ),
    Job(
        name="screen_anonymity",
        function="coprod.raw.jobs:anonymity_screen",
        stage="ingest",
        inputs=lambda config: {
            "exports": _survey(config, "path"),
            "segments": config["raw"]["focus_group_segments"],
            "codings": config["raw"]["focus_group_codings"],
            "deny_list": config["screening"]["deny_list"],
        },
        settings=lambda config: {
            "forms": _survey(config, "form"),
            **_pick(config["screening"], "kinds", "max_listed"),
        },
        outputs_of=lambda config: {"screen": SCREEN},
    ),
    Job(
        name="ingest_survey",
        function="coprod.raw.jobs:survey",
        stage="ingest",
        inputs=lambda config: {"screen": SCREEN, "exports": _survey(config, "path")},
        settings=lambda config: {
            "samples": _survey(config, "sample"),
            "forms": _survey(config, "form"),
        },
        outputs_of=lambda config: {
            "survey": "results/ingest/survey.parquet",
            **{
                f"sample_{sample}": f"results/ingest/survey_sample{sample}.parquet"
                for sample in _survey(config, "sample")
            },
        },
    ),
    Job(
        name="ingest_focus_groups",
        function="coprod.raw.jobs:focus_groups",
        stage="ingest",
        inputs=lambda config: {
            "screen": SCREEN,
            "segments": config["raw"]["focus_group_segments"],
            "codings": config["raw"]["focus_group_codings"],
        },
        settings=lambda config: {"samples": _survey(config, "sample")},
        outputs_of=lambda config: {"segments": SEGMENTS, "codings": CODINGS},
    ),
    Job(
        name="exclusions",
        function="coprod.exclusions:exclusions",
        stage="clean",
        inputs=lambda config: {"survey": "results/ingest/survey.parquet"},
        settings=lambda config: dict(config["exclusions"]),
        outputs_of=lambda config: {
            "clean": "results/clean/survey_clean.parquet",
            "exclusions": "results/clean/exclusions.parquet",
            "flow": "results/clean/flow.parquet",
            "flow_csv": "results/clean/flow.csv",
        },
    ),
    Job(
        name="score",
        function="coprod.scoring:scoring_job",
        stage="scoring",
        inputs=lambda config: {"survey": "results/clean/survey_clean.parquet"},
        settings=lambda config: _pick(config["scoring"], "min_share_answered"),
        outputs_of=lambda config: {
            "scores": "results/scoring/scores.parquet",
            "item_data": "results/scoring/items.parquet",
            "prorated": "results/scoring/prorated.csv",
        },
    ),
    Job(
        name="scale_reliability",
        function="coprod.reliability.jobs:scale_reliability",
        stage="reliability",
        inputs=lambda config: {"item_data": "results/scoring/items.parquet"},
        settings=lambda config: {
            "threshold": config["reliability"]["scale_threshold"],
            **_pick(config["reliability"], "by", "ci", "n_boot", "seed"),
        },
        outputs_of=lambda config: {
            "scales": "results/reliability/scale_reliability.parquet",
            "item_statistics": "results/reliability/item_statistics.parquet",
        },
    ),
    Job(
        name="intercoder_reliability",
        function="coprod.reliability.jobs:intercoder_reliability",
        stage="reliability",
        inputs=lambda config: {"segments": SEGMENTS, "codings": CODINGS},
        settings=lambda config: _pick(
            config["intercoder"],
            "levels",
            "default_level",
            "ci",
            "n_boot",
            "seed",
            "unreliable_below",
            "reliable_from",
        ),
        outputs_of=lambda config: {
            "intercoder": "results/reliability/intercoder_reliability.parquet"
        },
    ),
    Job(
        name="consensus_codes",
        function="coprod.reliability.jobs:consensus",
        stage="reliability",
        inputs=_coded,
        settings=lambda config: _pick(config["intercoder"], "consensus"),
        outputs_of=lambda config: {"consensus": "results/reliability/consensus_codes.parquet"},
    ),
)
