"""Glue between Snakemake scripts and the library."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from typing import Any


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
