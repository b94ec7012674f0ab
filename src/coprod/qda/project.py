"""Read a REFI-QDA project (``.qdpx``): users, codebook, text sources and their coded
selections, cases and variables, checked against the REFI-QDA schema.

A ``.qdpx`` is a zip archive holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``) and a ``sources/`` folder. ``project.qde`` is validated
against the schema in ``coprod/qda/schema/Project.xsd`` (a copy of REFI's, MIT) before
anything reads it; a ``schemaLocation`` in the file is never followed (no network, no
file outside the archive is opened: ``xmlschema`` runs with ``allow="none"`` and
entities defused).

Decisions
---------
- **Positions.** The REFI-QDA 1.5 specification (section 10.2) defines a text selection
  by character positions counted in Unicode code points, the first code point of the
  text being 0. Python strings are indexed by code point, so a position is an index
  into the decoded text as it is: an astral character (emoji) counts once, not twice
  as in UTF-16, and a Windows line end (CR LF) counts as the two code points it is.
  Line ends are never translated (the text files are decoded from their bytes). The
  ``endPosition`` is read as the position just after the selection's last character
  (``text[start:end]`` is the selected text), as the tools write it; a selection with
  ``endPosition`` beyond the text's length is outside the text, an error.
- **Text.** Inline ``PlainTextContent``, or the file ``plainTextPath`` names inside the
  archive: ``internal://<name>`` is ``sources/<name>``; a bare relative name (as some
  tools write) is looked up in ``sources/`` too. ``relative://`` and ``absolute://``
  paths point outside the archive and are an error (nothing outside is read). The
  files are UTF-8 (specification 9.1.2); a leading byte-order mark is an encoding
  signature, not a character, and is dropped. Inline content is what the XML parser
  gives (XML turns a raw CR LF into LF).
- **The project file.** ``project.qde`` at the top of the archive, as the
  specification names it; an archive with no ``project.qde`` but exactly one other
  ``.qde`` file at the top (ATLAS.ti names it after the project) is read from that.
- **Who coded.** A coding's user is its ``creatingUser``, else its selection's
  ``creatingUser``, else the project's only user; with several users and none named,
  the coding is an error (it cannot be attributed to a coder).

Example
-------
>>> project = read_project("resources/raw/focus_groups_coder_1.qdpx")
>>> len(project.sources), sorted(project.users.values())
(16, ['coder_1'])
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

import xmlschema

from coprod.errors import StudyInputError

__all__ = [
    "NS",
    "SCHEMA",
    "Code",
    "Coding",
    "Project",
    "QdpxError",
    "TextSource",
    "read_project",
    "schema_errors",
]

NS = "urn:QDA-XML:project:1.0"
SCHEMA = Path(__file__).resolve().parent / "schema" / "Project.xsd"
PROJECT_FILE = "project.qde"
SOURCES = "sources"


class QdpxError(StudyInputError):
    """A ``.qdpx`` project cannot be read: the message names the file and the element."""


@dataclass(frozen=True)
class Code:
    """A code of the codebook: its ``name``, its ``path`` (the names from the top of the
    hierarchy, joined by ``/``) and whether it can be applied."""

    guid: str
    name: str
    path: str
    codable: bool


@dataclass(frozen=True)
class Coding:
    """One code applied by one user to the characters ``start`` to ``end`` (exclusive)."""

    selection: str
    start: int
    end: int
    code: str
    user: str


@dataclass(frozen=True)
class TextSource:
    """A text source: its name, text, the project's variables of it, and its codings."""

    guid: str
    name: str
    text: str
    variables: dict[str, Any] = field(default_factory=dict)
    codings: tuple[Coding, ...] = ()
    whole: int = 0
    """Codings of the whole source (no selection): not read, counted for the report."""


@dataclass(frozen=True)
class Project:
    """A read project: ``users`` (guid -> name), ``codes`` (guid -> Code), ``sources``."""

    path: str
    users: dict[str, str]
    codes: dict[str, Code]
    sources: tuple[TextSource, ...]


@lru_cache(maxsize=1)
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA))


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _resource(data: bytes, path: str) -> xmlschema.XMLResource:
    try:
        return xmlschema.XMLResource(io.BytesIO(data), allow="none", defuse="always")
    except (xmlschema.XMLResourceError, SyntaxError) as error:
        raise QdpxError(
            path,
            f"{PROJECT_FILE} is not well-formed XML ({error}).",
            fix="Export the project again from the QDA software.",
        ) from None


