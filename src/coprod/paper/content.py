"""What the manuscript prints: the cited numbers, the methods' facts, the tables and the
figures, gathered into one document (``paper-data.json``) that the Typst template reads.

The template types no number: it names each one by key (``#num("n_included")`` from
``results/exhibits/numbers.json``, ``#fact("min_cell")`` from :func:`facts`), inserts each
exhibit by its file stem (``#exhibit("table05_barriers_met")``) and refers to it by the
label the registry gives it (``#see("figure3_contrast_forest")`` prints "Figure 3").

Decisions
---------
- Tables come from their rendered Markdown files (``results/exhibits/tables/*.md``): the
  same title, header, cells and note the report shows, formatted once by
  :mod:`coprod.exhibits.rendering`, never again here.
- The methods' facts (samples, exclusion thresholds, tests and corrections, the
  disclosure threshold, software versions) are read from the config values the rule
  passes as its settings and from ``results/provenance/versions.txt``, and are formatted
  here, so that a changed threshold changes the paper and reruns it.
- :func:`perturb` is the canary: it shifts every digit of every printed value (cited
  numbers, facts, table cells). A paper built from perturbed data whose text still shows
  an unchanged number has that number typed into the template, or read from elsewhere.

Example
-------
>>> perturb("0.05 [0.01, 0.09]; n = 736")
'3.38 [3.34, 3.32]; n = 069'
>>> rows = parse_markdown_table(
...     "**Table 2.** Flow\\n\\n| Step | n |\\n|:--|--:|\\n| Received | 871 |\\n\\n*Note.* All.\\n"
... )
>>> rows["title"], rows["header"], rows["rows"], rows["note"]
('Flow', ['Step', 'n'], [['Received', '871']], 'All.')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coprod.errors import StudyInputError
from coprod.exhibits.tables.common import EFFECT_SYMBOLS

CANARY_SHIFT = 3
"""How far :func:`perturb` moves every digit (mod 10)."""
SOFTWARE = (
    "snakemake",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "krippendorff",
    "matplotlib",
    "seaborn",
    "typst",
)
"""The packages the methods section names with their versions (in this order)."""
CORRECTIONS = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni"}
"""How the paper names a family's correction (config ``compare.families.*.correction``)."""
CASE_TEXT = ["case_id", "code", "label", "description"]
"""Columns of the case registry that are not attributes with levels to count."""
_TITLE = re.compile(r"^\*\*(?P<label>[^*]+?)\.\*\*\s*(?P<title>.*)$")


def perturb(text: str) -> str:
    """``text`` with every digit moved by :data:`CANARY_SHIFT` (the canary build)."""
    return re.sub(r"\d", lambda m: str((int(m.group()) + CANARY_SHIFT) % 10), text)


def parse_markdown_table(text: str, source: str = "the table") -> dict[str, Any]:
    """A rendered Markdown table: its ``title`` (after "**Table N.**"), ``header``,
    ``rows`` (lists of cell texts) and ``note`` (after "*Note.*", or "")."""
    lines = text.splitlines()
    title = next((_TITLE.match(line) for line in lines if line.startswith("**")), None)
    pipes = [line for line in lines if line.startswith("|")]
    if title is None or len(pipes) < 2:
        raise StudyInputError(
            source,
            "is not a rendered table: it needs a '**Table N.** title' line and a pipe table.",
            fix="Rerun the rule that writes it (make study).",
        )
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in pipes]
    notes = [line.removeprefix("*Note.*").strip() for line in lines if line.startswith("*Note.*")]
    return {
        "title": title["title"],
        "header": cells[0],
        "rows": cells[2:],
        "note": " ".join(notes),
    }


def percent(share: float) -> str:
    """A share as the paper prints a threshold: 0.8 -> "80%"."""
    return f"{100 * share:g}%"


def software(versions: str) -> dict[str, str]:
    """``version_<package>`` (and ``version_python``) facts from ``versions.txt``."""
    found = {}
    for line in versions.splitlines():
        if line.startswith("# Python "):
            found["version_python"] = line.split()[2]
        name, _, version = line.partition("==")
        if version and name.lower() in SOFTWARE:
            found[f"version_{name.lower()}"] = version
    return {key: found[key] for key in sorted(found)}


def _families(families: Mapping[str, Mapping[str, str]], role: str) -> str:
    names = sorted(
        {
            CORRECTIONS.get(f["correction"], f["correction"])
            for f in families.values()
            if f["role"] == role
        }
    )
    return " and ".join(names) or "none"


