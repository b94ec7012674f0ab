"""The paper, built by the run: the manuscript's template (``manuscript/``) compiled with
the run's cited numbers, tables, figures and methods facts into ``results/paper.pdf``.

:mod:`coprod.paper.template` checks the template (no typed number, no missing key),
:mod:`coprod.paper.content` gathers what it prints, :mod:`coprod.paper.build` compiles it
with Typst. The job is registered here (:data:`PAPER`), and listed by
:func:`coprod.registry.jobs` with the others; it exists only where config
``paper.manuscript`` names a template (a study without one builds no paper).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod.jobs import Config, Job

PAPER_PDF = "results/paper.pdf"


def _inputs(config: Config) -> dict[str, Any]:
    from coprod.paper.build import exhibit_files

    manuscript = Path(config["paper"]["manuscript"])
    return {
        "numbers": "results/exhibits/numbers.json",
        "versions": "results/provenance/versions.txt",
        "manuscript": str(manuscript),
        # its other parts (the style): compiled with it, so a change reruns the paper
        "parts": sorted(str(p) for p in manuscript.parent.glob("*.typ") if p != manuscript),
        "bibliography": config["paper"]["bibliography"],
        **exhibit_files(config),
    }


def _settings(config: Config) -> dict[str, Any]:
    """The config values the methods section states (coprod.paper.content.facts)."""
    compare, reliability, intercoder = (
        config["compare"],
        config["reliability"],
        config["intercoder"],
    )
    return {
        "samples": [entry["sample"] for entry in config["raw"]["survey"]],
        "exclusions": config["exclusions"],
        "scoring_share": config["scoring"]["min_share_answered"],
        "min_cell": config["disclosure"]["min_cell"],
        "scale_threshold": reliability["scale_threshold"],
        "reliability_ci": reliability["ci"],
        "reliability_boot": reliability["n_boot"],
        "intercoder_boot": intercoder["n_boot"],
        "unreliable_below": intercoder["unreliable_below"],
        "reliable_from": intercoder["reliable_from"],
        "n_mc": compare["n_mc"],
        "seed": compare["seed"],
        "significance": config["exhibits"]["significance"],
        "high_rating": compare["high_rating"],
        "overcome_threshold": compare["overcome_threshold"],
        "families": compare["families"],
        "kruskal_effect": (compare.get("tests") or {}).get("kruskal_effect", "epsilon_squared"),
    }


PAPER = Job(
    name="paper",
    function="coprod.paper.build:paper",
    stage="paper",
    inputs=_inputs,
    settings=_settings,
    outputs_of=lambda config: {"pdf": PAPER_PDF},
    write="coprod.paper.build:write_pdf",
    applies=lambda config: bool(config.get("paper", {}).get("manuscript")),
)
"""The paper (``results/paper.pdf``), made last of the exhibits' stage."""
