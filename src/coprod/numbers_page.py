"""The key list of ``docs/numbers.md``, generated from a run's ``numbers.json``.

``docs/numbers.md`` documents the cited numbers (:mod:`coprod.exhibits.numbers`); its
block ``<!-- generated: cited_numbers -->`` lists every key of the bundled study with what
the number is and where an exhibit (or a result file) shows it. :func:`update` rewrites the
block from a run's ``results/exhibits/numbers.json``; with ``check`` it only says whether
the page is in step (a test checks it against the test run of the study). The list holds no
values: they are in ``numbers.json``, and a page that printed them would go out of date
with every change of a setting.

Usage::

    python -m coprod.numbers_page [--check] [results/exhibits/numbers.json]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coprod.architecture import REPO, markdown_table, render
from coprod.errors import StudyInputError

PAGE = Path("docs", "numbers.md")
NUMBERS = Path("results", "exhibits", "numbers.json")


def shown_in(cell: Mapping[str, Any]) -> str:
    """Where an entry's number is shown, in words.

    >>> shown_in({"table": "table03_scale_reliability", "row": ["Trust", "All"], "column": "n"})
    'table03_scale_reliability: row Trust / All, column n'
    >>> shown_in({"records": "results/a.parquet", "row": {"by": "all"}, "column": "estimate"})
    'results/a.parquet: row by = all, column estimate'
    """
    if "table" in cell:
        row = " / ".join(cell["row"]) or "first"
        return f"{cell['table']}: row {row}, column {cell['column']}"
    row = ", ".join(f"{key} = {value}" for key, value in cell["row"].items()) or "all rows"
    return f"{cell['records']}: row {row}, column {cell['column']}"


def key_list(numbers: Mapping[str, Mapping[str, Any]]) -> str:
    """The generated block: one row per key (sorted), what it is and where it is shown."""
    rows = [
        [f"`{key}`", entry["description"], shown_in(entry["cell"]).replace("|", "\\|")]
        for key, entry in sorted(numbers.items())
    ]
    return markdown_table(["key", "number", "shown in"], rows)


def read_numbers(path: Path) -> dict[str, Any]:
    """A run's ``numbers.json`` (an error that says how to make it when it is missing)."""
    if not path.is_file():
        raise StudyInputError(
            path,
            "not found.",
            fix="Run the bundled study first (make study), or name another numbers.json.",
        )
    return json.loads(path.read_text(encoding="utf-8"))


def update(numbers: Path, root: Path = REPO, *, check: bool = False) -> bool:
    """Rewrite the key list of ``docs/numbers.md`` from ``numbers``; True if it changed
    (with ``check``, write nothing and only say whether it is out of date)."""
    path = root / PAGE
    old = path.read_text(encoding="utf-8")
    new = render(old, {"cited_numbers": key_list(read_numbers(numbers))})
    if new != old and not check:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv: Sequence[str] = ()) -> int:
    """``python -m coprod.numbers_page [--check] [numbers.json]``."""
    check = "--check" in argv
    given = [arg for arg in argv if arg != "--check"]
    numbers = Path(given[0]) if given else REPO / NUMBERS
    try:
        changed = update(numbers, check=check)
    except StudyInputError as error:
        print(error, file=sys.stderr)
        return 2
    if changed:
        print(f"{PAGE}: {'out of date' if check else 'updated'}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
