"""The config's reference (``config/README.md``), generated from the config's schema.

``workflow/schemas/config.schema.yaml`` checks a study's config and fills in its defaults;
it is also the one place where each key is described. :func:`reference` writes every key
of it as Markdown tables - the key, its type, its default, the bundled study's value as an
example and what it does - into the generated block ``config_keys`` of
``config/README.md`` (``python -m coprod.architecture`` rewrites it; a test fails when the
page is out of date, and another when a key of the schema has no description).

Decisions
---------
- Keys are written as dotted paths: a key of a map whose names the study chooses
  (``compare.families``) as ``<name>``, an entry of a list (``raw.survey``) as ``[]``.
- The example is the bundled study's value (``config/config.yaml``), shortened where it
  is long; a key the bundled config leaves to its default, and a section whose keys are
  listed below it, show none.
- A key whose schema points to a shared definition (``$ref``) takes the definition's type
  and description where it has none of its own.

Example
-------
>>> min_cell = {"type": "integer", "default": 5, "description": "Least count."}
>>> schema = {"properties": {"disclosure": {"type": "object", "description": "Small cells.",
...     "properties": {"min_cell": min_cell}}}}
>>> [key.path for key in schema_keys(schema)]
['disclosure', 'disclosure.min_cell']
>>> undocumented_keys({"properties": {"seed": {"type": "integer"}}})
['seed']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import yaml

NAME = "<name>"
"""A key of a map whose names the study chooses."""
ITEM = "[]"
"""An entry of a list."""
ABSENT = object()
"""What :func:`example_value` returns for a key the config does not give (null is a value)."""
LONGEST_EXAMPLE = 70
"""Examples longer than this (characters, as YAML) are cut short."""

__all__ = [
    "SchemaKey",
    "example_value",
    "reference",
    "schema_keys",
    "type_text",
    "undocumented_keys",
]


class SchemaKey(NamedTuple):
    """One key of the schema: its dotted path, its schema (``$ref`` resolved), and whether
    a config must give it."""

    path: str
    node: dict[str, Any]
    required: bool


def _resolve(node: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """``node`` with what its ``$ref`` (a local JSON pointer) defines beneath its own keys."""
    ref = node.get("$ref")
    if not ref:
        return dict(node)
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{key: value for key, value in node.items() if key != "$ref"}}


def schema_keys(
    schema: Mapping[str, Any], node: Mapping[str, Any] | None = None, path: str = ""
) -> Iterator[SchemaKey]:
    """Every key of the schema, parents before their children, in the schema's order."""
    node = schema if node is None else node
    for key, child in node.get("properties", {}).items():
        full = f"{path}.{key}" if path else key
        resolved = _resolve(child, schema)
        yield SchemaKey(full, resolved, key in node.get("required", ()))
        yield from schema_keys(schema, resolved, full)
    named = node.get("additionalProperties")
    if isinstance(named, Mapping):
        resolved = _resolve(named, schema)
        if resolved.get("properties"):
            yield from schema_keys(schema, resolved, f"{path}.{NAME}")
    items = node.get("items")
    if isinstance(items, Mapping) and items.get("properties"):
        yield from schema_keys(schema, _resolve(items, schema), f"{path}{ITEM}")


def undocumented_keys(schema: Mapping[str, Any]) -> list[str]:
    """The keys of the schema without a ``description``."""
    return [key.path for key in schema_keys(schema) if not key.node.get("description")]


def type_text(node: Mapping[str, Any]) -> str:
    """A key's type in words: ``integer``, ``one of: a, b``, ``list of string``, ..."""
    if "enum" in node:
        return "one of: " + ", ".join(_flow(value) for value in node["enum"])
    kinds = node.get("type", "any")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    words = []
    for kind in kinds:
        if kind == "array" and isinstance(node.get("items"), Mapping):
            words.append(f"list of {type_text(node['items'])}")
        elif kind == "object" and isinstance(node.get("additionalProperties"), Mapping):
            words.append(f"map of {NAME} to {type_text(node['additionalProperties'])}")
        else:
            words.append(kind)
    return " or ".join(words)


def _flow(value: Any) -> str:
    """A value as one line of YAML (flow style)."""
    text = yaml.safe_dump(
        value, default_flow_style=True, width=10_000, allow_unicode=True, sort_keys=False
    )
    return text.strip().removesuffix("...").strip()


def example_value(config: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of ``config`` (the first entry for ``<name>`` and
    ``[]``), or :data:`ABSENT` where the config has none."""
    value: Any = config
    for part in path.replace(ITEM, f".{ITEM}").split("."):
        if part == ITEM:
            value = value[0] if isinstance(value, list) and value else ABSENT
        elif part == NAME:
            value = next(iter(value.values()), ABSENT) if isinstance(value, Mapping) else ABSENT
        else:
            value = value.get(part, ABSENT) if isinstance(value, Mapping) else ABSENT
        if value is ABSENT:
            return ABSENT
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    if value is ABSENT:
        return "-"
    text = _flow(value)
    if len(text) > LONGEST_EXAMPLE:
        text = text[: LONGEST_EXAMPLE - 4].rstrip() + " ..."
    return f"`{_cell(text)}`"


def reference(schema: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """Markdown: one section per top-level key of the schema, each a table of its keys."""
    sections: dict[str, list[str]] = {}
    for path, node, required in schema_keys(schema):
        top = path.split(".")[0].split(ITEM)[0]
        default = "required" if required and "default" not in node else None
        row = [
            f"`{path}`",
            _cell(type_text(node)),
            default or _code(node.get("default", ABSENT)),
            "-" if node.get("properties") else _code(example_value(config, path)),
            _cell(" ".join(str(node.get("description", "")).split())),
        ]
        sections.setdefault(top, []).append(f"| {' | '.join(row)} |")
    out = []
    for top, rows in sections.items():
        out += [
            f"### `{top}`",
            "",
            "| key | type | default | example | what it does |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    return "\n".join(out)
