# Shared helpers: config validation, paths into the repository, library inputs.
from pathlib import Path

import yaml
from snakemake.utils import validate

REPO = Path(workflow.basedir)
ENV = str(REPO / "environment.yml")


validate(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


def library(*modules):
    """Library modules a rule's script imports: inputs, so editing them reruns the rule.

    A name is a module ("clean"), a module of a package ("raw/survey", which brings
    the package's __init__.py) or a whole package ("synthetic": all its modules).
    """
    root = REPO / "src" / "coprod"
    paths = []
    for module in modules:
        path = root / module
        if path.is_dir():
            paths += sorted(path.glob("*.py"))
            continue
        if path.parent != root:
            paths.append(path.parent / "__init__.py")
        paths.append(path.with_name(f"{path.name}.py"))
    return [str(path) for path in dict.fromkeys(paths)]


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


def memory_mb(per_input_mb=20, base=1000):
    """Memory a job asks a cluster for: a base plus a multiple of its input's size.

    Grows with the data (a national panel has 100 times the bundled study's input)
    and doubles on each retry after a job ran out of memory.
    """
    return lambda wildcards, input, attempt: attempt * int(
        base + per_input_mb * input.size_mb
    )
