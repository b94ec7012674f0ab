"""The paper's tables, the cited numbers and the disclosure check (coprod.exhibits).

The workflow tests read the session's run of the reduced study (``study_run``,
tests/conftest.py), or run Snakemake again in a copy of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from coprod.analyses.catalogue import score_catalogue, scores_of
from coprod.clean import STEPS
from coprod.exhibits.cited import CitedNumbers, p_phrase, table_cell
from coprod.exhibits.disclosure_check import scan_published
from coprod.exhibits.formatting import fmt_count, fmt_number
from coprod.exhibits.labels import Labels, slug
from coprod.exhibits.model import DASH, Column, Exhibit
from coprod.exhibits.protection import Protector, SmallCellError, protect_groups
from coprod.exhibits.rendering import (
    FORMS,
    latex_text,
    to_csv,
    to_html,
    to_latex,
    to_markdown,
    write_exhibit,
)
from coprod.exhibits.tables.table01_sample_composition import sample_composition
from coprod.exhibits.tables.table02_data_quality_flow import cumulative_mask
from tests.conftest import output, run

TABLES = "results/exhibits/tables"
EXHIBIT_RULES = [
    "table01_sample_composition",
    "table02_data_quality_flow",
    "table03_scale_reliability",
    "table04_intercoder_reliability",
    "table05_barriers_met",
    "table06_barriers_overcome_strategies",
    "table07_risks",
    "table08_service_classes",
    "table09_case_outcomes",
    "table10_staff_factor",
    "table11_stakeholder_groups",
    "table12_joint_display",
    "cited_numbers",
    "disclosure_check",
]
# Planted data-quality problems (truth.json) -> the exclusion step that removes them.
PLANTED_STEP = {
    "preview": "preview_test",
    "duplicate": "duplicate",
    "incomplete": "incomplete",
    "speeder": "speeder",
    "straightliner_careless": "straightliner",
    "attention_fail": "attention_fail",
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def published(study_run: Path) -> Path:
    """The session's run of the reduced study: every table, the numbers, the disclosure check."""
    return study_run


