"""From coded selections to the units the study analyses: speaker turns, coders, codes.

The result is exactly the focus-group tables the CSV import makes
(:mod:`coprod.raw.focus_groups`): one row per turn (``segment_id, focus_group, case,
sample, service_class, turn, speaker, speaker_group``) and one row per code a coder
applied to a turn (``segment_id, coder, code``), so everything downstream runs
unchanged.

Decisions
---------
- **Turns.** A transcript is split into speaker turns by ``turn_pattern`` (a regular
  expression, matched at the start of every line, with a named group ``speaker``; a
  group ``speaker_group`` gives the stakeholder group from the label itself). A turn's
  text runs from the end of its label to the next label, without surrounding
  white space; text before the first label (a title, a preamble) is no turn. A
  transcript without any turn is an error.
- **Coded turn.** A coder applied a code to a turn when one of their selections
  carrying that code overlaps the turn's text by at least ``min_overlap`` characters
  (default 1: any overlap). A selection across two turns codes both; the same code
  from several selections of one coder counts once. A selection that overlaps no turn,
  and a coding of a whole source (without a selection), are listed in the report, not
  dropped in silence.
- **Mapping.** QDA users become coder ids and QDA codes (by hierarchy path, names
  joined by ``/``, or by name) become codes of the focus-group codebook through the
  mapping file; a user or code the file does not map is listed by name (with its
  number of codings) in the report and the job's log. The speaker's stakeholder group
  comes from the label (``speaker_group`` in the pattern) or from the file's
  ``participants`` (per focus group, or ``"*"`` for every one).
- **Several projects.** Sources are matched across projects by name; their texts must
  have the same SHA-256 checksum (GUIDs differ between copies), or the import stops.
- **Case, sample, service class.** From the source's name (named groups of
  ``source_name_pattern``), from the project's variables of the source (its own, or
  of the cases that name it), or from the mapping file's ``sources`` (source name ->
  case, sample, service class), as ``source_metadata`` says; the focus-group id is the
  pattern's ``focus_group`` group (default: the whole name). With ``mapping``, a
  source the file does not list is no focus group: it is skipped and listed in the
  report (a project may hold memos or documents besides the transcripts).
- **Order.** Turns in the order of the sources (as the first project lists them) and
  of the text; codings by turn, then coder (in the mapping file's order), then code
  (in the codebook's order) - the CSV layout's order.

Example
-------
>>> turns = split_turns("Title\\nP1: Hello there.\\nP2: Yes.\\n", DEFAULT_TURN_PATTERN)
>>> [(t.speaker, t.start, t.end) for t in turns]
[('P1', 10, 22), ('P2', 27, 31)]
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from coprod.errors import StudyInputError
from coprod.qda.project import Project, QdpxError, TextSource
from coprod.raw.formats import CODING_COLUMNS, SEGMENT_COLUMNS, quoted
from coprod.raw.personal_data import shown
from coprod.resources import Study

__all__ = [
    "DEFAULTS",
    "DEFAULT_TURN_PATTERN",
    "FocusGroups",
    "QdaMapping",
    "Transcript",
    "Turn",
    "checksum",
    "describe_unmapped",
    "focus_group_tables",
    "load_mapping",
    "split_turns",
]

KEY = "raw.focus_group_qdpx"
DEFAULT_TURN_PATTERN = r"^(?P<speaker>[^\s:][^:\n]{0,60}?):[ \t]+"
DEFAULTS: dict[str, Any] = {
    "turn_pattern": DEFAULT_TURN_PATTERN,
    "min_overlap": 1,
    "source_metadata": "name",
    "source_name_pattern": r"(?P<focus_group>.+)",
    "variables": {"case": "case", "sample": "sample", "service_class": "service_class"},
    "segment_id": "{focus_group}-T{turn:03d}",
    "coders_per_source": 2,
}
METADATA = ("case", "sample", "service_class")
REPORT_COLUMNS = ["kind", "name", "codings", "where"]


@dataclass(frozen=True)
class Turn:
    """A speaker turn: its number (from 1), the speaker label, and where its text is."""

    number: int
    speaker: str
    start: int
    end: int
    group: str | None = None


@dataclass(frozen=True)
class Transcript:
    """One focus group's transcript: its source, text, turns and metadata."""

    focus_group: str
    source: str
    text: str
    turns: tuple[Turn, ...]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QdaMapping:
    """The mapping file: QDA user -> coder id, QDA code -> codebook code, and per focus
    group (or ``"*"``) speaker label -> stakeholder group."""

    path: str
    coders: dict[str, str]
    codes: dict[str, str]
    participants: dict[str, dict[str, str]]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class FocusGroups:
    """The import's result: the two tables, what was not mapped, and the transcripts."""

    segments: pd.DataFrame
    codings: pd.DataFrame
    unmapped: pd.DataFrame
    transcripts: list[Transcript]
    turn_of: dict[str, tuple[str, int]] = field(default_factory=dict)


