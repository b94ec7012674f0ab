"""Checks of the manuscript's template before it is compiled: no number typed by hand,
and every key it names exists.

The template (``manuscript/paper.typ``) names every value it prints by key:
``#num("key")`` (a cited number), ``#fact("key")`` (a methods fact), ``#exhibit("stem")``
(a table or figure) and ``#see("stem")`` (its label). :func:`typed_digits` finds any
digit outside those names and outside citation keys (``@voorberg2015``, whose year is the
cited work's); :func:`missing_keys` finds a name that the run's data does not hold, with
the template's file and line, so the build stops with a message that says which.

Decisions
---------
- The allow-list is short and syntactic: the arguments of the four naming functions and
  citation keys. Section numbers are Typst's own (headings are numbered by the style,
  ``manuscript/style.typ``, which holds the layout's dimensions and is not text), so no
  other digit has a reason to be in the template.
- Comments are text too: a number typed into a comment is reported, so that no number
  waits there to be uncommented.

Example
-------
>>> typed_digits('Of #num("n_received") responses, 12 were previews (@steen2018).')
[(1, '12')]
>>> [(m.line, m.function, m.key) for m in names('#fact("min_cell")\\n#num("n_x")')]
[(1, 'fact', 'min_cell'), (2, 'num', 'n_x')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod.errors import StudyInputError

FUNCTIONS = {"num": "numbers", "fact": "facts", "exhibit": "exhibits", "see": "exhibits"}
"""The template's naming functions and the part of the paper's data each names."""
_NAME = re.compile(r'#?\b(?P<function>num|fact|exhibit|see)\(\s*"(?P<key>[^"]*)"\s*\)')
_CITATION = re.compile(r"@[A-Za-z][\w:-]*|<[A-Za-z][\w:-]*>")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
SOURCES = {
    "numbers": "results/exhibits/numbers.json",
    "facts": "the methods facts (coprod.paper.content.facts)",
    "exhibits": "the exhibits' registry (coprod.exhibits.registry)",
}


@dataclass(frozen=True)
class Name:
    """One use of a naming function in the template: where, which, what key."""

    line: int
    function: str
    key: str


def names(text: str) -> list[Name]:
    """Every ``#num/#fact/#exhibit/#see("key")`` of a template, in order (those in a
    line comment, ``// ...``, print nothing and are left out)."""
    return [
        Name(number, match["function"], match["key"])
        for number, line in enumerate(text.splitlines(), start=1)
        for match in _NAME.finditer(line.split("//", 1)[0])
    ]


def typed_digits(text: str) -> list[tuple[int, str]]:
    """(line, digits) of every number typed into the template's text: digits outside the
    naming functions' keys and citation keys."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        bare = _CITATION.sub("", _NAME.sub("", line))
        found += [(number, match.group()) for match in _DIGITS.finditer(bare)]
    return found


def check_no_typed_numbers(path: str | Path) -> None:
    """Stop when the template holds a typed number (:func:`typed_digits`)."""
    found = typed_digits(Path(path).read_text(encoding="utf-8"))
    if found:
        line, digits = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise StudyInputError(
            path,
            f"line {line}: the number '{digits}' is typed into the text{more}; the "
            "manuscript takes every number from the run.",
            fix='Cite it by key: #num("key") for numbers.json, #fact("key") for a methods '
            "fact (docs/paper.md).",
        )


def missing_keys(text: str, data: Mapping[str, Mapping[str, Any]]) -> list[Name]:
    """The names of a template that ``data`` (numbers, facts, exhibits) does not hold."""
    return [name for name in names(text) if name.key not in data[FUNCTIONS[name.function]]]


def check_keys(path: str | Path, data: Mapping[str, Mapping[str, Any]]) -> None:
    """Stop on the first name of the template at ``path`` that ``data`` lacks, naming
    the key, the template's file and line, and where the key should have come from."""
    missing = missing_keys(Path(path).read_text(encoding="utf-8"), data)
    if missing:
        first = missing[0]
        part = FUNCTIONS[first.function]
        more = f" ({len(missing) - 1} more missing)" if len(missing) > 1 else ""
        raise StudyInputError(
            path,
            f'line {first.line}: {first.function}("{first.key}") names a key that '
            f"{SOURCES[part]} does not hold{more}.",
            fix="Correct the key (docs/paper.md lists where each comes from), or add "
            "the value to the stage that makes it.",
        )
