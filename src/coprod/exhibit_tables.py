"""The paper's tables 1-12: one builder per table, from the result files of the stages.

Each builder takes the study's resources (for every label: cases, groups, classes,
constructs, codes), the result tables a stage wrote, the table's settings (config
``exhibits``, and the thresholds of the stage it reports) and the minimum cell size
(config ``disclosure.min_cell``), and returns one :class:`Exhibit` per panel: a frame
with human-readable column names, rows in registry and codebook order, what the
disclosure control masked, and how the paper prints it. :func:`write_exhibit` writes
it as CSV, Markdown and LaTeX (booktabs) with a disclosure sidecar;
:func:`scan_published` is the last check before anything leaves the pipeline.
Nothing here names an item, scale, case, group, service, code or risk of the study.

Decisions
---------
Disclosure control
    Every builder passes its counts of people through
    :func:`coprod.disclosure.suppress_small_cells`. A count from 1 to ``min_cell - 1``
    is masked with everything computed from it (mean, SD, %, rank); then, where a
    visible total (the pooled column, the row total, a case's subtotal) would give a
    masked count back by subtraction, one more count is masked (secondary
    suppression). A share (k of n) publishes two counts, k and n - k, so both are
    checked: a group where (nearly) everyone or (nearly) no one gave an answer does
    not reveal the few others.
How masked cells look
    CSV: empty (a masked cell and a missing value look alike there; the sidecar says
    which columns are counts). Markdown and LaTeX: ``<5`` (``<{min_cell}``) for a
    count under the threshold, ``–`` (LaTeX ``--``) for every other masked cell
    (a count masked to protect another, a statistic of a masked count). A blank cell
    is a value that does not exist (e.g. a test that could not be computed).
Counts of people, and the sidecar
    Each table CSV has a sidecar ``<stem>.disclosure.json`` that declares its
    ``count_columns`` (counts of respondents or participants: what the threshold
    protects), ``complements`` (count column -> the total it is part of: total -
    count is a count too) and ``not_counts_of_people`` (columns that count focus
    groups, items, speaker turns or barriers, with the reason they are not
    checked). :func:`scan_published` reads only the sidecar's declarations, and
    fails on a CSV without one. In the numbers file, keys starting with ``n_`` are
    counts of people; ``count_`` keys count other things.
Exclusion flow (table 2)
    Exclusion counts are counts of people (responses) and are masked like any
    other. Per case, the number remaining after each step is therefore not shown:
    with masked exclusions, consecutive remaining counts would give them back by
    subtraction. Per case the table shows responses received, each step's exclusions
    and the included responses; pooled over cases it also shows what remains after
    each step, masked where it would isolate a masked exclusion.
Effect sizes
    The contrasts (tables 8, 9) show the primary test (Mann-Whitney, rank-biserial r
    with its CI) with the p adjusted in its confirmatory family, and Hedges' g as
    robustness evidence; the proportional-odds estimates stay in
    ``results/compare/``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod.disclosure import SmallCellError, suppress_small_cells
from coprod.numbers import number
from coprod.resources import Study
from coprod.tables import format_p

__all__ = [
    "BUILDERS",
    "FORMS",
    "Column",
    "Exhibit",
    "Labels",
    "Protector",
    "build",
    "cited_numbers",
    "scan_published",
    "to_csv",
    "to_latex",
    "to_markdown",
    "write_exhibit",
]

FORMS = ("csv", "markdown", "latex", "disclosure")
"""The files of one exhibit: the three forms of the table and its disclosure sidecar."""

POOLED = "all"
DASH = "–"
BINARY_TYPES = ("binary", "multi_select")
"""Response-set types whose scores are 0/1 (as :mod:`coprod.compare`)."""

DEFAULT_DECIMALS = {
    "mean": 2,
    "percent": 1,
    "statistic": 2,
    "effect": 2,
    "reliability": 2,
    "rank": 1,
}

STEP_LABELS = {
    "received": "Responses received",
    "preview_test": "Previews, tests and spam",
    "duplicate": "Duplicates (same respondent)",
    "incomplete": "Incomplete",
    "speeder": "Speeders",
    "straightliner": "Straight-liners who were also fast",
    "attention_fail": "Failed attention check",
    "included": "Included in the analysis",
    "flagged_kept": "Straight-liners flagged but kept",
}
"""Default labels of the exclusion steps of :mod:`coprod.clean` (config
``exhibits.step_labels`` overrides them)."""


def step_label(step: str, settings: Mapping[str, Any]) -> str:
    """A row label of the flow table: config ``step_labels`` filled from ``exclusions``.

    Examples
    --------
    >>> step_label("speeder", {"step_labels": {"speeder": "Under {speeder_fraction:.0%}"},
    ...                        "exclusions": {"speeder": {"speeder_fraction": 0.3}}})
    'Under 30%'
    """
    template = dict(settings.get("step_labels") or {}).get(step, STEP_LABELS.get(step))
    if template is None:
        return humanise(step)
    fields = dict((settings.get("exclusions") or {}).get(step) or {})
    try:
        return str(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return str(template)


DESIGN_LABELS = {
    "case": "Case",
    "group_id": "Stakeholder group",
    "service_id": "Service area",
    "service_class": "Service class",
    "sample": "Sample",
    "speaker_group": "Speaker's stakeholder group",
}
"""Labels of the design columns the pipeline adds (case attributes are labelled from
their registry column name)."""


# --------------------------------------------------------------------------- labels


def humanise(name: str) -> str:
    """A column or level name in words: ``"strategy_outcome"`` -> ``"Strategy outcome"``.

    Examples
    --------
    >>> humanise("service_area"), humanise("first_level")
    ('Service area', 'First level')
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def key_part(value: Any) -> str:
    """An id as part of a number key: letters, digits and underscores.

    Examples
    --------
    >>> key_part("area-one 2"), key_part(1)
    ('area_one_2', '1')
    """
    return re.sub(r"[^A-Za-z0-9_]+", "_", str(value)).strip("_")


@dataclass(frozen=True)
class Labels:
    """Every label a table prints, from the study's codebooks and registries.

    Parameters
    ----------
    study : Study
        The study's resources.
    """

    study: Study

    @cached_property
    def catalogue(self) -> pd.DataFrame:
        """The codebook's scores: ``construct``, ``measure``, ``kind``, ``side``, ``label``,
        ``binary`` (as :func:`coprod.compare.score_catalogue`, without importing the
        statistics that module needs: a table rule starts in a second, not three)."""
        codebook = self.study.codebook
        scores = codebook.scores
        constructs = codebook.constructs
        side = constructs["side"] if "side" in constructs else pd.Series(pd.NA, constructs.index)
        out = pd.DataFrame(index=scores.index)
        out["construct"] = scores["construct"]
        out["measure"] = scores["measure"]
        out["kind"] = scores["kind"]
        out["side"] = scores["construct"].map(side)
        out["label"] = scores["construct"].map(constructs["label"])
        types = {key: spec.type for key, spec in codebook.response_sets.items()}
        out["binary"] = [types[rs] in BINARY_TYPES for rs in scores["response_set"]]
        return out

    def scores_of(self, kinds: Sequence[str], measures: Sequence[str] | None = None) -> list[str]:
        """Score ids of the construct ``kinds`` (and ``measures``), in codebook order."""
        chosen = self.catalogue["kind"].isin(list(kinds))
        if measures is not None:
            chosen &= self.catalogue["measure"].isin(list(measures))
        return list(self.catalogue.index[chosen.to_numpy(dtype=bool)])

    def case(self, case_id: str) -> str:
        """A case's label from the case registry; "All cases" for the pooled level."""
        if case_id == POOLED:
            return "All cases"
        return str(self.study.cases.loc[case_id, "label"])

    def case_attributes(self) -> list[str]:
        """Registry columns that classify cases (e.g. authority type, strategy outcome)."""
        skip = {"case_id", "code", "label", "description"}
        return [column for column in self.study.cases.columns if column not in skip]

    def case_note(self) -> str:
        """Which case has which attribute value, for a table note."""
        parts = []
        for attribute in self.case_attributes():
            values = self.study.cases[attribute]
            groups = [
                f"{value}: {', '.join(self.case(c) for c in values.index[values == value])}"
                for value in dict.fromkeys(values)
            ]
            parts.append(f"{humanise(attribute)}: {'; '.join(groups)}.")
        return " ".join(parts)

    def level(self, column: str, value: Any) -> str:
        """The label of one level of a design column (pooled: "All")."""
        value = str(value)
        if value == POOLED:
            return "All cases" if column == "case" else "All"
        if column == "case":
            return self.case(value)
        if column in ("group_id", "speaker_group"):
            return str(self.study.stakeholder_groups.loc[value, "label"])
        if column == "service_class":
            return str(self.study.service_classes.loc[value, "label"])
        if column == "service_id":
            return str(self.study.services.loc[value, "label"])
        if column == "sample":
            return f"Sample {value}"
        return humanise(value)

    def levels(self, column: str) -> list[str]:
        """The levels of a design column in registry order (as text)."""
        if column == "case":
            return [str(c) for c in self.study.cases.index]
        if column in ("group_id", "speaker_group"):
            return [str(g) for g in self.study.stakeholder_groups.index]
        if column == "service_class":
            return [str(c) for c in self.study.service_classes.index]
        if column == "service_id":
            return [str(s) for s in self.study.services.index]
        if column in self.case_attributes():
            return [str(v) for v in dict.fromkeys(self.study.cases[column])]
        raise ValueError(f"no registry lists the levels of '{column}'")

    def design(self, column: str) -> str:
        """The label of a design column."""
        return DESIGN_LABELS.get(column, humanise(column))

    def construct(self, construct: str) -> str:
        """A construct's label from the codebook."""
        return str(self.study.codebook.constructs.loc[construct, "label"])

    def score(self, score: str) -> str:
        """A score's construct label (the codebook's)."""
        return str(self.catalogue.loc[score, "label"])

    def outcome(self, score: str) -> str:
        """A score in words, "<construct label> (<measure>)"; a level score by its label."""
        spec = self.catalogue.loc[score]
        if spec["measure"] == "level":
            return str(spec["label"])
        return f"{spec['label']} ({spec['measure']})"

    def measure(self, score: str) -> str:
        """What a score measures in words, e.g. "Barrier met", "Risk experienced"."""
        spec = self.catalogue.loc[score]
        return humanise(f"{spec['kind']} {spec['measure']}")

    def anchors(self, score: str) -> str:
        """The end points of a score's response set, e.g. "1 = not at all, 5 = ..."."""
        spec = self.study.codebook.scores.loc[score]
        values = self.study.codebook.response_sets[spec["response_set"]].values
        if not values:
            return ""
        low, high = min(values), max(values)
        return f"{low} = {values[low].lower()}, {high} = {values[high].lower()}"

    def at_least(self, score: str, threshold: float) -> str:
        """The answers of a score's response set at or above ``threshold``, in words."""
        spec = self.study.codebook.scores.loc[score]
        values = self.study.codebook.response_sets[spec["response_set"]].values
        chosen = [label.lower() for code, label in sorted(values.items()) if code >= threshold]
        return " or ".join(chosen) if chosen else f"{threshold} or more"

    def code(self, code: str) -> str:
        """A focus-group code's label."""
        return str(self.study.focus_group_codes.loc[code, "label"])


# --------------------------------------------------------------------------- formats


def _number(value: float, digits: int) -> str:
    text = f"{float(value):.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def fmt_count(values: Sequence[Any]) -> str:
    """A whole number."""
    return f"{int(values[0])}"


def fmt_number(digits: int) -> Callable[[Sequence[Any]], str]:
    """A number with ``digits`` decimals."""
    return lambda values: _number(values[0], digits)


def fmt_percent(digits: int) -> Callable[[Sequence[Any]], str]:
    """A percentage (the value already in percent) with ``digits`` decimals."""
    return lambda values: _number(values[0], digits)


def fmt_mean_sd(digits: int) -> Callable[[Sequence[Any]], str]:
    """ "mean (SD)"; the mean alone where the SD does not exist."""

    def render(values: Sequence[Any]) -> str:
        mean, sd = values
        if sd is None:
            return _number(mean, digits)
        return f"{_number(mean, digits)} ({_number(sd, digits)})"

    return render


def fmt_estimate_ci(digits: int) -> Callable[[Sequence[Any]], str]:
    """ "estimate [low, high]"; the estimate alone where the CI does not exist."""

    def render(values: Sequence[Any]) -> str:
        estimate, low, high = values
        if low is None or high is None:
            return _number(estimate, digits)
        return f"{_number(estimate, digits)} [{_number(low, digits)}, {_number(high, digits)}]"

    return render


def fmt_ci(digits: int) -> Callable[[Sequence[Any]], str]:
    """ "[low, high]"."""
    return lambda values: f"[{_number(values[0], digits)}, {_number(values[1], digits)}]"


def fmt_p(values: Sequence[Any]) -> str:
    """A p value: three decimals, "<0.001" below that."""
    return format_p(values[0])


def fmt_text(values: Sequence[Any]) -> str:
    """Text as it is."""
    return str(values[0])


def fmt_value_rank(digits: int, rank_digits: int = 1) -> Callable[[Sequence[Any]], str]:
    """ "value (rank)", the rank without decimals when whole."""

    def render(values: Sequence[Any]) -> str:
        value, rank = values
        if rank is None:
            return _number(value, digits)
        rank_text = f"{int(rank)}" if float(rank).is_integer() else _number(rank, rank_digits)
        return f"{_number(value, digits)} ({rank_text})"

    return render


# --------------------------------------------------------------------------- the exhibit


@dataclass(frozen=True)
class Column:
    """One column as the paper prints it.

    Parameters
    ----------
    header : str
        The printed header.
    sources : tuple of str
        Columns of the exhibit's table it shows (e.g. mean and SD as "mean (SD)").
    render : callable
        Gets the source values (``None`` for a missing one; not called when all are
        missing: the cell is blank) and returns the printed text.
    numeric : bool
        Right-aligned when True.
    """

    header: str
    sources: tuple[str, ...]
    render: Callable[[Sequence[Any]], str] = fmt_text
    numeric: bool = True


