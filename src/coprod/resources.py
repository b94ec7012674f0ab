"""Load and validate the study's resources: codebook, registries, focus-group codebook.

Everything the pipeline knows about the study (which items, scales, cases,
groups, services and codes exist) comes from these files. Each is validated
against a JSON Schema (``workflow/schemas/``) and then for consistency between
files; every error names the file and the entry that is wrong.

Example
-------
>>> from coprod.resources import load_study
>>> study = load_study({
...     "codebook": "resources/codebook.yaml",
...     "cases": "resources/cases.csv",
...     "services": "resources/services.csv",
...     "stakeholder_groups": "resources/stakeholder_groups.csv",
...     "service_classes": "resources/service_classes.csv",
...     "focus_group_codebook": "resources/focus_group_codebook.yaml",
... })
>>> study.codebook.scale_items("B1_met")
['B1_1', 'B1_2', 'B1_3']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import yaml

from coprod.errors import StudyInputError
from coprod.vocabulary import BINARY_TYPES, NO, REGISTRIES, REGISTRY_KEYS, YES

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "workflow" / "schemas"


# PyYAML's parser in C (libyaml, in PyYAML's wheels) reads the codebook five times as
# fast as the pure-Python one: every job loads the study, so it was a fifth of a small
# job's time. The pure-Python parser is the fallback where PyYAML was built without it.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_schema(name: str) -> dict[str, Any]:
    """Read a JSON Schema (YAML) from ``workflow/schemas/``."""
    with open(SCHEMA_DIR / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_SafeLoader)  # a safe loader


class _Yaml12Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader with the booleans of YAML 1.2: only true and false.

    YAML 1.1 (PyYAML's default) also reads yes, no, on and off as booleans, which would
    turn a response set's ``yes:`` key into ``True`` and an unquoted label No into
    ``False``.
    """


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file (YAML 1.2 booleans: ``yes`` is a string); a syntax error names the
    file, line and column."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_Yaml12Loader)  # a SafeLoader subclass
    except FileNotFoundError:
        raise StudyInputError(
            path, "file not found.", fix="Check the path in config/config.yaml."
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise StudyInputError(path, f"is not valid YAML{where}: {problem}.") from None


def _entry_name(document: Any, path: list[str | int]) -> str:
    """Describe where in a document a schema error is, e.g. items[12] (id 'B3_3')."""
    parts: list[str] = []
    node = document
    for step in path:
        if isinstance(step, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]"]
            node = node[step]
            if isinstance(node, dict) and "id" in node:
                parts[-1] += f" (id '{node['id']}')"
        else:
            parts.append(str(step))
            node = node[step] if isinstance(node, dict) and step in node else None
    return ".".join(parts) or "the top level"


def validate_document(document: Any, schema: dict[str, Any], path: str | Path) -> None:
    """Validate ``document`` against ``schema``; raise on the first (most specific) error."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(e.path), list(e.path)))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    entry = _entry_name(document, list(error.absolute_path))
    raise StudyInputError(
        path,
        f"{entry}: {error.message}.",
        fix=f"See the schema '{schema['title']}' in workflow/schemas/ for what is allowed.",
    )


@dataclass(frozen=True)
class ResponseSet:
    """The answers an item allows: valid codes with labels, and missing-value codes.

    A yes/no set (type in :data:`~coprod.vocabulary.BINARY_TYPES`: ``binary`` or
    ``multi_select``) has exactly two valid codes and declares which one means yes
    (``yes``; the other means no); a ``multi_select`` set also declares what a blank
    cell means (``blank``: ``not_selected`` or ``missing``). Nothing in the pipeline
    assumes a code: :meth:`score_values` and :meth:`codes_of` translate between the
    declared codes and the 1/0 values of a yes/no score.

    Examples
    --------
    >>> coded = ResponseSet("yn", "binary", {1: "Yes", 2: "No"}, {8: ("Don't know", "dont_know")},
    ...                     yes=1)
    >>> coded.no, coded.score_values()
    (2, {1: 1.0, 2: 0.0})
    >>> coded.codes_of(np.array([1.0, 0.0, np.nan])).tolist()
    [1.0, 2.0, nan]
    >>> ResponseSet("agree", "ordinal", {1: "Low", 2: "Mid", 3: "High"}).score_values(reverse=True)
    {1: 3.0, 2: 2.0, 3: 1.0}
    """

    id: str
    type: str
    values: dict[int, str]
    missing: dict[int, tuple[str, str]] = field(default_factory=dict)
    registry: str | None = None
    yes: int | None = None
    blank: str | None = None

    @property
    def label_to_code(self) -> dict[str, int]:
        labels = {label: code for code, label in self.values.items()}
        labels.update({label: code for code, (label, _) in self.missing.items()})
        return labels

    def all_codes(self) -> dict[int, str]:
        return {**self.values, **{code: label for code, (label, _) in self.missing.items()}}

    @property
    def is_yes_no(self) -> bool:
        """Whether the answers are yes/no (scored 1/0 and counted as shares)."""
        return self.type in BINARY_TYPES

    @property
    def no(self) -> int | None:
        """The valid code that means no (selected: not selected); None unless yes/no."""
        if not self.is_yes_no:
            return None
        others = [code for code in self.values if code != self.yes]
        return others[0] if len(others) == 1 else None

    def yes_no_codes(self) -> tuple[int, int]:
        """The declared yes code and the no code of a yes/no set."""
        if not self.is_yes_no:
            raise ValueError(f"response set '{self.id}' is {self.type}, not a yes/no set")
        if self.yes not in self.values or self.no is None:
            raise ValueError(
                f"response set '{self.id}' ({self.type}) declares no valid yes code among "
                f"{sorted(self.values)}"
            )
        return self.yes, self.no

    def score_values(self, *, reverse: bool = False) -> dict[int, float]:
        """The value a score takes for each valid code (missing codes have none).

        A yes/no set: :data:`~coprod.vocabulary.YES` (1) for its declared yes code and
        :data:`~coprod.vocabulary.NO` (0) for the other, whatever the codes; reverse-keyed,
        yes scores 0 and no 1. Any other set: the code itself, or ``min + max - code`` for
        a reverse-keyed item.
        """
        if self.is_yes_no:
            yes, no = self.yes_no_codes()
            return {yes: float(NO if reverse else YES), no: float(YES if reverse else NO)}
        codes = sorted(self.values)
        if reverse:
            return {code: float(codes[0] + codes[-1] - code) for code in codes}
        return {code: float(code) for code in codes}

    def codes_of(self, answers: np.ndarray) -> np.ndarray:
        """The declared codes of yes/no answers given as 1/0 (NaN stays NaN), as float."""
        yes, no = self.yes_no_codes()
        values = np.asarray(answers, dtype=float)
        unknown = ~np.isnan(values) & ~np.isin(values, [YES, NO])
        if unknown.any():
            raise ValueError(f"yes/no answers must be {YES}, {NO} or NaN; got {values[unknown][0]}")
        return np.where(values == YES, float(yes), np.where(values == NO, float(no), np.nan))


@dataclass(frozen=True)
class Codebook:
    """The survey instrument: items, constructs, response sets and export metadata."""

    path: Path
    items: pd.DataFrame
    constructs: pd.DataFrame
    response_sets: dict[str, ResponseSet]
    metadata: dict[str, str]
    status: pd.DataFrame
    blocks: pd.DataFrame

    def item(self, item_id: str) -> pd.Series:
        return self.items.loc[item_id]

    def items_in(self, **criteria: Any) -> list[str]:
        """Item ids whose columns equal the given values, in codebook order."""
        mask = pd.Series(True, index=self.items.index)
        for column, value in criteria.items():
            mask &= self.items[column] == value
        return list(self.items.index[mask])

    def role_item(self, role: str) -> str:
        """The id of the item that carries a design role (case, stakeholder_group, ...)."""
        found = self.items_in(role=role)
        if len(found) != 1:
            raise StudyInputError(
                self.path, f"expected exactly one item with role '{role}', found {len(found)}."
            )
        return found[0]

    @cached_property
    def scores(self) -> pd.DataFrame:
        """One row per score (construct x measure) with its items, in codebook order."""
        scored = self.items.dropna(subset=["construct"])
        rows = []
        for score_id, group in scored.groupby("score", sort=False):
            first = group.iloc[0]
            rows.append(
                {
                    "score": score_id,
                    "construct": first["construct"],
                    "measure": first["measure"],
                    "kind": self.constructs.loc[first["construct"], "kind"],
                    "items": list(group.index),
                    "response_set": first["response_set"],
                }
            )
        return pd.DataFrame(rows).set_index("score")

    def scale_items(self, score_id: str) -> list[str]:
        return list(self.scores.loc[score_id, "items"])

    def instrument_table(self) -> pd.DataFrame:
        """The items as the pipeline reads them: one row per item, in codebook order, with
        its response set's type, valid and missing codes, yes code (yes/no items) and what
        a blank means (multi-select items)."""
        table = self.items[
            ["id", "export_id", "block", "role", "construct", "measure", "score"]
            + ["response_set", "reverse", "asked_if_item", "text"]
        ].copy()
        table["response_type"] = table["response_set"].map(
            {key: value.type for key, value in self.response_sets.items()}
        )
        table["valid_codes"] = [
            " | ".join(f"{c}={label}" for c, label in self.response_sets[rs].values.items())
            for rs in table["response_set"]
        ]
        table["missing_codes"] = [
            " | ".join(f"{c}={reason}" for c, (_, reason) in self.response_sets[rs].missing.items())
            for rs in table["response_set"]
        ]
        sets = [self.response_sets[rs] for rs in table["response_set"]]
        table["yes_code"] = pd.array([rs.yes for rs in sets], dtype="Int64")
        table["blank_means"] = [rs.blank or "" for rs in sets]
        return table.reset_index(drop=True)


def _registry(name: str) -> property:
    """A read-only attribute of :class:`Study`: its registry ``name``, indexed by id."""

    def registry(study: Study) -> pd.DataFrame:
        return study.registries[name]

    return property(registry, doc=f"The {name} registry, indexed by its id.")


@dataclass(frozen=True)
class Study:
    """All resources of one study, validated and cross-checked."""

    codebook: Codebook
    registries: dict[str, pd.DataFrame]
    focus_group_codes: pd.DataFrame
    paths: dict[str, Path]

    cases = _registry("cases")
    services = _registry("services")
    stakeholder_groups = _registry("stakeholder_groups")
    service_classes = _registry("service_classes")


def load_registry(name: str, path: str | Path) -> pd.DataFrame:
    """Read and validate one registry CSV, indexed by its id column; codes as int."""
    if name not in REGISTRY_KEYS:
        raise ValueError(f"unknown registry '{name}'; known: {', '.join(REGISTRY_KEYS)}")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise StudyInputError(
            path, "file not found.", fix="Check the path in config/config.yaml."
        ) from None
    schema = load_schema("registries.schema.yaml")
    row_schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}
    validator = jsonschema.Draft202012Validator(row_schema)
    required = schema["$defs"][name]["required"]
    missing_columns = [column for column in required if column not in table.columns]
    if missing_columns:
        raise StudyInputError(
            path,
            f"missing column(s) {', '.join(missing_columns)}; "
            f"a {name} registry needs {', '.join(required)}.",
        )
    for index, record in enumerate(table.to_dict("records")):
        present = {key: value for key, value in record.items() if value != ""}
        for error in validator.iter_errors(present):
            column = error.path[0] if error.path else None
            raise StudyInputError(
                path,
                f"{error.message}.",
                row=index + 2,
                column=column,
                fix="Fix the value in the registry.",
            )
    key = REGISTRY_KEYS[name]
    for column in [key, "code"] if "code" in table.columns else [key]:
        repeated = table[column][table[column].duplicated()]
        if not repeated.empty:
            row = int(repeated.index[0]) + 2
            raise StudyInputError(
                path,
                f"'{repeated.iloc[0]}' appears more than once; each {column} must be unique.",
                row=row,
                column=column,
            )
    if "code" in table.columns:
        table["code"] = table["code"].astype(int)
    return table.set_index(key, drop=False)


def _response_sets(raw: dict[str, Any], registries: Mapping[str, pd.DataFrame]) -> dict:
    sets = {}
    for set_id, spec in raw.items():
        if "registry" in spec:
            registry = registries[spec["registry"]]
            values = dict(zip(registry["code"], registry["label"], strict=True))
        else:
            values = {entry["code"]: entry["label"] for entry in spec.get("values", [])}
        missing = {
            entry["code"]: (entry["label"], entry["reason"]) for entry in spec.get("missing", [])
        }
        sets[set_id] = ResponseSet(
            set_id,
            spec["type"],
            values,
            missing,
            spec.get("registry"),
            yes=spec.get("yes"),
            blank=spec.get("blank"),
        )
    return sets


def _coding_problem(response_set: ResponseSet) -> str | None:
    """What is wrong with a response set's ``yes:`` and ``blank:`` declarations, and what to
    write instead; None when they are right."""
    kind = response_set.type
    codes = ", ".join(f"{code} = {label}" for code, label in response_set.values.items())
    if not response_set.is_yes_no:
        extra = [key for key in ("yes", "blank") if getattr(response_set, key) is not None]
        if extra:
            return (
                f"'{extra[0]}' is declared for binary and multi_select response sets only, "
                f"not for type '{kind}'; remove it."
            )
        return None
    if len(response_set.values) != 2:
        return (
            f"a {kind} response set needs exactly two valid codes (yes and no); found "
            f"{len(response_set.values)} ({codes}). Put any further answer, such as "
            "\"don't know\", under 'missing'."
        )
    first = next(iter(response_set.values))
    if response_set.yes is None:
        return (
            f"a {kind} response set must say which of its codes means yes ({codes}); add "
            f"'yes: <code>', e.g. 'yes: {first}'."
        )
    if response_set.yes not in response_set.values:
        return (
            f"yes: {response_set.yes} is not one of its valid codes ({codes}); write the code "
            f"that means yes, e.g. 'yes: {first}'."
        )
    if kind == "multi_select" and response_set.blank is None:
        return (
            "a multi_select response set must say what a blank cell means; add "
            "'blank: not_selected' (the export leaves an unselected choice blank, as "
            "Qualtrics does) or 'blank: missing' (the export writes the no code for an "
            "unselected choice; a blank is no answer)."
        )
    if kind != "multi_select" and response_set.blank is not None:
        return "'blank' is declared for multi_select response sets only; remove it."
    return None


def load_codebook(path: str | Path, registries: Mapping[str, pd.DataFrame]) -> Codebook:
    """Read, validate and cross-check the survey codebook."""
    path = Path(path)
    document = read_yaml(path)
    validate_document(document, load_schema("codebook.schema.yaml"), path)

    def fail(entry: str, problem: str) -> None:
        raise StudyInputError(path, f"{entry}: {problem}")

    for set_id, spec in document["response_sets"].items():
        where = f"response_sets.{set_id}"
        if spec["type"] == "text":
            continue
        if ("registry" in spec) == ("values" in spec):
            fail(where, "give either 'values' or 'registry', not both or neither.")
        codes = [entry["code"] for entry in spec.get("values", []) + spec.get("missing", [])]
        if len(codes) != len(set(codes)):
            fail(where, "a code is used twice; codes must be unique within a response set.")

    constructs = pd.DataFrame(document["constructs"])
    repeated = constructs["id"][constructs["id"].duplicated()]
    if not repeated.empty:
        fail(f"constructs (id '{repeated.iloc[0]}')", "construct ids must be unique.")
    constructs = constructs.set_index("id", drop=False)
    blocks = pd.DataFrame(document["blocks"]).set_index("id", drop=False)

    seen_ids: set[str] = set()
    seen_exports: set[str] = set()
    for index, item in enumerate(document["items"]):
        where = f"items[{index}] (id '{item['id']}')"
        if item["id"] in seen_ids:
            fail(where, "this item id is used twice; item ids must be unique.")
        if item["export_id"] in seen_exports:
            fail(where, f"export_id '{item['export_id']}' is used twice.")
        seen_ids.add(item["id"])
        seen_exports.add(item["export_id"])
        if item["block"] not in blocks.index:
            fail(where, f"block '{item['block']}' is not one of {', '.join(blocks.index)}.")
        if item["response_set"] not in document["response_sets"]:
            fail(
                where,
                f"response_set '{item['response_set']}' is not defined under response_sets "
                f"(defined: {', '.join(document['response_sets'])}).",
            )
        if "construct" in item and item["construct"] not in constructs.index:
            fail(where, f"construct '{item['construct']}' is not defined under constructs.")
        if "asked_if" in item and item["asked_if"]["item"] not in seen_ids:
            fail(where, f"asked_if names item '{item['asked_if']['item']}', not an earlier item.")
        if item.get("role") == "attention_check" and "expected_code" not in item:
            fail(where, "an attention check needs 'expected_code', the answer it instructs.")
    for role in ("case", "stakeholder_group", "service_area"):
        count = sum(1 for item in document["items"] if item.get("role") == role)
        if count != 1:
            fail("items", f"exactly one item must have role '{role}'; found {count}.")

    response_sets = _response_sets(document["response_sets"], registries)
    for set_id, response_set in response_sets.items():
        problem = _coding_problem(response_set)
        if problem:
            fail(f"response_sets.{set_id}", problem)
    for index, item in enumerate(document["items"]):
        where = f"items[{index}] (id '{item['id']}')"
        if "asked_if" in item:
            parent = item["asked_if"]["item"]
            parent_set = next(i["response_set"] for i in document["items"] if i["id"] == parent)
            if item["asked_if"]["code"] not in response_sets[parent_set].values:
                fail(
                    where,
                    f"asked_if code {item['asked_if']['code']} is not a valid code of item "
                    f"'{parent}' (response set '{parent_set}', codes "
                    f"{', '.join(map(str, response_sets[parent_set].values))}).",
                )
        expected = item.get("expected_code")
        if expected is not None and expected not in response_sets[item["response_set"]].values:
            fail(
                where,
                f"expected_code {expected} is not a valid code of its response set "
                f"'{item['response_set']}'.",
            )

    items = pd.DataFrame(document["items"])
    for column in ("role", "construct", "measure", "choice_text", "asked_if"):
        if column not in items.columns:
            items[column] = None
    items["reverse"] = items.get("reverse", pd.Series(False, index=items.index))
    items["reverse"] = items["reverse"].fillna(False).astype(bool)
    items["asked_if_item"] = [a["item"] if isinstance(a, dict) else None for a in items["asked_if"]]
    items["asked_if_code"] = [a["code"] if isinstance(a, dict) else None for a in items["asked_if"]]
    items = items.drop(columns="asked_if")
    items["score"] = [
        f"{construct}_{measure}" if isinstance(construct, str) else None
        for construct, measure in zip(items["construct"], items["measure"], strict=True)
    ]
    items = items.set_index("id", drop=False)
    return Codebook(
        path=path,
        items=items,
        constructs=constructs,
        response_sets=response_sets,
        metadata={entry["role"]: entry["column"] for entry in document["metadata"]},
        status=pd.DataFrame(document["status"]),
        blocks=blocks,
    )


def load_focus_group_codebook(path: str | Path, codebook: Codebook) -> pd.DataFrame:
    """Read and validate the focus-group codebook; one row per code."""
    path = Path(path)
    document = read_yaml(path)
    validate_document(document, load_schema("focus_group_codebook.schema.yaml"), path)
    codes = pd.DataFrame(document["codes"])
    for index, code in enumerate(document["codes"]):
        where = f"codes[{index}] (id '{code['id']}')"
        if list(codes["id"]).count(code["id"]) > 1:
            raise StudyInputError(path, f"{where}: code ids must be unique.")
        construct = code.get("survey_construct")
        if construct is not None and construct not in codebook.constructs.index:
            raise StudyInputError(
                path,
                f"{where}: survey_construct '{construct}' is not a construct of the survey "
                f"codebook {codebook.path}.",
            )
    if "survey_construct" not in codes.columns:
        codes["survey_construct"] = None
    return codes.set_index("id", drop=False)


def load_study(paths: Mapping[str, str | Path]) -> Study:
    """Load every resource named in ``paths`` (the config's ``resources`` section)."""
    registries = {name: load_registry(name, paths[name]) for name in REGISTRIES}
    unknown = set(registries["services"]["service_class"]) - set(
        registries["service_classes"]["service_class"]
    )
    if unknown:
        raise StudyInputError(
            paths["services"],
            f"service_class '{sorted(unknown)[0]}' is not listed in {paths['service_classes']}.",
            column="service_class",
        )
    codebook = load_codebook(paths["codebook"], registries)
    fg_codes = load_focus_group_codebook(paths["focus_group_codebook"], codebook)
    return Study(
        codebook=codebook,
        registries=registries,
        focus_group_codes=fg_codes,
        paths={key: Path(value) for key, value in paths.items()},
    )