def schema_errors(data: bytes, path: str = "project.qde") -> list[str]:
    """Where ``data`` (a ``project.qde``) breaks the REFI-QDA schema: one line per error."""
    resource = _resource(data, path)
    return [
        f"{error.reason} (element {error.path})"
        for error in _schema().iter_errors(resource, use_location_hints=False)
    ]


def _describe(element: Element) -> str:
    kind = element.tag.rpartition("}")[2]
    name = element.get("name")
    label = f" '{name}'" if name else ""
    return f"{kind}{label} (guid {element.get('guid')})"


def _codes(codebook: Element | None) -> dict[str, Code]:
    codes: dict[str, Code] = {}

    def walk(parent: Element, prefix: str) -> None:
        for element in parent.findall(_tag("Code")):
            path = f"{prefix}/{element.get('name')}" if prefix else str(element.get("name"))
            codes[str(element.get("guid"))] = Code(
                str(element.get("guid")),
                str(element.get("name")),
                path,
                element.get("isCodable") in ("true", "1"),
            )
            walk(element, path)

    if codebook is not None:
        walk(codebook.find(_tag("Codes")), "")
    return codes


def _value(element: Element) -> Any:
    for child in element:
        kind = child.tag.rpartition("}")[2]
        if kind == "VariableRef":
            continue
        text = (child.text or "").strip()
        if kind == "IntegerValue":
            return int(text)
        if kind == "BooleanValue":
            return text in ("true", "1")
        return text
    return None


def _variables(root: Element) -> dict[str, dict[str, Any]]:
    """The variables of every source: its own values, and those of the cases that
    name it (a source's own value wins)."""
    names = {
        v.get("guid"): str(v.get("name")) for v in root.iter(_tag("Variable")) if v.get("guid")
    }

    def values(element: Element) -> dict[str, Any]:
        return {
            names.get(value.find(_tag("VariableRef")).get("targetGUID"), "?"): _value(value)
            for value in element.findall(_tag("VariableValue"))
        }

    found: dict[str, dict[str, Any]] = {}
    cases = root.find(_tag("Cases"))
    for case in cases.findall(_tag("Case")) if cases is not None else []:
        for ref in case.findall(_tag("SourceRef")):
            found.setdefault(str(ref.get("targetGUID")), {}).update(values(case))
    sources = root.find(_tag("Sources"))
    for source in sources.findall(_tag("TextSource")) if sources is not None else []:
        found.setdefault(str(source.get("guid")), {}).update(values(source))
    return found


def _source_text(archive: zipfile.ZipFile, element: Element, path: str) -> str:
    inline = element.find(_tag("PlainTextContent"))
    if inline is not None:
        return inline.text or ""
    target = element.get("plainTextPath")
    where = _describe(element)
    if not target:
        raise QdpxError(
            path,
            "the text source has neither PlainTextContent nor plainTextPath.",
            entry=where,
            fix="Export the project again with its text sources included.",
        )
    if target.startswith(("relative://", "absolute://")):
        raise QdpxError(
            path,
            f"plainTextPath '{target}' points outside the project archive; only text "
            "inside the .qdpx is read.",
            entry=where,
            fix="Export the project with its sources embedded (internal://).",
        )
    name = target.removeprefix("internal://")
    members = {member.lower(): member for member in archive.namelist()}
    member = members.get(str(PurePosixPath(SOURCES, name)).lower())
    if member is None:
        raise QdpxError(
            path,
            f"plainTextPath '{target}' names no file in the archive's {SOURCES}/ folder.",
            entry=where,
            fix="Export the project again with its sources embedded.",
        )
    try:
        return archive.read(member).decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise QdpxError(
            path,
            f"{member} is not UTF-8 text ({error.reason} at byte {error.start}); REFI-QDA "
            "plain-text sources are UTF-8.",
            entry=where,
            fix="Export the project again, or re-save the text as UTF-8.",
        ) from None


