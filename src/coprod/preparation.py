"""The registry of the preparation stages: from the raw exports to the scored responses
and their reliability, one :class:`coprod.jobs.Job` each, in DAG order; and the paths
of the files they make, which the later registries read.

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

from coprod.jobs import Config, FromConfig, Job, fixed, from_config, nothing

__all__ = ["CODINGS", "CONSENSUS", "ITEMS", "PREPARATION", "SCORES", "SCREEN", "SEGMENTS"]

SCREEN = "results/screening/anonymity_screen.csv"
SCHEMAS = Path(__file__).resolve().parents[2] / "workflow" / "schemas"
SURVEY = "results/ingest/survey.parquet"
SEGMENTS = "results/ingest/focus_group_segments.parquet"
CODINGS = "results/ingest/focus_group_codings.parquet"
CLEAN = "results/clean/survey_clean.parquet"
ITEMS = "results/scoring/items.parquet"
SCORES = "results/scoring/scores.parquet"
CONSENSUS = "results/reliability/consensus_codes.parquet"
CONSENSUS_QDPX = "results/reliability/consensus_coding.qdpx"
QDA_REPORT = "results/ingest/focus_group_qda_report.csv"
CODED = {"segments": SEGMENTS, "codings": CODINGS}
CLEANED = {
    "clean": CLEAN,
    "exclusions": "results/clean/exclusions.parquet",
    "flow": "results/clean/flow.parquet",
    "flow_csv": "results/clean/flow.csv",
}
SCORED = {
    "scores": SCORES,
    "item_data": ITEMS,
    "prorated": "results/scoring/prorated.csv",
}
RELIABILITY = {
    "scales": "results/reliability/scale_reliability.parquet",
    "item_statistics": "results/reliability/item_statistics.parquet",
    "omega_blocks": "results/reliability/omega_blocks.parquet",
}


def _survey(config: Config, key: str) -> list[Any]:
    """One key of every survey export the config names (``raw.survey``)."""
    return [entry[key] for entry in config["raw"]["survey"]]


def _pick(section: Config, *keys: str) -> dict[str, Any]:
    return {key: section[key] for key in keys}


def _qdpx(config: Config) -> bool:
    return config["raw"].get("focus_group_form", "csv") == "qdpx"


def _raw(config: Config) -> dict[str, Any]:
    """The raw focus-group files: the two CSV files, or the QDA projects and their
    mapping file (``raw.focus_group_form``)."""
    if _qdpx(config):
        qdpx = config["raw"]["focus_group_qdpx"]
        return {"projects": list(qdpx["projects"]), "mapping": qdpx["mapping"]}
    return {key: config["raw"][f"focus_group_{key}"] for key in ("segments", "codings")}


def _focus_group_settings(config: Config) -> dict[str, Any]:
    """The samples; for QDA projects also the import's settings (coprod.qda.turns)."""
    settings: dict[str, Any] = {"samples": _survey(config, "sample")}
    if _qdpx(config):
        qdpx = config["raw"]["focus_group_qdpx"]
        skip = ("projects", "mapping")
        settings["form"] = "qdpx"
        settings["qdpx"] = {key: value for key, value in qdpx.items() if key not in skip}
    return settings


def _ingested_focus_groups(config: Config) -> dict[str, str]:
    return {**CODED, **({"unmapped": QDA_REPORT} if _qdpx(config) else {})}


def _export_inputs(config: Config) -> dict[str, Any]:
    """The consensus codes and the transcripts' text: the QDA projects (and mapping),
    or the segments file (the codings are not needed)."""
    raw = _raw(config)
    return {"consensus": CONSENSUS, **{k: v for k, v in raw.items() if k != "codings"}}


def _export_settings(config: Config) -> dict[str, Any]:
    return {"form": "csv", **_focus_group_settings(config)}


def _coded(config: Config) -> dict[str, Any]:
    """The ingested focus groups, and the adjudication file where the config names one."""
    adjudication = config["intercoder"]["adjudication"]
    return {**CODED, **({"adjudication": adjudication} if adjudication else {})}


