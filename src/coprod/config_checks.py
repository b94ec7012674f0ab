"""Checks of the config that its schema cannot express, run when the workflow parses.

The schema (``workflow/schemas/config.schema.yaml``) checks each key on its own; these
check keys against each other and against the registry. Each problem raises a
``ValueError`` that names the config file and the key to change, before any job runs:
``workflow/rules/common.smk`` calls :func:`check_config` right after the schema.

Example
-------
>>> check_config(config)
>>> broken = {**config, "compare": {**config["compare"], "families": {}}}
>>> check_config(broken)  # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: config/config.yaml: compare names the families [...], which are not defined ...
"""

from __future__ import annotations

from pathlib import Path

from coprod.analyses.registry import ANALYSES, COMPARISON_FAMILY_KEYS, family_names, job_named
from coprod.jobs import Config

RULE_MADE = "results/"
"""Paths under this folder are made by a rule (the national panel's simulated exports):
they are checked when made, not when the workflow parses."""

__all__ = [
    "RULE_MADE",
    "breakdowns_without",
    "check_config",
    "clashing_contrasts",
    "comparison_specs",
    "input_files",
    "merged_families",
    "missing_files",
    "overlapping_seeds",
    "undefined_contrasts",
    "undefined_families",
    "unreadable",
]


def undefined_families(config: Config) -> list[str]:
    """Families a registered analysis writes that config ``compare.families`` does not define."""
    compare = config["compare"]
    used = {name for job in ANALYSES for name in family_names(compare, job.name)}
    return sorted(used - set(compare["families"]))


def clashing_contrasts(config: Config) -> list[str]:
    """Contrasts of config ``compare.contrasts`` whose file another analysis writes too."""
    others = {
        path
        for job in ANALYSES
        if job.name != "compare_contrasts"
        for path in job.outputs(config).values()
    }
    contrasts = job_named("compare_contrasts").outputs(config)
    return sorted(name for name, path in contrasts.items() if path in others)


def undefined_contrasts(config: Config) -> dict[str, str]:
    """Config keys that name a contrast for an exhibit (``exhibits.contrast_tables``, figure
    3's ``contrast``) which ``compare.contrasts`` does not define, with the name given."""
    named = {
        f"exhibits.contrast_tables.{table}": contrast
        for table, contrast in config["exhibits"]["contrast_tables"].items()
    }
    named["figures.figure3_contrast_forest.contrast"] = config["figures"][
        "figure3_contrast_forest"
    ]["contrast"]
    return {key: name for key, name in named.items() if name not in config["compare"]["contrasts"]}


def comparison_specs(config: Config) -> dict[str, Config]:
    """Every k-level comparison of config ``compare`` by its key: the contrasts, the cases,
    the stakeholder groups (:mod:`coprod.analyses.contrasts`)."""
    compare = config["compare"]
    specs = {f"compare.contrasts.{name}": spec for name, spec in compare["contrasts"].items()}
    specs |= {f"compare.{name}": compare[name] for name in ("across_cases", "stakeholder_groups")}
    return specs


def merged_families(config: Config) -> dict[str, list[str]]:
    """Comparisons that name one family for two of their kinds of test: key -> the keys.

    A comparison's omnibus tests (``family``), its pairs (``pairwise_family``) and their
    robustness evidence (``robustness_family``) are adjusted in separate families; one
    family for two of them would adjust confirmatory and exploratory tests together.
    """
    merged = {}
    for key, spec in comparison_specs(config).items():
        named = [name for name in COMPARISON_FAMILY_KEYS if spec.get(name)]
        same = [name for name in named if [spec[o] for o in named].count(spec[name]) > 1]
        if same:
            merged[key] = same
    return merged


def breakdowns_without(config: Config) -> dict[str, list[str]]:
    """The result breakdowns that lack the exhibits' column ``exhibits.by``: key -> its list.

    The tables show their columns per level of ``exhibits.by``, so the descriptives
    (``compare.describe_by``) and the scale reliability (``reliability.by``) must be
    broken down by it.
    """
    breakdowns = {
        "compare.describe_by": config["compare"]["describe_by"],
        "reliability.by": config["reliability"]["by"],
    }
    return {key: by for key, by in breakdowns.items() if config["exhibits"]["by"] not in by}


def overlapping_seeds(config: Config) -> list[tuple[str, str]]:
    """Pairs of validation conditions whose replicates' seeds overlap by accident.

    Conditions with the same ``seed_offset`` share seeds on purpose (the same data sets
    under another effect scale); different offsets must leave their ranges apart.
    """
    validation = config["validation"]
    conditions = validation["conditions"]

    def seeds(spec: Config) -> range:
        start = spec["seed_offset"]
        return range(start, start + spec.get("n_replicates", validation["n_replicates"]))

    return [
        (a, b)
        for a in conditions
        for b in conditions
        if a < b
        and seeds(conditions[a]).start != seeds(conditions[b]).start
        and seeds(conditions[a]).start < seeds(conditions[b]).stop
        and seeds(conditions[b]).start < seeds(conditions[a]).stop
    ]


def config_value(config: Config, key: str) -> Config:
    """The value at a dotted ``key`` of the config.

    >>> config_value({"a": {"b": 1}}, "a.b")
    1
    """
    value = config
    for part in key.split("."):
        value = value[part]
    return value


