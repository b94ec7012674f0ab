"""Snakemake's logger plugin ``coprod`` (``snakemake --logger coprod``): the short progress
summary ``make study`` prints. Snakemake finds logger plugins by this package name; the
handler is :class:`coprod.progress.ProgressHandler`."""

from coprod.progress import ProgressHandler as LogHandler

__all__ = ["LogHandler"]
