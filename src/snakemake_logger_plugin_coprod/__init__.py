"""Snakemake's logger plugin ``coprod`` (``snakemake --logger coprod``): the short progress
summary ``make study`` prints. Snakemake finds logger plugins by this package name; the
handler is :class:`coprod.progress.ProgressHandler`.

Snakemake imports every logger plugin it finds when it starts, whether or not the plugin
is used. So this module must not import the library: the workflow imports the library of
its own checkout (``workflow/Snakefile`` puts its ``src/`` first on the path), and a
``coprod`` imported here, at start-up, from wherever the path finds one first, would be
the one every job uses. :class:`LogHandler` imports ``coprod.progress`` only when Snakemake
makes the handler, that is when ``--logger coprod`` is given.
"""

from __future__ import annotations

from typing import Any

from snakemake_interface_logger_plugins.base import LogHandlerBase

__all__ = ["LogHandler"]


class LogHandler(LogHandlerBase):
    """Makes a :class:`coprod.progress.ProgressHandler` (which Snakemake uses as the handler)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> LogHandlerBase:  # type: ignore[misc]
        from coprod.progress import ProgressHandler

        return ProgressHandler(*args, **kwargs)
