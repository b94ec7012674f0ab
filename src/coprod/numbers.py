"""The numbers the paper's text cites, in one JSON file and as LaTeX macros.

Each number has a key, its value, the text the manuscript prints, a
description and the result file it comes from, so a reader can trace any
number in the paper to the rule that computed it.

The LaTeX file defines one macro per number with ``\\newcommand`` (through
``\\csname``, so keys may contain digits and underscores) and a command to use
them::

    \\input{numbers.tex}
    ... Cronbach's alpha was \\coprodnumber{alpha_pooled_B4_met} ...

Example
-------
>>> entry = number("n_included", 736, "{:d}", "Responses after exclusions", "flow.parquet")
>>> entry["text"]
'736'
>>> print(to_latex({"n_included": entry}).splitlines()[-1])
\\expandafter\\newcommand\\csname coprod@n_included\\endcsname{736}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "<": r"\textless{}"}


def number(key: str, value: Any, fmt: str, description: str, source: str) -> dict[str, Any]:
    """One cited number: ``fmt`` (a format string) gives the text the paper prints."""
    if not KEY.match(key):
        raise ValueError(f"number key {key!r}: use letters, digits and underscores, from a letter")
    if isinstance(value, float) and math.isnan(value):
        text = "NA"
        value = None
    else:
        text = fmt.format(value)
    return {"key": key, "value": value, "text": text, "description": description, "source": source}


def _latex_text(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(numbers: Mapping[str, Mapping[str, Any]]) -> str:
    """LaTeX macros for ``numbers`` (sorted by key), and ``\\coprodnumber{key}`` to use them."""
    lines = [
        "% The numbers the paper cites, written by the pipeline (coprod.numbers). Do not edit.",
        r"\providecommand{\coprodnumber}[1]{\csname coprod@#1\endcsname}",
    ]
    for key in sorted(numbers):
        text = _latex_text(numbers[key]["text"])
        lines.append(rf"\expandafter\newcommand\csname coprod@{key}\endcsname{{{text}}}")
    return "\n".join(lines)


def write_numbers(
    numbers: Mapping[str, Mapping[str, Any]], json_path: Path, tex_path: Path
) -> None:
    """Write the numbers as JSON (sorted keys) and as LaTeX macros."""
    Path(json_path).write_text(
        json.dumps(dict(sorted(numbers.items())), indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    Path(tex_path).write_text(to_latex(numbers) + "\n", encoding="utf-8")
