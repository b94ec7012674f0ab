"""The last check before anything leaves the pipeline: no count of people under the
minimum cell size in any published table or cited number (rule ``disclosure_check``).

:func:`scan_published` reads each table CSV with its disclosure sidecar (which columns
count people, and which counts are parts of a total: see
:mod:`coprod.exhibits.rendering`) and the numbers file (keys ``n_...`` count people),
and fails naming every count from 1 to ``min_cell - 1`` it finds.

Decisions
---------
- The scan trusts only the sidecar's declarations: a table CSV without a sidecar
  fails, so that a new table cannot slip through undeclared.
- Empty cells pass: they are what the disclosure control masked.
- A failure is printed on the terminal too, not only in the rule's log: the run stops
  here, and the reader should see why without opening a log.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.exhibits.protection import SmallCellError
from coprod.resources import Study


def _scan_table(csv: Path, side: Path, min_cell: int) -> tuple[list[str], str]:
    """Problems with one published table, and a line for the report."""
    if not side.exists():
        return [f"{csv}: no disclosure sidecar {side}; declare its count columns"], ""
    meta = json.loads(side.read_text(encoding="utf-8"))
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    label_columns = [c for c in meta.get("row_label_columns", []) if c in frame.columns]
    problems: list[str] = []

    def where(i: int) -> str:
        label = ", ".join(frame.iloc[i][c] for c in label_columns if frame.iloc[i][c])
        return f"line {i + 2}" + (f" ({label})" if label else "")

    def count(text: str, i: int, column: str) -> float | None:
        if text.strip() == "":
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if math.isnan(value) or value != round(value) or value < 0:
            problems.append(f"{csv}: {where(i)}, column '{column}': '{text}' is not a count")
            return None
        return value

    declared = list(meta.get("count_columns", []))
    complements = dict(meta.get("complements", {}))
    missing = [
        c for c in [*declared, *complements, *complements.values()] if c not in frame.columns
    ]
    if missing:
        return [
            f"{csv}: the sidecar declares count column(s) {missing}, which the CSV does not have"
        ], ""
    checked = 0
    for column in declared:
        for i, text in enumerate(frame[column]):
            value = count(text, i, column)
            if value is None:
                continue
            checked += 1
            if 0 < value < min_cell:
                problems.append(
                    f"{csv}: {where(i)}, column '{column}': count {int(value)} is under the "
                    f"minimum cell size {min_cell}"
                )
    for part_column, total_column in complements.items():
        pairs = zip(frame[part_column], frame[total_column], strict=True)
        for i, (part, total) in enumerate(pairs):
            part_value = count(part, i, part_column)
            total_value = count(total, i, total_column)
            if part_value is None or total_value is None:
                continue
            rest = total_value - part_value
            if 0 < rest < min_cell:
                problems.append(
                    f"{csv}: {where(i)}, column '{total_column}' minus column '{part_column}': "
                    f"count {int(rest)} is under the minimum cell size {min_cell}"
                )
    masked = meta.get("masked_cells", {})
    line = (
        f"{csv}: {len(frame)} rows, {len(declared)} count column(s), {checked} visible "
        f"count(s) checked; masked cells: {masked.get('under_min_cell', 0)} under the "
        f"minimum, {masked.get('other', 0)} other"
    )
    return problems, line


def scan_published(
    tables: Sequence[tuple[str | Path, str | Path]],
    numbers: str | Path | None,
    min_cell: int,
) -> str:
    """Scan every published table and the numbers file for a count under ``min_cell``.

    Parameters
    ----------
    tables : sequence of (csv, sidecar)
        Each table CSV and its disclosure sidecar (``count_columns``,
        ``complements``: see the module's Decisions).
    numbers : path or None
        The numbers JSON: keys starting with ``n_`` are counts of people.
    min_cell : int
        Config ``disclosure.min_cell``: counts from 1 to ``min_cell - 1`` fail.

    Returns
    -------
    str
        A report of what was checked (one line per file).

    Raises
    ------
    SmallCellError
        Naming the file, the line (1 = header), the row's labels, the column and the
        count, for every count under the minimum; or a table without a sidecar, or a
        declared count column the CSV lacks.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.csv").write_text("Group,n\\nA,12\\nB,3\\n")
    >>> _ = (folder / "t.json").write_text(json.dumps(
    ...     {"count_columns": ["n"], "row_label_columns": ["Group"]}))
    >>> scan_published([(folder / "t.csv", folder / "t.json")], None, 5)
    Traceback (most recent call last):
    ...
    coprod.exhibits.protection.SmallCellError: disclosure check failed: ...
    """
    problems: list[str] = []
    lines = [
        f"Disclosure check: counts of people from 1 to {min_cell - 1} fail "
        f"(config disclosure.min_cell = {min_cell}); masked (empty) cells pass."
    ]
    for csv, side in sorted(tables, key=lambda pair: str(pair[0])):
        found, line = _scan_table(Path(csv), Path(side), min_cell)
        problems += found
        if line:
            lines.append(line)
    if numbers is not None:
        entries = json.loads(Path(numbers).read_text(encoding="utf-8"))
        checked = 0
        for key, entry in sorted(entries.items()):
            if not key.startswith("n_") or entry.get("value") is None:
                continue
            checked += 1
            value = float(entry["value"])
            if 0 < value < min_cell:
                problems.append(
                    f"{numbers}: key '{key}': count {int(value)} is under the minimum cell "
                    f"size {min_cell}"
                )
        lines.append(f"{numbers}: {len(entries)} numbers, {checked} visible count(s) (n_*) checked")
    if problems:
        raise SmallCellError(
            f"disclosure check failed: {len(problems)} problem(s) with counts under the "
            f"minimum cell size {min_cell} (config disclosure.min_cell):\n  "
            + "\n  ".join(problems)
            + "\nPass every table through coprod.exhibits.protection.suppress_small_cells "
            "(and declare its count columns in its .disclosure.json sidecar) before publishing it."
        )
    lines.append("Result: no visible count of people under the minimum cell size.")
    return "\n".join(lines) + "\n"


def disclosure_check(
    study: Study | None, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> str:
    """The job: scan ``inputs`` ``tables`` (CSVs), ``sidecars`` and ``numbers`` with
    ``settings["min_cell"]``; the report, or :class:`SmallCellError` (also on the terminal).
    It reads no resource (registered with ``study=False``: ``study`` is None).
    """
    tables = list(zip(inputs["tables"], inputs["sidecars"], strict=True))
    try:
        return scan_published(tables, inputs["numbers"], settings["min_cell"])
    except SmallCellError as error:
        print(f"\n{error}\n", file=sys.__stderr__)  # on the terminal, not only in the log
        raise


def write_report(report: str, outputs: Mapping[str, str], render: Mapping[str, Any]) -> None:
    """The job's writer: the report of what was checked (``disclosure_check.txt``)."""
    Path(outputs["report"]).write_text(report, encoding="utf-8")
