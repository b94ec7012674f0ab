"""Glue between Snakemake scripts and the library: the rule's log, and outputs that
appear only when they are whole.

Decisions
---------
- A job writes each output to a file of the same name in a folder beside it,
  ``.partial.<name>/<name>``, and moves it into place with :func:`os.replace` only once
  every output of the job is written (:func:`published`). A run killed in the middle
  (SIGKILL, a power loss) therefore never leaves a half-written file under the output's
  own name: at most a ``.partial.*`` folder, which the job's rerun (``snakemake
  --rerun-incomplete``, as ``python -m coprod.run_workflow`` passes after such a run)
  writes again and removes. The file keeps its own name because some writers record it
  (a table's disclosure sidecar names its CSV) and choose the format from its suffix.
- The folder's name depends only on the output's, so a rerun reuses it instead of
  leaving one behind, and no two jobs share one (Snakemake lets one job write a file).
"""

from __future__ import annotations

import os
import shutil
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, redirect_stderr
from pathlib import Path
from typing import Any, overload

PARTIAL = ".partial."
"""The prefix of the folder beside an output where it is written before it is published."""


@contextmanager
def logged(snakemake: Any) -> Iterator[None]:
    """Send a script's stderr to the rule's log; record a failure there and re-raise it.

    Example (in a Snakemake script)::

        with logged(snakemake):
            ...
    """
    with open(snakemake.log[0], "w", encoding="utf-8") as log, redirect_stderr(log):
        try:
            yield
        except Exception:
            traceback.print_exc()
            raise


def partial_path(path: str | Path) -> Path:
    """Where :func:`published` has ``path`` written before moving it into place.

    >>> partial_path("results/exhibits/tables/table01.csv").as_posix()
    'results/exhibits/tables/.partial.table01.csv/table01.csv'
    """
    path = Path(path)
    return path.parent / f"{PARTIAL}{path.name}" / path.name


@overload
def published(paths: Mapping[str, str | Path]) -> AbstractContextManager[dict[str, str]]: ...


@overload
def published(paths: Sequence[str | Path]) -> AbstractContextManager[list[str]]: ...


@contextmanager  # type: ignore[misc]
def published(
    paths: Mapping[str, str | Path] | Sequence[str | Path],
) -> Iterator[dict[str, str] | list[str]]:
    """Paths to write ``paths`` (a mapping of names to paths, or a list) to, each moved
    into place when the block ends without an error; on an error none is moved and the
    partial files are removed. See the module's Decisions.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with published({"numbers": folder / "numbers.json"}) as partial:
    ...     _ = Path(partial["numbers"]).write_text("{}")
    ...     (folder / "numbers.json").exists()
    False
    >>> sorted(path.name for path in folder.iterdir())
    ['numbers.json']
    """
    named = dict(paths) if isinstance(paths, Mapping) else dict(enumerate(paths))
    partial = {key: partial_path(path) for key, path in named.items()}
    for path in partial.values():
        if path.parent.exists():  # left by a run killed while writing it
            shutil.rmtree(path.parent)
        path.parent.mkdir(parents=True)
    try:
        if isinstance(paths, Mapping):
            yield {str(key): str(path) for key, path in partial.items()}
        else:
            yield [str(path) for path in partial.values()]
        for key, path in partial.items():
            os.replace(path, named[key])
    finally:
        for path in partial.values():
            shutil.rmtree(path.parent, ignore_errors=True)
