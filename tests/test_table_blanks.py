"""Tables with nothing unexplained: every blank cell has a mark and a footnote, every mean
its n, every column its explanation (issue 14).

The workflow tests read the session's run of the reduced study (``study_run``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from coprod.exhibits.formatting import fmt_count, fmt_number
from coprod.exhibits.labels import Labels
from coprod.exhibits.model import Blank, Column, Exhibit
from coprod.exhibits.rendering import to_markdown

TABLES = Path("results/exhibits/tables")


def markdown(root: Path, stem: str) -> tuple[list[str], list[bool], list[list[str]], str]:
    """A Markdown table: headers, which columns are numeric (right-aligned), rows, note."""
    lines = (root / TABLES / f"{stem}.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table]
    numeric = [align.endswith(":") and not align.startswith(":") for align in cells[1]]
    note = next((line for line in lines if line.startswith("*Note.*")), "")
    return cells[0], numeric, cells[2:], note


def sidecar(root: Path, stem: str) -> dict:
    return json.loads((root / TABLES / f"{stem}.disclosure.json").read_text(encoding="utf-8"))


def stems(root: Path) -> list[str]:
    return sorted(path.name[: -len(".md")] for path in (root / TABLES).glob("*.md"))


# --------------------------------------------------------------------------- the model


def _exhibit(blanks: list[Blank]) -> Exhibit:
    table = pd.DataFrame({"Group": ["A", "All"], "n": [12, 30], "r": [0.25, None]})
    columns = [
        Column("Group", ("Group",), numeric=False),
        Column("n", ("n",), fmt_count),
        Column("r", ("r",), fmt_number(2)),
    ]
    return Exhibit("t", "1", "Groups", table, columns, notes=["Groups."], blanks=blanks)


def test_a_blank_without_a_reason_is_listed_and_one_with_a_reason_is_marked():
    assert _exhibit([]).unexplained() == [(1, "r")]
    exhibit = _exhibit([Blank("not_applicable", "r is not pooled", ("r",), (1,))])
    assert exhibit.unexplained() == []
    assert exhibit.rendered()["r"].tolist() == ["0.25", "n/a"]
    assert exhibit.notes == ["Groups.", "n/a: not applicable (r is not pooled)."]
    assert exhibit.blank_summary() == [
        {
            "kind": "not_applicable",
            "mark": "n/a",
            "cells": 1,
            "footnote": "n/a: not applicable (r is not pooled).",
        }
    ]
    assert to_markdown(exhibit).splitlines()[-1] == (
        "*Note.* Groups. n/a: not applicable (r is not pooled)."
    )


def test_a_blank_that_explains_no_cell_adds_no_footnote():
    exhibit = _exhibit([Blank("not_estimable", "too few answers", ("r",), (0,))])
    assert exhibit.notes == ["Groups."]
    assert exhibit.unexplained() == [(1, "r")]


def test_a_blank_of_an_unknown_kind_or_column_is_refused():
    with pytest.raises(ValueError) as error:
        Blank("unknown", "why", ("r",))
    assert str(error.value) == (
        "Blank kind 'unknown': use one of ['in_block', 'not_applicable', 'not_estimable']"
    )
    with pytest.raises(ValueError) as error:
        _exhibit([Blank("not_applicable", "why", ("R",))])
    assert str(error.value) == "t: blanks name ['R'], which are not printed"


# --------------------------------------------------------------------------- on the study


@pytest.mark.workflow
def test_every_blank_cell_of_every_table_is_marked_and_explained(study_run):
    masking = "Counts of people from 1 to"
    seen = set()
    for stem in stems(study_run):
        headers, numeric, rows, note = markdown(study_run, stem)
        declared = sidecar(study_run, stem)["blank_cells"]
        for blank in declared:
            assert blank["footnote"] in note, (stem, blank)
            seen.add(blank["kind"])
        by_mark: dict[str, int] = {}
        for blank in declared:
            by_mark[blank["mark"]] = by_mark.get(blank["mark"], 0) + blank["cells"]
        for mark in ("n/a", "n.e."):
            printed = sum(cell == mark for row in rows for cell in row)
            assert printed == by_mark.get(mark, 0), (stem, mark)
        empty = sum(
            cell == ""
            for row in rows
            for cell, is_number in zip(row, numeric, strict=True)
            if is_number
        )
        assert empty == by_mark.get("", 0), (stem, headers)
        if any(cell == "–" or re.fullmatch(r"<\d+", cell) for row in rows for cell in row):
            assert masking in note, stem
    assert seen == {"not_applicable", "not_estimable", "in_block"}


@pytest.mark.workflow
def test_table04_all_codes_row_gives_the_turns_and_says_what_it_pools(study_run, study):
    source = pd.read_parquet(study_run / "results/reliability/intercoder_reliability.parquet")
    per_code = source[source["code"].isin(study.focus_group_codes.index)]
    turns = int(per_code["n_units"].max())
    pooled = int(source.loc[~source["code"].isin(study.focus_group_codes.index), "n_units"].iloc[0])
    assert pooled == len(per_code) * turns  # what the row showed before: codes x turns
    headers, _, rows, note = markdown(study_run, "table04_intercoder_reliability")
    last = dict(zip(headers, rows[-1], strict=True))
    assert (last["Code"], last["Kind"], last["Turns"]) == ("All codes", "n/a", str(turns))
    assert (
        f"All codes: α and Cohen's κ pooled over {pooled:,} decisions, each code judged on "
        f"each turn ({len(per_code)} codes × {turns:,} turns)."
    ) in note
    assert turns == 921 and pooled == 26709


@pytest.mark.workflow
def test_table05_side_column_is_named_and_explained(study_run, study):
    headers, _, rows, note = markdown(study_run, "table05_barriers_met")
    assert headers[:3] == ["Barrier", "Barrier side", "Comparison"]
    sides = sorted({str(s).lower() for s in Labels(study).catalogue["side"].dropna()})
    assert sorted({row[1].lower() for row in rows if row[1]}) == sides
    assert (
        "Barrier side: the side of the co-production relationship the barrier lies on, as the "
        f"codebook classes it ({' or '.join(sides)})."
    ) in note


@pytest.mark.workflow
def test_tables_8_and_9_give_each_group_its_n_and_they_add_up(study_run):
    for stem in ("table08_service_classes", "table09_case_outcomes"):
        headers, _, rows, _ = markdown(study_run, stem)
        groups = [i for i, h in enumerate(headers) if h.endswith(": mean or % (n)")]
        assert len(groups) == 2, stem
        n = headers.index("n")
        for row in rows:
            parts = [re.fullmatch(r".* \((\d+)\)", row[i]) for i in groups]
            assert all(parts), (stem, row)
            assert sum(int(p.group(1)) for p in parts) == int(row[n]), (stem, row)


@pytest.mark.workflow
def test_partial_r_and_omega_blanks_say_why(study_run):
    headers, _, rows, note = markdown(study_run, "table10_staff_factor")
    role, partial = headers.index("Role"), headers.index("Partial r")
    assert {row[partial] for row in rows if row[role] == "Covariate"} == {"n/a"}
    assert "n/a" not in {row[partial] for row in rows if row[role] == "Predictor"}
    assert "n/a: not applicable (partial r is computed for the predictors only)." in note
    headers, _, rows, note = markdown(study_run, "table03_scale_reliability")
    items, omega = headers.index("Items"), headers.index("ω total")
    assert {row[omega] == "n.e." for row in rows} == {True, False}
    assert all((row[omega] == "n.e.") == (int(row[items]) < 3) for row in rows)
    assert "n.e.: not estimable (a one-factor model of fewer than 3 items is not identified)." in (
        note
    )


@pytest.mark.workflow
def test_table07_gives_each_managed_mean_its_n(study_run):
    source = pd.read_parquet(study_run / "results/compare/risks.parquet")
    headers, _, rows, note = markdown(study_run, "table07_risks")
    columns = [i for i, h in enumerate(headers) if h.endswith(": managed mean (SD), n")]
    assert len(columns) == 5
    printed = [
        int(m.group(1))
        for row in rows
        for i in columns
        if (m := re.search(r", n = (\d+)$", row[i]))
    ]
    managed = source[source["analysis"] == "managed"]
    assert set(printed) <= set(managed["n"].astype(int))
    assert len(printed) == sum(1 for row in rows for i in columns if row[i] not in ("–",))
    assert "(n: how many)" in note


@pytest.mark.workflow
def test_numbers_tex_names_the_module_that_writes_it(study_run):
    first = (study_run / "results/exhibits/numbers.tex").read_text(encoding="utf-8").splitlines()[0]
    assert first == (
        "% The numbers the paper cites, written by the pipeline (coprod.exhibits.numbers). "
        "Do not edit."
    )


@pytest.mark.workflow
def test_tables_5_6a_6b_and_7_give_each_groups_mean_or_share_its_n_and_they_add_up(
    study_run, study
):
    """Per case, every mean and every % is printed with its n; the cases' n add up to the
    pooled n, which is the table's n column."""
    groups = len(study.cases) + 1
    patterns = {
        "table05_barriers_met": (": mean (SD), n", r"\d+\.\d\d \(\d+\.\d\d\), n = (\d+)"),
        "table06a_barriers_overcome": (": % overcome (n)", r"\d+\.\d \((\d+)\)"),
        "table06b_strategies_used": (": % used (n)", r"\d+\.\d \((\d+)\)"),
        "table07_risks": (": % experienced (n)", r"\d+\.\d \((\d+)\)"),
    }
    for stem, (suffix, pattern) in patterns.items():
        headers, _, rows, note = markdown(study_run, stem)
        columns = [i for i, header in enumerate(headers) if header.endswith(suffix)]
        assert len(columns) == groups, (stem, headers)
        n = headers.index("n")
        checked, first_rows = 0, 0
        for row in rows:
            if not row[n]:
                continue  # table 5: a pair's row, under its barrier's first row
            first_rows += 1
            found = [re.fullmatch(pattern, row[i]) for i in columns]
            if not all(found):
                assert any(row[i] == "–" for i in columns), (stem, row)  # masked with a count
                continue
            counts = [int(match.group(1)) for match in found]
            assert counts[-1] == int(row[n]) and sum(counts[:-1]) == counts[-1], (stem, row)
            checked += 1
        assert checked >= first_rows / 2, stem
        assert "the respondents who answered" in note or "in parentheses" in note, stem