def split_turns(text: str, pattern: str, source: str = "", path: str = "") -> list[Turn]:
    """The speaker turns of ``text``: each label the pattern matches starts one."""
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    if not matches:
        raise QdpxError(
            path,
            f"the turn pattern '{pattern}' ({KEY}.turn_pattern) finds no speaker turn in the "
            "source's text.",
            entry=f"TextSource '{source}'",
            fix="Set the pattern to match the speaker labels of the transcripts (a named "
            "group 'speaker', at the start of a line).",
        )
    turns = []
    for number, match in enumerate(matches, start=1):
        stop = matches[number].start() if number < len(matches) else len(text)
        body = text[match.end() : stop]
        start = match.end() + len(body) - len(body.lstrip())
        end = match.end() + len(body.rstrip())
        groups = match.groupdict()
        group = groups.get("speaker_group")
        turns.append(Turn(number, groups["speaker"].strip(), start, max(start, end), group))
    return turns


def _mapping_error(path: str, problem: str, entry: str | None = None) -> StudyInputError:
    return StudyInputError(
        path,
        problem,
        entry=entry,
        fix="The mapping file has 'coders' (QDA user -> coder id), 'codes' (QDA code name or "
        "path -> focus-group code) and optionally 'participants' (focus group or '*' -> "
        "speaker label -> stakeholder group) and 'sources' (source name -> case, sample, "
        "service_class); see docs/qda.md.",
    )


def load_mapping(path: str | Path, study: Study) -> QdaMapping:
    """Read the mapping file (YAML) and check its targets against the study."""
    where = str(path)
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("coders"), dict):
        raise _mapping_error(where, "the file needs a mapping 'coders'.")
    if not isinstance(raw.get("codes"), dict):
        raise _mapping_error(where, "the file needs a mapping 'codes'.")
    codes = {str(k): str(v) for k, v in raw["codes"].items()}
    known = list(study.focus_group_codes.index)
    for key, code in codes.items():
        if code not in known:
            raise _mapping_error(
                where,
                f"'{code}' is not a code of the focus-group codebook; allowed: {quoted(known)}.",
                entry=f"codes: '{key}'",
            )
    groups = list(study.stakeholder_groups.index)
    participants = {
        str(fg): {str(k): str(v) for k, v in (speakers or {}).items()}
        for fg, speakers in (raw.get("participants") or {}).items()
    }
    for fg, speakers in participants.items():
        for speaker, group in speakers.items():
            if group not in groups:
                raise _mapping_error(
                    where,
                    f"'{group}' is not in the stakeholder_groups registry; allowed: "
                    f"{quoted(groups)}.",
                    entry=f"participants: '{fg}': {shown(speaker)}",
                )
    coders = {str(k): str(v) for k, v in raw["coders"].items()}
    sources = {str(k): dict(v or {}) for k, v in (raw.get("sources") or {}).items()}
    return QdaMapping(where, coders, codes, participants, sources)