def _screen_inputs(config: Config) -> dict[str, Any]:
    exports = _survey(config, "path")
    return {"exports": exports, **_raw(config), "deny_list": config["screening"]["deny_list"]}


def _screen_settings(config: Config) -> dict[str, Any]:
    screening = config["screening"]
    return {"forms": _survey(config, "form"), **_pick(screening, "kinds", "max_listed")}


def _ingested(config: Config) -> dict[str, str]:
    samples = _survey(config, "sample")
    return {
        "survey": SURVEY,
        **{f"sample_{s}": f"results/ingest/survey_sample{s}.parquet" for s in samples},
    }


def _exports(config: Config) -> dict[str, Any]:
    return {"samples": _survey(config, "sample"), "forms": _survey(config, "form")}


def _job(
    name: str,
    function: str,
    stage: str,
    inputs: FromConfig,
    outputs: FromConfig,
    settings: FromConfig = nothing,
) -> Job:
    """A preparation job: rule ``name`` runs ``coprod.<function>``."""
    return Job(name, f"coprod.{function}", stage, inputs, settings, outputs_of=outputs)


SCHEMA_FILES = [
    str(SCHEMAS / f"{name}.schema.yaml")
    for name in ("codebook", "focus_group_codebook", "registries")
]
INTERCODER = (
    "levels",
    "default_level",
    "ci",
    "n_boot",
    "seed",
    "unreliable_below",
    "reliable_from",
    "coefficients",
    "population",
)

PREPARATION: tuple[Job, ...] = (
    _job(
        "validate_resources",
        "raw.jobs:instrument",
        "ingest",
        fixed({"schemas": SCHEMA_FILES}),
        fixed({"instrument": "results/resources/instrument.csv"}),
    ),
    _job(
        "screen_anonymity",
        "raw.jobs:anonymity_screen",
        "ingest",
        _screen_inputs,
        fixed({"screen": SCREEN}),
        _screen_settings,
    ),
    _job(
        "ingest_survey",
        "raw.jobs:survey",
        "ingest",
        lambda config: {"screen": SCREEN, "exports": _survey(config, "path")},
        _ingested,
        _exports,
    ),
    _job(
        "ingest_focus_groups",
        "raw.jobs:focus_groups",
        "ingest",
        lambda config: {"screen": SCREEN, **_raw(config)},
        _ingested_focus_groups,
        _focus_group_settings,
    ),
    _job(
        "exclusions",
        "exclusions:exclusions",
        "clean",
        fixed({"survey": SURVEY}),
        fixed(CLEANED),
        from_config({"*": "exclusions"}),
    ),
    _job(
        "score",
        "scoring:scoring_job",
        "scoring",
        fixed({"survey": CLEAN}),
        fixed(SCORED),
        from_config({"min_share_answered": "scoring.min_share_answered"}),
    ),
    _job(
        "scale_reliability",
        "reliability.jobs:scale_reliability",
        "reliability",
        fixed({"item_data": ITEMS}),
        fixed(RELIABILITY),
        from_config(
            {
                "threshold": "reliability.scale_threshold",
                **{key: f"reliability.{key}" for key in ("by", "ci", "n_boot", "seed")},
                "std_formula": "reliability.std_formula",
                **{key: f"reliability.omega.{key}" for key in ("fm", "blocks")},
            }
        ),
    ),
    _job(
        "intercoder_reliability",
        "reliability.jobs:intercoder_reliability",
        "reliability",
        fixed(CODED),
        fixed({"intercoder": "results/reliability/intercoder_reliability.parquet"}),
        from_config({key: f"intercoder.{key}" for key in INTERCODER}),
    ),
    _job(
        "consensus_codes",
        "reliability.jobs:consensus",
        "reliability",
        _coded,
        fixed({"consensus": CONSENSUS}),
        from_config({"consensus": "intercoder.consensus"}),
    ),
    Job(
        "export_consensus_qdpx",
        "coprod.qda.jobs:consensus_qdpx",
        "reliability",
        _export_inputs,
        _export_settings,
        outputs_of=fixed({"qdpx": CONSENSUS_QDPX}),
        write="coprod.qda.jobs:write_qdpx",
    ),
)
