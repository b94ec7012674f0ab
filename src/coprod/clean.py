"""Data-quality exclusions: from the ingested responses to the responses analysed.

The steps, in this order, each applied to the responses the earlier steps left
(:data:`STEPS`; settings in the config's ``exclusions`` section,
:class:`ExclusionSettings`):

``preview_test``
    the status kind (``status``) is one of ``status_kinds`` (previews, tests, spam).
``duplicate``
    several responses carry the same non-empty ``respondent`` token: the first
    *finished* response by start time is kept (if none finished, the first one),
    the others are excluded.
``incomplete``
    fewer than ``min_share_answered`` of the items every respondent is asked (not
    conditional on an earlier answer, not free text) are answered; "don't know",
    "not applicable" and refusals count as answered.
``speeder``
    the duration is under ``speeder_fraction`` of the median duration of the
    responses remaining at this step.
``straightliner``
    longstring: in one of the configured ``blocks``, every answered item with a
    valid code has the same code (at least two such items; missing codes such as
    "don't know" are not points of the scale and are ignored). Reverse-keyed items
    make such a line unlikely for a genuine respondent. A straight-liner is always
    *flagged*; it is *excluded* when ``exclude_straightliners`` is set or when the
    second indicator agrees: a duration under ``second_indicator_speed_fraction`` of
    the median duration of the responses remaining at this step.
``attention_fail``
    an item with role ``attention_check`` is answered with another code than its
    ``expected_code`` (a blank one fails only with ``blank_fails``).

A switched-off step (``enabled: false``) excludes nobody and carries its responses
forward; its flag is still computed. Every flag is computed for every response,
against the reference (median duration, kept duplicate) of the responses remaining
at that step, so ``exclusions`` also shows that, say, an incomplete response was fast.

Example
-------
>>> settings = ExclusionSettings.from_config(config["exclusions"])
>>> result = apply_exclusions(responses, study, settings)
>>> result.flow.query("sample == 'all' and case == 'all'")["remaining"].tolist()
[426, 420, 412, 392, 382, 374, 364]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from coprod.resources import Codebook, Study, load_schema

__all__ = [
    "ALL",
    "STEPS",
    "UNKNOWN_CASE",
    "ExclusionResult",
    "ExclusionSettings",
    "add_design",
    "answered_share",
    "apply_exclusions",
    "attention_failures",
    "case_ids",
    "design_columns",
    "duplicates",
    "flow_table",
    "straightliners",
]

STEPS: tuple[str, ...] = (
    "preview_test",
    "duplicate",
    "incomplete",
    "speeder",
    "straightliner",
    "attention_fail",
)
"""The exclusion steps in the order they are applied (config keys, flow rows, flags)."""

RECEIVED = "received"
UNKNOWN_CASE = "unknown"
ALL = "all"
FLAG_COLUMNS: tuple[str, ...] = (*STEPS[:5], "straightliner_fast", STEPS[5])
FLOW_STEP = ("sample", "case", "step", "step_number")
"""Where a row of the flow table is (a sample and a case, or all) and which step it is."""
FLOW_COLUMNS = (*FLOW_STEP, "enabled", "excluded", "remaining", "flagged_kept")
"""The flow table's columns: the step, whether it is on, and how many it excluded and left."""
# Registry columns that describe a case in words rather than classify it.
_NOT_ATTRIBUTES = ("case_id", "code", "label", "description")


# --------------------------------------------------------------------------- settings


def _schema_defaults(section: str) -> dict[str, Any]:
    """Defaults of a config section as the config schema documents them."""
    spec = load_schema("config.schema.yaml")["properties"][section]

    def walk(node: Mapping[str, Any]) -> Any:
        if node.get("type") == "object" and "properties" in node:
            return {key: walk(child) for key, child in node["properties"].items()}
        return node.get("default")

    return walk(spec)


