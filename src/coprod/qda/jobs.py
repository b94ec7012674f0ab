"""The workflow's REFI-QDA jobs (see :mod:`coprod.jobs`): the focus groups ingested from
QDA projects, and the adjudicated coding exported as a project.

Which form the focus groups come in is ``raw.focus_group_form`` (``csv`` or ``qdpx``);
the settings of the QDA import are ``raw.focus_group_qdpx`` (:mod:`coprod.qda.turns`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pandas as pd

from coprod.jobs import Inputs, Settings
from coprod.qda.export import compose_transcripts, consensus_project
from coprod.qda.project import read_project
from coprod.qda.turns import FocusGroups, describe_unmapped, focus_group_tables, load_mapping
from coprod.raw.formats import read_csv_table
from coprod.resources import Study

__all__ = ["consensus_qdpx", "import_projects", "ingest", "write_qdpx"]


def import_projects(study: Study, inputs: Inputs, settings: Settings) -> FocusGroups:
    """The QDA projects named in ``inputs["projects"]`` read into the focus-group tables."""
    projects = [read_project(path) for path in inputs["projects"]]
    mapping = load_mapping(inputs["mapping"], study)
    return focus_group_tables(projects, mapping, study, settings["qdpx"], settings["samples"])


def ingest(study: Study, inputs: Inputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """The focus-group segments and codings from QDA projects, and what was not mapped
    (also written to the log, by name)."""
    result = import_projects(study, inputs, settings)
    print(describe_unmapped(result.unmapped), file=sys.stderr)
    print(
        f"{len(result.segments)} turns of {len(result.transcripts)} focus groups, "
        f"{len(result.codings)} codings",
        file=sys.stderr,
    )
    return {"segments": result.segments, "codings": result.codings, "unmapped": result.unmapped}


def consensus_qdpx(study: Study, inputs: Inputs, settings: Settings) -> dict[str, bytes]:
    """The consensus codes written back as a REFI-QDA project, on the transcripts the
    focus groups came in (the QDA projects' sources, or the CSV turns one per line)."""
    if settings["form"] == "qdpx":
        imported = import_projects(study, inputs, settings)
        transcripts, turn_of = imported.transcripts, imported.turn_of
    else:
        table, _ = read_csv_table(inputs["segments"], 1, "a focus-group segments file")
        cells = table.cells.map(lambda value: str(value).strip())
        transcripts, turn_of = compose_transcripts(cells)
    consensus = pd.read_parquet(inputs["consensus"])
    data = consensus_project(transcripts, turn_of, consensus, study.focus_group_codes)
    return {"qdpx": data}


def write_qdpx(records: Mapping[str, Any], outputs: Mapping[str, str], render: Any) -> None:
    """Write a job's ``.qdpx`` bytes to the output of the same name."""
    for name, data in records.items():
        with open(outputs[name], "wb") as handle:
            handle.write(data)
