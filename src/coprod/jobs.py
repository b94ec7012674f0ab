"""One contract per job: a named function from named inputs to records or an exhibit.

Every job of the workflow (an analysis, a table, a figure) is a library function

    function(study: Study, inputs: Mapping[str, str], settings: Mapping[str, Any])

where ``study`` holds the study's resources, ``inputs`` the job's other named input
files and ``settings`` the config values it reads (the rule's ``params.settings``, and
nothing else, so that changing a setting reruns exactly the jobs that read it). It
returns one of

- records: a mapping of output name to a DataFrame, each written as Parquet to the
  rule's output of that name (:func:`write_records`);
- tables: a list of exhibits, each written in every form (CSV, Markdown, LaTeX,
  disclosure sidecar) to the outputs ``<stem>_<form>``
  (``coprod.exhibits.rendering.write_tables``);
- a figure: a matplotlib Figure, saved byte-stably to the outputs ``png``, ``pdf``
  and ``svg`` (``coprod.exhibits.figures.style.write_figure``).

:func:`run` is the only glue between Snakemake and the library: it sends stderr to
the rule's log, loads the study, calls the function and writes what it returns.

Decisions
---------
- Functions are named by a dotted path (``"package.module:function"``) so that the
  workflow can list them at parse time without importing pandas or matplotlib.
- Writing is not in the job functions: they are unit-tested on what they return, and
  every job of a kind writes its outputs with the same writer. The writers are named
  by dotted path too, so a records job does not import (and does not rerun for) the
  table and figure writers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from coprod.pipeline import logged
from coprod.vocabulary import RESOURCE_KEYS

NOT_DATA = ("library",)
"""Named inputs that are not data: the library modules a rule lists for staleness."""


def resolve(function: str) -> Callable[..., Any]:
    """The function a dotted path ``"package.module:function"`` names.

    >>> resolve("coprod.jobs:resolve").__name__
    'resolve'
    """
    module, _, name = function.partition(":")
    if not name:
        raise ValueError(f"job function '{function}' is not of the form 'package.module:function'")
    return getattr(importlib.import_module(module), name)


def data_inputs(named: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's named inputs less the study's resources and the library modules."""
    skip = {*NOT_DATA, *RESOURCE_KEYS}
    return {name: path for name, path in named.items() if name not in skip}


def write_records(
    records: Mapping[str, Any], outputs: Mapping[str, str], render: Mapping[str, Any]
) -> None:
    """Write a records job's frames, each as Parquet to the output of its name."""
    for name, frame in records.items():
        frame.to_parquet(outputs[name], index=False)


def run(snakemake: Any, function: str | None = None) -> None:
    """Run one job inside a Snakemake script: load, call, write, with stderr in the log.

    ``function`` defaults to the rule's ``params.function``; the settings are
    ``params.settings``; ``params.writer`` names the function that writes the result
    (:data:`coprod.registry.WRITERS`) and ``params.render`` its options (``csv_digits``
    for tables, ``style`` for figures).
    """
    from coprod.resources import load_study

    with logged(snakemake):
        params = snakemake.params
        named = dict(snakemake.input.items())
        study = load_study({key: named[key] for key in RESOURCE_KEYS})
        job = resolve(function or params.function)
        result = job(study, data_inputs(named), params.settings)
        write = resolve(params.writer)
        write(result, dict(snakemake.output.items()), params.render)