@dataclass(frozen=True)
class ExclusionSettings:
    """Every setting of the exclusions, as in the config's ``exclusions`` section.

    Build it with :meth:`from_config`, which fills what the section leaves out with
    the defaults documented in ``workflow/schemas/config.schema.yaml``.
    """

    preview_test: bool
    status_kinds: tuple[str, ...]
    duplicate: bool
    incomplete: bool
    min_share_answered: float
    speeder: bool
    speeder_fraction: float
    straightliner: bool
    blocks: tuple[str, ...]
    exclude_straightliners: bool
    second_indicator_speed_fraction: float
    attention_fail: bool
    blank_fails: bool

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None = None) -> ExclusionSettings:
        """Settings from a config ``exclusions`` section (nested per step).

        Parameters
        ----------
        section : mapping, optional
            ``{step: {"enabled": bool, <threshold>: value}}``; missing steps and keys
            take the schema's defaults.

        Returns
        -------
        ExclusionSettings
        """
        defaults = _schema_defaults("exclusions")
        section = dict(section or {})
        unknown = set(section) - set(defaults)
        if unknown:
            raise ValueError(
                f"exclusions: unknown step(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(STEPS)}"
            )
        values: dict[str, Any] = {}
        for step, step_defaults in defaults.items():
            given = dict(section.get(step) or {})
            unknown = set(given) - set(step_defaults)
            if unknown:
                raise ValueError(
                    f"exclusions.{step}: unknown setting(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(step_defaults)}"
                )
            merged = {**step_defaults, **given}
            values[step] = bool(merged.pop("enabled"))
            for key, value in merged.items():
                values[key] = tuple(value) if isinstance(value, list | tuple) else value
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})

    def enabled(self, step: str) -> bool:
        """Whether ``step`` (one of :data:`STEPS`) excludes responses."""
        return bool(getattr(self, step))


# --------------------------------------------------------------------------- design


def _code_to_id(registry: pd.DataFrame, codes: pd.Series, item: str) -> pd.Categorical:
    """Registry ids for the codes of a design item; NA where blank; error on unknown codes."""
    mapping = {int(code): key for code, key in zip(registry["code"], registry.index, strict=True)}
    present = {int(code) for code in codes.dropna()}
    unknown = sorted(present - set(mapping))
    if unknown:
        raise ValueError(
            f"item '{item}': code(s) {unknown} are not in its registry "
            f"(codes {sorted(mapping)}); check the export against the codebook"
        )
    ids = codes.astype("Int64").map(mapping)
    return pd.Categorical(ids, categories=list(registry.index))


def case_attributes(study: Study) -> list[str]:
    """Columns of the case registry that classify cases (e.g. city/county)."""
    return [column for column in study.cases.columns if column not in _NOT_ATTRIBUTES]


def case_attribute_values(case: pd.Series, study: Study) -> dict[str, pd.Categorical]:
    """Each case attribute of the registry for a column of case ids, as a Categorical.

    Categories are in the order the registry first lists them; an unknown or missing
    case gives NA.

    Examples
    --------
    >>> cases = pd.DataFrame({"case_id": ["a", "b"], "code": [1, 2], "label": ["A", "B"],
    ...                       "kind": ["city", "county"]}, index=["a", "b"])
    >>> study = type("Study", (), {"cases": cases})()
    >>> case_attribute_values(pd.Series(["b", "a", None]), study)["kind"].tolist()
    ['county', 'city', nan]
    """
    return {
        attribute: _ordered_categorical(
            case.map(study.cases[attribute]).astype("object"), study.cases[attribute]
        )
        for attribute in case_attributes(study)
    }


def design_columns(study: Study) -> list[str]:
    """Names of the design columns :func:`add_design` adds, in order.

    ``case``, every case attribute of the case registry, ``group_id``,
    ``service_id`` and ``service_class``.
    """
    return ["case", *case_attributes(study), "group_id", "service_id", "service_class"]


def _ordered_categorical(values: pd.Series, categories: Sequence[Any]) -> pd.Categorical:
    return pd.Categorical(values, categories=list(dict.fromkeys(categories)))