def input_files(config: Config) -> dict[str, str]:
    """Every file the config names as an input, by its key: the resources, the raw
    exports (the focus groups' CSV files or QDA projects and mapping file, as
    ``raw.focus_group_form`` says), the deny list, the adjudication file and the
    synthetic model (the last three where the config names one)."""
    raw = config["raw"]
    named = {f"resources.{key}": path for key, path in config["resources"].items()}
    named |= {f"raw.survey[{i}].path": entry["path"] for i, entry in enumerate(raw["survey"])}
    if raw.get("focus_group_form", "csv") == "qdpx":
        qdpx = raw["focus_group_qdpx"]
        named |= {
            f"raw.focus_group_qdpx.projects[{i}]": path for i, path in enumerate(qdpx["projects"])
        }
        named["raw.focus_group_qdpx.mapping"] = qdpx["mapping"]
    else:
        keys = ("focus_group_segments", "focus_group_codings")
        named |= {f"raw.{key}": raw[key] for key in keys}
    optional = {
        "screening.deny_list": config.get("screening", {}).get("deny_list"),
        "intercoder.adjudication": config.get("intercoder", {}).get("adjudication"),
        "synthetic.model": config.get("synthetic", {}).get("model"),
    }
    return named | {key: path for key, path in optional.items() if path}


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file (``'not found'``, ``'not a file'``,
    ``'not readable: ...'``), or None when it can: it is opened, as the run will open it.

    >>> unreadable(Path("nowhere.csv"))
    'not found'
    >>> unreadable(Path("config/config.yaml")) is None
    True
    """
    if not path.exists():
        return "not found"
    if not path.is_file():
        return "not a file"
    try:
        with open(path, "rb"):
            return None
    except OSError as error:
        return f"not readable: {error.strerror or error}"


def missing_files(config: Config, root: Path | None = None) -> dict[str, str]:
    """The input files (:func:`input_files`) that are not there or cannot be read,
    relative to ``root`` (the working directory): key -> path. Files a rule makes are
    left out: Snakemake checks that its rule made them, and the rules that read them
    come after (``results/provenance/inputs.csv`` records each one's checksum)."""
    root = root or Path.cwd()
    return {
        key: path
        for key, path in input_files(config).items()
        if not str(path).startswith(RULE_MADE) and unreadable(root / path)
    }


def check_config(
    config: Config, source: str = "config/config.yaml", root: Path | None = None
) -> None:
    """Raise a ``ValueError`` naming ``source`` and the key for the first problem found.

    Checks: every input file the config names is there and can be read (relative to
    ``root``, the working directory by default), whether or not results exist
    (:func:`missing_files`); families used but not defined under ``compare.families``; a
    contrast named
    like another output of ``results/compare/``; a comparison naming one family for two
    kinds of test (:func:`merged_families`); ``exhibits.by`` missing from a
    breakdown the tables read; validation conditions with overlapping seeds.
    """
    missing = missing_files(config, root)
    if missing:
        where = root or Path.cwd()
        listed = "; ".join(
            f"{key}: '{path}' ({unreadable(where / path)})" for key, path in missing.items()
        )
        raise ValueError(
            f"{source}: {len(missing)} input file(s) cannot be read (from {where}): "
            f"{listed}. Fix the path in the config, or put a readable file there; a run "
            "reads nothing before every input is found."
        )
    undefined = undefined_families(config)
    if undefined:
        raise ValueError(
            f"{source}: compare names the families {undefined}, which are not "
            f"defined under compare.families (defined: {sorted(config['compare']['families'])})"
        )
    clashing = clashing_contrasts(config)
    if clashing:
        raise ValueError(
            f"{source}: compare.contrasts {clashing} are named like other outputs "
            "of results/compare/; rename them"
        )
    undefined_shown = undefined_contrasts(config)
    if undefined_shown:
        listed = "; ".join(f"{key}: '{name}'" for key, name in undefined_shown.items())
        raise ValueError(
            f"{source}: {listed} - not a contrast of compare.contrasts (defined: "
            f"{sorted(config['compare']['contrasts'])}). Name one of those, or add the "
            "contrast under compare.contrasts (config/README.md, 'compare.contrasts')."
        )
    for key, names in merged_families(config).items():
        raise ValueError(
            f"{source}: {key} names the family '{config_value(config, key)[names[0]]}' for "
            f"{' and '.join(names)}; give each its own family (and define it under "
            "compare.families): the omnibus tests, the pairs and the robustness evidence "
            "are adjusted separately"
        )
    without = breakdowns_without(config)
    if without:
        raise ValueError(
            f"{source}: exhibits.by is '{config['exhibits']['by']}', but "
            f"{' and '.join(without)} do(es) not break the results down by it; add it "
            f"there or choose another ({without})"
        )
    for a, b in overlapping_seeds(config):
        offsets = [config["validation"]["conditions"][name]["seed_offset"] for name in (a, b)]
        raise ValueError(
            f"{source}: validation conditions {a!r} and {b!r} draw replicates from "
            f"overlapping seeds (offsets {offsets[0]} and {offsets[1]}); give them "
            "seed_offsets further apart, or the same offset on purpose"
        )
