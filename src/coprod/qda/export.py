"""Write focus groups as a REFI-QDA project (``.qdpx``) that QDA software opens.

Used twice: the synthetic generator writes the bundled study's coded focus groups as
one project per coder (:func:`coder_projects`), and the workflow writes the
adjudicated (consensus) coding back for the team (:func:`consensus_project`).

Decisions
---------
- The codebook is the study's focus-group codebook, its codes grouped under one
  folder code per kind (``isCodable="false"``), so a code's path is ``<kind>/<label>``;
  :func:`code_paths` gives the mapping file's ``codes`` entries for it.
- Each transcript is a text source in ``sources/<guid>.txt`` (UTF-8, ``internal://``),
  named by its focus group, with the focus group's case, sample and service class as
  the source's variables; selections count code points, ``endPosition`` just after the
  last character (:mod:`coprod.qda.project`).
- The bytes are reproducible: GUIDs are UUID-5 of names, the dates are fixed, and the
  zip entries are written in a fixed order with a fixed time stamp. Every written
  ``project.qde`` is validated against ``Project.xsd`` before the file is written.

Example
-------
>>> from coprod.qda.turns import Transcript, Turn
>>> text = "P1: We lacked trust.\\n"
>>> fg = Transcript("group_a", "group_a", text, (Turn(1, "P1", 4, 20, "managers"),),
...                 {"focus_group": "group_a", "case": "c", "sample": 1, "service_class": "r"})
>>> data = project_bytes([fg], ["coder_1"], {"trust": "barrier/Trust"},
...                      {"coder_1": [("group_a", 4, 20, ["trust"])]})
>>> data[:2]
b'PK'
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import pandas as pd

from coprod.qda.project import NS, schema_errors
from coprod.qda.turns import Transcript, Turn

__all__ = [
    "TURN_TEMPLATE",
    "code_paths",
    "coder_projects",
    "compose_transcripts",
    "consensus_project",
    "project_bytes",
]

STAMP = "2026-01-01T00:00:00Z"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
GUIDS = uuid.UUID("6f1d3c2a-5b7e-4c1a-9d2f-0a1b2c3d4e5f")
METADATA = ("case", "sample", "service_class")
TURN_TEMPLATE = "{speaker}: {text}\n"
"""How :func:`compose_transcripts` writes a turn; the default turn pattern reads it."""


def compose_transcripts(
    segments: pd.DataFrame,
) -> tuple[list[Transcript], dict[str, tuple[str, int]]]:
    """The transcripts of segments with their ``text`` (the CSV form): each focus group's
    turns in order, one line each (:data:`TURN_TEMPLATE`); and segment id -> (source,
    turn number)."""
    transcripts, turn_of = [], {}
    for fg, rows in segments.groupby("focus_group", sort=False):
        text, turns = "", []
        for number, row in enumerate(rows.to_dict("records"), start=1):
            label = TURN_TEMPLATE.split("{text}")[0].format(speaker=row["speaker"])
            start = len(text) + len(label)
            text += TURN_TEMPLATE.format(speaker=row["speaker"], text=row["text"])
            turns.append(
                Turn(
                    number,
                    str(row["speaker"]),
                    start,
                    start + len(str(row["text"])),
                    str(row["speaker_group"]),
                )
            )
            turn_of[str(row["segment_id"])] = (str(fg), number)
        first = rows.iloc[0]
        meta = {"focus_group": str(fg), **{c: first[c] for c in METADATA}}
        transcripts.append(Transcript(str(fg), str(fg), text, tuple(turns), meta))
    return transcripts, turn_of


def _guid(*parts: Any) -> str:
    return str(uuid.uuid5(GUIDS, "/".join(str(p) for p in parts))).upper()


def code_paths(codes: pd.DataFrame) -> dict[str, str]:
    """Code id -> its path in the written codebook (``<kind>/<label>``)."""
    return {code: f"{row['kind']}/{row['label']}" for code, row in codes.iterrows()}


def project_bytes(
    transcripts: Sequence[Transcript],
    users: Sequence[str],
    paths: Mapping[str, str],
    selections: Mapping[str, Sequence[tuple[str, int, int, Sequence[str]]]],
    name: str = "focus groups",
) -> bytes:
    """A ``.qdpx`` (zip bytes): ``paths`` code id -> ``folder/name``; ``selections``
    user -> ``(source, start, end, [code ids])``."""
    user_guid = {user: _guid("user", user) for user in users}
    root = Element(
        "Project",
        {"xmlns": NS, "name": name, "origin": "coprod", "creationDateTime": STAMP},
    )
    people = SubElement(root, "Users")
    for user in users:
        SubElement(people, "User", {"guid": user_guid[user], "name": user})
    codes = SubElement(SubElement(root, "CodeBook"), "Codes")
    folders: dict[str, Element] = {}
    for code, path in paths.items():
        folder, _, label = path.partition("/")
        if folder not in folders:
            folders[folder] = SubElement(
                codes,
                "Code",
                {"guid": _guid("folder", folder), "name": folder, "isCodable": "false"},
            )
        SubElement(
            folders[folder],
            "Code",
            {"guid": _guid("code", code), "name": label, "isCodable": "true"},
        )
    variables = SubElement(root, "Variables")
    for column in METADATA:
        kind = "Integer" if column == "sample" else "Text"
        SubElement(
            variables,
            "Variable",
            {"guid": _guid("variable", column), "name": column, "typeOfVariable": kind},
        )
    sources = SubElement(root, "Sources")
    files = {}
    for transcript in transcripts:
        guid = _guid("source", transcript.source)
        files[f"sources/{guid}.txt"] = transcript.text.encode("utf-8")
        source = SubElement(
            sources,
            "TextSource",
            {"guid": guid, "name": transcript.source, "plainTextPath": f"internal://{guid}.txt"},
        )
        for user in users:
            for src, start, end, applied in selections.get(user, ()):
                if src != transcript.source:
                    continue
                key = (user, src, start, end)
                selection = SubElement(
                    source,
                    "PlainTextSelection",
                    {
                        "guid": _guid("selection", *key),
                        "startPosition": str(start),
                        "endPosition": str(end),
                        "creatingUser": user_guid[user],
                        "creationDateTime": STAMP,
                    },
                )
                for code in applied:
                    coding = SubElement(
                        selection,
                        "Coding",
                        {"guid": _guid("coding", *key, code), "creatingUser": user_guid[user]},
                    )
                    SubElement(coding, "CodeRef", {"targetGUID": _guid("code", code)})
        for column in METADATA:
            value = SubElement(source, "VariableValue")
            SubElement(value, "VariableRef", {"targetGUID": _guid("variable", column)})
            kind = "IntegerValue" if column == "sample" else "TextValue"
            SubElement(value, kind).text = str(transcript.metadata[column])
    qde = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(
        root, encoding="utf-8", xml_declaration=False
    )
    errors = schema_errors(qde)
    if errors:  # a bug here, not in the user's data
        raise AssertionError(f"written project.qde breaks Project.xsd: {errors[0]}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in [("project.qde", qde), *sorted(files.items())]:
            info = zipfile.ZipInfo(member, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def coder_projects(
    transcripts: Sequence[Transcript],
    turn_of: Mapping[str, tuple[str, int]],
    codings: pd.DataFrame,
    codes: pd.DataFrame,
    spans: Mapping[tuple[str, str], tuple[int, int]] | None = None,
) -> dict[str, bytes]:
    """One project per coder. ``turn_of``: segment id -> (source, turn number); a
    coding's selection is ``spans[(segment, code)]`` where given (a sentence of the
    turn), else the whole turn; the codes of one coder on one span share a selection."""
    by_source = {t.source: t for t in transcripts}
    paths = code_paths(codes)
    out = {}
    for coder, rows in codings.groupby("coder", sort=False):
        grouped: dict[tuple[str, int, int], list[str]] = {}
        for segment, code in zip(rows["segment_id"], rows["code"], strict=True):
            source, number = turn_of[segment]
            turn = by_source[source].turns[number - 1]
            start, end = (spans or {}).get((segment, code), (turn.start, turn.end))
            grouped.setdefault((source, start, end), []).append(code)
        selections = {str(coder): [(s, a, b, c) for (s, a, b), c in grouped.items()]}
        out[str(coder)] = project_bytes(transcripts, [str(coder)], paths, selections)
    return out


def consensus_project(
    transcripts: Sequence[Transcript],
    turn_of: Mapping[str, tuple[str, int]],
    consensus: pd.DataFrame,
    codes: pd.DataFrame,
    user: str = "consensus",
) -> bytes:
    """The adjudicated coding as one project: each turn's consensus codes (the 0/1
    columns of ``consensus``) on one selection of the whole turn, by ``user``."""
    by_source = {t.source: t for t in transcripts}
    selections = []
    code_ids = [code for code in codes.index if code in consensus.columns]
    for values in consensus.to_dict("records"):
        applied = [code for code in code_ids if int(values[code]) == 1]
        if not applied:
            continue
        source, number = turn_of[values["segment_id"]]
        turn = by_source[source].turns[number - 1]
        selections.append((source, turn.start, turn.end, applied))
    return project_bytes(
        transcripts, [user], code_paths(codes), {user: selections}, name="consensus coding"
    )