def add_design(responses: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Add the design columns from the registries, as Categoricals in registry order.

    Parameters
    ----------
    responses : DataFrame
        The ingested responses: item columns with codes.
    study : Study
        The study's resources.

    Returns
    -------
    DataFrame
        A copy with, after the metadata columns: ``case`` (case_id, from the code of the
        item with role ``case``), each case attribute (categories in the order the
        registry first lists them), ``group_id`` (role ``stakeholder_group``),
        ``service_id`` (role ``service_area``) and ``service_class`` (the class registry's
        order). Every category of the registry is kept, observed or not; a blank design
        item gives NA. An item column with the same name as a design column (such as an
        item whose id is ``case``) is replaced by it: its code is the registry's ``code``.
    """
    cb = study.codebook
    case_item = cb.role_item("case")
    group_item = cb.role_item("stakeholder_group")
    service_item = cb.role_item("service_area")
    design: dict[str, Any] = {}
    case = _code_to_id(study.cases, responses[case_item], case_item)
    design["case"] = case
    design.update(case_attribute_values(pd.Series(case), study))
    design["group_id"] = _code_to_id(study.stakeholder_groups, responses[group_item], group_item)
    service = _code_to_id(study.services, responses[service_item], service_item)
    design["service_id"] = service
    service_class = pd.Series(service).map(study.services["service_class"]).astype("object")
    design["service_class"] = _ordered_categorical(service_class, list(study.service_classes.index))
    role_items = {case_item, group_item, service_item}
    clash = [name for name in design if name in responses.columns and name not in role_items]
    if clash:
        raise ValueError(
            f"column(s) {', '.join(clash)} of the responses would be overwritten by design "
            "columns of the same name; rename the item or the registry column"
        )
    out = responses.drop(columns=[name for name in design if name in responses.columns])
    position = list(out.columns).index("status") + 1 if "status" in out.columns else 0
    for offset, (name, values) in enumerate(design.items()):
        out.insert(position + offset, name, values)
    return out


def case_ids(responses: pd.DataFrame, study: Study) -> pd.Categorical:
    """The case id of every response (registry order; NA when the case item is blank)."""
    item = study.codebook.role_item("case")
    return _code_to_id(study.cases, responses[item], item)


# --------------------------------------------------------------------------- criteria


def _answerable_items(codebook: Codebook, responses: pd.DataFrame) -> list[str]:
    """Items every respondent is asked: not conditional, not free text (codebook order)."""
    items = codebook.items
    chosen = [
        item
        for item in items.index
        if codebook.response_sets[items.loc[item, "response_set"]].type != "text"
        and pd.isna(items.loc[item, "asked_if_item"])
    ]
    missing = [item for item in chosen if item not in responses.columns]
    if missing:
        raise ValueError(f"the responses lack item column(s) {', '.join(missing)}")
    return chosen


def answered_share(responses: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """Share of the non-conditional, non-text items answered (any code, missing codes too).

    Parameters
    ----------
    responses : DataFrame
        Item columns with codes, NA for blank.
    codebook : Codebook

    Returns
    -------
    Series of float
    """
    items = _answerable_items(codebook, responses)
    return responses[items].notna().sum(axis=1) / len(items)


def duplicates(responses: pd.DataFrame, candidates: pd.Series) -> pd.Series:
    """Responses of a respondent token whose kept response is another one.

    Among the ``candidates`` of each non-empty ``respondent`` token, the first finished
    response by ``start`` is kept (if none finished, the first); every other response
    carrying that token, candidate or not, is a duplicate.

    Parameters
    ----------
    responses : DataFrame
        With ``respondent`` ("" or NA when absent), ``start`` and ``finished``.
    candidates : Series of bool
        The responses the keeper is chosen from (those remaining at this step).

    Returns
    -------
    Series of bool
    """
    token = responses["respondent"].astype("string").fillna("").str.strip()
    has_token = token.ne("")
    pool = responses.loc[candidates & has_token, ["start", "finished"]].copy()
    pool["token"] = token[pool.index]
    pool["unfinished"] = ~pool["finished"].astype("boolean").fillna(False).astype(bool)
    pool["order"] = np.arange(len(pool))
    pool = pool.sort_values(["token", "unfinished", "start", "order"], kind="stable")
    keepers = pool.groupby("token", sort=False).head(1)
    keeper_of = pd.Series(keepers.index, index=keepers["token"].to_numpy())
    kept = token.map(keeper_of)
    own = pd.Series(responses.index, index=responses.index)
    return (has_token & kept.notna() & kept.ne(own)).fillna(False).astype(bool)


def _block_items(codebook: Codebook, blocks: Sequence[str]) -> dict[str, list[str]]:
    unknown = [block for block in blocks if block not in codebook.blocks.index]
    if unknown:
        raise ValueError(
            f"exclusions.straightliner.blocks: block(s) {', '.join(unknown)} are not in the "
            f"codebook (blocks: {', '.join(codebook.blocks.index)})"
        )
    out = {}
    for block in blocks:
        items = [
            item
            for item in codebook.items_in(block=block)
            if codebook.response_sets[codebook.items.loc[item, "response_set"]].type != "text"
        ]
        if len(items) < 2:
            raise ValueError(
                f"exclusions.straightliner.blocks: block '{block}' has {len(items)} coded "
                "item(s); a longstring needs at least two"
            )
        out[block] = items
    return out


def straightliners(responses: pd.DataFrame, codebook: Codebook, blocks: Sequence[str]) -> pd.Series:
    """Responses whose valid answers in one of ``blocks`` are all the same code.

    Missing codes ("don't know") and blanks are ignored; at least two valid answers
    in the block are needed.

    Parameters
    ----------
    responses : DataFrame
    codebook : Codebook
    blocks : sequence of str
        Codebook block ids, each checked on its own.

    Returns
    -------
    Series of bool
    """
    flat = pd.Series(False, index=responses.index)
    for items in _block_items(codebook, blocks).values():
        valid = pd.DataFrame(index=responses.index)
        for item in items:
            codes = codebook.response_sets[codebook.items.loc[item, "response_set"]].values
            column = responses[item].astype("Float64")
            valid[item] = column.where(column.isin(list(codes)))
        valid = valid.astype("float64")
        counted = valid.notna().sum(axis=1)
        spread = valid.max(axis=1) - valid.min(axis=1)
        flat |= (counted >= 2) & spread.eq(0)
    return flat


def attention_failures(
    responses: pd.DataFrame, codebook: Codebook, *, blank_fails: bool = False
) -> pd.Series:
    """Responses answering an attention check with another code than it instructs.

    Parameters
    ----------
    responses : DataFrame
    codebook : Codebook
        Items with role ``attention_check`` and their ``expected_code``.
    blank_fails : bool
        Whether a blank attention check counts as failed.

    Returns
    -------
    Series of bool (all False when the codebook has no attention check)
    """
    failed = pd.Series(False, index=responses.index)
    for item in codebook.items_in(role="attention_check"):
        expected = int(codebook.items.loc[item, "expected_code"])
        answer = responses[item].astype("Int64")
        wrong = answer.ne(expected)
        failed |= wrong.fillna(blank_fails).astype(bool)
    return failed


def _faster_than(responses: pd.DataFrame, remaining: pd.Series, fraction: float) -> pd.Series:
    duration = pd.to_numeric(responses["duration"]).astype("Float64")
    median = duration[remaining].median()
    if pd.isna(median):
        return pd.Series(False, index=responses.index)
    return (duration < fraction * median).fillna(False).astype(bool)


# --------------------------------------------------------------------------- the steps


@dataclass
class ExclusionResult:
    """What :func:`apply_exclusions` returns.

    Attributes
    ----------
    clean : DataFrame
        The included responses: the input columns, with the design columns of
        :func:`add_design`.
    exclusions : DataFrame
        One row per response: ``response_id``, ``sample``, ``case``, one boolean per
        flag (:data:`FLAG_COLUMNS`), ``included`` and ``excluded_at`` (the step,
        Categorical in step order, NA if included).
    flow : DataFrame
        See :func:`flow_table`.
    """

    clean: pd.DataFrame
    exclusions: pd.DataFrame
    flow: pd.DataFrame


def apply_exclusions(
    responses: pd.DataFrame, study: Study, settings: ExclusionSettings
) -> ExclusionResult:
    """Apply the exclusion steps in order; flag, exclude, and count the flow.

    Parameters
    ----------
    responses : DataFrame
        All samples stacked (``results/ingest/survey.parquet``): ``sample``,
        ``response_id``, ``respondent``, ``start``, ``end``, ``duration``, ``progress``,
        ``finished``, ``status`` (kind) and one nullable-integer column per item.
    study : Study
    settings : ExclusionSettings

    Returns
    -------
    ExclusionResult
    """
    cb = study.codebook
    frame = responses.reset_index(drop=True)
    remaining = pd.Series(True, index=frame.index)
    excluded_at = pd.Series(pd.NA, index=frame.index, dtype="object")
    flags: dict[str, pd.Series] = {}

    def step(name: str, flag: pd.Series, exclude: pd.Series | None = None) -> None:
        flags[name] = flag.astype(bool)
        if not settings.enabled(name):
            return
        hit = (flag if exclude is None else exclude).astype(bool) & remaining
        excluded_at[hit] = name
        remaining[hit] = False

    step("preview_test", frame["status"].astype("object").isin(settings.status_kinds))
    step("duplicate", duplicates(frame, remaining))
    step("incomplete", answered_share(frame, cb) < settings.min_share_answered - 1e-12)
    step("speeder", _faster_than(frame, remaining, settings.speeder_fraction))
    flat = straightliners(frame, cb, settings.blocks)
    fast = flat & _faster_than(frame, remaining, settings.second_indicator_speed_fraction)
    flags["straightliner_fast"] = fast
    step("straightliner", flat, flat if settings.exclude_straightliners else fast)
    step("attention_fail", attention_failures(frame, cb, blank_fails=settings.blank_fails))

    case = case_ids(frame, study)
    exclusions = pd.DataFrame(
        {
            "response_id": frame["response_id"].to_numpy(),
            "sample": frame["sample"].astype("Int64").to_numpy(),
            "case": case,
        }
    )
    for name in FLAG_COLUMNS:
        exclusions[name] = flags[name].to_numpy()
    exclusions["included"] = remaining.to_numpy()
    exclusions["excluded_at"] = pd.Categorical(excluded_at, categories=list(STEPS))
    clean = add_design(frame[remaining.to_numpy()].reset_index(drop=True), study)
    flow = flow_table(exclusions, list(study.cases.index), settings)
    return ExclusionResult(clean=clean, exclusions=exclusions, flow=flow)


def flow_table(
    exclusions: pd.DataFrame, cases: Sequence[str], settings: ExclusionSettings
) -> pd.DataFrame:
    """How many responses each step excluded and how many remain, per sample and case.

    Parameters
    ----------
    exclusions : DataFrame
        As :attr:`ExclusionResult.exclusions`.
    cases : sequence of str
        Case ids in registry order (every case gets rows, observed or not).
    settings : ExclusionSettings
        For the ``enabled`` column.

    Returns
    -------
    DataFrame
        One row per (sample, case, step): ``sample`` (each sample as text, then
        ``"all"``), ``case`` (registry order, then ``"unknown"`` for responses without a
        case answer when there are any, then ``"all"``), ``step`` (``"received"``, then
        :data:`STEPS`), ``step_number`` (0 for received), ``enabled``, ``excluded``
        (NA on the received row), ``remaining``, and ``flagged_kept``: on the
        ``straightliner`` row, the straight-liners flagged at that step but not excluded
        by it (NA on other rows). ``sample``, ``case`` and ``step`` are Categoricals.
    """
    case = exclusions["case"].astype("object").where(exclusions["case"].notna(), UNKNOWN_CASE)
    case = case.to_numpy()
    case_levels = list(cases) + ([UNKNOWN_CASE] if (case == UNKNOWN_CASE).any() else [])
    samples = [str(s) for s in sorted(exclusions["sample"].dropna().unique())]
    sample = exclusions["sample"].astype("string").fillna("").to_numpy()
    # The step number that excluded each response (1..len(STEPS)); included: len(STEPS) + 1.
    step_number = (exclusions["excluded_at"].cat.codes.replace(-1, len(STEPS)) + 1).to_numpy()
    position = STEPS.index("straightliner") + 1
    flagged_kept = exclusions["straightliner"].to_numpy(dtype=bool) & (step_number > position)
    everyone = np.ones(len(exclusions), dtype=bool)
    rows = []
    for sample_level in [*samples, ALL]:
        in_sample = everyone if sample_level == ALL else sample == sample_level
        for case_level in [*case_levels, ALL]:
            cell = in_sample & (everyone if case_level == ALL else case == case_level)
            remaining = int(cell.sum())
            rows.append((sample_level, case_level, RECEIVED, 0, pd.NA, pd.NA, remaining, pd.NA))
            for number, name in enumerate(STEPS, start=1):
                excluded = int((cell & (step_number == number)).sum())
                remaining -= excluded
                kept = int((cell & flagged_kept).sum()) if number == position else pd.NA
                enabled = settings.enabled(name)
                rows.append(
                    (sample_level, case_level, name, number, enabled, excluded, remaining, kept)
                )
    flow = pd.DataFrame(rows, columns=list(FLOW_COLUMNS))
    flow["sample"] = pd.Categorical(flow["sample"], categories=[*samples, ALL])
    flow["case"] = pd.Categorical(flow["case"], categories=[*case_levels, ALL])
    flow["step"] = pd.Categorical(flow["step"], categories=[RECEIVED, *STEPS])
    flow["step_number"] = flow["step_number"].astype("Int64")
    flow["enabled"] = flow["enabled"].astype("boolean")
    for column in ("excluded", "remaining", "flagged_kept"):
        flow[column] = flow[column].astype("Int64")
    return flow