def checksum(text: str) -> str:
    """The SHA-256 of a text (UTF-8), by which sources are matched across projects."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _metadata(
    source: TextSource, path: str, settings: Mapping[str, Any], mapping: QdaMapping
) -> dict[str, Any]:
    entry = f"TextSource '{source.name}'"
    match = re.fullmatch(settings["source_name_pattern"], source.name)
    if match is None or "focus_group" not in match.groupdict():
        raise QdpxError(
            path,
            f"the source's name does not match {KEY}.source_name_pattern "
            f"'{settings['source_name_pattern']}' (with a group 'focus_group').",
            entry=entry,
            fix="Rename the source, or change the pattern in config/config.yaml.",
        )
    found: dict[str, Any] = {"focus_group": match["focus_group"]}
    for column in METADATA:
        if settings["source_metadata"] == "name":
            value = match.groupdict().get(column)
            how = f"the name pattern has no group '{column}'"
        elif settings["source_metadata"] == "mapping":
            value = mapping.sources[source.name].get(column)
            how = f"the mapping file {mapping.path} gives the source no '{column}'"
        else:
            variable = settings["variables"][column]
            value = source.variables.get(variable)
            how = f"the project gives the source (or its case) no variable '{variable}'"
        if value is None or str(value).strip() == "":
            raise QdpxError(
                path,
                f"the source's {column} is unknown: {how} ({KEY}.source_metadata is "
                f"'{settings['source_metadata']}').",
                entry=entry,
                fix="Give the source its case, sample and service class as config says "
                "(docs/qda.md).",
            )
        found[column] = str(value).strip()
    try:
        found["sample"] = int(found["sample"])
    except ValueError:
        raise QdpxError(
            path,
            f"the source's sample {shown(found['sample'])} is not a whole number.",
            entry=entry,
            fix="Give the sample as a number (1, 2, ...).",
        ) from None
    return found


def _check_metadata(meta: dict[str, Any], study: Study, samples, path: str, entry: str) -> None:
    for column, registry in (("case", "cases"), ("service_class", "service_classes")):
        known = list(study.registries[registry].index)
        if meta[column] not in known:
            raise QdpxError(
                path,
                f"the source's {column} {shown(meta[column])} is not in the {registry} "
                f"registry; allowed: {quoted(known)}.",
                entry=entry,
                fix="Use the registry's id, or add the entry to the registry.",
            )
    if samples is not None and meta["sample"] not in list(samples):
        raise QdpxError(
            path,
            f"the source's sample {meta['sample']} is not a sample of the study; the config "
            f"lists samples {', '.join(str(s) for s in samples)}.",
            entry=entry,
            fix="Correct the sample, or add the sample's survey export to raw.survey.",
        )


def _speaker_group(turn: Turn, fg: str, mapping: QdaMapping, study: Study, path: str, source):
    groups = list(study.stakeholder_groups.index)
    group = turn.group or mapping.participants.get(fg, {}).get(turn.speaker)
    group = group or mapping.participants.get("*", {}).get(turn.speaker)
    entry = f"TextSource '{source}', turn {turn.number}"
    if group is None:
        raise QdpxError(
            path,
            f"speaker {shown(turn.speaker)} has no stakeholder group: the turn pattern gives "
            f"none and the mapping file {mapping.path} lists none under participants "
            f"'{fg}' or '*'.",
            entry=entry,
            fix="Add the speaker to the mapping file's participants.",
        )
    if group not in groups:
        raise QdpxError(
            path,
            f"speaker group {shown(group)} is not in the stakeholder_groups registry; "
            f"allowed: {quoted(groups)}.",
            entry=entry,
            fix="Use the registry's id in the transcript, or map the speaker instead.",
        )
    return group


def _transcripts(projects: Sequence[Project], settings, study, samples, mapping):
    """Every source once (matched across projects by name and checksum), split into turns."""
    seen: dict[str, tuple[str, str]] = {}
    transcripts: list[Transcript] = []
    for project in projects:
        for source in project.sources:
            digest = checksum(source.text)
            if source.name in seen:
                first, first_digest = seen[source.name]
                if digest != first_digest:
                    raise QdpxError(
                        project.path,
                        f"the source's text differs from the source of the same name in "
                        f"{first} (SHA-256 {digest[:12]}... against {first_digest[:12]}...); "
                        "every coder must code the same transcript.",
                        entry=f"TextSource '{source.name}'",
                        fix="Export every coder's project from the same transcripts.",
                    )
                continue
            seen[source.name] = (project.path, digest)
            if settings["source_metadata"] == "mapping" and source.name not in mapping.sources:
                continue
            meta = _metadata(source, project.path, settings, mapping)
            _check_metadata(meta, study, samples, project.path, f"TextSource '{source.name}'")
            turns = split_turns(source.text, settings["turn_pattern"], source.name, project.path)
            fg = meta["focus_group"]
            turns = [
                Turn(
                    t.number,
                    t.speaker,
                    t.start,
                    t.end,
                    _speaker_group(t, fg, mapping, study, project.path, source.name),
                )
                for t in turns
            ]
            transcripts.append(Transcript(fg, source.name, source.text, tuple(turns), meta))
    return transcripts


def focus_group_tables(
    projects: Sequence[Project],
    mapping: QdaMapping,
    study: Study,
    settings: Mapping[str, Any] | None = None,
    samples: Sequence[int] | None = None,
) -> FocusGroups:
    """The focus-group segments and codings of one or more projects (see the Decisions)."""
    settings = {**DEFAULTS, **(settings or {})}
    transcripts = _transcripts(projects, settings, study, samples, mapping)
    by_source = {t.source: t for t in transcripts}
    segment_of: dict[tuple[str, int], str] = {}
    rows = []
    for transcript in transcripts:
        for turn in transcript.turns:
            fields = {**transcript.metadata, "turn": turn.number}
            segment_id = settings["segment_id"].format(**fields)
            segment_of[(transcript.source, turn.number)] = segment_id
            rows.append(
                {
                    **{c: transcript.metadata[c] for c in ("focus_group", *METADATA)},
                    "segment_id": segment_id,
                    "turn": turn.number,
                    "speaker": turn.speaker,
                    "speaker_group": turn.group,
                }
            )
    segments = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    for column in SEGMENT_COLUMNS:
        kind = "int64" if column in ("sample", "turn") else "str"
        segments[column] = segments[column].astype(kind)
    coder_order = list(dict.fromkeys(mapping.coders.values()))
    code_order = list(study.focus_group_codes.index)
    found: set[tuple[int, int, int]] = set()
    unmapped: dict[tuple[str, str], list[Any]] = {}
    coders_of: dict[str, set[str]] = {}
    index = {sid: i for i, sid in enumerate(segments["segment_id"])}
    for project in projects:
        for source in project.sources:
            transcript = by_source.get(source.name)
            if transcript is None:
                entry = unmapped.setdefault(("source", source.name), [0, project.path])
                entry[0] += len(source.codings)
                continue
            if source.whole:
                kind = "coding of the whole source (no selection)"
                entry = unmapped.setdefault((kind, source.name), [0, project.path])
                entry[0] += source.whole
            for coding in source.codings:
                user = project.users.get(coding.user, coding.user)
                coder = mapping.coders.get(user, mapping.coders.get(coding.user))
                code = project.codes[coding.code]
                target = mapping.codes.get(code.path, mapping.codes.get(code.name))
                missing = [("user", user)] if coder is None else []
                missing += [("code", code.path)] if target is None else []
                for kind, name in missing:
                    entry = unmapped.setdefault((kind, name), [0, project.path])
                    entry[0] += 1
                if missing:
                    continue
                hits = [
                    t
                    for t in transcript.turns
                    if min(t.end, coding.end) - max(t.start, coding.start)
                    >= settings["min_overlap"]
                ]
                if not hits:
                    entry = unmapped.setdefault(
                        (
                            "selection outside every turn",
                            f"{source.name} {coding.start}-{coding.end}",
                        ),
                        [0, project.path],
                    )
                    entry[0] += 1
                coders_of.setdefault(source.name, set()).add(coder)
                for turn in hits:
                    found.add(
                        (
                            index[segment_of[(source.name, turn.number)]],
                            coder_order.index(coder),
                            code_order.index(target),
                        )
                    )
    _check_coders(transcripts, coders_of, projects, settings)
    ordered = sorted(found)
    codings = pd.DataFrame(
        [(segments["segment_id"].iat[s], coder_order[c], code_order[k]) for s, c, k in ordered],
        columns=list(CODING_COLUMNS),
    ).astype("str")
    report = pd.DataFrame(
        [[kind, name, count, path] for (kind, name), (count, path) in unmapped.items()],
        columns=REPORT_COLUMNS,
    )
    report["codings"] = report["codings"].astype("int64")
    turn_of = {sid: key for key, sid in segment_of.items()}
    return FocusGroups(segments, codings, report, transcripts, turn_of)


def _check_coders(transcripts, coders_of, projects, settings) -> None:
    need = settings["coders_per_source"]
    for transcript in transcripts:
        coders = sorted(coders_of.get(transcript.source, set()))
        if len(coders) < need:
            paths = [
                p.path for p in projects if any(s.name == transcript.source for s in p.sources)
            ]
            raise QdpxError(
                ", ".join(paths),
                f"the source is coded by {len(coders)} coder{'s' if len(coders) != 1 else ''}"
                f"{' (' + ', '.join(coders) + ')' if coders else ''}; intercoder reliability "
                f"needs every source coded by at least {need} ({KEY}.coders_per_source).",
                entry=f"TextSource '{transcript.source}'",
                fix="Add the other coders' projects to raw.focus_group_qdpx.projects, or map "
                "their users in the mapping file.",
            )


def describe_unmapped(report: pd.DataFrame) -> str:
    """The report's lines for the log: what was not mapped, by name."""
    if report.empty:
        return "every QDA user and code with codings is mapped; every selection meets a turn"
    return "\n".join(
        f"not mapped: {row.kind} '{row.name}' ({row.codings} coding(s), {row.where})"
        if row.kind in ("user", "code", "source")
        else f"not counted: {row.kind} {row.name} ({row.codings} coding(s), {row.where})"
        for row in report.itertuples()
    )