def csv(root: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(root / TABLES / f"{stem}.csv", dtype=str, keep_default_na=False)


def markdown_rows(root: Path, stem: str) -> list[list[str]]:
    """The body of a Markdown table: header, then rows, as lists of cell texts."""
    lines = (root / TABLES / f"{stem}.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in table]
    return [cells[0], *cells[2:]]


def sidecar(root: Path, stem: str) -> dict:
    return json.loads((root / TABLES / f"{stem}.disclosure.json").read_text())


# --------------------------------------------------------------------------- tables on the study


@pytest.mark.workflow
def test_table01_masks_the_small_cells_and_shows_no_count_under_min_cell(published, study, config):
    min_cell = config["disclosure"]["min_cell"]
    table = csv(published, "table01_sample_composition")
    rows = markdown_rows(published, "table01_sample_composition")
    scores = pd.read_parquet(published / "results/scoring/scores.parquet")
    groups = study.stakeholder_groups
    cases = study.cases
    counts = pd.crosstab(
        [scores["case"].astype(str), scores["sample"].astype(str)], scores["group_id"].astype(str)
    )
    small = [(c, s, g) for (c, s), row in counts.iterrows() for g, n in row.items() if 0 < n < 5]
    assert small, "the bundled study has small cells (e.g. politicians per case and sample)"
    header = rows[0]
    for case, sample, group in small:
        line = table.index[
            (table["Case"] == cases.loc[case, "label"]) & (table["Sample"] == sample)
        ][0]
        column = groups.loc[group, "label"]
        assert table.loc[line, column] == "", (case, sample, group)
        assert rows[1 + line][header.index(column)] == f"<{min_cell}"
    meta = sidecar(published, "table01_sample_composition")
    assert meta["masked_cells"]["under_min_cell"] == len(small)
    assert meta["masked_cells"]["other"] >= 1  # secondary suppression happened
    for column in meta["count_columns"]:
        values = pd.to_numeric(table[column].replace("", np.nan))
        assert not ((values > 0) & (values < min_cell)).any(), column
    # what is visible is right: the grand total is every included response
    grand = table[(table["Case"] == "All cases") & (table["Sample"] == "All")].iloc[0]
    assert int(grand["Total"]) == len(scores)
    assert int(grand["Focus groups"]) == 16


@pytest.mark.workflow
def test_table02_exclusions_equal_the_planted_problems(published, study, truth, config):
    min_cell = config["disclosure"]["min_cell"]
    table = csv(published, "table02_data_quality_flow")
    steps = ["received", *STEPS, "included", "flagged_kept"]
    assert len(table) == len(steps)
    table.index = steps
    planted = truth["quality_problems"]
    for problem, step in PLANTED_STEP.items():
        assert int(table.loc[step, "All cases"]) == truth["quality_problems_total"][problem]
        for case in study.cases.index:
            expected = sum(planted[sample][case][problem] for sample in planted)
            shown = table.loc[step, study.cases.loc[case, "label"]]
            if 0 < expected < min_cell:
                assert shown == "", (step, case)
            elif shown != "":  # visible, or masked to protect another cell
                assert int(shown) == expected, (step, case)
    assert (
        int(table.loc["flagged_kept", "All cases"])
        == truth["quality_problems_total"]["straightliner"]
    )
    received = sum(truth["design"]["responses_per_sample"].values())
    excluded = sum(truth["quality_problems_total"][problem] for problem in PLANTED_STEP)
    assert int(table.loc["received", "All cases"]) == received
    assert int(table.loc["included", "All cases"]) == received - excluded
    assert int(table.loc[STEPS[-1], "Remaining (all cases)"]) == received - excluded


@pytest.mark.workflow
def test_table03_flags_exactly_the_weak_scale(published, study, truth):
    table = csv(published, "table03_scale_reliability")
    pooled = table[table["Group"] == "All cases"]
    loadings = truth["loadings"]["by_score"]
    weak = min(loadings, key=loadings.get)
    catalogue = score_catalogue(study.codebook)
    label = f"{catalogue.loc[weak, 'label']} ({catalogue.loc[weak, 'measure']})"
    assert pooled.loc[pooled["Flag"] != "", "Scale"].tolist() == [label]
    assert float(pooled.loc[pooled["Scale"] == label, "α"].iloc[0]) < 0.70
    rows = markdown_rows(published, "table03_scale_reliability")
    alpha = rows[0].index("α [95% CI]")
    assert all(re.fullmatch(r"\d\.\d\d \[\d\.\d\d, \d\.\d\d\]", row[alpha]) for row in rows[1:])


@pytest.mark.workflow
def test_table04_flags_the_unreliable_code(published, study, truth, config):
    table = csv(published, "table04_intercoder_reliability")
    below = config["intercoder"]["unreliable_below"]
    planted = {
        code
        for code, spec in truth["focus_group_codes"].items()
        if spec["expected_krippendorff_alpha"] < below
    }
    labels = {study.focus_group_codes.loc[code, "label"] for code in planted}
    flagged = set(table.loc[table["Reliability"].str.startswith("unreliable"), "Code"])
    assert flagged == labels and len(labels) == 1
    assert len(table) == len(study.focus_group_codes) + 1  # and the row of all codes


@pytest.mark.workflow
def test_table08_shows_every_barrier_and_risk_with_effects(published, study, config):
    table = csv(published, "table08_service_classes")
    catalogue = score_catalogue(study.codebook)
    outcomes = scores_of(catalogue, config["compare"]["outcome_kinds"])
    assert len(table) == len(outcomes)
    shown = set(zip(table["Outcome"], table["Measure"], strict=True))
    expected = {
        (catalogue.loc[o, "label"], f"{catalogue.loc[o, 'kind']} {catalogue.loc[o, 'measure']}")
        for o in outcomes
    }
    assert {(a, b.lower()) for a, b in shown} == {(a, b.lower()) for a, b in expected}
    # Two service classes: one row per score, the pair (no omnibus row), as the note says.
    labels = study.service_classes["label"].tolist()
    assert (table["Comparison"] == " vs ".join(labels)).all() and (table["Test"] == "U").all()
    rows = markdown_rows(published, "table08_service_classes")
    header = rows[0]
    assert "Comparison" not in header  # printed once, in the note
    effect = header.index("Effect [95% CI]")
    p_adj = next(i for i, h in enumerate(header) if h.startswith("p ("))
    number = r"-?\d\.\d\d"
    assert all(re.fullmatch(rf"r = {number} \[{number}, {number}\]", r[effect]) for r in rows[1:])
    assert "<0.001" in [r[p_adj] for r in rows[1:]]
    assert all(re.fullmatch(r"<0\.001|[01]\.\d\d\d", r[p_adj]) for r in rows[1:])
    level = header.index("Relational services: mean or % (n)")
    assert all(re.fullmatch(r"\d+\.\d+%? \(\d+\)", r[level]) for r in rows[1:])
    note = (published / TABLES / "table08_service_classes.md").read_text(encoding="utf-8")
    assert "With two levels the test across the levels asks the same question" in note


@pytest.mark.workflow
def test_tables_5_and_11_show_the_omnibus_row_then_every_pair(published, study, config):
    cases, groups = list(study.cases.index), list(study.stakeholder_groups.index)
    table5 = csv(published, "table05_barriers_met")
    block = 1 + len(cases) * (len(cases) - 1) // 2
    assert len(table5) == 9 * block  # 9 barriers: the test across the cases, then 6 pairs
    assert table5["Comparison"].tolist()[:2] == [
        f"All {len(cases)} cases",
        f"{study.cases.loc[cases[0], 'label']} vs {study.cases.loc[cases[1], 'label']}",
    ]
    assert table5["Test"].tolist()[:2] == ["H", "U"]
    table11 = csv(published, "table11_stakeholder_groups")
    block = 1 + len(groups) * (len(groups) - 1) // 2
    outcomes = scores_of(score_catalogue(study.codebook), config["compare"]["outcome_kinds"])
    assert len(table11) == len(outcomes) * block
    first = table11.iloc[::block]
    assert (first["Comparison"] == f"All {len(groups)} levels").all()
    label = study.stakeholder_groups.loc[groups[0], "label"]
    pairs = table11.iloc[1::block]
    assert (first[f"{label}: n"] != "").any() and (pairs[f"{label}: n"] == "").all()
    assert set(pairs["Correction"]) == {"Benjamini-Hochberg"}


@pytest.mark.workflow
def test_table11_masks_small_groups_and_every_table_has_booktabs(published):
    meta = sidecar(published, "table11_stakeholder_groups")
    assert meta["masked_cells"]["under_min_cell"] > 0
    assert "–" in (published / TABLES / "table11_stakeholder_groups.md").read_text()
    stems = sorted(path.stem for path in (published / TABLES).glob("*.tex"))
    assert len(stems) == 15
    for stem in stems:
        latex = (published / TABLES / f"{stem}.tex").read_text(encoding="utf-8")
        for rule in (r"\toprule", r"\midrule", r"\bottomrule", rf"\label{{tab:{stem}}}"):
            assert rule in latex, (stem, rule)
        assert not re.search(r"(?<!\\)[%<]|–", latex), stem  # escaped for LaTeX


@pytest.mark.workflow
def test_outputs_equal_a_fresh_build_byte_for_byte(published, study, config):
    inputs = {
        "scores": published / "results/scoring/scores.parquet",
        "segments": published / "results/ingest/focus_group_segments.parquet",
    }
    (exhibit,) = sample_composition(study, inputs, {"min_cell": config["disclosure"]["min_cell"]})
    stem = published / TABLES / exhibit.stem
    assert to_csv(exhibit, config["exhibits"]["csv_digits"]) == Path(f"{stem}.csv").read_text()
    assert to_markdown(exhibit) == Path(f"{stem}.md").read_text(encoding="utf-8")
    assert to_latex(exhibit) == Path(f"{stem}.tex").read_text(encoding="utf-8")
    assert to_html(exhibit) == Path(f"{stem}.html").read_text(encoding="utf-8")


@pytest.mark.workflow
def test_a_higher_min_cell_masks_more_and_the_scan_agrees(published, study, tmp_path):
    inputs = {
        "scores": published / "results/scoring/scores.parquet",
        "segments": published / "results/ingest/focus_group_segments.parquet",
    }
    (strict,) = sample_composition(study, inputs, {"min_cell": 30})
    (usual,) = sample_composition(study, inputs, {"min_cell": 5})
    assert strict.masked.to_numpy().sum() > usual.masked.to_numpy().sum()
    files = {form: tmp_path / f"t.{form}" for form in FORMS}
    write_exhibit(strict, **files)
    assert "no visible count" in scan_published([(files["csv"], files["disclosure"])], None, 30)
    write_exhibit(usual, **files)
    with pytest.raises(SmallCellError, match="under the minimum cell size 30"):
        scan_published([(files["csv"], files["disclosure"])], None, 30)


# --------------------------------------------------------------------------- numbers


@pytest.mark.workflow
def test_numbers_tex_defines_every_key_and_counts_agree(published, truth, study):
    numbers = json.loads((published / "results/exhibits/numbers.json").read_text())
    latex = (published / "results/exhibits/numbers.tex").read_text(encoding="utf-8")
    defined = re.findall(r"\\csname coprod@([A-Za-z0-9_]+)\\endcsname\{", latex)
    assert sorted(defined) == sorted(numbers)
    for key, entry in numbers.items():
        assert (published / entry["source"]).exists(), key
        assert entry["key"] == key and entry["text"]
    assert numbers["n_included"]["value"] == 736
    assert numbers["n_received"]["value"] == sum(truth["design"]["responses_per_sample"].values())
    for problem, step in PLANTED_STEP.items():
        assert numbers[f"n_excluded_{step}"]["value"] == truth["quality_problems_total"][problem]
    loadings = truth["loadings"]["by_score"]
    weak = min(loadings, key=loadings.get)
    labels = Labels(study)
    weak = slug(labels.outcome(weak))
    assert numbers[f"alpha_{weak}"]["text"] == numbers["alpha_lowest"]["text"]
    assert re.fullmatch(r"\[\d\.\d\d, \d\.\d\d\]", numbers[f"alpha_{weak}_ci"]["text"])
    codes = truth["focus_group_codes"]
    unreliable = min(codes, key=lambda code: codes[code]["expected_krippendorff_alpha"])
    assert numbers[f"kalpha_{slug(labels.code(unreliable))}"]["value"] < 0.667
    assert any(key.startswith("r_service_class_") for key in numbers)


def printed_table(root: Path, stem: str) -> tuple[list[str], list[list[str]]]:
    """A Markdown table's header and rows as a reader reads them: a row label printed once
    for its block of rows (a blank left-aligned cell) counts for every row of the block."""
    lines = [
        line
        for line in (root / TABLES / f"{stem}.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]
    cells = [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
    header, align, body = cells[0], cells[1], cells[2:]
    labels = [i for i, mark in enumerate(align) if not mark.endswith(":")]
    for above, row in zip(body, body[1:], strict=False):
        for i in labels:
            row[i] = row[i] or above[i]
    return header, body


def cell_text(root: Path, cell: dict) -> str:
    """The text a table prints in the cell an entry of numbers.json names."""
    header, body = printed_table(root, cell["table"])
    assert cell["column"] in header, (cell, header)
    rows = [row for row in body if all(label in row for label in cell["row"])]
    assert rows, f"no row of {cell['table']} has the labels {cell['row']}"
    return rows[0][header.index(cell["column"])]


@pytest.mark.workflow
def test_every_cited_number_is_printed_in_the_cell_it_names(published):
    numbers = json.loads((published / "results/exhibits/numbers.json").read_text())
    in_tables = 0
    for key, entry in numbers.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key
        text, sentence = entry["text"], entry["sentence"]
        assert text in sentence or p_phrase(text) in sentence, key  # "<0.001": "p < 0.001"
        cell = entry["cell"]
        if "records" in cell:
            assert (published / cell["records"]).is_file(), key
            continue
        printed = cell_text(published, cell)
        expected = entry["text"]
        if expected.endswith("%") and "%" in cell["column"]:
            expected = expected.removesuffix("%")  # the header says the column is in %
        if expected == "masked":
            expected = DASH
        assert expected in printed, (key, cell, printed)
        in_tables += 1
    assert in_tables > len(numbers) / 2


@pytest.mark.workflow
def test_the_key_list_of_docs_numbers_is_in_step_with_the_study(published):
    """docs/numbers.md lists every key the study's run writes (python -m coprod.numbers_page)."""
    from coprod.numbers_page import update

    numbers = published / "results/exhibits/numbers.json"
    assert not update(numbers, check=True), "docs/numbers.md: run python -m coprod.numbers_page"
    page = (Path(__file__).resolve().parents[1] / "docs/numbers.md").read_text(encoding="utf-8")
    for key in json.loads(numbers.read_text()):
        assert f"| `{key}` |" in page


def test_the_key_list_needs_a_run_and_says_so(tmp_path, capsys):
    from coprod.numbers_page import main

    missing = tmp_path / "numbers.json"
    assert main(["--check", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{missing}: not found. Run the bundled study first (make study), or name another "
        "numbers.json."
    )


def test_a_cited_key_made_twice_or_unreadable_is_refused_naming_both_numbers():
    numbers = CitedNumbers(min_cell=5, percent_digits=1)
    cell = table_cell("table03", ["Trust (met)"], "n")
    numbers.value(
        "alpha_trust_met", 0.8, 2, "alpha of Trust (met)", "r.parquet", sentence="", cell=cell
    )
    with pytest.raises(ValueError) as error:
        numbers.value(
            "alpha_trust_met", 0.7, 2, "alpha of Trust: met", "r.parquet", sentence="", cell=cell
        )
    assert str(error.value) == (
        "cited number key 'alpha_trust_met' is made twice: for 'alpha of Trust (met)' and for "
        "'alpha of Trust: met'; give the resources they are named from distinct labels"
    )
    with pytest.raises(ValueError) as error:
        numbers.value("Alpha-B1", 0.7, 2, "alpha of B1", "r.parquet", sentence="", cell=cell)
    assert str(error.value) == (
        "cited number key 'Alpha-B1' (alpha of B1): keys are lower-case letters, digits and "
        "underscores, from a letter; relabel the resource it is named from"
    )
    assert slug("Trust (met)") == slug("Trust: met") == "trust_met"


def test_an_effect_shares_one_sentence_and_a_small_count_is_masked_in_its_sentence():
    numbers = CitedNumbers(min_cell=5, percent_digits=1)
    row = pd.Series(
        {"estimate": 0.284, "ci_low": 0.21, "ci_high": 0.362, "p_adj": 0.0004, "correction": "Holm"}
    )
    cell = table_cell("table08", ["Trust", "Barrier met"], "Effect [95% CI]")
    p_cell = table_cell("table08", ["Trust", "Barrier met"], "p (Holm)")
    numbers.effect(
        "r_x_trust",
        row,
        2,
        "r of trust",
        "c.parquet",
        subject="The r of trust,",
        cell=cell,
        p_cell=p_cell,
    )
    sentence = "The r of trust, was 0.28 [0.21, 0.36] (Holm-adjusted p < 0.001)."
    assert [
        numbers.entries[k]["sentence"] for k in ("r_x_trust", "r_x_trust_ci", "r_x_trust_padj")
    ] == [sentence] * 3
    assert [
        numbers.entries[k]["text"] for k in ("r_x_trust", "r_x_trust_ci", "r_x_trust_padj")
    ] == ["0.28", "[0.21, 0.36]", "<0.001"]
    assert numbers.entries["r_x_trust_padj"]["cell"] == p_cell
    numbers.count("n_few", 3, "Few", "f.parquet", sentence="{text} were few.", cell=cell)
    assert (numbers.entries["n_few"]["value"], numbers.entries["n_few"]["sentence"]) == (
        None,
        "<5 were few.",
    )


def test_printed_table_carries_a_block_label_down_to_the_rows_under_it(tmp_path):
    folder = tmp_path / TABLES
    folder.mkdir(parents=True)
    (folder / "t.md").write_text(
        "**Table 1.** T\n\n| Barrier | Comparison | p |\n|:--|:--|--:|\n"
        "| Trust | All | 0.010 |\n|  | A vs B | 0.020 |\n|  | A vs C |  |\n",
        encoding="utf-8",
    )
    header, body = printed_table(tmp_path, "t")
    assert body == [
        ["Trust", "All", "0.010"],
        ["Trust", "A vs B", "0.020"],
        ["Trust", "A vs C", ""],
    ]
    cell = {"table": "t", "row": ["Trust", "A vs B"], "column": "p"}
    assert cell_text(tmp_path, cell) == "0.020"


# --------------------------------------------------------------------------- the last check


@pytest.mark.workflow
def test_disclosure_check_stops_the_run_on_a_planted_small_count(run_copy):
    root = run_copy
    path = root / TABLES / "table01_sample_composition.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "Frontline staff"] = "3"  # a visible count under the threshold
    table.to_csv(path, index=False, lineterminator="\n")
    result = run(
        root, "--allowed-rules", "disclosure_check", "--", "results/exhibits/disclosure_check.txt"
    )
    assert result.returncode != 0
    message = (
        f"{TABLES}/table01_sample_composition.csv: line 2 (Case A (city), City, Succeeded, "
        "1), column 'Frontline staff': count 3 is under the minimum cell size 5"
    )
    assert message in result.stderr
    assert message in (root / "logs/exhibits/disclosure_check.log").read_text()
    assert not (root / "results/exhibits/disclosure_check.txt").exists()


@pytest.mark.workflow
def test_changing_min_cell_reruns_every_table(published, tmp_path):
    stricter = tmp_path / "stricter.yaml"
    stricter.write_text("disclosure:\n  min_cell: 10\n")
    target = "results/exhibits/disclosure_check.txt"
    unchanged = run(published, "--dry-run", "--allowed-rules", *EXHIBIT_RULES, "--", target)
    assert "Nothing to be done" in unchanged.stdout + unchanged.stderr
    result = run(
        published,
        "--dry-run",
        "--allowed-rules",
        *EXHIBIT_RULES,
        "--configfile",
        str(published / "config" / "config.yaml"),
        str(stricter),
        "--",
        target,
    )
    assert result.returncode == 0, output(result)
    for rule in EXHIBIT_RULES:
        assert re.search(rf"rule {rule}:", result.stdout), rule
    assert "Params have changed" in result.stdout


# --------------------------------------------------------------------------- units


def test_scan_names_file_line_row_column_and_count(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("Group,n,yes (n)\nFirst,12,10\nSecond,3,\nThird,40,38\n")
    side = tmp_path / "t.disclosure.json"
    side.write_text(
        json.dumps(
            {
                "count_columns": ["n", "yes (n)"],
                "complements": {"yes (n)": "n"},
                "row_label_columns": ["Group"],
            }
        )
    )
    numbers = tmp_path / "numbers.json"
    numbers.write_text(json.dumps({"n_small": {"value": 2}, "count_things": {"value": 1}}))
    with pytest.raises(SmallCellError) as raised:
        scan_published([(table, side)], numbers, 5)
    text = str(raised.value)
    assert f"{table}: line 3 (Second), column 'n': count 3 is under the minimum cell size 5" in text
    assert f"{table}: line 2 (First), column 'n' minus column 'yes (n)': count 2" in text
    assert f"{table}: line 4 (Third), column 'n' minus column 'yes (n)': count 2" in text
    assert f"{numbers}: key 'n_small': count 2" in text
    assert "count_things" not in text
    assert "4 problem(s)" in text


def test_scan_fails_on_a_table_without_sidecar(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("Group,n\nA,40\n")
    with pytest.raises(SmallCellError, match="no disclosure sidecar"):
        scan_published([(table, tmp_path / "missing.json")], None, 5)


def test_protector_masks_a_share_its_complement_and_a_protecting_cell():
    def counts(*values):
        return pd.array(values, dtype="Int64")

    table = pd.DataFrame(
        {
            "A: n": counts(30, 40),
            "A: yes (n)": counts(28, 20),
            "A: %": [93.3, 50.0],
            "B: n": counts(10, 3),
            "B: yes (n)": counts(5, 1),
            "B: %": [50.0, 33.3],
            "C: n": counts(50, 40),
            "C: yes (n)": counts(25, 20),
            "C: %": [50.0, 50.0],
            "All: n": counts(90, 83),
            "All: yes (n)": counts(58, 41),
            "All: %": [64.4, 49.4],
        }
    )
    protector = Protector(table, 5)
    protect_groups(
        protector,
        table.index,
        ["A", "B", "C"],
        "All",
        n=lambda g: f"{g}: n",
        n_derived=lambda g: [],
        k=lambda g: f"{g}: yes (n)",
        k_derived=lambda g: [f"{g}: %"],
    )
    masked = protector.masked
    # row 0: A's no-count 30 - 28 = 2 is small: its share goes, and B's (the smallest
    # other no-count) so that the pooled no-count does not give A's back; every n stays
    assert masked.loc[0, ["A: yes (n)", "A: %", "B: yes (n)", "B: %"]].all()
    assert not masked.loc[0, ["A: n", "B: n", "C: n", "C: yes (n)", "All: n"]].any()
    # row 1: B's n is 3: masked with its share, and A's n (the first smallest) with it
    assert masked.loc[1, ["B: n", "B: yes (n)", "B: %", "A: n", "A: %"]].all()
    assert not masked.loc[1, ["C: n", "C: %", "All: n"]].any()
    small = protector.small(["A: n", "B: n", "A: yes (n)"])
    assert small.loc[1, "B: n"] and not small.loc[1, "A: n"]
    assert not small.loc[0, "A: yes (n)"]  # masked for its complement: shown as "–"


def test_rendering_masks_and_latex_escapes():
    table = pd.DataFrame({"Group": ["A", "B"], "n": pd.array([12, 3], dtype="Int64")})
    table["mean"] = [2.5, -1.25]
    protector = Protector(table, 5)
    protector.protect(table.index, ["n"], derived={"n": ["mean"]})
    exhibit = protector.exhibit(
        stem="t",
        number="1",
        title="A & B: 50% <",
        columns=[
            Column("Group", ("Group",), numeric=False),
            Column("n", ("n",), fmt_count),
            Column("ε² mean", ("mean",), fmt_number(2)),
        ],
        counts=["n"],
    )
    cells = exhibit.rendered()
    assert cells.loc[1].tolist() == ["B", "<5", "–"]
    assert cells.loc[0].tolist() == ["A", "12", "2.50"]
    assert to_csv(exhibit).splitlines() == ["Group,n,mean", "A,12,2.5", "B,,"]
    latex = to_latex(exhibit)
    assert r"\caption{A \& B: 50\% \textless{}}" in latex
    assert r"$\varepsilon^2$ mean" in latex and r"\textless{}5 & --" in latex
    assert latex_text("[-0.10, 0.20]") == "[$-$0.10, 0.20]"
    assert latex_text("Co-design") == "Co-design"
    page = to_html(exhibit)
    assert '<p class="caption" id="t-caption"><b>Table 1.</b> A &amp; B: 50% &lt;</p>' in page
    assert '<table id="t" aria-labelledby="t-caption">' in page
    assert '<th class="num" scope="col">ε² mean</th>' in page
    row = '<tr><td class="text">B</td><td class="num">&lt;5</td><td class="num">–</td></tr>'
    assert row in page


def test_html_tables_keep_blocks_and_notes():
    table = pd.DataFrame({"Block": ["x", "x", "y"], "v": [1.0, 2.0, 3.0]})
    exhibit = Exhibit(
        "t",
        "6a",
        "Blocks",
        table,
        [Column("Block", ("Block",), numeric=False), Column("v", ("v",), fmt_number(1))],
        notes=["First note.", "Second <note>."],
        section="Block",
    )
    page = to_html(exhibit)
    assert page.count("<tbody>") == 2
    assert '<p class="note"><em>Note.</em> First note. Second &lt;note&gt;.</p>' in page
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page


def test_cumulative_remaining_mask():
    assert cumulative_mask([False, False]) == [False, False]
    assert cumulative_mask([True, False, True]) == [True, True, False]
    assert cumulative_mask([True, True, True]) == [True, True, False]


@pytest.mark.workflow
def test_numbers_mask_a_count_that_would_reveal_a_small_one(published, study):
    """With a small exclusion count, the included count of that sample is masked too (the
    received total minus it would give the small count away), and so is a second step of
    the exclusions (the steps add up to the total excluded), as figure 7 does."""
    from coprod.exhibits.numbers import cited_numbers
    from coprod.exhibits.registry import NUMBERS

    config = yaml.safe_load((published / "results/provenance/config.yaml").read_text())
    inputs = {key: published / path for key, path in NUMBERS.inputs(config).items()}
    usual = cited_numbers(study, inputs, NUMBERS.settings(config))
    excluded = usual["n_excluded_sample_1"]["value"]
    steps = sorted(
        (entry["value"], key)
        for key, entry in usual.items()
        if key.startswith("n_excluded_")
        and not key.startswith("n_excluded_sample")
        and entry["value"]
    )
    assert excluded > 0 and len(steps) >= 2
    config["disclosure"]["min_cell"] = excluded + 1
    strict = cited_numbers(study, inputs, NUMBERS.settings(config))
    assert strict["n_excluded_sample_1"]["text"] == f"<{excluded + 1}"
    assert strict["n_included_sample_1"]["text"] == "masked"
    assert strict["n_included_sample_1"]["value"] is None
    assert strict["n_received_sample_1"]["value"] == usual["n_received_sample_1"]["value"]
    smallest, key = steps[0]
    config["disclosure"]["min_cell"] = smallest + 1
    strict = cited_numbers(study, inputs, NUMBERS.settings(config))
    assert strict[key]["text"] == f"<{smallest + 1}"
    hidden = [other for _, other in steps[1:] if strict[other]["value"] is None]
    assert hidden, "a second step must be masked, or the total would reveal the small one"
