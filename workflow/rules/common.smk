# Shared helpers: config validation, paths into the repository, library inputs.
from pathlib import Path

import yaml
from snakemake.utils import validate

REPO = Path(workflow.basedir)
ENV = str(REPO / "environment.yml")


validate(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


def library(*modules):
    """Library modules a rule's script imports: inputs, so editing them reruns the rule."""
    return [str(REPO / "src" / "coprod" / f"{module}.py") for module in modules]


def schemas(*names):
    return [
        str(REPO / "workflow" / "schemas" / f"{name}.schema.yaml") for name in names
    ]


def resource_files():
    return dict(config["resources"])


def synthetic_model():
    with open(config["synthetic"]["model"], encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def simulated_files():
    model = synthetic_model()
    names = [entry["file"] for entry in model["samples"]]
    names += ["focus_group_segments.csv", "focus_group_codings.csv", "truth.json"]
    return [f"results/synthetic/{name}" for name in names]


def consensus_inputs(wildcards):
    """Segments, codings and codebooks; the adjudication file only when the config names one."""
    inputs = {
        "segments": "results/ingest/focus_group_segments.parquet",
        "codings": "results/ingest/focus_group_codings.parquet",
        **resource_files(),
    }
    if config["intercoder"]["adjudication"]:
        inputs["adjudication"] = config["intercoder"]["adjudication"]
    return inputs