@dataclass
class Exhibit:
    """One table (or one panel of a table): its numbers, masks and printed form.

    Attributes
    ----------
    stem : str
        File stem, e.g. ``"table01_sample_composition"``.
    number : str
        The table's number in the paper ("1", "6a").
    title : str
        The caption's first sentence.
    table : DataFrame
        Human-readable columns; masked cells are missing (NA).
    columns : list of Column
        The printed columns.
    notes : list of str
        Printed below the table.
    counts : list of str
        Columns that hold counts of people.
    complements : dict
        Count column -> the column of the total it is part of.
    not_counts_of_people : dict
        Count-like columns that are not counts of people -> why.
    masked : DataFrame
        Boolean, like ``table``: True where disclosure control masked the cell.
    small : DataFrame
        Boolean, like ``table``: True where a masked count was itself under the minimum.
    section : str or None
        A column whose change of value starts a new block of rows (a rule in LaTeX).
    hidden : list of str
        Columns used by the printed form only (not written to the CSV).
    min_cell : int
        The minimum cell size the table was protected with.
    """

    stem: str
    number: str
    title: str
    table: pd.DataFrame
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    complements: dict[str, str] = field(default_factory=dict)
    not_counts_of_people: dict[str, str] = field(default_factory=dict)
    masked: pd.DataFrame | None = None
    small: pd.DataFrame | None = None
    section: str | None = None
    hidden: list[str] = field(default_factory=list)
    min_cell: int = 5

    def __post_init__(self) -> None:
        if self.masked is None:
            self.masked = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        if self.small is None:
            self.small = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        unknown = [
            source
            for column in self.columns
            for source in column.sources
            if source not in self.table.columns
        ]
        declared = [*self.counts, *self.complements, *self.complements.values()]
        unknown += [c for c in declared if c not in self.table.columns]
        if unknown:
            raise ValueError(f"{self.stem}: columns {unknown} are not columns of the table")

    def rendered(self, min_cell: int | None = None) -> pd.DataFrame:
        """The printed cells (text): masked cells as ``<min_cell`` or ``–``."""
        min_cell = self.min_cell if min_cell is None else min_cell
        values = {c: self.table[c].astype("object").to_numpy() for c in self.table.columns}
        masked = {c: self.masked[c].to_numpy(dtype=bool) for c in self.masked.columns}
        small = {c: self.small[c].to_numpy(dtype=bool) for c in self.small.columns}
        out = {}
        for column in self.columns:
            sources = column.sources
            cells = []
            for i in range(len(self.table)):
                if any(masked[s][i] for s in sources):
                    is_small = len(sources) == 1 and small[sources[0]][i]
                    cells.append(f"<{min_cell}" if is_small else DASH)
                    continue
                row = [None if _missing(values[s][i]) else values[s][i] for s in sources]
                cells.append("" if all(v is None for v in row) else column.render(row))
            out[column.header] = cells
        return pd.DataFrame(out, index=self.table.index)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- protection


class Protector:
    """Apply small-cell suppression to blocks of a table, remembering what was masked.

    Parameters
    ----------
    table : DataFrame
        The table to publish (human-readable columns).
    min_cell : int
        Config ``disclosure.min_cell``.
    """

    def __init__(self, table: pd.DataFrame, min_cell: int) -> None:
        self.original = table.copy()
        self.table = table.copy()
        self.min_cell = min_cell
        self.masked = pd.DataFrame(False, index=table.index, columns=table.columns)

    def protect(
        self,
        rows: Sequence[Any] | pd.Index,
        counts: Sequence[str],
        *,
        derived: Mapping[str, Sequence[str]] | None = None,
        secondary: str = "none",
        by: Sequence[str] | None = None,
    ) -> None:
        """Suppress the small ``counts`` of ``rows`` (a block whose totals are visible).

        Parameters
        ----------
        rows : sequence
            Index labels of the block (inner cells only: totals are protected separately).
        counts : sequence of str
            Count columns of the block.
        derived : mapping, optional
            Count column -> columns computed from it (masked with it).
        secondary : str
            As :func:`coprod.disclosure.suppress_small_cells`.
        by : sequence of str, optional
            Columns splitting the block's rows into groups for the column rule.
        """
        rows = list(rows)
        if not rows or not counts:
            return
        derived = {key: list(value) for key, value in (derived or {}).items()}
        columns = list(dict.fromkeys([*counts, *(c for v in derived.values() for c in v)]))
        block = self.table.loc[rows, columns + [c for c in (by or []) if c not in columns]]
        for column in counts:
            block[column] = block[column].astype("Float64")
        result = suppress_small_cells(
            block, list(counts), self.min_cell, derived=derived, secondary=secondary, by=by
        )
        self._apply(rows, result.suppressed)

    def protect_complement(
        self,
        rows: Sequence[Any] | pd.Index,
        pairs: Sequence[tuple[str, str]],
        *,
        derived: Mapping[str, Sequence[str]],
        secondary: str = "none",
        by: Sequence[str] | None = None,
    ) -> None:
        """Suppress where total - count is small: ``pairs`` of (count, total) columns.

        ``derived`` maps each count column to the columns masked with its complement
        (the count itself and its share).
        """
        rows = list(rows)
        if not rows or not pairs:
            return
        hidden = pd.DataFrame(index=rows)
        hidden_derived: dict[str, list[str]] = {}
        for count, total in pairs:
            name = f"__complement__{count}"
            hidden[name] = self.table.loc[rows, total].astype("Float64") - self.table.loc[
                rows, count
            ].astype("Float64")
            for column in [count, *derived.get(count, [])]:
                hidden[column] = self.table.loc[rows, column]
            hidden_derived[name] = list(dict.fromkeys([count, *derived.get(count, [])]))
        for column in by or []:
            hidden[column] = self.table.loc[rows, column]
        names = list(hidden_derived)
        result = suppress_small_cells(
            hidden, names, self.min_cell, derived=hidden_derived, secondary=secondary, by=by
        )
        suppressed = result.suppressed.drop(columns=names)
        self._apply(rows, suppressed)

    def _apply(self, rows: list[Any], suppressed: pd.DataFrame) -> None:
        for column in suppressed.columns:
            hit = pd.Series(False, index=self.table.index)
            hit.loc[rows] = suppressed[column].to_numpy(dtype=bool)
            if not hit.any():
                continue
            self.masked[column] = self.masked[column] | hit
            series = self.table[column]
            if pd.api.types.is_integer_dtype(series) and not isinstance(
                series.dtype, pd.Int64Dtype
            ):
                series = series.astype("Int64")
            self.table[column] = series.mask(hit)

    def small(self, counts: Sequence[str]) -> pd.DataFrame:
        """Which masked cells of ``counts`` were themselves under the minimum."""
        small = pd.DataFrame(False, index=self.table.index, columns=self.table.columns)
        for column in counts:
            values = pd.to_numeric(self.original[column], errors="coerce").astype("Float64")
            under = ((values > 0) & (values < self.min_cell)).fillna(False).to_numpy(dtype=bool)
            small[column] = under & self.masked[column].to_numpy(dtype=bool)
        return small

    def exhibit(self, **kwargs: Any) -> Exhibit:
        """The :class:`Exhibit` of the protected table (``kwargs``: its other fields)."""
        counts = list(kwargs.get("counts", []))
        return Exhibit(
            table=self.table,
            masked=self.masked,
            small=self.small(counts),
            min_cell=self.min_cell,
            **kwargs,
        )


# --------------------------------------------------------------------------- writing

