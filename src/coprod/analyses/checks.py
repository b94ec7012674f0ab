"""Checks of config ``compare`` that the schema cannot express, run when the workflow parses.

Each raises a ``ValueError`` that names the config file and the key to change, before
any job runs (``workflow/rules/compare.smk`` calls :func:`check_compare_config`).

Example
-------
>>> check_compare_config(config)
>>> broken = {**config, "compare": {**config["compare"], "families": {}}}
>>> check_compare_config(broken)  # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: config/config.yaml: compare names the families [...], which are not defined ...
"""

from __future__ import annotations

from coprod.analyses.registry import ANALYSES, family_names, job_named
from coprod.jobs import Config

__all__ = ["check_compare_config", "clashing_contrasts", "undefined_families"]


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


def check_compare_config(config: Config, source: str = "config/config.yaml") -> None:
    """Raise if config ``compare`` names undefined families or clashing contrasts.

    Parameters
    ----------
    config : mapping
        The workflow's config.
    source : str
        The config file, named in the message.

    Raises
    ------
    ValueError
        A family used but not defined under ``compare.families``; a contrast named
        like another output of ``results/compare/``.
    """
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
