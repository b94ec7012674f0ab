"""Errors a user can act on: what was wrong, where, and how to fix it."""

from __future__ import annotations

from pathlib import Path


class StudyInputError(ValueError):
    """A resource, config or raw input file is wrong.

    The message names the file and, where known, the row (as a spreadsheet
    shows it), the column or entry, what was found, what is allowed and what
    to do.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        entry: str | None = None,
        fix: str | None = None,
    ) -> None:
        where = [str(path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        if entry is not None:
            where.append(entry)
        message = f"{', '.join(where)}: {problem}"
        if fix:
            message += f" {fix}"
        super().__init__(message)
        self.path = str(path)
        self.row = row
        self.column = column
        self.entry = entry


class JobFailed(RuntimeError):
    """A workflow job failed; the message names the rule's log, which holds the traceback."""