def _listing(labels: list[str]) -> str:
    return labels[0] if len(labels) < 2 else ", ".join(labels[:-1]) + " and " + labels[-1]


def facts(settings: Mapping[str, Any], versions: str, study: Any) -> dict[str, str]:
    """Every methods fact the template may name (``#fact("key")``), as printed text.

    ``settings`` are the config values the paper's rule passes (see
    :data:`coprod.paper.PAPER`); ``study`` the study's resources (its registries name the
    cases, groups and service classes).
    """
    ex = settings["exclusions"]
    cases = study.cases
    counts = {
        "count_cases": len(cases),
        "count_groups": len(study.stakeholder_groups),
        "count_service_classes": len(study.service_classes),
        "count_samples": len(settings["samples"]),
        # the cases of each level of each attribute of the case registry
        **{
            f"count_cases_{level}": int(count)
            for column in cases.columns.drop(CASE_TEXT, errors="ignore")
            for level, count in cases[column].astype(str).value_counts().items()
        },
    }
    texts = {
        "cases": _listing(list(cases["label"])),
        "groups": _listing(
            [g.lower() if g[1:].islower() else g for g in study.stakeholder_groups["label"]]
        ),
        "service_classes": _listing([c.lower() for c in study.service_classes["label"]]),
        "min_cell": str(settings["min_cell"]),
        "incomplete_share": percent(ex["incomplete"]["min_share_answered"]),
        "speeder_fraction": percent(ex["speeder"]["speeder_fraction"]),
        "straightliner_speed": percent(ex["straightliner"]["second_indicator_speed_fraction"]),
        "scoring_share": percent(settings["scoring_share"]),
        "scale_threshold": f"{settings['scale_threshold']:.2f}",
        "reliability_ci": percent(settings["reliability_ci"]),
        "reliability_boot": f"{settings['reliability_boot']:,}",
        "intercoder_boot": f"{settings['intercoder_boot']:,}",
        "unreliable_below": f"{settings['unreliable_below']:.3f}",
        "reliable_from": f"{settings['reliable_from']:.3f}",
        "n_mc": f"{settings['n_mc']:,}",
        "significance": f"{settings['significance']:g}",
        "high_rating": str(settings["high_rating"]),
        "overcome_threshold": str(settings["overcome_threshold"]),
        "correction_confirmatory": _families(settings["families"], "confirmatory"),
        "correction_exploratory": _families(settings["families"], "exploratory"),
        "count_families": str(len(settings["families"])),
        "seed": str(settings["seed"]),
        "kruskal_effect": EFFECT_SYMBOLS[settings["kruskal_effect"]],
    }
    return {**{k: str(v) for k, v in counts.items()}, **texts, **software(versions)}


def exhibit_entries(
    parts: Mapping[str, tuple[str, str, str]], files: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Each exhibit part by stem: ``label`` ("Table 5"), ``kind`` and, for a table, its
    parsed Markdown (:func:`parse_markdown_table`), for a figure its ``title`` and the
    ``file`` name the template reads (copied beside it by :func:`coprod.paper.build`).

    ``parts`` maps stem -> (kind, label, title); ``files`` stem -> the path of its
    Markdown table or figure file.
    """
    entries: dict[str, dict[str, Any]] = {}
    for stem, (kind, label, title) in parts.items():
        path = files[stem]
        entry: dict[str, Any] = {"label": label, "kind": kind, "title": title}
        if kind == "table":
            entry.update(parse_markdown_table(Path(path).read_text(encoding="utf-8"), path))
        else:
            entry["file"] = f"figures/{Path(path).name}"
        entries[stem] = entry
    return entries


def canary(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (the paper's document) with every printed value perturbed
    (:func:`perturb`): the numbers' texts, the facts and everything a table file holds
    (its title, header, cells and note may all show values). The exhibits' labels
    ("Table 5") and the figures' titles from the registry stay: they are not values."""
    numbers = {k: {**v, "text": perturb(v["text"])} for k, v in data["numbers"].items()}
    facts_ = {k: perturb(v) for k, v in data["facts"].items()}
    exhibits = {}
    for stem, entry in data["exhibits"].items():
        entry = dict(entry)
        if entry["kind"] == "table":
            entry["title"] = perturb(entry["title"])
            entry["header"] = [perturb(cell) for cell in entry["header"]]
            entry["rows"] = [[perturb(cell) for cell in row] for row in entry["rows"]]
            entry["note"] = perturb(entry["note"])
        exhibits[stem] = entry
    return {**data, "numbers": numbers, "facts": facts_, "exhibits": exhibits}