def _coding_user(coding: Element, selection: Element, users: dict[str, str], path: str) -> str:
    user = coding.get("creatingUser") or selection.get("creatingUser")
    if user is None and len(users) == 1:
        user = next(iter(users))
    if user is None:
        raise QdpxError(
            path,
            "the coding names no creatingUser (nor does its selection), and the project has "
            f"{len(users)} users, so it cannot be given to a coder.",
            entry=f"{_describe(coding)} of {_describe(selection)}",
            fix="Export the project with the user of each coding.",
        )
    return user


def _selections(
    element: Element, text: str, codes: dict[str, Code], users: dict[str, str], path: str
) -> tuple[Coding, ...]:
    codings = []
    for selection in element.findall(_tag("PlainTextSelection")):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        if not 0 <= start <= end <= len(text):
            raise QdpxError(
                path,
                f"the selection runs from position {start} to {end}, outside its source's "
                f"text ({len(text)} characters, positions 0 to {len(text)}).",
                entry=f"{_describe(selection)} of {_describe(element)}",
                fix="Check that the source's text is the one the project was coded on.",
            )
        for coding in selection.findall(_tag("Coding")):
            code = coding.find(_tag("CodeRef")).get("targetGUID")
            if code not in codes:
                raise QdpxError(
                    path,
                    f"the coding points to code {code}, which is not in the project's codebook.",
                    entry=f"{_describe(coding)} of {_describe(selection)} of {_describe(element)}",
                    fix="Export the project again with its whole codebook.",
                )
            user = _coding_user(coding, selection, users, path)
            codings.append(Coding(str(selection.get("guid")), start, end, str(code), user))
    return tuple(codings)


def read_project(path: str | Path) -> Project:
    """Read and check one ``.qdpx`` project.

    Raises
    ------
    QdpxError
        The file is not a zip, holds no ``project.qde``, or its XML is not valid
        against the REFI-QDA schema; a text source's text cannot be found; a
        selection lies outside its source's text; a coding points to no code or to
        no user.
    """
    where = str(path)
    if not zipfile.is_zipfile(path):
        raise QdpxError(
            where,
            "the file is not a zip archive; a .qdpx project is a zip holding project.qde "
            "and a sources/ folder.",
            fix="Export the project from the QDA software as a REFI-QDA project (.qdpx).",
        )
    with zipfile.ZipFile(path) as archive:
        members = {name.lower(): name for name in archive.namelist()}
        # ATLAS.ti names the file after the project ("Trial.qde"): one .qde at the top
        # of the archive is taken for project.qde; none, or several, is an error.
        named = [name for name in members if name.endswith(".qde") and "/" not in name]
        if PROJECT_FILE not in members and len(named) == 1:
            members[PROJECT_FILE] = members[named[0]]
        if PROJECT_FILE not in members:
            raise QdpxError(
                where,
                f"the archive holds no {PROJECT_FILE} (it has: "
                f"{', '.join(sorted(archive.namelist())) or 'nothing'}).",
                fix="Export the project from the QDA software as a REFI-QDA project (.qdpx).",
            )
        data = archive.read(members[PROJECT_FILE])
        errors = schema_errors(data, where)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise QdpxError(
                where,
                f"{PROJECT_FILE} does not validate against the REFI-QDA schema "
                f"(Project.xsd): {errors[0]}{more}.",
                fix="Export the project again from the QDA software.",
            )
        root = _resource(data, where).root
        users_element = root.find(_tag("Users"))
        users = {
            str(user.get("guid")): str(user.get("name") or user.get("id") or user.get("guid"))
            for user in (users_element if users_element is not None else [])
        }
        codes = _codes(root.find(_tag("CodeBook")))
        variables = _variables(root)
        sources = []
        sources_element = root.find(_tag("Sources"))
        for element in (
            sources_element.findall(_tag("TextSource")) if sources_element is not None else []
        ):
            text = _source_text(archive, element, where)
            guid = str(element.get("guid"))
            name = (
                element.get("name")
                or PurePosixPath(
                    str(element.get("plainTextPath", guid)).removeprefix("internal://")
                ).stem
            )
            sources.append(
                TextSource(
                    guid,
                    str(name),
                    text,
                    variables.get(guid, {}),
                    _selections(element, text, codes, users, where),
                    len(element.findall(_tag("Coding"))),
                )
            )
    return Project(where, users, codes, tuple(sources))