_LATEX_TOKENS = {
    "ε²": r"$\varepsilon^2$",
    "χ²": r"$\chi^2$",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "κ": r"$\kappa$",
    "ρ": r"$\rho$",
    "ω": r"$\omega$",
    "ε": r"$\varepsilon$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "²": r"$^2$",
    "†": r"\textsuperscript{\dag}",
    "–": "--",
    "—": "---",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_LATEX = re.compile(
    "|".join(re.escape(token) for token in sorted(_LATEX_TOKENS, key=len, reverse=True))
    + r"|(?<![\w.])-(?=\d)"
)


def latex_text(text: str) -> str:
    """Text for LaTeX: specials escaped, Greek letters and a minus sign as math.

    Examples
    --------
    >>> latex_text("ε² [-0.10, 0.20] <5 & 12%")
    '$\\\\varepsilon^2$ [$-$0.10, 0.20] \\\\textless{}5 \\\\& 12\\\\%'
    """
    return _LATEX.sub(lambda m: _LATEX_TOKENS.get(m.group(0), "$-$"), str(text))


def _markdown_text(text: str) -> str:
    return str(text).replace("|", r"\|")


def to_markdown(exhibit: Exhibit) -> str:
    """The exhibit as a Markdown caption, pipe table and note."""
    cells = exhibit.rendered()
    cells = cells.map(_markdown_text)
    align = tuple("right" if column.numeric else "left" for column in exhibit.columns)
    body = cells.to_markdown(index=False, disable_numparse=True, colalign=align)
    parts = [f"**Table {exhibit.number}.** {exhibit.title}", "", body]
    if exhibit.notes:
        parts += ["", "*Note.* " + " ".join(exhibit.notes)]
    return "\n".join(parts) + "\n"


def to_latex(exhibit: Exhibit) -> str:
    """The exhibit as a LaTeX booktabs ``table`` with caption, label and note."""
    cells = exhibit.rendered()
    align = "".join("r" if column.numeric else "l" for column in exhibit.columns)
    header = " & ".join(latex_text(column.header) for column in exhibit.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{latex_text(exhibit.title)}}}",
        rf"\label{{tab:{exhibit.stem}}}",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        header + r" \\",
        r"\midrule",
    ]
    previous = None
    for position, row in enumerate(cells.index):
        if exhibit.section is not None:
            current = exhibit.table.loc[row, exhibit.section]
            if position > 0 and current != previous:
                lines.append(r"\midrule")
            previous = current
        lines.append(" & ".join(latex_text(cell) for cell in cells.loc[row]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if exhibit.notes:
        note = latex_text(" ".join(exhibit.notes))
        lines += [
            r"\par\smallskip",
            rf"\parbox{{\linewidth}}{{\footnotesize\emph{{Note.}} {note}}}",
        ]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def to_csv(exhibit: Exhibit, digits: int = 6) -> str:
    """The exhibit's numbers as CSV: masked and missing cells empty, floats rounded.

    Floats are rounded to ``digits`` decimals (p values to ``digits`` significant
    digits, so that a very small p is not written as 0), so that reruns are
    byte-identical across platforms' last-digit float noise.
    """
    numbers = exhibit.table.drop(columns=exhibit.hidden)
    for column in numbers.columns:
        values = numbers[column]
        if pd.api.types.is_float_dtype(values) and _is_p(column):
            numbers[column] = [
                v if math.isnan(v) else float(f"{v:.{digits}g}")
                for v in values.astype("float64").to_numpy()
            ]
        elif pd.api.types.is_float_dtype(values):
            rounded = np.round(values.astype("float64").to_numpy(), digits) + 0.0
            numbers[column] = rounded
        elif pd.api.types.is_bool_dtype(values):
            numbers[column] = values.astype("object").map(
                lambda v: "" if _missing(v) else ("yes" if v else "no")
            )
    return numbers.to_csv(index=False, lineterminator="\n")


def _is_p(column: str) -> bool:
    """A column of p values ("p", "p (Holm)"): kept to significant digits in the CSV."""
    return column == "p" or column.startswith("p (")


def sidecar(exhibit: Exhibit, csv_name: str) -> dict[str, Any]:
    """What :func:`scan_published` needs to check the table CSV, and what was masked."""
    masked = exhibit.masked.to_numpy(dtype=bool)
    small = exhibit.small.to_numpy(dtype=bool)
    label_columns = [c.sources[0] for c in exhibit.columns if not c.numeric][:4]
    return {
        "table": csv_name,
        "number": exhibit.number,
        "title": exhibit.title,
        "min_cell": exhibit.min_cell,
        "count_columns": list(exhibit.counts),
        "complements": dict(exhibit.complements),
        "not_counts_of_people": dict(exhibit.not_counts_of_people),
        "row_label_columns": label_columns,
        "masked_cells": {
            "under_min_cell": int(small.sum()),
            "other": int(masked.sum() - small.sum()),
        },
        "display_of_masked_cells": {
            "csv": "empty",
            "markdown_latex_count_under_min_cell": f"<{exhibit.min_cell}",
            "markdown_latex_other": DASH,
        },
    }


def write_exhibit(
    exhibit: Exhibit,
    *,
    csv: str | Path,
    markdown: str | Path,
    latex: str | Path,
    disclosure: str | Path,
    csv_digits: int = 6,
) -> None:
    """Write one exhibit: CSV, Markdown, LaTeX and the disclosure sidecar (JSON)."""
    Path(csv).write_text(to_csv(exhibit, csv_digits), encoding="utf-8")
    Path(markdown).write_text(to_markdown(exhibit), encoding="utf-8")
    Path(latex).write_text(to_latex(exhibit), encoding="utf-8")
    Path(disclosure).write_text(
        json.dumps(sidecar(exhibit, Path(csv).name), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- helpers


def _decimals(settings: Mapping[str, Any]) -> dict[str, int]:
    return {**DEFAULT_DECIMALS, **dict(settings.get("decimals") or {})}


def _read(inputs: Mapping[str, Any], name: str) -> pd.DataFrame:
    return pd.read_parquet(inputs[name])


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("object").map(lambda v: v if _missing(v) else str(v))


_LOOKUPS: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, dict]] = {}


def _lookup(frame: pd.DataFrame, keys: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
    """Row positions of ``frame`` by the text of its ``keys`` columns (built once a frame)."""
    cached = _LOOKUPS.get((id(frame), keys))
    if cached is not None and cached[0] is frame:
        return cached[1]
    if len(_LOOKUPS) > 256:
        _LOOKUPS.clear()
    columns = [frame[key].astype("object").to_numpy() for key in keys]
    index: dict[tuple[str, ...], list[int]] = {}
    for position, values in enumerate(zip(*columns, strict=True)):
        text = tuple("\0missing" if _missing(v) else str(v) for v in values)
        index.setdefault(text, []).append(position)
    _LOOKUPS[(id(frame), keys)] = (frame, index)
    return index


def _rows_of(frame: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """The rows whose columns equal ``criteria`` (compared as text)."""
    keys = tuple(sorted(criteria))
    positions = _lookup(frame, keys).get(tuple(str(criteria[key]) for key in keys), [])
    return frame.iloc[positions]


def _one(frame: pd.DataFrame, **criteria: Any) -> pd.Series | None:
    """The one row matching ``criteria`` (None when there is none)."""
    keys = tuple(sorted(criteria))
    positions = _lookup(frame, keys).get(tuple(str(criteria[key]) for key in keys), [])
    if len(positions) > 1:
        raise ValueError(f"more than one row matches {criteria}")
    return frame.iloc[positions[0]] if positions else None


def _float(value: Any) -> float:
    return float("nan") if _missing(value) else float(value)


def _count(value: Any) -> Any:
    return pd.NA if _missing(value) else int(round(float(value)))


def _correction(frame: pd.DataFrame) -> str:
    """The correction named in a result file's rows ("adjusted" when they differ)."""
    names = sorted({str(c) for c in frame["correction"].dropna() if str(c) != "none"})
    return names[0] if len(names) == 1 else "adjusted"


def _protect_groups(
    protector: Protector,
    rows: Sequence[Any],
    inner: Sequence[str],
    total: str | None,
    *,
    n: Callable[[str], str],
    n_derived: Callable[[str], list[str]],
    k: Callable[[str], str] | None = None,
    k_derived: Callable[[str], list[str]] | None = None,
    k_rows: Sequence[Any] | None = None,
) -> None:
    """Protect a wide table of groups: per group a count n (and a count k of n).

    The inner groups' counts add up to the ``total`` group's (visible), so a row with
    one masked count gets a second (secondary suppression across the row). Where a
    group has a count k of its n (a share), k and n - k are checked too.
    """
    inner = list(inner)
    groups = [*inner, *([total] if total else [])]
    k_derived = k_derived or (lambda group: [])
    derived = {
        n(g): [*n_derived(g), *([k(g)] if k else []), *(k_derived(g) if k else [])] for g in groups
    }
    protector.protect(
        rows,
        [n(g) for g in inner],
        derived={n(g): derived[n(g)] for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect(rows, [n(total)], derived={n(total): derived[n(total)]})
    if k is None:
        return
    rows_k = list(rows if k_rows is None else k_rows)
    protector.protect_complement(
        rows_k,
        [(k(g), n(g)) for g in inner],
        derived={k(g): k_derived(g) for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect_complement(
            rows_k, [(k(total), n(total))], derived={k(total): k_derived(total)}
        )
    protector.protect(
        rows_k,
        [k(g) for g in inner],
        derived={k(g): k_derived(g) for g in inner},
        secondary="rows" if total else "none",
    )
    if total:
        protector.protect(rows_k, [k(total)], derived={k(total): k_derived(total)})


def _listing(values: Sequence[str] | pd.Series, *, lower: bool = False) -> str:
    """Distinct values in order as "a, b and c" (the first letters lowered if ``lower``).

    Examples
    --------
    >>> _listing(["One", "Two", "Three", "Two"], lower=True)
    'one, two and three'
    """
    items = [str(v) for v in dict.fromkeys(values)]
    if lower:
        items = [item[:1].lower() + item[1:] for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _bracketed(label: str) -> str:
    """A result file's "<construct>: <measure>" label as "<construct> (<measure>)".

    Examples
    --------
    >>> _bracketed("Mean score: overcome"), _bracketed("Plain")
    ('Mean score (overcome)', 'Plain')
    """
    head, sep, tail = label.partition(": ")
    return f"{head} ({tail})" if sep else label


def _masking_note(min_cell: int) -> str:
    return (
        f"Counts of people from 1 to {min_cell - 1} are shown as <{min_cell}, and "
        f"{DASH} marks a cell masked with them: a statistic of such a count, or a count "
        "masked so that a masked one cannot be recovered from a total "
        "(config disclosure.min_cell)."
    )


def _mean_or_percent(digits_mean: int, digits_percent: int) -> Callable[[Sequence[Any]], str]:
    """The mean of a scale, or the % of yes of a yes/no score."""

    def render(values: Sequence[Any]) -> str:
        mean, percent = values
        if mean is not None:
            return _number(mean, digits_mean)
        return f"{_number(percent, digits_percent)}%"

    return render


def _group_descriptives(
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    catalogue: pd.DataFrame,
    column: str,
    levels: Sequence[str],
) -> pd.DataFrame:
    """n, mean (and the count of yes of a 0/1 score) per outcome, pooled and per level.

    The same n and mean as :func:`coprod.compare.describe` (the answered values).
    """
    groups = _as_text(scores[column])
    members = {POOLED: np.ones(len(scores), dtype=bool)}
    members.update({level: (groups == level).to_numpy(dtype=bool) for level in levels})
    rows = []
    for outcome in outcomes:
        values = scores[outcome].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        binary = bool(catalogue.loc[outcome, "binary"])
        for level in [POOLED, *levels]:
            part = values[members[level]]
            answered = part[~np.isnan(part)]
            n = int(answered.size)
            rows.append(
                {
                    "outcome": outcome,
                    "by": POOLED if level == POOLED else column,
                    "group": level,
                    "n": n,
                    "estimate": float(answered.mean()) if n else float("nan"),
                    "binary": binary,
                    "yes": int(answered.sum()) if binary else pd.NA,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- table 1


def sample_composition(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 1: included respondents by case, sample and stakeholder group; focus groups.

    Parameters
    ----------
    study : Study
        The study's resources (labels).
    inputs : mapping
        ``scores`` (``results/scoring/scores.parquet``: the included responses) and
        ``segments`` (``results/ingest/focus_group_segments.parquet``).
    settings : mapping
        Config ``exhibits`` (unused here but for the common interface).
    min_cell : int
        Config ``disclosure.min_cell``.

    Returns
    -------
    list of Exhibit
        One exhibit: a row per case and sample, a row per case over both samples, and
        the same for all cases; a column per stakeholder group, the total, the focus
        groups held and their participants (distinct speakers).
    """
    labels = Labels(study)
    scores = _read(inputs, "scores")
    segments = _read(inputs, "segments")
    cases = labels.levels("case")
    groups = labels.levels("group_id")
    group_labels = [labels.level("group_id", g) for g in groups]
    samples = sorted(
        {str(s) for s in scores["sample"].dropna()} | {str(s) for s in segments["sample"]},
        key=lambda s: (len(s), s),
    )
    responses = pd.DataFrame(
        {
            "case": _as_text(scores["case"]),
            "sample": _as_text(scores["sample"]),
            "group": _as_text(scores["group_id"]),
        }
    )
    talk = pd.DataFrame(
        {
            "case": _as_text(segments["case"]),
            "sample": _as_text(segments["sample"]),
            "focus_group": _as_text(segments["focus_group"]),
            "speaker": _as_text(segments["focus_group"]) + "/" + _as_text(segments["speaker"]),
        }
    )
    attributes = labels.case_attributes()
    records = []
    for case in [*cases, POOLED]:
        for sample in [*samples, POOLED]:
            chosen = responses
            spoken = talk
            if case != POOLED:
                chosen = chosen[chosen["case"] == case]
                spoken = spoken[spoken["case"] == case]
            if sample != POOLED:
                chosen = chosen[chosen["sample"] == sample]
                spoken = spoken[spoken["sample"] == sample]
            record: dict[str, Any] = {"Case": labels.case(case)}
            for attribute in attributes:
                record[humanise(attribute)] = (
                    "" if case == POOLED else humanise(str(study.cases.loc[case, attribute]))
                )
            record["Sample"] = "All" if sample == POOLED else sample
            counts = chosen["group"].value_counts()
            for group, label in zip(groups, group_labels, strict=True):
                record[label] = int(counts.get(group, 0))
            record["Total"] = len(chosen)
            record["Focus groups"] = spoken["focus_group"].nunique()
            record["Participants"] = spoken["speaker"].nunique()
            records.append(record)
    table = pd.DataFrame(records)
    for column in [*group_labels, "Total", "Focus groups", "Participants"]:
        table[column] = table[column].astype("Int64")
    table["_case"] = [case for case in [*cases, POOLED] for _ in [*samples, POOLED]]
    table["_sample"] = [sample for _ in [*cases, POOLED] for sample in [*samples, POOLED]]

    protector = Protector(table, min_cell)
    inner = table.index[(table["_case"] != POOLED) & (table["_sample"] != POOLED)]
    case_totals = table.index[(table["_case"] != POOLED) & (table["_sample"] == POOLED)]
    sample_totals = table.index[(table["_case"] == POOLED) & (table["_sample"] != POOLED)]
    grand = table.index[(table["_case"] == POOLED) & (table["_sample"] == POOLED)]
    for _ in range(10):
        before = protector.masked.to_numpy().copy()
        for columns, rows_rule in (
            (group_labels, True),
            (["Total"], False),
            (["Participants"], False),
        ):
            both = "both" if rows_rule else "columns"
            protector.protect(inner, columns, secondary=both, by=["_case"])
            protector.protect(inner, columns, secondary=both, by=["_sample"])
            protector.protect(case_totals, columns, secondary=both)
            protector.protect(sample_totals, columns, secondary=both)
            protector.protect(grand, columns)
        if (protector.masked.to_numpy() == before).all():
            break
    counts = [*group_labels, "Total", "Participants"]
    columns = [
        Column("Case", ("Case",), numeric=False),
        *(Column(humanise(a), (humanise(a),), numeric=False) for a in attributes),
        Column("Sample", ("Sample",), numeric=False),
        *(Column(label, (label,), fmt_count) for label in group_labels),
        Column("Total", ("Total",), fmt_count),
        Column("Focus groups", ("Focus groups",), fmt_count),
        Column("Participants", ("Participants",), fmt_count),
    ]
    n_included = int(table.loc[grand[0], "Total"])
    notes = [
        f"Respondents included after the exclusions of Table 2 (n = {n_included}), by case, "
        "survey sample and stakeholder group; focus groups held in each case and sample, and "
        "their participants (distinct speakers).",
        _masking_note(min_cell),
        "Focus groups count meetings, not people, and are not masked.",
    ]
    return [
        protector.exhibit(
            stem="table01_sample_composition",
            number="1",
            title="Sample composition: included respondents by case, stakeholder group and "
            "sample; focus groups and participants",
            columns=columns,
            notes=notes,
            counts=counts,
            not_counts_of_people={"Focus groups": "focus groups held (meetings, not people)"},
            section="Case",
            hidden=["_case", "_sample"],
        )
    ]


# --------------------------------------------------------------------------- table 2


def _cumulative_mask(excluded_masked: Sequence[bool]) -> list[bool]:
    """Which counts remaining after each step would isolate one masked exclusion.

    The count remaining after step m gives away the sum of the masked exclusions up to
    m, and (with the final count) the sum of those after m; either sum isolates a
    masked count when it holds exactly one.

    Examples
    --------
    >>> _cumulative_mask([False, True, False, True, False])
    [False, True, True, False, False]
    """
    flags = [bool(v) for v in excluded_masked]
    total = sum(flags)
    out = []
    for m in range(len(flags)):
        before = sum(flags[: m + 1])
        after = total - before
        out.append(before == 1 or after == 1)
    return out


def data_quality_flow(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 2: how many responses each exclusion step removed, per case and pooled.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``flow`` (``results/clean/flow.parquet``).
    settings : mapping
        Config ``exhibits``.
    min_cell : int
        Config ``disclosure.min_cell``.

    Returns
    -------
    list of Exhibit
        Rows: responses received, each step's exclusions (in the order applied),
        the responses included, and the straight-liners flagged but kept; columns:
        one per case, all cases, and what remains after each step (all cases).
    """
    labels = Labels(study)
    flow = _read(inputs, "flow")
    flow = flow[_as_text(flow["sample"]) == POOLED]
    cases = [c for c in _as_text(flow["case"]).unique() if c != POOLED]
    order = {case: i for i, case in enumerate(labels.levels("case"))}
    cases = sorted(cases, key=lambda c: order.get(c, len(order)))
    case_labels = [labels.case(c) if c in order else humanise(f"case {c}") for c in cases]
    steps = list(flow.sort_values("step_number")["step"].astype(str).unique())
    received, exclusions = steps[0], steps[1:]

    def value(case: str, step: str, column: str) -> Any:
        row = _one(flow, case=case, step=step)
        return pd.NA if row is None else _count(row[column])

    records = []

    def add(key: str, label: str, column: str, step: str) -> None:
        record: dict[str, Any] = {"Step": label, "_step": key}
        for case, case_label in zip(cases, case_labels, strict=True):
            record[case_label] = value(case, step, column)
        record["All cases"] = value(POOLED, step, column)
        record["Remaining (all cases)"] = (
            value(POOLED, step, "remaining") if column != "flagged_kept" else pd.NA
        )
        records.append(record)

    add(received, step_label(received, settings), "remaining", received)
    for step in exclusions:
        row = _one(flow, case=POOLED, step=step)
        label = step_label(step, settings)
        if row is not None and not _missing(row["enabled"]) and not bool(row["enabled"]):
            label += " (step switched off)"
        add(step, label, "excluded", step)
    add("included", step_label("included", settings), "remaining", exclusions[-1])
    kept_step = next(
        (s for s in exclusions if not _rows_of(flow, step=s)["flagged_kept"].isna().all()), None
    )
    if kept_step is not None:
        add("flagged_kept", step_label("flagged_kept", settings), "flagged_kept", kept_step)
    table = pd.DataFrame(records)
    count_columns = [*case_labels, "All cases", "Remaining (all cases)"]
    for column in count_columns:
        table[column] = table[column].astype("Int64")

    protector = Protector(table, min_cell)
    step_rows = table.index[table["_step"].isin(exclusions)]
    other_rows = table.index[~table["_step"].isin(exclusions)]
    for _ in range(10):
        before = protector.masked.to_numpy().copy()
        protector.protect(step_rows, case_labels, secondary="both")
        protector.protect(step_rows, ["All cases"], secondary="columns")
        for row in other_rows:
            protector.protect([row], case_labels, secondary="rows")
            protector.protect([row], ["All cases"])
        if (protector.masked.to_numpy() == before).all():
            break
    remaining_masked = _cumulative_mask(protector.masked.loc[step_rows, "All cases"])
    hide = pd.Series(False, index=table.index)
    hide.loc[step_rows] = remaining_masked
    protector.table["Remaining (all cases)"] = protector.table["Remaining (all cases)"].mask(hide)
    protector.masked["Remaining (all cases)"] |= hide
    protector.protect(step_rows, ["Remaining (all cases)"])

    columns = [
        Column("Step", ("Step",), numeric=False),
        *(Column(label, (label,), fmt_count) for label in case_labels),
        Column("All cases", ("All cases",), fmt_count),
        Column("Remaining (all cases)", ("Remaining (all cases)",), fmt_count),
    ]
    notes = [
        "Survey responses (all samples) removed by each data-quality rule, applied in the "
        "order shown, each to the responses the earlier rules left; the last row counts "
        "the straight-liners flagged at their step but not excluded by it (they are "
        "analysed).",
        labels.case_note(),
        _masking_note(min_cell),
        "Per case, the count remaining after each step is not shown: it would give masked "
        "exclusion counts back by subtraction; it is shown pooled over the cases, masked "
        "where it would isolate a masked count.",
    ]
    return [
        protector.exhibit(
            stem="table02_data_quality_flow",
            number="2",
            title="Data-quality flow: responses excluded by each rule, per case",
            columns=columns,
            notes=notes,
            counts=count_columns,
            hidden=["_step"],
        )
    ]


# --------------------------------------------------------------------------- table 3


def scale_reliability(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 3: reliability of every multi-item scale, pooled and per level of ``by``.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``reliability`` (``results/reliability/scale_reliability.parquet``).
    settings : mapping
        ``by`` (config ``exhibits.by``: the breakdown beside the pooled rows),
        ``threshold`` (config ``reliability.scale_threshold``), ``ci`` and
        ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        Per scale: the pooled row, then one row per level; items, n, complete n,
        Cronbach's alpha with its bootstrap CI, McDonald's omega, the lowest corrected
        item-total correlation, and a flag where alpha is under the threshold.
    """
    labels = Labels(study)
    digits = _decimals(settings)["reliability"]
    by = str(settings["by"])
    threshold = float(settings["threshold"])
    source = _read(inputs, "reliability")
    records = []
    for scale in dict.fromkeys(source["scale"]):
        levels = [(POOLED, POOLED), *((by, level) for level in labels.levels(by))]
        for level, group in levels:
            row = _one(
                source, scale=scale, level="pooled" if level == POOLED else level, group=group
            )
            if row is None:
                continue
            flagged = bool(row.get("flag_below_threshold", False)) and not _missing(
                row.get("alpha")
            )
            records.append(
                {
                    "Scale": labels.outcome(scale)
                    if scale in labels.catalogue.index
                    else str(row["label"]),
                    "Group": labels.level(by, group),
                    "Items": _count(row["n_items"]),
                    "n": _count(row["n"]),
                    "Complete n": _count(row.get("n_complete")),
                    "α": _float(row.get("alpha")),
                    "α 95% CI low": _float(row.get("ci_low")),
                    "α 95% CI high": _float(row.get("ci_high")),
                    "ω": _float(row.get("omega")),
                    "Lowest item-total r": _float(row.get("min_item_total_r")),
                    "Flag": f"α < {threshold:.2f}" if flagged else "",
                    "_scale": scale,
                    "_pooled": group == POOLED,
                }
            )
    table = pd.DataFrame(records)
    for column in ("Items", "n", "Complete n"):
        table[column] = table[column].astype("Int64")
    stats = ["α", "α 95% CI low", "α 95% CI high", "ω", "Lowest item-total r", "Flag"]
    protector = Protector(table, min_cell)
    inner = table.index[~table["_pooled"]]
    pooled = table.index[table["_pooled"]]
    derived = {"n": stats, "Complete n": stats}
    protector.protect(
        inner, ["n", "Complete n"], derived=derived, secondary="columns", by=["_scale"]
    )
    protector.protect(pooled, ["n", "Complete n"], derived=derived)
    columns = [
        Column("Scale", ("Scale",), numeric=False),
        Column("Group", ("Group",), numeric=False),
        Column("Items", ("Items",), fmt_count),
        Column("n", ("n",), fmt_count),
        Column("Complete n", ("Complete n",), fmt_count),
        Column("α [95% CI]", ("α", "α 95% CI low", "α 95% CI high"), fmt_estimate_ci(digits)),
        Column("ω", ("ω",), fmt_number(digits)),
        Column("Lowest item-total r", ("Lowest item-total r",), fmt_number(digits)),
        Column("Flag", ("Flag",), numeric=False),
    ]
    ci = float(settings.get("ci", 0.95))
    flagged = table.loc[table["_pooled"] & (table["Flag"] != ""), "Scale"].tolist()
    notes = [
        f"Cronbach's α with a percentile bootstrap {ci:.0%} CI, McDonald's ω and the lowest "
        f"corrected item-total correlation of each multi-item scale, over all respondents "
        f"and per {labels.design(by).lower()}; n: respondents with at least one answer; "
        "complete n: respondents who answered every item.",
        f"Flag: α under {threshold:.2f} (config reliability.scale_threshold); pooled: "
        + (", ".join(flagged) if flagged else "none")
        + ".",
        _masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            stem="table03_scale_reliability",
            number="3",
            title="Scale reliability: Cronbach's alpha, McDonald's omega and item-total "
            f"correlations, pooled and per {labels.design(by).lower()}",
            columns=columns,
            notes=notes,
            counts=["n", "Complete n"],
            not_counts_of_people={"Items": "items of the scale"},
            section="Scale",
            hidden=["_scale", "_pooled"],
        )
    ]


# --------------------------------------------------------------------------- table 4


def intercoder_reliability(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 4: agreement of the focus-group coders per code.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``intercoder`` (``results/reliability/intercoder_reliability.parquet``).
    settings : mapping
        ``unreliable_below`` and ``reliable_from`` (config ``intercoder``), ``ci``,
        ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per code (codebook order), then all codes: turns coded, prevalence,
        percent agreement, Krippendorff's alpha with its bootstrap CI, kappa, and the
        verdict (unreliable under ``unreliable_below``, tentative up to
        ``reliable_from``).
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    digits = decimals["reliability"]
    low = float(settings["unreliable_below"])
    high = float(settings["reliable_from"])
    source = _read(inputs, "intercoder")
    codes = list(study.focus_group_codes.index)
    known = source[source["code"].isin(codes)].copy()
    known["_order"] = known["code"].map({c: i for i, c in enumerate(codes)})
    rows = [*known.sort_values("_order").itertuples(index=False)]
    rows += [*source[~source["code"].isin(codes)].itertuples(index=False)]
    verdicts = {
        "unreliable": f"unreliable (α < {low:.3f})",
        "tentative": f"tentative ({low:.3f} ≤ α < {high:.3f})",
        "reliable": "reliable",
    }
    records = []
    for row in rows:
        code = str(row.code)
        records.append(
            {
                "Code": labels.code(code) if code in codes else humanise(code),
                "Kind": humanise(str(row.kind)) if code in codes else "",
                "Turns": _count(row.n_units),
                "Coders": _count(row.n_coders),
                "Prevalence (%)": 100 * _float(row.prevalence),
                "Agreement (%)": 100 * _float(row.percent_agreement),
                "Krippendorff's α": _float(row.krippendorff_alpha),
                "α 95% CI low": _float(row.alpha_ci_low),
                "α 95% CI high": _float(row.alpha_ci_high),
                "κ": _float(row.kappa),
                "Reliability": verdicts.get(str(row.flag), str(row.flag)),
            }
        )
    table = pd.DataFrame(records)
    for column in ("Turns", "Coders"):
        table[column] = table[column].astype("Int64")
    kinds = sorted({str(k) for k in source["kappa_type"].dropna()})
    kappa = "Cohen's κ" if kinds == ["cohen"] else "κ"
    columns = [
        Column("Code", ("Code",), numeric=False),
        Column("Kind", ("Kind",), numeric=False),
        Column("Turns", ("Turns",), fmt_count),
        Column("Prevalence (%)", ("Prevalence (%)",), fmt_percent(decimals["percent"])),
        Column("Agreement (%)", ("Agreement (%)",), fmt_percent(decimals["percent"])),
        Column(
            "Krippendorff's α [95% CI]",
            ("Krippendorff's α", "α 95% CI low", "α 95% CI high"),
            fmt_estimate_ci(digits),
        ),
        Column(kappa, ("κ",), fmt_number(digits)),
        Column("Reliability", ("Reliability",), numeric=False),
    ]
    ci = float(settings.get("ci", 0.95))
    unreliable = table.loc[table["Reliability"] == verdicts["unreliable"], "Code"].tolist()
    notes = [
        "Agreement of the coders on each focus-group code over all coded speaker turns: "
        f"prevalence (share of the coders' decisions that apply the code), percent "
        f"agreement, Krippendorff's α (nominal) with a bootstrap {ci:.0%} CI over turns, and "
        f"{kappa}" + ("" if kappa == "Cohen's κ" else f" ({', '.join(kinds)})") + ".",
        f"Codes under α = {low:.3f} support no conclusions (unreliable: "
        + (", ".join(unreliable) if unreliable else "none")
        + f"); from {low:.3f} to {high:.3f} tentative ones only (config intercoder).",
        "The table counts speaker turns, not people: no cell is masked.",
    ]
    protector = Protector(table, min_cell)
    return [
        protector.exhibit(
            stem="table04_intercoder_reliability",
            number="4",
            title="Intercoder reliability per focus-group code",
            columns=columns,
            notes=notes,
            not_counts_of_people={
                "Turns": "speaker turns coded, not people",
                "Coders": "coders of the study team",
            },
        )
    ]


# --------------------------------------------------------------------------- tables 5-7


def _group_levels(labels: Labels, by: str) -> tuple[list[str], list[str]]:
    """The levels of ``by`` then the pooled level, and their labels."""
    levels = [*labels.levels(by), POOLED]
    return levels, [labels.level(by, level) for level in levels]


def _outcome_rows(labels: Labels, spec: Mapping[str, str]) -> list[str]:
    return labels.scores_of([spec["kind"]], [spec["measure"]])


def _test_columns(
    test: pd.Series | None, correction: str, *, with_statistic: bool = True
) -> dict[str, Any]:
    """The across-groups test of a row: statistic, df, effect with CI, p and adjusted p."""
    record: dict[str, Any] = {}
    if with_statistic:
        record["Statistic"] = _float(None if test is None else test["statistic"])
        record["df"] = _float(None if test is None else test["df"])
    record["Effect"] = _float(None if test is None else test["estimate"])
    record["Effect 95% CI low"] = _float(None if test is None else test["ci_low"])
    record["Effect 95% CI high"] = _float(None if test is None else test["ci_high"])
    record["p"] = _float(None if test is None else test["p"])
    record[f"p ({correction})"] = _float(None if test is None else test["p_adj"])
    return record


_STATISTIC_SYMBOLS = {"H": "H", "chi2 (Pearson)": "χ²", "W (U of x)": "U", "t": "t", "z": "z"}
_EFFECT_SYMBOLS = {
    "epsilon_squared": "ε²",
    "cramers_v": "V",
    "rank_biserial": "r",
    "hedges_g": "g",
    "spearman_rho": "ρ",
    "standardised_beta": "β",
    "partial_r": "partial r",
}


def barriers_met(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 5: how far each barrier was met, per case and pooled, with the across-case test.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``describe`` (``results/compare/barriers_by_case.parquet``) and ``tests``
        (``results/compare/across_case_tests.parquet``).
    settings : mapping
        ``by`` (config ``exhibits.by``), ``scores`` (config
        ``compare.scores.barriers_met``), ``high_rating``, ``family`` (the across-case
        test's family), ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per barrier scale (codebook order): per group n, mean, SD and the
        number and share of respondents whose mean is at least ``high_rating``; the
        Kruskal-Wallis test across the groups with epsilon-squared and its CI, and
        the p adjusted within the family.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    by = str(settings["by"])
    high = settings["high_rating"]
    describe = _read(inputs, "describe")
    tests = _read(inputs, "tests")
    tests = tests[tests["family"] == settings["family"]]
    correction = _correction(tests)
    levels, level_labels = _group_levels(labels, by)
    outcomes = _outcome_rows(labels, settings["scores"])
    records = []
    for outcome in outcomes:
        spec = labels.catalogue.loc[outcome]
        record: dict[str, Any] = {
            "Barrier": str(spec["label"]),
            "Side": "" if _missing(spec["side"]) else humanise(str(spec["side"])),
        }
        for level, label in zip(levels, level_labels, strict=True):
            row = _one(describe, outcome=outcome, by=POOLED if level == POOLED else by, group=level)
            n = _count(None if row is None else row["n"])
            share = _float(None if row is None else row["share_high"])
            record[f"{label}: n"] = n
            record[f"{label}: mean"] = _float(None if row is None else row["estimate"])
            record[f"{label}: SD"] = _float(None if row is None else row["sd"])
            record[f"{label}: rating ≥ {high} (n)"] = (
                _count(share * n) if not _missing(n) and not math.isnan(share) else pd.NA
            )
            record[f"{label}: rating ≥ {high} (%)"] = 100 * share
        test = _one(tests, outcome=outcome)
        record.update(_test_columns(test, correction))
        records.append(record)
    table = pd.DataFrame(records)
    for label in level_labels:
        for column in (f"{label}: n", f"{label}: rating ≥ {high} (n)"):
            table[column] = table[column].astype("Int64")
    protector = Protector(table, min_cell)
    _protect_groups(
        protector,
        table.index,
        level_labels[:-1],
        level_labels[-1],
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [f"{g}: mean", f"{g}: SD"],
        k=lambda g: f"{g}: rating ≥ {high} (n)",
        k_derived=lambda g: [f"{g}: rating ≥ {high} (%)"],
    )
    columns = [
        Column("Barrier", ("Barrier",), numeric=False),
        Column("Side", ("Side",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
    ]
    for label in level_labels:
        columns.append(
            Column(
                f"{label}: mean (SD)",
                (f"{label}: mean", f"{label}: SD"),
                fmt_mean_sd(decimals["mean"]),
            )
        )
        columns.append(
            Column(
                f"{label}: % ≥ {high}",
                (f"{label}: rating ≥ {high} (%)",),
                fmt_percent(decimals["percent"]),
            )
        )
    columns += [
        Column("H", ("Statistic",), fmt_number(decimals["statistic"])),
        Column(
            "ε² [95% CI]",
            ("Effect", "Effect 95% CI low", "Effect 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    dfs = sorted({int(d) for d in table["df"].dropna()})
    notes = [
        f"Mean (SD) of each barrier scale ({labels.anchors(outcomes[0])}) and "
        f"the % of respondents whose scale mean is {high} or more, per "
        f"{labels.design(by).lower()} and over all cases; n: respondents who answered.",
        f"H: Kruskal-Wallis test across the {len(levels) - 1} cases (df = "
        f"{', '.join(map(str, dfs)) or 'n/a'}); ε²: its effect size with a noncentral χ² 95% CI; "
        f"p adjusted for the {len(outcomes)} barriers by the {correction} method.",
        labels.case_note(),
        _masking_note(min_cell),
    ]
    counts = [c for label in level_labels for c in (f"{label}: n", f"{label}: rating ≥ {high} (n)")]
    complements = {f"{label}: rating ≥ {high} (n)": f"{label}: n" for label in level_labels}
    return [
        protector.exhibit(
            stem="table05_barriers_met",
            number="5",
            title="Barriers met: mean (SD) and % rating the barrier high, "
            f"per {labels.design(by).lower()} and pooled, with the across-case test",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
        )
    ]


def _share_table(
    labels: Labels,
    source: pd.DataFrame,
    outcomes: Sequence[str],
    by: str,
    *,
    analysis: str,
    row_label: str,
    share_name: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Per outcome and group: n, the count at or above the threshold, and its %."""
    levels, level_labels = _group_levels(labels, by)
    records = []
    for outcome in outcomes:
        record: dict[str, Any] = {row_label: labels.score(outcome), "_outcome": outcome}
        for level, label in zip(levels, level_labels, strict=True):
            row = _one(
                source,
                analysis=analysis,
                outcome=outcome,
                by=POOLED if level == POOLED else by,
                group=level,
            )
            record[f"{label}: n"] = _count(None if row is None else row["n"])
            record[f"{label}: {share_name} (n)"] = _count(None if row is None else row["count"])
            record[f"{label}: {share_name} (%)"] = 100 * _float(
                None if row is None else row["estimate"]
            )
        records.append(record)
    table = pd.DataFrame(records)
    for label in level_labels:
        for column in (f"{label}: n", f"{label}: {share_name} (n)"):
            table[column] = table[column].astype("Int64")
    return table, level_labels


def _protect_shares(
    protector: Protector,
    level_labels: Sequence[str],
    share_name: str,
    rows: Sequence[Any] | None = None,
    extra: Callable[[str], list[str]] | None = None,
) -> None:
    _protect_groups(
        protector,
        protector.table.index if rows is None else rows,
        level_labels[:-1],
        level_labels[-1],
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [],
        k=lambda g: f"{g}: {share_name} (n)",
        k_derived=lambda g: [f"{g}: {share_name} (%)", *(extra(g) if extra else [])],
    )


def _share_counts(level_labels: Sequence[str], share_name: str) -> tuple[list[str], dict]:
    counts = [c for g in level_labels for c in (f"{g}: n", f"{g}: {share_name} (n)")]
    return counts, {f"{g}: {share_name} (n)": f"{g}: n" for g in level_labels}


def barriers_overcome_and_strategies(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 6: barriers overcome (a), strategies used (b), barrier x strategy in talk (c).

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``overcome`` (``results/compare/barriers_overcome.parquet``), ``strategies``
        (``results/compare/strategy_use.parquet``) and ``cooccurrence``
        (``results/compare/fg_cooccurrence.parquet``).
    settings : mapping
        ``by``, ``overcome`` and ``strategies`` (config ``compare.scores``),
        ``overcome_threshold``, ``strategy_family``, ``cooccurrence_family``,
        ``significance``, ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        (a) per barrier and group: answered n, overcome n and %; (b) per strategy and
        group: n, users n and %, with the chi-squared test across the groups and
        Cramér's V; (c) per barrier code (rows) and strategy code (columns): turns
        coded with both, marked where the adjusted p of the association is under
        ``significance`` and the pair occurs more often than expected.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    by = str(settings["by"])
    threshold = settings["overcome_threshold"]
    alpha = float(settings["significance"])

    # (a) barriers overcome
    overcome = _read(inputs, "overcome")
    outcomes = _outcome_rows(labels, settings["overcome"])
    table_a, level_labels = _share_table(
        labels,
        overcome,
        outcomes,
        by,
        analysis="share_overcome",
        row_label="Barrier",
        share_name="overcome",
    )
    protector_a = Protector(table_a, min_cell)
    _protect_shares(protector_a, level_labels, "overcome")
    columns_a = [
        Column("Barrier", ("Barrier",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
        *(
            Column(f"{g}: % overcome", (f"{g}: overcome (%)",), fmt_percent(decimals["percent"]))
            for g in level_labels
        ),
    ]
    counts_a, complements_a = _share_counts(level_labels, "overcome")
    spec = labels.catalogue.loc[outcomes[0]]
    scale = labels.anchors(outcomes[0])
    notes_a = [
        f"% of respondents who rated the barrier overcome at {threshold} or more ({scale}), "
        f"among those who answered (not 'not applicable'), per {labels.design(by).lower()} "
        f"and over all cases; n: respondents who answered ({spec['kind']} scores of "
        f"measure '{spec['measure']}').",
        labels.case_note(),
        _masking_note(min_cell),
    ]
    exhibit_a = protector_a.exhibit(
        stem="table06a_barriers_overcome",
        number="6a",
        title=f"Barriers overcome: % of respondents who rated each barrier "
        f"{labels.at_least(outcomes[0], threshold)}, per {labels.design(by).lower()} and pooled",
        columns=columns_a,
        notes=notes_a,
        counts=counts_a,
        complements=complements_a,
        hidden=["_outcome"],
    )

    # (b) strategies used
    strategies = _read(inputs, "strategies")
    used = _outcome_rows(labels, settings["strategies"])
    table_b, level_labels_b = _share_table(
        labels,
        strategies,
        used,
        by,
        analysis="strategy_use",
        row_label="Strategy",
        share_name="used",
    )
    tests = strategies[
        (strategies["family"] == settings["strategy_family"]) & (_as_text(strategies["by"]) == by)
    ]
    correction = _correction(tests)
    test_records = [_test_columns(_one(tests, outcome=outcome), correction) for outcome in used]
    table_b = pd.concat([table_b, pd.DataFrame(test_records)], axis=1)
    protector_b = Protector(table_b, min_cell)
    _protect_shares(protector_b, level_labels_b, "used")
    columns_b = [
        Column("Strategy", ("Strategy",), numeric=False),
        Column("n", (f"{level_labels_b[-1]}: n",), fmt_count),
        *(
            Column(f"{g}: % used", (f"{g}: used (%)",), fmt_percent(decimals["percent"]))
            for g in level_labels_b
        ),
        Column("χ²", ("Statistic",), fmt_number(decimals["statistic"])),
        Column(
            "V [95% CI]",
            ("Effect", "Effect 95% CI low", "Effect 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    counts_b, complements_b = _share_counts(level_labels_b, "used")
    dfs = sorted({int(d) for d in table_b["df"].dropna()})
    notes_b = [
        f"% of respondents whose initiative used each strategy (multiple answers), per "
        f"{labels.design(by).lower()} and over all cases.",
        f"χ²: Pearson's test of use by {labels.design(by).lower()} (df = "
        f"{', '.join(map(str, dfs)) or 'n/a'}), V: Cramér's V with its 95% CI; p adjusted "
        f"for the {len(used)} strategies by the {correction} method.",
        _masking_note(min_cell),
    ]
    exhibit_b = protector_b.exhibit(
        stem="table06b_strategies_used",
        number="6b",
        title=f"Strategies used to overcome the barriers, per {labels.design(by).lower()} "
        "and pooled",
        columns=columns_b,
        notes=notes_b,
        counts=counts_b,
        complements=complements_b,
        hidden=["_outcome"],
    )

    # (c) barrier x strategy in the focus groups
    pairs = _read(inputs, "cooccurrence")
    pairs = pairs[pairs["family"] == settings["cooccurrence_family"]]
    codes = study.focus_group_codes
    row_codes = [c for c in codes.index if c in set(pairs["outcome"])]
    column_codes = [c for c in codes.index if c in set(pairs["code_2"])]
    records = []
    for code in row_codes:
        first = _rows_of(pairs, outcome=code).iloc[0]
        record: dict[str, Any] = {
            "Barrier code": labels.code(code),
            "Turns with the code": _count(first["count_1"]),
        }
        for other in column_codes:
            row = _one(pairs, outcome=code, code_2=other)
            record[labels.code(other)] = _count(None if row is None else row["count_both"])
            marked = (
                row is not None
                and not _missing(row["p_adj"])
                and float(row["p_adj"]) < alpha
                and float(row["lift"]) > 1
            )
            record[f"_mark_{other}"] = "*" if marked else ""
        records.append(record)
    table_c = pd.DataFrame(records)
    for column in ["Turns with the code", *(labels.code(c) for c in column_codes)]:
        table_c[column] = table_c[column].astype("Int64")
    n_turns = int(pairs["n"].max()) if len(pairs) else 0
    correction_c = _correction(pairs) if len(pairs) else "adjusted"

    def marked(values: Sequence[Any]) -> str:
        return f"{int(values[0])}{values[1] or ''}"

    columns_c = [
        Column("Barrier code", ("Barrier code",), numeric=False),
        Column("Turns with the code", ("Turns with the code",), fmt_count),
        *(Column(labels.code(c), (labels.code(c), f"_mark_{c}"), marked) for c in column_codes),
    ]
    marks = int((table_c[[f"_mark_{c}" for c in column_codes]] == "*").to_numpy().sum())
    notes_c = [
        f"Speaker turns (of {n_turns}) in which the coders agreed on both the barrier code "
        "(row) and the strategy code (column).",
        f"*: the pair occurs more often than expected under independence, with the "
        f"{correction_c}-adjusted p of Pearson's test (Fisher's exact test for small expected "
        f"counts) under {alpha} ({marks} pair(s)); an exploratory screen.",
        "The table counts speaker turns, not people: no cell is masked.",
    ]
    exhibit_c = Protector(table_c, min_cell).exhibit(
        stem="table06c_barrier_strategy_crosswalk",
        number="6c",
        title="Barrier-by-strategy crosswalk: focus-group turns coded with both",
        columns=columns_c,
        notes=notes_c,
        not_counts_of_people={
            column: "speaker turns, not people"
            for column in ["Turns with the code", *(labels.code(c) for c in column_codes)]
        },
        hidden=[f"_mark_{c}" for c in column_codes],
    )
    return [exhibit_a, exhibit_b, exhibit_c]


def risks(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 7: risks experienced and how well they were managed, per case and pooled.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``risks`` (``results/compare/risks.parquet``).
    settings : mapping
        ``by``, ``experienced`` and ``managed`` (config ``compare.scores``),
        ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per risk: per group, n answering yes or no, n and % experienced, and
        among those who experienced it, n and mean (SD) of how well it was managed.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    by = str(settings["by"])
    source = _read(inputs, "risks")
    experienced = _outcome_rows(labels, settings["experienced"])
    managed = _outcome_rows(labels, settings["managed"])
    managed_of = {labels.catalogue.loc[o, "construct"]: o for o in managed}
    table, level_labels = _share_table(
        labels,
        source,
        experienced,
        by,
        analysis="share_experienced",
        row_label="Risk",
        share_name="experienced",
    )
    levels, _ = _group_levels(labels, by)
    for level, label in zip(levels, level_labels, strict=True):
        ns, means, sds = [], [], []
        for outcome in experienced:
            other = managed_of.get(labels.catalogue.loc[outcome, "construct"])
            row = (
                None
                if other is None
                else _one(
                    source,
                    analysis="managed",
                    outcome=other,
                    by=POOLED if level == POOLED else by,
                    group=level,
                )
            )
            ns.append(_count(None if row is None else row["n"]))
            means.append(_float(None if row is None else row["estimate"]))
            sds.append(_float(None if row is None else row["sd"]))
        table[f"{label}: managed (n)"] = pd.array(ns, dtype="Int64")
        table[f"{label}: managed mean"] = means
        table[f"{label}: managed SD"] = sds
    protector = Protector(table, min_cell)
    _protect_shares(
        protector,
        level_labels,
        "experienced",
        extra=lambda g: [f"{g}: managed (n)", f"{g}: managed mean", f"{g}: managed SD"],
    )
    _protect_groups(
        protector,
        table.index,
        level_labels[:-1],
        level_labels[-1],
        n=lambda g: f"{g}: managed (n)",
        n_derived=lambda g: [f"{g}: managed mean", f"{g}: managed SD"],
    )
    columns = [
        Column("Risk", ("Risk",), numeric=False),
        Column("n", (f"{level_labels[-1]}: n",), fmt_count),
    ]
    for g in level_labels:
        columns.append(
            Column(
                f"{g}: % experienced", (f"{g}: experienced (%)",), fmt_percent(decimals["percent"])
            )
        )
        columns.append(
            Column(
                f"{g}: managed mean (SD)",
                (f"{g}: managed mean", f"{g}: managed SD"),
                fmt_mean_sd(decimals["mean"]),
            )
        )
    counts, complements = _share_counts(level_labels, "experienced")
    counts += [f"{g}: managed (n)" for g in level_labels]
    notes = [
        f"% of respondents who said their initiative experienced the risk (of those who "
        f"answered yes or no; n: all cases), and how well it was managed "
        f"({labels.anchors(managed[0])}), "
        f"mean (SD) among those who experienced it and rated its management, per "
        f"{labels.design(by).lower()} and over all cases.",
        labels.case_note(),
        _masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            stem="table07_risks",
            number="7",
            title="Risks experienced and how well they were managed, "
            f"per {labels.design(by).lower()} and pooled",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
            hidden=["_outcome"],
        )
    ]


# --------------------------------------------------------------------------- tables 8, 9, 11


def _ordered_outcomes(labels: Labels, kinds: Sequence[str]) -> list[str]:
    """Scores of ``kinds``, grouped by kind and measure (in codebook order), then construct."""
    outcomes = labels.scores_of(list(kinds))
    catalogue = labels.catalogue.loc[outcomes]
    pairs = list(dict.fromkeys(zip(catalogue["kind"], catalogue["measure"], strict=True)))
    kind_order = {kind: i for i, kind in enumerate(kinds)}
    pairs.sort(key=lambda pair: kind_order.get(pair[0], len(kind_order)))
    order = {pair: i for i, pair in enumerate(pairs)}
    return sorted(
        outcomes,
        key=lambda o: order[(catalogue.loc[o, "kind"], catalogue.loc[o, "measure"])],
    )


def _groups_frame(
    labels: Labels,
    scores: pd.DataFrame,
    outcomes: Sequence[str],
    column: str,
    levels: Sequence[str],
    level_labels: Sequence[str],
) -> pd.DataFrame:
    """Per outcome: per level n, mean (scales) or % and count of yes (0/1 scores); all n."""
    data = scores.copy()
    data[column] = _as_text(data[column])
    described = _group_descriptives(data, outcomes, labels.catalogue, column, levels)
    records = []
    for outcome in outcomes:
        binary = bool(labels.catalogue.loc[outcome, "binary"])
        record: dict[str, Any] = {
            "Outcome": labels.score(outcome),
            "Measure": labels.measure(outcome),
            "_outcome": outcome,
            "_binary": binary,
        }
        for level, label in [*zip(levels, level_labels, strict=True), (POOLED, "All")]:
            row = _one(
                described, outcome=outcome, by=POOLED if level == POOLED else column, group=level
            )
            n = _count(None if row is None else row["n"])
            mean = _float(None if row is None else row["estimate"])
            record[f"{label}: n"] = n
            record[f"{label}: mean"] = float("nan") if binary else mean
            record[f"{label}: %"] = 100 * mean if binary else float("nan")
            record[f"{label}: yes (n)"] = (
                _count(None if row is None else row["yes"]) if binary else pd.NA
            )
        records.append(record)
    table = pd.DataFrame(records)
    for label in [*level_labels, "All"]:
        for name in (f"{label}: n", f"{label}: yes (n)"):
            table[name] = table[name].astype("Int64")
    return table


def _protect_group_means(protector: Protector, level_labels: Sequence[str]) -> None:
    binary_rows = protector.table.index[protector.table["_binary"].astype(bool)]
    _protect_groups(
        protector,
        protector.table.index,
        list(level_labels),
        "All",
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [f"{g}: mean", f"{g}: %"],
        k=lambda g: f"{g}: yes (n)",
        k_derived=lambda g: [f"{g}: %"],
        k_rows=binary_rows,
    )


def _group_counts(level_labels: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    groups = [*level_labels, "All"]
    counts = [c for g in groups for c in (f"{g}: n", f"{g}: yes (n)")]
    return counts, {f"{g}: yes (n)": f"{g}: n" for g in groups}


def _contrast(
    study: Study,
    inputs: Mapping[str, Any],
    settings: Mapping[str, Any],
    min_cell: int,
    *,
    stem: str,
    number: str,
    title: str,
    design_note: str,
) -> list[Exhibit]:
    labels = Labels(study)
    decimals = _decimals(settings)
    column = str(settings["column"])
    contrast = _read(inputs, "contrast")
    primary = contrast[contrast["family"] == settings["family"]]
    robustness = contrast[contrast["family"] == settings["robustness_family"]]
    correction = _correction(primary)
    first = primary.iloc[0]
    levels = [str(first["group_1"]), str(first["group_2"])]
    level_labels = [labels.level(column, level) for level in levels]
    outcomes = [
        o for o in _ordered_outcomes(labels, settings["kinds"]) if o in set(primary["outcome"])
    ]
    table = _groups_frame(labels, _read(inputs, "scores"), outcomes, column, levels, level_labels)
    stats = []
    for outcome in outcomes:
        test = _one(primary, outcome=outcome)
        g = _one(robustness, outcome=outcome, effect="hedges_g")
        stats.append(
            {
                "r": _float(None if test is None else test["estimate"]),
                "r 95% CI low": _float(None if test is None else test["ci_low"]),
                "r 95% CI high": _float(None if test is None else test["ci_high"]),
                "p": _float(None if test is None else test["p"]),
                f"p ({correction})": _float(None if test is None else test["p_adj"]),
                "Hedges' g": _float(None if g is None else g["estimate"]),
                "g 95% CI low": _float(None if g is None else g["ci_low"]),
                "g 95% CI high": _float(None if g is None else g["ci_high"]),
            }
        )
    table = pd.concat([table, pd.DataFrame(stats)], axis=1)
    protector = Protector(table, min_cell)
    _protect_group_means(protector, level_labels)
    mean_or_percent = _mean_or_percent(decimals["mean"], decimals["percent"])
    columns = [
        Column("Outcome", ("Outcome",), numeric=False),
        Column("Measure", ("Measure",), numeric=False),
        *(
            Column(f"{label}: mean or %", (f"{label}: mean", f"{label}: %"), mean_or_percent)
            for label in level_labels
        ),
        Column("n", ("All: n",), fmt_count),
        Column(
            "r [95% CI]",
            ("r", "r 95% CI low", "r 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
        Column("g", ("Hedges' g",), fmt_number(decimals["effect"])),
    ]
    counts, complements = _group_counts(level_labels)
    notes = [
        f"{level_labels[0]} compared with {level_labels[1]} on every "
        f"{_listing(settings['kinds'])} score: the mean of each scale, or the % answering "
        "yes of a yes/no score; n: respondents in the comparison.",
        f"r: rank-biserial correlation of the Mann-Whitney test (positive: higher in "
        f"{level_labels[0]}) with its 95% CI; p adjusted for the {len(outcomes)} scores by the "
        f"{correction} method; g: Hedges' g (robustness).",
        design_note,
        _masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            stem=stem,
            number=number,
            title=title,
            columns=columns,
            notes=[note for note in notes if note],
            counts=counts,
            complements=complements,
            section="Measure",
            hidden=["_outcome", "_binary"],
        )
    ]


def service_class_contrast(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 8: the two service classes compared on every barrier and risk score.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``contrast`` (``results/compare/<contrast>.parquet``) and ``scores``
        (``results/scoring/scores.parquet``, for the group means).
    settings : mapping
        The contrast's config (``compare.contrasts.<name>``: ``column``, ``family``,
        ``robustness_family``, ``fixed_effects``), ``kinds`` (config
        ``compare.outcome_kinds``), ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per score: per level n, mean or %, and yes count of a yes/no score;
        the rank-biserial r with its CI, the adjusted p, and Hedges' g.
    """
    labels = Labels(study)
    column = str(settings["column"])
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    note = (
        f"The proportional-odds models with {effects} fixed effects (robustness) are in "
        "results/compare/."
        if effects
        else ""
    )
    return _contrast(
        study,
        inputs,
        settings,
        min_cell,
        stem="table08_service_classes",
        number="8",
        title=f"Barriers and risks by {labels.design(column).lower()}: effect sizes with "
        "95% CI and adjusted p",
        design_note=note,
    )


def case_outcome_contrast(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 9: cases by their strategy outcome compared on every barrier and risk score.

    Parameters and returns as :func:`service_class_contrast` (the contrast of a case
    attribute).
    """
    labels = Labels(study)
    column = str(settings["column"])
    per_level = (
        "; ".join(
            f"{labels.level(column, value)}: "
            + ", ".join(labels.case(c) for c in study.cases.index[study.cases[column] == value])
            for value in dict.fromkeys(study.cases[column])
        )
        if column in labels.case_attributes()
        else ""
    )
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    note = (
        f"Cases: {per_level}. The attribute is constant within a case, so the comparison "
        f"has no case fixed effects and rests on few cases per level: any difference "
        f"between the cases shows up in it (the robustness models control for {effects})."
    )
    return _contrast(
        study,
        inputs,
        settings,
        min_cell,
        stem="table09_case_outcomes",
        number="9",
        title=f"Barriers and risks by the cases' {labels.design(column).lower()}: effect "
        "sizes with 95% CI and adjusted p",
        design_note=note,
    )


def stakeholder_groups(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 11: the stakeholder groups compared on every barrier and risk score.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``tests`` (``results/compare/stakeholder_groups.parquet``) and ``scores``.
    settings : mapping
        ``column``, ``family`` (config ``compare.stakeholder_groups``), ``kinds``,
        ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per score: per group n, mean or % (and yes count); the test across
        the groups (Kruskal-Wallis, or chi-squared for a yes/no score) with its
        effect size, CI and adjusted p.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    column = str(settings["column"])
    tests = _read(inputs, "tests")
    tests = tests[tests["family"] == settings["family"]]
    correction = _correction(tests)
    levels = labels.levels(column)
    level_labels = [labels.level(column, level) for level in levels]
    outcomes = [
        o for o in _ordered_outcomes(labels, settings["kinds"]) if o in set(tests["outcome"])
    ]
    table = _groups_frame(labels, _read(inputs, "scores"), outcomes, column, levels, level_labels)
    records = []
    for outcome in outcomes:
        test = _one(tests, outcome=outcome)
        record = _test_columns(test, correction)
        record["Test"] = (
            ""
            if test is None or _missing(test["statistic_name"])
            else _STATISTIC_SYMBOLS.get(str(test["statistic_name"]), str(test["statistic_name"]))
        )
        record["Effect size"] = (
            ""
            if test is None or _missing(test["effect"])
            else _EFFECT_SYMBOLS.get(str(test["effect"]), str(test["effect"]))
        )
        records.append(record)
    table = pd.concat([table, pd.DataFrame(records)], axis=1)
    protector = Protector(table, min_cell)
    _protect_group_means(protector, level_labels)
    mean_or_percent = _mean_or_percent(decimals["mean"], decimals["percent"])
    statistic = decimals["statistic"]
    effect = decimals["effect"]

    def test_text(values: Sequence[Any]) -> str:
        name, value = values
        return "" if value is None else f"{name} = {_number(value, statistic)}"

    def effect_text(values: Sequence[Any]) -> str:
        name, value, low, high = values
        if value is None:
            return ""
        text = f"{name} = {_number(value, effect)}"
        if low is not None and high is not None:
            text += f" [{_number(low, effect)}, {_number(high, effect)}]"
        return text

    columns = [
        Column("Outcome", ("Outcome",), numeric=False),
        Column("Measure", ("Measure",), numeric=False),
        *(
            Column(label, (f"{label}: mean", f"{label}: %"), mean_or_percent)
            for label in level_labels
        ),
        Column("n", ("All: n",), fmt_count),
        Column("Test", ("Test", "Statistic"), test_text),
        Column(
            "Effect [95% CI]",
            ("Effect size", "Effect", "Effect 95% CI low", "Effect 95% CI high"),
            effect_text,
        ),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    counts, complements = _group_counts(level_labels)
    notes = [
        f"Mean of each {_listing(settings['kinds'])} scale, or the % answering yes of a "
        "yes/no score, per "
        f"{labels.design(column).lower()}; n: respondents who answered.",
        f"Test across the {len(levels)} groups: Kruskal-Wallis H with ε² (noncentral χ² 95% CI), "
        f"or Pearson's χ² with Cramér's V for a yes/no score; p adjusted for the "
        f"{len(outcomes)} scores by the {correction} method. A blank test could not be "
        "computed (a group with fewer than 2 answers).",
        _masking_note(min_cell),
    ]
    return [
        protector.exhibit(
            stem="table11_stakeholder_groups",
            number="11",
            title="Barriers and risks by stakeholder group",
            columns=columns,
            notes=notes,
            counts=counts,
            complements=complements,
            section="Measure",
            hidden=["_outcome", "_binary"],
        )
    ]


# --------------------------------------------------------------------------- table 10


def staff_factor(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 10: the staff predictors of the outcomes, with fixed effects.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``staff`` (``results/compare/staff_factor.parquet``).
    settings : mapping
        Config ``compare.staff`` (``outcomes``, ``predictors``, ``covariates``,
        ``fixed_effects``, ``cov_type``, ``family``, ``covariate_family``,
        ``partial_family``), ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        One row per outcome and term (predictors, then covariates): standardised
        coefficient with its CI, p and adjusted p (and the correction), the partial
        correlation, and n.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    source = _read(inputs, "staff")
    models = source[source["analysis"] == "standardised_ols"]
    partial = source[source["family"] == settings["partial_family"]]
    families = {settings["family"], settings["covariate_family"]}
    records = []
    for outcome in settings["outcomes"]:
        for term in [*settings["predictors"], *settings.get("covariates", [])]:
            row = _one(models[models["family"].isin(families)], outcome=outcome, term=term)
            if row is None:
                continue
            other = _one(partial, outcome=outcome, term=term)
            records.append(
                {
                    "Outcome": labels.outcome(outcome)
                    if outcome in labels.catalogue.index
                    else _bracketed(str(row["outcome_label"])),
                    "Term": str(row["term_label"]),
                    "Role": humanise(str(row["role_in_model"])),
                    "β": _float(row["estimate"]),
                    "β 95% CI low": _float(row["ci_low"]),
                    "β 95% CI high": _float(row["ci_high"]),
                    "p": _float(row["p"]),
                    "p (adjusted)": _float(row["p_adj"]),
                    "Correction": str(row["correction"]),
                    "Partial r": _float(None if other is None else other["estimate"]),
                    "n": _count(row["n"]),
                    "_binary": bool(labels.catalogue.loc[term, "binary"])
                    if term in labels.catalogue.index
                    else False,
                }
            )
    table = pd.DataFrame(records)
    table["n"] = table["n"].astype("Int64")
    protector = Protector(table, min_cell)
    derived = ["β", "β 95% CI low", "β 95% CI high", "p", "p (adjusted)", "Partial r"]
    protector.protect(table.index, ["n"], derived={"n": derived})
    digits = decimals["effect"]
    columns = [
        Column("Outcome", ("Outcome",), numeric=False),
        Column("Term", ("Term",), numeric=False),
        Column("Role", ("Role",), numeric=False),
        Column("β [95% CI]", ("β", "β 95% CI low", "β 95% CI high"), fmt_estimate_ci(digits)),
        Column("p", ("p",), fmt_p),
        Column("p (adjusted)", ("p (adjusted)",), fmt_p),
        Column("Correction", ("Correction",), numeric=False),
        Column("Partial r", ("Partial r",), fmt_number(digits)),
        Column("n", ("n",), fmt_count),
    ]
    effects = ", ".join(labels.design(c).lower() for c in settings.get("fixed_effects", []))
    binary = table.loc[table["_binary"], "Term"].unique().tolist()
    notes = [
        "Standardised coefficients (outcome and continuous terms in SD units) of ordinary "
        f"least squares models with {effects} fixed effects (not shown) and "
        f"{settings.get('cov_type', 'robust')} standard errors, one model per outcome.",
        (f"{', '.join(binary)}: yes vs no, left 0/1 (β in outcome SDs). " if binary else "")
        + "Partial r: the term's partial correlation with the outcome given the others.",
        "p adjusted within each family: the predictors (confirmatory) and the covariates "
        "(exploratory) by the correction shown.",
    ]
    return [
        protector.exhibit(
            stem="table10_staff_factor",
            number="10",
            title="The staff factor: "
            f"{_listing(table.loc[table['Role'] == 'Predictor', 'Term'], lower=True)} as "
            f"predictors of {_listing(table['Outcome'], lower=True)}",
            columns=columns,
            notes=notes,
            counts=["n"],
            section="Outcome",
            hidden=["_binary"],
        )
    ]


# --------------------------------------------------------------------------- table 12


def joint_display(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> list[Exhibit]:
    """Table 12: survey ranking of the barriers beside their focus-group prevalence.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``display`` (``results/compare/joint_display.parquet``) and ``correlation``
        (``results/compare/joint_display_correlation.parquet``).
    settings : mapping
        ``by`` (config ``compare.focus_groups.joint_by``), ``family``, ``decimals``.
    min_cell : int

    Returns
    -------
    list of Exhibit
        (a) one row per barrier: per group the survey mean with its rank and the share
        of focus-group turns with the barrier's code with its rank; (b) one row per
        group: Spearman's rho between the two rankings with its CI, p and adjusted p.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    by = str(settings["by"])
    display = _read(inputs, "display")
    correlation = _read(inputs, "correlation")
    correlation = correlation[correlation["family"] == settings["family"]]
    levels, level_labels = _group_levels(labels, by)
    outcomes = list(dict.fromkeys(display["outcome"]))
    records = []
    for outcome in outcomes:
        first = _rows_of(display, outcome=outcome).iloc[0]
        record: dict[str, Any] = {
            "Barrier": labels.score(outcome)
            if outcome in labels.catalogue.index
            else str(first["outcome_label"]),
            "Focus-group code": labels.code(str(first["code"])),
        }
        for level, label in zip(levels, level_labels, strict=True):
            row = _one(display, outcome=outcome, by=POOLED if level == POOLED else by, group=level)
            record[f"{label}: survey n"] = _count(None if row is None else row["survey_n"])
            record[f"{label}: survey mean"] = _float(None if row is None else row["survey_mean"])
            record[f"{label}: survey rank"] = _float(None if row is None else row["survey_rank"])
            record[f"{label}: turns with code"] = _count(None if row is None else row["fg_count"])
            record[f"{label}: turns"] = _count(None if row is None else row["fg_turns"])
            record[f"{label}: turns with code (%)"] = 100 * _float(
                None if row is None else row["fg_prevalence"]
            )
            record[f"{label}: focus-group rank"] = _float(None if row is None else row["fg_rank"])
        records.append(record)
    table = pd.DataFrame(records)
    for label in level_labels:
        for column in (f"{label}: survey n", f"{label}: turns with code", f"{label}: turns"):
            table[column] = table[column].astype("Int64")
    protector = Protector(table, min_cell)
    _protect_groups(
        protector,
        table.index,
        level_labels[:-1],
        level_labels[-1],
        n=lambda g: f"{g}: survey n",
        n_derived=lambda g: [f"{g}: survey mean", f"{g}: survey rank"],
    )
    columns = [
        Column("Barrier", ("Barrier",), numeric=False),
    ]
    for label in level_labels:
        columns.append(
            Column(
                f"{label}: survey mean (rank)",
                (f"{label}: survey mean", f"{label}: survey rank"),
                fmt_value_rank(decimals["mean"], decimals["rank"]),
            )
        )
        columns.append(
            Column(
                f"{label}: % of turns (rank)",
                (f"{label}: turns with code (%)", f"{label}: focus-group rank"),
                fmt_value_rank(decimals["percent"], decimals["rank"]),
            )
        )
    rho_text = []
    for level, label in zip(levels, level_labels, strict=True):
        row = _one(correlation, by=POOLED if level == POOLED else by, group=level)
        if row is not None and not _missing(row["estimate"]):
            rho_text.append(f"{label} {_number(row['estimate'], decimals['effect'])}")
    notes = [
        f"Per {labels.design(by).lower()} and over all cases, each barrier's mean survey score "
        "(barrier met) and the % of focus-group speaker turns coded with the barrier's code, "
        "each with its rank among the barriers in brackets (1 = highest; ties share the mean "
        "rank).",
        "Spearman's ρ between the two rankings (Table 12b): " + "; ".join(rho_text) + ".",
        _masking_note(min_cell),
        "Focus-group shares count speaker turns, not people, and are not masked.",
    ]
    counts = [f"{g}: survey n" for g in level_labels]
    turn_columns = [c for g in level_labels for c in (f"{g}: turns with code", f"{g}: turns")]
    exhibit_a = protector.exhibit(
        stem="table12a_joint_display",
        number="12a",
        title="Joint display: survey ranking of the barriers beside their focus-group "
        f"prevalence, per {labels.design(by).lower()}",
        columns=columns,
        notes=notes,
        counts=counts,
        not_counts_of_people={c: "speaker turns, not people" for c in turn_columns},
    )
    correction = _correction(correlation) if len(correlation) else "adjusted"
    rows_b = []
    for level, label in zip(levels, level_labels, strict=True):
        row = _one(correlation, by=POOLED if level == POOLED else by, group=level)
        rows_b.append(
            {
                labels.design(by): label,
                "Barriers": _count(None if row is None else row["n"]),
                "ρ": _float(None if row is None else row["estimate"]),
                "ρ 95% CI low": _float(None if row is None else row["ci_low"]),
                "ρ 95% CI high": _float(None if row is None else row["ci_high"]),
                "p": _float(None if row is None else row["p"]),
                f"p ({correction})": _float(None if row is None else row["p_adj"]),
            }
        )
    table_b = pd.DataFrame(rows_b)
    table_b["Barriers"] = table_b["Barriers"].astype("Int64")
    columns_b = [
        Column(labels.design(by), (labels.design(by),), numeric=False),
        Column("Barriers", ("Barriers",), fmt_count),
        Column(
            "ρ [95% CI]",
            ("ρ", "ρ 95% CI low", "ρ 95% CI high"),
            fmt_estimate_ci(decimals["effect"]),
        ),
        Column("p", ("p",), fmt_p),
        Column(f"p ({correction})", (f"p ({correction})",), fmt_p),
    ]
    notes_b = [
        "Spearman's ρ between the survey ranking and the focus-group ranking of the barriers "
        "(Table 12a), with a Fisher-z 95% CI (Bonett-Wright standard error); p from the "
        f"t approximation, adjusted over the {len(rows_b)} rankings by the {correction} method.",
    ]
    exhibit_b = Protector(table_b, min_cell).exhibit(
        stem="table12b_rank_correlation",
        number="12b",
        title="Joint display: agreement of the survey and focus-group rankings of the barriers",
        columns=columns_b,
        notes=notes_b,
        not_counts_of_people={"Barriers": "barriers ranked, not people"},
    )
    return [exhibit_a, exhibit_b]


# --------------------------------------------------------------------------- registry

Builder = Callable[[Study, Mapping[str, Any], Mapping[str, Any], int], list[Exhibit]]

BUILDERS: dict[str, Builder] = {
    "table01": sample_composition,
    "table02": data_quality_flow,
    "table03": scale_reliability,
    "table04": intercoder_reliability,
    "table05": barriers_met,
    "table06": barriers_overcome_and_strategies,
    "table07": risks,
    "table08": service_class_contrast,
    "table09": case_outcome_contrast,
    "table10": staff_factor,
    "table11": stakeholder_groups,
    "table12": joint_display,
}
"""Table name (the rule's ``params.table``) -> builder."""


def build(
    name: str,
    study: Study,
    inputs: Mapping[str, Any],
    settings: Mapping[str, Any],
    min_cell: int,
) -> list[Exhibit]:
    """Build the exhibits of one table by its name (a key of :data:`BUILDERS`)."""
    if name not in BUILDERS:
        raise ValueError(f"unknown table '{name}'; known: {', '.join(BUILDERS)}")
    return BUILDERS[name](study, inputs, settings, min_cell)


# --------------------------------------------------------------------------- cited numbers


class _Numbers:
    """Collects cited numbers (:func:`coprod.numbers.number` entries) by key."""

    def __init__(self, min_cell: int) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.min_cell = min_cell

    def add(self, key: str, value: Any, text: str, description: str, source: str) -> None:
        if key in self.entries:
            raise ValueError(f"cited number '{key}' is defined twice")
        entry = number(key, value, "{}", description, str(source))
        entry["text"] = "NA" if entry["value"] is None and text == "" else text
        self.entries[key] = entry

    def count(self, key: str, value: Any, description: str, source: str) -> None:
        """A count of people (key ``n_...``): masked as ``<min_cell`` when small."""
        if not key.startswith("n_"):
            raise ValueError(f"a count of people needs a key starting with 'n_': {key}")
        value = None if _missing(value) else int(value)
        if value is not None and 0 < value < self.min_cell:
            self.add(key, None, f"<{self.min_cell}", description + " (masked: small count)", source)
        else:
            self.add(key, value, "NA" if value is None else str(value), description, source)

    def other_count(self, key: str, value: Any, description: str, source: str) -> None:
        """A count of things that are not people (key ``count_...``)."""
        value = None if _missing(value) else int(value)
        self.add(key, value, "NA" if value is None else str(value), description, source)

    def value(
        self, key: str, value: Any, digits: int, description: str, source: str, suffix: str = ""
    ) -> None:
        value = None if _missing(value) else float(value)
        text = "NA" if value is None else _number(value, digits) + suffix
        self.add(key, value, text, description, source)

    def ci(self, key: str, low: Any, high: Any, digits: int, description: str, source: str) -> None:
        if _missing(low) or _missing(high):
            self.add(key, None, "NA", description, source)
            return
        low, high = float(low), float(high)
        text = f"[{_number(low, digits)}, {_number(high, digits)}]"
        self.add(key, [low, high], text, description, source)

    def p(self, key: str, value: Any, description: str, source: str) -> None:
        value = None if _missing(value) else float(value)
        self.add(key, value, "NA" if value is None else format_p(value), description, source)

    def effect(self, stem: str, row: pd.Series, digits: int, what: str, source: str) -> None:
        """An effect size, its CI and its adjusted p under ``stem``, ``stem_ci``, ``stem_padj``."""
        self.value(stem, row["estimate"], digits, what, source)
        self.ci(f"{stem}_ci", row["ci_low"], row["ci_high"], digits, f"95% CI of: {what}", source)
        correction = str(row.get("correction", "adjusted"))
        self.p(f"{stem}_padj", row["p_adj"], f"p ({correction}-adjusted) of: {what}", source)


def cited_numbers(
    study: Study, inputs: Mapping[str, Any], settings: Mapping[str, Any], min_cell: int
) -> dict[str, dict[str, Any]]:
    """Every number the paper's text cites, keyed by ids of the study's resources.

    Parameters
    ----------
    study : Study
    inputs : mapping
        ``flow``, ``segments``, ``reliability``, ``intercoder``, ``describe``
        (barriers met), ``across_cases``, ``strategies``, ``staff``, ``barrier_sides``,
        ``joint_correlation`` and one ``contrast_<name>`` per contrast of the config.
    settings : mapping
        ``significance`` (adjusted p under it: an effect is cited), ``contrasts``
        (name -> family), ``across_family``, ``barriers`` and ``strategies`` (config
        ``compare.scores``), ``staff`` (config ``compare.staff``), ``joint_by``,
        ``decimals``.
    min_cell : int
        Counts of people (keys ``n_...``) under it are cited as ``<min_cell``.

    Returns
    -------
    dict
        Key -> :func:`coprod.numbers.number` entry (value, text, description, source).

    Notes
    -----
    Keys: ``n_`` counts of people (responses, participants), ``count_`` counts of
    other things (focus groups, turns, codes, scales), ``alpha_pooled_<scale>``,
    ``kalpha_<code>``, ``mean_<score>``, ``pct_high_<score>``, ``pct_used_<score>``,
    ``epsilon2_across_<by>_<score>``, ``r_<contrast>_<score>``, ``beta_<outcome>_<term>``,
    ``r_barrier_sides``, ``rho_joint_<group>``; ``_ci`` and ``_padj`` suffixes give an
    effect's CI and adjusted p.
    """
    labels = Labels(study)
    decimals = _decimals(settings)
    alpha = float(settings["significance"])
    numbers = _Numbers(min_cell)

    # responses: received, excluded, included (total and per sample), exclusions by step
    source = str(inputs["flow"])
    flow = _read(inputs, "flow")
    pooled = flow[_as_text(flow["case"]) == POOLED]
    steps = list(pooled.sort_values("step_number")["step"].astype(str).unique())
    for sample in dict.fromkeys(_as_text(pooled["sample"])):
        part = pooled[_as_text(pooled["sample"]) == sample]
        suffix = "" if sample == POOLED else f"_sample{key_part(sample)}"
        where = "" if sample == POOLED else f" in sample {sample}"
        received = _one(part, step=steps[0])["remaining"]
        included = _one(part, step=steps[-1])["remaining"]
        numbers.count(f"n_received{suffix}", received, f"Survey responses received{where}", source)
        numbers.count(f"n_included{suffix}", included, f"Responses included{where}", source)
        numbers.count(
            f"n_excluded{suffix}", received - included, f"Responses excluded{where}", source
        )
    part = pooled[_as_text(pooled["sample"]) == POOLED]
    for step in steps[1:]:
        row = _one(part, step=step)
        label = step_label(step, settings).lower()
        numbers.count(
            f"n_excluded_{key_part(step)}",
            row["excluded"],
            f"Responses excluded at the step: {label}",
            source,
        )
        if not _missing(row["flagged_kept"]):
            numbers.count(
                f"n_flagged_kept_{key_part(step)}",
                row["flagged_kept"],
                f"Responses flagged at the step '{label}' but kept",
                source,
            )

    # focus groups
    source = str(inputs["segments"])
    segments = _read(inputs, "segments")
    numbers.other_count(
        "count_focus_groups", segments["focus_group"].nunique(), "Focus groups held", source
    )
    numbers.other_count("count_turns", len(segments), "Speaker turns coded", source)
    speakers = _as_text(segments["focus_group"]) + "/" + _as_text(segments["speaker"])
    numbers.count(
        "n_fg_participants",
        speakers.nunique(),
        "Focus-group participants (distinct speakers)",
        source,
    )

    # scale reliability
    source = str(inputs["reliability"])
    reliability = _read(inputs, "reliability")
    scales = reliability[_as_text(reliability["level"]) == "pooled"]
    digits = decimals["reliability"]
    for row in scales.itertuples(index=False):
        name = labels.outcome(row.scale) if row.scale in labels.catalogue.index else row.label
        stem = f"alpha_pooled_{key_part(row.scale)}"
        numbers.value(stem, row.alpha, digits, f"Cronbach's alpha, all respondents: {name}", source)
        numbers.ci(
            f"{stem}_ci",
            row.ci_low,
            row.ci_high,
            digits,
            f"Bootstrap 95% CI of Cronbach's alpha: {name}",
            source,
        )
    flagged = scales[scales["flag_below_threshold"].astype(bool)]
    numbers.other_count("count_scales", len(scales), "Multi-item scales", source)
    numbers.other_count(
        "count_scales_below_threshold",
        len(flagged),
        "Scales with pooled alpha under the threshold",
        source,
    )
    if len(scales):
        lowest = scales.loc[scales["alpha"].astype(float).idxmin()]
        name = (
            labels.outcome(lowest["scale"])
            if lowest["scale"] in labels.catalogue.index
            else lowest["label"]
        )
        numbers.value(
            "alpha_pooled_lowest",
            lowest["alpha"],
            digits,
            f"Lowest pooled Cronbach's alpha ({name})",
            source,
        )

    # intercoder reliability
    source = str(inputs["intercoder"])
    intercoder = _read(inputs, "intercoder")
    codes = study.focus_group_codes.index
    for flag in ("unreliable", "tentative"):
        chosen = intercoder[(intercoder["flag"] == flag) & intercoder["code"].isin(codes)]
        numbers.other_count(
            f"count_codes_{flag}",
            len(chosen),
            f"Focus-group codes whose agreement is {flag}",
            source,
        )
        for row in chosen.itertuples(index=False):
            stem = f"kalpha_{key_part(row.code)}"
            what = f"Krippendorff's alpha of the code {labels.code(row.code)} ({flag})"
            numbers.value(stem, row.krippendorff_alpha, digits, what, source)
            numbers.ci(
                f"{stem}_ci",
                row.alpha_ci_low,
                row.alpha_ci_high,
                digits,
                f"Bootstrap 95% CI of: {what}",
                source,
            )
    overall = intercoder[~intercoder["code"].isin(codes)]
    if len(overall) == 1:
        row = overall.iloc[0]
        numbers.value(
            "kalpha_all_codes",
            row["krippendorff_alpha"],
            digits,
            "Krippendorff's alpha over all codes",
            source,
        )
    numbers.other_count("count_codes", len(codes), "Focus-group codes", source)

    # barriers met: pooled mean and % rating high
    source = str(inputs["describe"])
    describe = _read(inputs, "describe")
    for outcome in _outcome_rows(labels, settings["barriers"]):
        row = _one(describe, outcome=outcome, by=POOLED, group=POOLED)
        if row is None:
            continue
        name = labels.outcome(outcome)
        numbers.value(
            f"mean_{key_part(outcome)}",
            row["estimate"],
            decimals["mean"],
            f"Mean score, all respondents: {name}",
            source,
        )
        numbers.value(
            f"pct_high_{key_part(outcome)}",
            100 * _float(row["share_high"]),
            decimals["percent"],
            f"% rating it high (mean >= threshold): {name}",
            source,
            "%",
        )

    # across-case tests: significant effects
    source = str(inputs["across_cases"])
    tests = _read(inputs, "across_cases")
    tests = tests[tests["family"] == settings["across_family"]]
    by = key_part(str(tests["by"].iloc[0])) if len(tests) else "groups"
    significant = tests[tests["p_adj"].astype(float) < alpha]
    numbers.other_count(
        f"count_significant_across_{by}",
        len(significant),
        f"Scores differing across the {by} levels (adjusted p < {alpha})",
        source,
    )
    for row in significant.itertuples(index=False):
        what = f"Across-{by} effect size ({row.effect}) of {labels.outcome(row.outcome)}"
        numbers.effect(
            f"epsilon2_across_{by}_{key_part(row.outcome)}",
            pd.Series(row._asdict()),
            decimals["effect"],
            what,
            source,
        )

    # contrasts: significant primary effects
    for name, family in settings["contrasts"].items():
        source = str(inputs[f"contrast_{name}"])
        contrast = _read(inputs, f"contrast_{name}")
        primary = contrast[contrast["family"] == family]
        significant = primary[primary["p_adj"].astype(float) < alpha]
        numbers.other_count(
            f"count_significant_{key_part(name)}",
            len(significant),
            f"Scores with a {name} difference (adjusted p < {alpha})",
            source,
        )
        for row in significant.itertuples(index=False):
            what = (
                f"{row.contrast}: {row.effect} of {labels.outcome(row.outcome)} "
                "(positive: higher in the first)"
            )
            numbers.effect(
                f"r_{key_part(name)}_{key_part(row.outcome)}",
                pd.Series(row._asdict()),
                decimals["effect"],
                what,
                source,
            )

    # the staff factor
    source = str(inputs["staff"])
    staff = _read(inputs, "staff")
    spec = settings["staff"]
    models = staff[
        (staff["analysis"] == "standardised_ols")
        & staff["family"].isin([spec["family"], spec["covariate_family"]])
    ]
    for outcome in spec["outcomes"]:
        for term in [*spec["predictors"], *spec.get("covariates", [])]:
            row = _one(models, outcome=outcome, term=term)
            if row is None:
                continue
            what = f"Standardised coefficient of {row['term_label']} on {row['outcome_label']}"
            numbers.effect(
                f"beta_{key_part(outcome)}_{key_part(term)}", row, decimals["effect"], what, source
            )
            numbers.p(
                f"beta_{key_part(outcome)}_{key_part(term)}_p",
                row["p"],
                f"p (unadjusted) of: {what}",
                source,
            )
    if len(models):
        numbers.count(
            "n_staff_model",
            int(models["n"].max()),
            "Respondents in the staff-factor models",
            source,
        )

    # strategies used (pooled share of respondents)
    source = str(inputs["strategies"])
    strategies = _read(inputs, "strategies")
    for outcome in _outcome_rows(labels, settings["strategies"]):
        row = _one(strategies, analysis="strategy_use", outcome=outcome, by=POOLED, group=POOLED)
        if row is None:
            continue
        numbers.value(
            f"pct_used_{key_part(outcome)}",
            100 * _float(row["estimate"]),
            decimals["percent"],
            f"% of respondents using: {labels.score(outcome)}",
            source,
            "%",
        )

    # organisational vs citizen barriers
    source = str(inputs["barrier_sides"])
    sides = _read(inputs, "barrier_sides")
    row = _one(sides, by=POOLED, group=POOLED)
    if row is not None:
        numbers.effect(
            "r_barrier_sides",
            row,
            decimals["effect"],
            f"{row['contrast']}: matched-pairs rank-biserial r of the barriers met",
            source,
        )

    # joint display
    source = str(inputs["joint_correlation"])
    correlation = _read(inputs, "joint_correlation")
    for row in correlation.itertuples(index=False):
        group = POOLED if row.group == POOLED else row.group
        what = (
            "Spearman's rho of the survey and focus-group rankings of the barriers, "
            f"{labels.level(str(row.by), group) if row.by != POOLED else 'all cases'}"
        )
        numbers.effect(
            f"rho_joint_{key_part(group)}",
            pd.Series(row._asdict()),
            decimals["effect"],
            what,
            source,
        )
    return dict(sorted(numbers.entries.items()))


# --------------------------------------------------------------------------- the last check


def _scan_table(csv: Path, side: Path, min_cell: int) -> tuple[list[str], str]:
    """Problems with one published table, and a line for the report."""
    if not side.exists():
        return [f"{csv}: no disclosure sidecar {side}; declare its count columns"], ""
    meta = json.loads(side.read_text(encoding="utf-8"))
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    label_columns = [c for c in meta.get("row_label_columns", []) if c in frame.columns]
    problems: list[str] = []

    def where(i: int) -> str:
        label = ", ".join(frame.iloc[i][c] for c in label_columns if frame.iloc[i][c])
        return f"line {i + 2}" + (f" ({label})" if label else "")

    def count(text: str, i: int, column: str) -> float | None:
        if text.strip() == "":
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if math.isnan(value) or value != round(value) or value < 0:
            problems.append(f"{csv}: {where(i)}, column '{column}': '{text}' is not a count")
            return None
        return value

    declared = list(meta.get("count_columns", []))
    complements = dict(meta.get("complements", {}))
    missing = [
        c for c in [*declared, *complements, *complements.values()] if c not in frame.columns
    ]
    if missing:
        return [
            f"{csv}: the sidecar declares count column(s) {missing}, which the CSV does not have"
        ], ""
    checked = 0
    for column in declared:
        for i, text in enumerate(frame[column]):
            value = count(text, i, column)
            if value is None:
                continue
            checked += 1
            if 0 < value < min_cell:
                problems.append(
                    f"{csv}: {where(i)}, column '{column}': count {int(value)} is under the "
                    f"minimum cell size {min_cell}"
                )
    for part_column, total_column in complements.items():
        pairs = zip(frame[part_column], frame[total_column], strict=True)
        for i, (part, total) in enumerate(pairs):
            part_value = count(part, i, part_column)
            total_value = count(total, i, total_column)
            if part_value is None or total_value is None:
                continue
            rest = total_value - part_value
            if 0 < rest < min_cell:
                problems.append(
                    f"{csv}: {where(i)}, column '{total_column}' minus column '{part_column}': "
                    f"count {int(rest)} is under the minimum cell size {min_cell}"
                )
    masked = meta.get("masked_cells", {})
    line = (
        f"{csv}: {len(frame)} rows, {len(declared)} count column(s), {checked} visible "
        f"count(s) checked; masked cells: {masked.get('under_min_cell', 0)} under the "
        f"minimum, {masked.get('other', 0)} other"
    )
    return problems, line


def scan_published(
    tables: Sequence[tuple[str | Path, str | Path]],
    numbers: str | Path | None,
    min_cell: int,
) -> str:
    """Scan every published table and the numbers file for a count under ``min_cell``.

    Parameters
    ----------
    tables : sequence of (csv, sidecar)
        Each table CSV and its disclosure sidecar (``count_columns``,
        ``complements``: see the module's Decisions).
    numbers : path or None
        The numbers JSON: keys starting with ``n_`` are counts of people.
    min_cell : int
        Config ``disclosure.min_cell``: counts from 1 to ``min_cell - 1`` fail.

    Returns
    -------
    str
        A report of what was checked (one line per file).

    Raises
    ------
    SmallCellError
        Naming the file, the line (1 = header), the row's labels, the column and the
        count, for every count under the minimum; or a table without a sidecar, or a
        declared count column the CSV lacks.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.csv").write_text("Group,n\\nA,12\\nB,3\\n")
    >>> _ = (folder / "t.json").write_text(json.dumps(
    ...     {"count_columns": ["n"], "row_label_columns": ["Group"]}))
    >>> scan_published([(folder / "t.csv", folder / "t.json")], None, 5)
    Traceback (most recent call last):
    ...
    coprod.disclosure.SmallCellError: disclosure check failed: ...
    """
    problems: list[str] = []
    lines = [
        f"Disclosure check: counts of people from 1 to {min_cell - 1} fail "
        f"(config disclosure.min_cell = {min_cell}); masked (empty) cells pass."
    ]
    for csv, side in sorted(tables, key=lambda pair: str(pair[0])):
        found, line = _scan_table(Path(csv), Path(side), min_cell)
        problems += found
        if line:
            lines.append(line)
    if numbers is not None:
        entries = json.loads(Path(numbers).read_text(encoding="utf-8"))
        checked = 0
        for key, entry in sorted(entries.items()):
            if not key.startswith("n_") or entry.get("value") is None:
                continue
            checked += 1
            value = float(entry["value"])
            if 0 < value < min_cell:
                problems.append(
                    f"{numbers}: key '{key}': count {int(value)} is under the minimum cell "
                    f"size {min_cell}"
                )
        lines.append(f"{numbers}: {len(entries)} numbers, {checked} visible count(s) (n_*) checked")
    if problems:
        raise SmallCellError(
            f"disclosure check failed: {len(problems)} problem(s) with counts under the "
            f"minimum cell size {min_cell} (config disclosure.min_cell):\n  "
            + "\n  ".join(problems)
            + "\nPass every table through coprod.disclosure.suppress_small_cells (and declare "
            "its count columns in its .disclosure.json sidecar) before publishing it."
        )
    lines.append("Result: no visible count of people under the minimum cell size.")
    return "\n".join(lines) + "\n"
